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

namespace {

// The pixels a selected arrow's label box and a state's box reach beyond their text.
constexpr float kBoxPadding = 1.0f;

// How high a row reaches: an arrow's label sits above its line, a label is centred on it.
float row_top(const LadderInput& input, const LadderRows::Row& row) {
    switch (row.kind) {
        case LadderRows::Kind::Packet:
            return row.y - 2.0f - input.line_height - kBoxPadding;
        case LadderRows::Kind::Receive:
            return row.y;
        case LadderRows::Kind::Call:
        case LadderRows::Kind::State:
            break;
    }
    return row.y - input.line_height * 0.5f - kBoxPadding;
}

// How low a row reaches: an arrow sent and received at once still drops by the slant.
float row_bottom(const LadderInput& input, const LadderRows::Row& row) {
    switch (row.kind) {
        case LadderRows::Kind::Packet:
            return row.y + input.slant + 2.0f;
        case LadderRows::Kind::Receive:
            return row.y + 2.0f;
        case LadderRows::Kind::Call:
        case LadderRows::Kind::State:
            break;
    }
    return row.y + input.line_height * 0.5f + kBoxPadding;
}

float lowest_bottom(const LadderInput& input, const LadderRows& rows, size_t from) {
    float bottom = 0;
    for (size_t index = from; index < rows.rows.size(); ++index)
        bottom = std::max(bottom, row_bottom(input, rows.rows[index]));
    return bottom;
}

// The first row of [.., last] such that rows [first, end) still fit in `height` below their top.
size_t earliest_that_fits(const LadderInput& input, const LadderRows& rows, size_t last, float bottom, float height) {
    size_t first = last;
    float top = row_top(input, rows.rows[last]);
    while (first > 0) {
        const float earlier = std::min(top, row_top(input, rows.rows[first - 1]));
        if (bottom - earlier > height) break;
        top = earlier;
        --first;
    }
    return first;
}

// A record's extent, its label and box included.
std::pair<float, float> record_extent(const LadderRecord& record) {
    switch (record.kind) {
        case LadderRecordKind::Arrow:
            return {std::min({record.label_y0 - kBoxPadding, record.y0, record.y1}),
                    std::max(record.y0, record.y1) + 2.0f};
        case LadderRecordKind::Gap:
            return {record.y0, record.y1};
        case LadderRecordKind::StateLabel:
        case LadderRecordKind::CallLabel:
            break;
    }
    return {record.y0 - kBoxPadding, record.y1 + kBoxPadding};
}

// The height of the rows from the first at or after `from_ns` to the last.
float step_height_from(const LadderInput& input, const LadderRows& rows, int64_t from_ns) {
    const auto first =
        std::lower_bound(rows.rows.begin(), rows.rows.end(), from_ns,
                         [](const LadderRows::Row& row, int64_t time_ns) { return row.time_ns < time_ns; });
    if (first == rows.rows.end()) return 0;
    const size_t index = static_cast<size_t>(first - rows.rows.begin());
    return lowest_bottom(input, rows, index) - row_top(input, *first);
}

}  // namespace

LadderFit fit_ladder(const LadderInput& input, const LadderRows& rows, const LadderFitRequest& request) {
    LadderFit fit{1.0f, input.row_height, 0};
    if (rows.rows.empty() || request.panel_height <= 0) return fit;
    const float panel = request.panel_height;
    const float whole_bottom = lowest_bottom(input, rows, 0);
    if (whole_bottom <= panel) {
        // A short run: its rows spread apart as far as the panel allows (found by halving; a few rows each time).
        const float base = std::max(input.row_height, input.line_height + input.slant + 8.0f);
        float fits = 1.0f, too_far = std::max(request.largest_row_scale, 1.0f) + 1e-3f;
        for (int round = 0; round < 12; ++round) {
            const float scale = (fits + too_far) * 0.5f;
            LadderInput spread = input;
            spread.row_height = base * scale;
            if (lowest_bottom(spread, ladder_rows(spread), 0) <= panel)
                fits = scale;
            else
                too_far = scale;
        }
        fit.row_height = fits > 1.0f ? base * fits : input.row_height;
        return fit;
    }
    const size_t last = rows.rows.size() - 1;
    size_t first = 0;
    if (request.focus_from_ns > 0) {
        const auto focus =
            std::lower_bound(rows.rows.begin(), rows.rows.end(), request.focus_from_ns,
                             [](const LadderRows::Row& row, int64_t time_ns) { return row.time_ns < time_ns; });
        if (focus == rows.rows.end()) {
            first = earliest_that_fits(input, rows, last, whole_bottom, panel);
        } else {
            const size_t step_first = static_cast<size_t>(focus - rows.rows.begin());
            const float step_bottom = lowest_bottom(input, rows, step_first);
            const float step_height = step_bottom - row_top(input, rows.rows[step_first]);
            if (step_height > panel && request.smallest_text_scale < 1.0f) {
                // Every size shrinks with the text but a few fixed pixels between rows: from the
                // proportional guess, a little smaller until the step fits (or the smallest size).
                const float smallest = request.smallest_text_scale;
                float scale = std::max(smallest, panel / step_height);
                for (int round = 0; round < 8 && scale > smallest; ++round) {
                    const LadderInput scaled = scaled_input(input, scale);
                    if (step_height_from(scaled, ladder_rows(scaled), request.focus_from_ns) <= panel) break;
                    scale = std::max(smallest, scale * 0.95f);
                }
                fit.text_scale = scale;
                return fit;
            }
            // The whole step with what came before it above, or, too tall, from its first segment on:
            // the calls and states before it say less than the exchange does.
            if (step_bottom - row_top(input, rows.rows[step_first]) <= panel) {
                first = earliest_that_fits(input, rows, step_first, step_bottom, panel);
            } else {
                first = step_first;
                while (first < last && rows.rows[first].kind != LadderRows::Kind::Packet) ++first;
                if (rows.rows[first].kind != LadderRows::Kind::Packet) first = step_first;
            }
        }
    } else {
        first = earliest_that_fits(input, rows, last, whole_bottom, panel);
    }
    fit.top = std::max(0.0f, row_top(input, rows.rows[first]));
    return fit;
}

LadderLayout layout_fitted_ladder(const LadderInput& input, const LadderRows& rows, const LadderFit& fit,
                                  float panel_height) {
    LadderInput windowed = input;
    windowed.row_height = fit.row_height;
    windowed.visible_top = fit.top;
    windowed.visible_height = std::max(panel_height, 1.0f);
    LadderLayout layout = layout_ladder(windowed, rows);
    const float bottom = fit.top + panel_height;
    // A segment sent in the panel but received below it (a slow wire, many
    // rows in between) keeps its start and label: the line runs to the panel's
    // edge, headless, rather than the exchange vanishing from the picture.
    for (LadderRecord& record : layout.records) {
        if (record.kind != LadderRecordKind::Arrow || record.y1 <= bottom - 2.0f || record.y0 >= bottom) continue;
        if (record.label_y1 > bottom || record.y1 <= record.y0) continue;
        const float edge = bottom - 2.0f;
        record.x1 = record.x0 + (record.x1 - record.x0) * (edge - record.y0) / (record.y1 - record.y0);
        record.y1 = edge;
        record.cut_at_bottom = true;
    }
    std::erase_if(layout.records, [&](const LadderRecord& record) {
        const auto [top, low] = record_extent(record);
        return top < fit.top || low > bottom;
    });
    for (LadderRecord& record : layout.records) {
        record.y0 -= fit.top;
        record.y1 -= fit.top;
        if (record.kind == LadderRecordKind::Arrow) {
            record.label_y0 -= fit.top;
            record.label_y1 -= fit.top;
        }
    }
    layout.height = panel_height;
    return layout;
}

ScrolledFit scrolled_fit(const LadderInput& input, const LadderRows& rows, const LadderFit& fit, float panel_height,
                         int rows_down) {
    if (rows_down == 0 || rows.rows.empty()) return {fit, 0};
    const auto count = static_cast<int>(rows.rows.size());
    int first = 0;  // the row the panel starts at now
    while (first + 1 < count && std::max(0.0f, row_top(input, rows.rows[static_cast<size_t>(first)])) < fit.top - 0.5f)
        ++first;
    const auto last_start = static_cast<int>(
        earliest_that_fits(input, rows, rows.rows.size() - 1, lowest_bottom(input, rows, 0), panel_height));
    const int target = std::clamp(first + rows_down, 0, std::max(first, last_start));
    ScrolledFit scrolled{fit, target - first};
    scrolled.fit.top = std::max(0.0f, row_top(input, rows.rows[static_cast<size_t>(target)]));
    if (target == 0) scrolled.fit.top = 0;
    return scrolled;
}

LadderInput scaled_input(const LadderInput& input, float scale) {
    LadderInput scaled = input;
    if (scale == 1.0f) return scaled;
    if (input.text_width)
        scaled.text_width = [width = input.text_width, scale](std::string_view text) { return width(text) * scale; };
    scaled.line_height *= scale;
    scaled.row_height *= scale;
    scaled.slant *= scale;
    scaled.label_padding *= scale;
    scaled.min_outer_margin *= scale;
    scaled.top_margin *= scale;
    scaled.gap_height *= scale;
    return scaled;
}

LadderLayout layout_fitted_ladder(const LadderInput& unscaled, const LadderFitRequest& request) {
    LadderFit fit = fit_ladder(unscaled, ladder_rows(unscaled), request);
    const LadderInput input = scaled_input(unscaled, fit.text_scale);
    if (fit.text_scale != 1.0f) {
        // A step drawn smaller fills the panel with its text, not with spread rows.
        LadderFitRequest again = request;
        again.smallest_text_scale = 1.0f;
        again.largest_row_scale = 1.0f;
        const float text_scale = fit.text_scale;
        fit = fit_ladder(input, ladder_rows(input), again);
        fit.text_scale = text_scale;
    }
    LadderInput fitted = input;
    fitted.row_height = fit.row_height;
    return layout_fitted_ladder(fitted, ladder_rows(fitted), fit, request.panel_height);
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
