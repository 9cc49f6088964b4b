#include "tcp_fsm.hpp"

#include <algorithm>

#include "decode.hpp"  // tcp_flag

// How the state of one end is inferred from packets alone.
//
// Transitions follow the RFC 793 diagram (section 3.2, figure 6) with the
// segment-arrival rules of section 3.9. Only SYN, FIN and RST ever move an end
// when it sends; when it receives, SYN, RST, and an ACK that covers our SYN or
// FIN do. Anything else (data, window updates, retransmissions, old ACKs) leaves
// the state alone.
//
// Choices worth knowing:
// - A received segment is processed in two steps, as RFC 793 does: first its
//   ACK, then its FIN. So FIN_WAIT_1 receiving a FIN whose ACK covers our FIN
//   goes FIN_WAIT_1 -> (FIN_WAIT_2) -> TIME_WAIT and is reported as the single
//   transition FIN_WAIT_1 -> TIME_WAIT; likewise SYN_RECV receiving ACK+FIN goes
//   straight to CLOSE_WAIT. The result type carries one new state per segment.
// - In the synchronized states a received segment without ACK (other than RST)
//   is dropped, as RFC 793 and Linux do, so a bare FIN changes nothing.
// - We track no receive window: a FIN is taken at face value when it arrives,
//   and an RST is believed without checking its sequence number.
// - Sending RST moves any end to CLOSED, including LISTEN and SYN_SENT: from
//   packets alone an RST answering a stray segment cannot be told apart from an
//   abort, and an end that answers a SYN with RST was not listening after all.
// - If the end was constructed past the point where it sent its SYN or FIN
//   (a capture that starts mid-stream), we do not know that sequence number,
//   so any ACK is taken to cover it rather than leaving the end stuck.

namespace tcplab {
namespace {

bool has_flag(const Segment& segment, uint8_t flag) { return (segment.flags & flag) != 0; }

// RFC 793 compares sequence numbers modulo 2^32: a is at or after b when the
// signed 32-bit distance from b to a is non-negative.
bool seq_at_or_after(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) >= 0; }

// An ACK covers a SYN or FIN at sequence number `occupied` when it acknowledges
// the byte after it. An unknown position is treated as covered (see above).
bool ack_covers(const Segment& segment, std::optional<uint32_t> occupied) {
    if (!has_flag(segment, tcp_flag::Ack)) return false;
    if (!occupied) return true;
    return seq_at_or_after(segment.ack, *occupied + 1);
}

// States in which both ends' sequence numbers are known (RFC 793 3.4); an RST
// here aborts the connection outright.
bool is_synchronized(TcpState state) {
    switch (state) {
        case TcpState::Established:
        case TcpState::FinWait1:
        case TcpState::FinWait2:
        case TcpState::CloseWait:
        case TcpState::Closing:
        case TcpState::LastAck:
        case TcpState::TimeWait:
            return true;
        default:
            return false;
    }
}

}  // namespace

TcpEndFsm::TcpEndFsm(TcpState initial) : state_(initial) {}

std::optional<TcpState> TcpEndFsm::move_to(TcpState next) {
    if (next == state_) return std::nullopt;
    state_ = next;
    // Back at rest, the end forgets the old connection. Every way out of
    // CLOSED/LISTEN records a fresh ISN anyway; clearing guards a reused
    // 4-tuple against ever matching ACKs to the previous connection's SYN/FIN.
    if (next == TcpState::Closed || next == TcpState::Listen) {
        passive_open_ = false;
        syn_seq_known_ = false;
        fin_seq_known_ = false;
    }
    return state_;
}

std::optional<TcpState> TcpEndFsm::on_send(const Segment& segment) {
    if (has_flag(segment, tcp_flag::Rst)) {
        // A "listener" that answers with RST was never listening: we assumed
        // LISTEN for the end that received a SYN. Correct the assumption
        // quietly instead of reporting a LISTEN → CLOSED that never happened.
        if (state_ == TcpState::Listen) {
            state_ = TcpState::Closed;
            return std::nullopt;
        }
        return move_to(TcpState::Closed);
    }

    if (has_flag(segment, tcp_flag::Syn)) {
        const bool is_syn_ack = has_flag(segment, tcp_flag::Ack);
        // Active open; from LISTEN this is RFC 793's "SEND" on a passive socket.
        // In any other state a SYN is a retransmission and changes nothing.
        if (!is_syn_ack && (state_ == TcpState::Closed || state_ == TcpState::Listen)) {
            auto moved = move_to(TcpState::SynSent);
            passive_open_ = false;
            syn_seq_ = segment.seq;
            syn_seq_known_ = true;
            return moved;
        }
        // Passive open: the listener answers a SYN. The SYN it received kept it
        // in LISTEN; only its own SYN-ACK commits it to this connection.
        if (is_syn_ack && state_ == TcpState::Listen) {
            auto moved = move_to(TcpState::SynReceived);
            passive_open_ = true;
            syn_seq_ = segment.seq;
            syn_seq_known_ = true;
            return moved;
        }
        return std::nullopt;
    }

    if (has_flag(segment, tcp_flag::Fin)) {
        // Data before the FIN occupies [seq, seq + payload_length), so the FIN
        // itself sits right after it.
        const uint32_t fin_seq = segment.seq + segment.payload_length;
        switch (state_) {
            case TcpState::SynReceived:  // RFC 793: CLOSE in SYN-RECEIVED sends FIN
            case TcpState::Established:
                fin_seq_ = fin_seq;
                fin_seq_known_ = true;
                return move_to(TcpState::FinWait1);
            case TcpState::CloseWait:
                fin_seq_ = fin_seq;
                fin_seq_known_ = true;
                return move_to(TcpState::LastAck);
            default:
                // A retransmitted FIN (FIN_WAIT_1, CLOSING, LAST_ACK) or one that
                // makes no sense here: keep the first FIN's position.
                return std::nullopt;
        }
    }
    return std::nullopt;
}

std::optional<TcpState> TcpEndFsm::on_receive(const Segment& segment) {
    if (has_flag(segment, tcp_flag::Rst)) {
        switch (state_) {
            case TcpState::SynSent:
                // RFC 793: in SYN-SENT an RST counts only if it acknowledges our
                // SYN; this is how a refused connection looks (RST-ACK).
                if (ack_covers(segment, syn_seq())) return move_to(TcpState::Closed);
                return std::nullopt;
            case TcpState::SynReceived:
                // A passive open goes back to listening; an active one is done.
                return move_to(passive_open_ ? TcpState::Listen : TcpState::Closed);
            default:
                if (is_synchronized(state_)) return move_to(TcpState::Closed);
                return std::nullopt;  // CLOSED or LISTEN ignore an RST
        }
    }

    const bool has_syn = has_flag(segment, tcp_flag::Syn);
    const bool has_ack = has_flag(segment, tcp_flag::Ack);

    // Only an end that is still opening has a use for a SYN; elsewhere it is a
    // retransmission (our ACK of it was lost) and the whole segment is ignored.
    if (has_syn && state_ != TcpState::SynSent && state_ != TcpState::SynReceived) return std::nullopt;
    // Past SYN_SENT, RFC 793 drops any segment without ACK, FIN included.
    if (!has_syn && !has_ack) return std::nullopt;

    // Step 1: the SYN and the ACK.
    TcpState next = state_;
    switch (state_) {
        case TcpState::SynSent:
            if (has_syn && has_ack) {
                // A SYN-ACK that does not acknowledge our SYN is unacceptable
                // (RFC 793 answers it with RST); it moves nothing.
                if (!ack_covers(segment, syn_seq())) return std::nullopt;
                next = TcpState::Established;
            } else if (has_syn) {
                next = TcpState::SynReceived;  // simultaneous open
            }
            break;
        case TcpState::SynReceived:
            // The third segment of the handshake, or in a simultaneous open the
            // peer's SYN-ACK: either way, the ACK of our SYN.
            if (ack_covers(segment, syn_seq())) next = TcpState::Established;
            break;
        case TcpState::FinWait1:
            if (ack_covers(segment, fin_seq())) next = TcpState::FinWait2;
            break;
        case TcpState::Closing:
            if (ack_covers(segment, fin_seq())) next = TcpState::TimeWait;
            break;
        case TcpState::LastAck:
            if (ack_covers(segment, fin_seq())) next = TcpState::Closed;
            break;
        default:
            break;
    }

    // Step 2: the FIN, in the state the ACK left us in. CLOSE_WAIT, CLOSING,
    // LAST_ACK and TIME_WAIT have already seen the peer's FIN, so another one
    // is a retransmission (TIME_WAIT re-ACKs it and stays put).
    if (has_flag(segment, tcp_flag::Fin)) {
        switch (next) {
            case TcpState::Established:
                next = TcpState::CloseWait;
                break;
            case TcpState::FinWait1:
                next = TcpState::Closing;
                break;  // simultaneous close
            case TcpState::FinWait2:
                next = TcpState::TimeWait;
                break;
            default:
                break;
        }
    }
    return move_to(next);
}

ConnectionFsm::ConnectionFsm(TcpState client_initial, TcpState server_initial)
    : client_(client_initial), server_(server_initial) {}

TcpState ConnectionFsm::state(Side side) const { return side == Side::Client ? client_.state() : server_.state(); }

void ConnectionFsm::deliver(Side receiver, const Segment& segment, uint64_t tag, std::vector<InferredTransition>& out) {
    TcpEndFsm& receiving_end = end(receiver);
    const TcpState before = receiving_end.state();
    if (auto moved = receiving_end.on_receive(segment)) out.push_back({receiver, before, *moved, tag});
}

std::vector<InferredTransition> ConnectionFsm::on_segment(Side sender, const Segment& segment, uint64_t tag) {
    std::vector<InferredTransition> transitions;
    on_segment(sender, segment, tag, transitions);
    return transitions;
}

void ConnectionFsm::on_segment(Side sender, const Segment& segment, uint64_t tag,
                               std::vector<InferredTransition>& transitions) {
    const Side receiver = sender == Side::Client ? Side::Server : Side::Client;

    // What the sender had taken in before sending: held segments up to the
    // first SYN or FIN this segment does not acknowledge.
    const auto held_for_sender = [sender](const Held& held) { return held.receiver == sender; };
    auto next_for_sender = std::find_if(held_.begin(), held_.end(), held_for_sender);
    for (; next_for_sender != held_.end();
         next_for_sender = std::find_if(next_for_sender + 1, held_.end(), held_for_sender)) {
        const Segment held = next_for_sender->segment();
        const bool control = has_flag(held, tcp_flag::Syn) || has_flag(held, tcp_flag::Fin);
        const uint32_t end_seq = held.seq + held.payload_length + 1;
        const bool acknowledged = has_flag(segment, tcp_flag::Ack) && seq_at_or_after(segment.ack, end_seq);
        if (control && !acknowledged) break;
        deliver(sender, held, next_for_sender->tag, transitions);
    }

    TcpEndFsm& sending_end = end(sender);
    const TcpState before = sending_end.state();
    if (auto moved = sending_end.on_send(segment)) transitions.push_back({sender, before, *moved, tag});

    // The rest crossed this segment on the way: the sender took them in only
    // after sending it, so this segment's tag is when that happened.
    for (; next_for_sender != held_.end();
         next_for_sender = std::find_if(next_for_sender + 1, held_.end(), held_for_sender))
        deliver(sender, next_for_sender->segment(), tag, transitions);
    if (!held_.empty()) std::erase_if(held_, held_for_sender);

    // What is still held now is all for the receiver: it must not overtake it.
    const bool control = has_flag(segment, tcp_flag::Syn) || has_flag(segment, tcp_flag::Fin);
    if (control || !held_.empty())
        held_.push_back({.tag = tag,
                         .seq = segment.seq,
                         .ack = segment.ack,
                         .payload_length = segment.payload_length,
                         .flags = segment.flags,
                         .receiver = receiver});
    else
        deliver(receiver, segment, tag, transitions);
}

std::vector<InferredTransition> ConnectionFsm::flush() {
    std::vector<InferredTransition> transitions;
    for (const Side receiver : {Side::Server, Side::Client})
        for (const Held& held : held_)
            if (held.receiver == receiver) deliver(receiver, held.segment(), held.tag, transitions);
    // Give the memory back too: after a SYN flood, hundreds of thousands of
    // connections each held a SYN-ACK that nobody answered.
    held_ = {};
    return transitions;
}

std::optional<InferredTransition> ConnectionFsm::on_send(Side side, const Segment& segment, uint64_t tag) {
    TcpEndFsm& sending_end = end(side);
    const TcpState before = sending_end.state();
    if (auto moved = sending_end.on_send(segment)) return InferredTransition{side, before, *moved, tag};
    return std::nullopt;
}

std::optional<InferredTransition> ConnectionFsm::on_receive(Side side, const Segment& segment, uint64_t tag) {
    std::vector<InferredTransition> moved;
    deliver(side, segment, tag, moved);
    if (moved.empty()) return std::nullopt;
    return moved.front();
}

}  // namespace tcplab
