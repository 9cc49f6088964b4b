#pragma once
// The timeline's layout: which marks are on screen, where, and what they say.
// Built like Tracy's timeline: each lane is culled with a binary search over its
// time-sorted events, and marks closer than a few pixels fold into one "N
// packets" mark, so a frame costs what is visible, not what was captured. The
// result is plain draw records; the view turns them into ImDrawList calls.
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capture/trace.hpp"
#include "lab/layout/state_spans.hpp"
#include "lab/layout/time_axis.hpp"

namespace tcplab {

// Top to bottom: the client's side above the wire, the server's below it.
enum class TimelineLane : uint8_t { ClientCalls, ClientState, Wire, ServerState, ServerCalls };
inline constexpr int kTimelineLaneCount = 5;

// What the student controls: where the axis is, whether it follows new events,
// which lanes show. Plain data, kept apart from the trace.
struct TimelineState {
    TimeAxis axis;
    bool auto_fit = true;  // fit the current step every frame until the student zooms or pans
    std::array<bool, kTimelineLaneCount> show_lane = {true, true, true, true, true};

    void zoom_at(float pixel, float wheel_steps);               // mouse wheel; stops following
    void pan(float pixels);                                     // drag; stops following
    void fit(const Trace& trace, int64_t cursor_ns);            // the current step (what Follow shows)
    void fit_whole_run(const Trace& trace, int64_t cursor_ns);  // the whole run up to the cursor
};

// Output: a line a student's program wrote, in its host's calls lane.
enum class TimelineRecordKind : uint8_t { Packet, PacketGroup, State, Call, Output, StepMarker };

struct TimelineRecord {
    TimelineRecordKind kind = TimelineRecordKind::Packet;
    TimelineLane lane = TimelineLane::Wire;  // a step marker crosses every lane; it says Wire
    int row = 0;                             // within a state lane
    float x0 = 0, x1 = 0;                    // pixels along the axis; x0 == x1 for a single packet
    float label_x = 0;                       // where the label starts
    uint32_t colour = 0;                     // an ImU32
    std::string label;                       // empty when there is no room for it
    std::string detail;                      // a second, dimmer line (seq/ack, arguments); may be empty
    size_t index = 0;                        // packet, span, call, output or note index
    size_t first = 0, last = 0;              // packets [first, last) in this mark
    size_t count = 0;                        // last - first for packets
    bool selected = false;                   // holds context.shared.selected_packet
    bool hovered = false;                    // holds context.shared.hovered_packet
    bool inferred = false;                   // a state worked out from packets, not told by the kernel
    bool from_server = false;                // a packet's direction
    bool open = false;                       // a state or call that goes on past what is shown
};

struct TimelineTick {
    float x = 0;
    bool major = false;  // majors carry a label
    std::string label;   // "+76.2 ms", relative to the run's start
};

struct TimelineColours {  // ImU32 values; the layout does not depend on ImGui
    std::function<uint32_t(uint8_t flags, uint32_t payload_length)> for_flags;
    uint32_t group = 0;
    uint32_t kernel_state = 0;
    uint32_t inferred_state = 0;
    uint32_t client = 0;
    uint32_t server = 0;
    uint32_t step = 0;
};

struct TimelineInput {
    const Trace& trace;
    const std::vector<StateSpan>& spans;  // state_spans(trace, observed_transitions(trace))
    TimeAxis axis;
    int64_t cursor_ns = 0;  // events after it are hidden; 0 shows everything
    bool relative_numbers = true;
    std::optional<size_t> selected_packet = std::nullopt;
    std::optional<size_t> hovered_packet = std::nullopt;
    std::array<bool, kTimelineLaneCount> show_lane = {true, true, true, true, true};
    TimelineColours colours = {};
    std::function<float(std::string_view)> text_width = {};  // pixels a label needs
    std::string group_label = "{} packets";                  // "{}" becomes the count
    float fold_pixels = 3.0f;                                // marks closer than this fold into one
    float label_padding = 4.0f;
    float tick_spacing = 90.0f;  // at least this many pixels between labelled ticks
    // With this index the state lanes are culled per row by binary search and
    // show at most max_state_rows rows (a flood leaves thousands of half-open
    // sockets); without it every span is looked at (small traces, tests).
    const StateSpanRows* span_rows = nullptr;
    int max_state_rows = 8;
};

struct TimelineLayout {
    std::vector<TimelineRecord> records;  // per lane in time order; lanes in enum order, step markers last
    std::vector<TimelineTick> ticks;
    std::array<int, kTimelineLaneCount> rows = {1, 1, 1, 1, 1};  // rows per lane
    size_t visible_packets = 0;                                  // in view and at or before the cursor
};

TimelineLayout layout_timeline(const TimelineInput& input);

// The record under `x` in a lane (and row), within `slack` pixels; points win over groups.
std::optional<size_t> record_at(const TimelineLayout& layout, TimelineLane lane, int row, float x, float slack);

// The last moment anything happened (a call's return counts), or start_ns() for an empty trace.
int64_t trace_end_ns(const Trace& trace);
// Where the shown part of the run ends: the cursor, or the trace's end when the cursor is 0.
int64_t shown_end_ns(const Trace& trace, int64_t cursor_ns);

// "+76.205 ms", "+117 µs", "+1.250000 s": a moment relative to the run's start, to the microsecond.
std::string format_offset(int64_t offset_ns);
// "102 µs", "72.1 ms": a duration with three significant digits.
std::string format_duration(int64_t duration_ns);

}  // namespace tcplab
