// Decoding that agrees with Wireshark: every TCP segment tshark dissects in a
// capture must be exported by `tcplab export FILE --format json` with the same
// addresses, ports, flags, raw sequence and acknowledgment numbers and TCP
// payload length. The captures are ones we make: the capture generator's
// (whole frames and tcpdump -s 96), hand-made ones with what a course meets
// (snapshot length 96, segmentation offload, VXLAN, Geneve, GRE, IP-in-IP and
// IPv6-in-IP, IPv6 extension headers, 802.1Q and QinQ, Linux cooked v1 and
// v2), and, as root, a recording of every lesson.
//
// Each test prints the agreement per file and in all (segments exported alike
// / segments tshark dissected) and fails when a file or the whole falls below
// 99.5 %, listing the first differences. tshark counts a segment when it gives
// its TCP length (a TCP header cut before its 20 fixed bytes has none).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "bench/capture_generator.hpp"
#include "capture/decode.hpp"
#include "tests/fixtures/malformed/capture_files.hpp"
#include "tests/frame_builder.hpp"
#include "tests/temp_dir.hpp"

namespace tcplab {
namespace {

namespace fs = std::filesystem;
using namespace test;

constexpr double kRequiredAgreement = 0.995;
constexpr size_t kDifferencesListed = 20;

// ---- running programs ---------------------------------------------------------------------

struct CommandResult {
    int exit_code = -1;
    std::string output;  // stdout only
};

CommandResult run_command(const std::string& command) {
    CommandResult result;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return result;
    std::array<char, 65536> buffer{};
    size_t read = 0;
    while ((read = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), read);
    const int status = pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

std::string quoted(const std::string& text) { return "'" + text + "'"; }

std::string read_text(const fs::path& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool have_tshark() { return std::system("command -v tshark > /dev/null 2>&1") == 0; }

// ---- the segments both tools report ---------------------------------------------------------

struct Segment {
    int64_t time_ns = 0;
    std::string source;  // "10.0.0.1:40000", "[2001:db8::1]:40000"
    std::string destination;
    uint8_t flags = 0;
    uint32_t seq = 0;
    uint32_t ack = 0;
    uint32_t length = 0;
    auto operator<=>(const Segment&) const = default;
};

std::string describe(const Segment& segment) {
    std::ostringstream text;
    text << segment.source << " > " << segment.destination << " " << flags_label(segment.flags) << " seq "
         << segment.seq << " ack " << segment.ack << " len " << segment.length;
    return text.str();
}

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::string part;
    std::istringstream in(text);
    while (std::getline(in, part, separator)) parts.push_back(part);
    if (!text.empty() && text.back() == separator) parts.emplace_back();
    return parts;
}

// "1700000000.123456789" (tshark prints up to nine digits) as nanoseconds, exactly.
int64_t epoch_nanoseconds(const std::string& text) {
    const size_t dot = text.find('.');
    const int64_t seconds = std::stoll(text.substr(0, dot));
    std::string fraction = dot == std::string::npos ? "" : text.substr(dot + 1);
    fraction.resize(9, '0');
    return seconds * 1'000'000'000 + std::stoll(fraction);
}

std::string endpoint_text(const std::string& address, const std::string& port, bool ipv6) {
    return ipv6 ? "[" + address + "]:" + port : address + ":" + port;
}

struct TsharkRead {
    std::vector<Segment> segments;
    std::string problem;  // empty when tshark read the file
};

// The segments tshark dissects. With tunnels each IP field holds every layer's
// value; the innermost IP layer (the last "ip" or "ipv6" in frame.protocols)
// is the segment's. TCP headers quoted inside ICMP errors are not segments.
TsharkRead tshark_segments(const std::string& capture, const TempDir& scratch) {
    const std::string errors = scratch.file("tshark.err");
    // HOME points at the scratch directory so no personal preferences change what tshark shows.
    const std::string command =
        "HOME=" + quoted(scratch.path().string()) + " tshark -n -r " + quoted(capture) +
        " -o tcp.relative_sequence_numbers:FALSE -Y 'tcp && !icmp && !icmpv6' -T fields -E separator=/t"
        " -E occurrence=a -E aggregator=, -e frame.time_epoch -e frame.protocols -e ip.src -e ip.dst -e ipv6.src"
        " -e ipv6.dst -e tcp.srcport -e tcp.dstport -e tcp.flags -e tcp.seq_raw -e tcp.ack_raw -e tcp.len 2>" +
        quoted(errors);
    const CommandResult result = run_command(command);
    TsharkRead read;
    if (result.exit_code != 0) {
        read.problem = "tshark exited with " + std::to_string(result.exit_code) + ": " + read_text(errors);
        return read;
    }
    for (const std::string& line : split(result.output, '\n')) {
        if (line.empty()) continue;
        const std::vector<std::string> fields = split(line, '\t');
        if (fields.size() != 12) {
            read.problem = "unexpected tshark line: " + line;
            return read;
        }
        if (fields[11].empty() || fields[9].empty()) continue;  // no TCP length: the header was cut short
        const std::vector<std::string> layers = split(fields[1], ':');
        int last_v4 = -1, last_v6 = -1;
        for (size_t index = 0; index < layers.size(); ++index) {
            if (layers[index] == "ip") last_v4 = static_cast<int>(index);
            if (layers[index] == "ipv6") last_v6 = static_cast<int>(index);
        }
        const bool ipv6 = last_v6 > last_v4;
        const std::string source = split(fields[ipv6 ? 4 : 2], ',').back();
        const std::string destination = split(fields[ipv6 ? 5 : 3], ',').back();
        Segment segment;
        segment.time_ns = epoch_nanoseconds(fields[0]);
        segment.source = endpoint_text(source, fields[6], ipv6);
        segment.destination = endpoint_text(destination, fields[7], ipv6);
        // tcplab keeps the eight classic flag bits; the ninth (NS, ECN nonce) is obsolete.
        segment.flags = static_cast<uint8_t>(std::stoul(fields[8], nullptr, 16) & 0xFF);
        segment.seq = static_cast<uint32_t>(std::stoul(fields[9]));
        segment.ack = static_cast<uint32_t>(std::stoul(fields[10]));
        segment.length = static_cast<uint32_t>(std::stoul(fields[11]));
        read.segments.push_back(segment);
    }
    return read;
}

uint8_t flags_from_label(const std::string& label) {
    static const std::map<std::string, uint8_t> bits = {
        {"FIN", tcp_flag::Fin}, {"SYN", tcp_flag::Syn}, {"RST", tcp_flag::Rst}, {"PSH", tcp_flag::Psh},
        {"ACK", tcp_flag::Ack}, {"URG", tcp_flag::Urg}, {"ECE", tcp_flag::Ece}, {"CWR", tcp_flag::Cwr},
    };
    uint8_t flags = 0;
    if (label == "none") return 0;
    for (const std::string& name : split(label, '-')) {
        const auto found = bits.find(name);
        if (found != bits.end()) flags |= found->second;
    }
    return flags;
}

struct TcplabExport {
    std::vector<Segment> segments;
    std::multimap<int64_t, std::string> rows_by_time;  // every packet row, described, for the differences
    std::string problem;
};

TcplabExport tcplab_segments(const std::string& capture) {
    const CommandResult result =
        run_command(quoted(TCPLAB_BINARY) + " export " + quoted(capture) + " --format json 2>&1");
    TcplabExport exported;
    if (result.exit_code != 0) {
        exported.problem = "tcplab export exited with " + std::to_string(result.exit_code) + ": " + result.output;
        return exported;
    }
    for (const std::string& line : split(result.output, '\n')) {
        if (line.empty()) continue;
        const nlohmann::json row = nlohmann::json::parse(line, nullptr, false);
        if (row.is_discarded()) {
            exported.problem = "not JSON: " + line;
            return exported;
        }
        if (row.value("kind", "") != "packet") continue;
        const int64_t time = row.at("time_ns").get<int64_t>();
        if (!row.contains("flags")) {
            exported.rows_by_time.emplace(time, "not a TCP segment to tcplab: " + row.value("text", ""));
            continue;
        }
        Segment segment;
        segment.time_ns = time;
        segment.source = row.at("source").get<std::string>();
        segment.destination = row.at("destination").get<std::string>();
        segment.flags = flags_from_label(row.at("flags").get<std::string>());
        segment.seq = row.at("seq_absolute").get<uint32_t>();
        segment.ack = row.at("ack_absolute").get<uint32_t>();
        segment.length = row.at("length").get<uint32_t>();
        exported.rows_by_time.emplace(time, describe(segment));
        exported.segments.push_back(segment);
    }
    return exported;
}

// ---- comparing ------------------------------------------------------------------------------

struct Agreement {
    size_t tshark = 0;
    size_t matched = 0;
    std::vector<std::string> differences;

    double ratio() const { return tshark == 0 ? 1.0 : static_cast<double>(matched) / static_cast<double>(tshark); }
};

std::string percent(double ratio) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3f %%", ratio * 100.0);
    return text;
}

// Each tshark segment is matched to an equal tcplab segment at the same time;
// what is left is a difference, shown beside what tcplab had at that time.
Agreement compare(const std::string& name, const TsharkRead& tshark, const TcplabExport& tcplab) {
    Agreement agreement;
    agreement.tshark = tshark.segments.size();
    std::map<Segment, size_t> unmatched;
    for (const Segment& segment : tcplab.segments) ++unmatched[segment];
    for (const Segment& segment : tshark.segments) {
        const auto found = unmatched.find(segment);
        if (found != unmatched.end() && found->second > 0) {
            --found->second;
            ++agreement.matched;
            continue;
        }
        std::string text = name + " @" + std::to_string(segment.time_ns) + ": tshark " + describe(segment) + "; tcplab";
        const auto [first, last] = tcplab.rows_by_time.equal_range(segment.time_ns);
        if (first == last) text += ": nothing at this time";
        for (auto row = first; row != last; ++row) text += " [" + row->second + "]";
        agreement.differences.push_back(text);
    }
    return agreement;
}

// Compares every file, prints the agreement, and checks it.
void expect_agreement(const std::vector<std::string>& captures, const TempDir& scratch) {
    Agreement total;
    for (const std::string& capture : captures) {
        const std::string name = fs::path(capture).filename().string();
        const TsharkRead tshark = tshark_segments(capture, scratch);
        ASSERT_EQ(tshark.problem, "") << name;
        const TcplabExport tcplab = tcplab_segments(capture);
        ASSERT_EQ(tcplab.problem, "") << name;
        const Agreement agreement = compare(name, tshark, tcplab);
        std::cout << "  " << name << ": " << agreement.matched << " of " << agreement.tshark << " segments agree ("
                  << percent(agreement.ratio()) << ")\n";
        EXPECT_GT(agreement.tshark, 0u) << name << ": tshark found no TCP segment";
        EXPECT_GE(agreement.ratio(), kRequiredAgreement) << name << " agrees on " << percent(agreement.ratio());
        total.tshark += agreement.tshark;
        total.matched += agreement.matched;
        total.differences.insert(total.differences.end(), agreement.differences.begin(), agreement.differences.end());
    }
    std::cout << "tshark agreement: " << total.matched << " of " << total.tshark << " TCP segments ("
              << percent(total.ratio()) << "), " << total.differences.size() << " differences\n";
    for (size_t index = 0; index < total.differences.size() && index < kDifferencesListed; ++index)
        std::cout << "  " << total.differences[index] << "\n";
    ::testing::Test::RecordProperty("agreement_percent", percent(total.ratio()));
    std::string listed;
    for (size_t index = 0; index < total.differences.size() && index < kDifferencesListed; ++index)
        listed += "\n  " + total.differences[index];
    EXPECT_GE(total.ratio(), kRequiredAgreement) << "first differences:" << listed;
}

// ---- hand-made captures -----------------------------------------------------------------------

struct Record {
    int64_t time_ns = 0;
    std::vector<uint8_t> frame;
    uint32_t wire_length = 0;
};

// A nanosecond pcap file of one link type; frames longer than the snapshot
// length are cut to it, as tcpdump -s does, keeping their length on the wire.
class CaptureFile {
public:
    CaptureFile(uint32_t link_type, uint32_t snaplen = 262144) : link_type_(link_type), snaplen_(snaplen) {}

    void add(const std::vector<uint8_t>& frame) {
        time_ns_ += 1'000'000;
        Record record{time_ns_, frame, static_cast<uint32_t>(frame.size())};
        if (record.frame.size() > snaplen_) record.frame.resize(snaplen_);
        records_.push_back(std::move(record));
    }

    void write(const std::string& path) const {
        std::vector<uint8_t> bytes = pcap_header(ByteOrder::Little, true, snaplen_, link_type_);
        for (const Record& record : records_)
            append(bytes, pcap_record(ByteOrder::Little, static_cast<uint32_t>(record.time_ns / 1'000'000'000),
                                      static_cast<uint32_t>(record.time_ns % 1'000'000'000), record.frame,
                                      record.wire_length));
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    }

private:
    uint32_t link_type_;
    uint32_t snaplen_;
    int64_t time_ns_ = 1'700'000'000'000'000'000;
    std::vector<Record> records_;
};

// Turns an IP packet of the conversation into a whole frame; `from_client` says its direction.
using Wrap = std::function<std::vector<uint8_t>(const std::vector<uint8_t>& ip_packet, bool from_client)>;

struct ConversationShape {
    std::vector<size_t> client_sends = {200};
    std::vector<size_t> server_sends = {1400, 510};
    bool sack = false;                  // the client's ACKs carry SACK blocks (long TCP headers)
    bool offloaded_length_0 = false;    // data segments leave the IPv4 total length 0, as before TSO
    bool retransmit_first_data = true;  // the client's first data segment is sent twice
    bool reset_with_payload = false;    // ends with an RST carrying 58 bytes, not FINs
};

// One TCP connection from handshake to close, each segment wrapped by `wrap`.
void add_conversation(CaptureFile& file, const Endpoint& client, const Endpoint& server, uint32_t client_isn,
                      uint32_t server_isn, const Wrap& wrap, const ConversationShape& shape = {}) {
    uint32_t client_next = client_isn, server_next = server_isn;
    uint32_t timestamp = client_isn / 7;
    auto send = [&](bool from_client, uint8_t flags, size_t length, std::vector<uint8_t> options = {},
                    bool advance = true) {
        TcpFrame frame;
        frame.source = from_client ? client : server;
        frame.destination = from_client ? server : client;
        frame.flags = flags;
        frame.seq = from_client ? client_next : server_next;
        frame.ack = (flags & tcp_flag::Ack) ? (from_client ? server_next : client_next) : 0;
        frame.window = 502;
        frame.payload.assign(length, static_cast<char>('a' + length % 26));
        if (options.empty() && !(flags & tcp_flag::Syn)) {
            ++timestamp;
            options = {1,
                       1,
                       8,
                       10,
                       static_cast<uint8_t>(timestamp >> 24),
                       static_cast<uint8_t>(timestamp >> 16),
                       static_cast<uint8_t>(timestamp >> 8),
                       static_cast<uint8_t>(timestamp),
                       0,
                       0,
                       0,
                       1};
        }
        const std::vector<uint8_t> segment = tcp_segment(frame, options);
        const IpAddress& source = frame.source.address;
        const IpAddress& destination = frame.destination.address;
        std::vector<uint8_t> packet = ip_packet(source, destination, 6, segment);
        if (shape.offloaded_length_0 && length > 0 && source.version == 4)
            packet = ipv4_packet(source, destination, 6, segment, uint16_t{0});
        file.add(wrap(packet, from_client));
        if (!advance) return;
        uint32_t& next = from_client ? client_next : server_next;
        next += static_cast<uint32_t>(length) + ((flags & (tcp_flag::Syn | tcp_flag::Fin)) ? 1 : 0);
    };
    const uint8_t psh_ack = tcp_flag::Psh | tcp_flag::Ack;
    send(true, tcp_flag::Syn, 0, syn_options(1460, timestamp));
    send(false, tcp_flag::Syn | tcp_flag::Ack, 0, syn_options(1400, server_isn / 5));
    send(true, tcp_flag::Ack, 0);
    for (size_t index = 0; index < shape.client_sends.size(); ++index) {
        if (index == 0 && shape.retransmit_first_data) send(true, psh_ack, shape.client_sends[index], {}, false);
        send(true, psh_ack, shape.client_sends[index]);
    }
    send(false, tcp_flag::Ack, 0);
    for (size_t length : shape.server_sends) {
        send(false, psh_ack, length);
        if (shape.sack) {
            // An ACK with two SACK blocks and a timestamp: a 52-byte TCP header.
            const uint32_t left = server_next + 1000, right = server_next + 2000;
            std::vector<uint8_t> options = {1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0, 8, 1, 1, 5, 18};
            for (uint32_t edge : {left, right, right + 500, right + 900})
                for (int shift : {24, 16, 8, 0}) options.push_back(static_cast<uint8_t>(edge >> shift));
            send(true, tcp_flag::Ack, 0, options);
        } else {
            send(true, tcp_flag::Ack, 0);
        }
    }
    if (shape.reset_with_payload) {
        send(false, tcp_flag::Rst | tcp_flag::Ack, 58);
        return;
    }
    send(true, tcp_flag::Fin | tcp_flag::Ack, 0);
    send(false, tcp_flag::Fin | tcp_flag::Ack, 0);
    send(true, tcp_flag::Ack, 0);
}

uint16_t ether_type_of(const IpAddress& address) { return address.version == 6 ? kEtherIpv6 : kEtherIpv4; }

IpAddress v6(uint16_t last) {
    IpAddress address;
    address.version = 6;
    address.bytes = {0x20,
                     0x01,
                     0x0d,
                     0xb8,
                     0,
                     0,
                     0,
                     0,
                     0,
                     0,
                     0,
                     0,
                     0,
                     0,
                     static_cast<uint8_t>(last >> 8),
                     static_cast<uint8_t>(last)};
    return address;
}

IpAddress inner_v6(uint16_t last) {
    IpAddress address = v6(last);
    address.bytes[0] = 0xfd;
    address.bytes[1] = 0x00;
    return address;
}

// The outer ends of a tunnel, either way round.
struct TunnelEnds {
    IpAddress near;  // the client's side
    IpAddress far;
};

// Every tunnel kind, over IPv4 and IPv6, carrying IPv4 and IPv6.
void add_tunnel_conversations(CaptureFile& file) {
    uint32_t isn = 1000;
    uint16_t host = 1;
    for (const TunnelEnds& ends :
         {TunnelEnds{IpAddress::v4(198, 51, 100, 1), IpAddress::v4(198, 51, 100, 2)}, TunnelEnds{v6(1), v6(2)}}) {
        auto outer = [ends](bool from_client, uint8_t protocol, const std::vector<uint8_t>& payload) {
            const IpAddress& source = from_client ? ends.near : ends.far;
            const IpAddress& destination = from_client ? ends.far : ends.near;
            return ethernet(ether_type_of(source), ip_packet(source, destination, protocol, payload));
        };
        const std::vector<std::pair<std::string, Wrap>> kinds = {
            {"vxlan",
             [&](const std::vector<uint8_t>& inner, bool from_client) {
                 const uint16_t ether_type = (inner[0] >> 4) == 6 ? kEtherIpv6 : kEtherIpv4;
                 const uint16_t source_port = from_client ? 51234 : 60001;
                 return outer(from_client, 17, udp_datagram(source_port, 4789, vxlan(42, ethernet(ether_type, inner))));
             }},
            {"vxlan_inner_vlan",
             [&](const std::vector<uint8_t>& inner, bool from_client) {
                 const uint16_t ether_type = (inner[0] >> 4) == 6 ? kEtherIpv6 : kEtherIpv4;
                 return outer(from_client, 17,
                              udp_datagram(40000, 4789, vxlan(7, ethernet(ether_type, inner, {{0x8100, 30}}))));
             }},
            {"geneve_ethernet",
             [&](const std::vector<uint8_t>& inner, bool from_client) {
                 const uint16_t ether_type = (inner[0] >> 4) == 6 ? kEtherIpv6 : kEtherIpv4;
                 return outer(from_client, 17,
                              udp_datagram(50505, 6081, geneve(kEtherBridged, 99, ethernet(ether_type, inner))));
             }},
            {"geneve_ip_with_options",
             [&](const std::vector<uint8_t>& inner, bool from_client) {
                 const uint16_t ether_type = (inner[0] >> 4) == 6 ? kEtherIpv6 : kEtherIpv4;
                 const std::vector<uint8_t> option = {0x01, 0x02, 0x80, 0x01, 0xde, 0xad, 0xbe, 0xef};
                 return outer(from_client, 17, udp_datagram(50506, 6081, geneve(ether_type, 99, inner, option)));
             }},
            {"gre",
             [&](const std::vector<uint8_t>& inner, bool from_client) {
                 const uint16_t ether_type = (inner[0] >> 4) == 6 ? kEtherIpv6 : kEtherIpv4;
                 return outer(from_client, 47, gre(ether_type, inner));
             }},
            {"gre_key_sequence",
             [&, sequence = uint32_t{0}](const std::vector<uint8_t>& inner, bool from_client) mutable {
                 const uint16_t ether_type = (inner[0] >> 4) == 6 ? kEtherIpv6 : kEtherIpv4;
                 return outer(from_client, 47, gre(ether_type, inner, GreFields{false, 77, ++sequence}));
             }},
            {"gre_checksum_bridged",
             [&](const std::vector<uint8_t>& inner, bool from_client) {
                 const uint16_t ether_type = (inner[0] >> 4) == 6 ? kEtherIpv6 : kEtherIpv4;
                 return outer(from_client, 47, gre(kEtherBridged, ethernet(ether_type, inner), GreFields{true, 5, {}}));
             }},
            {"ip_in_ip", [&](const std::vector<uint8_t>& inner,
                             bool from_client) { return outer(from_client, (inner[0] >> 4) == 6 ? 41 : 4, inner); }},
            {"gre_in_vxlan",
             [&](const std::vector<uint8_t>& inner, bool from_client) {
                 const uint16_t ether_type = (inner[0] >> 4) == 6 ? kEtherIpv6 : kEtherIpv4;
                 const std::vector<uint8_t> middle =
                     ipv4_packet(IpAddress::v4(172, 16, 0, from_client ? 1 : 2),
                                 IpAddress::v4(172, 16, 0, from_client ? 2 : 1), 47, gre(ether_type, inner));
                 return outer(from_client, 17, udp_datagram(41000, 4789, vxlan(3, ethernet(kEtherIpv4, middle))));
             }},
        };
        for (const auto& [name, wrap] : kinds) {
            for (int inner_version : {4, 6}) {
                const IpAddress client =
                    inner_version == 4 ? IpAddress::v4(10, 1, 0, static_cast<uint8_t>(host)) : inner_v6(host);
                const IpAddress server = inner_version == 4 ? IpAddress::v4(10, 2, 0, static_cast<uint8_t>(host))
                                                            : inner_v6(static_cast<uint16_t>(0x100 + host));
                ++host;
                add_conversation(file, {client, static_cast<uint16_t>(40000 + host)}, {server, 443}, isn, isn * 3 + 17,
                                 wrap);
                isn += 100'003;
            }
        }
    }
}

Wrap plain_ethernet(const std::vector<std::pair<uint16_t, uint16_t>>& tags = {}) {
    return [tags](const std::vector<uint8_t>& packet, bool) {
        return ethernet((packet[0] >> 4) == 6 ? kEtherIpv6 : kEtherIpv4, packet, tags);
    };
}

// Conversations over IPv4 and IPv6, each wrapped by `wrap`.
void add_both_versions(CaptureFile& file, const Wrap& wrap, const ConversationShape& shape = {}, uint32_t isn = 7) {
    add_conversation(file, {IpAddress::v4(192, 0, 2, 10), 51000}, {IpAddress::v4(192, 0, 2, 20), 8443}, isn, isn + 5000,
                     wrap, shape);
    add_conversation(file, {v6(10), 51001}, {v6(20), 8443}, isn + 77, isn + 99999, wrap, shape);
}

std::vector<std::string> write_hand_made_captures(const TempDir& directory) {
    std::vector<std::string> paths;
    auto save = [&](const CaptureFile& file, const std::string& name) {
        paths.push_back(directory.file(name));
        file.write(paths.back());
    };
    {
        CaptureFile file(1);
        add_tunnel_conversations(file);
        save(file, "tunnels.pcap");
    }
    {
        // Cut, but never inside the inner TCP header's fixed part.
        CaptureFile file(1, 160);
        add_tunnel_conversations(file);
        save(file, "tunnels_snaplen_160.pcap");
    }
    {
        // tcpdump -s 96, as in many courses: data cut short, long TCP headers cut in their options.
        CaptureFile file(1, 96);
        ConversationShape shape;
        shape.sack = true;
        add_both_versions(file, plain_ethernet(), shape, 100);
        shape.sack = false;
        shape.reset_with_payload = true;
        add_both_versions(file, plain_ethernet(), shape, 9000);
        save(file, "snaplen_96.pcap");
    }
    {
        CaptureFile file(1);
        ConversationShape shape;
        shape.offloaded_length_0 = true;
        shape.server_sends = {2896, 7240};
        add_both_versions(file, plain_ethernet(), shape, 31337);
        save(file, "offloaded_length_0.pcap");
    }
    {
        CaptureFile file(1);
        add_both_versions(file, plain_ethernet({{0x8100, 100}}), {}, 11);
        add_both_versions(file, plain_ethernet({{0x88A8, 200}, {0x8100, 300}}), {}, 12);
        save(file, "vlan_and_qinq.pcap");
    }
    {
        CaptureFile file(113);
        add_both_versions(file, [](const std::vector<uint8_t>& packet, bool) {
            return linux_sll((packet[0] >> 4) == 6 ? kEtherIpv6 : kEtherIpv4, packet);
        });
        save(file, "linux_sll.pcap");
    }
    {
        CaptureFile file(276);
        add_both_versions(file, [](const std::vector<uint8_t>& packet, bool) {
            return linux_sll2((packet[0] >> 4) == 6 ? kEtherIpv6 : kEtherIpv4, packet);
        });
        save(file, "linux_sll2.pcap");
    }
    {
        // IPv6 with a hop-by-hop and a destination options header before TCP.
        CaptureFile file(1);
        add_conversation(file, {v6(30), 52000}, {v6(40), 80}, 555, 666, [](const std::vector<uint8_t>& packet, bool) {
            IpAddress source, destination;
            source.version = destination.version = 6;
            std::copy(packet.begin() + 8, packet.begin() + 24, source.bytes.begin());
            std::copy(packet.begin() + 24, packet.begin() + 40, destination.bytes.begin());
            const std::vector<uint8_t> segment(packet.begin() + 40, packet.end());
            return ethernet(kEtherIpv6, ipv6_packet(source, destination, 6, segment, {0, 60}));
        });
        save(file, "ipv6_extension_headers.pcap");
    }
    return paths;
}

std::vector<std::string> write_generated_captures(const TempDir& directory) {
    struct Generated {
        std::string name;
        GeneratorOptions options;
    };
    GeneratorOptions ethernet_options;
    ethernet_options.packets = 3000;
    ethernet_options.seed = 11;
    ethernet_options.ipv6_share = 0.3;
    GeneratorOptions raw_options = ethernet_options;
    raw_options.seed = 12;
    raw_options.format = GeneratedFormat::Pcap;
    raw_options.link = LinkType::Raw;
    GeneratorOptions snaplen_options = ethernet_options;
    snaplen_options.seed = 13;
    snaplen_options.format = GeneratedFormat::Pcap;
    snaplen_options.snaplen = 96;
    std::vector<std::string> paths;
    for (const Generated& each :
         {Generated{"generator_ethernet.pcapng", ethernet_options}, Generated{"generator_raw.pcap", raw_options},
          Generated{"generator_snaplen_96.pcap", snaplen_options}}) {
        paths.push_back(directory.file(each.name));
        const auto written = write_generated_capture(paths.back(), each.options);
        EXPECT_TRUE(written) << each.name << ": " << (written ? "" : written.error().what);
    }
    return paths;
}

TEST(TsharkAgreement, GeneratedAndHandMadeCaptures) {
    if (!have_tshark()) GTEST_SKIP() << "tshark is not installed (apt-get install tshark); nothing to compare with";
    const TempDir directory("tcplab-tshark");
    std::vector<std::string> captures = write_generated_captures(directory);
    const std::vector<std::string> hand_made = write_hand_made_captures(directory);
    captures.insert(captures.end(), hand_made.begin(), hand_made.end());
    expect_agreement(captures, directory);
}

TEST(TsharkAgreement, LessonRecordings) {
    if (!have_tshark()) GTEST_SKIP() << "tshark is not installed (apt-get install tshark); nothing to compare with";
    if (::geteuid() != 0) GTEST_SKIP() << "running the lessons to record them needs root (network namespaces)";
    const TempDir directory("tcplab-tshark");
    const CommandResult listed = run_command(quoted(TCPLAB_BINARY) + " list --json");
    ASSERT_EQ(listed.exit_code, 0) << listed.output;
    std::vector<std::string> recordings;
    for (const std::string& line : split(listed.output, '\n')) {
        if (line.empty()) continue;
        const std::string lesson = nlohmann::json::parse(line).at("name").get<std::string>();
        const std::string path = directory.file(lesson + ".pcapng");
        const CommandResult run =
            run_command(quoted(TCPLAB_BINARY) + " run " + lesson + " --record " + quoted(path) + " --no-predict 2>&1");
        ASSERT_EQ(run.exit_code, 0) << lesson << ":\n" << run.output;
        recordings.push_back(path);
    }
    ASSERT_GE(recordings.size(), 5u);
    expect_agreement(recordings, directory);
}

}  // namespace
}  // namespace tcplab
