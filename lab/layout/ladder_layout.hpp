#pragma once
// The ladder diagram's layout: the textbook picture of a TCP conversation.
// The client and the server are two vertical lanes, time runs down, and every
// segment is an arrow from the sender's lane to the receiver's lane. Each end's
// states are written beside its lane (inner side), socket calls on its outer
// side. The result is plain draw records in canvas pixels (x to the right, y
// down, (0, 0) the canvas's top-left); the view turns them into ImDrawList calls.
//
// Time to y: the ladder does NOT use a linear TimeAxis. On loopback a whole
// handshake takes about 100 µs while the student waits seconds between steps,
// so a linear axis would squeeze every arrow of a step onto one pixel row and
// leave long empty stretches. Instead every event gets its own row in time
// order (arrows stay readable and never overlap their labels), and a pause
// longer than `idle_gap_ns` becomes a short "gap" record that says how long it
// lasted. Order is what a ladder diagram teaches; exact durations live in the
// timeline view.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capture/trace.hpp"

namespace tcplab {

enum class LadderRecordKind : uint8_t { Arrow, StateLabel, CallLabel, Gap };

struct LadderRecord {
    LadderRecordKind kind = LadderRecordKind::Arrow;
    // Arrow: from (x0, y0) on the sender's lane at the send time to (x1, y1) on
    // the receiver's lane at the receive time. Labels: their text box. Gap: the
    // band it takes across the whole width.
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    // An arrow's label box (above the arrow, centred between the lanes).
    float label_x0 = 0, label_y0 = 0, label_x1 = 0, label_y1 = 0;
    uint32_t colour = 0;                         // an ImU32
    std::string text;                            // "SYN, ACK seq=0 ack=1", "SYN_SENT", "connect()", "1.52 s"
    Actor actor = Actor::None;                   // an arrow's sender; the end a label belongs to
    size_t index = 0;                            // packet, transition or call index
    int64_t time_ns = 0;                         // when it was sent / happened
    int64_t receive_ns = 0;                      // an arrow's receive time (equal to time_ns with one capture point)
    StateSource source = StateSource::Inferred;  // a state label's source
    bool selected = false;                       // holds context.shared.selected_packet
    bool hovered = false;                        // holds context.shared.hovered_packet
    bool inferred = false;                       // a state worked out from packets, not reported by the kernel
    bool in_flight = false;                      // sent but not yet received at the cursor
    bool cut_at_bottom = false;                  // fitted: received below the panel, drawn to its edge without a head
};

struct LadderColours {  // ImU32 values; the layout does not depend on ImGui
    std::function<uint32_t(uint8_t flags, uint32_t payload_length)> for_flags;
    uint32_t kernel_state = 0;
    uint32_t inferred_state = 0;
    uint32_t client = 0;
    uint32_t server = 0;
    uint32_t gap = 0;
};

struct LadderInput {
    const Trace& trace;
    const std::vector<StateEvent>& transitions;  // observed_transitions(trace), sorted by time
    float width = 600;                           // canvas pixels
    int64_t cursor_ns = 0;                       // events after it are hidden; 0 shows everything
    bool relative_numbers = true;
    std::optional<size_t> selected_packet = {};
    std::optional<size_t> hovered_packet = {};
    LadderColours colours = {};
    std::function<float(std::string_view)> text_width = {};  // pixels a label needs
    float line_height = 14;                                  // pixels of one text line
    float row_height = 30;                                   // pixels between two events
    float slant = 8;              // how far an arrow drops when sent and received at once (loopback)
    float label_padding = 6;      // between a lane and the text beside it
    float min_outer_margin = 40;  // room outside each lane (for calls) when there are none
    float top_margin = 8;
    float gap_height = 22;                                 // pixels a compressed pause takes
    int64_t idle_gap_ns = 10'000'000;                      // pauses longer than this are compressed into a gap record
    std::string inferred_mark = "(inferred)";              // appended to inferred state labels
    std::string retransmission_mark = "(retransmission)";  // appended to a segment sent again
    // When a second capture point exists: when the receiver took packet `index`
    // in (nullopt: at the send time, as on loopback).
    std::function<std::optional<int64_t>(size_t index)> receive_time_ns = {};
    // The receiver's own copy of a segment (two capture points): not an arrow of its own.
    std::function<bool(size_t index)> is_receive_copy = {};
    // A segment that never reached the receiver (dropped, lost, still at the gate).
    std::function<bool(size_t index)> never_received = {};
    // The window of canvas y the caller will draw (its scroll position and
    // height): only events there get records, so a frame costs what is on
    // screen. A height of 0 lays out everything.
    float visible_top = 0;
    float visible_height = 0;
    // Which full build of `transitions` this is (TransitionsAndSpans::full_builds()):
    // while it stays the same, transitions were only added at the end, and a
    // LadderRowCache adds rows for the new ones only. 0: not known.
    uint64_t transitions_build = 0;
};

// Every visible event of the ladder in time order with its row's y: what the
// layout walks. Building it is linear in the trace; a view keeps it between
// frames (see LadderRowCache) and lays out only the rows in its window.
struct LadderRows {
    enum class Kind : uint8_t { Call, Packet, Receive, State };
    struct Row {
        int64_t time_ns = 0;
        Kind kind = Kind::Packet;
        size_t index = 0;
        float y = 0;
    };
    std::vector<Row> rows;
    std::vector<LadderRecord> gaps;                   // compressed pauses, in time order
    std::vector<std::pair<size_t, float>> receive_y;  // (packet, y) of receive rows, by packet index
    float widest_call = 0;
    float height = 0;
    size_t visible_events = 0;
};

LadderRows ladder_rows(const LadderInput& input);

// Keeps the rows between frames. When the trace and the transitions only
// grew at their end (a live run), the new events' rows are added below the
// others; when anything else changed (the cursor, the sizes, an event
// inserted before the end), all rows are built again.
class LadderRowCache {
public:
    const LadderRows& update(const LadderInput& input);
    // Call when something the rows depend on changed without any count
    // changing (e.g. which copies were paired): the next update rebuilds.
    void invalidate() { ++generation_; }
    uint64_t full_builds() const { return full_builds_; }

private:
    LadderRows rows_;
    const Trace* trace_ = nullptr;
    size_t packets_ = 0, calls_ = 0, transitions_ = 0;
    uint64_t transitions_build_ = 0, inserted_before_end_ = 0, full_builds_ = 0;
    int64_t cursor_ns_ = 0;
    float row_height_ = 0, line_height_ = 0, gap_height_ = 0, slant_ = 0;
    uint64_t generation_ = 0, built_generation_ = static_cast<uint64_t>(-1);
};

// The connection whose ends name the ladder's lanes: the first one a spoofed
// source did not open (the SYN flood lesson floods before its client
// connects), else the first one. Kept between frames: each frame only looks
// at the connections that are new, so a flood costs nothing per frame.
class LaneConnection {
public:
    const Connection* find(const Trace& trace);
    // Whether another connection between the same two hosts has another
    // client port (a lesson's second client, a reconnect) or server port
    // (the handshake lesson's closed port): then that lane is named by its
    // address alone, as one port names only some of the arrows. Up to date
    // after find().
    bool client_port_varies() const { return client_port_varies_; }
    bool server_port_varies() const { return server_port_varies_; }

private:
    const Trace* trace_ = nullptr;
    size_t scanned_ = 0;
    std::optional<size_t> found_;
    bool client_port_varies_ = false;
    bool server_port_varies_ = false;
};

struct LadderLayout {
    std::vector<LadderRecord> records;  // in time order (an arrow by its send time)
    float client_x = 0;                 // the lanes' x
    float server_x = 0;
    float height = 0;           // the canvas height all records fit in
    size_t visible_events = 0;  // packets, states and calls at or before the cursor
};

// Everything at once: ladder_rows then layout_ladder (tests, exports).
LadderLayout layout_ladder(const LadderInput& input);
// The records of the rows that fall in the input's visible window.
LadderLayout layout_ladder(const LadderInput& input, const LadderRows& rows);

// In front of a class the ladder does not scroll: it shows, whole, what fits
// its panel. A short run is shown entirely, its rows spread apart to fill the
// panel; a longer one shows the step being discussed, from its first event,
// with as many of the events before it as still fit above (its context); a
// step too long for the panel shows its exchange from its first segment on
// (its first event when it has none); while a step runs, the
// newest events. Rows are never cut: the top is the label of a row, and a
// record that would not fit whole is left out.
struct LadderFitRequest {
    float panel_height = 0;          // canvas pixels the panel shows
    int64_t focus_from_ns = 0;       // the step shown began here; 0: follow the newest events
    float largest_row_scale = 2.0f;  // how far apart a short run's rows may spread
    // A step taller than the panel is drawn smaller, down to this share of
    // the input's sizes (a class's smallest readable text over the view's).
    float smallest_text_scale = 1.0f;
};
struct LadderFit {
    float text_scale = 1.0f;  // draw the text, and lay the rows out, this much smaller (scaled_input)
    float row_height = 0;     // lay the rows out with this (LadderInput::row_height, after the scale)
    float top = 0;            // the canvas y at the panel's top
};
// `rows` are the input's rows (at input.row_height). With a text_scale
// under 1, the fit is for scaled_input(input, text_scale) and its rows: ask again with those.
LadderFit fit_ladder(const LadderInput& input, const LadderRows& rows, const LadderFitRequest& request);
// The input with every size (text, rows, margins) `scale` times as large.
LadderInput scaled_input(const LadderInput& input, float scale);
// A class's ladder moved by the wheel: the fit's top `rows_down` rows lower
// (negative: higher), always at a row's top, never above the first row nor
// further than where the last row reaches the panel's bottom. `input` and
// `rows` are those layout_fitted_ladder gets. Also says how far it did move.
struct ScrolledFit {
    LadderFit fit;
    int rows_down = 0;
};
ScrolledFit scrolled_fit(const LadderInput& input, const LadderRows& rows, const LadderFit& fit, float panel_height,
                         int rows_down);
// The records of `rows` (laid out at fit.row_height) that fit whole in the
// panel, moved up by fit.top so that the panel's top is y 0; height is the panel's.
LadderLayout layout_fitted_ladder(const LadderInput& input, const LadderRows& rows, const LadderFit& fit,
                                  float panel_height);
// Both at once (tests): fit, then the rows at the fitted height, then the layout.
LadderLayout layout_fitted_ladder(const LadderInput& input, const LadderFitRequest& request);

// "SYN seq=0", "SYN, ACK seq=0 ack=1", "PSH, ACK seq=1 ack=1 len=5": flags in
// the textbook's order, then seq, ack (when the ACK flag is set) and len (when
// there is data); relative or absolute numbers.
std::string ladder_arrow_text(const Trace& trace, const PacketEvent& packet, bool relative_numbers);

// The arrow under (x, y): within `slack` pixels of its line, or inside its label.
std::optional<size_t> ladder_arrow_at(const LadderLayout& layout, float x, float y, float slack);

}  // namespace tcplab
