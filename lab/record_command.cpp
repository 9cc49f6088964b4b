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

Result<std::unique_ptr<RunRecording>> RunRecording::start(const std::string& path, bool force, const LessonRun& run) {
    TraceWriteOptions options;
    options.overwrite = force;
    auto follower = TraceFollower::create(path, options);
    if (!follower) return follower.error();
    std::unique_ptr<RunRecording> recording(new RunRecording(std::move(*follower)));
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
    if (Status written = follower_.sync(run.trace()); !written) return written;
    const auto& outcomes = run.outcomes();
    for (; steps_written_ < outcomes.size(); ++steps_written_)
        if (Status written = follower_.add_step(to_recorded_step(outcomes[steps_written_])); !written) return written;
    return Done{};
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
