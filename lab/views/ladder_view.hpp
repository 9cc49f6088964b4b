#pragma once
// The ladder diagram: client and server lanes, one arrow per segment, states
// and socket calls beside the lanes (layout: lab/layout/ladder_layout). This
// class draws the records in a scrolling child window, follows new events to
// the bottom (in front of a class: fitted to the panel, see fit_ladder), and turns hovering and clicking an arrow into
// the shared hovered/selected packet.
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
    void draw_fitted(LabContext& context, LadderInput& input, float header_left);
    void draw_header(LabContext& context, float left);
    void handle_mouse(LabContext& context, ImVec2 origin);
    void draw_records(LabContext& context, ImVec2 origin) const;
    void draw_tooltip(LabContext& context, const LadderRecord& record) const;

    // What the presentation's fit was made for, and the fit it chose.
    struct FitKey {
        const Trace* trace = nullptr;
        size_t packets = 0, calls = 0, transitions = 0, rows = 0;
        uint64_t row_builds = 0;
        int64_t cursor_ns = 0, focus_from_ns = 0;
        float height = 0, width = 0, line_height = 0, rows_height = 0;
        bool operator==(const FitKey&) const = default;
    };
    FitKey fit_key_;
    FitKey wheel_key_;        // what the wheel's rows apply to
    int wheel_rows_ = 0;      // in front of a class, rows the wheel moved the fitted picture down
    float fit_scale_ = 1.0f;  // the text's scale, and the rows' fit at that scale
    LadderFit fit_;

    LadderLayout layout_;
    LadderRowCache rows_;             // every event's row, kept while the trace does not change
    LadderRowCache scaled_rows_;      // in front of a class, a long step's rows drawn smaller
    LadderRowCache spread_rows_;      // in front of a class, a short run's rows spread to fill the panel
    LaneConnection lane_connection_;  // whose addresses the lane names show
    float scroll_y_ = 0;              // the scrolling child's last scroll position and height:
    float view_height_ = 2000;        // the layout covers that window (plus a screen each side)
    ImVec2 origin_{0, 0};
    TransitionsAndSpans own_history_;               // when the context has none
    const TransitionsAndSpans* history_ = nullptr;  // this frame's
    WireCopyPairer pairer_;                         // which packets are the two copies of one segment
    size_t followed_events_ = 0;                    // events shown when the view last scrolled to the bottom
    bool set_hovered_ = false;                      // this view set shared.hovered_packet last frame
};

}  // namespace tcplab
