#pragma once
// Running a built-in lesson unattended for an integration test, and reading
// its outcomes: each step by its key, the kernel's answer to its question,
// and a report of every expectation in the log.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "scenarios/run.hpp"
#include "tests/environment.hpp"

namespace tcplab {

inline std::unique_ptr<LessonRun> run_lesson(const std::string& name) {
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

inline void expect_every_step_held(const LessonRun& run) {
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

inline const StepOutcome* outcome_of(const LessonRun& run, const std::string& key) {
    for (const StepOutcome& outcome : run.outcomes())
        if (run.lesson().steps[outcome.index].key == key) return &outcome;
    return nullptr;
}

inline const ExpectationOutcome* expectation_of(const StepOutcome& outcome, const std::string& key) {
    for (const ExpectationOutcome& expectation : outcome.expectations)
        if (expectation.key == key) return &expectation;
    return nullptr;
}

inline size_t wire_events_in(const LessonRun& run, const StepOutcome& step, WireAction action) {
    size_t count = 0;
    for (const WireEvent& event : run.trace().wire_events())
        if (event.action == action && event.time_ns >= step.begin_ns && event.time_ns <= step.end_ns) ++count;
    return count;
}

inline StepView view_of(const LessonRun& run, const StepOutcome& step) {
    return StepView(run.trace(), step.begin_ns, step.end_ns, &step.counters);
}

// The labels of the choices that held: the kernel's answer to the step's question.
inline std::vector<std::string> kernel_answer(const StepOutcome& outcome) {
    std::vector<std::string> labels;
    for (const ExpectationOutcome& choice : outcome.choices)
        if (choice.result.passed) labels.push_back(choice.key);
    return labels;
}

// A suite that runs one built-in two-host lesson once, for all its tests:
// Suite names it (static constexpr const char* kLesson) and its step count (kSteps).
template <class Suite>
class TwoHostLessonTest : public testing::Test {
protected:
    static void SetUpTestSuite() {
        if (test::missing_sandbox() || test::missing_tun()) return;  // each test says which
        run_ = run_lesson(Suite::kLesson);
    }
    static void TearDownTestSuite() { run_.reset(); }

    void SetUp() override {
        if (auto missing = test::missing_sandbox()) GTEST_SKIP() << *missing;
        if (auto missing = test::missing_tun()) GTEST_SKIP() << *missing;
        ASSERT_NE(run_, nullptr) << "the lesson did not run (see the failure above)";
        ASSERT_EQ(run_->outcomes().size(), Suite::kSteps);
    }

    static const StepOutcome& step(const std::string& key) {
        const StepOutcome* outcome = outcome_of(*run_, key);
        EXPECT_NE(outcome, nullptr) << key;
        static const StepOutcome none;
        return outcome ? *outcome : none;
    }
    static StepView view(const std::string& key) { return view_of(*run_, step(key)); }

    static inline std::unique_ptr<LessonRun> run_;
};

}  // namespace tcplab
