#pragma once
// Ends TIME_WAIT sockets on request (SOCK_DESTROY, what `ss -K` does), so a
// lesson can skip the minute TIME_WAIT lasts. Lab machinery, not a state
// source: the sockets are found with capture's SockDiag and ended here.
#include <cstdint>
#include <vector>

#include "capture/result.hpp"
#include "capture/sock_diag.hpp"

namespace tcplab {

// A NETLINK_SOCK_DIAG socket that ends sockets, in the namespace of the thread that opens it.
class SocketDestroyer {
public:
    static Result<SocketDestroyer> open();

    SocketDestroyer(SocketDestroyer&& other) noexcept;
    SocketDestroyer& operator=(SocketDestroyer&& other) noexcept;
    SocketDestroyer(const SocketDestroyer&) = delete;
    SocketDestroyer& operator=(const SocketDestroyer&) = delete;
    ~SocketDestroyer();

    // Ends one socket at once. For a TIME_WAIT socket that means its minute is
    // skipped. Needs a kernel built with CONFIG_INET_DIAG_DESTROY (Debian's is)
    // and CAP_NET_ADMIN in the socket's namespace, which the lab has in its own sandbox.
    Status destroy(const SocketInfo& socket);

private:
    explicit SocketDestroyer(void* netlink_socket) : socket_(netlink_socket) {}
    void* socket_ = nullptr;  // struct mnl_socket*
    uint32_t sequence_ = 0;
};

// Ends every TIME_WAIT socket in `netns_fd` whose local or remote port is
// one of `ports`; returns how many it ended.
Result<size_t> destroy_time_wait_sockets(int netns_fd, const std::vector<uint16_t>& ports);

}  // namespace tcplab
