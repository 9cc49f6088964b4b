#pragma once
// `tcplab run NAME --record FILE`: writes the run to a pcapng file while it
// happens (capture/recording_writer.hpp's TraceFollower), one block at a time, so a
// killed run leaves a file that opens up to its last complete block. Ctrl-C
// stops after the step in progress and closes the file properly.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capture/recording_writer.hpp"
#include "i18n.hpp"
#include "scenarios/run.hpp"

namespace tcplab {

// `run --record FILE --note 2:TEXT`: an instructor's note on step 2 (counted
// from 1). It goes into the recording when the step has run, before the
// step's packets, so the step's first packet carries it as its comment.
struct StepNote {
    size_t step = 0;  // from 0
    std::string text;
};
// "2:text" → step index 1; nullopt when there is no step number from 1 or no text.
std::optional<StepNote> parse_step_note(const std::string& given);

// Checked before anything runs: an existing file is kept unless `force`.
Status check_record_target(const Language& language, const std::string& path, bool force);

class RunRecording {
public:
    // Creates the file and writes the lesson; catches Ctrl-C from now until finish().
    static Result<std::unique_ptr<RunRecording>> start(const std::string& path, bool force, const LessonRun& run,
                                                       std::vector<StepNote> notes = {});
    ~RunRecording();
    RunRecording(const RunRecording&) = delete;
    RunRecording& operator=(const RunRecording&) = delete;

    // After each step: the notes on the steps done, what the trace gained, then their outcomes.
    Status after_step(const LessonRun& run);
    // The --note texts on step `index` (from 0), for the terminal to show.
    std::vector<std::string> notes_on(size_t index) const;
    // Ctrl-C was pressed: the caller stops after the step in progress. A second
    // Ctrl-C ends the process at once (the file still ends at a whole block).
    static bool interrupted();
    // The last events (after run.finish()), then closes the file.
    Result<RecordingInfo> finish(const LessonRun& run);

    // "Recorded 7 packets and 23 events to FILE", or a JSON line when `json`.
    static void print_written(const Language& language, const RecordingInfo& info, bool json, std::FILE* out);

private:
    RunRecording(TraceFollower follower, std::vector<StepNote> notes)
        : follower_(std::move(follower)), notes_(std::move(notes)) {}

    TraceFollower follower_;
    std::vector<StepNote> notes_;
    size_t steps_written_ = 0;
    bool finished_ = false;
};

}  // namespace tcplab
