#include "predict_view.hpp"

#include <fmt/format.h>

#include <string>

#include "drawing.hpp"
#include "item_marks.hpp"
#include "lab/views/step_controller.hpp"

namespace tcplab {
namespace {

// A label that names a language key is shown in the student's language; a
// literal ("x+1", "SYN_RECV", "3") is shown as written.
std::string choice_text(const LabContext& context, const std::string& label) {
    return context.language.has(label) ? context.text(label) : label;
}

const ImVec4 kRight{0.30f, 0.75f, 0.35f, 1.0f};
const ImVec4 kWrong{0.90f, 0.35f, 0.30f, 1.0f};

}  // namespace

void PredictView::draw(LabContext& context) {
    const LessonRun* run = context.controller ? context.controller->run() : nullptr;
    ImGui::Checkbox(context.text("predict.asking").c_str(), &asking_);
    item_marks::mark("predict.asking");
    if (!run) {
        ImGui::TextDisabled("%s", context.text("predict.no_run").c_str());
        return;
    }
    if (context.controller->run_number() != run_seen_) {
        run_seen_ = context.controller->run_number();
        picks_.clear();
    }
    draw_skip_wait(context, *run);
    if (!asking_) return;

    const auto& steps = run->lesson().steps;
    const size_t shown = context.controller->shown_steps();
    // The step that runs next asks before it runs; the one just shown answers.
    if (shown < steps.size() && shown == run->steps_done() && steps[shown].predict && !run->stepping()) {
        const Prediction& question = *steps[shown].predict;
        ImGui::Separator();
        ImGui::TextColored(ImVec4(0.95f, 0.75f, 0.30f, 1.0f), "%s", context.text("predict.ask").c_str());
        text_wrapped(context.text(question.question_key));
        for (size_t choice = 0; choice < question.choices.size(); ++choice) {
            const bool chosen = picks_.count(shown) && picks_[shown] == choice;
            if (ImGui::RadioButton(
                    (choice_text(context, question.choices[choice].label) + "##choice" + std::to_string(choice))
                        .c_str(),
                    chosen))
                picks_[shown] = choice;
            item_marks::mark("predict.choice." + std::to_string(choice));
        }
        ImGui::TextDisabled("%s", context.text("predict.choose").c_str());
        return;
    }
    if (shown == 0 || shown > run->outcomes().size() || !steps[shown - 1].predict) return;
    const Prediction& question = *steps[shown - 1].predict;
    const StepOutcome& outcome = run->outcomes()[shown - 1];
    ImGui::Separator();
    text_wrapped(context.text(question.question_key));
    std::string kernel;
    for (size_t choice = 0; choice < outcome.choices.size() && choice < question.choices.size(); ++choice)
        if (outcome.choices[choice].result.passed)
            kernel += (kernel.empty() ? "" : ", ") + choice_text(context, question.choices[choice].label);
    const std::string answer = fmt::format(fmt::runtime(context.text("predict.label_value")),
                                           context.text("predict.kernel_answer"), kernel.empty() ? "—" : kernel);
    ImGui::TextUnformatted(answer.c_str());
    const auto pick = picks_.find(shown - 1);
    // Why: for the student's pick, right or wrong; without a pick, for the kernel's answer.
    std::optional<size_t> explained;
    if (pick != picks_.end() && pick->second < question.choices.size()) explained = pick->second;
    for (size_t choice = 0; !explained && choice < outcome.choices.size() && choice < question.choices.size(); ++choice)
        if (outcome.choices[choice].result.passed) explained = choice;
    if (pick == picks_.end()) {
        ImGui::TextDisabled("%s", context.text("predict.skipped").c_str());
    } else {
        const bool right = pick->second < outcome.choices.size() && outcome.choices[pick->second].result.passed;
        const std::string said =
            fmt::format(fmt::runtime(context.text("predict.label_value")), context.text("predict.your_answer"),
                        choice_text(context, question.choices[pick->second].label) + " — " +
                            context.text(right ? "predict.right" : "predict.wrong"));
        ImGui::TextColored(right ? kRight : kWrong, "%s %s", right ? "✓" : "✗", said.c_str());
    }
    if (explained && !question.choices[*explained].why.empty())
        text_wrapped(context.text(question.choices[*explained].why));
}

void PredictView::draw_skip_wait(LabContext& context, const LessonRun& run) {
    size_t waiting = 0;
    if (context.sockets)
        for (const SocketInfo& socket : *context.sockets) waiting += socket.state == TcpState::TimeWait ? 1 : 0;
    const std::optional<Result<size_t>>& skipped = context.controller->time_wait_skipped();
    if (waiting == 0 && !skipped) return;
    ImGui::SameLine();
    ImGui::BeginDisabled(waiting == 0 || run.stepping());
    const bool skip = ImGui::Button(context.text("predict.skip_wait").c_str());
    item_marks::mark("predict.skip_wait");
    if (skip) context.ask(command::SkipTimeWait{});
    ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
        ImGui::SetTooltip("%s", context.text("predict.skip_wait_tip").c_str());
    if (skipped) {
        ImGui::SameLine();
        const std::string said = *skipped
                                     ? context.text("predict.skipped_sockets") + " " + std::to_string(skipped->value())
                                     : skipped->error().what;
        ImGui::TextDisabled("%s", said.c_str());
    }
}

}  // namespace tcplab
