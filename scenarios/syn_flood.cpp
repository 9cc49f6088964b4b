#include "syn_flood.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <random>

#include "capture/decode.hpp"
#include "segment_builder.hpp"

namespace tcplab {
namespace {

using Clock = std::chrono::steady_clock;

constexpr uint32_t kPoolBase = 0xC6120000;  // 198.18.0.0
constexpr uint32_t kPoolSize = 1u << 17;    // a /15
// Spoofed sources start at 198.18.1.0, above the handful of addresses hosts use.
constexpr uint32_t kFirstSourceOffset = 256;
constexpr uint32_t kMaxSources = kPoolSize - kFirstSourceOffset - 8;

uint32_t offset_in_pool(const IpAddress& address) {
    if (address.version != 4) return kPoolSize;  // not in the pool
    const uint32_t value = uint32_t{address.bytes[0]} << 24 | uint32_t{address.bytes[1]} << 16 |
                           uint32_t{address.bytes[2]} << 8 | address.bytes[3];
    return value - kPoolBase < kPoolSize ? value - kPoolBase : kPoolSize;
}

}  // namespace

void reserve_for_flood(Trace& trace) {
    constexpr size_t kSyns = 2'000'000;
    constexpr size_t kFrameBytes = 64;  // IPv4 and TCP headers with the SYN's options
    // Each SYN is a connection, a half-open socket's state, a SYN-ACK, and
    // the wire's report of putting it on and of the SYN-ACK vanishing.
    trace.reserve(TraceRoom{.packets = 2 * kSyns,
                            .connections = kSyns,
                            .states = kSyns,
                            .raw_bytes = 2 * kSyns * kFrameBytes,
                            .wire_events = 2 * kSyns});
}

IpAddress SynFlood::source_address(uint32_t n, const WireAddresses& hosts) {
    // Walk past the hosts' own addresses in ascending order, so every n gets
    // a distinct address that no host owns.
    std::array<uint32_t, 2> owned = {offset_in_pool(hosts.client), offset_in_pool(hosts.server)};
    std::sort(owned.begin(), owned.end());
    uint32_t offset = kFirstSourceOffset + n;
    for (const uint32_t host : owned)
        if (host >= kFirstSourceOffset && host <= offset) ++offset;
    const uint32_t value = kPoolBase + offset;
    return IpAddress::v4(static_cast<uint8_t>(value >> 24), static_cast<uint8_t>(value >> 16),
                         static_cast<uint8_t>(value >> 8), static_cast<uint8_t>(value));
}

SynFlood::SynFlood(Wire& wire, SynFloodOptions options) : wire_(wire), options_(options) {}

SynFlood::~SynFlood() { stop(); }

Result<std::unique_ptr<SynFlood>> SynFlood::start(Wire& wire, SynFloodOptions options) {
    if (options.target.address.version != 4 || options.target.port == 0)
        return Error{"the SYN flood needs an IPv4 target address and port, got " + options.target.to_string(), ""};
    if (options.count == 0 && options.duration.count() <= 0)
        return Error{"the SYN flood needs a count or a duration, or it would never end", ""};
    if (!(options.rate >= 0) || !std::isfinite(options.rate))
        return Error{"the SYN flood's rate must be a number of packets per second, or 0 for as fast as possible", ""};
    if (options.sources == 0 || options.sources > kMaxSources)
        return Error{"the SYN flood's number of source addresses must be 1 to " + std::to_string(kMaxSources), ""};
    if (options.max_outstanding == 0) options.max_outstanding = 1;

    std::unique_ptr<SynFlood> flood(new SynFlood(wire, options));
    flood->wire_injected_at_start_ = wire.stats().injected;
    flood->started_ = Clock::now();
    flood->thread_ = std::thread([raw = flood.get()] { raw->run(); });
    return flood;
}

void SynFlood::run() {
    std::mt19937_64 random(options_.seed);
    std::uniform_int_distribution<uint32_t> any_source(0, options_.sources - 1);
    std::uniform_int_distribution<uint32_t> any_port(1024, 65535);  // where a client's ephemeral port would be
    std::uniform_int_distribution<uint32_t> any_word(0, 0xffffffffu);
    const WireAddresses& hosts = wire_.addresses();
    const bool paced = options_.rate > 0;
    const auto deadline = options_.duration.count() > 0 ? started_ + options_.duration : Clock::time_point::max();

    CraftedSegment syn;
    syn.destination = options_.target;
    syn.flags = tcp_flag::Syn;
    syn.mss = options_.mss;
    uint64_t sent = 0;
    const auto taken_by_wire = [this] { return wire_.stats().injected - wire_injected_at_start_; };

    while (!stopping_.load(std::memory_order_relaxed)) {
        if (options_.count != 0 && sent >= options_.count) break;
        const auto now = Clock::now();
        if (now >= deadline) break;
        // Back-pressure: the wire takes SYNs in on its relay thread; never run
        // further ahead of it than max_outstanding.
        if (sent % 64 == 0 && sent - taken_by_wire() >= options_.max_outstanding) {
            std::this_thread::sleep_for(std::chrono::microseconds(50));
            continue;
        }
        if (paced) {
            // An absolute schedule (SYN k is due at k / rate), so oversleeping
            // is caught up with a burst instead of lowering the rate.
            const double seconds = std::chrono::duration<double>(now - started_).count();
            const auto due = static_cast<uint64_t>(seconds * options_.rate) + 1;
            if (sent >= due) {
                const auto next = started_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                                                 static_cast<double>(sent) / options_.rate));
                std::this_thread::sleep_until(std::min({next, now + std::chrono::milliseconds(1), deadline}));
                continue;
            }
        }
        syn.source = Endpoint{source_address(any_source(random), hosts), static_cast<uint16_t>(any_port(random))};
        syn.seq = any_word(random);
        syn.ip_id = static_cast<uint16_t>(any_word(random));
        wire_.inject(craft_ipv4_tcp(syn), WireDirection::ToServer);
        ++sent;
        injected_.store(sent, std::memory_order_relaxed);
    }
    elapsed_ns_.store(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - started_).count());
    // "Injected" means on the wire: wait (briefly) until the relay has taken every SYN in.
    const auto give_up = Clock::now() + std::chrono::seconds(5);
    while (taken_by_wire() < sent && Clock::now() < give_up)
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    finished_.store(true, std::memory_order_release);
}

void SynFlood::join() {
    if (thread_.joinable()) thread_.join();
}

void SynFlood::wait() { join(); }

void SynFlood::stop() {
    stopping_.store(true, std::memory_order_relaxed);
    join();
}

SynFloodStats SynFlood::stats() const {
    SynFloodStats stats;
    stats.injected = injected_.load(std::memory_order_relaxed);
    stats.finished = finished_.load(std::memory_order_acquire);
    stats.elapsed = stats.finished ? std::chrono::nanoseconds(elapsed_ns_.load())
                                   : std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - started_);
    return stats;
}

}  // namespace tcplab
