#include "ladder_view.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "capture/transition_merger.hpp"
#include "drawing.hpp"
#include "lab/layout/arrowhead.hpp"
#include "lab/layout/ladder_input.hpp"
#include "lab/layout/timeline_layout.hpp"
#include "lab/views/step_controller.hpp"

namespace tcplab {
namespace {

constexpr float kPresentationCaption = 0.7f;
constexpr float kPresentationRowLines = 1.6f;
constexpr int kWheelRows = 3;  // rows one notch of the wheel moves a class's ladder
// The smallest text a class reads from the back of a room on a projector.
constexpr float kClassMinimumPixels = 18.0f;

// A segment's arrow; one still in flight has no head yet.
void arrow(ImDrawList* draw_list, ImVec2 from, ImVec2 to, ImU32 colour, float thickness, bool head) {
    const float length = std::hypot(to.x - from.x, to.y - from.y);
    if (length <= 0) return;
    if (!head) {
        draw_list->AddLine(from, to, colour, thickness);
        return;
    }
    const Arrowhead tip = arrowhead(from.x, from.y, to.x, to.y, std::min(6.0f + 3.0f * thickness, length * 0.5f));
    draw_list->AddLine(from, ImVec2(tip.base_x, tip.base_y), colour, thickness);
    draw_list->AddTriangleFilled(to, ImVec2(tip.left_x, tip.left_y), ImVec2(tip.right_x, tip.right_y), colour);
}

}  // namespace

void LadderView::draw(LabContext& context) {
    const Trace& trace = context.trace;
    history_ = &transitions_and_spans(context, own_history_);

    // In front of a class the note on numbers is read once; the lanes get the room.
    const bool presentation = context.shared.presentation;
    if (presentation) ImGui::SetWindowFontScale(kPresentationCaption);
    ImGui::TextDisabled(
        "%s", context.text(context.shared.relative_numbers ? "diagrams.ladder.relative" : "diagrams.ladder.absolute")
                  .c_str());
    ImGui::SetWindowFontScale(1.0f);

    // The width leaves room for the scrollbar whether or not it shows, so the
    // lanes do not jump when the ladder grows past the window.
    const float line = ImGui::GetTextLineHeight();
    const float header_left = ImGui::GetCursorScreenPos().x;
    const float width = std::max(ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ScrollbarSize, 200.0f);
    // Two capture points: one arrow per segment, from its send to its receive.
    // The rows show each arrow's receive: when an earlier segment's twin
    // arrives, or the pairing starts over, they are built again.
    if (!pairer_.update(trace) || !pairer_.newly_received().empty()) rows_.invalidate();
    const WireCopies& copies = pairer_.copies();
    LadderInput input = lab_ladder_input(
        trace, history_->transitions(), context.palette, context.language, copies, line,
        [](std::string_view text) { return ImGui::CalcTextSize(text.data(), text.data() + text.size()).x; });
    input.width = width;
    input.cursor_ns = context.shared.cursor_ns;
    input.relative_numbers = context.shared.relative_numbers;
    input.selected_packet = context.shared.selected_packet;
    input.hovered_packet = context.shared.hovered_packet;
    input.transitions_build = history_->full_builds();
    if (presentation) {
        draw_fitted(context, input, header_left);
        return;
    }
    // Rows are built once per change of the trace; each frame lays out only
    // what the scrolled window shows (a 10 M-packet ladder costs a screenful).
    LadderInput windowed = input;
    windowed.visible_top = scroll_y_ - view_height_;
    windowed.visible_height = 3 * view_height_;
    layout_ = layout_ladder(windowed, rows_.update(input));

    draw_header(context, header_left);
    ImGui::BeginChild("##ladder_scroll", ImVec2(0, 0), false);
    // A jump further than the margin (dragging the scrollbar): lay out the new window now.
    const float scroll_y = ImGui::GetScrollY();
    if (std::abs(scroll_y - scroll_y_) > view_height_) {
        windowed.visible_top = scroll_y - view_height_;
        layout_ = layout_ladder(windowed, rows_.update(input));
    }
    scroll_y_ = scroll_y;
    view_height_ = std::max(ImGui::GetWindowHeight(), line);
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    origin_ = origin;
    ImGui::InvisibleButton("##ladder_canvas", ImVec2(width, std::max(layout_.height, line)));
    handle_mouse(context, origin);
    draw_records(context, origin);
    // Follow new events to the bottom, as a terminal does; stepping back does not jump.
    if (layout_.visible_events > followed_events_) ImGui::SetScrollHereY(1.0f);
    followed_events_ = layout_.visible_events;
    ImGui::EndChild();
}

// In front of a class: no scrolling, the step discussed (or the whole short run) fitted to the panel.
void LadderView::draw_fitted(LabContext& context, LadderInput& input, float header_left) {
    // Rows closer than in the scrolling ladder: a step's whole exchange should fit (a short run spreads them again).
    input.row_height = input.line_height * kPresentationRowLines;
    // Under the lane names (a line and the item spacing), above the window's padding.
    const ImGuiStyle& style = ImGui::GetStyle();
    const float header = ImGui::GetTextLineHeight() + 2.0f + style.ItemSpacing.y;
    const float height = std::max(ImGui::GetContentRegionAvail().y - header - style.WindowPadding.y, 1.0f);
    LadderFitRequest request;
    request.panel_height = height;
    const StepController* controller = context.controller;
    if (controller && !controller->busy())
        if (const std::optional<ReplayStep> step = controller->current_step()) request.focus_from_ns = step->begin_ns;
    // Never below what a class reads from the back of a room.
    request.smallest_text_scale = std::min(1.0f, kClassMinimumPixels / std::max(ImGui::GetFontSize(), 1.0f));
    // Fitting may lay the rows out a few times: once per change, not per frame.
    const LadderRows& base_rows = rows_.update(input);
    const FitKey key{&context.trace,
                     context.trace.packets().size(),
                     context.trace.calls().size(),
                     input.transitions.size(),
                     base_rows.rows.size(),
                     rows_.full_builds(),
                     input.cursor_ns,
                     request.focus_from_ns,
                     height,
                     input.width,
                     input.line_height,
                     base_rows.height};
    if (!(key == fit_key_)) {
        fit_key_ = key;
        fit_ = fit_ladder(input, base_rows, request);
        fit_scale_ = fit_.text_scale;
        // A step too tall for the panel: everything smaller, fitted again
        // (its rows kept apart from the full-size ones), filled with larger
        // text rather than with spread rows.
        if (fit_scale_ != 1.0f) {
            const LadderInput smaller = scaled_input(input, fit_scale_);
            request.smallest_text_scale = 1.0f;
            request.largest_row_scale = 1.0f;
            fit_ = fit_ladder(smaller, scaled_rows_.update(smaller), request);
        }
    }
    const float text_scale = fit_scale_;
    const LadderFit fit = fit_;
    LadderInput scaled = scaled_input(input, text_scale);
    LadderRowCache& cache = text_scale != 1.0f ? scaled_rows_ : rows_;
    const bool spread = fit.row_height != scaled.row_height;
    scaled.row_height = fit.row_height;
    const LadderRows& fitted_rows = spread ? spread_rows_.update(scaled) : cache.update(scaled);
    // The wheel moves the picture by rows (a long step's end, or what came
    // before); another step, or new events, bring it back to the fit.
    if (!(key == wheel_key_)) {
        wheel_key_ = key;
        wheel_rows_ = 0;
    }
    const ScrolledFit scrolled = scrolled_fit(scaled, fitted_rows, fit, height, wheel_rows_);
    wheel_rows_ = scrolled.rows_down;
    layout_ = layout_fitted_ladder(scaled, fitted_rows, scrolled.fit, height);
    draw_header(context, header_left);
    ImGui::BeginChild("##ladder_fitted", ImVec2(0, 0), false,
                      ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    origin_ = origin;
    ImGui::InvisibleButton("##ladder_canvas", ImVec2(input.width, height));
    if (ImGui::IsItemHovered() && ImGui::GetIO().MouseWheel != 0.0f)
        wheel_rows_ -= static_cast<int>(std::lround(ImGui::GetIO().MouseWheel * kWheelRows));
    ImGui::SetWindowFontScale(text_scale);
    handle_mouse(context, origin);
    draw_records(context, origin);
    ImGui::SetWindowFontScale(1.0f);
    ImGui::EndChild();
}

void LadderView::draw_header(LabContext& context, float left) {
    // The lane names stay put above the scrolling lanes.
    const Trace& trace = context.trace;
    ImDrawList* draw_list = ImGui::GetWindowDrawList();
    const ImVec2 top = ImGui::GetCursorScreenPos();
    const float line = ImGui::GetTextLineHeight();
    // With their addresses when both fit side by side, else the names alone.
    const Connection* named = lane_connection_.find(trace);
    const auto address_of = [&](Actor actor) {
        if (actor == Actor::Server)
            return lane_connection_.server_port_varies() ? named->server.address.to_string()
                                                         : named->server.to_string();
        return lane_connection_.client_port_varies() ? named->client.address.to_string() : named->client.to_string();
    };
    bool with_address = named != nullptr;
    if (with_address) {
        const std::string both = actor_text(context, Actor::Client) + "  " + address_of(Actor::Client) + "    " +
                                 actor_text(context, Actor::Server) + "  " + address_of(Actor::Server);
        with_address = ImGui::CalcTextSize(both.c_str()).x <= layout_.server_x + layout_.client_x;
    }
    for (const Actor actor : {Actor::Client, Actor::Server}) {
        std::string name = actor_text(context, actor);
        if (with_address) name += "  " + address_of(actor);
        const float text_width = ImGui::CalcTextSize(name.c_str()).x;
        const float lane_x = left + (actor == Actor::Client ? layout_.client_x : layout_.server_x);
        const float x = actor == Actor::Client ? std::max(left, lane_x - text_width * 0.5f)
                                               : std::min(left + layout_.server_x + layout_.client_x - text_width,
                                                          lane_x - text_width * 0.5f);
        draw_list->AddText(ImVec2(x, top.y), actor == Actor::Client ? context.palette.client : context.palette.server,
                           name.c_str());
    }
    ImGui::Dummy(ImVec2(1, line + 2.0f));
}

void LadderView::handle_mouse(LabContext& context, ImVec2 origin) {
    // Asked while the canvas is still the last item.
    const bool hovered = ImGui::IsItemHovered();
    const bool clicked = ImGui::IsItemClicked(ImGuiMouseButton_Left);
    if (set_hovered_) context.shared.hovered_packet.reset();
    set_hovered_ = false;
    if (!hovered) return;

    const ImVec2 mouse = ImGui::GetIO().MousePos;
    const float x = mouse.x - origin.x, y = mouse.y - origin.y;
    if (const auto arrow_index = ladder_arrow_at(layout_, x, y, 5.0f)) {
        const LadderRecord& record = layout_.records[*arrow_index];
        context.shared.hovered_packet = record.index;
        set_hovered_ = true;
        if (clicked) context.shared.selected_packet = record.index;
        draw_tooltip(context, record);
        return;
    }
    for (const LadderRecord& record : layout_.records) {
        if (record.kind != LadderRecordKind::StateLabel && record.kind != LadderRecordKind::CallLabel &&
            record.kind != LadderRecordKind::Gap)
            continue;
        if (x >= record.x0 && x <= record.x1 && y >= record.y0 && y <= record.y1) {
            draw_tooltip(context, record);
            return;
        }
    }
}

void LadderView::draw_tooltip(LabContext& context, const LadderRecord& record) const {
    const Trace& trace = context.trace;
    const int64_t start = trace.start_ns();
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 32.0f);
    switch (record.kind) {
        case LadderRecordKind::Arrow: {
            const PacketEvent& packet = trace.packets()[record.index];
            const Actor to = record.actor == Actor::Server ? Actor::Client : Actor::Server;
            ImGui::Text("%s → %s", actor_text(context, record.actor).c_str(), actor_text(context, to).c_str());
            ImGui::PushStyleColor(ImGuiCol_Text, record.colour);
            ImGui::TextUnformatted(record.text.c_str());
            ImGui::PopStyleColor();
            ImGui::TextDisabled("seq %u  ack %u  win %u", packet.seq, packet.ack, packet.window);
            label_value(context.text("diagrams.ladder.time"), format_offset(record.time_ns - start));
            if (record.in_flight)
                ImGui::TextDisabled("%s", context.text("diagrams.ladder.in_flight").c_str());
            else if (record.receive_ns != record.time_ns)
                label_value(context.text("diagrams.ladder.received"), format_offset(record.receive_ns - start));
            ImGui::TextDisabled("%s", context.text("diagrams.ladder.select_tip").c_str());
            break;
        }
        case LadderRecordKind::StateLabel: {
            const StateEvent& event = history_->transitions()[record.index];
            ImGui::Text("%s  %s → %s", actor_text(context, record.actor).c_str(),
                        std::string(state_name(event.from)).c_str(), std::string(state_name(event.to)).c_str());
            const std::string socket = event.remote.port == 0
                                           ? event.local.to_string()
                                           : event.local.to_string() + " ↔ " + event.remote.to_string();
            ImGui::TextDisabled("%s", socket.c_str());
            label_value(context.text("diagrams.ladder.time"), format_offset(event.time_ns - start));
            label_value(context.text("diagrams.ladder.source"), source_text(context, event.source));
            ImGui::TextDisabled(
                "%s",
                context.text(record.inferred ? "diagrams.ladder.inferred_tip" : "diagrams.ladder.state_tip").c_str());
            break;
        }
        case LadderRecordKind::CallLabel: {
            const CallEvent& call = trace.calls()[record.index];
            if (never_returned(call)) {
                ImGui::Text("%s  %s(%s)", actor_text(context, call.actor).c_str(), call.call.c_str(),
                            call.arguments.c_str());
                label_value(context.text("diagrams.ladder.time"), format_offset(call.time_ns - start));
                ImGui::TextDisabled("%s", context.text("diagrams.ladder.never_returned").c_str());
                break;
            }
            ImGui::Text("%s  %s(%s) = %lld", actor_text(context, call.actor).c_str(), call.call.c_str(),
                        call.arguments.c_str(), static_cast<long long>(call.result));
            label_value(context.text("diagrams.ladder.time"), format_offset(call.time_ns - start));
            if (call.return_ns == 0 || !context.visible(call.return_ns))
                ImGui::TextDisabled("%s", context.text("diagrams.ladder.not_returned").c_str());
            else
                label_value(context.text("diagrams.ladder.returned"), format_offset(call.return_ns - start));
            if (!call.data.empty()) ImGui::Text("\"%s\"", call.data.c_str());
            break;
        }
        case LadderRecordKind::Gap:
            ImGui::TextUnformatted(fill_placeholders(context.text("diagrams.ladder.gap_tip"), {record.text}).c_str());
            break;
    }
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
}

void LadderView::draw_records(LabContext& context, ImVec2 origin) const {
    ImDrawList* draw_list = ImGui::GetWindowDrawList();
    const Palette& palette = context.palette;
    const float thickness = context.line_width;
    const float line = ImGui::GetTextLineHeight();
    const ImVec2 clip_min = draw_list->GetClipRectMin(), clip_max = draw_list->GetClipRectMax();
    const auto at = [origin](float x, float y) { return ImVec2(origin.x + x, origin.y + y); };

    // The lanes, broken where a pause was shortened.
    const float bottom = std::max(layout_.height, line);
    for (const Actor actor : {Actor::Client, Actor::Server}) {
        const float x = actor == Actor::Client ? layout_.client_x : layout_.server_x;
        const ImU32 colour = with_alpha(actor == Actor::Client ? palette.client : palette.server, 0.8f);
        float from = 0;
        for (const LadderRecord& record : layout_.records) {
            if (record.kind != LadderRecordKind::Gap) continue;
            draw_list->AddLine(at(x, from), at(x, record.y0), colour, 2.0f * thickness);
            dashed_line(draw_list, at(x, record.y0), at(x, record.y1), colour, thickness, 3.0f);
            from = record.y1;
        }
        draw_list->AddLine(at(x, from), at(x, bottom), colour, 2.0f * thickness);
    }

    if (layout_.records.empty()) {
        const std::string empty = context.text("diagrams.ladder.empty");
        const float text_width = ImGui::CalcTextSize(empty.c_str()).x;
        draw_list->AddText(at((layout_.client_x + layout_.server_x - text_width) * 0.5f, line), palette.text_dim,
                           empty.c_str());
        return;
    }

    for (const LadderRecord& record : layout_.records) {
        // Cull what is scrolled out of sight: a long run stays cheap.
        const float top = origin.y + std::min(record.y0, record.label_y0 == 0 ? record.y0 : record.label_y0);
        const float low = origin.y + std::max(record.y1, record.y0);
        if (low < clip_min.y - line || top > clip_max.y + line) continue;
        switch (record.kind) {
            case LadderRecordKind::Arrow: {
                // Selected: outlined in the selection colour, its label in full-contrast text.
                const ImVec2 pad(3.0f, 1.0f);
                const ImVec2 label_min(origin.x + record.label_x0 - pad.x, origin.y + record.label_y0 - pad.y);
                const ImVec2 label_max(origin.x + record.label_x1 + pad.x, origin.y + record.label_y1 + pad.y);
                if (record.selected || record.hovered)
                    draw_list->AddRectFilled(label_min, label_max, with_alpha(palette.selection, 0.18f), 3.0f);
                if (record.selected) {
                    draw_list->AddRect(label_min, label_max, palette.selection, 3.0f, 0, thickness);
                    draw_list->AddLine(at(record.x0, record.y0), at(record.x1, record.y1),
                                       with_alpha(palette.selection, 0.6f), 5.0f * thickness);
                }
                const float width = (record.hovered || record.selected ? 2.5f : 1.5f) * thickness;
                arrow(draw_list, at(record.x0, record.y0), at(record.x1, record.y1), record.colour, width,
                      !record.in_flight && !record.cut_at_bottom);
                draw_list->AddText(at(record.label_x0, record.label_y0), record.selected ? palette.text : record.colour,
                                   record.text.c_str());
                break;
            }
            case LadderRecordKind::StateLabel: {
                const ImVec2 pad(4.0f, 1.0f);
                const ImVec2 box_min(origin.x + record.x0 - pad.x, origin.y + record.y0 - pad.y);
                const ImVec2 box_max(origin.x + record.x1 + pad.x, origin.y + record.y1 + pad.y);
                const ImU32 owner = record.actor == Actor::Server ? palette.server : palette.client;
                if (record.inferred) {
                    // Dashed and dim: no kernel source said so.
                    draw_list->AddRectFilled(box_min, box_max, with_alpha(palette.background, 0.85f), 3.0f);
                    dashed_rect(draw_list, box_min, box_max, record.colour, thickness);
                    draw_list->AddText(at(record.x0, record.y0), palette.text_dim, record.text.c_str());
                } else {
                    draw_list->AddRectFilled(box_min, box_max, with_alpha(record.colour, 0.35f), 3.0f);
                    draw_list->AddRect(box_min, box_max, owner, 3.0f, 0, thickness);
                    draw_list->AddText(at(record.x0, record.y0), palette.text, record.text.c_str());
                }
                break;
            }
            case LadderRecordKind::CallLabel:
                draw_list->AddText(at(record.x0, record.y0), with_alpha(record.colour, 0.9f), record.text.c_str());
                break;
            case LadderRecordKind::Gap: {
                const std::string text = fill_placeholders(context.text("diagrams.ladder.gap"), {record.text});
                const float text_width = ImGui::CalcTextSize(text.c_str()).x;
                const float middle = (layout_.client_x + layout_.server_x) * 0.5f;
                const float y = (record.y0 + record.y1 - line) * 0.5f;
                dashed_line(draw_list, at(layout_.client_x + 8.0f, y + line * 0.5f),
                            at(middle - text_width * 0.5f - 8.0f, y + line * 0.5f), with_alpha(record.colour, 0.5f),
                            1.0f, 3.0f);
                dashed_line(draw_list, at(middle + text_width * 0.5f + 8.0f, y + line * 0.5f),
                            at(layout_.server_x - 8.0f, y + line * 0.5f), with_alpha(record.colour, 0.5f), 1.0f, 3.0f);
                draw_list->AddText(at(middle - text_width * 0.5f, y), record.colour, text.c_str());
                break;
            }
        }
    }
}

}  // namespace tcplab
