#include "timeline_view.hpp"

#include <imgui.h>

#include <algorithm>
#include <array>
#include <string>

#include "capture/transition_merger.hpp"
#include "drawing.hpp"
#include "lab/layout/timeline_layout.hpp"

namespace tcplab {

struct TimelineView::Geometry {
    ImVec2 canvas_min;
    ImVec2 canvas_max;
    float axis_x = 0;  // screen x of axis pixel 0
    float ruler_bottom = 0;
    float steps_top = 0;  // the strip under the lanes that numbers the steps
    std::array<float, kTimelineLaneCount> lane_top{};
    std::array<float, kTimelineLaneCount> lane_bottom{};
    std::array<int, kTimelineLaneCount> rows{};
    float row_height = 0;

    float row_top(TimelineLane lane, int row) const {
        return lane_top[static_cast<size_t>(lane)] + 2.0f + static_cast<float>(row) * row_height;
    }
};

namespace {

constexpr size_t kMaxStateRows = 8;

constexpr std::array<TimelineLane, kTimelineLaneCount> kLanes = {TimelineLane::ClientCalls, TimelineLane::ClientState,
                                                                 TimelineLane::Wire, TimelineLane::ServerState,
                                                                 TimelineLane::ServerCalls};

std::string lane_name(const LabContext& context, TimelineLane lane) {
    switch (lane) {
        case TimelineLane::ClientCalls:
            return context.text("timeline.lane.client_calls");
        case TimelineLane::ClientState:
            return context.text("timeline.lane.client_state");
        case TimelineLane::Wire:
            return context.text("timeline.lane.wire");
        case TimelineLane::ServerState:
            return context.text("timeline.lane.server_state");
        case TimelineLane::ServerCalls:
            return context.text("timeline.lane.server_calls");
    }
    return "";
}

// Diagonal hatching: the look of a state that no kernel source reported.
void hatch(ImDrawList* draw_list, ImVec2 min, ImVec2 max, ImU32 colour, float thickness) {
    draw_list->PushClipRect(min, max, true);
    const float height = max.y - min.y;
    for (float x = min.x - height; x < max.x; x += 7.0f)
        draw_list->AddLine(ImVec2(x, max.y), ImVec2(x + height, min.y), colour, thickness);
    draw_list->PopClipRect();
}

}  // namespace

// A segment still waiting at the wire's gate: its captured bytes are the held packet's
// (the copy seen where it was sent; the receiver has not seen it yet).
bool TimelineView::is_held(const LabContext& context, size_t packet_index) const {
    if (!context.held || context.held->empty()) return false;
    const auto raw = context.trace.raw_bytes(context.trace.packets()[packet_index]);
    for (const HeldPacket& held : *context.held)
        if (held.bytes.size() == raw.size() && std::equal(raw.begin(), raw.end(), held.bytes.begin())) return true;
    return false;
}

void TimelineView::draw(LabContext& context) {
    history_ = &transitions_and_spans(context, own_history_);
    draw_toolbar(context);

    // Lane heights come from the spans (rows of sockets alive at once), not
    // from what is on screen, so lanes do not jump while panning.
    const float line = ImGui::GetTextLineHeight();
    Geometry geometry;
    geometry.rows.fill(1);
    // At most kMaxStateRows rows per end: a flood leaves thousands of half-open sockets.
    geometry.rows[static_cast<size_t>(TimelineLane::ClientState)] =
        static_cast<int>(std::clamp<size_t>(history_->span_rows().client.size(), 1, kMaxStateRows));
    geometry.rows[static_cast<size_t>(TimelineLane::ServerState)] =
        static_cast<int>(std::clamp<size_t>(history_->span_rows().server.size(), 1, kMaxStateRows));
    geometry.row_height = line + 8.0f;
    float label_width = 0;
    for (const TimelineLane lane : kLanes)
        label_width = std::max(label_width, ImGui::CalcTextSize(lane_name(context, lane).c_str()).x);
    label_width += 2 * ImGui::GetStyle().ItemSpacing.x;

    geometry.canvas_min = ImGui::GetCursorScreenPos();
    const float width = std::max(ImGui::GetContentRegionAvail().x, label_width + 50.0f);
    geometry.axis_x = geometry.canvas_min.x + label_width;
    geometry.ruler_bottom = geometry.canvas_min.y + line + 10.0f;
    float y = geometry.ruler_bottom;
    for (const TimelineLane lane : kLanes) {
        const auto index = static_cast<size_t>(lane);
        geometry.lane_top[index] = y;
        if (state_.show_lane[index]) {
            const bool state_lane = lane == TimelineLane::ClientState || lane == TimelineLane::ServerState;
            y += state_lane                   ? static_cast<float>(geometry.rows[index]) * geometry.row_height + 4.0f
                 : lane == TimelineLane::Wire ? 2 * line + 24.0f
                                              : 2 * line + 12.0f;
        }
        geometry.lane_bottom[index] = y;
    }
    geometry.steps_top = y;
    y += line + 6.0f;
    geometry.canvas_max = ImVec2(geometry.canvas_min.x + width, y);
    state_.axis.length = std::max(1.0f, width - label_width);

    axis_screen_x_ = geometry.axis_x;
    for (size_t lane = 0; lane < kTimelineLaneCount; ++lane)
        lane_middle_y_[lane] = (geometry.lane_top[lane] + geometry.lane_bottom[lane]) * 0.5f;

    ImGui::InvisibleButton("##timeline_canvas", ImVec2(width, y - geometry.canvas_min.y));
    handle_mouse(context, geometry);
    draw_canvas(context, geometry);
}

ImVec2 TimelineView::screen_point(const TimelineRecord& record) const {
    return ImVec2(axis_screen_x_ + record.x0, lane_middle_y_[static_cast<size_t>(record.lane)]);
}

void TimelineView::draw_toolbar(LabContext& context) {
    if (ImGui::Button(context.text("timeline.fit").c_str())) {
        state_.auto_fit = false;
        state_.fit_whole_run(context.trace, context.shared.cursor_ns);
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", context.text("timeline.fit_tip").c_str());
    ImGui::SameLine();
    ImGui::Checkbox(context.text("timeline.follow").c_str(), &state_.auto_fit);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", context.text("timeline.follow_tip").c_str());
    ImGui::SameLine();
    if (ImGui::Button(context.text("timeline.lanes").c_str())) ImGui::OpenPopup("##timeline_lanes");
    if (ImGui::BeginPopup("##timeline_lanes")) {
        for (const TimelineLane lane : kLanes)
            ImGui::Checkbox(lane_name(context, lane).c_str(), &state_.show_lane[static_cast<size_t>(lane)]);
        ImGui::EndPopup();
    }
    ImGui::SameLine();
    ImGui::TextDisabled(
        "%s", context.text(context.shared.relative_numbers ? "timeline.relative" : "timeline.absolute").c_str());
}

void TimelineView::handle_mouse(LabContext& context, const Geometry& geometry) {
    const Trace& trace = context.trace;
    const ImGuiIO& io = ImGui::GetIO();
    // Asked while the canvas is still the last item: a tooltip below changes that.
    const bool hovered = ImGui::IsItemHovered();
    const bool released = ImGui::IsItemDeactivated();
    const float mouse_x = io.MousePos.x - geometry.axis_x;

    if (ImGui::IsItemActivated()) dragged_ = false;
    if (hovered && io.MouseWheel != 0.0f) state_.zoom_at(mouse_x, io.MouseWheel);
    if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left) && io.MouseDelta.x != 0.0f) {
        state_.pan(-io.MouseDelta.x);  // the content follows the mouse
        dragged_ = true;
    }
    if (hovered && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) {
        state_.auto_fit = false;
        state_.fit_whole_run(context.trace, context.shared.cursor_ns);
    }
    if (state_.auto_fit) state_.fit(trace, context.shared.cursor_ns);

    const TimelineInput input{
        .trace = trace,
        .spans = history_->spans(),
        .axis = state_.axis,
        .cursor_ns = context.shared.cursor_ns,
        .relative_numbers = context.shared.relative_numbers,
        .selected_packet = context.shared.selected_packet,
        .hovered_packet = context.shared.hovered_packet,
        .show_lane = state_.show_lane,
        .colours =
            TimelineColours{
                .for_flags = [&palette = context.palette](uint8_t flags,
                                                          uint32_t length) { return palette.for_flags(flags, length); },
                .group = context.palette.other,
                .kernel_state = context.palette.kernel_state,
                .inferred_state = context.palette.inferred_state,
                .client = context.palette.client,
                .server = context.palette.server,
                .step = context.palette.text_dim,
            },
        .text_width =
            [](std::string_view text) { return ImGui::CalcTextSize(text.data(), text.data() + text.size()).x; },
        .group_label = context.text("timeline.packets"),
        .fold_pixels = 3.0f,
        .label_padding = 4.0f,
        .tick_spacing = ImGui::GetFontSize() * 7.0f,
        .span_rows = &history_->span_rows(),
        .max_state_rows = static_cast<int>(kMaxStateRows),
    };
    layout_ = layout_timeline(input);

    if (set_hovered_) context.shared.hovered_packet.reset();
    set_hovered_ = false;
    if (!hovered || dragged_) return;

    // Which lane (and row) is under the mouse.
    std::optional<size_t> under_mouse;
    for (const TimelineLane lane : kLanes) {
        const auto index = static_cast<size_t>(lane);
        if (!state_.show_lane[index] || io.MousePos.y < geometry.lane_top[index] ||
            io.MousePos.y >= geometry.lane_bottom[index])
            continue;
        const int row = static_cast<int>((io.MousePos.y - geometry.lane_top[index] - 2.0f) / geometry.row_height);
        under_mouse = record_at(layout_, lane, std::max(row, 0), mouse_x, 4.0f);
    }
    if (!under_mouse && io.MousePos.y >= geometry.steps_top) {
        // The strip under the lanes numbers the steps; their tooltips live there.
        for (size_t index = 0; index < layout_.records.size(); ++index) {
            const TimelineRecord& record = layout_.records[index];
            if (record.kind == TimelineRecordKind::StepMarker && std::abs(record.x0 - mouse_x) <= 6.0f)
                under_mouse = index;
        }
    }
    if (!under_mouse) return;

    const TimelineRecord& record = layout_.records[*under_mouse];
    if (record.kind == TimelineRecordKind::Packet) {
        context.shared.hovered_packet = record.index;
        set_hovered_ = true;
    }
    draw_tooltip(context, record);
    if (released && !dragged_) {
        if (record.kind == TimelineRecordKind::Packet) context.shared.selected_packet = record.index;
        if (record.kind == TimelineRecordKind::PacketGroup) {
            // Tracy's habit: clicking a folded mark zooms in until it unfolds.
            const auto& packets = trace.packets();
            state_.axis.fit(packets[record.first].time_ns, packets[record.last - 1].time_ns);
            state_.auto_fit = false;
        }
    }
}

void TimelineView::draw_tooltip(LabContext& context, const TimelineRecord& record) const {
    const Trace& trace = context.trace;
    const int64_t start = trace.start_ns();
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 36.0f);
    switch (record.kind) {
        case TimelineRecordKind::Packet: {
            const PacketEvent& packet = trace.packets()[record.index];
            const DecodedPacket decoded = trace.decode(packet);
            const bool relative = context.shared.relative_numbers;
            const Actor from = trace.sender_actor(packet);
            const Actor to = from == Actor::Client   ? Actor::Server
                             : from == Actor::Server ? Actor::Client
                                                     : Actor::None;
            ImGui::PushStyleColor(ImGuiCol_Text, context.palette.for_flags(packet.flags, packet.payload_length));
            ImGui::TextUnformatted(flags_label(packet.flags).c_str());
            ImGui::PopStyleColor();
            ImGui::SameLine();
            ImGui::Text("%s → %s", actor_text(context, from).c_str(), actor_text(context, to).c_str());
            label_value(context.text("timeline.time"), format_offset(packet.time_ns - start));
            ImGui::Text("seq %u   ack %u   len %u   win %u", relative ? trace.relative_seq(packet) : packet.seq,
                        relative ? trace.relative_ack(packet) : packet.ack, packet.payload_length, packet.window);
            const std::string options = format_tcp_options(decoded.tcp);
            if (!options.empty()) label_value(context.text("timeline.options"), options);
            if (decoded.error) ImGui::TextDisabled("%s", decoded.error->what.c_str());
            if (packet.retransmission)
                ImGui::TextColored(ImVec4(1.0f, 0.8f, 0.3f, 1.0f), "%s", context.text("app.retransmission").c_str());
            // With a capture point on each host, say where this copy was seen.
            if (const auto point = trace.capture_points().find(packet.capture_point);
                trace.capture_points().size() > 1 && point != trace.capture_points().end())
                label_value(context.text("timeline.seen_at"), point->second.name);
            ImGui::TextDisabled("%s", context.text("timeline.select_tip").c_str());
            break;
        }
        case TimelineRecordKind::PacketGroup: {
            const auto& packets = trace.packets();
            ImGui::TextUnformatted(
                fill_placeholders(context.text("timeline.packets"), {std::to_string(record.count)}).c_str());
            label_value(context.text("timeline.time"), format_offset(packets[record.first].time_ns - start) + " … " +
                                                           format_offset(packets[record.last - 1].time_ns - start));
            ImGui::TextDisabled("%s", context.text("timeline.group_tip").c_str());
            break;
        }
        case TimelineRecordKind::State: {
            const StateSpan& span = history_->spans()[record.index];
            const StateEvent& event = history_->transitions()[span.transition];
            ImGui::Text("%s  %s → %s", actor_text(context, span.actor).c_str(),
                        std::string(state_name(event.from)).c_str(), std::string(state_name(event.to)).c_str());
            const std::string socket = event.remote.port == 0
                                           ? event.local.to_string() + " (" + context.text("app.listening") + ")"
                                           : event.local.to_string() + " ↔ " + event.remote.to_string();
            ImGui::TextDisabled("%s", socket.c_str());
            label_value(context.text("timeline.since"), format_offset(span.begin_ns - start));
            if (!record.open)
                label_value(context.text("timeline.lasted"), format_duration(span.end_ns - span.begin_ns));
            label_value(context.text("timeline.source"), source_text(context, span.source));
            ImGui::TextDisabled(
                "%s",
                context.text(span.source == StateSource::Inferred ? "timeline.inferred_note" : "timeline.kernel_note")
                    .c_str());
            break;
        }
        case TimelineRecordKind::Call: {
            const CallEvent& call = trace.calls()[record.index];
            ImGui::Text("%s  %s(%s)", actor_text(context, call.actor).c_str(), call.call.c_str(),
                        call.arguments.c_str());
            if (!record.label.empty() || !record.open) ImGui::TextUnformatted(record.label.c_str());
            label_value(context.text("timeline.time"), format_offset(call.time_ns - start));
            if (record.open)
                ImGui::TextDisabled("%s", context.text("timeline.not_returned").c_str());
            else
                label_value(context.text("timeline.took"), format_duration(call.return_ns - call.time_ns));
            if (!call.data.empty()) ImGui::Text("\"%s\"", call.data.c_str());
            break;
        }
        case TimelineRecordKind::Output: {
            const OutputEvent& output = trace.outputs()[record.index];
            ImGui::Text("[%s]  %s", output.label.c_str(), output.text.c_str());
            label_value(context.text("timeline.time"), format_offset(output.time_ns - start));
            ImGui::TextDisabled("%s", context.text("timeline.output_note").c_str());
            break;
        }
        case TimelineRecordKind::StepMarker: {
            const NoteEvent& note = trace.notes()[record.index];
            if (note.step >= 0)
                ImGui::TextUnformatted(fill_placeholders(context.text("timeline.step"), {record.label}).c_str());
            const std::string title_key = note.key + ".title";
            ImGui::TextUnformatted(context.language.has(title_key) ? context.text(title_key).c_str()
                                                                   : note.key.c_str());
            label_value(context.text("timeline.time"), format_offset(note.time_ns - start));
            break;
        }
    }
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
}

void TimelineView::draw_canvas(LabContext& context, const Geometry& geometry) const {
    ImDrawList* draw_list = ImGui::GetWindowDrawList();
    const Palette& palette = context.palette;
    const float line = ImGui::GetTextLineHeight();
    draw_list->PushClipRect(geometry.canvas_min, geometry.canvas_max, true);

    // Lane bands and names.
    const ImU32 band = ImGui::GetColorU32(ImGuiCol_FrameBg, 0.5f);
    const ImU32 wire_band = ImGui::GetColorU32(ImGuiCol_FrameBg, 1.0f);
    for (const TimelineLane lane : kLanes) {
        const auto index = static_cast<size_t>(lane);
        if (!state_.show_lane[index]) continue;
        const float top = geometry.lane_top[index];
        const float bottom = geometry.lane_bottom[index];
        if (lane == TimelineLane::Wire || index % 2 == 1)
            draw_list->AddRectFilled(ImVec2(geometry.canvas_min.x, top), ImVec2(geometry.canvas_max.x, bottom),
                                     lane == TimelineLane::Wire ? wire_band : band);
        const std::string name = lane_name(context, lane);
        const ImU32 colour = lane == TimelineLane::ClientCalls || lane == TimelineLane::ClientState ? palette.client
                             : lane == TimelineLane::Wire                                           ? palette.text
                                                                                                    : palette.server;
        draw_list->AddText(ImVec2(geometry.canvas_min.x + 4.0f, (top + bottom - line) * 0.5f), colour, name.c_str());
    }
    draw_list->AddText(ImVec2(geometry.canvas_min.x + 4.0f, geometry.steps_top + 3.0f), palette.text_dim,
                       context.text("timeline.lane.steps").c_str());

    // The ruler: labelled major ticks, with faint grid lines through the lanes.
    const ImU32 grid = with_alpha(palette.text_dim, 0.25f);
    draw_list->AddLine(ImVec2(geometry.axis_x, geometry.ruler_bottom),
                       ImVec2(geometry.canvas_max.x, geometry.ruler_bottom), palette.text_dim);
    for (const TimelineTick& tick : layout_.ticks) {
        if (tick.x < 0) continue;
        const float x = geometry.axis_x + tick.x;
        const float tick_top = geometry.ruler_bottom - (tick.major ? 8.0f : 4.0f);
        draw_list->AddLine(ImVec2(x, tick_top), ImVec2(x, geometry.ruler_bottom), palette.text_dim);
        if (!tick.major) continue;
        draw_list->AddLine(ImVec2(x, geometry.ruler_bottom), ImVec2(x, geometry.canvas_max.y), grid);
        draw_list->AddText(ImVec2(x + 3.0f, geometry.canvas_min.y + 1.0f), palette.text_dim, tick.label.c_str());
    }

    // The records, clipped to the axis so nothing runs into the lane names.
    draw_list->PushClipRect(ImVec2(geometry.axis_x, geometry.canvas_min.y), geometry.canvas_max, true);
    for (const TimelineRecord& record : layout_.records) draw_record(context, geometry, record);
    draw_list->PopClipRect();

    if (layout_.records.empty() && context.trace.packets().empty() && context.trace.calls().empty())
        draw_list->AddText(
            ImVec2(geometry.axis_x + 8.0f, geometry.lane_top[static_cast<size_t>(TimelineLane::Wire)] + 4.0f),
            palette.text_dim, context.text("timeline.empty").c_str());
    draw_list->PopClipRect();
}

void TimelineView::draw_record(LabContext& context, const Geometry& geometry, const TimelineRecord& record) const {
    ImDrawList* draw_list = ImGui::GetWindowDrawList();
    const Palette& palette = context.palette;
    const float line = ImGui::GetTextLineHeight();
    const float thickness = context.line_width;
    const auto lane = static_cast<size_t>(record.lane);
    const float top = geometry.lane_top[lane];
    const float bottom = geometry.lane_bottom[lane];
    const float x0 = geometry.axis_x + record.x0;
    const float x1 = geometry.axis_x + record.x1;
    const float label_x = geometry.axis_x + record.label_x;

    switch (record.kind) {
        case TimelineRecordKind::Packet: {
            // Client lanes are above the wire and server lanes below, so a
            // segment from the client points down and one from the server up.
            const float from_y = record.from_server ? bottom - 4.0f : top + 4.0f;
            const float to_y = record.from_server ? top + 4.0f : bottom - 4.0f;
            const float head = 5.0f * thickness;
            const float direction = record.from_server ? -1.0f : 1.0f;
            if (record.selected || record.hovered) {
                // A frame around the arrow, not a fill over it: the flag colour stays readable.
                const ImVec2 min(x0 - 4.0f, top + 1.0f), max(x0 + 4.0f, bottom - 1.0f);
                draw_list->AddRectFilled(min, max, with_alpha(palette.selection, 0.15f), 2.0f);
                draw_list->AddRect(min, max, with_alpha(palette.selection, record.selected ? 1.0f : 0.5f), 2.0f, 0,
                                   record.selected ? 1.5f * thickness : thickness);
            }
            if (is_held(context, record.index)) {
                // Waiting at the wire's gate: a pending mark, dashed, until the student decides.
                dashed_rect(draw_list, ImVec2(x0 - 6.0f, top + 1.0f), ImVec2(x0 + 6.0f, bottom - 1.0f),
                            palette.selection, thickness, 3.0f);
                draw_list->AddText(ImVec2(x0 + 8.0f, bottom - line - 2.0f), palette.selection,
                                   context.text("timeline.held").c_str());
            }
            draw_list->AddLine(ImVec2(x0, from_y), ImVec2(x0, to_y - direction * head), record.colour,
                               2.0f * thickness);
            draw_list->AddTriangleFilled(ImVec2(x0 - head, to_y - direction * head),
                                         ImVec2(x0 + head, to_y - direction * head), ImVec2(x0, to_y), record.colour);
            const float text_y = top + 4.0f;
            if (!record.label.empty()) draw_list->AddText(ImVec2(label_x, text_y), record.colour, record.label.c_str());
            if (!record.detail.empty())
                draw_list->AddText(ImVec2(label_x, text_y + line), palette.text, record.detail.c_str());
            break;
        }
        case TimelineRecordKind::PacketGroup: {
            const float right = std::max(x1, x0 + 3.0f);
            const ImVec2 min(x0, top + 6.0f), max(right, bottom - 6.0f);
            draw_list->AddRectFilled(min, max, with_alpha(record.colour, 0.6f), 1.0f);
            draw_list->AddRect(min, max, record.selected ? palette.selection : record.colour, 1.0f, 0,
                               record.selected ? 2.0f * thickness : thickness);
            if (!record.label.empty())
                draw_list->AddText(ImVec2(label_x, (top + bottom - line) * 0.5f), palette.text_dim,
                                   record.label.c_str());
            break;
        }
        case TimelineRecordKind::State: {
            const float row_top = geometry.row_top(record.lane, record.row);
            const ImVec2 min(x0, row_top), max(std::max(x1, x0 + 1.0f), row_top + geometry.row_height - 4.0f);
            if (record.inferred) {
                // Worked out from packets: hatched and dim, so it never passes for the kernel's word.
                hatch(draw_list, min, max, with_alpha(record.colour, 0.35f), thickness);
                draw_list->AddRect(min, max, with_alpha(record.colour, 0.7f), 2.0f, 0, thickness);
            } else {
                draw_list->AddRectFilled(min, max, with_alpha(record.colour, 0.22f), 2.0f);
                draw_list->AddRect(min, max, record.colour, 2.0f, 0, thickness);
            }
            if (!record.label.empty())
                draw_list->AddText(ImVec2(label_x, row_top + 2.0f), record.inferred ? palette.text_dim : palette.text,
                                   record.label.c_str());
            break;
        }
        case TimelineRecordKind::Call: {
            const ImVec2 min(x0, top + 4.0f), max(std::max(x1, x0 + 2.0f), top + 4.0f + line + 2.0f);
            draw_list->AddRectFilled(min, max, with_alpha(record.colour, record.open ? 0.25f : 0.5f), 2.0f);
            draw_list->AddRect(min, max, record.colour, 2.0f, 0, thickness);
            if (!record.label.empty())
                draw_list->AddText(ImVec2(label_x, top + 5.0f), palette.text, record.label.c_str());
            if (!record.detail.empty())
                draw_list->AddText(ImVec2(label_x, top + 6.0f + line), palette.text_dim, record.detail.c_str());
            break;
        }
        case TimelineRecordKind::Output: {
            // A thin tick under the calls, and the line's text beside it, dimmer than a call.
            draw_list->AddLine(ImVec2(x0, top + 4.0f), ImVec2(x0, top + 6.0f + line * 2.0f), record.colour, thickness);
            if (!record.label.empty())
                draw_list->AddText(ImVec2(label_x, top + 6.0f + line), record.colour, record.label.c_str());
            break;
        }
        case TimelineRecordKind::StepMarker: {
            draw_list->AddLine(ImVec2(x0, geometry.ruler_bottom), ImVec2(x0, geometry.steps_top + 2.0f), record.colour,
                               thickness);
            if (!record.label.empty()) {
                const ImVec2 size = ImGui::CalcTextSize(record.label.c_str());
                const float badge_top = geometry.steps_top + 2.0f;
                const ImVec2 min(x0 - size.x * 0.5f - 4.0f, badge_top),
                    max(x0 + size.x * 0.5f + 4.0f, badge_top + size.y + 2.0f);
                draw_list->AddRectFilled(min, max, palette.background, 3.0f);
                draw_list->AddRect(min, max, record.colour, 3.0f, 0, thickness);
                draw_list->AddText(ImVec2(min.x + 4.0f, badge_top + 1.0f), palette.text, record.label.c_str());
            }
            break;
        }
    }
}

}  // namespace tcplab
