#pragma once
// The ladder as the lab draws it, in the window and in an SVG export: the
// palette's colours, rows spaced from one line of text, the language's marks,
// and each segment's two copies paired into one arrow. Both pictures start
// from this, so they look alike; each then sets what only it knows (the
// window: its width, the cursor, the selection).
#include <functional>
#include <string_view>
#include <vector>

#include "capture/trace.hpp"
#include "capture/wire_copies.hpp"
#include "lab/i18n.hpp"
#include "lab/layout/ladder_layout.hpp"
#include "lab/layout/palette.hpp"

namespace tcplab {

// `palette` and `copies` are referred to, not copied: they must outlive the input.
LadderInput lab_ladder_input(const Trace& trace, const std::vector<StateEvent>& transitions, const Palette& palette,
                             const Language& language, const WireCopies& copies, float line_height,
                             std::function<float(std::string_view)> text_width);

}  // namespace tcplab
