#pragma once
// Small drawing and wording helpers the views share.
#include <imgui.h>

#include <string>

#include "lab/views/view.hpp"

namespace tcplab {

ImU32 with_alpha(ImU32 colour, float alpha);

// "client", "server", "attacker" in the current language ("-" for nobody).
std::string actor_text(const LabContext& context, Actor actor);
// "tracepoint", "socket dump", "inferred" in the current language.
std::string source_text(const LabContext& context, StateSource source);

// ImGui 1.86 draws no dashed lines: segments of `dash` pixels with equal gaps.
void dashed_line(ImDrawList* draw_list, ImVec2 from, ImVec2 to, ImU32 colour, float thickness, float dash);
void dashed_rect(ImDrawList* draw_list, ImVec2 min, ImVec2 max, ImU32 colour, float thickness, float dash = 4.0f);

// A tooltip of text wrapped to a readable width: what a view's "(?)" says.
void wrapped_tooltip(const std::string& text);

// A dim label and its value on one line, for tooltips.
void label_value(const std::string& label, const std::string& value);

// Text wrapped to the space left on the line, then to the view's width, as
// Chinese is written: ImGui 1.86 breaks only at spaces, which Chinese has
// few of, so a line may also end between two characters that are not ASCII,
// but never before closing punctuation (，。：）” …) nor after opening (“（).
// A line break in the text starts a new line.
void text_wrapped(const std::string& text);

// For screenshots (context.drawn_texts): a text at [min, max] in `view_id`, in
// a font `font_pixels` high, which its panel shows within [clip_min, clip_max].
void record_text(const LabContext& context, const char* view_id, const std::string& text, ImVec2 min, ImVec2 max,
                 float font_pixels, ImVec2 clip_min, ImVec2 clip_max);
// text_wrapped, and recorded as one text.
void text_wrapped_recorded(const LabContext& context, const char* view_id, const std::string& text);
// The last item (a text, or a group of them) of the current window, shown within that window's visible area.
void record_last_item(const LabContext& context, const char* view_id, const std::string& text);

}  // namespace tcplab
