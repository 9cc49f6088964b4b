// The timeline's layout without a window: culling, folding, labels, cursor,
// zoom and pan, on synthetic traces of 1, 1 000 and 1 000 000 packets and on a
// real recorded handshake.
#include "lab/layout/timeline_layout.hpp"

#include <gtest/gtest.h>

#include <numeric>

#include "capture/transition_merger.hpp"
#include "frame_builder.hpp"
#include "recordings.hpp"

namespace tcplab {
namespace {

constexpr int64_t kStart = 1'700'000'000'000'000'000;  // a realistic CLOCK_REALTIME
constexpr float kCharWidth = 7.0f;

const Endpoint kClient{IpAddress::v4(10, 0, 0, 1), 40000};
const Endpoint kServer{IpAddress::v4(10, 0, 0, 2), 5000};

CapturedPacket captured(int64_t time_ns, const test::TcpFrame& frame) {
    const auto bytes = test::ethernet_ipv4_tcp(frame);
    return Trace::capture(time_ns, 0, LinkType::Ethernet, static_cast<uint32_t>(bytes.size()), bytes);
}

// A handshake (ISNs 1000 and 5000), then data segments from the client and
// ACKs from the server, `count` packets in all, one every `spacing_ns`.
void add_connection(Trace& trace, size_t count, int64_t spacing_ns) {
    using namespace tcp_flag;
    const test::TcpFrame syn{kClient, kServer, Syn, 1000, 0};
    const test::TcpFrame syn_ack{kServer, kClient, Syn | Ack, 5000, 1001};
    const test::TcpFrame ack{kClient, kServer, Ack, 1001, 5001};
    const test::TcpFrame data{kClient, kServer, Psh | Ack, 1001, 5001, 65535, "x"};
    const test::TcpFrame data_ack{kServer, kClient, Ack, 5001, 1002};
    const CapturedPacket templates[] = {captured(0, data), captured(0, data_ack)};
    for (size_t index = 0; index < count; ++index) {
        const int64_t time = kStart + static_cast<int64_t>(index) * spacing_ns;
        if (index < 3) {
            trace.add_packet(captured(time, index == 0 ? syn : index == 1 ? syn_ack : ack));
            continue;
        }
        CapturedPacket packet = templates[index % 2];
        packet.summary.time_ns = time;
        trace.add_packet(std::move(packet));
    }
}

struct Fixture {
    Trace trace;
    std::vector<StateSpan> spans;
};

TimelineInput input_for(const Fixture& fixture, TimeAxis axis) {
    TimelineInput input{.trace = fixture.trace, .spans = fixture.spans, .axis = axis};
    input.colours.for_flags = [](uint8_t flags, uint32_t length) { return 1000u + flags + (length > 0 ? 500u : 0u); };
    input.colours.group = 1;
    input.colours.kernel_state = 2;
    input.colours.inferred_state = 3;
    input.colours.client = 4;
    input.colours.server = 5;
    input.colours.step = 6;
    input.text_width = [](std::string_view text) { return kCharWidth * static_cast<float>(text.size()); };
    return input;
}

CallEvent call(int64_t time_ns, int64_t return_ns, Actor actor, std::string name, std::string arguments, int64_t result,
               int error_number = 0) {
    CallEvent event;
    event.time_ns = time_ns;
    event.return_ns = return_ns;
    event.actor = actor;
    event.call = std::move(name);
    event.arguments = std::move(arguments);
    event.result = result;
    event.error_number = error_number;
    return event;
}

TimeAxis axis_over(int64_t begin, int64_t end, float length) { return TimeAxis{begin, end, length}; }

std::vector<TimelineRecord> lane_records(const TimelineLayout& layout, TimelineLane lane) {
    std::vector<TimelineRecord> records;
    for (const TimelineRecord& record : layout.records)
        if (record.lane == lane && record.kind != TimelineRecordKind::StepMarker) records.push_back(record);
    return records;
}

// What every layout of the wire must satisfy, checked against a brute-force count.
void expect_wire_invariants(const Fixture& fixture, const TimelineInput& input, const TimelineLayout& layout) {
    const auto& packets = fixture.trace.packets();
    const int64_t view_end = input.cursor_ns ? std::min(input.axis.end_ns, input.cursor_ns) : input.axis.end_ns;
    size_t expected_visible = 0;
    for (const PacketEvent& packet : packets)
        if (packet.time_ns >= input.axis.begin_ns && packet.time_ns <= view_end) ++expected_visible;
    EXPECT_EQ(layout.visible_packets, expected_visible);

    const auto wire = lane_records(layout, TimelineLane::Wire);
    size_t folded_total = 0;
    const float fold_ns = input.fold_pixels * static_cast<float>(input.axis.ns_per_pixel());
    for (size_t k = 0; k < wire.size(); ++k) {
        const TimelineRecord& record = wire[k];
        ASSERT_LT(record.first, record.last);
        EXPECT_EQ(record.count, record.last - record.first);
        EXPECT_EQ(record.kind, record.count == 1 ? TimelineRecordKind::Packet : TimelineRecordKind::PacketGroup);
        folded_total += record.count;
        // Nothing outside the visible range.
        EXPECT_GE(packets[record.first].time_ns, input.axis.begin_ns);
        EXPECT_LE(packets[record.last - 1].time_ns, view_end);
        if (k + 1 < wire.size()) {
            // Marks follow each other, and neighbours are far enough apart not to fold.
            EXPECT_EQ(record.last, wire[k + 1].first);
            EXPECT_GT(wire[k + 1].x0 - record.x1, input.fold_pixels * 0.99f);
        }
    }
    EXPECT_EQ(folded_total, expected_visible);
    if (!wire.empty() && wire.size() < 5000) {
        // Inside a mark, no gap is wider than the fold distance.
        for (const TimelineRecord& record : wire)
            for (size_t index = record.first + 1; index < record.last; ++index)
                ASSERT_LE(static_cast<float>(packets[index].time_ns - packets[index - 1].time_ns), fold_ns + 1.0f);
    }
}

TEST(TimelineLayout, OnePacketIsOneLabelledMark) {
    Fixture fixture;
    add_connection(fixture.trace, 1, 1000);
    const TimelineInput input = input_for(fixture, axis_over(kStart - 1000, kStart + 1000, 800));
    const TimelineLayout layout = layout_timeline(input);
    const auto wire = lane_records(layout, TimelineLane::Wire);
    ASSERT_EQ(wire.size(), 1u);
    EXPECT_EQ(wire[0].kind, TimelineRecordKind::Packet);
    EXPECT_EQ(wire[0].label, "SYN");
    EXPECT_EQ(wire[0].detail, "seq=0");
    EXPECT_EQ(wire[0].colour, 1000u + tcp_flag::Syn);
    EXPECT_FALSE(wire[0].from_server);
    EXPECT_FLOAT_EQ(wire[0].x0, 400.0f);
    expect_wire_invariants(fixture, input, layout);
}

TEST(TimelineLayout, ThousandPacketsSpreadOutAreThousandMarks) {
    Fixture fixture;
    add_connection(fixture.trace, 1000, 1'000'000);  // one per millisecond
    TimeAxis axis;
    axis.length = 100'000;  // ~100 px between packets
    axis.fit(kStart, kStart + 999'000'000);
    const TimelineInput input = input_for(fixture, axis);
    const TimelineLayout layout = layout_timeline(input);
    const auto wire = lane_records(layout, TimelineLane::Wire);
    EXPECT_EQ(wire.size(), 1000u);
    for (const TimelineRecord& record : wire) EXPECT_EQ(record.kind, TimelineRecordKind::Packet);
    expect_wire_invariants(fixture, input, layout);
}

TEST(TimelineLayout, ThousandPacketsCloseTogetherFold) {
    Fixture fixture;
    add_connection(fixture.trace, 1000, 1'000'000);
    for (const float length : {300.0f, 1000.0f, 2500.0f, 3500.0f}) {
        TimeAxis axis;
        axis.length = length;
        axis.fit(kStart, kStart + 999'000'000);
        const TimelineInput input = input_for(fixture, axis);
        const TimelineLayout layout = layout_timeline(input);
        const auto wire = lane_records(layout, TimelineLane::Wire);
        SCOPED_TRACE(length);
        EXPECT_LE(wire.size(), static_cast<size_t>(length / input.fold_pixels) + 1);
        expect_wire_invariants(fixture, input, layout);
        if (length <= 2500.0f) {
            // Packets 1000/length px apart (< 3 px): one chain.
            EXPECT_EQ(wire.size(), 1u);
            EXPECT_EQ(wire[0].label, "1000 packets");
            EXPECT_EQ(wire[0].colour, 1u);
        } else {
            EXPECT_EQ(wire.size(), 1000u);  // just over 3 px apart
        }
    }
}

TEST(TimelineLayout, MixedSpacingFoldsOnlyTheDenseBurst) {
    Fixture fixture;
    add_connection(fixture.trace, 3, 100'000'000);  // SYN, SYN-ACK, ACK, 100 ms apart
    for (int index = 0; index < 50; ++index) {      // then a burst of 50 within 50 µs
        CapturedPacket packet =
            captured(kStart + 300'000'000 + index * 1000, {kClient, kServer, tcp_flag::Ack, 1001, 5001, 65535, "y"});
        fixture.trace.add_packet(std::move(packet));
    }
    TimeAxis axis;
    axis.length = 1000;
    axis.fit(kStart, kStart + 300'050'000);
    const TimelineInput input = input_for(fixture, axis);
    const TimelineLayout layout = layout_timeline(input);
    const auto wire = lane_records(layout, TimelineLane::Wire);
    ASSERT_EQ(wire.size(), 4u);
    EXPECT_EQ(wire[0].label, "SYN");
    EXPECT_EQ(wire[1].label, "SYN-ACK");
    EXPECT_EQ(wire[2].label, "ACK");
    EXPECT_EQ(wire[3].kind, TimelineRecordKind::PacketGroup);
    EXPECT_EQ(wire[3].count, 50u);
    expect_wire_invariants(fixture, input, layout);
}

const Fixture& million() {
    static const Fixture fixture = [] {
        Fixture built;
        add_connection(built.trace, 1'000'000, 1000);  // one per microsecond: a second of traffic
        return built;
    }();
    return fixture;
}

// How long such a frame takes is bench/timeline_bench's to measure (BM_TimelineFrame).
TEST(TimelineLayout, MillionPacketsZoomedOutFoldIntoFewMarks) {
    const Fixture& fixture = million();
    ASSERT_EQ(fixture.trace.packets().size(), 1'000'000u);
    TimeAxis axis;
    axis.length = 1600;
    axis.fit(kStart, kStart + 999'999'000);
    const TimelineInput input = input_for(fixture, axis);

    const TimelineLayout layout = layout_timeline(input);

    const auto wire = lane_records(layout, TimelineLane::Wire);
    EXPECT_EQ(layout.visible_packets, 1'000'000u);
    EXPECT_LE(wire.size(), 1600u / 3);
    EXPECT_EQ(wire.size(), 1u);
    expect_wire_invariants(fixture, input, layout);
}

TEST(TimelineLayout, MillionPacketsZoomedInTouchOnlyWhatIsVisible) {
    const Fixture& fixture = million();
    for (const int64_t window_ns : {10'000, 480'000, 16'000'000}) {
        SCOPED_TRACE(window_ns);
        const int64_t begin = kStart + 500'000'000 + 500;
        const TimelineInput input = input_for(fixture, axis_over(begin, begin + window_ns, 1600));
        const TimelineLayout layout = layout_timeline(input);
        EXPECT_EQ(layout.visible_packets, static_cast<size_t>(window_ns / 1000));
        expect_wire_invariants(fixture, input, layout);
        const auto wire = lane_records(layout, TimelineLane::Wire);
        // 160 px apart; 3.3 px apart, just unfolded; 0.1 px apart, one chain.
        const size_t expected = window_ns == 10'000 ? 10u : window_ns == 480'000 ? 480u : 1u;
        EXPECT_EQ(wire.size(), expected);
    }
}

TEST(TimelineLayout, LabelsNeedRoom) {
    Fixture fixture;
    add_connection(fixture.trace, 2, 1'000'000);  // SYN, then SYN-ACK 1 ms later
    // "SYN" needs 21 px and "seq=0" 35 px; the room is the gap minus 2 × 4 px padding.
    const auto first_mark = [&](float gap_px) {
        const TimelineInput input = input_for(fixture, axis_over(kStart - 1'000'000, kStart + 2'000'000, 3 * gap_px));
        return lane_records(layout_timeline(input), TimelineLane::Wire).front();
    };
    const TimelineRecord roomy = first_mark(200);
    EXPECT_EQ(roomy.label, "SYN");
    EXPECT_EQ(roomy.detail, "seq=0");
    const TimelineRecord tight = first_mark(35);
    EXPECT_EQ(tight.label, "SYN");
    EXPECT_EQ(tight.detail, "");
    const TimelineRecord cramped = first_mark(20);
    EXPECT_EQ(cramped.label, "");
    EXPECT_EQ(cramped.detail, "");
}

TEST(TimelineLayout, RelativeOrAbsoluteNumbers) {
    Fixture fixture;
    add_connection(fixture.trace, 3, 1'000'000);
    TimelineInput input = input_for(fixture, axis_over(kStart - 1'000'000, kStart + 3'000'000, 4000));
    auto wire = lane_records(layout_timeline(input), TimelineLane::Wire);
    ASSERT_EQ(wire.size(), 3u);
    EXPECT_EQ(wire[1].detail, "seq=0 ack=1");
    EXPECT_TRUE(wire[1].from_server);
    EXPECT_EQ(wire[1].colour, 1000u + (tcp_flag::Syn | tcp_flag::Ack));
    input.relative_numbers = false;
    wire = lane_records(layout_timeline(input), TimelineLane::Wire);
    EXPECT_EQ(wire[1].detail, "seq=5000 ack=1001");
    EXPECT_EQ(wire[2].detail, "seq=1001 ack=5001");
}

TEST(TimelineLayout, SelectionAndHoverAreFlaggedOnTheMarkHoldingThem) {
    Fixture fixture;
    add_connection(fixture.trace, 1000, 1'000'000);
    TimeAxis axis;
    axis.length = 100'000;
    axis.fit(kStart, kStart + 999'000'000);
    TimelineInput input = input_for(fixture, axis);
    input.selected_packet = 500;
    input.hovered_packet = 7;
    TimelineLayout layout = layout_timeline(input);
    for (const TimelineRecord& record : lane_records(layout, TimelineLane::Wire)) {
        EXPECT_EQ(record.selected, record.first == 500) << record.first;
        EXPECT_EQ(record.hovered, record.first == 7) << record.first;
    }
    input.axis.length = 1000;  // everything folds: the one mark holds both
    layout = layout_timeline(input);
    const auto wire = lane_records(layout, TimelineLane::Wire);
    ASSERT_EQ(wire.size(), 1u);
    EXPECT_TRUE(wire[0].selected);
    EXPECT_TRUE(wire[0].hovered);
    input.selected_packet.reset();
    input.hovered_packet.reset();
    EXPECT_FALSE(lane_records(layout_timeline(input), TimelineLane::Wire)[0].selected);
}

TEST(TimelineLayout, CursorHidesLaterEvents) {
    Fixture fixture;
    add_connection(fixture.trace, 100, 1'000'000);
    fixture.trace.add_call(call(kStart + 5'000'000, kStart + 6'000'000, Actor::Client, "send", "fd=3", 1));
    fixture.trace.add_call(call(kStart + 50'000'000, kStart + 51'000'000, Actor::Client, "recv", "fd=3", 1));
    fixture.trace.add_call(call(kStart + 20'000'000, kStart + 40'000'000, Actor::Server, "accept", "fd=4", 5));
    fixture.trace.add_note(NoteEvent{kStart + 4'000'000, 0, "lesson.one"});
    fixture.trace.add_note(NoteEvent{kStart + 45'000'000, 1, "lesson.two"});
    TimeAxis axis;
    axis.length = 100'000;
    axis.fit(kStart, kStart + 99'000'000);
    TimelineInput input = input_for(fixture, axis);
    input.cursor_ns = kStart + 30'000'000;
    const TimelineLayout layout = layout_timeline(input);
    EXPECT_EQ(layout.visible_packets, 31u);
    for (const TimelineRecord& record : layout.records) EXPECT_LE(record.x0, axis.to_pixel(input.cursor_ns) + 0.01f);
    expect_wire_invariants(fixture, input, layout);

    const auto client_calls = lane_records(layout, TimelineLane::ClientCalls);
    ASSERT_EQ(client_calls.size(), 1u);
    EXPECT_EQ(client_calls[0].label, "send() = 1");
    const auto server_calls = lane_records(layout, TimelineLane::ServerCalls);
    ASSERT_EQ(server_calls.size(), 1u);
    EXPECT_TRUE(server_calls[0].open);  // accept() has not returned at the cursor
    EXPECT_EQ(server_calls[0].label, "accept()");
    EXPECT_FLOAT_EQ(server_calls[0].x1, axis.to_pixel(input.cursor_ns));

    size_t markers = 0;
    for (const TimelineRecord& record : layout.records)
        if (record.kind == TimelineRecordKind::StepMarker) {
            ++markers;
            EXPECT_EQ(record.label, "1");
        }
    EXPECT_EQ(markers, 1u);

    input.cursor_ns = 1;  // before anything happened
    const TimelineLayout nothing = layout_timeline(input);
    EXPECT_EQ(nothing.visible_packets, 0u);
    EXPECT_TRUE(nothing.records.empty());
}

TEST(TimelineLayout, CallLabelsSayWhatTheCallReturned) {
    Fixture fixture;
    const CallEvent refused = call(kStart, kStart + 100'000, Actor::Client, "connect", "fd=3, 10.0.0.2:5000", -1, 111);
    fixture.trace.add_call(refused);
    const TimelineInput input = input_for(fixture, axis_over(kStart - 10'000, kStart + 1'000'000, 1000));
    const auto calls = lane_records(layout_timeline(input), TimelineLane::ClientCalls);
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].label, "connect() = -1 ECONNREFUSED");
    EXPECT_EQ(calls[0].detail, "fd=3, 10.0.0.2:5000");
    EXPECT_EQ(calls[0].colour, 4u);
    EXPECT_LT(calls[0].x0, calls[0].x1);
}

TEST(TimelineLayout, ZoomKeepsTheTimeUnderTheMouseAndPanMoves) {
    Fixture fixture;
    add_connection(fixture.trace, 1000, 1'000'000);
    TimelineState state;
    state.axis.length = 1000;
    state.fit(fixture.trace, 0);
    EXPECT_TRUE(state.auto_fit);
    EXPECT_LE(state.axis.begin_ns, kStart);
    EXPECT_GE(state.axis.end_ns, kStart + 999'000'000);

    const int64_t under_mouse = state.axis.to_time(250);
    const size_t before = layout_timeline(input_for(fixture, state.axis)).visible_packets;
    state.zoom_at(250, 3);
    EXPECT_FALSE(state.auto_fit);
    EXPECT_NEAR(static_cast<double>(state.axis.to_time(250)), static_cast<double>(under_mouse),
                state.axis.ns_per_pixel());
    const TimelineLayout zoomed = layout_timeline(input_for(fixture, state.axis));
    EXPECT_LT(zoomed.visible_packets, before);
    EXPECT_GT(zoomed.visible_packets, 0u);

    const int64_t begin = state.axis.begin_ns;
    state.pan(100);
    EXPECT_NEAR(static_cast<double>(state.axis.begin_ns - begin), 100 * state.axis.ns_per_pixel(), 1.0);
    state.zoom_at(250, -3);
    expect_wire_invariants(fixture, input_for(fixture, state.axis), layout_timeline(input_for(fixture, state.axis)));
}

TEST(TimelineLayout, TicksAreRoundAndReadable) {
    Fixture fixture;
    add_connection(fixture.trace, 1, 1000);
    const TimelineInput input = input_for(fixture, axis_over(kStart, kStart + 1'000'000, 1000));
    const TimelineLayout layout = layout_timeline(input);
    std::vector<std::string> labels;
    float previous_major = -1e9f;
    for (const TimelineTick& tick : layout.ticks) {
        if (!tick.major) continue;
        labels.push_back(tick.label);
        EXPECT_GE(tick.x - previous_major, input.tick_spacing * 0.99f);
        previous_major = tick.x;
    }
    ASSERT_EQ(labels.size(), 11u);
    EXPECT_EQ(labels.front(), "0.0 ms");
    EXPECT_EQ(labels[1], "0.1 ms");
    EXPECT_EQ(labels.back(), "1.0 ms");
    EXPECT_GT(layout.ticks.size(), labels.size());  // minor ticks in between

    const TimelineLayout seconds =
        layout_timeline(input_for(fixture, axis_over(kStart, kStart + 30'000'000'000, 1000)));
    for (const TimelineTick& tick : seconds.ticks)
        if (tick.major) {
            EXPECT_EQ(tick.label.substr(tick.label.size() - 2), " s") << tick.label;
        }
    const TimelineLayout micro = layout_timeline(input_for(fixture, axis_over(kStart + 5000, kStart + 25'000, 1000)));
    for (const TimelineTick& tick : micro.ticks)
        if (tick.major) {
            EXPECT_NE(tick.label.find("µs"), std::string::npos) << tick.label;
        }
}

TEST(TimelineLayout, FormatsTimes) {
    EXPECT_EQ(format_offset(117'000), "+117 µs");
    EXPECT_EQ(format_offset(69'776'400), "+69.776 ms");
    EXPECT_EQ(format_offset(-2'500'000'000), "-2.500000 s");
    EXPECT_EQ(format_duration(850), "850 ns");
    EXPECT_EQ(format_duration(102'000), "102 µs");
    EXPECT_EQ(format_duration(72'130'000), "72.1 ms");
    EXPECT_EQ(format_duration(1'500'000'000), "1.50 s");
}

TEST(TimelineLayout, SocketsAliveTogetherGetTheirOwnRows) {
    Trace trace;
    const Endpoint listener{IpAddress::v4(10, 0, 0, 2), 5000};
    const Endpoint wildcard{};
    trace.assign_actor(listener, Actor::Server);
    trace.assign_actor(kClient, Actor::Client);
    auto state = [&](int64_t time, Endpoint local, Endpoint remote, TcpState from, TcpState to) {
        trace.add_state(StateEvent{.time_ns = kStart + time,
                                   .local = local,
                                   .remote = remote,
                                   .from = from,
                                   .to = to,
                                   .source = StateSource::Tracepoint});
    };
    state(0, listener, wildcard, TcpState::Closed, TcpState::Listen);
    state(10, kClient, kServer, TcpState::Closed, TcpState::SynSent);
    state(20, listener, kClient, TcpState::Listen, TcpState::SynReceived);
    state(30, kClient, kServer, TcpState::SynSent, TcpState::Established);
    state(40, listener, kClient, TcpState::SynReceived, TcpState::Established);
    state(50, listener, kClient, TcpState::Established, TcpState::Closed);
    state(60, listener, Endpoint{IpAddress::v4(10, 0, 0, 9), 1}, TcpState::Listen, TcpState::SynReceived);
    const std::vector<StateSpan> spans = state_spans(trace, observed_transitions(trace));
    ASSERT_EQ(spans.size(), 6u);
    EXPECT_EQ(spans[0].state, TcpState::Listen);
    EXPECT_EQ(spans[0].row, 0);
    EXPECT_EQ(spans[0].end_ns, std::numeric_limits<int64_t>::max());
    EXPECT_EQ(spans[1].actor, Actor::Client);
    EXPECT_EQ(spans[1].end_ns, kStart + 30);
    EXPECT_EQ(spans[2].state, TcpState::SynReceived);
    EXPECT_EQ(spans[2].row, 1);  // the listener still holds row 0
    EXPECT_EQ(spans[4].state, TcpState::Established);
    EXPECT_EQ(spans[4].end_ns, kStart + 50);
    EXPECT_EQ(spans[5].row, 1);  // the closed socket's row is free again

    Fixture fixture{trace, spans};
    TimelineInput input = input_for(fixture, axis_over(kStart - 10, kStart + 70, 8000));
    const TimelineLayout layout = layout_timeline(input);
    EXPECT_EQ(layout.rows[static_cast<size_t>(TimelineLane::ServerState)], 2);
    EXPECT_EQ(layout.rows[static_cast<size_t>(TimelineLane::ClientState)], 1);
    const auto client = lane_records(layout, TimelineLane::ClientState);
    ASSERT_EQ(client.size(), 2u);
    EXPECT_EQ(client[0].label, "SYN_SENT");
    EXPECT_EQ(client[1].label, "ESTABLISHED");
    EXPECT_TRUE(client[1].open);
    EXPECT_EQ(client[1].colour, 2u);
    EXPECT_FALSE(client[1].inferred);
    // A state too narrow for its name keeps the span and drops the name.
    input.axis.length = 80;
    for (const TimelineRecord& record : lane_records(layout_timeline(input), TimelineLane::ServerState))
        if (!record.open) {
            EXPECT_EQ(record.label, "");
        }
}

TEST(TimelineLayout, InferredStatesAreMarkedInferred) {
    Fixture fixture;
    add_connection(fixture.trace, 3, 1'000'000);
    fixture.trace.flush_inferred();
    fixture.spans = state_spans(fixture.trace, observed_transitions(fixture.trace));
    ASSERT_FALSE(fixture.spans.empty());
    const TimelineLayout layout =
        layout_timeline(input_for(fixture, axis_over(kStart - 1'000'000, kStart + 3'000'000, 4000)));
    size_t states = 0;
    for (const TimelineRecord& record : layout.records) {
        if (record.kind != TimelineRecordKind::State) continue;
        ++states;
        EXPECT_TRUE(record.inferred);
        EXPECT_EQ(record.colour, 3u);
    }
    EXPECT_GE(states, 2u);
}

TEST(TimelineLayout, HitTestFindsTheMarkUnderTheMouse) {
    Fixture fixture;
    add_connection(fixture.trace, 3, 1'000'000);
    const TimelineLayout layout =
        layout_timeline(input_for(fixture, axis_over(kStart - 1'000'000, kStart + 3'000'000, 400)));
    const auto hit = record_at(layout, TimelineLane::Wire, 0, 202, 4);  // SYN-ACK sits at 200 px
    ASSERT_TRUE(hit);
    EXPECT_EQ(layout.records[*hit].index, 1u);
    EXPECT_FALSE(record_at(layout, TimelineLane::Wire, 0, 150, 4));
    EXPECT_FALSE(record_at(layout, TimelineLane::ClientCalls, 0, 200, 4));
}

TEST(TimelineLayout, RecordedHandshakeShowsSynSynAckAckInOrder) {
    const Trace& trace = test::recorded_trace("handshake");
    const auto& packets = trace.packets();
    ASSERT_GE(packets.size(), 3u);
    Fixture fixture{trace, state_spans(trace, observed_transitions(trace))};
    // The first three segments, spread over 2000 px.
    TimeAxis axis;
    axis.length = 2000;
    axis.fit(packets[0].time_ns, packets[2].time_ns);
    const TimelineInput input = input_for(fixture, axis);
    const TimelineLayout layout = layout_timeline(input);
    const auto wire = lane_records(layout, TimelineLane::Wire);
    ASSERT_EQ(wire.size(), 3u);
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"SYN", "seq=0"}, {"SYN-ACK", "seq=0 ack=1"}, {"ACK", "seq=1 ack=1"}};
    for (size_t index = 0; index < 3; ++index) {
        SCOPED_TRACE(index);
        EXPECT_EQ(wire[index].kind, TimelineRecordKind::Packet);
        EXPECT_EQ(wire[index].index, index);
        EXPECT_EQ(wire[index].label, expected[index].first);
        EXPECT_EQ(wire[index].detail, expected[index].second);
        EXPECT_EQ(wire[index].from_server, index == 1);
        if (index > 0) {
            EXPECT_LT(wire[index - 1].x0, wire[index].x0);
        }
    }
    expect_wire_invariants(fixture, input, layout);

    // Over the whole run, the client's states include SYN_SENT and ESTABLISHED,
    // and the server's listener and connection socket each have a row.
    TimeAxis whole;
    whole.length = 100'000;
    whole.fit(trace.start_ns(), trace_end_ns(trace));
    const TimelineLayout all = layout_timeline(input_for(fixture, whole));
    std::vector<TcpState> client_states;
    for (const TimelineRecord& record : lane_records(all, TimelineLane::ClientState)) {
        const StateSpan& span = fixture.spans[record.index];
        client_states.push_back(span.state);
        // A label, when there is room for one, names the span's state.
        if (!record.label.empty()) {
            EXPECT_EQ(record.label, state_name(span.state));
        }
    }
    EXPECT_NE(std::find(client_states.begin(), client_states.end(), TcpState::SynSent), client_states.end());
    EXPECT_NE(std::find(client_states.begin(), client_states.end(), TcpState::Established), client_states.end());
    EXPECT_GE(all.rows[static_cast<size_t>(TimelineLane::ServerState)], 2);
    bool connect_seen = false;
    for (const TimelineRecord& record : lane_records(all, TimelineLane::ClientCalls))
        connect_seen = connect_seen || record.label == "connect() = 0";
    EXPECT_TRUE(connect_seen);
    size_t markers = 0;
    for (const TimelineRecord& record : all.records) markers += record.kind == TimelineRecordKind::StepMarker;
    EXPECT_EQ(markers, trace.notes().size());
}

// A student's program's output lines sit in its host's calls lane, between
// its calls in time order, each labelled with its text; none after the cursor.
TEST(TimelineLayout, ProgramOutputLinesSitAmongTheirHostsCalls) {
    Fixture fixture;
    CallEvent connect;
    connect.time_ns = kStart;
    connect.return_ns = kStart + 1'000'000;
    connect.actor = Actor::Client;
    connect.call = "connect";
    fixture.trace.add_call(connect);
    CallEvent close = connect;
    close.time_ns = kStart + 3'000'000;
    close.return_ns = kStart + 3'100'000;
    close.call = "close";
    fixture.trace.add_call(close);
    fixture.trace.add_output({kStart + 2'000'000, Actor::Client, "client", "echo: hello"});
    fixture.trace.add_output({kStart + 2'500'000, Actor::Server, "server", "done"});
    TimelineInput input = input_for(fixture, axis_over(kStart - 1'000'000, kStart + 4'000'000, 5000));
    const TimelineLayout layout = layout_timeline(input);
    std::vector<std::pair<TimelineRecordKind, std::string>> client_lane, server_lane;
    for (const TimelineRecord& record : layout.records) {
        if (record.lane == TimelineLane::ClientCalls) client_lane.emplace_back(record.kind, record.label);
        if (record.lane == TimelineLane::ServerCalls) server_lane.emplace_back(record.kind, record.label);
    }
    ASSERT_EQ(client_lane.size(), 3u);
    EXPECT_EQ(client_lane[0].first, TimelineRecordKind::Call);
    EXPECT_EQ(client_lane[1], std::make_pair(TimelineRecordKind::Output, std::string("» echo: hello")));
    EXPECT_EQ(client_lane[2].first, TimelineRecordKind::Call);
    ASSERT_EQ(server_lane.size(), 1u);
    EXPECT_EQ(server_lane[0], std::make_pair(TimelineRecordKind::Output, std::string("» done")));

    input.cursor_ns = kStart + 2'200'000;
    size_t outputs = 0;
    for (const TimelineRecord& record : layout_timeline(input).records)
        outputs += record.kind == TimelineRecordKind::Output;
    EXPECT_EQ(outputs, 1u);
}

}  // namespace
}  // namespace tcplab
