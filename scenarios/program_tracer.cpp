#include "program_tracer.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <unordered_map>

#include "socket_call_decoder.hpp"
#include "socket_syscalls.hpp"
#include "tracee_access.hpp"

namespace tcplab {
namespace {

constexpr long kTraceOptions = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
                               PTRACE_O_TRACEEXEC | PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL;

// How long the tracer holds a program, stopped, waiting for room in a full
// queue before it gives up on that one event (counted, never silent).
constexpr auto kQueueWaitLimit = std::chrono::seconds(5);

// The tracer thread blocks in waitpid(); this signal, aimed at that thread
// alone, interrupts it when another thread asks for something (a launch).
int wake_signal() { return SIGRTMIN + 4; }
void on_wake(int) {}

void install_wake_handler() {
    static std::once_flag once;
    std::call_once(once, [] {
        struct sigaction action {};
        action.sa_handler = on_wake;
        sigemptyset(&action.sa_mask);
        action.sa_flags = 0;  // no SA_RESTART: waitpid() must return EINTR
        sigaction(wake_signal(), &action, nullptr);
    });
}

// Every stop of a traced program wakes the tracer and waits for it; on two
// CPUs each stop also crosses between them (a wake-up on the other CPU, and
// ptrace waiting until the stopped program has left its CPU), and on a loaded
// machine or a VM the other CPU may not be there at once. The tracer thread
// keeps to the CPU it starts on, and the programs it starts inherit that
// (it forks them): a stop is then a plain switch on one CPU, measured in
// bench/ptrace_stop_bench and bench/program_trace_bench. The programs share
// one CPU: a student's socket program waits on the network, not on it.
void keep_to_one_cpu() {
    const int cpu = sched_getcpu();
    if (cpu < 0) return;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    sched_setaffinity(0, sizeof one, &one);
}

int open_pidfd(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0)); }

bool is_stop_signal(int signal) {
    return signal == SIGSTOP || signal == SIGTSTP || signal == SIGTTIN || signal == SIGTTOU;
}

std::string signal_text(int signal) {
    const char* name = sigabbrev_np(signal);
    return name ? std::string("SIG") + name : std::to_string(signal);
}

struct TracedThread {
    std::shared_ptr<TracedProcess> process;  // null while its parent's fork event is awaited
    std::optional<PendingCall> pending;
    // A call a signal interrupted: made again (the same call, or
    // restart_syscall) it goes on with its first start time.
    std::optional<PendingCall> interrupted;
    bool stopped_unknown = false;  // stopped before we knew whose it is: resumed then
    // When it began to exit (PTRACE_EVENT_EXIT): before the kernel closed its
    // sockets, so a death comes before the FIN or RST it caused.
    int64_t exiting_ns = 0;
};

}  // namespace

struct ProgramTracer::Request {
    ProgramLaunch launch;
    std::promise<Result<pid_t>> done;
    std::atomic<bool> taken{false};
};

// Everything only the tracer thread touches.
struct ProgramTracer::Tracing {
    std::unordered_map<pid_t, TracedThread> threads;
    std::unordered_map<pid_t, std::shared_ptr<TracedProcess>> processes;
    // Launched programs not yet running their executable: the request to
    // answer, and the pipe the child reports a failure through.
    struct Launching {
        std::shared_ptr<Request> request;
        int report_fd = -1;
        std::string program;
    };
    std::unordered_map<pid_t, Launching> launching;
    std::unordered_map<pid_t, bool> launched;  // pid → still alive
    // New tasks whose parent's event has not come yet: their parent's process.
    std::unordered_map<pid_t, std::shared_ptr<TracedProcess>> expected;
    SocketCallDecoder decoder;
    bool killing = false;
};

ProgramTracer::ProgramTracer(size_t queue_capacity)
    : calls_(queue_capacity), exits_(1024), terminal_writes_(queue_capacity) {}

Result<std::unique_ptr<ProgramTracer>> ProgramTracer::start(size_t queue_capacity, bool one_cpu) {
    if (!tracing_supported())
        return Error{"tracing programs is not supported on this processor architecture (only x86_64 and aarch64)", ""};
    install_wake_handler();
    std::unique_ptr<ProgramTracer> tracer(new ProgramTracer(queue_capacity));
    std::promise<void> started;
    auto running = started.get_future();
    tracer->thread_ = std::thread([raw = tracer.get(), &started, one_cpu] {
        raw->thread_id_ = static_cast<pid_t>(syscall(SYS_gettid));
        if (one_cpu) keep_to_one_cpu();
        sigset_t wake;
        sigemptyset(&wake);
        sigaddset(&wake, wake_signal());
        pthread_sigmask(SIG_UNBLOCK, &wake, nullptr);
        started.set_value();
        raw->loop();
    });
    running.wait();
    return tracer;
}

ProgramTracer::~ProgramTracer() {
    quitting_ = true;
    // The loop kills what is left, waits for it and ends; it may be asleep in
    // waitpid(), which only a signal interrupts: repeat it until the loop is done.
    while (thread_id_ != 0) {
        wake_tracer();
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    thread_.join();
}

void ProgramTracer::wake_tracer() {
    idle_wake_.notify_all();
    const pid_t tid = thread_id_;
    if (tid != 0) syscall(SYS_tgkill, getpid(), tid, wake_signal());
}

Result<pid_t> ProgramTracer::launch(ProgramLaunch launch) {
    auto request = std::make_shared<Request>();
    request->launch = std::move(launch);
    auto result = request->done.get_future();
    {
        std::lock_guard lock(mutex_);
        requests_.push_back(request);
    }
    // The wake may land just before the tracer sleeps: repeat until it is taken.
    while (!request->taken) {
        wake_tracer();
        if (result.wait_for(std::chrono::milliseconds(5)) == std::future_status::ready) break;
        if (thread_id_ == 0) return Error{"the program tracer has stopped", ""};
    }
    return result.get();
}

void ProgramTracer::signal_all(int signal) {
    std::lock_guard lock(mutex_);
    for (const auto& [pid, pidfd] : pidfds_) syscall(SYS_pidfd_send_signal, pidfd, signal, nullptr, 0);
}

void ProgramTracer::signal_program(pid_t pid, int signal) {
    std::lock_guard lock(mutex_);
    const auto found = pidfds_.find(pid);
    if (found != pidfds_.end()) syscall(SYS_pidfd_send_signal, found->second, signal, nullptr, 0);
}

size_t ProgramTracer::live_processes() const {
    std::lock_guard lock(mutex_);
    return pidfds_.size();
}

uint64_t ProgramTracer::successful_listens(Actor host) const {
    return host == Actor::Server ? server_listens_.load() : client_listens_.load();
}

TracerCounters ProgramTracer::counters() const { return {stops_.load(), calls_reported_.load(), queue_waits_.load()}; }

namespace {

// Pushes with the program held stopped while the queue is full.
template <class T>
bool push_waiting(EventQueue<T>& queue, T item, std::atomic<uint64_t>& waits, const std::atomic<bool>& quitting) {
    if (!queue.has_room()) {
        ++waits;
        const auto deadline = std::chrono::steady_clock::now() + kQueueWaitLimit;
        while (!queue.has_room() && !quitting && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    return queue.push(std::move(item));
}

}  // namespace

void ProgramTracer::loop() {
    Tracing state;
    std::atomic<uint64_t> exit_waits{0};
    std::atomic<uint64_t> terminal_waits{0};

    const auto report = [&](CallEvent event) {
        if (event.call == "listen" && event.result == 0)
            ++(event.actor == Actor::Server ? server_listens_ : client_listens_);
        if (push_waiting(calls_, std::move(event), queue_waits_, quitting_)) ++calls_reported_;
    };
    const auto forget_pidfd = [&](pid_t pid) {
        std::lock_guard lock(mutex_);
        const auto found = pidfds_.find(pid);
        if (found == pidfds_.end()) return;
        close(found->second);
        pidfds_.erase(found);
    };
    const auto remember_process = [&](const std::shared_ptr<TracedProcess>& process) {
        std::lock_guard lock(mutex_);
        pidfds_[process->pid] = process->pidfd;
    };
    const auto resume = [](pid_t tid, int request, int signal = 0) {
        ptrace(static_cast<__ptrace_request>(request), tid, nullptr,
               reinterpret_cast<void*>(static_cast<long>(signal)));
    };
    // A process event on the timeline (fork, thread, exit), for programs that use sockets.
    const auto process_event = [&](const TracedProcess& process, pid_t tid, std::string call, std::string arguments,
                                   int64_t result, int64_t time_ns = 0) {
        CallEvent event;
        event.time_ns = event.return_ns = time_ns != 0 ? time_ns : realtime_now_ns();
        event.actor = process.host;
        event.call = std::move(call);
        event.arguments = std::move(arguments);
        event.result = result;
        event.process = process.pid;
        event.thread = tid;
        event.program = process.program;
        report(std::move(event));
    };

    const auto start_child = [&](const std::shared_ptr<Request>& request) -> std::optional<Error> {
        auto plan = ChildPlan::prepare(request->launch);
        if (!plan) return plan.error();
        int go[2], failure[2];
        if (pipe2(go, O_CLOEXEC) != 0) return Error{std::string("cannot make a pipe: ") + std::strerror(errno), ""};
        if (pipe2(failure, O_CLOEXEC) != 0) {
            close(go[0]);
            close(go[1]);
            return Error{std::string("cannot make a pipe: ") + std::strerror(errno), ""};
        }
        const pid_t pid = fork();
        if (pid == 0) plan.value()->run(go[0], failure[1]);
        close(go[0]);
        close(failure[1]);
        if (pid < 0) {
            close(go[1]);
            close(failure[0]);
            return Error{std::string("cannot start a process: ") + std::strerror(errno), ""};
        }
        if (ptrace(PTRACE_SEIZE, pid, nullptr, reinterpret_cast<void*>(kTraceOptions)) != 0) {
            const std::string why = std::strerror(errno);
            kill(pid, SIGKILL);
            waitpid(pid, nullptr, __WALL);
            close(go[1]);
            close(failure[0]);
            return Error{"cannot trace the program: " + why,
                         "ptrace may be restricted here (e.g. kernel.yama.ptrace_scope=3, or a container's seccomp)"};
        }
        auto process = std::make_shared<TracedProcess>();
        process->pid = pid;
        process->pidfd = open_pidfd(pid);
        process->host = request->launch.host;
        process->program = request->launch.argv.front();
        struct stat output {};
        if (request->launch.stamp_terminal_writes && fstat(request->launch.stdout_fd, &output) == 0 &&
            S_ISCHR(output.st_mode))
            process->output_terminal = output.st_rdev;
        state.processes[pid] = process;
        state.threads[pid].process = process;
        state.launching[pid] = {request, failure[0], request->launch.argv.front()};
        state.launched[pid] = true;
        remember_process(process);
        (void)!write(go[1], "g", 1);
        close(go[1]);
        return std::nullopt;
    };

    const auto take_requests = [&] {
        std::deque<std::shared_ptr<Request>> taken;
        {
            std::lock_guard lock(mutex_);
            taken.swap(requests_);
        }
        for (auto& request : taken) {
            request->taken = true;
            if (quitting_) {
                request->done.set_value(Error{"the lab is closing", ""});
                continue;
            }
            if (auto failed = start_child(request)) request->done.set_value(*failed);
        }
    };

    const auto task_ended = [&](pid_t tid, int status) {
        auto found = state.threads.find(tid);
        if (found == state.threads.end()) return;
        std::shared_ptr<TracedProcess> process = found->second.process;
        const int64_t died_ns = found->second.exiting_ns != 0 ? found->second.exiting_ns : realtime_now_ns();
        if (process && found->second.pending)
            report(state.decoder.unfinished(*process, tid, *found->second.pending, realtime_now_ns()));
        if (process && found->second.interrupted)
            report(state.decoder.unfinished(*process, tid, *found->second.interrupted, realtime_now_ns()));
        state.threads.erase(found);
        if (!process || tid != process->pid) return;
        // The thread group's leader is reported last: the process is gone.
        auto launching = state.launching.find(tid);
        if (launching != state.launching.end()) {
            LaunchFailure failure;
            const bool reported = read(launching->second.report_fd, &failure, sizeof failure) == sizeof failure;
            close(launching->second.report_fd);
            launching->second.request->done.set_value(
                Error{reported ? describe_launch_failure(failure, launching->second.program)
                               : "the program ended before it started",
                      ""});
            state.launching.erase(launching);
            state.launched.erase(tid);
            state.processes.erase(tid);
            forget_pidfd(tid);
            return;
        }
        ProgramExit exit;
        exit.pid = tid;
        exit.host = process->host;
        exit.launched = state.launched.count(tid) > 0;
        exit.time_ns = died_ns;
        if (WIFEXITED(status)) exit.exit_code = WEXITSTATUS(status);
        if (WIFSIGNALED(status)) {
            exit.signal = WTERMSIG(status);
            exit.core_dumped = WCOREDUMP(status);
        }
        if (exit.launched || process->made_socket_calls) {
            if (exit.signal != 0)
                process_event(*process, tid, "killed",
                              signal_text(exit.signal) + (exit.core_dumped ? ", core dumped" : ""), exit.signal,
                              died_ns);
            else
                process_event(*process, tid, "exit", std::to_string(exit.exit_code), exit.exit_code, died_ns);
        }
        state.launched.erase(tid);
        state.processes.erase(tid);
        forget_pidfd(tid);
        push_waiting(exits_, exit, exit_waits, quitting_);
    };

    const auto new_task = [&](pid_t parent_tid, int event) {
        unsigned long message = 0;
        ptrace(PTRACE_GETEVENTMSG, parent_tid, nullptr, &message);
        const pid_t child = static_cast<pid_t>(message);
        auto parent_thread = state.threads.find(parent_tid);
        if (parent_thread == state.threads.end() || !parent_thread->second.process) return;
        const std::shared_ptr<TracedProcess>& parent = parent_thread->second.process;
        std::shared_ptr<TracedProcess> owner;
        const bool thread = event == PTRACE_EVENT_CLONE && thread_group_of(child) == parent->pid;
        if (thread) {
            owner = parent;
        } else {
            owner = std::make_shared<TracedProcess>(*parent);
            owner->pid = child;
            owner->pidfd = open_pidfd(child);
            owner->made_socket_calls = false;
            state.processes[child] = owner;
            remember_process(owner);
        }
        const bool parent_has_sockets = [&] {
            for (const auto& [fd, socket] : parent->descriptors.known)
                if (socket.inet) return true;
            return false;
        }();
        if (parent_has_sockets || parent->made_socket_calls)
            process_event(*parent, parent_tid, thread ? "clone" : "fork", thread ? "thread" : "", child);
        TracedThread& entry = state.threads[child];
        entry.process = owner;
        if (entry.stopped_unknown) {
            entry.stopped_unknown = false;
            resume(child, PTRACE_CONT);
        }
    };

    const auto exec_done = [&](pid_t tid) {
        unsigned long former = 0;
        ptrace(PTRACE_GETEVENTMSG, tid, nullptr, &former);
        auto found = state.threads.find(static_cast<pid_t>(former));
        std::shared_ptr<TracedProcess> process;
        if (found != state.threads.end()) process = found->second.process;
        if (!process) {
            auto leader = state.threads.find(tid);
            if (leader != state.threads.end()) process = leader->second.process;
        }
        if (!process) return;
        // Every other thread of the process is gone; the one that called
        // execve() goes on with the process's id.
        for (auto thread = state.threads.begin(); thread != state.threads.end();)
            thread = thread->second.process == process ? state.threads.erase(thread) : std::next(thread);
        state.threads[tid].process = process;
        process->descriptors = DescriptorTable{};
        process->program = tracee_command_name(tid, tid);
        auto launching = state.launching.find(tid);
        if (launching != state.launching.end()) {
            close(launching->second.report_fd);
            launching->second.request->done.set_value(tid);
            state.launching.erase(launching);
        }
    };

    const auto seccomp_stop = [&](pid_t tid, TracedThread& thread) {
        ++stops_;
        __ptrace_syscall_info info{};
        const long size = ptrace(PTRACE_GET_SYSCALL_INFO, tid, reinterpret_cast<void*>(sizeof info), &info);
        const auto kind = syscall_from_filter_data(info.seccomp.ret_data);
        if (size <= 0 || info.op != PTRACE_SYSCALL_INFO_SECCOMP || !kind || !thread.process) {
            resume(tid, PTRACE_CONT);
            return;
        }
        std::array<uint64_t, 6> arguments{};
        for (size_t i = 0; i < 6; ++i) arguments[i] = info.seccomp.args[i];
        if (thread.interrupted) {
            const bool again = *kind == SocketSyscall::RestartSyscall ||
                               (thread.interrupted->kind == *kind && thread.interrupted->arguments == arguments);
            if (again) {
                thread.pending = std::move(thread.interrupted);
                thread.interrupted.reset();
                resume(tid, PTRACE_SYSCALL);
                return;
            }
            // The program moved on: it saw EINTR.
            report(state.decoder.interrupted(*thread.process, tid, *thread.interrupted, realtime_now_ns()));
            thread.interrupted.reset();
        }
        PendingCall pending;
        if (state.decoder.begin(*thread.process, tid, *kind, arguments, pending)) {
            thread.pending = std::move(pending);
            resume(tid, PTRACE_SYSCALL);  // stop again when it returns
            return;
        }
        // Queued before the program goes on: the stamp is there before the bytes.
        if (const auto bytes = state.decoder.output_write(*thread.process, tid, *kind, arguments))
            push_waiting(terminal_writes_, TerminalWrite{realtime_now_ns(), thread.process->output_terminal, *bytes},
                         terminal_waits, quitting_);
        resume(tid, PTRACE_CONT);
    };

    const auto syscall_stop = [&](pid_t tid, TracedThread& thread) {
        __ptrace_syscall_info info{};
        const long size = ptrace(PTRACE_GET_SYSCALL_INFO, tid, reinterpret_cast<void*>(sizeof info), &info);
        if (size > 0 && info.op == PTRACE_SYSCALL_INFO_ENTRY) {
            // Not expected after a seccomp stop; let it run to its exit.
            resume(tid, PTRACE_SYSCALL);
            return;
        }
        if (size > 0 && info.op == PTRACE_SYSCALL_INFO_EXIT && thread.pending &&
            interrupted_by_signal(info.exit.rval)) {
            thread.interrupted = std::move(thread.pending);
        } else if (size > 0 && info.op == PTRACE_SYSCALL_INFO_EXIT && thread.pending && thread.process) {
            for (CallEvent& event : state.decoder.end(*thread.process, tid, *thread.pending, info.exit.rval))
                report(std::move(event));
        }
        thread.pending.reset();
        resume(tid, PTRACE_CONT);
    };

    for (;;) {
        take_requests();
        if (quitting_ && !state.killing) {
            state.killing = true;
            signal_all(SIGKILL);
        }
        int status = 0;
        const pid_t tid = waitpid(-1, &status, __WALL | __WNOTHREAD);
        if (tid < 0) {
            if (errno == EINTR) continue;
            // Nothing traced: sleep until a request or the end.
            if (quitting_) break;
            std::unique_lock lock(mutex_);
            idle_wake_.wait_for(lock, std::chrono::milliseconds(50),
                                [this] { return !requests_.empty() || quitting_.load(); });
            continue;
        }
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            task_ended(tid, status);
            continue;
        }
        if (!WIFSTOPPED(status)) continue;
        const int signal = WSTOPSIG(status);
        const int event = status >> 16;
        auto found = state.threads.find(tid);
        if (found == state.threads.end() || !found->second.process) {
            // A new task reporting before its parent's fork event: hold it.
            TracedThread& entry = state.threads[tid];
            if (entry.process) {
                resume(tid, PTRACE_CONT);
            } else {
                entry.stopped_unknown = true;
            }
            continue;
        }
        TracedThread& thread = found->second;
        if (signal == (SIGTRAP | 0x80)) {
            syscall_stop(tid, thread);
        } else if (signal == SIGTRAP && event == PTRACE_EVENT_SECCOMP) {
            seccomp_stop(tid, thread);
        } else if (signal == SIGTRAP &&
                   (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK || event == PTRACE_EVENT_CLONE)) {
            new_task(tid, event);
            resume(tid, PTRACE_CONT);
        } else if (signal == SIGTRAP && event == PTRACE_EVENT_EXEC) {
            exec_done(tid);
            resume(tid, PTRACE_CONT);
        } else if (signal == SIGTRAP && event == PTRACE_EVENT_EXIT) {
            thread.exiting_ns = realtime_now_ns();
            resume(tid, PTRACE_CONT);
        } else if (event == PTRACE_EVENT_STOP) {
            // A group-stop (Ctrl-Z, SIGSTOP) stays stopped until SIGCONT;
            // any other trap (a new task's first stop) just goes on.
            if (is_stop_signal(signal))
                resume(tid, PTRACE_LISTEN);
            else
                resume(tid, PTRACE_CONT);
        } else {
            // A signal on its way to the program: deliver it.
            resume(tid, PTRACE_CONT, signal);
        }
    }
    // Answer anything still waiting.
    for (auto& [pid, launching] : state.launching) {
        close(launching.report_fd);
        launching.request->done.set_value(Error{"the lab is closing", ""});
    }
    {
        std::lock_guard lock(mutex_);
        for (auto& request : requests_) {
            request->taken = true;
            request->done.set_value(Error{"the lab is closing", ""});
        }
        requests_.clear();
        for (const auto& [pid, pidfd] : pidfds_) close(pidfd);
        pidfds_.clear();
    }
    thread_id_ = 0;
}

}  // namespace tcplab
