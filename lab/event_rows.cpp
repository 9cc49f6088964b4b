#include "event_rows.hpp"

#include <algorithm>

#include "capture/transition_merger.hpp"
#include "merge_by_time.hpp"

namespace tcplab {

namespace {

// Rows in time order: the calls as given (with the time each is placed at),
// and every other kind of event in the window.
void merge_rows(const Trace& trace, int64_t after_ns, int64_t until_ns, const std::vector<const CallEvent*>& calls,
                const std::function<int64_t(const CallEvent&)>& call_time,
                const std::function<void(const EventRow&)>& visit) {
    const std::vector<StateEvent> transitions = observed_transitions(trace);
    const auto packets = events_between(trace.packets(), after_ns, until_ns);
    const auto states = events_between(transitions, after_ns, until_ns);
    const auto wires = events_between(trace.wire_events(), after_ns, until_ns);
    const auto outputs = events_between(trace.outputs(), after_ns, until_ns);
    merge_by_time({
        {calls.size(), [&](size_t i) { return call_time(*calls[i]); },
         [&](size_t i) {
             visit({EventRow::Kind::Call, calls[i]->time_ns, calls[i], nullptr, nullptr, nullptr});
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
        {outputs.size(), [&](size_t i) { return outputs[i].time_ns; },
         [&](size_t i) {
             visit({EventRow::Kind::Output, outputs[i].time_ns, nullptr, nullptr, nullptr, nullptr, &outputs[i]});
         }},
    });
}

}  // namespace

void for_each_event_row(const Trace& trace, int64_t after_ns, int64_t until_ns,
                        const std::function<void(const EventRow&)>& visit) {
    std::vector<const CallEvent*> calls;
    for (const CallEvent& call : events_between(trace.calls(), after_ns, until_ns)) calls.push_back(&call);
    merge_rows(
        trace, after_ns, until_ns, calls, [](const CallEvent& call) { return call.time_ns; }, visit);
}

void for_each_live_event_row(const Trace& trace, int64_t after_ns, int64_t until_ns,
                             const std::function<void(const EventRow&)>& visit) {
    // A call returning in the window started before its end; scanning from
    // the calls of the last hour is enough for any call a student waits on.
    constexpr int64_t kLongestWait = int64_t{3600} * 1'000'000'000;
    std::vector<const CallEvent*> calls;
    for (const CallEvent& call : events_between(trace.calls(), after_ns - kLongestWait, until_ns))
        if (call.return_ns > after_ns && call.return_ns <= until_ns) calls.push_back(&call);
    // A call that began in the window stands where it began (a send() before
    // the segment it made); one that began before, where it returned (an
    // accept() after the handshake it waited for).
    const auto placed = [after_ns](const CallEvent& call) {
        return call.time_ns > after_ns ? call.time_ns : call.return_ns;
    };
    std::stable_sort(calls.begin(), calls.end(),
                     [&](const CallEvent* a, const CallEvent* b) { return placed(*a) < placed(*b); });
    merge_rows(trace, after_ns, until_ns, calls, placed, visit);
}

}  // namespace tcplab
