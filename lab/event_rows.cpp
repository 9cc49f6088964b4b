#include "event_rows.hpp"

#include "capture/transition_merger.hpp"
#include "merge_by_time.hpp"

namespace tcplab {

void for_each_event_row(const Trace& trace, int64_t after_ns, int64_t until_ns,
                        const std::function<void(const EventRow&)>& visit) {
    const std::vector<StateEvent> transitions = observed_transitions(trace);
    const auto calls = events_between(trace.calls(), after_ns, until_ns);
    const auto packets = events_between(trace.packets(), after_ns, until_ns);
    const auto states = events_between(transitions, after_ns, until_ns);
    const auto wires = events_between(trace.wire_events(), after_ns, until_ns);
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
