#include "open_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "capture/capture_index.hpp"
#include "exit_codes.hpp"
#include "json_lines.hpp"
#include "record_command.hpp"
#include "replay.hpp"
#include "terminal_view.hpp"

namespace tcplab {
namespace {

constexpr int64_t kBeforeAll = std::numeric_limits<int64_t>::min();
constexpr int64_t kAfterAll = std::numeric_limits<int64_t>::max();

void emit(std::FILE* out, const nlohmann::json& object) {
    fmt::print(out, "{}\n", object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::string paint(const OpenSettings& settings, const std::string& text, const char* ansi) {
    if (!settings.color) return text;
    return fmt::format("\x1b[{}m{}\x1b[0m", ansi, text);
}

std::string format_name(CaptureFormat format) { return format == CaptureFormat::Pcap ? "pcap" : "pcapng"; }

// Notes that are not a step's own marker: an instructor's, or a foreign file's packet comments.
std::vector<const NoteEvent*> instructor_notes(const Trace& trace, int64_t after_ns, int64_t until_ns,
                                               const std::vector<ReplayedStep>& steps) {
    std::vector<const NoteEvent*> notes;
    for (const NoteEvent& note : trace.notes()) {
        if (note.time_ns <= after_ns || note.time_ns > until_ns) continue;
        const bool marker = std::any_of(steps.begin(), steps.end(), [&](const ReplayedStep& step) {
            return note.step == static_cast<int>(step.outcome.index) && note.key == step.key;
        });
        if (!marker) notes.push_back(&note);
    }
    return notes;
}

// The lesson's title, or its name when this tcplab has no text for it.
std::string lesson_title(const Language& language, const RecordedLesson& lesson) {
    return language.has(lesson.title_key) ? language.text(lesson.title_key) : lesson.name;
}

class Printer {
public:
    Printer(const OpenSettings& settings, const Language& language, std::FILE* out, const LoadedTrace& loaded)
        : settings_(settings),
          language_(language),
          out_(out),
          loaded_(loaded),
          terminal_(language, TerminalOptions{settings.absolute, settings.color}, out),
          json_(language, out),
          steps_(replayed_steps(loaded)) {}

    void print() {
        intro();
        int64_t shown_until = kBeforeAll;
        for (const ReplayedStep& step : steps_) {
            if (settings_.json)
                json_.print_step(loaded_.trace, step.key, to_step_outcome(step.outcome), step.after_ns);
            else
                terminal_.print_step(loaded_.trace, step.key, lesson_step_count(loaded_), to_step_outcome(step.outcome),
                                     step.after_ns);
            notes(step.after_ns, step.outcome.end_ns);
            shown_until = step.outcome.end_ns;
        }
        // A foreign capture has no steps; a recording may have events after its last step.
        if (has_events_after(shown_until)) {
            if (!settings_.json) {
                if (!steps_.empty())
                    fmt::print(out_, "\n{}\n\n", paint(settings_, language_.text("record.after_steps"), "1"));
                else
                    fmt::print(out_, "\n");
                terminal_.print_events(loaded_.trace, shown_until, kAfterAll);
            } else {
                json_.print_events(loaded_.trace, shown_until, kAfterAll);
            }
            notes(shown_until, kAfterAll);
        }
        summary();
    }

private:
    bool has_events_after(int64_t time) const {
        const Trace& trace = loaded_.trace;
        const auto later = [time](const auto& events) { return !events.empty() && events.back().time_ns > time; };
        return later(trace.packets()) || later(trace.states()) || later(trace.calls()) || later(trace.wire_events()) ||
               later(trace.notes());
    }

    void intro() {
        const Trace& trace = loaded_.trace;
        if (settings_.json) {
            nlohmann::json file = {{"type", "file"},
                                   {"path", settings_.path},
                                   {"format", format_name(loaded_.format)},
                                   {"tcplab", loaded_.from_tcplab},
                                   {"packets", loaded_.packets},
                                   {"connections", trace.connections().size()},
                                   {"steps_recorded", steps_.size()}};
            if (loaded_.lesson) {
                file["lesson"] = loaded_.lesson->name;
                file["title"] = lesson_title(language_, *loaded_.lesson);
                file["steps"] = loaded_.lesson->step_keys.size();
            }
            emit(out_, file);
            for (size_t index = 0; index < trace.connections().size(); ++index) {
                const Connection& connection = trace.connections()[index];
                emit(out_, {{"type", "connection"},
                            {"index", index},
                            {"client", connection.client.to_string()},
                            {"server", connection.server.to_string()},
                            {"packets", connection.packet_count}});
            }
            return;
        }
        fmt::print(out_, "{}\n\n", paint(settings_, language_.text("app.title"), "1"));
        fmt::print(out_, "{}\n",
                   fill_placeholders(language_.text("record.opened"),
                                     {settings_.path, format_name(loaded_.format), std::to_string(loaded_.packets)}));
        if (loaded_.lesson) {
            const RecordedLesson& lesson = *loaded_.lesson;
            const std::string summary_key = lesson.name + ".summary";
            fmt::print(out_, "\n{}\n", paint(settings_, lesson_title(language_, lesson), "1"));
            if (language_.has(summary_key)) fmt::print(out_, "{}\n", language_.text(summary_key));
            fmt::print(out_, "\n");
        }
        if (!loaded_.from_tcplab)
            fmt::print(out_, "{}\n", language_.text("record.foreign"));
        else
            fmt::print(out_, "{}\n", language_.text("record.replay"));
        fmt::print(out_, "{}\n", language_.text(settings_.absolute ? "app.absolute_note" : "app.relative_note"));
        if (!steps_.empty()) return;
        // No steps to walk through: say which conversations the file holds.
        fmt::print(out_, "\n{}\n", paint(settings_, language_.text("record.connections"), "1"));
        if (trace.connections().empty()) fmt::print(out_, "  {}\n", language_.text("record.no_connections"));
        for (size_t index = 0; index < trace.connections().size(); ++index) {
            const Connection& connection = trace.connections()[index];
            fmt::print(out_, "  {}\n",
                       fill_placeholders(language_.text("record.connection"),
                                         {std::to_string(index + 1), connection.client.to_string(),
                                          connection.server.to_string(), std::to_string(connection.packet_count)}));
        }
    }

    void notes(int64_t after_ns, int64_t until_ns) {
        const int64_t start = loaded_.trace.start_ns();
        for (const NoteEvent* note : instructor_notes(loaded_.trace, after_ns, until_ns, steps_)) {
            if (settings_.json)
                emit(out_, {{"type", "note"},
                            {"time_ns", note->time_ns},
                            {"time_us", (note->time_ns - start) / 1000},
                            {"step", note->step},
                            {"text", note->key}});
            else
                fmt::print(out_, "  {:>10}  {} {}\n", fmt::format("+{}", (note->time_ns - start) / 1000),
                           language_.text("record.note"), note->key);
        }
    }

    void summary() {
        size_t passed = 0, total = 0;
        bool all = true;
        for (const ReplayedStep& step : steps_) {
            all = all && step.outcome.passed();
            for (const RecordedExpectation& expectation : step.outcome.expectations) {
                ++total;
                passed += expectation.passed;
            }
        }
        const size_t lesson_steps = lesson_step_count(loaded_);
        if (settings_.json) {
            nlohmann::json summary = {{"type", "summary"},
                                      {"packets", loaded_.packets},
                                      {"lost_events", loaded_.trace.lost_events()},
                                      {"steps_recorded", steps_.size()},
                                      {"steps", lesson_steps}};
            if (!steps_.empty()) summary["passed"] = all;
            emit(out_, summary);
            for (const std::string& warning : loaded_.warnings) emit(out_, {{"type", "warning"}, {"what", warning}});
            if (loaded_.fault)
                emit(out_, {{"type", "fault"},
                            {"block", loaded_.fault->block_index},
                            {"offset", loaded_.fault->offset},
                            {"what", loaded_.fault->message()}});
            return;
        }
        // A run of the student's own programs or shells expects nothing: no "0/0" line.
        if (!steps_.empty() && total > 0)
            fmt::print(out_, "\n{} {}/{} {}\n",
                       all ? paint(settings_, language_.text("app.all_passed"), "32")
                           : paint(settings_, language_.text("app.some_failed"), "31"),
                       passed, total, language_.text("app.passed_count"));
        if (loaded_.lesson && steps_.size() < lesson_steps)
            fmt::print(
                out_, "{}\n",
                paint(settings_,
                      fmt::format(fmt::runtime(language_.text("record.incomplete")), steps_.size(), lesson_steps),
                      "33"));
        if (loaded_.trace.lost_events() > 0)
            fmt::print(
                out_, "{}\n",
                paint(settings_, fmt::format("{} {}", loaded_.trace.lost_events(), language_.text("app.lost_events")),
                      "31"));
        for (const std::string& warning : loaded_.warnings)
            fmt::print(out_, "{} {}\n", paint(settings_, language_.text("record.warning"), "33"), warning);
        if (loaded_.fault)
            fmt::print(out_, "{}\n  {}\n", paint(settings_, language_.text("record.fault"), "31"),
                       loaded_.fault->message());
    }

    const OpenSettings& settings_;
    const Language& language_;
    std::FILE* out_;
    const LoadedTrace& loaded_;
    TerminalView terminal_;
    JsonLines json_;
    std::vector<ReplayedStep> steps_;
};

}  // namespace

size_t lesson_step_count(const LoadedTrace& loaded) {
    if (loaded.lesson) return loaded.lesson->step_keys.size();
    size_t count = 0;
    for (const RecordedStep& step : loaded.steps) count = std::max<size_t>(count, step.index + 1);
    return count;
}

std::vector<ReplayedStep> replayed_steps(const LoadedTrace& loaded) {
    std::vector<ReplayedStep> steps;
    int64_t after = kBeforeAll;
    for (const RecordedStep& recorded : loaded.steps) {
        ReplayedStep step;
        step.outcome = recorded;
        step.after_ns = after;
        if (loaded.lesson && recorded.index < loaded.lesson->step_keys.size())
            step.key = loaded.lesson->step_keys[recorded.index];
        // Without a Lesson record, the run's marker note names the step.
        for (const NoteEvent& note : loaded.trace.notes())
            if (step.key.empty() && note.step == static_cast<int>(recorded.index)) step.key = note.key;
        after = recorded.end_ns;
        steps.push_back(std::move(step));
    }
    return steps;
}

int open_in_terminal(const OpenSettings& settings, const Language& language, std::FILE* out) {
    auto opened = open_capture(settings.path);
    if (!opened) {
        std::fprintf(stderr, "tcplab: %s\n", opened.error().what.c_str());
        if (!opened.error().remedy.empty()) std::fprintf(stderr, "  fix: %s\n", opened.error().remedy.c_str());
        return exit_code::kFileUnreadable;
    }
    const LoadedTrace& loaded = opened->loaded;
    // A teacher's lesson travels with its texts: they show where its file is absent.
    Language with_lesson = language;
    if (loaded.lesson) with_lesson.add_lesson_texts(loaded.lesson->texts);
    Printer(settings, with_lesson, out, loaded).print();
    return loaded.fault ? exit_code::kFileDamaged : exit_code::kOk;
}

}  // namespace tcplab
