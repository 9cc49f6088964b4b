#include "time_wait_destroyer.hpp"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "capture/namespace_thread.hpp"

namespace tcplab {
namespace {

const std::string kPurpose = "end a socket";

Error destroy_error(const char* step, int error_number) { return sock_diag_error(kPurpose, step, error_number); }

}  // namespace

Result<SocketDestroyer> SocketDestroyer::open() {
    auto socket = SockDiagSocket::open(kPurpose);
    if (!socket) return socket.error();
    return SocketDestroyer(std::move(socket.value()));
}

Status SocketDestroyer::destroy(const SocketInfo& target) {
    mnl_socket* socket = socket_.get();
    if (socket == nullptr) return Error{"The socket destroyer was moved away", ""};
    std::vector<char> buffer(MNL_SOCKET_BUFFER_SIZE);
    nlmsghdr* request = mnl_nlmsg_put_header(buffer.data());
    request->nlmsg_type = SOCK_DESTROY;
    request->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    const uint32_t sequence = socket_.next_sequence();
    request->nlmsg_seq = sequence;
    auto* diag_request = static_cast<inet_diag_req_v2*>(mnl_nlmsg_put_extra_header(request, sizeof(inet_diag_req_v2)));
    const bool v6 = target.local.address.version == 6;
    diag_request->sdiag_family = v6 ? AF_INET6 : AF_INET;
    diag_request->sdiag_protocol = IPPROTO_TCP;
    diag_request->idiag_states = 0xffffffffu;
    inet_diag_sockid& id = diag_request->id;
    id.idiag_sport = htons(target.local.port);
    id.idiag_dport = htons(target.remote.port);
    const size_t address_bytes = v6 ? 16 : 4;
    std::memcpy(id.idiag_src, target.local.address.bytes.data(), address_bytes);
    std::memcpy(id.idiag_dst, target.remote.address.bytes.data(), address_bytes);
    id.idiag_cookie[0] = static_cast<uint32_t>(target.cookie);
    id.idiag_cookie[1] = static_cast<uint32_t>(target.cookie >> 32);

    if (mnl_socket_sendto(socket, request, request->nlmsg_len) < 0) return destroy_error("send", errno);
    while (true) {
        const ssize_t received = mnl_socket_recvfrom(socket, buffer.data(), buffer.size());
        if (received < 0) {
            if (errno == EINTR) continue;
            return destroy_error("receive", errno);
        }
        int remaining = static_cast<int>(received);
        for (const auto* message = reinterpret_cast<const nlmsghdr*>(buffer.data()); mnl_nlmsg_ok(message, remaining);
             message = mnl_nlmsg_next(message, &remaining)) {
            if (message->nlmsg_seq != sequence || message->nlmsg_type != NLMSG_ERROR) continue;
            if (mnl_nlmsg_get_payload_len(message) < sizeof(nlmsgerr))
                return Error{"The kernel sent a truncated netlink error while ending a socket", ""};
            const auto* error = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(message));
            // ENOENT: the socket ended by itself between the dump and now, as asked.
            if (error->error == 0 || error->error == -ENOENT) return Done{};
            if (error->error == -EOPNOTSUPP)
                return Error{"This kernel cannot end sockets on request (CONFIG_INET_DIAG_DESTROY is off)",
                             "Wait for TIME_WAIT to end by itself: 60 seconds"};
            return destroy_error("destroy", -error->error);
        }
    }
}

Result<size_t> destroy_sockets(int netns_fd, const std::vector<uint16_t>& ports,
                               const std::function<bool(TcpState)>& wanted) {
    // Both netlink sockets must be opened inside the sandbox to see its sockets.
    return run_in_namespace(netns_fd, [&]() -> Result<size_t> {
        auto diag = SockDiag::open();
        if (!diag) return diag.error();
        auto destroyer = SocketDestroyer::open();
        if (!destroyer) return destroyer.error();
        auto sockets = diag.value().dump_tcp();
        if (!sockets) return sockets.error();
        size_t ended = 0;
        for (const SocketInfo& socket : sockets.value()) {
            if (!wanted(socket.state)) continue;
            const bool ours = std::find(ports.begin(), ports.end(), socket.local.port) != ports.end() ||
                              std::find(ports.begin(), ports.end(), socket.remote.port) != ports.end();
            if (!ours) continue;
            if (auto ended_one = destroyer.value().destroy(socket); !ended_one) return ended_one.error();
            ++ended;
        }
        return ended;
    });
}

Result<size_t> destroy_time_wait_sockets(int netns_fd, const std::vector<uint16_t>& ports) {
    return destroy_sockets(netns_fd, ports, [](TcpState state) { return state == TcpState::TimeWait; });
}

}  // namespace tcplab
