#pragma once
// Decodes one captured frame: link layer, IPv4/IPv6, TCP (with options) or UDP,
// through tunnels (IP-in-IP, GRE, VXLAN, Geneve) to the innermost IP packet.
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

// What carried the segment's IP packet inside an outer IP packet. The
// connection is the inner one; the outer addresses stay for the packet detail.
enum class TunnelKind : uint8_t {
    IpInIp,    // IP protocol 4: an IPv4 packet directly inside IP (RFC 2003)
    Ipv6InIp,  // IP protocol 41: an IPv6 packet directly inside IP (6in4, RFC 4213)
    Gre,       // IP protocol 47, version 0 (RFC 2784; key and sequence number, RFC 2890)
    Vxlan,     // UDP port 4789: an Ethernet frame (RFC 7348)
    Geneve,    // UDP port 6081: an Ethernet frame or an IP packet (RFC 8926)
};

// "IPIP", "6in4", "GRE", "VXLAN", "Geneve" (6in4 is "IPv6 in IPv6" over IPv6).
const char* tunnel_name(TunnelKind kind, uint8_t outer_ip_version);

// One level of encapsulation, outermost first in DecodedPacket::tunnels.
struct Tunnel {
    TunnelKind kind = TunnelKind::IpInIp;
    uint8_t ip_version = 0;  // of the outer IP header
    bool has_key = false;    // a GRE key, or the VXLAN/Geneve network identifier (VNI)
    bool has_sequence = false;
    uint16_t flags = 0;            // GRE: the first 16 bits (flags, version); VXLAN, Geneve: the flags byte
    uint16_t inner_type = 0;       // EtherType of what it carries: 0x6558 Ethernet, 0x0800 IPv4, 0x86DD IPv6
    uint16_t ip_total_length = 0;  // of the outer IP packet, as in DecodedPacket
    uint16_t udp_source_port = 0;  // VXLAN and Geneve
    uint16_t udp_destination_port = 0;
    uint16_t options_length = 0;  // Geneve options, in bytes
    uint16_t gre_offset = 0;      // GRE's offset field, present with the checksum
    uint32_t key = 0;
    uint32_t sequence = 0;     // GRE sequence number
    size_t ip_offset = 0;      // the outer IP header's first byte
    size_t header_offset = 0;  // the GRE or UDP header; for IP-in-IP, the inner IP header
    size_t inner_offset = 0;   // the first byte it carries: an Ethernet header or an IP header
    IpAddress source;          // the outer addresses
    IpAddress destination;
};

// Tunnels inside tunnels are followed this deep; deeper nesting is an error value.
inline constexpr size_t kMaxTunnelDepth = 4;

// Whether a UDP datagram with these ports carries a tunnel, by the rule
// Wireshark follows: the lower port decides, and a well-known port (below
// 1024) beside a tunnel port is taken to be the datagram's own service.
std::optional<TunnelKind> udp_tunnel_kind(uint16_t source_port, uint16_t destination_port);

struct DecodeError {
    std::string what;   // e.g. "TCP header truncated: need 20 bytes, have 12"
    size_t offset = 0;  // byte offset in the frame where the problem starts
};

struct DecodedPacket {
    LinkType link = LinkType::Ethernet;
    size_t frame_length = 0;

    // Outer IP packets the segment travelled in, outermost first. The network
    // and transport fields below are the innermost packet's.
    uint8_t tunnel_count = 0;
    std::array<Tunnel, kMaxTunnelDepth> tunnels{};

    // Network layer; ip_version is 0 when the frame carries no IP (e.g. ARP).
    // For Ethernet/SLL frames, after VLAN tags; inside a tunnel, of what the
    // innermost tunnel carries (its Ethernet frame's, when it carries one).
    uint16_t ether_type = 0;
    uint8_t vlan_count = 0;  // of the innermost Ethernet header
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
    uint16_t ip_total_length = 0;  // IPv4 total length, or IPv6 40 + payload length, as on the wire
    // An IPv4 total length of 0: the packet was captured before TCP segmentation
    // offload cut it and filled in the lengths. Like Wireshark (not tcpdump, which
    // prints "bad-len 0"), the datagram is taken to end where the frame does.
    bool ip_length_from_frame = false;
    uint8_t protocol = 0;  // after IPv6 extension headers
    uint8_t ipv6_extension_count = 0;
    std::array<Ipv6Extension, 8> ipv6_extensions{};  // in chain order

    // Transport layer.
    Transport transport = Transport::None;
    size_t transport_offset = 0;
    TcpHeader tcp;
    UdpHeader udp;

    // Application payload. Its length is what the IP header says was on the wire
    // (clipped to the frame's length on the wire when that is known, as Wireshark
    // does); the capture may have kept fewer of its bytes (snapshot length).
    size_t payload_offset = 0;
    size_t payload_length = 0;
    size_t captured_payload_length = 0;  // payload bytes in the frame: read only these
    // The error lies in the TCP options: cut by the capture's snapshot length, or
    // malformed. Ports, numbers, flags, window and lengths are known, and tcpdump
    // and Wireshark show them too.
    bool tcp_error_in_options = false;

    std::optional<DecodeError> error;

    // The capture kept fewer bytes of the segment than were on the wire: part of
    // its payload, or of its TCP options too.
    bool cut_by_capture() const { return captured_payload_length < payload_length || payload_offset > frame_length; }
    // A TCP segment whose numbers and length are all known (see tcp_error_in_options).
    bool tcp_numbers_known() const { return transport == Transport::Tcp && (!error || tcp_error_in_options); }

    Endpoint source_endpoint() const {
        return {source, transport == Transport::Tcp ? tcp.source_port : udp.source_port};
    }
    Endpoint destination_endpoint() const {
        return {destination, transport == Transport::Tcp ? tcp.destination_port : udp.destination_port};
    }
};

// `wire_length` is the frame's length on the wire (pcap's original length), 0
// when unknown. Known, it bounds the IP lengths as Wireshark does: an IP header
// claiming more than was on the wire is clipped to it. Unknown, the IP header is
// believed and bytes it claims beyond the frame count as cut by the capture.
DecodedPacket decode_frame(LinkType link, std::span<const uint8_t> frame, size_t wire_length = 0);

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
