// The timeline view in a real ImGui context without a window: frames over a
// recorded handshake and teardown, with hover, click, wheel zoom, drag and
// double-click. A failed IM_ASSERT aborts the binary, so passing means no ImGui error.
#include "lab/views/timeline_view.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "imgui_harness.hpp"
#include "recordings.hpp"

namespace tcplab {
namespace {

struct Lab {
    const Trace& trace;
    Language language;
    SharedViewState shared;
    Palette palette = Palette::standard();
    TimelineView view;

    explicit Lab(const Trace& trace_to_show, const std::string& code = "en")
        : trace(trace_to_show), language(Language::load(code).value()) {}

    void draw() {
        LabContext context{trace, language, shared, palette};
        ImGui::SetNextWindowPos(ImVec2(0, 0));
        ImGui::SetNextWindowSize(ImVec2(1600, 600));
        ImGui::Begin("Timeline");
        view.draw(context);
        ImGui::End();
    }

    const TimelineRecord* packet_record(size_t packet) const {
        for (const TimelineRecord& record : view.last_layout().records)
            if (record.kind == TimelineRecordKind::Packet && record.index == packet) return &record;
        return nullptr;
    }
};

TEST(TimelineView, FitsTheHandshakeAndDrawsIt) {
    test::ImGuiHarness harness;
    Lab lab(test::recorded_trace("handshake"));
    const int vertices = harness.frames(3, [&] { lab.draw(); });
    EXPECT_GT(vertices, 500);
    TimelineState& state = lab.view.state();
    // Following the lesson shows its current step: from the last step marker to the end.
    EXPECT_TRUE(state.auto_fit);
    const int64_t last_step = lab.trace.notes().back().time_ns;
    EXPECT_LE(state.axis.begin_ns, last_step);
    EXPECT_GT(state.axis.begin_ns, lab.trace.start_ns());
    EXPECT_GE(state.axis.end_ns, trace_end_ns(lab.trace));
    EXPECT_GT(state.axis.length, 1000.0f);
    size_t in_last_step = 0;
    for (const PacketEvent& packet : lab.trace.packets()) in_last_step += packet.time_ns >= last_step;
    EXPECT_EQ(lab.view.last_layout().visible_packets, in_last_step);
    EXPECT_FALSE(lab.view.last_layout().ticks.empty());

    // Fit shows the whole run.
    state.auto_fit = false;
    state.fit_whole_run(lab.trace, 0);
    harness.frames(1, [&] { lab.draw(); });
    EXPECT_LE(state.axis.begin_ns, lab.trace.start_ns());
    EXPECT_EQ(lab.view.last_layout().visible_packets, lab.trace.packets().size());

    // An empty trace draws far less: the marks above came from the handshake.
    Trace empty;
    Lab nothing(empty);
    EXPECT_LT(harness.frames(2, [&] { nothing.draw(); }), vertices);
}

TEST(TimelineView, HoverShowsAndClickSelectsASegment) {
    test::ImGuiHarness harness;
    Lab lab(test::recorded_trace("handshake"));
    harness.frames(1, [&] { lab.draw(); });
    // Zoom to the three handshake segments so each is its own mark.
    const auto& packets = lab.trace.packets();
    lab.view.state().auto_fit = false;
    lab.view.state().axis.fit(packets[0].time_ns, packets[2].time_ns);
    harness.frames(1, [&] { lab.draw(); });
    const TimelineRecord* syn_ack = lab.packet_record(1);
    ASSERT_NE(syn_ack, nullptr);
    EXPECT_EQ(syn_ack->label, "SYN-ACK");
    const ImVec2 point = lab.view.screen_point(*syn_ack);

    harness.mouse(point.x + 1, point.y);
    harness.frames(2, [&] { lab.draw(); });
    ASSERT_TRUE(lab.shared.hovered_packet.has_value());
    EXPECT_EQ(*lab.shared.hovered_packet, 1u);
    EXPECT_FALSE(lab.shared.selected_packet.has_value());

    harness.mouse(point.x + 1, point.y, true);
    harness.frames(1, [&] { lab.draw(); });
    harness.mouse(point.x + 1, point.y, false);
    harness.frames(2, [&] { lab.draw(); });
    ASSERT_TRUE(lab.shared.selected_packet.has_value());
    EXPECT_EQ(*lab.shared.selected_packet, 1u);
    ASSERT_NE(lab.packet_record(1), nullptr);
    EXPECT_TRUE(lab.packet_record(1)->selected);
    EXPECT_FALSE(lab.packet_record(0)->selected);

    // Moving away hands the hover back.
    harness.mouse(5, 590);
    harness.frames(2, [&] { lab.draw(); });
    EXPECT_FALSE(lab.shared.hovered_packet.has_value());
    EXPECT_EQ(*lab.shared.selected_packet, 1u);
}

TEST(TimelineView, WheelZoomsDragPansDoubleClickFits) {
    test::ImGuiHarness harness;
    Lab lab(test::recorded_trace("handshake"));
    harness.frames(2, [&] { lab.draw(); });
    const TimelineRecord& any = lab.view.last_layout().records.front();
    const float y = lab.view.screen_point(any).y;
    const float x = 900;
    TimelineState& state = lab.view.state();
    state.auto_fit = false;
    state.fit_whole_run(lab.trace, 0);
    harness.frames(1, [&] { lab.draw(); });
    const double fitted = state.axis.ns_per_pixel();

    harness.mouse(x, y);
    harness.frames(1, [&] { lab.draw(); });
    ImGui::GetIO().MouseWheel = 2.0f;
    harness.frames(1, [&] { lab.draw(); });
    EXPECT_FALSE(state.auto_fit);
    EXPECT_NEAR(state.axis.ns_per_pixel(), fitted / (1.25 * 1.25), fitted * 0.01);

    // Drag right by 120 px: earlier times come into view, and nothing gets selected.
    const int64_t begin = state.axis.begin_ns;
    const double ns_per_pixel = state.axis.ns_per_pixel();
    harness.mouse(x, y, true);
    harness.frames(1, [&] { lab.draw(); });
    for (int step = 1; step <= 6; ++step) {
        harness.mouse(x + 20.0f * static_cast<float>(step), y, true);
        harness.frames(1, [&] { lab.draw(); });
    }
    harness.mouse(x + 120, y, false);
    harness.frames(1, [&] { lab.draw(); });
    EXPECT_LT(state.axis.begin_ns, begin);
    EXPECT_NEAR(static_cast<double>(begin - state.axis.begin_ns), 120 * ns_per_pixel, 30 * ns_per_pixel);
    EXPECT_FALSE(lab.shared.selected_packet.has_value());

    // Double-click fits the whole run again.
    for (const bool down : {true, false, true, false}) {
        harness.mouse(x, y, down);
        harness.frames(1, [&] { lab.draw(); });
    }
    EXPECT_FALSE(state.auto_fit);
    EXPECT_NEAR(state.axis.ns_per_pixel(), fitted, fitted * 0.01);
}

TEST(TimelineView, ClickingAFoldedMarkZoomsIntoIt) {
    test::ImGuiHarness harness;
    Lab lab(test::recorded_trace("handshake"));
    // The whole run: a step's segments, microseconds apart, fold into one mark.
    lab.view.state().auto_fit = false;
    lab.view.state().fit_whole_run(lab.trace, 0);
    harness.frames(2, [&] { lab.draw(); });
    const TimelineRecord* group = nullptr;
    for (const TimelineRecord& record : lab.view.last_layout().records)
        if (record.kind == TimelineRecordKind::PacketGroup) group = &record;
    if (!group) GTEST_SKIP() << "every segment of this run is far enough apart to be drawn alone";
    const ImVec2 point = lab.view.screen_point(*group);
    const size_t count = group->count;
    harness.mouse(point.x + 1, point.y, true);
    harness.frames(1, [&] { lab.draw(); });
    harness.mouse(point.x + 1, point.y, false);
    harness.frames(2, [&] { lab.draw(); });
    EXPECT_FALSE(lab.view.state().auto_fit);
    size_t singles = 0;
    for (const TimelineRecord& record : lab.view.last_layout().records)
        singles += record.kind == TimelineRecordKind::Packet;
    EXPECT_GE(singles, std::min<size_t>(count, 2));
}

TEST(TimelineView, TeardownWithACursorInBothLanguages) {
    const Trace& trace = test::recorded_trace("teardown");
    ASSERT_FALSE(trace.notes().empty());
    for (const std::string code : {"en", "zh-CN"}) {
        SCOPED_TRACE(code);
        test::ImGuiHarness harness;
        Lab lab(trace, code);
        // The cursor at the last step's start: later segments stay hidden.
        lab.shared.cursor_ns = trace.notes().back().time_ns;
        lab.view.state().auto_fit = false;
        lab.view.state().fit_whole_run(trace, lab.shared.cursor_ns);
        harness.frames(2, [&] { lab.draw(); });
        size_t shown = 0;
        for (const PacketEvent& packet : trace.packets()) shown += packet.time_ns <= lab.shared.cursor_ns;
        EXPECT_EQ(lab.view.last_layout().visible_packets, shown);
        EXPECT_GT(shown, 0u);
        EXPECT_LT(shown, trace.packets().size());  // the last step's segments are still to come

        lab.shared.cursor_ns = 0;
        lab.view.state().fit_whole_run(trace, 0);
        lab.shared.relative_numbers = false;
        lab.shared.presentation = true;
        const int vertices = harness.frames(2, [&] { lab.draw(); });
        EXPECT_GT(vertices, 500);
        EXPECT_EQ(lab.view.last_layout().visible_packets, trace.packets().size());
        // Hide every lane but the wire: no calls or states are laid out.
        for (size_t lane = 0; lane < kTimelineLaneCount; ++lane)
            lab.view.state().show_lane[lane] = lane == static_cast<size_t>(TimelineLane::Wire);
        harness.frames(1, [&] { lab.draw(); });
        for (const TimelineRecord& record : lab.view.last_layout().records)
            EXPECT_TRUE(record.lane == TimelineLane::Wire) << static_cast<int>(record.lane);
    }
}

}  // namespace
}  // namespace tcplab
