#pragma once
// Watches the real kernel's socket states inside the sandbox and turns them into
// state events: from the inet_sock_set_state tracepoint when we are root (exact,
// every transition), and from periodic socket dumps always (what ss shows,
// including TIME_WAIT and the queues and timers).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "event_queue.hpp"
#include "events.hpp"
#include "kernel_counters.hpp"
#include "namespace_thread.hpp"
#include "result.hpp"
#include "sock_diag.hpp"

namespace tcplab {

// Compares two socket dumps and says what changed, as state events.
class SocketDumpDiff {
public:
    std::vector<StateEvent> update(int64_t time_ns, const std::vector<SocketInfo>& sockets);
    const std::vector<SocketInfo>& last() const { return last_; }

private:
    std::map<std::pair<Endpoint, Endpoint>, SocketInfo> known_;
    std::vector<SocketInfo> last_;
};

struct KernelStateOptions {
    std::vector<uint16_t> ports;  // the tracepoint keeps sockets on these ports
    std::chrono::milliseconds dump_interval{5};
    bool use_tracepoint = true;
    size_t queue_capacity = 1 << 14;
};

class KernelStateWatcher {
public:
    static Result<std::unique_ptr<KernelStateWatcher>> start(int netns_fd, KernelStateOptions options);
    ~KernelStateWatcher();
    KernelStateWatcher(const KernelStateWatcher&) = delete;
    KernelStateWatcher& operator=(const KernelStateWatcher&) = delete;

    EventQueue<StateEvent>& queue() { return queue_; }

    // Empty when the tracepoint is live; otherwise why it is not (the dump still works).
    const std::string& tracepoint_unavailable_reason() const { return tracepoint_reason_; }

    // How many socket dumps have been taken and pushed so far.
    uint64_t dumps_done() const { return dumps_done_.load(std::memory_order_acquire); }

    // The sockets as of the latest dump, like `ss -tan -o`.
    std::vector<SocketInfo> latest_sockets() const;

    // The sandbox's TCP counters as first read by the watcher and as of its
    // latest sample (every ~100 ms); both empty if /proc could not be read.
    KernelCounters kernel_counters() const;

    void stop();

private:
    explicit KernelStateWatcher(KernelStateOptions options);
    void run(StartupReport& report);

    KernelStateOptions options_;
    EventQueue<StateEvent> queue_;
    std::thread thread_;
    std::atomic<bool> stopping_{false};
    std::atomic<uint64_t> dumps_done_{0};
    std::string tracepoint_reason_;
    mutable std::mutex latest_mutex_;  // the latest dump is read rarely, by another thread
    std::vector<SocketInfo> latest_;
    KernelCounters counters_;  // under latest_mutex_
};

}  // namespace tcplab
