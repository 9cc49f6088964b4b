#pragma once
// How long each socket stayed in each state: the spans the timeline's state
// lanes draw, built from the merged transitions (transition_merger.hpp) one at
// a time, so a growing trace only adds the spans of its new transitions
// (TransitionsAndSpans keeps them between frames). Also which end, client or
// server, an event belongs to, which the spans and the ladder both need.
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

#include "capture/dense_hash_map.hpp"
#include "capture/trace.hpp"
#include "capture/transition_merger.hpp"

namespace tcplab {

// How long a socket stayed in one state, for the state lanes.
struct StateSpan {
    Actor actor = Actor::None;
    int row = 0;  // sockets of one end that live at the same time get their own rows
    int64_t begin_ns = 0;
    int64_t end_ns = 0;  // the next transition of the same socket, or INT64_MAX while it lasts
    TcpState state = TcpState::Closed;
    StateSource source = StateSource::Inferred;
    size_t transition = 0;  // index into the transitions it was made from
};

// Spans from observed_transitions(trace) (sorted by time), for client and
// server sockets; CLOSED is where a socket ends, so it has no span.
std::vector<StateSpan> state_spans(const Trace& trace, const std::vector<StateEvent>& transitions);

// state_spans() one transition at a time, so that a growing trace only adds
// the spans of its new transitions (see TransitionsAndSpans).
class StateSpanBuilder {
public:
    void reserve(size_t sockets) { sockets_.reserve(sockets); }
    // Forgets every socket, keeping the room reserved.
    void clear();
    // transitions[index] ends its socket's open span and opens the next one, if any.
    void add(const Trace& trace, const std::vector<StateEvent>& transitions, size_t index,
             std::vector<StateSpan>& spans);

private:
    static constexpr size_t kClosed = SIZE_MAX;
    struct Socket {
        size_t open_span = kClosed;  // index of its open span; kClosed while it has none
        int row = -1;
    };
    // Every socket seen, closed ones included (the map never erases).
    DenseHashMap<SocketKey, Socket, SocketKeyHash> sockets_;
    // Per end (client, server): rows freed by closed sockets, and the next new row.
    std::array<std::priority_queue<int, std::vector<int>, std::greater<int>>, 2> free_rows_;
    std::array<int, 2> next_row_{};
};

// Which end a transition belongs to: Trace::actor_of, without its walk over
// every connection when the transition names its connection (an opened
// capture has a million connections; the walk per event would take hours).
Actor end_of_transition(const Trace& trace, const StateEvent& event);
// Which end sent a packet: Trace::sender_actor, without that walk.
Actor end_of_sender(const Trace& trace, const PacketEvent& packet);

// The spans of each state row, in time order. A socket holds its row until it
// closes, so spans in one row never overlap and a binary search finds those
// in view. Built once per change of the spans (a view keeps it).
struct StateSpanRows {
    std::vector<std::vector<uint32_t>> client;  // [row] -> span indexes
    std::vector<std::vector<uint32_t>> server;

    void add(const std::vector<StateSpan>& spans, size_t position);  // the next span, in time order
};
StateSpanRows index_state_spans(const std::vector<StateSpan>& spans);

}  // namespace tcplab
