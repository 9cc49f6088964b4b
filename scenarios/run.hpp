#pragma once
// Runs a lesson for real: creates the sandbox, starts the packet capture and
// the kernel state watcher, and executes steps one at a time. Between steps it
// owns the trace; the caller (terminal or window) reads it.
#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actor.hpp"
#include "capture/kernel_states.hpp"
#include "capture/packet_capture.hpp"
#include "capture/trace.hpp"
#include "lesson.hpp"
#include "program_session.hpp"
#include "sandbox.hpp"
#include "wire.hpp"

namespace tcplab {

// Where the lesson runs: one host talking to itself over lo (as in the
// tutorials' examples), or a client host and a server host joined by the wire.
enum class Topology { Loopback, TwoHosts };

// Packets a window's frame adds to the trace at most (RunOptions::packets_per_poll):
// with what the views then add, 8-13 ms of a busy 2-CPU VM's time, and
// 370 k packets a second at 60 fps, above the ~300 k a second of the fastest
// flood the wire takes in (docs/performance-live.md).
inline constexpr size_t kPacketsPerFrame = 6144;

struct RunOptions {
    Topology topology = Topology::Loopback;
    WireOptions wire;  // latency, MTU, loss, gate (two hosts only)
    bool use_tracepoint = true;
    // How long a step may take to show what it expects (a delayed ACK takes 40 ms).
    std::chrono::milliseconds settle_limit{3000};
    // A step is over when nothing new happened for this long.
    std::chrono::milliseconds quiet_period{60};
    uint32_t port_seed = 0;  // 0: a random port per run
    // Socket calls give up after this; a student holding segments needs long.
    int call_timeout_seconds = 5;
    // At most this many captured packets go into the trace per poll(), so a
    // window polling once a frame spreads a flood's burst over frames instead
    // of stalling one; the capture queues hold the rest (their losses are
    // counted). Unlimited for a terminal run, which has no frames.
    size_t packets_per_poll = SIZE_MAX;
    // Apply the lesson's own settings (its topology, the wire's latency, MTU
    // and loss, longer limits) wherever these options keep their defaults.
    bool lesson_settings = true;
    // The student's own programs run on the hosts (tcplab exec, shell): a
    // ProgramSession, every port captured (their ports are theirs to choose),
    // and states from socket dumps and packets: the tracepoint sees every
    // namespace and could not tell these sockets from another lab's.
    std::optional<ProgramSessionSetup> programs;
};

struct ExpectationOutcome {
    std::string key;
    CheckResult result;
};

struct StepOutcome {
    size_t index = 0;
    int64_t begin_ns = 0;
    int64_t end_ns = 0;
    std::vector<ExpectationOutcome> expectations;
    // The kernel's answer to the step's question: whether each choice held.
    std::vector<ExpectationOutcome> choices;
    std::string failure;  // an action that could not run at all
    // The segment the step shows in the packet detail (Step::show): an index into trace().packets().
    std::optional<size_t> shown_packet;
    KernelCounters counters;  // at the step's start and end
    bool passed() const;
};

// Why `options` cannot run `entry`: a lesson that needs the wire, asked to run
// on one host. None when they fit.
std::optional<Error> loopback_refusal(const LessonEntry& entry, const RunOptions& options);

class LessonRun : private RunControl {
public:
    static Result<std::unique_ptr<LessonRun>> start(const LessonEntry& entry, RunOptions options = {});
    ~LessonRun();

    const Lesson& lesson() const { return lesson_; }
    const Addresses& addresses() const override { return addresses_; }
    Topology topology() const { return options_.topology; }
    // The lesson asked for two hosts: it cannot run on one.
    bool needs_wire() const { return needs_wire_; }
    // The wire between the hosts, to hold, release, drop and inject (two hosts only).
    Wire* wire() override { return wire_.get(); }
    const Wire* wire() const { return wire_.get(); }
    const Trace& trace() const { return trace_; }
    size_t steps_done() const { return outcomes_.size(); }
    bool finished() const { return outcomes_.size() == lesson_.steps.size(); }
    const std::vector<StepOutcome>& outcomes() const { return outcomes_; }

    // Runs the next step and waits until it has settled (the terminal's way).
    const StepOutcome& step();

    // The same without blocking (the window's way): begin_step() starts the
    // next step; poll(), called every frame, drains events into the trace and
    // returns true once the step has settled and its outcome is outcomes().back().
    bool begin_step();
    bool poll();
    bool stepping() const { return in_progress_ != nullptr; }
    // Stops capturing and watching; the trace stays readable.
    void finish();

    // What ss would show right now, for every host of the run (empty once finished).
    std::vector<SocketInfo> latest_sockets() const;
    // The kernel's TCP counters of the server's host: at the start and now.
    KernelCounters kernel_counters() const;

    // Why the tracepoint is not used ("" when it is).
    std::string tracepoint_note() const;
    CaptureStats capture_stats() const;
    const RunOptions& options() const { return options_; }

    // RunControl, for the lesson's own actions (and the window's "skip the wait").
    Result<size_t> skip_time_wait() override;
    Result<size_t> forget_sockets(Actor host) override;
    ProgramSession* programs() override { return programs_.get(); }

private:
    using Clock = std::chrono::steady_clock;
    enum class Phase { Acting, Joining, Settling, Dumping };
    struct InProgress {
        StepOutcome outcome;
        Phase phase = Phase::Acting;
        size_t next_action = 0;
        Actor acting = Actor::None;
        std::future<void> pending;
        std::vector<std::future<void>> queued;      // the same actor's next calls, already on its thread
        std::vector<std::future<void>> background;  // actions that do not hold up the next one
        Clock::time_point action_started;
        Clock::time_point settle_started;
        Clock::time_point last_change;
        std::vector<uint64_t> dump_targets;  // per host
        int64_t dumping_since_ns = 0;
    };

    LessonRun(Lesson lesson, Addresses addresses, std::vector<Sandbox> hosts, RunOptions options);
    Status set_sysctl(Actor host, const std::string& name, const std::string& value) override;
    bool stopping() const override { return stopping_; }
    std::future<void> launch(const Action& action);
    void collect(std::future<void>& action, Actor acting);
    KernelCounters counters_now() const;
    Status start_watching();
    size_t drain(size_t packet_limit = SIZE_MAX);
    bool all_pass(const Step& step, int64_t begin_ns, int64_t end_ns) const;
    void start_next_action();

    Lesson lesson_;
    Addresses addresses_;
    std::vector<Sandbox> hosts_;  // the client's first; one for loopback
    bool needs_wire_ = false;
    RunOptions options_;
    Trace trace_;
    std::unique_ptr<Wire> wire_;
    std::vector<std::unique_ptr<PacketCapture>> captures_;       // one per capture point
    std::vector<std::unique_ptr<KernelStateWatcher>> watchers_;  // one per host
    std::unique_ptr<ActorThread> client_;
    std::unique_ptr<ActorThread> server_;
    std::unique_ptr<ProgramSession> programs_;
    std::vector<StepOutcome> outcomes_;
    std::unique_ptr<InProgress> in_progress_;
    std::string tracepoint_note_;
    CaptureStats final_capture_stats_;
    KernelCounters final_counters_;
    uint64_t lost_counted_ = 0;
    bool finished_watching_ = false;
    std::atomic<bool> stopping_{false};
};

}  // namespace tcplab
