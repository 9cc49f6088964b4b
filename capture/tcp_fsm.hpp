#pragma once
// Infers the RFC 793 state of each end of a connection from the segments it
// sends and receives. This is what the lab can say when it has only packets
// (an opened capture file, or no kernel source): the view labels it "inferred".
#include <cstdint>
#include <optional>
#include <vector>

#include "tcp_state.hpp"

namespace tcplab {

// The fields of a TCP segment the state machine looks at.
struct Segment {
    uint8_t flags = 0;  // tcp_flag bits (decode.hpp)
    uint32_t seq = 0;
    uint32_t ack = 0;
    uint32_t payload_length = 0;
};

// One end of a connection. It is told about every segment this end sends and
// every segment it receives, in the order they happen at this end.
class TcpEndFsm {
public:
    explicit TcpEndFsm(TcpState initial = TcpState::Closed);

    TcpState state() const { return state_; }

    // Each returns the new state when the segment moved this end, else nullopt.
    std::optional<TcpState> on_send(const Segment& segment);
    std::optional<TcpState> on_receive(const Segment& segment);

private:
    std::optional<TcpState> move_to(TcpState next);

    TcpState state_;
    bool passive_open_ = false;        // reached SYN_RECV from LISTEN
    std::optional<uint32_t> syn_seq_;  // our ISN: the sequence number our SYN occupies
    std::optional<uint32_t> fin_seq_;  // sequence number our FIN occupies
};

enum class Side : uint8_t { Client, Server };

struct InferredTransition {
    Side side;
    TcpState from;
    TcpState to;
    uint64_t cause = 0;  // the tag of the segment that caused it (the trace uses its time)
};

// Both ends of one connection, seen from a single capture point.
//
// A capture point sees each segment once, but not when the other end took it
// in. Two FINs (or SYNs) can cross: each end sent its own before it processed
// the other's. The ack field tells: an end that had processed the peer's FIN
// acknowledges it. So a segment carrying SYN or FIN is held back from its
// receiver until the receiver sends something: if that acknowledges it, it was
// received first; if not, the two crossed (simultaneous open or close). Segments
// without SYN or FIN are delivered at once unless one is already held.
class ConnectionFsm {
public:
    // A connection seen from its first SYN: the client starts CLOSED and the
    // server LISTEN. A capture that starts mid-stream passes ESTABLISHED twice.
    ConnectionFsm(TcpState client_initial = TcpState::Closed, TcpState server_initial = TcpState::Listen);

    TcpState state(Side side) const;

    // The transitions this segment made certain, in the order they happened;
    // each names the segment that caused it. `tag` is returned as `cause`.
    std::vector<InferredTransition> on_segment(Side sender, const Segment& segment, uint64_t tag = 0);

    // Delivers every held segment (at the end of a capture).
    std::vector<InferredTransition> flush();
    // Segments held now; flush() makes at most one transition of each.
    size_t held_count() const { return held_for_client_.size() + held_for_server_.size(); }

    // With a capture point at each end (two hosts joined by the wire), the
    // trace knows when each end sent and when it received a segment, so
    // nothing needs holding back: these apply one event to one end.
    std::optional<InferredTransition> on_send(Side side, const Segment& segment, uint64_t tag);
    std::optional<InferredTransition> on_receive(Side side, const Segment& segment, uint64_t tag);

private:
    struct Held {
        Segment segment;
        uint64_t tag;
    };
    void deliver(Side receiver, const Segment& segment, uint64_t tag, std::vector<InferredTransition>& out);
    TcpEndFsm& end(Side side) { return side == Side::Client ? client_ : server_; }

    TcpEndFsm client_;
    TcpEndFsm server_;
    std::vector<Held> held_for_client_;
    std::vector<Held> held_for_server_;
};

}  // namespace tcplab
