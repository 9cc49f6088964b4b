#pragma once
// The head of an arrow, for every picture that draws one: the ladder in the
// window and in SVG, and the state machine's transitions. The line stops at
// the head's base, so a thick line does not poke through the tip. Plain
// geometry in pixels; ImGui (1.86 has no arrowhead) and SVG draw the result.
namespace tcplab {

struct Arrowhead {
    float base_x = 0, base_y = 0;  // where the line ends
    float tip_x = 0, tip_y = 0;    // the triangle: tip, and the two corners either side of the base
    float left_x = 0, left_y = 0;
    float right_x = 0, right_y = 0;
};

// The head at `to` of an arrow coming from `from`, `length` long and as wide;
// with `from` on `to` it points down.
Arrowhead arrowhead(float from_x, float from_y, float to_x, float to_y, float length);

}  // namespace tcplab
