#include "namespace_thread.hpp"

#include <sched.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace tcplab {

Status enter_network_namespace(int netns_fd) {
    if (setns(netns_fd, CLONE_NEWNET) != 0)
        return Error{std::string("cannot enter the sandbox's network namespace: ") + std::strerror(errno), ""};
    return Done{};
}

void StartupReport::succeed() {
    state_.store(1);
    state_.notify_all();
}

void StartupReport::fail(Error error) {
    error_ = std::move(error);
    state_.store(-1);
    state_.notify_all();
}

Status StartupReport::wait() {
    while (state_.load() == 0) state_.wait(0);
    if (state_.load() < 0) return error_;
    return Done{};
}

Status start_in_namespace(std::thread& thread, int netns_fd, std::function<void(StartupReport& report)> body) {
    StartupReport report;
    thread = std::thread([&report, netns_fd, body = std::move(body)] {
        if (netns_fd >= 0)
            if (Status entered = enter_network_namespace(netns_fd); !entered) {
                report.fail(entered.error());
                return;
            }
        body(report);
    });
    Status started = report.wait();
    if (!started) thread.join();
    return started;
}

}  // namespace tcplab
