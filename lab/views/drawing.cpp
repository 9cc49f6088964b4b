#include "drawing.hpp"

#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <string_view>

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

namespace {

size_t glyph_length(unsigned char lead) { return lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2; }

bool one_of(std::string_view glyph, std::initializer_list<std::string_view> set) {
    return std::find(set.begin(), set.end(), glyph) != set.end();
}

// Whether a line may end between `before` and `after`.
bool may_break_between(std::string_view before, std::string_view after) {
    if (before == " ") return true;
    const bool wide = before.size() >= 3 || after.size() >= 3;
    if (!wide) return false;
    if (one_of(after, {"，", "。", "、", "；", "：", "？", "！", "）", "”", "’", "」", "》", "…", " "})) return false;
    if (one_of(before, {"“", "‘", "（", "「", "《"})) return false;
    return true;
}

}  // namespace

void text_wrapped(const std::string& text) {
    size_t line_start = 0;
    while (line_start < text.size()) {
        const float width = std::max(ImGui::GetContentRegionAvail().x, ImGui::GetFontSize() * 4);
        float line_width = 0;
        size_t position = line_start;
        size_t last_break = std::string::npos;  // where this line may end
        std::string_view previous;
        bool forced = false;
        while (position < text.size()) {
            if (text[position] == '\n') {
                forced = true;
                break;
            }
            const size_t length =
                std::min(glyph_length(static_cast<unsigned char>(text[position])), text.size() - position);
            const std::string_view glyph(text.data() + position, length);
            if (!previous.empty() && may_break_between(previous, glyph)) last_break = position;
            line_width += ImGui::CalcTextSize(glyph.data(), glyph.data() + glyph.size()).x;
            if (line_width > width && position > line_start) break;
            previous = glyph;
            position += length;
        }
        size_t line_end = position;
        if (!forced && position < text.size() && last_break != std::string::npos && last_break > line_start)
            line_end = last_break;
        size_t shown_end = line_end;
        while (shown_end > line_start && text[shown_end - 1] == ' ') --shown_end;
        ImGui::TextUnformatted(text.data() + line_start, text.data() + shown_end);
        line_start = line_end;
        if (line_start < text.size() && text[line_start] == '\n') ++line_start;
        while (line_start < text.size() && text[line_start] == ' ') ++line_start;
    }
}

void label_value(const std::string& label, const std::string& value) {
    ImGui::TextDisabled("%s", label.c_str());
    ImGui::SameLine();
    ImGui::TextUnformatted(value.c_str());
}

void record_text(const LabContext& context, const char* view_id, const std::string& text, ImVec2 min, ImVec2 max,
                 float font_pixels, ImVec2 clip_min, ImVec2 clip_max) {
    if (!context.drawn_texts) return;
    context.drawn_texts->push_back({view_id, text, min.x, min.y, max.x - min.x, max.y - min.y, font_pixels, clip_min.x,
                                    clip_min.y, clip_max.x - clip_min.x, clip_max.y - clip_min.y});
}

void record_last_item(const LabContext& context, const char* view_id, const std::string& text) {
    if (!context.drawn_texts) return;
    // The window's visible area: inside its title bar and scrollbars, whatever it has scrolled to.
    const ImRect visible = ImGui::GetCurrentWindow()->InnerRect;
    record_text(context, view_id, text, ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), ImGui::GetFontSize(),
                visible.Min, visible.Max);
}

void text_wrapped_recorded(const LabContext& context, const char* view_id, const std::string& text) {
    ImGui::BeginGroup();
    text_wrapped(text);
    ImGui::EndGroup();
    record_last_item(context, view_id, text);
}

}  // namespace tcplab
