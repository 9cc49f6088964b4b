// `tcplab shell`: a shell on a host of a new lab, or, when a lab already
// runs (another terminal's `tcplab shell`), a shell on a host of that one.
// The first tcplab owns the lab: it prints the lab's event lines between its
// shell's output and ends the lab when the last shell has gone.
#include <fmt/format.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "error_output.hpp"
#include "exec_command.hpp"
#include "program_run_start.hpp"
#include "record_command.hpp"
#include "scenarios/lab_door.hpp"
#include "scenarios/program_lesson.hpp"
#include "scenarios/program_session.hpp"
#include "terminal_relay.hpp"
#include "terminal_view.hpp"

namespace tcplab {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto kPrintLag = 250ms;

volatile sig_atomic_t g_shell_interrupted = 0;
void on_shell_interrupt(int) { g_shell_interrupted = 1; }

JoinRequest request_for(const std::string& host) {
    JoinRequest request;
    request.host = host;
    const char* term = std::getenv("TERM");
    request.term = term ? term : "";
    std::error_code ignored;
    request.working_directory = std::filesystem::current_path(ignored).string();
    winsize size{};
    if (ioctl(STDIN_FILENO, TIOCGWINSZ, &size) == 0) {
        request.rows = size.ws_row;
        request.columns = size.ws_col;
    }
    return request;
}

std::string host_name(Actor host) { return host == Actor::Server ? "server" : "client"; }

// A shell for the user on `host`, its terminal the caller's to relay.
Result<JoinedShell> open_shell(ProgramSession& session, Actor host, const JoinRequest& request) {
    SessionProgram shell;
    shell.label = "shell";
    shell.host = host;
    shell.argv = {session.user().shell};
    shell.terminal = ProgramTerminal::Interactive;
    if (!request.term.empty()) shell.extra_environment.push_back("TERM=" + request.term);
    shell.extra_environment.push_back("TCPLAB_HOST=" + host_name(host));
    shell.working_directory = request.working_directory;
    auto started = session.launch(shell);
    if (!started) return started.error();
    if (request.rows > 0) {
        winsize size{};
        size.ws_row = request.rows;
        size.ws_col = request.columns;
        ioctl(started.value().terminal, TIOCSWINSZ, &size);
    }
    return JoinedShell{host, started.value().pid, started.value().terminal};
}

int join(const Joined& joined, const Language& language) {
    std::fprintf(stderr, "%s\n",
                 fmt::format(fmt::runtime(language.text("programs.joined")), host_name(joined.shell.host)).c_str());
    auto relay = TerminalRelay::start(joined.shell.terminal);
    if (!relay) {
        print_error(relay.error());
        return kProgramsExitEnvironment;
    }
    while (!relay.value()->finished()) std::this_thread::sleep_for(20ms);
    relay.value().reset();
    const std::optional<int> status = wait_for_joined_shell(joined.connection);
    close(joined.connection);
    if (!status) {
        std::fprintf(stderr, "%s\n", language.text("programs.lab_closed").c_str());
        return kProgramsExitEnvironment;
    }
    return *status;
}

}  // namespace

int run_shell_command(const ProgramCommandSettings& settings, const ProgramCommandContext& context,
                      const Language& language) {
    // A lab already running: this terminal joins it.
    auto joined = join_lab(request_for(settings.shell_host));
    if (joined) return join(joined.value(), language);
    if (settings.join) {
        print_error(joined.error());
        return kProgramsExitEnvironment;
    }
    if (!settings.record.empty())
        if (auto target = check_record_target(language, settings.record, settings.force); !target) {
            print_error(target.error());
            return kProgramsExitUsage;
        }

    auto outcome = std::make_shared<ProgramOutcome>();
    std::error_code ignored;
    const std::string here = std::filesystem::current_path(ignored).string();
    bool two_hosts = false;
    auto started =
        start_program_run(shells_lesson(!context.loopback_asked, outcome), context, language, here, two_hosts);
    if (!started) {
        print_error(started.error());
        return kProgramsExitEnvironment;
    }
    LessonRun& run = *started.value();
    ProgramSession& session = *run.programs();
    const Actor own_host = settings.shell_host == "server" ? Actor::Server : Actor::Client;

    // Joiners get the other host unless they ask; each gets its own shell.
    auto door = LabDoor::open([&session, own_host](const JoinRequest& request) {
        const Actor host = request.host == "server"    ? Actor::Server
                           : request.host == "client"  ? Actor::Client
                           : own_host == Actor::Client ? Actor::Server
                                                       : Actor::Client;
        return open_shell(session, host, request);
    });
    if (!door) print_error(door.error());  // this lab still runs, only nobody can join it
    LabDoor* door_pointer = door ? door.value().get() : nullptr;
    outcome->on_ended([door_pointer](const ProgramEnded& ended) {
        if (door_pointer) door_pointer->shell_ended(ended.pid, ended.exit_code, ended.signal);
    });

    fmt::print("{}\n{}\n\n", language.text(two_hosts ? "programs.intro_two_hosts" : "programs.intro_loopback"),
               fmt::format(fmt::runtime(language.text("programs.shell_intro")), host_name(own_host),
                           host_name(own_host == Actor::Client ? Actor::Server : Actor::Client)));
    std::fflush(stdout);

    std::unique_ptr<RunRecording> recording;
    if (!settings.record.empty()) {
        auto recorder = RunRecording::start(settings.record, settings.force, run);
        if (!recorder) {
            print_error(recorder.error());
            return kProgramsExitEnvironment;
        }
        recording = std::move(recorder.value());
    }
    g_shell_interrupted = 0;
    signal(SIGINT, on_shell_interrupt);
    signal(SIGTERM, on_shell_interrupt);
    signal(SIGHUP, on_shell_interrupt);

    run.begin_step();
    auto own = open_shell(session, own_host, request_for(host_name(own_host)));
    if (!own) {
        print_error(own.error());
        outcome->cancel();
    }
    std::unique_ptr<TerminalRelay> relay;
    if (own) {
        auto started_relay = TerminalRelay::start(own.value().terminal);
        if (started_relay) relay = std::move(started_relay.value());
    }
    TerminalOptions terminal;
    terminal.absolute = context.absolute;
    terminal.color = isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
    int64_t shown_until = 0;
    auto last_sync = Clock::now();
    bool said_waiting = false;
    while (!run.poll()) {
        if (g_shell_interrupted) outcome->cancel();
        if (relay && relay->finished()) {
            relay.reset();  // the terminal is ours again
            if (!said_waiting && door_pointer && door_pointer->joined_shells() > 0) {
                fmt::print("{}\n", language.text("programs.waiting_for_shells"));
                said_waiting = true;
            }
        }
        const int64_t until = realtime_now_ns() - std::chrono::nanoseconds(kPrintLag).count();
        if (!settings.quiet) {
            const TerminalView view(language, terminal, relay ? relay->lines() : stdout);
            view.print_live_events(run.trace(), shown_until, until);
        }
        shown_until = until;
        if (recording && Clock::now() - last_sync > 500ms) {
            if (auto written = recording->after_step(run); !written) print_error(written.error());
            last_sync = Clock::now();
        }
        std::this_thread::sleep_for(5ms);
    }
    relay.reset();
    if (door) door.value().reset();
    run.finish();
    if (!settings.quiet) TerminalView(language, terminal).print_live_events(run.trace(), shown_until, INT64_MAX);
    int status = 0;
    for (const ProgramEnded& ended : outcome->ended())
        if (own && ended.pid == own.value().pid) status = ended.signal != 0 ? 128 + ended.signal : ended.exit_code;
    if (recording) {
        auto info = recording->finish(run);
        if (info)
            RunRecording::print_written(language, info.value(), false, stderr);
        else
            print_error(info.error());
    }
    return g_shell_interrupted ? kProgramsExitInterrupted : status;
}

}  // namespace tcplab
