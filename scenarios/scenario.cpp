#include "scenario.hpp"

#include "capture/state_timeline.hpp"

namespace tcplab {

Scenario build_handshake(const Addresses& addresses);
Scenario build_teardown(const Addresses& addresses);

const std::vector<ScenarioEntry>& scenario_catalog() {
    static const std::vector<ScenarioEntry> catalog = {
        {"handshake", &build_handshake},
        {"teardown", &build_teardown},
    };
    return catalog;
}

const ScenarioEntry* find_scenario(const std::string& name) {
    for (const ScenarioEntry& entry : scenario_catalog())
        if (entry.name == name) return &entry;
    return nullptr;
}

StepView::StepView(const Trace& trace, int64_t begin_ns, int64_t end_ns)
    : trace_(trace), begin_ns_(begin_ns), end_ns_(end_ns) {}

std::vector<const PacketEvent*> StepView::segments() const {
    std::vector<const PacketEvent*> found;
    for (const PacketEvent& packet : trace_.packets())
        if (packet.transport == Transport::Tcp && packet.time_ns >= begin_ns_ && packet.time_ns <= end_ns_)
            found.push_back(&packet);
    return found;
}

const PacketEvent* StepView::segment(Actor sender, uint8_t flags) const {
    for (const PacketEvent* packet : segments())
        if (packet->flags == flags && trace_.sender_actor(*packet) == sender) return packet;
    return nullptr;
}

const CallEvent* StepView::call(Actor actor, const std::string& name) const {
    const CallEvent* found = nullptr;
    for (const CallEvent& event : trace_.calls())
        if (event.actor == actor && event.call == name && event.time_ns >= begin_ns_ && event.time_ns <= end_ns_)
            found = &event;
    return found;
}

std::vector<TcpState> StepView::states_reached(Actor actor) const {
    std::vector<TcpState> states;
    for (const StateEvent& event : transitions())
        if (event.time_ns >= begin_ns_ && event.time_ns <= end_ns_ && trace_.actor_of(event.local) == actor)
            states.push_back(event.to);
    return states;
}

const std::vector<StateEvent>& StepView::transitions() const {
    if (!transitions_) transitions_ = observed_transitions(trace_);
    return *transitions_;
}

bool StepView::reached(Actor actor, TcpState state) const { return state_event(actor, state).has_value(); }

std::optional<StateEvent> StepView::state_event(Actor actor, TcpState state) const {
    for (const StateEvent& event : transitions())
        if (event.to == state && event.time_ns >= begin_ns_ && event.time_ns <= end_ns_ &&
            trace_.actor_of(event.local) == actor)
            return event;
    return std::nullopt;
}

CheckResult pass_if(bool passed, std::string detail) { return CheckResult{passed, std::move(detail)}; }

Expectation expect_call_result(Actor actor, const std::string& call, long expected, const std::string& key) {
    return {key, [=](const StepView& view) {
                const CallEvent* event = view.call(actor, call);
                if (!event) return pass_if(false, call + "() was not called");
                return pass_if(event->result == expected, call + "() = " + std::to_string(event->result));
            }};
}

Expectation expect_state(Actor actor, TcpState state, const std::string& key) {
    return {key, [=](const StepView& view) {
                auto event = view.state_event(actor, state);
                if (!event)
                    return pass_if(false,
                                   std::string(actor_name(actor)) + " never reached " + std::string(state_name(state)));
                return pass_if(true, std::string(state_name(event->from)) + " → " + std::string(state_name(state)) +
                                         " [" + std::string(source_name(event->source)) + "]");
            }};
}

Action server_listens(const Endpoint& address, int backlog) {
    return {Actor::Server, [address, backlog](Calls& calls) {
                calls.socket("listener");
                calls.bind("listener", address);
                calls.listen("listener", backlog);
            }};
}

Action client_connects(const Endpoint& address, const std::string& socket_name) {
    return {Actor::Client, [address, socket_name](Calls& calls) {
                calls.socket(socket_name);
                calls.connect(socket_name, address);
            }};
}

}  // namespace tcplab
