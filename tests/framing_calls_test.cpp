// The socket calls of the sticky-packets lesson, on the real kernel in a fresh
// sandbox: TCP glues quick sends together, UDP keeps each datagram (and cuts
// one that does not fit), and the framing helpers find the messages again.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scenarios/actor.hpp"
#include "scenarios/sandbox.hpp"
#include "tests/sandbox_actors.hpp"
#include "tests/wait_until.hpp"

namespace tcplab {
namespace {

const Endpoint kServer{*IpAddress::parse("127.0.0.1"), 5000};

class FramingCalls : public test::SandboxActors {
protected:
    // A connected pair: the client's socket "c", the server's accepted "conn".
    void connect_tcp() {
        on_server([](Calls& calls) {
            ASSERT_GE(calls.socket("listener"), 0);
            ASSERT_EQ(calls.bind("listener", kServer), 0);
            ASSERT_EQ(calls.listen("listener", 4), 0);
        });
        on_client([](Calls& calls) {
            ASSERT_GE(calls.socket("c"), 0);
            ASSERT_EQ(calls.connect("c", kServer), 0);
        });
        on_server([](Calls& calls) { ASSERT_GE(calls.accept("listener", "conn"), 0); });
    }

    // Until the server's connection holds `bytes` unread, so "everything was
    // sent before the first recv()" really holds when the test reads.
    void wait_until_queued(int bytes) {
        on_server([bytes](Calls& calls) {
            int queued = 0;
            EXPECT_TRUE(test::wait_until([&] {
                return ::ioctl(calls.fd("conn"), FIONREAD, &queued) == 0 && queued >= bytes;
            })) << queued
                << " of " << bytes << " bytes arrived";
        });
    }
};

TEST_F(FramingCalls, ThreeQuickSendsAreReadByOneRecv) {
    connect_tcp();
    on_client([](Calls& calls) {
        EXPECT_EQ(calls.send("c", "hello"), 5);
        EXPECT_EQ(calls.send("c", "world"), 5);
        EXPECT_EQ(calls.send("c", "egon"), 4);
    });
    wait_until_queued(14);
    std::string received;
    on_server([&](Calls& calls) {
        EXPECT_EQ(calls.recv("conn", 1024), 14);
        received = calls.last_received();
    });
    EXPECT_EQ(received, "helloworldegon");
    EXPECT_EQ(drain(*client_, "send").size(), 3u);
    const auto recvs = drain(*server_, "recv");
    ASSERT_EQ(recvs.size(), 1u);
    EXPECT_EQ(recvs[0].data, "helloworldegon");
}

TEST_F(FramingCalls, UdpKeepsEachDatagramAndTruncatesOneTooLarge) {
    on_server([](Calls& calls) {
        ASSERT_GE(calls.socket("udp", SOCK_DGRAM), 0);
        ASSERT_EQ(calls.bind("udp", kServer), 0);
    });
    on_client([](Calls& calls) {
        ASSERT_GE(calls.socket("udp", SOCK_DGRAM), 0);
        for (const char* message : {"hello", "world", "egon", "hello big world"})
            EXPECT_EQ(calls.sendto("udp", message, kServer), static_cast<long>(std::string(message).size()));
    });
    // No wait: each recvfrom() blocks until its datagram is there.
    std::vector<std::string> received;
    long truncated_result = 0;
    on_server([&](Calls& calls) {
        for (int i = 0; i < 3; ++i) {
            calls.recvfrom("udp", 1024);
            received.push_back(calls.last_received());
        }
        truncated_result = calls.recvfrom("udp", 11);
        received.push_back(calls.last_received());
    });
    EXPECT_EQ(received, (std::vector<std::string>{"hello", "world", "egon", "hello big w"}));
    EXPECT_EQ(truncated_result, 15);  // MSG_TRUNC: the datagram's real length

    EXPECT_EQ(drain(*client_, "sendto").size(), 4u);
    const auto recvs = drain(*server_, "recvfrom");
    ASSERT_EQ(recvs.size(), 4u);
    EXPECT_EQ(recvs[0].arguments.find("truncated"), std::string::npos);
    EXPECT_NE(recvs[3].arguments.find("truncated: 11 of 15 bytes"), std::string::npos) << recvs[3].arguments;
    EXPECT_EQ(recvs[3].result, 15);
    EXPECT_EQ(recvs[3].data, "hello big w");
}

TEST_F(FramingCalls, LargeSendIsReadInPiecesAndItsEventStaysSmall) {
    connect_tcp();
    on_client([](Calls& calls) { EXPECT_EQ(calls.send_repeated("c", 'x', 20000), 20000); });
    wait_until_queued(20000);
    long total = 0;
    std::string received;
    on_server([&](Calls& calls) {
        total = calls.recv_until("conn", 20000, 1000);
        received = calls.last_received();
    });
    EXPECT_EQ(total, 20000);
    EXPECT_EQ(received, std::string(20000, 'x'));

    const auto sends = drain(*client_, "send");
    ASSERT_EQ(sends.size(), 1u);
    EXPECT_EQ(sends[0].result, 20000);
    EXPECT_LE(sends[0].data.size(), 64u);
    EXPECT_LE(sends[0].arguments.size(), 100u);
    const auto recvs = drain(*server_, "recv");
    ASSERT_GE(recvs.size(), 20u);
    long sum = 0;
    for (const CallEvent& event : recvs) {
        EXPECT_GT(event.result, 0);
        EXPECT_LE(event.result, 1000);
        sum += event.result;
    }
    EXPECT_EQ(sum, 20000);
}

TEST_F(FramingCalls, LengthPrefixSeparatesMessagesSentBackToBack) {
    connect_tcp();
    on_client([](Calls& calls) {
        EXPECT_EQ(calls.send_framed("c", "hello"), 9);
        EXPECT_EQ(calls.send_framed("c", "world, again"), 16);
    });
    wait_until_queued(9 + 16);
    std::vector<std::string> messages;
    on_server([&](Calls& calls) {
        EXPECT_EQ(calls.recv_framed("conn"), 5);
        messages.push_back(calls.last_received());
        EXPECT_EQ(calls.recv_framed("conn"), 12);
        messages.push_back(calls.last_received());
    });
    EXPECT_EQ(messages, (std::vector<std::string>{"hello", "world, again"}));

    const auto sends = drain(*client_, "send");
    ASSERT_EQ(sends.size(), 2u);                                // prefix and payload leave in one send()
    EXPECT_EQ(sends[0].data, std::string("\0\0\0\5hello", 9));  // big-endian length
    const auto recvs = drain(*server_, "recv");
    std::vector<long> lengths;
    for (const CallEvent& event : recvs) lengths.push_back(event.result);
    EXPECT_EQ(lengths, (std::vector<long>{4, 5, 4, 12}));
}

TEST_F(FramingCalls, GarbledLengthPrefixFailsInsteadOfWaiting) {
    connect_tcp();
    on_client([](Calls& calls) { calls.send("c", std::string("\xff\xff\xff\xff", 4)); });
    wait_until_queued(4);
    long result = 0;
    on_server([&](Calls& calls) { result = calls.recv_framed("conn"); });
    EXPECT_EQ(result, -1);
}

TEST_F(FramingCalls, JsonHeaderCarriesTheBodyLength) {
    connect_tcp();
    const std::string body = "line one\nline two\n";
    on_client([&](Calls& calls) { EXPECT_EQ(calls.send_with_json_header("c", body, "notes.txt"), 18); });
    long length = 0;
    std::string received, header;
    on_server([&](Calls& calls) {
        length = calls.recv_with_json_header("conn");
        received = calls.last_received();
        header = calls.last_header();
    });
    EXPECT_EQ(length, static_cast<long>(body.size()));
    EXPECT_EQ(received, body);
    const auto parsed = nlohmann::json::parse(header);
    EXPECT_EQ(parsed["file_name"], "notes.txt");
    EXPECT_EQ(parsed["file_size"], body.size());
    EXPECT_EQ(drain(*client_, "send").size(), 3u);  // length, header, body: as the tutorials do
}

}  // namespace
}  // namespace tcplab
