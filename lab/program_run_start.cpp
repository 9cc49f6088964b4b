#include "program_run_start.hpp"

#include <fmt/format.h>

#include <cstdio>

#include "error_output.hpp"
#include "scenarios/program_user.hpp"

extern char** environ;

namespace tcplab {

std::vector<std::string> program_environment() {
    std::vector<std::string> environment;
    for (char** variable = environ; variable && *variable; ++variable) environment.emplace_back(*variable);
    return environment;
}

Result<std::unique_ptr<LessonRun>> start_program_run(const LessonEntry& entry, const ProgramCommandContext& context,
                                                     const Language& language, const std::string& working_directory,
                                                     bool& two_hosts) {
    if (auto prepared = context.prepare(); !prepared) return prepared.error();
    auto user = choose_program_user();
    if (!user) return user.error();
    if (user.value().nobody_for_root)
        std::fprintf(stderr, "tcplab: %s\n", language.text("programs.runs_as_nobody").c_str());
    RunOptions options = context.run_options;
    options.lesson_settings = false;
    options.programs = ProgramSessionSetup{user.value(), program_environment(), working_directory};
    options.topology = context.loopback_asked ? Topology::Loopback : Topology::TwoHosts;
    // A student's programs take their time: a call waits as long as it likes.
    options.settle_limit = std::chrono::milliseconds(1000);
    auto run = LessonRun::start(entry, options);
    if (!run && options.topology == Topology::TwoHosts && !options.wire.gated) {
        std::fprintf(stderr, "tcplab: %s\n", translated(run.error(), language).what.c_str());
        std::fprintf(stderr, "tcplab: %s\n", language.text("programs.on_loopback").c_str());
        options.topology = Topology::Loopback;
        options.wire = WireOptions{};
        run = LessonRun::start(entry, options);
    }
    if (run) two_hosts = options.topology == Topology::TwoHosts;
    return run;
}

}  // namespace tcplab
