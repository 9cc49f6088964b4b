#include "capture_index.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "pcapng_writer.hpp"

namespace tcplab {
namespace {

uint16_t be16(const uint8_t* at) { return static_cast<uint16_t>(at[0] << 8 | at[1]); }
uint32_t be32(const uint8_t* at) {
    uint32_t value = 0;
    std::memcpy(&value, at, 4);
    return __builtin_bswap32(value);
}
uint16_t host16(const uint8_t* at) {
    uint16_t value = 0;
    std::memcpy(&value, at, 2);
    return value;
}
uint32_t host32(const uint8_t* at) {
    uint32_t value = 0;
    std::memcpy(&value, at, 4);
    return value;
}

constexpr uint16_t kEtherTypeIpv4 = 0x0800;
constexpr uint16_t kEtherTypeIpv6 = 0x86DD;
constexpr uint16_t kEtherTypeVlan = 0x8100;
constexpr uint16_t kEtherTypeQinQ = 0x88A8;
constexpr uint8_t kProtocolTcp = 6;
constexpr uint8_t kProtocolUdp = 17;

}  // namespace

bool summarize_frame(LinkType link, std::span<const uint8_t> frame, uint32_t original_length, PacketEvent& summary,
                     Endpoint& source, Endpoint& destination) {
    const uint8_t* bytes = frame.data();
    const size_t size = frame.size();
    // As decode_frame(): a known length on the wire bounds the IP lengths.
    const size_t wire_end =
        original_length == 0 ? std::numeric_limits<size_t>::max() : std::max<size_t>(original_length, size);
    size_t network = 0;
    uint16_t ether_type = 0;
    switch (link) {
        case LinkType::Ethernet: {
            if (size < 14) return false;
            size_t type_offset = 12;
            ether_type = be16(bytes + type_offset);
            while (ether_type == kEtherTypeVlan || ether_type == kEtherTypeQinQ) {
                if (type_offset + 4 + 2 > size || type_offset > 12 + 4 * 254) return false;
                type_offset += 4;
                ether_type = be16(bytes + type_offset);
            }
            network = type_offset + 2;
            break;
        }
        case LinkType::LinuxSll:
            if (size < 16) return false;
            ether_type = be16(bytes + 14);
            network = 16;
            break;
        case LinkType::LinuxSll2:
            if (size < 20) return false;
            ether_type = be16(bytes);
            network = 20;
            break;
        case LinkType::Raw:
            if (size < 1) return false;
            ether_type = (bytes[0] >> 4) == 4 ? kEtherTypeIpv4 : (bytes[0] >> 4) == 6 ? kEtherTypeIpv6 : 0;
            break;
        case LinkType::Ipv4:
            ether_type = kEtherTypeIpv4;
            break;
        case LinkType::Ipv6:
            ether_type = kEtherTypeIpv6;
            break;
        default:
            return false;
    }

    size_t transport = 0;
    size_t ip_end = 0;
    uint8_t protocol = 0;
    IpAddress source_address, destination_address;
    if (ether_type == kEtherTypeIpv4) {
        if (network + 20 > size) return false;
        const uint8_t* ip = bytes + network;
        if ((ip[0] >> 4) != 4) return false;
        const size_t header_length = size_t{ip[0] & 0x0Fu} * 4;
        if (header_length < 20 || network + header_length > size) return false;
        const uint16_t total_length = be16(ip + 2);
        if (total_length < header_length) return false;  // 0 too: offloaded (TSO), the decoder's business
        if ((be16(ip + 6) & 0x1FFF) != 0) return false;  // a later fragment: no transport header
        protocol = ip[9];
        source_address.version = 4;
        std::memcpy(source_address.bytes.data(), ip + 12, 4);
        destination_address.version = 4;
        std::memcpy(destination_address.bytes.data(), ip + 16, 4);
        ip_end = std::min(network + total_length, wire_end);
        transport = network + header_length;
    } else if (ether_type == kEtherTypeIpv6) {
        if (network + 40 > size) return false;
        const uint8_t* ip = bytes + network;
        if ((ip[0] >> 4) != 6) return false;
        protocol = ip[6];
        source_address.version = 6;
        std::memcpy(source_address.bytes.data(), ip + 8, 16);
        destination_address.version = 6;
        std::memcpy(destination_address.bytes.data(), ip + 24, 16);
        ip_end = std::min(network + 40 + be16(ip + 4), wire_end);
        transport = network + 40;
    } else {
        return false;
    }
    if (protocol != kProtocolTcp && protocol != kProtocolUdp) return false;  // extension headers, ICMP, ...

    const size_t limit = std::min(ip_end, size);
    const size_t have = transport < limit ? limit - transport : 0;
    const uint8_t* header = bytes + transport;
    uint32_t payload_length = 0;
    if (protocol == kProtocolTcp) {
        if (have < 20) return false;
        const size_t header_length = size_t{header[12]} >> 4 << 2;
        const size_t header_end = transport + header_length;
        if (header_length < 20 || header_end > ip_end) return false;
        // The options need no reading: however the capture cut them, or whatever
        // is wrong with them, the segment's numbers stand (tcp_numbers_known()).
        // Its length is what the IP header says it carried, however much was kept.
        payload_length = static_cast<uint32_t>(ip_end - header_end);
        summary.truncated = size < ip_end;
        summary.transport = Transport::Tcp;
        summary.seq = be32(header + 4);
        summary.ack = be32(header + 8);
        summary.flags = header[13];
        summary.window = be16(header + 14);
    } else {
        if (have < 8) return false;
        const uint16_t udp_length = be16(header + 4);
        if (udp_length < 8) return false;
        if (udp_tunnel_kind(be16(header), be16(header + 2))) return false;  // VXLAN, Geneve: the decoder follows them
        const size_t end = std::min(ip_end, transport + udp_length);
        payload_length = static_cast<uint32_t>(end > transport + 8 ? end - transport - 8 : 0);
        summary.truncated = size < end;
        summary.transport = Transport::Udp;
    }
    summary.payload_length = payload_length;
    summary.decode_failed = 0;
    source.address = source_address;
    source.port = be16(header);
    destination.address = destination_address;
    destination.port = be16(header + 2);
    return true;
}

// ---- the mapped file ----

Result<std::shared_ptr<MappedCaptureFile>> MappedCaptureFile::map(const std::string& path) {
    const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (descriptor < 0) return Error{"cannot open " + path + ": " + std::strerror(errno), ""};
    struct stat status {};
    if (::fstat(descriptor, &status) != 0 || status.st_size <= 0) {
        ::close(descriptor);
        return Error{"cannot map " + path + ": it is empty or cannot be examined", ""};
    }
    const auto size = static_cast<uint64_t>(status.st_size);
    void* mapped = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, descriptor, 0);
    if (mapped == MAP_FAILED) {
        ::close(descriptor);
        return Error{"cannot map " + path + ": " + std::strerror(errno), ""};
    }
    // Views jump around the file (the packet a student clicks), so do not read ahead far.
    ::madvise(mapped, size, MADV_RANDOM);
    return std::shared_ptr<MappedCaptureFile>(
        new MappedCaptureFile(descriptor, static_cast<const uint8_t*>(mapped), size));
}

MappedCaptureFile::~MappedCaptureFile() {
    if (base_) ::munmap(const_cast<uint8_t*>(base_), size_);
    if (descriptor_ >= 0) ::close(descriptor_);
}

std::span<const uint8_t> MappedCaptureFile::bytes(uint64_t offset, uint32_t length) const {
    if (offset > size_ || length > size_ - offset) return {};
    // Touching a mapped page past the end of a file that shrank raises SIGBUS.
    struct stat status {};
    if (::fstat(descriptor_, &status) != 0 || static_cast<uint64_t>(status.st_size) < offset + length) return {};
    return std::span<const uint8_t>(base_ + offset, length);
}

// ---- the scan ----

namespace {

constexpr size_t kWindow = 4u << 20;
constexpr uint64_t kProgressEveryPackets = 1u << 16;
constexpr uint64_t kSamplePackets = 1u << 14;  // packets read before sizing the trace for the whole file

// pread() through a window that slides forward.
class Window {
public:
    Window(int descriptor, uint64_t size) : descriptor_(descriptor), size_(size), buffer_(kWindow) {}

    // `length` bytes at `offset`, or nullptr when the file does not hold them.
    const uint8_t* at(uint64_t offset, size_t length) {
        if (offset >= start_ && offset + length <= start_ + filled_) return buffer_.data() + (offset - start_);
        if (offset > size_ || length > size_ - offset) return nullptr;
        const size_t wanted = static_cast<size_t>(std::min<uint64_t>(std::max(length, kWindow), size_ - offset));
        if (buffer_.size() < wanted) buffer_.resize(wanted);
        size_t done = 0;
        while (done < wanted) {
            const ssize_t count =
                ::pread(descriptor_, buffer_.data() + done, wanted - done, static_cast<off_t>(offset + done));
            if (count < 0 && errno == EINTR) continue;
            if (count <= 0) break;
            done += static_cast<size_t>(count);
        }
        start_ = offset;
        filled_ = done;
        return done >= length ? buffer_.data() : nullptr;
    }

private:
    int descriptor_;
    uint64_t size_;
    std::vector<uint8_t> buffer_;
    uint64_t start_ = 0;
    size_t filled_ = 0;
};

// Why the fast path gave up: the file goes to read_trace() instead.
struct Unsupported {};

// What the reader thread hands over: packets summarised, in file order, and
// the comments that came with them.
struct SummarizedPacket {
    PacketEvent summary;
    Endpoint source;
    Endpoint destination;
};
struct Batch {
    std::vector<SummarizedPacket> packets;
    std::vector<NoteEvent> notes;
    uint64_t end_offset = 0;  // where the reader got to
    uint64_t blocks = 0;      // blocks read so far, this batch's included
};
constexpr size_t kBatchPackets = 4096;
constexpr size_t kBatchesInFlight = 8;  // ~3 MB between the two threads

// Reads the file on a thread of its own (pread, record headers, each frame's
// summary) while the calling thread adds the summaries to the trace
// (connections, relative numbers, states): the two halves take about as long
// as each other, and a machine has two cores at least. Only the calling
// thread touches the trace; the reader only fills `loaded.interfaces`,
// `format` and `skipped_blocks`, read after it has ended.
class Indexer {
public:
    Indexer(int descriptor, uint64_t size, LoadedTrace& loaded, const ProgressCallback& progress)
        : window_(descriptor, size), size_(size), loaded_(loaded), progress_(progress) {
        filling_.packets.reserve(kBatchPackets);
    }

    // nullopt: hand the file to read_trace(). false: cancelled.
    std::optional<bool> run() {
        std::optional<bool> scanned;
        std::thread reader([this, &scanned] {
            scanned = scan();
            hand_over(true);
        });
        bool cancelled = false;
        uint64_t next_progress = kProgressEveryPackets;
        Batch batch;
        while (take(batch)) {
            if (cancelled) continue;  // the reader stops at its next block
            for (const SummarizedPacket& packet : batch.packets) {
                loaded_.trace.add_summary(packet.summary, packet.source, packet.destination);
                if (++loaded_.packets == kSamplePackets)
                    size_trace(packet.summary.raw_offset + packet.summary.raw_length);
            }
            for (NoteEvent& note : batch.notes) loaded_.trace.add_note(std::move(note));
            if (progress_ && batch.blocks >= next_progress) {
                next_progress = (batch.blocks / kProgressEveryPackets + 1) * kProgressEveryPackets;
                if (!progress_(ReadProgress{batch.end_offset, size_, loaded_.packets})) {
                    cancelled = true;
                    stop_.store(true, std::memory_order_relaxed);
                }
            }
        }
        reader.join();
        if (cancelled) return false;
        if (!scanned || !*scanned) return scanned;
        if (progress_) progress_(ReadProgress{end_offset_, size_, loaded_.packets});
        loaded_.trace.flush_inferred();
        return true;
    }

private:
    // On the reader thread.
    std::optional<bool> scan() {
        const uint8_t* head = window_.at(0, 4);
        if (!head) return std::nullopt;
        const uint32_t magic = host32(head);
        if (magic == pcapng::kSectionHeaderBlock) return pcapng();
        return pcap(magic);
    }

    // Reader: passes the batch being filled on, waiting while the trace's
    // thread is kBatchesInFlight behind; the last call says the reader is done.
    void hand_over(bool last) {
        std::unique_lock lock(mutex_);
        if (!filling_.packets.empty() || !filling_.notes.empty()) {
            has_room_.wait(lock, [this] { return ready_.size() < kBatchesInFlight; });
            ready_.push_back(std::move(filling_));
            filling_ = Batch{};
            filling_.packets.reserve(kBatchPackets);
        }
        reader_done_ = last;
        lock.unlock();
        has_batch_.notify_one();
    }

    // The trace's thread: the next batch, or false once the reader is done and all are taken.
    bool take(Batch& batch) {
        std::unique_lock lock(mutex_);
        has_batch_.wait(lock, [this] { return !ready_.empty() || reader_done_; });
        if (ready_.empty()) return false;
        batch = std::move(ready_.front());
        ready_.pop_front();
        lock.unlock();
        has_room_.notify_one();
        return true;
    }

    // Sizes the trace for the whole file from what the first packets cost,
    // so the vectors are not copied as they grow (the copy would double the peak).
    void size_trace(uint64_t offset) {
        const double share = static_cast<double>(size_) / static_cast<double>(std::max<uint64_t>(offset, 1));
        const auto scaled = [share](size_t count) { return static_cast<size_t>(count * share * 1.15) + 1024; };
        loaded_.trace.reserve(
            TraceRoom{.packets = scaled(loaded_.trace.packets().size()),
                      .connections = scaled(loaded_.trace.connections().size()),
                      .states = scaled(loaded_.trace.states().size() + loaded_.trace.held_segment_count())});
    }

    std::optional<bool> pcap(uint32_t magic) {
        const bool nano = magic == 0xA1B23C4D || magic == 0x4D3CB2A1;
        const bool swapped = magic == 0xD4C3B2A1 || magic == 0x4D3CB2A1;
        if (!nano && !swapped && magic != 0xA1B2C3D4) return std::nullopt;
        const auto load32 = [swapped](const uint8_t* at) {
            const uint32_t value = host32(at);
            return swapped ? __builtin_bswap32(value) : value;
        };
        const uint8_t* header = window_.at(0, 24);
        if (!header) return std::nullopt;
        const uint32_t major = swapped ? __builtin_bswap16(host16(header + 4)) : host16(header + 4);
        if (major != 2) return std::nullopt;
        CaptureInterface interface;
        interface.snaplen = load32(header + 16);
        interface.link_type = static_cast<uint16_t>(load32(header + 20));
        interface.resolution_exponent = nano ? 9 : 6;
        interface.name = "pcap";
        loaded_.format = CaptureFormat::Pcap;
        loaded_.interfaces.push_back(interface);
        const auto link = static_cast<LinkType>(interface.link_type);
        const int64_t scale = nano ? 1 : 1000;

        uint64_t offset = 24;
        while (offset < size_) {
            const uint8_t* record = window_.at(offset, 16);
            if (!record) return std::nullopt;  // a truncated header: read_trace() names the fault
            const uint32_t captured = load32(record + 8);
            if (captured > pcapng::kMaxBlockLength || (interface.snaplen != 0 && captured > interface.snaplen) ||
                captured > size_ - offset - 16)
                return std::nullopt;
            const int64_t time_ns = int64_t{load32(record)} * 1'000'000'000 + int64_t{load32(record + 4)} * scale;
            const uint32_t original_length = load32(record + 12);
            // Reading the frame may slide the window: `record` is stale after this.
            const uint8_t* data = window_.at(offset + 16, captured);
            if (!data) return std::nullopt;
            add(time_ns, 0, link, original_length, offset + 16, std::span<const uint8_t>(data, captured));
            offset += 16 + captured;
            if (!keep_going(offset)) return false;
        }
        return finish(offset);
    }

    std::optional<bool> pcapng() {
        loaded_.format = CaptureFormat::Pcapng;
        uint64_t offset = 0;
        uint32_t section = 0;
        bool first_section = true;
        size_t section_first_interface = 0;
        while (offset < size_) {
            if (size_ - offset < 12) return std::nullopt;
            const uint8_t* head = window_.at(offset, 12);
            if (!head) return std::nullopt;
            const uint32_t type = host32(head);
            const uint32_t length = host32(head + 4);
            if (length < 12 || length % 4 != 0 || length > size_ - offset || length > pcapng::kMaxBlockLength)
                return std::nullopt;
            const uint8_t* block = window_.at(offset, length);
            if (!block || host32(block + length - 4) != length) return std::nullopt;
            switch (type) {
                case pcapng::kSectionHeaderBlock:
                    // Another byte order, or another version: the reader's job.
                    if (length < 28 || host32(block + 8) != pcapng::kByteOrderMagic || host16(block + 12) != 1 ||
                        !options_fit(block, length, 24))
                        return std::nullopt;
                    if (!first_section) ++section;
                    first_section = false;
                    section_first_interface = loaded_.interfaces.size();
                    break;
                case pcapng::kInterfaceDescriptionBlock: {
                    if (first_section || length < 20) return std::nullopt;
                    CaptureInterface interface;
                    interface.section = section;
                    interface.id_in_section =
                        static_cast<uint32_t>(loaded_.interfaces.size() - section_first_interface);
                    interface.link_type = host16(block + 8);
                    interface.snaplen = host32(block + 12);
                    if (!interface_options(block, length, interface)) return std::nullopt;
                    loaded_.interfaces.push_back(std::move(interface));
                    if (loaded_.interfaces.size() > 100'000) return std::nullopt;
                    break;
                }
                case pcapng::kEnhancedPacketBlock: {
                    if (first_section || length < 32) return std::nullopt;
                    const uint32_t interface_id = host32(block + 8);
                    if (interface_id >= loaded_.interfaces.size() - section_first_interface) return std::nullopt;
                    const auto index = static_cast<uint32_t>(section_first_interface + interface_id);
                    const CaptureInterface& interface = loaded_.interfaces[index];
                    const uint32_t captured = host32(block + 20);
                    if (captured > length - 32 || (interface.snaplen != 0 && captured > interface.snaplen))
                        return std::nullopt;
                    const uint64_t ticks = uint64_t{host32(block + 12)} << 32 | host32(block + 16);
                    const int64_t time_ns = ticks_to_ns(ticks, interface);
                    const size_t options_at = 28 + (captured + 3u) / 4 * 4;
                    if (!options_fit(block, length, options_at)) return std::nullopt;
                    add(time_ns, static_cast<uint8_t>(std::min<uint32_t>(index, 255)),
                        static_cast<LinkType>(interface.link_type), host32(block + 24), offset + 28,
                        std::span<const uint8_t>(block + 28, captured));
                    // In a foreign file, packet comments are the notes there are.
                    if (options_at + 4 <= length - 4) add_comments(block, length, options_at, time_ns);
                    break;
                }
                case pcapng::kCustomBlockCopyable:
                case pcapng::kCustomBlockDoNotCopy:
                    // tcplab's own recording: its events need the recording reader.
                    if (length < 16 || host32(block + 8) == kTcplabPen) return std::nullopt;
                    break;
                case pcapng::kSimplePacketBlock:
                case pcapng::kObsoletePacketBlock:
                    return std::nullopt;
                default:
                    ++loaded_.skipped_blocks;
                    break;
            }
            offset += length;
            if (!keep_going(offset)) return false;
        }
        return finish(offset);
    }

    // Options from `from` to the trailer are well formed (as CaptureFileReader checks them).
    static bool options_fit(const uint8_t* block, uint32_t length, size_t from) {
        const size_t end = length - 4;
        while (from + 4 <= end) {
            const uint16_t code = host16(block + from);
            const uint16_t option_length = host16(block + from + 2);
            if (code == pcapng::kOptionEnd) return true;
            if ((option_length + 3u) / 4 * 4 > end - from - 4) return false;
            from += 4 + (option_length + 3u) / 4 * 4;
        }
        return true;
    }

    static bool interface_options(const uint8_t* block, uint32_t length, CaptureInterface& interface) {
        constexpr size_t kTextLimit = 256;
        const size_t end = length - 4;
        size_t from = 16;
        while (from + 4 <= end) {
            const uint16_t code = host16(block + from);
            const uint16_t option_length = host16(block + from + 2);
            if (code == pcapng::kOptionEnd) return true;
            if ((option_length + 3u) / 4 * 4 > end - from - 4) return false;
            const uint8_t* value = block + from + 4;
            if (code == pcapng::kInterfaceName)
                interface.name = option_text(std::span<const uint8_t>(value, option_length), kTextLimit);
            if (code == pcapng::kInterfaceDescription)
                interface.description = option_text(std::span<const uint8_t>(value, option_length), kTextLimit);
            if (code == pcapng::kInterfaceTimestampResolution) {
                if (option_length != 1) return false;
                interface.power_of_two = (value[0] & 0x80) != 0;
                interface.resolution_exponent = value[0] & 0x7F;
            }
            if (code == pcapng::kInterfaceTimestampOffset) {
                if (option_length != 8) return false;
                uint64_t seconds = 0;
                std::memcpy(&seconds, value, 8);
                interface.offset_seconds = static_cast<int64_t>(seconds);
            }
            from += 4 + (option_length + 3u) / 4 * 4;
        }
        return true;
    }

    void add_comments(const uint8_t* block, uint32_t length, size_t from, int64_t time_ns) {
        const size_t end = length - 4;
        while (from + 4 <= end) {
            const uint16_t code = host16(block + from);
            const uint16_t option_length = host16(block + from + 2);
            if (code == pcapng::kOptionEnd) return;
            if (code == pcapng::kOptionComment)
                filling_.notes.push_back(NoteEvent{
                    time_ns, -1, option_text(std::span<const uint8_t>(block + from + 4, option_length), 0xFFFF)});
            from += 4 + (option_length + 3u) / 4 * 4;
        }
    }

    void add(int64_t time_ns, uint8_t capture_point, LinkType link, uint32_t original_length, uint64_t file_offset,
             std::span<const uint8_t> frame) {
        PacketEvent summary;
        Endpoint source, destination;
        if (!summarize_frame(link, frame, original_length, summary, source, destination)) {
            // The full decoder for anything unusual; its raw copy is dropped, the file keeps the bytes.
            CapturedPacket captured = Trace::capture(time_ns, capture_point, link, original_length, frame);
            summary = captured.summary;
            source = captured.source;
            destination = captured.destination;
        }
        summary.time_ns = time_ns;
        summary.capture_point = capture_point;
        summary.link = link;
        summary.original_length = original_length;
        summary.raw_offset = file_offset;
        summary.raw_length = static_cast<uint32_t>(frame.size());
        filling_.packets.push_back({summary, source, destination});
    }

    // After each block: false when the trace's thread asked to stop (cancelled).
    bool keep_going(uint64_t offset) {
        ++blocks_;
        filling_.end_offset = offset;
        filling_.blocks = blocks_;
        if (filling_.packets.size() >= kBatchPackets) hand_over(false);
        return !stop_.load(std::memory_order_relaxed);
    }

    bool finish(uint64_t offset) {
        filling_.end_offset = offset;
        filling_.blocks = blocks_;
        end_offset_ = offset;
        return true;
    }

    Window window_;
    uint64_t size_;
    LoadedTrace& loaded_;
    const ProgressCallback& progress_;

    // The reader's.
    uint64_t blocks_ = 0;
    uint64_t end_offset_ = 0;  // read by the trace's thread after the reader has ended
    Batch filling_;

    // Between the two.
    std::mutex mutex_;
    std::condition_variable has_batch_;
    std::condition_variable has_room_;
    std::deque<Batch> ready_;
    bool reader_done_ = false;
    std::atomic<bool> stop_{false};
};

}  // namespace

Result<OpenedCapture> open_capture(const std::string& path, const ProgressCallback& progress) {
    auto mapped = MappedCaptureFile::map(path);
    const auto fall_back = [&]() -> Result<OpenedCapture> {
        auto loaded = read_trace(path, progress);
        if (!loaded) return loaded.error();
        return OpenedCapture{std::move(loaded.value()), OpenPath::ReadTrace};
    };
    if (!mapped) return fall_back();  // read_trace() says what is wrong with the file
    const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (descriptor < 0) return fall_back();
    struct stat status {};
    ::fstat(descriptor, &status);
    OpenedCapture opened;
    opened.loaded.trace.set_raw_source(mapped.value());
    Indexer indexer(descriptor, static_cast<uint64_t>(status.st_size), opened.loaded, progress);
    const std::optional<bool> finished = indexer.run();
    ::close(descriptor);
    if (!finished) return fall_back();
    if (!*finished) return Error{"reading cancelled", ""};
    return opened;
}

}  // namespace tcplab
