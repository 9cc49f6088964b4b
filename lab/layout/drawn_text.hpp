#pragma once
// A piece of text as a view drew it, and the rectangle it was allowed to use:
// what a screenshot's JSON lists so a test can check that nothing a class must
// read was cut off or drawn too small. Screen pixels, counted from the top left.
#include <string>

namespace tcplab {

struct DrawnText {
    std::string view_id;  // "scenario", "state_machine", ...
    std::string text;
    float x = 0, y = 0, width = 0, height = 0;                      // where the text went
    float font_pixels = 0;                                          // the height of its font
    float clip_x = 0, clip_y = 0, clip_width = 0, clip_height = 0;  // what its panel shows
};

}  // namespace tcplab
