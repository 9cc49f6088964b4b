// A lab host's network namespace: its own table of TCP sockets (a socket dump
// walks only that), with the defaults an ordinary namespace has.
#include "scenarios/sandbox.hpp"

#include <gtest/gtest.h>
#include <sched.h>

#include <fstream>
#include <string>

#include "capture/namespace_thread.hpp"
#include "tests/environment.hpp"

namespace tcplab {
namespace {

struct TableSettings {
    std::string buckets, syn_backlog, timewait_buckets;
};

TableSettings read_table_settings() {
    const auto read = [](const std::string& name) {
        std::string value;
        std::ifstream("/proc/sys/net/ipv4/" + name) >> value;
        return value;
    };
    return {read("tcp_ehash_entries"), read("tcp_max_syn_backlog"), read("tcp_max_tw_buckets")};
}

TEST(Sandbox, AHostHasItsOwnSocketTableWithTheUsualDefaults) {
    if (auto missing = test::missing_sandbox()) GTEST_SKIP() << *missing;
    // What any new namespace gets: the host's table, shared (a negative size).
    auto ordinary = run_in_namespace(-1, []() -> Result<TableSettings> {
        if (unshare(CLONE_NEWNET) != 0) return Error{"cannot create a network namespace", ""};
        return read_table_settings();
    });
    ASSERT_TRUE(ordinary) << ordinary.error().what;
    if (ordinary.value().buckets.empty())
        GTEST_SKIP() << "this kernel (before Linux 6.1) has no per-namespace socket tables";
    EXPECT_EQ(ordinary.value().buckets.front(), '-') << ordinary.value().buckets;

    auto host = Sandbox::create();
    ASSERT_TRUE(host) << host.error().what;
    auto settings =
        run_in_namespace(host.value().netns_fd(), []() -> Result<TableSettings> { return read_table_settings(); });
    ASSERT_TRUE(settings) << settings.error().what;
    EXPECT_EQ(settings.value().buckets, "4096");
    EXPECT_EQ(settings.value().syn_backlog, ordinary.value().syn_backlog);
    EXPECT_EQ(settings.value().timewait_buckets, ordinary.value().timewait_buckets);
}

}  // namespace
}  // namespace tcplab
