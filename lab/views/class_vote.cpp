#include "class_vote.hpp"

#include <imgui.h>

#include <string>

#include "drawing.hpp"
#include "lab/views/step_controller.hpp"

namespace tcplab {
namespace {

const ImVec4 kQuestion{0.95f, 0.75f, 0.30f, 1.0f};
const ImVec4 kAnswer{0.35f, 0.85f, 0.45f, 1.0f};

std::string letter(size_t choice) { return std::string(1, static_cast<char>('A' + choice)); }

// A label that names a language key is shown in the viewer's language; a literal ("x+1") as written.
std::string choice_text(const LabContext& context, const std::string& label) {
    return context.language.has(label) ? context.text(label) : label;
}

}  // namespace

void draw_class_vote(LabContext& context) {
    const LessonRun* run = context.controller ? context.controller->run() : nullptr;
    if (!run) return;
    const auto& steps = run->lesson().steps;
    const size_t shown = context.controller->shown_steps();
    const bool asking = shown < steps.size() && shown == run->steps_done() && steps[shown].predict && !run->stepping();
    const bool answering = !asking && shown > 0 && shown <= run->outcomes().size() && steps[shown - 1].predict;
    if (!asking && !answering) return;
    const Prediction& question = *steps[asking ? shown : shown - 1].predict;
    ImGui::Spacing();
    ImGui::Separator();
    ImGui::PushStyleColor(ImGuiCol_Text, kQuestion);
    text_wrapped_recorded(context, "scenario",
                          context.text("predict.vote") + ": " + context.text(question.question_key));
    ImGui::PopStyleColor();
    if (asking) {
        for (size_t choice = 0; choice < question.choices.size(); ++choice)
            text_wrapped_recorded(context, "scenario",
                                  letter(choice) + "   " + choice_text(context, question.choices[choice].label));
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
        std::string letters;  // "A / B": as many as the question has
        for (size_t choice = 0; choice < question.choices.size(); ++choice)
            letters += (choice == 0 ? "" : " / ") + letter(choice);
        text_wrapped_recorded(context, "scenario", fill_placeholders(context.text("predict.vote_hint"), {letters}));
        ImGui::PopStyleColor();
        return;
    }
    // The answer only now that the kernel has given it: every choice that held, and why the first did.
    const StepOutcome& outcome = run->outcomes()[shown - 1];
    std::string answer;
    const PredictChoice* explained = nullptr;
    for (size_t choice = 0; choice < outcome.choices.size() && choice < question.choices.size(); ++choice) {
        if (!outcome.choices[choice].result.passed) continue;
        answer +=
            (answer.empty() ? "" : ", ") + letter(choice) + "  " + choice_text(context, question.choices[choice].label);
        if (!explained) explained = &question.choices[choice];
    }
    ImGui::PushStyleColor(ImGuiCol_Text, kAnswer);
    text_wrapped_recorded(context, "scenario",
                          fill_placeholders(context.text("predict.label_value"),
                                            {context.text("predict.answer"), answer.empty() ? "—" : answer}));
    ImGui::PopStyleColor();
    if (explained && !explained->why.empty()) text_wrapped_recorded(context, "scenario", context.text(explained->why));
}

}  // namespace tcplab
