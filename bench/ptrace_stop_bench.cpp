// The floor under any ptrace tracer on this machine: what one stop costs when
// the tracer does nothing but let the program go on. A child makes a cheap
// system call (getppid) in a loop; a seccomp filter sends it to the tracer
// (SECCOMP_RET_TRACE) as scenarios/program_tracer's does for socket calls.
// Measured, per call, in the child's own clock:
//   untraced                    the call alone
//   1 stop                      seccomp stop, PTRACE_CONT
//   2 stops                     seccomp stop, PTRACE_SYSCALL, exit stop, PTRACE_CONT
//                               (what a tracer that reports results needs)
//   2 stops + syscall info      the same, reading PTRACE_GET_SYSCALL_INFO at each
//                               stop (the least program_tracer can read)
// each with the tracer and the child free to run on any CPU, and pinned to one
// CPU together. Comparing these with an echo round trip (program_trace_bench)
// says how close to the untraced speed any ptrace design can get.
//
//   build/bench/ptrace_stop_bench [--calls 100000] [--runs 5]
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <vector>

namespace {

enum class Mode { Untraced, OneStop, TwoStops, TwoStopsWithInfo };

const char* mode_name(Mode mode) {
    switch (mode) {
        case Mode::Untraced:
            return "untraced";
        case Mode::OneStop:
            return "1 stop";
        case Mode::TwoStops:
            return "2 stops";
        case Mode::TwoStopsWithInfo:
            return "2 stops + syscall info";
    }
    return "";
}

double now_seconds() {
    timespec time{};
    clock_gettime(CLOCK_MONOTONIC, &time);
    return static_cast<double>(time.tv_sec) + static_cast<double>(time.tv_nsec) / 1e9;
}

// Only getppid stops; everything else the child does runs untraced.
bool install_filter() {
    sock_filter program[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    sock_fprog filter{static_cast<unsigned short>(std::size(program)), program};
    return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
           syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &filter) == 0;
}

// Nanoseconds per call in one run, or -1.
double measure(Mode mode, int calls, bool pinned) {
    if (pinned) {
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(0, &one);
        sched_setaffinity(0, sizeof one, &one);  // the child inherits it
    }
    int report[2], go[2];
    if (pipe(report) != 0 || pipe(go) != 0) return -1;
    const pid_t child = fork();
    if (child == 0) {
        char byte;
        if (mode != Mode::Untraced && !install_filter()) _exit(1);
        if (read(go[0], &byte, 1) != 1) _exit(1);
        const double started = now_seconds();
        for (int i = 0; i < calls; ++i) syscall(SYS_getppid);
        const double seconds = now_seconds() - started;
        (void)!write(report[1], &seconds, sizeof seconds);
        _exit(0);
    }
    if (mode != Mode::Untraced)
        ptrace(PTRACE_SEIZE, child, nullptr,
               reinterpret_cast<void*>(PTRACE_O_TRACESECCOMP | PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL));
    (void)!write(go[1], "g", 1);
    if (mode != Mode::Untraced) {
        for (int status = 0; waitpid(child, &status, __WALL) == child;) {
            if (WIFEXITED(status) || WIFSIGNALED(status)) break;
            const int event = status >> 16;
            const bool entry = WSTOPSIG(status) == SIGTRAP && event == PTRACE_EVENT_SECCOMP;
            if (mode == Mode::TwoStopsWithInfo && (entry || WSTOPSIG(status) == (SIGTRAP | 0x80))) {
                __ptrace_syscall_info info{};
                ptrace(PTRACE_GET_SYSCALL_INFO, child, reinterpret_cast<void*>(sizeof info), &info);
            }
            const bool to_exit = entry && mode != Mode::OneStop;
            const int signal = WSTOPSIG(status) == SIGTRAP || WSTOPSIG(status) == (SIGTRAP | 0x80) || event != 0
                                   ? 0
                                   : WSTOPSIG(status);
            ptrace(to_exit ? PTRACE_SYSCALL : PTRACE_CONT, child, nullptr,
                   reinterpret_cast<void*>(static_cast<long>(signal)));
        }
    }
    double seconds = -1;
    if (read(report[0], &seconds, sizeof seconds) != sizeof seconds) seconds = -1;
    waitpid(child, nullptr, __WALL);
    for (int fd : {report[0], report[1], go[0], go[1]}) close(fd);
    if (pinned) {
        cpu_set_t all;
        CPU_ZERO(&all);
        for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) CPU_SET(cpu, &all);
        sched_setaffinity(0, sizeof all, &all);
    }
    return seconds < 0 ? -1 : seconds / calls * 1e9;
}

}  // namespace

int main(int argc, char** argv) {
    int calls = 100000;
    int runs = 5;
    CLI::App app{"What one ptrace stop costs on this machine"};
    app.add_option("--calls", calls, "calls per run")->check(CLI::PositiveNumber);
    app.add_option("--runs", runs, "runs of each (the median is shown)")->check(CLI::PositiveNumber);
    CLI11_PARSE(app, argc, argv);

    std::printf("%d getppid() calls per run, median of %d runs, ns per call (extra over untraced)\n", calls, runs);
    for (bool pinned : {false, true}) {
        double untraced = 0;
        for (Mode mode : {Mode::Untraced, Mode::OneStop, Mode::TwoStops, Mode::TwoStopsWithInfo}) {
            std::vector<double> values;
            for (int run = 0; run < runs; ++run) values.push_back(measure(mode, calls, pinned));
            std::sort(values.begin(), values.end());
            const double median = values[values.size() / 2];
            if (mode == Mode::Untraced) untraced = median;
            std::printf("  %-22s %-16s %8.0f ns  (+%.0f)\n", mode_name(mode), pinned ? "one CPU" : "any CPU", median,
                        median - untraced);
        }
    }
    return 0;
}
