// The pcapng writer: block layout byte for byte, padding, option encoding,
// both byte orders, and the file-level rules (never overwrite, errors as values).
#include "capture/pcapng_writer.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/temp_dir.hpp"

namespace tcplab {
namespace {

namespace fs = std::filesystem;

using test::TempDir;

std::vector<uint8_t> read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool host_is_little_endian() { return pcapng::kHostByteOrder == pcapng::ByteOrder::Little; }

TEST(PcapngWriter, TinyFileMatchesTheSpecByteForByte) {
    if (!host_is_little_endian()) GTEST_SKIP() << "the expected bytes below are written for a little-endian host";
    TempDir dir;
    const std::string path = dir.file("tiny.pcapng");
    auto writer = PcapngWriter::create(path, PcapngWriterOptions{.application = "tcplab"});
    ASSERT_TRUE(writer) << writer.error().what;
    auto interface = writer->add_interface(InterfaceSpec{.link_type = 1, .snaplen = 262144, .name = "lo"});
    ASSERT_TRUE(interface);
    EXPECT_EQ(*interface, 0u);
    const std::vector<uint8_t> packet = {0xde, 0xad, 0xbe, 0xef, 0x42};
    const std::vector<std::string> comments = {"hi"};
    ASSERT_TRUE(writer->write_packet(0, 0x0000000123456789, packet, 60, comments));
    ASSERT_TRUE(writer->close());

    // clang-format off
    const std::vector<uint8_t> expected = {
        // Section Header Block: 44 bytes
        0x0A, 0x0D, 0x0D, 0x0A,  // block type
        44, 0, 0, 0,             // block total length
        0x4D, 0x3C, 0x2B, 0x1A,  // byte-order magic 0x1A2B3C4D, little-endian
        1, 0, 0, 0,              // version 1.0
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,  // section length: unknown (-1)
        4, 0, 6, 0,                                      // shb_userappl, 6 bytes
        't', 'c', 'p', 'l', 'a', 'b', 0, 0,              //   "tcplab" padded to 8
        0, 0, 0, 0,                                      // opt_endofopt
        44, 0, 0, 0,                                     // block total length again
        // Interface Description Block: 40 bytes
        1, 0, 0, 0,        // block type
        40, 0, 0, 0,       // block total length
        1, 0,              // LINKTYPE_ETHERNET
        0, 0,              // reserved
        0, 0, 4, 0,        // snaplen 262144
        2, 0, 2, 0,        // if_name, 2 bytes
        'l', 'o', 0, 0,    //   "lo" padded to 4
        9, 0, 1, 0,        // if_tsresol, 1 byte
        9, 0, 0, 0,        //   10^-9 s: nanoseconds, padded to 4
        0, 0, 0, 0,        // opt_endofopt
        40, 0, 0, 0,       // block total length again
        // Enhanced Packet Block: 52 bytes
        6, 0, 0, 0,                    // block type
        52, 0, 0, 0,                   // block total length
        0, 0, 0, 0,                    // interface 0
        0x01, 0x00, 0x00, 0x00,        // timestamp high 32 bits
        0x89, 0x67, 0x45, 0x23,        // timestamp low 32 bits
        5, 0, 0, 0,                    // captured length
        60, 0, 0, 0,                   // original length
        0xde, 0xad, 0xbe, 0xef, 0x42,  // packet data
        0, 0, 0,                       //   padded to 8
        1, 0, 2, 0,                    // opt_comment, 2 bytes
        'h', 'i', 0, 0,                //   "hi" padded to 4
        0, 0, 0, 0,                    // opt_endofopt
        52, 0, 0, 0,                   // block total length again
    };
    // clang-format on
    EXPECT_EQ(read_all(path), expected);
    EXPECT_EQ(writer->bytes_written(), expected.size());
    EXPECT_EQ(writer->blocks_written(), 3u);
}

TEST(PcapngWriter, BigEndianBlocksPutEveryFieldInNetworkOrder) {
    const std::vector<uint8_t> data = {1, 2, 3};
    const auto block = pcapng::enhanced_packet_block(2, 0x0102030405060708, data, 3, {}, pcapng::ByteOrder::Big);
    // clang-format off
    const std::vector<uint8_t> expected = {
        0, 0, 0, 6,   // type
        0, 0, 0, 36,  // total length: 12 + 20 + 4 (data padded), no options
        0, 0, 0, 2,   // interface
        1, 2, 3, 4,   // timestamp high
        5, 6, 7, 8,   // timestamp low
        0, 0, 0, 3,   // captured
        0, 0, 0, 3,   // original
        1, 2, 3, 0,   // data and one padding byte
        0, 0, 0, 36,  // total length again
    };
    // clang-format on
    EXPECT_EQ(block, expected);
    const auto header = pcapng::section_header_block({}, pcapng::ByteOrder::Big);
    EXPECT_EQ(std::vector<uint8_t>(header.begin() + 8, header.begin() + 12),
              (std::vector<uint8_t>{0x1A, 0x2B, 0x3C, 0x4D}));
}

TEST(PcapngWriter, EveryBlockLengthIsAMultipleOfFourWhateverTheDataLength) {
    for (size_t length = 0; length < 9; ++length) {
        const std::vector<uint8_t> data(length, 0xAA);
        const auto packet = pcapng::enhanced_packet_block(0, 1, data, static_cast<uint32_t>(length), {});
        EXPECT_EQ(packet.size() % 4, 0u) << length;
        EXPECT_EQ(packet.size(), 32 + (length + 3) / 4 * 4) << length;
        const auto custom = pcapng::custom_block(32473, data, true);
        EXPECT_EQ(custom.size() % 4, 0u) << length;
        EXPECT_EQ(custom.size(), 16 + (length + 3) / 4 * 4) << length;
        // Padding bytes are zero.
        for (size_t i = 12 + length; i < custom.size() - 4; ++i) EXPECT_EQ(custom[i], 0) << length;
    }
}

TEST(PcapngWriter, OptionsArePaddedAndEndWithEndOfOptions) {
    const std::vector<pcapng::Option> options = {
        pcapng::Option::text(pcapng::kOptionComment, "abcde"),
        pcapng::Option::u64(pcapng::kInterfaceTimestampOffset, 7, pcapng::ByteOrder::Little)};
    const auto block = pcapng::interface_description_block(113, 0, options, pcapng::ByteOrder::Little);
    // clang-format off
    const std::vector<uint8_t> expected = {
        1, 0, 0, 0, 48, 0, 0, 0,   // IDB, 48 bytes
        113, 0, 0, 0,              // LINKTYPE_LINUX_SLL, reserved
        0, 0, 0, 0,                // snaplen 0: no limit
        1, 0, 5, 0,                // opt_comment, 5 bytes
        'a', 'b', 'c', 'd', 'e', 0, 0, 0,  // padded to 8
        14, 0, 8, 0,               // if_tsoffset, 8 bytes
        7, 0, 0, 0, 0, 0, 0, 0,    // 7 seconds
        0, 0, 0, 0,                // opt_endofopt
        48, 0, 0, 0,
    };
    // clang-format on
    EXPECT_EQ(block, expected);
}

TEST(PcapngWriter, CustomBlocksCarryThePenAndTheCopyableType) {
    const std::vector<uint8_t> data = {9, 8, 7, 6};
    const auto copyable = pcapng::custom_block(32473, data, true, pcapng::ByteOrder::Little);
    const std::vector<uint8_t> expected = {0xAD, 0x0B, 0, 0, 20, 0, 0, 0, 0xD9, 0x7E, 0, 0, 9, 8, 7, 6, 20, 0, 0, 0};
    EXPECT_EQ(copyable, expected);
    const auto private_block = pcapng::custom_block(32473, data, false, pcapng::ByteOrder::Little);
    EXPECT_EQ(private_block[3], 0x40);
}

TEST(PcapngWriter, RefusesToOverwriteAnExistingFileUnlessTold) {
    TempDir dir;
    const std::string path = dir.file("existing.pcapng");
    std::ofstream(path) << "precious";
    auto refused = PcapngWriter::create(path, {});
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().what.find("already exists"), std::string::npos) << refused.error().what;
    EXPECT_NE(refused.error().remedy.find("--force"), std::string::npos);
    EXPECT_EQ(read_all(path).size(), 8u);  // untouched

    auto forced = PcapngWriter::create(path, PcapngWriterOptions{.overwrite = true});
    ASSERT_TRUE(forced) << forced.error().what;
    ASSERT_TRUE(forced->close());
    EXPECT_EQ(read_all(path).size(), 28u);  // just the new SHB
}

TEST(PcapngWriter, ReportsErrorsAsValues) {
    TempDir dir;
    auto missing_directory = PcapngWriter::create(dir.file("no/such/dir.pcapng"), {});
    ASSERT_FALSE(missing_directory);
    EXPECT_NE(missing_directory.error().what.find("cannot create"), std::string::npos);

    auto writer = PcapngWriter::create(dir.file("errors.pcapng"), {});
    ASSERT_TRUE(writer);
    const std::vector<uint8_t> frame(100, 0);
    EXPECT_FALSE(writer->write_packet(0, 1, frame, 100)) << "no interface yet";
    ASSERT_TRUE(writer->add_interface(InterfaceSpec{.link_type = 1, .snaplen = 64}));
    EXPECT_FALSE(writer->write_packet(0, 1, frame, 100)) << "longer than the snaplen";
    EXPECT_FALSE(writer->write_packet(0, -5, std::span(frame).first(10), 10)) << "before 1970";
    const std::vector<uint8_t> huge(pcapng::kMaxBlockLength, 0);
    EXPECT_FALSE(writer->write_custom(32473, huge)) << "larger than any reader accepts";
    EXPECT_TRUE(writer->write_packet(0, 1, std::span(frame).first(10), 10));
    ASSERT_TRUE(writer->close());
    EXPECT_FALSE(writer->write_packet(0, 2, std::span(frame).first(10), 10)) << "after close";
}

TEST(PcapngWriter, SyncEachBlockWritesTheSameBytes) {
    TempDir dir;
    auto plain = PcapngWriter::create(dir.file("plain.pcapng"), {});
    auto synced = PcapngWriter::create(dir.file("synced.pcapng"), PcapngWriterOptions{.sync_each_block = true});
    ASSERT_TRUE(plain && synced);
    for (PcapngWriter* writer : {&*plain, &*synced}) {
        ASSERT_TRUE(writer->add_interface(InterfaceSpec{}));
        ASSERT_TRUE(writer->write_packet(0, 1'700'000'000'000'000'000, std::vector<uint8_t>(14, 1), 14));
        ASSERT_TRUE(writer->close());
    }
    EXPECT_EQ(read_all(dir.file("plain.pcapng")), read_all(dir.file("synced.pcapng")));
}

}  // namespace
}  // namespace tcplab
