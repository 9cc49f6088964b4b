#include "sandbox.hpp"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "capture/namespace_thread.hpp"
#include "capture/tracepoint.hpp"
#include "host_limits.hpp"

namespace tcplab {
namespace {

bool g_started_as_root = false;

std::string errno_text() { return std::strerror(errno); }

bool write_file(const std::string& path, const std::string& text) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    return written;
}

// The first line of a small file, without its newline ("" when it cannot be read).
std::string read_line(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return "";
    char buffer[64];
    const ssize_t got = ::read(fd, buffer, sizeof buffer - 1);
    ::close(fd);
    std::string line(buffer, got > 0 ? static_cast<size_t>(got) : 0);
    if (const size_t end = line.find('\n'); end != std::string::npos) line.resize(end);
    return line;
}

Status enter_user_namespace() {
    const uid_t uid = geteuid();
    const gid_t gid = getegid();
    if (unshare(CLONE_NEWUSER) != 0) {
        if (errno == EINVAL)
            return Error{"cannot create a user namespace: the process already runs threads (internal error)", ""};
        return namespace_error("cannot create a user namespace for the sandbox", errno);
    }
    // Map our own user to root inside, so we hold the capabilities the sandbox
    // needs over namespaces we create, and nothing outside them.
    if (!write_file("/proc/self/setgroups", "deny") ||
        !write_file("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1") ||
        !write_file("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1"))
        return namespace_error("cannot map our user into the new user namespace", errno);
    return Done{};
}

Status bring_loopback_up() {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return Error{"cannot open a control socket in the sandbox: " + errno_text(), ""};
    ifreq request{};
    std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
    int status = ::ioctl(fd, SIOCGIFFLAGS, &request);
    if (status == 0) {
        request.ifr_flags |= IFF_UP | IFF_RUNNING;
        status = ::ioctl(fd, SIOCSIFFLAGS, &request);
    }
    const std::string failure = errno_text();
    ::close(fd);
    if (status != 0) return Error{"cannot bring up lo in the sandbox: " + failure, ""};
    return Done{};
}

Error network_namespace_error(int error) {
    const std::string what = "cannot create a network namespace for the sandbox: " + std::string(std::strerror(error));
    if (error == ENOSPC)
        return {what + " (the limit on network namespaces is reached)",
                "raise it with `sudo sysctl -w user.max_net_namespaces=10000`"};
    if (error == EPERM && g_started_as_root)
        return {what + " (root without CAP_SYS_ADMIN, e.g. inside a restricted container)",
                "run tcplab on the host, or give the container CAP_SYS_ADMIN"};
    if (error == EPERM) return namespace_error("cannot create a network namespace for the sandbox", error);
    return {what, ""};
}

// A namespace normally shares the host's table of TCP sockets (262,144
// buckets on a desktop), and a socket dump walks every bucket: about 1 ms,
// which the lab repeats every few milliseconds per host for as long as it is
// open. A host made from a namespace whose tcp_child_ehash_entries is set
// gets a table of its own (Linux 6.1 and later): a dump of it takes tens of
// microseconds. A lesson never has more than a few thousand sockets.
constexpr const char* kOwnSocketTableBuckets = "4096";
constexpr const char* kChildTableSysctl = "/proc/sys/net/ipv4/tcp_child_ehash_entries";
// Two defaults the kernel derives from the table's size; a host keeps those
// of an ordinary namespace (2048 and 131072 with the host's table), which the
// lessons about queues and TIME_WAIT are written for.
const char* const kTableSizedSysctls[] = {"/proc/sys/net/ipv4/tcp_max_syn_backlog",
                                          "/proc/sys/net/ipv4/tcp_max_tw_buckets"};

// In the calling thread: a network namespace for a host, made from a
// short-lived one that gives it its own socket table where the kernel can.
Status enter_new_host_namespace() {
    if (unshare(CLONE_NEWNET) != 0) return network_namespace_error(errno);
    std::vector<std::string> defaults;
    for (const char* sysctl : kTableSizedSysctls) defaults.push_back(read_line(sysctl));
    const bool own_table = write_file(kChildTableSysctl, kOwnSocketTableBuckets);
    if (unshare(CLONE_NEWNET) != 0) return network_namespace_error(errno);
    if (!own_table) return Done{};  // an older kernel: the shared table, slower dumps, the same lessons
    for (size_t index = 0; index < defaults.size(); ++index)
        if (!defaults[index].empty() && !write_file(kTableSizedSysctls[index], defaults[index]))
            return Error{std::string("cannot set ") + kTableSizedSysctls[index] + " in the sandbox: " + errno_text(),
                         ""};
    return Done{};
}

}  // namespace

bool started_as_root() { return g_started_as_root; }

Status prepare_process() {
    g_started_as_root = geteuid() == 0;
    if (g_started_as_root) {
        // Without tracefs the lab still works (socket dumps and packets), so a
        // failure here is not fatal; the kernel state source says why it is missing.
        (void)prepare_tracefs();
        return Done{};
    }
    return enter_user_namespace();
}

Result<Sandbox> Sandbox::create() {
    // unshare() moves only the calling thread, so a short-lived thread creates
    // the namespace and hands back a file descriptor that keeps it alive.
    auto made = run_in_namespace(-1, []() -> Result<int> {
        if (auto entered = enter_new_host_namespace(); !entered) return entered.error();
        if (auto up = bring_loopback_up(); !up) return up.error();
        const int netns_fd = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        if (netns_fd < 0) return Error{"cannot hold the sandbox's network namespace: " + errno_text(), ""};
        return netns_fd;
    });
    if (!made) return made.error();
    return Sandbox(made.value());
}

Sandbox::Sandbox(Sandbox&& other) noexcept : netns_fd_(other.netns_fd_) { other.netns_fd_ = -1; }

Sandbox& Sandbox::operator=(Sandbox&& other) noexcept {
    if (this != &other) {
        if (netns_fd_ >= 0) ::close(netns_fd_);
        netns_fd_ = other.netns_fd_;
        other.netns_fd_ = -1;
    }
    return *this;
}

Sandbox::~Sandbox() {
    if (netns_fd_ >= 0) ::close(netns_fd_);
}

Status Sandbox::enter() const { return enter_network_namespace(netns_fd_); }

Status Sandbox::set_sysctl(const std::string& name, const std::string& value) const {
    // /proc/sys/net shows the namespace of the thread that opens it.
    return run_in_namespace(netns_fd_, [&]() -> Status {
        if (!write_file("/proc/sys/" + name, value))
            return Error{"cannot set " + name + " = " + value + " in the sandbox: " + errno_text(), ""};
        return Done{};
    });
}

}  // namespace tcplab
