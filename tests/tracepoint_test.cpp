// The inet_sock_set_state parser on golden lines, then the tracepoint against
// a real connection inside a network namespace the test creates (root only).
//
// This file has its own main(): prepare_tracefs() may unshare the mount
// namespace, which the kernel refuses once a process has a second thread.
#include "capture/tracepoint.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <gtest/gtest.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "fresh_netns.hpp"

namespace tcplab {
namespace {

// What prepare_tracefs() said in main(), before gtest or anything else ran.
std::optional<Error> g_tracefs_problem;

constexpr const char* kInstancesDir = "/sys/kernel/tracing/instances";

// Golden lines as trace_pipe printed them on Linux 6.18 with trace_clock mono.
constexpr std::string_view kClientSynSent =
    "         python3-3832    [001] .....   364.177910: inet_sock_set_state: family=AF_INET "
    "protocol=IPPROTO_TCP sport=0 dport=23456 saddr=127.0.0.1 daddr=127.0.0.1 saddrv6=::ffff:127.0.0.1 "
    "daddrv6=::ffff:127.0.0.1 oldstate=TCP_CLOSE newstate=TCP_SYN_SENT";
constexpr std::string_view kChildEstablished =
    "         python3-3832    [001] ..s2.   364.178441: inet_sock_set_state: family=AF_INET "
    "protocol=IPPROTO_TCP sport=23456 dport=60060 saddr=127.0.0.1 daddr=127.0.0.1 saddrv6=::ffff:127.0.0.1 "
    "daddrv6=::ffff:127.0.0.1 oldstate=TCP_SYN_RECV newstate=TCP_ESTABLISHED";
// For an IPv6 socket saddr holds a placeholder (127.0.0.6 is LOOPBACK4_IPV6).
constexpr std::string_view kIpv6Listen =
    "         python3-3903    [001] .....   379.557997: inet_sock_set_state: family=AF_INET6 "
    "protocol=IPPROTO_TCP sport=23457 dport=0 saddr=127.0.0.6 daddr=0.0.0.0 saddrv6=::1 daddrv6=:: "
    "oldstate=TCP_CLOSE newstate=TCP_LISTEN";
constexpr std::string_view kIpv6Established =
    "          <idle>-0       [000] ..s2.   379.560926: inet_sock_set_state: family=AF_INET6 "
    "protocol=IPPROTO_TCP sport=39260 dport=23457 saddr=0.0.0.0 daddr=0.0.0.0 saddrv6=2001:db8::1 "
    "daddrv6=fe80::1:2 oldstate=TCP_SYN_SENT newstate=TCP_ESTABLISHED";

std::string with_states(std::string_view old_state, std::string_view new_state) {
    return "  tcplab-1 [000] ..... 1.000001: inet_sock_set_state: family=AF_INET protocol=IPPROTO_TCP sport=1 "
           "dport=2 saddr=10.0.0.1 daddr=10.0.0.2 saddrv6=::ffff:10.0.0.1 daddrv6=::ffff:10.0.0.2 oldstate=" +
           std::string(old_state) + " newstate=" + std::string(new_state);
}

TEST(ParseInetSockSetState, Ipv4Line) {
    const std::optional<TracepointStateChange> change = parse_inet_sock_set_state(kChildEstablished, 0);
    ASSERT_TRUE(change.has_value());
    EXPECT_EQ(change->local, (Endpoint{IpAddress::v4(127, 0, 0, 1), 23456}));
    EXPECT_EQ(change->remote, (Endpoint{IpAddress::v4(127, 0, 0, 1), 60060}));
    EXPECT_EQ(change->from, TcpState::SynReceived);
    EXPECT_EQ(change->to, TcpState::Established);
    EXPECT_EQ(change->socket_address, 0u);  // not in the default text output
}

TEST(ParseInetSockSetState, ClientSynSentHasNoLocalPortYet) {
    // The kernel moves the socket to SYN_SENT before it picks the ephemeral port.
    const std::optional<TracepointStateChange> change = parse_inet_sock_set_state(kClientSynSent, 0);
    ASSERT_TRUE(change.has_value());
    EXPECT_EQ(change->local.port, 0);
    EXPECT_EQ(change->remote.port, 23456);
    EXPECT_EQ(change->from, TcpState::Closed);
    EXPECT_EQ(change->to, TcpState::SynSent);
}

TEST(ParseInetSockSetState, Ipv6LinesUseTheV6Fields) {
    std::optional<TracepointStateChange> change = parse_inet_sock_set_state(kIpv6Listen, 0);
    ASSERT_TRUE(change.has_value());
    EXPECT_EQ(change->local, (Endpoint{*IpAddress::parse("::1"), 23457}));
    EXPECT_EQ(change->remote, (Endpoint{*IpAddress::parse("::"), 0}));
    EXPECT_EQ(change->to, TcpState::Listen);

    change = parse_inet_sock_set_state(kIpv6Established, 0);
    ASSERT_TRUE(change.has_value());
    EXPECT_EQ(change->local, (Endpoint{*IpAddress::parse("2001:db8::1"), 39260}));
    EXPECT_EQ(change->remote, (Endpoint{*IpAddress::parse("fe80::1:2"), 23457}));
    EXPECT_EQ(change->local.address.version, 6);
}

TEST(ParseInetSockSetState, EveryKernelStateName) {
    const std::vector<std::pair<std::string_view, TcpState>> names = {
        {"TCP_ESTABLISHED", TcpState::Established},
        {"TCP_SYN_SENT", TcpState::SynSent},
        {"TCP_SYN_RECV", TcpState::SynReceived},
        {"TCP_FIN_WAIT1", TcpState::FinWait1},
        {"TCP_FIN_WAIT2", TcpState::FinWait2},
        {"TCP_TIME_WAIT", TcpState::TimeWait},
        {"TCP_CLOSE", TcpState::Closed},
        {"TCP_CLOSE_WAIT", TcpState::CloseWait},
        {"TCP_LAST_ACK", TcpState::LastAck},
        {"TCP_LISTEN", TcpState::Listen},
        {"TCP_CLOSING", TcpState::Closing},
        {"TCP_NEW_SYN_RECV", TcpState::SynReceived},
    };
    for (const auto& [name, state] : names) {
        const std::optional<TracepointStateChange> as_new =
            parse_inet_sock_set_state(with_states("TCP_CLOSE", name), 0);
        ASSERT_TRUE(as_new.has_value()) << name;
        EXPECT_EQ(as_new->to, state) << name;
        const std::optional<TracepointStateChange> as_old =
            parse_inet_sock_set_state(with_states(name, "TCP_CLOSE"), 0);
        ASSERT_TRUE(as_old.has_value()) << name;
        EXPECT_EQ(as_old->from, state) << name;
    }
    // __print_symbolic() prints numbers it has no name for in hex.
    EXPECT_FALSE(parse_inet_sock_set_state(with_states("TCP_CLOSE", "0xd"), 0).has_value());
    EXPECT_FALSE(parse_inet_sock_set_state(with_states("TCP_CLOSE", "ESTABLISHED"), 0).has_value());
}

TEST(ParseInetSockSetState, TimeIsMonoPlusOffset) {
    constexpr int64_t kOffset = 1'700'000'000'123'456'789;
    const std::optional<TracepointStateChange> change = parse_inet_sock_set_state(kClientSynSent, kOffset);
    ASSERT_TRUE(change.has_value());
    EXPECT_EQ(change->time_ns, 364'177'910'000 + kOffset);

    // Other trace clocks print nine digits; fewer digits are scaled up.
    std::string nanoseconds(kClientSynSent);
    nanoseconds.replace(nanoseconds.find("364.177910"), 10, "364.177910123");
    EXPECT_EQ(parse_inet_sock_set_state(nanoseconds, 0)->time_ns, 364'177'910'123);
    std::string large(kClientSynSent);
    large.replace(large.find("364.177910"), 10, "98765432.000001");
    EXPECT_EQ(parse_inet_sock_set_state(large, 0)->time_ns, 98'765'432'000'001'000);
}

TEST(ParseInetSockSetState, TaskNamesWithSpacesAndColons) {
    std::string line(kChildEstablished);
    line.replace(line.find("python3-3832"), 12, "my app: x-77");
    const std::optional<TracepointStateChange> change = parse_inet_sock_set_state(line, 0);
    ASSERT_TRUE(change.has_value());
    EXPECT_EQ(change->time_ns, 364'178'441'000);
    EXPECT_EQ(change->remote.port, 60060);
}

TEST(ParseInetSockSetState, RejectsOtherEventsAndGarbage) {
    const std::vector<std::string> rejected = {
        "",
        "\n",
        "garbage",
        "CPU:1 [LOST 12 EVENTS]",
        "# tracer: nop",
        "          <idle>-0       [000] d..2.   5.000001: sched_switch: prev_comm=swapper/0 prev_pid=0",
        "  curl-5 [001] ..s1.  7.000002: tcp_retransmit_skb: family=AF_INET sport=1 dport=2 saddr=1.2.3.4 "
        "daddr=1.2.3.5 saddrv6=::ffff:1.2.3.4 daddrv6=::ffff:1.2.3.5 state=TCP_ESTABLISHED",
        // Same event, but MPTCP and SCTP sockets are not ours.
        std::string(kChildEstablished).replace(std::string(kChildEstablished).find("IPPROTO_TCP"), 11, "IPPROTO_MPTCP"),
        std::string(kChildEstablished).replace(std::string(kChildEstablished).find("IPPROTO_TCP"), 11, "IPPROTO_SCTP"),
        // A family the print fmt has no name for.
        std::string(kChildEstablished).replace(std::string(kChildEstablished).find("AF_INET"), 7, "0x1"),
        // Broken fields.
        std::string(kChildEstablished).replace(std::string(kChildEstablished).find("sport=23456"), 11, "sport=65536"),
        std::string(kChildEstablished)
            .replace(std::string(kChildEstablished).find("saddr=127.0.0.1"), 15, "saddr=127.0.0"),
        std::string(kIpv6Listen).replace(std::string(kIpv6Listen).find("saddrv6=::1"), 11, "saddrv6=1.2.3.4"),
        std::string(kChildEstablished).replace(std::string(kChildEstablished).find("364.178441"), 10, "364"),
        std::string(kChildEstablished).replace(std::string(kChildEstablished).find("364.178441"), 10, "x.178441"),
    };
    for (const std::string& line : rejected) EXPECT_FALSE(parse_inet_sock_set_state(line, 0).has_value()) << line;
}

TEST(ParseInetSockSetState, EveryTruncationIsRejected) {
    // The complete line ends with the new state, whose name is no prefix of
    // another, so every shorter piece must be refused.
    for (std::string_view golden : {kChildEstablished, kIpv6Established}) {
        ASSERT_TRUE(parse_inet_sock_set_state(golden, 0).has_value());
        for (size_t length = 0; length < golden.size(); ++length)
            EXPECT_FALSE(parse_inet_sock_set_state(golden.substr(0, length), 0).has_value())
                << golden.substr(0, length);
    }
}

TEST(ParseInetSockSetState, TrailingNewlineIsAccepted) {
    const std::string line = std::string(kChildEstablished) + "\n";
    const std::optional<TracepointStateChange> change = parse_inet_sock_set_state(line, 0);
    ASSERT_TRUE(change.has_value());
    EXPECT_EQ(change->to, TcpState::Established);
}

// ---- Against the kernel ---------------------------------------------------

std::vector<std::string> our_instances() {
    std::vector<std::string> names;
    const std::string prefix = "tcplab-" + std::to_string(::getpid()) + "-";
    if (DIR* directory = ::opendir(kInstancesDir)) {
        while (const dirent* entry = ::readdir(directory))
            if (std::string_view(entry->d_name).starts_with(prefix)) names.emplace_back(entry->d_name);
        ::closedir(directory);
    }
    return names;
}

bool directory_exists(const std::string& path) {
    struct stat status {};
    return ::stat(path.c_str(), &status) == 0 && S_ISDIR(status.st_mode);
}

// Why the kernel tests cannot run here, or nullopt when they can.
std::optional<std::string> kernel_test_obstacle() {
    if (::geteuid() != 0) return "needs root (tracefs and network namespaces)";
    if (g_tracefs_problem) return "tracefs unavailable: " + g_tracefs_problem->what;
    if (!directory_exists(kInstancesDir)) return "tracefs is not mounted at /sys/kernel/tracing";
    return std::nullopt;
}

using test::run_in_fresh_network_namespace;

sockaddr_in loopback_v4(uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

int64_t realtime_now_ns() {
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    return static_cast<int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

std::string describe(const std::vector<TracepointStateChange>& changes) {
    std::string text;
    for (const TracepointStateChange& change : changes)
        text += change.local.to_string() + " -> " + change.remote.to_string() + "  " +
                std::string(state_name(change.from)) + " -> " + std::string(state_name(change.to)) + "\n";
    return text;
}

TEST(StateTracepoint, FollowsAConnectionThroughEveryState) {
    if (std::optional<std::string> obstacle = kernel_test_obstacle()) GTEST_SKIP() << *obstacle;

    std::mt19937 random(std::random_device{}());
    const uint16_t port = static_cast<uint16_t>(std::uniform_int_distribution<int>(20000, 29998)(random));
    const uint16_t ignored_port = static_cast<uint16_t>(port + 1);  // traffic the filter must drop

    const std::vector<std::string> instances_before = our_instances();
    std::optional<StateTracepoint> tracepoint;
    {
        Result<StateTracepoint> opened = StateTracepoint::open({port});
        ASSERT_TRUE(opened.ok()) << opened.error().what << " / " << opened.error().remedy;
        tracepoint.emplace(std::move(*opened));
    }
    const std::vector<std::string> instances_open = our_instances();
    ASSERT_EQ(instances_open.size(), instances_before.size() + 1);

    // Nothing happened yet: read() waits out its timeout and returns nothing.
    const auto quiet_start = std::chrono::steady_clock::now();
    EXPECT_TRUE(tracepoint->read(std::chrono::milliseconds(100)).empty());
    EXPECT_GE(std::chrono::steady_clock::now() - quiet_start, std::chrono::milliseconds(100));

    uint16_t client_port = 0;
    const int64_t started_ns = realtime_now_ns();
    const testing::AssertionResult ran = run_in_fresh_network_namespace([&] {
        const int other_listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const sockaddr_in other_address = loopback_v4(ignored_port);
        ASSERT_EQ(::bind(other_listener, reinterpret_cast<const sockaddr*>(&other_address), sizeof other_address), 0);
        ASSERT_EQ(::listen(other_listener, 1), 0);

        const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const sockaddr_in address = loopback_v4(port);
        ASSERT_EQ(::bind(listener, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
        ASSERT_EQ(::listen(listener, 4), 0);
        const int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        ASSERT_EQ(::connect(client, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
        const int server = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
        ASSERT_GE(server, 0);
        sockaddr_in client_address{};
        socklen_t length = sizeof client_address;
        ::getsockname(client, reinterpret_cast<sockaddr*>(&client_address), &length);
        client_port = ntohs(client_address.sin_port);

        ::close(client);  // active close: FIN_WAIT1, FIN_WAIT2, then (timewait) CLOSE
        char byte;
        EXPECT_EQ(::recv(server, &byte, 1, 0), 0);  // the FIN arrived: CLOSE_WAIT
        ::close(server);                            // LAST_ACK, then CLOSE
        ::close(listener);
        ::close(other_listener);
    });
    ASSERT_TRUE(ran);
    ASSERT_NE(client_port, 0);

    struct Expected {
        const char* who;
        uint16_t local_port;
        uint16_t remote_port;
        TcpState from;
        TcpState to;
    };
    const std::vector<Expected> expected = {
        // connect() sets SYN_SENT before it chooses the ephemeral port.
        {"client", 0, port, TcpState::Closed, TcpState::SynSent},
        {"client", client_port, port, TcpState::SynSent, TcpState::Established},
        {"listener", port, 0, TcpState::Closed, TcpState::Listen},
        // The child is a clone of the listener, so it starts from LISTEN; the
        // request socket before it (NEW_SYN_RECV) is never reported.
        {"server child", port, client_port, TcpState::Listen, TcpState::SynReceived},
        {"server child", port, client_port, TcpState::SynReceived, TcpState::Established},
        {"client", client_port, port, TcpState::Established, TcpState::FinWait1},
        {"client", client_port, port, TcpState::FinWait1, TcpState::FinWait2},
        // The timewait socket replaces it; the old socket is reported as CLOSE.
        {"client", client_port, port, TcpState::FinWait2, TcpState::Closed},
        {"server child", port, client_port, TcpState::Established, TcpState::CloseWait},
        {"server child", port, client_port, TcpState::CloseWait, TcpState::LastAck},
        {"server child", port, client_port, TcpState::LastAck, TcpState::Closed},
        {"listener", port, 0, TcpState::Listen, TcpState::Closed},
    };
    auto matches = [](const Expected& want, const TracepointStateChange& change) {
        return change.local.port == want.local_port && change.remote.port == want.remote_port &&
               change.from == want.from && change.to == want.to;
    };
    auto all_seen = [&](const std::vector<TracepointStateChange>& changes) {
        return std::all_of(expected.begin(), expected.end(), [&](const Expected& want) {
            return std::any_of(changes.begin(), changes.end(),
                               [&](const auto& change) { return matches(want, change); });
        });
    };

    std::vector<TracepointStateChange> changes;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (!all_seen(changes) && std::chrono::steady_clock::now() < deadline) {
        std::vector<TracepointStateChange> more = tracepoint->read(std::chrono::milliseconds(100));
        changes.insert(changes.end(), more.begin(), more.end());
    }
    const int64_t finished_ns = realtime_now_ns();

    for (const Expected& want : expected) {
        EXPECT_TRUE(
            std::any_of(changes.begin(), changes.end(), [&](const auto& change) { return matches(want, change); }))
            << want.who << " " << want.local_port << " -> " << want.remote_port << " " << state_name(want.from)
            << " -> " << state_name(want.to) << " missing in:\n"
            << describe(changes);
    }
    EXPECT_EQ(changes.size(), expected.size()) << describe(changes);
    const IpAddress loopback = IpAddress::v4(127, 0, 0, 1);
    for (size_t i = 0; i < changes.size(); ++i) {
        const TracepointStateChange& change = changes[i];
        EXPECT_TRUE(change.local.port == port || change.remote.port == port) << "the filter let another port through";
        EXPECT_NE(change.to, TcpState::TimeWait) << "the tracepoint never reports TIME_WAIT";
        EXPECT_EQ(change.local.address, loopback);
        if (change.remote.port != 0) {
            EXPECT_EQ(change.remote.address, loopback);
        }
        // Converted to CLOCK_REALTIME: inside the window in which we made them
        // (with a millisecond of slack for the offset measurement).
        EXPECT_GE(change.time_ns, started_ns - 1'000'000);
        EXPECT_LE(change.time_ns, finished_ns + 1'000'000);
        EXPECT_LT(std::abs(change.time_ns - finished_ns), 1'000'000'000);
        if (i > 0) {
            EXPECT_GE(change.time_ns, changes[i - 1].time_ns) << "trace_pipe merges CPUs in time order";
        }
    }

    tracepoint.reset();
    EXPECT_EQ(our_instances(), instances_before) << "the instance directory must be removed";
}

TEST(StateTracepoint, RemovesInstancesOfDeadProcessesAndMovesCleanly) {
    if (std::optional<std::string> obstacle = kernel_test_obstacle()) GTEST_SKIP() << *obstacle;

    // A pid that surely belongs to no process right now: a child we reaped.
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) ::_exit(0);
    ASSERT_EQ(::waitpid(child, nullptr, 0), child);
    const std::string stale = std::string(kInstancesDir) + "/tcplab-" + std::to_string(child) + "-0";
    ASSERT_EQ(::mkdir(stale.c_str(), 0700), 0) << std::strerror(errno);

    Result<StateTracepoint> opened = StateTracepoint::open({});  // no ports: every TCP socket
    ASSERT_TRUE(opened.ok()) << opened.error().what;
    EXPECT_FALSE(directory_exists(stale));
    if (directory_exists(stale)) ::rmdir(stale.c_str());

    ASSERT_EQ(our_instances().size(), 1u);
    StateTracepoint moved = std::move(*opened);
    StateTracepoint assigned = std::move(moved);
    EXPECT_EQ(our_instances().size(), 1u);                          // moving must not remove or duplicate it
    EXPECT_TRUE(moved.read(std::chrono::milliseconds(0)).empty());  // NOLINT(bugprone-use-after-move)
    StateTracepoint& same = assigned;
    assigned = std::move(same);  // self-move leaves it intact
    EXPECT_EQ(our_instances().size(), 1u);
    {
        Result<StateTracepoint> second = StateTracepoint::open({1});
        ASSERT_TRUE(second.ok()) << second.error().what;
        EXPECT_EQ(our_instances().size(), 2u);
        assigned = std::move(*second);  // closes the first instance
        EXPECT_EQ(our_instances().size(), 1u);
    }
    assigned = std::move(moved);  // an empty one in: the second instance goes too
    EXPECT_TRUE(our_instances().empty());
}

// unshare(CLONE_NEWNS) fails with EINVAL once a process has a second thread;
// prepare_tracefs() must say so rather than report a bare "Invalid argument".
// A forked child hides tracefs in a mount namespace of its own, starts a
// thread and tries.
TEST(PrepareTracefs, ExplainsThatThreadsAlreadyExist) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    int report[2];
    ASSERT_EQ(::pipe(report), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::close(report[0]);
        std::string message = "setup failed";
        if (::unshare(CLONE_NEWNS) == 0 && ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0) {
            while (::umount2("/sys/kernel/tracing", MNT_DETACH) == 0) {
            }
            bool stop = false;
            std::thread sleeper([&stop] {
                while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) ::usleep(1000);
            });
            Status status = prepare_tracefs();
            message = status ? "succeeded" : status.error().what + "|" + status.error().remedy;
            __atomic_store_n(&stop, true, __ATOMIC_RELEASE);
            sleeper.join();
        }
        (void)!::write(report[1], message.data(), message.size());
        ::_exit(0);
    }
    ::close(report[1]);
    std::string message;
    char buffer[512];
    for (ssize_t got; (got = ::read(report[0], buffer, sizeof buffer)) > 0;)
        message.append(buffer, static_cast<size_t>(got));
    ::close(report[0]);
    ASSERT_EQ(::waitpid(child, nullptr, 0), child);
    EXPECT_NE(message.find("threads"), std::string::npos) << message;
    EXPECT_NE(message.find("mount -t tracefs nodev /sys/kernel/tracing"), std::string::npos) << message;
}

}  // namespace
}  // namespace tcplab

int main(int argc, char** argv) {
    // Before InitGoogleTest and before any test thread: unshare(CLONE_NEWNS)
    // only works in a single-threaded process.
    tcplab::Status tracefs = tcplab::prepare_tracefs();
    if (!tracefs) tcplab::g_tracefs_problem = tracefs.error();
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
