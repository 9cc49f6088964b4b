#pragma once
// The ladder diagram: client and server lanes, one arrow per segment, states
// and socket calls beside the lanes (layout: lab/layout/ladder_layout). This
// class draws the records in a scrolling child window, follows new events to
// the bottom, and turns hovering and clicking an arrow into the shared
// hovered/selected packet.
#include <cstddef>
#include <vector>

#include "capture/wire_copies.hpp"
#include "lab/layout/ladder_layout.hpp"
#include "lab/views/view.hpp"

namespace tcplab {

class LadderView : public View {
public:
    const char* id() const override { return "ladder"; }
    void draw(LabContext& context) override;

    const LadderLayout& last_layout() const { return layout_; }  // what the last frame drew
    ImVec2 last_origin() const { return origin_; }               // where its (0, 0) was on screen

private:
    void draw_header(LabContext& context, float left);
    void handle_mouse(LabContext& context, ImVec2 origin);
    void draw_records(LabContext& context, ImVec2 origin) const;
    void draw_tooltip(LabContext& context, const LadderRecord& record) const;

    LadderLayout layout_;
    LadderRowCache rows_;             // every event's row, kept while the trace does not change
    LaneConnection lane_connection_;  // whose addresses the lane names show
    float scroll_y_ = 0;              // the scrolling child's last scroll position and height:
    float view_height_ = 2000;        // the layout covers that window (plus a screen each side)
    ImVec2 origin_{0, 0};
    TransitionsAndSpans own_history_;               // when the context has none
    const TransitionsAndSpans* history_ = nullptr;  // this frame's
    WireCopyPairer pairer_;                  // which packets are the two copies of one segment
    size_t followed_events_ = 0;             // events shown when the view last scrolled to the bottom
    bool set_hovered_ = false;               // this view set shared.hovered_packet last frame
};

}  // namespace tcplab
