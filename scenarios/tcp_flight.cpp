#include "tcp_flight.hpp"

// The kernel's own header: glibc's <netinet/tcp.h> has an older tcp_info
// without the byte counters (tcpi_bytes_sent came in Linux 4.19).
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>
#include <thread>

namespace tcplab {

std::optional<TcpFlight> tcp_flight(int fd) {
    ::tcp_info info{};
    socklen_t length = sizeof info;
    if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0) return std::nullopt;
    // An older kernel fills less of the structure: no counters to wait on.
    if (length < offsetof(::tcp_info, tcpi_bytes_sent) + sizeof info.tcpi_bytes_sent) return std::nullopt;
    return TcpFlight{info.tcpi_bytes_sent, info.tcpi_bytes_acked};
}

bool wait_until_acknowledged(int fd, uint64_t bytes_sent, std::chrono::milliseconds limit,
                             const std::function<bool()>& stopping) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until && !(stopping && stopping())) {
        const auto flight = tcp_flight(fd);
        if (!flight) return false;
        if (flight->bytes_acked >= bytes_sent) return true;
        // A round trip on the lab's wire is tens of ms; a millisecond's look is fine-grained enough.
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
}

}  // namespace tcplab
