#include "terminal_view.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "event_rows.hpp"
#include "layout/packet_fields.hpp"
#include "scenarios/socket_call_text.hpp"
#include "tracepoint_note.hpp"

namespace tcplab {
namespace {

constexpr const char* kBold = "1";
constexpr const char* kDim = "2";
constexpr const char* kGreen = "32";
constexpr const char* kRed = "31";
constexpr const char* kYellow = "33";
constexpr const char* kBlue = "34";
constexpr const char* kCyan = "36";
constexpr const char* kMagenta = "35";

const char* flag_colour(uint8_t flags) {
    if (flags & tcp_flag::Rst) return kRed;
    if (flags & tcp_flag::Syn) return kGreen;
    if (flags & tcp_flag::Fin) return kBlue;
    if (flags & tcp_flag::Psh) return kYellow;
    return kMagenta;
}

std::string errno_name(int error) {
    const char* name = strerrorname_np(error);
    return name ? name : std::to_string(error);
}

std::string timer_text(const StateEvent& state) {
    if (state.timer == SocketTimer::None) return "";
    const char* kind = state.timer == SocketTimer::TimeWait     ? "timewait"
                       : state.timer == SocketTimer::Retransmit ? "on"
                       : state.timer == SocketTimer::KeepAlive  ? "keepalive"
                                                                : "persist";
    return fmt::format("  timer:({},{:.1f}sec)", kind, state.timer_expires_ms / 1000.0);
}

// Received bytes as a terminal can show them, quoted as the sender's bytes
// are in its call's arguments ("hello\n" on both ends): control bytes (a
// binary length prefix) escaped, and a long read cut short, so a line stays a
// line.
std::string shown_data(const std::string& data) {
    constexpr size_t kMostShown = 64;
    const auto* bytes = reinterpret_cast<const uint8_t*>(data.data());
    return quoted_bytes(std::span<const uint8_t>(bytes, std::min(data.size(), kMostShown)), data.size());
}

}  // namespace

// Wraps text for a terminal `columns` wide: between words, and between any two
// Chinese characters (which take two columns each), keeping paragraph breaks.
std::string wrap_for_terminal(const std::string& text, size_t columns) {
    std::string out;
    std::string line;
    size_t line_width = 0;
    size_t last_break = std::string::npos;  // position in `line` where it may break
    auto flush_line = [&] {
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out += line + "\n";
        line.clear();
        line_width = 0;
        last_break = std::string::npos;
    };
    for (size_t i = 0; i < text.size();) {
        const auto lead = static_cast<unsigned char>(text[i]);
        const size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
        const std::string glyph = text.substr(i, length);
        i += length;
        if (glyph == "\n") {
            flush_line();
            continue;
        }
        const bool wide = length >= 3;
        // Chinese punctuation that closes a phrase stays on the line of the word before it.
        static const std::string_view kNoBreakBefore[] = {"，", "。", "、", "；", "：", "？",
                                                          "！", "）", "”",  "」", "》"};
        const bool closes =
            std::find(std::begin(kNoBreakBefore), std::end(kNoBreakBefore), glyph) != std::end(kNoBreakBefore);
        if (glyph == " " || (wide && !closes)) {
            last_break = line.size();
        }
        line += glyph;
        line_width += wide ? 2 : 1;
        if (line_width > columns && last_break != std::string::npos && last_break > 0) {
            std::string rest = line.substr(last_break);
            line.resize(last_break);
            flush_line();
            if (!rest.empty() && rest.front() == ' ') rest.erase(0, 1);
            line = rest;
            line_width = 0;
            for (size_t j = 0; j < line.size();) {
                const auto c = static_cast<unsigned char>(line[j]);
                const size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
                line_width += n >= 3 ? 2 : 1;
                j += n;
            }
        }
    }
    if (!line.empty()) flush_line();
    if (!out.empty()) out.pop_back();
    return out;
}

TerminalView::TerminalView(const Language& language, TerminalOptions options, std::FILE* out)
    : language_(language), options_(options), out_(out) {}

std::string TerminalView::paint(const std::string& text, const char* ansi) const {
    if (!options_.color) return text;
    return fmt::format("\x1b[{}m{}\x1b[0m", ansi, text);
}

std::string TerminalView::actor_text(Actor actor) const {
    if (actor == Actor::None) return "-";
    return language_.text("actor." + std::string(actor_name(actor)));
}

void TerminalView::print_intro(const LessonRun& run) const {
    const std::string& name = run.lesson().name;
    fmt::print(out_, "{}\n\n", paint(language_.text("app.title"), kBold));
    fmt::print(out_, "{}\n{}\n\n", paint(language_.text(name + ".title"), kBold), language_.text(name + ".summary"));
    fmt::print(out_, "{}\n{}\n", language_.text("app.sandbox"), language_.text("app.states_from"));
    if (!run.tracepoint_note().empty())
        fmt::print(out_, "{}\n",
                   paint(language_.text("app.no_tracepoint") + ": " + tracepoint_note_text(run, language_), kYellow));
    fmt::print(out_, "{}\n", language_.text(options_.absolute ? "app.absolute_note" : "app.relative_note"));
}

std::string TerminalView::call_line(const CallEvent& call) const {
    // A traced program's call says which process (and thread, when not the
    // main one) made it: python3[1234], python3[1234/1240].
    std::string who;
    if (call.process != 0) {
        who = call.program + "[" + std::to_string(call.process);
        if (call.thread != call.process) who += "/" + std::to_string(call.thread);
        who = paint(who + "]", kDim) + " ";
    }
    // A program's end is an event, not a call that returns.
    if (call.process != 0 && call.call == "exit")
        return who + paint(fmt::format(fmt::runtime(language_.text("programs.exited")), call.result), kBold);
    if (call.process != 0 && call.call == "killed")
        return who + paint(fmt::format(fmt::runtime(language_.text("programs.killed")), call.arguments), kRed);
    const int64_t took_us = (call.return_ns - call.time_ns) / 1000;
    if (never_returned(call))
        return who + fmt::format("{}({})  ", call.call, call.arguments) +
               paint(fmt::format(fmt::runtime(language_.text("programs.never_returned")), took_us), kYellow);
    std::string result = std::to_string(call.result);
    if (call.result < 0 && call.error_number != 0) result += " " + errno_name(call.error_number);
    std::string line = who + fmt::format("{}({}) = {}", call.call, call.arguments, result);
    const bool received =
        call.call == "recv" || (call.process != 0 && (call.call == "read" || call.call == "recvfrom" ||
                                                      call.call == "recvmsg" || call.call == "readv"));
    if (received && call.result >= 0) line += "  " + shown_data(call.data);
    // A lesson's TCP_INFO reading: the kernel's numbers, as they are.
    if (call.call == "getsockopt" && call.result == 0 && !call.data.empty()) line += "  " + paint(call.data, kBold);
    if (took_us >= 100)
        line += paint("  (" + fmt::format(fmt::runtime(language_.text("app.returned_after")), took_us) + ")", kDim);
    return line;
}

std::string TerminalView::packet_line(const Trace& trace, const PacketEvent& packet) const {
    if (packet.transport != Transport::Tcp || packet.decode_failed) {
        return format_tcpdump_line(trace.decode(packet));
    }
    const DecodedPacket decoded = trace.decode(packet);
    const Actor from = trace.sender_actor(packet);
    const Actor to = from == Actor::Client ? Actor::Server : from == Actor::Server ? Actor::Client : Actor::None;
    const uint32_t seq = options_.absolute ? packet.seq : trace.relative_seq(packet);
    const uint32_t ack = options_.absolute ? packet.ack : trace.relative_ack(packet);
    std::string line =
        fmt::format("{:>6} → {:<6}  {}  seq={}", actor_text(from), actor_text(to),
                    paint(fmt::format("{:<8}", flags_label(packet.flags)), flag_colour(packet.flags)), seq);
    if (packet.flags & tcp_flag::Ack) line += fmt::format(" ack={}", ack);
    line += fmt::format(" win={} len={}", packet.window, packet.payload_length);
    const std::string options = format_tcp_options(decoded.tcp);
    if (!options.empty()) line += paint("  <" + options + ">", kDim);
    if (packet.truncated) {
        // Cut inside the TCP options, the payload (if any) is all missing; else say how much of it is there.
        const bool header_cut = decoded.payload_offset > decoded.frame_length;
        const std::string text = header_cut ? language_.text("app.truncated_header")
                                            : fmt::format(fmt::runtime(language_.text("app.truncated")),
                                                          decoded.captured_payload_length, decoded.payload_length);
        line += "  " + paint(text, kYellow);
    }
    if (packet.retransmission) line += "  " + paint(language_.text("app.retransmission"), kYellow);
    // A tunnelled segment: the connection is the inner one; say what carried it, outermost first.
    for (size_t index = 0; index < decoded.tunnel_count && index < decoded.tunnels.size(); ++index) {
        const Tunnel& tunnel = decoded.tunnels[index];
        line += paint(
            "  " + fmt::format(fmt::runtime(language_.text("app.tunnel")), tunnel_name(tunnel.kind, tunnel.ip_version),
                               tunnel.source.to_string(), tunnel.destination.to_string()),
            kDim);
    }
    // With a capture point on each host, say where this copy was seen.
    if (trace.capture_points().size() > 1) {
        const Connection* connection =
            packet.connection == kNoConnection ? nullptr : &trace.connections()[packet.connection];
        const auto point = trace.capture_points().find(packet.capture_point);
        if (connection && point != trace.capture_points().end()) {
            const Actor seen_by = point->second.host == connection->client.address ? Actor::Client : Actor::Server;
            line += paint("  @" + actor_text(seen_by), kDim);
        }
    }
    return line;
}

std::string TerminalView::wire_line(const WireEvent& event) const {
    const std::string direction = event.direction == WireDirection::ToServer
                                      ? actor_text(Actor::Client) + " → " + actor_text(Actor::Server)
                                      : actor_text(Actor::Server) + " → " + actor_text(Actor::Client);
    std::string line =
        fmt::format("{:>6}  #{} {}  {}", language_.text("wire.name"), event.segment, direction,
                    paint(language_.text("wire." + std::string(wire_action_name(event.action))), kYellow));
    if (event.by == WireActor::Student) line += " " + language_.text("wire.by_student");
    if (event.by == WireActor::Lesson) line += " " + language_.text("wire.by_scenario");
    return line;
}

std::string TerminalView::state_line(const Trace& trace, const StateEvent& state) const {
    const std::string source_key = state.source == StateSource::Tracepoint   ? "source.tracepoint"
                                   : state.source == StateSource::SocketDump ? "source.dump"
                                                                             : "source.inferred";
    const std::string socket = state.remote.port == 0
                                   ? state.local.to_string() + " (" + language_.text("app.listening") + ")"
                                   : state.local.to_string();
    return fmt::format("{:>6}  {} {} → {}  {}{}  [{}]", actor_text(trace.actor_of(state)), language_.text("app.state"),
                       paint(std::string(state_name(state.from)), kCyan),
                       paint(std::string(state_name(state.to)), kCyan), paint(socket, kDim), timer_text(state),
                       language_.text(source_key));
}

void TerminalView::print_step(const LessonRun& run, const StepOutcome& outcome, int64_t after_ns) const {
    print_step(run.trace(), run.lesson().steps[outcome.index].key, run.lesson().steps.size(), outcome, after_ns);
}

void TerminalView::print_step(const Trace& trace, const std::string& step_key, size_t step_count,
                              const StepOutcome& outcome, int64_t after_ns) const {
    const std::string heading = fmt::format(fmt::runtime(language_.text("app.step_heading")), outcome.index + 1,
                                            step_count, language_.text(step_key + ".title"));
    fmt::print(out_, "\n{}\n{}\n\n", paint("── " + heading + " ──", kBold),
               wrap_for_terminal(language_.text(step_key + ".text"), 96));
    print_events(trace, after_ns, outcome.end_ns);
    if (outcome.shown_packet && *outcome.shown_packet < trace.packets().size())
        print_packet_fields(trace, *outcome.shown_packet);
    if (!outcome.failure.empty()) fmt::print(out_, "  {} {}\n", paint("✗", kRed), outcome.failure);
    for (const ExpectationOutcome& expectation : outcome.expectations) {
        const bool passed = expectation.result.passed;
        fmt::print(out_, "  {} {}  {}\n", passed ? paint("✓", kGreen) : paint("✗", kRed),
                   language_.text(expectation.key),
                   paint(fmt::format(fmt::runtime(language_.text("app.evidence")),
                                     language_.evidence(expectation.result.evidence)),
                         kDim));
    }
}

// The packet detail's tree, as the window's view shows it: a step that walks
// through a header shows its segment field by field.
void TerminalView::print_packet_fields(const Trace& trace, size_t index) const {
    const PacketEvent& packet = trace.packets()[index];
    const auto frame = trace.raw_bytes(packet);
    const DecodedPacket decoded = decode_frame(packet.link, frame);
    fmt::print(out_, "\n  {}\n", paint(language_.text("view.packet_detail.title"), kBold));
    for (const PacketField& field : packet_fields(decoded, frame, field_context(trace, index))) {
        const std::string label = field.label_key.empty() ? field.label : language_.text(field.label_key);
        std::string line = std::string(2 + 2 * static_cast<size_t>(field.depth), ' ') + label;
        if (!field.value.empty()) line += ": " + field.value;
        if (!field.value_key.empty()) line += " " + language_.text(field.value_key);
        if (!field.meaning_key.empty()) line += paint("  — " + language_.text(field.meaning_key), kDim);
        fmt::print(out_, "{}\n", field.depth == 0 ? paint(line, kBold) : line);
    }
    fmt::print(out_, "\n");
}

std::string TerminalView::output_line(const OutputEvent& line) const {
    return paint("[" + line.label + "]", kBold) + " " + line.text;
}

std::string TerminalView::row_text(const Trace& trace, const EventRow& row) const {
    const std::string time = fmt::format("+{}", (row.time_ns - trace.start_ns()) / 1000);
    std::string what;
    switch (row.kind) {
        case EventRow::Kind::Call:
            what = fmt::format("{:>6}  {}", actor_text(row.call->actor), call_line(*row.call));
            break;
        case EventRow::Kind::Packet:
            what = packet_line(trace, *row.packet);
            break;
        case EventRow::Kind::State:
            what = state_line(trace, *row.state);
            break;
        case EventRow::Kind::Wire:
            what = wire_line(*row.wire);
            break;
        case EventRow::Kind::Output:
            what = output_line(*row.output);
            break;
    }
    return fmt::format("  {:>10}  {}\n", time, what);
}

void TerminalView::print_column_heading() const {
    fmt::print(out_, "  {:>10}  {}\n", paint(language_.text("app.column_time"), kDim),
               paint(language_.text("app.column_what"), kDim));
}

void TerminalView::print_events(const Trace& trace, int64_t after_ns, int64_t until_ns) const {
    print_column_heading();
    for_each_event_row(trace, after_ns, until_ns,
                       [&](const EventRow& row) { fmt::print(out_, "{}", row_text(trace, row)); });
    fmt::print(out_, "\n");
}

size_t TerminalView::print_live_events(const Trace& trace, int64_t after_ns, int64_t until_ns) const {
    size_t rows = 0;
    for_each_live_event_row(trace, after_ns, until_ns, [&](const EventRow& row) {
        fmt::print(out_, "{}", row_text(trace, row));
        ++rows;
    });
    if (rows > 0) std::fflush(out_);
    return rows;
}

void TerminalView::print_summary(const LessonRun& run) const {
    size_t passed = 0;
    size_t total = 0;
    bool all = true;
    for (const StepOutcome& outcome : run.outcomes()) {
        all = all && outcome.passed();
        for (const ExpectationOutcome& expectation : outcome.expectations) {
            ++total;
            passed += expectation.result.passed;
        }
    }
    fmt::print(out_, "\n{} {}/{} {}\n",
               all ? paint(language_.text("app.all_passed"), kGreen) : paint(language_.text("app.some_failed"), kRed),
               passed, total, language_.text("app.passed_count"));
    const CaptureStats stats = run.capture_stats();
    if (run.trace().lost_events() > 0)
        fmt::print(out_, "{}\n",
                   paint(fmt::format("{} {}", run.trace().lost_events(), language_.text("app.lost_events")), kRed));
    if (stats.kernel_dropped > 0)
        fmt::print(out_, "{}\n",
                   paint(fmt::format("{} {}", stats.kernel_dropped, language_.text("app.capture_drops")), kRed));
}

}  // namespace tcplab
