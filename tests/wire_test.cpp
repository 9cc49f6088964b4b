// The wire between two sandboxed hosts: the gate holds real segments while the
// kernel's states stay put, drops make TCP recover, latency and MTU are real,
// crafted segments can be injected, and nothing can reach beyond the sandbox.
#include "scenarios/wire.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <functional>
#include <thread>

#include "capture/decode.hpp"
#include "capture/sock_diag.hpp"
#include "scenarios/sandbox.hpp"
#include "scenarios/segment_builder.hpp"
#include "tests/environment.hpp"

namespace tcplab {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

template <class T>
T in_namespace(const Sandbox& sandbox, const std::function<T()>& body) {
    T result{};
    std::thread worker([&] {
        if (sandbox.enter().ok()) result = body();
    });
    worker.join();
    return result;
}

// A socket belongs to the namespace it was made in, whichever thread uses it later.
int tcp_socket_in(const Sandbox& sandbox) {
    return in_namespace<int>(sandbox, [] { return ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0); });
}

sockaddr_in address_of(const Endpoint& endpoint) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(endpoint.port);
    std::memcpy(&address.sin_addr, endpoint.address.bytes.data(), 4);
    return address;
}

std::vector<SocketInfo> sockets_in(const Sandbox& sandbox) {
    return in_namespace<std::vector<SocketInfo>>(sandbox, [] {
        auto diag = SockDiag::open();
        if (!diag) return std::vector<SocketInfo>{};
        auto dump = diag->dump_tcp();
        return dump ? dump.value() : std::vector<SocketInfo>{};
    });
}

std::optional<TcpState> state_of(const Sandbox& sandbox, const Endpoint& remote) {
    for (const SocketInfo& socket : sockets_in(sandbox))
        if (socket.remote == remote) return socket.state;
    return std::nullopt;
}

template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds limit = 3000ms) {
    const auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(5ms);
    }
    return condition();
}

uint8_t tcp_flags_of(const HeldPacket& packet) { return decode_frame(LinkType::Raw, packet.bytes).tcp.flags; }

class WireTest : public testing::Test {
protected:
    void SetUp() override {
        if (auto missing = test::missing_sandbox()) GTEST_SKIP() << *missing;
        if (auto missing = test::missing_tun()) GTEST_SKIP() << *missing;
        auto made_client = Sandbox::create();
        auto made_server = Sandbox::create();
        ASSERT_TRUE(made_client) << made_client.error().what;
        ASSERT_TRUE(made_server) << made_server.error().what;
        client_.emplace(std::move(made_client.value()));
        server_.emplace(std::move(made_server.value()));
    }

    std::unique_ptr<Wire> lay_wire(WireOptions options) {
        auto wire = Wire::create(client_->netns_fd(), server_->netns_fd(), options);
        if (!wire) {
            ADD_FAILURE() << wire.error().what << " / " << wire.error().remedy;
            return nullptr;
        }
        return std::move(wire.value());
    }

    // A listening socket on the server host.
    int listen_on_server() {
        const int listener = tcp_socket_in(*server_);
        const sockaddr_in address = address_of(server_endpoint_);
        EXPECT_EQ(::bind(listener, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
        EXPECT_EQ(::listen(listener, 8), 0);
        return listener;
    }

    // A client socket whose connect() is under way (non-blocking).
    int start_connect() {
        const int client = tcp_socket_in(*client_);
        ::fcntl(client, F_SETFL, O_NONBLOCK);
        const sockaddr_in address = address_of(server_endpoint_);
        const int result = ::connect(client, reinterpret_cast<const sockaddr*>(&address), sizeof address);
        EXPECT_TRUE(result == 0 || errno == EINPROGRESS);
        return client;
    }

    static bool connected(int fd) {
        pollfd waiting{fd, POLLOUT, 0};
        if (::poll(&waiting, 1, 0) != 1) return false;
        int error = 0;
        socklen_t length = sizeof error;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
        return error == 0;
    }

    std::optional<Sandbox> client_;
    std::optional<Sandbox> server_;
    const Endpoint server_endpoint_{IpAddress::v4(198, 18, 0, 2), 5000};
};

TEST_F(WireTest, HeldSynKeepsTheClientInSynSentUntilReleased) {
    WireOptions options;
    options.gated = true;
    auto wire = lay_wire(options);
    ASSERT_NE(wire, nullptr);
    const int listener = listen_on_server();
    const int client = start_connect();

    ASSERT_TRUE(eventually([&] { return wire->held().size() == 1; }));
    const HeldPacket syn = wire->held()[0];
    EXPECT_EQ(tcp_flags_of(syn), tcp_flag::Syn);
    EXPECT_EQ(syn.direction, WireDirection::ToServer);
    // The states are stable while the segment waits: ss would show SYN-SENT.
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(state_of(*client_, server_endpoint_), TcpState::SynSent);
    EXPECT_FALSE(connected(client));

    wire->release(syn.segment);
    ASSERT_TRUE(eventually([&] { return wire->held().size() == 1 && wire->held()[0].segment != syn.segment; }));
    const HeldPacket syn_ack = wire->held()[0];
    EXPECT_EQ(tcp_flags_of(syn_ack), tcp_flag::Syn | tcp_flag::Ack);
    EXPECT_EQ(syn_ack.direction, WireDirection::ToClient);
    const Endpoint client_endpoint = [&] {
        sockaddr_in local{};
        socklen_t length = sizeof local;
        ::getsockname(client, reinterpret_cast<sockaddr*>(&local), &length);
        return Endpoint{IpAddress::from_v4_bytes(reinterpret_cast<uint8_t*>(&local.sin_addr)), ntohs(local.sin_port)};
    }();
    EXPECT_EQ(state_of(*server_, client_endpoint), TcpState::SynReceived);

    // Release the SYN-ACK: the client is connected, but its ACK now waits on
    // the wire, so the server still has a half-open connection.
    wire->release(syn_ack.segment);
    ASSERT_TRUE(eventually([&] { return connected(client); }));
    ASSERT_TRUE(eventually([&] { return wire->held().size() == 1; }));
    EXPECT_EQ(tcp_flags_of(wire->held()[0]), tcp_flag::Ack);
    EXPECT_EQ(state_of(*server_, client_endpoint), TcpState::SynReceived);

    wire->release_all();
    EXPECT_TRUE(eventually([&] { return state_of(*server_, client_endpoint) == TcpState::Established; }));

    std::vector<WireEvent> events;
    wire->events().drain([&](WireEvent event) { events.push_back(event); });
    ASSERT_GE(events.size(), 6u);
    EXPECT_EQ(events[0].action, WireAction::Held);
    EXPECT_EQ(events[1].action, WireAction::Released);
    EXPECT_EQ(events[1].by, WireActor::Student);
    ::close(client);
    ::close(listener);
}

TEST_F(WireTest, DroppedSynAckIsRetransmittedByTheKernel) {
    WireOptions options;
    options.gated = true;
    auto wire = lay_wire(options);
    ASSERT_NE(wire, nullptr);
    const int listener = listen_on_server();
    const int client = start_connect();
    ASSERT_TRUE(eventually([&] { return wire->held().size() == 1; }));
    wire->release(wire->held()[0].segment);
    ASSERT_TRUE(eventually(
        [&] { return wire->held().size() == 1 && tcp_flags_of(wire->held()[0]) == (tcp_flag::Syn | tcp_flag::Ack); }));
    const auto dropped_at = Clock::now();
    wire->drop(wire->held()[0].segment);
    ASSERT_TRUE(eventually([&] { return wire->held().empty(); }, 500ms));  // the relay has done it

    // The kernel's own timers are still running: about a second later a
    // SYN-ACK (or the client's SYN) is sent again, and the gate catches it.
    ASSERT_TRUE(eventually([&] { return !wire->held().empty(); }, 5000ms));
    const auto retransmitted_after = Clock::now() - dropped_at;
    EXPECT_GE(retransmitted_after, 800ms);
    wire->set_gated(false);
    EXPECT_TRUE(eventually([&] { return connected(client); }, 5000ms));
    EXPECT_EQ(wire->stats().dropped, 1u);
    ::close(client);
    ::close(listener);
}

// A lesson's drop rule is in place when add_drop_rule() returns (the relay
// applied it), lets the first `after` matching segments pass, takes only
// segments that carry data, and the kernel recovers the dropped bytes.
TEST_F(WireTest, DropRuleTakesTheDataSegmentItNamesAndNothingElse) {
    auto wire = lay_wire({});
    ASSERT_NE(wire, nullptr);
    DropRule rule;
    rule.match = DropRule::Match::Data;
    rule.direction = WireDirection::ToServer;
    rule.after = 1;
    rule.count = 1;
    wire->add_drop_rule(rule);
    EXPECT_EQ(wire->drop_rule_remaining(), 1);  // already the relay's: no wait, no sleep

    const int listener = listen_on_server();
    const int client = start_connect();
    ASSERT_TRUE(eventually([&] { return connected(client); }));  // the handshake carries no data: it passes
    const int accepted = ::accept(listener, nullptr, nullptr);
    ASSERT_GE(accepted, 0);
    const auto receive = [&](size_t bytes) {
        std::string got;
        EXPECT_TRUE(eventually(
            [&] {
                char buffer[64];
                const ssize_t length = ::recv(accepted, buffer, sizeof buffer, MSG_DONTWAIT);
                if (length > 0) got.append(buffer, static_cast<size_t>(length));
                return got.size() >= bytes;
            },
            5000ms));
        return got;
    };
    ASSERT_EQ(::send(client, "first", 5, 0), 5);
    EXPECT_EQ(receive(5), "first");  // the first data segment is let through
    EXPECT_EQ(wire->stats().dropped, 0u);
    ASSERT_EQ(::send(client, "second", 6, 0), 6);
    EXPECT_EQ(receive(6), "second");  // dropped once, then resent by the kernel
    EXPECT_EQ(wire->stats().dropped, 1u);
    EXPECT_EQ(wire->drop_rule_remaining(), 0);
    ::close(accepted);
    ::close(client);
    ::close(listener);
}

// A cut wire drops everything either way; mended, the kernel's retransmission gets through.
TEST_F(WireTest, ACutWireCarriesNothingUntilMended) {
    auto wire = lay_wire({});
    ASSERT_NE(wire, nullptr);
    const int listener = listen_on_server();
    wire->set_cut(true);
    const int client = start_connect();
    ASSERT_TRUE(eventually([&] { return wire->stats().dropped >= 1; }));
    EXPECT_FALSE(connected(client));
    EXPECT_EQ(wire->stats().relayed, 0u);
    wire->set_cut(false);
    EXPECT_TRUE(eventually([&] { return connected(client); }, 5000ms));  // the SYN, sent again after 1 s
    EXPECT_GE(wire->stats().relayed, 2u);
    ::close(client);
    ::close(listener);
}

TEST_F(WireTest, LatencyMakesTheHandshakeTakeTwoOneWayTrips) {
    WireOptions options;
    options.latency = 40ms;
    auto wire = lay_wire(options);
    ASSERT_NE(wire, nullptr);
    const int listener = listen_on_server();
    const auto started = Clock::now();
    const int client = start_connect();
    ASSERT_TRUE(eventually([&] { return connected(client); }));
    const auto took = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started);
    EXPECT_GE(took, 80ms);
    EXPECT_LE(took, 88ms + 15ms) << "poll granularity adds a few ms at most";
    ::close(client);
    ::close(listener);
}

TEST_F(WireTest, SmallMtuMeansSmallSegments) {
    WireOptions options;
    options.mtu = 576;
    auto wire = lay_wire(options);
    ASSERT_NE(wire, nullptr);
    const int listener = listen_on_server();
    const int client = start_connect();
    ASSERT_TRUE(eventually([&] { return connected(client); }));
    tcp_info info{};
    socklen_t length = sizeof info;
    ASSERT_EQ(::getsockopt(client, IPPROTO_TCP, TCP_INFO, &info, &length), 0);
    EXPECT_EQ(info.tcpi_snd_mss, 576u - 40u - 12u) << "MTU minus IPv4, TCP and timestamp option headers";
    ::close(client);
    ::close(listener);
}

TEST_F(WireTest, InjectedSynGetsARealSynAckThatVanishes) {
    auto wire = lay_wire({});
    ASSERT_NE(wire, nullptr);
    const int listener = listen_on_server();
    const Endpoint spoofed{IpAddress::v4(198, 18, 77, 7), 40000};
    wire->inject(craft_ipv4_tcp({spoofed, server_endpoint_, tcp_flag::Syn, 12345, 0, 64240, 1460}),
                 WireDirection::ToServer);
    // The server believes it: a half-open connection to a host that does not exist.
    EXPECT_TRUE(eventually([&] { return state_of(*server_, spoofed) == TcpState::SynReceived; }));
    EXPECT_TRUE(eventually([&] { return wire->stats().vanished >= 1; }));
    EXPECT_EQ(wire->stats().injected, 1u);
    ::close(listener);
}

TEST_F(WireTest, NothingLeavesTheSandbox) {
    auto wire = lay_wire({});
    ASSERT_NE(wire, nullptr);
    // The host namespace (this thread's) has no wire device.
    EXPECT_EQ(if_nametoindex(Wire::kInterface), 0u);
    // Hosts have no route outside 198.18.0.0/15: the kernel refuses at once.
    const int client = tcp_socket_in(*client_);
    const sockaddr_in outside = address_of({IpAddress::v4(192, 0, 2, 1), 80});  // TEST-NET-1
    EXPECT_EQ(::connect(client, reinterpret_cast<const sockaddr*>(&outside), sizeof outside), -1);
    EXPECT_EQ(errno, ENETUNREACH);
    ::close(client);
}

}  // namespace
}  // namespace tcplab
