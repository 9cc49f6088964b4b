#pragma once
// The system calls a traced program stops on, and the seccomp filter that
// makes only those stop: every other call runs at full speed, untraced (the
// way `strace --seccomp-bpf` works). The filter's SECCOMP_RET_TRACE carries the
// call's kind in its data, so the tracer knows what stopped without a lookup.
#include <linux/filter.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace tcplab {

enum class SocketSyscall : uint16_t {
    Socket,
    Bind,
    Listen,
    Accept,
    Accept4,
    Connect,
    SendTo,
    SendMsg,
    SendMmsg,
    SendFile,
    RecvFrom,
    RecvMsg,
    RecvMmsg,
    Read,
    Write,
    Readv,
    Writev,
    Shutdown,
    Close,
    CloseRange,
    Dup2,
    Dup3,
    SetSockOpt,
    GetSockOpt,
    Select,
    PSelect6,
    Poll,
    PPoll,
    EpollWait,
    EpollPWait,
    EpollPWait2,
    EpollCtl,
    // The kernel's way to continue a call a signal interrupted (poll() with
    // a timeout): the same call goes on, and its return is seen here.
    RestartSyscall,
};

// The architecture's number for each kind this architecture has (aarch64 has
// no select, poll, epoll_wait, dup2, accept-without-4 ...).
struct SyscallNumber {
    SocketSyscall kind;
    int number;
};
const std::vector<SyscallNumber>& traced_syscalls();

// The system call's own name: "sendto", "accept4", "epoll_pwait".
const char* syscall_name(SocketSyscall kind);

// The kind for a SECCOMP_RET_DATA value, if it is one of ours.
std::optional<SocketSyscall> syscall_from_filter_data(uint32_t data);

// The BPF program: SECCOMP_RET_TRACE | kind for the calls above (native
// architecture only), SECCOMP_RET_ALLOW for everything else.
std::vector<sock_filter> socket_seccomp_filter();

// Whether this build can trace programs at all (x86_64 and aarch64).
bool tracing_supported();

}  // namespace tcplab
