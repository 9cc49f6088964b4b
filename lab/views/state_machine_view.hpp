#pragma once
// The TCP state machine: RFC 793's diagram scaled to the window, the current
// state of the client and of the server lit in their colours, the transition
// that led there drawn thick (layout: lab/layout/state_machine_layout).
#include <cstddef>
#include <vector>

#include "lab/layout/state_machine_layout.hpp"
#include "lab/views/view.hpp"

namespace tcplab {

class StateMachineView : public View {
public:
    const char* id() const override { return "state_machine"; }
    void draw(LabContext& context) override;

    const StateMachineLayout& last_layout() const { return layout_; }  // what the last frame drew
    // Where a normalized point was on screen in the last frame.
    ImVec2 last_screen_point(NormalizedPoint point) const;

private:
    void draw_legend(LabContext& context) const;
    float legend_scale(const LabContext& context) const;
    void draw_box_tooltip(LabContext& context, const StateBox& box) const;

    StateMachineLayout layout_;
    ImVec2 canvas_min_{0, 0};
    ImVec2 canvas_size_{1, 1};
    float canvas_margin_ = 0;
    EndsProgress progress_;
    TransitionsAndSpans own_history_;  // when the context has none
};

}  // namespace tcplab
