#include "palette.hpp"

#include "capture/decode.hpp"

namespace tcplab {
namespace {

constexpr uint32_t rgb(uint8_t r, uint8_t g, uint8_t b) { return rgba(r, g, b); }

}  // namespace

Palette Palette::standard() {
    Palette palette{};
    palette.syn = rgb(80, 200, 120);
    palette.syn_ack = rgb(60, 170, 220);
    palette.ack = rgb(170, 170, 170);
    palette.data = rgb(240, 180, 60);
    palette.fin = rgb(110, 130, 255);
    palette.rst = rgb(235, 80, 80);
    palette.other = rgb(150, 150, 150);
    palette.client = rgb(255, 140, 200);
    palette.server = rgb(120, 220, 220);
    palette.kernel_state = rgb(240, 240, 240);
    palette.inferred_state = rgb(150, 150, 150);
    palette.selection = rgb(255, 255, 0);
    palette.text = rgb(235, 235, 235);
    palette.text_dim = rgb(150, 150, 150);
    palette.background = rgb(30, 30, 34);
    return palette;
}

Palette Palette::colour_blind_safe() {
    Palette palette = standard();
    // Okabe & Ito, "Color Universal Design" (2008).
    palette.syn = rgb(0, 158, 115);      // bluish green
    palette.syn_ack = rgb(86, 180, 233);  // sky blue
    palette.ack = rgb(200, 200, 200);     // light grey
    palette.data = rgb(230, 159, 0);      // orange
    palette.fin = rgb(0, 114, 178);       // blue
    palette.rst = rgb(213, 94, 0);        // vermillion
    palette.client = rgb(204, 121, 167);  // reddish purple
    palette.server = rgb(240, 228, 66);   // yellow
    return palette;
}

uint32_t Palette::for_flags(uint8_t flags, uint32_t payload_length) const {
    if (flags & tcp_flag::Rst) return rst;
    if ((flags & tcp_flag::Syn) && (flags & tcp_flag::Ack)) return syn_ack;
    if (flags & tcp_flag::Syn) return syn;
    if (flags & tcp_flag::Fin) return fin;
    if (payload_length > 0) return data;
    if (flags & tcp_flag::Ack) return ack;
    return other;
}

}  // namespace tcplab
