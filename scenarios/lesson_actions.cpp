// What each action of a lesson file does: a socket call on an actor's thread,
// or something the run does itself (the wire, a sysctl, a pause, a flood).
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <thread>

#include "lesson_spec.hpp"
#include "segment_builder.hpp"
#include "syn_flood.hpp"
#include "tcp_flight.hpp"

namespace tcplab {
namespace {

using Clock = std::chrono::steady_clock;

// Sleeps in small slices so that a run being closed is not kept waiting.
void pause(RunControl& control, std::chrono::milliseconds length) {
    const auto until = Clock::now() + length;
    while (Clock::now() < until && !control.stopping())
        std::this_thread::sleep_for(std::min<Clock::duration>(until - Clock::now(), std::chrono::milliseconds(10)));
}

struct SocketOption {
    int level;
    int name;
};

SocketOption option_of(const std::string& name) {
    if (name == "SO_REUSEADDR") return {SOL_SOCKET, SO_REUSEADDR};
    if (name == "SO_REUSEPORT") return {SOL_SOCKET, SO_REUSEPORT};
    if (name == "SO_KEEPALIVE") return {SOL_SOCKET, SO_KEEPALIVE};
    if (name == "SO_RCVBUF") return {SOL_SOCKET, SO_RCVBUF};
    if (name == "SO_SNDBUF") return {SOL_SOCKET, SO_SNDBUF};
    if (name == "TCP_NODELAY") return {IPPROTO_TCP, TCP_NODELAY};
    if (name == "TCP_CORK") return {IPPROTO_TCP, TCP_CORK};
    if (name == "TCP_QUICKACK") return {IPPROTO_TCP, TCP_QUICKACK};
    if (name == "TCP_KEEPIDLE") return {IPPROTO_TCP, TCP_KEEPIDLE};
    if (name == "TCP_KEEPINTVL") return {IPPROTO_TCP, TCP_KEEPINTVL};
    if (name == "TCP_KEEPCNT") return {IPPROTO_TCP, TCP_KEEPCNT};
    return {IPPROTO_TCP, TCP_MAXSEG};  // the file reader accepts no other name
}

// `count` TCP_INFO readings. On a fixed schedule, one every `milliseconds`
// from the first (a late wake-up does not push the later readings back); or
// one per round trip: each once everything sent by the reading before has
// been acknowledged, however long the round trips really take (a slow start's
// rounds, read at their boundaries, never drift into each other).
void read_tcp_info(Calls& calls, const ActionSpec& spec) {
    const auto first = Clock::now();
    for (int64_t reading = 0; reading < spec.count; ++reading) {
        if (reading > 0 && !spec.per_round_trip)
            std::this_thread::sleep_until(first + reading * std::chrono::milliseconds(spec.milliseconds));
        calls.tcp_info(spec.socket);
        if (!spec.per_round_trip || reading + 1 == spec.count) continue;
        const int fd = calls.fd(spec.socket);
        if (const auto flight = tcp_flight(fd))
            wait_until_acknowledged(fd, flight->bytes_sent, std::chrono::seconds(3));
    }
}

std::function<void(Calls&)> socket_call(const ActionSpec& spec, const Addresses& addresses) {
    const Endpoint address = spec.address == "closed" ? addresses.closed_port : addresses.server;
    const std::string& call = spec.call;
    if (call == "socket") {
        const int type = spec.type == "dgram" ? SOCK_DGRAM : SOCK_STREAM;
        return [spec, type](Calls& calls) { calls.socket(spec.socket, type); };
    }
    if (call == "bind") return [spec, address](Calls& calls) { calls.bind(spec.socket, address); };
    if (call == "connect" && spec.count > 0)
        return [spec, address](Calls& calls) {
            std::vector<std::string> names;
            for (int64_t index = 1; index <= spec.count; ++index) names.push_back(spec.socket + std::to_string(index));
            const int wait_ms = spec.milliseconds >= 0 ? static_cast<int>(spec.milliseconds) : -1;
            calls.connect_together(names, address, wait_ms);
        };
    if (call == "connect") return [spec, address](Calls& calls) { calls.connect(spec.socket, address); };
    if (call == "sendall")
        return [spec](Calls& calls) { calls.sendall(spec.socket, 'x', static_cast<size_t>(spec.bytes)); };
    if (call == "serve")
        return [spec](Calls& calls) {
            calls.serve_with_workers(spec.socket, static_cast<int>(spec.count), static_cast<int>(spec.milliseconds));
        };
    if (call == "clients")
        return [spec, address](Calls& calls) {
            calls.crowd(static_cast<int>(spec.count), address, spec.data, static_cast<int>(spec.milliseconds));
        };
    if (call == "listen") return [spec](Calls& calls) { calls.listen(spec.socket, static_cast<int>(spec.backlog)); };
    if (call == "accept") return [spec](Calls& calls) { calls.accept(spec.socket, spec.new_socket); };
    if (call == "send") {
        if (spec.out_of_band) return [spec](Calls& calls) { calls.send_urgent(spec.socket, spec.data); };
        if (spec.dont_wait)
            return [spec](Calls& calls) { calls.send_nowait(spec.socket, 'x', static_cast<size_t>(spec.bytes)); };
        if (spec.bytes > 0)
            return [spec](Calls& calls) { calls.send_repeated(spec.socket, 'x', static_cast<size_t>(spec.bytes)); };
        return [spec](Calls& calls) { calls.send(spec.socket, spec.data); };
    }
    if (call == "recv") {
        if (spec.out_of_band)
            return [spec](Calls& calls) { calls.recv_urgent(spec.socket, static_cast<size_t>(spec.max_bytes)); };
        if (spec.until > 0)
            return [spec](Calls& calls) {
                calls.recv_until(spec.socket, static_cast<size_t>(spec.until), static_cast<size_t>(spec.max_bytes));
            };
        return [spec](Calls& calls) { calls.recv(spec.socket, static_cast<size_t>(spec.max_bytes)); };
    }
    if (call == "sendto") {
        const std::string datagram = spec.bytes > 0 ? std::string(static_cast<size_t>(spec.bytes), 'u') : spec.data;
        return [spec, address, datagram](Calls& calls) { calls.sendto(spec.socket, datagram, address); };
    }
    if (call == "recvfrom")
        return [spec](Calls& calls) { calls.recvfrom(spec.socket, static_cast<size_t>(spec.max_bytes)); };
    if (call == "shutdown") {
        const int how = spec.how == "read" ? SHUT_RD : spec.how == "write" ? SHUT_WR : SHUT_RDWR;
        return [spec, how](Calls& calls) { calls.shutdown(spec.socket, how); };
    }
    if (call == "close") return [spec](Calls& calls) { calls.close(spec.socket); };
    if (call == "setsockopt" && spec.option == "TCP_CONGESTION")
        return [spec](Calls& calls) { calls.set_congestion_control(spec.socket, spec.data); };
    if (call == "setsockopt") {
        const SocketOption option = option_of(spec.option);
        return [spec, option](Calls& calls) {
            calls.setsockopt(spec.socket, option.level, option.name, static_cast<int>(spec.value), spec.option);
        };
    }
    if (call == "kill") return [](Calls& calls) { calls.kill(); };
    if (call == "tcp_info") return [spec](Calls& calls) { read_tcp_info(calls, spec); };
    if (call == "linger")
        return [spec](Calls& calls) { calls.set_linger(spec.socket, true, static_cast<int>(spec.value)); };
    if (call == "send_framed") return [spec](Calls& calls) { calls.send_framed(spec.socket, spec.data); };
    if (call == "recv_framed") return [spec](Calls& calls) { calls.recv_framed(spec.socket); };
    if (call == "send_with_header")
        return [spec](Calls& calls) { calls.send_with_json_header(spec.socket, spec.data, spec.file_name); };
    if (call == "recv_with_header") return [spec](Calls& calls) { calls.recv_with_json_header(spec.socket); };
    // "sleep": the actor waits, so that its next call is a separate moment on the wire.
    return [spec](Calls&) { std::this_thread::sleep_for(std::chrono::milliseconds(spec.milliseconds)); };
}

// The wire drops the next `spec.count` segments from `spec.actor` that the
// rule matches: the relay itself does it as each segment passes, so the
// segments around them keep their timing. The action's arm puts the rule in
// place (Wire::add_drop_rule returns once the relay has it), before the
// step's next call; the action then waits until the rule has been used up.
DropRule drop_rule_of(const ActionSpec& spec) {
    DropRule rule;
    rule.match = spec.match;
    rule.flags = spec.flags;
    rule.direction = spec.actor == Actor::Client ? WireDirection::ToServer : WireDirection::ToClient;
    rule.after = spec.after;
    rule.count = spec.count;
    return rule;
}

Status wait_for_drops(RunControl& control) {
    Wire* wire = control.wire();
    if (!wire) return Error{"dropping a segment needs the wire: set topology = \"two-hosts\"", ""};
    const auto give_up = Clock::now() + std::chrono::seconds(20);
    while (wire->drop_rule_remaining() > 0 && !control.stopping() && Clock::now() < give_up)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (wire->drop_rule_remaining() > 0 && !control.stopping()) return Error{"the segment to drop never came", ""};
    return Done{};
}

// One segment put on the wire as if `spec.actor`'s host had sent it: a stale
// SYN from a connection long gone, say. The wire hands it to the other host's
// kernel, which answers as it would any segment.
Status inject(RunControl& control, const ActionSpec& spec) {
    Wire* wire = control.wire();
    if (!wire) return Error{"injecting a segment needs the wire: set topology = \"two-hosts\"", ""};
    const WireAddresses hosts;
    const Endpoint server = control.addresses().server;
    const bool from_client = spec.actor == Actor::Client;
    CraftedSegment segment;
    segment.flags = spec.flags;
    segment.seq = spec.seq;
    segment.ack = spec.ack;
    segment.mss = (spec.flags & tcp_flag::Syn) ? 1460 : 0;
    const Endpoint client_end{hosts.client, static_cast<uint16_t>(spec.port)};
    const Endpoint server_end =
        spec.port != 0 && !from_client ? Endpoint{server.address, static_cast<uint16_t>(spec.port)} : server;
    segment.source = from_client ? client_end : server_end;
    segment.destination = from_client ? server_end : client_end;
    wire->inject(craft_ipv4_tcp(segment), from_client ? WireDirection::ToServer : WireDirection::ToClient);
    return Done{};
}

Status flood(RunControl& control, const ActionSpec& spec) {
    Wire* wire = control.wire();
    if (!wire) return Error{"a SYN flood needs the wire: set topology = \"two-hosts\"", ""};
    SynFloodOptions options;
    options.target = control.addresses().server;
    options.count = static_cast<uint64_t>(spec.count);
    options.rate = static_cast<double>(spec.rate);
    options.sources = static_cast<uint32_t>(spec.sources);
    options.seed = static_cast<uint64_t>(spec.seed);
    auto started = SynFlood::start(*wire, options);
    if (!started) return started.error();
    while (!started.value()->stats().finished) {
        if (control.stopping()) started.value()->stop();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    started.value()->wait();
    return Done{};
}

std::function<Status(RunControl&)> control_action(const ActionSpec& spec) {
    switch (spec.kind) {
        case ActionSpec::Kind::Pause:
            return [spec](RunControl& control) -> Status {
                pause(control, std::chrono::milliseconds(spec.milliseconds));
                return Done{};
            };
        case ActionSpec::Kind::Sysctl:
            return [spec](RunControl& control) { return control.set_sysctl(spec.host, spec.name, spec.data); };
        case ActionSpec::Kind::WireDrop:
            return [](RunControl& control) { return wait_for_drops(control); };
        case ActionSpec::Kind::WireCut:
            return [spec](RunControl& control) -> Status {
                if (!control.wire()) return Error{"cutting the wire needs the wire: set topology = \"two-hosts\"", ""};
                control.wire()->set_cut(spec.cut);
                return Done{};
            };
        case ActionSpec::Kind::Reboot:
            return [spec](RunControl& control) -> Status {
                auto forgotten = control.forget_sockets(spec.host);
                if (!forgotten) return forgotten.error();
                return Done{};
            };
        case ActionSpec::Kind::WireInject:
            return [spec](RunControl& control) { return inject(control, spec); };
        case ActionSpec::Kind::WireLatency:
            return [spec](RunControl& control) -> Status {
                if (!control.wire()) return Error{"latency needs the wire: set topology = \"two-hosts\"", ""};
                control.wire()->set_latency(std::chrono::milliseconds(spec.milliseconds));
                return Done{};
            };
        case ActionSpec::Kind::WireLoss:
            return [spec](RunControl& control) -> Status {
                if (!control.wire()) return Error{"loss needs the wire: set topology = \"two-hosts\"", ""};
                control.wire()->set_loss(spec.percent / 100.0);
                return Done{};
            };
        case ActionSpec::Kind::Flood:
            return [spec](RunControl& control) { return flood(control, spec); };
        case ActionSpec::Kind::SkipTimeWait:
            return [](RunControl& control) -> Status {
                auto skipped = control.skip_time_wait();
                if (!skipped) return skipped.error();
                return Done{};
            };
        case ActionSpec::Kind::Call:
            break;
    }
    return {};
}

}  // namespace

Action make_action(const ActionSpec& spec, const Addresses& addresses) {
    Action action;
    action.wait = spec.wait;
    if (spec.kind == ActionSpec::Kind::Call) {
        action.actor = spec.actor;
        action.calls = socket_call(spec, addresses);
    } else {
        action.control = control_action(spec);
        if (spec.kind == ActionSpec::Kind::WireDrop)
            action.arm = [rule = drop_rule_of(spec)](RunControl& control) {
                if (control.wire()) control.wire()->add_drop_rule(rule);
            };
    }
    return action;
}

Lesson make_lesson(const LessonSpec& lesson, const Addresses& addresses) {
    Lesson built{lesson.name, {}, lesson.settings};
    for (const StepSpec& spec : lesson.steps) {
        Step step;
        step.key = spec.key;
        for (const ActionSpec& action : spec.actions) step.actions.push_back(make_action(action, addresses));
        for (const CheckSpec& check : spec.expectations) step.expectations.push_back(make_expectation(check));
        if (spec.predict) {
            Prediction prediction{spec.predict->question_key, {}};
            for (const PredictSpec::Choice& choice : spec.predict->choices)
                prediction.choices.push_back({choice.label, make_expectation(choice.claim), choice.why});
            step.predict = std::move(prediction);
        }
        if (spec.show) step.show = make_show(*spec.show);
        built.steps.push_back(std::move(step));
    }
    return built;
}

}  // namespace tcplab
