#include "sockets_view.hpp"

#include <algorithm>
#include <string>

#include "capture/kernel_counters.hpp"

namespace tcplab {
namespace {

// When a finished trace is shown whole, its sockets are as of its last event.
int64_t last_event_ns(const Trace& trace) {
    int64_t end = 0;
    if (!trace.packets().empty()) end = std::max(end, trace.packets().back().time_ns);
    if (!trace.states().empty()) end = std::max(end, trace.states().back().time_ns);
    if (!trace.calls().empty()) end = std::max(end, trace.calls().back().return_ns);
    return end;
}

constexpr SocketColumn kColumns[] = {SocketColumn::State, SocketColumn::ReceiveQueue, SocketColumn::SendQueue,
                                     SocketColumn::Local, SocketColumn::Peer,         SocketColumn::Timer,
                                     SocketColumn::Owner};

// Wraps text to the cell's width. ImGui 1.86 breaks lines only at spaces, which
// Chinese text has few of; here a line may also break between any two characters
// that are not ASCII, and at a space otherwise.
void text_wrapped_anywhere(const std::string& text) {
    // Half a wide character of margin: the cell clips its text a little inside the width it reports.
    const float width = ImGui::GetContentRegionAvail().x - ImGui::GetFontSize() * 0.5f;
    size_t line_start = 0;
    while (line_start < text.size()) {
        size_t position = line_start;
        size_t last_break = std::string::npos;  // where the line may end, after a space or a wide character
        while (position < text.size()) {
            const unsigned char lead = static_cast<unsigned char>(text[position]);
            const size_t length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
            const size_t next = std::min(text.size(), position + length);
            if (position > line_start && ImGui::CalcTextSize(text.data() + line_start, text.data() + next).x > width)
                break;
            if (lead == ' ' || lead >= 0x80) last_break = next;
            position = next;
        }
        size_t line_end = position;
        if (position < text.size() && last_break != std::string::npos && last_break > line_start) line_end = last_break;
        ImGui::TextUnformatted(text.data() + line_start, text.data() + line_end);
        line_start = line_end;
        while (line_start < text.size() && text[line_start] == ' ') ++line_start;
    }
}

}  // namespace

void SocketsView::draw(LabContext& context) {
    draw_sockets(context);
    ImGui::Spacing();
    ImGui::Separator();
    draw_counters(context);
}

void SocketsView::draw_sockets(LabContext& context) {
    const Trace& trace = context.trace;
    const bool live = context.sockets != nullptr;
    int64_t now_ns = 0;
    if (live) {
        // A live dump is at most a few milliseconds old: its timers are as good as now.
        now_ns = realtime_now_ns();
        rows_ = socket_rows_from_dump(*context.sockets, now_ns, trace);
        replayed_cursor_ = -1;
    } else {
        const int64_t cursor = context.shared.cursor_ns;
        now_ns = cursor != 0 ? cursor : last_event_ns(trace);
        if (cursor != replayed_cursor_ || trace.states().size() != replayed_state_count_) {
            rows_ = socket_rows_as_of(trace, cursor);
            replayed_cursor_ = cursor;
            replayed_state_count_ = trace.states().size();
        }
    }
    ImGui::TextDisabled("%s", context.text(live ? "inspect.sockets.live" : "inspect.sockets.replayed").c_str());

    const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter |
                                  ImGuiTableFlags_BordersV | ImGuiTableFlags_Resizable | ImGuiTableFlags_ScrollX |
                                  ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit;
    const float row_height = ImGui::GetTextLineHeightWithSpacing();
    const float visible_rows = static_cast<float>(std::clamp<size_t>(rows_.size(), 2, 10)) + 1.5f;
    const float table_height = row_height * visible_rows + ImGui::GetStyle().ScrollbarSize;  // room for ScrollX's bar
    if (!ImGui::BeginTable("socket_table", 7, flags, ImVec2(0, table_height))) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn(context.text("inspect.sockets.state").c_str(), ImGuiTableColumnFlags_DefaultSort);
    ImGui::TableSetupColumn(context.text("inspect.sockets.recv_q").c_str());
    ImGui::TableSetupColumn(context.text("inspect.sockets.send_q").c_str());
    ImGui::TableSetupColumn(context.text("inspect.sockets.local").c_str());
    ImGui::TableSetupColumn(context.text("inspect.sockets.peer").c_str());
    ImGui::TableSetupColumn(context.text("inspect.sockets.timer").c_str());
    ImGui::TableSetupColumn(context.text("inspect.sockets.owner").c_str());
    ImGui::TableHeadersRow();

    if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs(); specs && specs->SpecsCount > 0) {
        const ImGuiTableColumnSortSpecs& spec = specs->Specs[0];
        sort_column_ = kColumns[std::clamp<int>(spec.ColumnIndex, 0, 6)];
        sort_ascending_ = spec.SortDirection != ImGuiSortDirection_Descending;
        specs->SpecsDirty = false;
    }
    // Sorting a handful of rows every frame is cheaper than tracking when they change.
    order_ = sorted_socket_order(rows_, sort_column_, sort_ascending_);

    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(order_.size()));
    while (clipper.Step()) {
        for (int line = clipper.DisplayStart; line < clipper.DisplayEnd; ++line) {
            const SocketRow& row = rows_[order_[static_cast<size_t>(line)]];
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(context.palette.kernel_state), "%s",
                               std::string(state_name(row.state)).c_str());
            ImGui::TableNextColumn();
            ImGui::Text("%u", row.receive_queue);
            ImGui::TableNextColumn();
            ImGui::Text("%u", row.send_queue);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(row.local.to_string().c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(row.remote.address.version == 0 || row.remote.address.is_unspecified()
                                       ? (row.local.address.version == 6 ? "[::]:*" : "0.0.0.0:*")
                                       : row.remote.to_string().c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(timer_text(row.timer, timer_left_ms(row, now_ns), row.retransmits).c_str());
            ImGui::TableNextColumn();
            if (row.actor == Actor::None) {
                ImGui::TextDisabled("-");
            } else {
                const ImU32 colour = row.actor == Actor::Server ? context.palette.server : context.palette.client;
                ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colour), "%s",
                                   context.text("actor." + std::string(actor_name(row.actor))).c_str());
            }
        }
    }
    clipper.End();
    ImGui::EndTable();
    if (rows_.empty()) ImGui::TextDisabled("%s", context.text("inspect.sockets.none").c_str());
}

void SocketsView::draw_counters(LabContext& context) {
    ImGui::TextUnformatted(context.text("inspect.counters.heading").c_str());
    if (!context.counters || context.counters->latest.values.empty()) {
        ImGui::TextDisabled("%s", context.text("inspect.counters.unavailable").c_str());
        return;
    }
    const std::vector<CounterRow> rows = counter_rows(*context.counters);
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter | ImGuiTableFlags_BordersV |
                                  ImGuiTableFlags_Resizable | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit;
    if (!ImGui::BeginTable("counter_table", 4, flags)) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn(context.text("inspect.counters.name").c_str());
    ImGui::TableSetupColumn(context.text("inspect.counters.now").c_str());
    ImGui::TableSetupColumn(context.text("inspect.counters.change").c_str());
    ImGui::TableSetupColumn(context.text("inspect.counters.meaning").c_str(), ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    const ImU32 changed_background = (context.palette.selection & ~IM_COL32_A_MASK) | (60u << IM_COL32_A_SHIFT);
    for (const CounterRow& row : rows) {
        ImGui::TableNextRow();
        if (row.changed()) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, changed_background);
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(row.name.c_str());
        ImGui::TableNextColumn();
        if (row.now)
            ImGui::Text("%lld", static_cast<long long>(*row.now));
        else
            ImGui::TextDisabled("-");
        ImGui::TableNextColumn();
        if (!row.change)
            ImGui::TextDisabled("-");
        else if (row.changed())
            ImGui::Text("%+lld", static_cast<long long>(*row.change));
        else
            ImGui::TextDisabled("0");
        ImGui::TableNextColumn();
        text_wrapped_anywhere(context.text(row.meaning_key));
    }
    ImGui::EndTable();
}

}  // namespace tcplab
