#include "tracee_access.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <fstream>
#include <span>

#include "socket_call_text.hpp"

namespace tcplab {
namespace {

Endpoint socket_address(int fd, bool peer) {
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    const int status = peer ? getpeername(fd, reinterpret_cast<sockaddr*>(&storage), &length)
                            : getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length);
    if (status != 0) return {};
    return endpoint_from_sockaddr(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(&storage), std::min<size_t>(length, sizeof storage)));
}

int socket_option(int fd, int option) {
    int value = 0;
    socklen_t length = sizeof value;
    if (getsockopt(fd, SOL_SOCKET, option, &value, &length) != 0) return -1;
    return value;
}

}  // namespace

std::vector<uint8_t> read_tracee_memory(pid_t tid, uint64_t address, size_t length) {
    std::vector<uint8_t> bytes;
    if (address == 0 || length == 0) return bytes;
    bytes.resize(length);
    iovec local{bytes.data(), length};
    iovec remote{reinterpret_cast<void*>(address), length};
    const ssize_t read = process_vm_readv(tid, &local, 1, &remote, 1, 0);
    bytes.resize(read > 0 ? static_cast<size_t>(read) : 0);
    return bytes;
}

DescriptorFacts describe_tracee_descriptor(int pidfd, int fd) {
    DescriptorFacts facts;
    if (pidfd < 0 || fd < 0) return facts;
    const int copy = static_cast<int>(syscall(SYS_pidfd_getfd, pidfd, fd, 0));
    if (copy < 0) return facts;
    facts.open = true;
    struct stat status {};
    if (fstat(copy, &status) == 0 && S_ISCHR(status.st_mode)) facts.character_device = status.st_rdev;
    if (S_ISSOCK(status.st_mode)) {
        facts.family = socket_option(copy, SO_DOMAIN);
        facts.type = socket_option(copy, SO_TYPE);
        facts.inet_socket = facts.family == AF_INET || facts.family == AF_INET6;
        if (facts.inet_socket) {
            facts.local = socket_address(copy, false);
            facts.peer = socket_address(copy, true);
        }
    }
    close(copy);
    return facts;
}

std::string tracee_command_name(pid_t pid, pid_t tid) {
    const std::string path = tid == pid ? "/proc/" + std::to_string(pid) + "/comm"
                                        : "/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) + "/comm";
    std::ifstream file(path);
    std::string name;
    std::getline(file, name);
    return name;
}

pid_t thread_group_of(pid_t tid) {
    std::ifstream status("/proc/" + std::to_string(tid) + "/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("Tgid:", 0) == 0) return static_cast<pid_t>(std::stol(line.substr(5)));
    return -1;
}

}  // namespace tcplab
