#pragma once
// What a tracer reads from a stopped program: bytes of its memory (a socket
// address, the first bytes of a send), and what one of its file descriptors
// is (a TCP socket and its addresses, or something else).
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "capture/endpoint.hpp"

namespace tcplab {

// Up to `length` bytes at `address` in thread `tid`'s memory; fewer (none)
// where the memory cannot be read. A null address reads nothing.
std::vector<uint8_t> read_tracee_memory(pid_t tid, uint64_t address, size_t length);

template <class T>
std::optional<T> read_tracee_struct(pid_t tid, uint64_t address) {
    const std::vector<uint8_t> bytes = read_tracee_memory(tid, address, sizeof(T));
    if (bytes.size() != sizeof(T)) return std::nullopt;
    T value;
    __builtin_memcpy(&value, bytes.data(), sizeof(T));
    return value;
}

// What a descriptor of another process is. Only IPv4 and IPv6 sockets are
// the lab's: a Unix socket (the C library asking nscd) or netlink is "other".
struct DescriptorFacts {
    bool open = false;
    bool inet_socket = false;
    int family = 0;
    int type = 0;  // SOCK_STREAM, SOCK_DGRAM
    Endpoint local;
    Endpoint peer;
    uint64_t character_device = 0;  // a terminal (or another character device): its number
};

// Looks at descriptor `fd` of the process behind `pidfd` through a copy of
// it (pidfd_getfd), closed at once: the program's socket stays the program's
// (holding it would keep the connection open after the program closes it).
DescriptorFacts describe_tracee_descriptor(int pidfd, int fd);

// The contents of /proc/<pid>/comm, or of a thread (tid != pid).
std::string tracee_command_name(pid_t pid, pid_t tid);
// The thread group a task belongs to (the "Tgid:" of /proc/<tid>/status), or -1.
pid_t thread_group_of(pid_t tid);

}  // namespace tcplab
