#pragma once
// The ladder diagram as an SVG file for slides: the same draw records as the
// window's ladder view (lab/layout/ladder_layout.hpp), so the labels, states
// and colours are the ones the class saw. Text is set in a monospace font so
// the layout's label widths hold without measuring glyphs; CJK characters take
// two columns, as in a terminal.
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "ladder_layout.hpp"

namespace tcplab {

struct LadderSvgStyle {
    // Colours as the layout holds them: ImU32, i.e. R | G << 8 | B << 16 | A << 24.
    uint32_t background = 0xFF22'1E1Eu;
    uint32_t text = 0xFFEB'EBEBu;
    uint32_t text_dim = 0xFF96'9696u;
    uint32_t client = 0xFFC8'8CFFu;
    uint32_t server = 0xFFDC'DC78u;
    float font_size = 14;
    std::string font_family = "DejaVu Sans Mono, Noto Sans Mono CJK SC, monospace";
    std::string client_heading = "client";  // above the lanes, e.g. "client  127.0.0.1:40000"
    std::string server_heading = "server";
    std::string gap_pattern = "{}";  // a shortened pause: "{}" becomes its length
    std::string title;               // the SVG's <title>
};

// Pixels a label takes in the monospace font: 0.6 em per column.
float monospace_text_width(std::string_view text, float font_size);

// Draws `layout` (made with text_width = monospace_text_width and line_height
// = 1.25 font sizes); records before `from_ns` are left out and the rest moved
// up, so a range of the run makes a diagram of its own.
std::string ladder_svg(const LadderLayout& layout, float width, const LadderSvgStyle& style,
                       int64_t from_ns = std::numeric_limits<int64_t>::min());

}  // namespace tcplab
