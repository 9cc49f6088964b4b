// What each kind of expectation in a lesson file checks, and the evidence it
// shows beside ✓/✗: the numbers that decided it, in words each language
// supplies (evidence.* in assets/lang).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>

#include "capture/decode.hpp"
#include "lesson_spec.hpp"
#include "tcp_info_reading.hpp"

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

bool within(const std::optional<int64_t>& at_least, const std::optional<int64_t>& at_most, int64_t value) {
    return (!at_least || value >= *at_least) && (!at_most || value <= *at_most);
}

int64_t milliseconds(int64_t nanoseconds) { return nanoseconds / 1'000'000; }

// connect() = -1 ECONNREFUSED, recv() = 5 "hello": the call as a programmer writes it.
std::string describe_call(const CallEvent& call) {
    std::string text = call.call + "() = " + std::to_string(call.result);
    if (call.result < 0 && call.error_number) text += " " + errno_name(call.error_number);
    if (!call.data.empty() && call.data.size() <= 40) text += " \"" + call.data + "\"";
    return text;
}

Evidence call_evidence(const CallEvent& call, bool with_duration) {
    if (!with_duration) return Evidence::literal(describe_call(call));
    return Evidence::of("evidence.call_took", describe_call(call), milliseconds(call.return_ns - call.time_ns));
}

bool call_matches(const CheckSpec& spec, const CallEvent& call) {
    if (spec.result && call.result != *spec.result) return false;
    if (spec.result_at_least && call.result < *spec.result_at_least) return false;
    if (spec.result_at_most && call.result > *spec.result_at_most) return false;
    if (spec.error_number && (call.result >= 0 || call.error_number != *spec.error_number)) return false;
    if (spec.data && call.data != *spec.data) return false;
    if (!within(spec.took_at_least_ms, spec.took_at_most_ms, milliseconds(call.return_ns - call.time_ns))) return false;
    return true;
}

CheckResult check_call(const CheckSpec& spec, const StepView& view) {
    const std::vector<const CallEvent*> calls = view.calls(spec.actor, spec.subject);
    const bool timed = spec.took_at_least_ms || spec.took_at_most_ms;
    if (counts_given(spec)) {
        int64_t matching = 0;
        const CallEvent* last_match = nullptr;
        for (const CallEvent* call : calls)
            if (call_matches(spec, *call)) {
                ++matching;
                last_match = call;
            }
        const Evidence counted = Evidence::literal(std::to_string(matching) + " × " + spec.subject + "()");
        if (calls.empty()) return pass_if(count_matches(spec, matching), counted);
        // The call that counted, when one did; otherwise the last, to show what happened instead.
        if (last_match)
            return pass_if(count_matches(spec, matching),
                           Evidence::of("evidence.calls_last_match", counted, call_evidence(*last_match, timed)));
        return pass_if(count_matches(spec, matching),
                       Evidence::of("evidence.calls_last", counted, call_evidence(*calls.back(), timed)));
    }
    if (calls.empty()) return pass_if(false, Evidence::of("evidence.call_missing", spec.subject));
    return pass_if(call_matches(spec, *calls.back()), call_evidence(*calls.back(), timed));
}

CheckResult check_state(const CheckSpec& spec, const StepView& view) {
    const auto event = view.state_event(spec.actor, spec.state);
    const std::string state(state_name(spec.state));
    if (!spec.reached)
        return event ? pass_if(false, Evidence::of("evidence.actor_state_move", actor_evidence(spec.actor),
                                                   state_move_evidence(*event)))
                     : pass_if(true, Evidence::of("evidence.never_reached", actor_evidence(spec.actor), state));
    if (!event) return pass_if(false, Evidence::of("evidence.never_reached", actor_evidence(spec.actor), state));
    return pass_if(true, state_move_evidence(*event));
}

// The packet's TCP header, decoded again from its bytes: the fields a
// PacketEvent does not keep (the urgent pointer).
DecodedPacket decode_again(const Trace& trace, const PacketEvent& packet) {
    const auto bytes = trace.raw_bytes(packet);
    return decode_frame(packet.link, bytes);
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
    if (spec.urgent && decode_again(trace, packet).tcp.urgent_pointer != *spec.urgent) return false;
    if (spec.window && packet.window != *spec.window) return false;
    if (spec.window_at_least && packet.window < *spec.window_at_least) return false;
    return true;
}

Evidence describe_segment(const StepView& view, const PacketEvent& packet, bool with_window = false) {
    const Trace& trace = view.trace();
    std::string text = flags_label(packet.flags) + " seq=" + std::to_string(trace.relative_seq(packet));
    if (packet.flags & tcp_flag::Ack) text += " ack=" + std::to_string(trace.relative_ack(packet));
    if (with_window) text += " win=" + std::to_string(packet.window);
    text += " len=" + std::to_string(packet.payload_length);
    if (packet.flags & tcp_flag::Urg) text += " urg=" + std::to_string(decode_again(trace, packet).tcp.urgent_pointer);
    text += " (seq " + std::to_string(packet.seq);
    if (packet.flags & tcp_flag::Ack) text += ", ack " + std::to_string(packet.ack);
    text += ")";
    if (packet.retransmission) return Evidence::of("evidence.retransmitted", text);
    return Evidence::literal(text);
}

// "SYN-ACK from the server", or just "SYN-ACK".
Evidence segment_kind(const CheckSpec& spec) {
    const Evidence kind = spec.subject == "any"    ? Evidence::of("evidence.any_segment")
                          : spec.subject == "data" ? Evidence::of("evidence.data_segment")
                                                   : Evidence::literal(spec.subject);
    if (spec.actor == Actor::None) return kind;
    if (spec.actor == Actor::Attacker) return Evidence::of("evidence.kind_from_spoofed", kind);
    return Evidence::of("evidence.kind_from", kind, actor_evidence(spec.actor));
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
    const bool window = spec.window || spec.window_at_least;
    if (counts_given(spec)) {
        const Evidence counted = Evidence::of("evidence.count", matching, segment_kind(spec));
        if (!first_match) return pass_if(count_matches(spec, matching), counted);
        return pass_if(count_matches(spec, matching),
                       Evidence::of("evidence.count_first", counted, describe_segment(view, *first_match, window)));
    }
    if (first_match) return pass_if(true, describe_segment(view, *first_match, window));
    if (first_of_kind) return pass_if(false, describe_segment(view, *first_of_kind, window));
    return pass_if(false, Evidence::of("evidence.none", segment_kind(spec)));
}

// The most sockets of `actor` in `state` at once in the socket dumps alone:
// what `ss -tan state syn-recv` would have listed at its busiest moment. One
// dump's changes share its time, the sockets it found before the ones it no
// longer found: the count is taken once a whole dump is in, or a request that
// replaced an expired one would count twice.
size_t most_sockets_in_dumps(const StepView& view, Actor actor, TcpState state) {
    std::map<std::pair<Endpoint, Endpoint>, TcpState> sockets;
    size_t most = 0;
    size_t now = 0;
    std::optional<int64_t> dump_time;
    const auto dump_done = [&] {
        if (dump_time && *dump_time >= view.begin_ns()) most = std::max(most, now);
    };
    for (const StateEvent& event : view.trace().states()) {
        if (event.source != StateSource::SocketDump || event.time_ns > view.end_ns()) continue;
        if (view.trace().actor_of(event) != actor) continue;
        if (dump_time != event.time_ns) dump_done();
        dump_time = event.time_ns;
        auto [socket, added] = sockets.try_emplace({event.local, event.remote}, event.to);
        if (!added) {
            if (socket->second == state) --now;
            socket->second = event.to;
        }
        if (event.to == state) ++now;
    }
    dump_done();
    return most;
}

CheckResult check_sockets(const CheckSpec& spec, const StepView& view) {
    const size_t most = spec.dumps_only ? most_sockets_in_dumps(view, spec.actor, spec.state)
                                        : view.most_sockets_in(spec.actor, spec.state);
    return pass_if(count_matches(spec, static_cast<int64_t>(most)),
                   Evidence::of("evidence.sockets_at_once", most, std::string(state_name(spec.state))));
}

CheckResult check_counter(const CheckSpec& spec, const StepView& view) {
    if (!view.counters()) return pass_if(false, Evidence::of("evidence.counters_unread"));
    const auto change = view.counters()->change(spec.subject);
    if (!change) return pass_if(false, Evidence::of("evidence.counter_missing", spec.subject));
    return pass_if(count_matches(spec, *change),
                   Evidence::literal(spec.subject + " " + (*change >= 0 ? "+" : "") + std::to_string(*change)));
}

CheckResult check_timer(const CheckSpec& spec, const StepView& view) {
    for (const StateEvent& event : view.trace().states()) {
        if (event.time_ns < view.begin_ns() || event.time_ns > view.end_ns()) continue;
        if (event.source != StateSource::SocketDump || event.to != TcpState::TimeWait) continue;
        if (view.trace().actor_of(event) != spec.actor) continue;
        if (event.timer != SocketTimer::TimeWait) continue;
        const int64_t seconds = event.timer_expires_ms / 1000;
        return pass_if(count_matches(spec, seconds),
                       Evidence::literal("timer:(timewait," + std::to_string(seconds) + "sec)"));
    }
    return pass_if(false, Evidence::of("evidence.no_time_wait_in_dump", actor_evidence(spec.actor)));
}

// The ISNs of the actor's SYNs in this step, in the order they were first
// sent (a retransmitted SYN repeats its ISN and adds nothing).
std::vector<uint32_t> isns_in_order(const CheckSpec& spec, const StepView& view) {
    std::vector<uint32_t> isns;
    for (const PacketEvent* packet : view.segments()) {
        if (packet->flags != tcp_flag::Syn || view.trace().sender_actor(*packet) != spec.actor) continue;
        if (std::find(isns.begin(), isns.end(), packet->seq) == isns.end()) isns.push_back(packet->seq);
    }
    return isns;
}

std::string listed(const std::vector<std::string>& items, size_t most = 6) {
    std::string text;
    for (size_t index = 0; index < items.size() && index < most; ++index)
        text += (index == 0 ? "" : ", ") + items[index];
    if (items.size() > most) text += ", …";
    return text;
}

CheckResult check_distinct_isns(const CheckSpec& spec, const StepView& view) {
    const std::vector<uint32_t> isns = isns_in_order(spec, view);
    std::vector<std::string> numbers;
    for (uint32_t isn : isns) numbers.push_back(std::to_string(isn));
    return pass_if(count_matches(spec, static_cast<int64_t>(isns.size())),
                   Evidence::of("evidence.distinct_isns", isns.size(), listed(numbers)));
}

// A step between successive ISNs larger than this is a jump no clock makes:
// a counter ticking every 4 µs (RFC 793's ISN clock) moves 16 M in a minute.
// Linux adds a keyed hash of the addresses and ports to a clock, so each new
// port pair lands anywhere in the 32-bit space: a step this small happens by
// chance once in 128.
constexpr int64_t kIsnJump = int64_t{1} << 24;

CheckResult check_random_isns(const CheckSpec& spec, const StepView& view) {
    const std::vector<uint32_t> isns = isns_in_order(spec, view);
    int64_t jumps = 0;
    std::vector<std::string> steps;
    for (size_t index = 1; index < isns.size(); ++index) {
        const auto step = static_cast<int32_t>(isns[index] - isns[index - 1]);
        jumps += std::abs(int64_t{step}) > kIsnJump ? 1 : 0;
        steps.push_back((step >= 0 ? "+" : "") + std::to_string(step));
    }
    return pass_if(count_matches(spec, jumps),
                   Evidence::of("evidence.isn_jumps", jumps, steps.size(), kIsnJump, listed(steps)));
}

// The connections (address and port at both ends) the actor's sockets had in
// `state` during the step: the kernel tells sockets apart by all four numbers.
CheckResult check_connections(const CheckSpec& spec, const StepView& view) {
    std::set<std::pair<Endpoint, Endpoint>> connections;
    for (const StateEvent& event : view.transitions())
        if (event.time_ns >= view.begin_ns() && event.time_ns <= view.end_ns() && event.to == spec.state &&
            view.trace().actor_of(event) == spec.actor && event.remote.port != 0)
            connections.insert({event.local, event.remote});
    std::set<Endpoint> locals;
    std::vector<std::string> remotes;
    for (const auto& [local, remote] : connections) {
        locals.insert(local);
        remotes.push_back(remote.to_string());
    }
    const bool one_local = locals.size() == 1;
    const bool passed = count_matches(spec, static_cast<int64_t>(connections.size())) &&
                        (!spec.same_local || *spec.same_local == one_local);
    if (one_local)
        return pass_if(passed,
                       Evidence::of("evidence.connections_one_local", connections.size(),
                                    std::string(state_name(spec.state)), locals.begin()->to_string(), listed(remotes)));
    return pass_if(passed, Evidence::of("evidence.connections", connections.size(), std::string(state_name(spec.state)),
                                        locals.size(), listed(remotes)));
}

// A moment when the client's socket was in one state and the server's end of
// the same connection in another: both ends seen at once, which neither end's
// states alone can show. Measures the longest such stretch in the step.
CheckResult check_states_together(const CheckSpec& spec, const StepView& view) {
    struct End {
        Endpoint local, remote;
        TcpState state;
    };
    std::map<std::pair<Endpoint, Endpoint>, End> clients, servers;
    int64_t together_since = -1;
    int64_t longest = -1;
    const auto together_now = [&] {
        for (const auto& [key, client] : clients) {
            if (client.state != spec.state) continue;
            const auto server = servers.find({client.remote, client.local});
            if (server != servers.end() && server->second.state == spec.peer_state) return true;
        }
        return false;
    };
    for (const StateEvent& event : view.transitions()) {
        if (event.time_ns > view.end_ns()) break;
        const Actor actor = view.trace().actor_of(event);
        if (actor != Actor::Client && actor != Actor::Server) continue;
        auto& ends = actor == Actor::Client ? clients : servers;
        ends[{event.local, event.remote}] = End{event.local, event.remote, event.to};
        const int64_t now = std::max(event.time_ns, view.begin_ns());
        const bool is_together = together_now();
        if (is_together && together_since < 0) together_since = now;
        if (!is_together && together_since >= 0) {
            longest = std::max(longest, now - together_since);
            together_since = -1;
        }
    }
    if (together_since >= 0) longest = std::max(longest, view.end_ns() - together_since);
    const std::string client_state(state_name(spec.state));
    const std::string server_state(state_name(spec.peer_state));
    if (longest < 0) return pass_if(false, Evidence::of("evidence.never_together", client_state, server_state));
    const int64_t lasted = milliseconds(longest);
    return pass_if(within(spec.at_least_ms, spec.at_most_ms, lasted),
                   Evidence::of("evidence.together", client_state, server_state, lasted));
}

// From the actor's first call of this name in the step to its last: the time
// the program spent between them (waiting for a reply, say).
CheckResult check_span(const CheckSpec& spec, const StepView& view) {
    const std::vector<const CallEvent*> calls = view.calls(spec.actor, spec.subject);
    if (calls.size() < 2) return pass_if(false, Evidence::of("evidence.span_too_few", calls.size(), spec.subject));
    const int64_t span = milliseconds(calls.back()->time_ns - calls.front()->time_ns);
    return pass_if(within(spec.at_least_ms, spec.at_most_ms, span),
                   Evidence::of("evidence.span", span, spec.subject, calls.size()));
}

// IPv4 fragments the actor's host sent in this step: pieces of datagrams too
// large for the link, each with its offset. A non-first fragment has no
// ports, so it belongs to whoever sent the first fragment with its IP ID.
CheckResult check_fragments(const CheckSpec& spec, const StepView& view) {
    struct Fragment {
        IpAddress source;
        uint16_t id, offset, length;
        Endpoint from;  // the first fragment's sender, with its port
    };
    std::vector<Fragment> fragments;
    for (const PacketEvent* packet : view.packets()) {
        const DecodedPacket decoded = decode_again(view.trace(), *packet);
        if (decoded.ip_version != 4 || (!decoded.more_fragments && decoded.fragment_offset == 0)) continue;
        const uint16_t length = static_cast<uint16_t>(decoded.ip_total_length - decoded.ip_header_length);
        fragments.push_back({decoded.source, decoded.ip_id, decoded.fragment_offset, length,
                             decoded.fragment_offset == 0 ? decoded.source_endpoint() : Endpoint{}});
    }
    std::map<std::pair<IpAddress, uint16_t>, Actor> senders;
    for (const Fragment& fragment : fragments)
        if (fragment.offset == 0) senders[{fragment.source, fragment.id}] = view.trace().actor_of(fragment.from);
    int64_t count = 0;
    std::vector<std::string> pieces;
    for (const Fragment& fragment : fragments) {
        const auto sender = senders.find({fragment.source, fragment.id});
        if (spec.actor != Actor::None && (sender == senders.end() || sender->second != spec.actor)) continue;
        ++count;
        pieces.push_back(std::to_string(fragment.offset) + "+" + std::to_string(fragment.length));
    }
    return pass_if(count_matches(spec, count), Evidence::of("evidence.fragments", count, listed(pieces, 8)));
}

// Which TCP flags were on the wire: in this step, or since the lesson began.
CheckResult check_flags_seen(const CheckSpec& spec, const StepView& view) {
    uint8_t seen = 0;
    const StepView whole(view.trace(), 0, view.end_ns());
    for (const PacketEvent* packet : (spec.whole_lesson ? whole : view).segments()) seen |= packet->flags;
    const uint8_t wanted = spec.flags.value_or(0);
    std::string text;
    for (const auto& [name, bit] :
         {std::pair{"URG", tcp_flag::Urg}, std::pair{"ACK", tcp_flag::Ack}, std::pair{"PSH", tcp_flag::Psh},
          std::pair{"RST", tcp_flag::Rst}, std::pair{"SYN", tcp_flag::Syn}, std::pair{"FIN", tcp_flag::Fin},
          std::pair{"ECE", tcp_flag::Ece}, std::pair{"CWR", tcp_flag::Cwr}}) {
        if (!(wanted & bit) && !(seen & bit)) continue;
        text += (text.empty() ? "" : "  ") + std::string(name) + ((seen & bit) ? " ✓" : " ✗");
    }
    return pass_if((seen & wanted) == wanted, Evidence::literal(text));
}

// The actor's TCP_INFO readings in the step (its getsockopt(TCP_INFO) calls), in order.
std::vector<TcpInfoReading> tcp_info_readings(const StepView& view, Actor actor) {
    std::vector<TcpInfoReading> readings;
    for (const CallEvent* call : view.calls(actor, "getsockopt"))
        if (auto reading = parse_tcp_info(call->data)) readings.push_back(*reading);
    return readings;
}

std::string number_text(double value) {
    char text[32];
    std::snprintf(text, sizeof text, value == static_cast<int64_t>(value) ? "%.0f" : "%.1f", value);
    return text;
}

// A slow start's round trips: a reading with at least 1.8 times the cwnd of
// the one before (readings a round trip apart double it; + 1 segment per
// round trip, congestion avoidance, never comes near).
int64_t cwnd_doublings(const std::vector<TcpInfoReading>& readings) {
    int64_t doublings = 0;
    for (size_t index = 1; index < readings.size(); ++index)
        if (readings[index].cwnd * 10 >= readings[index - 1].cwnd * 18) ++doublings;
    return doublings;
}

CheckResult check_tcp_info(const CheckSpec& spec, const StepView& view) {
    const std::vector<TcpInfoReading> readings = tcp_info_readings(view, spec.actor);
    if (readings.empty()) return pass_if(false, Evidence::of("evidence.tcp_info_none", actor_evidence(spec.actor)));
    const std::string field = spec.subject == "doublings" ? "cwnd" : spec.subject;
    std::vector<std::string> values;
    std::optional<double> chosen;
    for (const TcpInfoReading& reading : readings) {
        const std::optional<double> value = tcp_info_field(reading, field);
        values.push_back(value ? number_text(*value) : "-");
        if (spec.reading == "largest" && value && (!chosen || *value > *chosen)) chosen = value;
    }
    if (spec.reading == "first") chosen = tcp_info_field(readings.front(), field);
    if (spec.reading == "last") chosen = tcp_info_field(readings.back(), field);
    const Evidence shown = Evidence::of("evidence.tcp_info_values", field, readings.size(), listed(values, 12));
    if (spec.subject == "doublings") {
        const int64_t doublings = cwnd_doublings(readings);
        return pass_if(count_matches(spec, doublings), Evidence::of("evidence.cwnd_doublings", shown, doublings));
    }
    if (!chosen) return pass_if(false, shown);
    const double value = *chosen;
    const bool passed = (!spec.exactly || value == static_cast<double>(*spec.exactly)) &&
                        (!spec.at_least || value >= static_cast<double>(*spec.at_least)) &&
                        (!spec.at_most || value <= static_cast<double>(*spec.at_most));
    return pass_if(passed, shown);
}

// The copies of each data segment the actor sent in the step, by sequence
// number, in the order their first copies left: a retransmission repeats the
// original's number.
std::vector<std::vector<const PacketEvent*>> copies_of_data(const CheckSpec& spec, const StepView& view) {
    std::vector<std::vector<const PacketEvent*>> copies;
    std::map<uint32_t, size_t> by_seq;
    for (const PacketEvent* packet : view.segments()) {
        if (packet->payload_length == 0 || view.trace().sender_actor(*packet) != spec.actor) continue;
        auto [found, added] = by_seq.try_emplace(packet->seq, copies.size());
        if (added) copies.emplace_back();
        copies[found->second].push_back(packet);
    }
    return copies;
}

// How long the first data segment that was sent again waited for it.
CheckResult check_resent_after(const CheckSpec& spec, const StepView& view) {
    for (const auto& copies : copies_of_data(spec, view)) {
        if (copies.size() < 2) continue;
        const int64_t waited = milliseconds(copies[1]->time_ns - copies[0]->time_ns);
        return pass_if(within(spec.at_least_ms, spec.at_most_ms, waited),
                       Evidence::of("evidence.resent_after", view.trace().relative_seq(*copies[0]),
                                    copies[0]->payload_length, waited));
    }
    return pass_if(false, Evidence::of("evidence.not_resent", actor_evidence(spec.actor)));
}

// The timer's backoff: for the segment sent most often, how many times the
// wait before a copy was at least 1.5 times the wait before the copy before.
// Doubling gives 2, a fixed timer 1; the kernel's timers fire a few jiffies
// late, and on a busy machine the first wait can be tens of ms longer, so 2
// is not asked for exactly.
CheckResult check_backoff(const CheckSpec& spec, const StepView& view) {
    const auto all = copies_of_data(spec, view);
    const auto most =
        std::max_element(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.size() < b.size(); });
    if (most == all.end() || most->size() < 2)
        return pass_if(count_matches(spec, 0), Evidence::of("evidence.not_resent", actor_evidence(spec.actor)));
    std::vector<int64_t> gaps;
    for (size_t index = 1; index < most->size(); ++index)
        gaps.push_back(milliseconds((*most)[index]->time_ns - (*most)[index - 1]->time_ns));
    int64_t doublings = 0;
    std::vector<std::string> shown;
    for (size_t index = 0; index < gaps.size(); ++index) {
        if (index > 0 && gaps[index] * 10 >= gaps[index - 1] * 15) ++doublings;
        shown.push_back(std::to_string(gaps[index]));
    }
    return pass_if(count_matches(spec, doublings),
                   Evidence::of("evidence.backoff", view.trace().relative_seq(*most->front()), most->size(),
                                listed(shown), doublings));
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
                    case CheckSpec::Kind::RandomIsn:
                        return check_random_isns(spec, view);
                    case CheckSpec::Kind::Connections:
                        return check_connections(spec, view);
                    case CheckSpec::Kind::StatesTogether:
                        return check_states_together(spec, view);
                    case CheckSpec::Kind::Span:
                        return check_span(spec, view);
                    case CheckSpec::Kind::Fragments:
                        return check_fragments(spec, view);
                    case CheckSpec::Kind::FlagsSeen:
                        return check_flags_seen(spec, view);
                    case CheckSpec::Kind::TcpInfo:
                        return check_tcp_info(spec, view);
                    case CheckSpec::Kind::ResentAfter:
                        return check_resent_after(spec, view);
                    case CheckSpec::Kind::Backoff:
                        return check_backoff(spec, view);
                }
                return pass_if(false, Evidence::literal("?"));
            }};
}

std::function<const PacketEvent*(const StepView&)> make_show(const CheckSpec& spec) {
    return [spec](const StepView& view) -> const PacketEvent* {
        for (const PacketEvent* packet : view.segments())
            if (segment_matches(spec, view, *packet, true)) return packet;
        return nullptr;
    };
}

}  // namespace tcplab
