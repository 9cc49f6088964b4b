#pragma once
// Where each view's window goes on first use and after "Reset layout". Plain
// numbers from the display size, so it is tested without a window: the lesson
// bar across the top (the wire beside it when there is one), the timeline under
// it at full width, then the ladder on the left, the state machine in the
// middle, packet detail over the sockets on the right. A view the layout does
// not know starts collapsed in the middle, so it hides nothing until opened.
#include <string>
#include <vector>

namespace tcplab {

struct PanelRect {
    std::string view_id;
    float x = 0, y = 0, width = 0, height = 0;
    bool collapsed = false;
};

// One rectangle per id, in the same order. `top` is where the area below the
// menu bar begins; `font_size` (0: unknown) lets the lesson's row grow with the
// text, so its narration still fits in presentation mode.
std::vector<PanelRect> default_layout(const std::vector<std::string>& view_ids, float display_width,
                                      float display_height, float top, float font_size = 0);

}  // namespace tcplab
