// The socket calls of the flow control and backlog lessons, on the real kernel
// in a fresh sandbox on one host: a non-blocking send() that comes to EAGAIN,
// sendall() that hands over every byte, connections made at once, and a
// server whose worker threads answer a crowd of client threads.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <cerrno>
#include <set>
#include <string>
#include <vector>

#include "tests/sandbox_actors.hpp"

namespace tcplab {
namespace {

const Endpoint kServer{*IpAddress::parse("127.0.0.1"), 5000};
const Endpoint kNobody{*IpAddress::parse("127.0.0.1"), 5001};
const Endpoint kOther{*IpAddress::parse("127.0.0.1"), 5002};

class CrowdCalls : public test::SandboxActors {
protected:
    void SetUp() override {
        SandboxActors::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        on_server([](Calls& calls) {
            ASSERT_GE(calls.socket("listener"), 0);
            ASSERT_EQ(calls.bind("listener", kServer), 0);
            ASSERT_EQ(calls.listen("listener", 8), 0);
        });
    }
};

TEST_F(CrowdCalls, ANonBlockingSendComesToEagainAndSendallHandsOverEveryByte) {
    on_client([](Calls& calls) {
        ASSERT_GE(calls.socket("c"), 0);
        ASSERT_EQ(calls.connect("c", kServer), 0);
    });
    on_server([](Calls& calls) { ASSERT_GE(calls.accept("listener", "conn"), 0); });
    // Nobody reads: the receive and send buffers fill, and a send() that waits for nothing says so.
    long taken = 0;
    on_client([&](Calls& calls) {
        for (int attempt = 0; attempt < 1000; ++attempt) {
            const long result = calls.send_nowait("c", 'x', 100000);
            if (result < 0) break;
            EXPECT_LE(result, 100000);
            taken += result;
        }
    });
    const auto sends = drain(*client_, "send");
    ASSERT_FALSE(sends.empty());
    EXPECT_EQ(sends.back().result, -1);
    EXPECT_EQ(sends.back().error_number, EAGAIN);
    EXPECT_NE(sends.back().arguments.find("MSG_DONTWAIT"), std::string::npos) << sends.back().arguments;
    EXPECT_GT(taken, 0);

    // sendall() waits for room while the server reads; one event for the whole loop.
    auto sending = client_->run([](Calls& calls) { EXPECT_EQ(calls.sendall("c", 'y', 300000), 300000); });
    std::string received;
    on_server([&](Calls& calls) {
        EXPECT_EQ(calls.recv_until("conn", static_cast<size_t>(taken) + 300000, 65536), taken + 300000);
        received = calls.last_received();
    });
    sending.get();
    EXPECT_EQ(received.find('y'), static_cast<size_t>(taken));
    const auto sendalls = drain(*client_, "sendall");
    ASSERT_EQ(sendalls.size(), 1u);
    EXPECT_EQ(sendalls[0].result, 300000);
}

TEST_F(CrowdCalls, ConnectionsMadeAtOnceEachReportTheirOwnConnect) {
    on_client([](Calls& calls) {
        EXPECT_EQ(calls.connect_together({"a1", "a2", "a3"}, kServer, 5000), 3);
        EXPECT_EQ(calls.connect_together({"b1", "b2"}, kNobody, 5000), 0);
    });
    const auto connects = drain(*client_, "connect");
    ASSERT_EQ(connects.size(), 5u);
    std::set<uint16_t> ports;
    for (size_t index = 0; index < 3; ++index) {
        EXPECT_EQ(connects[index].result, 0);
        ports.insert(connects[index].local.port);
    }
    EXPECT_EQ(ports.size(), 3u);  // three sockets of their own
    for (size_t index = 3; index < 5; ++index) {
        EXPECT_EQ(connects[index].result, -1);
        EXPECT_EQ(connects[index].error_number, ECONNREFUSED);
    }
    on_client([](Calls& calls) {
        for (const char* name : {"a1", "a2", "a3"}) EXPECT_GE(calls.fd(name), 0) << name;
        EXPECT_EQ(calls.send("a1", "blocking again"), 14);  // the sockets are blocking after the connect
    });
}

TEST_F(CrowdCalls, WorkerThreadsAnswerACrowdOfClientThreads) {
    auto serving = server_->run([](Calls& calls) { EXPECT_EQ(calls.serve_with_workers("listener", 12, 0), 12); });
    on_client([](Calls& calls) { EXPECT_EQ(calls.crowd(12, kServer, "ping", 0), 12); });
    serving.get();
    const auto answers = drain(*client_, "recv");
    ASSERT_EQ(answers.size(), 12u);
    for (const CallEvent& answer : answers) EXPECT_EQ(answer.data, "ping");
    // Every event arrived whole through the one queue the threads share.
    EXPECT_EQ(client_->calls().dropped(), 0u);
    EXPECT_EQ(server_->calls().dropped(), 0u);
    std::vector<CallEvent> server_events;
    while (auto event = server_->calls().pop()) server_events.push_back(std::move(*event));
    size_t accepted = 0;
    size_t echoed = 0;
    for (const CallEvent& event : server_events) {
        accepted += event.call == "accept" && event.result >= 0;
        echoed += event.call == "send" && event.data == "ping";
    }
    EXPECT_EQ(accepted, 12u);
    EXPECT_EQ(echoed, 12u);
}

TEST_F(CrowdCalls, AServerWhoseClientsNeverComeGivesUpAfterTheCallTimeout) {
    // A server of its own with a 1 s call timeout, on the same listener's address.
    ActorThread patient_server(Actor::Server, *sandbox_, 1);
    ASSERT_TRUE(patient_server.in_sandbox());
    auto serving = patient_server.run([](Calls& calls) {
        ASSERT_GE(calls.socket("other"), 0);
        ASSERT_EQ(calls.bind("other", kOther), 0);
        ASSERT_EQ(calls.listen("other", 8), 0);
        EXPECT_EQ(calls.serve_with_workers("other", 3, 0), 1);  // one request of three, then nobody
    });
    on_client([](Calls& calls) { EXPECT_EQ(calls.crowd(1, kOther, "once", 0), 1); });
    serving.get();
}

}  // namespace
}  // namespace tcplab
