#pragma once
// The trace: everything that happened in one run, append-only and owned by one
// thread (the UI thread, or the terminal runner). Every view is a function of
// the trace plus its own view state, so a live run, a recording and a test all
// look the same. Each kind of event is kept sorted by time.
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "events.hpp"
#include "tcp_fsm.hpp"

namespace tcplab {

struct Connection {
    Endpoint client;  // the end that sent the first SYN (or the first packet seen)
    Endpoint server;
    bool client_isn_known = false;
    bool server_isn_known = false;
    // Bit k says highest_sent[k] was seen (below).
    uint8_t highest_sent_known = 0;
    uint32_t client_base = 0;  // the ISN, or the first seq seen minus one mid-stream
    uint32_t server_base = 0;
    uint32_t packet_count = 0;
    // The end of the highest sequence number sent so far, per direction and
    // capture point (key: capture_point * 2 + from_server), to spot retransmissions.
    // Keys 0-3 (capture points 0 and 1) live here; the trace keeps rarer keys
    // aside, so a connection needs no heap memory of its own (a SYN flood makes
    // millions of them). The fields are ordered so that none is padded: 120 bytes.
    std::array<uint32_t, 4> highest_sent{};
    ConnectionFsm inferred;
};
static_assert(sizeof(Connection) <= 120, "a SYN flood makes a connection per spoofed SYN");

// Where the raw bytes of packets live when they are not copied into the trace:
// an opened capture file, read on demand (capture/capture_index.hpp). Packets
// added with Trace::add_summary() carry offsets into it.
class RawByteSource {
public:
    virtual ~RawByteSource() = default;
    // The bytes at [offset, offset + length), or fewer (none) when they are gone,
    // e.g. the file was truncated after it was opened.
    virtual std::span<const uint8_t> bytes(uint64_t offset, uint32_t length) const = 0;
};

// Where a capture point sits. With one per host (two hosts and the wire), a
// packet seen at the sender's point was sent then, and at the receiver's point
// was received then; with one point for both (loopback), both at once.
struct CapturePoint {
    IpAddress host;    // unspecified: sees both ends (loopback, or a file)
    std::string name;  // "lo", "client wire0", "server wire0"
};

// How many events of each kind a trace makes room for (Trace::reserve).
struct TraceRoom {
    size_t packets = 0;
    size_t connections = 0;
    size_t states = 0;
    size_t raw_bytes = 0;  // copied raw bytes of live packets
    size_t wire_events = 0;
};

class Trace {
public:
    // Decodes a frame into the compact summary a capture thread hands over.
    static CapturedPacket capture(int64_t time_ns, uint8_t capture_point, LinkType link, uint32_t original_length,
                                  std::span<const uint8_t> frame);

    void add_packet(CapturedPacket packet);
    // A packet whose raw bytes stay in the raw source (see set_raw_source):
    // summary.raw_offset and raw_length locate them there. Nothing is copied.
    void add_summary(PacketEvent summary, const Endpoint& source, const Endpoint& destination);
    // Raw bytes of packets added with add_summary(); set it before adding them.
    void set_raw_source(std::shared_ptr<const RawByteSource> source) { raw_source_ = std::move(source); }
    // Room for this many events (and copied raw bytes), so a large file or a
    // live flood is not copied as the vectors grow: a copy doubles the peak
    // memory, and live it stalls the frame that makes it. Reserving takes
    // address space only; pages are touched as events arrive.
    void reserve(const TraceRoom& room);
    // What reserve() asked for, so the views can size what they keep alike.
    const TraceRoom& reserved() const { return reserved_; }
    // Bytes the trace holds in memory (events, connections, indexes, copied raw bytes).
    size_t memory_bytes() const;
    void add_state(StateEvent event);
    void add_call(CallEvent event);
    void add_note(NoteEvent event);
    // An instructor edits or deletes a note (the window's notes list): by its
    // index in notes(); the others keep their order.
    void set_note_text(size_t index, std::string text);
    void remove_note(size_t index);
    void add_output(OutputEvent event);
    void add_wire(WireEvent event);

    // Says which host a capture point belongs to; call before adding its packets.
    void describe_capture_point(uint8_t point, CapturePoint description);
    const std::map<uint8_t, CapturePoint>& capture_points() const { return capture_points_; }

    // At the end of a capture: states still waiting for evidence of what an
    // end took in (see ConnectionFsm) are settled as received in order.
    void flush_inferred();
    // Segments the connections still hold back; flush_inferred() makes at most
    // one state of each, so this bounds what it adds.
    size_t held_segment_count() const;

    // A lesson names its sockets so states and packets can say "client" or "server".
    void assign_actor(const Endpoint& local, Actor actor);

    const std::vector<PacketEvent>& packets() const { return packets_; }
    const std::vector<StateEvent>& states() const { return states_; }
    const std::vector<CallEvent>& calls() const { return calls_; }
    const std::vector<NoteEvent>& notes() const { return notes_; }
    const std::vector<OutputEvent>& outputs() const { return outputs_; }
    const std::vector<WireEvent>& wire_events() const { return wire_events_; }
    const std::vector<Connection>& connections() const { return connections_; }

    std::span<const uint8_t> raw_bytes(const PacketEvent& packet) const;
    DecodedPacket decode(const PacketEvent& packet) const;

    // Sequence numbers relative to each direction's ISN, as Wireshark shows them.
    uint32_t relative_seq(const PacketEvent& packet) const;
    uint32_t relative_ack(const PacketEvent& packet) const;

    Endpoint sender(const PacketEvent& packet) const;
    Endpoint receiver(const PacketEvent& packet) const;
    // Who a socket is: a socket the lesson named, a socket bound to the
    // wildcard address on that port, or a spoofed source (Attacker); otherwise
    // the role the socket plays in its connection (Client or Server).
    // The packet and state forms look at their own connection; the endpoint
    // form has only the address and searches the connections, so it is slow
    // on a large trace: prefer the others for each event of a long list.
    Actor sender_actor(const PacketEvent& packet) const;
    Actor actor_of(const StateEvent& event) const;
    Actor actor_of(const Endpoint& local) const;
    // Every socket a lesson named (assign_actor), for recording them.
    const std::map<Endpoint, Actor>& actors() const { return actors_; }

    // Events that could not be delivered because a queue was full; shown to the user.
    uint64_t lost_events() const { return lost_events_; }
    // How many times a state went anywhere but the end of states(): while
    // this stays the same, the states a view has seen are unchanged and only
    // new ones follow them (see TransitionsAndSpans).
    uint64_t states_inserted_before_end() const { return states_inserted_before_end_; }
    // The same for packets and calls together (see LadderRowCache).
    uint64_t packets_or_calls_inserted_before_end() const { return packets_or_calls_inserted_before_end_; }
    void count_lost_events(uint64_t count) { lost_events_ += count; }

    int64_t start_ns() const;  // the earliest event, or 0 for an empty trace

private:
    uint32_t connection_for(const PacketEvent& summary, const Endpoint& source, const Endpoint& destination,
                            bool& from_server);
    void infer_states(const PacketEvent& packet, const Endpoint& source, const Endpoint& destination);
    // Open addressing over connection indexes (+1; 0 is empty): the newest
    // connection for each pair of endpoints, in either order.
    uint32_t* find_slot(const Endpoint& source, const Endpoint& destination);
    void grow_index();
    void rehash_index(size_t slots);  // slots: a power of two
    bool is_retransmission(Connection& connection, const PacketEvent& packet);
    void add_inferred(uint32_t connection_index, const std::vector<InferredTransition>& transitions);
    StateEvent inferred_event(uint32_t connection_index, const InferredTransition& transition) const;
    Actor named_actor(const Endpoint& local) const;  // None when only the connections can tell

    std::vector<PacketEvent> packets_;
    std::vector<uint8_t> raw_;
    std::vector<StateEvent> states_;
    std::vector<CallEvent> calls_;
    std::vector<NoteEvent> notes_;
    std::vector<OutputEvent> outputs_;
    std::vector<WireEvent> wire_events_;
    std::map<uint8_t, CapturePoint> capture_points_;
    std::vector<Connection> connections_;
    std::vector<uint32_t> connection_slots_;
    std::vector<InferredTransition> inferred_scratch_;  // infer_states' own, reused for every packet
    size_t indexed_connections_ = 0;
    std::map<std::pair<uint32_t, uint16_t>, uint32_t> highest_sent_elsewhere_;  // (connection, key) for keys >= 4
    std::shared_ptr<const RawByteSource> raw_source_;
    std::map<Endpoint, Actor> actors_;
    uint64_t lost_events_ = 0;
    TraceRoom reserved_;
    uint64_t states_inserted_before_end_ = 0;
    uint64_t packets_or_calls_inserted_before_end_ = 0;
};

// In a trace, the first note carrying a step index marks where that step
// began (a lesson run adds it with the step's narration key); every other
// note is an instructor's. One flag per note of `notes`, true for a step's start.
std::vector<bool> step_start_notes(const std::vector<NoteEvent>& notes);

}  // namespace tcplab
