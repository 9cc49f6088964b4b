#pragma once
// The lesson's controls and words: pick a lesson, step through it, read what
// each step means and whether the kernel did what the step expected.
#include <array>
#include <functional>
#include <optional>

#include "lab/views/step_controller.hpp"
#include "lab/views/view.hpp"

namespace tcplab {

class LessonBar : public View {
public:
    const char* id() const override { return "scenario"; }
    void draw(LabContext& context) override;

private:
    void draw_controls(LabContext& context, const StepController& controller);
    void draw_heading(LabContext& context, const StepController& controller);
    void draw_narration(LabContext& context, const StepController& controller);
    bool draw_story(LabContext& context, const StepController& controller);
    void draw_checks(LabContext& context, const StepController& controller);
    void draw_results(LabContext& context, const StepController& controller);
    // A column of the presentation layout whose font scale fits its text to its height.
    static void fitted_column(const char* id, float width, float& scale, bool to_top,
                              const std::function<void()>& draw);
    void draw_outcome(LabContext& context, const StepOutcome& outcome);
    void draw_replay_summary(LabContext& context, const Replay& replay);
    void draw_notes(LabContext& context, const StepController& controller);
    void draw_note(LabContext& context, const StepController& controller, const InstructorNote& note);
    void draw_note_editor(LabContext& context);
    static bool same_note(const NoteEvent& left, const NoteEvent& right);

    // The note whose text is being edited, and the text so far (the view's
    // own state; the trace changes only when the window applies EditNote).
    std::optional<NoteEvent> editing_;
    std::array<char, 2048> edit_text_{};
    bool edit_focus_ = false;

    // Presentation: each column's font scale that fits its text, and the step they were fitted for.
    std::array<float, 2> fit_scales_{1.0f, 1.0f};
    size_t fitted_step_ = 0;
};

}  // namespace tcplab
