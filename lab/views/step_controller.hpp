#pragma once
// Drives a lesson in the window: runs steps on the real kernel without
// blocking the frame, and moves the moment the views show (the cursor) back
// and forth over the steps already run. The kernel cannot go back, so Back
// only shows an earlier moment; Step and Forward past the last step run the next.
//
// It drives a recording the same way (open_replay): the steps are the ones the
// file recorded, all of them already run, and no kernel is involved.
//
// Views see it const: what they ask for goes through the window's outbox
// (command.hpp), which calls the methods below between frames.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "lab/live_recording.hpp"
#include "lab/replay.hpp"
#include "scenarios/run.hpp"
#include "view.hpp"

namespace tcplab {

struct PlayState {
    bool playing = false;
    float seconds_between_steps = 2.0f;  // the speed control
};

class StepController {
public:
    explicit StepController(RunOptions options = {});
    ~StepController();

    // Starts lesson `name` in a fresh sandbox; the previous run (or replay) ends.
    Status load(const std::string& name);
    // Starts a run made on the spot (the student's own programs): `make`
    // starts it, again on Reset. `name` is its lesson's name.
    using RunMaker = std::function<Result<std::unique_ptr<LessonRun>>()>;
    Status load_made(const std::string& name, RunMaker make);
    // The live run is one load_made() started.
    bool made() const { return static_cast<bool>(maker_); }
    // Names the lesson load() is about to start, so a frame drawn before it
    // (the window's first) shows its title and that it is starting.
    void announce(const std::string& name) { live_lesson_name_ = name; }
    bool starting() const { return !run_ && !replay_ && !error_ && !live_lesson_name_.empty(); }
    // Shows a recording instead of a live run; the live run ends.
    void open_replay(Replay replay);
    // How the next load() or reset() runs: topology, wire latency, MTU, loss, gate.
    RunOptions& options() { return options_; }
    const RunOptions& options() const { return options_; }
    // Counts the runs and recordings shown: a view's state that belongs to one
    // run (a student's picks) compares this, not an address a new run may reuse.
    uint64_t run_number() const { return run_number_; }
    void reset();  // the same lesson again, from a fresh sandbox (a replay: back to its start)
    // Space: release the oldest segment held at the wire's gate if there is
    // one; otherwise show the next step, running it when it has not run yet.
    void step();
    void back();     // ←: show the previous step
    void forward();  // →: the same as step
    void toggle_play();

    // Once per frame, on the UI thread: drains events into the run's trace,
    // finishes a settling step, advances play mode, and sets the cursor.
    void update(SharedViewState& shared);

    // The live lesson last loaded (kept while a replay is shown).
    const std::string& live_lesson_name() const { return live_lesson_name_; }
    LessonRun* run() { return run_.get(); }
    const LessonRun* run() const { return run_.get(); }
    const Replay* replay() const { return replay_.get(); }
    Replay* replay() { return replay_.get(); }
    // The trace the views show: the live run's or the replay's.
    const Trace* trace() const;
    const std::optional<Error>& error() const { return error_; }
    // Segments at the gate now (refreshed by update()), oldest first.
    const std::vector<HeldPacket>& held() const { return held_; }
    PlayState& play() { return play_; }
    const PlayState& play() const { return play_; }

    // The wire of the live run (two hosts): what the Wire view's buttons do.
    void release_held(uint64_t segment);
    void drop_held(uint64_t segment);
    void release_all_held();
    void set_latency(std::chrono::microseconds latency);
    void set_loss(double probability);
    // Ends the run's TIME_WAIT sockets now; the result stays until the run ends.
    void skip_time_wait();
    const std::optional<Result<size_t>>& time_wait_skipped() const { return time_wait_skipped_; }

    // Counts the lessons and recordings shown so far: a change means the texts below may have changed.
    uint64_t shown_generation() const { return generation_; }
    // The texts the shown lesson brought along: its file's, or those its recording carries.
    const std::map<std::string, std::map<std::string, std::string>>* lesson_texts() const;

    // What the lesson bar shows, the same for a live run and a replay.
    std::string lesson_name() const;  // "" for a capture that is not a lesson
    size_t step_count() const;
    std::string step_key(size_t index) const;
    const StepOutcome* step_outcome(size_t index) const;    // null when not known (yet)
    size_t shown_steps() const { return shown_; }           // steps whose outcome the views show
    bool busy() const { return run_ && run_->stepping(); }  // a step is running on the kernel
    bool at_end() const;

    // Instructor notes. A live run's trace belongs to the run, so its notes are
    // kept here (and written to the recording); a replay's go into its trace.
    void add_note(NoteEvent note);
    // Edits a note's text, or deletes it (no text). A replay's notes are then
    // changed (Save or the question on leaving writes them); a live run's can
    // be changed until they are in a recording, which only grows.
    void edit_note(const NoteEvent& note, std::optional<std::string> text);
    bool notes_editable() const;
    std::vector<InstructorNote> notes() const;
    // The step the note button attaches to: the one shown, if any.
    std::optional<ReplayStep> current_step() const;

    // Record: write the live run to `path` from now on (what it holds so far first).
    Status start_recording(const std::string& path, bool overwrite);
    Result<RecordingInfo> stop_recording();
    const LiveRecording* recording() const { return recording_ ? &*recording_ : nullptr; }

private:
    void end_live_run();
    Status start_live(const std::string& name, const RunMaker& start);

    RunOptions options_;
    uint64_t generation_ = 0;
    std::string live_lesson_name_;
    std::unique_ptr<LessonRun> run_;
    RunMaker maker_;  // set while the live run is a made one
    std::unique_ptr<Replay> replay_;
    std::optional<LiveRecording> recording_;
    std::vector<NoteEvent> live_notes_;
    std::optional<Error> error_;
    PlayState play_;
    uint64_t run_number_ = 0;
    std::optional<Result<size_t>> time_wait_skipped_;
    size_t shown_ = 0;
    std::vector<HeldPacket> held_;
    bool step_requested_ = false;
    std::chrono::steady_clock::time_point last_play_step_{};
};

}  // namespace tcplab
