// Integration: the flow control lesson (assets/lessons/flow.toml) run
// unattended on the real kernel. Every expectation must hold, and beyond the
// ✓ marks this test reads what the lesson is about in the segments and calls:
// a short send() then EAGAIN, a zero window that holds exactly the bytes the
// reader later gets, probes one byte below the window, a window update sent
// by recv(), and sendall() returning only after the reader began reading.
#include <gtest/gtest.h>

#include <cerrno>

#include "scenarios/run.hpp"
#include "tests/lesson_outcomes.hpp"

namespace tcplab {
namespace {

using namespace tcp_flag;

class FlowLesson : public TwoHostLessonTest<FlowLesson> {
public:
    static constexpr const char* kLesson = "flow";
    static constexpr size_t kSteps = 5;

protected:
    static std::vector<const PacketEvent*> from(const StepView& view, Actor sender) {
        std::vector<const PacketEvent*> packets;
        for (const PacketEvent* packet : view.segments())
            if (run_->trace().sender_actor(*packet) == sender) packets.push_back(packet);
        return packets;
    }
};

// One test, so that the lesson runs once in ctest (each test is a process of its own).
TEST_F(FlowLesson, HoldsOnTheRealKernel) {
    {
        SCOPED_TRACE("every expectation holds and each question has one answer");
        expect_every_step_held(*run_);
    }

    {
        SCOPED_TRACE("the readers small buffer gives a small window from the handshake on");
        const StepView connect = view("flow.connect");
        const PacketEvent* syn = connect.segment(Actor::Client, Syn);
        const PacketEvent* syn_ack = connect.segment(Actor::Server, Syn | Ack);
        ASSERT_NE(syn, nullptr);
        ASSERT_NE(syn_ack, nullptr);
        EXPECT_GT(syn_ack->window, 0);
        EXPECT_LT(syn_ack->window, 8192);  // SO_RCVBUF 4096, doubled by the kernel, and only part of it offered
        EXPECT_GT(syn->window, 4 * syn_ack->window);
    }

    {
        SCOPED_TRACE("a non blocking send takes part then nothing and the zero window holds what the reader gets");
        const StepView fill = view("flow.fill");
        const auto sends = fill.calls(Actor::Client, "send");
        ASSERT_EQ(sends.size(), 2u);
        EXPECT_GT(sends[0]->result, 0);
        EXPECT_LT(sends[0]->result, 100000);
        EXPECT_EQ(sends[1]->result, -1);
        EXPECT_EQ(sends[1]->error_number, EAGAIN);

        // The client put on the wire only bytes that send() took.
        int64_t highest_sent = 0;
        for (const PacketEvent* packet : from(fill, Actor::Client))
            if (packet->payload_length > 0)
                highest_sent = std::max<int64_t>(highest_sent, run_->trace().relative_seq(*packet) - 1 +
                                                                   static_cast<int64_t>(packet->payload_length));
        EXPECT_GT(highest_sent, 0);
        EXPECT_LE(highest_sent, sends[0]->result);

        // The zero window's ack says how many bytes the server's kernel holds; the
        // reader's one recv() later returns exactly those.
        const PacketEvent* zero = nullptr;
        for (const PacketEvent* packet : from(fill, Actor::Server))
            if (packet->window == 0 && !zero) zero = packet;
        ASSERT_NE(zero, nullptr);
        const int64_t held = static_cast<int64_t>(run_->trace().relative_ack(*zero)) - 1;
        const CallEvent* first_read = view("flow.read").call(Actor::Server, "recv");
        ASSERT_NE(first_read, nullptr);
        EXPECT_EQ(first_read->result, held);
    }

    {
        SCOPED_TRACE("probes carry no data one byte below the window and come less often");
        const StepView probe = view("flow.probe");
        const auto probes = from(probe, Actor::Client);
        ASSERT_GE(probes.size(), 2u);
        for (const PacketEvent* packet : probes) {
            EXPECT_EQ(packet->flags, Ack);
            EXPECT_EQ(packet->payload_length, 0u);
        }
        const auto answers = from(probe, Actor::Server);
        ASSERT_FALSE(answers.empty());
        for (const PacketEvent* answer : answers) {
            EXPECT_EQ(answer->window, 0);
            // seq one below what the server expects: an old byte, which the receiver must acknowledge.
            EXPECT_EQ(run_->trace().relative_seq(*probes.front()) + 1, run_->trace().relative_ack(*answer));
        }
        // The persist timer backs off: the wait between probes grows.
        if (probes.size() >= 3) {
            const int64_t first_gap = probes[1]->time_ns - probes[0]->time_ns;
            const int64_t second_gap = probes[2]->time_ns - probes[1]->time_ns;
            EXPECT_GT(second_gap, first_gap * 3 / 2);
        }
    }

    {
        SCOPED_TRACE("recv sends the window update before the client sends again");
        const StepView read = view("flow.read");
        const CallEvent* recv = read.call(Actor::Server, "recv");
        ASSERT_NE(recv, nullptr);
        const PacketEvent* update = nullptr;
        const PacketEvent* more_data = nullptr;
        for (const PacketEvent* packet : read.segments()) {
            const Actor sender = run_->trace().sender_actor(*packet);
            if (sender == Actor::Server && packet->window > 0 && !update) update = packet;
            if (sender == Actor::Client && packet->payload_length > 0 && !more_data) more_data = packet;
        }
        ASSERT_NE(update, nullptr);
        ASSERT_NE(more_data, nullptr);
        EXPECT_EQ(update->payload_length, 0u);
        EXPECT_GE(update->time_ns, recv->time_ns);
        EXPECT_LT(update->time_ns, more_data->time_ns);
    }

    {
        SCOPED_TRACE("sendall returns after the reader began and every byte arrives");
        const StepView sendall_step = view("flow.sendall");
        const CallEvent* sendall = sendall_step.call(Actor::Client, "sendall");
        const auto reads = sendall_step.calls(Actor::Server, "recv");
        ASSERT_NE(sendall, nullptr);
        ASSERT_FALSE(reads.empty());
        EXPECT_EQ(sendall->result, 50000);
        EXPECT_GT(sendall->return_ns, reads.front()->time_ns);
        EXPECT_EQ(reads.back()->result, 0);

        // Nothing was lost: the server read every byte that send() and sendall() took.
        int64_t sent = 0;
        int64_t received = 0;
        for (const CallEvent& call : run_->trace().calls()) {
            if (call.result <= 0) continue;
            if (call.actor == Actor::Client && (call.call == "send" || call.call == "sendall")) sent += call.result;
            if (call.actor == Actor::Server && call.call == "recv") received += call.result;
        }
        EXPECT_EQ(received, sent);
    }
}

}  // namespace
}  // namespace tcplab
