// The four-way close: the client closes first, the server follows, and the
// client's socket waits in TIME_WAIT.
#include <sys/socket.h>

#include "scenario.hpp"

namespace tcplab {
namespace {

using namespace tcp_flag;

std::string number(uint32_t value) { return std::to_string(value); }

// The FIN a side sent in this step, and the ACK from the other side that covers it.
Expectation fin_then_ack(Actor closer, Actor peer, const std::string& key) {
    return {key, [closer, peer](const StepView& view) {
                const PacketEvent* fin = nullptr;
                for (const PacketEvent* segment : view.segments())
                    if ((segment->flags & Fin) && view.trace().sender_actor(*segment) == closer) {
                        fin = segment;
                        break;
                    }
                if (!fin) return pass_if(false, std::string("no FIN from the ") + std::string(actor_name(closer)));
                const uint32_t fin_seq = fin->seq + fin->payload_length;
                for (const PacketEvent* segment : view.segments())
                    if (segment->time_ns >= fin->time_ns && view.trace().sender_actor(*segment) == peer &&
                        (segment->flags & Ack) && segment->ack == fin_seq + 1)
                        return pass_if(true, flags_label(fin->flags) +
                                                 " seq=" + number(view.trace().relative_seq(*fin)) + ", then " +
                                                 flags_label(segment->flags) +
                                                 " ack=" + number(view.trace().relative_ack(*segment)));
                return pass_if(false, flags_label(fin->flags) + " was not acknowledged");
            }};
}

Expectation time_wait_countdown() {
    return {"expect.teardown.time_wait_timer", [](const StepView& view) {
                for (const StateEvent& event : view.trace().states()) {
                    if (event.source != StateSource::SocketDump || event.to != TcpState::TimeWait) continue;
                    if (view.trace().actor_of(event.local) != Actor::Client) continue;
                    const bool counting = event.timer == SocketTimer::TimeWait && event.timer_expires_ms > 50'000 &&
                                          event.timer_expires_ms <= 60'000;
                    return pass_if(counting,
                                   "timer:(timewait," + std::to_string(event.timer_expires_ms / 1000) + "sec)");
                }
                return pass_if(false, "no TIME_WAIT socket in the dump");
            }};
}

}  // namespace

Scenario build_teardown(const Addresses& addresses) {
    const Endpoint server = addresses.server;
    Scenario scenario{"teardown", {}};

    scenario.steps.push_back({"teardown.setup",
                              {server_listens(server, 8),
                               client_connects(server),
                               {Actor::Server, [](Calls& calls) { calls.accept("listener", "connection"); }}},
                              {expect_state(Actor::Client, TcpState::Established, "expect.teardown.established")}});

    scenario.steps.push_back({"teardown.client_close",
                              {{Actor::Client, [](Calls& calls) { calls.close("connection"); }}},
                              {fin_then_ack(Actor::Client, Actor::Server, "expect.teardown.client_fin_acked"),
                               expect_state(Actor::Client, TcpState::FinWait1, "expect.teardown.fin_wait_1"),
                               expect_state(Actor::Client, TcpState::FinWait2, "expect.teardown.fin_wait_2"),
                               expect_state(Actor::Server, TcpState::CloseWait, "expect.teardown.close_wait")}});

    scenario.steps.push_back({"teardown.server_reads_eof",
                              {{Actor::Server, [](Calls& calls) { calls.recv("connection", 1024); }}},
                              {expect_call_result(Actor::Server, "recv", 0, "expect.teardown.eof")}});

    scenario.steps.push_back(
        {"teardown.server_close",
         {{Actor::Server, [](Calls& calls) { calls.close("connection"); }}},
         {fin_then_ack(Actor::Server, Actor::Client, "expect.teardown.server_fin_acked"),
          expect_state(Actor::Server, TcpState::LastAck, "expect.teardown.last_ack"),
          expect_state(Actor::Server, TcpState::Closed, "expect.teardown.closed"),
          expect_state(Actor::Client, TcpState::TimeWait, "expect.teardown.time_wait"), time_wait_countdown()}});
    return scenario;
}

}  // namespace tcplab
