#include "exec_command.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "error_output.hpp"
#include "json_lines.hpp"
#include "program_plan.hpp"
#include "program_run_start.hpp"
#include "record_command.hpp"
#include "scenarios/assets.hpp"
#include "scenarios/program_examples.hpp"
#include "scenarios/program_launch.hpp"
#include "scenarios/program_lesson.hpp"
#include "terminal_gate.hpp"
#include "terminal_view.hpp"
#include "window_program_run.hpp"

namespace tcplab {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Rows are printed once every source has had time to deliver what happened
// up to then (capture threads, socket dumps, the tracer), so that they come
// out in time order.
constexpr auto kPrintLag = 250ms;

volatile sig_atomic_t g_interrupted = 0;
void on_interrupt(int) { g_interrupted = 1; }

}  // namespace

ProgramCommands add_program_commands(CLI::App& app, ProgramCommandSettings& settings) {
    ProgramCommands commands;
    CLI::App* exec = app.add_subcommand(
        "exec", "run your own programs on the lab's hosts and watch their calls, segments and states");
    exec->add_option("--server", settings.server,
                     "the server's command line, on the server host (\"echo\": a built-in echo server)");
    exec->add_option("--client", settings.client,
                     "the client's command line, on the client host; it starts once the server listens");
    exec->add_option("--host", settings.host, "with a command after --: the host it runs on")
        ->check(CLI::IsMember({"client", "server"}));
    exec->add_option("--example", settings.example, "run one of the example pairs (tcplab list --examples)");
    exec->add_option("--timeout", settings.timeout_seconds, "end the programs after this many seconds")
        ->check(CLI::PositiveNumber);
    exec->add_option("--client-delay", settings.client_delay_seconds,
                     "start the client this many seconds after the server instead of when it listens")
        ->check(CLI::NonNegativeNumber);
    exec->add_option("--record", settings.record, "write the run to this pcapng file as it happens");
    exec->add_flag("--force", settings.force, "with --record: replace the file if it exists");
    exec->add_flag("--terminal", settings.terminal, "show the run in the terminal even when there is a display");
    exec->add_option("--screenshot", settings.screenshot,
                     "in the window: save it as this PNG (and PNG.json) once the programs are done, and close");
    exec->add_option("command", settings.command, "a program and its arguments, after --, for --host");
    exec->footer(
        "Exit status: the client's (or the only program's), 128+N when signal N killed it; 127 a program is not "
        "found, 126 not executable; 124 --timeout ended the programs; 130 Ctrl-C; 2 the lab could not be made.");
    exec->fallthrough();
    commands.exec = exec;

    CLI::App* shell =
        app.add_subcommand("shell", "a shell on a host of a lab; in another terminal, a second one joins the same lab");
    shell->add_option("--host", settings.shell_host, "the host: client or server (a second shell: the other one)")
        ->check(CLI::IsMember({"client", "server"}));
    shell->add_flag("--join", settings.join, "join the lab another tcplab shell runs (fail if there is none)");
    shell->add_flag("--quiet", settings.quiet, "no event lines in this terminal");
    shell->add_option("--record", settings.record, "write the lab to this pcapng file as it happens");
    shell->add_flag("--force", settings.force, "with --record: replace the file if it exists");
    shell->fallthrough();
    commands.shell = shell;
    return commands;
}

int list_examples(const Language& language, bool json) {
    auto examples = load_examples(asset_directory());
    if (!examples) {
        print_error(examples.error());
        return kProgramsExitEnvironment;
    }
    for (const ProgramExample& example : examples.value()) {
        const std::string key = "example." + example.name;
        if (json)
            std::printf("%s\n", nlohmann::json{{"name", example.name},
                                               {"title", language.text(key + ".title")},
                                               {"summary", language.text(key + ".summary")}}
                                    .dump()
                                    .c_str());
        else
            fmt::print("{:<14} {}: {}\n", example.name, language.text(key + ".title"), language.text(key + ".summary"));
    }
    return 0;
}

int run_exec_command(const ProgramCommandSettings& settings, const ProgramCommandContext& context,
                     const Language& language) {
    auto plan = make_plan(settings, context);
    if (!plan) {
        print_error(plan.error());
        return kProgramsExitUsage;
    }
    if (const auto missing = missing_program(plan.value().programs)) {
        std::fprintf(stderr, "tcplab: %s\n", missing->message.c_str());
        return missing->exit_code;
    }
    if (!settings.record.empty())
        if (auto target = check_record_target(language, settings.record, settings.force); !target) {
            print_error(target.error());
            return kProgramsExitUsage;
        }
    std::optional<GateScript> script;
    if (!context.script.empty()) {
        auto parsed = GateScript::parse(context.script);
        if (!parsed) {
            print_error(parsed.error());
            return kProgramsExitUsage;
        }
        script = parsed.value();
    }
    if (!settings.screenshot.empty() && (!context.open_window || settings.terminal)) {
        print_error(Error{"--screenshot saves the window, and this run shows in the terminal",
                          "run under a display (xvfb-run -a tcplab exec …), without --terminal or --json"});
        return kProgramsExitUsage;
    }
    if (context.open_window && !settings.terminal) {
        auto window_run = WindowProgramRun::plan(settings, context, language);
        if (!window_run) {
            print_error(window_run.error());
            return kProgramsExitUsage;
        }
        const int window_status = context.open_window(window_run.value(), settings);
        if (window_status != 0 || !window_run.value()->outcome()) return window_status;
        return programs_exit_status(*window_run.value()->outcome(), false);
    }
    // The client reads what is typed, unless the gate asks questions there.
    const bool asking_at_gate = context.step && context.script.empty();
    plan.value().programs.client_stdin = asking_at_gate ? -1 : STDIN_FILENO;

    auto outcome = std::make_shared<ProgramOutcome>();
    std::error_code ignored;
    const std::string here = std::filesystem::current_path(ignored).string();
    bool two_hosts = false;
    auto started =
        start_program_run(programs_lesson(plan.value().programs, outcome), context, language, here, two_hosts);
    if (!started) {
        print_error(started.error());
        return kProgramsExitEnvironment;
    }
    LessonRun& run = *started.value();

    TerminalOptions terminal;
    terminal.absolute = context.absolute;
    terminal.color = !context.json && isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
    const TerminalView view(language, terminal);
    const JsonLines json_view(language);
    if (!context.json) {
        fmt::print("{}\n\n", language.text(two_hosts ? "programs.intro_two_hosts" : "programs.intro_loopback"));
        if (plan.value().example) {
            const std::string key = "example." + plan.value().example->name;
            fmt::print("{}\n{}\n\n", language.text(key + ".title"), language.text(key + ".look_for"));
        }
        fmt::print("{}\n", language.text("programs.states_from"));
        view.print_column_heading();
    }
    std::optional<TerminalGate> gate;
    if (run.options().wire.gated) gate.emplace(language, script, stdin, context.json ? stderr : stdout);

    std::unique_ptr<RunRecording> recording;
    if (!settings.record.empty()) {
        auto recorder = RunRecording::start(settings.record, settings.force, run);
        if (!recorder) {
            print_error(recorder.error());
            return kProgramsExitEnvironment;
        }
        recording = std::move(recorder.value());
    }
    // Ctrl-C (unless the recording takes it), a closed terminal (SIGHUP) and
    // kill (SIGTERM) end the programs and the lab the same way, so that none
    // leaves its hosts folder or a program behind.
    g_interrupted = 0;
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    if (!recording) sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGHUP, &action, nullptr);
    const auto interrupted = [&] { return g_interrupted != 0 || (recording && RunRecording::interrupted()); };

    int64_t shown_until = 0;
    const auto show_until = [&](int64_t until) {
        if (context.json)
            json_view.print_live_events(run.trace(), shown_until, until);
        else
            view.print_live_events(run.trace(), shown_until, until);
        shown_until = until;
    };
    auto last_sync = Clock::now();
    run.begin_step();
    while (!run.poll()) {
        if (interrupted() && !outcome->cancelled()) outcome->cancel();
        if (gate && run.wire() && !run.wire()->held().empty()) gate->decide(run);
        show_until(realtime_now_ns() - std::chrono::nanoseconds(kPrintLag).count());
        // The recording grows as the run goes: a killed tcplab leaves a file.
        if (recording && Clock::now() - last_sync > 500ms) {
            if (auto written = recording->after_step(run); !written) print_error(written.error());
            last_sync = Clock::now();
        }
        std::this_thread::sleep_for(5ms);
    }
    run.finish();
    show_until(INT64_MAX);

    const std::vector<ProgramEnded> ended = outcome->ended();
    if (const auto failure = outcome->launch_failure()) std::fprintf(stderr, "tcplab: %s\n", failure->c_str());
    if (!context.json) {
        fmt::print("\n");
        for (const ProgramEnded& program : ended)
            fmt::print("{}\n", fmt::format(fmt::runtime(language.text(program.signal != 0 ? "programs.summary_killed"
                                                                                          : "programs.summary_exited")),
                                           program.label, program.signal != 0 ? program.signal : program.exit_code));
        if (outcome->client_started_unheard()) fmt::print("{}\n", language.text("programs.client_unheard"));
        if (outcome->timed_out()) fmt::print("{}\n", language.text("programs.timed_out"));
        if (run.trace().lost_events() > 0)
            fmt::print("{} {}\n", run.trace().lost_events(), language.text("app.lost_events"));
    } else {
        for (const ProgramEnded& program : ended)
            std::printf("%s\n", nlohmann::json{{"type", "program_exit"},
                                               {"label", program.label},
                                               {"pid", program.pid},
                                               {"exit_code", program.exit_code},
                                               {"signal", program.signal}}
                                    .dump()
                                    .c_str());
    }
    if (recording) {
        auto info = recording->finish(run);
        if (!info) {
            print_error(info.error());
        } else if (outcome->launch_failure() && ended.empty()) {
            // Nothing ran: no half-finished recording is left either.
            std::filesystem::remove(settings.record, ignored);
        } else {
            RunRecording::print_written(language, info.value(), context.json, context.json ? stdout : stderr);
        }
    }
    return programs_exit_status(*outcome, interrupted());
}

}  // namespace tcplab
