#include "transition_merger.hpp"

#include <algorithm>
#include <cstring>

namespace tcplab {
namespace {

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

size_t SocketKeyHash::operator()(const SocketKey& key) const {
    // Eight bytes at a time with a multiply-xorshift finish: a flood looks up
    // a million sockets every few seconds, and a byte-wise hash was most of that.
    uint64_t hash = 0x9e3779b97f4a7c15ull;
    const auto mix = [&hash](uint64_t word) {
        hash = (hash ^ word) * 0xff51afd7ed558ccdull;
        hash ^= hash >> 32;
    };
    for (const Endpoint* end : {&key.first, &key.second}) {
        uint64_t high = 0, low = 0;
        std::memcpy(&high, end->address.bytes.data(), 8);
        std::memcpy(&low, end->address.bytes.data() + 8, 8);
        mix(high);
        mix(low);
        mix(uint64_t{end->port} << 8 | end->address.version);
    }
    return static_cast<size_t>(hash ^ (hash >> 29));
}

std::vector<StateEvent> observed_transitions(const Trace& trace) { return TransitionMerger(trace.states()).take(); }

TransitionMerger::TransitionMerger(const std::vector<StateEvent>& given, size_t expected_sockets) {
    reset(given, expected_sockets);
}

void TransitionMerger::reset(const std::vector<StateEvent>& given, size_t expected_sockets) {
    sockets_.clear();
    traced_hosts_.clear();
    close_to_timewait_.clear();
    merged_.clear();
    sockets_.reserve(expected_sockets);
    merged_.reserve(std::max(expected_sockets, given.size()));
    const std::vector<StateEvent> states = with_ports_resolved(given);
    // Sockets the tracepoint reported are told by the tracepoint (and the dump,
    // for TIME_WAIT); for the others, packets fill the gaps between dumps.
    // When the tracepoint first spoke of each socket. Before that, a dump may
    // still see something it cannot: a half-open request socket in SYN_RECV
    // (the tracepoint reports the server's socket only once the ACK arrives).
    for (const StateEvent& event : states) {
        if (event.source != StateSource::Tracepoint) continue;
        Socket& socket = sockets_[SocketKey{event.local, event.remote}];
        socket.first_traced_ns = std::min(socket.first_traced_ns, event.time_ns);
        auto host = std::find_if(traced_hosts_.begin(), traced_hosts_.end(),
                                 [&](const auto& traced) { return traced.first == event.local.address; });
        if (host == traced_hosts_.end())
            traced_hosts_.emplace_back(event.local.address, event.time_ns);
        else
            host->second = std::min(host->second, event.time_ns);
    }
    for (const StateEvent& event : states) add(event, false);
}

bool TransitionMerger::append(std::span<const StateEvent> later) {
    for (const StateEvent& event : later) {
        // A tracepoint event can change what came before it: inferred states
        // of its socket give way to it, and it may name an earlier event's port.
        if (event.source == StateSource::Tracepoint) return false;
        if (!add(event, true)) return false;
    }
    return true;
}

bool TransitionMerger::host_traced_by(const IpAddress& address, int64_t time_ns) const {
    for (const auto& [host, since] : traced_hosts_)
        if (host == address) return since <= time_ns;
    return false;
}

bool TransitionMerger::insert_in_time_order(StateEvent event, bool appending) {
    const auto later =
        std::upper_bound(merged_.begin(), merged_.end(), event.time_ns,
                         [](int64_t time_ns, const StateEvent& other) { return time_ns < other.time_ns; });
    const size_t at = static_cast<size_t>(later - merged_.begin());
    if (at == merged_.size()) {
        merged_.push_back(std::move(event));
        return true;
    }
    if (appending) return false;  // what was handed out would change
    merged_.insert(later, std::move(event));
    for (auto& [key, index] : close_to_timewait_)
        if (index >= at) ++index;
    return true;
}

bool TransitionMerger::add(const StateEvent& event, bool appending) {
    const SocketKey key{event.local, event.remote};
    Socket& socket = sockets_[key];  // one lookup per event: a flood brings a million
    if (event.source == StateSource::Inferred && socket.first_traced_ns != kNotTraced) return true;
    // A final ACK seen on the wire does not prove the handshake completed: with
    // the accept queue full the server's kernel drops it and the request stays
    // in SYN_RECV. Where the tracepoint runs it reports every socket an ACK
    // completes, so its silence means the ACK was dropped.
    if (event.source == StateSource::Inferred && socket.last == TcpState::SynReceived &&
        event.to == TcpState::Established && host_traced_by(event.local.address, event.time_ns))
        return true;
    // Without the tracepoint, a request the dumps have listed in SYN_RECV is
    // shown ESTABLISHED once a dump lists the full socket, not at a final ACK
    // alone: a full accept queue drops that ACK and ss keeps the request in
    // SYN_RECV. A dump that lists it soon after the ACK confirms that ACK, and
    // the transition is shown at the ACK.
    if (event.to == TcpState::SynReceived && socket.last != TcpState::SynReceived)
        socket.request_dumped = socket.completion_awaited = false;  // a new request on these ports
    if (event.source == StateSource::SocketDump && event.to == TcpState::SynReceived) socket.request_dumped = true;
    if (event.source == StateSource::Inferred && socket.last == TcpState::SynReceived &&
        event.to == TcpState::Established && socket.request_dumped) {
        socket.completion_awaited = true;
        socket.awaited_ack_ns = event.time_ns;
        socket.awaited_connection = event.connection;
        return true;
    }
    if (socket.completion_awaited && socket.last == TcpState::SynReceived) {
        const bool confirmed = event.source == StateSource::SocketDump && event.to == TcpState::Established &&
                               event.time_ns - socket.awaited_ack_ns <= kDumpConfirmsAnAckWithinNs;
        // A later state (FIN or beyond) proves the ACK was taken too: the
        // socket went through ESTABLISHED between two dumps.
        const bool passed =
            event.to != TcpState::Closed && progress(event.to, true) > progress(TcpState::Established, true);
        if (confirmed || passed) {
            StateEvent completed = event;
            completed.source = StateSource::Inferred;
            completed.from = TcpState::SynReceived;
            completed.to = TcpState::Established;
            completed.time_ns = socket.awaited_ack_ns;
            completed.connection = socket.awaited_connection;
            if (!insert_in_time_order(std::move(completed), appending)) return false;
            socket.last = TcpState::Established;
            socket.seen = true;
            socket.completion_awaited = false;
            if (confirmed) return true;
        }
    }
    if (event.to != TcpState::SynReceived) socket.completion_awaited = false;
    // Packets cannot bring back a socket the kernel has ended: an orphan that
    // tcp_fin_timeout closed still "receives" the peer's late FIN in the
    // packets' eyes, yet the kernel answers it with RST. Only a new connection
    // on the same addresses and ports (a SYN) starts it again.
    const bool opens = event.to == TcpState::SynSent || event.to == TcpState::SynReceived;
    if (event.source == StateSource::Inferred && socket.gone && !opens) return true;
    const bool seen = socket.seen;
    const TcpState last = socket.last;
    if (event.to == last) return true;
    auto pending = close_to_timewait_.empty() ? close_to_timewait_.end() : close_to_timewait_.find(key);
    if (event.source == StateSource::SocketDump) {
        // For a traced socket the dump only adds what the tracepoint cannot
        // see: the timewait socket that outlives the full one, and its end
        // (after 60 s, or when a class skips the wait).
        const bool after_traced_close = pending != close_to_timewait_.end();
        const bool timewait_ends = last == TcpState::TimeWait;
        const bool traced_by_then = socket.first_traced_ns <= event.time_ns;
        if (traced_by_then && event.to != TcpState::TimeWait && !after_traced_close && !timewait_ends) return true;
        const TcpState reference = after_traced_close ? merged_[pending->second].from : last;
        if (progress(event.to, true) < progress(reference, seen)) return true;
    }

    StateEvent shown = event;
    if (event.source != StateSource::Tracepoint) shown.from = last;
    if (pending != close_to_timewait_.end()) {
        if (event.source == StateSource::SocketDump && last == TcpState::Closed) {
            // The traced X→CLOSED was the socket going on as a timewait socket:
            // that transition is replaced, which an append cannot do.
            if (appending) return false;
            shown.from = merged_[pending->second].from;
            const size_t removed = pending->second;
            merged_.erase(merged_.begin() + static_cast<std::ptrdiff_t>(removed));
            for (auto& [other_key, index] : close_to_timewait_)
                if (index > removed) --index;
        }
        close_to_timewait_.erase(key);
    }
    if (event.source == StateSource::Tracepoint && event.to == TcpState::Closed && may_live_on_as_timewait(event.from))
        close_to_timewait_[key] = merged_.size();
    socket.last = shown.to;
    socket.seen = true;
    socket.gone = shown.to == TcpState::Closed && event.source != StateSource::Inferred;
    // A socket that went on as a timewait socket in the same state: nothing changed.
    if (shown.from != shown.to) merged_.push_back(shown);
    return true;
}

}  // namespace tcplab
