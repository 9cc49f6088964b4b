#pragma once
// Builds frames for tests that need many packets rather than one annotated
// byte array (those live in decode_test.cpp): Ethernet/IPv4/TCP in one call,
// or layer by layer from the inside out (a TCP segment, wrapped in IPv4 or
// IPv6, in a tunnel, in a link header). Checksums are left zero: neither the
// decoder nor tshark (by default) checks them.
#include <cstdint>
#include <optional>
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

// ---- layer by layer ---------------------------------------------------------------------

inline constexpr uint16_t kEtherIpv4 = 0x0800;
inline constexpr uint16_t kEtherIpv6 = 0x86DD;
inline constexpr uint16_t kEtherBridged = 0x6558;  // an Ethernet frame inside GRE or Geneve

inline void append_bytes(std::vector<uint8_t>& out, const std::vector<uint8_t>& more) {
    out.insert(out.end(), more.begin(), more.end());
}

// A TCP header (20 bytes plus `options`, padded to 4 bytes) and the payload.
inline std::vector<uint8_t> tcp_segment(const TcpFrame& frame, const std::vector<uint8_t>& options = {}) {
    const size_t options_length = (options.size() + 3) / 4 * 4;
    std::vector<uint8_t> out(20 + options_length, 0);
    put16(out, 0, frame.source.port);
    put16(out, 2, frame.destination.port);
    put32(out, 4, frame.seq);
    put32(out, 8, frame.ack);
    out[12] = static_cast<uint8_t>((20 + options_length) / 4 << 4);
    out[13] = frame.flags;
    put16(out, 14, frame.window);
    std::copy(options.begin(), options.end(), out.begin() + 20);
    out.insert(out.end(), frame.payload.begin(), frame.payload.end());
    return out;
}

// Linux's SYN options: mss, sackOK, TS, nop, wscale 7 (20 bytes).
inline std::vector<uint8_t> syn_options(uint16_t mss, uint32_t timestamp) {
    return {2,
            4,
            static_cast<uint8_t>(mss >> 8),
            static_cast<uint8_t>(mss),
            4,
            2,
            8,
            10,
            static_cast<uint8_t>(timestamp >> 24),
            static_cast<uint8_t>(timestamp >> 16),
            static_cast<uint8_t>(timestamp >> 8),
            static_cast<uint8_t>(timestamp),
            0,
            0,
            0,
            0,
            1,
            3,
            3,
            7};
}

// An IPv4 packet; `total_length` overrides the field (0 as with segmentation offload).
inline std::vector<uint8_t> ipv4_packet(const IpAddress& source, const IpAddress& destination, uint8_t protocol,
                                        const std::vector<uint8_t>& payload,
                                        std::optional<uint16_t> total_length = std::nullopt) {
    std::vector<uint8_t> out(20, 0);
    out[0] = 0x45;
    put16(out, 2, total_length.value_or(static_cast<uint16_t>(20 + payload.size())));
    put16(out, 6, 0x4000);  // don't fragment
    out[8] = 64;
    out[9] = protocol;
    std::copy(source.bytes.begin(), source.bytes.begin() + 4, out.begin() + 12);
    std::copy(destination.bytes.begin(), destination.bytes.begin() + 4, out.begin() + 16);
    append_bytes(out, payload);
    return out;
}

// An IPv6 packet; `extensions` are (type, 8-byte header) pairs put before `payload`, chained in order.
inline std::vector<uint8_t> ipv6_packet(const IpAddress& source, const IpAddress& destination, uint8_t next_header,
                                        const std::vector<uint8_t>& payload,
                                        const std::vector<uint8_t>& extension_types = {}) {
    std::vector<uint8_t> chain;
    for (size_t index = 0; index < extension_types.size(); ++index) {
        std::vector<uint8_t> extension(8, 0);
        extension[0] = index + 1 < extension_types.size() ? extension_types[index + 1] : next_header;
        extension[2] = 1;  // PadN filling the rest
        extension[3] = 4;
        append_bytes(chain, extension);
    }
    append_bytes(chain, payload);
    std::vector<uint8_t> out(40, 0);
    out[0] = 0x60;
    put16(out, 4, static_cast<uint16_t>(chain.size()));
    out[6] = extension_types.empty() ? next_header : extension_types.front();
    out[7] = 64;
    std::copy(source.bytes.begin(), source.bytes.end(), out.begin() + 8);
    std::copy(destination.bytes.begin(), destination.bytes.end(), out.begin() + 24);
    append_bytes(out, chain);
    return out;
}

// IPv4 or IPv6 by the addresses' version.
inline std::vector<uint8_t> ip_packet(const IpAddress& source, const IpAddress& destination, uint8_t protocol,
                                      const std::vector<uint8_t>& payload) {
    return source.version == 6 ? ipv6_packet(source, destination, protocol, payload)
                               : ipv4_packet(source, destination, protocol, payload);
}

inline std::vector<uint8_t> udp_datagram(uint16_t source_port, uint16_t destination_port,
                                         const std::vector<uint8_t>& payload) {
    std::vector<uint8_t> out(8, 0);
    put16(out, 0, source_port);
    put16(out, 2, destination_port);
    put16(out, 4, static_cast<uint16_t>(8 + payload.size()));
    append_bytes(out, payload);
    return out;
}

inline std::vector<uint8_t> vxlan(uint32_t vni, const std::vector<uint8_t>& ethernet_frame) {
    std::vector<uint8_t> out(8, 0);
    out[0] = 0x08;  // I: the VNI is valid
    put32(out, 4, vni << 8);
    append_bytes(out, ethernet_frame);
    return out;
}

inline std::vector<uint8_t> geneve(uint16_t protocol, uint32_t vni, const std::vector<uint8_t>& payload,
                                   const std::vector<uint8_t>& options = {}) {
    std::vector<uint8_t> out(8, 0);
    out[0] = static_cast<uint8_t>(options.size() / 4);
    put16(out, 2, protocol);
    put32(out, 4, vni << 8);
    append_bytes(out, options);
    append_bytes(out, payload);
    return out;
}

struct GreFields {
    bool checksum = false;
    std::optional<uint32_t> key;
    std::optional<uint32_t> sequence;
};

inline std::vector<uint8_t> gre(uint16_t protocol, const std::vector<uint8_t>& payload, const GreFields& fields = {}) {
    std::vector<uint8_t> out(4, 0);
    const uint16_t flags = (fields.checksum ? 0x8000 : 0) | (fields.key ? 0x2000 : 0) | (fields.sequence ? 0x1000 : 0);
    put16(out, 0, flags);
    put16(out, 2, protocol);
    if (fields.checksum) out.insert(out.end(), 4, 0);
    for (const std::optional<uint32_t>& word : {fields.key, fields.sequence}) {
        if (!word) continue;
        out.insert(out.end(), 4, 0);
        put32(out, out.size() - 4, *word);
    }
    append_bytes(out, payload);
    return out;
}

// An Ethernet frame; each entry of `tags` is (TPID, VLAN id): 0x8100 for 802.1Q, 0x88A8 for a QinQ outer tag.
inline std::vector<uint8_t> ethernet(uint16_t ether_type, const std::vector<uint8_t>& payload,
                                     const std::vector<std::pair<uint16_t, uint16_t>>& tags = {}) {
    std::vector<uint8_t> out = {0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02};
    for (const auto& [tpid, vlan] : tags) {
        out.insert(out.end(), 4, 0);
        put16(out, out.size() - 4, tpid);
        put16(out, out.size() - 2, vlan);
    }
    out.insert(out.end(), 2, 0);
    put16(out, out.size() - 2, ether_type);
    append_bytes(out, payload);
    return out;
}

// Linux cooked capture v1 (LINKTYPE_LINUX_SLL): packet type 0 (to us), ARPHRD_ETHER, a 6-byte address.
inline std::vector<uint8_t> linux_sll(uint16_t ether_type, const std::vector<uint8_t>& payload) {
    std::vector<uint8_t> out = {0, 0, 0, 1, 0, 6, 0x02, 0, 0, 0, 0, 0x01, 0, 0, 0, 0};
    put16(out, 14, ether_type);
    append_bytes(out, payload);
    return out;
}

// Linux cooked capture v2 (LINKTYPE_LINUX_SLL2): interface 2, ARPHRD_ETHER, packet type 4 (sent by us).
inline std::vector<uint8_t> linux_sll2(uint16_t ether_type, const std::vector<uint8_t>& payload) {
    std::vector<uint8_t> out = {0, 0, 0, 0, 0, 0, 0, 2, 0, 1, 4, 6, 0x02, 0, 0, 0, 0, 0x01, 0, 0};
    put16(out, 0, ether_type);
    append_bytes(out, payload);
    return out;
}

}  // namespace tcplab::test
