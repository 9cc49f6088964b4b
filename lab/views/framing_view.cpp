#include "framing_view.hpp"

#include <imgui.h>

#include <algorithm>
#include <array>
#include <string>

#include "drawing.hpp"

namespace tcplab {
namespace {

constexpr std::array<FramingRow, kFramingRowCount> kRows = {FramingRow::Sends, FramingRow::Segments,
                                                            FramingRow::Receives};

std::string row_name(const LabContext& context, FramingRow row, bool udp) {
    switch (row) {
        case FramingRow::Sends:
            return context.text(udp ? "framing.row.sendto" : "framing.row.send");
        case FramingRow::Segments:
            return context.text(udp ? "framing.row.datagrams" : "framing.row.segments");
        case FramingRow::Receives:
            return context.text(udp ? "framing.row.recvfrom" : "framing.row.recv");
    }
    return "";
}

// Diagonal hatching: the part of a datagram the kernel threw away.
void hatch(ImDrawList* draw_list, ImVec2 min, ImVec2 max, ImU32 colour) {
    draw_list->PushClipRect(min, max, true);
    const float height = max.y - min.y;
    for (float x = min.x - height; x < max.x; x += 6.0f)
        draw_list->AddLine(ImVec2(x, max.y), ImVec2(x + height, min.y), colour, 1.0f);
    draw_list->PopClipRect();
}

}  // namespace

void FramingView::update_layout(LabContext& context, float width) {
    const Key key{&context.trace,
                  context.trace.packets().size(),
                  context.trace.calls().size(),
                  context.shared.cursor_ns,
                  context.shared.selected_packet,
                  direction_,
                  width,
                  ImGui::GetFontSize()};
    if (key == key_) return;
    key_ = key;
    FramingInput input{.trace = context.trace,
                       .cursor_ns = context.shared.cursor_ns,
                       .selected_packet = context.shared.selected_packet,
                       .from_server = direction_ == 0 ? std::nullopt : std::optional<bool>(direction_ == 2),
                       .width = width,
                       .text_width = [](std::string_view text) {
                           return ImGui::CalcTextSize(text.data(), text.data() + text.size()).x;
                       }};
    layout_ = layout_framing(input);
}

void FramingView::draw(LabContext& context) {
    const std::string directions[] = {context.text("framing.direction.auto"),
                                      context.text("framing.direction.to_server"),
                                      context.text("framing.direction.to_client")};
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 12);
    if (ImGui::BeginCombo("##framing_direction", directions[direction_].c_str())) {
        for (int i = 0; i < 3; ++i)
            if (ImGui::Selectable(directions[i].c_str(), direction_ == i)) direction_ = i;
        ImGui::EndCombo();
    }

    float label_width = 0;
    for (const FramingRow row : kRows)
        for (const bool udp : {false, true})
            label_width = std::max(label_width, ImGui::CalcTextSize(row_name(context, row, udp).c_str()).x);
    label_width += 2 * ImGui::GetStyle().ItemSpacing.x;
    const float margin = ImGui::GetFontSize() * 0.5f;  // room for the last boundary's line and label
    const float available = ImGui::GetContentRegionAvail().x;
    const float axis_width = std::max(40.0f, available - label_width - margin);
    update_layout(context, axis_width);

    if (!layout_.found) {
        ImGui::SameLine();
        ImGui::TextDisabled("%s", context.text("framing.empty").c_str());
        return;
    }
    const Actor sender_actor = layout_.from_server ? Actor::Server : Actor::Client;
    const Actor receiver_actor = layout_.from_server ? Actor::Client : Actor::Server;
    ImGui::Text("%s %s → %s %s  (%s)", actor_text(context, sender_actor).c_str(), layout_.sender.to_string().c_str(),
                actor_text(context, receiver_actor).c_str(), layout_.receiver.to_string().c_str(),
                layout_.udp ? "UDP" : "TCP");

    const float line = ImGui::GetTextLineHeight();
    const float row_height = 2 * line + 8.0f;
    const float row_gap = 6.0f;
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const float axis_x = origin.x + label_width;
    const float rows_bottom = origin.y + kFramingRowCount * (row_height + row_gap);
    const float height = rows_bottom - origin.y + line + 4.0f;
    ImGui::InvisibleButton("##framing_canvas", ImVec2(std::max(1.0f, available), height));
    const bool hovered = ImGui::IsItemHovered();
    const bool clicked = ImGui::IsItemClicked(ImGuiMouseButton_Left);
    const ImVec2 mouse = ImGui::GetIO().MousePos;

    ImDrawList* draw_list = ImGui::GetWindowDrawList();
    const Palette& palette = context.palette;
    const auto row_top = [&](FramingRow row) {
        return origin.y + static_cast<float>(static_cast<int>(row)) * (row_height + row_gap);
    };
    for (const FramingRow row : kRows)
        draw_list->AddText(ImVec2(origin.x, row_top(row) + (row_height - line) * 0.5f), palette.text_dim,
                           row_name(context, row, layout_.udp).c_str());

    // Where each send() ended, as a faint line through all three rows: the other rows' boundaries
    // fall elsewhere, which is the whole lesson.
    for (const FramingBox& box : layout_.boxes)
        if (box.row == FramingRow::Sends)
            draw_list->AddLine(ImVec2(axis_x + box.x1, origin.y), ImVec2(axis_x + box.x1, rows_bottom - row_gap),
                               with_alpha(palette.text_dim, 0.35f), 1.0f);

    const FramingBox* under_mouse = nullptr;
    for (const FramingBox& box : layout_.boxes) {
        const float top = row_top(box.row);
        const ImVec2 min(axis_x + box.x0, top);
        const ImVec2 max(axis_x + std::max(box.x1, box.x0 + 2.0f), top + row_height);
        const ImU32 colour =
            box.row == FramingRow::Sends      ? (sender_actor == Actor::Server ? palette.server : palette.client)
            : box.row == FramingRow::Receives ? (receiver_actor == Actor::Server ? palette.server : palette.client)
                                              : palette.data;
        const bool selected = box.row == FramingRow::Segments && context.shared.selected_packet == box.index;
        if (box.truncated) {
            const float copied_x = axis_x + box.x0 +
                                   (box.x1 - box.x0) * static_cast<float>(box.copied) /
                                       static_cast<float>(std::max<uint64_t>(box.end - box.begin, 1));
            draw_list->AddRectFilled(min, ImVec2(copied_x, max.y), with_alpha(colour, 0.35f));
            hatch(draw_list, ImVec2(copied_x, min.y), max, with_alpha(palette.rst, 0.6f));
        } else {
            draw_list->AddRectFilled(min, max, with_alpha(colour, 0.35f));
        }
        if (box.retransmission)
            dashed_rect(draw_list, min, max, palette.rst, 2.0f * context.line_width);
        else
            draw_list->AddRect(min, max, selected ? palette.selection : colour, 0.0f, 0,
                               (selected ? 2.5f : 1.0f) * context.line_width);

        draw_list->PushClipRect(min, max, true);
        if (!box.label.empty()) draw_list->AddText(ImVec2(min.x + 4.0f, top + 3.0f), palette.text, box.label.c_str());
        if (!box.detail.empty())
            draw_list->AddText(ImVec2(min.x + 4.0f, top + 4.0f + line), palette.text_dim, box.detail.c_str());
        draw_list->PopClipRect();

        if (hovered && mouse.x >= min.x && mouse.x < max.x && mouse.y >= min.y && mouse.y < max.y) under_mouse = &box;
    }

    // The byte axis: where the stream starts and how far it has come.
    const float axis_y = rows_bottom - row_gap + 2.0f;
    draw_list->AddText(ImVec2(axis_x, axis_y), palette.text_dim, "0");
    const std::string total = std::to_string(layout_.total_bytes) + " B";
    draw_list->AddText(ImVec2(axis_x + axis_width - ImGui::CalcTextSize(total.c_str()).x, axis_y), palette.text_dim,
                       total.c_str());

    if (under_mouse) {
        draw_box_tooltip(context, *under_mouse);
        if (clicked && under_mouse->row == FramingRow::Segments) context.shared.selected_packet = under_mouse->index;
    }
}

void FramingView::draw_box_tooltip(LabContext& context, const FramingBox& box) const {
    ImGui::BeginTooltip();
    ImGui::TextUnformatted(row_name(context, box.row, layout_.udp).c_str());
    label_value(context.text("framing.bytes"), "[" + std::to_string(box.begin) + ", " + std::to_string(box.end) +
                                                   ")  " + std::to_string(box.end - box.begin) + " B");
    if (box.truncated)
        label_value(context.text("framing.copied"),
                    std::to_string(box.copied) + " / " + std::to_string(box.end - box.begin) + " B");
    if (!box.text.empty())
        label_value(context.text("framing.data"), "\"" + box.text + (box.text_complete ? "\"" : "…\""));
    if (box.row == FramingRow::Segments) {
        if (!layout_.udp) {
            const PacketEvent& packet = context.trace.packets()[box.index];
            label_value("seq", std::to_string(context.trace.relative_seq(packet)));
        }
        if (box.retransmission) ImGui::TextUnformatted(context.text("framing.retransmission").c_str());
    } else {
        const CallEvent& call = context.trace.calls()[box.index];
        label_value(call.call + "()", call.arguments + " = " + std::to_string(call.result));
    }
    ImGui::EndTooltip();
}

}  // namespace tcplab
