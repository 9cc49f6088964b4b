#include "sock_diag.hpp"

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

namespace tcplab {
namespace {

// Linux 6.7+ reports sockets that are bound but neither listening nor
// connected as TCP_BOUND_INACTIVE when that bit is set in idiag_states (and we
// set every bit). Their real state is TCP_CLOSE; tcp_state.hpp does not know
// the number because it is a diag-only pseudo state.
constexpr int kLinuxBoundInactive = 13;

// The kernel sizes dump messages to the largest buffer we have ever passed to
// recvmsg(), up to 32 KiB; a smaller buffer than a message would truncate it
// (MSG_TRUNC). libmnl's MNL_SOCKET_BUFFER_SIZE is only the page size (<= 8 KiB).
size_t receive_buffer_size() { return std::max(static_cast<size_t>(MNL_SOCKET_BUFFER_SIZE), size_t{32768}); }

const std::string kPurpose = "list the TCP sockets";

Error dump_error(const char* step, int error_number) { return sock_diag_error(kPurpose, step, error_number); }

SocketTimer timer_from_linux(uint8_t timer) {
    switch (timer) {
        case 1:
            return SocketTimer::Retransmit;
        case 2:
            return SocketTimer::KeepAlive;
        case 3:
            return SocketTimer::TimeWait;
        case 4:
            return SocketTimer::ZeroWindowProbe;
        default:
            return SocketTimer::None;
    }
}

IpAddress address_from_diag(uint8_t family, const __be32 words[4]) {
    // idiag_src/idiag_dst hold the address bytes in network order; an IPv4
    // address uses only the first word.
    const auto* bytes = reinterpret_cast<const uint8_t*>(words);
    return family == AF_INET6 ? IpAddress::from_v6_bytes(bytes) : IpAddress::from_v4_bytes(bytes);
}

// Returns nullopt for messages that are too short or carry a state we cannot name.
std::optional<SocketInfo> parse_diag_message(const nlmsghdr* header) {
    if (mnl_nlmsg_get_payload_len(header) < sizeof(inet_diag_msg)) return std::nullopt;
    const auto* message = static_cast<const inet_diag_msg*>(mnl_nlmsg_get_payload(header));
    if (message->idiag_family != AF_INET && message->idiag_family != AF_INET6) return std::nullopt;

    std::optional<TcpState> state = message->idiag_state == kLinuxBoundInactive
                                        ? std::optional<TcpState>(TcpState::Closed)
                                        : state_from_linux(message->idiag_state);
    if (!state) return std::nullopt;

    SocketInfo info;
    info.state = *state;
    info.local.address = address_from_diag(message->idiag_family, message->id.idiag_src);
    info.local.port = ntohs(message->id.idiag_sport);
    info.remote.address = address_from_diag(message->idiag_family, message->id.idiag_dst);
    info.remote.port = ntohs(message->id.idiag_dport);
    info.receive_queue = message->idiag_rqueue;
    info.send_queue = message->idiag_wqueue;
    info.timer = timer_from_linux(message->idiag_timer);
    info.timer_expires_ms = info.timer == SocketTimer::None ? 0 : message->idiag_expires;
    info.retransmits = message->idiag_retrans;
    info.inode = message->idiag_inode;
    // The kernel splits the 64-bit socket cookie into two host-order halves,
    // low half first (ss(8) joins them the same way; SO_COOKIE returns the whole).
    info.cookie = (static_cast<uint64_t>(message->id.idiag_cookie[1]) << 32) | message->id.idiag_cookie[0];
    return info;
}

}  // namespace

Result<SockDiag> SockDiag::open() {
    auto socket = SockDiagSocket::open(kPurpose);
    if (!socket) return socket.error();
    return SockDiag(std::move(socket.value()));
}

Result<std::vector<SocketInfo>> SockDiag::dump_tcp() {
    mnl_socket* socket = socket_.get();
    if (socket == nullptr) return Error{"The socket diagnostics handle was moved away", ""};
    const unsigned int port_id = mnl_socket_get_portid(socket);
    std::vector<char> buffer(receive_buffer_size());
    std::vector<SocketInfo> sockets;

    // inet_diag dumps one address family per request; AF_UNSPEC is refused.
    for (const uint8_t family : {uint8_t{AF_INET}, uint8_t{AF_INET6}}) {
        nlmsghdr* request = mnl_nlmsg_put_header(buffer.data());
        request->nlmsg_type = SOCK_DIAG_BY_FAMILY;
        request->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        const uint32_t sequence = socket_.next_sequence();
        request->nlmsg_seq = sequence;
        auto* diag_request =
            static_cast<inet_diag_req_v2*>(mnl_nlmsg_put_extra_header(request, sizeof(inet_diag_req_v2)));
        diag_request->sdiag_family = family;
        diag_request->sdiag_protocol = IPPROTO_TCP;
        // Every bit, so TIME_WAIT, NEW_SYN_RECV (request sockets) and
        // BOUND_INACTIVE sockets come along with the ordinary states.
        diag_request->idiag_states = 0xffffffffu;

        if (mnl_socket_sendto(socket, request, request->nlmsg_len) < 0) return dump_error("send", errno);

        bool done = false;
        while (!done) {
            const ssize_t received = mnl_socket_recvfrom(socket, buffer.data(), buffer.size());
            if (received < 0) {
                if (errno == EINTR) continue;
                return dump_error("receive", errno);
            }
            if (received == 0) return Error{"The kernel closed the socket diagnostics dump early", ""};

            // A dump arrives as several datagrams, each holding several
            // messages, and ends with NLMSG_DONE (or NLMSG_ERROR).
            int remaining = static_cast<int>(received);
            for (const auto* message = reinterpret_cast<const nlmsghdr*>(buffer.data());
                 mnl_nlmsg_ok(message, remaining); message = mnl_nlmsg_next(message, &remaining)) {
                // Replies to an earlier dump that failed half way may still be
                // queued on the socket; they are not ours to parse.
                if (message->nlmsg_seq != sequence || (message->nlmsg_pid != 0 && message->nlmsg_pid != port_id))
                    continue;
                if (message->nlmsg_type == NLMSG_DONE) {
                    // Since Linux 4.x a failed dump puts its error code in DONE.
                    if (mnl_nlmsg_get_payload_len(message) >= sizeof(int)) {
                        int dump_status = 0;
                        std::memcpy(&dump_status, mnl_nlmsg_get_payload(message), sizeof dump_status);
                        if (dump_status < 0) return dump_error("dump", -dump_status);
                    }
                    done = true;
                    break;
                }
                if (message->nlmsg_type == NLMSG_ERROR) {
                    if (mnl_nlmsg_get_payload_len(message) < sizeof(nlmsgerr))
                        return Error{"The kernel sent a truncated netlink error while listing sockets", ""};
                    const auto* error = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(message));
                    if (error->error != 0) return dump_error("request", -error->error);
                    done = true;  // an acknowledgement ends the reply as well
                    break;
                }
                if (message->nlmsg_type == NLMSG_OVERRUN)
                    return Error{"The kernel lost part of the socket dump (netlink overrun)", "Try again"};
                if (message->nlmsg_type != SOCK_DIAG_BY_FAMILY) continue;  // NLMSG_NOOP and the like
                if (std::optional<SocketInfo> info = parse_diag_message(message)) sockets.push_back(*info);
            }
        }
    }
    return sockets;
}

}  // namespace tcplab
