#include "program_output_view.hpp"

#include <imgui.h>

#include "drawing.hpp"
#include "scenarios/program_input.hpp"

namespace tcplab {

void ProgramOutputView::draw(LabContext& context) {
    drawn_lines_.clear();
    const std::vector<OutputEvent>& outputs = context.trace.outputs();
    const bool waiting = context.program_input && !context.program_input->pending().empty();
    const float input_height = context.program_input ? ImGui::GetFrameHeightWithSpacing() +
                                                           (waiting ? ImGui::GetTextLineHeightWithSpacing() : 0.0f)
                                                     : 0.0f;
    ImGui::BeginChild("##lines", ImVec2(0, -input_height), false, ImGuiWindowFlags_HorizontalScrollbar);
    for (const OutputEvent& line : outputs) {
        if (!context.visible(line.time_ns)) continue;
        const std::string label = "[" + (line.label.empty() ? actor_text(context, line.actor) : line.label) + "]";
        const ImU32 colour = line.actor == Actor::Server ? context.palette.server : context.palette.client;
        ImGui::PushStyleColor(ImGuiCol_Text, colour);
        ImGui::TextUnformatted(label.c_str());
        ImGui::PopStyleColor();
        ImGui::SameLine();
        ImGui::TextUnformatted(line.text.c_str());
        drawn_lines_.push_back(label + " " + line.text);
    }
    if (drawn_lines_.empty()) text_wrapped(context.text("program_output.empty"));
    // The panel follows new lines at the bottom; scrolling up to read stops
    // that, scrolling back down starts it again. While lines arrive the
    // scroll range lags a frame, so only a quiet frame decides.
    if (drawn_lines_.size() == lines_seen_) following_ = ImGui::GetScrollY() >= ImGui::GetScrollMaxY() - 1.0f;
    if (following_) ImGui::SetScrollHereY(1.0f);
    lines_seen_ = drawn_lines_.size();
    ImGui::EndChild();
    if (context.program_input) draw_input(context);
}

void ProgramOutputView::draw_input(LabContext& context) {
    // A client that does not read leaves what was typed waiting, never lost: say so.
    if (const size_t waiting = context.program_input->pending().size(); waiting > 0)
        ImGui::TextDisabled(
            "%s", fill_placeholders(context.text("program_output.waiting"), {std::to_string(waiting)}).c_str());
    if (refocus_) ImGui::SetKeyboardFocusHere();
    refocus_ = false;
    if (context.program_input->ended()) {
        ImGui::TextDisabled("%s", context.text("program_output.ended").c_str());
        return;
    }
    const std::string end_label = context.text("program_output.end_input");
    const ImGuiStyle& style = ImGui::GetStyle();
    const float end_width = ImGui::CalcTextSize(end_label.c_str()).x + style.FramePadding.x * 2;
    ImGui::SetNextItemWidth(-(end_width + style.ItemSpacing.x));
    // The text is queued for the client; the window writes it between frames.
    if (ImGui::InputTextWithHint("##stdin", context.text("program_output.input_hint").c_str(), input_, sizeof(input_),
                                 ImGuiInputTextFlags_EnterReturnsTrue)) {
        context.program_input->queue(input_);
        input_[0] = '\0';
        refocus_ = true;  // Enter leaves the field; the next line is typed in it too
    }
    // Ctrl+D while typing, as in a terminal; what is typed goes first.
    bool end = ImGui::IsItemActive() && context.end_of_input_key;
    ImGui::SameLine();
    end = ImGui::Button(end_label.c_str()) || end;
    if (!end) return;
    if (input_[0] != '\0') context.program_input->queue(input_);
    input_[0] = '\0';
    context.ask(command::EndProgramInput{});
}

}  // namespace tcplab
