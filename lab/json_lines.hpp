#pragma once
// The same events as the terminal view, one JSON object per line, for scripts.
#include <cstdio>

#include "i18n.hpp"
#include "scenarios/run.hpp"

namespace tcplab {

class JsonLines {
public:
    JsonLines(const Language& language, std::FILE* out = stdout) : language_(language), out_(out) {}

    void print_intro(const ScenarioRun& run) const;
    void print_step(const ScenarioRun& run, const StepOutcome& outcome, int64_t after_ns) const;
    void print_summary(const ScenarioRun& run) const;

private:
    const Language& language_;
    std::FILE* out_;
};

}  // namespace tcplab
