// The trace: connections found from packets, relative sequence numbers, states
// inferred per connection, actors, and time order.
#include "capture/trace.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "capture/packet_capture.hpp"
#include "frame_builder.hpp"

namespace tcplab {
namespace {

using namespace tcp_flag;
using test::TcpFrame;

const Endpoint kClient{IpAddress::v4(127, 0, 0, 1), 40000};
const Endpoint kServer{IpAddress::v4(127, 0, 0, 1), 5000};
constexpr uint32_t kX = 1000;        // client ISN
constexpr uint32_t kY = 0xfffffff0;  // server ISN, close to wrapping

void add(Trace& trace, int64_t time_ns, const TcpFrame& frame) {
    const auto bytes = test::ethernet_ipv4_tcp(frame);
    trace.add_packet(Trace::capture(time_ns, 0, LinkType::Ethernet, static_cast<uint32_t>(bytes.size()), bytes));
}

void add_handshake_and_data(Trace& trace) {
    add(trace, 100, {kClient, kServer, Syn, kX, 0});
    add(trace, 200, {kServer, kClient, Syn | Ack, kY, kX + 1});
    add(trace, 300, {kClient, kServer, Ack, kX + 1, kY + 1});
    add(trace, 400, {kClient, kServer, Psh | Ack, kX + 1, kY + 1, 65535, "hello"});
    add(trace, 500, {kServer, kClient, Ack, kY + 1, kX + 6});
}

TEST(Trace, PacketEventStaysWithinSixtyFourBytes) { EXPECT_LE(sizeof(PacketEvent), 64u); }

TEST(Trace, OneConnectionWithClientAndServerFromTheSyn) {
    Trace trace;
    add_handshake_and_data(trace);
    ASSERT_EQ(trace.connections().size(), 1u);
    EXPECT_EQ(trace.connections()[0].client, kClient);
    EXPECT_EQ(trace.connections()[0].server, kServer);
    EXPECT_EQ(trace.connections()[0].packet_count, 5u);
    for (const PacketEvent& packet : trace.packets()) EXPECT_EQ(packet.connection, 0u);
}

TEST(Trace, RelativeSequenceNumbersStartAtZeroForTheSyn) {
    Trace trace;
    add_handshake_and_data(trace);
    const auto& packets = trace.packets();
    // SYN seq=0; SYN-ACK seq=0 ack=1; ACK seq=1 ack=1; data seq=1; ACK ack=6, even though y wraps.
    EXPECT_EQ(trace.relative_seq(packets[0]), 0u);
    EXPECT_EQ(trace.relative_seq(packets[1]), 0u);
    EXPECT_EQ(trace.relative_ack(packets[1]), 1u);
    EXPECT_EQ(trace.relative_seq(packets[2]), 1u);
    EXPECT_EQ(trace.relative_ack(packets[2]), 1u);
    EXPECT_EQ(trace.relative_seq(packets[3]), 1u);
    EXPECT_EQ(trace.relative_ack(packets[4]), 6u);
    EXPECT_EQ(packets[4].ack, kX + 6);
    EXPECT_EQ(packets[3].payload_length, 5u);
}

TEST(Trace, InfersBothEndsStatesFromTheHandshake) {
    Trace trace;
    add_handshake_and_data(trace);
    std::vector<std::string> seen;
    for (const StateEvent& event : trace.states()) {
        EXPECT_EQ(event.source, StateSource::Inferred);
        seen.push_back(std::string(event.local == kClient ? "client " : "server ") +
                       std::string(state_name(event.from)) + "->" + std::string(state_name(event.to)));
    }
    const std::vector<std::string> expected = {"client CLOSED->SYN_SENT", "server LISTEN->SYN_RECV",
                                               "client SYN_SENT->ESTABLISHED", "server SYN_RECV->ESTABLISHED"};
    EXPECT_EQ(seen, expected);
}

TEST(Trace, MidStreamCaptureCountsFromTheFirstSeqSeen) {
    Trace trace;
    add(trace, 100, {kClient, kServer, Psh | Ack, 5000, 9000, 65535, "abc"});
    add(trace, 200, {kServer, kClient, Ack, 9000, 5003});
    EXPECT_EQ(trace.relative_seq(trace.packets()[0]), 1u);
    EXPECT_EQ(trace.relative_ack(trace.packets()[1]), 4u);
    EXPECT_EQ(trace.connections()[0].inferred.state(Side::Client), TcpState::Established);
    EXPECT_TRUE(trace.states().empty());
}

TEST(Trace, ReusedPortPairStartsANewConnection) {
    Trace trace;
    add(trace, 100, {kClient, kServer, Syn, kX, 0});
    add(trace, 200, {kServer, kClient, Rst | Ack, 0, kX + 1});
    add(trace, 300, {kClient, kServer, Syn, kX + 50000, 0});
    ASSERT_EQ(trace.connections().size(), 2u);
    EXPECT_EQ(trace.packets()[2].connection, 1u);
    EXPECT_EQ(trace.relative_seq(trace.packets()[2]), 0u);
}

TEST(Trace, RetransmittedSynStaysInTheSameConnection) {
    Trace trace;
    add(trace, 100, {kClient, kServer, Syn, kX, 0});
    add(trace, 1'000'100, {kClient, kServer, Syn, kX, 0});
    EXPECT_EQ(trace.connections().size(), 1u);
}

TEST(Trace, SynAcksNobodyAnsweredSettleAtTheEndWithoutRegrowingTheStates) {
    // A SYN flood: each spoofed source gets a SYN-ACK (and a retransmission)
    // that is never answered, so it is held until the end of the capture.
    Trace trace;
    constexpr int kSources = 50;
    for (int source = 0; source < kSources; ++source) {
        const Endpoint spoofed{IpAddress::v4(198, 18, 1, static_cast<uint8_t>(source)), 1024};
        const auto isn = static_cast<uint32_t>(source * 1000);
        add(trace, 100 + source * 10, {spoofed, kServer, Syn, isn, 0});
        add(trace, 105 + source * 10, {kServer, spoofed, Syn | Ack, kY, isn + 1});
        add(trace, 1'000'105 + source * 10, {kServer, spoofed, Syn | Ack, kY, isn + 1});
    }
    ASSERT_EQ(trace.connections().size(), static_cast<size_t>(kSources));
    EXPECT_EQ(trace.held_segment_count(), static_cast<size_t>(2 * kSources));

    const size_t before = trace.states().size();
    const size_t room = std::max(trace.states().capacity(), before + trace.held_segment_count());
    trace.flush_inferred();
    EXPECT_EQ(trace.held_segment_count(), 0u);
    // Each spoofed client "receives" its SYN-ACK: SYN_SENT -> ESTABLISHED, once.
    EXPECT_EQ(trace.states().size(), before + kSources);
    // Grown once to what the held segments can add, not doubled on the way
    // (a doubling vector holds its old and new copy at once: the peak of a large open).
    EXPECT_LE(trace.states().capacity(), room);
    EXPECT_TRUE(std::is_sorted(trace.states().begin(), trace.states().end(),
                               [](const StateEvent& a, const StateEvent& b) { return a.time_ns < b.time_ns; }));
}

// A flood lesson reserves room first: no vector may move (copying the whole
// trace) while the flood arrives within the room.
TEST(Trace, ReservedRoomIsUsedWithoutMovingTheEvents) {
    Trace trace;
    constexpr int kSources = 200;
    // Seen from loopback, both ends move: SYN_SENT and SYN_RECV, then the
    // client's ESTABLISHED on the SYN-ACK.
    trace.reserve(TraceRoom{.packets = 2 * kSources,
                            .connections = kSources,
                            .states = 3 * kSources,
                            .raw_bytes = 2 * kSources * 80,
                            .wire_events = 10});
    EXPECT_EQ(trace.reserved().packets, 2u * kSources);
    EXPECT_EQ(trace.reserved().states, 3u * kSources);
    const PacketEvent* packets = trace.packets().data();
    const StateEvent* states = trace.states().data();
    const Connection* connections = trace.connections().data();
    for (int source = 0; source < kSources; ++source) {
        const Endpoint spoofed{IpAddress::v4(198, 18, static_cast<uint8_t>(source / 256), static_cast<uint8_t>(source)),
                               1024};
        add(trace, 100 + source * 10, {spoofed, kServer, Syn, 7, 0});
        add(trace, 105 + source * 10, {kServer, spoofed, Syn | Ack, kY, 8});
    }
    ASSERT_EQ(trace.connections().size(), static_cast<size_t>(kSources));
    ASSERT_GE(trace.states().size(), 2u * kSources);
    ASSERT_LE(trace.states().size(), 3u * kSources);
    EXPECT_EQ(trace.packets().data(), packets);
    EXPECT_EQ(trace.states().data(), states);
    EXPECT_EQ(trace.connections().data(), connections);
}

// Two hosts, a capture point on each: the client's queue happens to be read
// first and holds a SYN-ACK it received; the server's holds the SYN it
// received earlier (a SYN the wire injected, never seen at the client). Taken
// together in time order, the connection begins at the SYN, and the client,
// which never sent it, is not inferred into ESTABLISHED by the SYN-ACK.
TEST(Trace, CapturePointsAreReadTogetherInTimeOrder) {
    const Endpoint client{IpAddress::v4(10, 0, 0, 1), 31337};
    const Endpoint server{IpAddress::v4(10, 0, 0, 2), 5000};
    const auto captured = [](int64_t time, uint8_t point, const TcpFrame& frame) {
        const auto bytes = test::ethernet_ipv4_tcp(frame);
        return Trace::capture(time, point, LinkType::Ethernet, static_cast<uint32_t>(bytes.size()), bytes);
    };
    EventQueue<CapturedPacket> at_client(8), at_server(8);
    at_client.push(captured(200, 0, {server, client, Syn | Ack, kY, kX + 1}));
    at_server.push(captured(100, 1, {client, server, Syn, kX, 0}));
    Trace trace;
    trace.describe_capture_point(0, CapturePoint{client.address, "client wire0"});
    trace.describe_capture_point(1, CapturePoint{server.address, "server wire0"});
    EventQueue<CapturedPacket>* const queues[] = {&at_client, &at_server};
    const AddedPackets added = add_captured_packets(queues, trace, SIZE_MAX);
    EXPECT_EQ(added.count, 2u);
    ASSERT_EQ(trace.connections().size(), 1u);
    EXPECT_EQ(trace.connections()[0].client, client);
    for (const StateEvent& state : trace.states())
        EXPECT_FALSE(state.local == client && state.to == TcpState::Established);
}

TEST(Trace, EventsArrivingLateAreKeptInTimeOrder) {
    Trace trace;
    trace.add_call(CallEvent{300, 310, Actor::Client, "send", "", 5, 0, "hello", {}});
    trace.add_call(CallEvent{100, 110, Actor::Client, "socket", "", 3, 0, "", {}});
    trace.add_call(CallEvent{200, 210, Actor::Client, "connect", "", 0, 0, "", {}});
    ASSERT_EQ(trace.calls().size(), 3u);
    EXPECT_EQ(trace.calls()[0].call, "socket");
    EXPECT_EQ(trace.calls()[1].call, "connect");
    EXPECT_EQ(trace.calls()[2].call, "send");
    EXPECT_EQ(trace.start_ns(), 100);
}

TEST(Trace, NamedSocketsSayWhoTheyAre) {
    Trace trace;
    const Endpoint attacker{IpAddress::v4(198, 18, 7, 7), 1234};
    trace.assign_actor(attacker, Actor::Attacker);
    trace.assign_actor({IpAddress::v4(0, 0, 0, 0), 5000}, Actor::Server);
    add(trace, 100, {attacker, kServer, Syn, kX, 0});
    EXPECT_EQ(trace.sender_actor(trace.packets()[0]), Actor::Attacker);
    EXPECT_EQ(trace.actor_of(kServer), Actor::Server);  // bound to the wildcard address
}

TEST(Trace, AnEndIsClientOrServerOfItsOwnConnection) {
    // One port in two roles (possible with SO_REUSEADDR): 10.0.0.1:7000 first
    // connects out, then a peer connects to it. In each connection it is what
    // that connection makes it, not what it was the first time it was seen.
    const Endpoint both{IpAddress::v4(10, 0, 0, 1), 7000};
    const Endpoint listener{IpAddress::v4(10, 0, 0, 2), 5000};
    const Endpoint peer{IpAddress::v4(10, 0, 0, 3), 40000};
    Trace trace;
    add(trace, 100, {both, listener, Syn, kX, 0});
    add(trace, 200, {listener, both, Syn | Ack, kY, kX + 1});
    add(trace, 300, {peer, both, Syn, 5000, 0});
    add(trace, 400, {both, peer, Syn | Ack, 9000, 5001});
    ASSERT_EQ(trace.connections().size(), 2u);
    const auto& packets = trace.packets();
    EXPECT_EQ(trace.sender_actor(packets[0]), Actor::Client);
    EXPECT_EQ(trace.sender_actor(packets[1]), Actor::Server);
    EXPECT_EQ(trace.sender_actor(packets[2]), Actor::Client);
    EXPECT_EQ(trace.sender_actor(packets[3]), Actor::Server);
    size_t checked = 0;
    for (const StateEvent& state : trace.states()) {
        if (state.connection != 1u) continue;
        EXPECT_EQ(trace.actor_of(state), state.local == both ? Actor::Server : Actor::Client)
            << state.local.to_string() << " " << state_name(state.to);
        ++checked;
    }
    EXPECT_GE(checked, 2u);
}

TEST(Trace, RawBytesAreKeptApartAndDecodeAgain) {
    Trace trace;
    add(trace, 100, {kClient, kServer, Psh | Ack, kX + 1, kY + 1, 1024, "hi"});
    const PacketEvent& packet = trace.packets()[0];
    EXPECT_EQ(trace.raw_bytes(packet).size(), 14u + 20 + 20 + 2);
    const DecodedPacket decoded = trace.decode(packet);
    EXPECT_FALSE(decoded.error.has_value());
    EXPECT_EQ(decoded.tcp.window, 1024);
    EXPECT_EQ(trace.sender(packet), kClient);
    EXPECT_EQ(trace.receiver(packet), kServer);
}

TEST(Trace, MalformedFrameIsKeptButBelongsToNoConnection) {
    Trace trace;
    const std::vector<uint8_t> truncated = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00, 0x45, 0x00};
    trace.add_packet(Trace::capture(100, 0, LinkType::Ethernet, 16, truncated));
    ASSERT_EQ(trace.packets().size(), 1u);
    EXPECT_EQ(trace.packets()[0].decode_failed, 1);
    EXPECT_EQ(trace.packets()[0].connection, kNoConnection);
    EXPECT_TRUE(trace.connections().empty());
}

TEST(Trace, RetransmissionsAreMarked) {
    Trace trace;
    add(trace, 100, {kClient, kServer, Syn, kX, 0});
    add(trace, 1'000'100, {kClient, kServer, Syn, kX, 0});  // the SYN again after a second
    add(trace, 1'000'200, {kServer, kClient, Syn | Ack, kY, kX + 1});
    add(trace, 1'000'300, {kClient, kServer, Ack, kX + 1, kY + 1});
    add(trace, 1'000'400, {kClient, kServer, Psh | Ack, kX + 1, kY + 1, 65535, "hello"});
    add(trace, 1'200'400, {kClient, kServer, Psh | Ack, kX + 1, kY + 1, 65535, "hello"});
    add(trace, 1'200'500, {kClient, kServer, Psh | Ack, kX + 6, kY + 1, 65535, "world"});
    std::vector<int> marked;
    for (const PacketEvent& packet : trace.packets()) marked.push_back(packet.retransmission);
    EXPECT_EQ(marked, (std::vector<int>{0, 1, 0, 0, 0, 1, 0}));
}

// Two hosts joined by the wire, a capture point on each: the client's SYN is
// sent (seen at the client) before it is received (seen at the server), and
// each end's state moves at its own capture point's time.
TEST(Trace, TwoCapturePointsInferSendAndReceiveSeparately) {
    const Endpoint client{IpAddress::v4(198, 18, 0, 1), 40000};
    const Endpoint server{IpAddress::v4(198, 18, 0, 2), 5000};
    Trace trace;
    trace.describe_capture_point(0, {client.address, "client"});
    trace.describe_capture_point(1, {server.address, "server"});
    auto add_at = [&](uint8_t point, int64_t time, const TcpFrame& frame) {
        const auto bytes = test::ethernet_ipv4_tcp(frame);
        trace.add_packet(Trace::capture(time, point, LinkType::Ethernet, static_cast<uint32_t>(bytes.size()), bytes));
    };
    add_at(0, 1000, {client, server, Syn, kX, 0});   // sent
    add_at(1, 41000, {client, server, Syn, kX, 0});  // received 40 µs later
    add_at(1, 41100, {server, client, Syn | Ack, kY, kX + 1});
    add_at(0, 81100, {server, client, Syn | Ack, kY, kX + 1});
    add_at(0, 81200, {client, server, Ack, kX + 1, kY + 1});
    add_at(1, 121200, {client, server, Ack, kX + 1, kY + 1});
    std::vector<std::string> seen;
    for (const StateEvent& event : trace.states())
        seen.push_back(std::to_string(event.time_ns) + (event.local == client ? " client " : " server ") +
                       std::string(state_name(event.to)));
    EXPECT_EQ(seen, (std::vector<std::string>{"1000 client SYN_SENT", "41100 server SYN_RECV",
                                              "81100 client ESTABLISHED", "121200 server ESTABLISHED"}));
    for (const PacketEvent& packet : trace.packets()) EXPECT_EQ(packet.retransmission, 0) << packet.time_ns;
    EXPECT_EQ(trace.connections().size(), 1u);
}

TEST(Trace, WireEventsAreKeptInTimeOrder) {
    Trace trace;
    trace.add_wire({200, 2, WireAction::Released, WireActor::Student, WireDirection::ToServer});
    trace.add_wire({100, 2, WireAction::Held, WireActor::Wire, WireDirection::ToServer});
    ASSERT_EQ(trace.wire_events().size(), 2u);
    EXPECT_EQ(trace.wire_events()[0].action, WireAction::Held);
    EXPECT_EQ(trace.start_ns(), 100);
}

}  // namespace
}  // namespace tcplab
