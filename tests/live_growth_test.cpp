// While a live run grows its trace at the end, the ladder's rows and the
// pairing of wire copies are extended with the new packets only. Either way
// the result must be what building them from the whole trace gives.
#include <gtest/gtest.h>

#include "bench/capture_generator.hpp"
#include "capture/decode.hpp"
#include "capture/wire_copies.hpp"
#include "lab/layout/ladder_layout.hpp"
#include "lab/layout/transitions_and_spans.hpp"
#include "scenarios/segment_builder.hpp"

namespace tcplab {
namespace {

void expect_same_rows(const LadderRows& got, const LadderRows& expected) {
    ASSERT_EQ(got.rows.size(), expected.rows.size());
    for (size_t index = 0; index < got.rows.size(); ++index) {
        SCOPED_TRACE(index);
        EXPECT_EQ(got.rows[index].time_ns, expected.rows[index].time_ns);
        EXPECT_EQ(got.rows[index].kind, expected.rows[index].kind);
        EXPECT_EQ(got.rows[index].index, expected.rows[index].index);
        EXPECT_FLOAT_EQ(got.rows[index].y, expected.rows[index].y);
    }
    ASSERT_EQ(got.gaps.size(), expected.gaps.size());
    for (size_t index = 0; index < got.gaps.size(); ++index) {
        EXPECT_FLOAT_EQ(got.gaps[index].y0, expected.gaps[index].y0);
        EXPECT_EQ(got.gaps[index].text, expected.gaps[index].text);
    }
    EXPECT_EQ(got.receive_y, expected.receive_y);
    EXPECT_FLOAT_EQ(got.height, expected.height);
    EXPECT_FLOAT_EQ(got.widest_call, expected.widest_call);
    EXPECT_EQ(got.visible_events, expected.visible_events);
}

TEST(LadderRowCache, RowsOfAGrowingCaptureEqualRowsBuiltAtOnce) {
    GeneratorOptions options;
    options.packets = 12'000;
    options.seed = 9;
    options.link = LinkType::Raw;
    CaptureGenerator generator(options);
    Trace trace;
    TransitionsAndSpans history;
    LadderRowCache cache;
    GeneratedPacket packet;
    size_t packets = 0, updates = 0;
    const auto update = [&] {
        history.update(trace);
        LadderInput input{.trace = trace, .transitions = history.transitions(), .width = 700};
        input.text_width = [](std::string_view text) { return 7.0f * static_cast<float>(text.size()); };
        input.idle_gap_ns = 2'000'000;  // some pauses become gaps
        input.transitions_build = history.full_builds();
        const LadderRows& rows = cache.update(input);
        ++updates;
        expect_same_rows(rows, ladder_rows(input));
    };
    while (generator.next(packet)) {
        trace.add_packet(Trace::capture(packet.time_ns, 0, generator.link(), packet.original_length, packet.frame));
        if (++packets % 400 == 0) update();
    }
    update();
    // States inserted before the end (held SYNs and FINs settling) build all
    // rows again; the updates in between only add rows.
    EXPECT_LT(cache.full_builds(), updates);
    EXPECT_LE(cache.full_builds(), history.full_builds());
}

TEST(LadderRowCache, WithoutKnowingTheTransitionsBuildItBuildsAgain) {
    Trace trace;
    const std::vector<StateEvent> none;
    LadderRowCache cache;
    const auto add = [&trace](int64_t time_ns) {
        const std::vector<uint8_t> frame = craft_ipv4_tcp({.source = {IpAddress::v4(10, 0, 0, 1), 4000},
                                                           .destination = {IpAddress::v4(10, 0, 0, 2), 80},
                                                           .flags = tcp_flag::Syn});
        trace.add_packet(Trace::capture(time_ns, 0, LinkType::Raw, static_cast<uint32_t>(frame.size()), frame));
    };
    add(10);
    cache.update(LadderInput{.trace = trace, .transitions = none});
    add(20);
    EXPECT_EQ(cache.update(LadderInput{.trace = trace, .transitions = none}).rows.size(), 2u);
    EXPECT_EQ(cache.full_builds(), 2u);
}

// Two hosts with a capture point each: every segment that crossed the wire
// is seen where it was sent and where it arrived.
struct TwoHosts {
    const Endpoint client{IpAddress::v4(10, 0, 0, 1), 40000};
    const Endpoint server{IpAddress::v4(10, 0, 0, 2), 80};
    Trace trace;
    int64_t now = 1'000'000;

    TwoHosts() {
        trace.describe_capture_point(0, {client.address, "client wire0"});
        trace.describe_capture_point(1, {server.address, "server wire0"});
    }
    void seen(uint8_t point, const CraftedSegment& segment) {
        const std::vector<uint8_t> frame = craft_ipv4_tcp(segment);
        trace.add_packet(Trace::capture(now += 1000, point, LinkType::Raw, static_cast<uint32_t>(frame.size()), frame));
    }
    // Sent from the client's point, received at the server's, or lost on the way.
    void client_sends(uint8_t flags, uint32_t seq, uint32_t ack, bool arrives = true) {
        const CraftedSegment segment{.source = client, .destination = server, .flags = flags, .seq = seq, .ack = ack};
        seen(0, segment);
        if (arrives) seen(1, segment);
    }
    void server_sends(uint8_t flags, uint32_t seq, uint32_t ack) {
        const CraftedSegment segment{.source = server, .destination = client, .flags = flags, .seq = seq, .ack = ack};
        seen(1, segment);
        seen(0, segment);
    }
};

void expect_same_copies(const WireCopies& got, const WireCopies& expected) {
    EXPECT_EQ(got.role, expected.role);
    EXPECT_EQ(got.received_ns, expected.received_ns);
}

TEST(WireCopyPairer, PairingPacketByPacketEqualsPairingAtOnce) {
    using namespace tcp_flag;
    TwoHosts hosts;
    WireCopyPairer pairer;
    hosts.client_sends(Syn, 100, 0);
    EXPECT_TRUE(!pairer.update(hosts.trace));  // the first pairing is a whole one
    hosts.server_sends(Syn | Ack, 500, 101);
    hosts.client_sends(Ack, 101, 501, /*arrives=*/false);  // lost
    EXPECT_TRUE(pairer.update(hosts.trace));
    expect_same_copies(pairer.copies(), pair_wire_copies(hosts.trace));
    // A spoofed SYN: nobody watches its sender, so it is the only copy.
    hosts.seen(1, {.source = {IpAddress::v4(198, 18, 0, 9), 1234}, .destination = hosts.server, .flags = Syn});
    hosts.client_sends(Ack, 101, 501);
    EXPECT_TRUE(pairer.update(hosts.trace));
    expect_same_copies(pairer.copies(), pair_wire_copies(hosts.trace));

    const WireCopies& copies = pairer.copies();
    ASSERT_EQ(copies.role.size(), 8u);
    EXPECT_EQ(copies.role[0], CopyRole::Sent);
    EXPECT_EQ(copies.role[1], CopyRole::Received);
    EXPECT_EQ(copies.received_ns[0], hosts.trace.packets()[1].time_ns);
    EXPECT_EQ(copies.role[4], CopyRole::Sent);  // the lost ACK, never received...
    EXPECT_EQ(copies.role[5], CopyRole::Only);  // the spoofed SYN
    // ...until the same bytes are sent again and arrive: the first copy waiting takes the twin.
    EXPECT_EQ(copies.received_ns[4], hosts.trace.packets()[7].time_ns);
    EXPECT_EQ(pairer.newly_received(), std::vector<size_t>{4});
}

TEST(WireCopyPairer, APacketBeforeTheEndPairsEverythingAgain) {
    using namespace tcp_flag;
    TwoHosts hosts;
    WireCopyPairer pairer;
    hosts.client_sends(Syn, 100, 0);
    pairer.update(hosts.trace);
    hosts.now = 0;  // earlier than everything so far
    hosts.seen(0, {.source = hosts.client, .destination = hosts.server, .flags = Rst, .seq = 7});
    EXPECT_FALSE(pairer.update(hosts.trace));
    expect_same_copies(pairer.copies(), pair_wire_copies(hosts.trace));
}

}  // namespace
}  // namespace tcplab
