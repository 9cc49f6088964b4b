#include "socket_syscalls.hpp"

#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>

#include <cstddef>
#include <iterator>

namespace tcplab {
namespace {

#if defined(__x86_64__)
constexpr uint32_t kNativeArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr uint32_t kNativeArch = AUDIT_ARCH_AARCH64;
#else
constexpr uint32_t kNativeArch = 0;
#endif

std::vector<SyscallNumber> build_table() {
    std::vector<SyscallNumber> table;
    const auto add = [&](SocketSyscall kind, int number) { table.push_back({kind, number}); };
    // The generic calls every Linux architecture has.
    add(SocketSyscall::Socket, __NR_socket);
    add(SocketSyscall::Bind, __NR_bind);
    add(SocketSyscall::Listen, __NR_listen);
    add(SocketSyscall::Accept4, __NR_accept4);
    add(SocketSyscall::Connect, __NR_connect);
    add(SocketSyscall::SendTo, __NR_sendto);
    add(SocketSyscall::SendMsg, __NR_sendmsg);
    add(SocketSyscall::SendMmsg, __NR_sendmmsg);
    add(SocketSyscall::SendFile, __NR_sendfile);
    add(SocketSyscall::RecvFrom, __NR_recvfrom);
    add(SocketSyscall::RecvMsg, __NR_recvmsg);
    add(SocketSyscall::RecvMmsg, __NR_recvmmsg);
    add(SocketSyscall::Read, __NR_read);
    add(SocketSyscall::Write, __NR_write);
    add(SocketSyscall::Readv, __NR_readv);
    add(SocketSyscall::Writev, __NR_writev);
    add(SocketSyscall::Shutdown, __NR_shutdown);
    add(SocketSyscall::Close, __NR_close);
    add(SocketSyscall::CloseRange, __NR_close_range);
    add(SocketSyscall::Dup3, __NR_dup3);
    add(SocketSyscall::SetSockOpt, __NR_setsockopt);
    add(SocketSyscall::GetSockOpt, __NR_getsockopt);
    add(SocketSyscall::PSelect6, __NR_pselect6);
    add(SocketSyscall::PPoll, __NR_ppoll);
    add(SocketSyscall::EpollPWait, __NR_epoll_pwait);
    add(SocketSyscall::EpollPWait2, __NR_epoll_pwait2);
    add(SocketSyscall::EpollCtl, __NR_epoll_ctl);
    add(SocketSyscall::RestartSyscall, __NR_restart_syscall);
    // The older ones only some architectures keep (x86_64 does, aarch64 not).
#ifdef __NR_accept
    add(SocketSyscall::Accept, __NR_accept);
#endif
#ifdef __NR_dup2
    add(SocketSyscall::Dup2, __NR_dup2);
#endif
#ifdef __NR_select
    add(SocketSyscall::Select, __NR_select);
#endif
#ifdef __NR_poll
    add(SocketSyscall::Poll, __NR_poll);
#endif
#ifdef __NR_epoll_wait
    add(SocketSyscall::EpollWait, __NR_epoll_wait);
#endif
    return table;
}

constexpr uint32_t kLastKind = static_cast<uint32_t>(SocketSyscall::RestartSyscall);

sock_filter statement(uint16_t code, uint32_t k) { return BPF_STMT(code, k); }
sock_filter jump(uint16_t code, uint32_t k, uint8_t if_true, uint8_t if_false) {
    return BPF_JUMP(code, k, if_true, if_false);
}

}  // namespace

const char* syscall_name(SocketSyscall kind) {
    static const char* const kNames[] = {
        "socket",     "bind",        "listen",       "accept",    "accept4",        "connect",     "sendto",
        "sendmsg",    "sendmmsg",    "sendfile",     "recvfrom",  "recvmsg",        "recvmmsg",    "read",
        "write",      "readv",       "writev",       "shutdown",  "close",          "close_range", "dup2",
        "dup3",       "setsockopt",  "getsockopt",   "select",    "pselect6",       "poll",        "ppoll",
        "epoll_wait", "epoll_pwait", "epoll_pwait2", "epoll_ctl", "restart_syscall"};
    static_assert(std::size(kNames) == kLastKind + 1, "one name per kind");
    return kNames[static_cast<size_t>(kind)];
}

const std::vector<SyscallNumber>& traced_syscalls() {
    static const std::vector<SyscallNumber> table = build_table();
    return table;
}

std::optional<SocketSyscall> syscall_from_filter_data(uint32_t data) {
    if (data > kLastKind) return std::nullopt;
    return static_cast<SocketSyscall>(data);
}

bool tracing_supported() { return kNativeArch != 0; }

std::vector<sock_filter> socket_seccomp_filter() {
    const std::vector<SyscallNumber>& table = traced_syscalls();
    std::vector<sock_filter> program;
    // Another architecture's calls (a 32-bit program on x86_64) have other
    // numbers: they are let through untraced rather than misread.
    program.push_back(statement(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)));
    const size_t arch_check = program.size();
    program.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, kNativeArch, 0, 0));  // false: patched to ALLOW
    program.push_back(statement(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)));
#if defined(__x86_64__)
    // x32 calls share the architecture but carry this bit: not ours either.
    const size_t x32_check = program.size();
    program.push_back(jump(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 0));  // true: patched to ALLOW
#endif
    for (const SyscallNumber& entry : table) {
        program.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, static_cast<uint32_t>(entry.number), 0, 1));
        program.push_back(
            statement(BPF_RET | BPF_K, SECCOMP_RET_TRACE | (static_cast<uint32_t>(entry.kind) & SECCOMP_RET_DATA)));
    }
    const size_t allow = program.size();
    program.push_back(statement(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
    // Jumps count from the instruction after the jump.
    program[arch_check].jf = static_cast<uint8_t>(allow - arch_check - 1);
#if defined(__x86_64__)
    program[x32_check].jt = static_cast<uint8_t>(allow - x32_check - 1);
#endif
    return program;
}

}  // namespace tcplab
