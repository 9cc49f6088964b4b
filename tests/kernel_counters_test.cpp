// Kernel counters: the /proc two-line format parsed from golden text, and the
// real counters of a fresh network namespace moving with one connection on lo.
#include "capture/kernel_counters.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "fresh_netns.hpp"

namespace tcplab {
namespace {

// Shortened from a real /proc/net/snmp and /proc/net/netstat of Linux 6.1.
constexpr const char* kSnmpText =
    "Ip: Forwarding DefaultTTL InReceives\n"
    "Ip: 2 64 916\n"
    "IcmpMsg: InType3\n"
    "IcmpMsg: 1\n"
    "Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs "
    "OutSegs RetransSegs InErrs OutRsts InCsumErrors\n"
    "Tcp: 1 200 120000 -1 13 2 0 0 0 889 464 7 0 2 0\n";

constexpr const char* kNetstatText =
    "TcpExt: SyncookiesSent SyncookiesRecv SyncookiesFailed ListenOverflows ListenDrops TCPReqQFullDoCookies "
    "TCPReqQFullDrop\n"
    "TcpExt: 3 1 0 12 14 5 9\n"
    "IpExt: InNoRoutes InTruncatedPkts\n"
    "IpExt: 0 4\n";

TEST(KernelCounters, ParsesTheTcpGroupOfSnmp) {
    auto parsed = parse_proc_counters(kSnmpText);
    ASSERT_TRUE(parsed.ok()) << parsed.error().what;
    const CounterValues& values = parsed.value();
    EXPECT_EQ(values.at("Tcp.ActiveOpens"), 13);
    EXPECT_EQ(values.at("Tcp.PassiveOpens"), 2);
    EXPECT_EQ(values.at("Tcp.InSegs"), 889);
    EXPECT_EQ(values.at("Tcp.OutSegs"), 464);
    EXPECT_EQ(values.at("Tcp.RetransSegs"), 7);
    EXPECT_EQ(values.at("Tcp.MaxConn"), -1);
    EXPECT_EQ(values.at("Ip.DefaultTTL"), 64);
    EXPECT_EQ(values.at("IcmpMsg.InType3"), 1);
    EXPECT_EQ(values.size(), 3u + 1u + 15u);
}

TEST(KernelCounters, ParsesTheTcpExtGroupOfNetstat) {
    auto parsed = parse_proc_counters(kNetstatText);
    ASSERT_TRUE(parsed.ok()) << parsed.error().what;
    const CounterValues& values = parsed.value();
    EXPECT_EQ(values.at("TcpExt.SyncookiesSent"), 3);
    EXPECT_EQ(values.at("TcpExt.SyncookiesRecv"), 1);
    EXPECT_EQ(values.at("TcpExt.ListenOverflows"), 12);
    EXPECT_EQ(values.at("TcpExt.ListenDrops"), 14);
    EXPECT_EQ(values.at("TcpExt.TCPReqQFullDoCookies"), 5);
    EXPECT_EQ(values.at("TcpExt.TCPReqQFullDrop"), 9);
    EXPECT_EQ(values.at("IpExt.InTruncatedPkts"), 4);
    EXPECT_FALSE(values.count("Tcp.ActiveOpens"));
}

TEST(KernelCounters, MalformedTextIsAnErrorNamingTheGroup) {
    auto missing_values = parse_proc_counters("Tcp: ActiveOpens PassiveOpens\n");
    ASSERT_FALSE(missing_values.ok());
    EXPECT_NE(missing_values.error().what.find("Tcp"), std::string::npos);

    auto count_mismatch = parse_proc_counters("Tcp: ActiveOpens PassiveOpens\nTcp: 1\n");
    ASSERT_FALSE(count_mismatch.ok());
    EXPECT_NE(count_mismatch.error().what.find("2 names but 1 values"), std::string::npos);

    auto not_a_number = parse_proc_counters("TcpExt: TW\nTcpExt: many\n");
    ASSERT_FALSE(not_a_number.ok());
    EXPECT_NE(not_a_number.error().what.find("TcpExt.TW"), std::string::npos);

    auto other_group = parse_proc_counters("Tcp: ActiveOpens\nUdp: 1\n");
    EXPECT_FALSE(other_group.ok());
}

TEST(KernelCounters, ChangeIsLatestMinusStart) {
    KernelCounters counters;
    counters.at_start.values = {{"Tcp.ActiveOpens", 4}, {"Tcp.InSegs", 100}};
    counters.latest.values = {{"Tcp.ActiveOpens", 5}, {"Tcp.InSegs", 100}, {"Tcp.OutSegs", 3}};
    EXPECT_EQ(counters.change("Tcp.ActiveOpens"), 1);
    EXPECT_EQ(counters.change("Tcp.InSegs"), 0);
    EXPECT_EQ(counters.change("Tcp.OutSegs"), std::nullopt);
    EXPECT_EQ(counters.latest.value("Tcp.OutSegs"), 3);
    EXPECT_EQ(counters.latest.value("Tcp.Nothing"), std::nullopt);
}

// One connection on lo inside a fresh namespace: the namespace's own counters
// (read through /proc/thread-self) count one active and one passive open; the
// host's far busier counters would not move by exactly one each.
TEST(KernelCounters, AConnectionInAFreshNamespaceOpensOnceEachWay) {
    if (auto missing = test::missing_root()) GTEST_SKIP() << *missing;
    std::optional<CounterSample> before;
    std::optional<CounterSample> after;
    std::string problem;
    const testing::AssertionResult ran = test::run_in_fresh_network_namespace([&] {
        auto first = read_kernel_counters();
        if (!first) {
            problem = first.error().what;
            return;
        }
        before = first.value();

        const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = htons(5000);
        const auto* generic = reinterpret_cast<const sockaddr*>(&address);
        const int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (::bind(listener, generic, sizeof address) != 0 || ::listen(listener, 4) != 0 ||
            ::connect(client, generic, sizeof address) != 0) {
            problem = "cannot connect on lo";
        }
        const int accepted = ::accept(listener, nullptr, nullptr);
        auto second = read_kernel_counters();
        if (second) after = second.value();
        for (int fd : {accepted, client, listener})
            if (fd >= 0) ::close(fd);
    });
    ASSERT_TRUE(ran);
    ASSERT_TRUE(problem.empty()) << problem;
    ASSERT_TRUE(before && after);
    KernelCounters counters{*before, *after};
    EXPECT_EQ(counters.change("Tcp.ActiveOpens"), 1);
    EXPECT_EQ(counters.change("Tcp.PassiveOpens"), 1);
    EXPECT_EQ(counters.change("Tcp.AttemptFails"), 0);
    EXPECT_GE(counters.change("Tcp.OutSegs").value_or(0), 3);
    EXPECT_TRUE(before->value("TcpExt.ListenOverflows").has_value());
    EXPECT_GT(after->time_ns, 0);
}

}  // namespace
}  // namespace tcplab
