// The SYN flood generator against a real listener on the wire: spoofed SYNs
// fill the server's SYN_RECV queue (as ss would show it), the SYN-ACKs to the
// made-up sources vanish on the wire and are retransmitted by the kernel, and
// with SYN cookies on the server answers past its backlog without keeping any
// half-open socket.
#include "scenarios/syn_flood.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <functional>
#include <set>
#include <thread>

#include "capture/kernel_counters.hpp"
#include "capture/sock_diag.hpp"
#include "scenarios/sandbox.hpp"
#include "tests/environment.hpp"

namespace tcplab {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kBacklog = 16;

template <class T>
T in_namespace(const Sandbox& sandbox, const std::function<T()>& body) {
    T result{};
    std::thread worker([&] {
        if (sandbox.enter().ok()) result = body();
    });
    worker.join();
    return result;
}

template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds limit = 5000ms) {
    const auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(20ms);
    }
    return condition();
}

TEST(SynFloodSources, AreDistinctInsideTheTestNetAndOwnedByNoHost) {
    // A host placed among the spoofed range must be stepped over.
    WireAddresses hosts;
    hosts.client = IpAddress::v4(198, 18, 0, 1);
    hosts.server = IpAddress::v4(198, 18, 1, 7);
    std::set<IpAddress> seen;
    for (uint32_t n = 0; n < 5000; ++n) {
        const IpAddress address = SynFlood::source_address(n, hosts);
        ASSERT_EQ(address.version, 4);
        EXPECT_EQ(address.bytes[0], 198);
        EXPECT_TRUE(address.bytes[1] == 18 || address.bytes[1] == 19) << address.to_string();
        EXPECT_NE(address, hosts.client);
        EXPECT_NE(address, hosts.server);
        seen.insert(address);
    }
    EXPECT_EQ(seen.size(), 5000u);
    EXPECT_EQ(SynFlood::source_address(6, hosts), IpAddress::v4(198, 18, 1, 6));
    EXPECT_EQ(SynFlood::source_address(7, hosts), IpAddress::v4(198, 18, 1, 8));
}

class SynFloodTest : public testing::Test {
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
        auto wire = Wire::create(client_->netns_fd(), server_->netns_fd(), WireOptions{});
        ASSERT_TRUE(wire) << wire.error().what;
        wire_ = std::move(wire.value());
    }

    void TearDown() override {
        if (listener_ >= 0) ::close(listener_);
    }

    void listen_on_server(const char* syncookies) {
        ASSERT_TRUE(server_->set_sysctl("net/ipv4/tcp_syncookies", syncookies).ok());
        listener_ = in_namespace<int>(*server_, [] { return ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0); });
        ASSERT_GE(listener_, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(target_.port);
        std::memcpy(&address.sin_addr, target_.address.bytes.data(), 4);
        ASSERT_EQ(::bind(listener_, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
        ASSERT_EQ(::listen(listener_, kBacklog), 0);
    }

    // Half-open connections to the listener, as `ss -tan state syn-recv` counts them.
    size_t syn_recv_count() {
        return in_namespace<size_t>(*server_, [this] {
            auto diag = SockDiag::open();
            if (!diag) return size_t{0};
            auto dump = diag->dump_tcp();
            if (!dump) return size_t{0};
            size_t count = 0;
            for (const SocketInfo& socket : dump.value())
                if (socket.state == TcpState::SynReceived && socket.local == target_) ++count;
            return count;
        });
    }

    int64_t server_counter(const std::string& key) {
        return in_namespace<int64_t>(*server_, [&key] {
            auto sample = read_kernel_counters();
            return sample ? sample->value(key).value_or(-1) : int64_t{-1};
        });
    }

    std::unique_ptr<SynFlood> flood(SynFloodOptions options) {
        auto started = SynFlood::start(*wire_, options);
        if (!started) {
            ADD_FAILURE() << started.error().what;
            return nullptr;
        }
        return std::move(started.value());
    }

    std::optional<Sandbox> client_;
    std::optional<Sandbox> server_;
    std::unique_ptr<Wire> wire_;
    int listener_ = -1;
    const Endpoint target_{IpAddress::v4(198, 18, 0, 2), 8080};
};

TEST_F(SynFloodTest, RejectsOptionsThatCannotWork) {
    SynFloodOptions no_end;
    no_end.target = target_;
    EXPECT_FALSE(SynFlood::start(*wire_, no_end).ok());
    SynFloodOptions no_target;
    no_target.count = 10;
    EXPECT_FALSE(SynFlood::start(*wire_, no_target).ok());
    SynFloodOptions negative_rate;
    negative_rate.target = target_;
    negative_rate.count = 10;
    negative_rate.rate = -5;
    EXPECT_FALSE(SynFlood::start(*wire_, negative_rate).ok());
    SynFloodOptions no_sources;
    no_sources.target = target_;
    no_sources.count = 10;
    no_sources.sources = 0;
    EXPECT_FALSE(SynFlood::start(*wire_, no_sources).ok());
}

TEST_F(SynFloodTest, WithoutCookiesTheBacklogFillsWithHalfOpenConnectionsWhoseSynAcksAreRetransmitted) {
    listen_on_server("0");
    const int64_t retransmitted_before = server_counter("TcpExt.TCPSynRetrans");
    SynFloodOptions options;
    options.target = target_;
    options.count = 300;
    auto attack = flood(options);
    ASSERT_NE(attack, nullptr);
    attack->wait();
    const SynFloodStats stats = attack->stats();
    EXPECT_TRUE(stats.finished);
    EXPECT_EQ(stats.injected, 300u);
    EXPECT_EQ(wire_->stats().injected, 300u);

    // The queue fills up to the backlog and no further: the rest are dropped.
    ASSERT_TRUE(eventually([&] { return syn_recv_count() >= kBacklog / 2; }));
    EXPECT_LE(syn_recv_count(), static_cast<size_t>(kBacklog) + 1);
    EXPECT_GT(server_counter("TcpExt.TCPReqQFullDrop"), 0);
    EXPECT_LE(server_counter("TcpExt.SyncookiesSent"), 0);
    // Nobody answers the SYN-ACKs: about a second later the kernel sends them again.
    EXPECT_TRUE(eventually([&] { return server_counter("TcpExt.TCPSynRetrans") > retransmitted_before; }));
    EXPECT_GT(wire_->stats().vanished, static_cast<uint64_t>(kBacklog / 2));
}

TEST_F(SynFloodTest, WithCookiesTheServerAnswersPastItsBacklogWithoutKeepingSockets) {
    listen_on_server("1");
    SynFloodOptions options;
    options.target = target_;
    options.count = 300;
    options.seed = 7;
    auto attack = flood(options);
    ASSERT_NE(attack, nullptr);
    attack->wait();
    EXPECT_EQ(attack->stats().injected, 300u);

    // Past the backlog every SYN is answered with a cookie instead of a socket.
    ASSERT_TRUE(eventually([&] { return server_counter("TcpExt.SyncookiesSent") > 0; }));
    EXPECT_GT(server_counter("TcpExt.TCPReqQFullDoCookies"), 0);
    EXPECT_LE(syn_recv_count(), static_cast<size_t>(kBacklog) + 1);
    // Every SYN got a SYN-ACK (a socket's or a cookie's), and each vanished on the wire.
    EXPECT_TRUE(eventually([&] { return wire_->stats().vanished >= 300u; }));
}

TEST_F(SynFloodTest, KeepsItsRateAndStopsWhenTheDurationIsOver) {
    listen_on_server("1");
    SynFloodOptions options;
    options.target = target_;
    options.rate = 1000;
    options.duration = 300ms;
    auto attack = flood(options);
    ASSERT_NE(attack, nullptr);
    attack->wait();
    const SynFloodStats stats = attack->stats();
    EXPECT_TRUE(stats.finished);
    // The schedule allows SYN k at k / rate: no more than the duration lets through.
    EXPECT_LE(stats.injected, 301u);
    EXPECT_GT(stats.injected, 0u);
    EXPECT_GE(stats.elapsed, 300ms);
}

TEST_F(SynFloodTest, StopEndsAnOpenEndedFlood) {
    listen_on_server("1");
    SynFloodOptions options;
    options.target = target_;
    options.duration = std::chrono::hours(1);
    auto attack = flood(options);
    ASSERT_NE(attack, nullptr);
    ASSERT_TRUE(eventually([&] { return attack->stats().injected > 100; }));
    attack->stop();
    const SynFloodStats stopped = attack->stats();
    EXPECT_TRUE(stopped.finished);
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(attack->stats().injected, stopped.injected);
}

}  // namespace
}  // namespace tcplab
