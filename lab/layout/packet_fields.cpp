#include "packet_fields.hpp"

#include <algorithm>
#include <cstdio>

namespace tcplab {
namespace {

constexpr size_t kTcpFixedHeaderLength = 20;
constexpr size_t kUdpHeaderLength = 8;
constexpr size_t kPreviewLimit = 64;
constexpr uint16_t kEtherTypeVlan = 0x8100;
constexpr uint16_t kEtherTypeQinQ = 0x88A8;
constexpr uint16_t kEtherTypeBridged = 0x6558;
constexpr size_t kMaxVlanTags = 255;  // as the decoder

std::string hex_text(uint32_t value, int digits) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "0x%0*x", digits, value);
    return buffer;
}

std::string mac_text(std::span<const uint8_t> bytes) {
    std::string text;
    for (size_t index = 0; index < bytes.size(); ++index) {
        char part[4];
        std::snprintf(part, sizeof part, index ? ":%02x" : "%02x", bytes[index]);
        text += part;
    }
    return text;
}

const char* link_name(LinkType link) {
    switch (link) {
        case LinkType::Null:
            return "NULL (BSD loopback)";
        case LinkType::Ethernet:
            return "Ethernet";
        case LinkType::Raw:
            return "Raw IP";
        case LinkType::Loop:
            return "LOOP (OpenBSD loopback)";
        case LinkType::LinuxSll:
            return "Linux cooked (SLL)";
        case LinkType::Ipv4:
            return "IPv4";
        case LinkType::Ipv6:
            return "IPv6";
        case LinkType::LinuxSll2:
            return "Linux cooked v2 (SLL2)";
    }
    return "?";
}

const char* protocol_name(uint8_t protocol) {
    switch (protocol) {
        case 0:
            return "HBH";
        case 6:
            return "TCP";
        case 17:
            return "UDP";
        case 43:
            return "routing";
        case 44:
            return "fragment";
        case 58:
            return "ICMPv6";
        case 59:
            return "none";
        case 60:
            return "DSTOPT";
        case 1:
            return "ICMP";
        case 4:
            return "IPv4";
        case 41:
            return "IPv6";
        case 47:
            return "GRE";
        default:
            return "";
    }
}

std::string number_and_name(uint32_t number, const char* name) {
    std::string text = std::to_string(number);
    if (name && *name) text += std::string(" (") + name + ")";
    return text;
}

// Collects fields, reading values straight from the frame so the tree always
// says what the hex dump shows, even where the decoder gave up.
class FieldBuilder {
public:
    explicit FieldBuilder(std::span<const uint8_t> frame) : frame_(frame) {}

    bool has(size_t offset, size_t length) const { return offset <= frame_.size() && length <= frame_.size() - offset; }
    uint8_t u8(size_t offset) const { return has(offset, 1) ? frame_[offset] : 0; }
    uint16_t be16(size_t offset) const {
        return has(offset, 2) ? static_cast<uint16_t>((frame_[offset] << 8) | frame_[offset + 1]) : 0;
    }
    uint32_t be32(size_t offset) const {
        if (!has(offset, 4)) return 0;
        return (uint32_t{frame_[offset]} << 24) | (uint32_t{frame_[offset + 1]} << 16) |
               (uint32_t{frame_[offset + 2]} << 8) | uint32_t{frame_[offset + 3]};
    }
    std::span<const uint8_t> bytes(size_t offset, size_t length) const {
        return has(offset, length) ? frame_.subspan(offset, length) : std::span<const uint8_t>{};
    }

    // A layer heading covers what was captured of its layer.
    PacketField& heading(const char* key, std::string value, size_t offset, size_t length) {
        PacketField field;
        field.depth = 0;
        field.label_key = key;
        field.value = std::move(value);
        field.offset = std::min(offset, frame_.size());
        field.length = std::min(length, frame_.size() - field.offset);
        fields_.push_back(std::move(field));
        return fields_.back();
    }

    // A field is listed only when all its bytes were captured.
    PacketField* field(int depth, const char* key, std::string value, size_t offset, size_t length,
                       uint8_t bit_mask = 0) {
        if (!has(offset, length)) return nullptr;
        PacketField field;
        field.depth = depth;
        field.label_key = key;
        field.value = std::move(value);
        field.offset = offset;
        field.length = length;
        field.bit_mask = bit_mask;
        fields_.push_back(std::move(field));
        return &fields_.back();
    }

    void error(const DecodeError& problem) {
        PacketField field;
        field.depth = 0;
        field.label_key = "inspect.field.error";
        field.value = problem.what;
        field.offset = std::min(problem.offset, frame_.size());
        field.length = 0;
        field.is_error = true;
        fields_.push_back(std::move(field));
    }

    std::vector<PacketField> take() { return std::move(fields_); }

private:
    std::span<const uint8_t> frame_;
    std::vector<PacketField> fields_;
};

// MAC addresses, VLAN tags and EtherType of an Ethernet header at `start`:
// the frame's own, or one a tunnel carries.
void add_ethernet_fields(FieldBuilder& out, size_t start) {
    out.field(1, "inspect.field.destination_mac", mac_text(out.bytes(start, 6)), start, 6);
    out.field(1, "inspect.field.source_mac", mac_text(out.bytes(start + 6, 6)), start + 6, 6);
    size_t type_offset = start + 12;
    for (size_t tag = 0; tag < kMaxVlanTags && out.has(type_offset, 6); ++tag, type_offset += 4) {
        const uint16_t type = out.be16(type_offset);
        if (type != kEtherTypeVlan && type != kEtherTypeQinQ) break;
        out.field(1, "inspect.field.vlan_id", std::to_string(out.be16(type_offset + 2) & 0x0FFF), type_offset, 4);
    }
    out.field(1, "inspect.field.ether_type", hex_text(out.be16(type_offset), 4), type_offset, 2);
}

// Where the first IP header starts: the outermost tunnel's, or the packet's own.
size_t first_network_offset(const DecodedPacket& packet) {
    if (packet.tunnel_count > 0) return packet.tunnels[0].ip_offset;
    return packet.ip_version != 0 ? packet.ip_offset : 0;
}

void add_link(FieldBuilder& out, const DecodedPacket& packet, size_t frame_size, const PacketFieldContext& context) {
    const size_t link_length = first_network_offset(packet);
    out.heading("inspect.layer.link", link_name(packet.link), 0, link_length);
    out.field(1, "inspect.field.captured_length", std::to_string(frame_size), 0, 0);
    if (context.original_length != 0)
        out.field(1, "inspect.field.original_length", std::to_string(context.original_length), 0, 0);
    switch (packet.link) {
        case LinkType::Ethernet:
            add_ethernet_fields(out, 0);
            break;
        case LinkType::LinuxSll:
            out.field(1, "inspect.field.packet_type", std::to_string(out.be16(0)), 0, 2);
            out.field(1, "inspect.field.hardware_type", std::to_string(out.be16(2)), 2, 2);
            out.field(1, "inspect.field.link_address", mac_text(out.bytes(6, std::min<size_t>(out.be16(4), 8))), 4, 10);
            out.field(1, "inspect.field.ether_type", hex_text(out.be16(14), 4), 14, 2);
            break;
        case LinkType::LinuxSll2:
            out.field(1, "inspect.field.ether_type", hex_text(out.be16(0), 4), 0, 2);
            out.field(1, "inspect.field.interface_index", std::to_string(out.be32(4)), 4, 4);
            out.field(1, "inspect.field.hardware_type", std::to_string(out.be16(8)), 8, 2);
            out.field(1, "inspect.field.packet_type", std::to_string(out.u8(10)), 10, 1);
            out.field(1, "inspect.field.link_address", mac_text(out.bytes(12, std::min<size_t>(out.u8(11), 8))), 11, 9);
            break;
        case LinkType::Null:
        case LinkType::Loop:
            out.field(1, "inspect.field.address_family", mac_text(out.bytes(0, 4)), 0, 4);
            break;
        case LinkType::Raw:
        case LinkType::Ipv4:
        case LinkType::Ipv6:
            break;
    }
}

// An IPv4 header at `start`; `length_from_frame`: its total length is 0 (offloaded).
void add_ipv4(FieldBuilder& out, size_t start, bool length_from_frame) {
    const size_t header_length = size_t{out.u8(start) & 0x0Fu} * 4;
    auto address_at = [&out](size_t offset) {
        return out.has(offset, 4) ? IpAddress::from_v4_bytes(out.bytes(offset, 4).data()).to_string()
                                  : std::string("?");
    };
    out.heading("inspect.layer.ipv4", address_at(start + 12) + " → " + address_at(start + 16), start,
                std::max<size_t>(header_length, 1));
    out.field(1, "inspect.field.version", std::to_string(out.u8(start) >> 4), start, 1, 0xF0);
    out.field(1, "inspect.field.header_length", std::to_string(header_length), start, 1, 0x0F);
    out.field(1, "inspect.field.tos", hex_text(out.u8(start + 1), 2), start + 1, 1);
    PacketField* total_length =
        out.field(1, "inspect.field.total_length", std::to_string(out.be16(start + 2)), start + 2, 2);
    if (total_length && length_from_frame) total_length->value_key = "inspect.value.length_from_frame";
    out.field(1, "inspect.field.identification", std::to_string(out.be16(start + 4)), start + 4, 2);
    const uint16_t flags_and_offset = out.be16(start + 6);
    out.field(1, "inspect.field.dont_fragment", (flags_and_offset & 0x4000) ? "1" : "0", start + 6, 1, 0x40);
    out.field(1, "inspect.field.more_fragments", (flags_and_offset & 0x2000) ? "1" : "0", start + 6, 1, 0x20);
    out.field(1, "inspect.field.fragment_offset", std::to_string((flags_and_offset & 0x1FFF) * 8), start + 6, 2);
    out.field(1, "inspect.field.ttl", std::to_string(out.u8(start + 8)), start + 8, 1);
    out.field(1, "inspect.field.protocol", number_and_name(out.u8(start + 9), protocol_name(out.u8(start + 9))),
              start + 9, 1);
    out.field(1, "inspect.field.header_checksum", hex_text(out.be16(start + 10), 4), start + 10, 2);
    out.field(1, "inspect.field.source", address_at(start + 12), start + 12, 4);
    out.field(1, "inspect.field.destination", address_at(start + 16), start + 16, 4);
    if (header_length > 20)
        out.field(1, "inspect.field.ip_options", std::to_string(header_length - 20), start + 20, header_length - 20);
}

// An IPv6 header at `start`, with the extension headers the decoder found when it is the packet's own.
void add_ipv6(FieldBuilder& out, size_t start, const DecodedPacket* extensions_of) {
    auto address_at = [&out](size_t offset) {
        return out.has(offset, 16) ? IpAddress::from_v6_bytes(out.bytes(offset, 16).data()).to_string()
                                   : std::string("?");
    };
    out.heading("inspect.layer.ipv6", address_at(start + 8) + " → " + address_at(start + 24), start, 40);
    out.field(1, "inspect.field.version", std::to_string(out.u8(start) >> 4), start, 1, 0xF0);
    out.field(1, "inspect.field.traffic_class", hex_text((out.be16(start) >> 4) & 0xFF, 2), start, 2);
    out.field(1, "inspect.field.flow_label", hex_text(out.be32(start) & 0xFFFFF, 5), start + 1, 3);
    out.field(1, "inspect.field.payload_length", std::to_string(out.be16(start + 4)), start + 4, 2);
    out.field(1, "inspect.field.next_header", number_and_name(out.u8(start + 6), protocol_name(out.u8(start + 6))),
              start + 6, 1);
    out.field(1, "inspect.field.hop_limit", std::to_string(out.u8(start + 7)), start + 7, 1);
    out.field(1, "inspect.field.source", address_at(start + 8), start + 8, 16);
    out.field(1, "inspect.field.destination", address_at(start + 24), start + 24, 16);
    for (uint8_t index = 0; extensions_of && index < extensions_of->ipv6_extension_count; ++index) {
        const Ipv6Extension& extension = extensions_of->ipv6_extensions[index];
        const uint8_t next = out.u8(extension.offset);
        out.field(1, "inspect.field.extension_header",
                  number_and_name(extension.type, protocol_name(extension.type)) + ", " +
                      std::to_string(extension.length) + " B → " + number_and_name(next, protocol_name(next)),
                  extension.offset, extension.length);
    }
}

struct FlagBit {
    uint8_t mask;
    const char* name;
    const char* meaning_key;
};

constexpr FlagBit kFlagBits[] = {
    {tcp_flag::Cwr, "CWR", "inspect.flag.cwr"}, {tcp_flag::Ece, "ECE", "inspect.flag.ece"},
    {tcp_flag::Urg, "URG", "inspect.flag.urg"}, {tcp_flag::Ack, "ACK", "inspect.flag.ack"},
    {tcp_flag::Psh, "PSH", "inspect.flag.psh"}, {tcp_flag::Rst, "RST", "inspect.flag.rst"},
    {tcp_flag::Syn, "SYN", "inspect.flag.syn"}, {tcp_flag::Fin, "FIN", "inspect.flag.fin"},
};

std::string option_value(const TcpOption& option) {
    switch (option.kind) {
        case TcpOption::Kind::Mss:
            return std::to_string(option.value);
        case TcpOption::Kind::WindowScale:
            return std::to_string(option.value) + " (×" + std::to_string(1u << std::min<uint32_t>(option.value, 14)) +
                   ")";
        case TcpOption::Kind::Timestamps:
            return "val " + std::to_string(option.value) + " ecr " + std::to_string(option.echo_reply);
        case TcpOption::Kind::Sack: {
            std::string text;
            for (uint8_t index = 0; index < option.sack_count && index < option.sack.size(); ++index) {
                if (index) text += " ";
                text += "{" + std::to_string(option.sack[index].left) + ":" + std::to_string(option.sack[index].right) +
                        "}";
            }
            return text;
        }
        case TcpOption::Kind::Unknown:
            return "kind " + std::to_string(option.raw_kind) + ", len " + std::to_string(option.length);
        case TcpOption::Kind::EndOfList:
        case TcpOption::Kind::Nop:
        case TcpOption::Kind::SackPermitted:
            return "";
    }
    return "";
}

void add_tcp(FieldBuilder& out, const DecodedPacket& packet, const PacketFieldContext& context) {
    const size_t start = packet.transport_offset;
    const size_t header_length = size_t{out.u8(start + 12)} / 16 * 4;
    const uint8_t flags = out.u8(start + 13);
    const std::string ports = std::to_string(out.be16(start)) + " → " + std::to_string(out.be16(start + 2));
    out.heading("inspect.layer.tcp", out.has(start, 14) ? ports + "  [" + flags_label(flags) + "]" : ports, start,
                std::max(header_length, kTcpFixedHeaderLength));
    out.field(1, "inspect.field.source_port", std::to_string(out.be16(start)), start, 2);
    out.field(1, "inspect.field.destination_port", std::to_string(out.be16(start + 2)), start + 2, 2);
    if (context.relative_seq)
        out.field(1, "inspect.field.seq_relative", std::to_string(*context.relative_seq), start + 4, 4);
    out.field(1, "inspect.field.seq_absolute", std::to_string(out.be32(start + 4)), start + 4, 4);
    if (context.relative_ack && (flags & tcp_flag::Ack))
        out.field(1, "inspect.field.ack_relative", std::to_string(*context.relative_ack), start + 8, 4);
    out.field(1, "inspect.field.ack_absolute", std::to_string(out.be32(start + 8)), start + 8, 4);
    out.field(1, "inspect.field.data_offset", std::to_string(header_length), start + 12, 1, 0xF0);
    if (out.field(1, "inspect.field.flags", hex_text(flags, 2) + "  " + flags_label(flags), start + 13, 1)) {
        for (const FlagBit& bit : kFlagBits) {
            PacketField* row = out.field(2, "", (flags & bit.mask) ? "1" : "0", start + 13, 1, bit.mask);
            row->label = bit.name;
            row->meaning_key = bit.meaning_key;
        }
    }
    const uint16_t window = out.be16(start + 14);
    if (out.field(1, "inspect.field.window", std::to_string(window), start + 14, 2)) {
        // RFC 7323: the window in a SYN is never scaled.
        if (flags & tcp_flag::Syn) {
            out.field(2, "inspect.field.window_scaled", std::to_string(window), start + 14, 2)->value_key =
                "inspect.value.syn_not_scaled";
        } else if (context.window_scale) {
            const uint8_t shift = std::min<uint8_t>(*context.window_scale, 14);
            out.field(2, "inspect.field.window_scaled",
                      std::to_string(uint64_t{window} << shift) + " = " + std::to_string(window) + " × " +
                          std::to_string(1u << shift),
                      start + 14, 2);
        } else {
            out.field(2, "inspect.field.window_scaled", "", start + 14, 2)->value_key = "inspect.value.scale_unknown";
        }
    }
    out.field(1, "inspect.field.checksum", hex_text(out.be16(start + 16), 4), start + 16, 2);
    out.field(1, "inspect.field.urgent_pointer", std::to_string(out.be16(start + 18)), start + 18, 2);
    if (header_length > kTcpFixedHeaderLength &&
        out.field(1, "inspect.field.options", std::to_string(header_length - kTcpFixedHeaderLength) + " B",
                  start + kTcpFixedHeaderLength, header_length - kTcpFixedHeaderLength)) {
        for (uint8_t index = 0; index < packet.tcp.option_count; ++index) {
            const TcpOption& option = packet.tcp.options[index];
            // An end-of-list option owns the padding after it up to the header's end.
            const size_t length = option.kind == TcpOption::Kind::EndOfList
                                      ? start + header_length - std::min<size_t>(option.offset, start + header_length)
                                      : option.length;
            if (PacketField* row = out.field(2, "", option_value(option), option.offset, std::max<size_t>(length, 1)))
                row->label = tcp_option_name(option.kind);
        }
    }
}

void add_udp(FieldBuilder& out, size_t start) {
    out.heading("inspect.layer.udp", std::to_string(out.be16(start)) + " → " + std::to_string(out.be16(start + 2)),
                start, kUdpHeaderLength);
    out.field(1, "inspect.field.source_port", std::to_string(out.be16(start)), start, 2);
    out.field(1, "inspect.field.destination_port", std::to_string(out.be16(start + 2)), start + 2, 2);
    out.field(1, "inspect.field.udp_length", std::to_string(out.be16(start + 4)), start + 4, 2);
    out.field(1, "inspect.field.checksum", hex_text(out.be16(start + 6), 4), start + 6, 2);
}

// A tunnel's own header (after its outer IP header): UDP and VXLAN or Geneve,
// GRE, or nothing for IP-in-IP; then the Ethernet header it carries, if any,
// which ends where `next_network` starts.
void add_tunnel(FieldBuilder& out, const Tunnel& tunnel, size_t next_network) {
    std::string summary = tunnel_name(tunnel.kind, tunnel.ip_version);
    if (tunnel.kind == TunnelKind::Vxlan || tunnel.kind == TunnelKind::Geneve) {
        add_udp(out, tunnel.header_offset);
        const size_t start = tunnel.header_offset + kUdpHeaderLength;
        out.heading("inspect.layer.tunnel", summary + ", VNI " + std::to_string(tunnel.key), start,
                    tunnel.inner_offset - std::min(start, tunnel.inner_offset));
        if (tunnel.kind == TunnelKind::Vxlan) {
            out.field(1, "inspect.field.flags", hex_text(out.u8(start), 2), start, 1);
        } else {
            out.field(1, "inspect.field.version", std::to_string(out.u8(start) >> 6), start, 1, 0xC0);
            out.field(1, "inspect.field.tunnel_options", std::to_string(tunnel.options_length), start, 1, 0x3F);
            out.field(1, "inspect.field.flags", hex_text(out.u8(start + 1), 2), start + 1, 1);
            out.field(1, "inspect.field.carried_protocol", hex_text(out.be16(start + 2), 4), start + 2, 2);
        }
        out.field(1, "inspect.field.tunnel_id", std::to_string(tunnel.key), start + 4, 3);
    } else if (tunnel.kind == TunnelKind::Gre) {
        const size_t start = tunnel.header_offset;
        if (tunnel.has_key) summary += ", key " + std::to_string(tunnel.key);
        out.heading("inspect.layer.tunnel", summary, start, tunnel.inner_offset - std::min(start, tunnel.inner_offset));
        out.field(1, "inspect.field.flags", hex_text(out.be16(start), 4), start, 2);
        out.field(1, "inspect.field.carried_protocol", hex_text(out.be16(start + 2), 4), start + 2, 2);
        size_t position = start + 4;
        if (tunnel.flags & 0x8000) {
            out.field(1, "inspect.field.checksum", hex_text(out.be16(position), 4), position, 2);
            position += 4;
        }
        if (tunnel.has_key) {
            out.field(1, "inspect.field.gre_key", std::to_string(tunnel.key), position, 4);
            position += 4;
        }
        if (tunnel.has_sequence)
            out.field(1, "inspect.field.gre_sequence", std::to_string(tunnel.sequence), position, 4);
    } else {
        out.heading("inspect.layer.tunnel", summary, tunnel.inner_offset, 0);
    }
    if (tunnel.inner_type == kEtherTypeBridged) {
        out.heading("inspect.layer.inner_ethernet", "", tunnel.inner_offset,
                    next_network - std::min(next_network, tunnel.inner_offset));
        add_ethernet_fields(out, tunnel.inner_offset);
    }
}

}  // namespace

std::vector<PacketField> packet_fields(const DecodedPacket& packet, std::span<const uint8_t> frame,
                                       const PacketFieldContext& context) {
    FieldBuilder out(frame);
    add_link(out, packet, frame.size(), context);
    for (size_t index = 0; index < packet.tunnel_count && index < packet.tunnels.size(); ++index) {
        const Tunnel& tunnel = packet.tunnels[index];
        if (tunnel.ip_version == 4) add_ipv4(out, tunnel.ip_offset, false);
        if (tunnel.ip_version == 6) add_ipv6(out, tunnel.ip_offset, nullptr);
        const bool innermost = index + 1 == packet.tunnel_count;
        const size_t next_network = !innermost               ? packet.tunnels[index + 1].ip_offset
                                    : packet.ip_version != 0 ? packet.ip_offset
                                                             : frame.size();
        add_tunnel(out, tunnel, next_network);
    }
    if (packet.ip_version == 4) add_ipv4(out, packet.ip_offset, packet.ip_length_from_frame);
    if (packet.ip_version == 6) add_ipv6(out, packet.ip_offset, &packet);
    if (packet.transport == Transport::Tcp) add_tcp(out, packet, context);
    if (packet.transport == Transport::Udp) add_udp(out, packet.transport_offset);
    const bool numbers_known = packet.transport == Transport::Tcp ? packet.tcp_numbers_known() : !packet.error;
    if (numbers_known && (packet.transport == Transport::Tcp || packet.transport == Transport::Udp)) {
        // The length is the one the IP header gives; the capture may have kept less.
        // A header cut in its options puts the payload past the frame's end.
        const size_t payload_at = std::min(packet.payload_offset, frame.size());
        const size_t captured = std::min(packet.captured_payload_length, frame.size() - payload_at);
        out.heading("inspect.layer.payload", std::to_string(packet.payload_length), payload_at, captured);
        out.field(1, "inspect.field.payload_length", std::to_string(packet.payload_length), payload_at, 0);
        if (packet.cut_by_capture()) {
            if (PacketField* kept =
                    out.field(1, "inspect.field.payload_captured", std::to_string(captured), payload_at, 0))
                kept->value_key = "inspect.value.cut_by_capture";
        }
        if (captured > 0)
            out.field(1, "inspect.field.payload_preview",
                      printable_preview(frame.subspan(packet.payload_offset, captured), kPreviewLimit),
                      packet.payload_offset, captured);
    }
    if (packet.error) out.error(*packet.error);
    return out.take();
}

PacketFieldContext field_context(const Trace& trace, size_t index) {
    PacketFieldContext context;
    const auto& packets = trace.packets();
    if (index >= packets.size()) return context;
    const PacketEvent& packet = packets[index];
    context.original_length = packet.original_length;
    if (packet.transport != Transport::Tcp || packet.connection == kNoConnection) return context;
    context.relative_seq = trace.relative_seq(packet);
    context.relative_ack = trace.relative_ack(packet);

    // What each side's SYN said about window scaling. Linux scales a direction's
    // window only when both SYNs carried the option (RFC 7323 section 2.2).
    struct Announcement {
        bool seen = false;
        bool has_option = false;
        uint8_t shift = 0;
    };
    Announcement announced[2];
    for (const PacketEvent& other : packets) {
        if (other.connection != packet.connection || !(other.flags & tcp_flag::Syn)) continue;
        Announcement& side = announced[other.from_server ? 1 : 0];
        if (side.seen) continue;
        side.seen = true;
        const DecodedPacket decoded = trace.decode(other);
        for (uint8_t option = 0; option < decoded.tcp.option_count; ++option) {
            if (decoded.tcp.options[option].kind != TcpOption::Kind::WindowScale) continue;
            side.has_option = true;
            side.shift = static_cast<uint8_t>(std::min<uint32_t>(decoded.tcp.options[option].value, 14));
        }
        if (announced[0].seen && announced[1].seen) break;
    }
    const Announcement& mine = announced[packet.from_server ? 1 : 0];
    const Announcement& theirs = announced[packet.from_server ? 0 : 1];
    if (mine.seen && theirs.seen) context.window_scale = mine.has_option && theirs.has_option ? mine.shift : 0;
    return context;
}

bool field_covers(const PacketField& field, size_t byte) {
    return field.length > 0 && byte >= field.offset && byte - field.offset < field.length;
}

std::optional<size_t> field_at_byte(const std::vector<PacketField>& fields, size_t byte) {
    std::optional<size_t> best;
    for (size_t index = 0; index < fields.size(); ++index) {
        if (!field_covers(fields[index], byte)) continue;
        if (!best || fields[index].length < fields[*best].length) best = index;
    }
    return best;
}

std::string printable_preview(std::span<const uint8_t> bytes, size_t limit) {
    std::string text;
    for (size_t index = 0; index < bytes.size() && index < limit; ++index)
        text += (bytes[index] >= 0x20 && bytes[index] < 0x7F) ? static_cast<char>(bytes[index]) : '.';
    if (bytes.size() > limit) text += "…";
    return text;
}

}  // namespace tcplab
