// The window's step controller on real runs: stepping without blocking, the
// cursor over steps already run, play mode, reset, and errors as values.
#include "lab/views/step_controller.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace tcplab {
namespace {

using namespace std::chrono_literals;

// Calls update() as the window does each frame until `done` or a timeout.
template <class Done>
bool frames_until(StepController& controller, SharedViewState& shared, Done done, std::chrono::seconds limit = 20s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        controller.update(shared);
        if (done()) return true;
        std::this_thread::sleep_for(5ms);
    }
    return false;
}

TEST(StepController, StepsRunOnTheKernelWithoutBlockingTheFrame) {
    StepController controller;
    SharedViewState shared;
    ASSERT_TRUE(controller.load("handshake").ok());
    controller.update(shared);
    EXPECT_EQ(shared.cursor_ns, 1);  // before the first step nothing is shown

    controller.step();
    controller.update(shared);
    // Starting a step returns at once: had step() waited for the kernel, the
    // step would be over by this frame. It settles over later frames.
    EXPECT_TRUE(controller.busy());
    EXPECT_EQ(shared.cursor_ns, 0);  // while it runs, everything is shown live
    ASSERT_TRUE(frames_until(controller, shared, [&] { return !controller.busy(); }));
    EXPECT_EQ(controller.shown_steps(), 1u);
    EXPECT_EQ(shared.cursor_ns, controller.run()->outcomes()[0].end_ns);
}

TEST(StepController, BackAndForwardMoveOverStepsAlreadyRun) {
    StepController controller;
    SharedViewState shared;
    ASSERT_TRUE(controller.load("handshake").ok());
    for (int step = 0; step < 2; ++step) {
        controller.step();
        ASSERT_TRUE(frames_until(controller, shared, [&] { return !controller.busy() && controller.shown_steps() == size_t(step) + 1; }));
    }
    const int64_t second_end = shared.cursor_ns;
    controller.back();
    controller.update(shared);
    EXPECT_EQ(controller.shown_steps(), 1u);
    EXPECT_EQ(shared.cursor_ns, controller.run()->outcomes()[0].end_ns);
    EXPECT_LT(shared.cursor_ns, second_end);
    EXPECT_EQ(controller.run()->steps_done(), 2u);  // the kernel did not go back

    controller.forward();  // shows the step already run, runs nothing new
    controller.update(shared);
    EXPECT_FALSE(controller.busy());
    EXPECT_EQ(controller.shown_steps(), 2u);
    EXPECT_EQ(shared.cursor_ns, second_end);
    EXPECT_EQ(controller.run()->steps_done(), 2u);

    controller.back();
    controller.back();
    controller.back();  // not below zero
    controller.update(shared);
    EXPECT_EQ(controller.shown_steps(), 0u);
}

TEST(StepController, PlayRunsTheWholeLessonAndStops) {
    StepController controller;
    SharedViewState shared;
    ASSERT_TRUE(controller.load("teardown").ok());
    controller.play().seconds_between_steps = 0.05f;
    controller.toggle_play();
    ASSERT_TRUE(frames_until(controller, shared, [&] { return controller.at_end(); }, 60s));
    EXPECT_FALSE(controller.play().playing);
    EXPECT_EQ(controller.shown_steps(), controller.step_count());
    for (const StepOutcome& outcome : controller.run()->outcomes()) EXPECT_TRUE(outcome.passed());
}

TEST(StepController, ResetStartsAgainInAFreshSandbox) {
    StepController controller;
    SharedViewState shared;
    ASSERT_TRUE(controller.load("handshake").ok());
    controller.step();
    ASSERT_TRUE(frames_until(controller, shared, [&] { return controller.shown_steps() == 1 && !controller.busy(); }));
    ASSERT_FALSE(controller.run()->trace().calls().empty());
    controller.reset();
    controller.update(shared);
    EXPECT_EQ(controller.shown_steps(), 0u);
    EXPECT_EQ(controller.run()->steps_done(), 0u);
    EXPECT_TRUE(controller.run()->trace().calls().empty());
}

TEST(StepController, UnknownLessonIsAnErrorValue) {
    StepController controller;
    EXPECT_FALSE(controller.load("no-such-lesson").ok());
    ASSERT_TRUE(controller.error().has_value());
    EXPECT_NE(controller.error()->what.find("no-such-lesson"), std::string::npos);
    SharedViewState shared;
    controller.update(shared);  // harmless without a run
    controller.step();
    EXPECT_EQ(controller.trace(), nullptr);
}

}  // namespace
}  // namespace tcplab
