// Decoder tests in the style of packetdrill's: each case is a captured frame written
// out byte by byte, with the line real tcpdump prints for it.
//
// The golden lines come from tcpdump 4.99 itself, not from this decoder: the
// disabled test WriteSamplesAsPcapFiles writes every sample to a pcap file, and
// tests/fixtures/check_decode_goldens.sh runs `tcpdump -nn -S -r` on each and
// compares. Rerun it after adding or changing a sample.
#include "capture/decode.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace tcplab {
namespace {

struct Sample {
    const char* name = "";
    LinkType link = LinkType::Ethernet;
    // Length on the wire when the capture kept fewer bytes (snaplen); 0 means all were kept.
    size_t wire_length = 0;
    // `tcpdump -nn -S -r file` after the timestamp. For SLL2, tcpdump first prints the
    // capturing interface's name and the direction ("lo    In  "); the decoder has no
    // interface names, so that prefix is left out here.
    const char* tcpdump = "";
    std::vector<uint8_t> bytes;
};

struct MalformedSample {
    const char* name = "";
    LinkType link = LinkType::Ethernet;
    size_t wire_length = 0;
    size_t error_offset = 0;
    const char* error_mentions = "";  // words the error text must contain
    const char* expected_line = "";
    // When false, tcpdump's own text differs (it is quoted beside the sample): the
    // decoder reports these as errors where tcpdump carries on or prints oddly.
    bool matches_tcpdump = false;
    std::vector<uint8_t> bytes;
};

// Byte tables are laid out by hand, one header field group per line.
// clang-format off
const std::vector<Sample> valid_samples = {
    {
        .name = "ethernet_ipv4_syn",
        .link = LinkType::Ethernet,
        .tcpdump = "IP 127.0.0.1.40000 > 127.0.0.1.5000: Flags [S], seq 3857611441, win 65495, options [mss "
                   "65495,sackOK,TS val 1085221727 ecr 0,nop,wscale 7], length 0",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 60, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x3c, 0x9b, 0x2e, 0x40, 0x00, 0x40, 0x06, 0xa1, 0x8b, 0x7f, 0x00, 0x00, 0x01,
                0x7f, 0x00, 0x00, 0x01,
                // TCP: ports 40000 > 5000, seq, ack, offset, flags, window, checksum, urgent
                0x9c, 0x40, 0x13, 0x88, 0xe5, 0xee, 0x7a, 0xb1, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02, 0xff, 0xd7,
                0xd3, 0x8a, 0x00, 0x00,
                // TCP options
                0x02, 0x04, 0xff, 0xd7, 0x04, 0x02, 0x08, 0x0a, 0x40, 0xaf, 0x2b, 0x5f, 0x00, 0x00, 0x00, 0x00,
                0x01, 0x03, 0x03, 0x07,
            },
    },
    {
        .name = "ethernet_ipv4_syn_ack",
        .link = LinkType::Ethernet,
        .tcpdump = "IP 127.0.0.1.5000 > 127.0.0.1.40000: Flags [S.], seq 1193046528, ack 3857611442, win 65483, "
                   "options [mss 65495,sackOK,TS val 1085221727 ecr 1085221727,nop,wscale 7], length 0",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 60, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x3c, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06, 0x3c, 0xba, 0x7f, 0x00, 0x00, 0x01,
                0x7f, 0x00, 0x00, 0x01,
                // TCP: ports 5000 > 40000, seq, ack, offset, flags, window, checksum, urgent
                0x13, 0x88, 0x9c, 0x40, 0x47, 0x1c, 0x72, 0x00, 0xe5, 0xee, 0x7a, 0xb2, 0xa0, 0x12, 0xff, 0xcb,
                0xae, 0x5a, 0x00, 0x00,
                // TCP options
                0x02, 0x04, 0xff, 0xd7, 0x04, 0x02, 0x08, 0x0a, 0x40, 0xaf, 0x2b, 0x5f, 0x40, 0xaf, 0x2b, 0x5f,
                0x01, 0x03, 0x03, 0x07,
            },
    },
    {
        .name = "ethernet_ipv4_ack",
        .link = LinkType::Ethernet,
        .tcpdump = "IP 127.0.0.1.40000 > 127.0.0.1.5000: Flags [.], ack 1193046529, win 512, options [nop,nop,TS val "
                   "1085211231 ecr 1085211231], length 0",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 52, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x34, 0x9b, 0x2f, 0x40, 0x00, 0x40, 0x06, 0xa1, 0x92, 0x7f, 0x00, 0x00, 0x01,
                0x7f, 0x00, 0x00, 0x01,
                // TCP: ports 40000 > 5000, seq, ack, offset, flags, window, checksum, urgent
                0x9c, 0x40, 0x13, 0x88, 0xe5, 0xee, 0x7a, 0xb2, 0x47, 0x1c, 0x72, 0x01, 0x80, 0x10, 0x02, 0x00,
                0x27, 0x17, 0x00, 0x00,
                // TCP options
                0x01, 0x01, 0x08, 0x0a, 0x40, 0xaf, 0x02, 0x5f, 0x40, 0xaf, 0x02, 0x5f,
            },
    },
    {
        .name = "ethernet_ipv4_psh_ack",
        .link = LinkType::Ethernet,
        .tcpdump = "IP 127.0.0.1.40000 > 127.0.0.1.5000: Flags [P.], seq 3857611442:3857611447, ack 1193046529, win "
                   "512, options [nop,nop,TS val 1085211232 ecr 1085211231], length 5",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 57, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x39, 0x9b, 0x30, 0x40, 0x00, 0x40, 0x06, 0xa1, 0x8c, 0x7f, 0x00, 0x00, 0x01,
                0x7f, 0x00, 0x00, 0x01,
                // TCP: ports 40000 > 5000, seq, ack, offset, flags, window, checksum, urgent
                0x9c, 0x40, 0x13, 0x88, 0xe5, 0xee, 0x7a, 0xb2, 0x47, 0x1c, 0x72, 0x01, 0x80, 0x18, 0x02, 0x00,
                0xe3, 0x36, 0x00, 0x00,
                // TCP options
                0x01, 0x01, 0x08, 0x0a, 0x40, 0xaf, 0x02, 0x60, 0x40, 0xaf, 0x02, 0x5f,
                // payload
                0x68, 0x65, 0x6c, 0x6c, 0x6f,
            },
    },
    {
        .name = "ethernet_ipv4_ack_padded",
        .link = LinkType::Ethernet,
        .tcpdump = "IP 192.168.1.10.51000 > 93.184.216.34.8443: Flags [.], ack 200, win 1024, length 0",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 40, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x28, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x26, 0xfd, 0xc0, 0xa8, 0x01, 0x0a,
                0x5d, 0xb8, 0xd8, 0x22,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0xc8, 0x50, 0x10, 0x04, 0x00,
                0xca, 0xe7, 0x00, 0x00,
                // Ethernet padding
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            },
    },
    {
        .name = "ethernet_ipv4_fin_ack",
        .link = LinkType::Ethernet,
        .tcpdump = "IP 127.0.0.1.40000 > 127.0.0.1.5000: Flags [F.], seq 3857611447, ack 1193046529, win 512, options "
                   "[nop,nop,TS val 1085211240 ecr 1085211232], length 0",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 52, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x34, 0x9b, 0x31, 0x40, 0x00, 0x40, 0x06, 0xa1, 0x90, 0x7f, 0x00, 0x00, 0x01,
                0x7f, 0x00, 0x00, 0x01,
                // TCP: ports 40000 > 5000, seq, ack, offset, flags, window, checksum, urgent
                0x9c, 0x40, 0x13, 0x88, 0xe5, 0xee, 0x7a, 0xb7, 0x47, 0x1c, 0x72, 0x01, 0x80, 0x11, 0x02, 0x00,
                0x27, 0x07, 0x00, 0x00,
                // TCP options
                0x01, 0x01, 0x08, 0x0a, 0x40, 0xaf, 0x02, 0x68, 0x40, 0xaf, 0x02, 0x60,
            },
    },
    {
        .name = "ethernet_ipv4_rst_ack",
        .link = LinkType::Ethernet,
        .tcpdump = "IP 93.184.216.34.8443 > 192.168.1.10.51000: Flags [R.], seq 0, ack 101, win 0, length 0",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 40, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x28, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06, 0x43, 0x43, 0x5d, 0xb8, 0xd8, 0x22,
                0xc0, 0xa8, 0x01, 0x0a,
                // TCP: ports 8443 > 51000, seq, ack, offset, flags, window, checksum, urgent
                0x20, 0xfb, 0xc7, 0x38, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x65, 0x50, 0x14, 0x00, 0x00,
                0xcf, 0xaa, 0x00, 0x00,
                // Ethernet padding
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            },
    },
    {
        .name = "ethernet_ipv4_rst",
        .link = LinkType::Ethernet,
        .tcpdump = "IP 93.184.216.34.8443 > 192.168.1.10.51000: Flags [R], seq 200, win 0, length 0",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 40, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x28, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06, 0x43, 0x43, 0x5d, 0xb8, 0xd8, 0x22,
                0xc0, 0xa8, 0x01, 0x0a,
                // TCP: ports 8443 > 51000, seq, ack, offset, flags, window, checksum, urgent
                0x20, 0xfb, 0xc7, 0x38, 0x00, 0x00, 0x00, 0xc8, 0x00, 0x00, 0x00, 0x00, 0x50, 0x04, 0x00, 0x00,
                0xcf, 0x57, 0x00, 0x00,
                // Ethernet padding
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            },
    },
    {
        .name = "ethernet_ipv4_sack",
        .link = LinkType::Ethernet,
        .tcpdump = "IP 93.184.216.34.8443 > 192.168.1.10.51000: Flags [.], ack 3000, win 501, options [nop,nop,TS val "
                   "7 ecr 8,nop,nop,sack 2 {4448:5896}{7344:8792}], length 0",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 72, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x48, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x26, 0xdd, 0x5d, 0xb8, 0xd8, 0x22,
                0xc0, 0xa8, 0x01, 0x0a,
                // TCP: ports 8443 > 51000, seq, ack, offset, flags, window, checksum, urgent
                0x20, 0xfb, 0xc7, 0x38, 0x00, 0x00, 0x00, 0xc9, 0x00, 0x00, 0x0b, 0xb8, 0xd0, 0x10, 0x01, 0xf5,
                0xca, 0xdf, 0x00, 0x00,
                // TCP options
                0x01, 0x01, 0x08, 0x0a, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x08, 0x01, 0x01, 0x05, 0x12,
                0x00, 0x00, 0x11, 0x60, 0x00, 0x00, 0x17, 0x08, 0x00, 0x00, 0x1c, 0xb0, 0x00, 0x00, 0x22, 0x58,
            },
    },
    {
        .name = "ethernet_ipv4_ecn_syn",
        .link = LinkType::Ethernet,
        .tcpdump = "IP 192.168.1.10.51000 > 93.184.216.34.8443: Flags [SEW], seq 77, win 64240, options [mss "
                   "1460,unknown-99,nop,nop], length 0",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 48, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x30, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x26, 0xf5, 0xc0, 0xa8, 0x01, 0x0a,
                0x5d, 0xb8, 0xd8, 0x22,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x00, 0x4d, 0x00, 0x00, 0x00, 0x00, 0x70, 0xc2, 0xfa, 0xf0,
                0x48, 0x60, 0x00, 0x00,
                // TCP options
                0x02, 0x04, 0x05, 0xb4, 0x63, 0x02, 0x01, 0x01,
            },
    },
    {
        .name = "ethernet_ipv4_urgent_fin_psh",
        .link = LinkType::Ethernet,
        .tcpdump =
            "IP 192.168.1.10.51000 > 93.184.216.34.8443: Flags [FP.U], seq 500:501, ack 600, win 1024, urg 1, length 1",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 41, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x29, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x26, 0xfc, 0xc0, 0xa8, 0x01, 0x0a,
                0x5d, 0xb8, 0xd8, 0x22,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x01, 0xf4, 0x00, 0x00, 0x02, 0x58, 0x50, 0x39, 0x04, 0x00,
                0xa6, 0x9c, 0x00, 0x01,
                // payload
                0x21,
                // Ethernet padding
                0x00, 0x00, 0x00, 0x00, 0x00,
            },
    },
    {
        .name = "ethernet_ipv4_sack_eol",
        .link = LinkType::Ethernet,
        .tcpdump = "IP 192.168.1.10.51000 > 93.184.216.34.8443: Flags [S], seq 77, win 64240, options [mss "
                   "1460,sackOK,eol], length 0",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 48, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x30, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x26, 0xf5, 0xc0, 0xa8, 0x01, 0x0a,
                0x5d, 0xb8, 0xd8, 0x22,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x00, 0x4d, 0x00, 0x00, 0x00, 0x00, 0x70, 0x02, 0xfa, 0xf0,
                0xa9, 0x21, 0x00, 0x00,
                // TCP options
                0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x00, 0x00,
            },
    },
    {
        .name = "ethernet_ipv4_fragment",
        .link = LinkType::Ethernet,
        .tcpdump = "IP 192.168.1.10 > 93.184.216.34: ip-proto-6",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 36, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x24, 0x42, 0x42, 0x00, 0xb9, 0x40, 0x06, 0x40, 0x4c, 0xc0, 0xa8, 0x01, 0x0a,
                0x5d, 0xb8, 0xd8, 0x22,
                // fragment data (middle of a TCP segment)
                0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
            },
    },
    {
        .name = "ethernet_ipv4_snaplen",
        .link = LinkType::Ethernet,
        .wire_length = 166,
        .tcpdump = "IP 127.0.0.1.40000 > 127.0.0.1.5000: Flags [P.], seq 3857611442:3857611542, ack 1193046529, win "
                   "512, options [nop,nop,TS val 1 ecr 2], length 100",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 152, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x98, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x20, 0x18, 0x7f, 0x00, 0x00, 0x01,
                0x7f, 0x00, 0x00, 0x01,
                // TCP: ports 40000 > 5000, seq, ack, offset, flags, window, checksum, urgent
                0x9c, 0x40, 0x13, 0x88, 0xe5, 0xee, 0x7a, 0xb2, 0x47, 0x1c, 0x72, 0x01, 0x80, 0x18, 0x02, 0x00,
                0x25, 0x3d, 0x00, 0x00,
                // TCP options
                0x01, 0x01, 0x08, 0x0a, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
                // payload, first 16 of 100 bytes captured
                0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78, 0x78,
            },
    },
    {
        .name = "ethernet_ipv4_rst_data_snaplen_96",
        .link = LinkType::Ethernet,
        .wire_length = 124,
        .tcpdump = "IP 192.168.1.10.8443 > 93.184.216.34.51000: Flags [R.], seq 2000:2058, ack 1005, win 512, options "
                   "[nop,nop,TS val 7 ecr 6], length 58",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 110, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x6e, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x26, 0xb7, 0xc0, 0xa8, 0x01, 0x0a,
                0x5d, 0xb8, 0xd8, 0x22,
                // TCP: ports 8443 > 51000, seq, ack, offset, flags, window, checksum, urgent
                0x20, 0xfb, 0xc7, 0x38, 0x00, 0x00, 0x07, 0xd0, 0x00, 0x00, 0x03, 0xed, 0x80, 0x14, 0x02, 0x00,
                0x00, 0x00, 0x00, 0x00,
                // TCP options
                0x01, 0x01, 0x08, 0x0a, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x06,
                // payload, first 30 of 58 bytes captured
                0x52, 0x52, 0x52, 0x52, 0x52, 0x52, 0x52, 0x52, 0x52, 0x52, 0x52, 0x52, 0x52, 0x52, 0x52, 0x52,
                0x52, 0x52, 0x52, 0x52, 0x52, 0x52, 0x52, 0x52, 0x52, 0x52, 0x52, 0x52, 0x52, 0x52,
            },
    },
    {
        .name = "ethernet_ipv6_data_snaplen_96",
        .link = LinkType::Ethernet,
        .wire_length = 596,
        .tcpdump = "IP6 fd00::a.51000 > fd00::b.8443: Flags [P.], seq 1000:1510, ack 2000, win 512, options "
                   "[nop,nop,TS val 7 ecr 6], length 510",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x86dd
                0x86, 0xdd,
                // IPv6: version/class/flow, payload length 542, next header 6, hop limit, addresses
                0x60, 0x00, 0x00, 0x00, 0x02, 0x1e, 0x06, 0x40, 0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x07, 0xd0, 0x80, 0x18, 0x02, 0x00,
                0x00, 0x00, 0x00, 0x00,
                // TCP options
                0x01, 0x01, 0x08, 0x0a, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x06,
                // payload, first 10 of 510 bytes captured
                0x64, 0x64, 0x64, 0x64, 0x64, 0x64, 0x64, 0x64, 0x64, 0x64,
            },
    },
    {
        .name = "ethernet_ipv6_syn",
        .link = LinkType::Ethernet,
        .tcpdump = "IP6 ::1.40000 > ::1.5000: Flags [S], seq 3857611441, win 65476, options [mss 65476,sackOK,TS val "
                   "2586451772 ecr 0,nop,wscale 7], length 0",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x86dd
                0x86, 0xdd,
                // IPv6: version/class/flow, payload length 40, next header 6, hop limit, addresses
                0x60, 0x00, 0x00, 0x00, 0x00, 0x28, 0x06, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
                // TCP: ports 40000 > 5000, seq, ack, offset, flags, window, checksum, urgent
                0x9c, 0x40, 0x13, 0x88, 0xe5, 0xee, 0x7a, 0xb1, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02, 0xff, 0xc4,
                0x84, 0x59, 0x00, 0x00,
                // TCP options
                0x02, 0x04, 0xff, 0xc4, 0x04, 0x02, 0x08, 0x0a, 0x9a, 0x2a, 0x1f, 0x3c, 0x00, 0x00, 0x00, 0x00,
                0x01, 0x03, 0x03, 0x07,
            },
    },
    {
        .name = "ethernet_ipv6_syn_ack",
        .link = LinkType::Ethernet,
        .tcpdump = "IP6 ::1.5000 > ::1.40000: Flags [S.], seq 1193046528, ack 3857611442, win 65464, options [mss "
                   "65476,sackOK,TS val 2586451772 ecr 2586451772,nop,wscale 7], length 0",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x86dd
                0x86, 0xdd,
                // IPv6: version/class/flow, payload length 40, next header 6, hop limit, addresses
                0x60, 0x00, 0x00, 0x00, 0x00, 0x28, 0x06, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
                // TCP: ports 5000 > 40000, seq, ack, offset, flags, window, checksum, urgent
                0x13, 0x88, 0x9c, 0x40, 0x47, 0x1c, 0x72, 0x00, 0xe5, 0xee, 0x7a, 0xb2, 0xa0, 0x12, 0xff, 0xb8,
                0x11, 0xd1, 0x00, 0x00,
                // TCP options
                0x02, 0x04, 0xff, 0xc4, 0x04, 0x02, 0x08, 0x0a, 0x9a, 0x2a, 0x1f, 0x3c, 0x9a, 0x2a, 0x1f, 0x3c,
                0x01, 0x03, 0x03, 0x07,
            },
    },
    {
        .name = "ethernet_ipv6_hop_by_hop_dest_options",
        .link = LinkType::Ethernet,
        .tcpdump = "IP6 2001:db8::1 > 2001:db8::2: HBH DSTOPT 51000 > 8443: Flags [P.], seq 1000:1005, ack 2000, win "
                   "512, options [nop,nop,TS val 1 ecr 2], length 5",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x86dd
                0x86, 0xdd,
                // IPv6: version/class/flow, payload length 53, next header 0, hop limit, addresses
                0x60, 0x00, 0x00, 0x00, 0x00, 0x35, 0x00, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
                // IPv6 hop-by-hop: next header 60, length 0, PadN
                0x3c, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00,
                // IPv6 destination options: next header 6, length 0, PadN
                0x06, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x07, 0xd0, 0x80, 0x18, 0x02, 0x00,
                0xe1, 0x7a, 0x00, 0x00,
                // TCP options
                0x01, 0x01, 0x08, 0x0a, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
                // payload
                0x68, 0x65, 0x6c, 0x6c, 0x6f,
            },
    },
    {
        .name = "ethernet_ipv6_fragment_first",
        .link = LinkType::Ethernet,
        .tcpdump = "IP6 2001:db8::1 > 2001:db8::2: frag (0|25) 51000 > 8443: Flags [P.], seq 1000:1005, ack 2000, win "
                   "512, length 5",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x86dd
                0x86, 0xdd,
                // IPv6: version/class/flow, payload length 33, next header 44, hop limit, addresses
                0x60, 0x00, 0x00, 0x00, 0x00, 0x21, 0x2c, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
                // IPv6 fragment: next header 6, offset 0, more fragments, id
                0x06, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x07,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x07, 0xd0, 0x50, 0x18, 0x02, 0x00,
                0x1a, 0x95, 0x00, 0x00,
                // payload
                0x68, 0x65, 0x6c, 0x6c, 0x6f,
            },
    },
    {
        .name = "ethernet_ipv6_fragment_later",
        .link = LinkType::Ethernet,
        .tcpdump = "IP6 2001:db8::1 > 2001:db8::2: frag (1448|24)",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x86dd
                0x86, 0xdd,
                // IPv6: version/class/flow, payload length 32, next header 44, hop limit, addresses
                0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 0x2c, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
                // IPv6 fragment: next header 6, offset 1448, last, id
                0x06, 0x00, 0x05, 0xa8, 0x00, 0x00, 0x00, 0x07,
                // fragment data
                0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
                0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
            },
    },
    {
        .name = "ethernet_ipv6_no_next_header",
        .link = LinkType::Ethernet,
        .tcpdump = "IP6 2001:db8::1 > 2001:db8::2: HBH no next header",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x86dd
                0x86, 0xdd,
                // IPv6: version/class/flow, payload length 8, next header 0, hop limit, addresses
                0x60, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
                // IPv6 hop-by-hop: next header 59, length 0, PadN
                0x3b, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00,
            },
    },
    {
        .name = "vlan_ipv4_psh_ack",
        .link = LinkType::Ethernet,
        .tcpdump = "IP 192.168.1.10.51000 > 93.184.216.34.8443: Flags [P.], seq 1000:1005, ack 2000, win 512, options "
                   "[nop,nop,TS val 3 ecr 4], length 5",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // VLAN tag 0x8100, id 100
                0x81, 0x00, 0x00, 0x64,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 57, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x39, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x26, 0xec, 0xc0, 0xa8, 0x01, 0x0a,
                0x5d, 0xb8, 0xd8, 0x22,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x07, 0xd0, 0x80, 0x18, 0x02, 0x00,
                0xbe, 0xca, 0x00, 0x00,
                // TCP options
                0x01, 0x01, 0x08, 0x0a, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04,
                // payload
                0x47, 0x45, 0x54, 0x20, 0x2f,
            },
    },
    {
        .name = "qinq_ipv6_ack",
        .link = LinkType::Ethernet,
        .tcpdump = "IP6 2001:db8::1.51000 > 2001:db8::2.8443: Flags [.], ack 2000, win 512, options [nop,nop,TS val 5 "
                   "ecr 6], length 0",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // VLAN tag 0x88a8, id 200
                0x88, 0xa8, 0x00, 0xc8,
                // VLAN tag 0x8100, id 100
                0x81, 0x00, 0x00, 0x64,
                // ether type 0x86dd
                0x86, 0xdd,
                // IPv6: version/class/flow, payload length 32, next header 6, hop limit, addresses
                0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 0x06, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x03, 0xed, 0x00, 0x00, 0x07, 0xd0, 0x80, 0x10, 0x02, 0x00,
                0x25, 0x4d, 0x00, 0x00,
                // TCP options
                0x01, 0x01, 0x08, 0x0a, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x06,
            },
    },
    {
        .name = "sll_ipv4_psh_ack",
        .link = LinkType::LinuxSll,
        .tcpdump = "IP 127.0.0.1.5000 > 127.0.0.1.40000: Flags [P.], seq 1193046529:1193046534, ack 3857611447, win "
                   "512, options [nop,nop,TS val 9 ecr 8], length 5",
        .bytes =
            {
                // Linux SLL: packet type, ARPHRD, address length, address, protocol
                0x00, 0x00, 0x03, 0x04, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 57, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x39, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x20, 0x77, 0x7f, 0x00, 0x00, 0x01,
                0x7f, 0x00, 0x00, 0x01,
                // TCP: ports 5000 > 40000, seq, ack, offset, flags, window, checksum, urgent
                0x13, 0x88, 0x9c, 0x40, 0x47, 0x1c, 0x72, 0x01, 0xe5, 0xee, 0x7a, 0xb7, 0x80, 0x18, 0x02, 0x00,
                0x5f, 0x34, 0x00, 0x00,
                // TCP options
                0x01, 0x01, 0x08, 0x0a, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x08,
                // payload
                0x77, 0x6f, 0x72, 0x6c, 0x64,
            },
    },
    {
        .name = "sll2_ipv6_syn_ack",
        .link = LinkType::LinuxSll2,
        .tcpdump = "IP6 ::1.5000 > ::1.40000: Flags [S.], seq 1193046528, ack 3857611442, win 65464, options [mss "
                   "65476,sackOK,TS val 2586451772 ecr 2586451772,nop,wscale 7], length 0",
        .bytes =
            {
                // Linux SLL2: protocol, reserved, ifindex, ARPHRD, packet type, address length, address
                0x86, 0xdd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x04, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00,
                // IPv6: version/class/flow, payload length 40, next header 6, hop limit, addresses
                0x60, 0x00, 0x00, 0x00, 0x00, 0x28, 0x06, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
                // TCP: ports 5000 > 40000, seq, ack, offset, flags, window, checksum, urgent
                0x13, 0x88, 0x9c, 0x40, 0x47, 0x1c, 0x72, 0x00, 0xe5, 0xee, 0x7a, 0xb2, 0xa0, 0x12, 0xff, 0xb8,
                0x11, 0xd1, 0x00, 0x00,
                // TCP options
                0x02, 0x04, 0xff, 0xc4, 0x04, 0x02, 0x08, 0x0a, 0x9a, 0x2a, 0x1f, 0x3c, 0x9a, 0x2a, 0x1f, 0x3c,
                0x01, 0x03, 0x03, 0x07,
            },
    },
    {
        .name = "raw_ipv4_fin_ack",
        .link = LinkType::Raw,
        .tcpdump = "IP 192.168.1.10.51000 > 93.184.216.34.8443: Flags [F.], seq 1000, ack 2000, win 512, length 0",
        .bytes =
            {
                // IPv4: version/IHL, TOS, total length 40, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x28, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x26, 0xfd, 0xc0, 0xa8, 0x01, 0x0a,
                0x5d, 0xb8, 0xd8, 0x22,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x07, 0xd0, 0x50, 0x11, 0x02, 0x00,
                0xc2, 0x5a, 0x00, 0x00,
            },
    },
    {
        .name = "raw_ipv6_rst_ack",
        .link = LinkType::Raw,
        .tcpdump = "IP6 2001:db8::1.8443 > 2001:db8::2.51000: Flags [R.], seq 2000, ack 1000, win 0, length 0",
        .bytes =
            {
                // IPv6: version/class/flow, payload length 20, next header 6, hop limit, addresses
                0x60, 0x00, 0x00, 0x00, 0x00, 0x14, 0x06, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
                // TCP: ports 8443 > 51000, seq, ack, offset, flags, window, checksum, urgent
                0x20, 0xfb, 0xc7, 0x38, 0x00, 0x00, 0x07, 0xd0, 0x00, 0x00, 0x03, 0xe8, 0x50, 0x14, 0x00, 0x00,
                0x60, 0x70, 0x00, 0x00,
            },
    },
    {
        .name = "ipv4_link_ack",
        .link = LinkType::Ipv4,
        .tcpdump = "IP 192.168.1.10.51000 > 93.184.216.34.8443: Flags [.], ack 2000, win 512, length 0",
        .bytes =
            {
                // IPv4: version/IHL, TOS, total length 40, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x28, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x26, 0xfd, 0xc0, 0xa8, 0x01, 0x0a,
                0x5d, 0xb8, 0xd8, 0x22,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x07, 0xd0, 0x50, 0x10, 0x02, 0x00,
                0xc2, 0x5b, 0x00, 0x00,
            },
    },
    {
        .name = "ipv6_link_ack",
        .link = LinkType::Ipv6,
        .tcpdump = "IP6 2001:db8::1.51000 > 2001:db8::2.8443: Flags [.], ack 2000, win 512, length 0",
        .bytes =
            {
                // IPv6: version/class/flow, payload length 20, next header 6, hop limit, addresses
                0x60, 0x00, 0x00, 0x00, 0x00, 0x14, 0x06, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x07, 0xd0, 0x50, 0x10, 0x02, 0x00,
                0x5e, 0x74, 0x00, 0x00,
            },
    },
    {
        .name = "null_ipv4_syn",
        .link = LinkType::Null,
        .tcpdump = "IP 127.0.0.1.40000 > 127.0.0.1.5000: Flags [S], seq 3857611441, win 65495, options [mss "
                   "65495,sackOK,TS val 1085221727 ecr 0,nop,wscale 7], length 0",
        .bytes =
            {
                // BSD loopback: address family 2 (AF_INET), host order (little-endian)
                0x02, 0x00, 0x00, 0x00,
                // IPv4: version/IHL, TOS, total length 60, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x3c, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x20, 0x74, 0x7f, 0x00, 0x00, 0x01,
                0x7f, 0x00, 0x00, 0x01,
                // TCP: ports 40000 > 5000, seq, ack, offset, flags, window, checksum, urgent
                0x9c, 0x40, 0x13, 0x88, 0xe5, 0xee, 0x7a, 0xb1, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02, 0xff, 0xd7,
                0xd3, 0x8a, 0x00, 0x00,
                // TCP options
                0x02, 0x04, 0xff, 0xd7, 0x04, 0x02, 0x08, 0x0a, 0x40, 0xaf, 0x2b, 0x5f, 0x00, 0x00, 0x00, 0x00,
                0x01, 0x03, 0x03, 0x07,
            },
    },
    {
        .name = "null_ipv6_ack",
        .link = LinkType::Null,
        .tcpdump = "IP6 ::1.40000 > ::1.5000: Flags [.], ack 1193046529, win 512, length 0",
        .bytes =
            {
                // BSD loopback: address family 30 (Darwin AF_INET6), host order (little-endian)
                0x1e, 0x00, 0x00, 0x00,
                // IPv6: version/class/flow, payload length 20, next header 6, hop limit, addresses
                0x60, 0x00, 0x00, 0x00, 0x00, 0x14, 0x06, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
                // TCP: ports 40000 > 5000, seq, ack, offset, flags, window, checksum, urgent
                0x9c, 0x40, 0x13, 0x88, 0xe5, 0xee, 0x7a, 0xb2, 0x47, 0x1c, 0x72, 0x01, 0x50, 0x10, 0x02, 0x00,
                0xe4, 0x4b, 0x00, 0x00,
            },
    },
    {
        .name = "loop_ipv4_udp",
        .link = LinkType::Loop,
        .tcpdump = "IP 127.0.0.1.40000 > 127.0.0.1.5000: UDP, length 5",
        .bytes =
            {
                // OpenBSD loopback: address family 2 (AF_INET), network order
                0x00, 0x00, 0x00, 0x02,
                // IPv4: version/IHL, TOS, total length 33, id, flags/fragment, TTL, protocol 17, checksum, addresses
                0x45, 0x00, 0x00, 0x21, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x11, 0x20, 0x84, 0x7f, 0x00, 0x00, 0x01,
                0x7f, 0x00, 0x00, 0x01,
                // UDP: ports 40000 > 5000, length, checksum
                0x9c, 0x40, 0x13, 0x88, 0x00, 0x0d, 0x0e, 0x37,
                // payload
                0x68, 0x65, 0x6c, 0x6c, 0x6f,
            },
    },
    {
        .name = "loop_ipv6_syn",
        .link = LinkType::Loop,
        .tcpdump = "IP6 ::1.40000 > ::1.5000: Flags [S], seq 3857611441, win 65476, options [mss 1440], length 0",
        .bytes =
            {
                // OpenBSD loopback: address family 24 (AF_INET6), network order
                0x00, 0x00, 0x00, 0x18,
                // IPv6: version/class/flow, payload length 24, next header 6, hop limit, addresses
                0x60, 0x00, 0x00, 0x00, 0x00, 0x18, 0x06, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
                // TCP: ports 40000 > 5000, seq, ack, offset, flags, window, checksum, urgent
                0x9c, 0x40, 0x13, 0x88, 0xe5, 0xee, 0x7a, 0xb1, 0x00, 0x00, 0x00, 0x00, 0x60, 0x02, 0xff, 0xc4,
                0x88, 0x0b, 0x00, 0x00,
                // TCP options
                0x02, 0x04, 0x05, 0xa0,
            },
    },
    {
        .name = "ethernet_ipv4_udp",
        .link = LinkType::Ethernet,
        .tcpdump = "IP 127.0.0.1.40000 > 127.0.0.1.5000: UDP, length 5",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 33, id, flags/fragment, TTL, protocol 17, checksum, addresses
                0x45, 0x00, 0x00, 0x21, 0x1c, 0x46, 0x00, 0x00, 0x40, 0x11, 0x60, 0x84, 0x7f, 0x00, 0x00, 0x01,
                0x7f, 0x00, 0x00, 0x01,
                // UDP: ports 40000 > 5000, length, checksum
                0x9c, 0x40, 0x13, 0x88, 0x00, 0x0d, 0x0e, 0x37,
                // payload
                0x68, 0x65, 0x6c, 0x6c, 0x6f,
            },
    },
    {
        .name = "ethernet_ipv6_udp",
        .link = LinkType::Ethernet,
        .tcpdump = "IP6 ::1.40000 > ::1.5000: UDP, length 11",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x86dd
                0x86, 0xdd,
                // IPv6: version/class/flow, payload length 19, next header 17, hop limit, addresses
                0x60, 0x00, 0x00, 0x00, 0x00, 0x13, 0x11, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
                // UDP: ports 40000 > 5000, length, checksum
                0x9c, 0x40, 0x13, 0x88, 0x00, 0x13, 0xbe, 0x2f,
                // payload
                0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x20, 0x77, 0x6f, 0x72, 0x6c, 0x64,
            },
    },
    {
        .name = "ethernet_ipv4_udp_padded",
        .link = LinkType::Ethernet,
        .tcpdump = "IP 192.168.1.10.51000 > 93.184.216.34.9999: UDP, length 2",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 30, id, flags/fragment, TTL, protocol 17, checksum, addresses
                0x45, 0x00, 0x00, 0x1e, 0x1c, 0x46, 0x00, 0x00, 0x40, 0x11, 0x66, 0xfc, 0xc0, 0xa8, 0x01, 0x0a,
                0x5d, 0xb8, 0xd8, 0x22,
                // UDP: ports 51000 > 9999, length, checksum
                0xc7, 0x38, 0x27, 0x0f, 0x00, 0x0a, 0xb1, 0x9b,
                // payload
                0x68, 0x69,
                // Ethernet padding
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            },
    },
    // Tunnels: the segment is the innermost packet's; tcpdump prints each outer layer first.
    {
        .name = "vxlan_ipv4_in_ipv4",
        .link = LinkType::Ethernet,
        .tcpdump = "IP 10.0.0.1.50000 > 10.0.0.2.4789: VXLAN, flags [I] (0x08), vni 100\nIP 192.168.1.10.51000 > "
                   "93.184.216.34.8443: Flags [P.], seq 1000:1005, ack 2000, win 512, length 5",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 95, id, flags/fragment, TTL, protocol 17, checksum, addresses
                0x45, 0x00, 0x00, 0x5f, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x11, 0x0a, 0x46, 0x0a, 0x00, 0x00, 0x01,
                0x0a, 0x00, 0x00, 0x02,
                // UDP: ports 50000 > 4789, length 75, checksum
                0xc3, 0x50, 0x12, 0xb5, 0x00, 0x4b, 0x00, 0x00,
                // VXLAN: flags 0x08 (I), reserved, VNI 100, reserved
                0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x64, 0x00,
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 45, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x2d, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x26, 0xf8, 0xc0, 0xa8, 0x01, 0x0a,
                0x5d, 0xb8, 0xd8, 0x22,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x07, 0xd0, 0x50, 0x18, 0x02, 0x00,
                0x00, 0x00, 0x00, 0x00,
                // payload "hello"
                0x68, 0x65, 0x6c, 0x6c, 0x6f,
            },
    },
    {
        .name = "vxlan_ipv6_in_ipv6",
        .link = LinkType::Ethernet,
        .tcpdump = "IP6 2001:db8::1.50000 > 2001:db8::2.4789: VXLAN, flags [I] (0x08), vni 7\nIP6 fd00::a.51000 > "
                   "fd00::b.8443: Flags [P.], seq 1000:1005, ack 2000, win 512, length 5",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x86dd
                0x86, 0xdd,
                // IPv6: version/class/flow, payload length 95, next header 17, hop limit, addresses
                0x60, 0x00, 0x00, 0x00, 0x00, 0x5f, 0x11, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
                // UDP: ports 50000 > 4789, length 95, checksum
                0xc3, 0x50, 0x12, 0xb5, 0x00, 0x5f, 0x00, 0x00,
                // VXLAN: flags 0x08 (I), reserved, VNI 7, reserved
                0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00,
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x86dd
                0x86, 0xdd,
                // IPv6: version/class/flow, payload length 25, next header 6, hop limit, addresses
                0x60, 0x00, 0x00, 0x00, 0x00, 0x19, 0x06, 0x40, 0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x07, 0xd0, 0x50, 0x18, 0x02, 0x00,
                0x00, 0x00, 0x00, 0x00,
                // payload "hello"
                0x68, 0x65, 0x6c, 0x6c, 0x6f,
            },
    },
    {
        .name = "vxlan_inner_vlan",
        .link = LinkType::Ethernet,
        .tcpdump = "IP 10.0.0.1.50000 > 10.0.0.2.4789: VXLAN, flags [I] (0x08), vni 100\nIP 192.168.1.10.51000 > "
                   "93.184.216.34.8443: Flags [P.], seq 1000:1005, ack 2000, win 512, length 5",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 99, id, flags/fragment, TTL, protocol 17, checksum, addresses
                0x45, 0x00, 0x00, 0x63, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x11, 0x0a, 0x42, 0x0a, 0x00, 0x00, 0x01,
                0x0a, 0x00, 0x00, 0x02,
                // UDP: ports 50000 > 4789, length 79, checksum
                0xc3, 0x50, 0x12, 0xb5, 0x00, 0x4f, 0x00, 0x00,
                // VXLAN: flags 0x08 (I), reserved, VNI 100, reserved
                0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x64, 0x00,
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // 802.1Q tag: TPID 0x8100, VLAN 5
                0x81, 0x00, 0x00, 0x05,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 45, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x2d, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x26, 0xf8, 0xc0, 0xa8, 0x01, 0x0a,
                0x5d, 0xb8, 0xd8, 0x22,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x07, 0xd0, 0x50, 0x18, 0x02, 0x00,
                0x00, 0x00, 0x00, 0x00,
                // payload "hello"
                0x68, 0x65, 0x6c, 0x6c, 0x6f,
            },
    },
    {
        .name = "geneve_ethernet_ipv6",
        .link = LinkType::Ethernet,
        .tcpdump = "IP 10.0.0.1.50000 > 10.0.0.2.6081: Geneve, Flags [none], vni 0x64: IP6 fd00::a.51000 > "
                   "fd00::b.8443: Flags [P.], seq 1000:1005, ack 2000, win 512, length 5",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 115, id, flags/fragment, TTL, protocol 17, checksum, addresses
                0x45, 0x00, 0x00, 0x73, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x11, 0x0a, 0x32, 0x0a, 0x00, 0x00, 0x01,
                0x0a, 0x00, 0x00, 0x02,
                // UDP: ports 50000 > 6081, length 95, checksum
                0xc3, 0x50, 0x17, 0xc1, 0x00, 0x5f, 0x00, 0x00,
                // Geneve: version/options length 0, flags, protocol 0x6558, VNI 100, reserved
                0x00, 0x00, 0x65, 0x58, 0x00, 0x00, 0x64, 0x00,
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x86dd
                0x86, 0xdd,
                // IPv6: version/class/flow, payload length 25, next header 6, hop limit, addresses
                0x60, 0x00, 0x00, 0x00, 0x00, 0x19, 0x06, 0x40, 0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x07, 0xd0, 0x50, 0x18, 0x02, 0x00,
                0x00, 0x00, 0x00, 0x00,
                // payload "hello"
                0x68, 0x65, 0x6c, 0x6c, 0x6f,
            },
    },
    {
        .name = "geneve_ipv4_with_option",
        .link = LinkType::Ethernet,
        .tcpdump = "IP 10.0.0.1.50000 > 10.0.0.2.6081: Geneve, Flags [none], vni 0x64, options [8 bytes]: IP "
                   "192.168.1.10.51000 > 93.184.216.34.8443: Flags [P.], seq 1000:1005, ack 2000, win 512, length 5",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 89, id, flags/fragment, TTL, protocol 17, checksum, addresses
                0x45, 0x00, 0x00, 0x59, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x11, 0x0a, 0x4c, 0x0a, 0x00, 0x00, 0x01,
                0x0a, 0x00, 0x00, 0x02,
                // UDP: ports 50000 > 6081, length 69, checksum
                0xc3, 0x50, 0x17, 0xc1, 0x00, 0x45, 0x00, 0x00,
                // Geneve: version/options length 8, flags, protocol 0x0800, VNI 100, reserved
                0x02, 0x00, 0x08, 0x00, 0x00, 0x00, 0x64, 0x00,
                // Geneve option: class, type, length
                0x01, 0x02, 0x80, 0x01, 0xde, 0xad, 0xbe, 0xef,
                // IPv4: version/IHL, TOS, total length 45, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x2d, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x26, 0xf8, 0xc0, 0xa8, 0x01, 0x0a,
                0x5d, 0xb8, 0xd8, 0x22,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x07, 0xd0, 0x50, 0x18, 0x02, 0x00,
                0x00, 0x00, 0x00, 0x00,
                // payload "hello"
                0x68, 0x65, 0x6c, 0x6c, 0x6f,
            },
    },
    {
        .name = "gre_ipv4",
        .link = LinkType::Ethernet,
        .tcpdump = "IP 10.0.0.1 > 10.0.0.2: GREv0, length 49: IP 192.168.1.10.51000 > 93.184.216.34.8443: Flags [P.], "
                   "seq 1000:1005, ack 2000, win 512, length 5",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 69, id, flags/fragment, TTL, protocol 47, checksum, addresses
                0x45, 0x00, 0x00, 0x45, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x2f, 0x0a, 0x42, 0x0a, 0x00, 0x00, 0x01,
                0x0a, 0x00, 0x00, 0x02,
                // GRE: flags 0x0000, protocol 0x0800
                0x00, 0x00, 0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 45, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x2d, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x26, 0xf8, 0xc0, 0xa8, 0x01, 0x0a,
                0x5d, 0xb8, 0xd8, 0x22,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x07, 0xd0, 0x50, 0x18, 0x02, 0x00,
                0x00, 0x00, 0x00, 0x00,
                // payload "hello"
                0x68, 0x65, 0x6c, 0x6c, 0x6f,
            },
    },
    {
        .name = "gre_key_sequence_ipv6",
        .link = LinkType::Ethernet,
        .tcpdump = "IP 10.0.0.1 > 10.0.0.2: GREv0, key=0x7, seq 9, length 77: IP6 fd00::a.51000 > fd00::b.8443: Flags "
                   "[P.], seq 1000:1005, ack 2000, win 512, length 5",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 97, id, flags/fragment, TTL, protocol 47, checksum, addresses
                0x45, 0x00, 0x00, 0x61, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x2f, 0x0a, 0x26, 0x0a, 0x00, 0x00, 0x01,
                0x0a, 0x00, 0x00, 0x02,
                // GRE: flags 0x3000, protocol 0x86dd, key 7, sequence 9
                0x30, 0x00, 0x86, 0xdd, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x09,
                // IPv6: version/class/flow, payload length 25, next header 6, hop limit, addresses
                0x60, 0x00, 0x00, 0x00, 0x00, 0x19, 0x06, 0x40, 0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x07, 0xd0, 0x50, 0x18, 0x02, 0x00,
                0x00, 0x00, 0x00, 0x00,
                // payload "hello"
                0x68, 0x65, 0x6c, 0x6c, 0x6f,
            },
    },
    {
        .name = "gre_checksum_key_ethernet",
        .link = LinkType::Ethernet,
        .tcpdump = "IP6 2001:db8::1 > 2001:db8::2: GREv0, off 0x0, key=0x5, length 71: IP 192.168.1.10.51000 > "
                   "93.184.216.34.8443: Flags [P.], seq 1000:1005, ack 2000, win 512, length 5",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x86dd
                0x86, 0xdd,
                // IPv6: version/class/flow, payload length 71, next header 47, hop limit, addresses
                0x60, 0x00, 0x00, 0x00, 0x00, 0x47, 0x2f, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
                // GRE: flags 0xa000, protocol 0x6558, checksum, offset, key 5
                0xa0, 0x00, 0x65, 0x58, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05,
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 45, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x2d, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x26, 0xf8, 0xc0, 0xa8, 0x01, 0x0a,
                0x5d, 0xb8, 0xd8, 0x22,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x07, 0xd0, 0x50, 0x18, 0x02, 0x00,
                0x00, 0x00, 0x00, 0x00,
                // payload "hello"
                0x68, 0x65, 0x6c, 0x6c, 0x6f,
            },
    },
    {
        .name = "ipip",
        .link = LinkType::Ethernet,
        .tcpdump = "IP 10.0.0.1 > 10.0.0.2: IP 192.168.1.10.51000 > 93.184.216.34.8443: Flags [P.], seq 1000:1005, ack "
                   "2000, win 512, length 5",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 65, id, flags/fragment, TTL, protocol 4, checksum, addresses
                0x45, 0x00, 0x00, 0x41, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x04, 0x0a, 0x71, 0x0a, 0x00, 0x00, 0x01,
                0x0a, 0x00, 0x00, 0x02,
                // IPv4: version/IHL, TOS, total length 45, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x2d, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x26, 0xf8, 0xc0, 0xa8, 0x01, 0x0a,
                0x5d, 0xb8, 0xd8, 0x22,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x07, 0xd0, 0x50, 0x18, 0x02, 0x00,
                0x00, 0x00, 0x00, 0x00,
                // payload "hello"
                0x68, 0x65, 0x6c, 0x6c, 0x6f,
            },
    },
    {
        .name = "ipv6_in_ipv4",
        .link = LinkType::Ethernet,
        .tcpdump = "IP 10.0.0.1 > 10.0.0.2: IP6 fd00::a.51000 > fd00::b.8443: Flags [P.], seq 1000:1005, ack 2000, win "
                   "512, length 5",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 85, id, flags/fragment, TTL, protocol 41, checksum, addresses
                0x45, 0x00, 0x00, 0x55, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x29, 0x0a, 0x38, 0x0a, 0x00, 0x00, 0x01,
                0x0a, 0x00, 0x00, 0x02,
                // IPv6: version/class/flow, payload length 25, next header 6, hop limit, addresses
                0x60, 0x00, 0x00, 0x00, 0x00, 0x19, 0x06, 0x40, 0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x07, 0xd0, 0x50, 0x18, 0x02, 0x00,
                0x00, 0x00, 0x00, 0x00,
                // payload "hello"
                0x68, 0x65, 0x6c, 0x6c, 0x6f,
            },
    },
    {
        .name = "ipv4_in_ipv6",
        .link = LinkType::Ethernet,
        .tcpdump = "IP6 2001:db8::1 > 2001:db8::2: IP 192.168.1.10.51000 > 93.184.216.34.8443: Flags [P.], seq "
                   "1000:1005, ack 2000, win 512, length 5",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x86dd
                0x86, 0xdd,
                // IPv6: version/class/flow, payload length 45, next header 4, hop limit, addresses
                0x60, 0x00, 0x00, 0x00, 0x00, 0x2d, 0x04, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
                // IPv4: version/IHL, TOS, total length 45, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x2d, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x26, 0xf8, 0xc0, 0xa8, 0x01, 0x0a,
                0x5d, 0xb8, 0xd8, 0x22,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x07, 0xd0, 0x50, 0x18, 0x02, 0x00,
                0x00, 0x00, 0x00, 0x00,
                // payload "hello"
                0x68, 0x65, 0x6c, 0x6c, 0x6f,
            },
    },
    {
        .name = "ipv6_in_ipv6",
        .link = LinkType::Ethernet,
        .tcpdump = "IP6 2001:db8::1 > 2001:db8::2: IP6 fd00::a.51000 > fd00::b.8443: Flags [P.], seq 1000:1005, ack "
                   "2000, win 512, length 5",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x86dd
                0x86, 0xdd,
                // IPv6: version/class/flow, payload length 65, next header 41, hop limit, addresses
                0x60, 0x00, 0x00, 0x00, 0x00, 0x41, 0x29, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
                // IPv6: version/class/flow, payload length 25, next header 6, hop limit, addresses
                0x60, 0x00, 0x00, 0x00, 0x00, 0x19, 0x06, 0x40, 0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x07, 0xd0, 0x50, 0x18, 0x02, 0x00,
                0x00, 0x00, 0x00, 0x00,
                // payload "hello"
                0x68, 0x65, 0x6c, 0x6c, 0x6f,
            },
    },
    {
        .name = "ethernet_ipv4_tso_length_0",
        .link = LinkType::Ethernet,
        .tcpdump = "IP bad-len 0",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 0, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x00, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x27, 0x25, 0xc0, 0xa8, 0x01, 0x0a,
                0x5d, 0xb8, 0xd8, 0x22,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x07, 0xd0, 0x50, 0x18, 0x02, 0x00,
                0x00, 0x00, 0x00, 0x00,
                // payload "offloaded segment"
                0x6f, 0x66, 0x66, 0x6c, 0x6f, 0x61, 0x64, 0x65, 0x64, 0x20, 0x73, 0x65, 0x67, 0x6d, 0x65, 0x6e,
                0x74,
            },
    },
};

const std::vector<MalformedSample> malformed_samples = {
    {
        .name = "empty_frame",
        .link = LinkType::Ethernet,
        .error_offset = 0,
        .error_mentions = "Ethernet header truncated",
        // tcpdump cannot store or print an empty frame
        .expected_line = " [|ether]",
        .bytes = {},
    },
    {
        .name = "truncated_ethernet",
        .link = LinkType::Ethernet,
        .wire_length = 58,
        .error_offset = 0,
        .error_mentions = "Ethernet header truncated",
        .expected_line = " [|ether]",
        .matches_tcpdump = true,
        .bytes =
            {
                // Ethernet: destination, source (cut short)
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00,
            },
    },
    {
        .name = "truncated_ipv4_header",
        .link = LinkType::Ethernet,
        .wire_length = 58,
        .error_offset = 14,
        .error_mentions = "IPv4 header truncated",
        .expected_line = "IP  [|ip]",
        .matches_tcpdump = true,
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 44, id, flags/fragment, TTL, protocol 6, checksum, addresses
                // (cut short)
                0x45, 0x00, 0x00, 0x2c, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06,
            },
    },
    {
        .name = "ipv4_header_length_4",
        .link = LinkType::Ethernet,
        .error_offset = 14,
        .error_mentions = "IPv4 header length 16",
        .expected_line = "IP bad-hlen 16",
        .matches_tcpdump = true,
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 40, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x44, 0x00, 0x00, 0x28, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x27, 0xfd, 0xc0, 0xa8, 0x01, 0x0a,
                0x5d, 0xb8, 0xd8, 0x22,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x00, 0x4d, 0x00, 0x00, 0x00, 0x00, 0x50, 0x02, 0xfa, 0xf0,
                0xd4, 0xe3, 0x00, 0x00,
            },
    },
    {
        .name = "ipv4_total_length_10",
        .link = LinkType::Ethernet,
        .error_offset = 16,
        .error_mentions = "IPv4 total length 10",
        .expected_line = "IP bad-len 10",
        .matches_tcpdump = true,
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 10, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x0a, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x27, 0x1b, 0xc0, 0xa8, 0x01, 0x0a,
                0x5d, 0xb8, 0xd8, 0x22,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x00, 0x4d, 0x00, 0x00, 0x00, 0x00, 0x50, 0x02, 0xfa, 0xf0,
                0xd4, 0xe3, 0x00, 0x00,
            },
    },
    {
        .name = "truncated_tcp_header",
        .link = LinkType::Ethernet,
        .wire_length = 58,
        .error_offset = 34,
        .error_mentions = "TCP header truncated",
        .expected_line = "IP 192.168.1.10.51000 > 93.184.216.34.8443:  [|tcp]",
        .matches_tcpdump = true,
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 44, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x2c, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x26, 0xf9, 0xc0, 0xa8, 0x01, 0x0a,
                0x5d, 0xb8, 0xd8, 0x22,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent (cut short)
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x00, 0x4d, 0x00, 0x00, 0x00, 0x00,
            },
    },
    {
        .name = "truncated_tcp_ports",
        .link = LinkType::Ethernet,
        .wire_length = 58,
        .error_offset = 34,
        .error_mentions = "TCP header truncated",
        .expected_line = "IP 192.168.1.10 > 93.184.216.34: [|tcp]",
        .matches_tcpdump = true,
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 44, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x2c, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x26, 0xf9, 0xc0, 0xa8, 0x01, 0x0a,
                0x5d, 0xb8, 0xd8, 0x22,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent (cut short)
                0xc7, 0x38, 0x20,
            },
    },
    {
        .name = "tcp_data_offset_2",
        .link = LinkType::Ethernet,
        .error_offset = 46,
        .error_mentions = "TCP data offset 8",
        .expected_line = "IP 192.168.1.10.51000 > 93.184.216.34.8443:  tcp 12 [bad hdr length 8 - too short, < 20]",
        .matches_tcpdump = true,
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 40, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x28, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x26, 0xfd, 0xc0, 0xa8, 0x01, 0x0a,
                0x5d, 0xb8, 0xd8, 0x22,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x00, 0x4d, 0x00, 0x00, 0x00, 0x00, 0x20, 0x02, 0xfa, 0xf0,
                0x04, 0xe4, 0x00, 0x00,
            },
    },
    {
        .name = "tcp_data_offset_past_end",
        .link = LinkType::Ethernet,
        .error_offset = 46,
        .error_mentions = "TCP data offset 60",
        .expected_line = "IP 192.168.1.10.51000 > 93.184.216.34.8443: Flags [S] [bad hdr length 60 - too long, > 20]",
        .matches_tcpdump = true,
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 40, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x28, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x26, 0xfd, 0xc0, 0xa8, 0x01, 0x0a,
                0x5d, 0xb8, 0xd8, 0x22,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x00, 0x4d, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x02, 0xfa, 0xf0,
                0x34, 0xe3, 0x00, 0x00,
            },
    },
    {
        .name = "tcp_option_length_0",
        .link = LinkType::Ethernet,
        .error_offset = 58,
        .error_mentions = "invalid length 0",
        .expected_line =
            "IP 192.168.1.10.51000 > 93.184.216.34.8443: Flags [S], seq 77, win 64240, options [mss 1460,[bad opt]]",
        .matches_tcpdump = true,
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 48, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x30, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x26, 0xf5, 0xc0, 0xa8, 0x01, 0x0a,
                0x5d, 0xb8, 0xd8, 0x22,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x00, 0x4d, 0x00, 0x00, 0x00, 0x00, 0x70, 0x02, 0xfa, 0xf0,
                0xa9, 0x22, 0x00, 0x00,
                // TCP options
                0x02, 0x04, 0x05, 0xb4, 0x03, 0x00, 0x01, 0x01,
            },
    },
    {
        .name = "tcp_first_option_length_0",
        .link = LinkType::Ethernet,
        .error_offset = 54,
        .error_mentions = "invalid length 0",
        .expected_line = "IP 192.168.1.10.51000 > 93.184.216.34.8443: Flags [S], seq 77, win 64240, options [[bad opt]",
        .matches_tcpdump = true,
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 48, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x30, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x26, 0xf5, 0xc0, 0xa8, 0x01, 0x0a,
                0x5d, 0xb8, 0xd8, 0x22,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x00, 0x4d, 0x00, 0x00, 0x00, 0x00, 0x70, 0x02, 0xfa, 0xf0,
                0xae, 0xd8, 0x00, 0x00,
                // TCP options
                0x03, 0x00, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
            },
    },
    {
        .name = "tcp_option_past_header",
        .link = LinkType::Ethernet,
        .error_offset = 59,
        .error_mentions = "runs past the TCP header",
        .expected_line = "IP 192.168.1.10.51000 > 93.184.216.34.8443: Flags [S], seq 77, win 64240, options [mss "
                         "1460,nop,[bad opt]]",
        .matches_tcpdump = true,
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 48, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x30, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x26, 0xf5, 0xc0, 0xa8, 0x01, 0x0a,
                0x5d, 0xb8, 0xd8, 0x22,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x00, 0x4d, 0x00, 0x00, 0x00, 0x00, 0x70, 0x02, 0xfa, 0xf0,
                0xa2, 0x1b, 0x00, 0x00,
                // TCP options
                0x02, 0x04, 0x05, 0xb4, 0x01, 0x08, 0x0a, 0x00,
            },
    },
    {
        .name = "tcp_option_length_1",
        .link = LinkType::Ethernet,
        .error_offset = 58,
        .error_mentions = "invalid length 1",
        .expected_line =
            "IP 192.168.1.10.51000 > 93.184.216.34.8443: Flags [S], seq 77, win 64240, options [mss 1460,[bad opt]]",
        .matches_tcpdump = true,
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 48, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x30, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x26, 0xf5, 0xc0, 0xa8, 0x01, 0x0a,
                0x5d, 0xb8, 0xd8, 0x22,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x00, 0x4d, 0x00, 0x00, 0x00, 0x00, 0x70, 0x02, 0xfa, 0xf0,
                0xa8, 0x21, 0x00, 0x00,
                // TCP options
                0x02, 0x04, 0x05, 0xb4, 0x04, 0x01, 0x01, 0x01,
            },
    },
    {
        .name = "tcp_sack_bad_length",
        .link = LinkType::Ethernet,
        .error_offset = 56,
        .error_mentions = "TCP option sack has length 11",
        // tcpdump -nn -S prints: IP 192.168.1.10.51000 > 93.184.216.34.8443: Flags [.], ack 99, win 64240, options
        // [nop,nop,sack invalid sack,eol], length 0
        .expected_line =
            "IP 192.168.1.10.51000 > 93.184.216.34.8443: Flags [.], ack 99, win 64240, options [nop,nop,[bad opt]]",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 56, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x38, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x26, 0xed, 0xc0, 0xa8, 0x01, 0x0a,
                0x5d, 0xb8, 0xd8, 0x22,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x00, 0x4d, 0x00, 0x00, 0x00, 0x63, 0x90, 0x10, 0xfa, 0xf0,
                0x8e, 0x56, 0x00, 0x00,
                // TCP options
                0x01, 0x01, 0x05, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            },
    },
    {
        .name = "tcp_options_cut_by_snaplen",
        .link = LinkType::Ethernet,
        .wire_length = 74,
        .error_offset = 60,
        .error_mentions = "TCP option kind 8 truncated",
        // tcpdump -nn -S prints: IP 127.0.0.1.40000 > 127.0.0.1.5000: Flags [S], seq 3857611441, win 65495, options
        // [mss 65495,sackOK,TS [|tcp]>
        .expected_line = "IP 127.0.0.1.40000 > 127.0.0.1.5000: Flags [S], seq 3857611441, win 65495, options [mss "
                         "65495,sackOK [|tcp]",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 60, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x3c, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x20, 0x74, 0x7f, 0x00, 0x00, 0x01,
                0x7f, 0x00, 0x00, 0x01,
                // TCP: ports 40000 > 5000, seq, ack, offset, flags, window, checksum, urgent
                0x9c, 0x40, 0x13, 0x88, 0xe5, 0xee, 0x7a, 0xb1, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02, 0xff, 0xd7,
                0xd3, 0x8a, 0x00, 0x00,
                // TCP options (cut short)
                0x02, 0x04, 0xff, 0xd7, 0x04, 0x02, 0x08, 0x0a, 0x40, 0xaf,
            },
    },
    {
        .name = "ipv6_truncated_extension_chain",
        .link = LinkType::Ethernet,
        .wire_length = 82,
        .error_offset = 54,
        .error_mentions = "IPv6 extension header truncated",
        .expected_line = "IP6 2001:db8::1 > 2001:db8::2:  [|hbhopt]",
        .matches_tcpdump = true,
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x86dd
                0x86, 0xdd,
                // IPv6: version/class/flow, payload length 28, next header 0, hop limit, addresses
                0x60, 0x00, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
                // IPv6 hop-by-hop: next header 6, length 0, PadN (cut short)
                0x06, 0x00, 0x01, 0x04,
            },
    },
    {
        .name = "ipv6_extension_past_payload_length",
        .link = LinkType::Ethernet,
        .error_offset = 54,
        .error_mentions = "IPv6 extension header truncated",
        .expected_line = "IP6 2001:db8::1 > 2001:db8::2:  [|hbhopt]",
        .matches_tcpdump = true,
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x86dd
                0x86, 0xdd,
                // IPv6: version/class/flow, payload length 8, next header 0, hop limit, addresses
                0x60, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
                // IPv6 hop-by-hop: next header 6, length 1 (16 bytes), but payload length is 8
                0x06, 0x01, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00,
            },
    },
    {
        .name = "truncated_ipv6_header",
        .link = LinkType::Ethernet,
        .wire_length = 74,
        .error_offset = 14,
        .error_mentions = "IPv6 header truncated",
        .expected_line = " [|ip6]",
        .matches_tcpdump = true,
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x86dd
                0x86, 0xdd,
                // IPv6: version/class/flow, payload length 20, next header 6, hop limit, addresses (cut short)
                0x60, 0x00, 0x00, 0x00, 0x00, 0x14, 0x06, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00,
            },
    },
    {
        .name = "udp_length_4",
        .link = LinkType::Ethernet,
        .error_offset = 38,
        .error_mentions = "UDP length 4",
        .expected_line = "IP 192.168.1.10.51000 > 93.184.216.34.9999: truncated-udplength 4",
        .matches_tcpdump = true,
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 33, id, flags/fragment, TTL, protocol 17, checksum, addresses
                0x45, 0x00, 0x00, 0x21, 0x1c, 0x46, 0x00, 0x00, 0x40, 0x11, 0x66, 0xf9, 0xc0, 0xa8, 0x01, 0x0a,
                0x5d, 0xb8, 0xd8, 0x22,
                // UDP: ports 51000 > 9999, length, checksum
                0xc7, 0x38, 0x27, 0x0f, 0x00, 0x04, 0xd6, 0x35,
                // payload
                0x68, 0x65, 0x6c, 0x6c, 0x6f,
            },
    },
    {
        .name = "truncated_udp_header",
        .link = LinkType::Ethernet,
        .wire_length = 47,
        .error_offset = 34,
        .error_mentions = "UDP header truncated",
        .expected_line = "IP 192.168.1.10.51000 > 93.184.216.34.9999:  [|udp]",
        .matches_tcpdump = true,
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 33, id, flags/fragment, TTL, protocol 17, checksum, addresses
                0x45, 0x00, 0x00, 0x21, 0x1c, 0x46, 0x00, 0x00, 0x40, 0x11, 0x66, 0xf9, 0xc0, 0xa8, 0x01, 0x0a,
                0x5d, 0xb8, 0xd8, 0x22,
                // UDP: ports 51000 > 9999, length, checksum (cut short)
                0xc7, 0x38, 0x27, 0x0f, 0x00,
            },
    },
    {
        .name = "vxlan_header_truncated",
        .link = LinkType::Ethernet,
        .error_offset = 42,
        .error_mentions = "VXLAN header truncated",
        .expected_line = "IP 10.0.0.1.50000 > 10.0.0.2.4789: VXLAN (invalid)",
        .matches_tcpdump = true,
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 32, id, flags/fragment, TTL, protocol 17, checksum, addresses
                0x45, 0x00, 0x00, 0x20, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x11, 0x0a, 0x85, 0x0a, 0x00, 0x00, 0x01,
                0x0a, 0x00, 0x00, 0x02,
                // UDP: ports 50000 > 4789, length 12, checksum
                0xc3, 0x50, 0x12, 0xb5, 0x00, 0x0c, 0x00, 0x00,
                // VXLAN header, first 4 of 8 bytes
                0x08, 0x00, 0x00, 0x00,
            },
    },
    {
        .name = "geneve_options_past_datagram",
        .link = LinkType::Ethernet,
        .error_offset = 42,
        .error_mentions = "Geneve header with options truncated",
        // tcpdump -nn -S prints: IP 10.0.0.1.50000 > 10.0.0.2.6081: Geneve, Flags [none], vni 0x64 truncated-geneve -
        // 12 bytes missing
        .expected_line = "IP 10.0.0.1.50000 > 10.0.0.2.6081: UDP, length 12",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 40, id, flags/fragment, TTL, protocol 17, checksum, addresses
                0x45, 0x00, 0x00, 0x28, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x11, 0x0a, 0x7d, 0x0a, 0x00, 0x00, 0x01,
                0x0a, 0x00, 0x00, 0x02,
                // UDP: ports 50000 > 6081, length 20, checksum
                0xc3, 0x50, 0x17, 0xc1, 0x00, 0x14, 0x00, 0x00,
                // Geneve: options length 16 (4 words), flags, protocol 0x0800, VNI 100, reserved
                0x04, 0x00, 0x08, 0x00, 0x00, 0x00, 0x64, 0x00,
                // 4 of the 16 option bytes
                0x01, 0x02, 0x03, 0x04,
            },
    },
    {
        .name = "geneve_version_1",
        .link = LinkType::Ethernet,
        .error_offset = 42,
        .error_mentions = "Geneve header has version 1",
        // tcpdump -nn -S prints: IP 10.0.0.1.50000 > 10.0.0.2.6081: Geneve ERROR: unknown-version 1
        .expected_line = "IP 10.0.0.1.50000 > 10.0.0.2.6081: UDP, length 53",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 81, id, flags/fragment, TTL, protocol 17, checksum, addresses
                0x45, 0x00, 0x00, 0x51, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x11, 0x0a, 0x54, 0x0a, 0x00, 0x00, 0x01,
                0x0a, 0x00, 0x00, 0x02,
                // UDP: ports 50000 > 6081, length 61, checksum
                0xc3, 0x50, 0x17, 0xc1, 0x00, 0x3d, 0x00, 0x00,
                // Geneve: version/options length 0, flags, protocol 0x0800, VNI 100, reserved
                0x40, 0x00, 0x08, 0x00, 0x00, 0x00, 0x64, 0x00,
                // IPv4: version/IHL, TOS, total length 45, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x2d, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x26, 0xf8, 0xc0, 0xa8, 0x01, 0x0a,
                0x5d, 0xb8, 0xd8, 0x22,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x07, 0xd0, 0x50, 0x18, 0x02, 0x00,
                0x00, 0x00, 0x00, 0x00,
                // payload "hello"
                0x68, 0x65, 0x6c, 0x6c, 0x6f,
            },
    },
    {
        .name = "gre_key_truncated",
        .link = LinkType::Ethernet,
        .error_offset = 34,
        .error_mentions = "GRE header truncated",
        .expected_line = "IP 10.0.0.1 > 10.0.0.2: GREv0 [|gre]",
        .matches_tcpdump = true,
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 26, id, flags/fragment, TTL, protocol 47, checksum, addresses
                0x45, 0x00, 0x00, 0x1a, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x2f, 0x0a, 0x6d, 0x0a, 0x00, 0x00, 0x01,
                0x0a, 0x00, 0x00, 0x02,
                // GRE: flags 0x2000 (key present), protocol 0x0800, first 2 key bytes
                0x20, 0x00, 0x08, 0x00, 0x00, 0x00,
            },
    },
    {
        .name = "vxlan_inner_ethernet_truncated",
        .link = LinkType::Ethernet,
        .error_offset = 50,
        .error_mentions = "Ethernet header truncated",
        .expected_line = "IP 10.0.0.1.50000 > 10.0.0.2.4789: VXLAN, flags [I] (0x08), vni 100\n [|ether]",
        .matches_tcpdump = true,
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 46, id, flags/fragment, TTL, protocol 17, checksum, addresses
                0x45, 0x00, 0x00, 0x2e, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x11, 0x0a, 0x77, 0x0a, 0x00, 0x00, 0x01,
                0x0a, 0x00, 0x00, 0x02,
                // UDP: ports 50000 > 4789, length 26, checksum
                0xc3, 0x50, 0x12, 0xb5, 0x00, 0x1a, 0x00, 0x00,
                // VXLAN: flags 0x08 (I), reserved, VNI 100, reserved
                0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x64, 0x00,
                // inner Ethernet, first 10 bytes
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00,
            },
    },
    {
        .name = "ipip_inner_header_truncated",
        .link = LinkType::Ethernet,
        .error_offset = 34,
        .error_mentions = "IPv4 header truncated",
        .expected_line = "IP 10.0.0.1 > 10.0.0.2: IP  [|ip]",
        .matches_tcpdump = true,
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 32, id, flags/fragment, TTL, protocol 4, checksum, addresses
                0x45, 0x00, 0x00, 0x20, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x04, 0x0a, 0x92, 0x0a, 0x00, 0x00, 0x01,
                0x0a, 0x00, 0x00, 0x02,
                // inner IPv4, first 12 bytes
                0x45, 0x00, 0x00, 0x2d, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x26, 0xf8,
            },
    },
    {
        .name = "tunnels_nested_too_deep",
        .link = LinkType::Ethernet,
        .error_offset = 114,
        .error_mentions = "tunnels nested more than 4 deep",
        // tcpdump -nn -S prints all five outer headers and the segment: IP 10.0.0.1 > 10.0.0.2: (five times) IP
        // 192.168.1.10.51000 > 93.184.216.34.8443: Flags [P.], seq 1000:1005, ack 2000, win 512, length 5
        .expected_line = "IP 10.0.0.1 > 10.0.0.2: IP 10.0.0.1 > 10.0.0.2: IP 10.0.0.1 > 10.0.0.2: IP 10.0.0.1 > "
                         "10.0.0.2: IP 10.0.0.1 > 10.0.0.2: [|ip]",
        .bytes =
            {
                // Ethernet: destination, source
                0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                // ether type 0x0800
                0x08, 0x00,
                // IPv4: version/IHL, TOS, total length 145, id, flags/fragment, TTL, protocol 4, checksum, addresses
                0x45, 0x00, 0x00, 0x91, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x04, 0x0a, 0x21, 0x0a, 0x00, 0x00, 0x01,
                0x0a, 0x00, 0x00, 0x02,
                // IPv4: version/IHL, TOS, total length 125, id, flags/fragment, TTL, protocol 4, checksum, addresses
                0x45, 0x00, 0x00, 0x7d, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x04, 0x0a, 0x35, 0x0a, 0x00, 0x00, 0x01,
                0x0a, 0x00, 0x00, 0x02,
                // IPv4: version/IHL, TOS, total length 105, id, flags/fragment, TTL, protocol 4, checksum, addresses
                0x45, 0x00, 0x00, 0x69, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x04, 0x0a, 0x49, 0x0a, 0x00, 0x00, 0x01,
                0x0a, 0x00, 0x00, 0x02,
                // IPv4: version/IHL, TOS, total length 85, id, flags/fragment, TTL, protocol 4, checksum, addresses
                0x45, 0x00, 0x00, 0x55, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x04, 0x0a, 0x5d, 0x0a, 0x00, 0x00, 0x01,
                0x0a, 0x00, 0x00, 0x02,
                // IPv4: version/IHL, TOS, total length 65, id, flags/fragment, TTL, protocol 4, checksum, addresses
                0x45, 0x00, 0x00, 0x41, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x04, 0x0a, 0x71, 0x0a, 0x00, 0x00, 0x01,
                0x0a, 0x00, 0x00, 0x02,
                // IPv4: version/IHL, TOS, total length 45, id, flags/fragment, TTL, protocol 6, checksum, addresses
                0x45, 0x00, 0x00, 0x2d, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x26, 0xf8, 0xc0, 0xa8, 0x01, 0x0a,
                0x5d, 0xb8, 0xd8, 0x22,
                // TCP: ports 51000 > 8443, seq, ack, offset, flags, window, checksum, urgent
                0xc7, 0x38, 0x20, 0xfb, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x07, 0xd0, 0x50, 0x18, 0x02, 0x00,
                0x00, 0x00, 0x00, 0x00,
                // payload "hello"
                0x68, 0x65, 0x6c, 0x6c, 0x6f,
            },
    },
};
// clang-format on

// gtest prints a parameter in test names and failures; the name says more than its bytes.
void PrintTo(const Sample& sample, std::ostream* out) { *out << sample.name; }
void PrintTo(const MalformedSample& sample, std::ostream* out) { *out << sample.name; }

std::string sample_name(const testing::TestParamInfo<Sample>& info) { return info.param.name; }
std::string malformed_name(const testing::TestParamInfo<MalformedSample>& info) { return info.param.name; }

const Sample& find_sample(std::string_view name) {
    for (const Sample& sample : valid_samples)
        if (name == sample.name) return sample;
    ADD_FAILURE() << "no sample named " << name;
    return valid_samples.front();
}

DecodedPacket decode(const Sample& sample) { return decode_frame(sample.link, sample.bytes, sample.wire_length); }
DecodedPacket decode(std::string_view name) { return decode(find_sample(name)); }

std::string error_text(const DecodedPacket& packet) {
    return packet.error ? packet.error->what + " at offset " + std::to_string(packet.error->offset) : "no error";
}

// ---- golden lines ---------------------------------------------------------------------

class ValidFrame : public testing::TestWithParam<Sample> {};

TEST_P(ValidFrame, DecodesWithoutErrorAndPrintsTcpdumpLine) {
    const Sample& sample = GetParam();
    const DecodedPacket packet = decode(sample);
    EXPECT_FALSE(packet.error) << error_text(packet);
    EXPECT_EQ(packet.frame_length, sample.bytes.size());
    EXPECT_EQ(format_tcpdump_line(packet), sample.tcpdump);
}

INSTANTIATE_TEST_SUITE_P(Samples, ValidFrame, testing::ValuesIn(valid_samples), sample_name);

class MalformedFrame : public testing::TestWithParam<MalformedSample> {};

TEST_P(MalformedFrame, ReportsErrorAtOffsetAndKeepsEarlierLayers) {
    const MalformedSample& sample = GetParam();
    const DecodedPacket packet = decode_frame(sample.link, sample.bytes, sample.wire_length);
    ASSERT_TRUE(packet.error);
    EXPECT_EQ(packet.error->offset, sample.error_offset) << packet.error->what;
    EXPECT_NE(packet.error->what.find(sample.error_mentions), std::string::npos) << packet.error->what;
    EXPECT_EQ(format_tcpdump_line(packet), sample.expected_line);
}

INSTANTIATE_TEST_SUITE_P(Samples, MalformedFrame, testing::ValuesIn(malformed_samples), malformed_name);

// ---- fields ---------------------------------------------------------------------------

TEST(DecodeFields, EthernetIpv4SynWithAllCommonOptions) {
    const DecodedPacket packet = decode("ethernet_ipv4_syn");
    EXPECT_EQ(packet.link, LinkType::Ethernet);
    EXPECT_EQ(packet.ether_type, 0x0800);
    EXPECT_EQ(packet.vlan_count, 0);
    EXPECT_EQ(packet.ip_version, 4);
    EXPECT_EQ(packet.ip_offset, 14u);
    EXPECT_EQ(packet.ip_header_length, 20);
    EXPECT_EQ(packet.source.to_string(), "127.0.0.1");
    EXPECT_EQ(packet.destination.to_string(), "127.0.0.1");
    EXPECT_EQ(packet.ttl, 64);
    EXPECT_EQ(packet.ip_id, 0x9b2e);
    EXPECT_TRUE(packet.dont_fragment);
    EXPECT_FALSE(packet.more_fragments);
    EXPECT_EQ(packet.fragment_offset, 0);
    EXPECT_EQ(packet.ip_total_length, 60);
    EXPECT_EQ(packet.protocol, 6);

    ASSERT_EQ(packet.transport, Transport::Tcp);
    EXPECT_EQ(packet.transport_offset, 34u);
    const TcpHeader& tcp = packet.tcp;
    EXPECT_EQ(tcp.source_port, 40000);
    EXPECT_EQ(tcp.destination_port, 5000);
    EXPECT_EQ(tcp.seq, 3857611441u);
    EXPECT_EQ(tcp.ack, 0u);
    EXPECT_EQ(tcp.header_length, 40);
    EXPECT_EQ(tcp.flags, tcp_flag::Syn);
    EXPECT_EQ(tcp.window, 65495);
    EXPECT_EQ(tcp.checksum, 0xd38a);
    EXPECT_EQ(packet.source_endpoint().to_string(), "127.0.0.1:40000");
    EXPECT_EQ(packet.destination_endpoint().to_string(), "127.0.0.1:5000");

    // Offsets point at each option's kind byte in the frame, for hex highlighting.
    ASSERT_EQ(tcp.option_count, 5);
    EXPECT_EQ(tcp.options[0].kind, TcpOption::Kind::Mss);
    EXPECT_EQ(tcp.options[0].offset, 54);
    EXPECT_EQ(tcp.options[0].length, 4);
    EXPECT_EQ(tcp.options[0].value, 65495u);
    EXPECT_EQ(tcp.options[1].kind, TcpOption::Kind::SackPermitted);
    EXPECT_EQ(tcp.options[1].offset, 58);
    EXPECT_EQ(tcp.options[2].kind, TcpOption::Kind::Timestamps);
    EXPECT_EQ(tcp.options[2].offset, 60);
    EXPECT_EQ(tcp.options[2].length, 10);
    EXPECT_EQ(tcp.options[2].value, 1085221727u);
    EXPECT_EQ(tcp.options[2].echo_reply, 0u);
    EXPECT_EQ(tcp.options[3].kind, TcpOption::Kind::Nop);
    EXPECT_EQ(tcp.options[3].offset, 70);
    EXPECT_EQ(tcp.options[4].kind, TcpOption::Kind::WindowScale);
    EXPECT_EQ(tcp.options[4].offset, 71);
    EXPECT_EQ(tcp.options[4].raw_kind, 3);
    EXPECT_EQ(tcp.options[4].value, 7u);

    EXPECT_EQ(packet.payload_offset, 74u);
    EXPECT_EQ(packet.payload_length, 0u);
}

TEST(DecodeFields, PshAckPayloadFollowsTcpHeader) {
    const Sample& sample = find_sample("ethernet_ipv4_psh_ack");
    const DecodedPacket packet = decode(sample);
    EXPECT_EQ(packet.tcp.flags, tcp_flag::Psh | tcp_flag::Ack);
    EXPECT_EQ(packet.payload_offset, 66u);
    ASSERT_EQ(packet.payload_length, 5u);
    const std::string payload(sample.bytes.begin() + 66, sample.bytes.begin() + 71);
    EXPECT_EQ(payload, "hello");
}

TEST(DecodeFields, EthernetPaddingIsNotPayload) {
    const DecodedPacket ack = decode("ethernet_ipv4_ack_padded");
    EXPECT_EQ(ack.frame_length, 60u);
    EXPECT_EQ(ack.payload_offset, 54u);
    EXPECT_EQ(ack.payload_length, 0u);

    const DecodedPacket udp = decode("ethernet_ipv4_udp_padded");
    ASSERT_EQ(udp.transport, Transport::Udp);
    EXPECT_EQ(udp.payload_offset, 42u);
    EXPECT_EQ(udp.payload_length, 2u);
}

TEST(DecodeFields, PayloadLengthComesFromTheIpHeaderNotTheCapture) {
    const DecodedPacket packet = decode("ethernet_ipv4_snaplen");
    EXPECT_FALSE(packet.error) << error_text(packet);
    EXPECT_EQ(packet.ip_total_length, 152);
    EXPECT_EQ(packet.payload_offset, 66u);
    EXPECT_EQ(packet.payload_length, 100u);
    EXPECT_EQ(packet.captured_payload_length, 16u);
    EXPECT_TRUE(packet.cut_by_capture());
    EXPECT_TRUE(packet.tcp_numbers_known());
}

TEST(DecodeFields, SackBlocks) {
    const DecodedPacket packet = decode("ethernet_ipv4_sack");
    ASSERT_EQ(packet.tcp.option_count, 6);
    const TcpOption& sack = packet.tcp.options[5];
    EXPECT_EQ(sack.kind, TcpOption::Kind::Sack);
    EXPECT_EQ(sack.length, 18);
    EXPECT_EQ(sack.offset, 68);  // after nop, nop, TS, nop, nop
    ASSERT_EQ(sack.sack_count, 2);
    EXPECT_EQ(sack.sack[0].left, 4448u);
    EXPECT_EQ(sack.sack[0].right, 5896u);
    EXPECT_EQ(sack.sack[1].left, 7344u);
    EXPECT_EQ(sack.sack[1].right, 8792u);
}

TEST(DecodeFields, EndOfOptionListStopsParsing) {
    const DecodedPacket packet = decode("ethernet_ipv4_sack_eol");
    ASSERT_EQ(packet.tcp.option_count, 3);
    EXPECT_EQ(packet.tcp.options[2].kind, TcpOption::Kind::EndOfList);
    EXPECT_EQ(packet.tcp.options[2].offset, 60);
    EXPECT_EQ(packet.payload_offset, 62u);
}

TEST(DecodeFields, UnknownOptionKeepsItsKind) {
    const DecodedPacket packet = decode("ethernet_ipv4_ecn_syn");
    ASSERT_EQ(packet.tcp.option_count, 4);
    EXPECT_EQ(packet.tcp.options[1].kind, TcpOption::Kind::Unknown);
    EXPECT_EQ(packet.tcp.options[1].raw_kind, 99);
    EXPECT_EQ(packet.tcp.options[1].length, 2);
    EXPECT_EQ(packet.tcp.flags, tcp_flag::Syn | tcp_flag::Ece | tcp_flag::Cwr);
}

TEST(DecodeFields, Ipv6ExtensionHeadersAreWalked) {
    const DecodedPacket packet = decode("ethernet_ipv6_hop_by_hop_dest_options");
    EXPECT_EQ(packet.ip_version, 6);
    EXPECT_EQ(packet.ip_header_length, 40);
    EXPECT_EQ(packet.source.to_string(), "2001:db8::1");
    EXPECT_EQ(packet.ttl, 64);
    ASSERT_EQ(packet.ipv6_extension_count, 2);
    EXPECT_EQ(packet.ipv6_extensions[0].type, 0);
    EXPECT_EQ(packet.ipv6_extensions[0].offset, 54);
    EXPECT_EQ(packet.ipv6_extensions[0].length, 8);
    EXPECT_EQ(packet.ipv6_extensions[1].type, 60);
    EXPECT_EQ(packet.ipv6_extensions[1].offset, 62);
    EXPECT_EQ(packet.protocol, 6);
    EXPECT_EQ(packet.transport, Transport::Tcp);
    EXPECT_EQ(packet.transport_offset, 70u);
    EXPECT_EQ(packet.ip_total_length, 40 + 16 + 32 + 5);
    EXPECT_EQ(packet.payload_offset, 102u);
    EXPECT_EQ(packet.payload_length, 5u);
}

TEST(DecodeFields, Ipv6Fragments) {
    const DecodedPacket first = decode("ethernet_ipv6_fragment_first");
    EXPECT_EQ(first.fragment_offset, 0);
    EXPECT_TRUE(first.more_fragments);
    EXPECT_EQ(first.transport, Transport::Tcp);

    const DecodedPacket later = decode("ethernet_ipv6_fragment_later");
    EXPECT_EQ(later.fragment_offset, 1448);
    EXPECT_FALSE(later.more_fragments);
    EXPECT_EQ(later.protocol, 6);
    EXPECT_EQ(later.transport, Transport::Other);
    EXPECT_EQ(later.payload_length, 0u);
}

TEST(DecodeFields, NonFirstIpv4FragmentHasNoTransportHeader) {
    const DecodedPacket packet = decode("ethernet_ipv4_fragment");
    EXPECT_EQ(packet.fragment_offset, 1480);
    EXPECT_FALSE(packet.dont_fragment);
    EXPECT_EQ(packet.ip_id, 0x4242);
    EXPECT_EQ(packet.transport, Transport::Other);
    EXPECT_EQ(packet.tcp.source_port, 0);
}

TEST(DecodeFields, NoNextHeaderMeansNoTransport) {
    const DecodedPacket packet = decode("ethernet_ipv6_no_next_header");
    EXPECT_FALSE(packet.error);
    EXPECT_EQ(packet.protocol, 59);
    EXPECT_EQ(packet.transport, Transport::None);
}

TEST(DecodeFields, VlanTagsAreSkippedAndCounted) {
    const DecodedPacket single = decode("vlan_ipv4_psh_ack");
    EXPECT_EQ(single.vlan_count, 1);
    EXPECT_EQ(single.ether_type, 0x0800);
    EXPECT_EQ(single.ip_offset, 18u);

    const DecodedPacket double_tagged = decode("qinq_ipv6_ack");
    EXPECT_EQ(double_tagged.vlan_count, 2);
    EXPECT_EQ(double_tagged.ether_type, 0x86DD);
    EXPECT_EQ(double_tagged.ip_offset, 22u);
}

TEST(DecodeFields, LinkHeaderLengths) {
    EXPECT_EQ(decode("sll_ipv4_psh_ack").ip_offset, 16u);
    EXPECT_EQ(decode("sll_ipv4_psh_ack").ether_type, 0x0800);
    EXPECT_EQ(decode("sll2_ipv6_syn_ack").ip_offset, 20u);
    EXPECT_EQ(decode("sll2_ipv6_syn_ack").ether_type, 0x86DD);
    EXPECT_EQ(decode("raw_ipv4_fin_ack").ip_offset, 0u);
    EXPECT_EQ(decode("raw_ipv6_rst_ack").ip_version, 6);
    EXPECT_EQ(decode("ipv4_link_ack").ip_version, 4);
    EXPECT_EQ(decode("ipv6_link_ack").ip_version, 6);
    EXPECT_EQ(decode("null_ipv4_syn").ip_offset, 4u);
    EXPECT_EQ(decode("null_ipv6_ack").ip_version, 6);
    EXPECT_EQ(decode("loop_ipv4_udp").ip_version, 4);
    EXPECT_EQ(decode("loop_ipv6_syn").ip_version, 6);
}

TEST(DecodeFields, UdpHeader) {
    const DecodedPacket packet = decode("ethernet_ipv4_udp");
    ASSERT_EQ(packet.transport, Transport::Udp);
    EXPECT_EQ(packet.udp.source_port, 40000);
    EXPECT_EQ(packet.udp.destination_port, 5000);
    EXPECT_EQ(packet.udp.length, 13);
    EXPECT_EQ(packet.payload_offset, 42u);
    EXPECT_EQ(packet.payload_length, 5u);
    EXPECT_EQ(packet.source_endpoint().port, 40000);
}

// ---- link layer corner cases ----------------------------------------------------------

TEST(DecodeLink, NonIpEtherTypeIsNotAnError) {
    std::vector<uint8_t> arp(42, 0);
    arp[12] = 0x08;
    arp[13] = 0x06;
    const DecodedPacket packet = decode_frame(LinkType::Ethernet, arp);
    EXPECT_FALSE(packet.error);
    EXPECT_EQ(packet.ether_type, 0x0806);
    EXPECT_EQ(packet.ip_version, 0);
    EXPECT_EQ(packet.transport, Transport::None);
    EXPECT_EQ(format_tcpdump_line(packet), "ethertype 0x0806 (not IP), length 42");
}

TEST(DecodeLink, NullFamilyWrittenByOtherByteOrderHostIsUnderstood) {
    std::vector<uint8_t> frame = find_sample("null_ipv4_syn").bytes;
    frame[0] = 0;  // family 2 in big-endian order
    frame[3] = 2;
    const DecodedPacket packet = decode_frame(LinkType::Null, frame);
    EXPECT_FALSE(packet.error) << error_text(packet);
    EXPECT_EQ(packet.ip_version, 4);
}

TEST(DecodeLink, UnknownLoopbackFamilyIsNotIp) {
    const std::vector<uint8_t> frame = {0x07, 0x00, 0x00, 0x00, 0x45};
    const DecodedPacket packet = decode_frame(LinkType::Null, frame);
    EXPECT_FALSE(packet.error);
    EXPECT_EQ(packet.ip_version, 0);
}

TEST(DecodeLink, RawWithUnknownVersionIsAnError) {
    const std::vector<uint8_t> frame = {0x55, 0x00, 0x00, 0x14};
    const DecodedPacket packet = decode_frame(LinkType::Raw, frame);
    ASSERT_TRUE(packet.error);
    EXPECT_EQ(packet.error->offset, 0u);
    EXPECT_NE(packet.error->what.find("version 5"), std::string::npos);
}

TEST(DecodeLink, UnsupportedLinkTypeIsAnError) {
    const std::vector<uint8_t> frame = {0x45, 0x00};
    const DecodedPacket packet = decode_frame(static_cast<LinkType>(999), frame);
    ASSERT_TRUE(packet.error);
    EXPECT_NE(packet.error->what.find("999"), std::string::npos);
}

TEST(DecodeLink, TruncatedHeadersOfEveryLinkType) {
    const std::vector<uint8_t> three_bytes = {0x00, 0x00, 0x00};
    for (LinkType link : {LinkType::Null, LinkType::Loop, LinkType::Ethernet, LinkType::LinuxSll, LinkType::LinuxSll2,
                          LinkType::Raw, LinkType::Ipv4, LinkType::Ipv6}) {
        SCOPED_TRACE(static_cast<int>(link));
        const DecodedPacket packet = decode_frame(link, std::span<const uint8_t>(three_bytes.data(), 0));
        ASSERT_TRUE(packet.error);
        EXPECT_EQ(packet.error->offset, 0u);
    }
    const DecodedPacket sll = decode_frame(LinkType::LinuxSll, three_bytes);
    ASSERT_TRUE(sll.error);
    EXPECT_NE(sll.error->what.find("SLL"), std::string::npos);
}

TEST(DecodeLink, VersionMismatchBetweenLinkAndIpHeader) {
    std::vector<uint8_t> frame = find_sample("ethernet_ipv4_ack_padded").bytes;
    frame[14] = 0x65;  // ether type says IPv4, header says 6
    const DecodedPacket packet = decode_frame(LinkType::Ethernet, frame);
    ASSERT_TRUE(packet.error);
    EXPECT_EQ(packet.error->offset, 14u);
    EXPECT_NE(packet.error->what.find("version 6"), std::string::npos);
}

// ---- limits that keep crafted input bounded --------------------------------------------

TEST(DecodeLimits, TooManyVlanTags) {
    std::vector<uint8_t> frame(12, 0);
    for (int tag = 0; tag < 300; ++tag) frame.insert(frame.end(), {0x81, 0x00, 0x00, 0x01});
    frame.insert(frame.end(), {0x08, 0x00});
    const DecodedPacket packet = decode_frame(LinkType::Ethernet, frame);
    ASSERT_TRUE(packet.error);
    EXPECT_EQ(packet.vlan_count, 255);
    EXPECT_NE(packet.error->what.find("VLAN"), std::string::npos);
}

TEST(DecodeLimits, LongIpv6ExtensionChain) {
    std::vector<uint8_t> frame(40, 0);
    frame[0] = 0x60;
    frame[4] = 0;
    frame[5] = 10 * 8;  // payload length: ten extension headers
    frame[6] = 0;       // hop-by-hop
    for (int header = 0; header < 10; ++header) frame.insert(frame.end(), {60, 0, 1, 4, 0, 0, 0, 0});
    const DecodedPacket packet = decode_frame(LinkType::Ipv6, frame);
    ASSERT_TRUE(packet.error);
    EXPECT_EQ(packet.ipv6_extension_count, packet.ipv6_extensions.size());
    EXPECT_NE(packet.error->what.find("too many IPv6 extension headers"), std::string::npos);
}

TEST(DecodeLimits, MoreOptionsThanTheArrayHolds) {
    std::vector<uint8_t> frame = find_sample("ipv4_link_ack").bytes;
    frame[3] = 80;                     // IPv4 total length: 20 + 60
    frame[32] = 0xF0;                  // TCP data offset 15 words
    frame.insert(frame.end(), 40, 1);  // forty NOPs
    const DecodedPacket packet = decode_frame(LinkType::Ipv4, frame);
    ASSERT_TRUE(packet.error);
    EXPECT_EQ(packet.tcp.option_count, packet.tcp.options.size());
    EXPECT_EQ(packet.error->offset, 40u + packet.tcp.options.size());
}

TEST(DecodeErrors, LayersBeforeTheErrorAreKept) {
    const MalformedSample* truncated = nullptr;
    const MalformedSample* bad_option = nullptr;
    for (const MalformedSample& sample : malformed_samples) {
        if (std::string_view(sample.name) == "truncated_tcp_header") truncated = &sample;
        if (std::string_view(sample.name) == "tcp_option_length_0") bad_option = &sample;
    }
    ASSERT_TRUE(truncated && bad_option);

    const DecodedPacket cut = decode_frame(truncated->link, truncated->bytes);
    EXPECT_EQ(cut.source.to_string(), "192.168.1.10");
    EXPECT_EQ(cut.transport, Transport::Tcp);
    EXPECT_EQ(cut.tcp.destination_port, 8443);
    EXPECT_EQ(cut.tcp.header_length, 0);

    const DecodedPacket option = decode_frame(bad_option->link, bad_option->bytes);
    ASSERT_EQ(option.tcp.option_count, 1);
    EXPECT_EQ(option.tcp.options[0].kind, TcpOption::Kind::Mss);
    EXPECT_EQ(option.tcp.options[0].value, 1460u);
}

// ---- text helpers ----------------------------------------------------------------------

TEST(FlagsLabel, NamesHandshakeFlagsFirstAndAckLast) {
    using namespace tcp_flag;
    EXPECT_EQ(flags_label(0), "none");
    EXPECT_EQ(flags_label(Syn), "SYN");
    EXPECT_EQ(flags_label(Syn | Ack), "SYN-ACK");
    EXPECT_EQ(flags_label(Ack), "ACK");
    EXPECT_EQ(flags_label(Psh | Ack), "PSH-ACK");
    EXPECT_EQ(flags_label(Fin | Ack), "FIN-ACK");
    EXPECT_EQ(flags_label(Rst), "RST");
    EXPECT_EQ(flags_label(Rst | Ack), "RST-ACK");
    EXPECT_EQ(flags_label(Fin | Psh | Ack), "FIN-PSH-ACK");
    EXPECT_EQ(flags_label(Syn | Ece | Cwr), "SYN-ECE-CWR");
    EXPECT_EQ(flags_label(0xFF), "SYN-FIN-RST-PSH-URG-ECE-CWR-ACK");
}

TEST(FormatTcpOptions, EveryKind) {
    TcpHeader tcp;
    auto add = [&tcp](TcpOption::Kind kind, uint8_t raw_kind, uint32_t value = 0, uint32_t echo = 0) {
        TcpOption& option = tcp.options[tcp.option_count++];
        option.kind = kind;
        option.raw_kind = raw_kind;
        option.value = value;
        option.echo_reply = echo;
        return &option;
    };
    EXPECT_EQ(format_tcp_options(tcp), "");
    add(TcpOption::Kind::Mss, 2, 1460);
    add(TcpOption::Kind::Nop, 1);
    add(TcpOption::Kind::WindowScale, 3, 14);
    add(TcpOption::Kind::SackPermitted, 4);
    TcpOption* sack = add(TcpOption::Kind::Sack, 5);
    sack->sack_count = 2;
    sack->sack[0] = {1, 2};
    sack->sack[1] = {3000000000u, 4000000000u};
    add(TcpOption::Kind::Timestamps, 8, 4294967295u, 1);
    add(TcpOption::Kind::Unknown, 99);
    add(TcpOption::Kind::EndOfList, 0);
    EXPECT_EQ(format_tcp_options(tcp),
              "mss 1460,nop,wscale 14,sackOK,sack 2 {1:2}{3000000000:4000000000},TS val 4294967295 ecr 1,"
              "unknown-99,eol");
}

TEST(FormatTcpdumpLine, SequenceNumbersWrapAround) {
    std::vector<uint8_t> frame = find_sample("raw_ipv4_fin_ack").bytes;
    frame[3] = 45;  // total length: five bytes of data after the 40 bytes of headers
    for (int index = 24; index < 28; ++index) frame[index] = 0xFF;  // seq 4294967295
    frame.insert(frame.end(), {'a', 'b', 'c', 'd', 'e'});
    const DecodedPacket packet = decode_frame(LinkType::Raw, frame);
    EXPECT_EQ(format_tcpdump_line(packet),
              "IP 192.168.1.10.51000 > 93.184.216.34.8443: Flags [F.], seq 4294967295:4, ack 2000, win 512, length 5");
}

// ---- tunnels ---------------------------------------------------------------------------

std::string payload_text(const Sample& sample, const DecodedPacket& packet) {
    const auto begin = sample.bytes.begin() + static_cast<ptrdiff_t>(packet.payload_offset);
    return std::string(begin, begin + static_cast<ptrdiff_t>(packet.captured_payload_length));
}

TEST(DecodeTunnels, VxlanSegmentIsTheInnerOneAndTheOuterAddressesStay) {
    const Sample& sample = find_sample("vxlan_ipv4_in_ipv4");
    const DecodedPacket packet = decode(sample);
    ASSERT_FALSE(packet.error) << error_text(packet);
    ASSERT_EQ(packet.tunnel_count, 1);
    const Tunnel& tunnel = packet.tunnels[0];
    EXPECT_EQ(tunnel.kind, TunnelKind::Vxlan);
    EXPECT_EQ(tunnel.ip_version, 4);
    EXPECT_EQ(tunnel.source.to_string(), "10.0.0.1");
    EXPECT_EQ(tunnel.destination.to_string(), "10.0.0.2");
    EXPECT_EQ(tunnel.udp_source_port, 50000);
    EXPECT_EQ(tunnel.udp_destination_port, 4789);
    EXPECT_TRUE(tunnel.has_key);
    EXPECT_EQ(tunnel.key, 100u);
    EXPECT_EQ(tunnel.flags, 0x08);
    EXPECT_EQ(tunnel.ip_offset, 14u);
    EXPECT_EQ(tunnel.header_offset, 34u);  // the UDP header
    EXPECT_EQ(tunnel.inner_offset, 50u);   // the inner Ethernet header, after 8 bytes of VXLAN
    EXPECT_EQ(tunnel.inner_type, 0x6558);

    EXPECT_EQ(packet.ether_type, 0x0800);  // the inner frame's
    EXPECT_EQ(packet.ip_version, 4);
    EXPECT_EQ(packet.ip_offset, 64u);
    ASSERT_EQ(packet.transport, Transport::Tcp);
    EXPECT_EQ(packet.source_endpoint().to_string(), "192.168.1.10:51000");
    EXPECT_EQ(packet.destination_endpoint().to_string(), "93.184.216.34:8443");
    EXPECT_EQ(packet.tcp.seq, 1000u);
    EXPECT_EQ(packet.payload_length, 5u);
    EXPECT_EQ(payload_text(sample, packet), "hello");
}

TEST(DecodeTunnels, GreKeySequenceAndChecksum) {
    const DecodedPacket keyed = decode("gre_key_sequence_ipv6");
    ASSERT_EQ(keyed.tunnel_count, 1);
    EXPECT_EQ(keyed.tunnels[0].kind, TunnelKind::Gre);
    EXPECT_TRUE(keyed.tunnels[0].has_key);
    EXPECT_EQ(keyed.tunnels[0].key, 7u);
    EXPECT_TRUE(keyed.tunnels[0].has_sequence);
    EXPECT_EQ(keyed.tunnels[0].sequence, 9u);
    EXPECT_EQ(keyed.tunnels[0].inner_offset, 34u + 12u);
    EXPECT_EQ(keyed.source_endpoint().to_string(), "[fd00::a]:51000");

    // Over IPv6, with a checksum, bridging an Ethernet frame.
    const DecodedPacket bridged = decode("gre_checksum_key_ethernet");
    ASSERT_EQ(bridged.tunnel_count, 1);
    EXPECT_EQ(bridged.tunnels[0].ip_version, 6);
    EXPECT_EQ(bridged.tunnels[0].source.to_string(), "2001:db8::1");
    EXPECT_EQ(bridged.tunnels[0].flags & 0x8000, 0x8000);
    EXPECT_FALSE(bridged.tunnels[0].has_sequence);
    EXPECT_EQ(bridged.tunnels[0].key, 5u);
    EXPECT_EQ(bridged.tunnels[0].inner_offset, 54u + 12u);
    EXPECT_EQ(bridged.ip_offset, 54u + 12u + 14u);
    EXPECT_EQ(bridged.source_endpoint().to_string(), "192.168.1.10:51000");
}

TEST(DecodeTunnels, GeneveOptionsAreSkipped) {
    const DecodedPacket packet = decode("geneve_ipv4_with_option");
    ASSERT_EQ(packet.tunnel_count, 1);
    EXPECT_EQ(packet.tunnels[0].kind, TunnelKind::Geneve);
    EXPECT_EQ(packet.tunnels[0].options_length, 8);
    EXPECT_EQ(packet.tunnels[0].inner_type, 0x0800);
    EXPECT_EQ(packet.tunnels[0].inner_offset, 42u + 8u + 8u);
    EXPECT_EQ(packet.ip_offset, 58u);
    EXPECT_EQ(packet.tcp.destination_port, 8443);
}

TEST(DecodeTunnels, IpInIpEveryPairOfVersions) {
    struct Case {
        const char* name;
        TunnelKind kind;
        uint8_t outer_version;
        uint8_t inner_version;
        const char* label;
    };
    for (const Case& each :
         {Case{"ipip", TunnelKind::IpInIp, 4, 4, "IPIP"}, Case{"ipv6_in_ipv4", TunnelKind::Ipv6InIp, 4, 6, "6in4"},
          Case{"ipv4_in_ipv6", TunnelKind::IpInIp, 6, 4, "4in6"},
          Case{"ipv6_in_ipv6", TunnelKind::Ipv6InIp, 6, 6, "6in6"}}) {
        SCOPED_TRACE(each.name);
        const DecodedPacket packet = decode(each.name);
        ASSERT_EQ(packet.tunnel_count, 1);
        EXPECT_EQ(packet.tunnels[0].kind, each.kind);
        EXPECT_EQ(packet.tunnels[0].ip_version, each.outer_version);
        EXPECT_EQ(packet.tunnels[0].header_offset, packet.tunnels[0].inner_offset);
        EXPECT_EQ(packet.ip_offset, packet.tunnels[0].inner_offset);
        EXPECT_EQ(packet.ip_version, each.inner_version);
        EXPECT_EQ(packet.tcp.source_port, 51000);
        EXPECT_STREQ(tunnel_name(packet.tunnels[0].kind, packet.tunnels[0].ip_version), each.label);
    }
}

TEST(DecodeTunnels, InnerVlanTagsAreSkipped) {
    const DecodedPacket packet = decode("vxlan_inner_vlan");
    ASSERT_FALSE(packet.error) << error_text(packet);
    EXPECT_EQ(packet.vlan_count, 1);
    EXPECT_EQ(packet.ip_offset, 50u + 18u);
    EXPECT_EQ(packet.tcp.seq, 1000u);
}

TEST(DecodeTunnels, ArpInsideVxlanIsNotIp) {
    std::vector<uint8_t> frame = find_sample("vxlan_ipv4_in_ipv4").bytes;
    frame[62] = 0x08;  // the inner ether type: ARP
    frame[63] = 0x06;
    const DecodedPacket packet = decode_frame(LinkType::Ethernet, frame);
    EXPECT_FALSE(packet.error) << error_text(packet);
    EXPECT_EQ(packet.tunnel_count, 1);
    EXPECT_EQ(packet.ether_type, 0x0806);
    EXPECT_EQ(packet.ip_version, 0);
    EXPECT_EQ(packet.transport, Transport::None);
}

TEST(DecodeTunnels, WhatIsNotFollowedStaysAsItWas) {
    // GRE carrying neither IP nor Ethernet (ERSPAN), GRE version 1 (PPTP), and
    // GRE with RFC 1701 source routing: the packet is GRE, without an error.
    for (const auto& [offset, value] : std::vector<std::pair<size_t, std::vector<uint8_t>>>{
             {36, {0x88, 0xbe}}, {34, {0x00, 0x01}}, {34, {0x40, 0x00}}}) {
        std::vector<uint8_t> frame = find_sample("gre_ipv4").bytes;
        std::copy(value.begin(), value.end(), frame.begin() + static_cast<ptrdiff_t>(offset));
        const DecodedPacket packet = decode_frame(LinkType::Ethernet, frame);
        EXPECT_FALSE(packet.error) << error_text(packet);
        EXPECT_EQ(packet.tunnel_count, 0);
        EXPECT_EQ(packet.protocol, 47);
        EXPECT_EQ(packet.transport, Transport::Other);
        EXPECT_EQ(format_tcpdump_line(packet), "IP 10.0.0.1 > 10.0.0.2: ip-proto-47");
    }
    // Geneve carrying an unknown protocol stays a UDP datagram.
    std::vector<uint8_t> geneve = find_sample("geneve_ipv4_with_option").bytes;
    geneve[44] = 0x88;
    geneve[45] = 0x47;  // MPLS
    const DecodedPacket udp = decode_frame(LinkType::Ethernet, geneve);
    EXPECT_FALSE(udp.error) << error_text(udp);
    EXPECT_EQ(udp.tunnel_count, 0);
    EXPECT_EQ(udp.transport, Transport::Udp);
    EXPECT_EQ(udp.udp.destination_port, 6081);
}

TEST(DecodeTunnels, UdpPortRule) {
    EXPECT_EQ(udp_tunnel_kind(50000, 4789), TunnelKind::Vxlan);
    EXPECT_EQ(udp_tunnel_kind(4789, 50000), TunnelKind::Vxlan);  // the reply from the tunnel's far end
    EXPECT_EQ(udp_tunnel_kind(50000, 6081), TunnelKind::Geneve);
    EXPECT_EQ(udp_tunnel_kind(4789, 6081), TunnelKind::Vxlan);  // the lower port decides
    EXPECT_EQ(udp_tunnel_kind(2000, 6081), TunnelKind::Geneve);
    EXPECT_EQ(udp_tunnel_kind(53, 4789), std::nullopt);  // a DNS answer to a client on port 4789
    EXPECT_EQ(udp_tunnel_kind(50000, 4790), std::nullopt);
}

TEST(DecodeLimits, TunnelsNestedUpToTheLimit) {
    // IP-in-IP kMaxTunnelDepth times, then the segment.
    const std::vector<uint8_t> segment = find_sample("ipip").bytes;
    const std::vector<uint8_t> outer(segment.begin() + 14, segment.begin() + 34);  // an IPv4 header, protocol 4
    std::vector<uint8_t> frame(segment.begin(), segment.begin() + 14);
    for (size_t level = 0; level < kMaxTunnelDepth; ++level) frame.insert(frame.end(), outer.begin(), outer.end());
    frame.insert(frame.end(), segment.begin() + 34, segment.end());
    // Each outer total length must cover what follows it.
    for (size_t level = 0; level < kMaxTunnelDepth; ++level) {
        const size_t start = 14 + level * 20;
        const size_t total = frame.size() - start;
        frame[start + 2] = static_cast<uint8_t>(total >> 8);
        frame[start + 3] = static_cast<uint8_t>(total);
    }
    const DecodedPacket packet = decode_frame(LinkType::Ethernet, frame);
    EXPECT_FALSE(packet.error) << error_text(packet);
    EXPECT_EQ(packet.tunnel_count, kMaxTunnelDepth);
    EXPECT_EQ(packet.tcp.seq, 1000u);
}

// ---- lengths on the wire: snapshot length, offload ------------------------------------

TEST(DecodeLengths, SnaplenCutSegmentKeepsItsLengthFromTheIpHeader) {
    // tcpdump -s 96: an Ethernet/IPv4/TCP segment of 500 payload bytes, 42 of them kept.
    std::vector<uint8_t> frame = find_sample("ethernet_ipv4_psh_ack").bytes;  // 5 payload bytes
    frame.resize(frame.size() - 5);
    frame.resize(frame.size() + 500, 'x');
    frame[16] = static_cast<uint8_t>((frame.size() - 14) >> 8);
    frame[17] = static_cast<uint8_t>(frame.size() - 14);
    const size_t wire_length = frame.size();
    frame.resize(96);
    const DecodedPacket packet = decode_frame(LinkType::Ethernet, frame, wire_length);
    EXPECT_FALSE(packet.error) << error_text(packet);
    EXPECT_EQ(packet.payload_length, 500u);
    EXPECT_EQ(packet.captured_payload_length, 96u - 66u);
    EXPECT_TRUE(packet.cut_by_capture());
    EXPECT_EQ(format_tcpdump_line(packet),
              "IP 127.0.0.1.40000 > 127.0.0.1.5000: Flags [P.], seq 3857611442:3857611942, ack 1193046529, win 512, "
              "options [nop,nop,TS val 1085211232 ecr 1085211231], length 500");
}

TEST(DecodeLengths, ResetCarryingDataCutAt96Bytes) {
    // A 58-byte RST payload of which the capture kept 30: the segment carried 58.
    const DecodedPacket packet = decode("ethernet_ipv4_rst_data_snaplen_96");
    EXPECT_EQ(packet.payload_length, 58u);
    EXPECT_EQ(packet.captured_payload_length, 30u);
    EXPECT_TRUE(packet.cut_by_capture());
    EXPECT_TRUE(packet.tcp_numbers_known());
    const DecodedPacket ipv6 = decode("ethernet_ipv6_data_snaplen_96");
    EXPECT_EQ(ipv6.payload_length, 510u);
    EXPECT_EQ(ipv6.captured_payload_length, 10u);
}

TEST(DecodeLengths, WholeFrameIsNotCut) {
    const Sample& sample = find_sample("ethernet_ipv4_psh_ack");
    const DecodedPacket packet = decode_frame(sample.link, sample.bytes, sample.bytes.size());
    EXPECT_EQ(packet.payload_length, 5u);
    EXPECT_EQ(packet.captured_payload_length, 5u);
    EXPECT_FALSE(packet.cut_by_capture());
    // Ethernet padding after the IP packet is neither payload nor a cut.
    const Sample& padded = find_sample("ethernet_ipv4_ack_padded");
    EXPECT_FALSE(decode_frame(padded.link, padded.bytes, padded.bytes.size()).cut_by_capture());
}

TEST(DecodeLengths, AnIpLengthBeyondTheWireIsClippedToIt) {
    // The IP header claims 1000 bytes; the frame on the wire had 71. Wireshark takes
    // the 5 bytes the wire had; without the wire length the header is believed.
    std::vector<uint8_t> frame = find_sample("ethernet_ipv4_psh_ack").bytes;
    frame[16] = 0x03;
    frame[17] = 0xe8;
    EXPECT_EQ(decode_frame(LinkType::Ethernet, frame, frame.size()).payload_length, 5u);
    EXPECT_FALSE(decode_frame(LinkType::Ethernet, frame, frame.size()).cut_by_capture());
    EXPECT_EQ(decode_frame(LinkType::Ethernet, frame).payload_length, 1000u - 52u);
}

TEST(DecodeLengths, OffloadedLengthZeroIsTakenFromTheFrame) {
    const Sample& sample = find_sample("ethernet_ipv4_tso_length_0");
    const DecodedPacket packet = decode(sample);
    EXPECT_FALSE(packet.error) << error_text(packet);
    EXPECT_TRUE(packet.ip_length_from_frame);
    EXPECT_EQ(packet.ip_total_length, 0);
    EXPECT_TRUE(packet.tcp_numbers_known());
    EXPECT_EQ(packet.payload_length, 17u);
    EXPECT_EQ(payload_text(sample, packet), "offloaded segment");
    // Cut by the capture, the length on the wire still counts.
    const std::vector<uint8_t> cut(sample.bytes.begin(), sample.bytes.end() - 7);
    const DecodedPacket from_wire = decode_frame(LinkType::Ethernet, cut, sample.bytes.size());
    EXPECT_EQ(from_wire.payload_length, 17u);
    EXPECT_EQ(from_wire.captured_payload_length, 10u);
}

TEST(DecodeLengths, OptionsCutByTheCaptureLeaveTheNumbersKnown) {
    const MalformedSample* sample = nullptr;
    for (const MalformedSample& each : malformed_samples)
        if (std::string_view(each.name) == "tcp_options_cut_by_snaplen") sample = &each;
    ASSERT_NE(sample, nullptr);
    const DecodedPacket packet = decode_frame(sample->link, sample->bytes, sample->wire_length);
    ASSERT_TRUE(packet.error);
    EXPECT_TRUE(packet.tcp_error_in_options);
    EXPECT_TRUE(packet.tcp_numbers_known());
    EXPECT_TRUE(packet.cut_by_capture());
    EXPECT_EQ(packet.tcp.seq, 3857611441u);
    EXPECT_EQ(packet.tcp.flags, tcp_flag::Syn);
    EXPECT_EQ(packet.payload_length, 0u);
    EXPECT_EQ(packet.captured_payload_length, 0u);
    // A TCP header cut before its 20 fixed bytes end leaves the numbers unknown.
    const std::vector<uint8_t> shorter(sample->bytes.begin(), sample->bytes.begin() + 45);
    EXPECT_FALSE(decode_frame(sample->link, shorter, sample->wire_length).tcp_numbers_known());
}

TEST(DecodeLengths, TunnelledSegmentCutByTheCapture) {
    const Sample& sample = find_sample("gre_ipv4");
    const std::vector<uint8_t> cut(sample.bytes.begin(), sample.bytes.end() - 3);
    const DecodedPacket packet = decode_frame(LinkType::Ethernet, cut, sample.bytes.size());
    EXPECT_FALSE(packet.error) << error_text(packet);
    EXPECT_EQ(packet.tunnel_count, 1);
    EXPECT_EQ(packet.payload_length, 5u);
    EXPECT_EQ(packet.captured_payload_length, 2u);
    EXPECT_TRUE(packet.cut_by_capture());
}

// ---- robustness: never read out of bounds, never crash -----------------------------------

// Checks what must hold for any input, valid or not.
void expect_consistent(const DecodedPacket& packet, size_t frame_size) {
    if (packet.captured_payload_length > 0) {
        EXPECT_LE(packet.payload_offset + packet.captured_payload_length, frame_size);
    }
    EXPECT_LE(packet.captured_payload_length, packet.payload_length);
    EXPECT_LE(packet.tunnel_count, packet.tunnels.size());
    for (size_t index = 0; index < packet.tunnel_count && index < packet.tunnels.size(); ++index) {
        EXPECT_LE(packet.tunnels[index].inner_offset, frame_size);
        EXPECT_LT(packet.tunnels[index].ip_offset, packet.tunnels[index].inner_offset);
    }
    if (packet.error) {
        EXPECT_LE(packet.error->offset, frame_size);
    }
    for (size_t index = 0; index < packet.tcp.option_count; ++index)
        EXPECT_LE(size_t{packet.tcp.options[index].offset} + packet.tcp.options[index].length, frame_size);
    for (size_t index = 0; index < packet.ipv6_extension_count; ++index)
        EXPECT_LE(size_t{packet.ipv6_extensions[index].offset} + packet.ipv6_extensions[index].length, frame_size);
    EXPECT_FALSE(format_tcpdump_line(packet).empty());
}

TEST(DecodeRobustness, EveryPrefixOfEverySample) {
    std::vector<std::pair<LinkType, std::vector<uint8_t>>> frames;
    for (const Sample& sample : valid_samples) frames.emplace_back(sample.link, sample.bytes);
    for (const MalformedSample& sample : malformed_samples) frames.emplace_back(sample.link, sample.bytes);
    for (const auto& [link, bytes] : frames) {
        const DecodedPacket whole = decode_frame(link, bytes);
        for (size_t length = 0; length <= bytes.size(); ++length) {
            SCOPED_TRACE(std::to_string(length) + " of " + std::to_string(bytes.size()) + " bytes");
            // A copy of exactly `length` bytes, so ASan catches any read past the end.
            const std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(length));
            const DecodedPacket packet = decode_frame(link, prefix);
            expect_consistent(packet, length);
            // Cutting into the headers must be reported; cutting the payload must not.
            const bool headers_complete = whole.transport != Transport::Tcp && whole.transport != Transport::Udp
                                              ? true
                                              : length >= whole.payload_offset;
            if (!whole.error && !headers_complete) {
                EXPECT_TRUE(packet.error);
            }
            if (!whole.error && whole.payload_length > 0 && length >= whole.payload_offset) {
                EXPECT_FALSE(packet.error) << error_text(packet);
            }
        }
    }
}

TEST(DecodeRobustness, EverySingleByteMutation) {
    for (const char* name :
         {"ethernet_ipv4_syn", "ethernet_ipv6_hop_by_hop_dest_options", "ethernet_ipv4_sack", "qinq_ipv6_ack",
          "vxlan_ipv4_in_ipv4", "gre_checksum_key_ethernet", "geneve_ipv4_with_option", "ipv6_in_ipv4"}) {
        const Sample& sample = find_sample(name);
        std::vector<uint8_t> frame = sample.bytes;
        for (size_t position = 0; position < frame.size(); ++position) {
            const uint8_t original = frame[position];
            for (int value = 0; value < 256; ++value) {
                frame[position] = static_cast<uint8_t>(value);
                const DecodedPacket packet = decode_frame(sample.link, frame);
                expect_consistent(packet, frame.size());
                if (testing::Test::HasFailure()) {
                    ADD_FAILURE() << name << ": byte " << position << " set to " << value;
                    return;
                }
            }
            frame[position] = original;
        }
    }
}

// ---- pcap files for checking the goldens against tcpdump ---------------------------------

void put_le32(std::ofstream& out, uint32_t value) {
    const char bytes[4] = {static_cast<char>(value), static_cast<char>(value >> 8), static_cast<char>(value >> 16),
                           static_cast<char>(value >> 24)};
    out.write(bytes, 4);
}

void write_pcap(const std::string& path, LinkType link, const std::vector<uint8_t>& frame, size_t wire_length) {
    std::ofstream out(path, std::ios::binary);
    put_le32(out, 0xa1b2c3d4);      // microsecond pcap, written little-endian
    put_le32(out, 2 | (4u << 16));  // version 2.4
    put_le32(out, 0);               // time zone
    put_le32(out, 0);               // timestamp accuracy
    put_le32(out, 262144);          // snaplen
    put_le32(out, static_cast<uint32_t>(link));
    put_le32(out, 1000);  // seconds
    put_le32(out, 0);     // microseconds
    put_le32(out, static_cast<uint32_t>(frame.size()));
    put_le32(out, static_cast<uint32_t>(wire_length != 0 ? wire_length : frame.size()));
    out.write(reinterpret_cast<const char*>(frame.data()), static_cast<std::streamsize>(frame.size()));
}

// Run by tests/fixtures/check_decode_goldens.sh; writes <name>.pcap and, where the
// sample claims to match tcpdump, <name>.expected into $TCPLAB_PCAP_DIR.
TEST(DecodeGoldens, DISABLED_WriteSamplesAsPcapFiles) {
    const char* directory = std::getenv("TCPLAB_PCAP_DIR");
    ASSERT_NE(directory, nullptr) << "set TCPLAB_PCAP_DIR";
    auto write_expected = [&](const std::string& name, const std::string& line) {
        std::ofstream(std::string(directory) + "/" + name + ".expected") << line << '\n';
    };
    for (const Sample& sample : valid_samples) {
        write_pcap(std::string(directory) + "/" + sample.name + ".pcap", sample.link, sample.bytes, sample.wire_length);
        write_expected(sample.name, sample.tcpdump);
    }
    for (const MalformedSample& sample : malformed_samples) {
        if (sample.bytes.empty()) continue;  // a pcap record cannot be empty
        write_pcap(std::string(directory) + "/" + sample.name + ".pcap", sample.link, sample.bytes, sample.wire_length);
        if (sample.matches_tcpdump) write_expected(sample.name, sample.expected_line);
    }
}

}  // namespace
}  // namespace tcplab
