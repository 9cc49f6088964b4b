#include "lesson_bar.hpp"

#include <fmt/format.h>
#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>

#include "class_vote.hpp"
#include "drawing.hpp"
#include "item_marks.hpp"
#include "lab/tracepoint_note.hpp"
#include "lab/views/step_controller.hpp"

namespace tcplab {
namespace {

const ImVec4 kPassed{0.35f, 0.85f, 0.45f, 1.0f};
const ImVec4 kFailed{0.95f, 0.35f, 0.30f, 1.0f};
const ImVec4 kWarning{0.95f, 0.75f, 0.25f, 1.0f};
const ImVec4 kNote{0.55f, 0.8f, 1.0f, 1.0f};
constexpr float kPresentationControls = 0.65f;
// In front of a class: the narration's share of the width (the checks and the vote have the rest),
// and the smallest text that reads from the back of a room.
constexpr float kSmallestStoryShare = 0.5f;
constexpr float kLargestStoryShare = 0.75f;
constexpr float kClassMinimumPixels = 18.0f;
constexpr float kPresentationLineGap = 2.0f;  // pixels between two lines of the lesson's text
constexpr int kFramesToShareWidth = 3;

std::string step_heading(const LabContext& context, size_t shown, size_t count, const std::string& title) {
    // "Step {} of {}: {}"
    return fill_placeholders(context.text("app.step_heading"), {std::to_string(shown), std::to_string(count), title});
}

// A step of a foreign lesson (a recording made with other lesson files) may
// have no text here: its key is better than the "missing" marker.
std::string text_or_key(const LabContext& context, const std::string& key) {
    return context.language.has(key) ? context.text(key) : key;
}

}  // namespace

void LessonBar::draw(LabContext& context) {
    if (!context.controller) {
        ImGui::TextWrapped("%s", context.text("scenario_bar.no_lesson").c_str());
        return;
    }
    const StepController& controller = *context.controller;
    // In front of a class the buttons give their room to the lesson's words.
    if (context.shared.presentation) ImGui::SetWindowFontScale(kPresentationControls);
    draw_controls(context, controller);
    ImGui::SetWindowFontScale(1.0f);
    ImGui::Separator();
    if (const auto& error = controller.error()) {
        ImGui::PushStyleColor(ImGuiCol_Text, kFailed);
        ImGui::TextWrapped("%s", error->what.c_str());
        ImGui::PopStyleColor();
        if (!error->remedy.empty())
            ImGui::TextWrapped("%s %s", context.text("scenario_bar.fix").c_str(), error->remedy.c_str());
        return;
    }
    if (!context.shared.presentation) {
        draw_narration(context, controller);
        return;
    }
    // In front of a class: the heading and the narration on the left, the
    // checks and the vote on the right, each in a font as large as its column
    // allows (never below what reads from the back of a room). The bar asks
    // the window for the height its text needs at that smallest size, and the
    // columns share the width so that neither is much longer than the other;
    // when the window cannot give the height, passed checks are counted rather
    // than listed. Only then does a text scroll, from its top at each new step.
    const size_t shown = controller.shown_steps();
    const bool new_step = shown != fitted_step_;
    // Each step is fitted afresh, from the full size and the usual height, so no step's fit depends on the one before.
    if (new_step) {
        compact_checks_ = false;
        for (FittedColumn& column : columns_) column.scale = 1.0f;
        frames_in_step_ = 0;
        context.shared.lesson_height_wanted = 0;
    }
    fitted_step_ = shown;
    const float width = ImGui::GetContentRegionAvail().x;
    // Lines closer together than in the full layout: the text is large, and every line counts.
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(ImGui::GetStyle().ItemSpacing.x, kPresentationLineGap));
    fitted_column("##story", width * story_share_, columns_[0], new_step, [&] {
        draw_heading(context, controller);
        draw_story(context, controller);
    });
    ImGui::SameLine();
    fitted_column("##checks", 0, columns_[1], new_step, [&] {
        draw_checks(context, controller);
        draw_results(context, controller);
        draw_class_vote(context);
    });
    ImGui::PopStyleVar();
    ask_for_room(context);
}

void LessonBar::ask_for_room(LabContext& context) {
    if (frames_in_step_ == 0) {
        ++frames_in_step_;  // measured from the next frame on, in the room the step starts with
        return;
    }
    const float smallest = std::min(1.0f, kClassMinimumPixels / std::max(ImGui::GetFontSize(), 1.0f));
    // The bar keeps its height while its text fits at some size between the class's smallest
    // and full size. A text too long even at the smallest asks for the height it needs; one
    // short even at full size gives back what it does not use.
    float wanted = 0;
    float areas[2] = {0, 0};
    for (size_t index = 0; index < columns_.size(); ++index) {
        const FittedColumn& column = columns_[index];
        const bool smallest_and_long = column.scale <= smallest * 1.001f && column.needed > column.available;
        const bool largest_and_short = column.scale >= 1.0f && column.needed < column.available;
        wanted = std::max(wanted, smallest_and_long || largest_and_short ? column.needed : column.available);
        // The room its text takes at full size, whatever the width: what the width is shared by.
        areas[index] = column.needed * column.width / std::max(column.scale * column.scale, 0.01f);
    }
    const float bar_height = ImGui::GetWindowHeight();
    context.shared.lesson_height_wanted = std::ceil(bar_height + wanted - columns_[0].available);
    // Both columns about as long: the narration gets its share of the width, within bounds,
    // chosen in the step's first frames (later, the columns' sizes follow the width, not the other way).
    if (frames_in_step_++ < kFramesToShareWidth && areas[0] + areas[1] > 0) {
        const float share = std::clamp(areas[0] / (areas[0] + areas[1]), kSmallestStoryShare, kLargestStoryShare);
        // In steps of 5 %, so a line more or less does not move the columns back and forth.
        story_share_ = std::round(share * 20.0f) / 20.0f;
    }
    const FittedColumn& checks = columns_[1];
    if (!compact_checks_ && context.shared.lesson_height_capped && checks.scale <= smallest * 1.001f &&
        checks.needed > checks.available) {
        // The step is fitted again from the start, in the room the counted checks leave.
        compact_checks_ = true;
        for (FittedColumn& column : columns_) column.scale = 1.0f;
        context.shared.lesson_height_wanted = 0;
        frames_in_step_ = 0;
    }
}

void LessonBar::fitted_column(const char* id, float width, FittedColumn& column, bool to_top,
                              const std::function<void()>& draw) {
    // The smallest scale keeps the text at the class's minimum: measured in the lesson bar, whose
    // scale is 1 (a child keeps the scale it was given last frame).
    const float smallest = std::min(1.0f, kClassMinimumPixels / std::max(ImGui::GetFontSize(), 1.0f));
    float& scale = column.scale;
    scale = std::max(scale, smallest);
    ImGui::BeginChild(id, ImVec2(width, 0), false);
    if (to_top) ImGui::SetScrollY(0);
    ImGui::SetWindowFontScale(scale);
    draw();
    const float needed = ImGui::GetCursorPosY() + ImGui::GetStyle().WindowPadding.y;
    const float available = ImGui::GetWindowHeight();
    column.needed = needed;
    column.available = available;
    column.width = ImGui::GetWindowWidth();
    ImGui::EndChild();
    // A new step's first frame is drawn in the last step's room, which is about to change: it is not measured.
    if (to_top) return;
    // Wrapped text takes room with about the square of its size; the next frame uses the new scale.
    // It grows only with room to spare for the step after, so it settles instead of see-sawing.
    if (needed > available && scale > smallest)
        scale = std::max(smallest, scale * 0.98f * std::sqrt(available / needed));
    else if (needed * 1.12f < available && scale < 1.0f)
        scale = std::min(1.0f, scale * 0.98f * std::sqrt(available / needed));
}

void LessonBar::draw_heading(LabContext& context, const StepController& controller) {
    const size_t shown = controller.shown_steps();
    if (controller.busy() || controller.step_count() == 0 || shown == 0) return;
    const std::string heading = step_heading(context, shown, controller.step_count(),
                                             text_or_key(context, controller.step_key(shown - 1) + ".title"));
    ImGui::PushStyleColor(ImGuiCol_Text, kNote);
    text_wrapped_recorded(context, "scenario", heading);
    ImGui::PopStyleColor();
}

void LessonBar::draw_controls(LabContext& context, const StepController& controller) {
    // Lesson picker, by translated title; while a recording is shown, its file name.
    const Replay* replay = controller.replay();
    const std::string shown_lesson = controller.run() ? controller.lesson_name() : controller.live_lesson_name();
    const std::string current_title = replay                 ? std::filesystem::path(replay->path).filename().string()
                                      : shown_lesson.empty() ? context.text("scenario_bar.pick")
                                                             : context.text(shown_lesson + ".title");
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14);
    const bool picking = ImGui::BeginCombo("##scenario", current_title.c_str());
    if (!picking) item_marks::mark("lesson.pick");
    if (picking) {
        bool own_heading_drawn = false;
        for (const LessonEntry& entry : lesson_catalog()) {
            if (entry.from_user_folder && !own_heading_drawn) {
                own_heading_drawn = true;
                ImGui::Separator();
                ImGui::TextDisabled("%s", context.text("scenario_bar.own_lessons").c_str());
            }
            const bool selected = !replay && entry.name == shown_lesson;
            const std::string title = context.text(entry.name + ".title");
            const bool picked = ImGui::Selectable(title.c_str(), selected);
            item_marks::mark("lesson.pick." + entry.name);
            if (picked) context.ask(command::LoadLesson{entry.from_user_folder ? entry.path : entry.name});
            if (ImGui::IsItemHovered()) {
                const std::string summary = context.text(entry.name + ".summary");
                ImGui::SetTooltip("%s",
                                  entry.from_user_folder ? (summary + "\n" + entry.path).c_str() : summary.c_str());
            }
        }
        // A teacher's lesson with a mistake is listed with it, not left out.
        for (const Error& error : lesson_catalog_errors()) {
            ImGui::PushStyleColor(ImGuiCol_Text, kFailed);
            ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30);
            ImGui::TextWrapped("%s", error.what.c_str());
            ImGui::PopTextWrapPos();
            ImGui::PopStyleColor();
        }
        ImGui::Separator();
        // The student's own programs: the window asks for their command lines.
        if (ImGui::Selectable(context.text("program_dialog.picker_entry").c_str(), !replay && controller.made()))
            context.shared.programs_requested = true;
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", context.text("programs.summary").c_str());
        ImGui::EndCombo();
    }
    if (replay && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", replay->path.c_str());

    const bool busy = controller.busy();
    ImGui::SameLine();
    const bool reset = ImGui::Button(context.text("scenario_bar.reset").c_str());
    item_marks::mark("lesson.reset");
    if (reset) context.ask(command::Reset{});
    ImGui::SameLine();
    ImGui::BeginDisabled(busy || controller.shown_steps() == 0);
    const bool back = ImGui::ArrowButton("##back", ImGuiDir_Left);
    item_marks::mark("lesson.back");
    if (back) context.ask(command::Back{});
    ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
        ImGui::SetTooltip("%s", context.text("scenario_bar.back_tip").c_str());
    ImGui::SameLine();
    // With segments at the wire's gate, the same button (and space) releases the oldest.
    const bool at_gate = !controller.held().empty();
    ImGui::BeginDisabled(!at_gate && (busy || controller.at_end()));
    const bool step = ImGui::Button(context.text(at_gate ? "scenario_bar.release" : "scenario_bar.step").c_str());
    item_marks::mark("lesson.step");
    if (step) context.ask(command::Step{});
    ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
        ImGui::SetTooltip("%s", context.text(replay ? "replay.step_tip" : "scenario_bar.step_tip").c_str());
    ImGui::SameLine();
    ImGui::BeginDisabled(busy || controller.at_end());
    const bool forward = ImGui::ArrowButton("##forward", ImGuiDir_Right);
    item_marks::mark("lesson.forward");
    if (forward) context.ask(command::Forward{});
    ImGui::EndDisabled();
    ImGui::SameLine();
    const PlayState& play = controller.play();
    const bool toggle_play =
        ImGui::Button(context.text(play.playing ? "scenario_bar.pause" : "scenario_bar.play").c_str());
    item_marks::mark("lesson.play");
    if (toggle_play) context.ask(command::TogglePlay{});
    // A class needs the steps; the speed, notes and heading (shown larger below) stay in the full layout.
    if (context.shared.presentation) {
        if (busy) {
            ImGui::SameLine();
            ImGui::TextColored(kWarning, "%s", context.text("scenario_bar.running").c_str());
        }
        return;
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    float seconds_between_steps = play.seconds_between_steps;
    if (ImGui::SliderFloat("##speed", &seconds_between_steps, 0.5f, 10.0f, context.text("scenario_bar.speed").c_str()))
        context.ask(command::SetPlaySpeed{seconds_between_steps});
    ImGui::SameLine();
    if (ImGui::Button(context.text("replay.note_button").c_str())) context.shared.note_requested = true;
    item_marks::mark("lesson.note");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", context.text("replay.note_tip").c_str());

    ImGui::SameLine();
    if (busy) {
        ImGui::TextColored(kWarning, "%s", context.text("scenario_bar.running").c_str());
    } else if (controller.step_count() > 0) {
        const size_t shown = controller.shown_steps();
        const size_t count = controller.step_count();
        if (shown == 0)
            ImGui::TextUnformatted(context.text("scenario_bar.before_first").c_str());
        else
            ImGui::TextUnformatted(
                step_heading(context, shown, count, text_or_key(context, controller.step_key(shown - 1) + ".title"))
                    .c_str());
    }
}

void LessonBar::draw_narration(LabContext& context, const StepController& controller) {
    if (!draw_story(context, controller)) return;
    draw_checks(context, controller);
    draw_results(context, controller);
}

// What the lesson or the step shown says; false when there is nothing to show yet.
bool LessonBar::draw_story(LabContext& context, const StepController& controller) {
    const Replay* replay = controller.replay();
    if (replay) draw_replay_summary(context, *replay);
    if (!replay && !controller.run()) {
        if (controller.starting()) ImGui::TextDisabled("%s", context.text("scenario_bar.starting").c_str());
        return false;
    }
    const size_t shown = controller.shown_steps();
    const std::string lesson = controller.lesson_name();
    if (shown == 0) {
        if (!lesson.empty() && context.language.has(lesson + ".summary"))
            text_wrapped_recorded(context, "scenario", context.text(lesson + ".summary"));
        // Once the first step runs (a student's programs start at once) the
        // bar says "Running on the kernel…", and Step is no longer asked for.
        if (controller.step_count() > 0 && !controller.busy())
            ImGui::TextDisabled("%s", context.text("scenario_bar.press_space").c_str());
        else if (replay)
            ImGui::TextWrapped("%s", context.text("replay.no_steps").c_str());
    } else {
        text_wrapped_recorded(context, "scenario", text_or_key(context, controller.step_key(shown - 1) + ".text"));
        ImGui::Spacing();
    }
    return true;
}

// The shown step's ✓ and ✗, or why there are none.
void LessonBar::draw_checks(LabContext& context, const StepController& controller) {
    const size_t shown = controller.shown_steps();
    if (shown == 0) return;
    if (const StepOutcome* outcome = controller.step_outcome(shown - 1))
        draw_outcome(context, *outcome);
    else if (controller.replay())
        ImGui::TextDisabled("%s", context.text("replay.no_outcome").c_str());
}

// The instructor's notes and anything the run could not see or keep.
void LessonBar::draw_results(LabContext& context, const StepController& controller) {
    draw_notes(context, controller);
    // Nothing is dropped silently: a lost event is counted and shown.
    const uint64_t lost = context.trace.lost_events();
    if (lost > 0)
        ImGui::TextColored(kFailed, "%llu %s", static_cast<unsigned long long>(lost),
                           context.text("app.lost_events").c_str());
    const LessonRun* run = controller.run();
    if (!run) return;
    const uint64_t kernel_dropped = run->capture_stats().kernel_dropped;
    if (kernel_dropped > 0)
        ImGui::TextColored(kFailed, "%llu %s", static_cast<unsigned long long>(kernel_dropped),
                           context.text("app.capture_drops").c_str());
    if (run->tracepoint_note().empty()) return;
    // The student's own programs leave the tracepoint off on purpose: the bar
    // says why in the window's language, as the terminal does, rather than
    // "not available: switched off".
    if (run->options().programs) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
        text_wrapped_recorded(context, "scenario", context.text("programs.states_from"));
        ImGui::PopStyleColor();
        return;
    }
    ImGui::TextDisabled("%s: %s", context.text("app.no_tracepoint").c_str(),
                        tracepoint_note_text(*run, context.language).c_str());
}

void LessonBar::draw_outcome(LabContext& context, const StepOutcome& outcome) {
    if (!outcome.failure.empty()) ImGui::TextColored(kFailed, "✗ %s", outcome.failure.c_str());
    // Short of room in front of a class: the checks that held in one line (each under the pointer), the others in full.
    size_t held = 0;
    for (const ExpectationOutcome& expectation : outcome.expectations) held += expectation.result.passed ? 1 : 0;
    const bool counted = compact_checks_ && context.shared.presentation && held > 1;
    if (counted) {
        ImGui::BeginGroup();
        ImGui::TextColored(kPassed, "%s", "✓");
        ImGui::SameLine();
        const std::string summary = fill_placeholders(context.text("scenario_bar.checks_held"), {std::to_string(held)});
        text_wrapped(summary);
        ImGui::EndGroup();
        if (ImGui::IsItemHovered()) {
            std::string list;
            for (const ExpectationOutcome& expectation : outcome.expectations)
                if (expectation.result.passed) list += (list.empty() ? "✓ " : "\n✓ ") + context.text(expectation.key);
            wrapped_tooltip(list);
        }
        record_last_item(context, "scenario", summary);
    }
    for (const ExpectationOutcome& expectation : outcome.expectations) {
        const bool passed = expectation.result.passed;
        if (counted && passed) continue;
        ImGui::BeginGroup();
        ImGui::TextColored(passed ? kPassed : kFailed, "%s", passed ? "✓" : "✗");
        ImGui::SameLine();
        // The sentence and its evidence (which can be long: a list of ISNs) wrap rather than run off the view.
        text_wrapped(context.text(expectation.key));
        const std::string evidence = fmt::format(fmt::runtime(context.text("app.evidence")),
                                                 context.language.evidence(expectation.result.evidence));
        // In front of a class the sentence is what is read; its evidence waits under the pointer.
        if (!context.shared.presentation) {
            ImGui::SameLine();
            ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
            text_wrapped(evidence);
            ImGui::PopStyleColor();
        }
        ImGui::EndGroup();
        if (context.shared.presentation && ImGui::IsItemHovered()) wrapped_tooltip(evidence);
        record_last_item(context, "scenario", context.text(expectation.key));
    }
}

// Which file is shown, how much of it, and what was wrong with it.
void LessonBar::draw_replay_summary(LabContext& context, const Replay& replay) {
    const LoadedTrace& loaded = replay.loaded;
    ImGui::TextDisabled("%s %llu %s", context.text(loaded.from_tcplab ? "replay.recording" : "replay.capture").c_str(),
                        static_cast<unsigned long long>(loaded.packets), context.text("replay.packets").c_str());
    if (!loaded.from_tcplab) {
        ImGui::SameLine();
        ImGui::TextDisabled("%s", context.text("replay.states_inferred").c_str());
    }
    if (loaded.fault) {
        ImGui::PushStyleColor(ImGuiCol_Text, kWarning);
        ImGui::TextWrapped("%s %s", context.text("replay.fault").c_str(), loaded.fault->message().c_str());
        ImGui::PopStyleColor();
    }
    for (const std::string& warning : loaded.warnings) ImGui::TextColored(kWarning, "%s", warning.c_str());
    ImGui::Separator();
}

// The instructor's notes on the step shown and on the selected packet.
void LessonBar::draw_notes(LabContext& context, const StepController& controller) {
    const size_t shown = controller.shown_steps();
    const std::optional<size_t> selected = context.shared.selected_packet;
    bool heading = false;
    for (const InstructorNote& note : controller.notes()) {
        const bool on_step = note.step && shown > 0 && *note.step == shown - 1;
        const bool on_packet = note.packet && selected && *note.packet == *selected;
        if (!on_step && !on_packet) continue;
        if (!heading) {
            ImGui::Spacing();
            heading = true;
        }
        const std::string where = on_packet ? "#" + std::to_string(*note.packet + 1) : context.text("replay.on_step");
        ImGui::PushID(static_cast<int>(note.note_index));
        ImGui::TextColored(kNote, "%s %s:", context.text("replay.note").c_str(), where.c_str());
        ImGui::SameLine();
        if (editing_ && same_note(*editing_, note.event))
            draw_note_editor(context);
        else
            draw_note(context, controller, note);
        ImGui::PopID();
    }
}

bool LessonBar::same_note(const NoteEvent& left, const NoteEvent& right) {
    return left.time_ns == right.time_ns && left.step == right.step && left.key == right.key;
}

// The note's text, with Edit and Delete when the notes can still change.
void LessonBar::draw_note(LabContext& context, const StepController& controller, const InstructorNote& note) {
    ImGui::TextWrapped("%s", note.text.c_str());
    if (!controller.notes_editable()) return;
    ImGui::SameLine();
    if (ImGui::SmallButton(context.text("replay.note_edit").c_str())) {
        editing_ = note.event;
        std::snprintf(edit_text_.data(), edit_text_.size(), "%s", note.text.c_str());
        edit_focus_ = true;
    }
    item_marks::mark("note.edit");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", context.text("replay.note_edit_tip").c_str());
    ImGui::SameLine();
    // Deleting changes the trace: the window does it between frames.
    if (ImGui::SmallButton(context.text("replay.note_delete").c_str())) context.ask(command::DeleteNote{note.event});
    item_marks::mark("note.delete");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", context.text("replay.note_delete_tip").c_str());
}

// The note being edited: its text in a field on the note's own line (the bar
// is short), kept by Enter or the button, dropped by Cancel.
void LessonBar::draw_note_editor(LabContext& context) {
    const std::string keep = context.text("replay.note_keep_edit");
    const std::string cancel = context.text("replay.dialog.cancel");
    const ImGuiStyle& style = ImGui::GetStyle();
    const float buttons = ImGui::CalcTextSize(keep.c_str()).x + ImGui::CalcTextSize(cancel.c_str()).x +
                          4 * style.FramePadding.x + 2 * style.ItemSpacing.x;
    if (edit_focus_) {
        ImGui::SetKeyboardFocusHere();
        edit_focus_ = false;
    }
    ImGui::SetNextItemWidth(std::max(ImGui::GetContentRegionAvail().x - buttons, 100.0f));
    const bool entered =
        ImGui::InputText("##edit_note", edit_text_.data(), edit_text_.size(), ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::SameLine();
    ImGui::BeginDisabled(edit_text_[0] == '\0');
    const bool kept = ImGui::Button(keep.c_str());
    item_marks::mark("note.keep_edit");
    ImGui::EndDisabled();
    if ((kept || entered) && edit_text_[0] != '\0') {
        context.ask(command::EditNote{*editing_, edit_text_.data()});
        editing_.reset();
    }
    ImGui::SameLine();
    if (ImGui::Button(cancel.c_str())) editing_.reset();
    item_marks::mark("note.cancel_edit");
}

}  // namespace tcplab
