#include "packet_capture.hpp"

#include <pcap/pcap.h>
#include <poll.h>
#include <sched.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "trace.hpp"

namespace tcplab {
namespace {

constexpr int kPollMilliseconds = 10;

struct PcapHandle {
    pcap_t* handle = nullptr;
    ~PcapHandle() {
        if (handle) pcap_close(handle);
    }
};

Error pcap_error(const std::string& step, pcap_t* handle, int status) {
    std::string detail = handle ? pcap_geterr(handle) : "";
    if (detail.empty()) detail = pcap_statustostr(status);
    Error error{"cannot capture packets (" + step + "): " + detail, ""};
    if (status == PCAP_ERROR_PERM_DENIED)
        error.remedy =
            "run tcplab as root (sudo), or let it create its own user namespace: "
            "sudo sysctl -w kernel.unprivileged_userns_clone=1";
    return error;
}

}  // namespace

CaptureOptions CaptureOptions::for_bursts(CaptureOptions base) {
    base.immediate = false;
    base.buffer_bytes = std::max(base.buffer_bytes, 64 << 20);
    base.queue_capacity = std::max<size_t>(base.queue_capacity, 1 << 18);
    return base;
}

PacketCapture::PacketCapture(CaptureOptions options) : options_(std::move(options)), queue_(options_.queue_capacity) {}

PacketCapture::~PacketCapture() { stop(); }

Result<std::unique_ptr<PacketCapture>> PacketCapture::start(int netns_fd, CaptureOptions options) {
    std::unique_ptr<PacketCapture> capture(new PacketCapture(std::move(options)));
    PacketCapture* raw = capture.get();
    auto started = start_in_namespace(raw->thread_, netns_fd, [raw](StartupReport& report) { raw->run(report); });
    if (!started) return started.error();
    return capture;
}

void PacketCapture::run(StartupReport& report) {
    auto fail = [&report](Error error) { report.fail(std::move(error)); };

    char error_buffer[PCAP_ERRBUF_SIZE] = {};
    PcapHandle pcap;
    pcap.handle = pcap_create(options_.interface.c_str(), error_buffer);
    if (!pcap.handle) {
        fail({"cannot capture on " + options_.interface + ": " + error_buffer, ""});
        return;
    }
    pcap_set_snaplen(pcap.handle, options_.snaplen);
    pcap_set_buffer_size(pcap.handle, options_.buffer_bytes);
    pcap_set_immediate_mode(pcap.handle, options_.immediate ? 1 : 0);
    pcap_set_timeout(pcap.handle, kPollMilliseconds);
    pcap_set_tstamp_precision(pcap.handle, PCAP_TSTAMP_PRECISION_NANO);
    if (int status = pcap_activate(pcap.handle); status < 0) {
        fail(pcap_error("activate " + options_.interface, pcap.handle, status));
        return;
    }
    if (!options_.filter.empty()) {
        bpf_program program{};
        if (pcap_compile(pcap.handle, &program, options_.filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
            fail({"bad capture filter \"" + options_.filter + "\": " + pcap_geterr(pcap.handle), ""});
            return;
        }
        const int set = pcap_setfilter(pcap.handle, &program);
        pcap_freecode(&program);
        if (set != 0) {
            fail(pcap_error("set filter", pcap.handle, set));
            return;
        }
    }
    pcap_setnonblock(pcap.handle, 1, error_buffer);
    const int selectable = pcap_get_selectable_fd(pcap.handle);
    // libpcap speaks DLT_ numbers; files and our decoder speak LINKTYPE_ numbers.
    // They agree except for raw IP (DLT_RAW is 12 on Linux, LINKTYPE_RAW 101).
    const int dlt = pcap_datalink(pcap.handle);
    const auto link = dlt == DLT_RAW ? LinkType::Raw : static_cast<LinkType>(dlt);
    report.succeed();

    struct Context {
        PacketCapture* self;
        LinkType link;
    } context{this, link};
    auto on_packet = [](u_char* user, const pcap_pkthdr* header, const u_char* bytes) {
        auto* ctx = reinterpret_cast<Context*>(user);
        const int64_t time_ns = int64_t{header->ts.tv_sec} * 1'000'000'000 + header->ts.tv_usec;  // nano precision
        CapturedPacket packet = Trace::capture(time_ns, ctx->self->options_.capture_point, ctx->link, header->len,
                                               std::span<const uint8_t>(bytes, header->caplen));
        if (ctx->self->queue_.push(std::move(packet))) ctx->self->delivered_.fetch_add(1, std::memory_order_relaxed);
    };

    auto dispatch_all = [&] {
        while (pcap_dispatch(pcap.handle, -1, on_packet, reinterpret_cast<u_char*>(&context)) > 0) {
        }
    };
    // The kernel's drop count is read as the capture goes, so a window can
    // show a loss while it happens, not only after the run.
    auto read_kernel_stats = [&] {
        pcap_stat stats{};
        if (pcap_stats(pcap.handle, &stats) != 0) return;
        kernel_received_.store(stats.ps_recv, std::memory_order_relaxed);
        kernel_dropped_.store(uint64_t{stats.ps_drop} + stats.ps_ifdrop, std::memory_order_relaxed);
    };
    int rounds = 0;
    while (!stopping_.load(std::memory_order_acquire)) {
        pollfd waiting{selectable, POLLIN, 0};
        poll(&waiting, 1, kPollMilliseconds);
        dispatch_all();
        if (++rounds % 10 == 0) read_kernel_stats();
    }
    dispatch_all();
    read_kernel_stats();
}

void PacketCapture::stop() {
    if (!thread_.joinable()) return;
    stopping_.store(true, std::memory_order_release);
    thread_.join();
}

CaptureStats PacketCapture::stats() const {
    return CaptureStats{delivered_.load(), kernel_received_.load(), kernel_dropped_.load(), queue_.dropped()};
}

AddedPackets add_captured_packets(std::span<EventQueue<CapturedPacket>* const> queues, Trace& trace,
                                  size_t limit_each) {
    AddedPackets added;
    std::vector<CapturedPacket> batch;
    for (EventQueue<CapturedPacket>* queue : queues) {
        queue->drain_while([](const CapturedPacket&) { return true; },
                           [&batch](CapturedPacket packet) { batch.push_back(std::move(packet)); }, limit_each);
        if (const CapturedPacket* left = queue->peek())
            added.first_left_ns = std::min(added.first_left_ns, left->summary.time_ns);
    }
    std::stable_sort(batch.begin(), batch.end(), [](const CapturedPacket& a, const CapturedPacket& b) {
        return a.summary.time_ns < b.summary.time_ns;
    });
    for (CapturedPacket& packet : batch) trace.add_packet(std::move(packet));
    added.count = batch.size();
    return added;
}

AddedPackets add_captured_packets(EventQueue<CapturedPacket>& queue, Trace& trace, size_t limit) {
    AddedPackets added;
    added.count = queue.drain_while([](const CapturedPacket&) { return true; },
                                    [&trace](CapturedPacket packet) { trace.add_packet(std::move(packet)); }, limit);
    if (const CapturedPacket* left = queue.peek()) added.first_left_ns = left->summary.time_ns;
    return added;
}

}  // namespace tcplab
