// The framing view's layout without a window: send(), segment and recv()
// boundaries of hand-built traces (sticky packets, a retransmission, another
// socket's calls, UDP truncation), the cursor, labels that must fit, and the
// real recorded handshake's "hello".
#include "lab/layout/framing_layout.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "frame_builder.hpp"
#include "recordings.hpp"

namespace tcplab {
namespace {

using namespace tcp_flag;

constexpr int64_t kStart = 1'700'000'000'000'000'000;  // a realistic CLOCK_REALTIME
constexpr uint32_t kClientIsn = 1000;
constexpr uint32_t kServerIsn = 5000;

const Endpoint kClient{IpAddress::v4(10, 0, 0, 1), 40000};
const Endpoint kServer{IpAddress::v4(10, 0, 0, 2), 5000};

void add(Trace& trace, int64_t time_ns, const test::TcpFrame& frame) {
    const auto bytes = test::ethernet_ipv4_tcp(frame);
    trace.add_packet(
        Trace::capture(kStart + time_ns, 0, LinkType::Ethernet, static_cast<uint32_t>(bytes.size()), bytes));
}

// The same frame as UDP: protocol 17 and an 8-byte UDP header in place of TCP's 20.
void add_udp(Trace& trace, int64_t time_ns, const Endpoint& from, const Endpoint& to, const std::string& payload) {
    std::vector<uint8_t> bytes = test::ethernet_ipv4_tcp({from, to, 0, 0, 0, 0, payload});
    bytes.erase(bytes.begin() + 14 + 20 + 8, bytes.begin() + 14 + 20 + 20);
    bytes[14 + 9] = 17;
    test::put16(bytes, 14 + 2, static_cast<uint16_t>(20 + 8 + payload.size()));
    test::put16(bytes, 14 + 20 + 4, static_cast<uint16_t>(8 + payload.size()));
    test::put16(bytes, 14 + 20 + 6, 0);
    trace.add_packet(
        Trace::capture(kStart + time_ns, 0, LinkType::Ethernet, static_cast<uint32_t>(bytes.size()), bytes));
}

CallEvent call(int64_t time_ns, Actor actor, const std::string& name, long result, const std::string& data,
               const Endpoint& local) {
    CallEvent event;
    event.time_ns = kStart + time_ns;
    event.return_ns = kStart + time_ns + 100;
    event.actor = actor;
    event.call = name;
    event.arguments = "fd=4";
    event.result = result;
    event.data = data;
    event.local = local;
    return event;
}

// The tutorials' sticky packets: three quick sends, Nagle holds the last two
// until "hello" is acknowledged, and one recv() takes all fourteen bytes.
Trace sticky_trace() {
    Trace trace;
    add(trace, 0, {kClient, kServer, Syn, kClientIsn, 0});
    add(trace, 10'000, {kServer, kClient, Syn | Ack, kServerIsn, kClientIsn + 1});
    add(trace, 20'000, {kClient, kServer, Ack, kClientIsn + 1, kServerIsn + 1});
    trace.add_call(call(29'000, Actor::Client, "send", 5, "hello", kClient));
    add(trace, 30'000, {kClient, kServer, Psh | Ack, kClientIsn + 1, kServerIsn + 1, 65535, "hello"});
    trace.add_call(call(31'000, Actor::Client, "send", 5, "world", kClient));
    trace.add_call(call(32'000, Actor::Client, "send", 4, "egon", kClient));
    add(trace, 40'000, {kServer, kClient, Ack, kServerIsn + 1, kClientIsn + 6});
    add(trace, 41'000, {kClient, kServer, Psh | Ack, kClientIsn + 6, kServerIsn + 1, 65535, "worldegon"});
    add(trace, 42'000, {kServer, kClient, Ack, kServerIsn + 1, kClientIsn + 15});
    trace.add_call(call(50'000, Actor::Server, "recv", 14, "helloworldegon", kServer));
    return trace;
}

std::vector<FramingBox> row(const FramingLayout& layout, FramingRow which) {
    std::vector<FramingBox> boxes;
    for (const FramingBox& box : layout.boxes)
        if (box.row == which) boxes.push_back(box);
    return boxes;
}

std::vector<std::pair<uint64_t, uint64_t>> ranges(const std::vector<FramingBox>& boxes) {
    std::vector<std::pair<uint64_t, uint64_t>> out;
    for (const FramingBox& box : boxes) out.emplace_back(box.begin, box.end);
    return out;
}

using Ranges = std::vector<std::pair<uint64_t, uint64_t>>;

TEST(FramingLayout, ThreeSendsTwoSegmentsOneRecv) {
    const Trace trace = sticky_trace();
    const FramingLayout layout = layout_framing({.trace = trace, .width = 1400});
    ASSERT_TRUE(layout.found);
    EXPECT_FALSE(layout.udp);
    EXPECT_FALSE(layout.from_server);
    EXPECT_EQ(layout.sender, kClient);
    EXPECT_EQ(layout.receiver, kServer);
    EXPECT_EQ(layout.total_bytes, 14u);

    const auto sends = row(layout, FramingRow::Sends);
    EXPECT_EQ(ranges(sends), (Ranges{{0, 5}, {5, 10}, {10, 14}}));
    EXPECT_EQ(sends[0].label, "\"hello\"");
    EXPECT_EQ(sends[2].label, "\"egon\"");
    EXPECT_EQ(sends[0].detail, "5 B");
    const auto segments = row(layout, FramingRow::Segments);
    EXPECT_EQ(ranges(segments), (Ranges{{0, 5}, {5, 14}}));
    EXPECT_EQ(segments[1].text, "worldegon");
    EXPECT_FALSE(segments[1].retransmission);
    const auto recvs = row(layout, FramingRow::Receives);
    ASSERT_EQ(recvs.size(), 1u);
    EXPECT_EQ(recvs[0].label, "\"helloworldegon\"");
    EXPECT_EQ(recvs[0].detail, "14 B");

    // One byte axis for all rows: the recv() spans the whole width, a send() ends where its bytes do.
    EXPECT_FLOAT_EQ(recvs[0].x0, 0.0f);
    EXPECT_FLOAT_EQ(recvs[0].x1, 1400.0f);
    EXPECT_FLOAT_EQ(sends[0].x1, segments[0].x1);
    EXPECT_FLOAT_EQ(sends[1].x1, 1400.0f * 10 / 14);
}

TEST(FramingLayout, CursorHidesLaterCallsAndSegments) {
    const Trace trace = sticky_trace();
    const FramingLayout layout = layout_framing({.trace = trace, .cursor_ns = kStart + 35'000, .width = 800});
    EXPECT_EQ(layout.count(FramingRow::Sends), 3u);
    EXPECT_EQ(layout.count(FramingRow::Segments), 1u);
    EXPECT_EQ(layout.count(FramingRow::Receives), 0u);
    EXPECT_EQ(layout.total_bytes, 14u);

    const FramingLayout before_data = layout_framing({.trace = trace, .cursor_ns = kStart + 25'000, .width = 800});
    EXPECT_FALSE(before_data.found);
}

TEST(FramingLayout, NarrowBoxesShortenOrDropTheirLabels) {
    const Trace trace = sticky_trace();
    const FramingLayout layout = layout_framing(
        {.trace = trace, .width = 70, .text_width = [](std::string_view text) { return 10.0f * text.size(); }});
    const auto recvs = row(layout, FramingRow::Receives);
    ASSERT_EQ(recvs.size(), 1u);
    // 62 pixels of room (5 per byte, 4 of padding each side): a shortened quote, never wider than the box.
    EXPECT_EQ(recvs[0].label, "\"h…\"");
    EXPECT_EQ(recvs[0].detail, "14 B");
    const auto sends = row(layout, FramingRow::Sends);
    EXPECT_EQ(sends[2].label, "");    // 12 pixels: not even one quoted letter
    EXPECT_EQ(sends[2].detail, "4");  // nor the unit
}

TEST(FramingLayout, RetransmissionIsMarkedAndOtherSocketsAreIgnored) {
    Trace trace = sticky_trace();
    add(trace, 60'000, {kClient, kServer, Psh | Ack, kClientIsn + 6, kServerIsn + 1, 65535, "worldegon"});
    // Another connection of the same client host: its calls are not this stream's.
    const Endpoint other{IpAddress::v4(10, 0, 0, 1), 40001};
    trace.add_call(call(61'000, Actor::Client, "send", 3, "xyz", other));
    const FramingLayout layout = layout_framing({.trace = trace, .width = 800});
    const auto segments = row(layout, FramingRow::Segments);
    ASSERT_EQ(segments.size(), 3u);
    EXPECT_TRUE(segments[2].retransmission);
    EXPECT_EQ(ranges({segments[2]}), (Ranges{{5, 14}}));
    EXPECT_EQ(layout.count(FramingRow::Sends), 3u);
}

TEST(FramingLayout, ChosenDirectionAndSelectedSegment) {
    Trace trace = sticky_trace();
    trace.add_call(call(70'000, Actor::Server, "send", 2, "ok", kServer));
    add(trace, 71'000, {kServer, kClient, Psh | Ack, kServerIsn + 1, kClientIsn + 15, 65535, "ok"});
    const FramingLayout back = layout_framing({.trace = trace, .from_server = true, .width = 800});
    EXPECT_TRUE(back.from_server);
    EXPECT_EQ(back.sender, kServer);
    EXPECT_EQ(ranges(row(back, FramingRow::Sends)), (Ranges{{0, 2}}));
    EXPECT_EQ(ranges(row(back, FramingRow::Segments)), (Ranges{{0, 2}}));
    EXPECT_EQ(back.count(FramingRow::Receives), 0u);

    // Selecting the server's data segment picks its direction.
    const size_t ok_segment = trace.packets().size() - 1;
    const FramingLayout selected = layout_framing({.trace = trace, .selected_packet = ok_segment, .width = 800});
    EXPECT_TRUE(selected.from_server);
}

TEST(FramingLayout, UdpDatagramsKeepTheirBoundariesAndShowTruncation) {
    Trace trace;
    const Endpoint client{IpAddress::v4(10, 0, 0, 1), 41000};
    trace.add_call(call(0, Actor::Client, "sendto", 5, "hello", client));
    add_udp(trace, 1'000, client, kServer, "hello");
    trace.add_call(call(2'000, Actor::Client, "sendto", 15, "hello big world", client));
    add_udp(trace, 3'000, client, kServer, "hello big world");
    trace.add_call(call(4'000, Actor::Server, "recvfrom", 5, "hello", kServer));
    trace.add_call(call(5'000, Actor::Server, "recvfrom", 15, "hello big w", kServer));  // MSG_TRUNC

    const FramingLayout layout = layout_framing({.trace = trace, .width = 800});
    ASSERT_TRUE(layout.found);
    EXPECT_TRUE(layout.udp);
    EXPECT_EQ(layout.sender, client);
    EXPECT_EQ(layout.receiver, kServer);
    EXPECT_EQ(ranges(row(layout, FramingRow::Sends)), (Ranges{{0, 5}, {5, 20}}));
    const auto datagrams = row(layout, FramingRow::Segments);
    EXPECT_EQ(ranges(datagrams), (Ranges{{0, 5}, {5, 20}}));
    EXPECT_EQ(datagrams[1].text, "hello big world");
    const auto recvs = row(layout, FramingRow::Receives);
    EXPECT_EQ(ranges(recvs), (Ranges{{0, 5}, {5, 20}}));
    EXPECT_FALSE(recvs[0].truncated);
    EXPECT_TRUE(recvs[1].truncated);
    EXPECT_EQ(recvs[1].copied, 11u);
    EXPECT_EQ(recvs[1].detail, "11/15 B");
}

TEST(FramingLayout, PreviewsAndBinaryBytesAreMarked) {
    Trace trace = sticky_trace();
    // A 20 000-byte send keeps only a preview in its CallEvent; a length prefix is binary.
    trace.add_call(call(80'000, Actor::Client, "send", 20000, std::string(32, 'x'), kClient));
    trace.add_call(call(81'000, Actor::Client, "send", 9, std::string("\0\0\0\5hello", 9), kClient));
    const FramingLayout layout = layout_framing({.trace = trace, .width = 8000});
    const auto sends = row(layout, FramingRow::Sends);
    ASSERT_EQ(sends.size(), 5u);
    EXPECT_FALSE(sends[3].text_complete);
    EXPECT_EQ(ranges({sends[3]}), (Ranges{{14, 20014}}));
    EXPECT_EQ(sends[4].text, "....hello");
    EXPECT_TRUE(sends[4].text_complete);
    EXPECT_EQ(printable_text("a\nb\x7f"), "a.b.");
}

TEST(FramingLayout, RecordedHandshakeShowsItsHello) {
    const Trace& trace = test::recorded_trace("handshake");
    const FramingLayout layout = layout_framing({.trace = trace, .width = 800});
    ASSERT_TRUE(layout.found);
    EXPECT_FALSE(layout.udp);
    EXPECT_EQ(trace.actor_of(layout.sender), Actor::Client);
    const auto sends = row(layout, FramingRow::Sends);
    ASSERT_EQ(sends.size(), 1u);
    EXPECT_EQ(sends[0].text, "hello");
    EXPECT_EQ(ranges(sends), (Ranges{{0, 5}}));
    EXPECT_EQ(ranges(row(layout, FramingRow::Segments)), (Ranges{{0, 5}}));
    const auto recvs = row(layout, FramingRow::Receives);
    ASSERT_EQ(recvs.size(), 1u);
    EXPECT_EQ(recvs[0].text, "hello");
    EXPECT_EQ(layout.total_bytes, 5u);
}

}  // namespace
}  // namespace tcplab
