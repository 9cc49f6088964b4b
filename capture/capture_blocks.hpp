#pragma once
// A capture file's pieces, walked in file order: its bytes through a window,
// pcap's file header and records, pcapng's blocks and their options. Both
// ways of opening a file stand on this walk: CaptureFileReader (every record,
// and the exact fault) and open_capture() (the fast scan, capture_index.hpp).
// So a file reads the same whichever way it is opened, and a check is written
// once.
//
// Bad input never crashes or hangs the walk: every length is checked against
// the bytes that are really there before anything is read or allocated. A
// failed check gives its reason in words: the reader reports it as the file's
// fault, and the fast scan takes it as the sign to hand the file to the reader.
//
// The walkers are inline: the fast scan calls them ten million times.
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "capture_file_reader.hpp"
#include "pcapng_writer.hpp"

namespace tcplab {

// Enough for any real capture (10 000 interfaces is a stress test, not a
// limit), while a hostile file of nothing but IDBs cannot exhaust memory.
inline constexpr size_t kMaxCaptureInterfaces = 100'000;

// Integers in a section's byte order (or a pcap file's).
inline uint16_t load16(const uint8_t* at, bool big_endian) {
    uint16_t value = 0;
    std::memcpy(&value, at, 2);
    return big_endian == (std::endian::native == std::endian::big) ? value : __builtin_bswap16(value);
}
inline uint32_t load32(const uint8_t* at, bool big_endian) {
    uint32_t value = 0;
    std::memcpy(&value, at, 4);
    return big_endian == (std::endian::native == std::endian::big) ? value : __builtin_bswap32(value);
}
inline uint64_t load64(const uint8_t* at, bool big_endian) {
    uint64_t value = 0;
    std::memcpy(&value, at, 8);
    return big_endian == (std::endian::native == std::endian::big) ? value : __builtin_bswap64(value);
}

// "1 byte", "40 bytes", and "0x0A0D0D0A": for the reasons below.
std::string count_of(uint64_t count, const char* noun);
std::string hex32(uint32_t value);

// The bytes of a file, read with pread() through a window that slides
// forward (reads are sequential, so one pread serves many blocks), or bytes
// already in memory. pread() rather than mmap(): a file truncated while
// mapped (a recording still being written, a file on a network share) kills
// a mapping reader with SIGBUS, whereas pread() just returns fewer bytes,
// which becomes an ordinary fault.
class ByteWindow {
public:
    // Takes `descriptor` over (closes it); `window` bytes at a time, more only for a single larger block.
    ByteWindow(int descriptor, uint64_t size, size_t window) : descriptor_(descriptor), size_(size), window_(window) {}
    explicit ByteWindow(std::span<const uint8_t> memory) : memory_(memory), size_(memory.size()) {}
    ByteWindow(ByteWindow&& other) noexcept;
    ByteWindow& operator=(ByteWindow&& other) noexcept;
    ByteWindow(const ByteWindow&) = delete;
    ByteWindow& operator=(const ByteWindow&) = delete;
    ~ByteWindow();

    uint64_t size() const { return size_; }

    // `length` bytes at `offset`, or nothing when the file does not hold them
    // (any more). Valid until the next call.
    std::optional<std::span<const uint8_t>> at(uint64_t offset, size_t length) {
        if (offset >= start_ && offset + length <= start_ + filled_)
            return std::span<const uint8_t>(buffer_.data() + (offset - start_), length);
        if (offset > size_ || length > size_ - offset) return std::nullopt;
        if (descriptor_ < 0) return memory_.subspan(offset, length);
        return slide(offset, length);
    }

private:
    std::optional<std::span<const uint8_t>> slide(uint64_t offset, size_t length);

    int descriptor_ = -1;
    std::span<const uint8_t> memory_;
    uint64_t size_ = 0;
    size_t window_ = 0;
    std::vector<uint8_t> buffer_;
    uint64_t start_ = 0;
    size_t filled_ = 0;
};

// What the first four bytes say: pcap (either byte order, micro- or
// nanoseconds), pcapng, or neither (nothing).
std::optional<CaptureFormat> capture_format_of(uint32_t magic_as_little_endian);

// ---- pcap ----

inline constexpr size_t kPcapFileHeaderLength = 24;
inline constexpr size_t kPcapRecordHeaderLength = 16;

struct PcapFileHeader {
    bool big_endian = false;
    CaptureInterface interface;  // pcap's one interface: link type, snapshot length, resolution
};

// The pcap file header at the start of `bytes`, or why it is not one (the
// file's size and magic number are the caller's to have checked).
std::optional<std::string> read_pcap_file_header(ByteWindow& bytes, PcapFileHeader& header);

struct PcapRecord {
    uint64_t offset = 0;  // of its header
    int64_t time_ns = 0;
    uint32_t original_length = 0;
    std::span<const uint8_t> data;  // valid until the next record
};

// pcap's records after the file header, one at a time.
class PcapWalker {
public:
    PcapWalker(ByteWindow& bytes, const PcapFileHeader& header)
        : bytes_(bytes),
          big_endian_(header.big_endian),
          snaplen_(header.interface.snaplen),
          nanoseconds_(header.interface.resolution_exponent == 9) {}

    // The next record; false at the end of the file or at a fault (then fault() says why).
    [[gnu::always_inline]] bool next(PcapRecord& record) {
        const uint64_t offset = position_;
        if (offset == bytes_.size()) return false;
        const uint64_t remaining = bytes_.size() - offset;
        if (remaining < kPcapRecordHeaderLength) [[unlikely]]
            return fail(Fault::HeaderTruncated, offset, remaining);
        const auto header = bytes_.at(offset, kPcapRecordHeaderLength);
        if (!header) [[unlikely]]
            return fail(Fault::HeaderUnreadable, offset);
        const uint32_t seconds = load32(header->data(), big_endian_);
        const uint32_t fraction = load32(header->data() + 4, big_endian_);
        const uint32_t captured = load32(header->data() + 8, big_endian_);
        record.original_length = load32(header->data() + 12, big_endian_);
        if (captured > pcapng::kMaxBlockLength) [[unlikely]]
            return fail(Fault::OverLimit, offset, captured);
        if (snaplen_ != 0 && captured > snaplen_) [[unlikely]]
            return fail(Fault::OverSnaplen, offset, captured);
        if (captured > remaining - kPcapRecordHeaderLength) [[unlikely]]
            return fail(Fault::PastEnd, offset, captured, remaining - kPcapRecordHeaderLength);
        // Reading the frame may slide the window: `header` is stale after this.
        const auto data = bytes_.at(offset + kPcapRecordHeaderLength, captured);
        if (!data) [[unlikely]]
            return fail(Fault::DataUnreadable, offset);
        record.offset = offset;
        record.time_ns = int64_t{seconds} * 1'000'000'000 + int64_t{fraction} * (nanoseconds_ ? 1 : 1000);
        record.data = *data;
        position_ = offset + kPcapRecordHeaderLength + captured;
        return true;
    }

    uint64_t position() const { return position_; }  // where the next record starts
    const std::optional<std::string>& fault() const { return fault_; }
    uint64_t fault_offset() const { return fault_offset_; }

private:
    enum class Fault : uint8_t { HeaderTruncated, HeaderUnreadable, OverLimit, OverSnaplen, PastEnd, DataUnreadable };
    // The words are put together here, away from the loop the fast scan runs.
    [[gnu::cold, gnu::noinline]] bool fail(Fault fault, uint64_t offset, uint64_t first = 0, uint64_t second = 0);

    ByteWindow& bytes_;
    bool big_endian_;
    uint32_t snaplen_;
    bool nanoseconds_;
    uint64_t position_ = kPcapFileHeaderLength;
    std::optional<std::string> fault_;
    uint64_t fault_offset_ = 0;
};

// ---- pcapng ----

// One whole pcapng block, with accessors in its section's byte order.
struct PcapngBlock {
    uint64_t offset = 0;
    uint32_t type = 0;
    uint32_t length = 0;
    std::span<const uint8_t> bytes;  // all of it, valid until the next block
    bool big_endian = false;

    uint16_t u16(size_t at) const { return load16(bytes.data() + at, big_endian); }
    uint32_t u32(size_t at) const { return load32(bytes.data() + at, big_endian); }
    uint64_t u64(size_t at) const { return load64(bytes.data() + at, big_endian); }
    // 64-bit timestamps are two 32-bit halves, high first.
    uint64_t timestamp(size_t at) const { return uint64_t{u32(at)} << 32 | u32(at + 4); }
    std::string name() const;  // "Enhanced Packet Block", or "block of type 0x00000BAD"
};

// pcapng's blocks, one at a time, each checked to be whole: its length at
// least 12, a multiple of 4, within the file and 16 MiB, and the same in its
// trailer. A Section Header Block says (by its magic) the byte order of the
// blocks up to the next one; the file must start with one.
class PcapngWalker {
public:
    explicit PcapngWalker(ByteWindow& bytes) : bytes_(bytes) {}

    // The next block; false at the end of the file or at a fault (then fault() says why).
    [[gnu::always_inline]] bool next(PcapngBlock& block) {
        const uint64_t offset = position_;
        if (offset >= bytes_.size()) return false;
        const uint64_t remaining = bytes_.size() - offset;
        if (remaining < 12) [[unlikely]]
            return fail(Fault::HeaderTruncated, offset, remaining);
        const auto head = bytes_.at(offset, 12);
        if (!head) [[unlikely]]
            return fail(Fault::HeaderUnreadable, offset);
        bool big_endian = big_endian_;
        // The SHB type reads the same in both byte orders; its byte-order
        // magic says how to read everything up to the next SHB.
        if (load32(head->data(), false) == pcapng::kSectionHeaderBlock) {
            const uint32_t magic = load32(head->data() + 8, false);
            if (magic == pcapng::kByteOrderMagic)
                big_endian = false;
            else if (magic == __builtin_bswap32(pcapng::kByteOrderMagic))
                big_endian = true;
            else
                return fail(Fault::ByteOrderMagic, offset, magic);
        } else if (offset == 0) [[unlikely]] {
            return fail(Fault::NoSectionHeader, offset);
        }
        const uint32_t length = load32(head->data() + 4, big_endian);
        if (length < 12 || length % 4 != 0 || length > remaining || length > pcapng::kMaxBlockLength) [[unlikely]]
            return fail(Fault::Length, offset, length, remaining);
        const auto bytes = bytes_.at(offset, length);
        if (!bytes) [[unlikely]]
            return fail(Fault::BytesUnreadable, offset);
        const uint32_t trailer = load32(bytes->data() + length - 4, big_endian);
        if (trailer != length) [[unlikely]]
            return fail(Fault::Trailer, offset, trailer, length);
        block.offset = offset;
        block.type = load32(bytes->data(), big_endian);
        block.length = length;
        block.bytes = *bytes;
        block.big_endian = big_endian;
        big_endian_ = big_endian;
        position_ = offset + length;
        return true;
    }

    uint64_t position() const { return position_; }  // where the next block starts
    const std::optional<std::string>& fault() const { return fault_; }
    uint64_t fault_offset() const { return fault_offset_; }

private:
    enum class Fault : uint8_t {
        HeaderTruncated,
        HeaderUnreadable,
        ByteOrderMagic,
        NoSectionHeader,
        Length,
        BytesUnreadable,
        Trailer
    };
    // The words are put together here, away from the loop the fast scan runs.
    [[gnu::cold, gnu::noinline]] bool fail(Fault fault, uint64_t offset, uint64_t first = 0, uint64_t second = 0);

    ByteWindow& bytes_;
    uint64_t position_ = 0;
    bool big_endian_ = false;
    std::optional<std::string> fault_;
    uint64_t fault_offset_ = 0;
};

// "Enhanced Packet Block: option 1 of 200 bytes at block offset 84 runs past the end of the block"
[[gnu::cold, gnu::noinline]] std::string option_fault(const PcapngBlock& block, uint16_t code, uint16_t length,
                                                      size_t from);

// The options of `block` from byte `from` to its trailer, until
// opt_endofopt. `visit(code, value)` returns nothing to go on, or why the
// option is wrong; an option that runs past the block is wrong too.
template <class Visit>
std::optional<std::string> walk_options(const PcapngBlock& block, size_t from, Visit&& visit) {
    const size_t end = block.length - 4;
    while (from + 4 <= end) {
        const uint16_t code = block.u16(from);
        const uint16_t length = block.u16(from + 2);
        if (code == pcapng::kOptionEnd) return std::nullopt;
        const size_t padded = (length + 3u) / 4 * 4;
        if (padded > end - from - 4) [[unlikely]]
            return option_fault(block, code, length, from);
        if (auto wrong = visit(code, block.bytes.subspan(from + 4, length))) return wrong;
        from += 4 + padded;
    }
    return std::nullopt;
}

// A Section Header Block's version (1) and options, or why not.
std::optional<std::string> check_section_header(const PcapngBlock& block);

// An Interface Description Block: link type, snapshot length, name,
// description and timestamp units into `interface` (its section and id are
// the caller's), or why not.
std::optional<std::string> read_interface_block(const PcapngBlock& block, CaptureInterface& interface);

// The fields of an Enhanced Packet Block, or of the obsolete Packet Block:
// both have the interface at 8, the timestamp at 12, the captured length at
// 20, the original at 24 and the data at 28.
struct PacketBlockFields {
    uint32_t interface = 0;  // index into the interfaces of the whole file
    uint64_t timestamp = 0;  // in that interface's units (ticks_to_ns)
    uint32_t original_length = 0;
    std::span<const uint8_t> data;
    size_t options_at = 0;  // where its options start
};

// Why read_packet_block() refused a block, in words (kept out of its loop).
[[gnu::cold, gnu::noinline]] std::string packet_block_fault(const PcapngBlock& block, bool obsolete,
                                                            const std::vector<CaptureInterface>& interfaces,
                                                            size_t section_first_interface);

// An Enhanced (or, with `obsolete`, a Packet Block) checked against the
// interfaces described so far (`section_first_interface`: where this
// section's begin). False when it is wrong; then `why`, if given, says why.
inline bool read_packet_block(const PcapngBlock& block, bool obsolete, const std::vector<CaptureInterface>& interfaces,
                              size_t section_first_interface, PacketBlockFields& fields, std::string* why = nullptr) {
    const auto refuse = [&] {
        if (why) *why = packet_block_fault(block, obsolete, interfaces, section_first_interface);
        return false;
    };
    if (block.length < 32) [[unlikely]]
        return refuse();
    const uint32_t interface_id = obsolete ? block.u16(8) : block.u32(8);
    if (interface_id >= interfaces.size() - section_first_interface) [[unlikely]]
        return refuse();
    fields.interface = static_cast<uint32_t>(section_first_interface + interface_id);
    const uint32_t captured = block.u32(20);
    const uint32_t snaplen = interfaces[fields.interface].snaplen;
    if (captured > block.length - 32 || (snaplen != 0 && captured > snaplen)) [[unlikely]]
        return refuse();
    fields.timestamp = block.timestamp(12);
    fields.original_length = block.u32(24);
    fields.data = block.bytes.subspan(28, captured);
    fields.options_at = 28 + (captured + 3u) / 4 * 4;
    return true;
}

}  // namespace tcplab
