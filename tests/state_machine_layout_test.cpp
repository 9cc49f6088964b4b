// The TCP state machine's layout without a window: the eleven boxes, the RFC's
// transitions as arrows between the right boxes, what is lit for each end,
// inferred states, and real recorded runs.
#include "lab/layout/state_machine_layout.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "capture/transition_merger.hpp"
#include "frame_builder.hpp"
#include "lab/i18n.hpp"
#include "recordings.hpp"

namespace tcplab {
namespace {

using enum TcpState;

constexpr float kEpsilon = 1e-4f;
constexpr int64_t kStart = 1'700'000'000'000'000'000;

const Endpoint kClient{IpAddress::v4(10, 0, 0, 1), 40000};
const Endpoint kServer{IpAddress::v4(10, 0, 0, 2), 5000};

// RFC 793 figure 6, plus FIN_WAIT_1 → TIME_WAIT (FIN and ACK in one segment,
// which Linux takes) and SYN_RECV → LISTEN on an RST (RFC 793, section 3.4).
const std::vector<std::pair<TcpState, TcpState>> kRfcTransitions = {
    {Closed, Listen},         {Closed, SynSent},          {Listen, Closed},        {Listen, SynSent},
    {Listen, SynReceived},    {SynSent, Closed},          {SynSent, SynReceived},  {SynSent, Established},
    {SynReceived, Listen},    {SynReceived, Established}, {SynReceived, FinWait1}, {Established, FinWait1},
    {Established, CloseWait}, {FinWait1, FinWait2},       {FinWait1, Closing},     {FinWait1, TimeWait},
    {FinWait2, TimeWait},     {Closing, TimeWait},        {CloseWait, LastAck},    {LastAck, Closed},
    {TimeWait, Closed},
};

bool on_edge(NormalizedPoint point, const NormalizedRect& rect) {
    const bool within_x = point.x >= rect.x0 - kEpsilon && point.x <= rect.x1 + kEpsilon;
    const bool within_y = point.y >= rect.y0 - kEpsilon && point.y <= rect.y1 + kEpsilon;
    const bool on_vertical = std::abs(point.x - rect.x0) < kEpsilon || std::abs(point.x - rect.x1) < kEpsilon;
    const bool on_horizontal = std::abs(point.y - rect.y0) < kEpsilon || std::abs(point.y - rect.y1) < kEpsilon;
    return (on_vertical && within_y) || (on_horizontal && within_x);
}

bool strictly_inside(NormalizedPoint point, const NormalizedRect& rect, float inset) {
    return point.x > rect.x0 + inset && point.x < rect.x1 - inset && point.y > rect.y0 + inset &&
           point.y < rect.y1 - inset;
}

const StateArrow* find_arrow(const StateMachineLayout& layout, TcpState from, TcpState to) {
    for (const StateArrow& arrow : layout.arrows)
        if (arrow.from == from && arrow.to == to) return &arrow;
    return nullptr;
}

std::string name(TcpState state) { return std::string(state_name(state)); }

StateEvent transition(TcpState from, TcpState to) {
    StateEvent event;
    event.from = from;
    event.to = to;
    return event;
}

EndsProgress at_state(std::optional<TcpState> client, std::optional<TcpState> server) {
    EndsProgress progress;
    progress.client.state = client;
    progress.client.source = StateSource::Tracepoint;
    progress.server.state = server;
    progress.server.source = StateSource::Tracepoint;
    return progress;
}

TEST(StateMachineLayout, ElevenBoxesInsideTheUnitSquareApartFromEachOther) {
    const StateMachineLayout layout = layout_state_machine({});
    ASSERT_EQ(layout.boxes.size(), static_cast<size_t>(kTcpStateCount));
    for (int index = 0; index < kTcpStateCount; ++index) {
        const StateBox& box = layout.boxes[static_cast<size_t>(index)];
        SCOPED_TRACE(name(box.state));
        EXPECT_EQ(box.state, static_cast<TcpState>(index));
        EXPECT_GE(box.rect.x0, 0.0f);
        EXPECT_GE(box.rect.y0, 0.0f);
        EXPECT_LE(box.rect.x1, 1.0f);
        EXPECT_LE(box.rect.y1, 1.0f);
        EXPECT_GT(box.rect.x1 - box.rect.x0, 0.1f);
        EXPECT_GT(box.rect.y1 - box.rect.y0, 0.03f);
        EXPECT_FALSE(box.client_current || box.server_current || box.visited || box.inferred_only);
        for (int other = index + 1; other < kTcpStateCount; ++other) {
            const NormalizedRect& a = box.rect;
            const NormalizedRect& b = layout.boxes[static_cast<size_t>(other)].rect;
            // Apart by a margin, so arrows and labels fit between them.
            const bool apart =
                a.x1 + 0.05f <= b.x0 || b.x1 + 0.05f <= a.x0 || a.y1 + 0.05f <= b.y0 || b.y1 + 0.05f <= a.y0;
            EXPECT_TRUE(apart) << "overlaps " << name(static_cast<TcpState>(other));
        }
    }
}

TEST(StateMachineLayout, TheClassicPicture) {
    auto centre = [](TcpState state) { return state_box_rect(state).centre(); };
    // CLOSED on top, then LISTEN, the two half-open states, ESTABLISHED in the centre.
    for (int index = 1; index < kTcpStateCount; ++index)
        EXPECT_LT(centre(Closed).y, centre(static_cast<TcpState>(index)).y);
    EXPECT_LT(centre(Listen).y, centre(SynReceived).y);
    EXPECT_FLOAT_EQ(centre(SynReceived).y, centre(SynSent).y);
    EXPECT_LT(centre(SynReceived).x, centre(Established).x);
    EXPECT_GT(centre(SynSent).x, centre(Established).x);
    EXPECT_NEAR(centre(Established).x, 0.5f, 0.01f);
    EXPECT_NEAR(centre(Established).y, 0.5f, 0.05f);
    // Active close down the left, passive close down the right.
    EXPECT_LT(centre(FinWait1).x, 0.3f);
    EXPECT_LT(centre(FinWait2).x, 0.3f);
    EXPECT_GT(centre(FinWait2).y, centre(FinWait1).y);
    EXPECT_GT(centre(Closing).x, centre(FinWait1).x);
    EXPECT_GT(centre(TimeWait).y, centre(Closing).y);
    EXPECT_GT(centre(CloseWait).x, 0.7f);
    EXPECT_GT(centre(LastAck).x, 0.7f);
    EXPECT_GT(centre(LastAck).y, centre(CloseWait).y);
    EXPECT_GT(centre(FinWait1).y, centre(Established).y);
}

TEST(StateMachineLayout, EveryRfcTransitionIsAnArrowBetweenTheRightBoxes) {
    const StateMachineLayout layout = layout_state_machine({});
    EXPECT_EQ(layout.arrows.size(), kRfcTransitions.size());
    const Language english = Language::load("en").value();
    const Language chinese = Language::load("zh-CN").value();
    for (const auto& [from, to] : kRfcTransitions) {
        SCOPED_TRACE(name(from) + " -> " + name(to));
        const StateArrow* arrow = find_arrow(layout, from, to);
        ASSERT_NE(arrow, nullptr);
        EXPECT_TRUE(arrow->in_rfc);
        ASSERT_GE(arrow->points.size(), 2u);
        EXPECT_TRUE(on_edge(arrow->points.front(), state_box_rect(from)));
        EXPECT_TRUE(on_edge(arrow->points.back(), state_box_rect(to)));
        // The route stays in the square and never crosses a box (its own ends included).
        for (size_t index = 0; index + 1 < arrow->points.size(); ++index) {
            const NormalizedPoint a = arrow->points[index], b = arrow->points[index + 1];
            for (int step = 0; step <= 100; ++step) {
                const float t = static_cast<float>(step) / 100.0f;
                const NormalizedPoint point{a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t};
                EXPECT_TRUE(point.x >= 0 && point.x <= 1 && point.y >= 0 && point.y <= 1);
                for (int state = 0; state < kTcpStateCount; ++state)
                    ASSERT_FALSE(strictly_inside(point, state_box_rect(static_cast<TcpState>(state)), 0.002f))
                        << "passes through " << name(static_cast<TcpState>(state));
            }
        }
        EXPECT_TRUE(arrow->label_anchor.x >= 0 && arrow->label_anchor.x <= 1);
        EXPECT_TRUE(arrow->label_anchor.y >= 0 && arrow->label_anchor.y <= 1);
        EXPECT_TRUE(english.has(arrow->label_key)) << arrow->label_key;
        EXPECT_TRUE(chinese.has(arrow->label_key)) << arrow->label_key;
        EXPECT_FALSE(arrow->client_last || arrow->server_last);
    }
    EXPECT_EQ(english.text(find_arrow(layout, Listen, SynReceived)->label_key), "rcv SYN / snd SYN,ACK");
    EXPECT_EQ(english.text(find_arrow(layout, TimeWait, Closed)->label_key), "timeout=2MSL");
}

class EachState : public testing::TestWithParam<int> {};

TEST_P(EachState, LightsTheBoxOfTheClientAndOfTheServer) {
    const auto state = static_cast<TcpState>(GetParam());
    const auto other = static_cast<TcpState>((GetParam() + 5) % kTcpStateCount);
    for (const bool client : {true, false}) {
        SCOPED_TRACE(client ? "client" : "server");
        const StateMachineLayout layout =
            layout_state_machine(client ? at_state(state, std::nullopt) : at_state(std::nullopt, state));
        for (const StateBox& box : layout.boxes) {
            EXPECT_EQ(box.client_current, client && box.state == state) << name(box.state);
            EXPECT_EQ(box.server_current, !client && box.state == state) << name(box.state);
            EXPECT_FALSE(box.client_inferred || box.server_inferred);
        }
    }
    // Both at once, in different states or in the same one.
    const StateMachineLayout both = layout_state_machine(at_state(state, other));
    EXPECT_TRUE(both.boxes[static_cast<size_t>(state)].client_current);
    EXPECT_TRUE(both.boxes[static_cast<size_t>(other)].server_current);
    EXPECT_FALSE(both.boxes[static_cast<size_t>(other)].client_current);
    const StateMachineLayout same = layout_state_machine(at_state(state, state));
    EXPECT_TRUE(same.boxes[static_cast<size_t>(state)].client_current);
    EXPECT_TRUE(same.boxes[static_cast<size_t>(state)].server_current);

    // What only packets told is marked on the lit box.
    EndsProgress inferred = at_state(state, std::nullopt);
    inferred.client.source = StateSource::Inferred;
    EXPECT_TRUE(layout_state_machine(inferred).boxes[static_cast<size_t>(state)].client_inferred);
}

INSTANTIATE_TEST_SUITE_P(StateMachineLayout, EachState, testing::Range(0, kTcpStateCount),
                         [](const testing::TestParamInfo<int>& param_info) {
                             return name(static_cast<TcpState>(param_info.param));
                         });

TEST(StateMachineLayout, TheLastTransitionOfEachEndIsHighlighted) {
    EndsProgress progress = at_state(Established, SynReceived);
    progress.client.last_transition = transition(SynSent, Established);
    progress.server.last_transition = transition(Listen, SynReceived);
    const StateMachineLayout layout = layout_state_machine(progress);
    EXPECT_EQ(layout.arrows.size(), kRfcTransitions.size());
    for (const StateArrow& arrow : layout.arrows) {
        SCOPED_TRACE(name(arrow.from) + " -> " + name(arrow.to));
        EXPECT_EQ(arrow.client_last, arrow.from == SynSent && arrow.to == Established);
        EXPECT_EQ(arrow.server_last, arrow.from == Listen && arrow.to == SynReceived);
    }
}

TEST(StateMachineLayout, ATransitionTheFigureLacksGetsAStraightArrow) {
    EndsProgress progress = at_state(Closed, std::nullopt);
    progress.client.last_transition = transition(Established, Closed);  // an RST
    const StateMachineLayout layout = layout_state_machine(progress);
    ASSERT_EQ(layout.arrows.size(), kRfcTransitions.size() + 1);
    const StateArrow& extra = layout.arrows.back();
    EXPECT_FALSE(extra.in_rfc);
    EXPECT_TRUE(extra.client_last);
    EXPECT_EQ(extra.label_key, "");
    ASSERT_EQ(extra.points.size(), 2u);
    EXPECT_TRUE(on_edge(extra.points.front(), state_box_rect(Established)));
    EXPECT_TRUE(on_edge(extra.points.back(), state_box_rect(Closed)));
}

void add(Trace& trace, int64_t time_ns, const test::TcpFrame& frame) {
    const auto bytes = test::ethernet_ipv4_tcp(frame);
    trace.add_packet(
        Trace::capture(kStart + time_ns, 0, LinkType::Ethernet, static_cast<uint32_t>(bytes.size()), bytes));
}

// The client's socket told by the tracepoint; the server's only by packets (as
// with SYN cookies, where no SYN_RECV socket exists for the kernel to report).
Trace handshake_with_inferred_server() {
    using namespace tcp_flag;
    Trace trace;
    trace.assign_actor(kClient, Actor::Client);
    trace.assign_actor(kServer, Actor::Server);
    auto kernel = [&trace](int64_t time, TcpState from, TcpState to) {
        trace.add_state(StateEvent{.time_ns = kStart + time,
                                   .local = kClient,
                                   .remote = kServer,
                                   .from = from,
                                   .to = to,
                                   .source = StateSource::Tracepoint});
    };
    kernel(-10, Closed, SynSent);
    add(trace, 0, {kClient, kServer, Syn, 1000, 0});
    add(trace, 100, {kServer, kClient, Syn | Ack, 5000, 1001});
    kernel(110, SynSent, Established);
    add(trace, 200, {kClient, kServer, Ack, 1001, 5001});
    trace.flush_inferred();
    return trace;
}

TEST(StateMachineLayout, StatesOnlyPacketsImpliedAreMarkedInferred) {
    const Trace trace = handshake_with_inferred_server();
    const std::vector<StateEvent> transitions = observed_transitions(trace);
    const EndsProgress progress = ends_progress(trace, transitions, 0);
    ASSERT_EQ(progress.client.state, Established);
    EXPECT_EQ(progress.client.source, StateSource::Tracepoint);
    ASSERT_EQ(progress.server.state, Established);
    EXPECT_EQ(progress.server.source, StateSource::Inferred);

    const StateMachineLayout layout = layout_state_machine(progress);
    const StateBox& syn_received = layout.boxes[static_cast<size_t>(SynReceived)];
    EXPECT_TRUE(syn_received.visited);
    EXPECT_TRUE(syn_received.inferred_only);
    EXPECT_FALSE(layout.boxes[static_cast<size_t>(SynSent)].inferred_only);
    const StateBox& established = layout.boxes[static_cast<size_t>(Established)];
    EXPECT_FALSE(established.inferred_only);  // the client's kernel reported it
    EXPECT_TRUE(established.server_inferred);
    EXPECT_FALSE(established.client_inferred);
    EXPECT_FALSE(layout.boxes[static_cast<size_t>(TimeWait)].visited);
    EXPECT_TRUE(find_arrow(layout, SynReceived, Established)->server_last);
    EXPECT_TRUE(find_arrow(layout, SynSent, Established)->client_last);
}

TEST(StateMachineLayout, TheCursorShowsEarlierStates) {
    const Trace trace = handshake_with_inferred_server();
    const std::vector<StateEvent> transitions = observed_transitions(trace);
    const EndsProgress before = ends_progress(trace, transitions, kStart - 100);
    EXPECT_FALSE(before.client.state);
    EXPECT_FALSE(before.server.state);
    const EndsProgress after_syn = ends_progress(trace, transitions, kStart + 50);
    EXPECT_EQ(after_syn.client.state, SynSent);
    ASSERT_TRUE(after_syn.client.last_transition);
    EXPECT_EQ(after_syn.client.last_transition->from, Closed);
    const EndsProgress after_syn_ack = ends_progress(trace, transitions, kStart + 150);
    EXPECT_EQ(after_syn_ack.client.state, Established);
}

TEST(StateMachineLayout, RecordedTeardownEndsWithTheClientInTimeWait) {
    const Trace& trace = test::recorded_trace("teardown");
    const std::vector<StateEvent> transitions = observed_transitions(trace);
    const EndsProgress progress = ends_progress(trace, transitions, 0);
    ASSERT_EQ(progress.client.state, TimeWait);
    EXPECT_NE(progress.client.source, StateSource::Inferred);
    ASSERT_TRUE(progress.client.last_transition);
    EXPECT_EQ(progress.client.last_transition->from, FinWait2);
    EXPECT_EQ(progress.server.state, Closed);
    const StateMachineLayout layout = layout_state_machine(progress);
    EXPECT_TRUE(layout.boxes[static_cast<size_t>(TimeWait)].client_current);
    EXPECT_TRUE(layout.boxes[static_cast<size_t>(Closed)].server_current);
    EXPECT_TRUE(find_arrow(layout, FinWait2, TimeWait)->client_last);
    EXPECT_TRUE(find_arrow(layout, LastAck, Closed)->server_last);
    for (const TcpState visited : {SynSent, Established, FinWait1, FinWait2, CloseWait, LastAck, Listen})
        EXPECT_TRUE(layout.boxes[static_cast<size_t>(visited)].visited) << name(visited);

    // The handshake lesson: after its connect step both ends are ESTABLISHED;
    // its last step knocks on a closed port, so the client ends SYN_SENT → CLOSED.
    const LoadedTrace& recorded = test::recording("handshake");
    const Trace& handshake = recorded.trace;
    const std::vector<StateEvent> handshake_transitions = observed_transitions(handshake);
    ASSERT_GE(recorded.steps.size(), 2u);
    const EndsProgress connected = ends_progress(handshake, handshake_transitions, recorded.steps[1].end_ns);
    EXPECT_EQ(connected.client.state, Established);
    EXPECT_EQ(connected.server.state, Established);
    const StateMachineLayout connected_layout = layout_state_machine(connected);
    EXPECT_TRUE(find_arrow(connected_layout, SynSent, Established)->client_last);
    EXPECT_TRUE(find_arrow(connected_layout, SynReceived, Established)->server_last);
    const EndsProgress refused = ends_progress(handshake, handshake_transitions, 0);
    EXPECT_EQ(refused.client.state, Closed);
    ASSERT_TRUE(refused.client.last_transition);
    EXPECT_EQ(refused.client.last_transition->from, SynSent);
}

}  // namespace
}  // namespace tcplab
