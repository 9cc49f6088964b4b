#pragma once
// Running code inside a network namespace. A namespace belongs to a thread
// (setns() and unshare() move only the calling one), so the lab never moves a
// thread it does not own: it starts one, moves that, and lets it finish or
// report. Two shapes: a short job that runs to its end (lay a device, write a
// sysctl, end some sockets), and a worker that lives on (a capture, the
// socket dumps) and says once whether it could set itself up.
#include <atomic>
#include <functional>
#include <optional>
#include <thread>
#include <utility>

#include "result.hpp"

namespace tcplab {

// Moves the calling thread, and only it, into the network namespace `netns_fd`.
Status enter_network_namespace(int netns_fd);

// Runs `body` on a short-lived thread inside `netns_fd` and returns what it
// returned (a Status or a Result), or why the thread could not enter. With
// -1 the thread stays in the caller's namespace: for a body that makes a
// namespace of its own and must not take the caller with it.
template <class Body>
auto run_in_namespace(int netns_fd, Body&& body) -> decltype(body()) {
    std::optional<decltype(body())> outcome;
    std::thread worker([&] {
        if (netns_fd >= 0)
            if (Status entered = enter_network_namespace(netns_fd); !entered) {
                outcome.emplace(entered.error());
                return;
            }
        outcome.emplace(body());
    });
    worker.join();
    return std::move(*outcome);
}

class StartupReport {
public:
    void succeed();
    void fail(Error error);
    Status wait();  // blocks until succeed() or fail()

private:
    std::atomic<int> state_{0};  // 0 waiting, 1 running, -1 failed
    Error error_;
};

// Starts a worker on `thread`, first entering `netns_fd` (-1: stay in the
// caller's namespace), and waits until it says whether it could set itself up
// (open pcap, open netlink ...), so that the owner gets an error value instead
// of a thread that silently died. `body` must call report.succeed() or
// report.fail() exactly once, and not touch `report` afterwards. On failure
// the thread is joined.
Status start_in_namespace(std::thread& thread, int netns_fd, std::function<void(StartupReport& report)> body);

}  // namespace tcplab
