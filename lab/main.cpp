// tcplab: the program. Parses the command line, prepares the process for the
// sandbox, and opens the window or runs a scenario in the terminal.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "i18n.hpp"
#include "json_lines.hpp"
#include "scenarios/run.hpp"
#include "scenarios/sandbox.hpp"
#include "terminal_view.hpp"
#include "window/lab_window.hpp"

namespace {

// Exit codes: what a script can rely on.
constexpr int kExitOk = 0;
constexpr int kExitExpectationFailed = 1;
constexpr int kExitEnvironment = 2;  // no namespace, no capture, missing assets
constexpr int kExitUsage = 64;       // EX_USAGE

struct Settings {
    std::string scenario = "handshake";
    std::string language = "en";
    bool json = false;
    bool absolute = false;
    bool no_tracepoint = false;
};

// What `tcplab gui` was asked for.
struct GuiSettings {
    std::string scenario;
    bool presentation = false;
    std::string screenshot;
    std::string steps;  // a number or "all"
    int frames = 0;
};

// Namespaces can only be entered once and before any thread exists (GLFW and
// the OpenGL driver start threads), so whichever path runs first prepares.
tcplab::Status prepare_once() {
    static const tcplab::Status prepared = tcplab::prepare_process();
    return prepared;
}

void print_error(const tcplab::Error& error) {
    std::fprintf(stderr, "tcplab: %s\n", error.what.c_str());
    if (!error.remedy.empty()) std::fprintf(stderr, "  fix: %s\n", error.remedy.c_str());
}

int list_scenarios(const tcplab::Language& language, bool json) {
    for (const tcplab::ScenarioEntry& entry : tcplab::scenario_catalog()) {
        const std::string title = language.text(entry.name + ".title");
        const std::string summary = language.text(entry.name + ".summary");
        if (json)
            std::printf("%s\n",
                        nlohmann::json{{"name", entry.name}, {"title", title}, {"summary", summary}}.dump().c_str());
        else
            fmt::print("{:<12} {}: {}\n", entry.name, title, summary);
    }
    return kExitOk;
}

template <class View>
int run_with(const View& view, tcplab::ScenarioRun& run) {
    view.print_intro(run);
    int64_t shown_until = 0;
    while (!run.finished()) {
        const tcplab::StepOutcome& outcome = run.step();
        view.print_step(run, outcome, shown_until);
        shown_until = outcome.end_ns;
        std::fflush(stdout);
    }
    run.finish();
    view.print_summary(run);
    for (const tcplab::StepOutcome& outcome : run.outcomes())
        if (!outcome.passed()) return kExitExpectationFailed;
    return kExitOk;
}

int run_scenario(const Settings& settings, const tcplab::Language& language) {
    const tcplab::ScenarioEntry* entry = tcplab::find_scenario(settings.scenario);
    if (auto prepared = prepare_once(); !prepared) {
        print_error(prepared.error());
        return kExitEnvironment;
    }
    tcplab::RunOptions options;
    options.use_tracepoint = !settings.no_tracepoint;
    auto run = tcplab::ScenarioRun::start(*entry, options);
    if (!run) {
        print_error(run.error());
        return kExitEnvironment;
    }
    if (settings.json) return run_with(tcplab::JsonLines(language), *run.value());
    tcplab::TerminalOptions terminal;
    terminal.absolute = settings.absolute;
    terminal.color = isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
    return run_with(tcplab::TerminalView(language, terminal), *run.value());
}

tcplab::WindowOptions window_options(const Settings& settings, const GuiSettings& gui, bool language_given) {
    tcplab::WindowOptions options;
    options.scenario = gui.scenario;
    if (language_given) options.language = settings.language;
    options.presentation = gui.presentation;
    options.run_options.use_tracepoint = !settings.no_tracepoint;
    options.screenshot_path = gui.screenshot;
    if (!gui.steps.empty() && gui.steps != "all") options.screenshot_steps = std::stoul(gui.steps);
    options.frames = gui.frames;
    // Without a sandbox the window still opens and says why no lesson runs.
    if (auto prepared = prepare_once(); !prepared) options.startup_error = prepared.error();
    return options;
}

int run_gui(const Settings& settings, const GuiSettings& gui, bool language_given) {
    auto window = tcplab::LabWindow::open(window_options(settings, gui, language_given));
    if (!window) {
        print_error(window.error());
        return kExitEnvironment;
    }
    return window.value()->run();
}

}  // namespace

int main(int argc, char** argv) {
    Settings settings;
    std::vector<std::string> names;
    for (const tcplab::ScenarioEntry& entry : tcplab::scenario_catalog()) names.push_back(entry.name);

    CLI::App app{
        "tcplab: watch the real Linux TCP stack, step by step, in a private network namespace.\n"
        "Without a command it runs the handshake scenario in the terminal."};
    app.set_version_flag("--version", "tcplab 0.1.0");
    app.add_option("--lang", settings.language, "language of the explanations: en or zh")
        ->check(CLI::IsMember({"en", "zh", "zh-CN"}));
    app.add_flag("--json", settings.json, "print events as JSON lines, for scripts");
    app.add_flag("--absolute", settings.absolute, "show raw sequence numbers instead of relative ones");
    app.add_flag("--no-tracepoint", settings.no_tracepoint,
                 "take socket states from socket dumps and packets only, as without root");

    CLI::App* list = app.add_subcommand("list", "name the scenarios");
    list->fallthrough();
    CLI::App* run = app.add_subcommand("run", "run a scenario in the terminal");
    run->add_option("scenario", settings.scenario, "which scenario (see `tcplab list`)")
        ->required()
        ->check(CLI::IsMember(names));
    run->fallthrough();
    GuiSettings gui;
    CLI::App* window = app.add_subcommand("gui", "open the window (the default when there is a display)");
    window->add_option("--scenario", gui.scenario, "the lesson to load (default: the last one)")
        ->check(CLI::IsMember(names));
    window->add_flag("--presentation", gui.presentation, "large text and thick lines for a projector (F11)");
    CLI::Option* screenshot = window->add_option(
        "--screenshot", gui.screenshot, "run the steps, save the window as this PNG (and PNG.json: its panels), close");
    window->add_option("--steps", gui.steps, "with --screenshot: how many steps to run first, or all (default)")
        ->check(CLI::PositiveNumber | CLI::IsMember({"all"}))
        ->needs(screenshot);
    window->add_option("--frames", gui.frames, "close after N frames (with --screenshot: frames after the steps)")
        ->check(CLI::PositiveNumber);
    window->fallthrough();
    app.require_subcommand(0, 1);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& help) {
        return app.exit(help);
    } catch (const CLI::CallForVersion& version) {
        return app.exit(version);
    } catch (const CLI::ParseError& error) {
        app.exit(error);
        std::fprintf(stderr, "\n%s", app.help().c_str());
        return kExitUsage;
    }

    auto language = tcplab::Language::load(settings.language);
    if (!language) {
        print_error(language.error());
        return kExitEnvironment;
    }
    if (list->parsed()) return list_scenarios(language.value(), settings.json);
    const bool language_given = app.get_option("--lang")->count() > 0;
    if (window->parsed()) return run_gui(settings, gui, language_given);
    if (!run->parsed() && !settings.json && tcplab::display_available()) {
        auto opened = tcplab::LabWindow::open(window_options(settings, GuiSettings{}, language_given));
        if (opened) return opened.value()->run();
        print_error(opened.error());
    }
    if (!run->parsed() && !settings.json) std::printf("%s\n\n", language.value().text("app.headless").c_str());
    return run_scenario(settings, language.value());
}
