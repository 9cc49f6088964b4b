#include "decode.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string_view>

namespace tcplab {
namespace {

constexpr size_t EthernetHeaderLength = 14;
constexpr size_t VlanTagLength = 4;
constexpr size_t SllHeaderLength = 16;
constexpr size_t Sll2HeaderLength = 20;
constexpr size_t LoopbackHeaderLength = 4;
constexpr size_t Ipv4MinimumHeaderLength = 20;
constexpr size_t Ipv6HeaderLength = 40;
constexpr size_t TcpMinimumHeaderLength = 20;
constexpr size_t UdpHeaderLength = 8;
constexpr size_t Ipv6FragmentHeaderLength = 8;
constexpr size_t GreBaseHeaderLength = 4;
constexpr size_t VxlanHeaderLength = 8;
constexpr size_t GeneveBaseHeaderLength = 8;

constexpr uint16_t EtherTypeIpv4 = 0x0800;
constexpr uint16_t EtherTypeIpv6 = 0x86DD;
constexpr uint16_t EtherTypeVlan = 0x8100;
constexpr uint16_t EtherTypeQinQ = 0x88A8;
constexpr uint16_t EtherTypeTransparentBridging = 0x6558;  // an Ethernet frame inside GRE or Geneve

constexpr uint8_t ProtocolTcp = 6;
constexpr uint8_t ProtocolUdp = 17;
constexpr uint8_t ProtocolIpv4InIp = 4;
constexpr uint8_t ProtocolIpv6InIp = 41;
constexpr uint8_t ProtocolGre = 47;
constexpr uint8_t Ipv6HopByHop = 0;
constexpr uint8_t Ipv6Routing = 43;
constexpr uint8_t Ipv6Fragment = 44;
constexpr uint8_t Ipv6NoNextHeader = 59;
constexpr uint8_t Ipv6DestinationOptions = 60;

constexpr uint16_t GreChecksumPresent = 0x8000;
constexpr uint16_t GreRoutingPresent = 0x4000;
constexpr uint16_t GreKeyPresent = 0x2000;
constexpr uint16_t GreSequencePresent = 0x1000;
constexpr uint16_t GreVersionMask = 0x0007;

constexpr uint16_t VxlanPort = 4789;
constexpr uint16_t GenevePort = 6081;
constexpr uint16_t FirstUnprivilegedPort = 1024;

// BSD loopback address families differ between systems; these are the IPv6 values
// from the LINKTYPE_NULL description (NetBSD/OpenBSD, FreeBSD, Darwin).
constexpr uint32_t LoopbackFamilyIpv4 = 2;
constexpr uint32_t LoopbackFamilyIpv6Bsd = 24;
constexpr uint32_t LoopbackFamilyIpv6FreeBsd = 28;
constexpr uint32_t LoopbackFamilyIpv6Darwin = 30;

enum class Network { None, Ipv4, Ipv6 };

std::string describe_shortfall(std::string_view layer, size_t needed, size_t available) {
    return std::string(layer) + " truncated: need " + std::to_string(needed) + " bytes, have " +
           std::to_string(available);
}

// All reads go through this class; each accessor checks the range itself, so a
// missed check in the decoding logic yields zeros instead of an out-of-bounds read.
class FrameBytes {
public:
    explicit FrameBytes(std::span<const uint8_t> bytes) : bytes_(bytes) {}

    size_t size() const { return bytes_.size(); }
    bool has(size_t offset, size_t count) const { return offset <= bytes_.size() && count <= bytes_.size() - offset; }
    size_t available_from(size_t offset) const { return offset < bytes_.size() ? bytes_.size() - offset : 0; }

    uint8_t u8(size_t offset) const { return has(offset, 1) ? bytes_[offset] : 0; }
    uint16_t be16(size_t offset) const {
        if (!has(offset, 2)) return 0;
        return static_cast<uint16_t>((bytes_[offset] << 8) | bytes_[offset + 1]);
    }
    uint32_t be32(size_t offset) const {
        if (!has(offset, 4)) return 0;
        return (uint32_t{bytes_[offset]} << 24) | (uint32_t{bytes_[offset + 1]} << 16) |
               (uint32_t{bytes_[offset + 2]} << 8) | uint32_t{bytes_[offset + 3]};
    }
    uint32_t host32(size_t offset) const {
        uint32_t value = 0;
        if (has(offset, 4)) std::memcpy(&value, bytes_.data() + offset, sizeof value);
        return value;
    }
    IpAddress ipv4_address(size_t offset) const {
        return has(offset, 4) ? IpAddress::from_v4_bytes(bytes_.data() + offset) : IpAddress{};
    }
    IpAddress ipv6_address(size_t offset) const {
        return has(offset, 16) ? IpAddress::from_v6_bytes(bytes_.data() + offset) : IpAddress{};
    }

private:
    std::span<const uint8_t> bytes_;
};

// Offsets in DecodedPacket are 16 bits; the limits on VLAN tags and extension headers keep
// every header well inside that, and this keeps a miscount from wrapping.
uint16_t frame_offset16(size_t offset) { return static_cast<uint16_t>(std::min<size_t>(offset, 0xFFFF)); }

uint32_t byte_swapped(uint32_t value) {
    return ((value & 0xFFu) << 24) | ((value & 0xFF00u) << 8) | ((value >> 8) & 0xFF00u) | (value >> 24);
}

Network network_from_ether_type(uint16_t ether_type) {
    if (ether_type == EtherTypeIpv4) return Network::Ipv4;
    if (ether_type == EtherTypeIpv6) return Network::Ipv6;
    return Network::None;
}

Network network_from_address_family(uint32_t family) {
    switch (family) {
        case LoopbackFamilyIpv4:
            return Network::Ipv4;
        case LoopbackFamilyIpv6Bsd:
        case LoopbackFamilyIpv6FreeBsd:
        case LoopbackFamilyIpv6Darwin:
            return Network::Ipv6;
        default:
            return Network::None;
    }
}

bool is_ipv6_extension(uint8_t next_header) {
    return next_header == Ipv6HopByHop || next_header == Ipv6Routing || next_header == Ipv6Fragment ||
           next_header == Ipv6DestinationOptions;
}

class Decoder {
public:
    Decoder(std::span<const uint8_t> frame, size_t wire_length, DecodedPacket& packet)
        : bytes_(frame),
          packet_(packet),
          enclosing_end_(wire_length == 0 ? UnknownEnd : std::max(wire_length, frame.size())) {}

    void run(LinkType link) {
        size_t network_offset = 0;
        Network network = decode_link(link, network_offset);
        // Each pass decodes one IP header; a tunnel sends the loop round again
        // for the packet inside, at most kMaxTunnelDepth times.
        while (!packet_.error && network != Network::None) {
            packet_.ip_offset = network_offset;
            const bool network_ok =
                network == Network::Ipv4 ? decode_ipv4(network_offset) : decode_ipv6(network_offset);
            if (!network_ok) return;
            network = enter_tunnel(network_offset);
        }
    }

private:
    bool fail(std::string what, size_t offset) {
        packet_.error = DecodeError{std::move(what), offset};
        return false;
    }

    bool require(std::string_view layer, size_t offset, size_t count) {
        if (bytes_.has(offset, count)) return true;
        return fail(describe_shortfall(layer, count, bytes_.available_from(offset)), offset);
    }

    Network decode_link(LinkType link, size_t& network_offset) {
        switch (link) {
            case LinkType::Null:
            case LinkType::Loop: {
                if (!require("Loopback header", 0, LoopbackHeaderLength)) return Network::None;
                uint32_t family = link == LinkType::Null ? bytes_.host32(0) : bytes_.be32(0);
                // A capture read on a host of the other byte order shows the family in
                // the upper half; families are small numbers, so swap it back.
                if (link == LinkType::Null && (family & 0xFFFF0000u) != 0) family = byte_swapped(family);
                network_offset = LoopbackHeaderLength;
                return network_from_address_family(family);
            }
            case LinkType::Ethernet:
                return decode_ethernet(network_offset);
            case LinkType::LinuxSll: {
                if (!require("Linux cooked (SLL) header", 0, SllHeaderLength)) return Network::None;
                packet_.ether_type = bytes_.be16(14);
                network_offset = SllHeaderLength;
                return network_from_ether_type(packet_.ether_type);
            }
            case LinkType::LinuxSll2: {
                if (!require("Linux cooked v2 (SLL2) header", 0, Sll2HeaderLength)) return Network::None;
                packet_.ether_type = bytes_.be16(0);
                network_offset = Sll2HeaderLength;
                return network_from_ether_type(packet_.ether_type);
            }
            case LinkType::Raw: {
                if (!require("Raw IP packet", 0, 1)) return Network::None;
                const unsigned version = bytes_.u8(0) >> 4;
                if (version == 4) return Network::Ipv4;
                if (version == 6) return Network::Ipv6;
                fail("Raw IP packet has IP version " + std::to_string(version) + ", expected 4 or 6", 0);
                return Network::None;
            }
            case LinkType::Ipv4:
                return Network::Ipv4;
            case LinkType::Ipv6:
                return Network::Ipv6;
        }
        fail("unsupported link type " + std::to_string(static_cast<unsigned>(link)), 0);
        return Network::None;
    }

    Network decode_ethernet(size_t& network_offset) {
        return decode_ethernet_at(0, network_offset, packet_.vlan_count, packet_.ether_type);
    }

    // An Ethernet header at `start`: the frame's own, or one inside a tunnel.
    Network decode_ethernet_at(size_t start, size_t& network_offset, uint8_t& vlan_count, uint16_t& ether_type) {
        if (!require("Ethernet header", start, EthernetHeaderLength)) return Network::None;
        size_t type_offset = start + 12;
        ether_type = bytes_.be16(type_offset);
        while (ether_type == EtherTypeVlan || ether_type == EtherTypeQinQ) {
            // vlan_count is a byte; more tags than that is not a real frame.
            if (vlan_count == std::numeric_limits<uint8_t>::max()) {
                fail("too many VLAN tags (more than 255)", type_offset);
                return Network::None;
            }
            if (!require("VLAN tag", type_offset, VlanTagLength + 2)) return Network::None;
            ++vlan_count;
            type_offset += VlanTagLength;
            ether_type = bytes_.be16(type_offset);
        }
        network_offset = type_offset + 2;
        return network_from_ether_type(ether_type);
    }

    bool decode_ipv4(size_t start) {
        packet_.ip_version = 4;
        if (!require("IPv4 header", start, Ipv4MinimumHeaderLength)) return false;
        const uint8_t version_and_length = bytes_.u8(start);
        const unsigned version = version_and_length >> 4;
        if (version != 4) return fail("IPv4 header has version " + std::to_string(version) + ", expected 4", start);
        const size_t header_length = size_t{version_and_length & 0x0Fu} * 4;
        packet_.ip_header_length = static_cast<uint8_t>(header_length);
        if (header_length < Ipv4MinimumHeaderLength)
            return fail("IPv4 header length " + std::to_string(header_length) + " is less than 20", start);
        if (!bytes_.has(start, header_length))
            return fail("IPv4 header truncated: header length says " + std::to_string(header_length) + " bytes, have " +
                            std::to_string(bytes_.available_from(start)),
                        start);

        packet_.ip_total_length = bytes_.be16(start + 2);
        packet_.ip_id = bytes_.be16(start + 4);
        const uint16_t flags_and_offset = bytes_.be16(start + 6);
        packet_.dont_fragment = (flags_and_offset & 0x4000) != 0;
        packet_.more_fragments = (flags_and_offset & 0x2000) != 0;
        packet_.fragment_offset = static_cast<uint16_t>((flags_and_offset & 0x1FFF) * 8);
        packet_.ttl = bytes_.u8(start + 8);
        packet_.protocol = bytes_.u8(start + 9);
        packet_.source = bytes_.ipv4_address(start + 12);
        packet_.destination = bytes_.ipv4_address(start + 16);

        transport_start_ = start + header_length;
        if (packet_.ip_total_length == 0) {
            // Captured before TCP segmentation offload filled in the length: the
            // datagram is what the frame (or the enclosing packet) holds.
            packet_.ip_length_from_frame = true;
            ip_end_ = std::max(transport_start_, enclosing_end_ == UnknownEnd ? bytes_.size() : enclosing_end_);
            return true;
        }
        if (packet_.ip_total_length < header_length)
            return fail("IPv4 total length " + std::to_string(packet_.ip_total_length) +
                            " is shorter than its header length " + std::to_string(header_length),
                        start + 2);
        ip_end_ = std::min(start + packet_.ip_total_length, enclosing_end_);
        return true;
    }

    bool decode_ipv6(size_t start) {
        packet_.ip_version = 6;
        if (!require("IPv6 header", start, Ipv6HeaderLength)) return false;
        const unsigned version = bytes_.u8(start) >> 4;
        if (version != 6) return fail("IPv6 header has version " + std::to_string(version) + ", expected 6", start);
        packet_.ip_header_length = static_cast<uint8_t>(Ipv6HeaderLength);
        const size_t payload_length = bytes_.be16(start + 4);
        // The field is 16 bits; a full-size IPv6 datagram saturates rather than wraps.
        packet_.ip_total_length = static_cast<uint16_t>(std::min<size_t>(Ipv6HeaderLength + payload_length, 0xFFFF));
        packet_.protocol = bytes_.u8(start + 6);
        packet_.ttl = bytes_.u8(start + 7);
        packet_.source = bytes_.ipv6_address(start + 8);
        packet_.destination = bytes_.ipv6_address(start + 24);
        ip_end_ = std::min(start + Ipv6HeaderLength + payload_length, enclosing_end_);
        return walk_ipv6_extensions(start + Ipv6HeaderLength);
    }

    // Extension headers are walked only within the IP payload and only up to the
    // array size, so a crafted chain cannot make the walk long or leave the frame.
    bool walk_ipv6_extensions(size_t position) {
        const size_t limit = readable_end();
        while (is_ipv6_extension(packet_.protocol)) {
            const uint8_t type = packet_.protocol;
            if (packet_.ipv6_extension_count == packet_.ipv6_extensions.size())
                return fail("too many IPv6 extension headers (more than " +
                                std::to_string(packet_.ipv6_extensions.size()) + ")",
                            position);
            const char* layer = type == Ipv6Fragment ? "IPv6 fragment header" : "IPv6 extension header";
            if (position + 2 > limit) return fail(describe_shortfall(layer, 2, remaining(position, limit)), position);
            const size_t length =
                type == Ipv6Fragment ? Ipv6FragmentHeaderLength : (size_t{bytes_.u8(position + 1)} + 1) * 8;
            if (position + length > limit)
                return fail(describe_shortfall(layer, length, remaining(position, limit)), position);

            packet_.ipv6_extensions[packet_.ipv6_extension_count++] =
                Ipv6Extension{type, frame_offset16(position), static_cast<uint16_t>(length)};
            if (type == Ipv6Fragment) {
                const uint16_t offset_and_flags = bytes_.be16(position + 2);
                packet_.fragment_offset = static_cast<uint16_t>(offset_and_flags & 0xFFF8);
                packet_.more_fragments = (offset_and_flags & 0x0001) != 0;
            }
            packet_.protocol = bytes_.u8(position);
            position += length;
            // Past a non-first fragment header comes the middle of someone else's data.
            if (type == Ipv6Fragment && packet_.fragment_offset != 0) break;
        }
        transport_start_ = position;
        return true;
    }

    // The end of what may be decoded: the IP length, clipped to the captured bytes.
    size_t readable_end() const { return std::min(ip_end_, bytes_.size()); }
    static size_t remaining(size_t position, size_t limit) { return position < limit ? limit - position : 0; }

    // After an IP header: the inner packet's network when the IP packet is a
    // tunnel, else None once the transport layer has been decoded.
    Network enter_tunnel(size_t& network_offset) {
        // A fragment's inner packet is incomplete; its first fragment decodes as the outer packet.
        const bool whole = packet_.fragment_offset == 0 && !packet_.more_fragments;
        if (!whole) {
            decode_transport();
            return Network::None;
        }
        switch (packet_.protocol) {
            case ProtocolIpv4InIp:
            case ProtocolIpv6InIp: {
                Tunnel tunnel = outer_ip(
                    packet_.protocol == ProtocolIpv4InIp ? TunnelKind::IpInIp : TunnelKind::Ipv6InIp, transport_start_);
                tunnel.inner_type = packet_.protocol == ProtocolIpv4InIp ? EtherTypeIpv4 : EtherTypeIpv6;
                tunnel.inner_offset = transport_start_;
                return enter(tunnel, ip_end_, network_offset);
            }
            case ProtocolGre:
                return enter_gre(network_offset);
            case ProtocolUdp:
                packet_.transport_offset = transport_start_;
                if (!decode_udp(transport_start_)) return Network::None;
                return enter_udp_tunnel(network_offset);
            default:
                decode_transport();
                return Network::None;
        }
    }

    // The current (outer) IP header as the start of a tunnel.
    Tunnel outer_ip(TunnelKind kind, size_t header_offset) const {
        Tunnel tunnel;
        tunnel.kind = kind;
        tunnel.ip_version = packet_.ip_version;
        tunnel.ip_offset = packet_.ip_offset;
        tunnel.ip_total_length = packet_.ip_total_length;
        tunnel.header_offset = header_offset;
        tunnel.source = packet_.source;
        tunnel.destination = packet_.destination;
        return tunnel;
    }

    // Records the tunnel and clears the network and transport fields for the
    // packet inside, which ends no later than `inner_end`, then reads its link
    // header when it is an Ethernet frame (VXLAN, bridged GRE and Geneve). A
    // tunnel carrying neither Ethernet nor IP is not followed: the packet stays
    // what its outer layers say (GRE, or UDP).
    Network enter(const Tunnel& tunnel, size_t inner_end, size_t& network_offset) {
        const bool carries_ethernet = tunnel.inner_type == EtherTypeTransparentBridging;
        if (!carries_ethernet && network_from_ether_type(tunnel.inner_type) == Network::None) {
            if (packet_.protocol != ProtocolUdp) decode_transport();
            return Network::None;
        }
        if (packet_.tunnel_count == packet_.tunnels.size()) {
            fail("tunnels nested more than " + std::to_string(packet_.tunnels.size()) + " deep", tunnel.header_offset);
            return Network::None;
        }
        packet_.tunnels[packet_.tunnel_count++] = tunnel;
        const DecodedPacket outer = packet_;
        packet_ = DecodedPacket{};
        packet_.link = outer.link;
        packet_.frame_length = outer.frame_length;
        packet_.tunnel_count = outer.tunnel_count;
        packet_.tunnels = outer.tunnels;
        // From here on the link fields describe the inner frame, when it has one.
        packet_.ether_type = tunnel.inner_type;
        enclosing_end_ = inner_end;
        network_offset = tunnel.inner_offset;
        if (!carries_ethernet) return network_from_ether_type(tunnel.inner_type);
        return decode_ethernet_at(tunnel.inner_offset, network_offset, packet_.vlan_count, packet_.ether_type);
    }

    // GRE version 0 (RFC 2784, 2890). Version 1 (PPTP) and source routing
    // (RFC 1701) are not tunnels we follow: the packet stays GRE.
    Network enter_gre(size_t& network_offset) {
        const size_t start = transport_start_;
        const size_t limit = readable_end();
        packet_.transport_offset = start;
        packet_.transport = Transport::Other;
        if (remaining(start, limit) < GreBaseHeaderLength) {
            fail(describe_shortfall("GRE header", GreBaseHeaderLength, remaining(start, limit)), start);
            return Network::None;
        }
        const uint16_t flags = bytes_.be16(start);
        if ((flags & GreVersionMask) != 0 || (flags & GreRoutingPresent) != 0) return Network::None;
        Tunnel tunnel = outer_ip(TunnelKind::Gre, start);
        tunnel.flags = flags;
        tunnel.inner_type = bytes_.be16(start + 2);
        size_t position = start + GreBaseHeaderLength;
        const size_t header_length = GreBaseHeaderLength + ((flags & GreChecksumPresent) ? 4 : 0) +
                                     ((flags & GreKeyPresent) ? 4 : 0) + ((flags & GreSequencePresent) ? 4 : 0);
        if (remaining(start, limit) < header_length) {
            fail(describe_shortfall("GRE header", header_length, remaining(start, limit)), start);
            return Network::None;
        }
        if (flags & GreChecksumPresent) {
            tunnel.gre_offset = bytes_.be16(position + 2);
            position += 4;
        }
        if (flags & GreKeyPresent) {
            tunnel.has_key = true;
            tunnel.key = bytes_.be32(position);
            position += 4;
        }
        if (flags & GreSequencePresent) {
            tunnel.has_sequence = true;
            tunnel.sequence = bytes_.be32(position);
            position += 4;
        }
        tunnel.inner_offset = position;
        return enter(tunnel, ip_end_, network_offset);
    }

    // VXLAN or Geneve, by the UDP ports; called with the UDP header decoded.
    Network enter_udp_tunnel(size_t& network_offset) {
        const auto kind = udp_tunnel_kind(packet_.udp.source_port, packet_.udp.destination_port);
        if (!kind) return Network::None;
        const size_t start = packet_.payload_offset;
        const size_t datagram_end = start + packet_.payload_length;
        const size_t have = remaining(start, std::min(datagram_end, bytes_.size()));
        Tunnel tunnel = outer_ip(*kind, packet_.transport_offset);
        tunnel.udp_source_port = packet_.udp.source_port;
        tunnel.udp_destination_port = packet_.udp.destination_port;
        tunnel.has_key = true;
        tunnel.key = (bytes_.be32(start + 4) >> 8);
        if (*kind == TunnelKind::Vxlan) {
            if (have < VxlanHeaderLength) {
                fail(describe_shortfall("VXLAN header", VxlanHeaderLength, have), start);
                return Network::None;
            }
            tunnel.flags = bytes_.u8(start);
            tunnel.inner_type = EtherTypeTransparentBridging;
            tunnel.inner_offset = start + VxlanHeaderLength;
        } else {
            if (have < GeneveBaseHeaderLength) {
                fail(describe_shortfall("Geneve header", GeneveBaseHeaderLength, have), start);
                return Network::None;
            }
            const unsigned version = bytes_.u8(start) >> 6;
            if (version != 0) {
                fail("Geneve header has version " + std::to_string(version) + ", expected 0", start);
                return Network::None;
            }
            tunnel.options_length = static_cast<uint16_t>((bytes_.u8(start) & 0x3Fu) * 4);
            tunnel.flags = bytes_.u8(start + 1);
            tunnel.inner_type = bytes_.be16(start + 2);
            const size_t header_length = GeneveBaseHeaderLength + tunnel.options_length;
            if (have < header_length) {
                fail(describe_shortfall("Geneve header with options", header_length, have), start);
                return Network::None;
            }
            tunnel.inner_offset = start + header_length;
        }
        return enter(tunnel, datagram_end, network_offset);
    }

    void decode_transport() {
        packet_.transport_offset = transport_start_;
        if (packet_.fragment_offset != 0) {
            packet_.transport = Transport::Other;
            return;
        }
        if (packet_.protocol == ProtocolTcp) {
            decode_tcp(transport_start_);
        } else if (packet_.protocol == ProtocolUdp) {
            decode_udp(transport_start_);
        } else if (packet_.protocol != Ipv6NoNextHeader) {
            packet_.transport = Transport::Other;
        }
    }

    // The payload's length is what the headers declare; the capture may hold less of it.
    void set_payload(size_t start, size_t declared_end) {
        const size_t captured_end = std::min(declared_end, bytes_.size());
        packet_.payload_offset = start;
        packet_.payload_length = declared_end > start ? declared_end - start : 0;
        packet_.captured_payload_length = captured_end > start ? captured_end - start : 0;
    }

    bool decode_tcp(size_t start) {
        const size_t limit = readable_end();
        const size_t have = remaining(start, limit);
        if (have >= 4) {
            // Ports alone are worth keeping: they name the connection even when the rest is cut off.
            packet_.transport = Transport::Tcp;
            packet_.tcp.source_port = bytes_.be16(start);
            packet_.tcp.destination_port = bytes_.be16(start + 2);
        }
        if (have < TcpMinimumHeaderLength)
            return fail(describe_shortfall("TCP header", TcpMinimumHeaderLength, have), start);

        TcpHeader& tcp = packet_.tcp;
        tcp.seq = bytes_.be32(start + 4);
        tcp.ack = bytes_.be32(start + 8);
        const size_t header_length = (size_t{bytes_.u8(start + 12)} >> 4) * 4;
        tcp.header_length = static_cast<uint8_t>(header_length);
        tcp.flags = bytes_.u8(start + 13);
        tcp.window = bytes_.be16(start + 14);
        tcp.checksum = bytes_.be16(start + 16);
        tcp.urgent_pointer = bytes_.be16(start + 18);

        if (header_length < TcpMinimumHeaderLength)
            return fail("TCP data offset " + std::to_string(header_length) + " bytes is less than 20", start + 12);
        const size_t header_end = start + header_length;
        if (header_end > ip_end_)
            return fail("TCP data offset " + std::to_string(header_length) + " bytes is more than the " +
                            std::to_string(remaining(start, ip_end_)) + " bytes the IP length leaves for TCP",
                        start + 12);
        // From here on only the capture can cut the header short (snaplen), and
        // what the segment carried is known without the bytes that are missing.
        set_payload(header_end, ip_end_);
        if (!parse_tcp_options(start + TcpMinimumHeaderLength, header_end, limit) || header_end > limit) {
            if (!packet_.error)
                fail("TCP header truncated: data offset says " + std::to_string(header_length) + " bytes, have " +
                         std::to_string(have),
                     start);
            packet_.tcp_error_in_options = true;
            return false;
        }
        return true;
    }

    // Parses options in [start, header_end); bytes at or past `available_end` were not
    // captured (or lie beyond the IP length), which is reported as truncation.
    bool parse_tcp_options(size_t start, size_t header_end, size_t available_end) {
        TcpHeader& tcp = packet_.tcp;
        size_t position = start;
        while (position < header_end) {
            if (position >= available_end)
                return fail("TCP options truncated: header ends at byte " + std::to_string(header_end) +
                                ", captured up to " + std::to_string(available_end),
                            position);
            if (tcp.option_count == tcp.options.size())
                return fail("too many TCP options to record (more than " + std::to_string(tcp.options.size()) + ")",
                            position);
            const uint8_t raw_kind = bytes_.u8(position);
            TcpOption option;
            option.raw_kind = raw_kind;
            option.offset = frame_offset16(position);
            if (raw_kind == 0 || raw_kind == 1) {
                option.kind = raw_kind == 0 ? TcpOption::Kind::EndOfList : TcpOption::Kind::Nop;
                option.length = 1;
                tcp.options[tcp.option_count++] = option;
                if (raw_kind == 0) break;  // the rest of the option space is padding
                ++position;
                continue;
            }
            if (position + 1 >= header_end)
                return fail(
                    "TCP option kind " + std::to_string(raw_kind) + " has no length byte before the header ends",
                    position);
            if (position + 1 >= available_end)
                return fail("TCP option kind " + std::to_string(raw_kind) + " truncated: length byte not captured",
                            position);
            const size_t length = bytes_.u8(position + 1);
            if (length < 2)
                return fail(
                    "TCP option kind " + std::to_string(raw_kind) + " has invalid length " + std::to_string(length),
                    position);
            if (position + length > header_end)
                return fail("TCP option kind " + std::to_string(raw_kind) + " length " + std::to_string(length) +
                                " runs past the TCP header",
                            position);
            if (position + length > available_end)
                return fail(
                    describe_shortfall("TCP option kind " + std::to_string(raw_kind), length, available_end - position),
                    position);
            option.length = static_cast<uint8_t>(length);
            if (!decode_option_body(option, position, length)) return false;
            tcp.options[tcp.option_count++] = option;
            position += length;
        }
        return true;
    }

    bool decode_option_body(TcpOption& option, size_t position, size_t length) {
        auto expect_length = [&](TcpOption::Kind kind, size_t expected) {
            option.kind = kind;
            if (length == expected) return true;
            return fail(std::string("TCP option ") + tcp_option_name(kind) + " has length " + std::to_string(length) +
                            ", expected " + std::to_string(expected),
                        position);
        };
        switch (option.raw_kind) {
            case 2:
                if (!expect_length(TcpOption::Kind::Mss, 4)) return false;
                option.value = bytes_.be16(position + 2);
                return true;
            case 3:
                if (!expect_length(TcpOption::Kind::WindowScale, 3)) return false;
                option.value = bytes_.u8(position + 2);
                return true;
            case 4:
                return expect_length(TcpOption::Kind::SackPermitted, 2);
            case 5: {
                option.kind = TcpOption::Kind::Sack;
                const size_t block_bytes = length - 2;
                if (block_bytes % 8 != 0 || block_bytes / 8 > option.sack.size())
                    return fail("TCP option sack has length " + std::to_string(length) +
                                    ", expected 2 + 8 per block, up to 4 blocks",
                                position);
                option.sack_count = static_cast<uint8_t>(block_bytes / 8);
                for (size_t block = 0; block < option.sack_count; ++block) {
                    option.sack[block].left = bytes_.be32(position + 2 + block * 8);
                    option.sack[block].right = bytes_.be32(position + 6 + block * 8);
                }
                return true;
            }
            case 8:
                if (!expect_length(TcpOption::Kind::Timestamps, 10)) return false;
                option.value = bytes_.be32(position + 2);
                option.echo_reply = bytes_.be32(position + 6);
                return true;
            default:
                option.kind = TcpOption::Kind::Unknown;
                return true;
        }
    }

    bool decode_udp(size_t start) {
        const size_t limit = readable_end();
        const size_t have = remaining(start, limit);
        if (have >= 4) {
            packet_.transport = Transport::Udp;
            packet_.udp.source_port = bytes_.be16(start);
            packet_.udp.destination_port = bytes_.be16(start + 2);
        }
        if (have < UdpHeaderLength) return fail(describe_shortfall("UDP header", UdpHeaderLength, have), start);
        packet_.udp.length = bytes_.be16(start + 4);
        packet_.udp.checksum = bytes_.be16(start + 6);
        if (packet_.udp.length < UdpHeaderLength)
            return fail("UDP length " + std::to_string(packet_.udp.length) + " is less than 8", start + 4);
        // The smaller of the two lengths wins, as in tcpdump.
        set_payload(start + UdpHeaderLength, std::min(ip_end_, start + packet_.udp.length));
        return true;
    }

    static constexpr size_t UnknownEnd = std::numeric_limits<size_t>::max();

    FrameBytes bytes_;
    DecodedPacket& packet_;
    // Where the packet being decoded must end: the frame's length on the wire
    // (UnknownEnd when not known), or inside a tunnel the enclosing packet's end.
    size_t enclosing_end_ = UnknownEnd;
    size_t ip_end_ = 0;           // where the IP datagram ends according to its length field
    size_t transport_start_ = 0;  // first byte after the IP header and extension headers
};

// ---- tcpdump-style text -------------------------------------------------------------

// IP length field minus everything before the transport header: tcpdump's "length".
size_t declared_segment_length(const DecodedPacket& packet) {
    const size_t ip_end = packet.ip_offset + packet.ip_total_length;
    return ip_end > packet.transport_offset ? ip_end - packet.transport_offset : 0;
}

const char* link_marker(LinkType link) {
    switch (link) {
        case LinkType::Null:
            return " [|null]";
        case LinkType::Loop:
            return " [|loop]";
        case LinkType::Ethernet:
            return " [|ether]";
        case LinkType::LinuxSll:
            return " [|sll]";
        case LinkType::LinuxSll2:
            return " [|sll2]";
        case LinkType::Raw:
            return " [|raw]";
        case LinkType::Ipv4:
            return " [|ip]";
        case LinkType::Ipv6:
            return " [|ip6]";
    }
    return " [|link]";
}

const char* extension_truncation_marker(uint8_t type) {
    switch (type) {
        case Ipv6HopByHop:
            return " [|hbhopt]";
        case Ipv6Routing:
            return " [|srcrt]";
        case Ipv6Fragment:
            return " [|frag]";
        case Ipv6DestinationOptions:
            return " [|dstopt]";
        default:
            return " [|ip6]";
    }
}

// tcpdump names IPv6 extension headers between the addresses and the ports.
std::string extension_labels(const DecodedPacket& packet) {
    std::string labels;
    const size_t ip_end = packet.ip_offset + packet.ip_total_length;
    for (size_t index = 0; index < packet.ipv6_extension_count && index < packet.ipv6_extensions.size(); ++index) {
        const Ipv6Extension& extension = packet.ipv6_extensions[index];
        switch (extension.type) {
            case Ipv6HopByHop:
                labels += "HBH ";
                break;
            case Ipv6DestinationOptions:
                labels += "DSTOPT ";
                break;
            case Ipv6Routing:
                labels += "RT6 ";
                break;
            case Ipv6Fragment: {
                const size_t data_start = size_t{extension.offset} + Ipv6FragmentHeaderLength;
                const size_t fragment_bytes = ip_end > data_start ? ip_end - data_start : 0;
                labels +=
                    "frag (" + std::to_string(packet.fragment_offset) + "|" + std::to_string(fragment_bytes) + ") ";
                break;
            }
            default:
                break;
        }
    }
    return labels;
}

std::string tcp_flag_letters(uint8_t flags) {
    if (flags == 0) return "none";
    // tcpdump's order, with "." for ACK.
    static constexpr std::pair<uint8_t, char> letters[] = {
        {tcp_flag::Fin, 'F'}, {tcp_flag::Syn, 'S'}, {tcp_flag::Rst, 'R'}, {tcp_flag::Psh, 'P'},
        {tcp_flag::Ack, '.'}, {tcp_flag::Urg, 'U'}, {tcp_flag::Ece, 'E'}, {tcp_flag::Cwr, 'W'},
    };
    std::string text;
    for (const auto& [bit, letter] : letters)
        if (flags & bit) text += letter;
    return text;
}

std::string option_text(const TcpOption& option) {
    switch (option.kind) {
        case TcpOption::Kind::EndOfList:
            return "eol";
        case TcpOption::Kind::Nop:
            return "nop";
        case TcpOption::Kind::Mss:
            return "mss " + std::to_string(option.value);
        case TcpOption::Kind::WindowScale:
            return "wscale " + std::to_string(option.value);
        case TcpOption::Kind::SackPermitted:
            return "sackOK";
        case TcpOption::Kind::Sack: {
            std::string text = "sack " + std::to_string(option.sack_count) + " ";
            for (size_t block = 0; block < option.sack_count && block < option.sack.size(); ++block)
                text += "{" + std::to_string(option.sack[block].left) + ":" + std::to_string(option.sack[block].right) +
                        "}";
            return text;
        }
        case TcpOption::Kind::Timestamps:
            return "TS val " + std::to_string(option.value) + " ecr " + std::to_string(option.echo_reply);
        case TcpOption::Kind::Unknown:
            return "unknown-" + std::to_string(option.raw_kind);
    }
    return "unknown-" + std::to_string(option.raw_kind);
}

// What the IP length leaves for the transport header, clipped to the captured bytes.
size_t readable_segment_length(const DecodedPacket& packet) {
    const size_t readable_end = std::min(packet.frame_length, packet.ip_offset + packet.ip_total_length);
    return readable_end > packet.transport_offset ? readable_end - packet.transport_offset : 0;
}

std::string format_tcp(const DecodedPacket& packet) {
    const TcpHeader& tcp = packet.tcp;
    const size_t start = packet.transport_offset;
    const size_t segment_length = declared_segment_length(packet);
    if (readable_segment_length(packet) < TcpMinimumHeaderLength) return " [|tcp]";
    if (tcp.header_length < TcpMinimumHeaderLength) {
        const size_t data_length = segment_length > tcp.header_length ? segment_length - tcp.header_length : 0;
        return " tcp " + std::to_string(data_length) + " [bad hdr length " + std::to_string(tcp.header_length) +
               " - too short, < 20]";
    }

    std::string text = "Flags [" + tcp_flag_letters(tcp.flags) + "]";
    if (tcp.header_length > segment_length) {
        return text + " [bad hdr length " + std::to_string(tcp.header_length) + " - too long, > " +
               std::to_string(segment_length) + "]";
    }
    const size_t data_length = segment_length - tcp.header_length;
    if (data_length > 0) {
        const uint32_t end = tcp.seq + static_cast<uint32_t>(data_length);
        text += ", seq " + std::to_string(tcp.seq) + ":" + std::to_string(end);
    } else if (tcp.flags & (tcp_flag::Syn | tcp_flag::Fin | tcp_flag::Rst)) {
        text += ", seq " + std::to_string(tcp.seq);
    }
    if (tcp.flags & tcp_flag::Ack) text += ", ack " + std::to_string(tcp.ack);
    text += ", win " + std::to_string(tcp.window);
    if (tcp.flags & tcp_flag::Urg) text += ", urg " + std::to_string(tcp.urgent_pointer);

    const bool header_cut_by_capture = packet.frame_length < start + tcp.header_length;
    if (tcp.header_length > TcpMinimumHeaderLength) {
        text += ", options [";
        text += format_tcp_options(tcp);
        const bool options_failed = packet.error && packet.error->offset >= start + TcpMinimumHeaderLength &&
                                    packet.error->offset < start + tcp.header_length;
        if (options_failed && !header_cut_by_capture) {
            // tcpdump's rendering, unbalanced bracket included when no option came first.
            return text + (tcp.option_count == 0 ? "[bad opt]" : ",[bad opt]]");
        }
        if (header_cut_by_capture) return text + " [|tcp]";
        text += "]";
    }
    if (header_cut_by_capture) return text + " [|tcp]";
    return text + ", length " + std::to_string(data_length);
}

std::string format_udp(const DecodedPacket& packet) {
    if (readable_segment_length(packet) < UdpHeaderLength) return " [|udp]";
    if (packet.udp.length < UdpHeaderLength) return "truncated-udplength " + std::to_string(packet.udp.length);
    // A tunnel header that could not be read (the tunnel itself would be in DecodedPacket::tunnels).
    if (packet.error && udp_tunnel_kind(packet.udp.source_port, packet.udp.destination_port) == TunnelKind::Vxlan)
        return packet.payload_length < VxlanHeaderLength ? "VXLAN (invalid)" : "VXLAN [|vxlan]";
    const size_t datagram_length = std::min(declared_segment_length(packet), size_t{packet.udp.length});
    const size_t data_length = datagram_length > UdpHeaderLength ? datagram_length - UdpHeaderLength : 0;
    return "UDP, length " + std::to_string(data_length);
}

// For a frame whose IP header was read but whose transport ports were not.
std::string format_without_ports(const DecodedPacket& packet, const std::string& prefix) {
    std::string text = prefix + packet.source.to_string() + " > " + packet.destination.to_string() + ":";
    const std::string labels = extension_labels(packet);
    if (!labels.empty()) text += " " + labels.substr(0, labels.size() - 1);

    const bool extension_failed =
        packet.error && packet.ip_version == 6 && is_ipv6_extension(packet.protocol) && packet.fragment_offset == 0;
    if (extension_failed) return text + " " + extension_truncation_marker(packet.protocol);
    if (packet.error) {
        if (packet.protocol == ProtocolTcp) return text + " [|tcp]";
        if (packet.protocol == ProtocolUdp) return text + " [|udp]";
        if (packet.protocol == ProtocolGre)
            return text + (readable_segment_length(packet) >= 2 ? " GREv0 [|gre]" : " [|gre]");
        return text + " [|ip]";
    }
    // A non-first IPv6 fragment is described by its "frag (offset|length)" label alone.
    if (packet.transport == Transport::Other && packet.fragment_offset != 0 && packet.ip_version == 6) return text;
    if (packet.transport == Transport::None) return text + " no next header";
    return text + " ip-proto-" + std::to_string(packet.protocol);
}

std::string hex16(uint16_t value) {
    char text[8];
    std::snprintf(text, sizeof text, "0x%04x", value);
    return text;
}

std::string hex_number(uint32_t value) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%x", value);
    return text;
}

// What tcpdump prints for one tunnel before the packet inside it.
std::string tunnel_prefix(const Tunnel& tunnel) {
    const std::string ip = tunnel.ip_version == 4 ? "IP " : "IP6 ";
    const std::string source = tunnel.source.to_string();
    const std::string destination = tunnel.destination.to_string();
    switch (tunnel.kind) {
        case TunnelKind::IpInIp:
        case TunnelKind::Ipv6InIp:
            return ip + source + " > " + destination + ": ";
        case TunnelKind::Gre: {
            std::string text = ip + source + " > " + destination + ": GREv0";
            if (tunnel.flags & GreChecksumPresent) text += ", off " + hex_number(tunnel.gre_offset);
            if (tunnel.has_key) text += ", key=" + hex_number(tunnel.key);
            if (tunnel.has_sequence) text += ", seq " + std::to_string(tunnel.sequence);
            // tcpdump's length is the outer IP payload's: the GRE header and what it carries.
            const size_t outer_header = tunnel.header_offset - tunnel.ip_offset;
            const size_t length = tunnel.ip_total_length > outer_header ? tunnel.ip_total_length - outer_header : 0;
            return text + ", length " + std::to_string(length) + ": ";
        }
        case TunnelKind::Vxlan: {
            const std::string flags = (tunnel.flags & 0x08) ? "I" : ".";
            char flag_byte[8];
            std::snprintf(flag_byte, sizeof flag_byte, "0x%02x", tunnel.flags);
            // tcpdump ends the VXLAN header's line and prints the inner packet on the next.
            return ip + source + "." + std::to_string(tunnel.udp_source_port) + " > " + destination + "." +
                   std::to_string(tunnel.udp_destination_port) + ": VXLAN, flags [" + flags + "] (" + flag_byte +
                   "), vni " + std::to_string(tunnel.key) + "\n";
        }
        case TunnelKind::Geneve: {
            std::string flags;
            if (tunnel.flags & 0x80) flags += "O";
            if (tunnel.flags & 0x40) flags += "C";
            std::string text = ip + source + "." + std::to_string(tunnel.udp_source_port) + " > " + destination + "." +
                               std::to_string(tunnel.udp_destination_port) + ": Geneve, Flags [" +
                               (flags.empty() ? "none" : flags) + "], vni " + hex_number(tunnel.key);
            if (tunnel.options_length > 0) text += ", options [" + std::to_string(tunnel.options_length) + " bytes]";
            return text + ": ";
        }
    }
    return ip + source + " > " + destination + ": ";
}

std::string format_network_line(const DecodedPacket& packet);

}  // namespace

DecodedPacket decode_frame(LinkType link, std::span<const uint8_t> frame, size_t wire_length) {
    DecodedPacket packet;
    packet.link = link;
    packet.frame_length = frame.size();
    Decoder(frame, wire_length, packet).run(link);
    return packet;
}

std::optional<TunnelKind> udp_tunnel_kind(uint16_t source_port, uint16_t destination_port) {
    const uint16_t low = std::min(source_port, destination_port);
    const uint16_t high = std::max(source_port, destination_port);
    auto kind_of = [](uint16_t port) -> std::optional<TunnelKind> {
        if (port == VxlanPort) return TunnelKind::Vxlan;
        if (port == GenevePort) return TunnelKind::Geneve;
        return std::nullopt;
    };
    if (auto kind = kind_of(low)) return kind;
    if (low != 0 && low < FirstUnprivilegedPort) return std::nullopt;
    return kind_of(high);
}

const char* tunnel_name(TunnelKind kind, uint8_t outer_ip_version) {
    switch (kind) {
        case TunnelKind::IpInIp:
            return outer_ip_version == 6 ? "4in6" : "IPIP";
        case TunnelKind::Ipv6InIp:
            return outer_ip_version == 6 ? "6in6" : "6in4";
        case TunnelKind::Gre:
            return "GRE";
        case TunnelKind::Vxlan:
            return "VXLAN";
        case TunnelKind::Geneve:
            return "Geneve";
    }
    return "tunnel";
}

std::string flags_label(uint8_t flags) {
    if (flags == 0) return "none";
    // Handshake and teardown flags read first ("SYN-ACK", "FIN-ACK"); ACK is the usual suffix.
    static constexpr std::pair<uint8_t, const char*> names[] = {
        {tcp_flag::Syn, "SYN"}, {tcp_flag::Fin, "FIN"}, {tcp_flag::Rst, "RST"}, {tcp_flag::Psh, "PSH"},
        {tcp_flag::Urg, "URG"}, {tcp_flag::Ece, "ECE"}, {tcp_flag::Cwr, "CWR"}, {tcp_flag::Ack, "ACK"},
    };
    std::string label;
    for (const auto& [bit, name] : names) {
        if (!(flags & bit)) continue;
        if (!label.empty()) label += '-';
        label += name;
    }
    return label;
}

std::string format_tcp_options(const TcpHeader& tcp) {
    std::string text;
    const size_t count = std::min<size_t>(tcp.option_count, tcp.options.size());
    for (size_t index = 0; index < count; ++index) {
        if (index > 0) text += ',';
        text += option_text(tcp.options[index]);
    }
    return text;
}

std::string format_tcpdump_line(const DecodedPacket& packet) {
    std::string text;
    for (size_t index = 0; index < packet.tunnel_count && index < packet.tunnels.size(); ++index)
        text += tunnel_prefix(packet.tunnels[index]);
    return text + format_network_line(packet);
}

namespace {

std::string format_network_line(const DecodedPacket& packet) {
    if (packet.ip_version == 0) {
        // Inside a tunnel, only an Ethernet header comes before IP.
        if (packet.error) return packet.tunnel_count > 0 ? " [|ether]" : link_marker(packet.link);
        return "ethertype " + hex16(packet.ether_type) + " (not IP), length " + std::to_string(packet.frame_length);
    }

    const bool is_v4 = packet.ip_version == 4;
    if (packet.source.version == 0) {
        // The IP header itself could not be read; these are tcpdump's words for it.
        if (is_v4 && packet.ip_header_length != 0 && packet.ip_header_length < Ipv4MinimumHeaderLength)
            return "IP bad-hlen " + std::to_string(packet.ip_header_length);
        return is_v4 ? "IP  [|ip]" : " [|ip6]";
    }
    if (is_v4 && packet.ip_total_length < packet.ip_header_length)
        return "IP bad-len " + std::to_string(packet.ip_total_length);

    const std::string prefix = is_v4 ? "IP " : "IP6 ";
    if (packet.transport != Transport::Tcp && packet.transport != Transport::Udp)
        return format_without_ports(packet, prefix);

    const bool is_tcp = packet.transport == Transport::Tcp;
    const std::string source_port = std::to_string(is_tcp ? packet.tcp.source_port : packet.udp.source_port);
    const std::string destination_port =
        std::to_string(is_tcp ? packet.tcp.destination_port : packet.udp.destination_port);
    const std::string source = packet.source.to_string();
    const std::string destination = packet.destination.to_string();
    const std::string labels = extension_labels(packet);

    // With extension headers tcpdump prints the addresses, the header names, then the ports.
    std::string text = prefix;
    if (labels.empty())
        text += source + "." + source_port + " > " + destination + "." + destination_port + ": ";
    else
        text += source + " > " + destination + ": " + labels + source_port + " > " + destination_port + ": ";
    return text + (is_tcp ? format_tcp(packet) : format_udp(packet));
}

}  // namespace

const char* tcp_option_name(TcpOption::Kind kind) {
    switch (kind) {
        case TcpOption::Kind::EndOfList:
            return "eol";
        case TcpOption::Kind::Nop:
            return "nop";
        case TcpOption::Kind::Mss:
            return "mss";
        case TcpOption::Kind::WindowScale:
            return "wscale";
        case TcpOption::Kind::SackPermitted:
            return "sackOK";
        case TcpOption::Kind::Sack:
            return "sack";
        case TcpOption::Kind::Timestamps:
            return "TS";
        case TcpOption::Kind::Unknown:
            return "unknown";
    }
    return "unknown";
}

}  // namespace tcplab
