#include "socket_call_text.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <utility>

namespace tcplab {
namespace {

using Named = std::pair<int, const char*>;

std::string name_or_number(int value, std::initializer_list<Named> names) {
    for (const auto& [number, name] : names)
        if (number == value) return name;
    return std::to_string(value);
}

// Bit flags by name, joined with |; bits with no name stay as a number.
std::string flags_text(unsigned value, std::initializer_list<std::pair<unsigned, const char*>> names) {
    if (value == 0) return "0";
    std::string text;
    for (const auto& [bit, name] : names) {
        if ((value & bit) != bit) continue;
        if (!text.empty()) text += '|';
        text += name;
        value &= ~bit;
    }
    if (value != 0) {
        char rest[16];
        std::snprintf(rest, sizeof rest, "0x%x", value);
        if (!text.empty()) text += '|';
        text += rest;
    }
    return text;
}

// The length of the well-formed multi-byte UTF-8 sequence at the start of
// `bytes`, or 0 (ASCII, a stray byte, or a sequence cut by the preview).
size_t utf8_sequence_length(std::span<const uint8_t> bytes) {
    const uint8_t lead = bytes[0];
    const size_t length = lead >= 0xf0 && lead <= 0xf4 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc2 && lead < 0xe0 ? 2 : 0;
    if (length == 0 || lead > 0xf4 || bytes.size() < length) return 0;
    for (size_t i = 1; i < length; ++i)
        if ((bytes[i] & 0xc0) != 0x80) return 0;
    return length;
}

template <class T>
bool read_struct(std::span<const uint8_t> bytes, T& out) {
    if (bytes.size() < sizeof(T)) return false;
    std::memcpy(&out, bytes.data(), sizeof(T));
    return true;
}

}  // namespace

Endpoint endpoint_from_sockaddr(std::span<const uint8_t> address) {
    Endpoint endpoint;
    sa_family_t family = 0;
    if (!read_struct(address, family)) return endpoint;
    if (family == AF_INET) {
        sockaddr_in v4{};
        if (!read_struct(address, v4)) return endpoint;
        endpoint.address = IpAddress::from_v4_bytes(reinterpret_cast<const uint8_t*>(&v4.sin_addr));
        endpoint.port = ntohs(v4.sin_port);
    } else if (family == AF_INET6) {
        sockaddr_in6 v6{};
        if (!read_struct(address, v6)) return endpoint;
        endpoint.address = IpAddress::from_v6_bytes(reinterpret_cast<const uint8_t*>(&v6.sin6_addr));
        endpoint.port = ntohs(v6.sin6_port);
    }
    return endpoint;
}

std::string sockaddr_text(std::span<const uint8_t> address) {
    sa_family_t family = 0;
    if (!read_struct(address, family)) return "NULL";
    if (family == AF_INET || family == AF_INET6) return endpoint_from_sockaddr(address).to_string();
    if (family == AF_UNIX) {
        const size_t path_offset = offsetof(sockaddr_un, sun_path);
        if (address.size() <= path_offset) return "unix:(unnamed)";
        const auto* path = reinterpret_cast<const char*>(address.data() + path_offset);
        const size_t length = address.size() - path_offset;
        // An abstract address starts with a NUL byte; strace writes it as @name.
        if (path[0] == '\0') return "unix:@" + std::string(path + 1, strnlen(path + 1, length - 1));
        return "unix:" + std::string(path, strnlen(path, length));
    }
    return family_name(family);
}

std::string family_name(int family) {
    return name_or_number(family, {{AF_UNSPEC, "AF_UNSPEC"},
                                   {AF_UNIX, "AF_UNIX"},
                                   {AF_INET, "AF_INET"},
                                   {AF_INET6, "AF_INET6"},
                                   {AF_NETLINK, "AF_NETLINK"},
                                   {AF_PACKET, "AF_PACKET"}});
}

std::string socket_type_text(int type) {
    std::string text = name_or_number(type & 0xf, {{SOCK_STREAM, "SOCK_STREAM"},
                                                   {SOCK_DGRAM, "SOCK_DGRAM"},
                                                   {SOCK_RAW, "SOCK_RAW"},
                                                   {SOCK_SEQPACKET, "SOCK_SEQPACKET"}});
    if (type & SOCK_NONBLOCK) text += "|SOCK_NONBLOCK";
    if (type & SOCK_CLOEXEC) text += "|SOCK_CLOEXEC";
    return text;
}

std::string protocol_name(int protocol) {
    return name_or_number(protocol, {{IPPROTO_TCP, "IPPROTO_TCP"}, {IPPROTO_UDP, "IPPROTO_UDP"}});
}

std::string shutdown_how_name(int how) {
    return name_or_number(how, {{SHUT_RD, "SHUT_RD"}, {SHUT_WR, "SHUT_WR"}, {SHUT_RDWR, "SHUT_RDWR"}});
}

std::string message_flags_text(int flags) {
    return flags_text(static_cast<unsigned>(flags), {{MSG_OOB, "MSG_OOB"},
                                                     {MSG_PEEK, "MSG_PEEK"},
                                                     {MSG_DONTROUTE, "MSG_DONTROUTE"},
                                                     {MSG_TRUNC, "MSG_TRUNC"},
                                                     {MSG_DONTWAIT, "MSG_DONTWAIT"},
                                                     {MSG_EOR, "MSG_EOR"},
                                                     {MSG_WAITALL, "MSG_WAITALL"},
                                                     {MSG_NOSIGNAL, "MSG_NOSIGNAL"},
                                                     {MSG_MORE, "MSG_MORE"},
                                                     {MSG_CMSG_CLOEXEC, "MSG_CMSG_CLOEXEC"}});
}

std::string accept_flags_text(int flags) {
    return flags_text(static_cast<unsigned>(flags), {{SOCK_NONBLOCK, "SOCK_NONBLOCK"}, {SOCK_CLOEXEC, "SOCK_CLOEXEC"}});
}

std::string socket_level_name(int level) {
    return name_or_number(level, {{SOL_SOCKET, "SOL_SOCKET"},
                                  {IPPROTO_IP, "IPPROTO_IP"},
                                  {IPPROTO_IPV6, "IPPROTO_IPV6"},
                                  {IPPROTO_TCP, "IPPROTO_TCP"},
                                  {IPPROTO_UDP, "IPPROTO_UDP"}});
}

std::string socket_option_name(int level, int option) {
    if (level == SOL_SOCKET)
        return name_or_number(option, {{SO_REUSEADDR, "SO_REUSEADDR"},
                                       {SO_REUSEPORT, "SO_REUSEPORT"},
                                       {SO_KEEPALIVE, "SO_KEEPALIVE"},
                                       {SO_LINGER, "SO_LINGER"},
                                       {SO_RCVBUF, "SO_RCVBUF"},
                                       {SO_SNDBUF, "SO_SNDBUF"},
                                       {SO_RCVTIMEO, "SO_RCVTIMEO"},
                                       {SO_SNDTIMEO, "SO_SNDTIMEO"},
                                       {SO_ERROR, "SO_ERROR"},
                                       {SO_BROADCAST, "SO_BROADCAST"},
                                       {SO_TYPE, "SO_TYPE"},
                                       {SO_DOMAIN, "SO_DOMAIN"},
                                       {SO_PROTOCOL, "SO_PROTOCOL"},
                                       {SO_ACCEPTCONN, "SO_ACCEPTCONN"},
                                       {SO_OOBINLINE, "SO_OOBINLINE"},
                                       {SO_RCVLOWAT, "SO_RCVLOWAT"},
                                       {SO_BINDTODEVICE, "SO_BINDTODEVICE"}});
    if (level == IPPROTO_TCP)
        return name_or_number(option, {{TCP_NODELAY, "TCP_NODELAY"},
                                       {TCP_MAXSEG, "TCP_MAXSEG"},
                                       {TCP_CORK, "TCP_CORK"},
                                       {TCP_KEEPIDLE, "TCP_KEEPIDLE"},
                                       {TCP_KEEPINTVL, "TCP_KEEPINTVL"},
                                       {TCP_KEEPCNT, "TCP_KEEPCNT"},
                                       {TCP_QUICKACK, "TCP_QUICKACK"},
                                       {TCP_INFO, "TCP_INFO"},
                                       {TCP_USER_TIMEOUT, "TCP_USER_TIMEOUT"},
                                       {TCP_CONGESTION, "TCP_CONGESTION"},
                                       {TCP_DEFER_ACCEPT, "TCP_DEFER_ACCEPT"},
                                       {TCP_FASTOPEN, "TCP_FASTOPEN"}});
    if (level == IPPROTO_IPV6) return name_or_number(option, {{IPV6_V6ONLY, "IPV6_V6ONLY"}});
    if (level == IPPROTO_IP)
        return name_or_number(option, {{IP_TOS, "IP_TOS"}, {IP_TTL, "IP_TTL"}, {IP_RECVERR, "IP_RECVERR"}});
    return std::to_string(option);
}

std::string poll_events_text(int events) {
    return flags_text(static_cast<unsigned>(events) & 0xffff, {{POLLIN, "POLLIN"},
                                                               {POLLPRI, "POLLPRI"},
                                                               {POLLOUT, "POLLOUT"},
                                                               {POLLERR, "POLLERR"},
                                                               {POLLHUP, "POLLHUP"},
                                                               {POLLNVAL, "POLLNVAL"},
                                                               {POLLRDHUP, "POLLRDHUP"}});
}

std::string epoll_events_text(uint32_t events) {
    return flags_text(events, {{EPOLLIN, "EPOLLIN"},
                               {EPOLLPRI, "EPOLLPRI"},
                               {EPOLLOUT, "EPOLLOUT"},
                               {EPOLLERR, "EPOLLERR"},
                               {EPOLLHUP, "EPOLLHUP"},
                               {EPOLLRDHUP, "EPOLLRDHUP"},
                               {EPOLLEXCLUSIVE, "EPOLLEXCLUSIVE"},
                               {EPOLLONESHOT, "EPOLLONESHOT"},
                               {static_cast<unsigned>(EPOLLET), "EPOLLET"}});
}

std::string socket_option_value_text(int level, int option, std::span<const uint8_t> value) {
    if (level == SOL_SOCKET && option == SO_LINGER) {
        linger setting{};
        if (read_struct(value, setting))
            return "{on=" + std::to_string(setting.l_onoff) + ", " + std::to_string(setting.l_linger) + "s}";
    }
    if (level == SOL_SOCKET && (option == SO_RCVTIMEO || option == SO_SNDTIMEO)) {
        timeval timeout{};
        if (read_struct(value, timeout)) {
            char text[48];
            std::snprintf(text, sizeof text, "%ld.%06lds", static_cast<long>(timeout.tv_sec),
                          static_cast<long>(timeout.tv_usec));
            return text;
        }
    }
    if (level == IPPROTO_TCP && option == TCP_CONGESTION)
        return quoted_bytes(value.subspan(0, strnlen(reinterpret_cast<const char*>(value.data()), value.size())),
                            value.size());
    int number = 0;
    if (value.size() == sizeof number && read_struct(value, number)) return std::to_string(number);
    return "(" + std::to_string(value.size()) + " bytes)";
}

std::string quoted_bytes(std::span<const uint8_t> shown, uint64_t total) {
    std::string text = "\"";
    for (size_t i = 0; i < shown.size();) {
        const uint8_t byte = shown[i];
        // Chinese (any UTF-8) stays readable; stray bytes are escaped.
        if (const size_t length = utf8_sequence_length(shown.subspan(i)); length > 1) {
            text.append(reinterpret_cast<const char*>(shown.data() + i), length);
            i += length;
            continue;
        }
        if (byte == '"' || byte == '\\') {
            text += '\\';
            text += static_cast<char>(byte);
        } else if (byte == '\n') {
            text += "\\n";
        } else if (byte < 0x20 || byte >= 0x7f) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
            text += escaped;
        } else {
            text += static_cast<char>(byte);
        }
        ++i;
    }
    text += '"';
    if (total > shown.size()) text += "…";
    return text;
}

}  // namespace tcplab
