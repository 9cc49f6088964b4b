#pragma once
// A libpcap capture thread inside a network namespace. It decodes each frame
// and pushes it into a bounded queue that the owner drains; pcap's own drops
// and the queue's drops are both counted.
#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <thread>

#include "event_queue.hpp"
#include "events.hpp"
#include "namespace_thread.hpp"
#include "result.hpp"
#include "trace.hpp"

namespace tcplab {

// The defaults suit a lesson that is stepped through: each packet is handed
// over at once (immediate mode), and the ring is large enough for the bursts a
// lesson makes. Why the sizes matter (docs/performance-live.md): in immediate
// mode libpcap uses TPACKET_V2, where every packet takes a whole ring slot of
// about min(snaplen, interface MTU) bytes; on lo (MTU 65536) a 4 MiB ring then
// holds only ~64 packets, and a SYN flood overruns it within a millisecond.
struct CaptureOptions {
    std::string interface = "lo";
    std::string filter;           // BPF, e.g. "tcp port 24001"
    uint8_t capture_point = 0;    // which point of the topology this is
    int snaplen = 262144;         // bytes kept per packet
    int buffer_bytes = 32 << 20;  // kernel ring buffer
    bool immediate = true;        // deliver each packet at once (for stepping)
    // Packets waiting for the UI thread; a frame at 60 Hz drains it. Sized so
    // a lesson's bursts never fill it; a full queue is counted, never silent.
    size_t queue_capacity = 1 << 16;

    // For a flood: a block-based ring (immediate mode off: TPACKET_V3 packs
    // packets tightly, so the ring holds ~a million SYNs; they arrive in
    // blocks at most 10 ms late, which nobody sees in a flood), a
    // larger ring, and a queue that rides out a few slow frames at ~600 k
    // packets/s (SYNs and SYN-ACKs).
    static CaptureOptions for_bursts(CaptureOptions base);
};

struct CaptureStats {
    uint64_t delivered = 0;        // pushed into the queue
    uint64_t kernel_received = 0;  // pcap_stats ps_recv: what passed the filter
    uint64_t kernel_dropped = 0;   // pcap_stats ps_drop + ps_ifdrop, updated while capturing
    uint64_t queue_dropped = 0;    // the consumer was too slow
};

class PacketCapture {
public:
    // Starts capturing. The thread enters `netns_fd` first (pass -1 to stay in
    // the caller's namespace) and reports back whether pcap could be opened.
    static Result<std::unique_ptr<PacketCapture>> start(int netns_fd, CaptureOptions options);

    ~PacketCapture();
    PacketCapture(const PacketCapture&) = delete;
    PacketCapture& operator=(const PacketCapture&) = delete;

    EventQueue<CapturedPacket>& queue() { return queue_; }

    // Delivers what the kernel still holds, then ends the thread.
    void stop();
    CaptureStats stats() const;

private:
    explicit PacketCapture(CaptureOptions options);
    void run(StartupReport& report);

    CaptureOptions options_;
    EventQueue<CapturedPacket> queue_;
    std::thread thread_;
    std::atomic<bool> stopping_{false};
    std::atomic<uint64_t> delivered_{0};
    std::atomic<uint64_t> kernel_received_{0};
    std::atomic<uint64_t> kernel_dropped_{0};
};

// Adds at most `limit` captured packets from the queue to the trace: a
// window's frame takes its share. Events of other sources should wait until
// `first_left_ns`, the time of the first packet left behind (INT64_MAX when
// none), so that the trace only grows at its end.
struct AddedPackets {
    size_t count = 0;
    int64_t first_left_ns = INT64_MAX;
};
AddedPackets add_captured_packets(EventQueue<CapturedPacket>& queue, Trace& trace, size_t limit);
// The same for several capture points (one on each host), up to `limit_each`
// from each, added in time order: a segment received at one host must not
// come before its sending at the other only because its queue was read first
// (a connection's first packet decides who is its client).
AddedPackets add_captured_packets(std::span<EventQueue<CapturedPacket>* const> queues, Trace& trace, size_t limit_each);

}  // namespace tcplab
