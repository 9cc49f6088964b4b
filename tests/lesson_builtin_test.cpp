// The built-in handshake and teardown lessons, run unattended on the real
// kernel: every expectation holds, and each question has exactly one answer.
#include <gtest/gtest.h>

#include <cstdio>

#include "scenarios/run.hpp"

namespace tcplab {
namespace {

std::unique_ptr<LessonRun> run_lesson(const std::string& name) {
    const LessonEntry* lesson = find_builtin_lesson(name);
    EXPECT_NE(lesson, nullptr) << name;
    if (!lesson) return nullptr;
    auto run = LessonRun::start(*lesson);
    EXPECT_TRUE(run) << run.error().what;
    if (!run) return nullptr;
    while (!run.value()->finished()) run.value()->step();
    run.value()->finish();
    return std::move(run.value());
}

void expect_every_step_held(const LessonRun& run) {
    for (const StepOutcome& outcome : run.outcomes()) {
        const Step& step = run.lesson().steps[outcome.index];
        EXPECT_TRUE(outcome.failure.empty()) << step.key << ": " << outcome.failure;
        for (const ExpectationOutcome& expectation : outcome.expectations) {
            // The log of a CI run then shows what the kernel did, step by step.
            std::printf("  %s %s  %s  (%s)\n", expectation.result.passed ? "ok" : "NO", step.key.c_str(),
                        expectation.key.c_str(), evidence_plain_text(expectation.result.evidence).c_str());
            EXPECT_TRUE(expectation.result.passed)
                << step.key << " / " << expectation.key << ": " << evidence_plain_text(expectation.result.evidence);
        }
        if (!step.predict) continue;
        size_t answers = 0;
        for (const ExpectationOutcome& choice : outcome.choices) answers += choice.result.passed ? 1 : 0;
        EXPECT_EQ(answers, 1u) << step.key << ": the question must have exactly one right answer";
    }
}

const StepOutcome* outcome_of(const LessonRun& run, const std::string& key) {
    for (const StepOutcome& outcome : run.outcomes())
        if (run.lesson().steps[outcome.index].key == key) return &outcome;
    return nullptr;
}

const ExpectationOutcome* expectation_of(const StepOutcome& outcome, const std::string& key) {
    for (const ExpectationOutcome& expectation : outcome.expectations)
        if (expectation.key == key) return &expectation;
    return nullptr;
}

TEST(BuiltInLessons, HandshakeHoldsOnTheRealKernel) {
    auto run = run_lesson("handshake");
    ASSERT_TRUE(run);
    expect_every_step_held(*run);
    // The lost SYN-ACK really was lost on the wire and sent again.
    const StepOutcome* lost = outcome_of(*run, "handshake.lost_synack");
    ASSERT_NE(lost, nullptr);
    size_t dropped = 0;
    for (const WireEvent& event : run->trace().wire_events())
        if (event.action == WireAction::Dropped && event.time_ns >= lost->begin_ns && event.time_ns <= lost->end_ns)
            ++dropped;
    EXPECT_EQ(dropped, 1u);
}

TEST(BuiltInLessons, TeardownHoldsOnTheRealKernel) {
    auto run = run_lesson("teardown");
    ASSERT_TRUE(run);
    expect_every_step_held(*run);
    const StepOutcome* close = outcome_of(*run, "teardown.server_close");
    ASSERT_NE(close, nullptr);
    const ExpectationOutcome* timer = expectation_of(*close, "expect.teardown.time_wait_timer");
    ASSERT_NE(timer, nullptr);
    EXPECT_NE(evidence_plain_text(timer->result.evidence).find("timer:(timewait,"), std::string::npos);
}

}  // namespace
}  // namespace tcplab
