// Integration: the backlog and concurrency lesson (assets/lessons/queues.toml)
// run unattended on the real kernel. Every expectation must hold, and beyond
// the ✓ marks this test follows the clients through the steps: the four SYNs
// sent together, the two clients whose final ACK the full queue dropped (the
// SYN-ACKs sent to them again, and later the RSTs, go to the same two ports),
// and the worker threads serving many connections at once.
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <set>

#include "scenarios/run.hpp"
#include "tests/lesson_outcomes.hpp"

namespace tcplab {
namespace {

using namespace tcp_flag;

class QueuesLesson : public TwoHostLessonTest<QueuesLesson> {
public:
    static constexpr const char* kLesson = "queues";
    static constexpr size_t kSteps = 5;

protected:
    // The client ports that segments of the server with exactly `flags` went to.
    static std::set<uint16_t> server_sent_to(const StepView& view, uint8_t flags, bool retransmitted_only) {
        std::set<uint16_t> ports;
        for (const PacketEvent* packet : view.segments()) {
            if (run_->trace().sender_actor(*packet) != Actor::Server || packet->flags != flags) continue;
            if (retransmitted_only && !packet->retransmission) continue;
            ports.insert(run_->trace().receiver(*packet).port);
        }
        return ports;
    }
};

// One test, so that the lesson runs once in ctest (each test is a process of its own).
TEST_F(QueuesLesson, HoldsOnTheRealKernel) {
    {
        SCOPED_TRACE("every expectation holds and each question has one answer");
        expect_every_step_held(*run_);
    }

    {
        SCOPED_TRACE("connect returns without accept and accept is never called");
        const StepView two = view("queues.two_wait");
        const auto connects = two.calls(Actor::Client, "connect");
        ASSERT_EQ(connects.size(), 2u);
        for (const CallEvent* connect : connects) EXPECT_EQ(connect->result, 0);
        for (const CallEvent& call : run_->trace().calls()) {
            if (call.actor != Actor::Server || call.call != "accept") continue;
            EXPECT_GE(call.time_ns, step("queues.workers").begin_ns) << "accept() before the worker step";
        }
    }

    {
        SCOPED_TRACE("four syns leave together and the two dropped acks become resets");
        const StepView four = view("queues.four_more");
        // The four SYNs all leave before the first SYN-ACK can come back over the 40 ms wire.
        std::set<uint16_t> syn_ports;
        int64_t first_syn_ns = 0;
        int64_t last_syn_ns = 0;
        for (const PacketEvent* packet : four.segments()) {
            if (packet->flags != Syn || packet->retransmission) continue;
            if (run_->trace().sender_actor(*packet) != Actor::Client) continue;
            syn_ports.insert(run_->trace().sender(*packet).port);
            if (!first_syn_ns) first_syn_ns = packet->time_ns;
            last_syn_ns = packet->time_ns;
        }
        EXPECT_EQ(syn_ports.size(), 4u);
        EXPECT_LT(last_syn_ns - first_syn_ns, 40'000'000);

        // Which clients connected: three return 0, the one whose SYN was dropped is still connecting.
        std::set<uint16_t> connected;
        std::set<uint16_t> still_connecting;
        for (const CallEvent* connect : four.calls(Actor::Client, "connect")) {
            if (connect->result == 0) connected.insert(connect->local.port);
            if (connect->result < 0 && connect->error_number == EINPROGRESS)
                still_connecting.insert(connect->local.port);
        }
        EXPECT_EQ(connected.size(), 3u);
        EXPECT_EQ(still_connecting.size(), 1u);
        EXPECT_TRUE(server_sent_to(four, Syn | Ack, false).count(*still_connecting.begin()) == 0)
            << "the dropped SYN got no SYN-ACK";

        // The server sends its SYN-ACK again to exactly the two clients whose ACK it
        // dropped (connected, as far as they know), and later resets exactly those two.
        const std::set<uint16_t> dropped_acks = server_sent_to(four, Syn | Ack, true);
        EXPECT_EQ(dropped_acks.size(), 2u);
        for (uint16_t port : dropped_acks) EXPECT_TRUE(connected.count(port)) << port;
        const StepView abort = view("queues.abort");
        EXPECT_EQ(server_sent_to(abort, Rst, false), dropped_acks);
        std::set<uint16_t> reset;
        for (const CallEvent* recv : abort.calls(Actor::Client, "recv"))
            if (recv->error_number == ECONNRESET) reset.insert(recv->local.port);
        EXPECT_EQ(reset, dropped_acks);
    }

    {
        SCOPED_TRACE("worker threads serve many connections at once");
        const StepView workers = view("queues.workers");
        size_t answered = 0;
        for (const CallEvent* recv : workers.calls(Actor::Client, "recv")) answered += recv->data == "hello";
        EXPECT_EQ(answered, 20u);
        // Connections between accept() and close() on the server at the same moment.
        std::vector<std::pair<int64_t, int>> moments;
        for (const CallEvent* accept : workers.calls(Actor::Server, "accept"))
            if (accept->result >= 0) moments.push_back({accept->return_ns, +1});
        for (const CallEvent* close : workers.calls(Actor::Server, "close")) moments.push_back({close->time_ns, -1});
        std::sort(moments.begin(), moments.end());
        int open = 0;
        int most = 0;
        for (const auto& [time, change] : moments) most = std::max(most, open += change);
        EXPECT_GE(most, 5);
    }
}

}  // namespace
}  // namespace tcplab
