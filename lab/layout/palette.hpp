#pragma once
// Colours for flags, ends and states. The colour-blind-safe palette uses the
// Okabe-Ito colours, which stay distinct for the common colour vision
// deficiencies; labels always carry the same information as the colour.
//
// Plain values, so the commands that draw no window (the SVG export) use the
// same colours without ImGui: each colour is RGBA packed into 32 bits with red
// in the lowest byte, which is how ImGui packs an ImU32 (the views check that
// once, in views/view.hpp, and pass the values to ImGui as they are).
#include <cstdint>

namespace tcplab {

constexpr uint32_t rgba(uint8_t r, uint8_t g, uint8_t b, uint8_t a = 255) {
    return uint32_t{r} | uint32_t{g} << 8 | uint32_t{b} << 16 | uint32_t{a} << 24;
}

struct Palette {
    uint32_t syn;
    uint32_t syn_ack;
    uint32_t ack;
    uint32_t data;
    uint32_t fin;
    uint32_t rst;
    uint32_t other;
    uint32_t client;
    uint32_t server;
    uint32_t kernel_state;    // a state the kernel reported
    uint32_t inferred_state;  // a state worked out from packets only
    uint32_t selection;
    uint32_t text;
    uint32_t text_dim;
    uint32_t background;

    static Palette standard();
    static Palette colour_blind_safe();

    // The colour of a segment by its TCP flags (RST, SYN-ACK, SYN, FIN, data, ACK).
    uint32_t for_flags(uint8_t flags, uint32_t payload_length) const;
};

}  // namespace tcplab
