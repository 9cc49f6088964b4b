// The three-way handshake, told step by step on the real kernel.
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "scenario.hpp"

namespace tcplab {
namespace {

using namespace tcp_flag;

std::string number(uint32_t value) { return std::to_string(value); }

std::string errno_name(int error) {
    const char* name = strerrorname_np(error);
    return name ? name : "errno " + std::to_string(error);
}

Expectation client_sends_syn() {
    return {"expect.handshake.syn", [](const StepView& view) {
                const PacketEvent* syn = view.segment(Actor::Client, Syn);
                if (!syn) return pass_if(false, "no SYN from the client");
                return pass_if(true, "SYN seq=x=" + number(syn->seq));
            }};
}

Expectation server_acks_client_isn() {
    return {"expect.handshake.synack", [](const StepView& view) {
                const PacketEvent* syn = view.segment(Actor::Client, Syn);
                const PacketEvent* syn_ack = view.segment(Actor::Server, Syn | Ack);
                if (!syn || !syn_ack) return pass_if(false, "no SYN-ACK from the server");
                return pass_if(syn_ack->ack == syn->seq + 1, "SYN-ACK seq=y=" + number(syn_ack->seq) +
                                                                 " ack=" + number(syn_ack->ack) +
                                                                 " (x+1=" + number(syn->seq + 1) + ")");
            }};
}

Expectation client_acks_server_isn() {
    return {"expect.handshake.ack", [](const StepView& view) {
                const PacketEvent* syn_ack = view.segment(Actor::Server, Syn | Ack);
                const PacketEvent* ack = view.segment(Actor::Client, Ack);
                if (!syn_ack || !ack) return pass_if(false, "no ACK from the client");
                return pass_if(ack->ack == syn_ack->seq + 1,
                               "ACK ack=" + number(ack->ack) + " (y+1=" + number(syn_ack->seq + 1) + ")");
            }};
}

Expectation accept_sends_nothing() {
    return {"expect.handshake.accept_quiet", [](const StepView& view) {
                const size_t count = view.segments().size();
                return pass_if(count == 0, std::to_string(count) + " segments during accept()");
            }};
}

Expectation data_arrives_in_one_segment(std::string data) {
    return {"expect.handshake.data", [data](const StepView& view) {
                const PacketEvent* segment = view.segment(Actor::Client, Psh | Ack);
                if (!segment) return pass_if(false, "no PSH-ACK from the client");
                const uint32_t seq = view.trace().relative_seq(*segment);
                return pass_if(segment->payload_length == data.size() && seq == 1,
                               "PSH-ACK seq=" + number(seq) + " len=" + number(segment->payload_length));
            }};
}

Expectation server_acks_data(uint32_t length) {
    return {"expect.handshake.data_acked", [length](const StepView& view) {
                for (const PacketEvent* segment : view.segments()) {
                    if (view.trace().sender_actor(*segment) != Actor::Server || !(segment->flags & Ack)) continue;
                    const uint32_t ack = view.trace().relative_ack(*segment);
                    if (ack == 1 + length) return pass_if(true, "ACK ack=" + number(ack));
                }
                return pass_if(false, "the server did not acknowledge the data yet");
            }};
}

Expectation server_received(std::string data) {
    return {"expect.handshake.recv", [data](const StepView& view) {
                const CallEvent* recv = view.call(Actor::Server, "recv");
                if (!recv) return pass_if(false, "recv() was not called");
                return pass_if(recv->data == data,
                               "recv() = " + std::to_string(recv->result) + " \"" + recv->data + "\"");
            }};
}

Expectation refused_with_rst() {
    return {"expect.handshake.rst", [](const StepView& view) {
                const PacketEvent* syn = view.segment(Actor::Client, Syn);
                if (!syn) return pass_if(false, "no SYN to the closed port");
                for (const PacketEvent* segment : view.segments())
                    if ((segment->flags & Rst) && segment->connection == syn->connection)
                        return pass_if(segment->ack == syn->seq + 1,
                                       flags_label(segment->flags) + " ack=" + number(segment->ack) + " (x+1)");
                return pass_if(false, "no RST came back");
            }};
}

Expectation connect_refused() {
    return {"expect.handshake.econnrefused", [](const StepView& view) {
                const CallEvent* connect = view.call(Actor::Client, "connect");
                if (!connect) return pass_if(false, "connect() was not called");
                return pass_if(
                    connect->result == -1 && connect->error_number == ECONNREFUSED,
                    "connect() = " + std::to_string(connect->result) + " " + errno_name(connect->error_number));
            }};
}

}  // namespace

Scenario build_handshake(const Addresses& addresses) {
    const Endpoint server = addresses.server;
    const Endpoint closed = addresses.closed_port;
    const std::string greeting = "hello";
    Scenario scenario{"handshake", {}};

    scenario.steps.push_back({"handshake.listen",
                              {server_listens(server, 8)},
                              {expect_call_result(Actor::Server, "listen", 0, "expect.handshake.listen_ok"),
                               expect_state(Actor::Server, TcpState::Listen, "expect.handshake.listening")}});

    scenario.steps.push_back(
        {"handshake.connect",
         {client_connects(server)},
         {client_sends_syn(), server_acks_client_isn(), client_acks_server_isn(),
          expect_state(Actor::Client, TcpState::SynSent, "expect.handshake.client_syn_sent"),
          expect_state(Actor::Client, TcpState::Established, "expect.handshake.client_established"),
          expect_state(Actor::Server, TcpState::Established, "expect.handshake.server_established"),
          expect_call_result(Actor::Client, "connect", 0, "expect.handshake.connect_ok")}});

    scenario.steps.push_back({"handshake.accept",
                              {{Actor::Server, [](Calls& calls) { calls.accept("listener", "connection"); }}},
                              {{"expect.handshake.accept_ok",
                                [](const StepView& view) {
                                    const CallEvent* accept = view.call(Actor::Server, "accept");
                                    return pass_if(accept && accept->result >= 0,
                                                   accept ? "accept() = " + std::to_string(accept->result) : "");
                                }},
                               accept_sends_nothing()}});

    scenario.steps.push_back(
        {"handshake.send",
         {{Actor::Client, [greeting](Calls& calls) { calls.send("connection", greeting); }}},
         {data_arrives_in_one_segment(greeting), server_acks_data(static_cast<uint32_t>(greeting.size()))}});

    scenario.steps.push_back({"handshake.recv",
                              {{Actor::Server, [](Calls& calls) { calls.recv("connection", 1024); }}},
                              {server_received(greeting)}});

    scenario.steps.push_back({"handshake.refused",
                              {{Actor::Client,
                                [closed](Calls& calls) {
                                    calls.socket("probe");
                                    calls.connect("probe", closed);
                                    calls.close("probe");
                                }}},
                              {refused_with_rst(), connect_refused()}});
    return scenario;
}

}  // namespace tcplab
