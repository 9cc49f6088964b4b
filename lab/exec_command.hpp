#pragma once
// `tcplab exec`, `tcplab shell` and `tcplab list --examples`: the student's
// own programs on the lab's hosts, their calls, segments and both ends'
// states printed as they happen, each program's output as "[server] …".
#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "i18n.hpp"
#include "scenarios/run.hpp"

namespace tcplab {

class WindowProgramRun;

struct ProgramCommandSettings {
    // exec
    std::string server;  // a command line, or "echo" for the built-in echo server
    std::string client;
    std::string host;                  // --host client|server, with a command after --
    std::vector<std::string> command;  // after --
    std::string example;               // --example NAME
    double timeout_seconds = 0;
    double client_delay_seconds = -1;
    std::string record;
    bool force = false;
    bool terminal = false;   // --terminal: the terminal view even with a display
    std::string screenshot;  // --screenshot PNG: the window, saved once the programs are done
    // shell
    std::string shell_host;
    bool join = false;
    bool quiet = false;  // shell: no event lines between the shell's output
    // list
    bool list_examples = false;
};

// What main() hands over: the options every command shares.
struct ProgramCommandContext {
    RunOptions run_options;       // from the wire options (--latency, --mtu, --loss, --step, --script …)
    bool loopback_asked = false;  // --topology loopback
    bool step = false;            // --step: the gate asks in the terminal
    std::string script;           // --script
    bool json = false;
    bool absolute = false;
    std::function<Status()> prepare;  // main's prepare_once()
    // Opens the window on the programs' run (main's, which owns the window);
    // returns the window's exit status. Unset (no display, --json): the terminal.
    std::function<int(std::shared_ptr<WindowProgramRun>, const ProgramCommandSettings&)> open_window;
};

struct ProgramCommands {
    CLI::App* exec = nullptr;
    CLI::App* shell = nullptr;
};
ProgramCommands add_program_commands(CLI::App& app, ProgramCommandSettings& settings);

int list_examples(const Language& language, bool json);
int run_exec_command(const ProgramCommandSettings& settings, const ProgramCommandContext& context,
                     const Language& language);
int run_shell_command(const ProgramCommandSettings& settings, const ProgramCommandContext& context,
                      const Language& language);

}  // namespace tcplab
