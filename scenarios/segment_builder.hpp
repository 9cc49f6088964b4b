#pragma once
// Crafts IPv4 TCP segments with correct checksums, for what the wire injects
// (a SYN flood's spoofed SYNs) and for tests.
#include <cstdint>
#include <string>
#include <vector>

#include "capture/endpoint.hpp"

namespace tcplab {

struct CraftedSegment {
    Endpoint source;
    Endpoint destination;
    uint8_t flags = 0;
    uint32_t seq = 0;
    uint32_t ack = 0;
    uint16_t window = 64240;
    uint16_t mss = 0;  // 0: no MSS option
    uint8_t ttl = 64;
    uint16_t ip_id = 0;
    std::string payload = {};
};

// The raw IPv4 packet (no link header), as a TUN device carries it.
std::vector<uint8_t> craft_ipv4_tcp(const CraftedSegment& segment);

// The Internet checksum (RFC 1071) of `bytes`, starting from `initial`.
uint16_t internet_checksum(const uint8_t* bytes, size_t length, uint32_t initial = 0);

}  // namespace tcplab
