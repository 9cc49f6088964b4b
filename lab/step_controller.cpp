#include "step_controller.hpp"

#include <algorithm>

namespace tcplab {

StepController::StepController(RunOptions options) : options_(options) {}

Status StepController::load(const std::string& scenario_name) {
    const ScenarioEntry* entry = find_scenario(scenario_name);
    if (!entry) {
        error_ = Error{"unknown scenario \"" + scenario_name + "\"", "pick one from the list"};
        return *error_;
    }
    // The old run ends first: its sandbox and threads go before a new one starts.
    run_.reset();
    shown_ = 0;
    held_.clear();
    step_requested_ = false;
    play_.playing = false;
    scenario_name_ = scenario_name;
    auto started = ScenarioRun::start(*entry, options_);
    if (!started) {
        error_ = started.error();
        return *error_;
    }
    error_.reset();
    run_ = std::move(started.value());
    return Done{};
}

void StepController::reset() {
    if (!scenario_name_.empty()) load(scenario_name_);
}

size_t StepController::step_count() const { return run_ ? run_->scenario().steps.size() : 0; }

bool StepController::at_end() const { return !run_ || (shown_ == step_count() && !run_->stepping()); }

void StepController::step() {
    if (!run_) return;
    if (run_->wire() && !held_.empty()) {
        run_->wire()->release(held_.front().segment, WireActor::Student);
        return;
    }
    if (shown_ < run_->steps_done()) {
        ++shown_;  // already run: just show it
        return;
    }
    if (!run_->finished()) step_requested_ = true;
}

void StepController::back() {
    if (shown_ > 0 && !busy()) --shown_;
}

void StepController::forward() { step(); }

void StepController::toggle_play() {
    play_.playing = !play_.playing;
    last_play_step_ = {};
}

void StepController::update(SharedViewState& shared) {
    if (!run_) return;
    if (step_requested_ && !run_->stepping()) {
        step_requested_ = false;
        run_->begin_step();
    }
    if (run_->poll()) shown_ = run_->steps_done();
    held_.clear();
    if (Wire* wire = run_->wire()) {
        held_ = wire->held();
        std::sort(held_.begin(), held_.end(),
                  [](const HeldPacket& a, const HeldPacket& b) { return a.segment < b.segment; });
    }

    if (play_.playing) {
        const auto now = std::chrono::steady_clock::now();
        const auto wait = std::chrono::duration<float>(play_.seconds_between_steps);
        if (at_end()) play_.playing = false;
        else if (!busy() && now - last_play_step_ >= wait) {
            last_play_step_ = now;
            step();
        }
    }

    // While a step runs, show everything as it arrives; otherwise the end of
    // the last step shown (or, before the first, nothing at all).
    if (busy()) shared.cursor_ns = 0;
    else if (shown_ == 0) shared.cursor_ns = 1;
    else shared.cursor_ns = run_->outcomes()[shown_ - 1].end_ns;
}

}  // namespace tcplab
