#include "endpoint.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace tcplab {

IpAddress IpAddress::v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
    const uint8_t four[4] = {a, b, c, d};
    return from_v4_bytes(four);
}

IpAddress IpAddress::from_v4_bytes(const uint8_t* four) {
    IpAddress address;
    address.version = 4;
    std::memcpy(address.bytes.data(), four, 4);
    return address;
}

IpAddress IpAddress::from_v6_bytes(const uint8_t* sixteen) {
    IpAddress address;
    address.version = 6;
    std::memcpy(address.bytes.data(), sixteen, 16);
    return address;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
    const std::string copy(text);
    uint8_t buffer[16];
    if (inet_pton(AF_INET, copy.c_str(), buffer) == 1) return from_v4_bytes(buffer);
    if (inet_pton(AF_INET6, copy.c_str(), buffer) == 1) return from_v6_bytes(buffer);
    return std::nullopt;
}

bool IpAddress::is_unspecified() const {
    for (size_t i = 0; i < (version == 4 ? 4u : 16u); ++i)
        if (bytes[i] != 0) return false;
    return true;
}

std::string IpAddress::to_string() const {
    char text[INET6_ADDRSTRLEN] = {};
    if (version == 4)
        inet_ntop(AF_INET, bytes.data(), text, sizeof text);
    else if (version == 6)
        inet_ntop(AF_INET6, bytes.data(), text, sizeof text);
    else
        return "-";
    return text;
}

std::string Endpoint::to_string() const {
    if (address.version == 6) return "[" + address.to_string() + "]:" + std::to_string(port);
    return address.to_string() + ":" + std::to_string(port);
}

}  // namespace tcplab
