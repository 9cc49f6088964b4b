#include "timeline_layout.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <queue>

#include "lab/i18n.hpp"

namespace tcplab {
namespace {

constexpr int64_t kForever = std::numeric_limits<int64_t>::max();

// Marks far outside the canvas are clipped to just beyond it: ImGui's vertices
// are floats, and a state that lasts a minute is millions of pixels wide at
// nanosecond zoom.
float clip_to_canvas(float x, float length) { return std::clamp(x, -16.0f, length + 16.0f); }

std::string printf_string(const char* format, double value, int decimals, const char* unit) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, format, decimals, value, unit);
    return buffer;
}

bool contains(const std::optional<size_t>& packet, size_t first, size_t last) {
    return packet && *packet >= first && *packet < last;
}

std::string call_label(const CallEvent& call, bool open) {
    std::string label = call.call + "()";
    if (open || never_returned(call)) return label;
    label += " = " + std::to_string(call.result);
    if (call.result < 0 && call.error_number != 0) {
        const char* name = strerrorname_np(call.error_number);
        label += " " + (name ? std::string(name) : std::to_string(call.error_number));
    }
    return label;
}

std::string packet_label(const PacketEvent& packet) {
    if (packet.transport == Transport::Tcp && !packet.decode_failed) return flags_label(packet.flags);
    return packet.transport == Transport::Udp ? "UDP" : "IP";
}

std::string packet_detail(const Trace& trace, const PacketEvent& packet, bool relative) {
    if (packet.transport != Transport::Tcp || packet.decode_failed) return "";
    std::string detail = "seq=" + std::to_string(relative ? trace.relative_seq(packet) : packet.seq);
    if (packet.flags & tcp_flag::Ack)
        detail += " ack=" + std::to_string(relative ? trace.relative_ack(packet) : packet.ack);
    if (packet.payload_length > 0) detail += " len=" + std::to_string(packet.payload_length);
    return detail;
}

// Keeps what fits in `room` pixels: the label and its detail, the label alone, or nothing.
void fit_label(TimelineRecord& record, float room, const TimelineInput& input) {
    if (record.label.empty() || input.text_width(record.label) > room) {
        record.label.clear();
        record.detail.clear();
    } else if (!record.detail.empty() && input.text_width(record.detail) > room) {
        record.detail.clear();
    }
}

// Labels of point-like marks (packets, calls) run right until the next mark of the lane.
void fit_lane_labels(std::vector<TimelineRecord>& records, size_t lane_begin, const TimelineInput& input) {
    for (size_t k = lane_begin; k < records.size(); ++k) {
        TimelineRecord& record = records[k];
        if (record.kind == TimelineRecordKind::PacketGroup) {
            // A wide group carries its count inside, as Tracy writes it on folded zones.
            const float inside_x = std::max(record.x0, 0.0f) + input.label_padding;
            const float inside_room = std::min(record.x1, input.axis.length) - inside_x - input.label_padding;
            if (input.text_width(record.label) <= inside_room) {
                record.label_x = inside_x;
                continue;
            }
        }
        const float limit = k + 1 < records.size() ? records[k + 1].x0 : input.axis.length;
        fit_label(record, limit - record.label_x - input.label_padding, input);
    }
}

void layout_wire(const TimelineInput& input, int64_t view_begin, int64_t view_end, TimelineLayout& layout) {
    const std::vector<PacketEvent>& packets = input.trace.packets();
    if (view_end < view_begin) return;
    const auto [first, last] = visible_range(packets, view_begin, view_end);
    layout.visible_packets = last - first;
    const auto fold_ns = static_cast<int64_t>(std::ceil(input.fold_pixels * input.axis.ns_per_pixel()));
    const auto later_than = [](int64_t time, const PacketEvent& packet) { return time < packet.time_ns; };
    const size_t lane_begin = layout.records.size();

    size_t begin = first;
    while (begin < last) {
        // Jump over everything within fold_ns of the group's newest member with
        // a binary search, so a dense stretch costs one search per few pixels
        // rather than one step per packet.
        size_t group_last = begin;
        int64_t reach = packets[begin].time_ns + fold_ns;
        for (;;) {
            const auto beyond =
                std::upper_bound(packets.begin() + static_cast<std::ptrdiff_t>(group_last) + 1,
                                 packets.begin() + static_cast<std::ptrdiff_t>(last), reach, later_than);
            const auto next = static_cast<size_t>(beyond - packets.begin());
            group_last = next - 1;
            if (next >= last || packets[next].time_ns - packets[group_last].time_ns > fold_ns) break;
            group_last = next;  // the next packet is close to the group's end: it joins
            reach = packets[next].time_ns + fold_ns;
        }
        const size_t end = group_last + 1;

        TimelineRecord record;
        record.lane = TimelineLane::Wire;
        record.first = begin;
        record.last = end;
        record.count = end - begin;
        record.index = begin;
        record.x0 = input.axis.to_pixel(packets[begin].time_ns);
        record.x1 = input.axis.to_pixel(packets[group_last].time_ns);
        record.label_x = record.x1 + input.label_padding;
        record.selected = contains(input.selected_packet, begin, end);
        record.hovered = contains(input.hovered_packet, begin, end);
        if (record.count == 1) {
            const PacketEvent& packet = packets[begin];
            record.kind = TimelineRecordKind::Packet;
            record.colour = input.colours.for_flags ? input.colours.for_flags(packet.flags, packet.payload_length) : 0;
            record.from_server = packet.from_server != 0;
            record.label = packet_label(packet);
            record.detail = packet_detail(input.trace, packet, input.relative_numbers);
        } else {
            record.kind = TimelineRecordKind::PacketGroup;
            record.colour = input.colours.group;
            record.label = fill_placeholders(input.group_label, {std::to_string(record.count)});
        }
        layout.records.push_back(std::move(record));
        begin = end;
    }
    fit_lane_labels(layout.records, lane_begin, input);
}

void layout_calls(const TimelineInput& input, Actor actor, TimelineLane lane, int64_t shown_end,
                  TimelineLayout& layout) {
    // A lesson makes a handful of calls, and a call may start before the view
    // and end inside it, so the calls starting up to the view's end are scanned.
    const std::vector<CallEvent>& calls = input.trace.calls();
    const int64_t view_end = std::min(input.axis.end_ns, shown_end);
    const auto stop = std::upper_bound(calls.begin(), calls.end(), view_end,
                                       [](int64_t time, const CallEvent& call) { return time < call.time_ns; });
    const size_t lane_begin = layout.records.size();
    for (auto call = calls.begin(); call != stop; ++call) {
        if (call->actor != actor) continue;
        const bool open = call->return_ns > shown_end;
        const int64_t end = std::min(std::max(call->return_ns, call->time_ns), shown_end);
        if (end < input.axis.begin_ns) continue;
        TimelineRecord record;
        record.kind = TimelineRecordKind::Call;
        record.lane = lane;
        record.index = static_cast<size_t>(call - calls.begin());
        record.x0 = clip_to_canvas(input.axis.to_pixel(call->time_ns), input.axis.length);
        record.x1 = clip_to_canvas(input.axis.to_pixel(end), input.axis.length);
        record.label_x = std::max(record.x0, 0.0f) + input.label_padding;
        record.colour = actor == Actor::Client ? input.colours.client : input.colours.server;
        record.open = open;
        record.label = call_label(*call, open);
        record.detail = call->arguments;
        layout.records.push_back(std::move(record));
    }
    // The lines the host's programs wrote, among their calls (tcplab exec).
    const std::vector<OutputEvent>& outputs = input.trace.outputs();
    for (size_t index = 0; index < outputs.size(); ++index) {
        const OutputEvent& output = outputs[index];
        if (output.actor != actor || output.time_ns > view_end || output.time_ns < input.axis.begin_ns) continue;
        TimelineRecord record;
        record.kind = TimelineRecordKind::Output;
        record.lane = lane;
        record.index = index;
        record.x0 = record.x1 = input.axis.to_pixel(output.time_ns);
        record.label_x = record.x0 + input.label_padding;
        record.colour = actor == Actor::Client ? input.colours.client : input.colours.server;
        record.label = "» " + output.text;
        layout.records.push_back(std::move(record));
    }
    // Labels are fitted up to the next mark, so the lane goes in time order.
    std::stable_sort(layout.records.begin() + static_cast<std::ptrdiff_t>(lane_begin), layout.records.end(),
                     [](const TimelineRecord& a, const TimelineRecord& b) { return a.x0 < b.x0; });
    fit_lane_labels(layout.records, lane_begin, input);
}

TimelineRecord state_record(const TimelineInput& input, TimelineLane lane, size_t index, int64_t shown_end) {
    const StateSpan& span = input.spans[index];
    const int64_t end = std::min(span.end_ns, shown_end);
    TimelineRecord record;
    record.kind = TimelineRecordKind::State;
    record.lane = lane;
    record.row = span.row;
    record.index = index;
    record.x0 = clip_to_canvas(input.axis.to_pixel(span.begin_ns), input.axis.length);
    record.x1 = clip_to_canvas(input.axis.to_pixel(end), input.axis.length);
    record.inferred = span.source == StateSource::Inferred;
    record.colour = record.inferred ? input.colours.inferred_state : input.colours.kernel_state;
    record.open = span.end_ns > shown_end;
    record.label = std::string(state_name(span.state));
    // The name stays readable while the span's start is scrolled off to the left.
    record.label_x = std::max(record.x0, 0.0f) + input.label_padding;
    const float room = std::min(record.x1, input.axis.length) - record.label_x - input.label_padding;
    fit_label(record, room, input);
    return record;
}

// With the per-row index: each shown row is culled by binary search (spans in
// a row never overlap, so their ends are sorted too), and spans narrower than
// the fold distance are skipped to the first one starting past it, so a row
// costs at most one record per few pixels however many spans it holds.
void layout_indexed_states(const TimelineInput& input, int64_t shown_end, TimelineLayout& layout) {
    const int64_t view_end = std::min(input.axis.end_ns, shown_end);
    const auto fold_ns = static_cast<int64_t>(std::ceil(input.fold_pixels * input.axis.ns_per_pixel()));
    for (const TimelineLane lane : {TimelineLane::ClientState, TimelineLane::ServerState}) {
        if (!input.show_lane[static_cast<size_t>(lane)]) continue;
        const auto& rows = lane == TimelineLane::ClientState ? input.span_rows->client : input.span_rows->server;
        const size_t shown_rows = std::min(rows.size(), static_cast<size_t>(std::max(input.max_state_rows, 1)));
        for (size_t row = 0; row < shown_rows; ++row) {
            const std::vector<uint32_t>& in_row = rows[row];
            auto span =
                std::lower_bound(in_row.begin(), in_row.end(), input.axis.begin_ns,
                                 [&input](uint32_t index, int64_t time) { return input.spans[index].end_ns < time; });
            while (span != in_row.end() && input.spans[*span].begin_ns <= view_end) {
                layout.records.push_back(state_record(input, lane, *span, shown_end));
                const StateSpan& drawn = input.spans[*span];
                if (drawn.end_ns - drawn.begin_ns >= fold_ns) {
                    ++span;
                    continue;
                }
                const int64_t past = drawn.begin_ns + fold_ns;
                span = std::upper_bound(span + 1, in_row.end(), past, [&input](int64_t time, uint32_t index) {
                    return time < input.spans[index].begin_ns;
                });
            }
        }
    }
}

void layout_states(const TimelineInput& input, int64_t shown_end, TimelineLayout& layout) {
    if (input.span_rows) {
        layout_indexed_states(input, shown_end, layout);
        return;
    }
    const int64_t view_end = std::min(input.axis.end_ns, shown_end);
    // Spans are a few per socket; those starting by the view's end are scanned.
    const auto stop = std::upper_bound(input.spans.begin(), input.spans.end(), view_end,
                                       [](int64_t time, const StateSpan& span) { return time < span.begin_ns; });
    for (const TimelineLane lane : {TimelineLane::ClientState, TimelineLane::ServerState}) {
        if (!input.show_lane[static_cast<size_t>(lane)]) continue;
        const Actor actor = lane == TimelineLane::ClientState ? Actor::Client : Actor::Server;
        for (auto span = input.spans.begin(); span != stop; ++span) {
            if (span->actor != actor) continue;
            const int64_t end = std::min(span->end_ns, shown_end);
            if (end < input.axis.begin_ns) continue;
            TimelineRecord record;
            record.kind = TimelineRecordKind::State;
            record.lane = lane;
            record.row = span->row;
            record.index = static_cast<size_t>(span - input.spans.begin());
            record.x0 = clip_to_canvas(input.axis.to_pixel(span->begin_ns), input.axis.length);
            record.x1 = clip_to_canvas(input.axis.to_pixel(end), input.axis.length);
            record.inferred = span->source == StateSource::Inferred;
            record.colour = record.inferred ? input.colours.inferred_state : input.colours.kernel_state;
            record.open = span->end_ns > shown_end;
            record.label = std::string(state_name(span->state));
            // The name stays readable while the span's start is scrolled off to the left.
            record.label_x = std::max(record.x0, 0.0f) + input.label_padding;
            const float room = std::min(record.x1, input.axis.length) - record.label_x - input.label_padding;
            fit_label(record, room, input);
            layout.records.push_back(std::move(record));
        }
    }
}

void layout_steps(const TimelineInput& input, int64_t view_begin, int64_t view_end, TimelineLayout& layout) {
    if (view_end < view_begin) return;
    const std::vector<NoteEvent>& notes = input.trace.notes();
    const auto [first, last] = visible_range(notes, view_begin, view_end);
    for (size_t index = first; index < last; ++index) {
        TimelineRecord record;
        record.kind = TimelineRecordKind::StepMarker;
        record.index = index;
        record.x0 = record.x1 = input.axis.to_pixel(notes[index].time_ns);
        record.label_x = record.x0 + input.label_padding;
        record.colour = input.colours.step;
        if (notes[index].step >= 0) record.label = std::to_string(notes[index].step + 1);
        layout.records.push_back(std::move(record));
    }
}

// The smallest 1, 2 or 5 times a power of ten that is at least `at_least`.
int64_t nice_step(double at_least) {
    int64_t power = 1;
    for (;;) {
        for (const int64_t base : {1, 2, 5})
            if (static_cast<double>(base * power) >= at_least) return base * power;
        if (power > std::numeric_limits<int64_t>::max() / 100) return power;
        power *= 10;
    }
}

// A tick's label: the unit is the largest that keeps the numbers short for
// this step, with just enough decimals to tell neighbouring ticks apart.
std::string tick_label(int64_t offset_ns, int64_t step_ns) {
    static constexpr std::pair<int64_t, const char*> units[] = {
        {1'000'000'000, "s"}, {1'000'000, "ms"}, {1'000, "µs"}, {1, "ns"}};
    for (const auto& [unit, name] : units) {
        if (unit > step_ns * 100 && unit != 1) continue;
        int decimals = 0;
        int64_t scaled = step_ns;
        while (scaled % unit != 0 && decimals < 9) {
            scaled *= 10;
            ++decimals;
        }
        return printf_string("%.*f %s", static_cast<double>(offset_ns) / static_cast<double>(unit), decimals, name);
    }
    return "";
}

void layout_ticks(const TimelineInput& input, TimelineLayout& layout) {
    const TimeAxis& axis = input.axis;
    if (axis.length <= 0 || axis.end_ns <= axis.begin_ns) return;
    const int64_t step = nice_step(std::max(1.0, axis.ns_per_pixel() * input.tick_spacing));
    // 1 and 5 divide into fifths, 2 into quarters, so minor ticks land on round numbers.
    const int64_t base = step / static_cast<int64_t>(std::pow(10.0, std::floor(std::log10(static_cast<double>(step)))));
    const int64_t minor = std::max<int64_t>(1, step / (base == 2 ? 4 : 5));
    const int64_t origin = input.trace.start_ns();
    const int64_t from = axis.begin_ns - origin;
    // The first minor tick at or after the axis start (rounding toward +infinity for negative offsets too).
    int64_t offset = from >= 0 ? (from + minor - 1) / minor * minor : -((-from) / minor * minor);
    for (; origin + offset <= axis.end_ns; offset += minor) {
        TimelineTick tick;
        tick.x = axis.to_pixel(origin + offset);
        tick.major = offset % step == 0;
        if (tick.major) tick.label = tick_label(offset, step);
        layout.ticks.push_back(std::move(tick));
    }
}

std::string scaled(double value, const char* unit) {
    const double magnitude = std::fabs(value);
    const int decimals = magnitude < 10 ? 2 : magnitude < 100 ? 1 : 0;
    return printf_string("%.*f %s", value, decimals, unit);
}

}  // namespace

void TimelineState::zoom_at(float pixel, float wheel_steps) {
    axis.zoom_at(pixel, std::pow(1.25f, wheel_steps));
    auto_fit = false;
}

void TimelineState::pan(float pixels) {
    axis.pan(pixels);
    auto_fit = false;
}

void TimelineState::fit(const Trace& trace, int64_t cursor_ns) {
    // Following a lesson means watching its current step: from the step's
    // marker (the latest one shown) to the last event shown.
    const int64_t end = std::min(shown_end_ns(trace, cursor_ns), trace_end_ns(trace));
    int64_t start = trace.start_ns();
    for (const NoteEvent& note : trace.notes())
        if (note.step >= 0 && note.time_ns <= end) start = note.time_ns;
    axis.fit(start, std::max(start, end));
}

void TimelineState::fit_whole_run(const Trace& trace, int64_t cursor_ns) {
    const int64_t start = trace.start_ns();
    const int64_t end = std::max(start, std::min(shown_end_ns(trace, cursor_ns), trace_end_ns(trace)));
    axis.fit(start, end);
}

TimelineLayout layout_timeline(const TimelineInput& input) {
    TimelineLayout layout;
    if (input.span_rows) {
        const auto cap = static_cast<size_t>(std::max(input.max_state_rows, 1));
        layout.rows[static_cast<size_t>(TimelineLane::ClientState)] =
            static_cast<int>(std::clamp<size_t>(input.span_rows->client.size(), 1, cap));
        layout.rows[static_cast<size_t>(TimelineLane::ServerState)] =
            static_cast<int>(std::clamp<size_t>(input.span_rows->server.size(), 1, cap));
    } else {
        for (const StateSpan& span : input.spans) {
            const TimelineLane lane =
                span.actor == Actor::Client ? TimelineLane::ClientState : TimelineLane::ServerState;
            int& rows = layout.rows[static_cast<size_t>(lane)];
            rows = std::max(rows, span.row + 1);
        }
    }
    const int64_t shown_end = shown_end_ns(input.trace, input.cursor_ns);
    const int64_t view_begin = input.axis.begin_ns;
    const int64_t view_end = std::min(input.axis.end_ns, shown_end);
    const auto shown = [&input](TimelineLane lane) { return input.show_lane[static_cast<size_t>(lane)]; };

    if (shown(TimelineLane::ClientCalls))
        layout_calls(input, Actor::Client, TimelineLane::ClientCalls, shown_end, layout);
    layout_states(input, shown_end, layout);
    if (shown(TimelineLane::Wire)) layout_wire(input, view_begin, view_end, layout);
    if (shown(TimelineLane::ServerCalls))
        layout_calls(input, Actor::Server, TimelineLane::ServerCalls, shown_end, layout);
    layout_steps(input, view_begin, view_end, layout);
    layout_ticks(input, layout);
    return layout;
}

std::optional<size_t> record_at(const TimelineLayout& layout, TimelineLane lane, int row, float x, float slack) {
    std::optional<size_t> best;
    float best_distance = slack;
    bool best_is_point = false;
    for (size_t index = 0; index < layout.records.size(); ++index) {
        const TimelineRecord& record = layout.records[index];
        if (record.lane != lane || record.kind == TimelineRecordKind::StepMarker) continue;
        if (record.kind == TimelineRecordKind::State && record.row != row) continue;
        const float distance = x < record.x0 ? record.x0 - x : x > record.x1 ? x - record.x1 : 0.0f;
        if (distance > slack) continue;
        const bool is_point = record.kind == TimelineRecordKind::Packet;
        if (!best || (is_point && !best_is_point) || (is_point == best_is_point && distance < best_distance)) {
            best = index;
            best_distance = distance;
            best_is_point = is_point;
        }
    }
    return best;
}

int64_t trace_end_ns(const Trace& trace) {
    int64_t end = trace.start_ns();
    if (!trace.packets().empty()) end = std::max(end, trace.packets().back().time_ns);
    if (!trace.states().empty()) end = std::max(end, trace.states().back().time_ns);
    if (!trace.notes().empty()) end = std::max(end, trace.notes().back().time_ns);
    for (const CallEvent& call : trace.calls()) end = std::max({end, call.time_ns, call.return_ns});
    if (!trace.outputs().empty()) end = std::max(end, trace.outputs().back().time_ns);
    return end;
}

int64_t shown_end_ns(const Trace& trace, int64_t cursor_ns) { return cursor_ns != 0 ? cursor_ns : trace_end_ns(trace); }

std::string format_offset(int64_t offset_ns) {
    const char* sign = offset_ns < 0 ? "-" : "+";
    const double magnitude = std::fabs(static_cast<double>(offset_ns));
    if (magnitude < 1e6) return sign + printf_string("%.*f %s", magnitude / 1e3, 0, "µs");
    if (magnitude < 1e9) return sign + printf_string("%.*f %s", magnitude / 1e6, 3, "ms");
    return sign + printf_string("%.*f %s", magnitude / 1e9, 6, "s");
}

std::string format_duration(int64_t duration_ns) {
    const auto value = static_cast<double>(duration_ns);
    const double magnitude = std::fabs(value);
    if (magnitude < 1e3) return std::to_string(duration_ns) + " ns";
    if (magnitude < 1e6) return scaled(value / 1e3, "µs");
    if (magnitude < 1e9) return scaled(value / 1e6, "ms");
    return scaled(value / 1e9, "s");
}

}  // namespace tcplab
