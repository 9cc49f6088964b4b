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

#include "capture_blocks.hpp"
#include "pcapng_writer.hpp"

namespace tcplab {
namespace {

uint16_t be16(const uint8_t* at) { return static_cast<uint16_t>(at[0] << 8 | at[1]); }
uint32_t be32(const uint8_t* at) {
    uint32_t value = 0;
    std::memcpy(&value, at, 4);
    return __builtin_bswap32(value);
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
    Indexer(ByteWindow bytes, LoadedTrace& loaded, const ProgressCallback& progress)
        : bytes_(std::move(bytes)), size_(bytes_.size()), loaded_(loaded), progress_(progress) {
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
        const auto head = bytes_.at(0, 4);
        if (!head) return std::nullopt;
        const std::optional<CaptureFormat> format = capture_format_of(load32(head->data(), false));
        if (!format) return std::nullopt;
        loaded_.format = *format;
        return *format == CaptureFormat::Pcapng ? pcapng() : pcap();
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

    // Any fault below: read_trace() names it.
    std::optional<bool> pcap() {
        PcapFileHeader header;
        if (read_pcap_file_header(bytes_, header)) return std::nullopt;
        loaded_.interfaces.push_back(header.interface);
        const auto link = static_cast<LinkType>(header.interface.link_type);
        PcapWalker walker(bytes_, header);
        PcapRecord record;
        while (walker.next(record)) {
            add(record.time_ns, 0, link, record.original_length, record.offset + kPcapRecordHeaderLength, record.data);
            if (!keep_going(walker.position())) return false;
        }
        if (walker.fault()) return std::nullopt;
        return finish(walker.position());
    }

    std::optional<bool> pcapng() {
        uint32_t section = 0;
        size_t section_first_interface = 0;
        PcapngWalker walker(bytes_);
        PcapngBlock block;
        while (walker.next(block)) {
            switch (block.type) {
                case pcapng::kSectionHeaderBlock:
                    if (check_section_header(block)) return std::nullopt;
                    if (block.offset != 0) ++section;
                    section_first_interface = loaded_.interfaces.size();
                    break;
                case pcapng::kInterfaceDescriptionBlock: {
                    if (loaded_.interfaces.size() >= kMaxCaptureInterfaces) return std::nullopt;
                    CaptureInterface interface;
                    interface.section = section;
                    interface.id_in_section =
                        static_cast<uint32_t>(loaded_.interfaces.size() - section_first_interface);
                    if (read_interface_block(block, interface)) return std::nullopt;
                    loaded_.interfaces.push_back(std::move(interface));
                    break;
                }
                case pcapng::kEnhancedPacketBlock: {
                    PacketBlockFields fields;
                    if (!read_packet_block(block, false, loaded_.interfaces, section_first_interface, fields))
                        return std::nullopt;
                    const CaptureInterface& interface = loaded_.interfaces[fields.interface];
                    const int64_t time_ns = ticks_to_ns(fields.timestamp, interface);
                    // In a foreign file, packet comments are the notes there are.
                    const auto take_comment = [&](uint16_t code, std::span<const uint8_t> value) {
                        if (code == pcapng::kOptionComment)
                            filling_.notes.push_back(NoteEvent{time_ns, -1, option_text(value, 0xFFFF)});
                        return std::optional<std::string>();
                    };
                    if (walk_options(block, fields.options_at, take_comment)) return std::nullopt;
                    add(time_ns, static_cast<uint8_t>(std::min<uint32_t>(fields.interface, 255)),
                        static_cast<LinkType>(interface.link_type), fields.original_length, block.offset + 28,
                        fields.data);
                    break;
                }
                case pcapng::kCustomBlockCopyable:
                case pcapng::kCustomBlockDoNotCopy:
                    // tcplab's own recording: its events need the recording reader.
                    if (block.length < 16 || block.u32(8) == kTcplabPen) return std::nullopt;
                    break;
                case pcapng::kSimplePacketBlock:
                case pcapng::kObsoletePacketBlock:
                    return std::nullopt;
                default:
                    ++loaded_.skipped_blocks;
                    break;
            }
            if (!keep_going(walker.position())) return false;
        }
        if (walker.fault()) return std::nullopt;
        return finish(walker.position());
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

    ByteWindow bytes_;
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
    if (::fstat(descriptor, &status) != 0) status.st_size = 0;
    OpenedCapture opened;
    opened.loaded.trace.set_raw_source(mapped.value());
    Indexer indexer(ByteWindow(descriptor, static_cast<uint64_t>(status.st_size), kWindow), opened.loaded, progress);
    const std::optional<bool> finished = indexer.run();
    if (!finished) return fall_back();
    if (!*finished) return Error{"reading cancelled", ""};
    return opened;
}

}  // namespace tcplab
