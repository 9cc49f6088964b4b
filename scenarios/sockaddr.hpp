#pragma once
// An Endpoint as the socket calls take it, and back.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

#include "capture/endpoint.hpp"

namespace tcplab {

inline socklen_t to_sockaddr(const Endpoint& endpoint, sockaddr_storage& storage) {
    std::memset(&storage, 0, sizeof storage);
    if (endpoint.address.version == 6) {
        auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(endpoint.port);
        std::memcpy(&v6->sin6_addr, endpoint.address.bytes.data(), 16);
        return sizeof *v6;
    }
    auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
    v4->sin_family = AF_INET;
    v4->sin_port = htons(endpoint.port);
    std::memcpy(&v4->sin_addr, endpoint.address.bytes.data(), 4);
    return sizeof *v4;
}

inline Endpoint from_sockaddr(const sockaddr_storage& storage) {
    Endpoint endpoint;
    if (storage.ss_family == AF_INET6) {
        const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&storage);
        endpoint.address = IpAddress::from_v6_bytes(reinterpret_cast<const uint8_t*>(&v6->sin6_addr));
        endpoint.port = ntohs(v6->sin6_port);
    } else if (storage.ss_family == AF_INET) {
        const auto* v4 = reinterpret_cast<const sockaddr_in*>(&storage);
        endpoint.address = IpAddress::from_v4_bytes(reinterpret_cast<const uint8_t*>(&v4->sin_addr));
        endpoint.port = ntohs(v4->sin_port);
    }
    return endpoint;
}

}  // namespace tcplab
