#include "window_program_run.hpp"

#include <filesystem>

#include "program_run_start.hpp"

namespace tcplab {
namespace {

int exit_status(const ProgramEnded& ended) { return ended.signal != 0 ? 128 + ended.signal : ended.exit_code; }

}  // namespace

Result<std::shared_ptr<WindowProgramRun>> WindowProgramRun::plan(const ProgramCommandSettings& settings,
                                                                 ProgramCommandContext context,
                                                                 const Language& language) {
    auto planned = make_plan(settings, context);
    if (!planned) return planned.error();
    if (const auto missing = missing_program(planned.value().programs)) return Error{missing->message, ""};
    std::shared_ptr<WindowProgramRun> run(new WindowProgramRun(planned.value(), std::move(context), language));
    std::error_code ignored;
    run->working_directory_ = std::filesystem::current_path(ignored).string();
    return run;
}

Result<std::unique_ptr<LessonRun>> WindowProgramRun::start() {
    auto input = ProgramInput::open();
    if (!input) return input.error();
    // The lab of the previous start ends before this one: the new input and
    // outcome replace those its programs used only after it is gone.
    input_ = std::move(input.value());
    outcome_ = std::make_shared<ProgramOutcome>();
    ProgramPlan programs = plan_.programs;
    programs.client_stdin = input_->program_end();
    bool two_hosts = false;
    return start_program_run(programs_lesson(programs, outcome_), context_, language_, working_directory_, two_hosts);
}

int programs_exit_status(const ProgramOutcome& outcome, bool interrupted) {
    if (const auto failure = outcome.launch_failure())
        return failure->find("Permission denied") != std::string::npos ? exit_code::kCannotExecute
                                                                       : exit_code::kCommandNotFound;
    if (interrupted) return kProgramsExitInterrupted;
    if (outcome.timed_out()) return kProgramsExitTimeout;
    // The client's status speaks for the run; else the only program's.
    const std::vector<ProgramEnded> ended = outcome.ended();
    for (const char* label : {"client", "server"})
        for (const ProgramEnded& program : ended)
            if (program.label == label) return exit_status(program);
    return ended.empty() ? 0 : exit_status(ended.front());
}

}  // namespace tcplab
