#pragma once
// Drives a lesson in the window: runs steps on the real kernel without
// blocking the frame, and moves the moment the views show (the cursor) back
// and forth over the steps already run. The kernel cannot go back, so Back
// only shows an earlier moment; Step and Forward past the last step run the next.
#include <chrono>
#include <memory>
#include <optional>
#include <string>

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

    // Starts `scenario_name` in a fresh sandbox; the previous run ends.
    Status load(const std::string& scenario_name);
    // How the next load() or reset() runs: topology, wire latency, MTU, loss, gate.
    RunOptions& options() { return options_; }
    void reset();    // the same scenario again, from a fresh sandbox
    // Space: release the oldest segment held at the wire's gate if there is
    // one; otherwise show the next step, running it when it has not run yet.
    void step();
    void back();     // ←: show the previous step
    void forward();  // →: the same as step
    void toggle_play();

    // Once per frame, on the UI thread: drains events into the run's trace,
    // finishes a settling step, advances play mode, and sets the cursor.
    void update(SharedViewState& shared);

    const std::string& scenario_name() const { return scenario_name_; }
    ScenarioRun* run() { return run_.get(); }
    const Trace* trace() const { return run_ ? &run_->trace() : nullptr; }
    const std::optional<Error>& error() const { return error_; }
    // Segments at the gate now (refreshed by update()), oldest first.
    const std::vector<HeldPacket>& held() const { return held_; }
    PlayState& play() { return play_; }

    size_t step_count() const;
    size_t shown_steps() const { return shown_; }  // steps whose outcome the views show
    bool busy() const { return run_ && run_->stepping(); }  // a step is running on the kernel
    bool at_end() const;

private:
    RunOptions options_;
    std::string scenario_name_;
    std::unique_ptr<ScenarioRun> run_;
    std::optional<Error> error_;
    PlayState play_;
    size_t shown_ = 0;
    std::vector<HeldPacket> held_;
    bool step_requested_ = false;
    std::chrono::steady_clock::time_point last_play_step_{};
};

}  // namespace tcplab
