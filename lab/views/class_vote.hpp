#pragma once
// A step's question as a class votes on it, for the presentation layout: the
// question large, its answers lettered A, B, C for a show of hands; once the
// step has run, the kernel's answer with why. Drawn inside the lesson bar.
#include "lab/views/view.hpp"

namespace tcplab {

// Draws the question before the step that asks it, and the answer after; nothing otherwise.
void draw_class_vote(LabContext& context);

}  // namespace tcplab
