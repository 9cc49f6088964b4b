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

#include "pcapng_writer.hpp"

namespace tcplab {
namespace {

constexpr size_t kWindowSize = 1024 * 1024;
constexpr size_t kPcapFileHeaderLength = 24;
constexpr size_t kPcapRecordHeaderLength = 16;
// Enough for any real capture (10 000 interfaces is a stress test, not a
// limit), while a hostile file of nothing but IDBs cannot exhaust memory.
constexpr size_t kMaxInterfaces = 100'000;
// Interface names are for display; a 64 KiB name in each of 100 000 IDBs is not.
constexpr size_t kMaxInterfaceTextLength = 256;

// Pcap magic numbers as read in little-endian order.
constexpr uint32_t kPcapMicroLittle = 0xA1B2C3D4;
constexpr uint32_t kPcapMicroBig = 0xD4C3B2A1;
constexpr uint32_t kPcapNanoLittle = 0xA1B23C4D;
constexpr uint32_t kPcapNanoBig = 0x4D3CB2A1;

uint16_t load16(const uint8_t* at, bool big_endian) {
    return big_endian ? static_cast<uint16_t>(at[0] << 8 | at[1]) : static_cast<uint16_t>(at[1] << 8 | at[0]);
}

uint32_t load32(const uint8_t* at, bool big_endian) {
    const uint32_t first = load16(at, big_endian);
    const uint32_t second = load16(at + 2, big_endian);
    return big_endian ? first << 16 | second : second << 16 | first;
}

uint64_t load64(const uint8_t* at, bool big_endian) {
    const uint64_t first = load32(at, big_endian);
    const uint64_t second = load32(at + 4, big_endian);
    return big_endian ? first << 32 | second : second << 32 | first;
}

std::string hex32(uint32_t value) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%08X", value);
    return text;
}

std::string plural(uint64_t count, const char* noun) {
    return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

size_t padded4(size_t length) { return (length + 3) / 4 * 4; }

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

namespace {

const char* block_name(uint32_t type) {
    switch (type) {
        case pcapng::kSectionHeaderBlock:
            return "Section Header Block";
        case pcapng::kInterfaceDescriptionBlock:
            return "Interface Description Block";
        case pcapng::kObsoletePacketBlock:
            return "Packet Block";
        case pcapng::kSimplePacketBlock:
            return "Simple Packet Block";
        case pcapng::kEnhancedPacketBlock:
            return "Enhanced Packet Block";
        case pcapng::kCustomBlockCopyable:
        case pcapng::kCustomBlockDoNotCopy:
            return "Custom Block";
        default:
            return nullptr;
    }
}

}  // namespace

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

// Where the bytes come from: a file read through a sliding window, or memory.
struct CaptureFileReader::Source {
    int descriptor = -1;
    std::span<const uint8_t> memory;
    uint64_t size = 0;
    std::vector<uint8_t> window;
    uint64_t window_offset = 0;
    size_t window_length = 0;

    ~Source() {
        if (descriptor >= 0) ::close(descriptor);
    }
};

// One pcapng block, all of it in memory, with accessors in the section's byte order.
struct CaptureFileReader::Block {
    uint64_t offset = 0;
    uint32_t type = 0;
    uint32_t length = 0;
    std::span<const uint8_t> bytes;
    bool big_endian = false;

    uint16_t u16(size_t at) const { return load16(bytes.data() + at, big_endian); }
    uint32_t u32(size_t at) const { return load32(bytes.data() + at, big_endian); }
    uint64_t u64(size_t at) const { return load64(bytes.data() + at, big_endian); }
    uint64_t timestamp(size_t at) const { return uint64_t{u32(at)} << 32 | u32(at + 4); }
    std::string name() const {
        const char* known = block_name(type);
        return known ? known : "block of type " + hex32(type);
    }
};

CaptureFileReader::CaptureFileReader(std::unique_ptr<Source> source) : source_(std::move(source)) {
    size_ = source_->size;
}
CaptureFileReader::CaptureFileReader(CaptureFileReader&&) noexcept = default;
CaptureFileReader& CaptureFileReader::operator=(CaptureFileReader&&) noexcept = default;
CaptureFileReader::~CaptureFileReader() = default;

Result<CaptureFileReader> CaptureFileReader::open(const std::string& path) {
    const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (descriptor < 0) return Error{"cannot open " + path + ": " + std::strerror(errno), ""};
    auto source = std::make_unique<Source>();
    source->descriptor = descriptor;
    struct stat status {};
    if (::fstat(descriptor, &status) != 0) return Error{"cannot stat " + path + ": " + std::strerror(errno), ""};
    if (!S_ISREG(status.st_mode)) return Error{path + " is not a regular file", ""};
    source->size = static_cast<uint64_t>(status.st_size);
    CaptureFileReader reader(std::move(source));
    if (Status started = reader.start(); !started)
        return Error{path + ": " + started.error().what, started.error().remedy};
    return reader;
}

Result<CaptureFileReader> CaptureFileReader::from_memory(std::span<const uint8_t> bytes) {
    auto source = std::make_unique<Source>();
    source->memory = bytes;
    source->size = bytes.size();
    CaptureFileReader reader(std::move(source));
    if (Status started = reader.start(); !started) return started.error();
    return reader;
}

std::optional<std::span<const uint8_t>> CaptureFileReader::fetch(uint64_t offset, size_t length) {
    Source& source = *source_;
    if (offset > source.size || length > source.size - offset) return std::nullopt;
    if (source.descriptor < 0) return source.memory.subspan(offset, length);
    if (offset >= source.window_offset && offset + length <= source.window_offset + source.window_length)
        return std::span<const uint8_t>(source.window).subspan(offset - source.window_offset, length);
    // Slide the window to this offset; reads are sequential, so one pread serves many blocks.
    const size_t wanted = static_cast<size_t>(std::min<uint64_t>(std::max(length, kWindowSize), source.size - offset));
    if (source.window.size() < wanted) source.window.resize(wanted);
    size_t done = 0;
    while (done < wanted) {
        const ssize_t count =
            ::pread(source.descriptor, source.window.data() + done, wanted - done, static_cast<off_t>(offset + done));
        if (count < 0 && errno == EINTR) continue;
        if (count <= 0) break;  // an error, or the file shrank since we measured it
        done += static_cast<size_t>(count);
    }
    source.window_offset = offset;
    source.window_length = done;
    if (done < length) return std::nullopt;
    return std::span<const uint8_t>(source.window).subspan(0, length);
}

bool CaptureFileReader::fail(uint64_t offset, std::string reason) {
    fault_ = FileFault{block_index_, offset, std::move(reason)};
    return false;
}

Status CaptureFileReader::start() {
    const auto not_capture = [](std::string reason) {
        return Error{FileFault{0, 0, std::move(reason)}.message(),
                     "open a pcap or pcapng file (from tcplab, tcpdump -w, Wireshark or tshark)"};
    };
    if (size_ == 0) return not_capture("the file is empty");
    if (size_ < 4) return not_capture("the file is only " + plural(size_, "byte") + " long");
    const auto head = fetch(0, 4);
    if (!head) return not_capture("cannot read the file");
    const uint32_t magic = load32(head->data(), false);
    if (magic == pcapng::kSectionHeaderBlock) {
        format_ = CaptureFormat::Pcapng;
        return Done{};
    }
    if (magic != kPcapMicroLittle && magic != kPcapMicroBig && magic != kPcapNanoLittle && magic != kPcapNanoBig)
        return not_capture("not a pcap or pcapng file: unknown magic number " + hex32(magic));

    format_ = CaptureFormat::Pcap;
    big_endian_ = magic == kPcapMicroBig || magic == kPcapNanoBig;
    if (size_ < kPcapFileHeaderLength)
        return not_capture("pcap file header truncated: " + std::to_string(size_) + " of 24 bytes");
    const auto header = fetch(0, kPcapFileHeaderLength);
    if (!header) return not_capture("cannot read the pcap file header");
    const uint16_t major = load16(header->data() + 4, big_endian_);
    const uint16_t minor = load16(header->data() + 6, big_endian_);
    if (major != 2)
        return not_capture("unsupported pcap version " + std::to_string(major) + "." + std::to_string(minor));
    CaptureInterface interface;
    interface.snaplen = load32(header->data() + 16, big_endian_);
    // The upper bits carry FCS information (pcap spec); the link type is the low 16.
    interface.link_type = static_cast<uint16_t>(load32(header->data() + 20, big_endian_));
    interface.resolution_exponent = (magic == kPcapNanoLittle || magic == kPcapNanoBig) ? 9 : 6;
    interface.name = "pcap";
    interfaces_.push_back(interface);
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
    if (position_ == size_) return false;
    const uint64_t offset = position_;
    const uint64_t remaining = size_ - offset;
    if (remaining < kPcapRecordHeaderLength)
        return fail(offset, "record header truncated: " + plural(remaining, "byte") + " left, a header needs 16");
    const auto header = fetch(offset, kPcapRecordHeaderLength);
    if (!header) return fail(offset, "cannot read the record header");
    const uint32_t seconds = load32(header->data(), big_endian_);
    const uint32_t fraction = load32(header->data() + 4, big_endian_);
    const uint32_t captured = load32(header->data() + 8, big_endian_);
    const uint32_t original = load32(header->data() + 12, big_endian_);
    const CaptureInterface& interface = interfaces_.front();
    if (captured > pcapng::kMaxBlockLength)
        return fail(offset, "captured length " + std::to_string(captured) + " is larger than the 16 MiB limit");
    if (interface.snaplen != 0 && captured > interface.snaplen)
        return fail(offset, "captured length " + std::to_string(captured) + " exceeds the snapshot length " +
                                std::to_string(interface.snaplen));
    if (captured > remaining - kPcapRecordHeaderLength)
        return fail(offset, "record of " + plural(captured, "byte") + " runs past the end of the file (" +
                                plural(remaining - kPcapRecordHeaderLength, "byte") + " left)");
    const auto data = fetch(offset + kPcapRecordHeaderLength, captured);
    if (!data) return fail(offset, "cannot read the record's packet data");

    record = CaptureRecord{};
    record.kind = CaptureRecord::Kind::Packet;
    record.block_index = block_index_;
    record.offset = offset;
    record.interface = 0;
    const int64_t scale = interface.resolution_exponent == 9 ? 1 : 1000;
    record.time_ns = int64_t{seconds} * 1'000'000'000 + int64_t{fraction} * scale;
    record.original_length = original;
    record.data = *data;
    position_ = offset + kPcapRecordHeaderLength + captured;
    ++block_index_;
    return true;
}

bool CaptureFileReader::next_pcapng(CaptureRecord& record) {
    while (position_ < size_) {
        const uint64_t offset = position_;
        const uint64_t remaining = size_ - offset;
        if (remaining < 12)
            return fail(offset,
                        "block header truncated: " + plural(remaining, "byte") + " left, the smallest block has 12");
        const auto head = fetch(offset, 12);
        if (!head) return fail(offset, "cannot read the block header");
        bool big_endian = big_endian_;
        // The SHB type reads the same in both byte orders; its byte-order
        // magic says how to read everything up to the next SHB.
        if (load32(head->data(), false) == pcapng::kSectionHeaderBlock) {
            const uint32_t magic = load32(head->data() + 8, false);
            if (magic == pcapng::kByteOrderMagic) {
                big_endian = false;
            } else if (magic == 0x4D3C2B1A) {
                big_endian = true;
            } else {
                return fail(offset, "Section Header Block has byte-order magic " + hex32(magic) +
                                        ", expected 0x1A2B3C4D in either byte order");
            }
        } else if (block_index_ == 0) {
            return fail(offset, "the file does not start with a Section Header Block");
        }
        Block block;
        block.offset = offset;
        block.big_endian = big_endian;
        block.type = load32(head->data(), big_endian);
        block.length = load32(head->data() + 4, big_endian);
        const std::string length_text = "block length " + std::to_string(block.length);
        if (block.length < 12) return fail(offset, length_text + " is less than the 12-byte minimum");
        if (block.length % 4 != 0) return fail(offset, length_text + " is not a multiple of 4");
        if (block.length > remaining)
            return fail(offset, length_text + " runs past the end of the file (" + plural(remaining, "byte") +
                                    " left): the file is truncated");
        if (block.length > pcapng::kMaxBlockLength)
            return fail(offset, length_text + " is larger than the 16 MiB limit");
        const auto bytes = fetch(offset, block.length);
        if (!bytes) return fail(offset, "cannot read the block's bytes");
        block.bytes = *bytes;
        const uint32_t trailer = block.u32(block.length - 4);
        if (trailer != block.length)
            return fail(offset, "trailing block length " + std::to_string(trailer) +
                                    " does not match the leading block length " + std::to_string(block.length));

        bool produced = false;
        switch (block.type) {
            case pcapng::kSectionHeaderBlock:
                if (!read_section_header(block)) return false;
                break;
            case pcapng::kInterfaceDescriptionBlock:
                if (!read_interface(block)) return false;
                break;
            case pcapng::kEnhancedPacketBlock:
                if (!read_enhanced_packet(block, record)) return false;
                produced = true;
                break;
            case pcapng::kSimplePacketBlock:
                if (!read_simple_packet(block, record)) return false;
                produced = true;
                break;
            case pcapng::kObsoletePacketBlock:
                if (!read_obsolete_packet(block, record)) return false;
                produced = true;
                break;
            case pcapng::kCustomBlockCopyable:
            case pcapng::kCustomBlockDoNotCopy: {
                if (block.length < 16) return fail(offset, "Custom Block of 12 bytes has no room for its PEN");
                record = CaptureRecord{};
                record.kind = CaptureRecord::Kind::Custom;
                record.private_enterprise_number = block.u32(8);
                record.copyable = block.type == pcapng::kCustomBlockCopyable;
                record.data = block.bytes.subspan(12, block.length - 16);
                produced = true;
                break;
            }
            default:
                // Name resolution, statistics, decryption secrets, and types yet to come: not ours to use.
                ++skipped_blocks_;
                break;
        }
        position_ = offset + block.length;
        if (produced) {
            record.block_index = block_index_;
            record.offset = offset;
            record.section = section_;
            ++block_index_;
            return true;
        }
        ++block_index_;
    }
    return false;
}

bool CaptureFileReader::read_options(const Block& block, size_t from, std::vector<std::string>* comments,
                                     CaptureInterface* interface) {
    const size_t end = block.length - 4;
    while (from + 4 <= end) {
        const uint16_t code = block.u16(from);
        const uint16_t length = block.u16(from + 2);
        if (code == pcapng::kOptionEnd) return true;
        if (padded4(length) > end - from - 4) {
            return fail(block.offset, block.name() + ": option " + std::to_string(code) + " of " +
                                          plural(length, "byte") + " at block offset " + std::to_string(from) +
                                          " runs past the end of the block");
        }
        const auto value = block.bytes.subspan(from + 4, length);
        if (code == pcapng::kOptionComment && comments) comments->push_back(option_text(value, 0xFFFF));
        if (interface) {
            if (code == pcapng::kInterfaceName) interface->name = option_text(value, kMaxInterfaceTextLength);
            if (code == pcapng::kInterfaceDescription)
                interface->description = option_text(value, kMaxInterfaceTextLength);
            if (code == pcapng::kInterfaceTimestampResolution) {
                if (length != 1)
                    return fail(block.offset, "if_tsresol option has " + plural(length, "byte") + ", expected 1");
                interface->power_of_two = (value[0] & 0x80) != 0;
                interface->resolution_exponent = value[0] & 0x7F;
            }
            if (code == pcapng::kInterfaceTimestampOffset) {
                if (length != 8)
                    return fail(block.offset, "if_tsoffset option has " + plural(length, "byte") + ", expected 8");
                interface->offset_seconds = static_cast<int64_t>(load64(value.data(), block.big_endian));
            }
        }
        from += 4 + padded4(length);
    }
    return true;
}

bool CaptureFileReader::read_section_header(const Block& block) {
    if (block.length < 28)
        return fail(block.offset, "Section Header Block of " + std::to_string(block.length) +
                                      " bytes is shorter than its 28-byte minimum");
    const uint16_t major = block.u16(12);
    const uint16_t minor = block.u16(14);
    if (major != 1)
        return fail(block.offset, "unsupported pcapng version " + std::to_string(major) + "." + std::to_string(minor));
    if (!read_options(block, 24, nullptr, nullptr)) return false;
    if (block_index_ != 0) ++section_;
    big_endian_ = block.big_endian;
    section_first_interface_ = interfaces_.size();
    return true;
}

bool CaptureFileReader::read_interface(const Block& block) {
    if (block.length < 20)
        return fail(block.offset, "Interface Description Block of " + std::to_string(block.length) +
                                      " bytes is shorter than its 20-byte minimum");
    if (interfaces_.size() >= kMaxInterfaces)
        return fail(block.offset, "more than " + std::to_string(kMaxInterfaces) + " interfaces");
    CaptureInterface interface;
    interface.section = section_;
    interface.id_in_section = static_cast<uint32_t>(interfaces_.size() - section_first_interface_);
    interface.link_type = block.u16(8);
    interface.snaplen = block.u32(12);
    if (!read_options(block, 16, nullptr, &interface)) return false;
    interfaces_.push_back(std::move(interface));
    return true;
}

bool CaptureFileReader::packet_within_limits(const Block& block, uint32_t captured, size_t room,
                                             uint32_t interface_index) {
    if (captured > room)
        return fail(block.offset, "captured length " + std::to_string(captured) + " runs past the end of the " +
                                      block.name() + " (room for " + plural(room, "byte") + ")");
    const uint32_t snaplen = interfaces_[interface_index].snaplen;
    if (snaplen != 0 && captured > snaplen)
        return fail(block.offset, "captured length " + std::to_string(captured) +
                                      " exceeds the interface's snapshot length " + std::to_string(snaplen));
    return true;
}

bool CaptureFileReader::read_enhanced_packet(const Block& block, CaptureRecord& record) {
    if (block.length < 32)
        return fail(block.offset, "Enhanced Packet Block of " + std::to_string(block.length) +
                                      " bytes is shorter than its 32-byte minimum");
    return read_timestamped_packet(block, block.u32(8), record);
}

// The Enhanced and the obsolete Packet Block share their layout after the
// interface id: timestamp at 12, captured length at 20, original at 24, data at 28.
bool CaptureFileReader::read_timestamped_packet(const Block& block, uint32_t interface_id, CaptureRecord& record) {
    const size_t defined = interfaces_.size() - section_first_interface_;
    if (interface_id >= defined)
        return fail(block.offset, "packet refers to interface " + std::to_string(interface_id) +
                                      ", but this section describes " + plural(defined, "interface"));
    const auto interface_index = static_cast<uint32_t>(section_first_interface_ + interface_id);
    const uint32_t captured = block.u32(20);
    if (!packet_within_limits(block, captured, block.length - 32, interface_index)) return false;
    record = CaptureRecord{};
    record.kind = CaptureRecord::Kind::Packet;
    record.interface = interface_index;
    record.time_ns = ticks_to_ns(block.timestamp(12), interfaces_[interface_index]);
    record.original_length = block.u32(24);
    record.data = block.bytes.subspan(28, captured);
    return read_options(block, 28 + padded4(captured), &record.comments, nullptr);
}

bool CaptureFileReader::read_simple_packet(const Block& block, CaptureRecord& record) {
    if (block.length < 16)
        return fail(block.offset, "Simple Packet Block of " + std::to_string(block.length) +
                                      " bytes is shorter than its 16-byte minimum");
    if (interfaces_.size() == section_first_interface_)
        return fail(block.offset, "Simple Packet Block before any Interface Description Block in its section");
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
    return true;
}

bool CaptureFileReader::read_obsolete_packet(const Block& block, CaptureRecord& record) {
    if (block.length < 32)
        return fail(block.offset,
                    "Packet Block of " + std::to_string(block.length) + " bytes is shorter than its 32-byte minimum");
    return read_timestamped_packet(block, block.u16(8), record);
}

}  // namespace tcplab
