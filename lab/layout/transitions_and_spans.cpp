#include "transitions_and_spans.hpp"

#include <algorithm>

namespace tcplab {

const std::vector<StateEvent>& TransitionsAndSpans::transitions() const {
    static const std::vector<StateEvent> none;
    return merger_ ? merger_->transitions() : none;
}

// The same trace object, grown only at its end since the last update. A trace
// destroyed and another made at the same address would differ in its first
// or last seen state (or have fewer states).
bool TransitionsAndSpans::still_the_trace_seen(const Trace& trace) const {
    const auto& states = trace.states();
    if (trace_ != &trace || !merger_ || states.size() < states_seen_ ||
        trace.states_inserted_before_end() != inserted_before_end_seen_ || trace.actors().size() != actors_seen_)
        return false;
    if (states_seen_ == 0) return true;
    return states.front().time_ns == first_state_ns_ && states[states_seen_ - 1].time_ns == last_state_ns_;
}

void TransitionsAndSpans::update(const Trace& trace) {
    const auto& states = trace.states();
    const bool grown = still_the_trace_seen(trace);
    if (grown && states.size() == states_seen_) return;
    const size_t transitions_before = grown ? merger_->transitions().size() : 0;
    if (grown && merger_->append(std::span(states).subspan(states_seen_)))
        add_spans_from(trace, transitions_before);
    else
        rebuild(trace);
    trace_ = &trace;
    states_seen_ = states.size();
    inserted_before_end_seen_ = trace.states_inserted_before_end();
    actors_seen_ = trace.actors().size();
    first_state_ns_ = states.empty() ? 0 : states.front().time_ns;
    last_state_ns_ = states.empty() ? 0 : states.back().time_ns;
}

void TransitionsAndSpans::rebuild(const Trace& trace) {
    // As much room as the trace reserved (a flood lesson, a large file), so
    // that the vectors and hash maps do not grow, copying everything, within
    // one frame. A state is one socket's transition, and a connection has
    // two sockets (the kernel's sources add a few, such as listeners): at
    // most that many sockets.
    const size_t expected = std::max(trace.reserved().states, trace.states().size());
    const size_t connections = std::max(trace.reserved().connections, trace.connections().size());
    const size_t expected_sockets = std::min(expected, 2 * connections + 64);
    // Made once and reset after: resetting keeps the hash maps' room, which
    // for a flood lesson takes longer to make than a frame.
    if (merger_)
        merger_->reset(trace.states(), expected_sockets);
    else
        merger_.emplace(trace.states(), expected_sockets);
    span_builder_.clear();
    span_builder_.reserve(expected_sockets);
    spans_.clear();
    spans_.reserve(expected);
    span_rows_.client.clear();
    span_rows_.server.clear();
    // A flood's half-open sockets each hold a row of the server's lane.
    span_rows_.server.reserve(expected);
    add_spans_from(trace, 0);
    ++full_builds_;
}

void TransitionsAndSpans::add_spans_from(const Trace& trace, size_t first_transition) {
    const std::vector<StateEvent>& transitions = merger_->transitions();
    const size_t spans_before = spans_.size();
    for (size_t index = first_transition; index < transitions.size(); ++index)
        span_builder_.add(trace, transitions, index, spans_);
    for (size_t position = spans_before; position < spans_.size(); ++position) span_rows_.add(spans_, position);
}

}  // namespace tcplab
