// Tests for the RFC 793 state inference in tcp_fsm.hpp.
//
// Part 1 is a table: one end, a known starting state (reached through real
// segments where the end must remember its ISN or FIN position), one event,
// the expected state. Part 2 drives whole connections through ConnectionFsm
// and checks every transition, in order.
#include "capture/tcp_fsm.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <ostream>
#include <string>
#include <vector>

#include "capture/decode.hpp"
#include "capture/tcp_state.hpp"

namespace tcplab {
namespace {

// Flag combinations as they appear on the wire.
constexpr uint8_t kSyn = tcp_flag::Syn;
constexpr uint8_t kSynAck = tcp_flag::Syn | tcp_flag::Ack;
constexpr uint8_t kAck = tcp_flag::Ack;
constexpr uint8_t kPshAck = tcp_flag::Psh | tcp_flag::Ack;
constexpr uint8_t kFin = tcp_flag::Fin;
constexpr uint8_t kFinAck = tcp_flag::Fin | tcp_flag::Ack;
constexpr uint8_t kRst = tcp_flag::Rst;
constexpr uint8_t kRstAck = tcp_flag::Rst | tcp_flag::Ack;

Segment seg(uint8_t flags, uint32_t seq, uint32_t ack = 0, uint32_t payload_length = 0) {
    return Segment{.flags = flags, .seq = seq, .ack = ack, .payload_length = payload_length};
}

// ---------------------------------------------------------------------------
// Part 1: one end, one event.
// ---------------------------------------------------------------------------

enum class Event { Send, Receive };

struct Step {
    Event event;
    Segment segment;
};

// How the end under test reaches its starting state. Constructing it directly
// in a state tells it nothing about sequence numbers, so states whose exits
// depend on "our" SYN or FIN are reached by replaying the segments instead.
struct Setup {
    TcpState start;
    std::vector<Step> steps;
};

// "Our" end sends from these sequence numbers; the peer's are far away so a
// mix-up between the two would show.
constexpr uint32_t kOurIsn = 1000;
constexpr uint32_t kPeerIsn = 7000;
constexpr uint32_t kOurFinSeq = 2000;   // where our FIN sits (after any data)
constexpr uint32_t kPeerFinSeq = 8000;  // where the peer's FIN sits

Setup direct(TcpState state) { return {state, {}}; }

Setup syn_sent(uint32_t isn = kOurIsn) { return {TcpState::Closed, {{Event::Send, seg(kSyn, isn)}}}; }

Setup passive_syn_recv() {
    return {TcpState::Listen,
            {{Event::Receive, seg(kSyn, kPeerIsn)}, {Event::Send, seg(kSynAck, kOurIsn, kPeerIsn + 1)}}};
}

Setup simultaneous_syn_recv() {
    return {TcpState::Closed, {{Event::Send, seg(kSyn, kOurIsn)}, {Event::Receive, seg(kSyn, kPeerIsn)}}};
}

// FIN sent from ESTABLISHED; with data the FIN sits at seq + payload_length.
Setup fin_wait_1(uint32_t seq = kOurFinSeq, uint32_t payload_length = 0) {
    return {TcpState::Established, {{Event::Send, seg(kFinAck, seq, kPeerFinSeq, payload_length)}}};
}

Setup fin_wait_2() {
    Setup setup = fin_wait_1();
    setup.steps.push_back({Event::Receive, seg(kAck, kPeerFinSeq, kOurFinSeq + 1)});
    return setup;
}

Setup closing() {
    Setup setup = fin_wait_1();
    setup.steps.push_back({Event::Receive, seg(kFinAck, kPeerFinSeq, kOurFinSeq)});  // FINs crossed
    return setup;
}

Setup close_wait() { return {TcpState::Established, {{Event::Receive, seg(kFinAck, kPeerFinSeq, kOurFinSeq)}}}; }

Setup last_ack() {
    Setup setup = close_wait();
    setup.steps.push_back({Event::Send, seg(kFinAck, kOurFinSeq, kPeerFinSeq + 1)});
    return setup;
}

Setup time_wait() {
    Setup setup = fin_wait_2();
    setup.steps.push_back({Event::Receive, seg(kFinAck, kPeerFinSeq, kOurFinSeq + 1)});
    return setup;
}

struct EndCase {
    std::string name;  // also the GoogleTest name: letters, digits, underscores
    Setup setup;
    TcpState initial;  // where the setup must leave the end
    Step event;
    TcpState expected;
};

void PrintTo(const EndCase& end_case, std::ostream* out) { *out << end_case.name; }

Step send(Segment segment) { return {Event::Send, segment}; }
Step receive(Segment segment) { return {Event::Receive, segment}; }

using enum TcpState;

std::vector<EndCase> end_cases() {
    return {
        // --- Opening ---------------------------------------------------------
        {"Closed_SendSyn_SynSent", direct(Closed), Closed, send(seg(kSyn, kOurIsn)), SynSent},
        {"Closed_ReceiveSyn_NoChange", direct(Closed), Closed, receive(seg(kSyn, kPeerIsn)), Closed},
        {"Closed_ReceiveAck_NoChange", direct(Closed), Closed, receive(seg(kAck, kPeerIsn, kOurIsn)), Closed},
        {"Closed_SendSynAck_NoChange", direct(Closed), Closed, send(seg(kSynAck, kOurIsn, kPeerIsn + 1)), Closed},
        {"Listen_ReceiveSyn_StaysListen", direct(Listen), Listen, receive(seg(kSyn, kPeerIsn)), Listen},
        {"Listen_SendSynAck_SynRecv", direct(Listen), Listen, send(seg(kSynAck, kOurIsn, kPeerIsn + 1)), SynReceived},
        {"Listen_AfterSyn_SendSynAck_SynRecv",
         {Listen, {receive(seg(kSyn, kPeerIsn))}},
         Listen,
         send(seg(kSynAck, kOurIsn, kPeerIsn + 1)),
         SynReceived},
        {"Listen_SendSyn_SynSent", direct(Listen), Listen, send(seg(kSyn, kOurIsn)), SynSent},
        {"Listen_ReceiveAck_NoChange", direct(Listen), Listen, receive(seg(kAck, kPeerIsn, kOurIsn)), Listen},
        {"Listen_ReceiveRst_NoChange", direct(Listen), Listen, receive(seg(kRst, kPeerIsn)), Listen},

        // --- SYN_SENT --------------------------------------------------------
        {"SynSent_ReceiveSynAckOfIsn_Established", syn_sent(), SynSent, receive(seg(kSynAck, kPeerIsn, kOurIsn + 1)),
         Established},
        {"SynSent_ReceiveSynAckWrongAck_NoChange", syn_sent(), SynSent, receive(seg(kSynAck, kPeerIsn, kOurIsn)),
         SynSent},
        {"SynSent_RetransmitSyn_NoChange", syn_sent(), SynSent, send(seg(kSyn, kOurIsn)), SynSent},
        {"SynSent_ReceiveSyn_SynRecv", syn_sent(), SynSent, receive(seg(kSyn, kPeerIsn)), SynReceived},
        {"SynSent_ReceiveRstAckOfIsn_Closed", syn_sent(), SynSent, receive(seg(kRstAck, 0, kOurIsn + 1)), Closed},
        {"SynSent_ReceiveRstAckWrongAck_NoChange", syn_sent(), SynSent, receive(seg(kRstAck, 0, kOurIsn - 1)), SynSent},
        {"SynSent_ReceiveBareRst_NoChange", syn_sent(), SynSent, receive(seg(kRst, 0)), SynSent},
        {"SynSent_ReceivePlainAck_NoChange", syn_sent(), SynSent, receive(seg(kAck, kPeerIsn, kOurIsn + 1)), SynSent},
        {"SynSent_SendRst_Closed", syn_sent(), SynSent, send(seg(kRst, kOurIsn + 1)), Closed},
        // Constructed in SYN_SENT (capture began after our SYN): ISN unknown.
        {"SynSentUnknownIsn_ReceiveSynAck_Established", direct(SynSent), SynSent,
         receive(seg(kSynAck, kPeerIsn, 12345)), Established},

        // --- SYN_RECV --------------------------------------------------------
        {"SynRecvPassive_ReceiveAckOfIsn_Established", passive_syn_recv(), SynReceived,
         receive(seg(kAck, kPeerIsn + 1, kOurIsn + 1)), Established},
        {"SynRecvPassive_ReceiveAckWithData_Established", passive_syn_recv(), SynReceived,
         receive(seg(kPshAck, kPeerIsn + 1, kOurIsn + 1, 100)), Established},
        {"SynRecvPassive_ReceiveAckNotOfIsn_NoChange", passive_syn_recv(), SynReceived,
         receive(seg(kAck, kPeerIsn + 1, kOurIsn)), SynReceived},
        {"SynRecvPassive_ReceiveRetransmittedSyn_NoChange", passive_syn_recv(), SynReceived,
         receive(seg(kSyn, kPeerIsn)), SynReceived},
        {"SynRecvPassive_RetransmitSynAck_NoChange", passive_syn_recv(), SynReceived,
         send(seg(kSynAck, kOurIsn, kPeerIsn + 1)), SynReceived},
        {"SynRecvPassive_ReceiveRst_Listen", passive_syn_recv(), SynReceived, receive(seg(kRst, kPeerIsn + 1)), Listen},
        {"SynRecvPassive_SendRst_Closed", passive_syn_recv(), SynReceived, send(seg(kRst, kOurIsn + 1)), Closed},
        {"SynRecvPassive_ReceiveAckAndFin_CloseWait", passive_syn_recv(), SynReceived,
         receive(seg(kFinAck, kPeerIsn + 1, kOurIsn + 1)), CloseWait},
        {"SynRecvPassive_ReceiveFinNotAckingIsn_NoChange", passive_syn_recv(), SynReceived,
         receive(seg(kFinAck, kPeerIsn + 1, kOurIsn)), SynReceived},
        {"SynRecvPassive_SendFin_FinWait1", passive_syn_recv(), SynReceived,
         send(seg(kFinAck, kOurIsn + 1, kPeerIsn + 1)), FinWait1},
        {"SynRecvSimultaneous_ReceiveAck_Established", simultaneous_syn_recv(), SynReceived,
         receive(seg(kAck, kPeerIsn + 1, kOurIsn + 1)), Established},
        {"SynRecvSimultaneous_ReceiveSynAck_Established", simultaneous_syn_recv(), SynReceived,
         receive(seg(kSynAck, kPeerIsn, kOurIsn + 1)), Established},
        {"SynRecvSimultaneous_ReceiveSynAckNotOfIsn_NoChange", simultaneous_syn_recv(), SynReceived,
         receive(seg(kSynAck, kPeerIsn, kOurIsn)), SynReceived},
        {"SynRecvSimultaneous_SendSynAck_NoChange", simultaneous_syn_recv(), SynReceived,
         send(seg(kSynAck, kOurIsn, kPeerIsn + 1)), SynReceived},
        {"SynRecvSimultaneous_ReceiveRst_Closed", simultaneous_syn_recv(), SynReceived,
         receive(seg(kRst, kPeerIsn + 1)), Closed},

        // --- ESTABLISHED -----------------------------------------------------
        {"Established_SendData_NoChange", direct(Established), Established, send(seg(kPshAck, 1500, 7500, 100)),
         Established},
        {"Established_ReceiveData_NoChange", direct(Established), Established, receive(seg(kPshAck, 7500, 1500, 100)),
         Established},
        {"Established_ReceiveRetransmittedSynAck_NoChange", direct(Established), Established,
         receive(seg(kSynAck, kPeerIsn, kOurIsn + 1)), Established},
        {"Established_ReceiveRetransmittedSyn_NoChange", direct(Established), Established, receive(seg(kSyn, kPeerIsn)),
         Established},
        {"Established_SendFin_FinWait1", direct(Established), Established, send(seg(kFinAck, kOurFinSeq, kPeerFinSeq)),
         FinWait1},
        {"Established_SendDataAndFin_FinWait1", direct(Established), Established,
         send(seg(kFinAck | tcp_flag::Psh, kOurFinSeq, kPeerFinSeq, 100)), FinWait1},
        {"Established_ReceiveFin_CloseWait", direct(Established), Established,
         receive(seg(kFinAck, kPeerFinSeq, kOurFinSeq)), CloseWait},
        {"Established_ReceiveDataAndFin_CloseWait", direct(Established), Established,
         receive(seg(kFinAck | tcp_flag::Psh, kPeerFinSeq, kOurFinSeq, 100)), CloseWait},
        {"Established_ReceiveFinWithoutAck_NoChange", direct(Established), Established, receive(seg(kFin, kPeerFinSeq)),
         Established},
        {"Established_ReceiveRst_Closed", direct(Established), Established, receive(seg(kRst, kPeerFinSeq)), Closed},
        {"Established_SendRst_Closed", direct(Established), Established, send(seg(kRstAck, kOurFinSeq, 7500)), Closed},

        // --- FIN_WAIT_1 ------------------------------------------------------
        {"FinWait1_ReceiveAckOfFin_FinWait2", fin_wait_1(), FinWait1, receive(seg(kAck, kPeerFinSeq, kOurFinSeq + 1)),
         FinWait2},
        {"FinWait1_ReceiveOldAck_NoChange", fin_wait_1(), FinWait1, receive(seg(kAck, kPeerFinSeq, kOurFinSeq)),
         FinWait1},
        {"FinWait1_ReceiveDataWithOldAck_NoChange", fin_wait_1(), FinWait1,
         receive(seg(kPshAck, 7900, kOurFinSeq - 50, 100)), FinWait1},
        {"FinWait1_ReceiveFinAckingOurFin_TimeWait", fin_wait_1(), FinWait1,
         receive(seg(kFinAck, kPeerFinSeq, kOurFinSeq + 1)), TimeWait},
        {"FinWait1_ReceiveFinNotAckingOurFin_Closing", fin_wait_1(), FinWait1,
         receive(seg(kFinAck, kPeerFinSeq, kOurFinSeq)), Closing},
        {"FinWait1_ReceiveFinWithoutAck_NoChange", fin_wait_1(), FinWait1, receive(seg(kFin, kPeerFinSeq)), FinWait1},
        {"FinWait1_RetransmitFin_NoChange", fin_wait_1(), FinWait1, send(seg(kFinAck, kOurFinSeq, kPeerFinSeq)),
         FinWait1},
        // Data and FIN in one segment: FIN at 2000 + 100 = 2100.
        {"FinWait1DataFin_ReceiveAckOfDataOnly_NoChange", fin_wait_1(kOurFinSeq, 100), FinWait1,
         receive(seg(kAck, kPeerFinSeq, kOurFinSeq + 100)), FinWait1},
        {"FinWait1DataFin_ReceiveAckOfFin_FinWait2", fin_wait_1(kOurFinSeq, 100), FinWait1,
         receive(seg(kAck, kPeerFinSeq, kOurFinSeq + 101)), FinWait2},
        {"FinWait1DataFin_ReceiveFinAckingDataOnly_Closing", fin_wait_1(kOurFinSeq, 100), FinWait1,
         receive(seg(kFinAck, kPeerFinSeq, kOurFinSeq + 100)), Closing},
        {"FinWait1_ReceiveRst_Closed", fin_wait_1(), FinWait1, receive(seg(kRst, kPeerFinSeq)), Closed},
        // Constructed in FIN_WAIT_1 (capture began after our FIN): any ACK counts.
        {"FinWait1UnknownFin_ReceiveAck_FinWait2", direct(FinWait1), FinWait1, receive(seg(kAck, 1, 2)), FinWait2},

        // --- FIN_WAIT_2 ------------------------------------------------------
        {"FinWait2_ReceiveFin_TimeWait", fin_wait_2(), FinWait2, receive(seg(kFinAck, kPeerFinSeq, kOurFinSeq + 1)),
         TimeWait},
        {"FinWait2_ReceiveData_NoChange", fin_wait_2(), FinWait2,
         receive(seg(kPshAck, kPeerFinSeq, kOurFinSeq + 1, 100)), FinWait2},
        {"FinWait2_SendAck_NoChange", fin_wait_2(), FinWait2, send(seg(kAck, kOurFinSeq + 1, kPeerFinSeq + 100)),
         FinWait2},
        {"FinWait2_ReceiveRst_Closed", fin_wait_2(), FinWait2, receive(seg(kRst, kPeerFinSeq)), Closed},

        // --- CLOSE_WAIT ------------------------------------------------------
        {"CloseWait_SendFin_LastAck", close_wait(), CloseWait, send(seg(kFinAck, kOurFinSeq, kPeerFinSeq + 1)),
         LastAck},
        {"CloseWait_SendData_NoChange", close_wait(), CloseWait, send(seg(kPshAck, kOurFinSeq, kPeerFinSeq + 1, 100)),
         CloseWait},
        {"CloseWait_ReceiveRetransmittedFin_NoChange", close_wait(), CloseWait,
         receive(seg(kFinAck, kPeerFinSeq, kOurFinSeq)), CloseWait},
        {"CloseWait_ReceiveRst_Closed", close_wait(), CloseWait, receive(seg(kRst, kPeerFinSeq + 1)), Closed},

        // --- CLOSING ---------------------------------------------------------
        {"Closing_ReceiveAckOfFin_TimeWait", closing(), Closing, receive(seg(kAck, kPeerFinSeq + 1, kOurFinSeq + 1)),
         TimeWait},
        {"Closing_ReceiveOldAck_NoChange", closing(), Closing, receive(seg(kAck, kPeerFinSeq + 1, kOurFinSeq)),
         Closing},
        {"Closing_ReceiveRetransmittedFin_NoChange", closing(), Closing, receive(seg(kFinAck, kPeerFinSeq, kOurFinSeq)),
         Closing},
        {"Closing_ReceiveRst_Closed", closing(), Closing, receive(seg(kRst, kPeerFinSeq + 1)), Closed},

        // --- LAST_ACK --------------------------------------------------------
        {"LastAck_ReceiveAckOfFin_Closed", last_ack(), LastAck, receive(seg(kAck, kPeerFinSeq + 1, kOurFinSeq + 1)),
         Closed},
        {"LastAck_ReceiveOldAck_NoChange", last_ack(), LastAck, receive(seg(kAck, kPeerFinSeq + 1, kOurFinSeq)),
         LastAck},
        {"LastAck_RetransmitFin_NoChange", last_ack(), LastAck, send(seg(kFinAck, kOurFinSeq, kPeerFinSeq + 1)),
         LastAck},
        {"LastAck_ReceiveRst_Closed", last_ack(), LastAck, receive(seg(kRst, kPeerFinSeq + 1)), Closed},
        {"LastAckUnknownFin_ReceiveAck_Closed", direct(LastAck), LastAck, receive(seg(kAck, 1, 2)), Closed},

        // --- TIME_WAIT -------------------------------------------------------
        {"TimeWait_ReceiveRetransmittedFin_NoChange", time_wait(), TimeWait,
         receive(seg(kFinAck, kPeerFinSeq, kOurFinSeq + 1)), TimeWait},
        {"TimeWait_SendAck_NoChange", time_wait(), TimeWait, send(seg(kAck, kOurFinSeq + 1, kPeerFinSeq + 1)),
         TimeWait},
        {"TimeWait_ReceiveRst_Closed", time_wait(), TimeWait, receive(seg(kRst, kPeerFinSeq + 1)), Closed},
        {"TimeWait_SendRst_Closed", time_wait(), TimeWait, send(seg(kRst, kOurFinSeq + 1)), Closed},

        // --- CLOSED ignores resets --------------------------------------------
        {"Closed_ReceiveRst_NoChange", direct(Closed), Closed, receive(seg(kRst, 1)), Closed},
        {"Closed_SendRst_NoChange", direct(Closed), Closed, send(seg(kRstAck, 0, 1)), Closed},

        // --- Sequence numbers wrap modulo 2^32 --------------------------------
        {"Wrap_SynSent_ReceiveSynAckOfMaxIsn_Established", syn_sent(0xFFFFFFFF), SynSent,
         receive(seg(kSynAck, kPeerIsn, 0)), Established},
        {"Wrap_SynSent_ReceiveSynAckOneShort_NoChange", syn_sent(0xFFFFFFFF), SynSent,
         receive(seg(kSynAck, kPeerIsn, 0xFFFFFFFF)), SynSent},
        {"Wrap_SynSent_ReceiveRstAckOfMaxIsn_Closed", syn_sent(0xFFFFFFFF), SynSent, receive(seg(kRstAck, 0, 0)),
         Closed},
        // FIN after 0x20 bytes from 0xFFFFFFF0 sits at 0x10.
        {"Wrap_FinWait1_ReceiveAckPastWrappedFin_FinWait2", fin_wait_1(0xFFFFFFF0, 0x20), FinWait1,
         receive(seg(kAck, kPeerFinSeq, 0x11)), FinWait2},
        {"Wrap_FinWait1_ReceiveAckBeforeWrap_NoChange", fin_wait_1(0xFFFFFFF0, 0x20), FinWait1,
         receive(seg(kAck, kPeerFinSeq, 0xFFFFFFFF)), FinWait1},
        {"Wrap_FinWait1_ReceiveAckOfDataOnly_NoChange", fin_wait_1(0xFFFFFFF0, 0x20), FinWait1,
         receive(seg(kAck, kPeerFinSeq, 0x10)), FinWait1},
        {"Wrap_FinWait1_FinAtMax_ReceiveAckZero_FinWait2", fin_wait_1(0xFFFFFFFF, 0), FinWait1,
         receive(seg(kAck, kPeerFinSeq, 0)), FinWait2},
    };
}

class TcpEndTransition : public testing::TestWithParam<EndCase> {};

TEST_P(TcpEndTransition, MovesToExpectedState) {
    const EndCase& end_case = GetParam();
    TcpEndFsm end(end_case.setup.start);
    for (const Step& step : end_case.setup.steps) {
        if (step.event == Event::Send)
            end.on_send(step.segment);
        else
            end.on_receive(step.segment);
    }
    ASSERT_EQ(state_name(end.state()), state_name(end_case.initial)) << "setup did not reach the starting state";

    const std::optional<TcpState> moved = end_case.event.event == Event::Send ? end.on_send(end_case.event.segment)
                                                                              : end.on_receive(end_case.event.segment);

    EXPECT_EQ(state_name(end.state()), state_name(end_case.expected));
    // The return value reports a move exactly when the state changed.
    if (end_case.expected == end_case.initial) {
        EXPECT_FALSE(moved.has_value()) << "reported a move to " << state_name(*moved);
    } else {
        ASSERT_TRUE(moved.has_value());
        EXPECT_EQ(state_name(*moved), state_name(end_case.expected));
    }
}

// A named function rather than a lambda: the macro's own parameter is called
// `info`, and a lambda parameter of any name would trip -Wshadow inside it.
std::string end_case_name(const testing::TestParamInfo<EndCase>& param_info) { return param_info.param.name; }

INSTANTIATE_TEST_SUITE_P(Rfc793, TcpEndTransition, testing::ValuesIn(end_cases()), end_case_name);

// ---------------------------------------------------------------------------
// Part 2: whole connections through ConnectionFsm.
// ---------------------------------------------------------------------------

constexpr Side kClient = Side::Client;
constexpr Side kServer = Side::Server;

std::string describe(const InferredTransition& transition) {
    return std::string(transition.side == Side::Client ? "client " : "server ") +
           std::string(state_name(transition.from)) + "->" + std::string(state_name(transition.to));
}

struct ScenarioStep {
    Side sender;
    Segment segment;
    std::vector<std::string> expected;  // this segment's transitions, sender's first
};

// Feeds every segment, checks each one's transitions, and checks the whole
// ordered list as well so a failure shows the full story.
// Feeds the segments in order, then flushes what is still held, and checks the
// transitions each segment caused (an end may take a segment in later, once its
// own next segment shows whether it had seen it) and their overall order.
void run_scenario(ConnectionFsm& connection, const std::vector<ScenarioStep>& steps) {
    std::vector<InferredTransition> all;
    for (size_t index = 0; index < steps.size(); ++index)
        for (const InferredTransition& transition :
             connection.on_segment(steps[index].sender, steps[index].segment, index))
            all.push_back(transition);
    for (const InferredTransition& transition : connection.flush()) all.push_back(transition);

    std::vector<std::string> all_expected;
    for (size_t index = 0; index < steps.size(); ++index) {
        std::vector<std::string> caused;
        for (const InferredTransition& transition : all)
            if (transition.cause == index) caused.push_back(describe(transition));
        EXPECT_EQ(caused, steps[index].expected) << "segment #" << index;
        all_expected.insert(all_expected.end(), steps[index].expected.begin(), steps[index].expected.end());
    }
    // Sorted by the segment that caused them, the transitions tell the story in order.
    std::stable_sort(all.begin(), all.end(),
                     [](const InferredTransition& a, const InferredTransition& b) { return a.cause < b.cause; });
    std::vector<std::string> all_actual;
    for (const InferredTransition& transition : all) all_actual.push_back(describe(transition));
    EXPECT_EQ(all_actual, all_expected);
}

constexpr uint32_t kClientIsn = 1000;
constexpr uint32_t kServerIsn = 5000;

TEST(ConnectionScenario, ThreeWayHandshake) {
    ConnectionFsm connection;
    run_scenario(connection, {
                                 {kClient, seg(kSyn, kClientIsn), {"client CLOSED->SYN_SENT"}},
                                 {kServer,
                                  seg(kSynAck, kServerIsn, kClientIsn + 1),
                                  {"server LISTEN->SYN_RECV", "client SYN_SENT->ESTABLISHED"}},
                                 {kClient, seg(kAck, kClientIsn + 1, kServerIsn + 1), {"server SYN_RECV->ESTABLISHED"}},
                             });
    EXPECT_EQ(connection.state(kClient), TcpState::Established);
    EXPECT_EQ(connection.state(kServer), TcpState::Established);
}

TEST(ConnectionScenario, RetransmittedSynSynAckAndFinCauseNoTransitions) {
    ConnectionFsm connection;
    run_scenario(connection,
                 {
                     {kClient, seg(kSyn, kClientIsn), {"client CLOSED->SYN_SENT"}},
                     {kClient, seg(kSyn, kClientIsn), {}},  // the SYN timed out and went again
                     {kServer,
                      seg(kSynAck, kServerIsn, kClientIsn + 1),
                      {"server LISTEN->SYN_RECV", "client SYN_SENT->ESTABLISHED"}},
                     {kServer, seg(kSynAck, kServerIsn, kClientIsn + 1), {}},  // the client's ACK was lost
                     {kClient, seg(kAck, kClientIsn + 1, kServerIsn + 1), {"server SYN_RECV->ESTABLISHED"}},
                     {kClient,
                      seg(kFinAck, kClientIsn + 1, kServerIsn + 1),
                      {"client ESTABLISHED->FIN_WAIT_1", "server ESTABLISHED->CLOSE_WAIT"}},
                     {kClient, seg(kFinAck, kClientIsn + 1, kServerIsn + 1), {}},  // FIN retransmitted
                     {kServer,
                      seg(kFinAck, kServerIsn + 1, kClientIsn + 2),
                      {"server CLOSE_WAIT->LAST_ACK", "client FIN_WAIT_1->TIME_WAIT"}},
                     {kServer, seg(kFinAck, kServerIsn + 1, kClientIsn + 2), {}},  // TIME_WAIT just re-ACKs this
                     {kClient, seg(kAck, kClientIsn + 2, kServerIsn + 2), {"server LAST_ACK->CLOSED"}},
                 });
}

TEST(ConnectionScenario, FourWayCloseClientFirst) {
    ConnectionFsm connection(TcpState::Established, TcpState::Established);
    const uint32_t client_seq = kClientIsn + 1;
    const uint32_t server_seq = kServerIsn + 1;
    run_scenario(connection, {
                                 {kClient,
                                  seg(kFinAck, client_seq, server_seq),
                                  {"client ESTABLISHED->FIN_WAIT_1", "server ESTABLISHED->CLOSE_WAIT"}},
                                 {kServer, seg(kAck, server_seq, client_seq + 1), {"client FIN_WAIT_1->FIN_WAIT_2"}},
                                 {kServer,
                                  seg(kFinAck, server_seq, client_seq + 1),
                                  {"server CLOSE_WAIT->LAST_ACK", "client FIN_WAIT_2->TIME_WAIT"}},
                                 {kClient, seg(kAck, client_seq + 1, server_seq + 1), {"server LAST_ACK->CLOSED"}},
                             });
    EXPECT_EQ(connection.state(kClient), TcpState::TimeWait);
    EXPECT_EQ(connection.state(kServer), TcpState::Closed);
}

TEST(ConnectionScenario, FinAndAckMergedIntoThreeSegments) {
    ConnectionFsm connection(TcpState::Established, TcpState::Established);
    const uint32_t client_seq = kClientIsn + 1;
    const uint32_t server_seq = kServerIsn + 1;
    run_scenario(connection, {
                                 {kClient,
                                  seg(kFinAck, client_seq, server_seq),
                                  {"client ESTABLISHED->FIN_WAIT_1", "server ESTABLISHED->CLOSE_WAIT"}},
                                 // The server's FIN also ACKs the client's: FIN_WAIT_2 is passed through
                                 // within this one segment and reported as a single transition.
                                 {kServer,
                                  seg(kFinAck, server_seq, client_seq + 1),
                                  {"server CLOSE_WAIT->LAST_ACK", "client FIN_WAIT_1->TIME_WAIT"}},
                                 {kClient, seg(kAck, client_seq + 1, server_seq + 1), {"server LAST_ACK->CLOSED"}},
                             });
}

TEST(ConnectionScenario, SimultaneousOpenFromOneCapturePoint) {
    // Each end sends its SYN before it takes in the other's: the server's SYN
    // does not acknowledge the client's, so the two crossed.
    ConnectionFsm connection(TcpState::Closed, TcpState::Closed);
    run_scenario(connection,
                 {
                     {kClient, seg(kSyn, kClientIsn), {"client CLOSED->SYN_SENT"}},
                     {kServer,
                      seg(kSyn, kServerIsn),
                      {"server CLOSED->SYN_SENT", "server SYN_SENT->SYN_RECV", "client SYN_SENT->SYN_RECV"}},
                     {kClient, seg(kSynAck, kClientIsn, kServerIsn + 1), {"server SYN_RECV->ESTABLISHED"}},
                     {kServer, seg(kSynAck, kServerIsn, kClientIsn + 1), {"client SYN_RECV->ESTABLISHED"}},
                 });
    EXPECT_EQ(connection.state(kClient), TcpState::Established);
    EXPECT_EQ(connection.state(kServer), TcpState::Established);
}

TEST(ConnectionScenario, SimultaneousCloseFromOneCapturePoint) {
    // The server's FIN acknowledges only up to the client's data, not its FIN:
    // it was sent before the client's FIN arrived. Both ends pass CLOSING.
    ConnectionFsm connection(TcpState::Established, TcpState::Established);
    const uint32_t client_seq = kClientIsn + 1;
    const uint32_t server_seq = kServerIsn + 1;
    run_scenario(connection,
                 {
                     {kClient, seg(kFinAck, client_seq, server_seq), {"client ESTABLISHED->FIN_WAIT_1"}},
                     {kServer,
                      seg(kFinAck, server_seq, client_seq),
                      {"server ESTABLISHED->FIN_WAIT_1", "server FIN_WAIT_1->CLOSING", "client FIN_WAIT_1->CLOSING"}},
                     {kClient, seg(kAck, client_seq + 1, server_seq + 1), {"server CLOSING->TIME_WAIT"}},
                     {kServer, seg(kAck, server_seq + 1, client_seq + 1), {"client CLOSING->TIME_WAIT"}},
                 });
    EXPECT_EQ(connection.state(kClient), TcpState::TimeWait);
    EXPECT_EQ(connection.state(kServer), TcpState::TimeWait);
}

// ---------------------------------------------------------------------------
// Crossing segments, seen from both ends. Each end is told about its sends and
// receives in its own order, so SYNs and FINs can be in flight both ways.
// ---------------------------------------------------------------------------

struct EndEvent {
    Side side;
    Event event;
    Segment segment;
};

std::vector<std::string> run_ends(TcpEndFsm& client, TcpEndFsm& server, const std::vector<EndEvent>& events) {
    std::vector<std::string> transitions;
    for (const EndEvent& end_event : events) {
        TcpEndFsm& end = end_event.side == Side::Client ? client : server;
        const TcpState before = end.state();
        const std::optional<TcpState> moved =
            end_event.event == Event::Send ? end.on_send(end_event.segment) : end.on_receive(end_event.segment);
        if (moved) transitions.push_back(describe({end_event.side, before, *moved}));
    }
    return transitions;
}

TEST(CrossingSegments, SimultaneousOpenTakesBothEndsThroughSynRecv) {
    TcpEndFsm client(TcpState::Closed);
    TcpEndFsm server(TcpState::Closed);
    const Segment client_syn = seg(kSyn, kClientIsn);
    const Segment server_syn = seg(kSyn, kServerIsn);
    const Segment client_syn_ack = seg(kSynAck, kClientIsn, kServerIsn + 1);
    const Segment server_syn_ack = seg(kSynAck, kServerIsn, kClientIsn + 1);
    const std::vector<std::string> transitions = run_ends(client, server,
                                                          {
                                                              {kClient, Event::Send, client_syn},
                                                              {kServer, Event::Send, server_syn},
                                                              {kClient, Event::Receive, server_syn},
                                                              {kServer, Event::Receive, client_syn},
                                                              {kClient, Event::Send, client_syn_ack},
                                                              {kServer, Event::Send, server_syn_ack},
                                                              {kClient, Event::Receive, server_syn_ack},
                                                              {kServer, Event::Receive, client_syn_ack},
                                                          });
    EXPECT_EQ(transitions, (std::vector<std::string>{
                               "client CLOSED->SYN_SENT",
                               "server CLOSED->SYN_SENT",
                               "client SYN_SENT->SYN_RECV",
                               "server SYN_SENT->SYN_RECV",
                               "client SYN_RECV->ESTABLISHED",
                               "server SYN_RECV->ESTABLISHED",
                           }));
}

TEST(CrossingSegments, SimultaneousCloseTakesBothEndsThroughClosing) {
    TcpEndFsm client(TcpState::Established);
    TcpEndFsm server(TcpState::Established);
    const uint32_t client_seq = kClientIsn + 1;
    const uint32_t server_seq = kServerIsn + 1;
    const Segment client_fin = seg(kFinAck, client_seq, server_seq);
    const Segment server_fin = seg(kFinAck, server_seq, client_seq);  // sent before the client's FIN arrived
    const Segment client_ack = seg(kAck, client_seq + 1, server_seq + 1);
    const Segment server_ack = seg(kAck, server_seq + 1, client_seq + 1);
    const std::vector<std::string> transitions = run_ends(client, server,
                                                          {
                                                              {kClient, Event::Send, client_fin},
                                                              {kServer, Event::Send, server_fin},
                                                              {kClient, Event::Receive, server_fin},
                                                              {kServer, Event::Receive, client_fin},
                                                              {kClient, Event::Send, client_ack},
                                                              {kServer, Event::Send, server_ack},
                                                              {kClient, Event::Receive, server_ack},
                                                              {kServer, Event::Receive, client_ack},
                                                          });
    EXPECT_EQ(transitions, (std::vector<std::string>{
                               "client ESTABLISHED->FIN_WAIT_1",
                               "server ESTABLISHED->FIN_WAIT_1",
                               "client FIN_WAIT_1->CLOSING",
                               "server FIN_WAIT_1->CLOSING",
                               "client CLOSING->TIME_WAIT",
                               "server CLOSING->TIME_WAIT",
                           }));
}

// An end we assumed was listening answers a SYN with RST: there was no listener,
// so the assumption is corrected without reporting a LISTEN → CLOSED move.
TEST(TcpEndFsmRst, ListenerAnsweringWithRstWasNeverListening) {
    TcpEndFsm end(TcpState::Listen);
    end.on_receive(seg(kSyn, kPeerIsn));
    EXPECT_FALSE(end.on_send(seg(kRstAck, 0, kPeerIsn + 1)).has_value());
    EXPECT_EQ(end.state(), TcpState::Closed);
}

TEST(ConnectionScenario, ConnectionRefusedByRstAck) {
    ConnectionFsm connection;
    run_scenario(connection, {
                                 {kClient, seg(kSyn, kClientIsn), {"client CLOSED->SYN_SENT"}},
                                 // Answering a SYN with RST shows nothing was listening on that port.
                                 {kServer, seg(kRstAck, 0, kClientIsn + 1), {"client SYN_SENT->CLOSED"}},
                             });
    EXPECT_EQ(connection.state(kClient), TcpState::Closed);
    EXPECT_EQ(connection.state(kServer), TcpState::Closed);
}

// With no listener assumed the server end stays CLOSED throughout; an RST that
// does not acknowledge the client's SYN is not for this attempt (RFC 793 3.4).
TEST(ConnectionScenario, RstNotAckingTheSynIsIgnoredByClient) {
    ConnectionFsm connection(TcpState::Closed, TcpState::Closed);
    run_scenario(connection, {
                                 {kClient, seg(kSyn, kClientIsn), {"client CLOSED->SYN_SENT"}},
                                 {kServer, seg(kRstAck, 0, kClientIsn), {}},
                                 {kServer, seg(kRstAck, 0, kClientIsn + 1), {"client SYN_SENT->CLOSED"}},
                             });
}

TEST(ConnectionScenario, AbortiveCloseWithRst) {
    ConnectionFsm connection;
    run_scenario(connection, {
                                 {kClient, seg(kSyn, kClientIsn), {"client CLOSED->SYN_SENT"}},
                                 {kServer,
                                  seg(kSynAck, kServerIsn, kClientIsn + 1),
                                  {"server LISTEN->SYN_RECV", "client SYN_SENT->ESTABLISHED"}},
                                 {kClient, seg(kAck, kClientIsn + 1, kServerIsn + 1), {"server SYN_RECV->ESTABLISHED"}},
                                 {kClient, seg(kPshAck, kClientIsn + 1, kServerIsn + 1, 200), {}},
                                 {kServer, seg(kAck, kServerIsn + 1, kClientIsn + 201), {}},
                                 // SO_LINGER with a zero timeout: close() sends RST instead of FIN.
                                 {kClient,
                                  seg(kRstAck, kClientIsn + 201, kServerIsn + 1),
                                  {"client ESTABLISHED->CLOSED", "server ESTABLISHED->CLOSED"}},
                             });
}

TEST(ConnectionScenario, HalfCloseWithDataFlowingBack) {
    ConnectionFsm connection(TcpState::Established, TcpState::Established);
    const uint32_t client_seq = kClientIsn + 1;
    const uint32_t server_seq = kServerIsn + 1;
    run_scenario(connection, {
                                 // shutdown(SHUT_WR) on the client.
                                 {kClient,
                                  seg(kFinAck, client_seq, server_seq),
                                  {"client ESTABLISHED->FIN_WAIT_1", "server ESTABLISHED->CLOSE_WAIT"}},
                                 {kServer, seg(kAck, server_seq, client_seq + 1), {"client FIN_WAIT_1->FIN_WAIT_2"}},
                                 // The server keeps sending; the client keeps ACKing.
                                 {kServer, seg(kPshAck, server_seq, client_seq + 1, 1000), {}},
                                 {kClient, seg(kAck, client_seq + 1, server_seq + 1000), {}},
                                 {kServer, seg(kPshAck, server_seq + 1000, client_seq + 1, 500), {}},
                                 {kClient, seg(kAck, client_seq + 1, server_seq + 1500), {}},
                                 {kServer,
                                  seg(kFinAck, server_seq + 1500, client_seq + 1),
                                  {"server CLOSE_WAIT->LAST_ACK", "client FIN_WAIT_2->TIME_WAIT"}},
                                 {kClient, seg(kAck, client_seq + 1, server_seq + 1501), {"server LAST_ACK->CLOSED"}},
                             });
}

TEST(ConnectionScenario, SequenceNumbersWrapAround) {
    ConnectionFsm connection;
    constexpr uint32_t client_isn = 0xFFFFFFFF;  // SYN at 2^32 - 1, first data byte at 0
    constexpr uint32_t server_isn = 0xFFFFFFF0;
    run_scenario(
        connection,
        {
            {kClient, seg(kSyn, client_isn), {"client CLOSED->SYN_SENT"}},
            {kServer, seg(kSynAck, server_isn, 0), {"server LISTEN->SYN_RECV", "client SYN_SENT->ESTABLISHED"}},
            {kClient, seg(kAck, 0, server_isn + 1), {"server SYN_RECV->ESTABLISHED"}},
            // The server sends 0x20 bytes and its FIN across the wrap: FIN at 0x11.
            {kServer, seg(kFinAck | tcp_flag::Psh, server_isn + 1, 0, 0x20), {"server ESTABLISHED->FIN_WAIT_1"}},
            // Covers the data, not the FIN: the client had not taken the FIN in yet.
            {kClient, seg(kAck, 0, 0x11), {"client ESTABLISHED->CLOSE_WAIT"}},
            {kClient, seg(kAck, 0, 0x12), {"server FIN_WAIT_1->FIN_WAIT_2"}},
            {kClient, seg(kFinAck, 0, 0x12), {"client CLOSE_WAIT->LAST_ACK", "server FIN_WAIT_2->TIME_WAIT"}},
            {kServer, seg(kAck, 0x12, 1), {"client LAST_ACK->CLOSED"}},
        });
}

TEST(ConnectionScenario, ReusedPortsStartAFreshConnection) {
    ConnectionFsm connection;
    run_scenario(connection,
                 {
                     {kClient, seg(kSyn, kClientIsn), {"client CLOSED->SYN_SENT"}},
                     {kServer, seg(kRstAck, 0, kClientIsn + 1), {"client SYN_SENT->CLOSED"}},
                     // A new attempt with a new ISN: the old ISN must be forgotten.
                     {kClient, seg(kSyn, 90000), {"client CLOSED->SYN_SENT"}},
                     {kServer, seg(kSynAck, kServerIsn, kClientIsn + 1), {}},  // acks the old SYN: unacceptable
                     {kServer, seg(kRstAck, 0, 90001), {"client SYN_SENT->CLOSED"}},
                 });
}

// Two capture points: each end's sends and receives are known separately, so
// crossing FINs need no guessing.
TEST(ConnectionFsmTwoPoints, CrossingFinsSeenAtEachEnd) {
    ConnectionFsm connection(TcpState::Established, TcpState::Established);
    const Segment client_fin = seg(kFinAck, kClientIsn + 1, kServerIsn + 1);
    const Segment server_fin = seg(kFinAck, kServerIsn + 1, kClientIsn + 1);
    std::vector<std::string> story;
    auto note = [&](std::optional<InferredTransition> moved) {
        if (moved) story.push_back(describe(*moved));
    };
    note(connection.on_send(kClient, client_fin, 1));
    note(connection.on_send(kServer, server_fin, 2));
    note(connection.on_receive(kServer, client_fin, 3));
    note(connection.on_receive(kClient, server_fin, 4));
    note(connection.on_receive(kServer, seg(kAck, kClientIsn + 2, kServerIsn + 2), 5));
    note(connection.on_receive(kClient, seg(kAck, kServerIsn + 2, kClientIsn + 2), 6));
    EXPECT_EQ(story, (std::vector<std::string>{"client ESTABLISHED->FIN_WAIT_1", "server ESTABLISHED->FIN_WAIT_1",
                                               "server FIN_WAIT_1->CLOSING", "client FIN_WAIT_1->CLOSING",
                                               "server CLOSING->TIME_WAIT", "client CLOSING->TIME_WAIT"}));
}

}  // namespace
}  // namespace tcplab
