#pragma once
// The window's Record toggle: writes a live run to a pcapng file as it grows,
// through capture/'s TraceFollower (the same as `tcplab run --record`). After
// each frame's drain, sync() appends what the trace gained and the outcomes of
// steps that finished since the last call.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "capture/recording_writer.hpp"
#include "scenarios/run.hpp"

namespace tcplab {

class LiveRecording {
public:
    // Fails when `path` exists and `overwrite` is false (the window asks first).
    static Result<LiveRecording> start(const std::string& path, bool overwrite, const LessonRun& run);

    Status sync(const LessonRun& run);
    // An instructor's note: the run's trace is not ours to add to, so it goes
    // to the file directly, as a Note record and a packet comment
    // (TraceRecorder::add_instructor_note says which packet).
    Status add_note(const NoteEvent& note);
    Result<RecordingInfo> finish();

    const std::string& path() const { return path_; }
    uint64_t packets() const { return follower_ ? follower_->progress().packets : 0; }

private:
    LiveRecording(std::string path, TraceFollower follower) : path_(std::move(path)), follower_(std::move(follower)) {}

    std::string path_;
    std::optional<TraceFollower> follower_;
    size_t steps_written_ = 0;
};

}  // namespace tcplab
