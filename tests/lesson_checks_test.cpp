// The lesson checks on traces made by hand: each decides from the events it
// is meant to read, and says so in its evidence. (The lessons' own tests run
// them on the real kernel; these pin the edge cases a run rarely hits.)
#include <gtest/gtest.h>

#include "frame_builder.hpp"
#include "scenarios/lesson_spec.hpp"
#include "scenarios/tcp_info_reading.hpp"

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

// The client's data segment with sequence number `seq`, sent at `time` ms.
void add_data(Trace& trace, int64_t time_ms, uint32_t seq) {
    const auto bytes = test::ethernet_ipv4_tcp({kClient, kServer, Psh | Ack, seq, 1, 65535, "lost twice"});
    trace.add_packet(Trace::capture(time_ms * kMs, 0, LinkType::Ethernet, static_cast<uint32_t>(bytes.size()), bytes));
}

// The retransmission timer: the first resend's wait, and whether the next wait doubled.
TEST(LessonChecks, ResendWaitsAndTheirBackoffAreMeasuredPerSegment) {
    Trace trace;
    trace.assign_actor(kClient, Actor::Client);
    trace.assign_actor(kServer, Actor::Server);
    add_data(trace, 100, 1000);
    add_data(trace, 384, 1000);  // the RTO: 284 ms
    add_data(trace, 952, 1000);  // twice that: 568 ms
    CheckSpec resent;
    resent.kind = CheckSpec::Kind::ResentAfter;
    resent.actor = Actor::Client;
    resent.subject = "data";
    resent.at_least_ms = 200;
    CheckResult result = check(resent, trace);
    EXPECT_TRUE(result.passed) << evidence_plain_text(result.evidence);
    EXPECT_EQ(result.evidence, Evidence::of("evidence.resent_after", 1, 10, 284));
    resent.at_least_ms.reset();
    resent.at_most_ms = 190;  // fast retransmit it was not
    EXPECT_FALSE(check(resent, trace).passed);

    CheckSpec backoff;
    backoff.kind = CheckSpec::Kind::Backoff;
    backoff.actor = Actor::Client;
    backoff.subject = "data";
    backoff.exactly = 1;
    result = check(backoff, trace);
    EXPECT_TRUE(result.passed) << evidence_plain_text(result.evidence);
    EXPECT_EQ(result.evidence, Evidence::of("evidence.backoff", 1, 3, "284, 568", 1));
    // The first timer fired late on a busy machine: 319 ms, then 572: still a doubling.
    Trace late;
    late.assign_actor(kClient, Actor::Client);
    for (int64_t at : {100, 419, 991}) add_data(late, at, 1000);
    EXPECT_TRUE(check(backoff, late).passed);
    // A timer that does not back off: the same wait twice.
    Trace steady;
    steady.assign_actor(kClient, Actor::Client);
    for (int64_t at : {100, 384, 668}) add_data(steady, at, 1000);
    EXPECT_FALSE(check(backoff, steady).passed);
    // Nothing resent: no wait to measure.
    Trace once;
    once.assign_actor(kClient, Actor::Client);
    add_data(once, 100, 1000);
    EXPECT_FALSE(check(resent, once).passed);
}

void add_reading(Trace& trace, int64_t time_ms, uint32_t cwnd) {
    CallEvent call;
    call.time_ns = time_ms * kMs;
    call.return_ns = call.time_ns;
    call.actor = Actor::Client;
    call.call = "getsockopt";
    call.arguments = "fd=4, TCP_INFO";
    TcpInfoReading reading;
    reading.cwnd = cwnd;
    reading.rtt_ms = 80.3;
    reading.rto_ms = 284;
    call.data = format_tcp_info(reading);
    trace.add_call(call);
}

// TCP_INFO readings one round trip apart: slow start doubles cwnd, congestion avoidance adds one.
TEST(LessonChecks, TcpInfoReadingsShowSlowStartDoubling) {
    Trace slow_start;
    int64_t at = 40;
    for (uint32_t cwnd : {10u, 20u, 40u, 80u, 136u}) add_reading(slow_start, at += 80, cwnd);
    CheckSpec doublings;
    doublings.kind = CheckSpec::Kind::TcpInfo;
    doublings.actor = Actor::Client;
    doublings.subject = "doublings";
    doublings.at_least = 3;
    CheckResult result = check(doublings, slow_start);
    EXPECT_TRUE(result.passed) << evidence_plain_text(result.evidence);
    EXPECT_EQ(result.evidence,
              Evidence::of("evidence.cwnd_doublings",
                           Evidence::of("evidence.tcp_info_values", "cwnd", 5, "10, 20, 40, 80, 136"), 3));

    Trace avoidance;
    for (uint32_t cwnd : {10u, 11u, 12u, 13u}) add_reading(avoidance, at += 80, cwnd);
    EXPECT_FALSE(check(doublings, avoidance).passed);

    CheckSpec first;
    first.kind = CheckSpec::Kind::TcpInfo;
    first.actor = Actor::Client;
    first.subject = "cwnd";
    first.reading = "first";
    first.exactly = 10;
    EXPECT_TRUE(check(first, slow_start).passed);
    first.reading = "largest";
    EXPECT_FALSE(check(first, slow_start).passed);
    first.exactly.reset();
    first.at_least = 136;
    EXPECT_TRUE(check(first, slow_start).passed);

    CheckSpec rto;
    rto.kind = CheckSpec::Kind::TcpInfo;
    rto.actor = Actor::Client;
    rto.subject = "rto_ms";
    rto.at_least = 200;
    EXPECT_TRUE(check(rto, slow_start).passed);
    EXPECT_EQ(check(rto, Trace{}).evidence, Evidence::of("evidence.tcp_info_none", Evidence::of("actor.client")));
}

// The text a TCP_INFO call keeps reads back to the same numbers; anything else is not a reading.
TEST(TcpInfoReading, ItsTextReadsBack) {
    TcpInfoReading reading;
    reading.cwnd = 20;
    reading.ssthresh = 7;
    reading.rtt_ms = 81.5;
    reading.rto_ms = 568;
    reading.retransmits = 2;
    reading.total_retrans = 3;
    const std::string text = format_tcp_info(reading);
    EXPECT_EQ(text, "cwnd=20 ssthresh=7 rtt_ms=81.5 rto_ms=568 retransmits=2 total_retrans=3");
    const auto back = parse_tcp_info(text);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->cwnd, 20u);
    EXPECT_EQ(back->ssthresh, 7u);
    EXPECT_DOUBLE_EQ(back->rtt_ms, 81.5);
    EXPECT_EQ(back->total_retrans, 3u);
    reading.ssthresh.reset();
    EXPECT_FALSE(parse_tcp_info(format_tcp_info(reading))->ssthresh.has_value());
    EXPECT_FALSE(parse_tcp_info("hello").has_value());
    EXPECT_FALSE(parse_tcp_info("cwnd=10").has_value());
    EXPECT_FALSE(parse_tcp_info("cwnd=x ssthresh=- rtt_ms=1 rto_ms=2 retransmits=0 total_retrans=0").has_value());
}

}  // namespace
}  // namespace tcplab
