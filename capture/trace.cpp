#include "trace.hpp"

#include <algorithm>
#include <cstring>
#include <set>

#include "merge_appended.hpp"

namespace tcplab {
namespace {

// Inserts keeping the vector sorted by time; events almost always arrive in
// order, so this is an append in practice.
// Returns false when it went before the end.
template <class Event>
bool insert_by_time(std::vector<Event>& events, Event event) {
    if (events.empty() || events.back().time_ns <= event.time_ns) {
        events.push_back(std::move(event));
        return true;
    }
    auto position = std::upper_bound(events.begin(), events.end(), event.time_ns,
                                     [](int64_t time, const Event& other) { return time < other.time_ns; });
    events.insert(position, std::move(event));
    return false;
}

bool has(uint8_t flags, uint8_t flag) { return (flags & flag) != 0; }

Segment segment_of(const PacketEvent& packet) {
    return Segment{packet.flags, packet.seq, packet.ack, packet.payload_length};
}

}  // namespace

CapturedPacket Trace::capture(int64_t time_ns, uint8_t capture_point, LinkType link, uint32_t original_length,
                              std::span<const uint8_t> frame) {
    const DecodedPacket decoded = decode_frame(link, frame, original_length);
    CapturedPacket captured;
    PacketEvent& summary = captured.summary;
    summary.time_ns = time_ns;
    summary.capture_point = capture_point;
    summary.link = link;
    summary.original_length = original_length;
    summary.raw_length = static_cast<uint32_t>(frame.size());
    summary.transport = decoded.transport;
    // A segment whose options the capture cut (or garbled) still has all its numbers.
    summary.decode_failed = decoded.error.has_value() && !decoded.tcp_numbers_known();
    summary.truncated = decoded.cut_by_capture();
    summary.payload_length = static_cast<uint32_t>(decoded.payload_length);
    if (decoded.transport == Transport::Tcp) {
        summary.seq = decoded.tcp.seq;
        summary.ack = decoded.tcp.ack;
        summary.flags = decoded.tcp.flags;
        summary.window = decoded.tcp.window;
    }
    if (decoded.transport == Transport::Tcp || decoded.transport == Transport::Udp) {
        captured.source = decoded.source_endpoint();
        captured.destination = decoded.destination_endpoint();
    }
    captured.raw.assign(frame.begin(), frame.end());
    return captured;
}

namespace {

uint64_t mix64(uint64_t value) {
    value ^= value >> 33;
    value *= 0xff51afd7ed558ccdull;
    value ^= value >> 33;
    value *= 0xc4ceb9fe1a85ec53ull;
    return value ^ (value >> 33);
}

uint64_t hash_endpoint(const Endpoint& endpoint) {
    uint64_t high = 0, low = 0;
    std::memcpy(&high, endpoint.address.bytes.data(), 8);
    std::memcpy(&low, endpoint.address.bytes.data() + 8, 8);
    return mix64(high ^ (low * 0x9e3779b97f4a7c15ull) ^ (uint64_t{endpoint.port} << 8 | endpoint.address.version));
}

// The same for both directions of a connection.
uint64_t hash_pair(const Endpoint& first, const Endpoint& second) {
    return hash_endpoint(first) ^ hash_endpoint(second);
}

bool joins(const Connection& connection, const Endpoint& source, const Endpoint& destination) {
    return (connection.client == source && connection.server == destination) ||
           (connection.client == destination && connection.server == source);
}

}  // namespace

uint32_t* Trace::find_slot(const Endpoint& source, const Endpoint& destination) {
    if (connection_slots_.empty()) grow_index();
    const size_t mask = connection_slots_.size() - 1;
    for (size_t slot = hash_pair(source, destination) & mask;; slot = (slot + 1) & mask) {
        uint32_t& entry = connection_slots_[slot];
        if (entry == 0 || joins(connections_[entry - 1], source, destination)) return &entry;
    }
}

void Trace::grow_index() { rehash_index(std::max<size_t>(64, connection_slots_.size() * 2)); }

void Trace::rehash_index(size_t slots) {
    std::vector<uint32_t> old = std::move(connection_slots_);
    connection_slots_.assign(slots, 0);
    const size_t mask = connection_slots_.size() - 1;
    for (uint32_t entry : old) {
        if (entry == 0) continue;
        const Connection& connection = connections_[entry - 1];
        size_t slot = hash_pair(connection.client, connection.server) & mask;
        while (connection_slots_[slot] != 0) slot = (slot + 1) & mask;
        connection_slots_[slot] = entry;
    }
}

uint32_t Trace::connection_for(const PacketEvent& summary, const Endpoint& source, const Endpoint& destination,
                               bool& from_server) {
    const bool pure_syn = has(summary.flags, tcp_flag::Syn) && !has(summary.flags, tcp_flag::Ack);

    uint32_t* slot = find_slot(source, destination);
    if (*slot != 0) {
        Connection& existing = connections_[*slot - 1];
        const bool same_client = existing.client == source;
        const bool port_reused = pure_syn && same_client && existing.client_isn_known &&
                                 existing.client_base != summary.seq &&
                                 existing.inferred.state(Side::Client) != TcpState::SynSent;
        if (!port_reused) {
            from_server = !same_client;
            return *slot - 1;
        }
    }

    // A new connection. Whoever sent a pure SYN is the client; a SYN-ACK means
    // the receiver is; mid-stream, the sender is, and both ends are established.
    Connection connection;
    const bool syn_ack = has(summary.flags, tcp_flag::Syn) && has(summary.flags, tcp_flag::Ack);
    if (syn_ack) {
        connection.client = destination;
        connection.server = source;
        connection.inferred = ConnectionFsm(TcpState::SynSent, TcpState::Listen);
        from_server = true;
    } else {
        connection.client = source;
        connection.server = destination;
        if (!pure_syn) connection.inferred = ConnectionFsm(TcpState::Established, TcpState::Established);
        from_server = false;
    }
    connections_.push_back(std::move(connection));
    const auto index = static_cast<uint32_t>(connections_.size() - 1);
    const bool replaces = *slot != 0;
    *slot = index + 1;
    // Keep the table at most half full, so probes stay short.
    if (!replaces && ++indexed_connections_ * 2 > connection_slots_.size()) grow_index();
    return index;
}

void Trace::add_packet(CapturedPacket packet) {
    PacketEvent summary = packet.summary;
    summary.raw_offset = raw_.size();
    summary.raw_length = static_cast<uint32_t>(packet.raw.size());
    raw_.insert(raw_.end(), packet.raw.begin(), packet.raw.end());
    add_summary(summary, packet.source, packet.destination);
}

void Trace::add_summary(PacketEvent summary, const Endpoint& source, const Endpoint& destination) {
    if (summary.transport == Transport::Tcp && !summary.decode_failed) {
        bool from_server = false;
        summary.connection = connection_for(summary, source, destination, from_server);
        summary.from_server = from_server;

        Connection& connection = connections_[summary.connection];
        ++connection.packet_count;
        const bool syn = has(summary.flags, tcp_flag::Syn);
        // The base for relative numbers: the ISN when we saw the SYN, otherwise
        // the first sequence number seen, minus one (as Wireshark does).
        if (from_server && !connection.server_isn_known) {
            connection.server_isn_known = true;
            connection.server_base = syn ? summary.seq : summary.seq - 1;
        } else if (!from_server && !connection.client_isn_known) {
            connection.client_isn_known = true;
            connection.client_base = syn ? summary.seq : summary.seq - 1;
        }
        summary.retransmission = is_retransmission(connection, summary);
        infer_states(summary, source, destination);
    }
    if (!insert_by_time(packets_, summary)) ++packets_or_calls_inserted_before_end_;
}

bool Trace::is_retransmission(Connection& connection, const PacketEvent& packet) {
    // SYN and FIN each take one sequence number, like a byte of data.
    const uint32_t length =
        packet.payload_length + ((packet.flags & tcp_flag::Syn) ? 1 : 0) + ((packet.flags & tcp_flag::Fin) ? 1 : 0);
    if (length == 0) return false;  // a pure ACK carries no new sequence numbers
    const uint32_t end = packet.seq + length;
    const auto key = static_cast<uint16_t>(packet.capture_point * 2 + packet.from_server);
    uint32_t* highest = nullptr;
    if (key < connection.highest_sent.size()) {
        const auto bit = static_cast<uint8_t>(1u << key);
        if (!(connection.highest_sent_known & bit)) {
            connection.highest_sent_known |= bit;
            connection.highest_sent[key] = end;
            return false;
        }
        highest = &connection.highest_sent[key];
    } else {
        const auto [found, inserted] = highest_sent_elsewhere_.try_emplace({packet.connection, key}, end);
        if (inserted) return false;
        highest = &found->second;
    }
    if (static_cast<int32_t>(end - *highest) <= 0) return true;  // nothing new, modulo 2^32
    *highest = end;
    return false;
}

void Trace::infer_states(const PacketEvent& packet, const Endpoint& source, const Endpoint& destination) {
    Connection& connection = connections_[packet.connection];
    const Side sender = packet.from_server ? Side::Server : Side::Client;
    const Side receiver = packet.from_server ? Side::Client : Side::Server;
    const auto tag = static_cast<uint64_t>(packet.time_ns);
    const Segment segment = segment_of(packet);

    auto point = capture_points_.empty() ? capture_points_.end() : capture_points_.find(packet.capture_point);
    if (point == capture_points_.end() || point->second.host.is_unspecified()) {
        inferred_scratch_.clear();
        connection.inferred.on_segment(sender, segment, tag, inferred_scratch_);
        if (!inferred_scratch_.empty()) add_inferred(packet.connection, inferred_scratch_);
        return;
    }
    // A capture point on one host: there the packet was either sent or received.
    std::vector<InferredTransition> moved;
    if (source.address == point->second.host) {
        if (auto transition = connection.inferred.on_send(sender, segment, tag)) moved.push_back(*transition);
    } else if (destination.address == point->second.host) {
        if (auto transition = connection.inferred.on_receive(receiver, segment, tag)) moved.push_back(*transition);
    }
    add_inferred(packet.connection, moved);
}

StateEvent Trace::inferred_event(uint32_t connection_index, const InferredTransition& transition) const {
    const Connection& connection = connections_[connection_index];
    StateEvent event;
    event.time_ns = static_cast<int64_t>(transition.cause);
    const bool client_side = transition.side == Side::Client;
    event.local = client_side ? connection.client : connection.server;
    event.remote = client_side ? connection.server : connection.client;
    event.from = transition.from;
    event.to = transition.to;
    event.source = StateSource::Inferred;
    event.connection = connection_index;
    return event;
}

void Trace::add_inferred(uint32_t connection_index, const std::vector<InferredTransition>& transitions) {
    for (const InferredTransition& transition : transitions)
        if (!insert_by_time(states_, inferred_event(connection_index, transition))) ++states_inserted_before_end_;
}

void Trace::flush_inferred() {
    // Segments held to the end (a SYN-ACK to a spoofed source is never
    // answered) settle at times long past: inserting each one would move the
    // states after it, which for a SYN flood is quadratic. Append them all,
    // sort them, and merge once; both steps keep equal times in the order
    // one insert after another would give.
    // Room for all of them at once: letting the vector double here would hold
    // the old and the new copy of every state at the same time, the peak of
    // opening a large file.
    states_.reserve(states_.size() + held_segment_count());
    const size_t appended_from = states_.size();
    for (uint32_t index = 0; index < connections_.size(); ++index)
        for (const InferredTransition& transition : connections_[index].inferred.flush())
            states_.push_back(inferred_event(index, transition));
    if (states_.size() > appended_from) ++states_inserted_before_end_;
    merge_appended_by_time(states_, appended_from);
}

size_t Trace::held_segment_count() const {
    size_t held = 0;
    for (const Connection& connection : connections_) held += connection.inferred.held_count();
    return held;
}

void Trace::add_state(StateEvent event) {
    if (!insert_by_time(states_, std::move(event))) ++states_inserted_before_end_;
}
void Trace::add_call(CallEvent event) {
    if (!insert_by_time(calls_, std::move(event))) ++packets_or_calls_inserted_before_end_;
}
void Trace::add_note(NoteEvent event) { insert_by_time(notes_, std::move(event)); }

void Trace::set_note_text(size_t index, std::string text) { notes_.at(index).key = std::move(text); }

void Trace::remove_note(size_t index) {
    if (index < notes_.size()) notes_.erase(notes_.begin() + static_cast<std::ptrdiff_t>(index));
}

void Trace::add_output(OutputEvent event) { insert_by_time(outputs_, std::move(event)); }
void Trace::add_wire(WireEvent event) { insert_by_time(wire_events_, event); }

void Trace::describe_capture_point(uint8_t point, CapturePoint description) {
    capture_points_[point] = std::move(description);
}

void Trace::assign_actor(const Endpoint& local, Actor actor) { actors_[local] = actor; }

std::span<const uint8_t> Trace::raw_bytes(const PacketEvent& packet) const {
    if (raw_source_) return raw_source_->bytes(packet.raw_offset, packet.raw_length);
    return std::span<const uint8_t>(raw_).subspan(packet.raw_offset, packet.raw_length);
}

void Trace::reserve(const TraceRoom& room) {
    reserved_.packets = std::max(reserved_.packets, room.packets);
    reserved_.connections = std::max(reserved_.connections, room.connections);
    reserved_.states = std::max(reserved_.states, room.states);
    reserved_.raw_bytes = std::max(reserved_.raw_bytes, room.raw_bytes);
    reserved_.wire_events = std::max(reserved_.wire_events, room.wire_events);
    packets_.reserve(room.packets);
    connections_.reserve(room.connections);
    states_.reserve(room.states);
    raw_.reserve(room.raw_bytes);
    wire_events_.reserve(room.wire_events);
    size_t slots = 64;
    while (slots < room.connections * 2) slots *= 2;
    if (slots > connection_slots_.size()) rehash_index(slots);
}

size_t Trace::memory_bytes() const {
    size_t bytes = sizeof(*this);
    bytes += packets_.size() * sizeof(PacketEvent) + raw_.size();
    bytes += states_.size() * sizeof(StateEvent) + wire_events_.size() * sizeof(WireEvent);
    bytes += connections_.size() * sizeof(Connection) + connection_slots_.size() * sizeof(uint32_t);
    // A std::map node holds its value plus about four pointers' worth of tree links.
    constexpr size_t kNodeOverhead = 32;
    using ElsewhereEntry = decltype(highest_sent_elsewhere_)::value_type;
    bytes += highest_sent_elsewhere_.size() * (sizeof(ElsewhereEntry) + kNodeOverhead);
    for (const CallEvent& call : calls_)
        bytes += sizeof(CallEvent) + call.call.capacity() + call.arguments.capacity() + call.data.capacity();
    for (const NoteEvent& note : notes_) bytes += sizeof(NoteEvent) + note.key.capacity();
    for (const OutputEvent& line : outputs_)
        bytes += sizeof(OutputEvent) + line.label.capacity() + line.text.capacity();
    return bytes;
}

DecodedPacket Trace::decode(const PacketEvent& packet) const {
    return decode_frame(packet.link, raw_bytes(packet), packet.original_length);
}

uint32_t Trace::relative_seq(const PacketEvent& packet) const {
    if (packet.connection == kNoConnection) return packet.seq;
    const Connection& connection = connections_[packet.connection];
    return packet.seq - (packet.from_server ? connection.server_base : connection.client_base);
}

uint32_t Trace::relative_ack(const PacketEvent& packet) const {
    if (packet.connection == kNoConnection || !(packet.flags & tcp_flag::Ack)) return packet.ack;
    const Connection& connection = connections_[packet.connection];
    return packet.ack - (packet.from_server ? connection.client_base : connection.server_base);
}

Endpoint Trace::sender(const PacketEvent& packet) const {
    if (packet.connection == kNoConnection) return decode(packet).source_endpoint();
    const Connection& connection = connections_[packet.connection];
    return packet.from_server ? connection.server : connection.client;
}

Endpoint Trace::receiver(const PacketEvent& packet) const {
    if (packet.connection == kNoConnection) return decode(packet).destination_endpoint();
    const Connection& connection = connections_[packet.connection];
    return packet.from_server ? connection.client : connection.server;
}

Actor Trace::named_actor(const Endpoint& local) const {
    if (auto named = actors_.find(local); named != actors_.end()) return named->second;
    // A socket bound to the wildcard address answers for any local address.
    for (const auto& [endpoint, actor] : actors_)
        if (endpoint.port == local.port && endpoint.address.is_unspecified()) return actor;
    // With a capture point on each host, an address that is no host's is a
    // spoofed source: the SYN flood's attacker.
    bool hosts_known = false;
    bool a_host = false;
    for (const auto& [number, point] : capture_points_) {
        if (point.host.is_unspecified()) continue;
        hosts_known = true;
        a_host = a_host || point.host == local.address;
    }
    if (hosts_known && !a_host && !local.address.is_unspecified()) return Actor::Attacker;
    return Actor::None;
}

Actor Trace::actor_of(const Endpoint& local) const {
    if (const Actor named = named_actor(local); named != Actor::None) return named;
    for (const Connection& connection : connections_) {
        if (connection.client == local) return Actor::Client;
        if (connection.server == local) return Actor::Server;
    }
    return Actor::None;
}

Actor Trace::actor_of(const StateEvent& event) const {
    if (event.connection >= connections_.size()) return actor_of(event.local);
    if (const Actor named = named_actor(event.local); named != Actor::None) return named;
    const Connection& connection = connections_[event.connection];
    if (event.local == connection.client) return Actor::Client;
    if (event.local == connection.server) return Actor::Server;
    return actor_of(event.local);
}

Actor Trace::sender_actor(const PacketEvent& packet) const {
    if (packet.connection == kNoConnection) return actor_of(sender(packet));
    if (const Actor named = named_actor(sender(packet)); named != Actor::None) return named;
    return packet.from_server ? Actor::Server : Actor::Client;
}

int64_t Trace::start_ns() const {
    int64_t start = 0;
    auto consider = [&start](int64_t time) {
        if (time != 0 && (start == 0 || time < start)) start = time;
    };
    if (!packets_.empty()) consider(packets_.front().time_ns);
    if (!states_.empty()) consider(states_.front().time_ns);
    if (!calls_.empty()) consider(calls_.front().time_ns);
    if (!notes_.empty()) consider(notes_.front().time_ns);
    if (!outputs_.empty()) consider(outputs_.front().time_ns);
    if (!wire_events_.empty()) consider(wire_events_.front().time_ns);
    return start;
}

std::vector<bool> step_start_notes(const std::vector<NoteEvent>& notes) {
    std::vector<bool> starts(notes.size(), false);
    std::set<int> steps_begun;
    for (size_t index = 0; index < notes.size(); ++index)
        if (notes[index].step >= 0 && steps_begun.insert(notes[index].step).second) starts[index] = true;
    return starts;
}

}  // namespace tcplab
