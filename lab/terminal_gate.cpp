#include "terminal_gate.hpp"

#include <fmt/format.h>
#include <poll.h>

#include <algorithm>
#include <chrono>
#include <thread>

namespace tcplab {
namespace {}  // namespace

TerminalGate::TerminalGate(const Language& language, std::optional<GateScript> script, std::FILE* in, std::FILE* out)
    : language_(language), script_(std::move(script)), in_(in), out_(out) {}

const StepOutcome& TerminalGate::run_step(LessonRun& run) {
    run.begin_step();
    while (true) {
        if (run.poll()) break;
        if (run.wire() && !run.wire()->held().empty()) decide(run);
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return run.outcomes().back();
}

void TerminalGate::decide(LessonRun& run) {
    Wire& wire = *run.wire();
    const std::vector<HeldPacket> held = wire.held();
    if (release_everything_) {
        wire.release_all(WireActor::Student);
        return;
    }
    if (script_) {
        for (const GateMove& move : plan_gate_moves(held, *script_, waiting_behind_)) {
            if (move.decision == GateDecision::Drop)
                wire.drop(move.segment, WireActor::Lesson);
            else
                wire.release(move.segment, WireActor::Lesson);
        }
        // Wait for the relay to act on these before planning again.
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        return;
    }
    for (const HeldPacket& packet : held) {
        if (std::find(asked_.begin(), asked_.end(), packet.segment) != asked_.end()) continue;
        ask(run, packet);
        if (release_everything_) return;
    }
}

std::string TerminalGate::describe(const LessonRun& run, const HeldPacket& packet) const {
    const DecodedPacket decoded = decode_frame(LinkType::Raw, packet.bytes);
    const Trace& trace = run.trace();
    const std::string from =
        language_.text(packet.direction == WireDirection::ToServer ? "actor.client" : "actor.server");
    const std::string to =
        language_.text(packet.direction == WireDirection::ToServer ? "actor.server" : "actor.client");
    // Relative numbers, as everywhere else, once the connection's ISNs are known.
    uint32_t seq = decoded.tcp.seq;
    uint32_t ack = decoded.tcp.ack;
    for (const Connection& connection : trace.connections()) {
        const bool to_server =
            decoded.source_endpoint() == connection.client && decoded.destination_endpoint() == connection.server;
        const bool to_client =
            decoded.source_endpoint() == connection.server && decoded.destination_endpoint() == connection.client;
        if (!to_server && !to_client) continue;
        seq -= to_server ? connection.client_base : connection.server_base;
        if (decoded.tcp.flags & tcp_flag::Ack) ack -= to_server ? connection.server_base : connection.client_base;
    }
    std::string text = fmt::format("{} → {}  {}  seq={}", from, to, flags_label(decoded.tcp.flags), seq);
    if (decoded.tcp.flags & tcp_flag::Ack) text += fmt::format(" ack={}", ack);
    return text + fmt::format(" len={}", decoded.payload_length);
}

std::optional<char> TerminalGate::read_answer(LessonRun& run) {
    // Keep draining events while the student thinks, so nothing piles up.
    const int fd = fileno(in_);
    while (true) {
        pollfd waiting{fd, POLLIN, 0};
        const int ready = ::poll(&waiting, 1, 20);
        run.poll();
        if (ready < 0) return std::nullopt;
        if (ready == 0) continue;
        char line[64] = {};
        if (!std::fgets(line, sizeof line, in_)) return std::nullopt;
        for (char c : std::string(line))
            if (c != ' ' && c != '\t' && c != '\n')
                return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return 'r';  // an empty line releases, the most common answer
    }
}

void TerminalGate::ask(LessonRun& run, const HeldPacket& packet) {
    Wire& wire = *run.wire();
    for (;;) {
        fmt::print(out_, "\n  {} {}\n  {}",
                   fill_placeholders(language_.text("gate.at_gate"), {std::to_string(packet.segment)}),
                   describe(run, packet), language_.text("gate.prompt"));
        std::fflush(out_);
        const std::optional<char> answer = read_answer(run);
        if (!answer) {
            fmt::print(out_, "\n  {}\n", language_.text("gate.no_input"));
            release_everything_ = true;
            wire.release_all(WireActor::Student);
            return;
        }
        switch (*answer) {
            case 'r':
                wire.release(packet.segment, WireActor::Student);
                for (uint64_t segment : waiting_behind_) wire.release(segment, WireActor::Student);
                waiting_behind_.clear();
                asked_.push_back(packet.segment);
                return;
            case 'd':
                wire.drop(packet.segment, WireActor::Student);
                asked_.push_back(packet.segment);
                return;
            case 'h':
                fmt::print(out_, "  {}\n",
                           fill_placeholders(language_.text("gate.holding"), {std::to_string(packet.segment)}));
                waiting_behind_.push_back(packet.segment);
                asked_.push_back(packet.segment);
                return;
            case 'a':
                fmt::print(out_, "  {}\n", language_.text("gate.all"));
                release_everything_ = true;
                wire.release_all(WireActor::Student);
                return;
            default:
                break;  // ask again
        }
    }
}

}  // namespace tcplab
