#pragma once
// The lesson's controls and words: pick a lesson, step through it, read what
// each step means and whether the kernel did what the step expected.
#include "lab/views/step_controller.hpp"
#include "lab/views/view.hpp"

namespace tcplab {

class LessonBar : public View {
public:
    const char* id() const override { return "scenario"; }
    void draw(LabContext& context) override;

private:
    void draw_controls(LabContext& context, const StepController& controller);
    void draw_narration(LabContext& context, const StepController& controller);
    void draw_outcome(LabContext& context, const StepOutcome& outcome);
    void draw_replay_summary(LabContext& context, const Replay& replay);
    void draw_notes(LabContext& context, const StepController& controller);
};

}  // namespace tcplab
