// The lesson checks on traces made by hand: each decides from the events it
// is meant to read, and says so in its evidence. (The lessons' own tests run
// them on the real kernel; these pin the edge cases a run rarely hits.)
#include <gtest/gtest.h>

#include "frame_builder.hpp"
#include "scenarios/lesson_spec.hpp"

namespace tcplab {
namespace {

using namespace tcp_flag;

const Endpoint kClient{IpAddress::v4(10, 0, 0, 1), 40000};
const Endpoint kServer{IpAddress::v4(10, 0, 0, 2), 5000};
constexpr int64_t kMs = 1'000'000;

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

CheckResult check(const CheckSpec& spec, const Trace& trace, int64_t begin = 0, int64_t end = INT64_MAX) {
    return make_expectation(spec).check(StepView(trace, begin, end));
}

// One dump lists the sockets it found before those it no longer found: a
// request that took an expired one's place is one socket in SYN_RECV, not two.
TEST(LessonChecks, SocketsSeenByTheDumpAreCountedOneDumpAtATime) {
    Trace trace;
    trace.assign_actor(kServer, Actor::Server);
    const auto peer = [](uint16_t port) { return Endpoint{IpAddress::v4(198, 18, 1, 1), port}; };
    for (uint16_t port : {1, 2, 3})
        trace.add_state(
            state(10 * kMs, kServer, peer(port), TcpState::Closed, TcpState::SynReceived, StateSource::SocketDump));
    trace.add_state(
        state(20 * kMs, kServer, peer(4), TcpState::Closed, TcpState::SynReceived, StateSource::SocketDump));
    trace.add_state(
        state(20 * kMs, kServer, peer(1), TcpState::SynReceived, TcpState::Closed, StateSource::SocketDump));
    CheckSpec spec;
    spec.kind = CheckSpec::Kind::Sockets;
    spec.actor = Actor::Server;
    spec.state = TcpState::SynReceived;
    spec.dumps_only = true;
    spec.exactly = 3;
    const CheckResult result = check(spec, trace);
    EXPECT_TRUE(result.passed) << evidence_plain_text(result.evidence);
    EXPECT_EQ(result.evidence, Evidence::of("evidence.sockets_at_once", 3, "SYN_RECV"));
}

void add_syn(Trace& trace, int64_t time, uint16_t port, uint32_t isn) {
    const auto bytes = test::ethernet_ipv4_tcp({{kClient.address, port}, kServer, Syn, isn, 0});
    trace.add_packet(Trace::capture(time, 0, LinkType::Ethernet, static_cast<uint32_t>(bytes.size()), bytes));
    trace.assign_actor({kClient.address, port}, Actor::Client);
}

// A counter moves an ISN by small steps; Linux's keyed hash lands anywhere.
TEST(LessonChecks, IsnsThatFollowAClockAreNotRandom) {
    CheckSpec spec;
    spec.kind = CheckSpec::Kind::RandomIsn;
    spec.actor = Actor::Client;
    spec.at_least = 3;
    Trace clock;
    for (uint16_t n = 0; n < 5; ++n) add_syn(clock, n * kMs, static_cast<uint16_t>(40000 + n), 1000 + 250 * n);
    const CheckResult counted = check(spec, clock);
    EXPECT_FALSE(counted.passed);
    EXPECT_EQ(counted.evidence.args.at(0), Evidence::literal("0"));
    Trace hashed;
    const uint32_t isns[] = {12345, 3'000'000'000u, 700'000'000, 2'100'000'000, 90'000};
    for (uint16_t n = 0; n < 5; ++n) add_syn(hashed, n * kMs, static_cast<uint16_t>(40000 + n), isns[n]);
    EXPECT_TRUE(check(spec, hashed).passed);
}

// Both ends at one moment: the client ESTABLISHED while the server's end of
// the same connection is still in SYN_RECV, and for how long.
TEST(LessonChecks, TwoEndsInTwoStatesAtOnceAreMeasured) {
    Trace trace;
    trace.assign_actor(kClient, Actor::Client);
    trace.assign_actor(kServer, Actor::Server);
    trace.add_state(state(5 * kMs, kClient, kServer, TcpState::Closed, TcpState::SynSent, StateSource::Tracepoint));
    trace.add_state(state(8 * kMs, kServer, kClient, TcpState::Closed, TcpState::SynReceived, StateSource::SocketDump));
    trace.add_state(
        state(10 * kMs, kClient, kServer, TcpState::SynSent, TcpState::Established, StateSource::Tracepoint));
    trace.add_state(
        state(1010 * kMs, kServer, kClient, TcpState::SynReceived, TcpState::Established, StateSource::Tracepoint));
    CheckSpec spec;
    spec.kind = CheckSpec::Kind::StatesTogether;
    spec.state = TcpState::Established;
    spec.peer_state = TcpState::SynReceived;
    spec.at_least_ms = 500;
    const CheckResult result = check(spec, trace);
    EXPECT_TRUE(result.passed) << evidence_plain_text(result.evidence);
    EXPECT_EQ(result.evidence, Evidence::of("evidence.together", "ESTABLISHED", "SYN_RECV", 1000));
    spec.peer_state = TcpState::Listen;
    EXPECT_FALSE(check(spec, trace).passed);
}

// The time between the first and the last of an actor's calls of one name.
TEST(LessonChecks, TheTimeBetweenTwoCallsIsTheirStartsApart) {
    Trace trace;
    for (int64_t at : {100 * kMs, 183 * kMs}) {
        CallEvent call;
        call.time_ns = at;
        call.return_ns = at + kMs;
        call.actor = Actor::Client;
        call.call = "send";
        call.result = 5;
        trace.add_call(call);
    }
    CheckSpec spec;
    spec.kind = CheckSpec::Kind::Span;
    spec.actor = Actor::Client;
    spec.subject = "send";
    spec.at_least_ms = 80;
    const CheckResult result = check(spec, trace);
    EXPECT_TRUE(result.passed);
    EXPECT_EQ(result.evidence, Evidence::of("evidence.span", 83, "send", 2));
    spec.at_least_ms = 90;
    EXPECT_FALSE(check(spec, trace).passed);
}

}  // namespace
}  // namespace tcplab
