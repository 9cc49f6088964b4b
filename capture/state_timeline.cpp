#include "state_timeline.hpp"

#include <map>

namespace tcplab {
namespace {

using SocketKey = std::pair<Endpoint, Endpoint>;

// When a closing socket becomes a timewait socket, the kernel reports the full
// socket going to CLOSE although the connection lives on (FIN_WAIT_2 or
// TIME_WAIT, seen only in the dump).
bool may_live_on_as_timewait(TcpState state) {
    return state == TcpState::FinWait1 || state == TcpState::FinWait2 || state == TcpState::Closing;
}

// How far along its life a connection socket is. A dump reflects some moment
// during the dump, so when packets or the tracepoint already told of a later
// state, a dump showing an earlier one is stale, not a step back.
int progress(TcpState state, bool seen_before) {
    switch (state) {
        case TcpState::Closed:
            return seen_before ? 6 : 0;
        case TcpState::Listen:
            return 0;
        case TcpState::SynSent:
        case TcpState::SynReceived:
            return 1;
        case TcpState::Established:
            return 2;
        case TcpState::FinWait1:
        case TcpState::CloseWait:
            return 3;
        case TcpState::FinWait2:
        case TcpState::Closing:
        case TcpState::LastAck:
            return 4;
        case TcpState::TimeWait:
            return 5;
    }
    return 0;
}

}  // namespace

// connect() moves a socket to SYN_SENT before it picks its ephemeral port, so
// the tracepoint reports that first transition with local port 0. The socket's
// next transition (from SYN_SENT, same peer) names the port.
std::vector<StateEvent> with_ports_resolved(const std::vector<StateEvent>& states) {
    std::vector<StateEvent> resolved = states;
    for (size_t i = 0; i < resolved.size(); ++i) {
        StateEvent& event = resolved[i];
        if (event.source != StateSource::Tracepoint || event.local.port != 0 || event.to != TcpState::SynSent) continue;
        for (size_t j = i + 1; j < resolved.size(); ++j) {
            const StateEvent& later = resolved[j];
            if (later.source == StateSource::Tracepoint && later.from == TcpState::SynSent &&
                later.remote == event.remote && later.local.port != 0) {
                event.local = later.local;
                break;
            }
        }
    }
    return resolved;
}

std::vector<StateEvent> observed_transitions(const Trace& trace) {
    const std::vector<StateEvent> states = with_ports_resolved(trace.states());
    // Sockets the tracepoint reported are told by the tracepoint (and the dump,
    // for TIME_WAIT); for the others, packets fill the gaps between dumps.
    // When the tracepoint first spoke of each socket. Before that, a dump may
    // still see something it cannot: a half-open request socket in SYN_RECV
    // (the tracepoint reports the server's socket only once the ACK arrives).
    std::map<SocketKey, int64_t> first_traced;
    for (const StateEvent& event : states)
        if (event.source == StateSource::Tracepoint)
            first_traced.emplace(SocketKey{event.local, event.remote}, event.time_ns);
    auto traced_at = [&](const SocketKey& key, int64_t time) {
        auto found = first_traced.find(key);
        return found != first_traced.end() && found->second <= time;
    };

    std::vector<StateEvent> merged;
    std::map<SocketKey, TcpState> last_state;
    std::map<SocketKey, size_t> close_to_timewait;  // index in merged of a tracepoint X→CLOSED

    for (const StateEvent& event : states) {
        const SocketKey key{event.local, event.remote};
        if (event.source == StateSource::Inferred && first_traced.count(key)) continue;
        const bool seen = last_state.count(key) != 0;
        const TcpState last = seen ? last_state[key] : TcpState::Closed;
        if (event.to == last) continue;
        if (event.source == StateSource::SocketDump) {
            // For a traced socket the dump only adds what the tracepoint cannot
            // see: the timewait socket that outlives the full one, and its end
            // (after 60 s, or when a class skips the wait).
            const bool after_traced_close = close_to_timewait.count(key) != 0;
            const bool timewait_ends = last == TcpState::TimeWait;
            if (traced_at(key, event.time_ns) && event.to != TcpState::TimeWait && !after_traced_close &&
                !timewait_ends)
                continue;
            const TcpState reference = after_traced_close ? merged[close_to_timewait[key]].from : last;
            if (progress(event.to, true) < progress(reference, seen)) continue;
        }

        StateEvent shown = event;
        if (event.source != StateSource::Tracepoint) shown.from = last;
        auto pending = close_to_timewait.find(key);
        if (pending != close_to_timewait.end()) {
            if (event.source == StateSource::SocketDump && last == TcpState::Closed) {
                shown.from = merged[pending->second].from;
                merged.erase(merged.begin() + static_cast<std::ptrdiff_t>(pending->second));
                for (auto& [other_key, index] : close_to_timewait)
                    if (index > pending->second) --index;
            }
            close_to_timewait.erase(key);
        }
        if (event.source == StateSource::Tracepoint && event.to == TcpState::Closed &&
            may_live_on_as_timewait(event.from))
            close_to_timewait[key] = merged.size();
        last_state[key] = shown.to;
        // A socket that went on as a timewait socket in the same state: nothing changed.
        if (shown.from != shown.to) merged.push_back(shown);
    }
    return merged;
}

}  // namespace tcplab
