#pragma once
// Ends sockets on request (SOCK_DESTROY, what `ss -K` does), so a lesson can
// skip the minute TIME_WAIT lasts, or make a host forget its sockets as a reboot does. Lab machinery, not a state
// source: the sockets are found with capture's SockDiag and ended here.
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "capture/result.hpp"
#include "capture/sock_diag.hpp"
#include "capture/sock_diag_socket.hpp"

namespace tcplab {

// A NETLINK_SOCK_DIAG socket that ends sockets, in the namespace of the thread that opens it.
class SocketDestroyer {
public:
    static Result<SocketDestroyer> open();

    // Ends one socket at once. For a TIME_WAIT socket that means its minute is
    // skipped. Needs a kernel built with CONFIG_INET_DIAG_DESTROY (Debian's is)
    // and CAP_NET_ADMIN in the socket's namespace, which the lab has in its own sandbox.
    Status destroy(const SocketInfo& socket);

private:
    explicit SocketDestroyer(SockDiagSocket socket) : socket_(std::move(socket)) {}
    SockDiagSocket socket_;
};

// Ends every socket in `netns_fd` whose state `wanted` accepts and whose local
// or remote port is one of `ports`; returns how many it ended.
Result<size_t> destroy_sockets(int netns_fd, const std::vector<uint16_t>& ports,
                               const std::function<bool(TcpState)>& wanted);
// Ends every TIME_WAIT socket in `netns_fd` whose local or remote port is
// one of `ports`; returns how many it ended.
Result<size_t> destroy_time_wait_sockets(int netns_fd, const std::vector<uint16_t>& ports);

}  // namespace tcplab
