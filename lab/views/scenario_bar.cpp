#include "scenario_bar.hpp"

#include <imgui.h>

#include <string>

#include "lab/step_controller.hpp"

namespace tcplab {
namespace {

const ImVec4 kPassed{0.35f, 0.85f, 0.45f, 1.0f};
const ImVec4 kFailed{0.95f, 0.35f, 0.30f, 1.0f};
const ImVec4 kWarning{0.95f, 0.75f, 0.25f, 1.0f};

std::string step_heading(const LabContext& context, size_t shown, size_t count, const std::string& title) {
    std::string heading = context.text("app.step_heading");
    // "Step {} of {}: {}" with the placeholders filled in order.
    for (const std::string& value : {std::to_string(shown), std::to_string(count), title}) {
        const size_t slot = heading.find("{}");
        if (slot == std::string::npos) break;
        heading.replace(slot, 2, value);
    }
    return heading;
}

}  // namespace

void ScenarioBar::draw(LabContext& context) {
    if (!context.controller) {
        ImGui::TextWrapped("%s", context.text("scenario_bar.no_lesson").c_str());
        return;
    }
    StepController& controller = *context.controller;
    draw_controls(context, controller);
    ImGui::Separator();
    if (const auto& error = controller.error()) {
        ImGui::PushStyleColor(ImGuiCol_Text, kFailed);
        ImGui::TextWrapped("%s", error->what.c_str());
        ImGui::PopStyleColor();
        if (!error->remedy.empty())
            ImGui::TextWrapped("%s %s", context.text("scenario_bar.fix").c_str(), error->remedy.c_str());
        return;
    }
    draw_narration(context, controller);
}

void ScenarioBar::draw_controls(LabContext& context, StepController& controller) {
    // Scenario picker, by translated title.
    const std::string current_title = controller.scenario_name().empty()
                                          ? context.text("scenario_bar.pick")
                                          : context.text(controller.scenario_name() + ".title");
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14);
    if (ImGui::BeginCombo("##scenario", current_title.c_str())) {
        for (const ScenarioEntry& entry : scenario_catalog()) {
            const bool selected = entry.name == controller.scenario_name();
            const std::string title = context.text(entry.name + ".title");
            if (ImGui::Selectable(title.c_str(), selected)) {
                controller.load(entry.name);
                context.shared.selected_packet.reset();
            }
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", context.text(entry.name + ".summary").c_str());
        }
        ImGui::EndCombo();
    }

    const bool busy = controller.busy();
    ImGui::SameLine();
    if (ImGui::Button(context.text("scenario_bar.reset").c_str())) {
        controller.reset();
        context.shared.selected_packet.reset();
    }
    ImGui::SameLine();
    ImGui::BeginDisabled(busy || controller.shown_steps() == 0);
    if (ImGui::ArrowButton("##back", ImGuiDir_Left)) controller.back();
    ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
        ImGui::SetTooltip("%s", context.text("scenario_bar.back_tip").c_str());
    ImGui::SameLine();
    // With segments at the wire's gate, the same button (and space) releases the oldest.
    const bool at_gate = !controller.held().empty();
    ImGui::BeginDisabled(!at_gate && (busy || controller.at_end()));
    if (ImGui::Button(context.text(at_gate ? "scenario_bar.release" : "scenario_bar.step").c_str())) controller.step();
    ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
        ImGui::SetTooltip("%s", context.text("scenario_bar.step_tip").c_str());
    ImGui::SameLine();
    ImGui::BeginDisabled(busy || controller.at_end());
    if (ImGui::ArrowButton("##forward", ImGuiDir_Right)) controller.forward();
    ImGui::EndDisabled();
    ImGui::SameLine();
    PlayState& play = controller.play();
    if (ImGui::Button(context.text(play.playing ? "scenario_bar.pause" : "scenario_bar.play").c_str()))
        controller.toggle_play();
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    ImGui::SliderFloat("##speed", &play.seconds_between_steps, 0.5f, 10.0f, context.text("scenario_bar.speed").c_str());

    ImGui::SameLine();
    if (busy) {
        ImGui::TextColored(kWarning, "%s", context.text("scenario_bar.running").c_str());
    } else if (controller.run()) {
        const size_t shown = controller.shown_steps();
        const size_t count = controller.step_count();
        if (shown == 0)
            ImGui::TextUnformatted(context.text("scenario_bar.before_first").c_str());
        else {
            const Step& step = controller.run()->scenario().steps[shown - 1];
            ImGui::TextUnformatted(step_heading(context, shown, count, context.text(step.key + ".title")).c_str());
        }
    }
}

void ScenarioBar::draw_narration(LabContext& context, StepController& controller) {
    ScenarioRun* run = controller.run();
    if (!run) return;
    const size_t shown = controller.shown_steps();
    if (shown == 0) {
        ImGui::TextWrapped("%s", context.text(run->scenario().name + ".summary").c_str());
        ImGui::TextDisabled("%s", context.text("scenario_bar.press_space").c_str());
    } else {
        const Step& step = run->scenario().steps[shown - 1];
        ImGui::TextWrapped("%s", context.text(step.key + ".text").c_str());
        const StepOutcome& outcome = run->outcomes()[shown - 1];
        ImGui::Spacing();
        if (!outcome.failure.empty()) ImGui::TextColored(kFailed, "✗ %s", outcome.failure.c_str());
        for (const ExpectationOutcome& expectation : outcome.expectations) {
            const bool passed = expectation.result.passed;
            ImGui::TextColored(passed ? kPassed : kFailed, "%s", passed ? "✓" : "✗");
            ImGui::SameLine();
            ImGui::TextUnformatted(context.text(expectation.key).c_str());
            ImGui::SameLine();
            ImGui::TextDisabled("(%s)", expectation.result.detail.c_str());
        }
    }
    // Nothing is dropped silently: a lost event is counted and shown.
    const uint64_t lost = context.trace.lost_events();
    const uint64_t kernel_dropped = run->capture_stats().kernel_dropped;
    if (lost > 0)
        ImGui::TextColored(kFailed, "%llu %s", static_cast<unsigned long long>(lost),
                           context.text("app.lost_events").c_str());
    if (kernel_dropped > 0)
        ImGui::TextColored(kFailed, "%llu %s", static_cast<unsigned long long>(kernel_dropped),
                           context.text("app.capture_drops").c_str());
    if (!run->tracepoint_note().empty())
        ImGui::TextDisabled("%s: %s", context.text("app.no_tracepoint").c_str(), run->tracepoint_note().c_str());
}

}  // namespace tcplab
