// The terminal line and the JSON lines say when the capture cut a segment
// short and which tunnel carried it, in both languages.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "capture/trace.hpp"
#include "lab/json_lines.hpp"
#include "lab/terminal_view.hpp"
#include "tests/frame_builder.hpp"

namespace tcplab {
namespace {

const Endpoint kClient{IpAddress::v4(10, 1, 0, 1), 40000};
const Endpoint kServer{IpAddress::v4(10, 2, 0, 1), 443};

std::vector<uint8_t> segment_packet(uint8_t flags, uint32_t seq, uint32_t ack, const std::string& payload) {
    const test::TcpFrame frame{kClient, kServer, flags, seq, ack, 512, payload};
    return test::ipv4_packet(kClient.address, kServer.address, 6, test::tcp_segment(frame));
}

// A handshake's SYN, then a data segment cut to 96 bytes, the SYN again cut
// in its options, then a segment inside GRE.
Trace marked_trace() {
    Trace trace;
    int64_t time = 1'700'000'000'000'000'000;
    auto add = [&](const std::vector<uint8_t>& frame, size_t wire_length) {
        const std::span<const uint8_t> kept(frame.data(), std::min(frame.size(), size_t{96}));
        trace.add_packet(Trace::capture(time += 1000, 0, LinkType::Ethernet, static_cast<uint32_t>(wire_length), kept));
    };
    const auto syn = test::ethernet(test::kEtherIpv4, segment_packet(tcp_flag::Syn, 100, 0, ""));
    add(syn, syn.size());
    const auto data =
        test::ethernet(test::kEtherIpv4, segment_packet(tcp_flag::Psh | tcp_flag::Ack, 101, 1, std::string(500, 'x')));
    add(data, data.size());
    // A SYN whose options the capture cut: 14 + 20 + 20 bytes of 74.
    const auto syn_cut = test::ethernet(
        test::kEtherIpv4,
        test::ipv4_packet(kClient.address, kServer.address, 6,
                          test::tcp_segment(test::TcpFrame{kClient, kServer, tcp_flag::Syn, 100, 0, 512, ""},
                                            test::syn_options(1460, 1))));
    trace.add_packet(Trace::capture(time += 1000, 0, LinkType::Ethernet, static_cast<uint32_t>(syn_cut.size()),
                                    std::span<const uint8_t>(syn_cut.data(), 60)));
    const auto tunnelled = test::ethernet(
        test::kEtherIpv4, test::ipv4_packet(IpAddress::v4(198, 51, 100, 1), IpAddress::v4(198, 51, 100, 2), 47,
                                            test::gre(test::kEtherIpv4, segment_packet(tcp_flag::Ack, 601, 1, ""))));
    add(tunnelled, tunnelled.size());
    return trace;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    size_t start = 0;
    for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
        lines.push_back(text.substr(start, end - start));
    return lines;
}

template <typename Print>
std::string printed(Print print) {
    char* buffer = nullptr;
    size_t size = 0;
    std::FILE* out = open_memstream(&buffer, &size);
    print(out);
    std::fclose(out);
    std::string text(buffer, size);
    std::free(buffer);
    return text;
}

// Every event of `trace` as the terminal prints it, one string a line.
std::vector<std::string> terminal_lines(const Trace& trace, const Language& language) {
    return lines_of(printed([&](std::FILE* out) {
        TerminalView(language, TerminalOptions{}, out)
            .print_events(trace, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
    }));
}

std::string packet_line_containing(const std::vector<std::string>& lines, const std::string& part) {
    for (const std::string& line : lines)
        if (line.find(part) != std::string::npos) return line;
    return "";
}

TEST(TerminalMarks, CutSegmentAndTunnelAreNamed) {
    const Trace trace = marked_trace();
    ASSERT_EQ(trace.packets().size(), 4u);
    EXPECT_TRUE(trace.packets()[2].truncated);
    EXPECT_FALSE(trace.packets()[2].decode_failed);
    EXPECT_FALSE(trace.packets()[0].truncated);
    EXPECT_TRUE(trace.packets()[1].truncated);
    EXPECT_EQ(trace.packets()[1].payload_length, 500u);
    for (const char* code : {"en", "zh-CN"}) {
        SCOPED_TRACE(code);
        auto language = Language::load(code);
        ASSERT_TRUE(language.ok());
        const auto lines = terminal_lines(trace, language.value());
        const std::string data = packet_line_containing(lines, "len=500");
        ASSERT_NE(data, "");
        const std::string mark = std::string(code) == "en" ? "cut by the capture: 42 of 500 payload bytes kept"
                                                           : "被捕获截断：载荷只保留了 42 / 500 字节";
        EXPECT_NE(data.find(mark), std::string::npos) << data;
        const std::string syn = packet_line_containing(lines, "SYN       seq=");
        EXPECT_EQ(syn.find(std::string(code) == "en" ? "cut by the capture" : "被捕获截断"), std::string::npos) << syn;
        std::string cut_syn;
        for (const std::string& line : lines)
            if (line.find("SYN       seq=") != std::string::npos && line != syn) cut_syn = line;
        const std::string header_mark = std::string(code) == "en" ? "cut by the capture inside the TCP header's options"
                                                                  : "被捕获截断：TCP 首部的选项没有捕获完整";
        EXPECT_NE(cut_syn.find(header_mark), std::string::npos) << cut_syn;
        const std::string tunnelled = packet_line_containing(lines, "198.51.100.1");
        const std::string via = std::string(code) == "en" ? "via GRE 198.51.100.1 → 198.51.100.2"
                                                          : "经 GRE 隧道 198.51.100.1 → 198.51.100.2";
        EXPECT_NE(tunnelled.find(via), std::string::npos) << tunnelled;
        EXPECT_NE(tunnelled.find("seq=501"), std::string::npos) << tunnelled;  // the inner connection's numbers
    }
}

TEST(TerminalMarks, JsonLinesCarryTheSame) {
    const Trace trace = marked_trace();
    auto language = Language::load("en");
    ASSERT_TRUE(language.ok());
    const auto lines = lines_of(printed([&](std::FILE* out) {
        JsonLines(language.value(), out)
            .print_events(trace, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
    }));
    std::vector<nlohmann::json> packets;
    for (const std::string& line : lines) {
        const auto object = nlohmann::json::parse(line);
        if (object.value("type", "") == "packet") packets.push_back(object);
    }
    ASSERT_EQ(packets.size(), 4u);
    EXPECT_FALSE(packets[0].contains("captured_payload_length"));
    EXPECT_EQ(packets[1]["payload_length"], 500);
    EXPECT_EQ(packets[1]["captured_payload_length"], 42);
    EXPECT_EQ(packets[2]["captured_payload_length"], 0);
    ASSERT_TRUE(packets[3].contains("tunnels"));
    EXPECT_EQ(packets[3]["tunnels"][0]["kind"], "GRE");
    EXPECT_EQ(packets[3]["tunnels"][0]["source"], "198.51.100.1");
    EXPECT_EQ(packets[3]["source"], "10.1.0.1:40000");
}

// A program's send() shows its bytes as "hello\n" in the arguments; the
// recv() that takes them shows the same bytes the same way, so a student can
// match one to the other. A binary length prefix stays escaped.
TEST(TerminalMarks, ReceivedBytesAreQuotedAsTheSentOnesAre) {
    Trace trace;
    CallEvent sent;
    sent.time_ns = sent.return_ns = 1'700'000'000'000'000'000;
    sent.actor = Actor::Client;
    sent.call = "send";
    sent.arguments = "fd=3, \"hello\\n\", 6";  // as the tracer writes it
    sent.result = 6;
    sent.data = "hello\n";
    sent.process = sent.thread = 100;
    sent.program = "python3";
    trace.add_call(sent);
    CallEvent received = sent;
    received.time_ns = received.return_ns = sent.time_ns + 1000;
    received.actor = Actor::Server;
    received.call = "recv";
    received.arguments = "fd=4, 1024";
    received.process = received.thread = 200;
    trace.add_call(received);
    CallEvent framed = received;
    framed.time_ns = framed.return_ns = received.time_ns + 1000;
    framed.result = 7;
    framed.data = std::string("\x00\x05hello", 7);
    trace.add_call(framed);
    auto language = Language::load("en");
    ASSERT_TRUE(language.ok());
    const auto lines = terminal_lines(trace, language.value());
    const std::string recv_line = packet_line_containing(lines, "recv(fd=4, 1024) = 6");
    EXPECT_NE(recv_line.find("\"hello\\n\""), std::string::npos) << recv_line;
    const std::string framed_line = packet_line_containing(lines, "recv(fd=4, 1024) = 7");
    EXPECT_NE(framed_line.find("\"\\x00\\x05hello\""), std::string::npos) << framed_line;
}

// A server blocked in accept() when Ctrl-C or --timeout ends it: the call
// never returned, and the line says so (in the chosen language) instead of
// "= -1" and "returned after".
TEST(TerminalMarks, ACallWhoseProcessEndedSaysItNeverReturned) {
    Trace trace;
    CallEvent blocked;
    blocked.time_ns = 1'700'000'000'000'000'000;
    blocked.return_ns = blocked.time_ns + 5'000'000'000;  // when the process ended
    blocked.actor = Actor::Server;
    blocked.call = "accept";
    blocked.arguments = "fd=3, SOCK_CLOEXEC";
    blocked.result = -1;
    blocked.process = blocked.thread = 100;
    blocked.program = "python3";
    trace.add_call(blocked);
    for (const char* code : {"en", "zh-CN"}) {
        SCOPED_TRACE(code);
        auto language = Language::load(code);
        ASSERT_TRUE(language.ok());
        const auto lines = terminal_lines(trace, language.value());
        const std::string line = packet_line_containing(lines, "accept(fd=3, SOCK_CLOEXEC)");
        const std::string said = fmt::format(fmt::runtime(language.value().text("programs.never_returned")), 5'000'000);
        EXPECT_NE(line.find(said), std::string::npos) << line;
        EXPECT_EQ(line.find("= -1"), std::string::npos) << line;
    }
}

}  // namespace
}  // namespace tcplab
