#pragma once
// An IPv4 or IPv6 address and port, as they appear in packets, socket dumps and tracepoints.
// The model's own vocabulary (decode, events, sock_diag, tracepoint): scenarios/
// and lab/ use it through them, so it lives in capture/, the layer beneath both.
#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace tcplab {

struct IpAddress {
    uint8_t version = 0;              // 4 or 6; 0 means "no address"
    std::array<uint8_t, 16> bytes{};  // IPv4 uses the first four bytes

    static IpAddress v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d);
    static IpAddress from_v4_bytes(const uint8_t* four);
    static IpAddress from_v6_bytes(const uint8_t* sixteen);
    static std::optional<IpAddress> parse(std::string_view text);

    bool is_unspecified() const;
    std::string to_string() const;  // 127.0.0.1, ::1, 2001:db8::1
    auto operator<=>(const IpAddress&) const = default;
};

struct Endpoint {
    IpAddress address;
    uint16_t port = 0;

    std::string to_string() const;  // 127.0.0.1:5000, [::1]:5000
    auto operator<=>(const Endpoint&) const = default;
    // What the defaulted one would say, in a few instructions instead of
    // member-wise memcmp calls: the hottest compare when opening a capture.
    bool operator==(const Endpoint& other) const {
        uint64_t high = 0, low = 0, other_high = 0, other_low = 0;
        std::memcpy(&high, address.bytes.data(), 8);
        std::memcpy(&low, address.bytes.data() + 8, 8);
        std::memcpy(&other_high, other.address.bytes.data(), 8);
        std::memcpy(&other_low, other.address.bytes.data() + 8, 8);
        return ((high ^ other_high) | (low ^ other_low)) == 0 && port == other.port &&
               address.version == other.address.version;
    }
};

}  // namespace tcplab
