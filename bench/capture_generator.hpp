#pragma once
// Realistic TCP captures, written by us, of any size: the files opening a
// capture is measured on (bench/compare.py, docs/performance.md), and the
// frames the benchmarks feed to the decoder and the trace.
//
// The traffic is a mix of what a class or an instructor's capture holds:
// connections with a handshake (Linux's SYN options), requests and responses
// of varied sizes split into MSS-sized segments, delayed ACKs (one ACK for
// every two segments, or a late one), retransmitted segments, teardowns with
// FIN from either side or an abort with RST, connection attempts to a closed
// port, and SYN-flood bursts from many spoofed sources with the server's
// SYN-ACKs and their retransmissions. Many connections are open at once, so
// their packets interleave. The same seed gives the same bytes.
//
// Addresses: IPv4 from 198.18.0.0/15 (RFC 2544), IPv6 from 2001:2::/48
// (RFC 5180): both reserved for benchmarking.
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "capture/decode.hpp"
#include "capture/result.hpp"

namespace tcplab {

enum class GeneratedFormat : uint8_t { Pcap, Pcapng };

struct GeneratorOptions {
    uint64_t packets = 1'000'000;
    uint64_t seed = 1;
    GeneratedFormat format = GeneratedFormat::Pcapng;
    LinkType link = LinkType::Ethernet;  // Ethernet or Raw
    uint32_t snaplen = 0;                // 0: whole frames; else frames are cut to this many bytes, like tcpdump -s
    uint32_t concurrent_connections = 64;
    double ipv6_share = 0.1;         // of ordinary connections
    double flood_share = 0.2;        // roughly, of all packets: SYN-flood bursts
    double retransmit_share = 0.01;  // of data segments
};

// What was generated, counted as it was emitted (a connection cut off by the
// packet limit counts as far as its packets went).
struct GeneratorTotals {
    uint64_t packets = 0;
    uint64_t bytes = 0;        // frame bytes written (after snaplen)
    uint64_t connections = 0;  // distinct TCP connections (every spoofed SYN is one)
    uint64_t flood_syns = 0;   // spoofed SYNs
    uint64_t retransmissions = 0;
    uint64_t resets = 0;          // segments with RST
    uint64_t time_wait_ends = 0;  // connections whose active closer reached TIME_WAIT (all four teardown segments)
    uint64_t data_segments = 0;   // segments with payload
};

struct GeneratedPacket {
    int64_t time_ns = 0;
    uint32_t original_length = 0;
    std::span<const uint8_t> frame;  // captured bytes; valid until the next call to next()
};

// Produces the packets one at a time, in time order.
class CaptureGenerator {
public:
    explicit CaptureGenerator(const GeneratorOptions& options);
    CaptureGenerator(CaptureGenerator&&) noexcept;
    CaptureGenerator& operator=(CaptureGenerator&&) noexcept;
    ~CaptureGenerator();

    // False once options.packets have been produced.
    bool next(GeneratedPacket& packet);
    const GeneratorTotals& totals() const;
    LinkType link() const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

// Writes options.packets packets to `path` (replacing it) as pcap (microsecond
// timestamps) or pcapng (one interface, nanosecond timestamps).
Result<GeneratorTotals> write_generated_capture(const std::string& path, const GeneratorOptions& options);

// The limit of opening a capture: walk the record headers and nothing else.
struct HeaderWalk {
    uint64_t packets = 0;
    uint64_t bytes = 0;
};
enum class WalkMethod : uint8_t { Read, Mmap };
Result<HeaderWalk> walk_record_headers(const std::string& path, WalkMethod method);

}  // namespace tcplab
