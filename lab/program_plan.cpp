#include "program_plan.hpp"

#include <wordexp.h>

#include <cstdlib>

#include "scenarios/assets.hpp"
#include "scenarios/program_launch.hpp"

namespace tcplab {
namespace {

// A command line as a shell would split it ("python3 server.py 9000", with
// quotes and $VARIABLES); one with pipes or redirections runs under sh -c.
Result<std::vector<std::string>> split_command(const std::string& line) {
    wordexp_t words{};
    const int status = wordexp(line.c_str(), &words, WRDE_NOCMD);
    if (status == WRDE_BADCHAR) return std::vector<std::string>{"/bin/sh", "-c", line};
    if (status != 0) return Error{"cannot read the command line \"" + line + "\"", "check its quotes"};
    std::vector<std::string> argv(words.we_wordv, words.we_wordv + words.we_wordc);
    wordfree(&words);
    if (argv.empty()) return Error{"an empty command line", ""};
    return argv;
}

std::string search_path() {
    const char* path = std::getenv("PATH");
    return path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
}

}  // namespace

Result<ExecPlan> make_plan(const ProgramCommandSettings& settings, const ProgramCommandContext& context) {
    ExecPlan plan;
    ProgramPlan& programs = plan.programs;
    programs.two_hosts = !context.loopback_asked;
    if (settings.timeout_seconds > 0)
        programs.timeout = std::chrono::milliseconds(static_cast<int64_t>(settings.timeout_seconds * 1000));
    if (settings.client_delay_seconds >= 0)
        programs.client_delay = std::chrono::milliseconds(static_cast<int64_t>(settings.client_delay_seconds * 1000));
    std::optional<std::vector<ProgramExample>> examples;
    const auto example_named = [&](const std::string& name) -> Result<ProgramExample> {
        if (!examples) {
            auto loaded = load_examples(asset_directory());
            if (!loaded) return loaded.error();
            examples = loaded.value();
        }
        std::string names;
        for (const ProgramExample& example : *examples) {
            if (example.name == name) return example;
            names += (names.empty() ? "" : ", ") + example.name;
        }
        return Error{"no example named \"" + name + "\"", "the examples are: " + names + " (tcplab list --examples)"};
    };
    if (!settings.example.empty()) {
        auto example = example_named(settings.example);
        if (!example) return example.error();
        plan.example = example.value();
        programs.server = example.value().server;
        programs.client = example.value().client;
        programs.working_directory = example.value().directory;
        return plan;
    }
    if (!settings.command.empty()) {
        programs.single_host = settings.host == "server" ? Actor::Server : Actor::Client;
        programs.single = settings.command;
    }
    if (settings.server == "echo") {
        // The built-in echo server: the echo example's, for a client tried on its own.
        auto echo = example_named("echo");
        if (!echo) return echo.error();
        programs.server = echo.value().server;
    } else if (!settings.server.empty()) {
        auto argv = split_command(settings.server);
        if (!argv) return argv.error();
        programs.server = argv.value();
    }
    if (!settings.client.empty()) {
        auto argv = split_command(settings.client);
        if (!argv) return argv.error();
        programs.client = argv.value();
    }
    if (!programs.single.empty() && (!programs.server.empty() || !programs.client.empty())) {
        // `--server echo --host client -- CMD`: the command is the client.
        if (programs.client.empty() && programs.single_host == Actor::Client) {
            programs.client = programs.single;
            programs.single.clear();
        } else {
            return Error{"a command after -- runs alone on --host; with --server or --client, give both there", ""};
        }
    }
    if (programs.single.empty() && programs.server.empty() && programs.client.empty())
        return Error{"nothing to run", "give --server and/or --client, --example NAME, or --host client -- COMMAND"};
    return plan;
}

std::optional<ExecutableProblem> missing_program(const ProgramPlan& plan) {
    for (const auto* argv : {&plan.server, &plan.client, &plan.single}) {
        if (argv->empty()) continue;
        ExecutableProblem problem;
        if (!find_executable(argv->front(), search_path(), &problem)) return problem;
    }
    return std::nullopt;
}

}  // namespace tcplab
