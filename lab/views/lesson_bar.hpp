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
    void draw_controls(LabContext& context, StepController& controller);
    void draw_heading(LabContext& context, StepController& controller);
    void draw_narration(LabContext& context, StepController& controller);
    void draw_outcome(LabContext& context, const StepOutcome& outcome);
    void draw_replay_summary(LabContext& context, const Replay& replay);
    void draw_notes(LabContext& context, StepController& controller);

    float fit_scale_ = 1.0f;  // presentation: the narration's font scale that fits its panel
};

}  // namespace tcplab
