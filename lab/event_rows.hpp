#pragma once
// One time-ordered list of what happened in a window of the trace (calls,
// segments, merged state transitions, what the wire did), shared by the terminal and JSON outputs.
#include <cstdint>
#include <vector>

#include "capture/trace.hpp"

namespace tcplab {

struct EventRow {
    enum class Kind { Call, Packet, State, Wire } kind;
    int64_t time_ns = 0;
    const CallEvent* call = nullptr;
    const PacketEvent* packet = nullptr;
    StateEvent state;  // merged states are computed, so they are held by value
    const WireEvent* wire = nullptr;
};

// Rows with after_ns < time <= until_ns.
std::vector<EventRow> event_rows(const Trace& trace, int64_t after_ns, int64_t until_ns);

}  // namespace tcplab
