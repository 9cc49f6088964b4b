#include "state_machine_view.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "capture/transition_merger.hpp"
#include "drawing.hpp"
#include "lab/layout/arrowhead.hpp"

namespace tcplab {
namespace {

// The smallest text a class reads from the back of a room on a projector.
constexpr float kClassMinimumPixels = 18.0f;

// A polyline whose last segment ends in an arrowhead.
void polyline_arrow(ImDrawList* draw_list, const std::vector<ImVec2>& points, ImU32 colour, float thickness) {
    if (points.size() < 2) return;
    const ImVec2 to = points.back();
    const ImVec2 from = points[points.size() - 2];
    const float length = std::hypot(to.x - from.x, to.y - from.y);
    const Arrowhead head =
        arrowhead(from.x, from.y, to.x, to.y, std::min(7.0f + 2.5f * thickness, std::max(length, 1.0f)));
    for (size_t index = 0; index + 1 < points.size(); ++index) {
        const bool last = index + 2 == points.size();
        draw_list->AddLine(points[index], last ? ImVec2(head.base_x, head.base_y) : points[index + 1], colour,
                           thickness);
    }
    draw_list->AddTriangleFilled(to, ImVec2(head.left_x, head.left_y), ImVec2(head.right_x, head.right_y), colour);
}

// A small legend swatch drawn into the current line, followed by its text.
template <class Draw>
void legend_item(const std::string& text, float swatch_width, Draw&& draw) {
    const float line = ImGui::GetTextLineHeight();
    const float needed = swatch_width + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(text.c_str()).x;
    ImGui::SameLine();
    if (ImGui::GetContentRegionAvail().x < needed) ImGui::NewLine();
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::Dummy(ImVec2(swatch_width, line));
    draw(ImGui::GetWindowDrawList(), at, ImVec2(at.x + swatch_width, at.y + line));
    ImGui::SameLine(0, ImGui::GetStyle().ItemInnerSpacing.x);
    ImGui::TextUnformatted(text.c_str());
}

}  // namespace

void StateMachineView::draw_legend(LabContext& context) const {
    const Palette& palette = context.palette;
    const float swatch = ImGui::GetTextLineHeight() * 1.4f;
    legend_item(context.text("diagrams.fsm.legend_client"), swatch, [&](ImDrawList* list, ImVec2 min, ImVec2 max) {
        list->AddRectFilled(ImVec2(min.x, min.y + 2), ImVec2(max.x, max.y - 2), palette.client, 3.0f);
    });
    legend_item(context.text("diagrams.fsm.legend_server"), swatch, [&](ImDrawList* list, ImVec2 min, ImVec2 max) {
        list->AddRectFilled(ImVec2(min.x, min.y + 2), ImVec2(max.x, max.y - 2), palette.server, 3.0f);
    });
    legend_item(context.text("diagrams.fsm.legend_last"), swatch, [&](ImDrawList* list, ImVec2 min, ImVec2 max) {
        const float y = (min.y + max.y) * 0.5f;
        polyline_arrow(list, {ImVec2(min.x, y), ImVec2(max.x, y)}, palette.text, 3.0f * context.line_width);
    });
    legend_item(context.text("diagrams.fsm.legend_inferred"), swatch, [&](ImDrawList* list, ImVec2 min, ImVec2 max) {
        dashed_rect(list, ImVec2(min.x + 1, min.y + 2), ImVec2(max.x - 1, max.y - 2), palette.inferred_state,
                    context.line_width);
    });
}

// In front of a class: the legend's font scale, at most 0.7 of the window's, smaller (down to 0.55) to keep it on one
// line.
float StateMachineView::legend_scale(const LabContext& context) const {
    const ImGuiStyle& style = ImGui::GetStyle();
    const float swatch = ImGui::GetTextLineHeight() * 1.4f;
    float width = style.ItemSpacing.x * 3;
    for (const char* key : {"diagrams.fsm.legend_client", "diagrams.fsm.legend_server", "diagrams.fsm.legend_last",
                            "diagrams.fsm.legend_inferred"})
        width += swatch + style.ItemInnerSpacing.x + ImGui::CalcTextSize(context.text(key).c_str()).x;
    return std::clamp(ImGui::GetContentRegionAvail().x / std::max(width, 1.0f), 0.55f, 0.7f);
}

void StateMachineView::draw(LabContext& context) {
    const Trace& trace = context.trace;
    progress_ =
        ends_progress(trace, transitions_and_spans(context, own_history_).transitions(), context.shared.cursor_ns);
    layout_ = layout_state_machine(progress_);
    // In front of a class the legend is read once; the diagram gets the room.
    // On one line when it fits at all: the diagram's height is worth more than the legend's size.
    if (context.shared.presentation) ImGui::SetWindowFontScale(legend_scale(context));
    draw_legend(context);
    ImGui::SetWindowFontScale(1.0f);

    const Palette& palette = context.palette;
    const float thickness = context.line_width;
    const float line = ImGui::GetTextLineHeight();
    const ImVec2 available = ImGui::GetContentRegionAvail();
    // A small window gets a small picture rather than a scrollbar.
    const ImVec2 size(std::max(available.x, 160.0f), std::max(available.y, 120.0f));
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("##state_machine_canvas", size);
    const bool hovered = ImGui::IsItemHovered();
    ImDrawList* draw_list = ImGui::GetWindowDrawList();

    // The normalized square stretched over the canvas, with a margin for the outer routes.
    const float margin = line * 0.5f;
    canvas_min_ = origin;
    canvas_size_ = size;
    canvas_margin_ = margin;
    const auto to_screen = [this](NormalizedPoint point) { return last_screen_point(point); };
    // Labels were placed for a canvas about 900 pixels wide; smaller ones get a
    // smaller font, and tiny ones none at all (the boxes still tell the story).
    // In front of a class the font follows the panel instead, never below what
    // reads from the back of a room; the boxes grow around their names to fit.
    ImFont* font = ImGui::GetFont();
    const bool presentation = context.shared.presentation;
    const float class_pixels =
        std::max(kClassMinimumPixels, std::min({size.x / 30.0f, size.y / 16.0f, ImGui::GetFontSize() * 1.25f}));
    const float label_size =
        presentation ? class_pixels : ImGui::GetFontSize() * std::clamp(size.x / 900.0f, 0.72f, 1.0f);
    const bool show_labels = size.x >= 380.0f && size.y >= 300.0f;
    draw_list->PushClipRect(origin, ImVec2(origin.x + size.x, origin.y + size.y), true);
    const ImU32 quiet = with_alpha(palette.text_dim, 0.7f);
    // Plain arrows first, highlighted ones on top.
    for (const bool highlighted_pass : {false, true}) {
        for (const StateArrow& state_arrow : layout_.arrows) {
            const bool highlighted = state_arrow.client_last || state_arrow.server_last;
            if (highlighted != highlighted_pass) continue;
            std::vector<ImVec2> points;
            for (const NormalizedPoint& point : state_arrow.points) points.push_back(to_screen(point));
            if (state_arrow.server_last)
                polyline_arrow(draw_list, points, palette.server, (state_arrow.client_last ? 6.0f : 3.0f) * thickness);
            if (state_arrow.client_last) polyline_arrow(draw_list, points, palette.client, 3.0f * thickness);
            if (!highlighted) polyline_arrow(draw_list, points, quiet, thickness);
        }
    }

    // One size for every state name, the largest that fits every box (boxes
    // shrink with the window; presentation mode makes the font large, and
    // there the boxes grow to the names instead).
    float name_size = ImGui::GetFontSize();
    for (const StateBox& box : layout_.boxes) {
        const ImVec2 min = to_screen({box.rect.x0, box.rect.y0});
        const ImVec2 max = to_screen({box.rect.x1, box.rect.y1});
        const std::string name(state_name(box.state));
        const float width = font->CalcTextSizeA(ImGui::GetFontSize(), FLT_MAX, 0.0f, name.c_str()).x;
        name_size = std::min({name_size, (max.y - min.y) * 0.85f, ImGui::GetFontSize() * (max.x - min.x - 6) / width});
    }
    name_size = presentation ? std::max(name_size, class_pixels) : std::max(name_size, 6.0f);
    std::vector<std::pair<ImVec2, ImVec2>> boxes_on_screen;
    for (const StateBox& box : layout_.boxes) {
        ImVec2 min = to_screen({box.rect.x0, box.rect.y0});
        ImVec2 max = to_screen({box.rect.x1, box.rect.y1});
        if (presentation) {
            const ImVec2 text =
                font->CalcTextSizeA(name_size, FLT_MAX, 0.0f, std::string(state_name(box.state)).c_str());
            const float grow_x = std::max(0.0f, (text.x + 8 - (max.x - min.x)) * 0.5f);
            const float grow_y = std::max(0.0f, (text.y + 4 - (max.y - min.y)) * 0.5f);
            min = ImVec2(min.x - grow_x, min.y - grow_y);
            max = ImVec2(max.x + grow_x, max.y + grow_y);
        }
        boxes_on_screen.emplace_back(min, max);
    }
    // Labels: the highlighted ones always, the others where they fit. In a
    // narrow window a label that would cover a box or another label is left
    // out rather than drawn unreadable; a wider window shows them all.
    struct PlacedLabel {
        ImVec2 min, max;
        std::string text;
        ImU32 colour;
    };
    std::vector<PlacedLabel> placed;
    const auto overlaps = [](ImVec2 a_min, ImVec2 a_max, ImVec2 b_min, ImVec2 b_max) {
        return a_min.x < b_max.x && b_min.x < a_max.x && a_min.y < b_max.y && b_min.y < a_max.y;
    };
    // The ends' names by their lit boxes (drawn last) are in the labels' way too: above the box, or,
    // in front of a class, below it, where the highlighted arrows' labels do not go; when a short
    // panel puts the next box there, beside it (outside first), and only then above. `size` is the
    // tag's; the client's sits at the box's left edge, the server's at its right.
    const auto tag_at = [&](ImVec2 min, ImVec2 max, ImVec2 tag, bool client) {
        const float x = client ? min.x : max.x - tag.x;
        const ImVec2 above(x, std::max(origin.y, min.y - tag.y));
        if (!presentation) return above;
        const auto clear = [&](ImVec2 at) {
            if (at.x < origin.x || at.y < origin.y || at.x + tag.x > origin.x + size.x ||
                at.y + tag.y > origin.y + size.y)
                return false;
            for (const auto& [box_min, box_max] : boxes_on_screen)
                if (overlaps(at, ImVec2(at.x + tag.x, at.y + tag.y), box_min, box_max)) return false;
            return true;
        };
        const float middle = (min.y + max.y - tag.y) * 0.5f;
        const ImVec2 outside(client ? min.x - tag.x - 3 : max.x + 3, middle);
        const ImVec2 inside(client ? max.x + 3 : min.x - tag.x - 3, middle);
        const ImVec2 below(x, std::min(max.y, origin.y + size.y - tag.y));
        for (const ImVec2 at : {below, above, outside, inside})
            if (clear(at)) return at;
        return below;
    };
    const float tag_size = presentation ? label_size : label_size * 0.9f;
    std::vector<std::pair<ImVec2, ImVec2>> tag_rects;
    for (size_t index = 0; index < layout_.boxes.size(); ++index) {
        const StateBox& box = layout_.boxes[index];
        const auto [min, max] = boxes_on_screen[index];
        for (const bool client : {true, false}) {
            if (!(client ? box.client_current : box.server_current)) continue;
            const ImVec2 text_size = font->CalcTextSizeA(
                tag_size, FLT_MAX, 0.0f, context.text(client ? "actor.client" : "actor.server").c_str());
            const ImVec2 at = tag_at(min, max, text_size, client);
            tag_rects.emplace_back(at, ImVec2(at.x + text_size.x, at.y + text_size.y));
        }
    }
    const auto collides = [&](ImVec2 min, ImVec2 max) {
        for (const auto& [box_min, box_max] : boxes_on_screen)
            if (overlaps(min, max, box_min, box_max)) return true;
        for (const auto& [tag_min, tag_max] : tag_rects)
            if (overlaps(min, max, tag_min, tag_max)) return true;
        for (const PlacedLabel& other : placed)
            if (overlaps(min, max, other.min, other.max)) return true;
        return false;
    };
    for (const bool highlighted_pass : {true, false}) {
        for (const StateArrow& state_arrow : layout_.arrows) {
            const bool highlighted = state_arrow.client_last || state_arrow.server_last;
            if (highlighted != highlighted_pass || state_arrow.label_key.empty()) continue;
            if (!show_labels && !highlighted) continue;
            PlacedLabel label;
            label.text = context.text(state_arrow.label_key);
            const ImVec2 text_size = font->CalcTextSizeA(label_size, FLT_MAX, 0.0f, label.text.c_str());
            ImVec2 at = to_screen(state_arrow.label_anchor);
            if (state_arrow.label_align == LabelAlign::Centre) at.x -= text_size.x * 0.5f;
            if (state_arrow.label_align == LabelAlign::Right) at.x -= text_size.x;
            at.y -= text_size.y * 0.5f;
            // Kept inside the canvas: a label near the edge slides in rather than being cut.
            at.x = std::clamp(at.x, origin.x + 2, std::max(origin.x + 2, origin.x + size.x - text_size.x - 2));
            at.y = std::clamp(at.y, origin.y + 1, std::max(origin.y + 1, origin.y + size.y - text_size.y - 1));
            label.min = ImVec2(at.x - 2, at.y);
            label.max = ImVec2(at.x + text_size.x + 2, at.y + text_size.y);
            label.colour = state_arrow.client_last   ? palette.client
                           : state_arrow.server_last ? palette.server
                                                     : palette.text_dim;
            if (!highlighted && collides(label.min, label.max)) continue;
            if (highlighted && presentation) {
                // A label that must be shown moves out of the way (up, down, then sideways), within the canvas.
                const float w = label.max.x - label.min.x;
                for (const float rows : {0.0f, -1.0f, 1.0f, -2.0f, 2.0f, -3.0f, 3.0f}) {
                    bool moved = false;
                    for (const float sideways : {0.0f, -0.5f, 0.5f, -1.0f, 1.0f}) {
                        const ImVec2 min(label.min.x + sideways * w, label.min.y + rows * text_size.y);
                        const ImVec2 max(label.max.x + sideways * w, label.max.y + rows * text_size.y);
                        if (min.y < origin.y || max.y > origin.y + size.y || min.x < origin.x ||
                            max.x > origin.x + size.x || collides(min, max))
                            continue;
                        label.min = min;
                        label.max = max;
                        moved = true;
                        break;
                    }
                    if (moved) break;
                }
            }
            placed.push_back(std::move(label));
        }
    }
    struct Tag {
        ImVec2 at;  // its top left
        std::string text;
        ImU32 colour;
    };
    std::vector<Tag> tags;
    const StateBox* hovered_box = nullptr;
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    const ImVec2 clip_min = draw_list->GetClipRectMin();
    const ImVec2 clip_max = draw_list->GetClipRectMax();
    for (size_t index = 0; index < layout_.boxes.size(); ++index) {
        const StateBox& box = layout_.boxes[index];
        const auto [min, max] = boxes_on_screen[index];
        const float rounding = 4.0f;
        const ImU32 idle = ImGui::GetColorU32(ImGuiCol_FrameBg, box.visited ? 1.0f : 0.6f);
        if (box.client_current && box.server_current) {
            const float middle = (min.x + max.x) * 0.5f;
            draw_list->AddRectFilled(min, ImVec2(middle, max.y), palette.client, rounding,
                                     ImDrawFlags_RoundCornersLeft);
            draw_list->AddRectFilled(ImVec2(middle, min.y), max, palette.server, rounding,
                                     ImDrawFlags_RoundCornersRight);
        } else if (box.client_current || box.server_current) {
            draw_list->AddRectFilled(min, max, box.client_current ? palette.client : palette.server, rounding);
        } else {
            draw_list->AddRectFilled(min, max, ImGui::GetColorU32(ImGuiCol_WindowBg), rounding);
            draw_list->AddRectFilled(min, max, idle, rounding);
        }
        const bool lit = box.client_current || box.server_current;
        const bool inferred = box.inferred_only || box.client_inferred || box.server_inferred;
        if (inferred) {
            // Dashed: no kernel source reported this state, the packets implied it.
            dashed_rect(draw_list, ImVec2(min.x - 2, min.y - 2), ImVec2(max.x + 2, max.y + 2), palette.inferred_state,
                        2.0f * thickness);
        } else {
            draw_list->AddRect(min, max, lit ? palette.text : with_alpha(palette.text_dim, box.visited ? 1.0f : 0.5f),
                               rounding, 0, (lit ? 2.0f : 1.0f) * thickness);
        }
        const std::string name(state_name(box.state));
        const ImVec2 text_size = font->CalcTextSizeA(name_size, FLT_MAX, 0.0f, name.c_str());
        const ImU32 text_colour = lit           ? palette.background
                                  : box.visited ? palette.text
                                                : with_alpha(palette.text_dim, 0.9f);
        const ImVec2 name_at((min.x + max.x - text_size.x) * 0.5f, (min.y + max.y - text_size.y) * 0.5f);
        draw_list->AddText(font, name_size, name_at, text_colour, name.c_str());
        record_text(context, id(), name, name_at, ImVec2(name_at.x + text_size.x, name_at.y + text_size.y), name_size,
                    clip_min, clip_max);

        // Colour is never the only clue: the end's name sits on the lit box's corner.
        for (const bool client : {true, false}) {
            if (!(client ? box.client_current : box.server_current)) continue;
            const std::string tag = context.text(client ? "actor.client" : "actor.server");
            const ImVec2 tag_size_on_screen = font->CalcTextSizeA(tag_size, FLT_MAX, 0.0f, tag.c_str());
            tags.push_back(
                {tag_at(min, max, tag_size_on_screen, client), tag, client ? palette.client : palette.server});
        }
        if (hovered && mouse.x >= min.x && mouse.x <= max.x && mouse.y >= min.y && mouse.y <= max.y) hovered_box = &box;
    }
    // Labels and tags above the boxes and routes, each on a backing the colour of the window.
    const ImU32 backing = with_alpha(ImGui::GetColorU32(ImGuiCol_WindowBg), 0.85f);
    // Drawn in reverse, so the highlighted labels (placed first) end on top.
    for (auto label = placed.rbegin(); label != placed.rend(); ++label) {
        draw_list->AddRectFilled(label->min, label->max, backing, 2.0f);
        draw_list->AddText(font, label_size, ImVec2(label->min.x + 2, label->min.y), label->colour,
                           label->text.c_str());
        record_text(context, id(), label->text, label->min, label->max, label_size, clip_min, clip_max);
    }

    for (const Tag& tag : tags) {
        const ImVec2 text_size = font->CalcTextSizeA(tag_size, FLT_MAX, 0.0f, tag.text.c_str());
        // Above the box's corner, inside the canvas (CLOSED sits near its top).
        const ImVec2 at = tag.at;
        draw_list->AddRectFilled(ImVec2(at.x - 1, at.y), ImVec2(at.x + text_size.x + 1, at.y + text_size.y), backing,
                                 2.0f);
        draw_list->AddText(font, tag_size, at, tag.colour, tag.text.c_str());
        record_text(context, id(), tag.text, at, ImVec2(at.x + text_size.x, at.y + text_size.y), tag_size, clip_min,
                    clip_max);
    }
    if (!progress_.client.state && !progress_.server.state) {
        const std::string empty = context.text("diagrams.fsm.nothing_yet");
        draw_list->AddText(ImVec2(origin.x + margin, origin.y + size.y - margin - line), palette.text_dim,
                           empty.c_str());
    }
    draw_list->PopClipRect();
    if (hovered_box) draw_box_tooltip(context, *hovered_box);
}

ImVec2 StateMachineView::last_screen_point(NormalizedPoint point) const {
    return ImVec2(canvas_min_.x + canvas_margin_ + point.x * (canvas_size_.x - 2 * canvas_margin_),
                  canvas_min_.y + canvas_margin_ + point.y * (canvas_size_.y - 2 * canvas_margin_));
}

void StateMachineView::draw_box_tooltip(LabContext& context, const StateBox& box) const {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30.0f);
    ImGui::TextUnformatted(std::string(state_name(box.state)).c_str());
    for (const Actor actor : {Actor::Client, Actor::Server}) {
        const bool here = actor == Actor::Client ? box.client_current : box.server_current;
        if (!here) continue;
        const EndProgress& end = actor == Actor::Client ? progress_.client : progress_.server;
        const std::string name = context.text(actor == Actor::Client ? "actor.client" : "actor.server");
        ImGui::PushStyleColor(ImGuiCol_Text, actor == Actor::Client ? context.palette.client : context.palette.server);
        ImGui::TextUnformatted(fill_placeholders(context.text("diagrams.fsm.here"), {name}).c_str());
        ImGui::PopStyleColor();
        ImGui::SameLine();
        ImGui::TextDisabled("(%s)", source_text(context, end.source).c_str());
        if (!end.last_transition) continue;
        std::string how = std::string(state_name(end.last_transition->from)) + " → " +
                          std::string(state_name(end.last_transition->to));
        for (const StateArrow& arrow : layout_.arrows) {
            const bool last = actor == Actor::Client ? arrow.client_last : arrow.server_last;
            if (!last) continue;
            how += "  ·  " +
                   (arrow.label_key.empty() ? context.text("diagrams.fsm.not_in_rfc") : context.text(arrow.label_key));
        }
        ImGui::TextDisabled("%s", fill_placeholders(context.text("diagrams.fsm.last"), {how}).c_str());
    }
    if (box.inferred_only) ImGui::TextDisabled("%s", context.text("diagrams.fsm.inferred_box").c_str());
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
}

}  // namespace tcplab
