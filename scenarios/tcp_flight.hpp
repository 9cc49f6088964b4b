#pragma once
// How much of what a TCP socket sent has been acknowledged, from the kernel
// (TCP_INFO's byte counters), so the lab can wait out exactly one round trip
// of a connection: until the flight in the air at one moment is all ACKed.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

namespace tcplab {

struct TcpFlight {
    uint64_t bytes_sent = 0;   // every byte sent, retransmissions included
    uint64_t bytes_acked = 0;  // every byte the peer acknowledged
};

// The socket's counters now; nullopt when it is no TCP socket.
std::optional<TcpFlight> tcp_flight(int fd);

// Waits until the peer has acknowledged `bytes_sent` bytes (the flight that
// was in the air when that count was taken): one round trip, however long the
// round trip really is. False when `limit` passed first or `stopping` said so.
bool wait_until_acknowledged(int fd, uint64_t bytes_sent, std::chrono::milliseconds limit,
                             const std::function<bool()>& stopping = {});

}  // namespace tcplab
