#include "drawing.hpp"

#include <algorithm>
#include <cmath>

namespace tcplab {

ImU32 with_alpha(ImU32 colour, float alpha) {
    const auto scaled = static_cast<ImU32>(static_cast<float>((colour >> IM_COL32_A_SHIFT) & 0xff) * alpha);
    return (colour & ~IM_COL32_A_MASK) | (std::min<ImU32>(scaled, 255) << IM_COL32_A_SHIFT);
}

std::string actor_text(const LabContext& context, Actor actor) {
    switch (actor) {
        case Actor::Client:
            return context.text("actor.client");
        case Actor::Server:
            return context.text("actor.server");
        case Actor::Attacker:
            return context.text("actor.attacker");
        case Actor::None:
            break;
    }
    return "-";
}

std::string source_text(const LabContext& context, StateSource source) {
    switch (source) {
        case StateSource::Tracepoint:
            return context.text("source.tracepoint");
        case StateSource::SocketDump:
            return context.text("source.dump");
        case StateSource::Inferred:
            return context.text("source.inferred");
    }
    return "";
}

void dashed_line(ImDrawList* draw_list, ImVec2 from, ImVec2 to, ImU32 colour, float thickness, float dash) {
    const float length = std::hypot(to.x - from.x, to.y - from.y);
    if (length <= 0) return;
    const ImVec2 step((to.x - from.x) / length, (to.y - from.y) / length);
    for (float at = 0; at < length; at += 2 * dash) {
        const float end = std::min(at + dash, length);
        draw_list->AddLine(ImVec2(from.x + step.x * at, from.y + step.y * at),
                           ImVec2(from.x + step.x * end, from.y + step.y * end), colour, thickness);
    }
}

void dashed_rect(ImDrawList* draw_list, ImVec2 min, ImVec2 max, ImU32 colour, float thickness, float dash) {
    dashed_line(draw_list, min, ImVec2(max.x, min.y), colour, thickness, dash);
    dashed_line(draw_list, ImVec2(max.x, min.y), max, colour, thickness, dash);
    dashed_line(draw_list, max, ImVec2(min.x, max.y), colour, thickness, dash);
    dashed_line(draw_list, ImVec2(min.x, max.y), min, colour, thickness, dash);
}

void wrapped_tooltip(const std::string& text) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 32.0f);
    ImGui::TextUnformatted(text.c_str());
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
}

void label_value(const std::string& label, const std::string& value) {
    ImGui::TextDisabled("%s", label.c_str());
    ImGui::SameLine();
    ImGui::TextUnformatted(value.c_str());
}

}  // namespace tcplab
