#pragma once
// Merges the three sources of socket states into one list of transitions that a
// person can read: tracepoint events first (exact), socket-dump events where the
// tracepoint is silent (TIME_WAIT, or when not root), and states inferred from
// packets only for sockets no kernel source reported.
#include <vector>

#include "trace.hpp"

namespace tcplab {

std::vector<StateEvent> observed_transitions(const Trace& trace);

}  // namespace tcplab
