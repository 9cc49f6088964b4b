#pragma once
// Starts a worker thread inside a network namespace and waits until the worker
// says whether it could set itself up (open pcap, open netlink ...), so that
// the owner gets an error value instead of a thread that silently died.
#include <atomic>
#include <functional>
#include <thread>

#include "result.hpp"

namespace tcplab {

class StartupReport {
public:
    void succeed();
    void fail(Error error);
    Status wait();  // blocks until succeed() or fail()

private:
    std::atomic<int> state_{0};  // 0 waiting, 1 running, -1 failed
    Error error_;
};

// Runs `body` on `thread`, first entering `netns_fd` (-1: stay in the caller's
// namespace). `body` must call report.succeed() or report.fail() exactly once,
// and not touch `report` afterwards. On failure the thread is joined.
Status start_in_namespace(std::thread& thread, int netns_fd, std::function<void(StartupReport& report)> body);

}  // namespace tcplab
