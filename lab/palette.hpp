#pragma once
// Colours for flags, ends and states. The colour-blind-safe palette uses the
// Okabe-Ito colours, which stay distinct for the common colour vision
// deficiencies; labels always carry the same information as the colour.
#include <imgui.h>

#include <cstdint>

namespace tcplab {

struct Palette {
    ImU32 syn;
    ImU32 syn_ack;
    ImU32 ack;
    ImU32 data;
    ImU32 fin;
    ImU32 rst;
    ImU32 other;
    ImU32 client;
    ImU32 server;
    ImU32 kernel_state;    // a state the kernel reported
    ImU32 inferred_state;  // a state worked out from packets only
    ImU32 selection;
    ImU32 text;
    ImU32 text_dim;
    ImU32 background;

    static Palette standard();
    static Palette colour_blind_safe();

    // The colour of a segment by its TCP flags (RST, SYN-ACK, SYN, FIN, data, ACK).
    ImU32 for_flags(uint8_t flags, uint32_t payload_length) const;
};

}  // namespace tcplab
