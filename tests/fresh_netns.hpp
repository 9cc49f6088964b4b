#pragma once
// Runs test code inside a fresh network namespace without the scenarios/ layer,
// so the capture library's kernel tests stand on their own. Needs root: a
// test first skips with test::missing_root() (environment.hpp), and from then
// on a namespace that cannot be made is a failure.
#include <gtest/gtest.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <string>

#include "capture/namespace_thread.hpp"
#include "tests/environment.hpp"

namespace tcplab::test {

// Runs `body` on a new thread that first moves into a fresh network namespace
// (unshare(CLONE_NEWNET) only affects the calling thread) and brings lo up.
inline testing::AssertionResult run_in_fresh_network_namespace(const std::function<void()>& body) {
    const Status ran = run_in_namespace(-1, [&]() -> Status {
        if (::unshare(CLONE_NEWNET) != 0)
            return Error{std::string("unshare(CLONE_NEWNET) failed: ") + std::strerror(errno), ""};
        const int control = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        ifreq request{};
        std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
        std::string failure;
        if (control < 0 || ::ioctl(control, SIOCGIFFLAGS, &request) != 0) {
            failure = std::string("cannot read lo flags: ") + std::strerror(errno);
        } else {
            request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP);
            if (::ioctl(control, SIOCSIFFLAGS, &request) != 0)
                failure = std::string("cannot bring lo up: ") + std::strerror(errno);
        }
        if (control >= 0) ::close(control);
        if (!failure.empty()) return Error{failure, ""};
        body();
        return Done{};
    });
    if (!ran) return testing::AssertionFailure() << "no fresh network namespace: " << ran.error().what;
    return testing::AssertionSuccess();
}

}  // namespace tcplab::test
