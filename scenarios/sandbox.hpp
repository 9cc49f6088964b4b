#pragma once
// The sandbox: a private network namespace per run, so a lesson never touches
// the host's interfaces, addresses or sysctls, and its traffic cannot leave.
// When not root, the whole process first moves into a user namespace of its own,
// where it may create network namespaces without privileges.
#include <string>

#include "capture/result.hpp"

namespace tcplab {

// Call first in main(), before any thread exists (user and mount namespaces
// cannot be entered by a multithreaded process). As root: mounts tracefs
// privately if needed. Otherwise: enters a new user namespace.
Status prepare_process();

// True when the process started as the real root (not root inside our own user namespace).
bool started_as_root();

class Sandbox {
public:
    // A new network namespace with only `lo`, which is brought up.
    static Result<Sandbox> create();

    Sandbox(Sandbox&& other) noexcept;
    Sandbox& operator=(Sandbox&& other) noexcept;
    Sandbox(const Sandbox&) = delete;
    Sandbox& operator=(const Sandbox&) = delete;
    ~Sandbox();

    int netns_fd() const { return netns_fd_; }

    // Moves the calling thread into the sandbox (only that thread).
    Status enter() const;

    // Writes a sysctl of the sandbox's own network stack, e.g.
    // set_sysctl("net/ipv4/tcp_syncookies", "0"). The host's value is untouched.
    Status set_sysctl(const std::string& name, const std::string& value) const;

private:
    explicit Sandbox(int netns_fd) : netns_fd_(netns_fd) {}
    int netns_fd_ = -1;
};

}  // namespace tcplab
