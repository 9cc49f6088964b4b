// Merging the three state sources into the transitions a person reads.
#include "capture/transition_merger.hpp"

#include <gtest/gtest.h>

#include "frame_builder.hpp"

namespace tcplab {
namespace {

const Endpoint kClient{IpAddress::v4(127, 0, 0, 1), 40000};
const Endpoint kServer{IpAddress::v4(127, 0, 0, 1), 5000};
const Endpoint kNoPort{IpAddress::v4(127, 0, 0, 1), 0};
const Endpoint kAnyPeer{IpAddress::v4(0, 0, 0, 0), 0};

StateEvent state(int64_t time, Endpoint local, Endpoint remote, TcpState from, TcpState to, StateSource source) {
    StateEvent event;
    event.time_ns = time;
    event.local = local;
    event.remote = remote;
    event.from = from;
    event.to = to;
    event.source = source;
    return event;
}

std::vector<std::string> describe(const std::vector<StateEvent>& events) {
    std::vector<std::string> lines;
    for (const StateEvent& event : events)
        lines.push_back(event.local.to_string() + " " + std::string(state_name(event.from)) + "->" +
                        std::string(state_name(event.to)) + " " + std::string(source_name(event.source)));
    return lines;
}

using S = TcpState;
constexpr auto kTp = StateSource::Tracepoint;
constexpr auto kDump = StateSource::SocketDump;
constexpr auto kInferred = StateSource::Inferred;

TEST(ObservedTransitions, TracepointSynSentWithoutPortIsGivenTheSocketsPort) {
    Trace trace;
    trace.add_state(state(10, kNoPort, kServer, S::Closed, S::SynSent, kTp));
    trace.add_state(state(20, kClient, kServer, S::SynSent, S::Established, kTp));
    EXPECT_EQ(describe(observed_transitions(trace)),
              (std::vector<std::string>{"127.0.0.1:40000 CLOSED->SYN_SENT tracepoint",
                                        "127.0.0.1:40000 SYN_SENT->ESTABLISHED tracepoint"}));
}

// Without the tracepoint (no root): tcp_fin_timeout ended the orphan in
// FIN_WAIT_2 and the dump stopped listing it; the peer's late FIN still looks,
// to the packets alone, like FIN_WAIT_2 → TIME_WAIT, but the kernel answered it
// with RST. A later SYN on the same ports is a new connection and counts again.
TEST(ObservedTransitions, PacketsDoNotBringBackASocketTheDumpSawGo) {
    Trace trace;
    trace.add_state(state(10, kClient, kServer, S::Established, S::FinWait1, kInferred));
    trace.add_state(state(20, kClient, kServer, S::FinWait1, S::FinWait2, kDump));
    trace.add_state(state(30, kClient, kServer, S::FinWait2, S::Closed, kDump));  // gone from the dump
    trace.add_state(state(40, kClient, kServer, S::FinWait2, S::TimeWait, kInferred));
    trace.add_state(state(50, kClient, kServer, S::Closed, S::SynSent, kInferred));
    EXPECT_EQ(describe(observed_transitions(trace)),
              (std::vector<std::string>{
                  "127.0.0.1:40000 CLOSED->FIN_WAIT_1 inferred", "127.0.0.1:40000 FIN_WAIT_1->FIN_WAIT_2 socket dump",
                  "127.0.0.1:40000 FIN_WAIT_2->CLOSED socket dump", "127.0.0.1:40000 CLOSED->SYN_SENT inferred"}));
}

// The accept queue is full: the server's kernel drops the client's final ACK
// and keeps the request in SYN_RECV. The packets alone would say ESTABLISHED;
// on a host the tracepoint watches, its silence says the ACK was dropped, while
// a handshake it does report is shown. Without the tracepoint, packets decide.
TEST(ObservedTransitions, AnAckTheFullAcceptQueueDroppedCompletesNothing) {
    const Endpoint listener{IpAddress::v4(198, 18, 0, 2), 5000};
    const Endpoint accepted_peer{IpAddress::v4(198, 18, 0, 1), 40001};
    const Endpoint dropped_peer{IpAddress::v4(198, 18, 0, 1), 40002};
    const StateEvent listening = state(5, listener, kAnyPeer, S::Closed, S::Listen, kTp);
    const std::vector<StateEvent> packets_say = {
        state(10, listener, accepted_peer, S::Closed, S::SynReceived, kInferred),
        state(11, listener, dropped_peer, S::Closed, S::SynReceived, kInferred),
        state(20, listener, accepted_peer, S::SynReceived, S::Established, kInferred),
        state(21, listener, dropped_peer, S::SynReceived, S::Established, kInferred),
    };
    Trace traced;
    traced.add_state(listening);
    for (const StateEvent& event : packets_say) traced.add_state(event);
    traced.add_state(state(22, listener, accepted_peer, S::SynReceived, S::Established, kTp));
    EXPECT_EQ(describe(observed_transitions(traced)),
              (std::vector<std::string>{"198.18.0.2:5000 CLOSED->LISTEN tracepoint",
                                        "198.18.0.2:5000 CLOSED->SYN_RECV inferred",  // the dropped peer's request
                                        "198.18.0.2:5000 SYN_RECV->ESTABLISHED tracepoint"}));

    // Appended while the run goes on, before the tracepoint spoke of either:
    // both requests, neither completed.
    TransitionMerger growing(std::vector<StateEvent>{listening});
    ASSERT_TRUE(growing.append(packets_say));
    EXPECT_EQ(describe(growing.transitions()), (std::vector<std::string>{"198.18.0.2:5000 CLOSED->LISTEN tracepoint",
                                                                         "198.18.0.2:5000 CLOSED->SYN_RECV inferred",
                                                                         "198.18.0.2:5000 CLOSED->SYN_RECV inferred"}));

    Trace untraced;
    for (const StateEvent& event : packets_say) untraced.add_state(event);
    EXPECT_EQ(observed_transitions(untraced).size(), 4u);
}

// The same without the tracepoint (no root): the dumps listed the requests in
// SYN_RECV, so a final ACK completes one only when a dump then lists the full
// socket; the transition is shown at that ACK. The dropped peer's request
// stays in SYN_RECV, as ss shows it. A socket whose FIN came before any dump
// saw it complete (it closed between two dumps) went through ESTABLISHED at
// its ACK too.
TEST(ObservedTransitions, WithoutTheTracepointTheDumpsSayWhichAckCompletedARequest) {
    const Endpoint listener{IpAddress::v4(198, 18, 0, 2), 5000};
    const Endpoint accepted_peer{IpAddress::v4(198, 18, 0, 1), 40001};
    const Endpoint dropped_peer{IpAddress::v4(198, 18, 0, 1), 40002};
    const Endpoint quick_peer{IpAddress::v4(198, 18, 0, 1), 40003};
    constexpr int64_t kMs = 1'000'000;
    const std::vector<StateEvent> states = {
        state(5 * kMs, listener, kAnyPeer, S::Closed, S::Listen, kDump),
        state(10 * kMs, listener, accepted_peer, S::Closed, S::SynReceived, kInferred),
        state(11 * kMs, listener, dropped_peer, S::Closed, S::SynReceived, kInferred),
        state(12 * kMs, listener, quick_peer, S::Closed, S::SynReceived, kInferred),
        state(15 * kMs, listener, accepted_peer, S::Closed, S::SynReceived, kDump),
        state(15 * kMs, listener, dropped_peer, S::Closed, S::SynReceived, kDump),
        state(15 * kMs, listener, quick_peer, S::Closed, S::SynReceived, kDump),
        state(20 * kMs, listener, accepted_peer, S::SynReceived, S::Established, kInferred),
        state(21 * kMs, listener, dropped_peer, S::SynReceived, S::Established, kInferred),
        state(22 * kMs, listener, quick_peer, S::SynReceived, S::Established, kInferred),
        state(24 * kMs, listener, quick_peer, S::Established, S::CloseWait, kInferred),
        state(25 * kMs, listener, accepted_peer, S::SynReceived, S::Established, kDump),
    };
    const std::vector<std::string> expected = {
        "198.18.0.2:5000 CLOSED->LISTEN socket dump",      "198.18.0.2:5000 CLOSED->SYN_RECV inferred",
        "198.18.0.2:5000 CLOSED->SYN_RECV inferred",       "198.18.0.2:5000 CLOSED->SYN_RECV inferred",
        "198.18.0.2:5000 SYN_RECV->ESTABLISHED inferred",  "198.18.0.2:5000 SYN_RECV->ESTABLISHED inferred",
        "198.18.0.2:5000 ESTABLISHED->CLOSE_WAIT inferred"};
    Trace trace;
    for (const StateEvent& event : states) trace.add_state(event);
    const std::vector<StateEvent> merged = observed_transitions(trace);
    EXPECT_EQ(describe(merged), expected);
    ASSERT_EQ(merged.size(), expected.size());
    EXPECT_EQ(merged[4].remote, accepted_peer);
    EXPECT_EQ(merged[4].time_ns, 20 * kMs) << "at the ACK the dump confirmed";
    EXPECT_EQ(merged[5].remote, quick_peer);
    EXPECT_EQ(merged[5].time_ns, 22 * kMs);

    // Appended while the run goes on, as the window does: the dropped peer's
    // ACK shows nothing, and the confirmation, which goes before the quick
    // peer's transitions, asks for a build anew, which gives the same.
    TransitionMerger growing(std::vector<StateEvent>{});
    std::vector<StateEvent> so_far;
    for (const StateEvent& event : states) {
        so_far.push_back(event);
        if (!growing.append(std::span<const StateEvent>(&event, 1))) {
            EXPECT_EQ(event.time_ns, 25 * kMs) << "only the confirmation goes back in time";
            growing.reset(so_far);
        }
        if (event.time_ns == 21 * kMs) {
            EXPECT_EQ(growing.transitions().size(), 4u);
        }
    }
    EXPECT_EQ(describe(growing.transitions()), expected);

    // A request the dumps never listed (a handshake quicker than one dump
    // interval) is completed by its ACK, as before.
    Trace quick;
    for (const StateEvent& event : states)
        if (event.source == kInferred) quick.add_state(event);
    EXPECT_EQ(observed_transitions(quick).size(), 7u);
}

TEST(ObservedTransitions, DumpRepeatingWhatTheTracepointSaidIsDropped) {
    Trace trace;
    trace.add_state(state(10, kServer, kAnyPeer, S::Closed, S::Listen, kTp));
    trace.add_state(state(15, kServer, kAnyPeer, S::Closed, S::Listen, kDump));
    EXPECT_EQ(observed_transitions(trace).size(), 1u);
}

TEST(ObservedTransitions, TimewaitSocketReplacesTheTracepointsClose) {
    Trace trace;
    trace.add_state(state(10, kClient, kServer, S::Established, S::FinWait1, kTp));
    trace.add_state(state(20, kClient, kServer, S::FinWait1, S::FinWait2, kTp));
    trace.add_state(state(30, kClient, kServer, S::FinWait2, S::Closed, kTp));  // orphan becomes a timewait socket
    trace.add_state(state(35, kClient, kServer, S::Closed, S::FinWait2, kDump));
    trace.add_state(state(50, kClient, kServer, S::FinWait2, S::TimeWait, kDump));
    EXPECT_EQ(describe(observed_transitions(trace)),
              (std::vector<std::string>{"127.0.0.1:40000 ESTABLISHED->FIN_WAIT_1 tracepoint",
                                        "127.0.0.1:40000 FIN_WAIT_1->FIN_WAIT_2 tracepoint",
                                        "127.0.0.1:40000 FIN_WAIT_2->TIME_WAIT socket dump"}));
}

// Only the dump sees a timewait socket end (60 s later, or when the lesson
// skips the wait): that end is part of the story too.
TEST(ObservedTransitions, TheEndOfATimewaitSocketComesFromTheDump) {
    Trace trace;
    trace.add_state(state(10, kClient, kServer, S::Established, S::FinWait1, kTp));
    trace.add_state(state(20, kClient, kServer, S::FinWait1, S::FinWait2, kTp));
    trace.add_state(state(30, kClient, kServer, S::FinWait2, S::Closed, kTp));
    trace.add_state(state(50, kClient, kServer, S::FinWait2, S::TimeWait, kDump));
    trace.add_state(state(90, kClient, kServer, S::TimeWait, S::Closed, kDump));
    EXPECT_EQ(
        describe(observed_transitions(trace)),
        (std::vector<std::string>{
            "127.0.0.1:40000 ESTABLISHED->FIN_WAIT_1 tracepoint", "127.0.0.1:40000 FIN_WAIT_1->FIN_WAIT_2 tracepoint",
            "127.0.0.1:40000 FIN_WAIT_2->TIME_WAIT socket dump", "127.0.0.1:40000 TIME_WAIT->CLOSED socket dump"}));
}

// A dump that began before the last tracepoint event can report an older state
// after it; that is staleness, not a step back.
TEST(ObservedTransitions, StaleDumpAfterTheCloseIsIgnored) {
    Trace trace;
    trace.add_state(state(10, kClient, kServer, S::Established, S::FinWait1, kTp));
    trace.add_state(state(20, kClient, kServer, S::FinWait1, S::FinWait2, kTp));
    trace.add_state(state(30, kClient, kServer, S::FinWait2, S::Closed, kTp));
    trace.add_state(state(35, kClient, kServer, S::Established, S::FinWait1, kDump));
    trace.add_state(state(50, kClient, kServer, S::FinWait1, S::TimeWait, kDump));
    EXPECT_EQ(describe(observed_transitions(trace)),
              (std::vector<std::string>{"127.0.0.1:40000 ESTABLISHED->FIN_WAIT_1 tracepoint",
                                        "127.0.0.1:40000 FIN_WAIT_1->FIN_WAIT_2 tracepoint",
                                        "127.0.0.1:40000 FIN_WAIT_2->TIME_WAIT socket dump"}));
}

TEST(ObservedTransitions, StaleDumpWithoutTracepointIsIgnoredToo) {
    Trace trace;
    trace.add_state(state(5, kClient, kServer, S::SynSent, S::Established, kInferred));
    trace.add_state(state(10, kClient, kServer, S::Established, S::FinWait1, kInferred));
    trace.add_state(state(20, kClient, kServer, S::FinWait1, S::FinWait2, kInferred));
    trace.add_state(state(25, kClient, kServer, S::Closed, S::Established, kDump));
    EXPECT_EQ(describe(observed_transitions(trace)),
              (std::vector<std::string>{"127.0.0.1:40000 CLOSED->ESTABLISHED inferred",
                                        "127.0.0.1:40000 ESTABLISHED->FIN_WAIT_1 inferred",
                                        "127.0.0.1:40000 FIN_WAIT_1->FIN_WAIT_2 inferred"}));
}

// While the ACK of a handshake is held on the wire, only a dump sees the
// server's half-open request socket; the tracepoint speaks later.
TEST(ObservedTransitions, DumpBeforeTheTracepointSpeaksIsShown) {
    Trace trace;
    trace.add_state(state(10, kServer, kClient, S::Closed, S::SynReceived, kDump));
    trace.add_state(state(50, kServer, kClient, S::Listen, S::SynReceived, kTp));
    trace.add_state(state(51, kServer, kClient, S::SynReceived, S::Established, kTp));
    trace.add_state(state(60, kServer, kClient, S::SynReceived, S::Established, kDump));
    EXPECT_EQ(describe(observed_transitions(trace)),
              (std::vector<std::string>{"127.0.0.1:5000 CLOSED->SYN_RECV socket dump",
                                        "127.0.0.1:5000 SYN_RECV->ESTABLISHED tracepoint"}));
}

TEST(ObservedTransitions, CloseFromLastAckStaysClosed) {
    Trace trace;
    trace.add_state(state(10, kServer, kClient, S::CloseWait, S::LastAck, kTp));
    trace.add_state(state(20, kServer, kClient, S::LastAck, S::Closed, kTp));
    trace.add_state(state(30, kServer, kClient, S::CloseWait, S::Closed, kDump));
    EXPECT_EQ(describe(observed_transitions(trace)),
              (std::vector<std::string>{"127.0.0.1:5000 CLOSE_WAIT->LAST_ACK tracepoint",
                                        "127.0.0.1:5000 LAST_ACK->CLOSED tracepoint"}));
}

TEST(ObservedTransitions, InferredStatesFillTheGapsWhenThereIsNoTracepoint) {
    Trace trace;
    trace.add_state(state(10, kClient, kServer, S::Closed, S::SynSent, kInferred));
    trace.add_state(state(20, kClient, kServer, S::SynSent, S::Established, kInferred));
    trace.add_state(state(25, kClient, kServer, S::Closed, S::Established, kDump));
    EXPECT_EQ(describe(observed_transitions(trace)),
              (std::vector<std::string>{"127.0.0.1:40000 CLOSED->SYN_SENT inferred",
                                        "127.0.0.1:40000 SYN_SENT->ESTABLISHED inferred"}));
}

TEST(ObservedTransitions, InferredStatesGiveWayToTheTracepoint) {
    Trace trace;
    trace.add_state(state(10, kClient, kServer, S::Closed, S::SynSent, kInferred));
    trace.add_state(state(11, kClient, kServer, S::Closed, S::SynSent, kTp));
    EXPECT_EQ(describe(observed_transitions(trace)),
              (std::vector<std::string>{"127.0.0.1:40000 CLOSED->SYN_SENT tracepoint"}));
}

TEST(ObservedTransitions, DumpGivesTheStepsItSawFromItsLastKnownState) {
    Trace trace;
    trace.add_state(state(10, kClient, kServer, S::Closed, S::Established, kDump));
    trace.add_state(state(20, kClient, kServer, S::Established, S::TimeWait, kDump));
    trace.add_state(state(30, kClient, kServer, S::TimeWait, S::Closed, kDump));
    EXPECT_EQ(describe(observed_transitions(trace)),
              (std::vector<std::string>{"127.0.0.1:40000 CLOSED->ESTABLISHED socket dump",
                                        "127.0.0.1:40000 ESTABLISHED->TIME_WAIT socket dump",
                                        "127.0.0.1:40000 TIME_WAIT->CLOSED socket dump"}));
}

}  // namespace
}  // namespace tcplab
