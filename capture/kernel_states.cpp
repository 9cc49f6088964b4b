#include "kernel_states.hpp"

#include <sched.h>

#include <cerrno>
#include <cstring>

#include "tracepoint.hpp"

namespace tcplab {

std::vector<StateEvent> SocketDumpDiff::update(int64_t time_ns, const std::vector<SocketInfo>& sockets) {
    std::vector<StateEvent> changes;
    auto event_for = [time_ns](const SocketInfo& socket, TcpState from, TcpState to) {
        StateEvent event;
        event.time_ns = time_ns;
        event.local = socket.local;
        event.remote = socket.remote;
        event.from = from;
        event.to = to;
        event.source = StateSource::SocketDump;
        event.receive_queue = socket.receive_queue;
        event.send_queue = socket.send_queue;
        event.timer = socket.timer;
        event.timer_expires_ms = socket.timer_expires_ms;
        return event;
    };

    std::map<std::pair<Endpoint, Endpoint>, SocketInfo> now;
    for (const SocketInfo& socket : sockets) {
        const auto key = std::make_pair(socket.local, socket.remote);
        now[key] = socket;
        auto before = known_.find(key);
        if (before == known_.end())
            changes.push_back(event_for(socket, TcpState::Closed, socket.state));
        else if (before->second.state != socket.state)
            changes.push_back(event_for(socket, before->second.state, socket.state));
    }
    for (const auto& [key, socket] : known_)
        if (!now.count(key)) changes.push_back(event_for(socket, socket.state, TcpState::Closed));

    known_ = std::move(now);
    last_ = sockets;
    return changes;
}

KernelStateWatcher::KernelStateWatcher(KernelStateOptions options)
    : options_(std::move(options)), queue_(options_.queue_capacity) {}

KernelStateWatcher::~KernelStateWatcher() { stop(); }

Result<std::unique_ptr<KernelStateWatcher>> KernelStateWatcher::start(int netns_fd, KernelStateOptions options) {
    std::unique_ptr<KernelStateWatcher> watcher(new KernelStateWatcher(std::move(options)));
    KernelStateWatcher* raw = watcher.get();
    auto started = start_in_namespace(raw->thread_, netns_fd, [raw](StartupReport& report) { raw->run(report); });
    if (!started) return started.error();
    return watcher;
}

void KernelStateWatcher::run(StartupReport& report) {
    auto fail = [&report](Error error) { report.fail(std::move(error)); };
    auto diag = SockDiag::open();
    if (!diag) {
        fail(diag.error());
        return;
    }
    std::unique_ptr<StateTracepoint> tracepoint;
    if (options_.use_tracepoint) {
        auto opened = StateTracepoint::open(options_.ports);
        if (opened)
            tracepoint = std::make_unique<StateTracepoint>(std::move(opened.value()));
        else
            tracepoint_reason_ = opened.error().what;
    } else {
        tracepoint_reason_ = "switched off";
    }
    // Counters change slowly and reading them costs two /proc files, so they are
    // sampled every ~100 ms; this thread is inside the sandbox, so they are its own.
    // The first sample is taken before the caller is told we are running, so it
    // comes before anything the lesson does.
    constexpr std::chrono::milliseconds counter_interval{100};
    auto last_counter_sample = std::chrono::steady_clock::now() - counter_interval;
    auto sample_counters = [&] {
        last_counter_sample = std::chrono::steady_clock::now();
        auto sample = read_kernel_counters();
        if (!sample) return;
        std::lock_guard lock(latest_mutex_);
        if (counters_.at_start.values.empty()) counters_.at_start = sample.value();
        counters_.latest = std::move(sample.value());
    };

    sample_counters();
    report.succeed();

    SocketDumpDiff diff;
    auto push = [this](StateEvent event) { queue_.push(std::move(event)); };
    auto dump_once = [&] {
        auto sockets = diag->dump_tcp();
        // Stamped when the dump is complete: the states it shows held by then,
        // while a stamp from before the call could predate them.
        const int64_t now = realtime_now_ns();
        if (!sockets) return;
        for (StateEvent& event : diff.update(now, sockets.value())) push(std::move(event));
        {
            std::lock_guard lock(latest_mutex_);
            latest_ = sockets.value();
        }
        dumps_done_.fetch_add(1, std::memory_order_release);
    };
    auto read_tracepoint = [&](std::chrono::milliseconds timeout) {
        for (const TracepointStateChange& change : tracepoint->read(timeout)) {
            StateEvent event;
            event.time_ns = change.time_ns;
            event.local = change.local;
            event.remote = change.remote;
            event.from = change.from;
            event.to = change.to;
            event.source = StateSource::Tracepoint;
            push(std::move(event));
        }
    };

    while (!stopping_.load(std::memory_order_acquire)) {
        if (std::chrono::steady_clock::now() - last_counter_sample >= counter_interval) sample_counters();
        if (tracepoint)
            read_tracepoint(options_.dump_interval);
        else
            std::this_thread::sleep_for(options_.dump_interval);
        dump_once();
    }
    if (tracepoint) read_tracepoint(std::chrono::milliseconds(0));
    dump_once();
    sample_counters();
}

KernelCounters KernelStateWatcher::kernel_counters() const {
    std::lock_guard lock(latest_mutex_);
    return counters_;
}

std::vector<SocketInfo> KernelStateWatcher::latest_sockets() const {
    std::lock_guard lock(latest_mutex_);
    return latest_;
}

void KernelStateWatcher::stop() {
    if (!thread_.joinable()) return;
    stopping_.store(true, std::memory_order_release);
    thread_.join();
}

}  // namespace tcplab
