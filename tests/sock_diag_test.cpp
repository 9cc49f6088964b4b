// SockDiag against real sockets. Every connection lives in a network namespace
// the test creates for one worker thread, so no traffic touches the host.
#include "capture/sock_diag.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "fresh_netns.hpp"

namespace tcplab {
namespace {

constexpr uint16_t kListenPort = 5000;

using test::run_in_fresh_network_namespace;

// Fills a sockaddr_storage for 127.0.0.1 or ::1.
socklen_t loopback_address(int family, uint16_t port, sockaddr_storage& storage) {
    storage = {};
    if (family == AF_INET) {
        auto& address = reinterpret_cast<sockaddr_in&>(storage);
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        return sizeof(sockaddr_in);
    }
    auto& address = reinterpret_cast<sockaddr_in6&>(storage);
    address.sin6_family = AF_INET6;
    address.sin6_port = htons(port);
    address.sin6_addr = in6addr_loopback;
    return sizeof(sockaddr_in6);
}

int listen_on_loopback(int family, uint16_t port, int backlog) {
    const int fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_storage address;
    const socklen_t length = loopback_address(family, port, address);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0 || ::listen(fd, backlog) != 0) {
        ADD_FAILURE() << "listen on loopback port " << port << ": " << std::strerror(errno);
    }
    return fd;
}

int connect_to_loopback(int family, uint16_t port) {
    const int fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_storage address;
    const socklen_t length = loopback_address(family, port, address);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&address), length) != 0)
        ADD_FAILURE() << "connect to loopback port " << port << ": " << std::strerror(errno);
    return fd;
}

Endpoint endpoint_of(const sockaddr_storage& storage) {
    Endpoint endpoint;
    if (storage.ss_family == AF_INET) {
        const auto& address = reinterpret_cast<const sockaddr_in&>(storage);
        endpoint.address = IpAddress::from_v4_bytes(reinterpret_cast<const uint8_t*>(&address.sin_addr));
        endpoint.port = ntohs(address.sin_port);
    } else {
        const auto& address = reinterpret_cast<const sockaddr_in6&>(storage);
        endpoint.address = IpAddress::from_v6_bytes(address.sin6_addr.s6_addr);
        endpoint.port = ntohs(address.sin6_port);
    }
    return endpoint;
}

Endpoint local_endpoint(int fd) {
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length);
    return endpoint_of(storage);
}

uint32_t inode_of(int fd) {
    struct stat status {};
    ::fstat(fd, &status);
    return static_cast<uint32_t>(status.st_ino);
}

uint64_t cookie_of(int fd) {
    uint64_t cookie = 0;
    socklen_t length = sizeof cookie;
    ::getsockopt(fd, SOL_SOCKET, SO_COOKIE, &cookie, &length);
    return cookie;
}

std::vector<SocketInfo> dump_or_fail(SockDiag& diag) {
    Result<std::vector<SocketInfo>> sockets = diag.dump_tcp();
    if (!sockets) {
        ADD_FAILURE() << "dump_tcp: " << sockets.error().what;
        return {};
    }
    return std::move(*sockets);
}

const SocketInfo* find_socket(const std::vector<SocketInfo>& sockets, TcpState state, const Endpoint& local,
                              const Endpoint& remote) {
    for (const SocketInfo& info : sockets)
        if (info.state == state && info.local == local && info.remote == remote) return &info;
    return nullptr;
}

std::string describe(const std::vector<SocketInfo>& sockets) {
    std::string text;
    for (const SocketInfo& info : sockets)
        text += std::string(state_name(info.state)) + " " + info.local.to_string() + " -> " + info.remote.to_string() +
                "\n";
    return text;
}

// Dumps until a socket in `state` between the endpoints shows up (loopback
// delivers in softirq context, usually before the system call returns, but
// not always), or one second has passed; returns the last dump.
std::vector<SocketInfo> wait_for(SockDiag& diag, TcpState state, const Endpoint& local, const Endpoint& remote) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    std::vector<SocketInfo> sockets = dump_or_fail(diag);
    while (find_socket(sockets, state, local, remote) == nullptr && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        sockets = dump_or_fail(diag);
    }
    return sockets;
}

// Listener, client and accepted socket: their states, queues, inodes and
// cookies, then the client's TIME_WAIT after an active close.
void check_connection_lifecycle(int family) {
    Result<SockDiag> diag = SockDiag::open();
    ASSERT_TRUE(diag.ok()) << diag.error().what;

    const int listener = listen_on_loopback(family, kListenPort, 7);
    const int client = connect_to_loopback(family, kListenPort);
    const int server = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    ASSERT_GE(server, 0) << std::strerror(errno);

    const Endpoint listen_endpoint = local_endpoint(listener);
    const Endpoint client_endpoint = local_endpoint(client);
    Endpoint any_remote;
    any_remote.address = family == AF_INET ? IpAddress::v4(0, 0, 0, 0) : IpAddress::from_v6_bytes(in6addr_any.s6_addr);

    std::vector<SocketInfo> sockets = dump_or_fail(*diag);
    const SocketInfo* listening = find_socket(sockets, TcpState::Listen, listen_endpoint, any_remote);
    ASSERT_NE(listening, nullptr) << describe(sockets);
    EXPECT_EQ(listening->send_queue, 7u);     // the backlog
    EXPECT_EQ(listening->receive_queue, 0u);  // nothing waiting: we accepted
    EXPECT_EQ(listening->inode, inode_of(listener));
    EXPECT_EQ(listening->cookie, cookie_of(listener));
    EXPECT_EQ(listening->timer, SocketTimer::None);

    const SocketInfo* client_info = find_socket(sockets, TcpState::Established, client_endpoint, listen_endpoint);
    ASSERT_NE(client_info, nullptr) << describe(sockets);
    EXPECT_EQ(client_info->inode, inode_of(client));
    EXPECT_EQ(client_info->cookie, cookie_of(client));
    EXPECT_NE(client_info->cookie, 0u);
    const SocketInfo* server_info = find_socket(sockets, TcpState::Established, listen_endpoint, client_endpoint);
    ASSERT_NE(server_info, nullptr) << describe(sockets);
    EXPECT_EQ(server_info->inode, inode_of(server));
    EXPECT_EQ(server_info->cookie, cookie_of(server));

    // Unread data shows up in Recv-Q.
    ASSERT_EQ(::send(client, "hello", 5, 0), 5);
    const auto queued_until = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    const SocketInfo* receiving = nullptr;
    while (std::chrono::steady_clock::now() < queued_until) {
        sockets = dump_or_fail(*diag);
        receiving = find_socket(sockets, TcpState::Established, listen_endpoint, client_endpoint);
        if (receiving != nullptr && receiving->receive_queue == 5) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ASSERT_NE(receiving, nullptr);
    EXPECT_EQ(receiving->receive_queue, 5u);

    char received[5];
    ASSERT_EQ(::recv(server, received, sizeof received, 0), 5);  // unread data would turn close() into RST

    // Active close by the client: client FIN_WAIT_2, server CLOSE_WAIT.
    const uint64_t client_cookie = cookie_of(client);
    ::close(client);
    // The server's ACK of that FIN may be a delayed ACK (up to 40 ms later),
    // so CLOSE_WAIT can show up while the client is still in FIN_WAIT_1.
    sockets = wait_for(*diag, TcpState::FinWait2, client_endpoint, listen_endpoint);
    EXPECT_NE(find_socket(sockets, TcpState::CloseWait, listen_endpoint, client_endpoint), nullptr)
        << describe(sockets);
    const SocketInfo* half_closed = find_socket(sockets, TcpState::FinWait2, client_endpoint, listen_endpoint);
    ASSERT_NE(half_closed, nullptr) << describe(sockets);
    // An orphaned FIN_WAIT_2 socket has lost its file, so its inode too.
    EXPECT_EQ(half_closed->inode, 0u);

    // The server closes too: the client's side becomes a timewait socket.
    ::close(server);
    sockets = wait_for(*diag, TcpState::TimeWait, client_endpoint, listen_endpoint);
    const SocketInfo* time_wait = find_socket(sockets, TcpState::TimeWait, client_endpoint, listen_endpoint);
    ASSERT_NE(time_wait, nullptr) << describe(sockets);
    EXPECT_EQ(time_wait->timer, SocketTimer::TimeWait);
    EXPECT_GE(time_wait->timer_expires_ms, 50000u);
    EXPECT_LE(time_wait->timer_expires_ms, 60000u);
    EXPECT_EQ(time_wait->inode, 0u);
    EXPECT_EQ(time_wait->receive_queue, 0u);
    EXPECT_EQ(time_wait->send_queue, 0u);
    // The timewait socket inherits the cookie of the socket it replaces.
    EXPECT_EQ(time_wait->cookie, client_cookie);
    // The passive closer is gone once its FIN is acknowledged.
    EXPECT_EQ(find_socket(sockets, TcpState::LastAck, listen_endpoint, client_endpoint), nullptr) << describe(sockets);
    ::close(listener);
}

TEST(SockDiag, Ipv4ListenerAndEstablishedSockets) {
    if (auto missing = test::missing_root()) GTEST_SKIP() << *missing;
    const testing::AssertionResult ran = run_in_fresh_network_namespace([] { check_connection_lifecycle(AF_INET); });
    ASSERT_TRUE(ran);
}

TEST(SockDiag, Ipv6LoopbackListenerAndEstablishedSockets) {
    if (auto missing = test::missing_root()) GTEST_SKIP() << *missing;
    const testing::AssertionResult ran = run_in_fresh_network_namespace([] { check_connection_lifecycle(AF_INET6); });
    ASSERT_TRUE(ran);
}

// With TCP_DEFER_ACCEPT the listener drops the handshake's final ACK, so the
// connection stays a request socket (TCP_NEW_SYN_RECV) while the client is
// already ESTABLISHED: a half-open connection we can look at.
TEST(SockDiag, RequestSocketIsReportedAsSynRecv) {
    if (auto missing = test::missing_root()) GTEST_SKIP() << *missing;
    const testing::AssertionResult ran = run_in_fresh_network_namespace([] {
        Result<SockDiag> diag = SockDiag::open();
        ASSERT_TRUE(diag.ok()) << diag.error().what;
        const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const int defer_seconds = 30;
        ASSERT_EQ(::setsockopt(listener, IPPROTO_TCP, TCP_DEFER_ACCEPT, &defer_seconds, sizeof defer_seconds), 0);
        sockaddr_storage address;
        const socklen_t length = loopback_address(AF_INET, kListenPort, address);
        ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), length), 0);
        ASSERT_EQ(::listen(listener, 7), 0);
        const int client = connect_to_loopback(AF_INET, kListenPort);

        const Endpoint listen_endpoint = local_endpoint(listener);
        const Endpoint client_endpoint = local_endpoint(client);
        std::vector<SocketInfo> sockets = wait_for(*diag, TcpState::SynReceived, listen_endpoint, client_endpoint);
        const SocketInfo* request = find_socket(sockets, TcpState::SynReceived, listen_endpoint, client_endpoint);
        ASSERT_NE(request, nullptr) << describe(sockets);
        EXPECT_EQ(request->inode, 0u);                       // a request socket has no file
        EXPECT_EQ(request->timer, SocketTimer::Retransmit);  // the SYN-ACK retransmission timer
        EXPECT_GT(request->timer_expires_ms, 0u);
        EXPECT_NE(find_socket(sockets, TcpState::Established, client_endpoint, listen_endpoint), nullptr)
            << describe(sockets);
        ::close(client);
        ::close(listener);
    });
    ASSERT_TRUE(ran);
}

bool kernel_at_least(int major, int minor) {
    utsname name{};
    if (::uname(&name) != 0) return false;
    int kernel_major = 0, kernel_minor = 0;
    if (std::sscanf(name.release, "%d.%d", &kernel_major, &kernel_minor) != 2) return false;
    return kernel_major > major || (kernel_major == major && kernel_minor >= minor);
}

// Linux 6.7 added TCP_BOUND_INACTIVE to inet_diag: bound sockets that never
// listened or connected. We ask for every state bit, so they appear as CLOSED.
TEST(SockDiag, BoundButUnusedSocketIsReportedAsClosed) {
    if (auto missing = test::missing_root()) GTEST_SKIP() << *missing;
    if (!kernel_at_least(6, 7)) GTEST_SKIP() << "the kernel reports bound-inactive sockets from Linux 6.7 on";
    const testing::AssertionResult ran = run_in_fresh_network_namespace([] {
        Result<SockDiag> diag = SockDiag::open();
        ASSERT_TRUE(diag.ok()) << diag.error().what;
        const int bound = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_storage address;
        const socklen_t length = loopback_address(AF_INET, kListenPort, address);
        ASSERT_EQ(::bind(bound, reinterpret_cast<sockaddr*>(&address), length), 0);
        std::vector<SocketInfo> sockets = dump_or_fail(*diag);
        ASSERT_EQ(sockets.size(), 1u) << describe(sockets);
        EXPECT_EQ(sockets[0].state, TcpState::Closed);
        EXPECT_EQ(sockets[0].local, local_endpoint(bound));
        EXPECT_EQ(sockets[0].inode, inode_of(bound));
        ::close(bound);
    });
    ASSERT_TRUE(ran);
}

// The netlink socket belongs to the namespace of the thread that opened it. A
// listener in the test's own namespace (bound, never sent a packet) must not
// appear in a dump taken from a fresh namespace.
TEST(SockDiag, FreshNamespaceDoesNotSeeOtherNamespaces) {
    if (auto missing = test::missing_root()) GTEST_SKIP() << *missing;
    const int host_listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_storage address;
    const socklen_t length = loopback_address(AF_INET, 0, address);  // port 0: let the kernel choose
    ASSERT_EQ(::bind(host_listener, reinterpret_cast<sockaddr*>(&address), length), 0);
    ASSERT_EQ(::listen(host_listener, 1), 0);
    const Endpoint host_endpoint = local_endpoint(host_listener);
    const Endpoint any_remote{IpAddress::v4(0, 0, 0, 0), 0};

    // Our own namespace sees it (a dump is read-only; it sends no traffic).
    Result<SockDiag> host_diag = SockDiag::open();
    ASSERT_TRUE(host_diag.ok()) << host_diag.error().what;
    std::vector<SocketInfo> host_sockets = dump_or_fail(*host_diag);
    EXPECT_NE(find_socket(host_sockets, TcpState::Listen, host_endpoint, any_remote), nullptr);

    const testing::AssertionResult ran = run_in_fresh_network_namespace([&] {
        Result<SockDiag> diag = SockDiag::open();
        ASSERT_TRUE(diag.ok()) << diag.error().what;
        std::vector<SocketInfo> sockets = dump_or_fail(*diag);
        EXPECT_TRUE(sockets.empty()) << describe(sockets);
    });
    ::close(host_listener);
    ASSERT_TRUE(ran);
}

// A dump of many sockets arrives as several netlink datagrams, each holding
// many messages; every socket of both families must come through once.
TEST(SockDiag, ManySocketsSpanSeveralDatagrams) {
    if (auto missing = test::missing_root()) GTEST_SKIP() << *missing;
    const testing::AssertionResult ran = run_in_fresh_network_namespace([] {
        constexpr int kPerFamily = 300;  // ~90 bytes each: well over one 32 KiB datagram
        std::vector<int> listeners;
        for (const int family : {AF_INET, AF_INET6})
            for (int i = 0; i < kPerFamily; ++i)
                listeners.push_back(listen_on_loopback(family, static_cast<uint16_t>(10000 + i), 1));
        Result<SockDiag> diag = SockDiag::open();
        ASSERT_TRUE(diag.ok()) << diag.error().what;
        std::vector<SocketInfo> sockets = dump_or_fail(*diag);
        EXPECT_EQ(sockets.size(), listeners.size());
        std::vector<int> seen_per_port(kPerFamily, 0);
        for (const SocketInfo& info : sockets) {
            EXPECT_EQ(info.state, TcpState::Listen);
            if (info.local.port >= 10000 && info.local.port < 10000 + kPerFamily)
                ++seen_per_port[info.local.port - 10000];
        }
        for (int i = 0; i < kPerFamily; ++i) EXPECT_EQ(seen_per_port[i], 2) << "port " << 10000 + i;
        for (const int fd : listeners) ::close(fd);
    });
    ASSERT_TRUE(ran);
}

TEST(SockDiag, MovedHandleKeepsWorkingAndEmptyOneFails) {
    Result<SockDiag> opened = SockDiag::open();
    ASSERT_TRUE(opened.ok()) << opened.error().what;
    SockDiag first = std::move(*opened);
    SockDiag second = std::move(first);
    EXPECT_TRUE(second.dump_tcp().ok());
    EXPECT_TRUE(second.dump_tcp().ok());                            // sequence numbers move on between dumps
    Result<std::vector<SocketInfo>> from_moved = first.dump_tcp();  // NOLINT(bugprone-use-after-move): on purpose
    ASSERT_FALSE(from_moved.ok());
    EXPECT_FALSE(from_moved.error().what.empty());
}

}  // namespace
}  // namespace tcplab
