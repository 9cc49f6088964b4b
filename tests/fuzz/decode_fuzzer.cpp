// libFuzzer target for decode_frame: the first two bytes pick the link type
// (little-endian, any value, so unknown link types are covered too), the rest
// is the frame. The decoder must never read past the frame, whatever it holds.
#include <cstddef>
#include <cstdint>
#include <span>

#include "capture/decode.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 2) return 0;
    const auto link = static_cast<tcplab::LinkType>(data[0] | data[1] << 8);
    const tcplab::DecodedPacket packet = tcplab::decode_frame(link, std::span<const uint8_t>(data + 2, size - 2));
    if (!packet.error) (void)tcplab::format_tcpdump_line(packet);
    return 0;
}
