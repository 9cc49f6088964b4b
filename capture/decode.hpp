#pragma once
// Decodes one captured frame: link layer, IPv4/IPv6, TCP (with options) or UDP.
// Never reads past the given bytes; a truncated or malformed header yields the
// layers decoded so far plus an error value naming the layer and offset.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "endpoint.hpp"

namespace tcplab {

// Values are the pcap/pcapng LINKTYPE_ numbers (tcpdump.org/linktypes.html).
enum class LinkType : uint16_t {
    Null = 0,        // BSD loopback: 4-byte host-order address family
    Ethernet = 1,    // Ethernet II, with 802.1Q / 802.1ad VLAN tags
    Raw = 101,       // raw IPv4 or IPv6, version from the first nibble
    Loop = 108,      // OpenBSD loopback: 4-byte network-order address family
    LinuxSll = 113,  // Linux cooked capture v1
    Ipv4 = 228,
    Ipv6 = 229,
    LinuxSll2 = 276,  // Linux cooked capture v2
};

namespace tcp_flag {
inline constexpr uint8_t Fin = 0x01;
inline constexpr uint8_t Syn = 0x02;
inline constexpr uint8_t Rst = 0x04;
inline constexpr uint8_t Psh = 0x08;
inline constexpr uint8_t Ack = 0x10;
inline constexpr uint8_t Urg = 0x20;
inline constexpr uint8_t Ece = 0x40;
inline constexpr uint8_t Cwr = 0x80;
}  // namespace tcp_flag

struct SackBlock {
    uint32_t left = 0;
    uint32_t right = 0;
};

// TCP options in the order they appeared; tcpdump prints them in that order.
struct TcpOption {
    enum class Kind : uint8_t {
        EndOfList,      // kind 0
        Nop,            // kind 1
        Mss,            // kind 2
        WindowScale,    // kind 3
        SackPermitted,  // kind 4
        Sack,           // kind 5
        Timestamps,     // kind 8
        Unknown,        // any other kind, with its raw kind number
    };
    Kind kind = Kind::Unknown;
    uint8_t raw_kind = 0;
    uint8_t length = 0;       // total option length in bytes as on the wire
    uint16_t offset = 0;      // offset of the option's first byte in the frame
    uint32_t value = 0;       // MSS, shift count, or TS value
    uint32_t echo_reply = 0;  // TS echo reply
    uint8_t sack_count = 0;   // number of valid entries in sack
    std::array<SackBlock, 4> sack{};
};

struct TcpHeader {
    uint16_t source_port = 0;
    uint16_t destination_port = 0;
    uint32_t seq = 0;
    uint32_t ack = 0;
    uint8_t header_length = 0;  // data offset in bytes (20..60)
    uint8_t flags = 0;          // tcp_flag bits
    uint16_t window = 0;        // as on the wire, not scaled
    uint16_t checksum = 0;
    uint16_t urgent_pointer = 0;
    uint8_t option_count = 0;
    std::array<TcpOption, 20> options{};
};

struct UdpHeader {
    uint16_t source_port = 0;
    uint16_t destination_port = 0;
    uint16_t length = 0;
    uint16_t checksum = 0;
};

enum class Transport : uint8_t { None, Tcp, Udp, Other };

// One IPv6 extension header; tcpdump names them in its line ("HBH", "frag (0|1448)").
struct Ipv6Extension {
    uint8_t type = 0;     // the next-header value that announced it: 0, 43, 44 or 60
    uint16_t offset = 0;  // offset of its first byte in the frame
    uint16_t length = 0;  // in bytes
};

struct DecodeError {
    std::string what;   // e.g. "TCP header truncated: need 20 bytes, have 12"
    size_t offset = 0;  // byte offset in the frame where the problem starts
};

struct DecodedPacket {
    LinkType link = LinkType::Ethernet;
    size_t frame_length = 0;

    // Network layer; ip_version is 0 when the frame carries no IP (e.g. ARP).
    uint16_t ether_type = 0;  // for Ethernet/SLL frames, after VLAN tags
    uint8_t vlan_count = 0;
    uint8_t ip_version = 0;
    size_t ip_offset = 0;
    uint8_t ip_header_length = 0;
    IpAddress source;
    IpAddress destination;
    uint8_t ttl = 0;     // hop limit for IPv6
    uint16_t ip_id = 0;  // IPv4 only
    bool dont_fragment = false;
    bool more_fragments = false;
    uint16_t fragment_offset = 0;  // in bytes; a non-first fragment has no transport header
    uint16_t ip_total_length = 0;  // IPv4 total length, or IPv6 40 + payload length
    uint8_t protocol = 0;          // after IPv6 extension headers
    uint8_t ipv6_extension_count = 0;
    std::array<Ipv6Extension, 8> ipv6_extensions{};  // in chain order

    // Transport layer.
    Transport transport = Transport::None;
    size_t transport_offset = 0;
    TcpHeader tcp;
    UdpHeader udp;

    // Application payload: as much as the IP length says, clipped to the captured bytes.
    size_t payload_offset = 0;
    size_t payload_length = 0;

    std::optional<DecodeError> error;

    Endpoint source_endpoint() const {
        return {source, transport == Transport::Tcp ? tcp.source_port : udp.source_port};
    }
    Endpoint destination_endpoint() const {
        return {destination, transport == Transport::Tcp ? tcp.destination_port : udp.destination_port};
    }
};

DecodedPacket decode_frame(LinkType link, std::span<const uint8_t> frame);

// One line in the style of `tcpdump -nn -v`-less output, without the timestamp, e.g.
// "IP 127.0.0.1.40000 > 127.0.0.1.5000: Flags [S], seq 1, win 65495, options [mss 65495,sackOK,TS val 1 ecr
// 0,nop,wscale 7], length 0"
std::string format_tcpdump_line(const DecodedPacket& packet);

// "SYN", "SYN-ACK", "ACK", "PSH-ACK", "FIN-ACK", "RST", "RST-ACK", ...
std::string flags_label(uint8_t flags);

// tcpdump's short name of an option kind: "mss", "wscale", "sackOK", "TS", "nop" ...
const char* tcp_option_name(TcpOption::Kind kind);

// "mss 65495,sackOK,TS val 1 ecr 0,nop,wscale 7" (tcpdump's option text).
std::string format_tcp_options(const TcpHeader& tcp);

}  // namespace tcplab
