#include "event_rows.hpp"

#include <algorithm>
#include <span>

#include "capture/state_timeline.hpp"
#include "merge_by_time.hpp"

namespace tcplab {

namespace {

// The events of a sorted list with after_ns < time <= until_ns.
template <typename Event>
std::span<const Event> between(const std::vector<Event>& events, int64_t after_ns, int64_t until_ns) {
    const auto later = [](int64_t time, const Event& event) { return time < event.time_ns; };
    const auto first = std::upper_bound(events.begin(), events.end(), after_ns, later);
    return {first, std::upper_bound(first, events.end(), until_ns, later)};
}

}  // namespace

void for_each_event_row(const Trace& trace, int64_t after_ns, int64_t until_ns,
                        const std::function<void(const EventRow&)>& visit) {
    const std::vector<StateEvent> transitions = observed_transitions(trace);
    const auto calls = between(trace.calls(), after_ns, until_ns);
    const auto packets = between(trace.packets(), after_ns, until_ns);
    const auto states = between(transitions, after_ns, until_ns);
    const auto wires = between(trace.wire_events(), after_ns, until_ns);
    merge_by_time({
        {calls.size(), [&](size_t i) { return calls[i].time_ns; },
         [&](size_t i) {
             visit({EventRow::Kind::Call, calls[i].time_ns, &calls[i], nullptr, nullptr, nullptr});
         }},
        {packets.size(), [&](size_t i) { return packets[i].time_ns; },
         [&](size_t i) {
             visit({EventRow::Kind::Packet, packets[i].time_ns, nullptr, &packets[i], nullptr, nullptr});
         }},
        {states.size(), [&](size_t i) { return states[i].time_ns; },
         [&](size_t i) {
             visit({EventRow::Kind::State, states[i].time_ns, nullptr, nullptr, &states[i], nullptr});
         }},
        {wires.size(), [&](size_t i) { return wires[i].time_ns; },
         [&](size_t i) {
             visit({EventRow::Kind::Wire, wires[i].time_ns, nullptr, nullptr, nullptr, &wires[i]});
         }},
    });
}

}  // namespace tcplab
