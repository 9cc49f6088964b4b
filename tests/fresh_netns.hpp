#pragma once
// Runs test code inside a fresh network namespace without the scenarios/ layer,
// so the capture library's kernel tests stand on their own.
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <thread>

namespace tcplab::test {

// Runs `body` on a new thread that first moves into a fresh network namespace
// (unshare(CLONE_NEWNET) only affects the calling thread) and brings lo up.
// Returns why that failed, so the test can skip on the main thread.
inline std::optional<std::string> run_in_fresh_network_namespace(const std::function<void()>& body) {
    std::optional<std::string> failure;
    std::thread worker([&] {
        if (::unshare(CLONE_NEWNET) != 0) {
            failure = std::string("unshare(CLONE_NEWNET) failed (needs root): ") + std::strerror(errno);
            return;
        }
        const int control = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        ifreq request{};
        std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
        if (control < 0 || ::ioctl(control, SIOCGIFFLAGS, &request) != 0) {
            failure = std::string("cannot read lo flags: ") + std::strerror(errno);
        } else {
            request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP);
            if (::ioctl(control, SIOCSIFFLAGS, &request) != 0)
                failure = std::string("cannot bring lo up: ") + std::strerror(errno);
        }
        if (control >= 0) ::close(control);
        if (!failure) body();
    });
    worker.join();
    return failure;
}

}  // namespace tcplab::test
