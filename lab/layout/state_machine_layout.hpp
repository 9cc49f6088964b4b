#pragma once
// The TCP state machine's layout: RFC 793's diagram (figure 6) with one box per
// state at a fixed place in a normalized 0..1 square, and the RFC's
// transitions as labelled polyline arrows between the boxes. CLOSED is at the
// top, the handshake states below it, ESTABLISHED in the centre, the active
// close down the left column and the passive close down the right one. The
// view scales the square to its window; the current state of each end and the
// transition that led there are flags on the records.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "capture/trace.hpp"

namespace tcplab {

struct NormalizedPoint {
    float x = 0, y = 0;
};

struct NormalizedRect {
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    NormalizedPoint centre() const { return {(x0 + x1) * 0.5f, (y0 + y1) * 0.5f}; }
};

// What one end (every socket of the client, or of the server) has done up to
// the cursor: its latest state and the transition that led to it.
struct EndProgress {
    std::optional<TcpState> state;  // none before its first transition
    StateSource source = StateSource::Inferred;
    std::optional<StateEvent> last_transition;
    std::array<bool, kTcpStateCount> kernel_reported{};  // states a kernel source reported
    std::array<bool, kTcpStateCount> inferred{};         // states only packets told of
};

struct EndsProgress {
    EndProgress client;
    EndProgress server;
};

// The transitions (observed_transitions(trace), sorted by time) at or before
// the cursor, sorted into the two ends by trace.actor_of(local). The server's
// listener and its connection sockets are one end: the latest transition of
// any of them is where the server is.
EndsProgress ends_progress(const Trace& trace, const std::vector<StateEvent>& transitions, int64_t cursor_ns);

struct StateBox {
    TcpState state = TcpState::Closed;
    NormalizedRect rect;
    bool client_current = false;  // the client is in this state now
    bool server_current = false;
    bool client_inferred = false;  // ... and only packets say so
    bool server_inferred = false;
    bool visited = false;        // an end has been here up to the cursor
    bool inferred_only = false;  // visited, but no kernel source ever reported it
};

enum class LabelAlign : uint8_t { Left, Centre, Right };  // where the anchor is in the label

struct StateArrow {
    TcpState from = TcpState::Closed;
    TcpState to = TcpState::Closed;
    std::vector<NormalizedPoint> points;  // from an edge of `from`'s box to an edge of `to`'s box
    NormalizedPoint label_anchor;         // the label's vertical middle
    LabelAlign label_align = LabelAlign::Centre;
    std::string label_key;     // language key, "" for a transition the RFC's figure does not draw
    bool in_rfc = true;        // false: added because an end took it (e.g. an RST), drawn straight
    bool client_last = false;  // the client's latest transition
    bool server_last = false;
};

struct StateMachineLayout {
    std::vector<StateBox> boxes;     // one per state, in TcpState order
    std::vector<StateArrow> arrows;  // the RFC's, then any extra ones
};

StateMachineLayout layout_state_machine(const EndsProgress& progress);

// The box of each state in the fixed layout.
NormalizedRect state_box_rect(TcpState state);

}  // namespace tcplab
