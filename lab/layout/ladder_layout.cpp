#include "ladder_layout.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "lab/layout/state_spans.hpp"
#include "lab/layout/timeline_layout.hpp"

namespace tcplab {
namespace {

bool is_end(Actor actor) { return actor == Actor::Client || actor == Actor::Server; }

std::string call_text(const CallEvent& call) { return call.call + "()"; }

float distance_to_segment(float x, float y, float x0, float y0, float x1, float y1) {
    const float dx = x1 - x0, dy = y1 - y0;
    const float length_squared = dx * dx + dy * dy;
    float along = length_squared > 0 ? ((x - x0) * dx + (y - y0) * dy) / length_squared : 0.0f;
    along = std::clamp(along, 0.0f, 1.0f);
    return std::hypot(x - (x0 + along * dx), y - (y0 + along * dy));
}

}  // namespace

std::string ladder_arrow_text(const Trace& trace, const PacketEvent& packet, bool relative_numbers) {
    // The order a textbook writes them: what opens or closes first, ACK last.
    static constexpr std::pair<uint8_t, const char*> kNames[] = {
        {tcp_flag::Syn, "SYN"}, {tcp_flag::Fin, "FIN"}, {tcp_flag::Rst, "RST"}, {tcp_flag::Psh, "PSH"},
        {tcp_flag::Urg, "URG"}, {tcp_flag::Ece, "ECE"}, {tcp_flag::Cwr, "CWR"}, {tcp_flag::Ack, "ACK"},
    };
    std::string text;
    for (const auto& [bit, name] : kNames) {
        if (!(packet.flags & bit)) continue;
        if (!text.empty()) text += ", ";
        text += name;
    }
    if (text.empty()) text = "-";
    text += " seq=" + std::to_string(relative_numbers ? trace.relative_seq(packet) : packet.seq);
    if (packet.flags & tcp_flag::Ack)
        text += " ack=" + std::to_string(relative_numbers ? trace.relative_ack(packet) : packet.ack);
    if (packet.payload_length > 0) text += " len=" + std::to_string(packet.payload_length);
    return text;
}

namespace {

// Ties keep calls before the segments they cause and states after the
// segments that caused them; events of one kind keep their order.
bool row_before(const LadderRows::Row& a, const LadderRows::Row& b) {
    if (a.time_ns != b.time_ns) return a.time_ns < b.time_ns;
    return static_cast<int>(a.kind) < static_cast<int>(b.kind);
}

// Where each source of rows starts: events before these are already rows.
struct RowSources {
    size_t calls = 0, packets = 0, transitions = 0;
};

// The rows of every visible event from `from` on, in time order.
std::vector<LadderRows::Row> rows_from(const LadderInput& input, RowSources from, float& widest_call) {
    using Kind = LadderRows::Kind;
    const Trace& trace = input.trace;
    const auto visible = [&input](int64_t time_ns) { return input.cursor_ns == 0 || time_ns <= input.cursor_ns; };
    const auto width_of = [&input](std::string_view text) { return input.text_width ? input.text_width(text) : 0.0f; };
    std::vector<LadderRows::Row> rows;
    if (from.calls == 0 && from.packets == 0 && from.transitions == 0) {
        // All rows: room for every event the trace holds or reserved (a flood
        // lesson), so that neither this build nor a live frame adding rows
        // later copies them all.
        const size_t packets = std::max(trace.packets().size(), trace.reserved().packets);
        const size_t transitions = std::max(input.transitions.size(), trace.reserved().states);
        rows.reserve(trace.calls().size() + packets + transitions);
    }
    const auto& calls = trace.calls();
    for (size_t index = from.calls; index < calls.size(); ++index) {
        if (!is_end(calls[index].actor) || !visible(calls[index].time_ns)) continue;
        rows.push_back({calls[index].time_ns, Kind::Call, index});
        widest_call = std::max(widest_call, width_of(call_text(calls[index])));
    }
    const auto& packets = trace.packets();
    for (size_t index = from.packets; index < packets.size(); ++index) {
        const PacketEvent& packet = packets[index];
        if (packet.transport != Transport::Tcp || !visible(packet.time_ns)) continue;
        if (input.is_receive_copy && input.is_receive_copy(index)) continue;
        rows.push_back({packet.time_ns, Kind::Packet, index});
        if (!input.receive_time_ns) continue;
        const std::optional<int64_t> received = input.receive_time_ns(index);
        if (received && *received > packet.time_ns && visible(*received))
            rows.push_back({*received, Kind::Receive, index});
    }
    for (size_t index = from.transitions; index < input.transitions.size(); ++index) {
        const StateEvent& event = input.transitions[index];
        if (!is_end(end_of_transition(trace, event)) || !visible(event.time_ns)) continue;
        rows.push_back({event.time_ns, Kind::State, index});
    }
    std::stable_sort(rows.begin(), rows.end(), row_before);
    return rows;
}

// Gives rows [first, end) their y, below the rows before them.
void place_rows(const LadderInput& input, LadderRows& result, size_t first) {
    using Kind = LadderRows::Kind;
    std::vector<LadderRows::Row>& rows = result.rows;
    // Rows top to bottom; an arrow's label sits above its line, so the first
    // row starts a line lower, and a row must leave room for the slant.
    const float row_height = std::max(input.row_height, input.line_height + input.slant + 8.0f);
    float y = first > 0 ? rows[first - 1].y : input.top_margin + input.line_height + 4.0f;
    const size_t receive_rows_before = result.receive_y.size();
    for (size_t position = first; position < rows.size(); ++position) {
        LadderRows::Row& row = rows[position];
        if (row.kind != Kind::Receive) ++result.visible_events;
        if (position > 0) {
            const int64_t pause = row.time_ns - rows[position - 1].time_ns;
            if (pause > input.idle_gap_ns) {
                LadderRecord gap;
                gap.kind = LadderRecordKind::Gap;
                gap.x0 = 0;
                gap.x1 = input.width;
                // Below the last row's arrow or label, and above the next row's label.
                gap.y0 = y + std::max(input.slant, input.line_height * 0.5f) + 3.0f;
                gap.y1 = gap.y0 + input.gap_height;
                gap.colour = input.colours.gap;
                gap.text = format_duration(pause);
                gap.time_ns = rows[position - 1].time_ns;
                gap.receive_ns = row.time_ns;
                result.gaps.push_back(gap);
                y = std::max(y + row_height, gap.y1 + input.line_height + 5.0f);
            } else {
                y += row_height;
            }
        }
        row.y = y;
        if (row.kind == Kind::Receive) result.receive_y.emplace_back(row.index, row.y);
    }
    result.height = y + row_height;
    std::sort(result.receive_y.begin() + static_cast<std::ptrdiff_t>(receive_rows_before), result.receive_y.end());
}

}  // namespace

LadderRows ladder_rows(const LadderInput& input) {
    LadderRows result;
    result.rows = rows_from(input, RowSources{}, result.widest_call);
    place_rows(input, result, 0);
    return result;
}

const LadderRows& LadderRowCache::update(const LadderInput& input) {
    const Trace& trace = input.trace;
    const bool same_shape = trace_ == &trace && cursor_ns_ == input.cursor_ns && row_height_ == input.row_height &&
                            line_height_ == input.line_height && gap_height_ == input.gap_height &&
                            slant_ == input.slant && built_generation_ == generation_;
    const bool same_counts = packets_ == trace.packets().size() && calls_ == trace.calls().size() &&
                             transitions_ == input.transitions.size();
    if (same_shape && same_counts) return rows_;
    // Only grown at the end since the rows were made: the new events' rows go below them.
    const bool only_grew = same_shape && input.transitions_build && transitions_build_ == input.transitions_build &&
                           inserted_before_end_ == trace.packets_or_calls_inserted_before_end() &&
                           packets_ <= trace.packets().size() && calls_ <= trace.calls().size() &&
                           transitions_ <= input.transitions.size();
    bool appended = false;
    if (only_grew) {
        float widest_call = rows_.widest_call;
        std::vector<LadderRows::Row> later = rows_from(input, RowSources{calls_, packets_, transitions_}, widest_call);
        // Receive rows come only from new packets (an earlier packet's new
        // twin invalidates the cache), so receive_y stays sorted too.
        const bool in_order = later.empty() || rows_.rows.empty() || !row_before(later.front(), rows_.rows.back());
        if (in_order) {
            const size_t first = rows_.rows.size();
            rows_.rows.insert(rows_.rows.end(), later.begin(), later.end());
            rows_.widest_call = widest_call;
            place_rows(input, rows_, first);
            appended = true;
        }
    }
    if (!appended) {
        rows_ = ladder_rows(input);
        ++full_builds_;
    }
    trace_ = &trace;
    packets_ = trace.packets().size();
    calls_ = trace.calls().size();
    transitions_ = input.transitions.size();
    transitions_build_ = input.transitions_build;
    inserted_before_end_ = trace.packets_or_calls_inserted_before_end();
    cursor_ns_ = input.cursor_ns;
    row_height_ = input.row_height;
    line_height_ = input.line_height;
    gap_height_ = input.gap_height;
    slant_ = input.slant;
    built_generation_ = generation_;
    return rows_;
}

const Connection* LaneConnection::find(const Trace& trace) {
    const auto& connections = trace.connections();
    if (trace_ != &trace || scanned_ > connections.size()) {
        trace_ = &trace;
        scanned_ = 0;
        found_.reset();
        client_port_varies_ = server_port_varies_ = false;
    }
    for (; scanned_ < connections.size(); ++scanned_) {
        const Connection& connection = connections[scanned_];
        if (!found_) {
            if (trace.actor_of(connection.client) != Actor::Attacker) found_ = scanned_;
            continue;
        }
        const Connection& first = connections[*found_];
        if (connection.client.address != first.client.address || connection.server.address != first.server.address)
            continue;
        if (connection.client.port != first.client.port) client_port_varies_ = true;
        if (connection.server.port != first.server.port) server_port_varies_ = true;
    }
    if (found_) return &connections[*found_];
    return connections.empty() ? nullptr : &connections.front();
}

LadderLayout layout_ladder(const LadderInput& input) { return layout_ladder(input, ladder_rows(input)); }

LadderLayout layout_ladder(const LadderInput& input, const LadderRows& rows) {
    using Kind = LadderRows::Kind;
    const Trace& trace = input.trace;
    const auto& packets = trace.packets();
    const auto& calls = trace.calls();
    const auto visible = [&input](int64_t time_ns) { return input.cursor_ns == 0 || time_ns <= input.cursor_ns; };
    const auto width_of = [&input](std::string_view text) { return input.text_width ? input.text_width(text) : 0.0f; };
    const auto receive_of = [&input](size_t index, int64_t send_ns) {
        std::optional<int64_t> received = input.receive_time_ns ? input.receive_time_ns(index) : std::nullopt;
        return std::max(send_ns, received.value_or(send_ns));
    };
    LadderLayout layout;
    layout.visible_events = rows.visible_events;
    layout.height = rows.height;

    // The lanes leave room outside for the widest call, but never so much that
    // the arrows between them get too short to read.
    const float outer_margin =
        std::min(std::max(input.min_outer_margin, rows.widest_call + 2 * input.label_padding), input.width * 0.3f);
    layout.client_x = outer_margin;
    layout.server_x = std::max(input.width - outer_margin, outer_margin + 1.0f);
    const auto lane_x = [&layout](Actor actor) { return actor == Actor::Server ? layout.server_x : layout.client_x; };

    // Only the rows in the window (with a row's worth of margin for labels
    // and slants), found by binary search over their y.
    const bool windowed = input.visible_height > 0;
    const float margin = std::max(input.row_height, input.line_height) * 2.0f;
    const float window_top = windowed ? input.visible_top - margin : -std::numeric_limits<float>::infinity();
    const float window_bottom =
        windowed ? input.visible_top + input.visible_height + margin : std::numeric_limits<float>::infinity();
    const auto first_row = std::lower_bound(rows.rows.begin(), rows.rows.end(), window_top,
                                            [](const LadderRows::Row& row, float y) { return row.y < y; });
    const auto last_row = std::upper_bound(first_row, rows.rows.end(), window_bottom,
                                           [](float y, const LadderRows::Row& row) { return y < row.y; });
    const auto first_gap = std::lower_bound(rows.gaps.begin(), rows.gaps.end(), window_top,
                                            [](const LadderRecord& gap, float y) { return gap.y1 < y; });
    const auto last_gap = std::upper_bound(first_gap, rows.gaps.end(), window_bottom,
                                           [](float y, const LadderRecord& gap) { return y < gap.y0; });
    layout.records.assign(first_gap, last_gap);
    for (LadderRecord& gap : layout.records) gap.x1 = input.width;

    const auto receive_y = [&rows](size_t index) {
        const auto found =
            std::lower_bound(rows.receive_y.begin(), rows.receive_y.end(), std::make_pair(index, -1e30f));
        return found != rows.receive_y.end() && found->first == index ? found->second : -1.0f;
    };

    for (auto row = first_row; row != last_row; ++row) {
        LadderRecord record;
        record.index = row->index;
        record.time_ns = row->time_ns;
        record.receive_ns = row->time_ns;
        switch (row->kind) {
            case Kind::Receive:
                continue;
            case Kind::Packet: {
                const PacketEvent& packet = packets[row->index];
                const Actor sender = end_of_sender(trace, packet) == Actor::Server ? Actor::Server : Actor::Client;
                const Actor receiver = sender == Actor::Server ? Actor::Client : Actor::Server;
                record.kind = LadderRecordKind::Arrow;
                record.actor = sender;
                record.x0 = lane_x(sender);
                record.y0 = row->y;
                record.x1 = lane_x(receiver);
                record.receive_ns = receive_of(row->index, packet.time_ns);
                // Sent and received at once (loopback): a small fixed slant
                // still shows which way the segment went.
                record.y1 = std::max(receive_y(row->index), row->y + input.slant);
                const bool lost = input.never_received && input.never_received(row->index);
                if (lost || !visible(record.receive_ns)) {
                    record.in_flight = true;  // drawn half-way, without a head
                    record.x1 = (record.x0 + record.x1) * 0.5f;
                    record.y1 = row->y + input.slant * 0.5f;
                }
                record.colour =
                    input.colours.for_flags ? input.colours.for_flags(packet.flags, packet.payload_length) : 0;
                record.text = ladder_arrow_text(trace, packet, input.relative_numbers);
                if (packet.retransmission) record.text += " " + input.retransmission_mark;
                const float text_width = width_of(record.text);
                const float middle = (layout.client_x + layout.server_x) * 0.5f;
                record.label_x0 = middle - text_width * 0.5f;
                record.label_x1 = middle + text_width * 0.5f;
                record.label_y1 = std::min(record.y0, record.y1) - 2.0f;
                record.label_y0 = record.label_y1 - input.line_height;
                record.selected = input.selected_packet == row->index;
                record.hovered = input.hovered_packet == row->index;
                break;
            }
            case Kind::State: {
                const StateEvent& event = input.transitions[row->index];
                record.kind = LadderRecordKind::StateLabel;
                record.actor = end_of_transition(trace, event);
                record.source = event.source;
                record.inferred = event.source == StateSource::Inferred;
                record.text = std::string(state_name(event.to));
                if (record.inferred) record.text += " " + input.inferred_mark;
                record.colour = record.inferred ? input.colours.inferred_state : input.colours.kernel_state;
                // The inner side of the lane, where the arrows arrive.
                const float text_width = width_of(record.text);
                if (record.actor == Actor::Client) {
                    record.x0 = layout.client_x + input.label_padding;
                    record.x1 = record.x0 + text_width;
                } else {
                    record.x1 = layout.server_x - input.label_padding;
                    record.x0 = record.x1 - text_width;
                }
                record.y0 = row->y - input.line_height * 0.5f;
                record.y1 = row->y + input.line_height * 0.5f;
                break;
            }
            case Kind::Call: {
                const CallEvent& call = calls[row->index];
                record.kind = LadderRecordKind::CallLabel;
                record.actor = call.actor;
                record.receive_ns = call.return_ns;
                record.text = call_text(call);
                record.colour = call.actor == Actor::Server ? input.colours.server : input.colours.client;
                // The outer side, away from the arrows.
                const float text_width = width_of(record.text);
                if (record.actor == Actor::Client) {
                    record.x1 = layout.client_x - input.label_padding;
                    record.x0 = record.x1 - text_width;
                } else {
                    record.x0 = layout.server_x + input.label_padding;
                    record.x1 = record.x0 + text_width;
                }
                record.y0 = row->y - input.line_height * 0.5f;
                record.y1 = row->y + input.line_height * 0.5f;
                break;
            }
        }
        layout.records.push_back(std::move(record));
    }
    // Gaps came first; keep every record in time order.
    std::stable_sort(layout.records.begin(), layout.records.end(),
                     [](const LadderRecord& a, const LadderRecord& b) { return a.y0 < b.y0; });
    return layout;
}

std::optional<size_t> ladder_arrow_at(const LadderLayout& layout, float x, float y, float slack) {
    std::optional<size_t> best;
    float best_distance = slack;
    for (size_t index = 0; index < layout.records.size(); ++index) {
        const LadderRecord& record = layout.records[index];
        if (record.kind != LadderRecordKind::Arrow) continue;
        float distance = distance_to_segment(x, y, record.x0, record.y0, record.x1, record.y1);
        if (x >= record.label_x0 && x <= record.label_x1 && y >= record.label_y0 && y <= record.label_y1) distance = 0;
        if (distance <= best_distance) {
            best_distance = distance;
            best = index;
        }
    }
    return best;
}

}  // namespace tcplab
