#pragma once
// Runs a student's own program on a host of the lab and reports its socket
// calls, whatever language it is written in: ptrace, with a seccomp filter
// that stops the program only at socket calls (socket_syscalls.hpp), so it
// runs at full speed in between. No LD_PRELOAD: Go's raw system calls and
// static binaries are traced as well as Python and C.
//
// Each call becomes a CallEvent with its arguments, result or errno and how
// long it took (from the stop before the call to the stop after it), made by
// which process and thread. Threads and forked children are followed. The
// program runs as the user who started tcplab (program_user.hpp), inside the
// host's network namespace, with its own mount namespace where /etc/hosts
// names the lab's hosts.
//
// One thread does all the tracing (ptrace requires it). Calls leave through a
// bounded queue; when it is full the program waits, stopped, until there is
// room, so a slow reader slows the program instead of losing its calls.
#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "capture/event_queue.hpp"
#include "capture/events.hpp"
#include "capture/result.hpp"
#include "program_launch.hpp"
#include "program_user.hpp"

namespace tcplab {

struct ProgramLaunch {
    std::vector<std::string> argv;         // argv[0] is looked up in PATH (from `environment`) unless it has a '/'
    std::vector<std::string> environment;  // NAME=value, exactly what the program gets
    std::string working_directory;         // entered as the program's user
    Actor host = Actor::Client;            // the host it runs on: its calls' actor
    int netns_fd = -1;                     // that host's network namespace
    std::string host_name;                 // the hostname the program sees ("client")
    std::string hosts_file;                // bind-mounted over /etc/hosts; "" leaves it
    // The program's standard descriptors (-1: /dev/null). With a terminal
    // (a pty's slave), the program gets a session of its own with it as the
    // controlling terminal, so that Ctrl-C in it reaches the program only.
    int stdin_fd = -1;
    int stdout_fd = -1;
    int stderr_fd = -1;
    int controlling_terminal = -1;
    // Report every write() of the program (and its children) to the terminal
    // that is its standard output as a TerminalWrite, taken before the bytes
    // reach the terminal: whoever reads the terminal dates each line by it.
    bool stamp_terminal_writes = false;
    ProgramUser user;
};

// A program is about to write `bytes` bytes to its terminal (the character
// device `terminal`): when, for the line those bytes finish.
struct TerminalWrite {
    int64_t time_ns = 0;
    uint64_t terminal = 0;
    uint64_t bytes = 0;
};

// A traced process that ended (every process the programs started, not only
// the ones launched).
struct ProgramExit {
    pid_t pid = 0;
    Actor host = Actor::None;
    bool launched = false;  // one of the programs launch() started (not a child of one)
    int64_t time_ns = 0;
    int exit_code = -1;  // when it exited
    int signal = 0;      // when a signal killed it
    bool core_dumped = false;
};

struct TracerCounters {
    uint64_t stops = 0;           // seccomp stops (one per traced call, whatever the descriptor)
    uint64_t calls_reported = 0;  // CallEvents pushed
    uint64_t queue_waits = 0;     // times the program waited for room in the queue
};

class ProgramTracer {
public:
    // `one_cpu`: the tracer thread and every program it starts keep to one
    // CPU, which makes each stop cheaper (see keep_to_one_cpu in the .cpp);
    // false only to measure the difference (bench/program_trace_bench).
    static Result<std::unique_ptr<ProgramTracer>> start(size_t queue_capacity = 8192, bool one_cpu = true);
    // Kills every process still traced and waits for them.
    ~ProgramTracer();
    ProgramTracer(const ProgramTracer&) = delete;
    ProgramTracer& operator=(const ProgramTracer&) = delete;

    // Starts a program and returns its pid once it runs the new executable, or
    // why it could not (nothing is left behind then).
    Result<pid_t> launch(ProgramLaunch launch);

    EventQueue<CallEvent>& calls() { return calls_; }
    EventQueue<ProgramExit>& exits() { return exits_; }
    // Only for programs launched with stamp_terminal_writes; whoever launches
    // them must drain it (the programs wait while it is full).
    EventQueue<TerminalWrite>& terminal_writes() { return terminal_writes_; }

    // Sends `signal` to every traced process (SIGTERM to end them, SIGKILL).
    void signal_all(int signal);
    // Sends `signal` to one launched program's process.
    void signal_program(pid_t pid, int signal);
    // Traced processes still alive.
    size_t live_processes() const;
    // How many listen() calls succeeded on a host so far: a client starts once
    // its server listens.
    uint64_t successful_listens(Actor host) const;
    TracerCounters counters() const;

private:
    struct Request;
    struct Tracing;  // the tracer thread's own state
    explicit ProgramTracer(size_t queue_capacity);
    void loop();
    void wake_tracer();

    EventQueue<CallEvent> calls_;
    EventQueue<ProgramExit> exits_;
    EventQueue<TerminalWrite> terminal_writes_;
    std::thread thread_;
    std::atomic<pid_t> thread_id_{0};
    std::atomic<bool> quitting_{false};
    mutable std::mutex mutex_;           // guards requests_, pidfds_
    std::condition_variable idle_wake_;  // the loop sleeps on it while nothing is traced
    std::deque<std::shared_ptr<Request>> requests_;
    std::map<pid_t, int> pidfds_;  // every traced process, for signals from any thread
    std::atomic<uint64_t> client_listens_{0};
    std::atomic<uint64_t> server_listens_{0};
    std::atomic<uint64_t> stops_{0};
    std::atomic<uint64_t> calls_reported_{0};
    std::atomic<uint64_t> queue_waits_{0};
};

}  // namespace tcplab
