#include "live_recording.hpp"

#include "replay.hpp"

namespace tcplab {

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
    return follower_->add_note(note);
}

Result<RecordingInfo> LiveRecording::finish() {
    if (!follower_) return Error{"the recording is closed", ""};
    auto info = follower_->finish();
    follower_.reset();
    return info;
}

}  // namespace tcplab
