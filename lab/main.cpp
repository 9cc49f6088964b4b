// tcplab: the program. Parses the command line, prepares the process for the
// sandbox, and opens the window or runs a lesson in the terminal.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <type_traits>

#include "doctor_command.hpp"
#include "error_output.hpp"
#include "exec_command.hpp"
#include "exit_codes.hpp"
#include "export_command.hpp"
#include "i18n.hpp"
#include "json_lines.hpp"
#include "language_choice.hpp"
#include "open_command.hpp"
#include "predict_prompt.hpp"
#include "record_command.hpp"
#include "scenarios/duration.hpp"
#include "scenarios/lesson_file.hpp"
#include "scenarios/run.hpp"
#include "scenarios/sandbox.hpp"
#include "stats_command.hpp"
#include "terminal_gate.hpp"
#include "terminal_view.hpp"
#include "window/lab_window.hpp"
#include "window/settings.hpp"

namespace {

namespace exit_code = tcplab::exit_code;
using tcplab::print_error;

struct Settings {
    std::string lesson = "handshake";
    std::string language;  // --lang; "" when not given (then the saved setting, then the locale)
    bool json = false;
    bool absolute = false;
    bool no_tracepoint = false;
    // The two-host topology and its wire.
    std::string topology;  // "" : the lesson's own choice
    std::string latency;   // "40ms", "1.5s", "500us"
    int mtu = 0;
    double loss_percent = 0.0;
    uint64_t seed = 1;
    bool step = false;   // hold every segment at the gate and ask
    std::string script;  // decide for the gate unattended: "drop 2; hold 4"
    bool fallback_to_loopback = false;
    bool no_predict = false;         // a demonstration: no questions before the steps
    std::string answers;             // "2,1": answers to the questions, for scripts
    std::string record;              // run --record FILE: write the run to this pcapng file
    bool force = false;              // replace FILE if it exists
    std::vector<std::string> notes;  // run --note 2:TEXT: an instructor's note on step 2, in the recording
};

// A one-way latency for --latency: longer than 10 s would outlast every step's wait.
std::optional<std::chrono::microseconds> parse_latency(const std::string& text) {
    const auto latency = tcplab::parse_duration(text);
    if (!latency || *latency > std::chrono::seconds(10)) return std::nullopt;
    return latency;
}

// Builds the run's options from the command line; any wire setting means two hosts.
tcplab::RunOptions run_options(const Settings& settings) {
    tcplab::RunOptions options;
    options.use_tracepoint = !settings.no_tracepoint;
    // An explicit "loopback" overrides a lesson that asks for two hosts.
    if (settings.topology == "loopback") options.lesson_settings = false;
    const bool wants_wire = settings.topology == "two-hosts" || !settings.latency.empty() || settings.mtu > 0 ||
                            settings.loss_percent > 0 || settings.step || !settings.script.empty();
    if (!wants_wire) return options;
    options.topology = tcplab::Topology::TwoHosts;
    if (!settings.latency.empty()) options.wire.latency = *parse_latency(settings.latency);
    if (settings.mtu > 0) options.wire.mtu = static_cast<uint32_t>(settings.mtu);
    options.wire.loss = settings.loss_percent / 100.0;
    options.wire.seed = settings.seed;
    options.wire.gated = settings.step || !settings.script.empty();
    // A student deciding at the gate needs far longer than a socket call normally waits.
    if (settings.step && settings.script.empty())
        options.call_timeout_seconds = 600;
    else if (options.wire.gated)
        options.call_timeout_seconds = 30;
    return options;
}

// What `tcplab gui` was asked for.
struct GuiSettings {
    std::string lesson;
    bool presentation = false;
    std::string screenshot;
    std::string steps;  // a number or "all"
    std::string size;   // WIDTHxHEIGHT of the screenshot's window
    int frames = 0;
    bool report_first_frame = false;
    std::string open_file;  // gui --open FILE, or open FILE with a display
};

// When main() began: start-up is measured from here (and from the process's
// launch by bench/startup.py).
const auto kLaunchedAt = std::chrono::steady_clock::now();

// Namespaces can only be entered once and before any thread exists (GLFW and
// the OpenGL driver start threads), so whichever path runs first prepares.
tcplab::Status prepare_once() {
    static const tcplab::Status prepared = tcplab::prepare_process();
    return prepared;
}

int list_lessons(const tcplab::Language& shipped_language, bool json) {
    tcplab::Language language = shipped_language;
    for (const tcplab::LessonEntry& entry : tcplab::lesson_catalog()) language.add_lesson_texts(entry.texts);
    for (const tcplab::LessonEntry& entry : tcplab::lesson_catalog()) {
        const std::string title = language.text(entry.name + ".title");
        const std::string summary = language.text(entry.name + ".summary");
        if (json) {
            nlohmann::json line{{"name", entry.name}, {"title", title}, {"summary", summary}};
            if (entry.from_user_folder) line["path"] = entry.path;
            std::printf("%s\n", line.dump().c_str());
        } else if (entry.from_user_folder) {
            fmt::print("{:<12} {}: {} ({})\n", entry.name, title, summary, entry.path);
        } else {
            fmt::print("{:<12} {}: {}\n", entry.name, title, summary);
        }
    }
    // A lesson that could not be read is named with its mistake, never left out silently.
    for (const tcplab::Error& error : tcplab::lesson_catalog_errors()) print_error(error);
    return exit_code::kOk;
}

template <class View>
int run_with(const View& view, tcplab::LessonRun& run, tcplab::TerminalGate* gate,
             tcplab::RunRecording* recording = nullptr, const tcplab::Language* language = nullptr,
             tcplab::PredictPrompt* predict = nullptr) {
    view.print_intro(run);
    int64_t shown_until = 0;
    // The first write that failed (a full disk): the run stops there, since
    // what follows could not be kept, and the file ends at its last whole block.
    std::optional<tcplab::Error> recording_failed;
    while (!run.finished()) {
        const std::optional<size_t> picked = predict ? predict->ask(run, run.steps_done()) : std::nullopt;
        const tcplab::StepOutcome& outcome = gate ? gate->run_step(run) : run.step();
        view.print_step(run, outcome, shown_until);
        if (recording && language && !std::is_same_v<View, tcplab::JsonLines>)
            for (const std::string& note : recording->notes_on(outcome.index))
                fmt::print("{} {}\n", language->text("record.note"), note);
        if (predict) predict->tell(run, outcome, picked);
        shown_until = outcome.end_ns;
        std::fflush(stdout);
        if (recording) {
            if (auto written = recording->after_step(run); !written) {
                recording_failed = written.error();
                break;
            }
            if (tcplab::RunRecording::interrupted()) break;
        }
    }
    run.finish();
    view.print_summary(run);
    if (recording) {
        auto info = recording->finish(run);
        if (recording_failed) {
            print_error(*recording_failed);
            return exit_code::kCannotWrite;
        }
        if (!info) {
            print_error(info.error());
            return exit_code::kEnvironment;
        }
        tcplab::RunRecording::print_written(*language, info.value(), std::is_same_v<View, tcplab::JsonLines>,
                                            std::is_same_v<View, tcplab::JsonLines> ? stdout : stderr);
        if (tcplab::RunRecording::interrupted()) return exit_code::kInterrupted;
    }
    for (const tcplab::StepOutcome& outcome : run.outcomes())
        if (!outcome.passed()) return exit_code::kExpectationFailed;
    return exit_code::kOk;
}

int run_lesson(const Settings& settings, const tcplab::Language& shipped_language) {
    auto found = tcplab::find_lesson(settings.lesson);
    if (!found) {
        print_error(found.error());
        return exit_code::kUsage;
    }
    const tcplab::LessonEntry* entry = &found.value();
    tcplab::Language language = shipped_language;
    language.add_lesson_texts(entry->texts);
    tcplab::PredictOptions predict_options;
    predict_options.enabled = !settings.no_predict;
    predict_options.ask_on_terminal = isatty(STDIN_FILENO) && !settings.json && !settings.step;
    if (!settings.answers.empty()) {
        auto answers = tcplab::parse_answers(settings.answers);
        if (!answers) {
            print_error({"--answers must be numbers from 1, separated by commas: e.g. 2,1,3", ""});
            return exit_code::kUsage;
        }
        predict_options.answers = *answers;
    }
    if (!settings.record.empty())
        if (auto target = tcplab::check_record_target(language, settings.record, settings.force); !target) {
            print_error(target.error());
            return exit_code::kUsage;
        }
    std::vector<tcplab::StepNote> notes;
    for (const std::string& given : settings.notes) {
        const auto note = tcplab::parse_step_note(given);
        if (!note) {
            print_error({tcplab::fill_placeholders(language.text("record.bad_note"), {given}),
                         language.text("record.bad_note_fix")});
            return exit_code::kUsage;
        }
        notes.push_back(*note);
    }
    std::optional<tcplab::GateScript> script;
    if (!settings.script.empty()) {
        auto parsed = tcplab::GateScript::parse(settings.script);
        if (!parsed) {
            print_error(parsed.error());
            return exit_code::kUsage;
        }
        script = parsed.value();
    }
    tcplab::RunOptions options = run_options(settings);
    if (auto refused = tcplab::loopback_refusal(*entry, options)) {
        print_error(*refused);
        return exit_code::kUsage;
    }
    if (auto prepared = prepare_once(); !prepared) {
        print_error(prepared.error());
        return exit_code::kEnvironment;
    }
    auto run = tcplab::LessonRun::start(*entry, options);
    if (!run && options.topology == tcplab::Topology::TwoHosts && settings.fallback_to_loopback &&
        !entry->settings.needs_wire) {
        print_error(run.error());
        std::fprintf(stderr, "tcplab: %s\n", language.text("app.falling_back").c_str());
        options = tcplab::RunOptions{};
        options.use_tracepoint = !settings.no_tracepoint;
        options.lesson_settings = false;
        run = tcplab::LessonRun::start(*entry, options);
    }
    if (!run) {
        print_error(run.error());
        return exit_code::kEnvironment;
    }
    // Questions go to stderr when stdout carries JSON for a script.
    std::optional<tcplab::TerminalGate> gate;
    if (options.wire.gated) gate.emplace(language, script, stdin, settings.json ? stderr : stdout);
    tcplab::TerminalGate* gate_pointer = gate ? &*gate : nullptr;
    // A note on a step the lesson does not have would never be written: said now, not lost.
    for (size_t index = 0; index < notes.size(); ++index)
        if (notes[index].step >= run.value()->lesson().steps.size()) {
            print_error(
                {tcplab::fill_placeholders(language.text("record.no_such_note_step"),
                                           {settings.notes[index], std::to_string(run.value()->lesson().steps.size())}),
                 language.text("record.bad_note_fix")});
            return exit_code::kUsage;
        }
    std::unique_ptr<tcplab::RunRecording> recording;
    if (!settings.record.empty()) {
        auto started = tcplab::RunRecording::start(settings.record, settings.force, *run.value(), std::move(notes));
        if (!started) {
            print_error(started.error());
            return exit_code::kEnvironment;
        }
        recording = std::move(started.value());
    }
    if (settings.json)
        return run_with(tcplab::JsonLines(language), *run.value(), gate_pointer, recording.get(), &language);
    tcplab::TerminalOptions terminal;
    terminal.absolute = settings.absolute;
    terminal.color = isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
    tcplab::PredictPrompt predict(language, predict_options);
    return run_with(tcplab::TerminalView(language, terminal), *run.value(), gate_pointer, recording.get(), &language,
                    &predict);
}

// What `tcplab exec` and the window's "Your programs" run the student's programs with.
tcplab::ProgramCommandContext program_context(const Settings& settings) {
    return {run_options(settings),
            settings.topology == "loopback",
            settings.step,
            settings.script,
            settings.json,
            settings.absolute,
            [] { return prepare_once(); },
            {}};
}

tcplab::WindowOptions window_options(const Settings& settings, const GuiSettings& gui) {
    tcplab::WindowOptions options;
    options.lesson = gui.lesson;
    options.language = settings.language;  // already --lang, else saved, else the locale
    options.presentation = gui.presentation;
    options.run_options = run_options(settings);
    options.screenshot_path = gui.screenshot;
    if (!gui.steps.empty() && gui.steps != "all") options.screenshot_steps = std::stoul(gui.steps);
    if (int width = 0, height = 0; std::sscanf(gui.size.c_str(), "%dx%d", &width, &height) == 2) {
        options.screenshot_width = width;
        options.screenshot_height = height;
    }
    options.frames = gui.frames;
    options.report_first_frame = gui.report_first_frame;
    options.launched_at = kLaunchedAt;
    options.open_file = gui.open_file;
    // Without a sandbox the window still opens and says why no lesson runs.
    if (auto prepared = prepare_once(); !prepared) options.startup_error = prepared.error();
    options.program_context = program_context(settings);
    return options;
}

int run_gui(const Settings& settings, const GuiSettings& gui) {
    auto window = tcplab::LabWindow::open(window_options(settings, gui));
    if (!window) {
        print_error(window.error());
        return exit_code::kEnvironment;
    }
    return window.value()->run();
}

// Options that several commands share. Each command that takes one lists it in
// its own --help; the top level takes them all too, so they may also come
// before the command's name (`tcplab --lang zh run handshake`).
enum SharedOptions : unsigned {
    kLanguageOption = 1,
    kJsonOption = 2,
    kAbsoluteOption = 4,
    kLabOptions = 8,  // the topology, the wire and the state sources
    kEveryOption = 15,
};

void add_shared_options(CLI::App& app, Settings& settings, unsigned which) {
    if (which & kLanguageOption)
        app.add_option("--lang", settings.language,
                       "language of the explanations: en or zh (default: the saved choice, else the locale)")
            ->check(CLI::IsMember({"en", "zh", "zh-CN"}));
    if (which & kJsonOption) app.add_flag("--json", settings.json, "print events as JSON lines, for scripts");
    if (which & kAbsoluteOption)
        app.add_flag("--absolute", settings.absolute, "show raw sequence numbers instead of relative ones");
    if (!(which & kLabOptions)) return;
    app.add_option("--topology", settings.topology, "loopback (one host, lo) or two-hosts (joined by the wire)")
        ->check(CLI::IsMember({"loopback", "two-hosts"}));
    app.add_option("--latency", settings.latency, "one-way latency on the wire, e.g. 40ms (implies two-hosts)")
        ->check([](const std::string& text) {
            return parse_latency(text) ? std::string() : "expected a duration up to 10s, such as 40ms, 1.5s or 500us";
        });
    app.add_option("--mtu", settings.mtu, "the wire's MTU, e.g. 576 to split large sends (implies two-hosts)")
        ->check(CLI::Range(576, 9000));
    app.add_option("--loss", settings.loss_percent, "random loss on the wire, in percent (implies two-hosts)")
        ->check(CLI::Range(0.0, 100.0));
    app.add_option("--seed", settings.seed, "seed of the wire's random loss: the same seed loses the same segments");
    app.add_flag("--step", settings.step,
                 "hold every segment at the wire's gate and ask: release, drop or hold (implies two-hosts)");
    app.add_option("--script", settings.script,
                   "decide for the gate unattended, e.g. \"drop 2; hold 4\" (segments not named are released)");
    app.add_flag("--fallback-to-loopback", settings.fallback_to_loopback,
                 "if the wire cannot be laid (no /dev/net/tun), run a lesson made for one host on loopback instead "
                 "(the built-in lessons need the wire; exec and shell fall back by themselves)");
    app.add_flag("--no-tracepoint", settings.no_tracepoint,
                 "take socket states from socket dumps and packets only, as without root");
}

// A mistyped option or argument: one line saying what, and where the help is,
// not the whole help.
int usage_error(const CLI::App& app, const CLI::ParseError& error) {
    std::string command = "tcplab";
    for (const CLI::App* sub = &app; !sub->get_subcommands().empty();) {
        sub = sub->get_subcommands().front();
        command += " " + sub->get_name();
    }
    std::fprintf(stderr, "tcplab: %s\n", error.what());
    std::fprintf(stderr, "Run `%s --help` for the options.\n", command.c_str());
    return exit_code::kUsage;
}

}  // namespace

int main(int argc, char** argv) {
    // A file that reaches the size limit (`ulimit -f`) must fail the write with
    // EFBIG, which the recording reports, rather than kill tcplab mid-run.
    std::signal(SIGXFSZ, SIG_IGN);
    Settings settings;
    std::vector<std::string> names;
    for (const tcplab::LessonEntry& entry : tcplab::lesson_catalog()) names.push_back(entry.name);

    CLI::App app{
        "tcplab: watch the real Linux TCP stack, step by step, in a private network namespace.\n"
        "Without a command it opens the window, or runs the handshake lesson in the terminal without a display."};
    app.set_version_flag("--version", "tcplab " TCPLAB_VERSION);
    add_shared_options(app, settings, kEveryOption);
    CLI::App* list = app.add_subcommand("list", "name the lessons");
    tcplab::ProgramCommandSettings programs;
    list->add_flag("--examples", programs.list_examples, "name the example programs (tcplab exec --example NAME)");
    add_shared_options(*list, settings, kLanguageOption | kJsonOption);
    list->fallthrough();
    CLI::App* run = app.add_subcommand("run", "run a lesson in the terminal");
    run->add_option("lesson", settings.lesson, "which lesson (see `tcplab list`), or a lesson file (.toml)")
        ->required();
    run->add_flag("--no-predict", settings.no_predict, "ask no questions before the steps (for a demonstration)");
    run->add_option("--answers", settings.answers, "answer the lesson's questions in order, e.g. 2,1 (for scripts)");
    CLI::Option* record = run->add_option("--record", settings.record,
                                          "write the run to this pcapng file as it happens (Wireshark opens it)");
    run->add_flag("--force", settings.force, "with --record: replace the file if it exists");
    run->add_option("--note", settings.notes,
                    "with --record: a note on a step, e.g. 2:\"look at the ack\" (the step's first packet carries it "
                    "as its comment); may be repeated")
        ->needs(record);
    add_shared_options(*run, settings, kEveryOption);
    run->fallthrough();
    GuiSettings gui;
    CLI::App* window = app.add_subcommand("gui", "open the window (the default when there is a display)");
    // A lesson's name, or a teacher's lesson file: a mistake in the file shows in the window, with its line.
    const CLI::Validator lesson_name_or_file(
        [names](std::string& given) -> std::string {
            const bool file = given.find('/') != std::string::npos || given.ends_with(".toml");
            if (file || std::find(names.begin(), names.end(), given) != names.end()) return "";
            std::string known;
            for (const std::string& name : names) known += (known.empty() ? "" : ", ") + name;
            return "no lesson named \"" + given + "\" (pick one of: " + known + ", or give a lesson file)";
        },
        "NAME|FILE.toml");
    window
        ->add_option("--lesson,--scenario", gui.lesson, "the lesson to load (default: the last one), or a lesson file")
        ->check(lesson_name_or_file);
    window->add_flag("--presentation", gui.presentation,
                     "the presentation layout: lesson, ladder and state machine in large text, for a projector (F11)");
    CLI::Option* screenshot = window->add_option(
        "--screenshot", gui.screenshot, "run the steps, save the window as this PNG (and PNG.json: its panels), close");
    window->add_option("--steps", gui.steps, "with --screenshot: how many steps to run first, or all (default)")
        ->check(CLI::PositiveNumber | CLI::IsMember({"all"}))
        ->needs(screenshot);
    const CLI::Validator width_by_height(
        [](std::string& given) -> std::string {
            int width = 0, height = 0;
            char rest = 0;
            const bool read = std::sscanf(given.c_str(), "%dx%d%c", &width, &height, &rest) == 2;
            return read && width >= 320 && height >= 240 && width <= 7680 && height <= 4320
                       ? ""
                       : "expected WIDTHxHEIGHT, e.g. 1280x720";
        },
        "WIDTHxHEIGHT");
    window->add_option("--size", gui.size, "with --screenshot: the window's size, e.g. 1024x768 (default 1600x900)")
        ->check(width_by_height)
        ->needs(screenshot);
    window->add_option("--frames", gui.frames, "close after N frames (with --screenshot: frames after the steps)")
        ->check(CLI::PositiveNumber);
    window->add_option("--open", gui.open_file, "a tcplab recording or any pcap/pcapng file to show");
    window->add_flag("--report-first-frame", gui.report_first_frame,
                     "print how many ms after launch the first frame was drawn (start-up benchmark)");
    add_shared_options(*window, settings, kLanguageOption | kLabOptions);
    window->fallthrough();
    tcplab::OpenSettings open_settings;
    bool open_in_terminal = false;
    CLI::App* open = app.add_subcommand("open", "replay a recording, or show any pcap/pcapng file (no root needed)");
    open->add_option("file", open_settings.path, "the file")->required();
    open->add_flag("--terminal", open_in_terminal, "print it in the terminal even when there is a display");
    add_shared_options(*open, settings, kLanguageOption | kJsonOption | kAbsoluteOption);
    open->fallthrough();
    tcplab::ExportSettings export_settings;
    CLI::App* exporter =
        app.add_subcommand("export", "write a recording's trace as JSON lines or CSV, or its ladder as SVG");
    exporter->add_option("file", export_settings.path, "a tcplab recording or any pcap/pcapng file")->required();
    exporter->add_option("--format", export_settings.format, "json (JSON lines), csv, or svg (the ladder diagram)")
        ->check(CLI::IsMember({"json", "csv", "svg"}));
    exporter->add_option("--out", export_settings.out, "where to write (default: standard output)");
    CLI::Option* from_ns = exporter->add_option("--from-ns", export_settings.from_ns,
                                                "only events at least this many ns after the first one");
    CLI::Option* to_ns =
        exporter->add_option("--to-ns", export_settings.to_ns, "only events at most this many ns after the first one");
    exporter->add_option("--steps", export_settings.steps, "only these recorded steps, e.g. 2 or 2-4 (from 1)")
        ->excludes(from_ns)
        ->excludes(to_ns);
    add_shared_options(*exporter, settings, kLanguageOption);
    exporter->fallthrough();
    std::string stats_path;
    bool stats_stream = false;
    CLI::App* stats = app.add_subcommand("stats", "open a capture headless and print what it cost (speed, memory)");
    stats->add_option("file", stats_path, "a pcap or pcapng file")->required();
    stats->add_flag("--stream", stats_stream, "read it as read_trace does, copying every frame (for comparison)");
    add_shared_options(*stats, settings, kLanguageOption | kJsonOption);
    stats->fallthrough();
    const tcplab::ProgramCommands program_commands = tcplab::add_program_commands(app, programs);
    add_shared_options(*program_commands.exec, settings, kEveryOption);
    add_shared_options(*program_commands.shell, settings, kEveryOption);
    CLI::App* doctor = app.add_subcommand("doctor",
                                          "say what this PC allows (namespaces, the wire, a display, fonts) "
                                          "and what to do; exit 0 when lessons can run");
    add_shared_options(*doctor, settings, kLanguageOption | kJsonOption);
    doctor->fallthrough();
    app.require_subcommand(0, 1);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& help) {
        return app.exit(help);
    } catch (const CLI::CallForVersion& version) {
        return app.exit(version);
    } catch (const CLI::ParseError& error) {
        return usage_error(app, error);
    }

    const tcplab::LanguageChoice language_choice =
        tcplab::choose_language(settings.language, tcplab::saved_language(tcplab::settings_file_path()));
    settings.language = language_choice.code;
    auto language = tcplab::Language::load(settings.language);
    if (!language) {
        print_error(language.error());
        return exit_code::kEnvironment;
    }
    tcplab::set_error_language(language.value());
    if (doctor->parsed()) {
        const tcplab::DoctorInputs inputs{TCPLAB_VERSION, language_choice, [] { return prepare_once(); }};
        return tcplab::run_doctor_command(inputs, language.value(), settings.json);
    }
    if (list->parsed() && programs.list_examples) return tcplab::list_examples(language.value(), settings.json);
    if (list->parsed()) return list_lessons(language.value(), settings.json);
    if (program_commands.exec->parsed() || program_commands.shell->parsed()) {
        tcplab::ProgramCommandContext context = program_context(settings);
        // With a display the window shows the run (as for a lesson), unless --terminal or --json.
        if (!settings.json && tcplab::display_available())
            context.open_window = [&](std::shared_ptr<tcplab::WindowProgramRun> window_run,
                                      const tcplab::ProgramCommandSettings& exec) {
                GuiSettings exec_gui;
                exec_gui.screenshot = exec.screenshot;
                tcplab::WindowOptions options = window_options(settings, exec_gui);
                options.programs = std::move(window_run);
                options.programs_record = exec.record;
                options.programs_record_force = exec.force;
                auto opened = tcplab::LabWindow::open(options);
                if (!opened) {
                    print_error(opened.error());
                    return exit_code::kEnvironment;
                }
                return opened.value()->run();
            };
        return program_commands.exec->parsed() ? tcplab::run_exec_command(programs, context, language.value())
                                               : tcplab::run_shell_command(programs, context, language.value());
    }
    if (stats->parsed())
        return tcplab::run_stats_command(stats_path, settings.json,
                                         stats_stream ? tcplab::OpenEngine::Stream : tcplab::OpenEngine::Indexed,
                                         language.value());
    if (window->parsed()) return run_gui(settings, gui);
    if (exporter->parsed()) return tcplab::export_file(export_settings, language.value());
    if (open->parsed()) {
        if (!open_in_terminal && !settings.json && tcplab::display_available()) {
            gui.open_file = open_settings.path;
            return run_gui(settings, gui);
        }
        open_settings.json = settings.json;
        open_settings.absolute = settings.absolute;
        open_settings.color = isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
        return tcplab::open_in_terminal(open_settings, language.value());
    }
    if (!run->parsed() && !settings.json && tcplab::display_available()) {
        auto opened = tcplab::LabWindow::open(window_options(settings, GuiSettings{}));
        if (opened) return opened.value()->run();
        print_error(opened.error());
    }
    if (!run->parsed() && !settings.json) std::printf("%s\n\n", language.value().text("app.headless").c_str());
    return run_lesson(settings, language.value());
}
