#pragma once
// The wire: two hosts, each a network namespace of the lab's own with a TUN
// device, joined by a relay in user space. Every IP packet one host sends
// comes to us; we give it real one-way latency, lose some at random if asked,
// and in step mode hold each one at a gate until the student releases or
// drops it. Packets to an address with no host behind it vanish here, so a
// server's replies to spoofed sources are real and unanswered.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "capture/endpoint.hpp"
#include "capture/event_queue.hpp"
#include "capture/events.hpp"
#include "capture/result.hpp"

namespace tcplab {

struct WireOptions {
    std::chrono::microseconds latency{0};  // one way
    uint32_t mtu = 1500;
    double loss = 0.0;   // probability 0..1 that a packet is lost
    uint64_t seed = 1;   // the same seed loses the same packets
    bool gated = false;  // step mode: every packet waits at the gate
};

struct WireAddresses {
    IpAddress client = IpAddress::v4(198, 18, 0, 1);
    IpAddress server = IpAddress::v4(198, 18, 0, 2);
};

struct HeldPacket {
    uint64_t segment = 0;
    int64_t since_ns = 0;
    WireDirection direction = WireDirection::ToServer;
    std::vector<uint8_t> bytes;  // the IP packet
};

// What a lesson's drop rule takes off the wire: segments going one way whose
// TCP flags are exactly `flags` (or any segment carrying data, or any at
// all), after letting the first `after` of them pass.
struct DropRule {
    enum class Match { Flags, Data, Any };
    Match match = Match::Flags;
    uint8_t flags = 0;
    WireDirection direction = WireDirection::ToServer;
    int64_t after = 0;
    int64_t count = 1;
};

struct WireStats {
    uint64_t relayed = 0;
    uint64_t lost = 0;
    uint64_t dropped = 0;
    uint64_t vanished = 0;
    uint64_t injected = 0;
};

class Wire {
public:
    // Creates device "wire0" in each namespace (client and server addresses,
    // point-to-point, the MTU given, the whole 198.18.0.0/15 routed onto the
    // wire) and starts the relay thread.
    static Result<std::unique_ptr<Wire>> create(int client_netns, int server_netns, WireOptions options,
                                                WireAddresses addresses = {});
    ~Wire();
    Wire(const Wire&) = delete;
    Wire& operator=(const Wire&) = delete;

    const WireAddresses& addresses() const { return addresses_; }
    static constexpr const char* kInterface = "wire0";

    // Live controls, from any thread.
    void set_latency(std::chrono::microseconds latency);
    void set_loss(double probability);
    void set_gated(bool gated);  // turning the gate off releases everything held
    void release(uint64_t segment, WireActor by = WireActor::Student);
    void drop(uint64_t segment, WireActor by = WireActor::Student);
    void release_all(WireActor by = WireActor::Student);
    // Puts a crafted IP packet on the wire, as if `direction`'s sender had sent it.
    void inject(std::vector<uint8_t> ip_packet, WireDirection direction);

    // A lesson's changes: each returns once the relay has applied it, so the
    // segments that the lesson's next call causes meet the new rule, not the
    // old one (the relay thread reads packets while the lesson thread acts).
    // Adds a drop rule; replaces any rule not used up yet.
    void add_drop_rule(DropRule rule);
    // How many segments the current drop rule has still to drop.
    int64_t drop_rule_remaining() const { return drop_rule_remaining_.load(std::memory_order_acquire); }
    // Cut: every packet either way is dropped, as if the cable were pulled
    // or the other host had vanished; false mends it.
    void set_cut(bool cut);

    std::vector<HeldPacket> held() const;
    size_t held_count() const;
    // Segments on their way (the latency): sent, not yet at the other host.
    size_t in_flight_count() const;
    WireStats stats() const;
    EventQueue<WireEvent>& events() { return events_; }

    struct Command;  // a control request for the relay thread

private:
    struct InFlight {
        std::chrono::steady_clock::time_point due;
        uint64_t segment;
        WireDirection direction;
        std::vector<uint8_t> bytes;
    };

    Wire(WireOptions options, WireAddresses addresses);
    void relay();
    void take_from(int fd, WireDirection direction);
    void accept_packet(uint64_t segment, WireDirection direction, std::span<const uint8_t> bytes, WireActor by);
    void send_on(uint64_t segment, WireDirection direction, std::span<const uint8_t> bytes);
    void deliver_due();
    void run_commands();
    void record(uint64_t segment, WireAction action, WireActor by, WireDirection direction);
    void wake();
    void post(Command command);
    // Posts and waits until the relay has run it (or the wire is stopping).
    void post_and_wait(Command command);
    // Whether the drop rule or the cut takes this packet off the wire.
    bool lesson_drops(WireDirection direction, std::span<const uint8_t> bytes);

    WireAddresses addresses_;
    int client_fd_ = -1;
    int server_fd_ = -1;
    int wake_fd_ = -1;  // an eventfd: commands and shutdown interrupt the relay's poll
    std::thread thread_;
    std::atomic<bool> stopping_{false};

    // Owned by the relay thread.
    WireOptions options_;
    std::mt19937_64 random_;
    std::deque<InFlight> in_flight_;  // ordered by due time: latency is the same for all
    uint64_t next_segment_ = 1;
    std::vector<uint8_t> read_buffer_ = std::vector<uint8_t>(65536);
    std::optional<DropRule> drop_rule_;
    int64_t drop_rule_seen_ = 0;  // matching segments let through so far (DropRule::after)
    bool cut_ = false;

    // Shared with the controlling threads; locked per command or per held
    // packet (the student's pace), never per relayed packet.
    mutable std::mutex mutex_;
    std::vector<Command> commands_;
    std::vector<HeldPacket> held_;

    std::atomic<int64_t> drop_rule_remaining_{0};
    std::atomic<size_t> in_flight_count_{0};  // in_flight_.size(), for other threads
    std::atomic<uint64_t> relayed_{0};
    std::atomic<uint64_t> lost_{0};
    std::atomic<uint64_t> dropped_{0};
    std::atomic<uint64_t> vanished_{0};
    std::atomic<uint64_t> injected_{0};

    // A flood puts hundreds of thousands of packets on the wire in seconds; each is an event.
    EventQueue<WireEvent> events_{1 << 18};
};

}  // namespace tcplab
