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

// In front of a class: the lesson bar across the top, and below it two panels
// side by side (by default the ladder and the state machine), each well over
// a third of the width, filling the screen. Every view not named gets an
// empty rectangle: it is not shown.
struct PresentationSlots {
    std::string left = "ladder";
    std::string right = "state_machine";
};
// `lesson_height`: the lesson bar's (presentation_lesson_height); 0 gives it its usual share.
std::vector<PanelRect> presentation_layout(const std::vector<std::string>& view_ids, const PresentationSlots& slots,
                                           float display_width, float display_height, float top,
                                           float lesson_height = 0);

// The lesson bar's height in the presentation layout: what its text asks for
// (`wanted`, 0 for no wish), but at least a quarter of the area under the menu
// bar and at most kPresentationLessonMost of it, so the diagrams keep theirs.
inline constexpr float kPresentationLessonMost = 0.58f;
float presentation_lesson_height(float display_height, float top, float wanted);

// The lesson bar, the timeline across the width under it, the ladder filling the rest.
std::vector<PanelRect> ladder_timeline_layout(const std::vector<std::string>& view_ids, float display_width,
                                              float display_height, float top);

}  // namespace tcplab
