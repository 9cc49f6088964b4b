#pragma once
// The student's own programs as the window runs them (tcplab exec with a
// display, or "Your programs" in the lesson picker). Each start() makes a
// fresh lab with a fresh outcome and a fresh standard input for the client,
// so Reset runs the programs again from the start.
#include <memory>
#include <string>

#include "exec_command.hpp"
#include "i18n.hpp"
#include "program_plan.hpp"
#include "scenarios/program_input.hpp"
#include "scenarios/run.hpp"

namespace tcplab {

class WindowProgramRun {
public:
    // Plans the run; an error (a bad command line, a program not found) before anything is made.
    static Result<std::shared_ptr<WindowProgramRun>> plan(const ProgramCommandSettings& settings,
                                                          ProgramCommandContext context, const Language& language);

    // Starts the lab and the programs' lesson (its one step launches them).
    Result<std::unique_ptr<LessonRun>> start();

    // What is typed in the window for the client, for the run started last (null before).
    ProgramInput* input() const { return input_.get(); }
    // What the programs did in the run started last (null before).
    const ProgramOutcome* outcome() const { return outcome_.get(); }
    const ExecPlan& exec_plan() const { return plan_; }

private:
    WindowProgramRun(ExecPlan plan, ProgramCommandContext context, Language language)
        : plan_(std::move(plan)), context_(std::move(context)), language_(std::move(language)) {}

    ExecPlan plan_;
    ProgramCommandContext context_;
    Language language_;
    std::string working_directory_;
    std::shared_ptr<ProgramOutcome> outcome_;
    std::unique_ptr<ProgramInput> input_;
};

// The exit status of `tcplab exec` once its programs are done: the client's
// (or the only program's), 124 after --timeout, 130 after Ctrl-C.
int programs_exit_status(const ProgramOutcome& outcome, bool interrupted);

}  // namespace tcplab
