#pragma once
// A scenario is a narrated script: an ordered list of steps, each one or more
// socket calls by an actor, a narration (by key, in assets/lang), and
// expectations checked against the trace once the step has settled.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "actor.hpp"
#include "capture/trace.hpp"

namespace tcplab {

struct CheckResult {
    bool passed = false;
    std::string detail;  // numbers and names, the same in every language: "ack=3054 = x+1"
};

// What an expectation sees: the whole trace and the time window of its step.
class StepView {
public:
    StepView(const Trace& trace, int64_t begin_ns, int64_t end_ns);

    const Trace& trace() const { return trace_; }
    int64_t begin_ns() const { return begin_ns_; }
    int64_t end_ns() const { return end_ns_; }

    std::vector<const PacketEvent*> segments() const;  // TCP packets in this step
    // The first segment in this step sent by `sender` whose flags are exactly `flags`.
    const PacketEvent* segment(Actor sender, uint8_t flags) const;
    // The socket calls of `actor` named `call` in this step; the last one, or null.
    const CallEvent* call(Actor actor, const std::string& name) const;
    // The states the sockets of `actor` moved to in this step, merged from the
    // kernel sources (state_timeline.hpp), in time order.
    std::vector<TcpState> states_reached(Actor actor) const;
    bool reached(Actor actor, TcpState state) const;
    // The first merged state event in this step where a socket of `actor` reached `state`.
    std::optional<StateEvent> state_event(Actor actor, TcpState state) const;

private:
    const std::vector<StateEvent>& transitions() const;

    const Trace& trace_;
    int64_t begin_ns_;
    int64_t end_ns_;
    mutable std::optional<std::vector<StateEvent>> transitions_;  // merged once, on first use
};

struct Expectation {
    std::string key;  // the sentence that says what is expected, in assets/lang
    std::function<CheckResult(const StepView&)> check;
};

struct Action {
    Actor actor = Actor::None;
    std::function<void(Calls&)> calls;
};

struct Step {
    std::string key;  // narration: KEY.title and KEY.text in assets/lang
    std::vector<Action> actions;
    std::vector<Expectation> expectations;
};

// The addresses a scenario uses inside its sandbox, chosen per run.
struct Addresses {
    Endpoint server;       // where the server listens
    Endpoint closed_port;  // an address where nothing listens
    std::vector<uint16_t> ports() const { return {server.port, closed_port.port}; }
};

struct Scenario {
    std::string name;  // "handshake"; its title and summary are NAME.title, NAME.summary
    std::vector<Step> steps;
};

struct ScenarioEntry {
    std::string name;
    Scenario (*build)(const Addresses& addresses);
};

// Every built-in scenario, in teaching order.
const std::vector<ScenarioEntry>& scenario_catalog();
const ScenarioEntry* find_scenario(const std::string& name);

// Helpers that keep scenario scripts short.
CheckResult pass_if(bool passed, std::string detail);
Expectation expect_call_result(Actor actor, const std::string& call, long expected, const std::string& key);
Expectation expect_state(Actor actor, TcpState state, const std::string& key);
// The server's socket(), bind() and listen() on "listener".
Action server_listens(const Endpoint& address, int backlog);
// The client's socket() and connect() on `socket_name`.
Action client_connects(const Endpoint& address, const std::string& socket_name = "connection");

}  // namespace tcplab
