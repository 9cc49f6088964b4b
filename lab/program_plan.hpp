#pragma once
// What `tcplab exec` is asked to run, made into a plan for the lab: the
// command lines split as a shell would, an example looked up, and every
// program found before anything is made. The terminal and the window share it.
#include <optional>

#include "exec_command.hpp"
#include "scenarios/program_examples.hpp"
#include "scenarios/program_launch.hpp"
#include "scenarios/program_lesson.hpp"

namespace tcplab {

struct ExecPlan {
    ProgramPlan programs;
    std::optional<ProgramExample> example;
};

Result<ExecPlan> make_plan(const ProgramCommandSettings& settings, const ProgramCommandContext& context);

// Every program must be there before the lab is made: a missing one leaves
// nothing behind (no namespace, no process, no recording).
std::optional<ExecutableProblem> missing_program(const ProgramPlan& plan);

}  // namespace tcplab
