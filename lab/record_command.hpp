#pragma once
// `tcplab run NAME --record FILE`: writes the run to a pcapng file while it
// happens (capture/recording_writer.hpp's TraceFollower), one block at a time, so a
// killed run leaves a file that opens up to its last complete block. Ctrl-C
// stops after the step in progress and closes the file properly.
#include <cstdio>
#include <memory>
#include <string>

#include "capture/recording_writer.hpp"
#include "i18n.hpp"
#include "scenarios/run.hpp"

namespace tcplab {

// Checked before anything runs: an existing file is kept unless `force`.
Status check_record_target(const Language& language, const std::string& path, bool force);

class RunRecording {
public:
    // Creates the file and writes the lesson; catches Ctrl-C from now until finish().
    static Result<std::unique_ptr<RunRecording>> start(const std::string& path, bool force, const LessonRun& run);
    ~RunRecording();
    RunRecording(const RunRecording&) = delete;
    RunRecording& operator=(const RunRecording&) = delete;

    // After each step: what the trace gained, then the outcomes of the steps done.
    Status after_step(const LessonRun& run);
    // Ctrl-C was pressed: the caller stops after the step in progress. A second
    // Ctrl-C ends the process at once (the file still ends at a whole block).
    static bool interrupted();
    // The last events (after run.finish()), then closes the file.
    Result<RecordingInfo> finish(const LessonRun& run);

    // "Recorded 7 packets and 23 events to FILE", or a JSON line when `json`.
    static void print_written(const Language& language, const RecordingInfo& info, bool json, std::FILE* out);

private:
    explicit RunRecording(TraceFollower follower) : follower_(std::move(follower)) {}

    TraceFollower follower_;
    size_t steps_written_ = 0;
    bool finished_ = false;
};

}  // namespace tcplab
