// The ladder diagram's layout without a window: arrows between the lanes,
// their labels, states and calls beside the lanes, the cursor, selection, idle
// gaps, receive times, and a real recorded handshake and teardown.
#include "lab/layout/ladder_layout.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "capture/transition_merger.hpp"
#include "frame_builder.hpp"
#include "recordings.hpp"

namespace tcplab {
namespace {

using namespace tcp_flag;

constexpr int64_t kStart = 1'700'000'000'000'000'000;  // a realistic CLOCK_REALTIME
constexpr float kCharWidth = 7.0f;
constexpr uint32_t kClientIsn = 1000;
constexpr uint32_t kServerIsn = 5000;

const Endpoint kClient{IpAddress::v4(10, 0, 0, 1), 40000};
const Endpoint kServer{IpAddress::v4(10, 0, 0, 2), 5000};

void add(Trace& trace, int64_t time_ns, const test::TcpFrame& frame) {
    const auto bytes = test::ethernet_ipv4_tcp(frame);
    trace.add_packet(
        Trace::capture(kStart + time_ns, 0, LinkType::Ethernet, static_cast<uint32_t>(bytes.size()), bytes));
}

// Handshake, five bytes of data and its ACK, then the client closes: 9 segments, 10 µs apart.
void add_conversation(Trace& trace) {
    add(trace, 0, {kClient, kServer, Syn, kClientIsn, 0});
    add(trace, 10'000, {kServer, kClient, Syn | Ack, kServerIsn, kClientIsn + 1});
    add(trace, 20'000, {kClient, kServer, Ack, kClientIsn + 1, kServerIsn + 1});
    add(trace, 30'000, {kClient, kServer, Psh | Ack, kClientIsn + 1, kServerIsn + 1, 65535, "hello"});
    add(trace, 40'000, {kServer, kClient, Ack, kServerIsn + 1, kClientIsn + 6});
    add(trace, 50'000, {kClient, kServer, Fin | Ack, kClientIsn + 6, kServerIsn + 1});
    add(trace, 60'000, {kServer, kClient, Ack, kServerIsn + 1, kClientIsn + 7});
    add(trace, 70'000, {kServer, kClient, Fin | Ack, kServerIsn + 1, kClientIsn + 7});
    add(trace, 80'000, {kClient, kServer, Ack, kClientIsn + 7, kServerIsn + 2});
}

struct Fixture {
    Trace trace;
    std::vector<StateEvent> transitions;

    void merge() { transitions = observed_transitions(trace); }
};

LadderInput input_for(const Fixture& fixture) {
    LadderInput input{.trace = fixture.trace, .transitions = fixture.transitions};
    input.width = 800;
    input.colours.for_flags = [](uint8_t flags, uint32_t length) { return 1000u + flags + (length > 0 ? 500u : 0u); };
    input.colours.kernel_state = 2;
    input.colours.inferred_state = 3;
    input.colours.client = 4;
    input.colours.server = 5;
    input.colours.gap = 6;
    input.text_width = [](std::string_view text) { return kCharWidth * static_cast<float>(text.size()); };
    input.inferred_mark = "(inferred)";
    return input;
}

std::vector<LadderRecord> of_kind(const LadderLayout& layout, LadderRecordKind kind) {
    std::vector<LadderRecord> records;
    for (const LadderRecord& record : layout.records)
        if (record.kind == kind) records.push_back(record);
    return records;
}

std::vector<std::string> texts(const std::vector<LadderRecord>& records) {
    std::vector<std::string> result;
    for (const LadderRecord& record : records) result.push_back(record.text);
    return result;
}

CallEvent call(int64_t time_ns, Actor actor, std::string name) {
    CallEvent event;
    event.time_ns = kStart + time_ns;
    event.return_ns = kStart + time_ns + 1000;
    event.actor = actor;
    event.call = std::move(name);
    return event;
}

StateEvent state(int64_t time_ns, Endpoint local, Endpoint remote, TcpState from, TcpState to,
                 StateSource source = StateSource::Tracepoint) {
    return StateEvent{
        .time_ns = kStart + time_ns, .local = local, .remote = remote, .from = from, .to = to, .source = source};
}

TEST(LadderLayout, ArrowsRunFromTheSendersLaneToTheReceiversLaneDownTheLadder) {
    Fixture fixture;
    add_conversation(fixture.trace);
    const LadderInput input = input_for(fixture);
    const LadderLayout layout = layout_ladder(input);
    const auto arrows = of_kind(layout, LadderRecordKind::Arrow);
    ASSERT_EQ(arrows.size(), 9u);
    EXPECT_LT(layout.client_x, layout.server_x);
    EXPECT_GE(layout.client_x, 0.0f);
    EXPECT_LE(layout.server_x, input.width);
    const bool from_server[] = {false, true, false, false, true, false, true, true, false};
    for (size_t index = 0; index < arrows.size(); ++index) {
        SCOPED_TRACE(index);
        const LadderRecord& arrow = arrows[index];
        EXPECT_EQ(arrow.index, index);
        EXPECT_EQ(arrow.actor, from_server[index] ? Actor::Server : Actor::Client);
        EXPECT_FLOAT_EQ(arrow.x0, from_server[index] ? layout.server_x : layout.client_x);
        EXPECT_FLOAT_EQ(arrow.x1, from_server[index] ? layout.client_x : layout.server_x);
        // Sent and received at once on loopback: the fixed slant, pointing down.
        EXPECT_FLOAT_EQ(arrow.y1 - arrow.y0, input.slant);
        EXPECT_EQ(arrow.receive_ns, arrow.time_ns);
        EXPECT_FALSE(arrow.in_flight);
        // The label sits above the arrow, centred between the lanes.
        EXPECT_LT(arrow.label_y1, arrow.y0);
        EXPECT_NEAR((arrow.label_x0 + arrow.label_x1) * 0.5f, (layout.client_x + layout.server_x) * 0.5f, 0.01f);
        EXPECT_EQ(arrow.colour, 1000u + fixture.trace.packets()[index].flags +
                                    (fixture.trace.packets()[index].payload_length > 0 ? 500u : 0u));
        if (index > 0) {
            // Later in time is lower, and no label climbs onto the arrow above.
            EXPECT_GT(arrow.y0, arrows[index - 1].y0);
            EXPECT_GT(arrow.label_y0, arrows[index - 1].y1);
        }
        EXPECT_LE(arrow.y1, layout.height);
    }
}

TEST(LadderLayout, LabelsSayFlagsAndRelativeOrAbsoluteNumbers) {
    Fixture fixture;
    add_conversation(fixture.trace);
    LadderInput input = input_for(fixture);
    const std::vector<std::string> relative = {
        "SYN seq=0",       "SYN, ACK seq=0 ack=1", "ACK seq=1 ack=1", "PSH, ACK seq=1 ack=1 len=5",
        "ACK seq=1 ack=6", "FIN, ACK seq=6 ack=1", "ACK seq=1 ack=7", "FIN, ACK seq=1 ack=7",
        "ACK seq=7 ack=2"};
    EXPECT_EQ(texts(of_kind(layout_ladder(input), LadderRecordKind::Arrow)), relative);

    input.relative_numbers = false;
    const auto absolute = texts(of_kind(layout_ladder(input), LadderRecordKind::Arrow));
    ASSERT_EQ(absolute.size(), 9u);
    EXPECT_EQ(absolute[0], "SYN seq=1000");
    EXPECT_EQ(absolute[1], "SYN, ACK seq=5000 ack=1001");
    EXPECT_EQ(absolute[3], "PSH, ACK seq=1001 ack=5001 len=5");
    EXPECT_EQ(absolute[8], "ACK seq=1007 ack=5002");
}

TEST(LadderLayout, RstAndUnusualFlagsStillReadWell) {
    Fixture fixture;
    add(fixture.trace, 0, {kClient, kServer, Syn, kClientIsn, 0});
    add(fixture.trace, 10, {kServer, kClient, Rst | Ack, 0, kClientIsn + 1});
    add(fixture.trace, 20, {kClient, kServer, Syn | Ece | Cwr, kClientIsn, 0});
    const auto labels = texts(of_kind(layout_ladder(input_for(fixture)), LadderRecordKind::Arrow));
    ASSERT_EQ(labels.size(), 3u);
    EXPECT_EQ(labels[1].rfind("RST, ACK seq=", 0), 0u) << labels[1];
    EXPECT_EQ(labels[2], "SYN, ECE, CWR seq=0 (retransmission)");
}

TEST(LadderLayout, StatesSitInsideTheirEndsLaneAndCallsOutside) {
    Fixture fixture;
    const Endpoint wildcard{};
    fixture.trace.assign_actor(kServer, Actor::Server);
    fixture.trace.assign_actor(kClient, Actor::Client);
    fixture.trace.add_call(call(-5000, Actor::Server, "listen"));
    fixture.trace.add_state(state(-4000, kServer, wildcard, TcpState::Closed, TcpState::Listen));
    fixture.trace.add_call(call(-2000, Actor::Client, "connect"));
    fixture.trace.add_state(state(-1000, kClient, kServer, TcpState::Closed, TcpState::SynSent));
    add_conversation(fixture.trace);
    fixture.trace.add_state(state(15'000, kClient, kServer, TcpState::SynSent, TcpState::Established));
    fixture.trace.add_state(state(25'000, kServer, kClient, TcpState::SynReceived, TcpState::Established));
    fixture.merge();
    const LadderInput input = input_for(fixture);
    const LadderLayout layout = layout_ladder(input);

    const auto states = of_kind(layout, LadderRecordKind::StateLabel);
    ASSERT_EQ(states.size(), 4u);
    EXPECT_EQ(texts(states), (std::vector<std::string>{"LISTEN", "SYN_SENT", "ESTABLISHED", "ESTABLISHED"}));
    for (const LadderRecord& label : states) {
        SCOPED_TRACE(label.text);
        EXPECT_FALSE(label.inferred);
        EXPECT_EQ(label.colour, 2u);
        EXPECT_FLOAT_EQ(label.x1 - label.x0, kCharWidth * static_cast<float>(label.text.size()));
        if (label.actor == Actor::Client) {
            // Just right of the client's lane, between the lanes.
            EXPECT_FLOAT_EQ(label.x0, layout.client_x + input.label_padding);
        } else {
            ASSERT_EQ(label.actor, Actor::Server);
            EXPECT_FLOAT_EQ(label.x1, layout.server_x - input.label_padding);
        }
    }
    EXPECT_EQ(states[0].actor, Actor::Server);
    EXPECT_EQ(states[1].actor, Actor::Client);
    EXPECT_EQ(states[2].actor, Actor::Client);
    EXPECT_EQ(states[3].actor, Actor::Server);

    const auto calls = of_kind(layout, LadderRecordKind::CallLabel);
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_EQ(calls[0].text, "listen()");
    EXPECT_FLOAT_EQ(calls[0].x0, layout.server_x + input.label_padding);  // right of the server's lane
    EXPECT_EQ(calls[0].colour, 5u);
    EXPECT_EQ(calls[1].text, "connect()");
    EXPECT_FLOAT_EQ(calls[1].x1, layout.client_x - input.label_padding);  // left of the client's lane
    EXPECT_GE(calls[1].x0, 0.0f);
    EXPECT_EQ(calls[1].colour, 4u);

    // Everything in time order, one row each: SYN_SENT above the SYN, the
    // client's ESTABLISHED between the SYN-ACK and the ACK.
    for (size_t index = 1; index < layout.records.size(); ++index)
        EXPECT_GE(layout.records[index].time_ns, layout.records[index - 1].time_ns);
    const auto arrows = of_kind(layout, LadderRecordKind::Arrow);
    EXPECT_LT(states[1].y1, arrows[0].label_y0);
    EXPECT_GT(states[2].y0, arrows[1].y1);
    EXPECT_LT(states[2].y1, arrows[2].label_y0);
}

TEST(LadderLayout, InferredStatesAreMarkedAndDim) {
    Fixture fixture;
    add_conversation(fixture.trace);
    fixture.trace.flush_inferred();
    fixture.merge();
    const auto states = of_kind(layout_ladder(input_for(fixture)), LadderRecordKind::StateLabel);
    ASSERT_GE(states.size(), 4u);
    for (const LadderRecord& label : states) {
        SCOPED_TRACE(label.text);
        EXPECT_TRUE(label.inferred);
        EXPECT_EQ(label.source, StateSource::Inferred);
        EXPECT_EQ(label.colour, 3u);
        EXPECT_NE(label.text.find(" (inferred)"), std::string::npos);
    }
    EXPECT_EQ(states.front().text, "SYN_SENT (inferred)");
}

TEST(LadderLayout, CursorHidesLaterEvents) {
    Fixture fixture;
    add_conversation(fixture.trace);
    fixture.trace.add_call(call(25'000, Actor::Client, "send"));
    LadderInput input = input_for(fixture);
    input.cursor_ns = kStart + 20'000;  // the third segment, exactly
    const LadderLayout early = layout_ladder(input);
    EXPECT_EQ(of_kind(early, LadderRecordKind::Arrow).size(), 3u);
    EXPECT_TRUE(of_kind(early, LadderRecordKind::CallLabel).empty());
    EXPECT_EQ(early.visible_events, 3u);
    for (const LadderRecord& record : early.records) EXPECT_LE(record.time_ns, input.cursor_ns);

    input.cursor_ns = kStart + 25'000;
    EXPECT_EQ(of_kind(layout_ladder(input), LadderRecordKind::CallLabel).size(), 1u);
    input.cursor_ns = kStart - 1;
    EXPECT_TRUE(layout_ladder(input).records.empty());
    input.cursor_ns = 0;  // everything
    const LadderLayout all = layout_ladder(input);
    EXPECT_EQ(of_kind(all, LadderRecordKind::Arrow).size(), 9u);
    EXPECT_GT(all.height, early.height);
}

TEST(LadderLayout, SelectionAndHoverAreFlaggedAndArrowsCanBeHit) {
    Fixture fixture;
    add_conversation(fixture.trace);
    LadderInput input = input_for(fixture);
    input.selected_packet = 3;
    input.hovered_packet = 5;
    const LadderLayout layout = layout_ladder(input);
    const auto arrows = of_kind(layout, LadderRecordKind::Arrow);
    for (const LadderRecord& arrow : arrows) {
        EXPECT_EQ(arrow.selected, arrow.index == 3);
        EXPECT_EQ(arrow.hovered, arrow.index == 5);
    }
    // On the line half-way across, on the label, and in empty space.
    const LadderRecord& data = arrows[3];
    const auto on_line = ladder_arrow_at(layout, (data.x0 + data.x1) * 0.5f, (data.y0 + data.y1) * 0.5f + 2.0f, 4.0f);
    ASSERT_TRUE(on_line);
    EXPECT_EQ(layout.records[*on_line].index, 3u);
    const auto on_label = ladder_arrow_at(layout, data.label_x0 + 1.0f, data.label_y0 + 1.0f, 4.0f);
    ASSERT_TRUE(on_label);
    EXPECT_EQ(layout.records[*on_label].index, 3u);
    EXPECT_FALSE(ladder_arrow_at(layout, input.width - 1.0f, data.y0 - 6.0f, 4.0f));
    EXPECT_FALSE(ladder_arrow_at(layout, 10.0f, layout.height + 50.0f, 4.0f));
}

TEST(LadderLayout, LongPausesBecomeShortGapsThatSayHowLong) {
    Fixture fixture;
    add(fixture.trace, 0, {kClient, kServer, Syn, kClientIsn, 0});
    add(fixture.trace, 10'000, {kServer, kClient, Syn | Ack, kServerIsn, kClientIsn + 1});
    add(fixture.trace, 3'000'010'000, {kClient, kServer, Ack, kClientIsn + 1, kServerIsn + 1});
    const LadderInput input = input_for(fixture);
    const LadderLayout layout = layout_ladder(input);
    const auto gaps = of_kind(layout, LadderRecordKind::Gap);
    ASSERT_EQ(gaps.size(), 1u);
    EXPECT_EQ(gaps[0].text, "3.00 s");
    const auto arrows = of_kind(layout, LadderRecordKind::Arrow);
    ASSERT_EQ(arrows.size(), 3u);
    // The gap lies between the SYN-ACK and the ACK, and three seconds cost only its height.
    EXPECT_GT(gaps[0].y0, arrows[1].y1);
    EXPECT_LT(gaps[0].y1, arrows[2].label_y0);
    const float row = arrows[1].y0 - arrows[0].y0;
    EXPECT_GT(arrows[2].y0 - arrows[1].y0, row + input.gap_height * 0.5f);
    EXPECT_LE(arrows[2].y0 - arrows[1].y0, row + input.gap_height + input.line_height);
}

TEST(LadderLayout, AReceiveTimeMakesTheArrowEndWhenTheReceiverTookItIn) {
    // With a capture point at each end, a segment arrives later than it left.
    Fixture fixture;
    add(fixture.trace, 0, {kClient, kServer, Syn, kClientIsn, 0});
    add(fixture.trace, 1'000, {kClient, kServer, Ack, kClientIsn + 1, 0});  // sent while the SYN is on the wire
    add(fixture.trace, 5'000, {kServer, kClient, Syn | Ack, kServerIsn, kClientIsn + 1});
    LadderInput input = input_for(fixture);
    input.receive_time_ns = [](size_t index) -> std::optional<int64_t> {
        if (index == 0) return kStart + 3'000;  // the SYN takes 3 µs
        return std::nullopt;
    };
    const LadderLayout layout = layout_ladder(input);
    const auto arrows = of_kind(layout, LadderRecordKind::Arrow);
    ASSERT_EQ(arrows.size(), 3u);
    EXPECT_EQ(arrows[0].receive_ns, kStart + 3'000);
    // The SYN ends below the row of the segment sent after it and above the SYN-ACK.
    EXPECT_GT(arrows[0].y1, arrows[1].y0);
    EXPECT_LT(arrows[0].y1, arrows[2].y0);
    EXPECT_FLOAT_EQ(arrows[1].y1 - arrows[1].y0, input.slant);

    // Before it arrives it is in flight: half-way, no head.
    input.cursor_ns = kStart + 2'000;
    const auto early = of_kind(layout_ladder(input), LadderRecordKind::Arrow);
    ASSERT_EQ(early.size(), 2u);
    EXPECT_TRUE(early[0].in_flight);
    EXPECT_LT(early[0].x1, early[1].x1);
    EXPECT_FALSE(early[1].in_flight);
}

TEST(LadderLayout, ANarrowCanvasStillKeepsTheLanesApart) {
    Fixture fixture;
    fixture.trace.add_call(call(-10, Actor::Client, "a_very_long_socket_call_name_indeed"));
    add_conversation(fixture.trace);
    LadderInput input = input_for(fixture);
    input.width = 300;
    const LadderLayout layout = layout_ladder(input);
    EXPECT_GE(layout.server_x - layout.client_x, input.width * 0.4f - 0.01f);
}

// In front of a class the ladder is fitted to its panel, never scrolled.
// Every record of a fitted layout lies whole inside the panel.
void expect_inside(const LadderLayout& layout, float panel_height) {
    for (const LadderRecord& record : layout.records) {
        SCOPED_TRACE(record.text);
        EXPECT_GE(std::min(record.y0, record.y1), 0.0f);
        EXPECT_LE(std::max(record.y0, record.y1), panel_height);
        if (record.kind == LadderRecordKind::Arrow) {
            EXPECT_GE(record.label_y0, 0.0f);
            EXPECT_LE(record.label_y1, panel_height);
        }
    }
}

// The distance between two arrows of the scrolling ladder.
float row_spacing(const LadderInput& input) {
    const auto arrows = of_kind(layout_ladder(input), LadderRecordKind::Arrow);
    return arrows[1].y0 - arrows[0].y0;
}

TEST(LadderFit, AShortRunIsShownWholeWithItsRowsSpreadToFillThePanel) {
    Fixture fixture;
    add_conversation(fixture.trace);
    const LadderInput input = input_for(fixture);
    const LadderLayout plain = layout_ladder(input);
    const float panel = plain.height * 1.6f;
    const LadderLayout fitted = layout_fitted_ladder(input, {.panel_height = panel});
    expect_inside(fitted, panel);
    const auto arrows = of_kind(fitted, LadderRecordKind::Arrow);
    ASSERT_EQ(arrows.size(), 9u);
    const auto plain_arrows = of_kind(plain, LadderRecordKind::Arrow);
    // Farther apart than in the scrolling ladder, and the last arrow in the panel's lower part.
    EXPECT_GT(arrows[1].y0 - arrows[0].y0, (plain_arrows[1].y0 - plain_arrows[0].y0) * 1.3f);
    EXPECT_GT(arrows.back().y1, panel * 0.75f);
    // Never farther apart than the request allows.
    const LadderLayout huge = layout_fitted_ladder(input, {.panel_height = plain.height * 10});
    const auto spread = of_kind(huge, LadderRecordKind::Arrow);
    EXPECT_LE(spread[1].y0 - spread[0].y0, (plain_arrows[1].y0 - plain_arrows[0].y0) * 2.0f * 1.001f);
}

TEST(LadderFit, ALongRunShowsTheStepDiscussedWithWhatCameBeforeAbove) {
    Fixture fixture;
    add_conversation(fixture.trace);
    const LadderInput input = input_for(fixture);
    const float row = row_spacing(input);
    // Room for about four rows; the step discussed began with the FIN (the sixth segment).
    const float panel = row * 4.2f;
    const LadderLayout fitted = layout_fitted_ladder(input, {.panel_height = panel, .focus_from_ns = kStart + 50'000});
    expect_inside(fitted, panel);
    const auto shown = texts(of_kind(fitted, LadderRecordKind::Arrow));
    // The step's four segments, whole, and the one before them as far as it fits: the newest last.
    ASSERT_GE(shown.size(), 4u);
    EXPECT_EQ(shown.back(), "ACK seq=7 ack=2");
    EXPECT_NE(std::find(shown.begin(), shown.end(), "FIN, ACK seq=6 ack=1"), shown.end());
    EXPECT_EQ(std::find(shown.begin(), shown.end(), "SYN seq=0"), shown.end());
}

TEST(LadderFit, AStepTallerThanThePanelShowsItsBeginningSmallerButNotBelowTheSmallestSize) {
    Fixture fixture;
    add_conversation(fixture.trace);
    const LadderInput input = input_for(fixture);
    const float row = row_spacing(input);
    const float panel = row * 3.0f;
    const LadderFitRequest request{.panel_height = panel, .focus_from_ns = kStart, .smallest_text_scale = 0.7f};
    const LadderFit fit = fit_ladder(input, ladder_rows(input), request);
    EXPECT_FLOAT_EQ(fit.text_scale, 0.7f);
    const LadderLayout fitted = layout_fitted_ladder(input, request);
    expect_inside(fitted, panel);
    const auto shown = texts(of_kind(fitted, LadderRecordKind::Arrow));
    ASSERT_FALSE(shown.empty());
    EXPECT_EQ(shown.front(), "SYN seq=0");  // from the step's first event on
    EXPECT_LT(shown.size(), 9u);
    // A step that fits when drawn a little smaller is drawn just that much smaller, and whole.
    const LadderFitRequest roomier{.panel_height = row * 8.0f, .focus_from_ns = kStart, .smallest_text_scale = 0.5f};
    const LadderFit smaller = fit_ladder(input, ladder_rows(input), roomier);
    EXPECT_LT(smaller.text_scale, 1.0f);
    EXPECT_GT(smaller.text_scale, 0.5f);
    const LadderLayout whole = layout_fitted_ladder(input, roomier);
    expect_inside(whole, row * 8.0f);
    EXPECT_EQ(of_kind(whole, LadderRecordKind::Arrow).size(), 9u);
}

TEST(LadderFit, AStepTooTallEvenSmallerStartsAtItsFirstSegment) {
    Fixture fixture;
    fixture.trace.add_call(call(-20, Actor::Client, "socket"));
    fixture.trace.add_call(call(-10, Actor::Client, "connect"));
    add_conversation(fixture.trace);
    const LadderInput input = input_for(fixture);
    const float panel = row_spacing(input) * 3.0f;
    const LadderLayout fitted =
        layout_fitted_ladder(input, {.panel_height = panel, .focus_from_ns = kStart - 20, .smallest_text_scale = 0.9f});
    expect_inside(fitted, panel);
    EXPECT_TRUE(of_kind(fitted, LadderRecordKind::CallLabel).empty());
    const auto shown = texts(of_kind(fitted, LadderRecordKind::Arrow));
    ASSERT_FALSE(shown.empty());
    EXPECT_EQ(shown.front(), "SYN seq=0");
}

// On a slow wire a segment arrives many rows below where it left: when the
// panel ends first, the arrow keeps its start and label and runs to the
// panel's edge without a head, instead of leaving the step's picture empty.
TEST(LadderFit, ASegmentReceivedBelowThePanelRunsToItsEdge) {
    Fixture fixture;
    add(fixture.trace, 0, {kClient, kServer, Syn, kClientIsn, 0});
    for (int64_t call_at = 1'000; call_at <= 6'000; call_at += 1'000)
        fixture.trace.add_call(call(call_at, Actor::Client, "socket"));
    add(fixture.trace, 9'000, {kServer, kClient, Syn | Ack, kServerIsn, kClientIsn + 1});
    LadderInput input = input_for(fixture);
    input.receive_time_ns = [](size_t index) -> std::optional<int64_t> {
        if (index == 0) return kStart + 8'000;  // the SYN arrives below the six calls
        return std::nullopt;
    };
    // A panel that ends about half-way down the SYN's flight in the scrolling ladder.
    const float panel = of_kind(layout_ladder(input), LadderRecordKind::Arrow).front().y1 * 0.6f;
    const LadderLayout fitted = layout_fitted_ladder(input, {.panel_height = panel, .focus_from_ns = kStart});
    expect_inside(fitted, panel);
    const auto arrows = of_kind(fitted, LadderRecordKind::Arrow);
    ASSERT_FALSE(arrows.empty());  // the SYN first; the SYN-ACK below it whole, as far as it fits
    EXPECT_EQ(arrows[0].text, "SYN seq=0");
    EXPECT_TRUE(arrows[0].cut_at_bottom);
    EXPECT_GT(arrows[0].y1, panel * 0.9f);
    EXPECT_GT(arrows[0].x1, arrows[0].x0);            // towards the server,
    EXPECT_LT(arrows[0].x1, fitted.server_x - 1.0f);  // not all the way
    // Whole in the scrolling ladder: a head where it arrives.
    for (const LadderRecord& arrow : of_kind(layout_ladder(input), LadderRecordKind::Arrow))
        EXPECT_FALSE(arrow.cut_at_bottom);
}

// The wheel moves a class's ladder by whole rows: up to the run's start, down
// to where its last row reaches the bottom, and no further either way.
TEST(LadderFit, TheWheelMovesTheFittedPictureByRowsWithinTheRun) {
    Fixture fixture;
    add_conversation(fixture.trace);
    const LadderInput input = input_for(fixture);
    const float panel = row_spacing(input) * 4.2f;
    const LadderRows rows = ladder_rows(input);
    const LadderFit newest = fit_ladder(input, rows, {.panel_height = panel});  // the end of the run
    const auto arrows_at = [&](const LadderFit& fit) {
        const LadderLayout layout = layout_fitted_ladder(input, rows, fit, panel);
        expect_inside(layout, panel);
        return texts(of_kind(layout, LadderRecordKind::Arrow));
    };
    ASSERT_EQ(arrows_at(newest).back(), "ACK seq=7 ack=2");

    const ScrolledFit up = scrolled_fit(input, rows, newest, panel, -2);
    EXPECT_EQ(up.rows_down, -2);
    EXPECT_LT(up.fit.top, newest.top);
    EXPECT_NE(arrows_at(up.fit).back(), "ACK seq=7 ack=2");

    const ScrolledFit start = scrolled_fit(input, rows, newest, panel, -1000);
    EXPECT_GT(start.rows_down, -1000);
    EXPECT_EQ(start.fit.top, 0.0f);
    EXPECT_EQ(arrows_at(start.fit).front(), "SYN seq=0");

    const ScrolledFit past_the_end = scrolled_fit(input, rows, newest, panel, 5);
    EXPECT_EQ(past_the_end.rows_down, 0);
    EXPECT_EQ(past_the_end.fit.top, newest.top);
    const ScrolledFit back_down = scrolled_fit(input, rows, start.fit, panel, 1000);
    EXPECT_EQ(arrows_at(back_down.fit).back(), "ACK seq=7 ack=2");
}

TEST(LadderFit, WhileAStepRunsTheNewestEventsAreShownAndNoLabelIsCut) {
    Fixture fixture;
    add_conversation(fixture.trace);
    fixture.merge();
    const LadderInput input = input_for(fixture);
    for (const float panel : {90.0f, 133.0f, 171.0f, 250.0f}) {
        SCOPED_TRACE(panel);
        const LadderLayout fitted = layout_fitted_ladder(input, {.panel_height = panel});
        expect_inside(fitted, panel);
        const auto shown = texts(of_kind(fitted, LadderRecordKind::Arrow));
        ASSERT_FALSE(shown.empty());
        EXPECT_EQ(shown.back(), "ACK seq=7 ack=2");
    }
}

// A real run: the handshake's and the teardown's segments in order, and the
// client's last state TIME_WAIT (from the socket dump).
TEST(LadderLayout, RecordedHandshakeAndTeardownDrawTheTextbookLadder) {
    const Trace& trace = test::recorded_trace("teardown");
    const std::vector<StateEvent> transitions = observed_transitions(trace);
    LadderInput input{.trace = trace, .transitions = transitions};
    input.width = 900;
    input.text_width = [](std::string_view text) { return kCharWidth * static_cast<float>(text.size()); };
    const LadderLayout layout = layout_ladder(input);
    const auto arrows = of_kind(layout, LadderRecordKind::Arrow);
    const std::vector<std::pair<Actor, std::string>> expected = {
        {Actor::Client, "SYN seq=0"},       {Actor::Server, "SYN, ACK seq=0 ack=1"},
        {Actor::Client, "ACK seq=1 ack=1"}, {Actor::Client, "FIN, ACK seq=1 ack=1"},
        {Actor::Server, "ACK seq=1 ack=2"}, {Actor::Server, "FIN, ACK seq=1 ack=2"},
        {Actor::Client, "ACK seq=2 ack=2"},
    };
    ASSERT_EQ(arrows.size(), expected.size()) << testing::PrintToString(texts(arrows));
    for (size_t index = 0; index < expected.size(); ++index) {
        SCOPED_TRACE(index);
        EXPECT_EQ(arrows[index].actor, expected[index].first);
        EXPECT_EQ(arrows[index].text, expected[index].second);
        EXPECT_FLOAT_EQ(arrows[index].x0, expected[index].first == Actor::Client ? layout.client_x : layout.server_x);
        if (index > 0) {
            EXPECT_GT(arrows[index].y0, arrows[index - 1].y0);
        }
    }
    // The steps were paused between, so the ladder says so with gaps.
    EXPECT_FALSE(of_kind(layout, LadderRecordKind::Gap).empty());

    std::vector<LadderRecord> client_states;
    for (const LadderRecord& label : of_kind(layout, LadderRecordKind::StateLabel))
        if (label.actor == Actor::Client) client_states.push_back(label);
    ASSERT_FALSE(client_states.empty());
    EXPECT_EQ(client_states.back().text, "TIME_WAIT");
    EXPECT_FALSE(client_states.back().inferred);
    EXPECT_GT(client_states.back().y0, arrows.back().y0);
    const auto names = texts(client_states);
    for (const char* name : {"SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2"})
        EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;

    const auto calls = texts(of_kind(layout, LadderRecordKind::CallLabel));
    EXPECT_NE(std::find(calls.begin(), calls.end(), "connect()"), calls.end());
    EXPECT_NE(std::find(calls.begin(), calls.end(), "close()"), calls.end());
}

// The lanes are named after the lesson's client and server, not after the
// first spoofed source of a flood that came before the client connected.
TEST(LaneConnection, TheFirstConnectionNoSpoofedSourceOpened) {
    Trace trace;
    trace.describe_capture_point(0, {kClient.address, "client wire0"});
    trace.describe_capture_point(1, {kServer.address, "server wire0"});
    LaneConnection lanes;
    EXPECT_EQ(lanes.find(trace), nullptr);
    const Endpoint spoofed{IpAddress::v4(198, 18, 1, 40), 9823};
    add(trace, 0, {spoofed, kServer, Syn, 77, 0});
    // Only spoofed connections so far: the first one names the lanes.
    ASSERT_NE(lanes.find(trace), nullptr);
    EXPECT_EQ(lanes.find(trace)->client, spoofed);
    add(trace, 10'000, {kClient, kServer, Syn, kClientIsn, 0});
    add(trace, 20'000, {Endpoint{IpAddress::v4(198, 18, 1, 41), 9824}, kServer, Syn, 78, 0});
    ASSERT_NE(lanes.find(trace), nullptr);
    EXPECT_EQ(lanes.find(trace)->client, kClient);
    EXPECT_EQ(lanes.find(trace)->server, kServer);

    EXPECT_FALSE(lanes.client_port_varies());
    EXPECT_FALSE(lanes.server_port_varies());

    // The client connects again from another port, and to another port of
    // the server: one port no longer names every arrow. Connections between
    // other hosts do not count.
    add(trace, 30'000,
        {Endpoint{IpAddress::v4(198, 18, 0, 9), static_cast<uint16_t>(kClient.port + 1)}, kServer, Syn, 79, 0});
    add(trace, 40'000, {kClient, Endpoint{IpAddress::v4(198, 18, 0, 8), 7}, Syn, 80, 0});
    ASSERT_NE(lanes.find(trace), nullptr);
    EXPECT_FALSE(lanes.client_port_varies());
    EXPECT_FALSE(lanes.server_port_varies());
    add(trace, 50'000, {Endpoint{kClient.address, static_cast<uint16_t>(kClient.port + 3)}, kServer, Syn, 81, 0});
    ASSERT_NE(lanes.find(trace), nullptr);
    EXPECT_EQ(lanes.find(trace)->client, kClient);
    EXPECT_TRUE(lanes.client_port_varies());
    EXPECT_FALSE(lanes.server_port_varies());
    add(trace, 60'000, {kClient, Endpoint{kServer.address, static_cast<uint16_t>(kServer.port + 1)}, Syn, 82, 0});
    ASSERT_NE(lanes.find(trace), nullptr);
    EXPECT_EQ(lanes.find(trace)->server, kServer);
    EXPECT_TRUE(lanes.server_port_varies());

    // Seen from loopback nobody is spoofed: the first connection.
    Trace loopback;
    add(loopback, 0, {spoofed, kServer, Syn, 77, 0});
    add(loopback, 10'000, {kClient, kServer, Syn, kClientIsn, 0});
    LaneConnection other;
    EXPECT_EQ(other.find(loopback)->client, spoofed);
}

}  // namespace
}  // namespace tcplab
