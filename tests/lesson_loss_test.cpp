// Integration: the loss lesson (assets/lessons/loss.toml) on the real kernel,
// unattended. Every expectation must hold, and the retransmissions, duplicate
// ACKs and TCP_INFO readings it teaches are checked here from the trace itself.
#include <gtest/gtest.h>

#include "scenarios/tcp_info_reading.hpp"
#include "tests/environment.hpp"
#include "tests/lesson_steps.hpp"

namespace tcplab {
namespace {

using namespace test;

std::vector<TcpInfoReading> readings(const StepView& view) {
    std::vector<TcpInfoReading> found;
    for (const CallEvent* call : view.calls(Actor::Client, "getsockopt")) {
        auto reading = parse_tcp_info(call->data);
        EXPECT_TRUE(reading.has_value()) << call->data;
        if (reading) found.push_back(*reading);
    }
    return found;
}

int64_t ms_between(const PacketEvent* earlier, const PacketEvent* later) {
    return (later->time_ns - earlier->time_ns) / 1'000'000;
}

void check_the_timer_backs_off(const LessonRun& run) {
    const StepView view = view_of(run, "loss.timeout");
    const std::vector<const PacketEvent*> data = segments_from(view, Actor::Client, true);
    ASSERT_EQ(data.size(), 3u);  // the original and two retransmissions, all of the same bytes
    for (const PacketEvent* copy : data) EXPECT_EQ(copy->seq, data[0]->seq);
    EXPECT_FALSE(data[0]->retransmission);
    EXPECT_TRUE(data[1]->retransmission && data[2]->retransmission);
    const int64_t first_wait = ms_between(data[0], data[1]);
    const int64_t second_wait = ms_between(data[1], data[2]);
    EXPECT_GE(first_wait, 200);
    EXPECT_GE(second_wait * 10, first_wait * 15) << first_wait << " ms, then " << second_wait << " ms";

    size_t dropped = 0;
    for (const WireEvent& event : run.trace().wire_events())
        if (event.action == WireAction::Dropped && event.by == WireActor::Lesson && event.time_ns >= view.begin_ns() &&
            event.time_ns <= view.end_ns())
            ++dropped;
    EXPECT_EQ(dropped, 2u);
    EXPECT_TRUE(choice_held(run, "loss.timeout", "predict.loss.double_wait"));
    EXPECT_FALSE(choice_held(run, "loss.timeout", "predict.loss.same_wait"));
}

void check_duplicate_acks_carry_sack(const LessonRun& run) {
    const StepView view = view_of(run, "loss.fast_retransmit");
    const std::vector<const PacketEvent*> data = segments_from(view, Actor::Client, true);
    ASSERT_GE(data.size(), 11u);
    const PacketEvent* lost = data[2];
    EXPECT_EQ(view.trace().relative_seq(*lost), 2897u);
    size_t with_sack = 0;
    for (const PacketEvent* ack : segments_from(view, Actor::Server)) {
        if (ack->ack != lost->seq) continue;
        const DecodedPacket decoded = view.trace().decode(*ack);
        for (size_t index = 0; index < decoded.tcp.option_count; ++index)
            if (decoded.tcp.options[index].kind == TcpOption::Kind::Sack && decoded.tcp.options[index].sack_count > 0) {
                ++with_sack;
                break;
            }
    }
    EXPECT_GE(with_sack, 3u);  // the three duplicates that trigger fast retransmit say what did arrive
    size_t resent = 0;
    for (const PacketEvent* copy : data)
        if (copy->retransmission) {
            ++resent;
            EXPECT_EQ(copy->seq, lost->seq);
            EXPECT_LT(ms_between(lost, copy), 200);
        }
    EXPECT_EQ(resent, 1u);
    EXPECT_TRUE(choice_held(run, "loss.fast_retransmit", "predict.loss.after_dup_acks"));
    EXPECT_FALSE(choice_held(run, "loss.fast_retransmit", "predict.loss.go_back_n"));
}

void check_slow_start_doubles(const LessonRun& run) {
    const std::vector<TcpInfoReading> setup = readings(view_of(run, "loss.setup"));
    ASSERT_EQ(setup.size(), 1u);
    EXPECT_EQ(setup[0].cwnd, 10u);
    EXPECT_GE(setup[0].rto_ms, 200);

    const std::vector<TcpInfoReading> slow = readings(view_of(run, "loss.slow_start"));
    ASSERT_EQ(slow.size(), 5u);
    EXPECT_EQ(slow[0].cwnd, 10u);
    // One reading per round trip, each once the flight before is all acknowledged: exactly twice the one before.
    for (size_t index = 1; index < slow.size(); ++index) EXPECT_EQ(slow[index].cwnd, 2 * slow[index - 1].cwnd) << index;
    EXPECT_FALSE(slow.back().ssthresh.has_value());  // no loss: slow start never ended
    const std::vector<const CallEvent*> calls = view_of(run, "loss.slow_start").calls(Actor::Client, "getsockopt");
    // About a round trip of the 80 ms wire apart; less by how long the ACKs of a flight take to
    // come in, as the next flight leaves while they do.
    for (size_t index = 1; index < calls.size(); ++index) {
        const int64_t apart_ms = (calls[index]->time_ns - calls[index - 1]->time_ns) / 1'000'000;
        EXPECT_GE(apart_ms, 50) << index;
        EXPECT_LE(apart_ms, 200) << index;
    }
    EXPECT_TRUE(choice_held(run, "loss.slow_start", "predict.loss.doubles"));
    EXPECT_FALSE(choice_held(run, "loss.slow_start", "predict.loss.plus_one"));
}

TEST(LossLesson, RunsUnattendedAndShowsWhatItTeaches) {
    if (auto missing = missing_sandbox()) GTEST_SKIP() << *missing;
    if (auto missing = missing_tun()) GTEST_SKIP() << *missing;
    auto run = run_to_end("loss");
    ASSERT_NE(run, nullptr);
    EXPECT_EQ(run->topology(), Topology::TwoHosts);
    expect_every_expectation_held(*run);
    check_the_timer_backs_off(*run);
    check_duplicate_acks_carry_sack(*run);
    check_slow_start_doubles(*run);
}

}  // namespace
}  // namespace tcplab
