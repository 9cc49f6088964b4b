#pragma once
// Turns a traced program's stops into CallEvents: at the stop before a call
// it decides whether the call concerns a TCP/UDP socket (a read() of a file
// does not) and notes the arguments; at the stop after, it reads the result
// and the bytes moved. It keeps, per process, which descriptors are sockets:
// socket() and accept() make them, dup2() copies them, close() ends them,
// fork() copies the table and exec() forgets it. A descriptor it has not seen
// made is looked at once, through a copy (tracee_access.hpp).
#include <sys/types.h>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "capture/events.hpp"
#include "socket_syscalls.hpp"

namespace tcplab {

struct TracedSocket {
    bool inet = false;  // an IPv4 or IPv6 socket; anything else is not the lab's
    int family = 0;
    int type = 0;
    Endpoint local;
    Endpoint peer;
    uint64_t character_device = 0;  // not a socket but a terminal: its number
};

// What one process knows of its descriptors; threads of the process share it.
struct DescriptorTable {
    std::unordered_map<int, TracedSocket> known;  // absent: not looked at yet
    // Per epoll descriptor: the sockets registered, by the data the program
    // gave epoll_ctl (Go stores a pointer there, C usually the descriptor).
    std::unordered_map<int, std::map<uint64_t, int>> epoll_sockets;
};

struct TracedProcess {
    pid_t pid = 0;
    int pidfd = -1;
    Actor host = Actor::None;
    std::string program;  // its command name, e.g. "python3"
    DescriptorTable descriptors;
    bool made_socket_calls = false;
    // The terminal whose writes are stamped (0: none): a line of output is
    // dated by the write() that began it, not by when tcplab read it.
    uint64_t output_terminal = 0;
};

struct PendingCall {
    SocketSyscall kind{};
    std::array<uint64_t, 6> arguments{};
    int64_t entered_ns = 0;
    std::string name;  // "send", "recv", "connect"
    std::string text;  // arguments known at entry
    int fd = -1;
    TracedSocket socket;
    bool skip_if_nothing_ready = false;  // a wait with timeout 0: a poll, not a wait
    std::vector<int> sockets;            // closed by close_range, or watched by a wait
};

// A call a signal interrupted returns one of the kernel's "restart" codes:
// it is made again, or fails with EINTR once a signal handler has run.
inline bool interrupted_by_signal(int64_t return_value) { return return_value <= -512 && return_value >= -517; }

class SocketCallDecoder {
public:
    // At the stop before the call: true (and `pending` filled) when the call
    // is on a lab socket and its return should be seen.
    bool begin(TracedProcess& process, pid_t tid, SocketSyscall kind, const std::array<uint64_t, 6>& arguments,
               PendingCall& pending);
    // At the stop after it: the calls to report (none for a wait that found
    // nothing; several for a close_range that closed several sockets).
    std::vector<CallEvent> end(TracedProcess& process, pid_t tid, PendingCall& pending, int64_t return_value);
    // At the stop before a write() or writev() that begin() left alone: how
    // many bytes it writes to the process's output terminal, if it does.
    std::optional<uint64_t> output_write(TracedProcess& process, pid_t tid, SocketSyscall kind,
                                         const std::array<uint64_t, 6>& arguments);
    // A call that never returned: the process ended inside it.
    CallEvent unfinished(const TracedProcess& process, pid_t tid, const PendingCall& pending, int64_t now_ns) const;
    // A call a signal interrupted, and that was not made again: the program saw EINTR.
    CallEvent interrupted(const TracedProcess& process, pid_t tid, const PendingCall& pending, int64_t now_ns) const;

private:
    TracedSocket socket_at(TracedProcess& process, int fd);
    bool begin_wait(TracedProcess& process, pid_t tid, PendingCall& pending);
    std::string end_wait(TracedProcess& process, pid_t tid, PendingCall& pending, int64_t result);
};

}  // namespace tcplab
