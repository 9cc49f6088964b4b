#pragma once
// Reads pcap and pcapng files one record at a time, for files of any size.
//
// The file is read through a window of 1 MiB (grown only for a single larger
// block, never beyond 16 MiB), so a 1 GB capture costs 1 MiB of memory; the
// walk over its blocks and every check on them are capture_blocks.hpp's,
// shared with the fast open (capture_index.hpp).
//
// Bad input never crashes or hangs the reader. At the first fault next()
// returns false and fault() says which block, at which byte offset, was wrong
// and why; every record before it has been delivered.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "result.hpp"

namespace tcplab {

enum class CaptureFormat : uint8_t { Pcap, Pcapng };

struct CaptureInterface {
    uint32_t section = 0;          // pcapng section (0 for the first SHB); always 0 in pcap
    uint32_t id_in_section = 0;    // the interface id packets in that section use
    uint16_t link_type = 0;        // LINKTYPE_ value, possibly one we cannot decode
    uint32_t snaplen = 0;          // 0: no limit
    std::string name = {};         // if_name
    std::string description = {};  // if_description
    // Timestamp units: 10^-exponent seconds, or 2^-exponent when power_of_two.
    uint8_t resolution_exponent = 6;
    bool power_of_two = false;
    int64_t offset_seconds = 0;  // if_tsoffset, added to every timestamp
};

// Where reading stopped, and why. Blocks are numbered from 0 in file order
// (the pcap file header is block 0 and its records are blocks 1, 2, ...).
struct FileFault {
    uint64_t block_index = 0;
    uint64_t offset = 0;  // of the block's first byte
    std::string reason = {};

    // "block 3 at byte offset 212: block length 1000 runs past the end of the file (40 bytes left)"
    std::string message() const;
};

struct CaptureRecord {
    enum class Kind : uint8_t { Packet, Custom };
    Kind kind = Kind::Packet;
    uint64_t block_index = 0;
    uint64_t offset = 0;
    uint32_t section = 0;

    // Packets (EPB, SPB, obsolete PB, pcap records).
    uint32_t interface = 0;  // index into CaptureFileReader::interfaces()
    int64_t time_ns = 0;     // since 1970, with the interface's resolution and offset applied
    uint32_t original_length = 0;
    std::vector<std::string> comments = {};  // opt_comment options

    // Custom blocks.
    uint32_t private_enterprise_number = 0;
    bool copyable = true;

    // Packet bytes, or custom data (with pcapng's zero padding). Valid until the next call to next().
    std::span<const uint8_t> data;
};

class ByteWindow;
class PcapWalker;
class PcapngWalker;
struct PcapngBlock;

class CaptureFileReader {
public:
    // Fails when the file cannot be opened, is empty, or does not start like
    // pcap or pcapng; the error then names block 0 at offset 0.
    static Result<CaptureFileReader> open(const std::string& path);
    // Reads from memory that must outlive the reader (tests, fuzzing).
    static Result<CaptureFileReader> from_memory(std::span<const uint8_t> bytes);

    CaptureFileReader(CaptureFileReader&&) noexcept;
    CaptureFileReader& operator=(CaptureFileReader&&) noexcept;
    ~CaptureFileReader();

    // The next packet or custom block. False at the end of the file or at a fault.
    bool next(CaptureRecord& record);

    const std::optional<FileFault>& fault() const { return fault_; }
    CaptureFormat format() const { return format_; }
    const std::vector<CaptureInterface>& interfaces() const { return interfaces_; }
    uint64_t position() const { return position_; }  // bytes consumed so far
    uint64_t size() const;
    uint64_t skipped_blocks() const { return skipped_blocks_; }  // block types we do not use

private:
    explicit CaptureFileReader(ByteWindow bytes);
    Status start();
    bool fail(uint64_t offset, std::string reason);
    bool next_pcap(CaptureRecord& record);
    bool next_pcapng(CaptureRecord& record);
    std::optional<std::string> read_simple_packet(const PcapngBlock& block, CaptureRecord& record);

    // The walkers (capture_blocks.hpp) read through the window; all three
    // live on the heap, so a moved reader's walkers still find their bytes.
    std::unique_ptr<ByteWindow> bytes_;
    std::unique_ptr<PcapWalker> pcap_;
    std::unique_ptr<PcapngWalker> pcapng_;
    CaptureFormat format_ = CaptureFormat::Pcapng;
    uint64_t position_ = 0;
    uint64_t block_index_ = 0;
    uint64_t skipped_blocks_ = 0;
    std::optional<FileFault> fault_;
    std::vector<CaptureInterface> interfaces_;
    uint32_t section_ = 0;                // sections seen so far, minus one
    size_t section_first_interface_ = 0;  // index in interfaces_ of this section's interface 0
};

// Timestamp ticks of `interface` (10^-e or 2^-e seconds, plus its offset) to
// nanoseconds since 1970, saturating instead of overflowing for any e.
int64_t ticks_to_ns(uint64_t ticks, const CaptureInterface& interface);
// An option's text: strings in options are not necessarily NUL-terminated, and a NUL ends them.
std::string option_text(std::span<const uint8_t> value, size_t limit);

// "Ethernet", "Linux cooked (SLL)", ... or "link type 147" for one we do not decode.
std::string link_type_name(uint16_t link_type);

}  // namespace tcplab
