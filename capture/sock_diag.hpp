#pragma once
// Dumps the TCP sockets of the calling thread's network namespace through
// NETLINK_SOCK_DIAG, as `ss -tan -o` does: state, queues, timers. Works without
// root inside the lab's own namespaces. Only source of TIME_WAIT sockets.
#include <cstdint>
#include <utility>
#include <vector>

#include "endpoint.hpp"
#include "result.hpp"
#include "sock_diag_socket.hpp"
#include "tcp_state.hpp"

namespace tcplab {

enum class SocketTimer : uint8_t {
    None = 0,
    Retransmit = 1,  // ss shows "on"
    KeepAlive = 2,
    TimeWait = 3,
    ZeroWindowProbe = 4,
};

struct SocketInfo {
    TcpState state = TcpState::Closed;
    Endpoint local;
    Endpoint remote;
    uint32_t receive_queue = 0;  // Recv-Q; for a listener: connections waiting for accept()
    uint32_t send_queue = 0;     // Send-Q; for a listener: the backlog
    SocketTimer timer = SocketTimer::None;
    uint32_t timer_expires_ms = 0;  // time left on the timer
    uint8_t retransmits = 0;
    uint32_t inode = 0;  // 0 for TIME_WAIT and half-open (request) sockets
    uint64_t cookie = 0;
};

class SockDiag {
public:
    // Opens a NETLINK_SOCK_DIAG socket in the calling thread's network namespace.
    static Result<SockDiag> open();

    // Every TCP socket (IPv4 and IPv6) in every state, including TIME_WAIT and
    // request sockets of listeners (reported as SYN_RECV).
    Result<std::vector<SocketInfo>> dump_tcp();

private:
    explicit SockDiag(SockDiagSocket socket) : socket_(std::move(socket)) {}
    SockDiagSocket socket_;
};

}  // namespace tcplab
