// The built-in handshake and teardown lessons, run unattended on the real
// kernel: every expectation holds, and each question has exactly one answer.
// The handshake's later steps are checked segment by segment too: the lost
// final ACK, the stale SYN, the random ISNs and the header walk.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <set>

#include "capture/decode.hpp"
#include "capture/transition_merger.hpp"
#include "scenarios/run.hpp"
#include "tests/lesson_outcomes.hpp"

namespace tcplab {
namespace {

class HandshakeLesson : public ::testing::Test {
protected:
    static void SetUpTestSuite() { run_ = run_lesson("handshake").release(); }
    static void TearDownTestSuite() {
        delete run_;
        run_ = nullptr;
    }
    void SetUp() override {
        if (!run_) GTEST_SKIP() << "the lesson could not run";
    }
    static const StepOutcome& step(const std::string& key) {
        const StepOutcome* outcome = outcome_of(*run_, key);
        EXPECT_NE(outcome, nullptr) << key;
        static const StepOutcome none;
        return outcome ? *outcome : none;
    }
    static LessonRun* run_;
};
LessonRun* HandshakeLesson::run_ = nullptr;

TEST_F(HandshakeLesson, HoldsOnTheRealKernel) {
    ASSERT_TRUE(run_->finished());
    expect_every_step_held(*run_);
    // The lost SYN-ACK really was lost on the wire and sent again.
    EXPECT_EQ(wire_events_in(*run_, step("handshake.lost_synack"), WireAction::Dropped), 1u);
}

// Five SYNs, five ISNs spread over the 32-bit space; seven accepted sockets,
// all on the listener's own address and port, told apart by the client's end.
TEST_F(HandshakeLesson, IsnsAreRandomAndAcceptedSocketsShareTheListenersPort) {
    const StepOutcome& isns = step("handshake.isns");
    const StepView view = view_of(*run_, isns);
    std::vector<uint32_t> seqs;
    for (const PacketEvent* packet : view.segments())
        if (packet->flags == tcp_flag::Syn && run_->trace().sender_actor(*packet) == Actor::Client)
            seqs.push_back(packet->seq);
    ASSERT_EQ(seqs.size(), 5u);
    size_t jumps = 0;
    for (size_t index = 1; index < seqs.size(); ++index)
        jumps += std::abs(int64_t{static_cast<int32_t>(seqs[index] - seqs[index - 1])}) > (int64_t{1} << 24);
    EXPECT_GE(jumps, 3u);

    const std::vector<const CallEvent*> accepts = view.calls(Actor::Server, "accept");
    ASSERT_EQ(accepts.size(), 7u);
    std::set<std::string> peers;
    for (const CallEvent* accept : accepts) {
        EXPECT_GE(accept->result, 0);
        EXPECT_EQ(accept->local, run_->addresses().server) << "an accepted socket has the listener's address";
        const size_t peer = accept->arguments.find("peer ");
        ASSERT_NE(peer, std::string::npos) << accept->arguments;
        peers.insert(accept->arguments.substr(peer));
    }
    EXPECT_EQ(peers.size(), 7u) << "each accepted connection has its own client end";
    EXPECT_EQ(kernel_answer(isns), std::vector<std::string>{"predict.handshake.choice_one_port"});
}

// Only the client's final ACK is dropped: the client is ESTABLISHED at once,
// the server only after its SYN-ACK timer brings the ACK again.
TEST_F(HandshakeLesson, ALostFinalAckLeavesTheServerBehindTheClient) {
    const StepOutcome& lost = step("handshake.lost_ack");
    EXPECT_EQ(wire_events_in(*run_, lost, WireAction::Dropped), 1u);
    const StepView view = view_of(*run_, lost);
    const auto client = view.state_event(Actor::Client, TcpState::Established);
    const auto server = view.state_event(Actor::Server, TcpState::Established);
    ASSERT_TRUE(client && server);
    EXPECT_GT(server->time_ns - client->time_ns, 500'000'000) << "the server caught up only with the resent SYN-ACK";
    size_t synacks = 0, acks = 0;
    for (const PacketEvent* packet : view.segments()) {
        const Actor sender = run_->trace().sender_actor(*packet);
        synacks += sender == Actor::Server && packet->flags == (tcp_flag::Syn | tcp_flag::Ack);
        acks += sender == Actor::Client && packet->flags == tcp_flag::Ack;
    }
    EXPECT_EQ(synacks, 2u);
    EXPECT_EQ(acks, 2u);  // the dropped one (seen where it was sent) and the answer to the resent SYN-ACK
    const CallEvent* connect = view.call(Actor::Client, "connect");
    ASSERT_NE(connect, nullptr);
    EXPECT_EQ(connect->result, 0);
    EXPECT_LT(connect->return_ns, server->time_ns) << "connect() returned before the server had the ACK";
}

// An old SYN injected through the wire: the server answers, the client's
// kernel refuses with RST, and nothing becomes a connection.
TEST_F(HandshakeLesson, AStaleSynIsRefusedByTheClientWithRst) {
    const StepOutcome& stale = step("handshake.stale_syn");
    EXPECT_EQ(wire_events_in(*run_, stale, WireAction::Injected), 1u);
    const Trace& trace = run_->trace();
    const PacketEvent* synack = nullptr;
    const PacketEvent* rst = nullptr;
    for (const PacketEvent& packet : trace.packets()) {
        if (packet.time_ns < stale.begin_ns || packet.time_ns > stale.end_ns) continue;
        if (packet.flags == (tcp_flag::Syn | tcp_flag::Ack) && !synack) synack = &packet;
        if (packet.flags == tcp_flag::Rst && !rst) rst = &packet;
    }
    ASSERT_TRUE(synack && rst);
    EXPECT_EQ(trace.receiver(*synack).port, 31337);
    EXPECT_EQ(synack->ack, 1000001u);
    EXPECT_EQ(trace.sender(*rst).port, 31337);
    EXPECT_EQ(rst->seq, 1000001u);
    for (const StateEvent& event : observed_transitions(trace))
        EXPECT_FALSE(event.remote.port == 31337 && event.to == TcpState::Established) << event.local.to_string();
    EXPECT_EQ(kernel_answer(stale), std::vector<std::string>{"RST"});
}

// The header walk: one segment with URG, PSH and ACK and an urgent pointer
// past the urgent byte, shown in the packet detail; the server reads around it.
TEST_F(HandshakeLesson, TheHeaderStepShowsAnUrgentSegment) {
    const StepOutcome& header = step("handshake.header");
    ASSERT_TRUE(header.shown_packet.has_value());
    const Trace& trace = run_->trace();
    const PacketEvent& shown = trace.packets().at(*header.shown_packet);
    EXPECT_EQ(shown.flags, tcp_flag::Urg | tcp_flag::Psh | tcp_flag::Ack);
    EXPECT_EQ(trace.sender_actor(shown), Actor::Client);
    const DecodedPacket decoded = trace.decode(shown);
    EXPECT_EQ(decoded.tcp.urgent_pointer, 3u);
    EXPECT_EQ(decoded.payload_length, 3u);
    std::vector<std::string> reads;
    for (const CallEvent* call : view_of(*run_, header).calls(Actor::Server, "recv")) reads.push_back(call->data);
    EXPECT_EQ(reads, (std::vector<std::string>{"hi", "!"}));
    uint8_t seen = 0;
    for (const PacketEvent& packet : trace.packets())
        if (packet.time_ns <= header.end_ns) seen |= packet.flags;
    for (uint8_t flag : {tcp_flag::Urg, tcp_flag::Ack, tcp_flag::Psh, tcp_flag::Rst, tcp_flag::Syn, tcp_flag::Fin})
        EXPECT_TRUE(seen & flag) << flags_label(flag);
}

TEST(BuiltInLessons, TeardownHoldsOnTheRealKernel) {
    auto run = run_lesson("teardown");
    ASSERT_TRUE(run);
    expect_every_step_held(*run);
    const StepOutcome* close = outcome_of(*run, "teardown.server_close");
    ASSERT_NE(close, nullptr);
    const ExpectationOutcome* timer = expectation_of(*close, "expect.teardown.time_wait_timer");
    ASSERT_NE(timer, nullptr);
    EXPECT_NE(evidence_plain_text(timer->result.evidence).find("timer:(timewait,"), std::string::npos);
}

}  // namespace
}  // namespace tcplab
