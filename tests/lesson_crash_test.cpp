// Integration: the crash lesson (assets/lessons/crash.toml) on the real
// kernel, unattended. Every expectation must hold, and what each kind of
// peer death puts on the wire and returns to the client's calls is checked
// here from the trace itself.
#include <gtest/gtest.h>

#include <cerrno>

#include "tests/environment.hpp"
#include "tests/lesson_steps.hpp"

namespace tcplab {
namespace {

using namespace test;
using namespace tcp_flag;

size_t count_flags(const std::vector<const PacketEvent*>& segments, uint8_t flags) {
    size_t count = 0;
    for (const PacketEvent* packet : segments)
        if (packet->flags == flags) ++count;
    return count;
}

void check_a_killed_process_closes_like_close(const LessonRun& run) {
    const StepView unread = view_of(run, "crash.kill_unread");
    const std::vector<const PacketEvent*> from_server = segments_from(unread, Actor::Server);
    EXPECT_EQ(count_flags(from_server, Rst | Ack), 1u);
    EXPECT_EQ(count_flags(from_server, Fin | Ack), 0u);
    const CallEvent* recv = unread.call(Actor::Client, "recv");
    ASSERT_NE(recv, nullptr);
    EXPECT_EQ(recv->error_number, ECONNRESET);

    const StepView clean = view_of(run, "crash.kill_clean");
    const std::vector<const PacketEvent*> fin_side = segments_from(clean, Actor::Server);
    EXPECT_EQ(count_flags(fin_side, Fin | Ack), 1u);
    EXPECT_EQ(count_flags(fin_side, Rst | Ack), 0u);
    EXPECT_TRUE(choice_held(run, "crash.kill_unread", "RST"));
    EXPECT_FALSE(choice_held(run, "crash.kill_unread", "FIN"));
    EXPECT_TRUE(choice_held(run, "crash.kill_clean", "FIN"));
}

void check_writing_to_the_dead(const LessonRun& run) {
    const StepView view = view_of(run, "crash.write_dead");
    const std::vector<const CallEvent*> sends = view.calls(Actor::Client, "send");
    ASSERT_EQ(sends.size(), 3u);
    EXPECT_EQ(sends[0]->result, 6);
    EXPECT_EQ(sends[1]->error_number, EPIPE);
    EXPECT_EQ(sends[2]->error_number, EPIPE);
    // The RST answers the data, and comes before the failing send().
    const std::vector<const PacketEvent*> from_server = segments_from(view, Actor::Server);
    ASSERT_EQ(count_flags(from_server, Rst), 1u);
    for (const PacketEvent* packet : from_server)
        if (packet->flags == Rst) {
            EXPECT_LT(packet->time_ns, sends[1]->time_ns);
        }
    EXPECT_TRUE(choice_held(run, "crash.write_dead", "6"));
}

void check_keepalive_ends_a_vanished_peer(const LessonRun& run) {
    const StepView vanish = view_of(run, "crash.vanish");
    EXPECT_FALSE(vanish.reached(Actor::Client, TcpState::Closed));
    const StepView keepalive = view_of(run, "crash.keepalive");
    std::vector<const PacketEvent*> probes = segments_from(keepalive, Actor::Client);
    ASSERT_EQ(probes.size(), 4u);
    // Giving up, the kernel sends RST last, in case the peer is there after all.
    EXPECT_EQ(probes.back()->flags, Rst | Ack);
    probes.pop_back();
    for (const PacketEvent* probe : probes) {
        EXPECT_EQ(probe->flags, Ack);
        EXPECT_EQ(probe->payload_length, 0u);
        EXPECT_EQ(keepalive.trace().relative_seq(*probe), 0u);  // one byte before what was sent: it must be answered
    }
    // TCP_KEEPINTVL = 1 s apart; nothing crossed the cut wire.
    for (size_t index = 1; index < probes.size(); ++index) {
        const int64_t apart_ms = (probes[index]->time_ns - probes[index - 1]->time_ns) / 1'000'000;
        EXPECT_GE(apart_ms, 900);
        EXPECT_LE(apart_ms, 1500);
    }
    EXPECT_TRUE(segments_from(keepalive, Actor::Server).empty());
    const CallEvent* recv = keepalive.call(Actor::Client, "recv");
    ASSERT_NE(recv, nullptr);
    EXPECT_EQ(recv->error_number, ETIMEDOUT);
    EXPECT_TRUE(choice_held(run, "crash.keepalive", "3"));
}

void check_a_rebooted_host_resets(const LessonRun& run) {
    const StepView view = view_of(run, "crash.reboot");
    const std::vector<const PacketEvent*> from_server = segments_from(view, Actor::Server);
    // The RSTs of the sockets the reboot ended went onto the cut wire and were dropped there.
    size_t dropped_to_client = 0;
    for (const WireEvent& event : run.trace().wire_events())
        if (event.action == WireAction::Dropped && event.direction == WireDirection::ToClient &&
            event.time_ns >= view.begin_ns() && event.time_ns <= view.end_ns())
            ++dropped_to_client;
    EXPECT_EQ(dropped_to_client, count_flags(from_server, Rst | Ack));
    EXPECT_EQ(count_flags(from_server, Rst), 1u);
    const CallEvent* recv = view.call(Actor::Client, "recv");
    ASSERT_NE(recv, nullptr);
    EXPECT_EQ(recv->error_number, ECONNRESET);
    EXPECT_TRUE(choice_held(run, "crash.reboot", "RST"));
}

TEST(CrashLesson, RunsUnattendedAndShowsWhatItTeaches) {
    if (auto missing = missing_sandbox()) GTEST_SKIP() << *missing;
    if (auto missing = missing_tun()) GTEST_SKIP() << *missing;
    auto run = run_to_end("crash");
    ASSERT_NE(run, nullptr);
    EXPECT_EQ(run->topology(), Topology::TwoHosts);
    expect_every_expectation_held(*run);
    check_a_killed_process_closes_like_close(*run);
    check_writing_to_the_dead(*run);
    check_keepalive_ends_a_vanished_peer(*run);
    check_a_rebooted_host_resets(*run);
}

}  // namespace
}  // namespace tcplab
