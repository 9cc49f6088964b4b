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
    std::optional<uint32_t> syn_seq() const { return syn_seq_known_ ? std::optional(syn_seq_) : std::nullopt; }
    std::optional<uint32_t> fin_seq() const { return fin_seq_known_ ? std::optional(fin_seq_) : std::nullopt; }

    // Numbers and flags side by side instead of two std::optional: 12 bytes
    // per end instead of 20, and a capture holds two ends per connection.
    uint32_t syn_seq_ = 0;  // our ISN: the sequence number our SYN occupies
    uint32_t fin_seq_ = 0;  // sequence number our FIN occupies
    TcpState state_;
    bool passive_open_ = false;  // reached SYN_RECV from LISTEN
    bool syn_seq_known_ = false;
    bool fin_seq_known_ = false;
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
    // The same, appended to `transitions`: a caller reusing one vector
    // allocates nothing per segment (opening a file sees millions).
    void on_segment(Side sender, const Segment& segment, uint64_t tag, std::vector<InferredTransition>& transitions);

    // Delivers every held segment (at the end of a capture).
    std::vector<InferredTransition> flush();
    // Segments held now; flush() makes at most one transition of each.
    size_t held_count() const { return held_.size(); }

    // With a capture point at each end (two hosts joined by the wire), the
    // trace knows when each end sent and when it received a segment, so
    // nothing needs holding back: these apply one event to one end.
    std::optional<InferredTransition> on_send(Side side, const Segment& segment, uint64_t tag);
    std::optional<InferredTransition> on_receive(Side side, const Segment& segment, uint64_t tag);

private:
    // Segment's fields spelled out so the receiver fits in its padding: 24 bytes.
    struct Held {
        uint64_t tag;
        uint32_t seq;
        uint32_t ack;
        uint32_t payload_length;
        uint8_t flags;
        Side receiver;

        Segment segment() const { return {.flags = flags, .seq = seq, .ack = ack, .payload_length = payload_length}; }
    };
    static_assert(sizeof(Held) == 24);
    void deliver(Side receiver, const Segment& segment, uint64_t tag, std::vector<InferredTransition>& out);
    TcpEndFsm& end(Side side) { return side == Side::Client ? client_ : server_; }

    TcpEndFsm client_;
    TcpEndFsm server_;
    // Segments held for either end, each in the order it was sent. One vector,
    // not one per end: a SYN flood leaves a million connections, and an empty
    // vector costs 24 bytes in each.
    std::vector<Held> held_;
};

}  // namespace tcplab
