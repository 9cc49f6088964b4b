#pragma once
// A NETLINK_SOCK_DIAG socket bound in the calling thread's network namespace:
// owned (closed exactly once), movable, numbering its own requests. SockDiag
// lists the sockets through one; the lab's TIME_WAIT destroyer
// (scenarios/time_wait_destroyer.hpp) ends sockets through another.
#include <cstdint>
#include <string>

#include "result.hpp"

struct mnl_socket;

namespace tcplab {

class SockDiagSocket {
public:
    // `purpose` says what the caller wanted in an error: "list the TCP sockets".
    static Result<SockDiagSocket> open(const std::string& purpose);

    SockDiagSocket(SockDiagSocket&& other) noexcept;
    SockDiagSocket& operator=(SockDiagSocket&& other) noexcept;
    SockDiagSocket(const SockDiagSocket&) = delete;
    SockDiagSocket& operator=(const SockDiagSocket&) = delete;
    ~SockDiagSocket();

    mnl_socket* get() const { return socket_; }  // nullptr once moved away
    uint32_t next_sequence() { return ++sequence_; }

private:
    explicit SockDiagSocket(mnl_socket* socket) : socket_(socket) {}
    mnl_socket* socket_ = nullptr;
    uint32_t sequence_ = 0;
};

// "Could not <purpose> (<step>): <why>", with the fix that works for that
// error: load the diagnostics modules, or run where the lab may look.
Error sock_diag_error(const std::string& purpose, const char* step, int error_number);

}  // namespace tcplab
