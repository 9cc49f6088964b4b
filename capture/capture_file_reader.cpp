#include "capture_file_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <utility>

#include "capture_blocks.hpp"
#include "pcapng_writer.hpp"

namespace tcplab {
namespace {

constexpr size_t kWindowSize = 1024 * 1024;

int64_t saturate(__int128 value) {
    if (value > std::numeric_limits<int64_t>::max()) return std::numeric_limits<int64_t>::max();
    if (value < std::numeric_limits<int64_t>::min()) return std::numeric_limits<int64_t>::min();
    return static_cast<int64_t>(value);
}

}  // namespace

std::string option_text(std::span<const uint8_t> value, size_t limit) {
    const auto end = std::find(value.begin(), value.end(), uint8_t{0});
    std::string text(value.begin(), end);
    if (text.size() > limit) text.resize(limit);
    return text;
}

int64_t ticks_to_ns(uint64_t ticks, const CaptureInterface& interface) {
    // The common case (micro- or nanoseconds, no offset) without 128-bit arithmetic.
    static constexpr std::array<uint64_t, 10> kScale = {1'000'000'000, 100'000'000, 10'000'000, 1'000'000, 100'000,
                                                        10'000,        1'000,       100,        10,        1};
    if (!interface.power_of_two && interface.resolution_exponent <= 9 && interface.offset_seconds == 0) {
        uint64_t nanoseconds = 0;
        if (!__builtin_mul_overflow(ticks, kScale[interface.resolution_exponent], &nanoseconds) &&
            nanoseconds <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
            return static_cast<int64_t>(nanoseconds);
    }
    using u128 = unsigned __int128;
    u128 nanoseconds = 0;
    const unsigned exponent = interface.resolution_exponent;
    if (interface.power_of_two) {
        nanoseconds = exponent >= 128 ? 0 : (u128{ticks} * 1'000'000'000u) >> exponent;
    } else if (exponent <= 9) {
        u128 scale = 1;
        for (unsigned i = exponent; i < 9; ++i) scale *= 10;
        nanoseconds = u128{ticks} * scale;
    } else if (exponent - 9 <= 38) {  // 10^38 is the largest power of ten in 128 bits
        u128 scale = 1;
        for (unsigned i = 9; i < exponent; ++i) scale *= 10;
        nanoseconds = u128{ticks} / scale;
    }
    const __int128 offset = static_cast<__int128>(interface.offset_seconds) * 1'000'000'000;
    const __int128 capped = nanoseconds > u128{std::numeric_limits<int64_t>::max()}
                                ? __int128{std::numeric_limits<int64_t>::max()}
                                : static_cast<__int128>(nanoseconds);
    return saturate(capped + offset);
}

std::string FileFault::message() const {
    return "block " + std::to_string(block_index) + " at byte offset " + std::to_string(offset) + ": " + reason;
}

std::string link_type_name(uint16_t link_type) {
    switch (link_type) {
        case 0:
            return "BSD loopback";
        case 1:
            return "Ethernet";
        case 101:
            return "raw IP";
        case 108:
            return "OpenBSD loopback";
        case 113:
            return "Linux cooked (SLL)";
        case 228:
            return "raw IPv4";
        case 229:
            return "raw IPv6";
        case 276:
            return "Linux cooked v2 (SLL2)";
        default:
            return "link type " + std::to_string(link_type);
    }
}

CaptureFileReader::CaptureFileReader(ByteWindow bytes) : bytes_(std::make_unique<ByteWindow>(std::move(bytes))) {}
CaptureFileReader::CaptureFileReader(CaptureFileReader&&) noexcept = default;
CaptureFileReader& CaptureFileReader::operator=(CaptureFileReader&&) noexcept = default;
CaptureFileReader::~CaptureFileReader() = default;

Result<CaptureFileReader> CaptureFileReader::open(const std::string& path) {
    const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (descriptor < 0) return Error{"cannot open " + path + ": " + std::strerror(errno), ""};
    // The window owns the descriptor from here on, and closes it on every way out.
    struct stat status {};
    const bool examined = ::fstat(descriptor, &status) == 0;
    const std::string why = examined ? "" : std::strerror(errno);
    ByteWindow bytes(descriptor, static_cast<uint64_t>(status.st_size), kWindowSize);
    if (!examined) return Error{"cannot stat " + path + ": " + why, ""};
    if (!S_ISREG(status.st_mode)) return Error{path + " is not a regular file", ""};
    CaptureFileReader reader(std::move(bytes));
    if (Status started = reader.start(); !started)
        return Error{path + ": " + started.error().what, started.error().remedy};
    return reader;
}

Result<CaptureFileReader> CaptureFileReader::from_memory(std::span<const uint8_t> bytes) {
    CaptureFileReader reader{ByteWindow(bytes)};
    if (Status started = reader.start(); !started) return started.error();
    return reader;
}

uint64_t CaptureFileReader::size() const { return bytes_->size(); }

bool CaptureFileReader::fail(uint64_t offset, std::string reason) {
    fault_ = FileFault{block_index_, offset, std::move(reason)};
    return false;
}

Status CaptureFileReader::start() {
    const auto not_capture = [](std::string reason) {
        return Error{FileFault{0, 0, std::move(reason)}.message(),
                     "open a pcap or pcapng file (from tcplab, tcpdump -w, Wireshark or tshark)"};
    };
    const uint64_t size = bytes_->size();
    if (size == 0) return not_capture("the file is empty");
    if (size < 4) return not_capture("the file is only " + count_of(size, "byte") + " long");
    const auto head = bytes_->at(0, 4);
    if (!head) return not_capture("cannot read the file");
    const uint32_t magic = load32(head->data(), false);
    const std::optional<CaptureFormat> format = capture_format_of(magic);
    if (!format) return not_capture("not a pcap or pcapng file: unknown magic number " + hex32(magic));
    format_ = *format;
    if (format_ == CaptureFormat::Pcapng) {
        pcapng_ = std::make_unique<PcapngWalker>(*bytes_);
        return Done{};
    }
    PcapFileHeader header;
    if (auto wrong = read_pcap_file_header(*bytes_, header)) return not_capture(*wrong);
    interfaces_.push_back(header.interface);
    pcap_ = std::make_unique<PcapWalker>(*bytes_, header);
    position_ = kPcapFileHeaderLength;
    block_index_ = 1;
    return Done{};
}

bool CaptureFileReader::next(CaptureRecord& record) {
    if (fault_) return false;
    record.comments.clear();
    return format_ == CaptureFormat::Pcap ? next_pcap(record) : next_pcapng(record);
}

bool CaptureFileReader::next_pcap(CaptureRecord& record) {
    PcapRecord read;
    if (!pcap_->next(read)) return !pcap_->fault() ? false : fail(pcap_->fault_offset(), *pcap_->fault());
    record = CaptureRecord{};
    record.kind = CaptureRecord::Kind::Packet;
    record.block_index = block_index_;
    record.offset = read.offset;
    record.interface = 0;
    record.time_ns = read.time_ns;
    record.original_length = read.original_length;
    record.data = read.data;
    position_ = pcap_->position();
    ++block_index_;
    return true;
}

bool CaptureFileReader::next_pcapng(CaptureRecord& record) {
    PcapngBlock block;
    while (pcapng_->next(block)) {
        std::optional<std::string> wrong;
        bool produced = false;
        switch (block.type) {
            case pcapng::kSectionHeaderBlock:
                if (!(wrong = check_section_header(block))) {
                    if (block_index_ != 0) ++section_;
                    section_first_interface_ = interfaces_.size();
                }
                break;
            case pcapng::kInterfaceDescriptionBlock: {
                if (interfaces_.size() >= kMaxCaptureInterfaces) {
                    wrong = "more than " + std::to_string(kMaxCaptureInterfaces) + " interfaces";
                    break;
                }
                CaptureInterface interface;
                interface.section = section_;
                interface.id_in_section = static_cast<uint32_t>(interfaces_.size() - section_first_interface_);
                if (!(wrong = read_interface_block(block, interface))) interfaces_.push_back(std::move(interface));
                break;
            }
            case pcapng::kEnhancedPacketBlock:
            case pcapng::kObsoletePacketBlock: {
                PacketBlockFields fields;
                std::string why;
                if (!read_packet_block(block, block.type == pcapng::kObsoletePacketBlock, interfaces_,
                                       section_first_interface_, fields, &why)) {
                    wrong = std::move(why);
                    break;
                }
                record = CaptureRecord{};
                record.kind = CaptureRecord::Kind::Packet;
                record.interface = fields.interface;
                record.time_ns = ticks_to_ns(fields.timestamp, interfaces_[fields.interface]);
                record.original_length = fields.original_length;
                record.data = fields.data;
                wrong = walk_options(block, fields.options_at, [&](uint16_t code, std::span<const uint8_t> value) {
                    if (code == pcapng::kOptionComment) record.comments.push_back(option_text(value, 0xFFFF));
                    return std::optional<std::string>();
                });
                produced = true;
                break;
            }
            case pcapng::kSimplePacketBlock:
                wrong = read_simple_packet(block, record);
                produced = true;
                break;
            case pcapng::kCustomBlockCopyable:
            case pcapng::kCustomBlockDoNotCopy:
                if (block.length < 16) {
                    wrong = "Custom Block of 12 bytes has no room for its PEN";
                    break;
                }
                record = CaptureRecord{};
                record.kind = CaptureRecord::Kind::Custom;
                record.private_enterprise_number = block.u32(8);
                record.copyable = block.type == pcapng::kCustomBlockCopyable;
                record.data = block.bytes.subspan(12, block.length - 16);
                produced = true;
                break;
            default:
                // Name resolution, statistics, decryption secrets, and types yet to come: not ours to use.
                ++skipped_blocks_;
                break;
        }
        if (wrong) return fail(block.offset, std::move(*wrong));
        position_ = pcapng_->position();
        if (produced) {
            record.block_index = block_index_;
            record.offset = block.offset;
            record.section = section_;
            ++block_index_;
            return true;
        }
        ++block_index_;
    }
    if (pcapng_->fault()) return fail(pcapng_->fault_offset(), *pcapng_->fault());
    return false;
}

std::optional<std::string> CaptureFileReader::read_simple_packet(const PcapngBlock& block, CaptureRecord& record) {
    if (block.length < 16)
        return "Simple Packet Block of " + std::to_string(block.length) + " bytes is shorter than its 16-byte minimum";
    if (interfaces_.size() == section_first_interface_)
        return "Simple Packet Block before any Interface Description Block in its section";
    const auto interface_index = static_cast<uint32_t>(section_first_interface_);
    const uint32_t original = block.u32(8);
    // The SPB has no captured length: the packet is cut at the snapshot length
    // and the block's data area is padded, so take the smallest of the three.
    size_t captured = std::min<size_t>(original, block.length - 16);
    const uint32_t snaplen = interfaces_[interface_index].snaplen;
    if (snaplen != 0) captured = std::min<size_t>(captured, snaplen);
    record = CaptureRecord{};
    record.kind = CaptureRecord::Kind::Packet;
    record.interface = interface_index;
    record.time_ns = 0;  // an SPB carries no timestamp
    record.original_length = original;
    record.data = block.bytes.subspan(12, captured);
    return std::nullopt;
}

}  // namespace tcplab
