#include "json_lines.hpp"

#include <nlohmann/json.hpp>

#include "event_rows.hpp"

namespace tcplab {
namespace {

using nlohmann::json;

void emit(std::FILE* out, const json& object) {
    const std::string line = object.dump(-1, ' ', false, json::error_handler_t::replace);
    std::fprintf(out, "%s\n", line.c_str());
}

json packet_json(const Trace& trace, const PacketEvent& packet, int64_t start_ns) {
    json object = {{"type", "packet"},
                   {"time_ns", packet.time_ns},
                   {"time_us", (packet.time_ns - start_ns) / 1000},
                   {"length", packet.original_length}};
    if (packet.transport != Transport::Tcp || packet.decode_failed) {
        object["summary"] = format_tcpdump_line(trace.decode(packet));
        return object;
    }
    const DecodedPacket decoded = trace.decode(packet);
    object["from"] = actor_name(trace.sender_actor(packet));
    add_segment_numbers(object, trace, packet);
    object["window"] = packet.window;
    object["payload_length"] = packet.payload_length;
    object["options"] = format_tcp_options(decoded.tcp);
    object["connection"] = packet.connection;
    object["capture_point"] = packet.capture_point;
    object["retransmission"] = packet.retransmission != 0;
    if (packet.truncated) object["captured_payload_length"] = decoded.captured_payload_length;
    if (decoded.tunnel_count > 0) {
        json tunnels = json::array();
        for (size_t index = 0; index < decoded.tunnel_count && index < decoded.tunnels.size(); ++index) {
            const Tunnel& tunnel = decoded.tunnels[index];
            tunnels.push_back({{"kind", tunnel_name(tunnel.kind, tunnel.ip_version)},
                               {"source", tunnel.source.to_string()},
                               {"destination", tunnel.destination.to_string()}});
        }
        object["tunnels"] = tunnels;
    }
    return object;
}

json state_json(const Trace& trace, const StateEvent& state, int64_t start_ns) {
    json object = {{"type", "state"},
                   {"time_ns", state.time_ns},
                   {"time_us", (state.time_ns - start_ns) / 1000},
                   {"actor", actor_name(trace.actor_of(state))},
                   {"local", state.local.to_string()},
                   {"remote", state.remote.to_string()},
                   {"from", state_name(state.from)},
                   {"to", state_name(state.to)},
                   {"source", source_name(state.source)}};
    if (state.timer != SocketTimer::None) {
        object["timer"] = static_cast<int>(state.timer);
        object["timer_expires_ms"] = state.timer_expires_ms;
    }
    return object;
}

json output_json(const OutputEvent& line, int64_t start_ns) {
    return {{"type", "output"},
            {"time_ns", line.time_ns},
            {"time_us", (line.time_ns - start_ns) / 1000},
            {"actor", actor_name(line.actor)},
            {"label", line.label},
            {"text", line.text}};
}

json call_json(const CallEvent& call, int64_t start_ns) {
    json object = {{"type", "call"},
                   {"time_ns", call.time_ns},
                   {"time_us", (call.time_ns - start_ns) / 1000},
                   {"return_ns", call.return_ns},
                   {"actor", actor_name(call.actor)},
                   {"call", call.call},
                   {"arguments", call.arguments},
                   {"result", call.result}};
    if (call.error_number != 0) {
        object["errno"] = call.error_number;
        const char* name = strerrorname_np(call.error_number);
        if (name) object["errno_name"] = name;
    }
    if (!call.data.empty()) object["data"] = call.data;
    if (never_returned(call)) object["never_returned"] = true;  // its process ended while it waited
    if (call.process != 0) {
        object["process"] = call.process;
        object["thread"] = call.thread;
        object["program"] = call.program;
    }
    return object;
}

json wire_json(const WireEvent& event, int64_t start_ns) {
    const char* by = event.by == WireActor::Student ? "student" : event.by == WireActor::Lesson ? "scenario" : "wire";
    return {{"type", "wire"},
            {"time_ns", event.time_ns},
            {"time_us", (event.time_ns - start_ns) / 1000},
            {"segment", event.segment},
            {"action", wire_action_name(event.action)},
            {"by", by},
            {"direction", event.direction == WireDirection::ToServer ? "to_server" : "to_client"}};
}

}  // namespace

void JsonLines::print_intro(const LessonRun& run) const {
    const std::string& name = run.lesson().name;
    emit(out_, {{"type", "scenario"},
                {"name", name},
                {"title", language_.text(name + ".title")},
                {"language", language_.code()},
                {"steps", run.lesson().steps.size()},
                {"server", run.addresses().server.to_string()},
                {"tracepoint", run.tracepoint_note().empty()},
                {"tracepoint_note", run.tracepoint_note()}});
}

void JsonLines::print_step(const LessonRun& run, const StepOutcome& outcome, int64_t after_ns) const {
    print_step(run.trace(), run.lesson().steps[outcome.index].key, outcome, after_ns);
}

void JsonLines::print_step(const Trace& trace, const std::string& step_key, const StepOutcome& outcome,
                           int64_t after_ns) const {
    emit(out_, {{"type", "step"},
                {"index", outcome.index},
                {"key", step_key},
                {"title", language_.text(step_key + ".title")},
                {"narration", language_.text(step_key + ".text")},
                {"begin_ns", outcome.begin_ns},
                {"end_ns", outcome.end_ns}});
    print_events(trace, after_ns, outcome.end_ns);
    if (!outcome.failure.empty()) emit(out_, {{"type", "failure"}, {"step", outcome.index}, {"what", outcome.failure}});
    for (const ExpectationOutcome& expectation : outcome.expectations)
        emit(out_, {{"type", "expectation"},
                    {"step", outcome.index},
                    {"key", expectation.key},
                    {"text", language_.text(expectation.key)},
                    {"passed", expectation.result.passed},
                    {"detail", language_.evidence(expectation.result.evidence)},
                    {"evidence", nlohmann::json::parse(encode_evidence(expectation.result.evidence))}});
}

void JsonLines::print_row(const Trace& trace, const EventRow& row, int64_t start) const {
    switch (row.kind) {
        case EventRow::Kind::Call:
            emit(out_, call_json(*row.call, start));
            break;
        case EventRow::Kind::Packet:
            emit(out_, packet_json(trace, *row.packet, start));
            break;
        case EventRow::Kind::State:
            emit(out_, state_json(trace, *row.state, start));
            break;
        case EventRow::Kind::Wire:
            emit(out_, wire_json(*row.wire, start));
            break;
        case EventRow::Kind::Output:
            emit(out_, output_json(*row.output, start));
            break;
    }
}

void JsonLines::print_events(const Trace& trace, int64_t after_ns, int64_t until_ns) const {
    const int64_t start = trace.start_ns();
    for_each_event_row(trace, after_ns, until_ns, [&](const EventRow& row) { print_row(trace, row, start); });
}

void JsonLines::print_live_events(const Trace& trace, int64_t after_ns, int64_t until_ns) const {
    const int64_t start = trace.start_ns();
    for_each_live_event_row(trace, after_ns, until_ns, [&](const EventRow& row) { print_row(trace, row, start); });
    std::fflush(out_);
}

void JsonLines::print_summary(const LessonRun& run) const {
    bool passed = true;
    for (const StepOutcome& outcome : run.outcomes()) passed = passed && outcome.passed();
    const CaptureStats stats = run.capture_stats();
    emit(out_, {{"type", "summary"},
                {"passed", passed},
                {"packets", run.trace().packets().size()},
                {"lost_events", run.trace().lost_events()},
                {"capture_kernel_dropped", stats.kernel_dropped}});
}

}  // namespace tcplab
