// The packet detail's field list: byte ranges inside the frame, flag bits on
// byte 13 of the TCP header, option ranges as the decoder found them, IPv6,
// truncated frames, and language keys that exist.
#include "lab/layout/packet_fields.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "frame_builder.hpp"
#include "lab/i18n.hpp"

namespace tcplab {
namespace {

using test::put16;
using test::put32;

constexpr size_t kIpv4Start = 14;
constexpr size_t kTcpStart = 14 + 20;

// An Ethernet/IPv4 SYN with the options Linux sends:
// mss 65495, sackOK, TS val 1000 ecr 0, nop, wscale 7 (20 option bytes).
std::vector<uint8_t> syn_with_options() {
    std::vector<uint8_t> frame(14 + 20 + 40, 0);
    put16(frame, 12, 0x0800);
    frame[kIpv4Start] = 0x45;
    put16(frame, kIpv4Start + 2, 60);
    put16(frame, kIpv4Start + 4, 0x1234);
    put16(frame, kIpv4Start + 6, 0x4000);  // DF
    frame[kIpv4Start + 8] = 64;
    frame[kIpv4Start + 9] = 6;
    const uint8_t client[4] = {10, 0, 0, 1}, server[4] = {10, 0, 0, 2};
    for (int i = 0; i < 4; ++i) {
        frame[kIpv4Start + 12 + i] = client[i];
        frame[kIpv4Start + 16 + i] = server[i];
    }
    put16(frame, kTcpStart, 40000);
    put16(frame, kTcpStart + 2, 5000);
    put32(frame, kTcpStart + 4, 2292206236u);
    frame[kTcpStart + 12] = 10 << 4;  // 40-byte header
    frame[kTcpStart + 13] = 0x02;     // SYN
    put16(frame, kTcpStart + 14, 65495);
    put16(frame, kTcpStart + 16, 0xbeef);
    const uint8_t options[] = {2, 4, 0xff, 0xd7, 4, 2, 8, 10, 0, 0, 0x03, 0xe8, 0, 0, 0, 0, 1, 3, 3, 7};
    for (size_t i = 0; i < sizeof options; ++i) frame[kTcpStart + 20 + i] = options[i];
    return frame;
}

// Ethernet, IPv6 ::1 → ::1 with a hop-by-hop header (8 bytes), then a TCP PSH-ACK carrying "hi\n".
std::vector<uint8_t> ipv6_with_hop_by_hop() {
    std::vector<uint8_t> frame(14 + 40 + 8 + 20 + 3, 0);
    put16(frame, 12, 0x86dd);
    const size_t ip = 14;
    frame[ip] = 0x60;
    put16(frame, ip + 4, 8 + 20 + 3);
    frame[ip + 6] = 0;  // hop-by-hop
    frame[ip + 7] = 63;
    frame[ip + 23] = 1;  // ::1
    frame[ip + 39] = 1;
    const size_t extension = ip + 40;
    frame[extension] = 6;      // then TCP
    frame[extension + 2] = 1;  // PadN filling the rest
    frame[extension + 3] = 4;
    const size_t tcp = extension + 8;
    put16(frame, tcp, 5000);
    put16(frame, tcp + 2, 40000);
    frame[tcp + 12] = 5 << 4;
    frame[tcp + 13] = 0x18;
    frame[tcp + 20] = 'h';
    frame[tcp + 21] = 'i';
    frame[tcp + 22] = '\n';
    return frame;
}

void expect_inside(const std::vector<PacketField>& fields, size_t frame_size) {
    for (const PacketField& field : fields) {
        EXPECT_LE(field.offset, frame_size) << field.label_key << field.label;
        EXPECT_LE(field.offset + field.length, frame_size) << field.label_key << field.label;
    }
}

const PacketField* find_key(const std::vector<PacketField>& fields, const std::string& key) {
    for (const PacketField& field : fields)
        if (field.label_key == key) return &field;
    return nullptr;
}

TEST(PacketFields, EveryFieldLiesInsideTheFrame) {
    const auto frame = syn_with_options();
    const DecodedPacket packet = decode_frame(LinkType::Ethernet, frame);
    ASSERT_FALSE(packet.error);
    const auto fields = packet_fields(packet, frame, {});
    ASSERT_GT(fields.size(), 30u);
    expect_inside(fields, frame.size());
}

TEST(PacketFields, FlagBitsAreByteThirteenOfTheTcpHeader) {
    const auto frame = syn_with_options();
    const DecodedPacket packet = decode_frame(LinkType::Ethernet, frame);
    const auto fields = packet_fields(packet, frame, {});
    std::vector<std::pair<std::string, uint8_t>> bits;
    for (const PacketField& field : fields) {
        if (field.bit_mask == 0 || field.offset != packet.transport_offset + 13) continue;
        EXPECT_EQ(field.length, 1u);
        EXPECT_EQ(field.depth, 2);
        EXPECT_FALSE(field.meaning_key.empty());
        EXPECT_EQ(field.value, (frame[field.offset] & field.bit_mask) ? "1" : "0") << field.label;
        bits.emplace_back(field.label, field.bit_mask);
    }
    const std::vector<std::pair<std::string, uint8_t>> expected = {{"CWR", 0x80}, {"ECE", 0x40}, {"URG", 0x20},
                                                                   {"ACK", 0x10}, {"PSH", 0x08}, {"RST", 0x04},
                                                                   {"SYN", 0x02}, {"FIN", 0x01}};
    EXPECT_EQ(bits, expected);
    // Only SYN is set in this frame.
    for (const PacketField& field : fields) {
        if (field.label == "SYN") {
            EXPECT_EQ(field.value, "1");
        }
    }
}

TEST(PacketFields, OptionRangesMatchTheDecoder) {
    const auto frame = syn_with_options();
    const DecodedPacket packet = decode_frame(LinkType::Ethernet, frame);
    ASSERT_EQ(packet.tcp.option_count, 5);
    const auto fields = packet_fields(packet, frame, {});
    std::vector<const PacketField*> options;
    for (const PacketField& field : fields)
        if (field.depth == 2 && field.bit_mask == 0 && !field.label.empty()) options.push_back(&field);
    ASSERT_EQ(options.size(), packet.tcp.option_count);
    for (size_t i = 0; i < options.size(); ++i) {
        EXPECT_EQ(options[i]->offset, packet.tcp.options[i].offset);
        EXPECT_EQ(options[i]->length, packet.tcp.options[i].length);
    }
    EXPECT_EQ(options[0]->label, "mss");
    EXPECT_EQ(options[0]->value, "65495");
    EXPECT_EQ(options[2]->label, "TS");
    EXPECT_EQ(options[2]->value, "val 1000 ecr 0");
    EXPECT_EQ(options[4]->label, "wscale");
    EXPECT_EQ(options[4]->value, "7 (×128)");
}

TEST(PacketFields, ValuesComeFromTheRightBytes) {
    const auto frame = syn_with_options();
    const DecodedPacket packet = decode_frame(LinkType::Ethernet, frame);
    PacketFieldContext context;
    context.relative_seq = 0;
    const auto fields = packet_fields(packet, frame, context);
    const PacketField* ttl = find_key(fields, "inspect.field.ttl");
    ASSERT_TRUE(ttl);
    EXPECT_EQ(ttl->value, "64");
    EXPECT_EQ(ttl->offset, kIpv4Start + 8);
    const PacketField* df = find_key(fields, "inspect.field.dont_fragment");
    ASSERT_TRUE(df);
    EXPECT_EQ(df->value, "1");
    EXPECT_EQ(df->bit_mask, 0x40);
    const PacketField* id = find_key(fields, "inspect.field.identification");
    ASSERT_TRUE(id);
    EXPECT_EQ(id->value, std::to_string(0x1234));
    const PacketField* seq = find_key(fields, "inspect.field.seq_absolute");
    ASSERT_TRUE(seq);
    EXPECT_EQ(seq->value, "2292206236");
    EXPECT_EQ(seq->offset, kTcpStart + 4);
    EXPECT_EQ(seq->length, 4u);
    const PacketField* relative = find_key(fields, "inspect.field.seq_relative");
    ASSERT_TRUE(relative);
    EXPECT_EQ(relative->value, "0");
    // No ACK flag: no relative ack number.
    EXPECT_EQ(find_key(fields, "inspect.field.ack_relative"), nullptr);
    const PacketField* source = find_key(fields, "inspect.field.source");
    ASSERT_TRUE(source);
    EXPECT_EQ(source->value, "10.0.0.1");
    // A SYN's window is never scaled.
    const PacketField* scaled = find_key(fields, "inspect.field.window_scaled");
    ASSERT_TRUE(scaled);
    EXPECT_EQ(scaled->value_key, "inspect.value.syn_not_scaled");
}

TEST(PacketFields, ScaledWindowUsesTheKnownShift) {
    test::TcpFrame ack_frame{{IpAddress::v4(10, 0, 0, 1), 40000}, {IpAddress::v4(10, 0, 0, 2), 5000}, 0x10, 1, 1, 64};
    const auto frame = test::ethernet_ipv4_tcp(ack_frame);
    const DecodedPacket packet = decode_frame(LinkType::Ethernet, frame);
    PacketFieldContext context;
    context.window_scale = 10;
    const auto scaled_fields = packet_fields(packet, frame, context);
    const PacketField* scaled = find_key(scaled_fields, "inspect.field.window_scaled");
    ASSERT_TRUE(scaled);
    EXPECT_EQ(scaled->value, "65536 = 64 × 1024");
    const auto unknown_fields = packet_fields(packet, frame, {});
    const PacketField* unknown = find_key(unknown_fields, "inspect.field.window_scaled");
    ASSERT_TRUE(unknown);
    EXPECT_EQ(unknown->value_key, "inspect.value.scale_unknown");
}

TEST(PacketFields, ByteLookupFindsTheNarrowestField) {
    const auto frame = syn_with_options();
    const DecodedPacket packet = decode_frame(LinkType::Ethernet, frame);
    const auto fields = packet_fields(packet, frame, {});
    const auto ttl = field_at_byte(fields, kIpv4Start + 8);
    ASSERT_TRUE(ttl);
    EXPECT_EQ(fields[*ttl].label_key, "inspect.field.ttl");
    const auto flags = field_at_byte(fields, kTcpStart + 13);
    ASSERT_TRUE(flags);
    EXPECT_EQ(fields[*flags].label_key, "inspect.field.flags");
    const auto mss = field_at_byte(fields, kTcpStart + 22);
    ASSERT_TRUE(mss);
    EXPECT_EQ(fields[*mss].label, "mss");
    EXPECT_FALSE(field_at_byte(fields, frame.size()));
    for (size_t byte = 0; byte < frame.size(); ++byte) {
        const auto owner = field_at_byte(fields, byte);
        ASSERT_TRUE(owner) << "byte " << byte << " belongs to no field";
        EXPECT_TRUE(field_covers(fields[*owner], byte));
    }
}

TEST(PacketFields, Ipv6WithAnExtensionHeader) {
    const std::vector<uint8_t> frame = ipv6_with_hop_by_hop();
    const size_t ip = 14, extension = ip + 40, tcp = extension + 8;
    const DecodedPacket packet = decode_frame(LinkType::Ethernet, frame);
    ASSERT_FALSE(packet.error) << packet.error->what;
    const auto fields = packet_fields(packet, frame, {});
    expect_inside(fields, frame.size());
    const PacketField* hop_limit = find_key(fields, "inspect.field.hop_limit");
    ASSERT_TRUE(hop_limit);
    EXPECT_EQ(hop_limit->value, "63");
    EXPECT_EQ(hop_limit->offset, ip + 7);
    const PacketField* ext = find_key(fields, "inspect.field.extension_header");
    ASSERT_TRUE(ext);
    EXPECT_EQ(ext->offset, extension);
    EXPECT_EQ(ext->length, 8u);
    const PacketField* source = find_key(fields, "inspect.field.source");
    ASSERT_TRUE(source);
    EXPECT_EQ(source->value, "::1");
    EXPECT_EQ(source->length, 16u);
    const PacketField* port = find_key(fields, "inspect.field.source_port");
    ASSERT_TRUE(port);
    EXPECT_EQ(port->offset, tcp);
    const PacketField* preview = find_key(fields, "inspect.field.payload_preview");
    ASSERT_TRUE(preview);
    EXPECT_EQ(preview->value, "hi.");
    EXPECT_EQ(preview->offset, tcp + 20);
    EXPECT_EQ(preview->length, 3u);
    EXPECT_EQ(find_key(fields, "inspect.field.ttl"), nullptr);
}

TEST(PacketFields, TruncatedFrameShowsTheErrorAndNoMissingBytes) {
    const auto whole = syn_with_options();
    // Cut inside the TCP header: the ports and seq remain, the rest is gone.
    for (size_t cut : {size_t{10}, kIpv4Start + 12, kTcpStart + 9, kTcpStart + 25}) {
        const std::vector<uint8_t> frame(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(cut));
        const DecodedPacket packet = decode_frame(LinkType::Ethernet, frame);
        ASSERT_TRUE(packet.error) << cut;
        const auto fields = packet_fields(packet, frame, {});
        expect_inside(fields, frame.size());
        ASSERT_FALSE(fields.empty());
        EXPECT_TRUE(fields.back().is_error) << cut;
        EXPECT_EQ(fields.back().label_key, "inspect.field.error");
        EXPECT_EQ(fields.back().value, packet.error->what);
        EXPECT_EQ(find_key(fields, "inspect.field.payload_preview"), nullptr);
        if (cut == kTcpStart + 9) {
            EXPECT_TRUE(find_key(fields, "inspect.field.seq_absolute"));
            EXPECT_FALSE(find_key(fields, "inspect.field.ack_absolute"));
            EXPECT_FALSE(find_key(fields, "inspect.field.flags"));
        }
    }
}

TEST(PacketFields, PreviewShowsPrintableBytesOnly) {
    const std::vector<uint8_t> bytes = {'G', 'E', 'T', ' ', '/', '\r', '\n', 0x00, 0xff};
    EXPECT_EQ(printable_preview(bytes, 64), "GET /....");
    EXPECT_EQ(printable_preview(bytes, 3), "GET…");
    EXPECT_EQ(hex_row_count(0), 0u);
    EXPECT_EQ(hex_row_count(16), 1u);
    EXPECT_EQ(hex_row_count(17), 2u);
}

// ---- tunnels, cut and offloaded packets -------------------------------------------------

const IpAddress kInnerClient = IpAddress::v4(10, 1, 0, 1), kInnerServer = IpAddress::v4(10, 2, 0, 1);
const IpAddress kOuterNear = IpAddress::v4(198, 51, 100, 1), kOuterFar = IpAddress::v4(198, 51, 100, 2);

std::vector<uint8_t> inner_segment(const std::string& payload = "hello") {
    const test::TcpFrame segment{{kInnerClient, 40000}, {kInnerServer, 443}, 0x18, 1000, 2000, 512, payload};
    return test::ipv4_packet(kInnerClient, kInnerServer, 6, test::tcp_segment(segment));
}

std::vector<uint8_t> vxlan_frame() {
    const auto inner = test::ethernet(test::kEtherIpv4, inner_segment());
    return test::ethernet(test::kEtherIpv4, test::ipv4_packet(kOuterNear, kOuterFar, 17,
                                                              test::udp_datagram(50000, 4789, test::vxlan(42, inner))));
}

std::vector<uint8_t> gre_frame() {
    return test::ethernet(test::kEtherIpv4,
                          test::ipv4_packet(kOuterNear, kOuterFar, 47,
                                            test::gre(test::kEtherIpv4, inner_segment(), {.key = 7, .sequence = 9})));
}

std::vector<uint8_t> ipip_frame() {
    return test::ethernet(test::kEtherIpv4, test::ipv4_packet(kOuterNear, kOuterFar, 4, inner_segment()));
}

std::vector<std::string> heading_keys(const std::vector<PacketField>& fields) {
    std::vector<std::string> keys;
    for (const PacketField& field : fields)
        if (field.depth == 0) keys.push_back(field.label_key);
    return keys;
}

TEST(PacketFields, TunnelLayersComeBetweenTheOuterAndTheInnerPacket) {
    const auto frame = vxlan_frame();
    const DecodedPacket packet = decode_frame(LinkType::Ethernet, frame);
    ASSERT_FALSE(packet.error);
    const auto fields = packet_fields(packet, frame, {});
    expect_inside(fields, frame.size());
    EXPECT_EQ(heading_keys(fields),
              (std::vector<std::string>{"inspect.layer.link", "inspect.layer.ipv4", "inspect.layer.udp",
                                        "inspect.layer.tunnel", "inspect.layer.inner_ethernet", "inspect.layer.ipv4",
                                        "inspect.layer.tcp", "inspect.layer.payload"}));
    const PacketField* tunnel = find_key(fields, "inspect.layer.tunnel");
    ASSERT_NE(tunnel, nullptr);
    EXPECT_EQ(tunnel->value, "VXLAN, VNI 42");
    EXPECT_EQ(tunnel->offset, 42u);
    EXPECT_EQ(tunnel->length, 8u);
    const PacketField* vni = find_key(fields, "inspect.field.tunnel_id");
    ASSERT_NE(vni, nullptr);
    EXPECT_EQ(vni->value, "42");
    EXPECT_EQ(vni->offset, 46u);
    // The outer header names the outer addresses, the inner one the connection's.
    std::vector<std::string> ip_headings;
    for (const PacketField& field : fields)
        if (field.label_key == "inspect.layer.ipv4") ip_headings.push_back(field.value);
    EXPECT_EQ(ip_headings, (std::vector<std::string>{"198.51.100.1 → 198.51.100.2", "10.1.0.1 → 10.2.0.1"}));
}

TEST(PacketFields, GreKeyAndSequenceAndIpInIp) {
    const auto gre = gre_frame();
    const auto gre_fields = packet_fields(decode_frame(LinkType::Ethernet, gre), gre, {});
    expect_inside(gre_fields, gre.size());
    const PacketField* key = find_key(gre_fields, "inspect.field.gre_key");
    ASSERT_NE(key, nullptr);
    EXPECT_EQ(key->value, "7");
    EXPECT_EQ(key->offset, 34u + 4u);
    const PacketField* sequence = find_key(gre_fields, "inspect.field.gre_sequence");
    ASSERT_NE(sequence, nullptr);
    EXPECT_EQ(sequence->value, "9");
    EXPECT_EQ(find_key(gre_fields, "inspect.layer.tunnel")->value, "GRE, key 7");

    const auto ipip = ipip_frame();
    const auto ipip_fields = packet_fields(decode_frame(LinkType::Ethernet, ipip), ipip, {});
    EXPECT_EQ(heading_keys(ipip_fields),
              (std::vector<std::string>{"inspect.layer.link", "inspect.layer.ipv4", "inspect.layer.tunnel",
                                        "inspect.layer.ipv4", "inspect.layer.tcp", "inspect.layer.payload"}));
    EXPECT_EQ(find_key(ipip_fields, "inspect.layer.tunnel")->value, "IPIP");
}

TEST(PacketFields, CutPayloadShowsItsLengthFromTheIpHeaderAndWhatWasKept) {
    test::TcpFrame data{{kInnerClient, 40000}, {kInnerServer, 443}, 0x18, 1000, 2000, 512, std::string(500, 'x')};
    const auto whole = test::ethernet_ipv4_tcp(data);
    const std::vector<uint8_t> cut(whole.begin(), whole.begin() + 96);
    const DecodedPacket packet = decode_frame(LinkType::Ethernet, cut, whole.size());
    PacketFieldContext context;
    context.original_length = static_cast<uint32_t>(whole.size());
    const auto fields = packet_fields(packet, cut, context);
    expect_inside(fields, cut.size());
    const PacketField* payload = find_key(fields, "inspect.layer.payload");
    ASSERT_NE(payload, nullptr);
    EXPECT_EQ(payload->value, "500");
    EXPECT_EQ(payload->length, 96u - 54u);
    const PacketField* kept = find_key(fields, "inspect.field.payload_captured");
    ASSERT_NE(kept, nullptr);
    EXPECT_EQ(kept->value, "42");
    EXPECT_EQ(kept->value_key, "inspect.value.cut_by_capture");
    // A whole frame says nothing about what was kept.
    EXPECT_EQ(find_key(packet_fields(decode_frame(LinkType::Ethernet, whole, whole.size()), whole, {}),
                       "inspect.field.payload_captured"),
              nullptr);
}

TEST(PacketFields, OffloadedLengthZeroIsExplained) {
    const test::TcpFrame data{{kInnerClient, 40000}, {kInnerServer, 443}, 0x18, 1000, 2000, 512, "offloaded"};
    const auto frame =
        test::ethernet(test::kEtherIpv4, test::ipv4_packet(kInnerClient, kInnerServer, 6, test::tcp_segment(data), 0));
    const auto fields = packet_fields(decode_frame(LinkType::Ethernet, frame), frame, {});
    const PacketField* total = find_key(fields, "inspect.field.total_length");
    ASSERT_NE(total, nullptr);
    EXPECT_EQ(total->value, "0");
    EXPECT_EQ(total->value_key, "inspect.value.length_from_frame");
    EXPECT_EQ(find_key(fields, "inspect.layer.payload")->value, "9");
}

// Every key the field list uses exists in every language.
TEST(PacketFields, EveryKeyIsDefinedInEveryLanguage) {
    std::set<std::string> keys;
    auto collect = [&keys](const std::vector<PacketField>& fields) {
        for (const PacketField& field : fields)
            for (const std::string& key : {field.label_key, field.value_key, field.meaning_key})
                if (!key.empty()) keys.insert(key);
    };
    const auto frame = syn_with_options();
    collect(packet_fields(decode_frame(LinkType::Ethernet, frame), frame, {}));
    PacketFieldContext context;
    context.relative_seq = 1;
    context.relative_ack = 1;
    context.window_scale = 7;
    context.original_length = 80;
    test::TcpFrame ack_frame{{IpAddress::v4(10, 0, 0, 1), 1}, {IpAddress::v4(10, 0, 0, 2), 2}, 0x18, 1, 1, 64, "x"};
    const auto ack = test::ethernet_ipv4_tcp(ack_frame);
    collect(packet_fields(decode_frame(LinkType::Ethernet, ack), ack, context));
    collect(packet_fields(decode_frame(LinkType::Ethernet, ack), ack, {}));
    const std::vector<uint8_t> cut(frame.begin(), frame.begin() + 40);
    collect(packet_fields(decode_frame(LinkType::Ethernet, cut), cut, {}));
    const auto ipv6 = ipv6_with_hop_by_hop();
    collect(packet_fields(decode_frame(LinkType::Ethernet, ipv6), ipv6, {}));
    // The same IPv4 packet behind Linux cooked headers (v1 and v2) and a BSD loopback header.
    for (const auto& [link, header] : std::vector<std::pair<LinkType, std::vector<uint8_t>>>{
             {LinkType::LinuxSll, {0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00}},
             {LinkType::LinuxSll2, {0x08, 0x00, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0}},
             {LinkType::Null, {2, 0, 0, 0}}}) {
        std::vector<uint8_t> cooked = header;
        cooked.insert(cooked.end(), frame.begin() + 14, frame.end());
        const auto fields = packet_fields(decode_frame(link, cooked), cooked, {});
        expect_inside(fields, cooked.size());
        EXPECT_TRUE(find_key(fields, "inspect.field.ttl")) << static_cast<int>(link);
        collect(fields);
    }
    // A UDP datagram: the IPv4 SYN frame with protocol 17 and an 8-byte header.
    std::vector<uint8_t> udp(frame.begin(), frame.begin() + kTcpStart + 8);
    udp[kIpv4Start + 9] = 17;
    put16(udp, kIpv4Start + 2, 28);
    put16(udp, kTcpStart + 4, 8);
    const auto udp_fields = packet_fields(decode_frame(LinkType::Ethernet, udp), udp, {});
    EXPECT_TRUE(find_key(udp_fields, "inspect.field.udp_length"));
    collect(udp_fields);
    // Tunnels, a cut payload and an offloaded length bring keys of their own.
    for (const auto& tunnelled : {vxlan_frame(), gre_frame(), ipip_frame()})
        collect(packet_fields(decode_frame(LinkType::Ethernet, tunnelled), tunnelled, {}));
    const auto geneve = test::ethernet(
        test::kEtherIpv4,
        test::ipv4_packet(kOuterNear, kOuterFar, 17,
                          test::udp_datagram(50000, 6081, test::geneve(test::kEtherIpv4, 5, inner_segment()))));
    collect(packet_fields(decode_frame(LinkType::Ethernet, geneve), geneve, {}));
    const auto long_segment = test::ethernet_ipv4_tcp(ack_frame);
    const std::vector<uint8_t> short_capture(long_segment.begin(), long_segment.end() - 1);
    collect(packet_fields(decode_frame(LinkType::Ethernet, short_capture, long_segment.size()), short_capture, {}));
    const auto offloaded = test::ethernet(
        test::kEtherIpv4, test::ipv4_packet(kInnerClient, kInnerServer, 6, test::tcp_segment(ack_frame), 0));
    collect(packet_fields(decode_frame(LinkType::Ethernet, offloaded), offloaded, {}));
    EXPECT_GT(keys.size(), 30u);
    for (const std::string& code : Language::codes()) {
        auto language = Language::load(code);
        ASSERT_TRUE(language.ok()) << code;
        for (const std::string& key : keys) EXPECT_TRUE(language.value().has(key)) << code << " lacks " << key;
    }
}

}  // namespace
}  // namespace tcplab
