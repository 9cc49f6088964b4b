#include "capture_blocks.hpp"

#include <cstdio>
#include <utility>

namespace tcplab {
namespace {

// Interface names are for display; a 64 KiB name in each of 100 000 IDBs is not.
constexpr size_t kMaxInterfaceTextLength = 256;

// Pcap magic numbers as read in little-endian order.
constexpr uint32_t kPcapMicroLittle = 0xA1B2C3D4;
constexpr uint32_t kPcapMicroBig = 0xD4C3B2A1;
constexpr uint32_t kPcapNanoLittle = 0xA1B23C4D;
constexpr uint32_t kPcapNanoBig = 0x4D3CB2A1;

}  // namespace

std::string count_of(uint64_t count, const char* noun) {
    return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

std::string hex32(uint32_t value) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%08X", value);
    return text;
}

ByteWindow::ByteWindow(ByteWindow&& other) noexcept
    : descriptor_(std::exchange(other.descriptor_, -1)),
      memory_(other.memory_),
      size_(other.size_),
      window_(other.window_),
      buffer_(std::move(other.buffer_)),
      start_(other.start_),
      filled_(other.filled_) {
    other.filled_ = 0;
}

ByteWindow& ByteWindow::operator=(ByteWindow&& other) noexcept {
    if (this != &other) {
        if (descriptor_ >= 0) ::close(descriptor_);
        descriptor_ = std::exchange(other.descriptor_, -1);
        memory_ = other.memory_;
        size_ = other.size_;
        window_ = other.window_;
        buffer_ = std::move(other.buffer_);
        start_ = other.start_;
        filled_ = std::exchange(other.filled_, 0);
    }
    return *this;
}

ByteWindow::~ByteWindow() {
    if (descriptor_ >= 0) ::close(descriptor_);
}

std::optional<std::span<const uint8_t>> ByteWindow::slide(uint64_t offset, size_t length) {
    const size_t wanted = static_cast<size_t>(std::min<uint64_t>(std::max(length, window_), size_ - offset));
    if (buffer_.size() < wanted) buffer_.resize(wanted);
    size_t done = 0;
    while (done < wanted) {
        const ssize_t count =
            ::pread(descriptor_, buffer_.data() + done, wanted - done, static_cast<off_t>(offset + done));
        if (count < 0 && errno == EINTR) continue;
        if (count <= 0) break;  // an error, or the file shrank since we measured it
        done += static_cast<size_t>(count);
    }
    start_ = offset;
    filled_ = done;
    if (done < length) return std::nullopt;
    return std::span<const uint8_t>(buffer_.data(), length);
}

std::optional<CaptureFormat> capture_format_of(uint32_t magic) {
    if (magic == pcapng::kSectionHeaderBlock) return CaptureFormat::Pcapng;
    if (magic == kPcapMicroLittle || magic == kPcapMicroBig || magic == kPcapNanoLittle || magic == kPcapNanoBig)
        return CaptureFormat::Pcap;
    return std::nullopt;
}

std::optional<std::string> read_pcap_file_header(ByteWindow& bytes, PcapFileHeader& header) {
    if (bytes.size() < kPcapFileHeaderLength)
        return "pcap file header truncated: " + std::to_string(bytes.size()) + " of 24 bytes";
    const auto read = bytes.at(0, kPcapFileHeaderLength);
    if (!read) return "cannot read the pcap file header";
    const uint8_t* at = read->data();
    const uint32_t magic = load32(at, false);
    header.big_endian = magic == kPcapMicroBig || magic == kPcapNanoBig;
    const uint16_t major = load16(at + 4, header.big_endian);
    const uint16_t minor = load16(at + 6, header.big_endian);
    if (major != 2) return "unsupported pcap version " + std::to_string(major) + "." + std::to_string(minor);
    header.interface = CaptureInterface{};
    header.interface.snaplen = load32(at + 16, header.big_endian);
    // The upper bits carry FCS information (pcap spec); the link type is the low 16.
    header.interface.link_type = static_cast<uint16_t>(load32(at + 20, header.big_endian));
    header.interface.resolution_exponent = (magic == kPcapNanoLittle || magic == kPcapNanoBig) ? 9 : 6;
    header.interface.name = "pcap";
    return std::nullopt;
}

std::string PcapngBlock::name() const {
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
            return "block of type " + hex32(type);
    }
}

bool PcapWalker::fail(Fault fault, uint64_t offset, uint64_t first, uint64_t second) {
    fault_offset_ = offset;
    switch (fault) {
        case Fault::HeaderTruncated:
            fault_ = "record header truncated: " + count_of(first, "byte") + " left, a header needs 16";
            break;
        case Fault::HeaderUnreadable:
            fault_ = "cannot read the record header";
            break;
        case Fault::OverLimit:
            fault_ = "captured length " + std::to_string(first) + " is larger than the 16 MiB limit";
            break;
        case Fault::OverSnaplen:
            fault_ =
                "captured length " + std::to_string(first) + " exceeds the snapshot length " + std::to_string(snaplen_);
            break;
        case Fault::PastEnd:
            fault_ = "record of " + count_of(first, "byte") + " runs past the end of the file (" +
                     count_of(second, "byte") + " left)";
            break;
        case Fault::DataUnreadable:
            fault_ = "cannot read the record's packet data";
            break;
    }
    return false;
}

bool PcapngWalker::fail(Fault fault, uint64_t offset, uint64_t first, uint64_t second) {
    fault_offset_ = offset;
    const std::string length_text = "block length " + std::to_string(first);
    switch (fault) {
        case Fault::HeaderTruncated:
            fault_ = "block header truncated: " + count_of(first, "byte") + " left, the smallest block has 12";
            break;
        case Fault::HeaderUnreadable:
            fault_ = "cannot read the block header";
            break;
        case Fault::ByteOrderMagic:
            fault_ = "Section Header Block has byte-order magic " + hex32(static_cast<uint32_t>(first)) +
                     ", expected 0x1A2B3C4D in either byte order";
            break;
        case Fault::NoSectionHeader:
            fault_ = "the file does not start with a Section Header Block";
            break;
        case Fault::Length:
            if (first < 12)
                fault_ = length_text + " is less than the 12-byte minimum";
            else if (first % 4 != 0)
                fault_ = length_text + " is not a multiple of 4";
            else if (first > second)
                fault_ = length_text + " runs past the end of the file (" + count_of(second, "byte") +
                         " left): the file is truncated";
            else
                fault_ = length_text + " is larger than the 16 MiB limit";
            break;
        case Fault::BytesUnreadable:
            fault_ = "cannot read the block's bytes";
            break;
        case Fault::Trailer:
            fault_ = "trailing block length " + std::to_string(first) + " does not match the leading block length " +
                     std::to_string(second);
            break;
    }
    return false;
}

std::string packet_block_fault(const PcapngBlock& block, bool obsolete, const std::vector<CaptureInterface>& interfaces,
                               size_t section_first_interface) {
    if (block.length < 32)
        return std::string(obsolete ? "Packet Block" : "Enhanced Packet Block") + " of " +
               std::to_string(block.length) + " bytes is shorter than its 32-byte minimum";
    const uint32_t interface_id = obsolete ? block.u16(8) : block.u32(8);
    const size_t defined = interfaces.size() - section_first_interface;
    if (interface_id >= defined)
        return "packet refers to interface " + std::to_string(interface_id) + ", but this section describes " +
               count_of(defined, "interface");
    const uint32_t captured = block.u32(20);
    const size_t room = block.length - 32;
    if (captured > room)
        return "captured length " + std::to_string(captured) + " runs past the end of the " + block.name() +
               " (room for " + count_of(room, "byte") + ")";
    return "captured length " + std::to_string(captured) + " exceeds the interface's snapshot length " +
           std::to_string(interfaces[section_first_interface + interface_id].snaplen);
}

std::string option_fault(const PcapngBlock& block, uint16_t code, uint16_t length, size_t from) {
    return block.name() + ": option " + std::to_string(code) + " of " + count_of(length, "byte") + " at block offset " +
           std::to_string(from) + " runs past the end of the block";
}

std::optional<std::string> check_section_header(const PcapngBlock& block) {
    if (block.length < 28)
        return "Section Header Block of " + std::to_string(block.length) + " bytes is shorter than its 28-byte minimum";
    const uint16_t major = block.u16(12);
    const uint16_t minor = block.u16(14);
    if (major != 1) return "unsupported pcapng version " + std::to_string(major) + "." + std::to_string(minor);
    return walk_options(block, 24, [](uint16_t, std::span<const uint8_t>) { return std::optional<std::string>(); });
}

std::optional<std::string> read_interface_block(const PcapngBlock& block, CaptureInterface& interface) {
    if (block.length < 20)
        return "Interface Description Block of " + std::to_string(block.length) +
               " bytes is shorter than its 20-byte minimum";
    interface.link_type = block.u16(8);
    interface.snaplen = block.u32(12);
    return walk_options(block, 16, [&](uint16_t code, std::span<const uint8_t> value) -> std::optional<std::string> {
        switch (code) {
            case pcapng::kInterfaceName:
                interface.name = option_text(value, kMaxInterfaceTextLength);
                break;
            case pcapng::kInterfaceDescription:
                interface.description = option_text(value, kMaxInterfaceTextLength);
                break;
            case pcapng::kInterfaceTimestampResolution:
                if (value.size() != 1)
                    return "if_tsresol option has " + count_of(value.size(), "byte") + ", expected 1";
                interface.power_of_two = (value[0] & 0x80) != 0;
                interface.resolution_exponent = value[0] & 0x7F;
                break;
            case pcapng::kInterfaceTimestampOffset:
                if (value.size() != 8)
                    return "if_tsoffset option has " + count_of(value.size(), "byte") + ", expected 8";
                interface.offset_seconds = static_cast<int64_t>(load64(value.data(), block.big_endian));
                break;
            default:
                break;
        }
        return std::nullopt;
    });
}

}  // namespace tcplab
