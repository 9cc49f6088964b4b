#pragma once
// What the integration tests of a lesson share: finding a step by key, the
// view of its time window, the answer a prediction got, and running the
// lesson to its end with every expectation required to hold.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "scenarios/run.hpp"

namespace tcplab::test {

inline size_t step_index(const LessonRun& run, const std::string& key) {
    const std::vector<Step>& steps = run.lesson().steps;
    for (size_t index = 0; index < steps.size(); ++index)
        if (steps[index].key == key) return index;
    ADD_FAILURE() << "the lesson has no step " << key;
    return 0;
}

inline StepView view_of(const LessonRun& run, const std::string& key) {
    const StepOutcome& outcome = run.outcomes().at(step_index(run, key));
    return StepView(run.trace(), outcome.begin_ns, outcome.end_ns);
}

inline bool choice_held(const LessonRun& run, const std::string& step_key, const std::string& label) {
    for (const ExpectationOutcome& choice : run.outcomes().at(step_index(run, step_key)).choices)
        if (choice.key == label) return choice.result.passed;
    ADD_FAILURE() << step_key << " has no choice " << label;
    return false;
}

// The segments of one step sent by `sender`, in order: all of them, or those carrying data.
inline std::vector<const PacketEvent*> segments_from(const StepView& view, Actor sender, bool data_only = false) {
    std::vector<const PacketEvent*> found;
    for (const PacketEvent* packet : view.segments())
        if (view.trace().sender_actor(*packet) == sender && (!data_only || packet->payload_length > 0))
            found.push_back(packet);
    return found;
}

// Runs the built-in lesson `name` to its end, unattended.
inline std::unique_ptr<LessonRun> run_to_end(const std::string& name) {
    const LessonEntry* entry = find_builtin_lesson(name);
    EXPECT_NE(entry, nullptr) << "assets/lessons/" << name << ".toml is not in the catalog";
    if (!entry) return nullptr;
    auto started = LessonRun::start(*entry);
    EXPECT_TRUE(started.ok()) << (started.ok() ? "" : started.error().what + " / " + started.error().remedy);
    if (!started.ok()) return nullptr;
    std::unique_ptr<LessonRun> run = std::move(started.value());
    while (!run->finished()) run->step();
    run->finish();
    return run;
}

inline void expect_every_expectation_held(const LessonRun& run) {
    for (const StepOutcome& outcome : run.outcomes()) {
        const std::string& key = run.lesson().steps[outcome.index].key;
        EXPECT_TRUE(outcome.failure.empty()) << key << ": " << outcome.failure;
        EXPECT_FALSE(outcome.expectations.empty()) << key;
        for (const ExpectationOutcome& expectation : outcome.expectations)
            EXPECT_TRUE(expectation.result.passed)
                << key << ": " << expectation.key << " (" << evidence_plain_text(expectation.result.evidence) << ")";
    }
    EXPECT_EQ(run.trace().lost_events(), 0u);
    // The trace is the whole story: the kernel dropped nothing before the capture saw it.
    EXPECT_EQ(run.capture_stats().kernel_dropped, 0u);
}

}  // namespace tcplab::test
