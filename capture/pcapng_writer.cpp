#include "pcapng_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace tcplab {
namespace pcapng {
namespace {

// Appends integers in the chosen byte order; pcapng fields follow the section's order.
class BodyBuilder {
public:
    explicit BodyBuilder(ByteOrder order) : order_(order) {}

    void u16(uint16_t value) { put(value, 2); }
    void u32(uint32_t value) { put(value, 4); }
    void u64(uint64_t value) { put(value, 8); }
    // 64-bit timestamps are two 32-bit halves, high first, each in section order.
    void timestamp(uint64_t value) {
        u32(static_cast<uint32_t>(value >> 32));
        u32(static_cast<uint32_t>(value));
    }
    void bytes(std::span<const uint8_t> data) { out_.insert(out_.end(), data.begin(), data.end()); }
    void pad_to_4() {
        while (out_.size() % 4 != 0) out_.push_back(0);
    }
    void options(std::span<const Option> list) {
        if (list.empty()) return;
        for (const Option& option : list) {
            u16(option.code);
            u16(static_cast<uint16_t>(option.value.size()));
            bytes(option.value);
            pad_to_4();
        }
        u16(kOptionEnd);
        u16(0);
    }
    std::vector<uint8_t>& data() { return out_; }

private:
    void put(uint64_t value, int width) {
        for (int i = 0; i < width; ++i) {
            const int shift = order_ == ByteOrder::Little ? 8 * i : 8 * (width - 1 - i);
            out_.push_back(static_cast<uint8_t>(value >> shift));
        }
    }

    ByteOrder order_;
    std::vector<uint8_t> out_;
};

}  // namespace

Option Option::text(uint16_t code, std::string_view value) {
    // Option lengths are 16 bits; a longer text is cut rather than corrupting the block.
    const size_t length = std::min<size_t>(value.size(), 0xFFFF);
    return Option{code, std::vector<uint8_t>(value.begin(), value.begin() + static_cast<std::ptrdiff_t>(length))};
}

Option Option::byte(uint16_t code, uint8_t value) { return Option{code, {value}}; }

Option Option::u64(uint16_t code, uint64_t value, ByteOrder order) {
    BodyBuilder builder(order);
    builder.u64(value);
    return Option{code, std::move(builder.data())};
}

std::vector<uint8_t> encode_block(uint32_t type, std::span<const uint8_t> body, ByteOrder order) {
    const size_t padded = (body.size() + 3) / 4 * 4;
    const auto total = static_cast<uint32_t>(12 + padded);
    BodyBuilder block(order);
    block.u32(type);
    block.u32(total);
    block.bytes(body);
    block.pad_to_4();
    block.u32(total);
    return std::move(block.data());
}

std::vector<uint8_t> section_header_block(std::span<const Option> options, ByteOrder order) {
    BodyBuilder body(order);
    body.u32(kByteOrderMagic);
    body.u16(1);  // major version
    body.u16(0);  // minor version
    // Section length -1: not known in advance, since we write as we go.
    body.u32(0xFFFFFFFF);
    body.u32(0xFFFFFFFF);
    body.options(options);
    return encode_block(kSectionHeaderBlock, body.data(), order);
}

std::vector<uint8_t> interface_description_block(uint16_t link_type, uint32_t snaplen, std::span<const Option> options,
                                                 ByteOrder order) {
    BodyBuilder body(order);
    body.u16(link_type);
    body.u16(0);  // reserved
    body.u32(snaplen);
    body.options(options);
    return encode_block(kInterfaceDescriptionBlock, body.data(), order);
}

std::vector<uint8_t> enhanced_packet_block(uint32_t interface_id, uint64_t timestamp, std::span<const uint8_t> data,
                                           uint32_t original_length, std::span<const Option> options, ByteOrder order) {
    BodyBuilder body(order);
    body.u32(interface_id);
    body.timestamp(timestamp);
    body.u32(static_cast<uint32_t>(data.size()));
    body.u32(original_length);
    body.bytes(data);
    body.pad_to_4();
    body.options(options);
    return encode_block(kEnhancedPacketBlock, body.data(), order);
}

std::vector<uint8_t> custom_block(uint32_t private_enterprise_number, std::span<const uint8_t> data, bool copyable,
                                  ByteOrder order) {
    BodyBuilder body(order);
    body.u32(private_enterprise_number);
    body.bytes(data);
    return encode_block(copyable ? kCustomBlockCopyable : kCustomBlockDoNotCopy, body.data(), order);
}

}  // namespace pcapng

namespace {

Error system_error(const std::string& what, const std::string& path, int error_number) {
    return Error{what + " " + path + ": " + std::strerror(error_number), ""};
}

// A write that failed half-way: what the user can do depends on why.
Error write_error(const std::string& path, int error_number) {
    Error error = system_error("cannot write to", path, error_number);
    const std::string kept = "; the file keeps every block written before";
    if (error_number == ENOSPC)
        error.remedy = "free space on the disk that holds " + path + ", or record to another folder" + kept;
    else if (error_number == EDQUOT)
        error.remedy = "your disk quota is used up: delete files you no longer need, or record to another disk" + kept;
    else if (error_number == EFBIG)
        error.remedy = "the file reached the size limit set for your processes (`ulimit -f`): raise it" + kept;
    return error;
}

}  // namespace

PcapngWriter::PcapngWriter(int descriptor, std::string path, bool sync_each_block)
    : descriptor_(descriptor), path_(std::move(path)), sync_each_block_(sync_each_block) {}

PcapngWriter::PcapngWriter(PcapngWriter&& other) noexcept
    : descriptor_(std::exchange(other.descriptor_, -1)),
      path_(std::move(other.path_)),
      sync_each_block_(other.sync_each_block_),
      failed_(other.failed_),
      bytes_written_(other.bytes_written_),
      blocks_written_(other.blocks_written_),
      snaplens_(std::move(other.snaplens_)) {}

PcapngWriter& PcapngWriter::operator=(PcapngWriter&& other) noexcept {
    if (this != &other) {
        if (descriptor_ >= 0) ::close(descriptor_);
        descriptor_ = std::exchange(other.descriptor_, -1);
        path_ = std::move(other.path_);
        sync_each_block_ = other.sync_each_block_;
        failed_ = other.failed_;
        bytes_written_ = other.bytes_written_;
        blocks_written_ = other.blocks_written_;
        snaplens_ = std::move(other.snaplens_);
    }
    return *this;
}

PcapngWriter::~PcapngWriter() {
    if (descriptor_ >= 0) ::close(descriptor_);
}

Result<PcapngWriter> PcapngWriter::create(const std::string& path, const PcapngWriterOptions& options) {
    // O_EXCL makes "never overwrite" atomic: no window between a check and the open.
    const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (options.overwrite ? O_TRUNC : O_EXCL);
    const int descriptor = ::open(path.c_str(), flags, 0644);
    if (descriptor < 0) {
        if (errno == EEXIST)
            return Error{path + " already exists; not overwriting it",
                         "choose another file name, or pass --force to replace it"};
        return system_error("cannot create", path, errno);
    }
    PcapngWriter writer(descriptor, path, options.sync_each_block);
    std::vector<pcapng::Option> header_options;
    if (!options.comment.empty())
        header_options.push_back(pcapng::Option::text(pcapng::kOptionComment, options.comment));
    if (!options.application.empty())
        header_options.push_back(pcapng::Option::text(pcapng::kSectionUserApplication, options.application));
    if (Status written = writer.write_block(pcapng::section_header_block(header_options)); !written)
        return written.error();
    return writer;
}

Status PcapngWriter::write_block(std::span<const uint8_t> block) {
    if (descriptor_ < 0) return Error{"the recording " + path_ + " is already closed", ""};
    if (failed_) return Error{"an earlier write to " + path_ + " failed; the recording ends there", ""};
    if (block.size() > pcapng::kMaxBlockLength) {
        // Readers (ours and Wireshark's) refuse such blocks, so writing it would end the readable file here.
        return Error{"a block of " + std::to_string(block.size()) + " bytes is larger than the 16 MiB pcapng limit",
                     ""};
    }
    size_t done = 0;
    while (done < block.size()) {
        const ssize_t count = ::write(descriptor_, block.data() + done, block.size() - done);
        if (count < 0) {
            if (errno == EINTR) continue;
            const int error_number = errno;
            failed_ = true;
            // Cut the part of the block that was written, so the file ends at
            // its last complete block and every reader opens it without a fault.
            (void)::ftruncate(descriptor_, static_cast<off_t>(bytes_written_));
            return write_error(path_, error_number);
        }
        done += static_cast<size_t>(count);
    }
    if (sync_each_block_ && ::fdatasync(descriptor_) != 0) {
        failed_ = true;
        return system_error("cannot sync", path_, errno);
    }
    bytes_written_ += block.size();
    ++blocks_written_;
    return Done{};
}

Result<uint32_t> PcapngWriter::add_interface(const InterfaceSpec& spec) {
    std::vector<pcapng::Option> options;
    if (!spec.name.empty()) options.push_back(pcapng::Option::text(pcapng::kInterfaceName, spec.name));
    if (!spec.description.empty())
        options.push_back(pcapng::Option::text(pcapng::kInterfaceDescription, spec.description));
    // Decimal exponent 9: timestamps count nanoseconds, like the trace's clock.
    options.push_back(pcapng::Option::byte(pcapng::kInterfaceTimestampResolution, 9));
    if (Status written = write_block(pcapng::interface_description_block(spec.link_type, spec.snaplen, options));
        !written)
        return written.error();
    snaplens_.push_back(spec.snaplen);
    return static_cast<uint32_t>(snaplens_.size() - 1);
}

Status PcapngWriter::write_packet(uint32_t interface_id, int64_t time_ns, std::span<const uint8_t> data,
                                  uint32_t original_length, std::span<const std::string> comments) {
    if (interface_id >= snaplens_.size())
        return Error{"packet for interface " + std::to_string(interface_id) + ", but only " +
                         std::to_string(snaplens_.size()) + " are described",
                     ""};
    if (time_ns < 0) return Error{"packet time " + std::to_string(time_ns) + " ns is before 1970", ""};
    const uint32_t snaplen = snaplens_[interface_id];
    if (snaplen != 0 && data.size() > snaplen)
        return Error{"packet of " + std::to_string(data.size()) + " bytes exceeds the interface's snapshot length " +
                         std::to_string(snaplen),
                     ""};
    std::vector<pcapng::Option> options;
    options.reserve(comments.size());
    for (const std::string& comment : comments)
        options.push_back(pcapng::Option::text(pcapng::kOptionComment, comment));
    return write_block(
        pcapng::enhanced_packet_block(interface_id, static_cast<uint64_t>(time_ns), data, original_length, options));
}

Status PcapngWriter::write_custom(uint32_t private_enterprise_number, std::span<const uint8_t> data, bool copyable) {
    return write_block(pcapng::custom_block(private_enterprise_number, data, copyable));
}

Status PcapngWriter::close() {
    if (descriptor_ < 0) return Done{};
    const int descriptor = std::exchange(descriptor_, -1);
    if (::close(descriptor) != 0) return system_error("cannot close", path_, errno);
    return Done{};
}

}  // namespace tcplab
