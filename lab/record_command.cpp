#include "record_command.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "replay.hpp"

namespace tcplab {
namespace {

// Set by the SIGINT handler; read between steps.
volatile sig_atomic_t interrupt_requested = 0;
struct sigaction previous_handler {};

void on_interrupt(int) {
    interrupt_requested = 1;
    // The next Ctrl-C is not ours to soften: the default action ends the process.
    signal(SIGINT, SIG_DFL);
}

}  // namespace

std::optional<StepNote> parse_step_note(const std::string& given) {
    const size_t colon = given.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == given.size()) return std::nullopt;
    size_t step = 0;
    for (size_t at = 0; at < colon; ++at) {
        if (given[at] < '0' || given[at] > '9' || step > 100000) return std::nullopt;
        step = step * 10 + static_cast<size_t>(given[at] - '0');
    }
    if (step == 0) return std::nullopt;
    return StepNote{step - 1, given.substr(colon + 1)};
}

Status check_record_target(const Language& language, const std::string& path, bool force) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) return Done{};
    if (S_ISDIR(info.st_mode))
        return Error{fill_placeholders(language.text("record.is_directory"), {path}),
                     language.text("record.is_directory_fix")};
    if (!force)
        return Error{fill_placeholders(language.text("record.exists"), {path}), language.text("record.exists_fix")};
    return Done{};
}

Result<std::unique_ptr<RunRecording>> RunRecording::start(const std::string& path, bool force, const LessonRun& run,
                                                          std::vector<StepNote> notes) {
    TraceWriteOptions options;
    options.overwrite = force;
    auto follower = TraceFollower::create(path, options);
    if (!follower) return follower.error();
    std::unique_ptr<RunRecording> recording(new RunRecording(std::move(*follower), std::move(notes)));
    if (Status written = recording->follower_.add_lesson(to_recorded_lesson(run.lesson())); !written)
        return written.error();
    if (Status written = recording->follower_.sync(run.trace()); !written) return written.error();
    interrupt_requested = 0;
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    // Restart interrupted system calls: the step in progress should finish as it would have.
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, &previous_handler);
    return recording;
}

RunRecording::~RunRecording() {
    if (!finished_) sigaction(SIGINT, &previous_handler, nullptr);
}

bool RunRecording::interrupted() { return interrupt_requested != 0; }

Status RunRecording::after_step(const LessonRun& run) {
    const auto& outcomes = run.outcomes();
    // Before the step's packets: the first of them carries each note as its comment.
    for (size_t index = steps_written_; index < outcomes.size(); ++index)
        for (const std::string& text : notes_on(index))
            if (Status written =
                    follower_.add_note(NoteEvent{outcomes[index].begin_ns + 1, static_cast<int>(index), text});
                !written)
                return written;
    if (Status written = follower_.sync(run.trace()); !written) return written;
    for (; steps_written_ < outcomes.size(); ++steps_written_)
        if (Status written = follower_.add_step(to_recorded_step(outcomes[steps_written_])); !written) return written;
    return Done{};
}

std::vector<std::string> RunRecording::notes_on(size_t index) const {
    std::vector<std::string> texts;
    for (const StepNote& note : notes_)
        if (note.step == index) texts.push_back(note.text);
    return texts;
}

Result<RecordingInfo> RunRecording::finish(const LessonRun& run) {
    Status synced = after_step(run);
    sigaction(SIGINT, &previous_handler, nullptr);
    finished_ = true;
    auto info = follower_.finish();
    if (!synced) return synced.error();
    return info;
}

void RunRecording::print_written(const Language& language, const RecordingInfo& info, bool json, std::FILE* out) {
    if (json) {
        const nlohmann::json line = {{"type", "recording"},   {"path", info.path},   {"packets", info.packets},
                                     {"events", info.events}, {"bytes", info.bytes}, {"interrupted", interrupted()}};
        fmt::print(out, "{}\n", line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        return;
    }
    if (interrupted()) fmt::print(out, "{}\n", language.text("record.interrupted"));
    fmt::print(out, "{}\n",
               fill_placeholders(language.text("record.written"),
                                 {std::to_string(info.packets), std::to_string(info.events), info.path}));
}

}  // namespace tcplab
