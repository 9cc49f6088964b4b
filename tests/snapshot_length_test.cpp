// A capture taken with tcpdump -s 96 (as many courses do) must tell the same
// story as the whole capture of the same traffic: every segment's length from
// its IP header, hence the same next-sequence numbers, retransmission marks,
// connections, inferred states and framing view, with the cut segments marked
// truncated. Both ways of opening a file are checked: the fast index and the
// full decoder.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <string>

#include "bench/capture_generator.hpp"
#include "capture/capture_index.hpp"
#include "capture/recording_reader.hpp"
#include "lab/layout/framing_layout.hpp"
#include "tests/temp_dir.hpp"

namespace tcplab {
namespace {

using test::TempDir;

GeneratorOptions traffic(uint32_t snaplen) {
    GeneratorOptions options;
    options.packets = 6000;
    options.seed = 96;
    options.format = GeneratedFormat::Pcap;
    options.ipv6_share = 0.3;
    options.retransmit_share = 0.05;
    options.snaplen = snaplen;
    return options;
}

using Opener = std::function<LoadedTrace(const std::string& path)>;

LoadedTrace open_indexed(const std::string& path) {
    auto opened = open_capture(path);
    EXPECT_TRUE(opened) << (opened ? "" : opened.error().what);
    EXPECT_EQ(opened->path, OpenPath::Indexed);
    return std::move(opened->loaded);
}

LoadedTrace open_fully(const std::string& path) {
    auto loaded = read_trace(path);
    EXPECT_TRUE(loaded) << (loaded ? "" : loaded.error().what);
    return std::move(loaded.value());
}

void expect_same_framing(const Trace& whole, const Trace& cut, size_t packet, size_t& cut_boxes) {
    const FramingLayout want = layout_framing({.trace = whole, .selected_packet = packet, .width = 1000});
    const FramingLayout got = layout_framing({.trace = cut, .selected_packet = packet, .width = 1000});
    ASSERT_EQ(want.found, got.found);
    EXPECT_EQ(want.connection, got.connection);
    EXPECT_EQ(want.total_bytes, got.total_bytes);
    ASSERT_EQ(want.boxes.size(), got.boxes.size());
    for (size_t index = 0; index < want.boxes.size(); ++index) {
        SCOPED_TRACE("box " + std::to_string(index));
        const FramingBox& a = want.boxes[index];
        const FramingBox& b = got.boxes[index];
        EXPECT_EQ(a.row, b.row);
        EXPECT_EQ(a.begin, b.begin);
        EXPECT_EQ(a.end, b.end);
        EXPECT_FLOAT_EQ(a.x0, b.x0);
        EXPECT_FLOAT_EQ(a.x1, b.x1);
        EXPECT_EQ(a.retransmission, b.retransmission);
        // The cut capture shows the bytes it kept, and says that they are only the start.
        EXPECT_EQ(a.text.substr(0, b.text.size()), b.text);
        if (b.text.size() < a.text.size()) {
            EXPECT_FALSE(b.text_complete);
            ++cut_boxes;
        }
    }
}

void expect_same_story(const Opener& open) {
    TempDir directory("tcplab-snaplen");
    const std::string whole_path = directory.file("whole.pcap");
    const std::string cut_path = directory.file("snaplen96.pcap");
    auto written = write_generated_capture(whole_path, traffic(0));
    ASSERT_TRUE(written) << written.error().what;
    const GeneratorTotals totals = written.value();
    ASSERT_TRUE(write_generated_capture(cut_path, traffic(96)));

    const LoadedTrace whole_loaded = open(whole_path);
    const LoadedTrace cut_loaded = open(cut_path);
    const Trace& whole = whole_loaded.trace;
    const Trace& cut = cut_loaded.trace;
    ASSERT_EQ(whole.packets().size(), cut.packets().size());
    ASSERT_EQ(whole.connections().size(), cut.connections().size());

    size_t truncated = 0, retransmissions = 0, data_segments = 0;
    for (size_t index = 0; index < whole.packets().size(); ++index) {
        const PacketEvent& a = whole.packets()[index];
        const PacketEvent& b = cut.packets()[index];
        SCOPED_TRACE("packet " + std::to_string(index));
        ASSERT_EQ(a.transport, b.transport);
        ASSERT_FALSE(b.decode_failed);
        ASSERT_EQ(a.payload_length, b.payload_length);
        ASSERT_EQ(a.seq, b.seq);
        ASSERT_EQ(a.ack, b.ack);
        ASSERT_EQ(a.flags, b.flags);
        ASSERT_EQ(a.connection, b.connection);
        ASSERT_EQ(a.from_server, b.from_server);
        ASSERT_EQ(a.retransmission, b.retransmission);
        ASSERT_EQ(whole.relative_seq(a), cut.relative_seq(b));
        ASSERT_EQ(whole.relative_ack(a), cut.relative_ack(b));
        EXPECT_FALSE(a.truncated);
        // Truncated exactly when the capture kept fewer bytes than the segment's headers and payload.
        EXPECT_EQ(b.truncated, b.raw_length < a.raw_length);
        truncated += b.truncated;
        retransmissions += b.retransmission;
        data_segments += b.payload_length > 0;
    }
    EXPECT_GT(truncated, 100u);
    EXPECT_EQ(retransmissions, totals.retransmissions);
    EXPECT_GT(retransmissions, 10u);
    EXPECT_EQ(data_segments, totals.data_segments);

    ASSERT_EQ(whole.states().size(), cut.states().size());
    for (size_t index = 0; index < whole.states().size(); ++index) {
        EXPECT_EQ(whole.states()[index].time_ns, cut.states()[index].time_ns) << index;
        EXPECT_EQ(whole.states()[index].to, cut.states()[index].to) << index;
        EXPECT_EQ(whole.states()[index].connection, cut.states()[index].connection) << index;
    }

    // The framing view of a few data-carrying connections, retransmissions among them.
    size_t shown = 0, cut_boxes = 0;
    std::vector<bool> seen(whole.connections().size(), false);
    for (const bool retransmitted : {true, false}) {
        for (size_t index = 0, taken = 0; index < cut.packets().size() && taken < 6; ++index) {
            const PacketEvent& packet = cut.packets()[index];
            if (packet.payload_length == 0 || packet.connection == kNoConnection || seen[packet.connection]) continue;
            if (retransmitted && !packet.retransmission) continue;
            seen[packet.connection] = true;
            expect_same_framing(whole, cut, index, cut_boxes);
            ++taken;
            ++shown;
        }
    }
    EXPECT_EQ(shown, 12u);
    EXPECT_GT(cut_boxes, 0u);
}

TEST(SnapshotLength96, IndexedOpenTellsTheSameStory) { expect_same_story(open_indexed); }

TEST(SnapshotLength96, FullDecoderTellsTheSameStory) { expect_same_story(open_fully); }

}  // namespace
}  // namespace tcplab
