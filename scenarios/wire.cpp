#include "wire.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <future>
#include <optional>

#include "capture/namespace_thread.hpp"
#include "host_limits.hpp"

namespace tcplab {

struct Wire::Command {
    enum class Kind { Release, Drop, ReleaseAll, Latency, Loss, Gate, Inject, DropRule, Cut } kind;
    uint64_t segment = 0;
    WireActor by = WireActor::Student;
    std::chrono::microseconds latency{0};
    double loss = 0.0;
    bool gated = false;
    WireDirection direction = WireDirection::ToServer;
    std::vector<uint8_t> bytes = {};
    tcplab::DropRule rule = {};
    bool cut = false;
    std::shared_ptr<std::promise<void>> applied = {};  // set once the relay ran it
};

namespace {

constexpr int kBatch = 64;  // packets read from one device before looking at the other

std::string errno_text() { return std::strerror(errno); }

const char* kTunRemedy = "run `tcplab doctor` to see what this machine allows and how to allow the wire";

bool set_ipv4(int control, const char* name, unsigned long request, const IpAddress& address) {
    ifreq request_data{};
    std::strncpy(request_data.ifr_name, name, IFNAMSIZ - 1);
    auto* v4 = reinterpret_cast<sockaddr_in*>(&request_data.ifr_addr);
    v4->sin_family = AF_INET;
    std::memcpy(&v4->sin_addr, address.bytes.data(), 4);
    return ioctl(control, request, &request_data) == 0;
}

// Creates and configures wire0 in the calling thread's namespace.
Result<int> make_device(const IpAddress& self, const IpAddress& peer, uint32_t mtu) {
    const int fd = ::open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        const auto finding = tun_finding(errno);
        return Error{"the wire " + finding->explanation.what,
                     finding->explanation.remedy,
                     {{"doctor.cause." + finding->id, finding->values}}};
    }
    ifreq request{};
    request.ifr_flags = IFF_TUN | IFF_NO_PI;
    std::strncpy(request.ifr_name, Wire::kInterface, IFNAMSIZ - 1);
    if (ioctl(fd, TUNSETIFF, &request) != 0) {
        const std::string failure = errno_text();
        ::close(fd);
        return Error{"cannot create the wire's device: " + failure, kTunRemedy};
    }
    // The wire carries IPv4 only; without this the device would chatter IPv6
    // router solicitations onto it.
    const std::string ipv6_switch = std::string("/proc/sys/net/ipv6/conf/") + Wire::kInterface + "/disable_ipv6";
    if (const int sysctl = ::open(ipv6_switch.c_str(), O_WRONLY | O_CLOEXEC); sysctl >= 0) {
        (void)!::write(sysctl, "1", 1);
        ::close(sysctl);
    }
    const int control = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    bool configured = control >= 0 && set_ipv4(control, Wire::kInterface, SIOCSIFADDR, self) &&
                      set_ipv4(control, Wire::kInterface, SIOCSIFDSTADDR, peer);
    if (configured) {
        ifreq settings{};
        std::strncpy(settings.ifr_name, Wire::kInterface, IFNAMSIZ - 1);
        settings.ifr_mtu = static_cast<int>(mtu);
        configured = ioctl(control, SIOCSIFMTU, &settings) == 0 && ioctl(control, SIOCGIFFLAGS, &settings) == 0;
        settings.ifr_flags |= IFF_UP | IFF_RUNNING;
        configured = configured && ioctl(control, SIOCSIFFLAGS, &settings) == 0;
    }
    if (configured) {
        // All of 198.18.0.0/15 lies on the wire, so replies to made-up hosts
        // in it leave through the wire (and vanish there) instead of failing.
        rtentry route{};
        auto* destination = reinterpret_cast<sockaddr_in*>(&route.rt_dst);
        destination->sin_family = AF_INET;
        destination->sin_addr.s_addr = htonl(0xC6120000);  // 198.18.0.0
        auto* mask = reinterpret_cast<sockaddr_in*>(&route.rt_genmask);
        mask->sin_family = AF_INET;
        mask->sin_addr.s_addr = htonl(0xFFFE0000);  // /15
        route.rt_flags = RTF_UP;
        char device[IFNAMSIZ] = {};
        std::strncpy(device, Wire::kInterface, IFNAMSIZ - 1);
        route.rt_dev = device;
        configured = ioctl(control, SIOCADDRT, &route) == 0 || errno == EEXIST;
    }
    const std::string failure = errno_text();
    if (control >= 0) ::close(control);
    if (!configured) {
        ::close(fd);
        return Error{"cannot configure the wire's device: " + failure, ""};
    }
    return fd;
}

Result<int> make_device_in(int netns, const IpAddress& self, const IpAddress& peer, uint32_t mtu) {
    return run_in_namespace(netns, [&] { return make_device(self, peer, mtu); });
}

// The IPv4 or IPv6 destination of a raw IP packet.
IpAddress destination_of(std::span<const uint8_t> packet) {
    if (packet.size() >= 20 && (packet[0] >> 4) == 4) return IpAddress::from_v4_bytes(packet.data() + 16);
    if (packet.size() >= 40 && (packet[0] >> 4) == 6) return IpAddress::from_v6_bytes(packet.data() + 24);
    return {};
}

// A TCP segment's flags and payload length, read straight from an IPv4 packet.
struct TcpGlance {
    uint8_t flags = 0;
    size_t payload = 0;
};
std::optional<TcpGlance> glance_tcp(std::span<const uint8_t> packet) {
    if (packet.size() < 20 || (packet[0] >> 4) != 4 || packet[9] != 6) return std::nullopt;
    const size_t ip_header = static_cast<size_t>(packet[0] & 0x0f) * 4;
    const bool first_fragment = ((packet[6] & 0x1f) | packet[7]) == 0;
    if (!first_fragment || packet.size() < ip_header + 20) return std::nullopt;
    const size_t total = std::min<size_t>(packet.size(), (size_t(packet[2]) << 8) | packet[3]);
    const size_t tcp_header = static_cast<size_t>(packet[ip_header + 12] >> 4) * 4;
    if (total < ip_header + tcp_header) return std::nullopt;
    return TcpGlance{packet[ip_header + 13], total - ip_header - tcp_header};
}

}  // namespace

Wire::Wire(WireOptions options, WireAddresses addresses)
    : addresses_(addresses), options_(options), random_(options.seed) {}

Result<std::unique_ptr<Wire>> Wire::create(int client_netns, int server_netns, WireOptions options,
                                           WireAddresses addresses) {
    std::unique_ptr<Wire> wire(new Wire(options, addresses));
    auto client = make_device_in(client_netns, addresses.client, addresses.server, options.mtu);
    if (!client) return client.error();
    wire->client_fd_ = client.value();
    auto server = make_device_in(server_netns, addresses.server, addresses.client, options.mtu);
    if (!server) return server.error();
    wire->server_fd_ = server.value();
    wire->wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wire->wake_fd_ < 0) return Error{"cannot create the wire's wake-up descriptor: " + errno_text(), ""};
    wire->thread_ = std::thread([raw = wire.get()] { raw->relay(); });
    return wire;
}

Wire::~Wire() {
    if (thread_.joinable()) {
        stopping_.store(true);
        wake();
        thread_.join();
    }
    for (int fd : {client_fd_, server_fd_, wake_fd_})
        if (fd >= 0) ::close(fd);
}

void Wire::wake() {
    const uint64_t one = 1;
    if (wake_fd_ >= 0) (void)!::write(wake_fd_, &one, sizeof one);
}

void Wire::record(uint64_t segment, WireAction action, WireActor by, WireDirection direction) {
    events_.push(WireEvent{realtime_now_ns(), segment, action, by, direction});
}

void Wire::relay() {
    // Latency must stay true when the machine is busy (a class demo, a CI run):
    // as root the relay gets a real-time priority, so it wakes on time. It
    // spends its life blocked in ppoll, so it takes nothing from anyone else.
    sched_param priority{};
    priority.sched_priority = 10;
    (void)pthread_setschedparam(pthread_self(), SCHED_FIFO, &priority);

    pollfd watched[3] = {{client_fd_, POLLIN, 0}, {server_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    while (!stopping_.load(std::memory_order_acquire)) {
        timespec timeout{0, 100'000'000};  // look at the stop flag at least ten times a second
        if (!in_flight_.empty()) {
            const auto wait = std::max(in_flight_.front().due - std::chrono::steady_clock::now(),
                                       std::chrono::steady_clock::duration::zero());
            const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(wait).count();
            if (ns < 100'000'000) timeout = {0, static_cast<long>(ns)};
        }
        ppoll(watched, 3, &timeout, nullptr);
        if (watched[2].revents & POLLIN) {
            uint64_t count = 0;
            (void)!::read(wake_fd_, &count, sizeof count);
            run_commands();
        }
        if (watched[0].revents & POLLIN) take_from(client_fd_, WireDirection::ToServer);
        if (watched[1].revents & POLLIN) take_from(server_fd_, WireDirection::ToClient);
        deliver_due();
    }
}

void Wire::take_from(int fd, WireDirection direction) {
    for (int count = 0; count < kBatch; ++count) {
        const ssize_t length = ::read(fd, read_buffer_.data(), read_buffer_.size());
        if (length <= 0) return;
        const std::span<const uint8_t> packet(read_buffer_.data(), static_cast<size_t>(length));
        accept_packet(next_segment_++, direction, packet, WireActor::Wire);
    }
}

void Wire::accept_packet(uint64_t segment, WireDirection direction, std::span<const uint8_t> bytes, WireActor by) {
    const IpAddress& receiver = direction == WireDirection::ToServer ? addresses_.server : addresses_.client;
    if (destination_of(bytes) != receiver) {
        vanished_.fetch_add(1, std::memory_order_relaxed);
        record(segment, WireAction::Vanished, WireActor::Wire, direction);
        return;
    }
    if (by == WireActor::Wire && lesson_drops(direction, bytes)) {
        dropped_.fetch_add(1, std::memory_order_relaxed);
        record(segment, WireAction::Dropped, WireActor::Lesson, direction);
        return;
    }
    if (options_.loss > 0.0 && std::uniform_real_distribution<double>(0.0, 1.0)(random_) < options_.loss) {
        lost_.fetch_add(1, std::memory_order_relaxed);
        record(segment, WireAction::Lost, WireActor::Wire, direction);
        return;
    }
    if (options_.gated && by == WireActor::Wire) {
        {
            std::lock_guard lock(mutex_);
            held_.push_back(HeldPacket{segment, realtime_now_ns(), direction, {bytes.begin(), bytes.end()}});
        }
        record(segment, WireAction::Held, WireActor::Wire, direction);
        return;
    }
    send_on(segment, direction, bytes);
}

bool Wire::lesson_drops(WireDirection direction, std::span<const uint8_t> bytes) {
    if (cut_) return true;
    if (!drop_rule_ || direction != drop_rule_->direction) return false;
    const auto tcp = glance_tcp(bytes);
    if (!tcp) return false;
    const DropRule& rule = *drop_rule_;
    const bool matches = rule.match == DropRule::Match::Any ||
                         (rule.match == DropRule::Match::Data && tcp->payload > 0) ||
                         (rule.match == DropRule::Match::Flags && tcp->flags == rule.flags);
    if (!matches) return false;
    if (drop_rule_seen_++ < rule.after) return false;
    const int64_t left = drop_rule_remaining_.load(std::memory_order_relaxed) - 1;
    drop_rule_remaining_.store(left, std::memory_order_release);
    if (left <= 0) drop_rule_.reset();
    return true;
}

void Wire::send_on(uint64_t segment, WireDirection direction, std::span<const uint8_t> bytes) {
    if (options_.latency.count() == 0) {
        // The common case: straight from the read buffer to the other host, no copy.
        const int fd = direction == WireDirection::ToServer ? server_fd_ : client_fd_;
        (void)!::write(fd, bytes.data(), bytes.size());
        relayed_.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    // One latency for every packet keeps the queue ordered by due time.
    in_flight_.push_back(InFlight{std::chrono::steady_clock::now() + options_.latency, segment, direction,
                                  std::vector<uint8_t>(bytes.begin(), bytes.end())});
    in_flight_count_.store(in_flight_.size(), std::memory_order_release);
}

void Wire::deliver_due() {
    const auto now = std::chrono::steady_clock::now();
    while (!in_flight_.empty() && in_flight_.front().due <= now) {
        InFlight& packet = in_flight_.front();
        const int fd = packet.direction == WireDirection::ToServer ? server_fd_ : client_fd_;
        (void)!::write(fd, packet.bytes.data(), packet.bytes.size());
        relayed_.fetch_add(1, std::memory_order_relaxed);
        in_flight_.pop_front();
    }
    in_flight_count_.store(in_flight_.size(), std::memory_order_release);
}

void Wire::run_commands() {
    // Packets already waiting were sent before these commands were given, so
    // they meet the wire as it was: a wire mended just after a host sent its
    // last segments (a crash lesson's reboot) still drops them.
    take_from(client_fd_, WireDirection::ToServer);
    take_from(server_fd_, WireDirection::ToClient);
    std::vector<Command> commands;
    {
        std::lock_guard lock(mutex_);
        commands.swap(commands_);
    }
    auto take_held = [this](uint64_t segment) -> std::optional<HeldPacket> {
        std::lock_guard lock(mutex_);
        auto found =
            std::find_if(held_.begin(), held_.end(), [&](const HeldPacket& held) { return held.segment == segment; });
        if (found == held_.end()) return std::nullopt;
        HeldPacket packet = std::move(*found);
        held_.erase(found);
        return packet;
    };
    auto release_everything = [&](WireActor by) {
        std::vector<HeldPacket> everything;
        {
            std::lock_guard lock(mutex_);
            everything.swap(held_);
        }
        for (HeldPacket& packet : everything) {
            record(packet.segment, WireAction::Released, by, packet.direction);
            send_on(packet.segment, packet.direction, packet.bytes);
        }
    };
    for (Command& command : commands) {
        switch (command.kind) {
            case Command::Kind::Release:
                if (auto packet = take_held(command.segment)) {
                    record(packet->segment, WireAction::Released, command.by, packet->direction);
                    send_on(packet->segment, packet->direction, packet->bytes);
                }
                break;
            case Command::Kind::Drop:
                if (auto packet = take_held(command.segment)) {
                    dropped_.fetch_add(1, std::memory_order_relaxed);
                    record(packet->segment, WireAction::Dropped, command.by, packet->direction);
                }
                break;
            case Command::Kind::ReleaseAll:
                release_everything(command.by);
                break;
            case Command::Kind::Latency:
                options_.latency = command.latency;
                break;
            case Command::Kind::Loss:
                options_.loss = command.loss;
                break;
            case Command::Kind::Gate:
                options_.gated = command.gated;
                if (!command.gated) release_everything(command.by);
                break;
            case Command::Kind::Inject: {
                const uint64_t segment = next_segment_++;
                injected_.fetch_add(1, std::memory_order_relaxed);
                record(segment, WireAction::Injected, WireActor::Lesson, command.direction);
                accept_packet(segment, command.direction, command.bytes, WireActor::Lesson);
                break;
            }
            case Command::Kind::DropRule:
                drop_rule_seen_ = 0;
                drop_rule_ = command.rule;
                if (command.rule.count <= 0) drop_rule_.reset();
                drop_rule_remaining_.store(std::max<int64_t>(command.rule.count, 0), std::memory_order_release);
                break;
            case Command::Kind::Cut:
                cut_ = command.cut;
                break;
        }
        if (command.applied) command.applied->set_value();
    }
}

void Wire::post(Command command) {
    {
        std::lock_guard lock(mutex_);
        commands_.push_back(std::move(command));
    }
    wake();
}

void Wire::post_and_wait(Command command) {
    auto applied = std::make_shared<std::promise<void>>();
    std::future<void> done = applied->get_future();
    command.applied = applied;
    post(std::move(command));
    // The relay runs commands within a poll's wake-up; a wire being taken
    // down runs no more, and then nobody needs the answer.
    while (done.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready)
        if (stopping_.load(std::memory_order_acquire)) return;
}

void Wire::add_drop_rule(DropRule rule) {
    Command command{Command::Kind::DropRule};
    command.rule = rule;
    post_and_wait(std::move(command));
}

void Wire::set_cut(bool cut) {
    Command command{Command::Kind::Cut};
    command.cut = cut;
    post_and_wait(std::move(command));
}

void Wire::set_latency(std::chrono::microseconds latency) {
    Command command{Command::Kind::Latency};
    command.latency = latency;
    post(std::move(command));
}

void Wire::set_loss(double probability) {
    Command command{Command::Kind::Loss};
    command.loss = probability;
    post(std::move(command));
}

void Wire::set_gated(bool gated) {
    Command command{Command::Kind::Gate};
    command.gated = gated;
    post(std::move(command));
}

void Wire::release(uint64_t segment, WireActor by) {
    Command command{Command::Kind::Release};
    command.segment = segment;
    command.by = by;
    post(std::move(command));
}

void Wire::drop(uint64_t segment, WireActor by) {
    Command command{Command::Kind::Drop};
    command.segment = segment;
    command.by = by;
    post(std::move(command));
}

void Wire::release_all(WireActor by) {
    Command command{Command::Kind::ReleaseAll};
    command.by = by;
    post(std::move(command));
}

void Wire::inject(std::vector<uint8_t> ip_packet, WireDirection direction) {
    Command command{Command::Kind::Inject};
    command.direction = direction;
    command.bytes = std::move(ip_packet);
    post(std::move(command));
}

std::vector<HeldPacket> Wire::held() const {
    std::lock_guard lock(mutex_);
    return held_;
}

size_t Wire::in_flight_count() const { return in_flight_count_.load(std::memory_order_acquire); }

size_t Wire::held_count() const {
    std::lock_guard lock(mutex_);
    return held_.size();
}

WireStats Wire::stats() const {
    return WireStats{relayed_.load(), lost_.load(), dropped_.load(), vanished_.load(), injected_.load()};
}

}  // namespace tcplab
