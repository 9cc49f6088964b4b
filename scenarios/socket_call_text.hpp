#pragma once
// How a socket call's arguments read on the timeline: addresses, constants by
// their names (AF_INET, SOCK_STREAM, SO_REUSEADDR, MSG_PEEK, POLLIN), and a
// short quoted preview of the bytes a call moved.
#include <cstdint>
#include <span>
#include <string>

#include "capture/endpoint.hpp"

namespace tcplab {

// A socket address as the kernel stores it (struct sockaddr_*), from any
// process: the IP endpoint for AF_INET and AF_INET6, else an empty one.
Endpoint endpoint_from_sockaddr(std::span<const uint8_t> address);
// "198.18.0.2:9000", "[::1]:80", "unix:/run/x.sock", "AF_NETLINK", "NULL".
std::string sockaddr_text(std::span<const uint8_t> address);

std::string family_name(int family);                    // "AF_INET", or the number
std::string socket_type_text(int type);                 // "SOCK_STREAM|SOCK_CLOEXEC"
std::string protocol_name(int protocol);                // "IPPROTO_TCP"
std::string shutdown_how_name(int how);                 // "SHUT_WR"
std::string message_flags_text(int flags);              // "MSG_PEEK|MSG_DONTWAIT", "0"
std::string accept_flags_text(int flags);               // "SOCK_CLOEXEC", "0"
std::string socket_level_name(int level);               // "SOL_SOCKET", "IPPROTO_TCP"
std::string socket_option_name(int level, int option);  // "SO_REUSEADDR", "TCP_NODELAY"
std::string poll_events_text(int events);               // "POLLIN|POLLOUT"
std::string epoll_events_text(uint32_t events);         // "EPOLLIN|EPOLLET"
// An option's value as read from the program: an int, a struct linger or a
// struct timeval when the option is one of those, else its length.
std::string socket_option_value_text(int level, int option, std::span<const uint8_t> value);

// Bytes as a quoted string with escapes ("hi\n", "\x00\x05"), `shown` of `total`
// followed by … when there were more.
std::string quoted_bytes(std::span<const uint8_t> shown, uint64_t total);

// How many bytes of a buffer a call keeps: enough to recognise the data.
inline constexpr size_t kCallPreviewBytes = 32;

}  // namespace tcplab
