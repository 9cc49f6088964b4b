// Opening a capture the fast way (capture/capture_index.hpp) must give the
// same trace as read_trace(): same packets, connections, relative numbers,
// retransmissions and inferred states, with the raw bytes read from the file.
// The files come from our generator (bench/capture_generator.hpp), whose own
// counts say what the trace must find. Speed is measured in bench/, not here.
#include "capture/capture_index.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "bench/capture_generator.hpp"
#include "capture/recording_reader.hpp"
#include "lab/exit_codes.hpp"
#include "lab/stats_command.hpp"
#include "tests/temp_dir.hpp"

namespace tcplab {
namespace {

using test::TempDir;

GeneratorOptions small(GeneratedFormat format, LinkType link, uint64_t packets = 10'000) {
    GeneratorOptions options;
    options.packets = packets;
    options.seed = 42;
    options.format = format;
    options.link = link;
    return options;
}

void expect_same_summary(const CapturedPacket& full, const PacketEvent& summary, const Endpoint& source,
                         const Endpoint& destination, size_t index) {
    SCOPED_TRACE("frame " + std::to_string(index));
    EXPECT_EQ(full.summary.transport, summary.transport);
    EXPECT_EQ(full.summary.decode_failed, summary.decode_failed);
    EXPECT_EQ(full.summary.payload_length, summary.payload_length);
    EXPECT_EQ(full.summary.truncated, summary.truncated);
    EXPECT_EQ(full.summary.seq, summary.seq);
    EXPECT_EQ(full.summary.ack, summary.ack);
    EXPECT_EQ(full.summary.flags, summary.flags);
    EXPECT_EQ(full.summary.window, summary.window);
    EXPECT_EQ(full.source, source);
    EXPECT_EQ(full.destination, destination);
}

// Every frame the generator makes, whole and cut at many lengths (snaplen),
// summarised the fast way, agrees with the full decoder whenever the fast way
// answers at all; and it answers for every whole frame.
TEST(SummarizeFrame, AgreesWithTheFullDecoder) {
    for (LinkType link : {LinkType::Ethernet, LinkType::Raw}) {
        CaptureGenerator generator(small(GeneratedFormat::Pcap, link, 3000));
        GeneratedPacket packet;
        size_t index = 0, answered_cut = 0, refused_cut = 0;
        while (generator.next(packet)) {
            const CapturedPacket full = Trace::capture(0, 0, link, packet.original_length, packet.frame);
            PacketEvent summary;
            Endpoint source, destination;
            ASSERT_TRUE(summarize_frame(link, packet.frame, packet.original_length, summary, source, destination))
                << "frame " << index;
            expect_same_summary(full, summary, source, destination, index);
            if (index % 10 == 0) {
                for (size_t cut = 0; cut < packet.frame.size(); cut += 3) {
                    const auto shorter = packet.frame.first(cut);
                    const CapturedPacket cut_full = Trace::capture(0, 0, link, packet.original_length, shorter);
                    PacketEvent cut_summary;
                    Endpoint cut_source, cut_destination;
                    if (summarize_frame(link, shorter, packet.original_length, cut_summary, cut_source,
                                        cut_destination)) {
                        ++answered_cut;
                        expect_same_summary(cut_full, cut_summary, cut_source, cut_destination, index);
                    } else {
                        ++refused_cut;
                        // Refusing is only right when the full decoder has something to say.
                        EXPECT_TRUE(cut_full.summary.decode_failed || cut_full.summary.transport != Transport::Tcp)
                            << "frame " << index << " cut at " << cut;
                    }
                }
            }
            ++index;
        }
        EXPECT_GT(answered_cut, 0u);
        EXPECT_GT(refused_cut, 0u);
    }
}

TEST(SummarizeFrame, LeavesOddFramesToTheFullDecoder) {
    PacketEvent summary;
    Endpoint source, destination;
    // An ARP frame: Ethernet, but no IP.
    std::array<uint8_t, 42> arp{};
    arp[12] = 0x08;
    arp[13] = 0x06;
    EXPECT_FALSE(summarize_frame(LinkType::Ethernet, arp, 0, summary, source, destination));
    // A BSD loopback frame: a link type the fast path does not read.
    std::array<uint8_t, 4> null_header{2, 0, 0, 0};
    EXPECT_FALSE(summarize_frame(LinkType::Null, null_header, 0, summary, source, destination));
}

int count_time_wait_ends(const Trace& trace) {
    int ends = 0;
    for (const Connection& connection : trace.connections())
        if (connection.inferred.state(Side::Client) == TcpState::TimeWait ||
            connection.inferred.state(Side::Server) == TcpState::TimeWait)
            ++ends;
    return ends;
}

void expect_generated_file_opens(GeneratedFormat format, LinkType link, const std::string& name,
                                 uint64_t packets = 10'000) {
    TempDir directory("tcplab-index");
    const std::string path = directory.file(name);
    auto written = write_generated_capture(path, small(format, link, packets));
    ASSERT_TRUE(written) << written.error().what;
    const GeneratorTotals& totals = written.value();

    auto opened = open_capture(path);
    ASSERT_TRUE(opened) << opened.error().what;
    EXPECT_EQ(opened->path, OpenPath::Indexed);
    const Trace& trace = opened->loaded.trace;
    EXPECT_FALSE(opened->loaded.fault.has_value());
    EXPECT_EQ(opened->loaded.packets, totals.packets);
    ASSERT_EQ(trace.packets().size(), totals.packets);
    EXPECT_EQ(trace.connections().size(), totals.connections);
    EXPECT_GT(totals.flood_syns, 0u);
    uint64_t retransmissions = 0;
    for (const PacketEvent& packet : trace.packets()) retransmissions += packet.retransmission;
    EXPECT_EQ(retransmissions, totals.retransmissions);
    EXPECT_EQ(count_time_wait_ends(trace), static_cast<int>(totals.time_wait_ends));

    // The same trace as the reader that copies every frame.
    auto reference = read_trace(path);
    ASSERT_TRUE(reference);
    const Trace& expected = reference->trace;
    ASSERT_EQ(expected.packets().size(), trace.packets().size());
    for (size_t index = 0; index < trace.packets().size(); ++index) {
        const PacketEvent& want = expected.packets()[index];
        const PacketEvent& got = trace.packets()[index];
        ASSERT_EQ(want.time_ns, got.time_ns) << index;
        ASSERT_EQ(want.connection, got.connection) << index;
        ASSERT_EQ(want.from_server, got.from_server) << index;
        ASSERT_EQ(want.retransmission, got.retransmission) << index;
        ASSERT_EQ(want.payload_length, got.payload_length) << index;
        ASSERT_EQ(want.truncated, got.truncated) << index;
        ASSERT_EQ(expected.relative_seq(want), trace.relative_seq(got)) << index;
        ASSERT_EQ(expected.relative_ack(want), trace.relative_ack(got)) << index;
        const auto want_bytes = expected.raw_bytes(want), got_bytes = trace.raw_bytes(got);
        ASSERT_TRUE(std::equal(want_bytes.begin(), want_bytes.end(), got_bytes.begin(), got_bytes.end())) << index;
    }
    ASSERT_EQ(expected.states().size(), trace.states().size());
    for (size_t index = 0; index < trace.states().size(); ++index) {
        EXPECT_EQ(expected.states()[index].to, trace.states()[index].to) << index;
        EXPECT_EQ(expected.states()[index].connection, trace.states()[index].connection) << index;
    }
    EXPECT_EQ(opened->loaded.interfaces.size(), reference->interfaces.size());
    // Raw bytes stayed in the file: the trace holds far less than the frames.
    EXPECT_LT(trace.memory_bytes(), totals.bytes / 2);
}

TEST(OpenCapture, GeneratedPcapEthernet) {
    expect_generated_file_opens(GeneratedFormat::Pcap, LinkType::Ethernet, "gen.pcap");
}
// Some record headers end a read window and their frames start the next one.
TEST(OpenCapture, GeneratedPcapLargerThanTheReadWindow) {
    expect_generated_file_opens(GeneratedFormat::Pcap, LinkType::Ethernet, "large.pcap", 50'000);
}
TEST(OpenCapture, GeneratedPcapngEthernet) {
    expect_generated_file_opens(GeneratedFormat::Pcapng, LinkType::Ethernet, "gen.pcapng");
}
TEST(OpenCapture, GeneratedPcapngRaw) {
    expect_generated_file_opens(GeneratedFormat::Pcapng, LinkType::Raw, "raw.pcapng");
}

TEST(OpenCapture, TruncatedFileGoesToTheReaderAndNamesTheFault) {
    TempDir directory("tcplab-index");
    const std::string path = directory.file("cut.pcapng");
    ASSERT_TRUE(write_generated_capture(path, small(GeneratedFormat::Pcapng, LinkType::Ethernet, 500)));
    std::filesystem::resize_file(path, std::filesystem::file_size(path) - 7);
    auto opened = open_capture(path);
    ASSERT_TRUE(opened);
    EXPECT_EQ(opened->path, OpenPath::ReadTrace);
    ASSERT_TRUE(opened->loaded.fault.has_value());
    EXPECT_EQ(opened->loaded.trace.packets().size(), 499u);
}

TEST(OpenCapture, NotACaptureIsAnError) {
    TempDir directory("tcplab-index");
    const std::string path = directory.file("text.pcap");
    std::FILE* file = std::fopen(path.c_str(), "w");
    std::fputs("hello, not a capture\n", file);
    std::fclose(file);
    EXPECT_FALSE(open_capture(path));
    EXPECT_FALSE(open_capture(directory.file("missing.pcap")));
}

// `tcplab stats` on a generated file reports what the generator made.
TEST(StatsCommand, CountsAGeneratedFile) {
    TempDir directory("tcplab-index");
    const std::string path = directory.file("stats.pcapng");
    auto written = write_generated_capture(path, small(GeneratedFormat::Pcapng, LinkType::Ethernet));
    ASSERT_TRUE(written);
    auto stats = collect_capture_stats(path);
    ASSERT_TRUE(stats) << stats.error().what;
    auto language = Language::load("en");
    ASSERT_TRUE(language);
    std::FILE* out = std::tmpfile();
    print_capture_stats(*stats, language.value(), true, out);
    std::rewind(out);
    std::string output;
    std::array<char, 4096> buffer{};
    size_t read = 0;
    while ((read = std::fread(buffer.data(), 1, buffer.size(), out)) > 0) output.append(buffer.data(), read);
    std::fclose(out);
    const auto report = nlohmann::json::parse(output);
    EXPECT_EQ(report["packets"], written->packets);
    EXPECT_EQ(report["connections"], written->connections);
    EXPECT_EQ(report["retransmissions"], written->retransmissions);
    EXPECT_EQ(report["engine"], "indexed");
    const uint64_t time_wait = report["final_states"].value("TIME_WAIT", uint64_t{0});
    EXPECT_EQ(time_wait, written->time_wait_ends);
    EXPECT_GE(report["inferred_states"].get<uint64_t>(), 2 * written->connections);
    EXPECT_LE(report["packet_event_bytes"].get<uint64_t>(), 64u);
    EXPECT_EQ(run_stats_command(directory.file("missing.pcap"), true, OpenEngine::Indexed, language.value()),
              exit_code::kFileUnreadable);
}

}  // namespace
}  // namespace tcplab
