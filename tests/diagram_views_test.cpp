// The ladder and state machine views drawn in a real ImGui context without a
// window (tests/imgui_harness.hpp): several frames over a recorded run and
// synthetic traces, in both languages, with hovering and clicking. An ImGui
// error aborts the binary, so reaching the assertions means none happened.
#include <gtest/gtest.h>

#include "capture/transition_merger.hpp"
#include "frame_builder.hpp"
#include "imgui_harness.hpp"
#include "lab/layout/palette.hpp"
#include "lab/views/ladder_view.hpp"
#include "lab/views/state_machine_view.hpp"
#include "recordings.hpp"

namespace tcplab {
namespace {

struct Scene {
    const Trace& trace;
    Language language;
    SharedViewState shared = {};
    Palette palette = Palette::standard();
    LabContext context() {
        return LabContext{.trace = trace, .language = language, .shared = shared, .palette = palette};
    }
};

Language load(const std::string& code) {
    auto language = Language::load(code);
    if (!language) throw std::runtime_error(language.error().what);
    return std::move(language.value());
}

// Draws `view` alone in a window that fills the display.
void draw_in_window(View& view, Scene& scene, ImVec2 size = ImVec2(1000, 860)) {
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(size);
    ImGui::Begin(view.id());
    LabContext context = scene.context();
    view.draw(context);
    ImGui::End();
}

TEST(DiagramViews, LadderHoversAndSelectsTheArrowUnderTheMouse) {
    test::ImGuiHarness harness;
    Scene scene{.trace = test::recorded_trace("teardown"), .language = load("en")};
    LadderView ladder;
    const int vertices = harness.frames(3, [&] { draw_in_window(ladder, scene); });
    EXPECT_GT(vertices, 500);

    const LadderLayout& layout = ladder.last_layout();
    std::vector<LadderRecord> arrows;
    for (const LadderRecord& record : layout.records)
        if (record.kind == LadderRecordKind::Arrow) arrows.push_back(record);
    ASSERT_EQ(arrows.size(), 7u);
    // The last arrow: the ladder follows the run to its end, so it is in sight.
    const LadderRecord& last = arrows.back();
    const ImVec2 origin = ladder.last_origin();
    const float x = origin.x + (last.x0 + last.x1) * 0.5f;
    const float y = origin.y + (last.y0 + last.y1) * 0.5f;
    harness.mouse(x, y);
    harness.frames(2, [&] { draw_in_window(ladder, scene); });
    EXPECT_EQ(scene.shared.hovered_packet, last.index);
    EXPECT_FALSE(scene.shared.selected_packet);
    harness.mouse(x, y, true);
    harness.frames(1, [&] { draw_in_window(ladder, scene); });
    harness.mouse(x, y, false);
    harness.frames(2, [&] { draw_in_window(ladder, scene); });
    EXPECT_EQ(scene.shared.selected_packet, last.index);
    bool flagged = false;
    for (const LadderRecord& record : ladder.last_layout().records)
        if (record.kind == LadderRecordKind::Arrow && record.index == last.index) flagged = record.selected;
    EXPECT_TRUE(flagged);

    // Moving away clears the hover this view set; hovering a state label shows its tooltip.
    harness.mouse(2, 2);
    harness.frames(2, [&] { draw_in_window(ladder, scene); });
    EXPECT_FALSE(scene.shared.hovered_packet);
    for (const LadderRecord& record : ladder.last_layout().records) {
        if (record.kind != LadderRecordKind::StateLabel || record.y0 + ladder.last_origin().y < 100) continue;
        harness.mouse(ladder.last_origin().x + record.x0 + 2, ladder.last_origin().y + record.y0 + 2);
        harness.frames(2, [&] { draw_in_window(ladder, scene); });
        EXPECT_FALSE(scene.shared.hovered_packet);
        break;
    }
}

TEST(DiagramViews, LadderStepsThroughTheCursorInChineseAndAbsoluteNumbers) {
    test::ImGuiHarness harness;
    const Trace& trace = test::recorded_trace("teardown");
    Scene scene{.trace = trace, .language = load("zh-CN")};
    scene.shared.relative_numbers = false;
    LadderView ladder;
    size_t previous = 0;
    for (const PacketEvent& packet : trace.packets()) {
        scene.shared.cursor_ns = packet.time_ns;
        harness.frames(2, [&] { draw_in_window(ladder, scene, ImVec2(520, 400)); });
        EXPECT_GT(ladder.last_layout().visible_events, previous);
        previous = ladder.last_layout().visible_events;
    }
    scene.shared.cursor_ns = trace.start_ns() - 1;  // before anything: the empty ladder
    harness.frames(2, [&] { draw_in_window(ladder, scene); });
    EXPECT_EQ(ladder.last_layout().visible_events, 0u);
}

TEST(DiagramViews, StateMachineLightsBothEndsAndShowsTooltips) {
    test::ImGuiHarness harness;
    Scene scene{.trace = test::recorded_trace("teardown"), .language = load("en")};
    scene.palette = Palette::colour_blind_safe();
    StateMachineView machine;
    const int vertices = harness.frames(3, [&] { draw_in_window(machine, scene); });
    EXPECT_GT(vertices, 500);
    const StateMachineLayout& layout = machine.last_layout();
    EXPECT_TRUE(layout.boxes[static_cast<size_t>(TcpState::TimeWait)].client_current);

    // Hover the lit TIME_WAIT box, then click on it: nothing to select, no error.
    const NormalizedPoint centre = state_box_rect(TcpState::TimeWait).centre();
    const ImVec2 at = machine.last_screen_point(centre);
    harness.mouse(at.x, at.y);
    harness.frames(2, [&] { draw_in_window(machine, scene); });
    harness.mouse(at.x, at.y, true);
    harness.frames(1, [&] { draw_in_window(machine, scene); });
    harness.mouse(at.x, at.y, false);
    harness.frames(1, [&] { draw_in_window(machine, scene); });
    EXPECT_FALSE(scene.shared.selected_packet);
    // The box really is there on screen: inside the window.
    EXPECT_GT(at.x, 0);
    EXPECT_LT(at.x, 1000);
    EXPECT_GT(at.y, 0);
    EXPECT_LT(at.y, 860);
}

TEST(DiagramViews, StateMachineScalesFromTinyToLargeInBothLanguages) {
    test::ImGuiHarness harness;
    const Trace& trace = test::recorded_trace("handshake");
    for (const char* code : {"en", "zh-CN"}) {
        Scene scene{.trace = trace, .language = load(code)};
        scene.shared.presentation = true;
        StateMachineView machine;
        float previous_width = 0, previous_height = 0;
        for (const ImVec2 size : {ImVec2(200, 160), ImVec2(500, 420), ImVec2(1500, 880)}) {
            SCOPED_TRACE(size.x);
            for (const StateEvent& event : observed_transitions(trace)) {
                scene.shared.cursor_ns = event.time_ns;
                harness.frames(1, [&] { draw_in_window(machine, scene, size); });
            }
            // The picture grows with the window and stays inside it.
            const ImVec2 left = machine.last_screen_point({0, 0});
            const ImVec2 right = machine.last_screen_point({1, 1});
            EXPECT_GT(right.x - left.x, previous_width);
            EXPECT_GT(right.y - left.y, previous_height);
            EXPECT_GE(left.x, 0.0f);
            if (size.x > 400) {
                EXPECT_LE(right.x, size.x);
                EXPECT_LE(right.y, size.y);
                EXPECT_GT(right.x - left.x, size.x * 0.8f);
            }
            previous_width = right.x - left.x;
            previous_height = right.y - left.y;
        }
    }
}

TEST(DiagramViews, BothViewsDrawAnEmptyTrace) {
    test::ImGuiHarness harness;
    const Trace empty;
    Scene scene{.trace = empty, .language = load("en")};
    LadderView ladder;
    StateMachineView machine;
    harness.mouse(300, 300);
    harness.frames(3, [&] {
        draw_in_window(ladder, scene, ImVec2(600, 400));
        ImGui::SetNextWindowPos(ImVec2(620, 0));
        ImGui::SetNextWindowSize(ImVec2(600, 400));
        ImGui::Begin("machine");
        LabContext context = scene.context();
        machine.draw(context);
        ImGui::End();
    });
    EXPECT_TRUE(ladder.last_layout().records.empty());
    for (const StateBox& box : machine.last_layout().boxes) EXPECT_FALSE(box.client_current || box.server_current);
}

}  // namespace
}  // namespace tcplab
