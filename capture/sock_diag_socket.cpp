#include "sock_diag_socket.hpp"

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace tcplab {

Error sock_diag_error(const std::string& purpose, const char* step, int error_number) {
    Error error;
    error.what = "Could not " + purpose + " (" + step + "): " + std::strerror(error_number);
    if (error_number == ENOENT || error_number == EOPNOTSUPP || error_number == EPROTONOSUPPORT)
        error.remedy = "Load the socket diagnostics modules: sudo modprobe tcp_diag inet_diag";
    else if (error_number == EPERM || error_number == EACCES)
        error.remedy = "Run tcplab with sudo, or inside a network namespace it created";
    return error;
}

Result<SockDiagSocket> SockDiagSocket::open(const std::string& purpose) {
    mnl_socket* socket = mnl_socket_open2(NETLINK_SOCK_DIAG, SOCK_CLOEXEC);
    if (socket == nullptr) return sock_diag_error(purpose, "open", errno);
    if (mnl_socket_bind(socket, 0, MNL_SOCKET_AUTOPID) < 0) {
        const int error_number = errno;
        mnl_socket_close(socket);
        return sock_diag_error(purpose, "bind", error_number);
    }
    return SockDiagSocket(socket);
}

SockDiagSocket::SockDiagSocket(SockDiagSocket&& other) noexcept
    : socket_(std::exchange(other.socket_, nullptr)), sequence_(other.sequence_) {}

SockDiagSocket& SockDiagSocket::operator=(SockDiagSocket&& other) noexcept {
    if (this != &other) {
        if (socket_ != nullptr) mnl_socket_close(socket_);
        socket_ = std::exchange(other.socket_, nullptr);
        sequence_ = other.sequence_;
    }
    return *this;
}

SockDiagSocket::~SockDiagSocket() {
    if (socket_ != nullptr) mnl_socket_close(socket_);
}

}  // namespace tcplab
