#pragma once
// Builds Ethernet/IPv4/TCP frames for tests that need many packets rather than
// one annotated byte array (those live in decode_test.cpp).
#include <cstdint>
#include <string>
#include <vector>

#include "capture/endpoint.hpp"

namespace tcplab::test {

struct TcpFrame {
    Endpoint source;
    Endpoint destination;
    uint8_t flags = 0;
    uint32_t seq = 0;
    uint32_t ack = 0;
    uint16_t window = 65535;
    std::string payload = {};
};

inline void put16(std::vector<uint8_t>& out, size_t at, uint16_t value) {
    out[at] = static_cast<uint8_t>(value >> 8);
    out[at + 1] = static_cast<uint8_t>(value);
}

inline void put32(std::vector<uint8_t>& out, size_t at, uint32_t value) {
    put16(out, at, static_cast<uint16_t>(value >> 16));
    put16(out, at + 2, static_cast<uint16_t>(value));
}

inline std::vector<uint8_t> ethernet_ipv4_tcp(const TcpFrame& frame) {
    constexpr size_t kEthernet = 14, kIp = 20, kTcp = 20;
    std::vector<uint8_t> out(kEthernet + kIp + kTcp + frame.payload.size(), 0);
    put16(out, 12, 0x0800);
    const size_t ip = kEthernet;
    out[ip] = 0x45;
    put16(out, ip + 2, static_cast<uint16_t>(kIp + kTcp + frame.payload.size()));
    out[ip + 8] = 64;
    out[ip + 9] = 6;
    for (int i = 0; i < 4; ++i) {
        out[ip + 12 + i] = frame.source.address.bytes[i];
        out[ip + 16 + i] = frame.destination.address.bytes[i];
    }
    const size_t tcp = ip + kIp;
    put16(out, tcp, frame.source.port);
    put16(out, tcp + 2, frame.destination.port);
    put32(out, tcp + 4, frame.seq);
    put32(out, tcp + 8, frame.ack);
    out[tcp + 12] = 5 << 4;
    out[tcp + 13] = frame.flags;
    put16(out, tcp + 14, frame.window);
    for (size_t i = 0; i < frame.payload.size(); ++i) out[tcp + kTcp + i] = static_cast<uint8_t>(frame.payload[i]);
    return out;
}

}  // namespace tcplab::test
