#include "wire_copies.hpp"

#include <deque>
#include <string>
#include <unordered_map>

namespace tcplab {

WireCopies pair_wire_copies(const Trace& trace) {
    const auto& packets = trace.packets();
    WireCopies copies;
    copies.role.assign(packets.size(), CopyRole::Only);
    copies.received_ns.assign(packets.size(), 0);

    // Sent copies waiting for their twin, by their exact bytes.
    std::unordered_map<std::string, std::deque<size_t>> waiting;
    for (size_t index = 0; index < packets.size(); ++index) {
        const PacketEvent& packet = packets[index];
        const auto point = trace.capture_points().find(packet.capture_point);
        if (point == trace.capture_points().end() || point->second.host.is_unspecified()) continue;
        if (packet.transport != Transport::Tcp || packet.connection == kNoConnection) continue;
        const auto raw = trace.raw_bytes(packet);
        std::string bytes(reinterpret_cast<const char*>(raw.data()), raw.size());
        if (trace.sender(packet).address == point->second.host) {
            copies.role[index] = CopyRole::Sent;
            waiting[std::move(bytes)].push_back(index);
            continue;
        }
        // A sender that no capture point watches (a spoofed source) has no
        // sent copy: what arrived is the only copy there is.
        bool sender_watched = false;
        for (const auto& [number, other] : trace.capture_points())
            if (!other.host.is_unspecified() && other.host == trace.sender(packet).address) sender_watched = true;
        if (!sender_watched) continue;
        copies.role[index] = CopyRole::Received;
        auto twin = waiting.find(bytes);
        if (twin == waiting.end() || twin->second.empty()) continue;
        copies.received_ns[twin->second.front()] = packet.time_ns;
        twin->second.pop_front();
    }
    return copies;
}

}  // namespace tcplab
