#pragma once
// The SYN flood: spoofed SYNs put on the wire from many made-up hosts inside
// 198.18.0.0/15 that no namespace owns. The server answers each with a SYN-ACK
// that leaves through the wire and vanishes there (no host behind the address),
// so its half-open connections are real: they sit in SYN_RECV and the kernel
// retransmits their SYN-ACKs until it gives up, exactly as under a real attack.
//
// The generator runs on its own thread so the lesson's control thread (or a
// bench) can watch the server while it floods. Same seed, same packets.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>

#include "capture/endpoint.hpp"
#include "capture/result.hpp"
#include "capture/trace.hpp"
#include "wire.hpp"

namespace tcplab {

struct SynFloodOptions {
    Endpoint target;  // the listener under attack (IPv4, on the server host)
    // How many SYNs; 0 means "until `duration` is over or stop()".
    uint64_t count = 0;
    // How long at most; zero means "until `count` are sent or stop()". One of
    // count and duration must be set.
    std::chrono::milliseconds duration{0};
    // SYNs per second; 0 means as fast as the wire takes them in.
    double rate = 0;
    // How many distinct spoofed source addresses to draw from (1..131070);
    // they are the first ones of 198.18.0.0/15 that no host on the wire owns.
    uint32_t sources = 65536;
    uint64_t seed = 1;  // ports, ISNs, sources and IP ids come from this seed
    uint16_t mss = 1460;
    // "As fast as the wire takes them": at most this many SYNs may wait in the
    // wire's command list, so a fast generator cannot pile up memory.
    uint32_t max_outstanding = 4096;
};

// Gives a trace room for about 13 s of the fastest flood the wire takes in
// (some 150 k spoofed SYNs a second, each answered by a SYN-ACK), so that a
// window watching the flood never copies its whole trace within one frame.
// Only address space: a short flood touches little of it.
void reserve_for_flood(Trace& trace);

struct SynFloodStats {
    uint64_t injected = 0;  // handed to the wire
    std::chrono::nanoseconds elapsed{0};
    bool finished = false;  // the count or duration was reached, or stop() was called
};

class SynFlood {
public:
    // Checks the options and starts the flood's thread at once.
    static Result<std::unique_ptr<SynFlood>> start(Wire& wire, SynFloodOptions options);

    ~SynFlood();  // stops the flood
    SynFlood(const SynFlood&) = delete;
    SynFlood& operator=(const SynFlood&) = delete;

    // Blocks until the count or duration is reached (forever if neither is
    // set and nobody calls stop()), then until the wire has taken every SYN in.
    void wait();
    // Ends the flood early; returns once the thread has ended.
    void stop();
    SynFloodStats stats() const;

    const SynFloodOptions& options() const { return options_; }

    // The n-th spoofed source address (n < options.sources), skipping the wire's hosts.
    static IpAddress source_address(uint32_t n, const WireAddresses& hosts);

private:
    SynFlood(Wire& wire, SynFloodOptions options);
    void run();
    void join();

    Wire& wire_;
    SynFloodOptions options_;
    uint64_t wire_injected_at_start_ = 0;
    std::thread thread_;
    std::atomic<bool> stopping_{false};
    std::atomic<bool> finished_{false};
    std::atomic<uint64_t> injected_{0};
    std::atomic<int64_t> elapsed_ns_{0};
    std::chrono::steady_clock::time_point started_{};
};

}  // namespace tcplab
