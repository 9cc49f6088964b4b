#pragma once
// The timeline: one time axis with five lanes (client calls, client state, the
// wire, server state, server calls), zoomed with the mouse wheel, panned by
// dragging, fitted with a button or a double-click. The layout (culling,
// folding, labels) is lab/layout/timeline_layout; this class only draws it and
// turns the mouse into view-state changes and selections.
#include <array>
#include <cstddef>
#include <vector>

#include "lab/layout/timeline_layout.hpp"
#include "lab/views/view.hpp"

namespace tcplab {

class TimelineView : public View {
public:
    const char* id() const override { return "timeline"; }
    void draw(LabContext& context) override;

    TimelineState& state() { return state_; }
    const TimelineLayout& last_layout() const { return layout_; }  // what the last frame drew
    // Where a record of the last frame is on screen (its start, halfway down its lane): for tests and pointers.
    ImVec2 screen_point(const TimelineRecord& record) const;

private:
    struct Geometry;  // where the lanes are on screen this frame

    void draw_toolbar(LabContext& context);
    bool is_held(const LabContext& context, size_t packet_index) const;
    void handle_mouse(LabContext& context, const Geometry& geometry);
    void draw_canvas(LabContext& context, const Geometry& geometry) const;
    void draw_record(LabContext& context, const Geometry& geometry, const TimelineRecord& record) const;
    void draw_tooltip(LabContext& context, const TimelineRecord& record) const;

    TimelineState state_;
    TimelineLayout layout_;
    // Merged state transitions and their spans (by row: the state lanes are culled per row).
    TransitionsAndSpans own_history_;               // when the context has none
    const TransitionsAndSpans* history_ = nullptr;  // this frame's
    float axis_screen_x_ = 0;                // last frame's geometry, for screen_point()
    std::array<float, kTimelineLaneCount> lane_middle_y_{};
    bool dragged_ = false;      // the current press moved the view, so its release is no click
    bool set_hovered_ = false;  // this view set shared.hovered_packet last frame
};

}  // namespace tcplab
