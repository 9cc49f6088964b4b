#include "packet_detail_view.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>

namespace tcplab {
namespace {

// The selection colour, see-through so the bytes stay readable on top of it.
ImU32 translucent(ImU32 colour, unsigned alpha) { return (colour & ~IM_COL32_A_MASK) | (alpha << IM_COL32_A_SHIFT); }

std::string field_label(const LabContext& context, const PacketField& field) {
    return field.label_key.empty() ? field.label : context.text(field.label_key);
}

}  // namespace

void PacketDetailView::refresh(const LabContext& context, size_t packet_index) {
    const Trace& trace = context.trace;
    if (shown_packet_ == packet_index && shown_packet_count_ == trace.packets().size() &&
        shown_relative_ == context.shared.relative_numbers)
        return;
    if (shown_packet_ != packet_index) scroll_to_transport_ = true;
    const PacketEvent& packet = trace.packets()[packet_index];
    const auto raw = trace.raw_bytes(packet);
    bytes_.assign(raw.begin(), raw.end());
    PacketFieldContext field_context_for_packet = field_context(trace, packet_index);
    fields_ = packet_fields(trace.decode(packet), bytes_, field_context_for_packet);
    if (!context.shared.relative_numbers) {
        // With raw numbers switched on, the relative rows would only repeat what the student turned off.
        std::erase_if(fields_, [](const PacketField& field) {
            return field.label_key == "inspect.field.seq_relative" || field.label_key == "inspect.field.ack_relative";
        });
    }
    shown_packet_ = packet_index;
    shown_packet_count_ = trace.packets().size();
    shown_relative_ = context.shared.relative_numbers;
    hovered_field_.reset();
    hovered_byte_.reset();
    pinned_field_.reset();
}

std::optional<size_t> PacketDetailView::highlighted_field() const {
    if (hovered_field_) return hovered_field_;
    if (hovered_byte_) return field_at_byte(fields_, *hovered_byte_);
    return pinned_field_;
}

void PacketDetailView::draw(LabContext& context) {
    const auto& packets = context.trace.packets();
    const auto selected = context.shared.selected_packet;
    if (!selected || *selected >= packets.size() || !context.visible(packets[*selected].time_ns)) {
        ImGui::TextWrapped("%s", context.text("inspect.no_packet").c_str());
        shown_packet_.reset();
        return;
    }
    refresh(context, *selected);
    draw_heading(context);

    // The hex dump is as wide as its 72 characters and, below the tree, as tall as its
    // rows (frames in a lesson are short); side by side only when the tree keeps room
    // for a label, a value and a flag's meaning.
    const ImGuiStyle& style = ImGui::GetStyle();
    const float hex_width = ImGui::CalcTextSize("0").x * 72 + style.WindowPadding.x * 2 + style.ScrollbarSize;
    const ImVec2 available = ImGui::GetContentRegionAvail();
    const bool side_by_side = available.x >= hex_width + 640;
    const float hex_rows = static_cast<float>(std::clamp<size_t>(hex_row_count(bytes_.size()), 1, 12));
    const float hex_height = hex_rows * ImGui::GetTextLineHeightWithSpacing() + style.WindowPadding.y * 2;
    const ImVec2 tree_size =
        side_by_side ? ImVec2(available.x - hex_width - style.ItemSpacing.x, 0)
                     : ImVec2(0, std::max(available.y * 0.5f, available.y - hex_height - style.ItemSpacing.y));
    if (ImGui::BeginChild("fields", tree_size, true)) draw_tree(context);
    ImGui::EndChild();
    if (side_by_side) ImGui::SameLine();
    if (ImGui::BeginChild("bytes", side_by_side ? ImVec2(hex_width, 0) : ImVec2(0, 0), true,
                          ImGuiWindowFlags_HorizontalScrollbar))
        draw_hex(context);
    ImGui::EndChild();
}

void PacketDetailView::draw_heading(LabContext& context) {
    const Trace& trace = context.trace;
    const PacketEvent& packet = trace.packets()[*shown_packet_];
    const Actor sender = trace.sender_actor(packet);
    const Actor receiver =
        packet.connection == kNoConnection ? Actor::None : (sender == Actor::Server ? Actor::Client : Actor::Server);
    auto actor_text = [&context](Actor actor) {
        return actor == Actor::None ? std::string("-") : context.text("actor." + std::string(actor_name(actor)));
    };
    const double milliseconds = static_cast<double>(packet.time_ns - trace.start_ns()) / 1e6;
    ImGui::Text("#%zu  %+.3f ms  %s → %s", *shown_packet_ + 1, milliseconds, actor_text(sender).c_str(),
                actor_text(receiver).c_str());
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Text, context.palette.for_flags(packet.flags, packet.payload_length));
    ImGui::TextUnformatted(packet.transport == Transport::Tcp ? flags_label(packet.flags).c_str() : "");
    ImGui::PopStyleColor();
    ImGui::SameLine();
    ImGui::TextDisabled("%s", context.text("inspect.hex_hint").c_str());
}

void PacketDetailView::draw_tree(LabContext& context) {
    const std::optional<size_t> lit = highlighted_field();
    std::optional<size_t> hovered_now;
    const ImGuiTableFlags table_flags =
        ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_Resizable | ImGuiTableFlags_ScrollY;
    if (!ImGui::BeginTable("field_tree", 2, table_flags)) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    // The label column fits the longest label at its depth, so no name is cut short.
    float label_width = 0;
    for (const PacketField& field : fields_)
        label_width = std::max(label_width, ImGui::CalcTextSize(field_label(context, field).c_str()).x +
                                                ImGui::GetTreeNodeToLabelSpacing() +
                                                static_cast<float>(field.depth) * ImGui::GetStyle().IndentSpacing);
    ImGui::TableSetupColumn(context.text("inspect.column_field").c_str(), ImGuiTableColumnFlags_WidthFixed,
                            label_width + ImGui::GetStyle().CellPadding.x * 2);
    ImGui::TableSetupColumn(context.text("inspect.column_value").c_str(), ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();

    // Tree levels follow depth: an open node with children pushes one level, and
    // a row pops back to its own depth first. Rows under a closed node are skipped.
    int pushed = 0;
    int closed_depth = -1;
    for (size_t index = 0; index < fields_.size(); ++index) {
        const PacketField& field = fields_[index];
        if (closed_depth >= 0 && field.depth > closed_depth) continue;
        closed_depth = -1;
        for (; pushed > field.depth; --pushed) ImGui::TreePop();
        const bool has_children = index + 1 < fields_.size() && fields_[index + 1].depth > field.depth;

        ImGui::TableNextRow();
        if (lit == index) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, translucent(context.palette.selection, 80));
        ImGui::TableSetColumnIndex(0);
        ImGuiTreeNodeFlags node_flags = ImGuiTreeNodeFlags_SpanFullWidth;
        // Everything starts open: a lesson's packet is short and every field is the point.
        node_flags |= has_children ? ImGuiTreeNodeFlags_DefaultOpen
                                   : ImGuiTreeNodeFlags_Leaf | ImGuiTreeNodeFlags_NoTreePushOnOpen;
        const std::string label = field_label(context, field);
        if (field.is_error) ImGui::PushStyleColor(ImGuiCol_Text, context.palette.rst);
        const void* node_id = reinterpret_cast<const void*>(static_cast<intptr_t>(index + 1));
        const bool open = ImGui::TreeNodeEx(node_id, node_flags, "%s", label.c_str());
        // The row before the transport heading goes to the top, under the frozen
        // column headings, so that the heading itself is the first row in view.
        const auto is_transport = [](const PacketField& row) {
            return row.label_key == "inspect.layer.tcp" || row.label_key == "inspect.layer.udp";
        };
        if (scroll_to_transport_ && index + 1 < fields_.size() && is_transport(fields_[index + 1])) {
            ImGui::SetScrollHereY(0.0f);
            scroll_to_transport_ = false;
        }
        if (field.is_error) ImGui::PopStyleColor();
        if (ImGui::IsItemHovered()) hovered_now = index;
        if (ImGui::IsItemClicked() && !has_children)
            pinned_field_ = pinned_field_ == index ? std::nullopt : std::optional<size_t>(index);
        if (has_children && open) ++pushed;
        if (has_children && !open) closed_depth = field.depth;

        ImGui::TableSetColumnIndex(1);
        std::string value = field.value;
        if (!field.value_key.empty()) value += (value.empty() ? "" : "  ") + context.text(field.value_key);
        if (field.is_error)
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(context.palette.rst), "%s", value.c_str());
        else
            ImGui::TextUnformatted(value.c_str());
        if (ImGui::IsItemHovered()) hovered_now = index;
        if (!field.meaning_key.empty()) {
            ImGui::SameLine();
            ImGui::TextDisabled("%s", context.text(field.meaning_key).c_str());
            if (ImGui::IsItemHovered()) hovered_now = index;
        }
    }
    for (; pushed > 0; --pushed) ImGui::TreePop();
    ImGui::EndTable();
    hovered_field_ = hovered_now;
}

void PacketDetailView::draw_hex(LabContext& context) {
    const std::optional<size_t> lit = highlighted_field();
    const float char_width = ImGui::CalcTextSize("0").x;
    const float line_height = ImGui::GetTextLineHeight();
    const size_t rows = hex_row_count(bytes_.size());
    const ImU32 highlight = translucent(context.palette.selection, 110);
    const ImU32 text_colour = ImGui::GetColorU32(ImGuiCol_Text);
    const ImU32 dim_colour = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    ImDrawList* draw_list = ImGui::GetWindowDrawList();

    // Column positions in characters: "0000  " offset, 16 × "xx " with a gap after 8, then the ASCII.
    auto hex_column = [](size_t column) {
        return 6.0f + static_cast<float>(column) * 3.0f + (column >= 8 ? 1.0f : 0.0f);
    };
    const float ascii_start = hex_column(kHexBytesPerRow) + 1.0f;
    const float row_width = (ascii_start + kHexBytesPerRow) * char_width;

    std::optional<size_t> hovered_now;
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(rows), ImGui::GetTextLineHeightWithSpacing());
    while (clipper.Step()) {
        for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
            const ImVec2 origin = ImGui::GetCursorScreenPos();
            ImGui::PushID(row);
            ImGui::InvisibleButton("row", ImVec2(row_width, line_height));
            const bool row_hovered = ImGui::IsItemHovered();
            ImGui::PopID();
            const ImVec2 mouse = ImGui::GetIO().MousePos;

            char offset_text[16];
            std::snprintf(offset_text, sizeof offset_text, "%04zx", static_cast<size_t>(row) * kHexBytesPerRow);
            draw_list->AddText(origin, dim_colour, offset_text);
            for (size_t column = 0; column < kHexBytesPerRow; ++column) {
                const size_t byte = static_cast<size_t>(row) * kHexBytesPerRow + column;
                if (byte >= bytes_.size()) break;
                const ImVec2 hex_position(origin.x + hex_column(column) * char_width, origin.y);
                const ImVec2 ascii_position(origin.x + (ascii_start + static_cast<float>(column)) * char_width,
                                            origin.y);
                const ImVec2 hex_end(hex_position.x + 2 * char_width, origin.y + line_height);
                const ImVec2 ascii_end(ascii_position.x + char_width, origin.y + line_height);
                if (row_hovered && ((mouse.x >= hex_position.x && mouse.x < hex_end.x + char_width) ||
                                    (mouse.x >= ascii_position.x && mouse.x < ascii_end.x)))
                    hovered_now = byte;
                const bool in_field = lit && field_covers(fields_[*lit], byte);
                if (in_field) {
                    draw_list->AddRectFilled(hex_position, hex_end, highlight);
                    draw_list->AddRectFilled(ascii_position, ascii_end, highlight);
                }
                char hex_text[4];
                std::snprintf(hex_text, sizeof hex_text, "%02x", bytes_[byte]);
                draw_list->AddText(hex_position, text_colour, hex_text);
                const char printable[2] = {
                    bytes_[byte] >= 0x20 && bytes_[byte] < 0x7F ? static_cast<char>(bytes_[byte]) : '.', 0};
                draw_list->AddText(ascii_position, in_field ? text_colour : dim_colour, printable);
            }
        }
    }
    clipper.End();
    hovered_byte_ = hovered_now;
    if (hovered_now) {
        if (const auto owner = field_at_byte(fields_, *hovered_now)) {
            ImGui::BeginTooltip();
            ImGui::Text("%s: %s", field_label(context, fields_[*owner]).c_str(), fields_[*owner].value.c_str());
            ImGui::EndTooltip();
        }
    }
}

}  // namespace tcplab
