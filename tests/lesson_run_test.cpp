// Integration: the handshake and teardown lessons on the real kernel, inside
// a sandbox, asserting the exact segments, states and calls. Each runs ten
// times in this one process to show that runs do not interfere.
#include <gtest/gtest.h>

#include <cerrno>

#include "capture/transition_merger.hpp"
#include "scenarios/run.hpp"
#include "scenarios/sandbox.hpp"
#include "test_lessons.hpp"

namespace tcplab {
namespace {

using namespace tcp_flag;

constexpr int kRepeats = 10;

std::unique_ptr<LessonRun> run_to_end(const std::string& name, bool use_tracepoint,
                                      size_t packets_per_poll = SIZE_MAX) {
    RunOptions options;
    options.use_tracepoint = use_tracepoint;
    options.packets_per_poll = packets_per_poll;
    auto run = LessonRun::start(test::test_lesson(name), options);
    EXPECT_TRUE(run.ok()) << (run.ok() ? "" : run.error().what + " / " + run.error().remedy);
    if (!run.ok()) return nullptr;
    while (!run.value()->finished()) run.value()->step();
    run.value()->finish();
    return std::move(run.value());
}

void expect_every_expectation_held(const LessonRun& run) {
    for (const StepOutcome& outcome : run.outcomes()) {
        EXPECT_TRUE(outcome.failure.empty()) << outcome.failure;
        for (const ExpectationOutcome& expectation : outcome.expectations)
            EXPECT_TRUE(expectation.result.passed) << run.lesson().steps[outcome.index].key << ": " << expectation.key
                                                   << " (" << evidence_plain_text(expectation.result.evidence) << ")";
    }
}

std::vector<std::string> segment_flags(const Trace& trace) {
    std::vector<std::string> flags;
    for (const PacketEvent& packet : trace.packets())
        flags.push_back(std::string(actor_name(trace.sender_actor(packet))) + " " + flags_label(packet.flags));
    return flags;
}

// The states one socket (by its local endpoint and peer) went through.
std::vector<std::string> states_of(const Trace& trace, const Endpoint& local, const Endpoint& remote) {
    std::vector<std::string> states;
    for (const StateEvent& event : observed_transitions(trace))
        if (event.local == local && event.remote == remote) states.push_back(std::string(state_name(event.to)));
    return states;
}

std::vector<std::string> calls_of(const Trace& trace) {
    std::vector<std::string> calls;
    for (const CallEvent& call : trace.calls()) {
        std::string line = std::string(actor_name(call.actor)) + " " + call.call + " ";
        if (call.call == "socket" || call.call == "accept")
            line += call.result >= 0 ? "fd" : "-1";
        else
            line += std::to_string(call.result);
        if (call.error_number != 0) line += " " + std::string(strerrorname_np(call.error_number));
        calls.push_back(line);
    }
    return calls;
}

void check_handshake(const LessonRun& run) {
    const Trace& trace = run.trace();
    expect_every_expectation_held(run);

    ASSERT_EQ(segment_flags(trace),
              (std::vector<std::string>{"client SYN", "server SYN-ACK", "client ACK", "client PSH-ACK", "server ACK",
                                        "client SYN", "server RST-ACK"}));
    const auto& p = trace.packets();
    const uint32_t x = p[0].seq;
    const uint32_t y = p[1].seq;
    EXPECT_EQ(p[1].ack, x + 1);  // SYN-ACK ack = x+1
    EXPECT_EQ(p[2].seq, x + 1);
    EXPECT_EQ(p[2].ack, y + 1);  // ACK ack = y+1
    EXPECT_EQ(p[3].payload_length, 5u);
    EXPECT_EQ(trace.relative_seq(p[3]), 1u);
    EXPECT_EQ(p[4].ack, x + 6);         // the data is acknowledged
    EXPECT_EQ(p[6].ack, p[5].seq + 1);  // RST-ACK ack = x'+1
    EXPECT_NE(p[5].seq, x);             // a new, different ISN
    EXPECT_NE(p[5].connection, p[0].connection);

    const Connection& connection = trace.connections().at(p[0].connection);
    EXPECT_EQ(connection.server, run.addresses().server);
    EXPECT_EQ(states_of(trace, connection.client, connection.server),
              (std::vector<std::string>{"SYN_SENT", "ESTABLISHED"}));
    EXPECT_EQ(states_of(trace, connection.server, connection.client),
              (std::vector<std::string>{"SYN_RECV", "ESTABLISHED"}));
    EXPECT_EQ(states_of(trace, run.addresses().server, Endpoint{IpAddress::v4(0, 0, 0, 0), 0}),
              (std::vector<std::string>{"LISTEN"}));

    EXPECT_EQ(calls_of(trace),
              (std::vector<std::string>{"server socket fd", "server bind 0", "server listen 0", "client socket fd",
                                        "client connect 0", "server accept fd", "client send 5", "server recv 5",
                                        "client socket fd", "client connect -1 ECONNREFUSED", "client close 0"}));
    EXPECT_EQ(trace.lost_events(), 0u);
    EXPECT_EQ(run.capture_stats().kernel_dropped, 0u);
}

void check_teardown(const LessonRun& run) {
    const Trace& trace = run.trace();
    expect_every_expectation_held(run);

    ASSERT_EQ(segment_flags(trace),
              (std::vector<std::string>{"client SYN", "server SYN-ACK", "client ACK", "client FIN-ACK", "server ACK",
                                        "server FIN-ACK", "client ACK"}));
    const auto& p = trace.packets();
    EXPECT_EQ(p[4].ack, p[3].seq + 1);  // the FIN takes one sequence number
    EXPECT_EQ(p[6].ack, p[5].seq + 1);
    EXPECT_EQ(p[6].seq, p[3].seq + 1);

    const Connection& connection = trace.connections().at(0);
    EXPECT_EQ(states_of(trace, connection.client, connection.server),
              (std::vector<std::string>{"SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT"}));
    EXPECT_EQ(states_of(trace, connection.server, connection.client),
              (std::vector<std::string>{"SYN_RECV", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED"}));
    EXPECT_EQ(calls_of(trace), (std::vector<std::string>{"server socket fd", "server bind 0", "server listen 0",
                                                         "client socket fd", "client connect 0", "server accept fd",
                                                         "client close 0", "server recv 0", "server close 0"}));
}

TEST(HandshakeLesson, TenRunsEachShowTheExactHandshake) {
    for (int run = 0; run < kRepeats; ++run) {
        SCOPED_TRACE("run " + std::to_string(run + 1));
        auto finished = run_to_end("handshake", true);
        ASSERT_NE(finished, nullptr);
        check_handshake(*finished);
    }
}

TEST(TeardownLesson, TenRunsEachShowTheExactFourWayClose) {
    for (int run = 0; run < kRepeats; ++run) {
        SCOPED_TRACE("run " + std::to_string(run + 1));
        auto finished = run_to_end("teardown", true);
        ASSERT_NE(finished, nullptr);
        check_teardown(*finished);
    }
}

// A window takes a frame's worth of packets per poll; with one packet a
// poll, the states and calls that arrive meanwhile wait for the packets to
// catch up, and the story comes out the same.
TEST(TeardownLesson, OnePacketAPollTellsTheSameStory) {
    auto finished = run_to_end("teardown", true, 1);
    ASSERT_NE(finished, nullptr);
    check_teardown(*finished);
    EXPECT_EQ(finished->trace().packets().size(), finished->capture_stats().delivered);
}

// Without the tracepoint (as for a user without root), socket dumps and
// packets still tell the same story.
TEST(HandshakeLesson, SameStoryFromSocketDumpsAndPacketsAlone) {
    auto finished = run_to_end("handshake", false);
    ASSERT_NE(finished, nullptr);
    EXPECT_FALSE(finished->tracepoint_note().empty());
    check_handshake(*finished);
    for (const StateEvent& event : finished->trace().states()) EXPECT_NE(event.source, StateSource::Tracepoint);
}

TEST(TeardownLesson, SameStoryFromSocketDumpsAndPacketsAlone) {
    auto finished = run_to_end("teardown", false);
    ASSERT_NE(finished, nullptr);
    check_teardown(*finished);
}

TEST(HandshakeLesson, TheTracepointIsUsedWhenRunningAsRoot) {
    if (!started_as_root()) GTEST_SKIP() << "the tracepoint needs root";
    auto finished = run_to_end("handshake", true);
    ASSERT_NE(finished, nullptr);
    EXPECT_EQ(finished->tracepoint_note(), "");
    size_t traced = 0;
    for (const StateEvent& event : finished->trace().states()) traced += event.source == StateSource::Tracepoint;
    EXPECT_GE(traced, 5u);
}

// A lesson that expects something the kernel does not do must say so: the
// step fails, and the failing expectation carries what was seen instead.
Lesson build_wrong_expectation(const Addresses& addresses) {
    Lesson lesson{"wrong", {}};
    lesson.steps.push_back({"wrong.listen",
                            {server_listens(addresses.server, 8)},
                            {expect_state(Actor::Server, TcpState::Established, "wrong.established"),
                             expect_call_result(Actor::Server, "listen", 0, "wrong.listen_ok")}});
    return lesson;
}

TEST(LessonRun, AFalseExpectationFailsTheStepAndSaysWhy) {
    const LessonEntry entry{"wrong", &build_wrong_expectation};
    RunOptions options;
    options.settle_limit = std::chrono::milliseconds(300);
    auto run = LessonRun::start(entry, options);
    ASSERT_TRUE(run.ok());
    const StepOutcome& outcome = run.value()->step();
    EXPECT_FALSE(outcome.passed());
    ASSERT_EQ(outcome.expectations.size(), 2u);
    EXPECT_FALSE(outcome.expectations[0].result.passed);
    // The evidence names the end and the state; the language files make the sentence.
    EXPECT_EQ(outcome.expectations[0].result.evidence,
              Evidence::of("evidence.never_reached", Evidence::of("actor.server"), "ESTABLISHED"));
    EXPECT_TRUE(outcome.expectations[1].result.passed);
}

// Two runs at once, each in its own sandbox, each sees only its own traffic.
TEST(Sandbox, ConcurrentRunsSeeOnlyTheirOwnTraffic) {
    auto first = LessonRun::start(test::test_lesson("handshake"));
    auto second = LessonRun::start(test::test_lesson("handshake"));
    ASSERT_TRUE(first.ok() && second.ok());
    while (!first.value()->finished()) {
        first.value()->step();
        second.value()->step();
    }
    first.value()->finish();
    second.value()->finish();
    check_handshake(*first.value());
    check_handshake(*second.value());
}

}  // namespace
}  // namespace tcplab
