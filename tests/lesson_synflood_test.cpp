// Integration: the SYN flood lesson (assets/lessons/synflood.toml) run
// unattended on the real kernel, inside its sandbox. Every expectation must
// hold, and beyond the ✓ marks this test reads the segments and calls that the
// lesson is about: spoofed SYNs from many made-up hosts, SYN-ACKs retransmitted
// to them, the real client's SYNs left unanswered while cookies are off, and
// its handshake answered by a cookie once they are on.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <map>
#include <set>

#include "scenarios/run.hpp"
#include "tests/environment.hpp"

namespace tcplab {
namespace {

using namespace tcp_flag;

constexpr size_t kListen = 0;
constexpr size_t kFlood = 1;
constexpr size_t kClientFails = 2;
constexpr size_t kCookies = 3;
constexpr size_t kAccept = 4;
constexpr size_t kBacklog = 8;  // listen(8) in the lesson

// The flood's made-up sources: 198.18.0.0/15, not the client's address.
bool spoofed(const Endpoint& source, const Endpoint& client) {
    return source.address.version == 4 && source.address.bytes[0] == 198 &&
           (source.address.bytes[1] == 18 || source.address.bytes[1] == 19) && source.address != client.address;
}

class SynFloodLesson : public testing::Test {
protected:
    static void SetUpTestSuite() {
        const LessonEntry* entry = find_builtin_lesson("synflood");
        ASSERT_NE(entry, nullptr) << "assets/lessons/synflood.toml is not in the catalog";
        if (test::missing_sandbox() || test::missing_tun()) return;  // each test says which
        auto started = LessonRun::start(*entry);
        ASSERT_TRUE(started) << started.error().what << " / " << started.error().remedy;
        run_ = std::move(started.value());
        while (!run_->finished()) run_->step();
        run_->finish();
    }
    static void TearDownTestSuite() { run_.reset(); }

    void SetUp() override {
        if (auto missing = test::missing_sandbox()) GTEST_SKIP() << *missing;
        if (auto missing = test::missing_tun()) GTEST_SKIP() << *missing;
        ASSERT_NE(run_, nullptr) << "the lesson did not run (see the failure above)";
    }

    static const StepOutcome& outcome(size_t index) { return run_->outcomes().at(index); }
    // The kernel's answer to the step's three-way question: that choice, and only it.
    static void expect_only_choice(size_t step, size_t right) {
        const auto& choices = outcome(step).choices;
        ASSERT_EQ(choices.size(), 3u);
        for (size_t choice = 0; choice < choices.size(); ++choice)
            EXPECT_EQ(choices[choice].result.passed, choice == right) << "choice " << choice + 1;
    }
    static StepView view(size_t index) {
        return StepView(run_->trace(), outcome(index).begin_ns, outcome(index).end_ns, &outcome(index).counters);
    }
    static int64_t counter_change(size_t index, const std::string& name) {
        return outcome(index).counters.change(name).value_or(-1);
    }
    // The real client's socket, from its connect() in the cookie step. (The
    // trace counts the spoofed senders as clients too: they open connections.)
    static Endpoint client_endpoint() {
        const CallEvent* connect = view(kCookies).call(Actor::Client, "connect");
        return connect ? connect->local : Endpoint{};
    }

    static std::unique_ptr<LessonRun> run_;
};

std::unique_ptr<LessonRun> SynFloodLesson::run_;

TEST_F(SynFloodLesson, EveryExpectationHolds) {
    ASSERT_EQ(run_->outcomes().size(), 5u);
    for (const StepOutcome& step : run_->outcomes()) {
        // The run's own account, for reading a failure (and timing) in the log.
        std::printf("%s (%.2f s)\n", run_->lesson().steps[step.index].key.c_str(),
                    static_cast<double>(step.end_ns - step.begin_ns) / 1e9);
        for (const ExpectationOutcome& expectation : step.expectations)
            std::printf("  %s %s: %s\n", expectation.result.passed ? "ok" : "FAILED", expectation.key.c_str(),
                        evidence_plain_text(expectation.result.evidence).c_str());
        EXPECT_TRUE(step.failure.empty()) << step.failure;
        for (const ExpectationOutcome& expectation : step.expectations)
            EXPECT_TRUE(expectation.result.passed) << run_->lesson().steps[step.index].key << ": " << expectation.key
                                                   << " (" << evidence_plain_text(expectation.result.evidence) << ")";
    }
}

TEST_F(SynFloodLesson, FloodComesFromManySpoofedSourcesAndFillsOnlyTheBacklog) {
    const Trace& trace = run_->trace();
    const Endpoint client = client_endpoint();
    std::set<IpAddress> sources;
    size_t spoofed_syns = 0;
    for (const PacketEvent* packet : view(kFlood).segments()) {
        if (packet->flags != Syn) continue;
        const Endpoint source = trace.sender(*packet);
        ASSERT_TRUE(spoofed(source, client)) << source.to_string();
        EXPECT_EQ(trace.receiver(*packet), run_->addresses().server);
        sources.insert(source.address);
        ++spoofed_syns;
    }
    EXPECT_EQ(spoofed_syns, 300u);
    EXPECT_GE(sources.size(), 100u);  // many hosts, as a distributed attack looks

    // ss would list the backlog's worth of half-open connections, and no more.
    const size_t half_open = view(kFlood).most_sockets_in(Actor::Server, TcpState::SynReceived);
    EXPECT_GE(half_open, kBacklog);
    EXPECT_LE(half_open, kBacklog + 1);
    // Without cookies, only the queued SYNs were answered; the rest were dropped.
    EXPECT_GE(counter_change(kFlood, "TcpExt.TCPReqQFullDrop"), static_cast<int64_t>(300 - kBacklog - 1));
    EXPECT_EQ(counter_change(kFlood, "TcpExt.ListenOverflows"), 0);
    // PassiveOpens counts completed handshakes, not SYNs: the flood completes none.
    EXPECT_EQ(counter_change(kFlood, "Tcp.PassiveOpens"), 0);
    // The kernel's answer: about the backlog (8 or 9, as this kernel's version has it), not 0 or 300.
    expect_only_choice(kFlood, 1);
}

TEST_F(SynFloodLesson, SynAcksToSpoofedSourcesAreRetransmittedWithTheSameNumbers) {
    const Trace& trace = run_->trace();
    const Endpoint client = client_endpoint();
    // The first SYN-ACK to each made-up host, then its copies sent again.
    std::map<Endpoint, std::pair<uint32_t, uint32_t>> first;  // destination → seq, ack
    size_t retransmitted = 0;
    for (size_t step : {kFlood, kClientFails})
        for (const PacketEvent* packet : view(step).segments()) {
            if (packet->flags != (Syn | Ack) || trace.sender_actor(*packet) != Actor::Server) continue;
            const Endpoint destination = trace.receiver(*packet);
            ASSERT_TRUE(spoofed(destination, client)) << "a SYN-ACK went to " << destination.to_string();
            auto [entry, fresh] = first.try_emplace(destination, std::make_pair(packet->seq, packet->ack));
            if (fresh) continue;
            EXPECT_TRUE(packet->retransmission);
            EXPECT_EQ(packet->seq, entry->second.first);
            EXPECT_EQ(packet->ack, entry->second.second);
            ++retransmitted;
        }
    EXPECT_GE(first.size(), kBacklog);
    EXPECT_LE(first.size(), kBacklog + 1);
    EXPECT_GE(retransmitted, kBacklog);  // at least one more round for each half-open connection
}

TEST_F(SynFloodLesson, WithoutCookiesTheClientsSynsGoUnansweredAndConnectTimesOut) {
    const Trace& trace = run_->trace();
    const StepView step = view(kClientFails);
    std::vector<const PacketEvent*> client_syns;
    const IpAddress client = client_endpoint().address;
    for (const PacketEvent* packet : step.segments()) {
        if (trace.sender(*packet).address == client) {
            EXPECT_EQ(packet->flags, Syn);
            client_syns.push_back(packet);
        }
        // Nothing at all goes back to the client: no SYN-ACK, and no RST either.
        EXPECT_NE(trace.receiver(*packet).address, client);
    }
    ASSERT_GE(client_syns.size(), 2u);
    EXPECT_EQ(client_syns[1]->seq, client_syns[0]->seq);  // the same SYN, sent again
    EXPECT_TRUE(client_syns[1]->retransmission);

    const CallEvent* connect = step.call(Actor::Client, "connect");
    ASSERT_NE(connect, nullptr);
    EXPECT_EQ(connect->result, -1);
    EXPECT_EQ(connect->error_number, ETIMEDOUT);
    // tcp_syn_retries = 1 gives up after 1 + 2 s, however the SYNs are spaced.
    EXPECT_GE(connect->return_ns - connect->time_ns, 2'500'000'000);
    EXPECT_LE(connect->return_ns - connect->time_ns, 4'500'000'000);
    EXPECT_LE(client_syns.size(), 3u);
    EXPECT_FALSE(step.reached(Actor::Client, TcpState::Established));
    EXPECT_GE(counter_change(kClientFails, "TcpExt.TCPReqQFullDrop"), static_cast<int64_t>(client_syns.size()));
    EXPECT_EQ(counter_change(kClientFails, "TcpExt.SyncookiesSent"), 0);

    // The kernel's answer to the question: it timed out, and only that.
    expect_only_choice(kClientFails, 1);
}

TEST_F(SynFloodLesson, WithCookiesEverySynIsAnsweredAndTheClientGetsIn) {
    const Trace& trace = run_->trace();
    const StepView step = view(kCookies);
    const Endpoint client = client_endpoint();
    ASSERT_FALSE(client.address.is_unspecified());

    size_t spoofed_syns = 0;
    std::set<Endpoint> answered;
    const PacketEvent* client_syn = nullptr;
    const PacketEvent* synack_to_client = nullptr;
    const PacketEvent* client_ack = nullptr;
    for (const PacketEvent* packet : step.segments()) {
        const Endpoint from = trace.sender(*packet);
        const Endpoint to = trace.receiver(*packet);
        if (packet->flags == Syn && spoofed(from, client)) ++spoofed_syns;
        if (packet->flags == (Syn | Ack) && !packet->retransmission && spoofed(to, client)) answered.insert(to);
        if (packet->flags == Syn && from == client && !client_syn) client_syn = packet;
        if (packet->flags == (Syn | Ack) && to == client && !synack_to_client) synack_to_client = packet;
        if (packet->flags == Ack && from == client && !client_ack) client_ack = packet;
    }
    EXPECT_EQ(spoofed_syns, 200u);
    EXPECT_EQ(answered.size(), spoofed_syns);  // a SYN-ACK for every spoofed SYN: sockets' or cookies'

    // The client's handshake: its SYN, a (cookie) SYN-ACK with ack = x+1, its ACK of y+1.
    ASSERT_NE(client_syn, nullptr);
    ASSERT_NE(synack_to_client, nullptr);
    ASSERT_NE(client_ack, nullptr);
    EXPECT_EQ(synack_to_client->ack, client_syn->seq + 1);
    EXPECT_EQ(client_ack->ack, synack_to_client->seq + 1);

    const CallEvent* connect = step.call(Actor::Client, "connect");
    ASSERT_NE(connect, nullptr);
    EXPECT_EQ(connect->result, 0);
    EXPECT_GT(counter_change(kCookies, "TcpExt.SyncookiesSent"), 0);
    EXPECT_GT(counter_change(kCookies, "TcpExt.TCPReqQFullDoCookies"), 0);
    EXPECT_GE(counter_change(kCookies, "TcpExt.SyncookiesRecv"), 1);
    EXPECT_EQ(counter_change(kCookies, "TcpExt.TCPReqQFullDrop"), 0);
    EXPECT_EQ(counter_change(kCookies, "Tcp.PassiveOpens"), 1);  // the client's handshake, and only it
    // Cookies keep no half-open socket: of all those SYN-ACKs, only the few
    // that found room in the queue left a SYN_RECV socket that ss could list.
    std::set<Endpoint> half_open;
    for (const StateEvent& event : trace.states())
        if (event.source == StateSource::SocketDump && event.to == TcpState::SynReceived &&
            event.time_ns >= step.begin_ns() && event.time_ns <= step.end_ns() && spoofed(event.remote, client))
            half_open.insert(event.remote);
    EXPECT_LE(half_open.size(), kBacklog + 1);

    expect_only_choice(kCookies, 0);
}

TEST_F(SynFloodLesson, TheCookieConnectionCarriesData) {
    const StepView step = view(kAccept);
    const CallEvent* accepted = step.call(Actor::Server, "accept");
    ASSERT_NE(accepted, nullptr);
    EXPECT_GE(accepted->result, 0);
    const CallEvent* received = step.call(Actor::Server, "recv");
    ASSERT_NE(received, nullptr);
    EXPECT_EQ(received->data, "hello");
    EXPECT_TRUE(view(kListen).reached(Actor::Server, TcpState::Listen));
}

TEST_F(SynFloodLesson, ReportsWhetherTheCaptureKeptUp) {
    // Not a claim about the kernel: a flood must not silently lose segments
    // from what the student sees. Recorded so that a loss shows up here.
    EXPECT_EQ(run_->trace().lost_events(), 0u);
    EXPECT_EQ(run_->capture_stats().kernel_dropped, 0u);
    EXPECT_EQ(run_->capture_stats().queue_dropped, 0u);
}

}  // namespace
}  // namespace tcplab
