#pragma once
// Merges the three sources of socket states into one list of transitions that a
// person can read: tracepoint events first (exact), socket-dump events where the
// tracepoint is silent (TIME_WAIT, or when not root), and states inferred from
// packets only for sockets no kernel source reported.
#include <cstdint>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include "dense_hash_map.hpp"
#include "trace.hpp"

namespace tcplab {

std::vector<StateEvent> observed_transitions(const Trace& trace);

using SocketKey = std::pair<Endpoint, Endpoint>;  // local, remote
struct SocketKeyHash {
    size_t operator()(const SocketKey& key) const;
};

// observed_transitions(), kept up to date while a trace grows: a live flood
// adds thousands of states a frame, and merging them all again each frame
// would take longer than the frame.
class TransitionMerger {
public:
    // The transitions of these states (sorted by time), as observed_transitions
    // gives them. With room for this many sockets, a flood's merger never
    // rehashes within a frame.
    explicit TransitionMerger(const std::vector<StateEvent>& states, size_t expected_sockets = 0);
    // The same, reusing the room this merger already made (its hash maps'
    // buckets), which for a flood is a large part of the cost.
    void reset(const std::vector<StateEvent>& states, size_t expected_sockets = 0);

    const std::vector<StateEvent>& transitions() const { return merged_; }
    std::vector<StateEvent> take() && { return std::move(merged_); }

    // States that came after every state given so far, in time order. Only
    // the transitions of these are added. False when that cannot be done
    // (a tracepoint event may name a socket the packets already spoke of,
    // or the port of an earlier event; a dump may replace a transition
    // already made): the merger is then out of date and must be made anew.
    bool append(std::span<const StateEvent> later);

private:
    // Returns false instead of changing a transition already made.
    bool add(const StateEvent& event, bool appending);

    static constexpr int64_t kNotTraced = INT64_MAX;
    // A dump lists sockets every few milliseconds: one that lists a request
    // completed this soon after its final ACK shows that ACK completed it.
    static constexpr int64_t kDumpConfirmsAnAckWithinNs = 50'000'000;
    struct Socket {
        int64_t first_traced_ns = kNotTraced;  // when the tracepoint first spoke of it
        TcpState last = TcpState::Closed;      // its last transition's state
        bool seen = false;                     // whether it made one
        bool gone = false;                     // a kernel source reported it CLOSED (a dump no longer lists it)
        bool request_dumped = false;           // a dump listed it in SYN_RECV
        bool completion_awaited = false;       // its final ACK came; no dump has shown the handshake completed
        int64_t awaited_ack_ns = 0;            // when the latest such ACK came
        uint32_t awaited_connection = kNoConnection;
    };
    // When the tracepoint first spoke of any socket of each local address (a
    // host: a few per trace). On such a host, the tracepoint reports every
    // socket a final ACK completes.
    std::vector<std::pair<IpAddress, int64_t>> traced_hosts_;
    bool host_traced_by(const IpAddress& address, int64_t time_ns) const;
    // Adds `event` where its time puts it; false when that is before the end
    // while appending (what was handed out would change: build anew).
    bool insert_in_time_order(StateEvent event, bool appending);
    DenseHashMap<SocketKey, Socket, SocketKeyHash> sockets_;
    std::unordered_map<SocketKey, size_t, SocketKeyHash> close_to_timewait_;  // index in merged_ of a traced X→CLOSED
    std::vector<StateEvent> merged_;
};

}  // namespace tcplab
