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
    struct FittedColumn {
        float scale = 1.0f;
        float needed = 0;     // the height its text took at that scale (last frame)
        float available = 0;  // the column's height
        float width = 0;
    };
    static void fitted_column(const char* id, float width, FittedColumn& column, bool to_top,
                              const std::function<void()>& draw);
    // From the columns just drawn: the lesson bar's height and the columns' widths for the next frame.
    void ask_for_room(LabContext& context);
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

    // Presentation: the narration's and the checks' columns, the step they were fitted for,
    // the narration's share of the width, and whether passed checks are counted rather than listed.
    std::array<FittedColumn, 2> columns_;
    size_t fitted_step_ = 0;
    float story_share_ = 0.6f;
    int frames_in_step_ = 0;
    bool compact_checks_ = false;
};

}  // namespace tcplab
