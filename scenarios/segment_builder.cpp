#include "segment_builder.hpp"

namespace tcplab {
namespace {

void put16(std::vector<uint8_t>& out, size_t at, uint16_t value) {
    out[at] = static_cast<uint8_t>(value >> 8);
    out[at + 1] = static_cast<uint8_t>(value);
}

void put32(std::vector<uint8_t>& out, size_t at, uint32_t value) {
    put16(out, at, static_cast<uint16_t>(value >> 16));
    put16(out, at + 2, static_cast<uint16_t>(value));
}

uint32_t sum_words(const uint8_t* bytes, size_t length, uint32_t sum) {
    for (size_t i = 0; i + 1 < length; i += 2) sum += static_cast<uint32_t>(bytes[i] << 8 | bytes[i + 1]);
    if (length % 2) sum += static_cast<uint32_t>(bytes[length - 1] << 8);
    return sum;
}

}  // namespace

uint16_t internet_checksum(const uint8_t* bytes, size_t length, uint32_t initial) {
    uint32_t sum = sum_words(bytes, length, initial);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum);
}

std::vector<uint8_t> craft_ipv4_tcp(const CraftedSegment& segment) {
    constexpr size_t kIp = 20;
    const size_t options = segment.mss ? 4 : 0;
    const size_t tcp_length = 20 + options + segment.payload.size();
    std::vector<uint8_t> packet(kIp + tcp_length, 0);

    packet[0] = 0x45;
    put16(packet, 2, static_cast<uint16_t>(packet.size()));
    put16(packet, 4, segment.ip_id);
    put16(packet, 6, 0x4000);  // don't fragment
    packet[8] = segment.ttl;
    packet[9] = 6;
    for (int i = 0; i < 4; ++i) {
        packet[12 + i] = segment.source.address.bytes[i];
        packet[16 + i] = segment.destination.address.bytes[i];
    }
    put16(packet, 10, internet_checksum(packet.data(), kIp));

    uint8_t* tcp = packet.data() + kIp;
    put16(packet, kIp, segment.source.port);
    put16(packet, kIp + 2, segment.destination.port);
    put32(packet, kIp + 4, segment.seq);
    put32(packet, kIp + 8, segment.ack);
    tcp[12] = static_cast<uint8_t>(((20 + options) / 4) << 4);
    tcp[13] = segment.flags;
    put16(packet, kIp + 14, segment.window);
    if (segment.mss) {
        tcp[20] = 2;
        tcp[21] = 4;
        put16(packet, kIp + 22, segment.mss);
    }
    for (size_t i = 0; i < segment.payload.size(); ++i)
        tcp[20 + options + i] = static_cast<uint8_t>(segment.payload[i]);

    // The TCP checksum covers a pseudo-header of addresses, protocol and length.
    uint32_t pseudo = 0;
    pseudo = sum_words(packet.data() + 12, 8, pseudo);
    pseudo += 6;
    pseudo += static_cast<uint32_t>(tcp_length);
    put16(packet, kIp + 16, internet_checksum(tcp, tcp_length, pseudo));
    return packet;
}

}  // namespace tcplab
