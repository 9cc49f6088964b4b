// The streaming reader: pcap in both byte orders and resolutions, pcapng in
// both byte orders with several sections and interfaces, every packet block
// type, and the malformed-file goldens in tests/fixtures/malformed/.
#include "capture/capture_file_reader.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "capture/pcapng_writer.hpp"
#include "tests/fixtures/malformed/capture_files.hpp"
#include "tests/temp_dir.hpp"

namespace tcplab {
namespace {

namespace fs = std::filesystem;
using test::append;
using test::ByteOrder;

const fs::path kFixtures = fs::path(TCPLAB_SOURCE_DIR) / "tests" / "fixtures" / "malformed";

struct ReadAll {
    std::vector<CaptureRecord> records;
    std::vector<std::vector<uint8_t>> data;  // record.data copied, since it only lives until next()
    std::optional<FileFault> fault;
    std::vector<CaptureInterface> interfaces;
};

ReadAll read_all(CaptureFileReader& reader) {
    ReadAll all;
    CaptureRecord record;
    while (reader.next(record)) {
        all.data.emplace_back(record.data.begin(), record.data.end());
        all.records.push_back(record);
        all.records.back().data = {};
    }
    all.fault = reader.fault();
    all.interfaces = reader.interfaces();
    return all;
}

ReadAll read_memory(const std::vector<uint8_t>& bytes) {
    auto reader = CaptureFileReader::from_memory(bytes);
    EXPECT_TRUE(reader) << reader.error().what;
    if (!reader) return {};
    return read_all(*reader);
}

std::vector<uint8_t> read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class PcapVariants : public testing::TestWithParam<std::tuple<ByteOrder, bool>> {};

TEST_P(PcapVariants, ReadsEveryRecordWithItsTime) {
    const auto [order, nanoseconds] = GetParam();
    auto file = test::pcap_header(order, nanoseconds, 65535, 113);
    const auto first = test::tcp_frame(1), second = test::tcp_frame(2, 0x12);
    append(file, test::pcap_record(order, 1'700'000'000, 250, first, 60));
    append(file, test::pcap_record(order, 1'700'000'001, 999, second, 54));
    const ReadAll all = read_memory(file);
    EXPECT_FALSE(all.fault) << all.fault->message();
    ASSERT_EQ(all.records.size(), 2u);
    ASSERT_EQ(all.interfaces.size(), 1u);
    EXPECT_EQ(all.interfaces[0].link_type, 113);
    EXPECT_EQ(all.interfaces[0].snaplen, 65535u);
    const int64_t unit = nanoseconds ? 1 : 1000;
    EXPECT_EQ(all.records[0].time_ns, 1'700'000'000'000'000'000 + 250 * unit);
    EXPECT_EQ(all.records[1].time_ns, 1'700'000'001'000'000'000 + 999 * unit);
    EXPECT_EQ(all.records[0].original_length, 60u);
    EXPECT_EQ(all.data[0], first);
    EXPECT_EQ(all.data[1], second);
    EXPECT_EQ(all.records[1].block_index, 2u);
    EXPECT_EQ(all.records[1].offset, 24u + 16 + 54);
}

INSTANTIATE_TEST_SUITE_P(BothOrdersBothResolutions, PcapVariants,
                         testing::Combine(testing::Values(ByteOrder::Little, ByteOrder::Big), testing::Bool()));

class PcapngOrders : public testing::TestWithParam<ByteOrder> {};

TEST_P(PcapngOrders, ReadsEveryPacketBlockTypeAndCustomBlocks) {
    const ByteOrder order = GetParam();
    const std::vector<pcapng::Option> name = {pcapng::Option::text(pcapng::kInterfaceName, "eth0"),
                                              pcapng::Option::byte(pcapng::kInterfaceTimestampResolution, 9)};
    const std::vector<pcapng::Option> application = {pcapng::Option::text(pcapng::kSectionUserApplication, "test")};
    auto file = pcapng::section_header_block(application, order);
    append(file, pcapng::interface_description_block(1, 1000, name, order));
    const auto frame = test::tcp_frame(7);
    const std::vector<pcapng::Option> comments = {pcapng::Option::text(pcapng::kOptionComment, "first"),
                                                  pcapng::Option::text(pcapng::kOptionComment, "second")};
    append(file, pcapng::enhanced_packet_block(0, 123'456'789, frame, 60, comments, order));
    append(file, pcapng::encode_block(pcapng::kNameResolutionBlock, std::vector<uint8_t>{0, 0, 0, 0}, order));
    append(file, test::simple_packet_block(frame, 54, order));
    append(file, test::obsolete_packet_block(0, 5, frame, 54, order));
    const std::vector<uint8_t> custom = {'a', 'b', 'c'};
    append(file, pcapng::custom_block(32473, custom, false, order));

    auto reader = CaptureFileReader::from_memory(file);
    ASSERT_TRUE(reader) << reader.error().what;
    EXPECT_EQ(reader->format(), CaptureFormat::Pcapng);
    const ReadAll all = read_all(*reader);
    EXPECT_FALSE(all.fault) << all.fault->message();
    EXPECT_EQ(reader->skipped_blocks(), 1u);
    ASSERT_EQ(all.records.size(), 4u);
    ASSERT_EQ(all.interfaces.size(), 1u);
    EXPECT_EQ(all.interfaces[0].name, "eth0");
    EXPECT_EQ(all.interfaces[0].snaplen, 1000u);

    EXPECT_EQ(all.records[0].time_ns, 123'456'789);
    EXPECT_EQ(all.records[0].original_length, 60u);
    EXPECT_EQ(all.records[0].comments, (std::vector<std::string>{"first", "second"}));
    EXPECT_EQ(all.data[0], frame);

    EXPECT_EQ(all.records[1].original_length, 54u);  // SPB: length from the original length
    EXPECT_EQ(all.data[1], frame);
    EXPECT_EQ(all.records[2].time_ns, 5);  // obsolete Packet Block
    EXPECT_EQ(all.data[2], frame);

    EXPECT_EQ(all.records[3].kind, CaptureRecord::Kind::Custom);
    EXPECT_EQ(all.records[3].private_enterprise_number, 32473u);
    EXPECT_FALSE(all.records[3].copyable);
    EXPECT_EQ(all.data[3], (std::vector<uint8_t>{'a', 'b', 'c', 0}));  // custom data keeps pcapng's padding
}

INSTANTIATE_TEST_SUITE_P(BothOrders, PcapngOrders, testing::Values(ByteOrder::Little, ByteOrder::Big));

TEST(CaptureFileReader, SectionsAndInterfacesKeepTheirOwnResolutionAndOffset) {
    const auto frame = test::tcp_frame(1);
    // Section 0, little-endian: interface 0 in microseconds (the default), interface 1 in nanoseconds.
    auto file = pcapng::section_header_block({}, ByteOrder::Little);
    append(file, pcapng::interface_description_block(1, 0, {}, ByteOrder::Little));
    append(file, test::nanosecond_interface(101, 0, ByteOrder::Little));
    append(file, pcapng::enhanced_packet_block(0, 1'000'001, frame, 54, {}, ByteOrder::Little));
    append(file, pcapng::enhanced_packet_block(1, 1'000'001, std::span(frame).subspan(14), 40, {}, ByteOrder::Little));
    // Section 1, big-endian: one interface ticking in 2^-10 seconds, 100 s after its timestamps say.
    append(file, pcapng::section_header_block({}, ByteOrder::Big));
    const std::vector<pcapng::Option> binary = {
        pcapng::Option::byte(pcapng::kInterfaceTimestampResolution, 0x80 | 10),
        pcapng::Option::u64(pcapng::kInterfaceTimestampOffset, 100, ByteOrder::Big)};
    append(file, pcapng::interface_description_block(113, 0, binary, ByteOrder::Big));
    append(file, pcapng::enhanced_packet_block(0, 1536, frame, 54, {}, ByteOrder::Big));  // 1.5 s

    const ReadAll all = read_memory(file);
    EXPECT_FALSE(all.fault) << all.fault->message();
    ASSERT_EQ(all.interfaces.size(), 3u);
    ASSERT_EQ(all.records.size(), 3u);
    EXPECT_EQ(all.records[0].time_ns, 1'000'001'000);
    EXPECT_EQ(all.records[0].interface, 0u);
    EXPECT_EQ(all.records[1].time_ns, 1'000'001);
    EXPECT_EQ(all.records[1].interface, 1u);
    EXPECT_EQ(all.interfaces[1].link_type, 101);
    EXPECT_EQ(all.records[2].time_ns, 101'500'000'000);
    EXPECT_EQ(all.records[2].interface, 2u);
    EXPECT_EQ(all.records[2].section, 1u);
    EXPECT_EQ(all.interfaces[2].section, 1u);
    EXPECT_EQ(all.interfaces[2].id_in_section, 0u);
    EXPECT_EQ(all.interfaces[2].link_type, 113);
}

TEST(CaptureFileReader, TenThousandInterfacesAreFine) {
    auto file = pcapng::section_header_block({}, ByteOrder::Little);
    for (int i = 0; i < 10'000; ++i) append(file, pcapng::interface_description_block(1, 0, {}, ByteOrder::Little));
    append(file, test::packet_block(1, ByteOrder::Little, 9'999));
    const ReadAll all = read_memory(file);
    EXPECT_FALSE(all.fault) << all.fault->message();
    EXPECT_EQ(all.interfaces.size(), 10'000u);
    ASSERT_EQ(all.records.size(), 1u);
    EXPECT_EQ(all.records[0].interface, 9'999u);
}

TEST(CaptureFileReader, RefusesABlockOverTheSixteenMebibyteLimit) {
    auto file = test::valid_prefix();
    std::vector<uint8_t> body(pcapng::kMaxBlockLength, 0);
    append(file, pcapng::encode_block(0x12345678, body, ByteOrder::Little));
    const ReadAll all = read_memory(file);
    EXPECT_EQ(all.records.size(), 2u);
    ASSERT_TRUE(all.fault);
    EXPECT_EQ(all.fault->message(),
              "block 4 at byte offset 236: block length 16777228 is larger than the 16 MiB limit");
}

// Cutting a valid file anywhere, or corrupting any one byte, never crashes or
// hangs the reader, and never yields more packets than the file holds.
TEST(CaptureFileReader, SurvivesEveryTruncationAndEveryCorruptedByte) {
    auto file = test::valid_prefix();
    append(file, pcapng::custom_block(32473, std::vector<uint8_t>{1, 2, 3}, true, ByteOrder::Little));
    append(file, test::packet_block(3));
    for (size_t length = 0; length <= file.size(); ++length) {
        const std::vector<uint8_t> prefix(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(length));
        auto reader = CaptureFileReader::from_memory(prefix);
        if (!reader) continue;
        const ReadAll all = read_all(*reader);
        EXPECT_LE(all.records.size(), 4u);
        // Cut exactly between blocks the file is merely shorter; anywhere else it is truncated.
        const bool between_blocks = length == 28 || length == 60 || length == 148 || length == 236 || length == 256;
        EXPECT_EQ(all.fault.has_value(), !between_blocks && length != file.size()) << length;
    }
    for (size_t at = 0; at < file.size(); ++at) {
        for (uint8_t value : {uint8_t{0x00}, uint8_t{0xFF}, uint8_t{0x80}}) {
            auto corrupted = file;
            corrupted[at] = value;
            auto reader = CaptureFileReader::from_memory(corrupted);
            if (!reader) continue;
            EXPECT_LE(read_all(*reader).records.size(), 4u);
        }
    }
}

TEST(CaptureFileReader, StreamsALargeFileInBoundedMemory) {
    const test::TempDir folder;
    const fs::path path = folder.file("large.pcapng");
    constexpr int kPackets = 40'000;  // about 60 MB
    {
        auto writer = PcapngWriter::create(path.string(), {});
        ASSERT_TRUE(writer);
        ASSERT_TRUE(writer->add_interface(InterfaceSpec{}));
        const auto frame = test::tcp_frame(1, 0x18, std::string(1400, 'x'));
        for (int i = 0; i < kPackets; ++i) ASSERT_TRUE(writer->write_packet(0, i, frame, 1454));
    }
    rusage before{};
    ::getrusage(RUSAGE_SELF, &before);
    auto reader = CaptureFileReader::open(path.string());
    ASSERT_TRUE(reader) << reader.error().what;
    CaptureRecord record;
    int count = 0;
    while (reader->next(record)) ++count;
    rusage after{};
    ::getrusage(RUSAGE_SELF, &after);
    EXPECT_EQ(count, kPackets);
    EXPECT_FALSE(reader->fault());
    EXPECT_EQ(reader->position(), reader->size());
    // ru_maxrss is in KiB: the reader's window is 1 MiB, far below the 60 MB file.
    EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 8 * 1024);
}

TEST(CaptureFileReader, OpenErrorsNameTheFile) {
    auto missing = CaptureFileReader::open("/nonexistent/capture.pcapng");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().what.find("cannot open /nonexistent/capture.pcapng"), std::string::npos);
    auto directory = CaptureFileReader::open("/");
    ASSERT_FALSE(directory);
}

// ---- golden tests on the hand-made malformed files ----

// One line per file: what the reader delivered and where it stopped.
std::string describe(const fs::path& path) {
    auto reader = CaptureFileReader::open(path.string());
    if (!reader) {
        // Strip the directory, which differs between checkouts.
        std::string what = reader.error().what;
        if (what.starts_with(path.string() + ": ")) what = what.substr(path.string().size() + 2);
        return "not opened: " + what;
    }
    const ReadAll all = read_all(*reader);
    std::ostringstream line;
    line << all.records.size() << (all.records.size() == 1 ? " packet" : " packets");
    if (reader->skipped_blocks() > 0) line << ", " << reader->skipped_blocks() << " skipped";
    line << "; " << (all.fault ? all.fault->message() : "no fault");
    return line.str();
}

TEST(MalformedFiles, EachFaultGivesTheExpectedErrorAndThePacketsBeforeIt) {
    std::ifstream expected_file(kFixtures / "expected.txt");
    ASSERT_TRUE(expected_file) << "missing " << (kFixtures / "expected.txt");
    std::string line;
    int checked = 0;
    while (std::getline(expected_file, line)) {
        if (line.empty() || line.starts_with("#")) continue;
        const size_t separator = line.find(" | ");
        ASSERT_NE(separator, std::string::npos) << line;
        const std::string name = line.substr(0, separator);
        EXPECT_EQ(describe(kFixtures / name), line.substr(separator + 3)) << name;
        ++checked;
    }
    EXPECT_EQ(checked, static_cast<int>(test::malformed_files().size()));
}

TEST(MalformedFiles, CommittedFilesMatchTheirGenerator) {
    for (const test::MalformedFile& file : test::malformed_files()) {
        EXPECT_EQ(read_file(kFixtures / file.name), file.bytes)
            << file.name << " differs from capture_files.hpp; regenerate it (see README.md there)";
    }
}

TEST(MalformedFiles, UnknownLinkTypeKeepsThePacketsUndecoded) {
    const ReadAll all = read_memory(read_file(kFixtures / "unknown_link_type.pcapng"));
    ASSERT_EQ(all.records.size(), 3u);
    EXPECT_EQ(all.interfaces[0].link_type, 147);
    EXPECT_EQ(link_type_name(147), "link type 147");
}

}  // namespace
}  // namespace tcplab
