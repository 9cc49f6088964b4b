#pragma once
// One time-ordered list of what happened in a window of the trace (calls,
// segments, merged state transitions, what the wire did), shared by the terminal and JSON outputs.
#include <cstdint>
#include <functional>
#include <vector>

#include "capture/trace.hpp"

namespace tcplab {

struct EventRow {
    enum class Kind { Call, Packet, State, Wire } kind;
    int64_t time_ns = 0;
    const CallEvent* call = nullptr;
    const PacketEvent* packet = nullptr;
    const StateEvent* state = nullptr;  // one of observed_transitions(trace), alive during the visit
    const WireEvent* wire = nullptr;
};

// Rows with after_ns < time <= until_ns, handed to `visit` one at a time in
// time order (calls, packets, states, wire actions between equal times), so a
// large capture is printed without holding a row per event.
void for_each_event_row(const Trace& trace, int64_t after_ns, int64_t until_ns,
                        const std::function<void(const EventRow&)>& visit);

}  // namespace tcplab
