#pragma once
// With a capture point on each host, every segment that crossed the wire is in
// the trace twice: as its sender sent it and as its receiver got it. This
// pairs the two copies (the wire changes no byte, so they are identical), so
// a view can draw one arrow from the send to the receive, and knows which
// segments never arrived (dropped, lost, or still held at the gate).
#include <cstdint>
#include <vector>

#include "trace.hpp"

namespace tcplab {

enum class CopyRole : uint8_t {
    Only,      // one capture point sees both ends (loopback, most files)
    Sent,      // the copy at the sender's capture point
    Received,  // the copy at the receiver's capture point
};

struct WireCopies {
    std::vector<CopyRole> role;        // per packet index
    std::vector<int64_t> received_ns;  // for a Sent copy: when its twin arrived, 0 if it never did
};

WireCopies pair_wire_copies(const Trace& trace);

}  // namespace tcplab
