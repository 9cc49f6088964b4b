#pragma once
// Writes pcapng files (draft-ietf-opsawg-pcapng) one block at a time.
//
// libpcap can only write classic pcap, which has no room for comments or for
// anything that is not a packet, so recordings need a writer of their own.
// Every block goes to the kernel in one write() as soon as it is complete, with
// no buffering in user space: a run killed with SIGKILL leaves a file that ends
// at the last complete block, which tshark and our reader both accept.
//
// The block encoders below are public so tests and fuzz-corpus generators can
// build files block by block, including files in the other byte order.
#include <bit>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "result.hpp"

namespace tcplab {

namespace pcapng {

inline constexpr uint32_t kSectionHeaderBlock = 0x0A0D0D0A;
inline constexpr uint32_t kInterfaceDescriptionBlock = 0x00000001;
inline constexpr uint32_t kObsoletePacketBlock = 0x00000002;
inline constexpr uint32_t kSimplePacketBlock = 0x00000003;
inline constexpr uint32_t kNameResolutionBlock = 0x00000004;
inline constexpr uint32_t kInterfaceStatisticsBlock = 0x00000005;
inline constexpr uint32_t kEnhancedPacketBlock = 0x00000006;
inline constexpr uint32_t kCustomBlockCopyable = 0x00000BAD;
inline constexpr uint32_t kCustomBlockDoNotCopy = 0x40000BAD;
inline constexpr uint32_t kByteOrderMagic = 0x1A2B3C4D;

// Option codes. 0 and 1 mean the same in every block.
inline constexpr uint16_t kOptionEnd = 0;
inline constexpr uint16_t kOptionComment = 1;
inline constexpr uint16_t kSectionHardware = 2;
inline constexpr uint16_t kSectionOs = 3;
inline constexpr uint16_t kSectionUserApplication = 4;
inline constexpr uint16_t kInterfaceName = 2;
inline constexpr uint16_t kInterfaceDescription = 3;
inline constexpr uint16_t kInterfaceTimestampResolution = 9;
inline constexpr uint16_t kInterfaceTimestampOffset = 14;

// No real packet or event comes near this; a block claiming more is a corrupt
// length, and the reader refuses it rather than allocating it. Wireshark uses
// the same bound.
inline constexpr uint32_t kMaxBlockLength = 16u * 1024 * 1024;

// libpcap's largest snapshot length; what we declare for our interfaces.
inline constexpr uint32_t kDefaultSnaplen = 262144;

enum class ByteOrder : uint8_t { Little, Big };
inline constexpr ByteOrder kHostByteOrder =
    std::endian::native == std::endian::big ? ByteOrder::Big : ByteOrder::Little;

struct Option {
    uint16_t code = 0;
    std::vector<uint8_t> value = {};  // unpadded; the encoder pads it to 4 bytes

    static Option text(uint16_t code, std::string_view value);
    static Option byte(uint16_t code, uint8_t value);
    static Option u64(uint16_t code, uint64_t value, ByteOrder order = kHostByteOrder);
};

// Block encoders. Each returns one complete block: type, total length, body
// padded to 4 bytes, options followed by opt_endofopt (only when there are
// options), and the total length again.
std::vector<uint8_t> encode_block(uint32_t type, std::span<const uint8_t> body, ByteOrder order = kHostByteOrder);
std::vector<uint8_t> section_header_block(std::span<const Option> options, ByteOrder order = kHostByteOrder);
std::vector<uint8_t> interface_description_block(uint16_t link_type, uint32_t snaplen, std::span<const Option> options,
                                                 ByteOrder order = kHostByteOrder);
// timestamp is in the interface's units (nanoseconds for ours: if_tsresol = 9).
std::vector<uint8_t> enhanced_packet_block(uint32_t interface_id, uint64_t timestamp, std::span<const uint8_t> data,
                                           uint32_t original_length, std::span<const Option> options,
                                           ByteOrder order = kHostByteOrder);
// The PEN is written in the section's byte order; the data is opaque to pcapng
// and padded with zeros, so its owner must be able to tell its own length.
std::vector<uint8_t> custom_block(uint32_t private_enterprise_number, std::span<const uint8_t> data, bool copyable,
                                  ByteOrder order = kHostByteOrder);

}  // namespace pcapng

struct PcapngWriterOptions {
    bool overwrite = false;        // false: refuse to replace an existing file (O_EXCL)
    bool sync_each_block = false;  // fdatasync after every block: survives power loss, not just a killed process
    std::string application = {};  // shb_userappl, e.g. "tcplab 0.1.0"
    std::string comment = {};      // a comment on the section, if any
};

struct InterfaceSpec {
    uint16_t link_type = 1;  // a LINKTYPE_ value
    uint32_t snaplen = pcapng::kDefaultSnaplen;
    std::string name = {};         // if_name
    std::string description = {};  // if_description, if any
};

class PcapngWriter {
public:
    // Creates the file and writes the Section Header Block.
    static Result<PcapngWriter> create(const std::string& path, const PcapngWriterOptions& options);

    PcapngWriter(PcapngWriter&& other) noexcept;
    PcapngWriter& operator=(PcapngWriter&& other) noexcept;
    PcapngWriter(const PcapngWriter&) = delete;
    PcapngWriter& operator=(const PcapngWriter&) = delete;
    ~PcapngWriter();

    // Writes an Interface Description Block with if_tsresol = 9 (nanoseconds);
    // returns the interface id that packets refer to.
    Result<uint32_t> add_interface(const InterfaceSpec& spec);

    // One Enhanced Packet Block; each comment becomes an opt_comment, which
    // Wireshark shows as the packet's comment.
    Status write_packet(uint32_t interface_id, int64_t time_ns, std::span<const uint8_t> data, uint32_t original_length,
                        std::span<const std::string> comments = {});

    // One Custom Block ("copyable" 0x00000BAD unless told otherwise).
    Status write_custom(uint32_t private_enterprise_number, std::span<const uint8_t> data, bool copyable = true);

    // Closes the file; later writes fail. The destructor closes it too.
    Status close();

    const std::string& path() const { return path_; }
    uint64_t bytes_written() const { return bytes_written_; }
    uint64_t blocks_written() const { return blocks_written_; }

private:
    PcapngWriter(int descriptor, std::string path, bool sync_each_block);
    Status write_block(std::span<const uint8_t> block);

    int descriptor_ = -1;
    std::string path_;
    bool sync_each_block_ = false;
    bool failed_ = false;  // after a failed write the file's end is unknown; stop writing
    uint64_t bytes_written_ = 0;
    uint64_t blocks_written_ = 0;
    std::vector<uint32_t> snaplens_;  // per interface id
};

}  // namespace tcplab
