#pragma once
// With a capture point on each host, every segment that crossed the wire is in
// the trace twice: as its sender sent it and as its receiver got it. This
// pairs the two copies (the wire changes no byte, so they are identical), so
// a view can draw one arrow from the send to the receive, and knows which
// segments never arrived (dropped, lost, or still held at the gate).
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
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

// pair_wire_copies(), kept up to date while packets arrive at the end of a
// live trace: each update pairs only the new packets.
class WireCopyPairer {
public:
    // False when the trace changed in another way (a packet inserted before
    // the end, another trace, a new capture point): then all were paired again.
    bool update(const Trace& trace);
    const WireCopies& copies() const { return copies_; }
    WireCopies take() && { return std::move(copies_); }
    // Sent copies from before the last update whose twin arrived in it.
    const std::vector<size_t>& newly_received() const { return newly_received_; }

private:
    void add(const Trace& trace, size_t index, size_t first_new);

    WireCopies copies_;
    std::unordered_map<std::string, std::deque<size_t>> waiting_;  // sent copies by their bytes
    std::vector<size_t> newly_received_;
    const Trace* trace_ = nullptr;
    size_t packets_seen_ = 0;
    uint64_t inserted_before_end_seen_ = 0;
    size_t capture_points_seen_ = 0;
    int64_t last_time_seen_ = 0;
};

}  // namespace tcplab
