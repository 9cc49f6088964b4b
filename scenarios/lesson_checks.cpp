// What each kind of expectation in a lesson file checks, and the detail it
// shows beside ✓/✗: numbers and names only, the same in every language.
#include <algorithm>
#include <cstring>
#include <map>
#include <set>

#include "lesson_spec.hpp"

namespace tcplab {
namespace {

std::string errno_name(int error) {
    const char* name = strerrorname_np(error);
    return name ? name : "errno " + std::to_string(error);
}

// "at least 1" unless the expectation says how many.
bool count_matches(const CheckSpec& spec, int64_t count) {
    if (spec.exactly) return count == *spec.exactly;
    if (!spec.at_least && !spec.at_most) return count >= 1;
    if (spec.at_least && count < *spec.at_least) return false;
    if (spec.at_most && count > *spec.at_most) return false;
    return true;
}

bool counts_given(const CheckSpec& spec) { return spec.exactly || spec.at_least || spec.at_most; }

std::string describe_call(const CallEvent& call) {
    std::string text = call.call + "() = " + std::to_string(call.result);
    if (call.result < 0 && call.error_number) text += " " + errno_name(call.error_number);
    if (!call.data.empty() && call.data.size() <= 40) text += " \"" + call.data + "\"";
    return text;
}

bool call_matches(const CheckSpec& spec, const CallEvent& call) {
    if (spec.result && call.result != *spec.result) return false;
    if (spec.result_at_least && call.result < *spec.result_at_least) return false;
    if (spec.error_number && (call.result >= 0 || call.error_number != *spec.error_number)) return false;
    if (spec.data && call.data != *spec.data) return false;
    return true;
}

CheckResult check_call(const CheckSpec& spec, const StepView& view) {
    const std::vector<const CallEvent*> calls = view.calls(spec.actor, spec.subject);
    if (counts_given(spec)) {
        int64_t matching = 0;
        for (const CallEvent* call : calls) matching += call_matches(spec, *call) ? 1 : 0;
        std::string detail = std::to_string(matching) + " × " + spec.subject + "()";
        if (!calls.empty()) detail += ", last: " + describe_call(*calls.back());
        return pass_if(count_matches(spec, matching), detail);
    }
    if (calls.empty()) return pass_if(false, spec.subject + "() was not called");
    return pass_if(call_matches(spec, *calls.back()), describe_call(*calls.back()));
}

CheckResult check_state(const CheckSpec& spec, const StepView& view) {
    const auto event = view.state_event(spec.actor, spec.state);
    const std::string who(actor_name(spec.actor));
    const std::string state(state_name(spec.state));
    if (!spec.reached)
        return event ? pass_if(false, who + ": " + std::string(state_name(event->from)) + " → " + state + " [" +
                                          std::string(source_name(event->source)) + "]")
                     : pass_if(true, who + " never in " + state);
    if (!event) return pass_if(false, who + " never reached " + state);
    return pass_if(true, std::string(state_name(event->from)) + " → " + state + " [" +
                             std::string(source_name(event->source)) + "]");
}

bool segment_matches(const CheckSpec& spec, const StepView& view, const PacketEvent& packet, bool with_numbers) {
    const Trace& trace = view.trace();
    if (spec.actor != Actor::None && trace.sender_actor(packet) != spec.actor) return false;
    if (spec.flags && packet.flags != *spec.flags) return false;
    if (spec.subject == "data" && packet.payload_length == 0) return false;
    if (spec.retransmission && bool(packet.retransmission) != *spec.retransmission) return false;
    if (!with_numbers) return true;
    if (spec.rel_seq && trace.relative_seq(packet) != static_cast<uint32_t>(*spec.rel_seq)) return false;
    if (spec.rel_ack && trace.relative_ack(packet) != static_cast<uint32_t>(*spec.rel_ack)) return false;
    if (spec.length && packet.payload_length != static_cast<uint32_t>(*spec.length)) return false;
    if (spec.length_at_least && packet.payload_length < *spec.length_at_least) return false;
    if (spec.length_at_most && packet.payload_length > *spec.length_at_most) return false;
    return true;
}

std::string describe_segment(const StepView& view, const PacketEvent& packet) {
    const Trace& trace = view.trace();
    std::string text = flags_label(packet.flags) + " seq=" + std::to_string(trace.relative_seq(packet));
    if (packet.flags & tcp_flag::Ack) text += " ack=" + std::to_string(trace.relative_ack(packet));
    text += " len=" + std::to_string(packet.payload_length);
    text += " (seq " + std::to_string(packet.seq);
    if (packet.flags & tcp_flag::Ack) text += ", ack " + std::to_string(packet.ack);
    text += ")";
    if (packet.retransmission) text += " retransmitted";
    return text;
}

CheckResult check_segment(const CheckSpec& spec, const StepView& view) {
    const std::vector<const PacketEvent*> segments = view.segments();
    const PacketEvent* first_match = nullptr;
    const PacketEvent* first_of_kind = nullptr;  // right sender and flags, maybe wrong numbers
    int64_t matching = 0;
    for (const PacketEvent* packet : segments) {
        if (!segment_matches(spec, view, *packet, false)) continue;
        if (!first_of_kind) first_of_kind = packet;
        if (!segment_matches(spec, view, *packet, true)) continue;
        if (!first_match) first_match = packet;
        ++matching;
    }
    const std::string who = spec.actor == Actor::None ? "" : " from the " + std::string(actor_name(spec.actor));
    if (counts_given(spec)) {
        std::string detail = std::to_string(matching) + " × " + spec.subject + who;
        if (first_match) detail += ", first: " + describe_segment(view, *first_match);
        return pass_if(count_matches(spec, matching), detail);
    }
    if (first_match) return pass_if(true, describe_segment(view, *first_match));
    if (first_of_kind) return pass_if(false, describe_segment(view, *first_of_kind));
    return pass_if(false, "no " + spec.subject + who);
}

// The most sockets of `actor` in `state` at once in the socket dumps alone:
// what `ss -tan state syn-recv` would have listed at its busiest moment.
size_t most_sockets_in_dumps(const StepView& view, Actor actor, TcpState state) {
    std::map<std::pair<Endpoint, Endpoint>, TcpState> sockets;
    size_t most = 0;
    size_t now = 0;
    for (const StateEvent& event : view.trace().states()) {
        if (event.source != StateSource::SocketDump || event.time_ns > view.end_ns()) continue;
        if (view.trace().actor_of(event) != actor) continue;
        auto [socket, added] = sockets.try_emplace({event.local, event.remote}, event.to);
        if (!added) {
            if (socket->second == state) --now;
            socket->second = event.to;
        }
        if (event.to == state) ++now;
        if (event.time_ns >= view.begin_ns()) most = std::max(most, now);
    }
    return most;
}

CheckResult check_sockets(const CheckSpec& spec, const StepView& view) {
    const size_t most = spec.dumps_only ? most_sockets_in_dumps(view, spec.actor, spec.state)
                                        : view.most_sockets_in(spec.actor, spec.state);
    return pass_if(count_matches(spec, static_cast<int64_t>(most)),
                   std::to_string(most) + " sockets in " + std::string(state_name(spec.state)) + " at once");
}

CheckResult check_counter(const CheckSpec& spec, const StepView& view) {
    if (!view.counters()) return pass_if(false, "the kernel's counters were not read");
    const auto change = view.counters()->change(spec.subject);
    if (!change) return pass_if(false, spec.subject + " is not among the kernel's counters");
    return pass_if(count_matches(spec, *change),
                   spec.subject + " " + (*change >= 0 ? "+" : "") + std::to_string(*change));
}

CheckResult check_timer(const CheckSpec& spec, const StepView& view) {
    for (const StateEvent& event : view.trace().states()) {
        if (event.time_ns < view.begin_ns() || event.time_ns > view.end_ns()) continue;
        if (event.source != StateSource::SocketDump || event.to != TcpState::TimeWait) continue;
        if (view.trace().actor_of(event) != spec.actor) continue;
        if (event.timer != SocketTimer::TimeWait) continue;
        const int64_t seconds = event.timer_expires_ms / 1000;
        return pass_if(count_matches(spec, seconds), "timer:(timewait," + std::to_string(seconds) + "sec)");
    }
    return pass_if(false, "no TIME_WAIT socket of the " + std::string(actor_name(spec.actor)) + " in the dump");
}

CheckResult check_distinct_isns(const CheckSpec& spec, const StepView& view) {
    std::set<uint32_t> isns;
    std::string listed;
    for (const PacketEvent* packet : view.segments()) {
        if (packet->flags != tcp_flag::Syn || view.trace().sender_actor(*packet) != spec.actor) continue;
        if (!isns.insert(packet->seq).second) continue;
        if (isns.size() <= 6) listed += (listed.empty() ? "" : ", ") + std::to_string(packet->seq);
    }
    return pass_if(count_matches(spec, static_cast<int64_t>(isns.size())),
                   std::to_string(isns.size()) + " different ISNs: " + listed);
}

}  // namespace

Expectation make_expectation(const CheckSpec& spec) {
    return {spec.key, [spec](const StepView& view) {
                switch (spec.kind) {
                    case CheckSpec::Kind::Call:
                        return check_call(spec, view);
                    case CheckSpec::Kind::State:
                        return check_state(spec, view);
                    case CheckSpec::Kind::Segment:
                        return check_segment(spec, view);
                    case CheckSpec::Kind::Sockets:
                        return check_sockets(spec, view);
                    case CheckSpec::Kind::Counter:
                        return check_counter(spec, view);
                    case CheckSpec::Kind::Timer:
                        return check_timer(spec, view);
                    case CheckSpec::Kind::DistinctIsn:
                        return check_distinct_isns(spec, view);
                }
                return pass_if(false, "unknown check");
            }};
}

}  // namespace tcplab
