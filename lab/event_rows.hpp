#pragma once
// One time-ordered list of what happened in a window of the trace (calls,
// segments, merged state transitions, what the wire did), shared by the terminal and JSON outputs.
#include <cstdint>
#include <functional>
#include <vector>

#include "capture/trace.hpp"

namespace tcplab {

struct EventRow {
    enum class Kind { Call, Packet, State, Wire, Output } kind;
    int64_t time_ns = 0;
    const CallEvent* call = nullptr;
    const PacketEvent* packet = nullptr;
    const StateEvent* state = nullptr;  // one of observed_transitions(trace), alive during the visit
    const WireEvent* wire = nullptr;
    const OutputEvent* output = nullptr;  // a line a student's program wrote
};

// Rows with after_ns < time <= until_ns, handed to `visit` one at a time in
// time order (calls, packets, states, wire actions between equal times), so a
// large capture is printed without holding a row per event.
void for_each_event_row(const Trace& trace, int64_t after_ns, int64_t until_ns,
                        const std::function<void(const EventRow&)>& visit);

// The same while a run goes on and is printed as it happens: a call is a row
// when it returns (a blocking accept() shows up when the connection comes,
// not seconds earlier among rows already printed), so the rows are those
// whose call returned, or whose other event happened, in the window.
void for_each_live_event_row(const Trace& trace, int64_t after_ns, int64_t until_ns,
                             const std::function<void(const EventRow&)>& visit);

}  // namespace tcplab
