// The lesson bar and the wire view drawn in ImGui without a window, over live
// runs driven by the step controller: on loopback, and on two hosts with
// segments waiting at the gate (where the timeline and ladder show them too).
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "imgui_harness.hpp"
#include "lab/views/ladder_view.hpp"
#include "lab/views/lesson_bar.hpp"
#include "lab/views/step_controller.hpp"
#include "lab/views/timeline_view.hpp"
#include "lab/views/wire_view.hpp"
#include "tests/environment.hpp"

namespace tcplab {
namespace {

using namespace std::chrono_literals;

struct Lab {
    StepController controller;
    Language language = Language::load("en").value();
    SharedViewState shared;
    Palette palette = Palette::standard();
    Trace empty;
    LessonBar bar;
    WireView wire;
    TimelineView timeline;
    LadderView ladder;

    explicit Lab(RunOptions options = {}) : controller(options) {}

    LabContext context() {
        const Trace* trace = controller.trace();
        LabContext made{trace ? *trace : empty, language, shared, palette};
        made.controller = &controller;
        made.held = &controller.held();
        return made;
    }

    void frame() {
        controller.update(shared);
        LabContext context = this->context();
        const std::pair<View*, ImVec2> placed[] = {
            {&bar, ImVec2(0, 0)}, {&wire, ImVec2(1200, 0)}, {&timeline, ImVec2(0, 250)}, {&ladder, ImVec2(0, 550)}};
        for (const auto& [view, position] : placed) {
            ImGui::SetNextWindowPos(position);
            ImGui::SetNextWindowSize(ImVec2(view == &bar ? 1200.0f : 800.0f, 300));
            ImGui::Begin(view->id());
            view->draw(context);
            ImGui::End();
        }
    }

    template <class Done>
    bool frames_until(test::ImGuiHarness& harness, Done done, std::chrono::seconds limit = 20s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            harness.frames(1, [&] { frame(); });
            if (done()) return true;
            std::this_thread::sleep_for(5ms);
        }
        return false;
    }
};

// The lesson bar's text in one frame.
std::string bar_text(test::ImGuiHarness& harness, Lab& lab) {
    std::string text;
    harness.frames(1, [&] {
        lab.controller.update(lab.shared);
        LabContext context = lab.context();
        text = test::ImGuiHarness::window_text(lab.bar.id(), [&] { lab.bar.draw(context); });
    });
    return text;
}

TEST(LessonViews, LessonBarAndWireViewOnLoopback) {
    test::ImGuiHarness harness;
    Lab lab;
    EXPECT_GT(harness.frames(2, [&] { lab.frame(); }), 100);  // no lesson yet: says so
    ASSERT_TRUE(lab.controller.load("handshake").ok());
    const std::string press_step = lab.language.text("scenario_bar.press_space");
    EXPECT_NE(bar_text(harness, lab).find(press_step), std::string::npos);
    for (size_t step = 1; step <= 2; ++step) {
        lab.controller.step();
        // While the first step runs, the bar no longer asks for Step.
        if (step == 1) {
            const std::string text = bar_text(harness, lab);
            ASSERT_TRUE(lab.controller.busy());
            EXPECT_EQ(text.find(press_step), std::string::npos) << text;
        }
        ASSERT_TRUE(
            lab.frames_until(harness, [&] { return !lab.controller.busy() && lab.controller.shown_steps() == step; }));
    }
    const int vertices = harness.frames(3, [&] { lab.frame(); });
    EXPECT_GT(vertices, 2000);
    // In Chinese too.
    lab.language = Language::load("zh").value();
    EXPECT_GT(harness.frames(2, [&] { lab.frame(); }), 2000);
}

TEST(LessonViews, SegmentsWaitingAtTheGateAreShownAndSpaceReleasesThem) {
    if (auto missing = test::missing_tun()) GTEST_SKIP() << *missing;
    RunOptions options;
    options.topology = Topology::TwoHosts;
    options.wire.gated = true;
    options.call_timeout_seconds = 30;
    test::ImGuiHarness harness;
    Lab lab(options);
    ASSERT_TRUE(lab.controller.load("handshake").ok());
    lab.controller.step();  // listen
    ASSERT_TRUE(lab.frames_until(harness, [&] { return !lab.controller.busy() && lab.controller.shown_steps() == 1; }));
    lab.controller.step();  // connect: the SYN stops at the gate
    ASSERT_TRUE(lab.frames_until(harness, [&] { return lab.controller.held().size() == 1; }));
    EXPECT_TRUE(lab.controller.busy());
    harness.frames(3, [&] { lab.frame(); });  // the gate's rows, the pending mark, the half-way arrow

    // Space (step) releases the oldest segment while the step waits.
    const uint64_t first = lab.controller.held().front().segment;
    lab.controller.step();
    ASSERT_TRUE(lab.frames_until(
        harness, [&] { return !lab.controller.held().empty() && lab.controller.held().front().segment != first; }));
    ASSERT_TRUE(lab.frames_until(harness, [&] {
        if (!lab.controller.held().empty()) lab.controller.step();
        return !lab.controller.busy();
    }));
    EXPECT_EQ(lab.controller.shown_steps(), 2u);
    EXPECT_TRUE(lab.controller.run()->outcomes().back().passed());
}

// Reset (or quitting) while a call is blocked behind a held segment must not
// wait for the call's long timeout: the actors' sockets are shut down. The
// call would wait ten minutes, twice ctest's limit for this test: a reset that
// waited for it fails the test by timing out.
TEST(LessonViews, ResetWhileASegmentWaitsAtTheGateIsImmediate) {
    if (auto missing = test::missing_tun()) GTEST_SKIP() << *missing;
    RunOptions options;
    options.topology = Topology::TwoHosts;
    options.wire.gated = true;
    options.call_timeout_seconds = 600;
    test::ImGuiHarness harness;
    Lab lab(options);
    ASSERT_TRUE(lab.controller.load("handshake").ok());
    lab.controller.step();
    ASSERT_TRUE(lab.frames_until(harness, [&] { return !lab.controller.busy() && lab.controller.shown_steps() == 1; }));
    lab.controller.step();  // connect() now blocks: its SYN waits at the gate
    ASSERT_TRUE(lab.frames_until(harness, [&] { return !lab.controller.held().empty(); }));
    lab.controller.reset();
    EXPECT_EQ(lab.controller.shown_steps(), 0u);
}

}  // namespace
}  // namespace tcplab
