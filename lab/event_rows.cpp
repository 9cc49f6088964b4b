#include "event_rows.hpp"

#include <algorithm>

#include "capture/state_timeline.hpp"

namespace tcplab {

std::vector<EventRow> event_rows(const Trace& trace, int64_t after_ns, int64_t until_ns) {
    std::vector<EventRow> rows;
    auto inside = [&](int64_t time) { return time > after_ns && time <= until_ns; };
    for (const CallEvent& call : trace.calls())
        if (inside(call.time_ns)) rows.push_back({EventRow::Kind::Call, call.time_ns, &call, nullptr, {}, nullptr});
    for (const PacketEvent& packet : trace.packets())
        if (inside(packet.time_ns))
            rows.push_back({EventRow::Kind::Packet, packet.time_ns, nullptr, &packet, {}, nullptr});
    for (const StateEvent& state : observed_transitions(trace))
        if (inside(state.time_ns))
            rows.push_back({EventRow::Kind::State, state.time_ns, nullptr, nullptr, state, nullptr});
    for (const WireEvent& wire : trace.wire_events())
        if (inside(wire.time_ns)) rows.push_back({EventRow::Kind::Wire, wire.time_ns, nullptr, nullptr, {}, &wire});
    std::stable_sort(rows.begin(), rows.end(),
                     [](const EventRow& a, const EventRow& b) { return a.time_ns < b.time_ns; });
    return rows;
}

}  // namespace tcplab
