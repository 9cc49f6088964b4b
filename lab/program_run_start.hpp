#pragma once
// What `tcplab exec` and `tcplab shell` share: the programs' environment and
// user, and a lab on two hosts joined by the wire when the wire can be laid,
// else on one host, saying so.
#include <memory>
#include <string>
#include <vector>

#include "exec_command.hpp"
#include "exit_codes.hpp"
#include "i18n.hpp"
#include "scenarios/run.hpp"

namespace tcplab {

// Exit codes, as main() has them (lab/exit_codes.hpp), and the shell's for programs.
inline constexpr int kProgramsExitEnvironment = exit_code::kEnvironment;
inline constexpr int kProgramsExitUsage = exit_code::kUsage;
inline constexpr int kProgramsExitTimeout = exit_code::kTimedOut;
inline constexpr int kProgramsExitInterrupted = exit_code::kInterrupted;

// tcplab's own environment, for the programs (the session adds HOME, USER …).
std::vector<std::string> program_environment();

// Prepares the process, picks the user (saying when it is `nobody`) and starts
// the run: two hosts unless loopback was asked for or the wire cannot be laid.
Result<std::unique_ptr<LessonRun>> start_program_run(const LessonEntry& entry, const ProgramCommandContext& context,
                                                     const Language& language, const std::string& working_directory,
                                                     bool& two_hosts);

}  // namespace tcplab
