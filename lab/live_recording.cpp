#include "live_recording.hpp"

#include <filesystem>

#include "replay.hpp"

namespace tcplab {
namespace {

// TraceFollower writes the trace's own notes; one made in the window is not in
// the run's trace, so it needs the follower's add_note, when it has one.
template <class Follower>
Status write_note(Follower& follower, const NoteEvent& note, std::vector<NoteEvent>& pending) {
    if constexpr (requires { follower.add_note(note); }) {
        return follower.add_note(note);
    } else {
        pending.push_back(note);
        return Done{};
    }
}

// Writes the finished recording again with `notes` added, through a temporary
// file renamed over it, so a failure leaves the recording as it was.
Result<RecordingInfo> rewrite_with_notes(const std::string& path, const std::vector<NoteEvent>& notes) {
    auto loaded = read_trace(path);
    if (!loaded) return loaded.error();
    for (const NoteEvent& note : notes) loaded->trace.add_note(note);
    TraceWriteOptions options;
    options.actors = loaded->actors;
    options.lesson = loaded->lesson;
    options.steps = loaded->steps;
    const std::string temporary = path + ".notes-tmp";
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    auto written = write_trace(loaded->trace, temporary, options);
    if (!written) return written.error();
    std::error_code error;
    std::filesystem::rename(temporary, path, error);
    if (error) return Error{"cannot replace " + path + ": " + error.message(), ""};
    written->path = path;
    return written;
}

}  // namespace

Result<LiveRecording> LiveRecording::start(const std::string& path, bool overwrite, const LessonRun& run) {
    TraceWriteOptions options;
    options.overwrite = overwrite;
    auto follower = TraceFollower::create(path, options);
    if (!follower) return follower.error();
    LiveRecording recording(path, std::move(*follower));
    if (Status written = recording.follower_->add_lesson(to_recorded_lesson(run.lesson())); !written)
        return written.error();
    // What the run holds so far: Record may be pressed in the middle of a lesson.
    if (Status synced = recording.sync(run); !synced) return synced.error();
    return recording;
}

Status LiveRecording::sync(const LessonRun& run) {
    if (!follower_) return Error{"the recording is closed", ""};
    if (Status synced = follower_->sync(run.trace()); !synced) return synced;
    for (; steps_written_ < run.outcomes().size(); ++steps_written_)
        if (Status written = follower_->add_step(to_recorded_step(run.outcomes()[steps_written_])); !written)
            return written;
    return Done{};
}

Status LiveRecording::add_note(const NoteEvent& note) {
    if (!follower_) return Error{"the recording is closed", ""};
    return write_note(*follower_, note, pending_notes_);
}

Result<RecordingInfo> LiveRecording::finish() {
    if (!follower_) return Error{"the recording is closed", ""};
    auto info = follower_->finish();
    follower_.reset();
    if (!info || pending_notes_.empty()) return info;
    auto rewritten = rewrite_with_notes(path_, pending_notes_);
    pending_notes_.clear();
    return rewritten;
}

}  // namespace tcplab
