#include "wire_copies.hpp"

#include <deque>
#include <string>
#include <unordered_map>

namespace tcplab {

WireCopies pair_wire_copies(const Trace& trace) {
    WireCopyPairer pairer;
    pairer.update(trace);
    return std::move(pairer).take();
}

bool WireCopyPairer::update(const Trace& trace) {
    const auto& packets = trace.packets();
    newly_received_.clear();
    const bool only_grew = trace_ == &trace && packets.size() >= packets_seen_ &&
                           inserted_before_end_seen_ == trace.packets_or_calls_inserted_before_end() &&
                           capture_points_seen_ == trace.capture_points().size() &&
                           (packets_seen_ == 0 || packets[packets_seen_ - 1].time_ns == last_time_seen_);
    size_t first = packets_seen_;
    if (!only_grew) {
        waiting_.clear();
        copies_ = WireCopies{};
        first = 0;
    }
    copies_.role.resize(packets.size(), CopyRole::Only);
    copies_.received_ns.resize(packets.size(), 0);
    for (size_t index = first; index < packets.size(); ++index) add(trace, index, first);
    trace_ = &trace;
    packets_seen_ = packets.size();
    inserted_before_end_seen_ = trace.packets_or_calls_inserted_before_end();
    capture_points_seen_ = trace.capture_points().size();
    last_time_seen_ = packets.empty() ? 0 : packets.back().time_ns;
    return only_grew;
}

void WireCopyPairer::add(const Trace& trace, size_t index, size_t first_new) {
    const PacketEvent& packet = trace.packets()[index];
    const auto point = trace.capture_points().find(packet.capture_point);
    if (point == trace.capture_points().end() || point->second.host.is_unspecified()) return;
    if (packet.transport != Transport::Tcp || packet.connection == kNoConnection) return;
    // Sent copies waiting for their twin, by their exact bytes.
    const auto raw = trace.raw_bytes(packet);
    std::string bytes(reinterpret_cast<const char*>(raw.data()), raw.size());
    if (trace.sender(packet).address == point->second.host) {
        copies_.role[index] = CopyRole::Sent;
        waiting_[std::move(bytes)].push_back(index);
        return;
    }
    // A sender that no capture point watches (a spoofed source) has no
    // sent copy: what arrived is the only copy there is.
    bool sender_watched = false;
    for (const auto& [number, other] : trace.capture_points())
        if (!other.host.is_unspecified() && other.host == trace.sender(packet).address) sender_watched = true;
    if (!sender_watched) return;
    copies_.role[index] = CopyRole::Received;
    auto twin = waiting_.find(bytes);
    if (twin == waiting_.end() || twin->second.empty()) return;
    const size_t sent = twin->second.front();
    copies_.received_ns[sent] = packet.time_ns;
    if (sent < first_new) newly_received_.push_back(sent);
    twin->second.pop_front();
    if (twin->second.empty()) waiting_.erase(twin);
}

}  // namespace tcplab
