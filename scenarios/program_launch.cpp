#include "program_launch.hpp"

#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "program_tracer.hpp"
#include "socket_syscalls.hpp"

namespace tcplab {
namespace {

enum ChildStage : int {
    kWaitForTracer = 1,
    kSession,
    kDescriptors,
    kNetwork,
    kMounts,
    kHostsFile,
    kHostName,
    kUser,
    kDirectory,
    kFilter,
    kExec,
};

// Only plain system calls from here on (see the header).
[[noreturn]] void fail(int report_fd, int stage) {
    const LaunchFailure failure{stage, errno};
    (void)!write(report_fd, &failure, sizeof failure);
    _exit(127);
}

bool write_whole_file(const char* path, const std::string& text) {
    const int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool written = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    const int saved = errno;
    close(fd);
    errno = saved;
    return written;
}

// The target descriptors 0, 1 and 2 may be among the sources: move every
// source above them first, then put each in place.
bool install_standard_descriptors(int in, int out, int err) {
    int sources[3] = {in, out, err};
    int null_fd = -1;
    for (int& source : sources) {
        if (source < 0) {
            if (null_fd < 0) null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
            if (null_fd < 0) return false;
            source = null_fd;
        }
        source = fcntl(source, F_DUPFD_CLOEXEC, 10);
        if (source < 0) return false;
    }
    for (int target = 0; target < 3; ++target)
        if (dup2(sources[target], target) < 0) return false;
    return true;
}

void reset_signals() {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    for (int signal = 1; signal < NSIG; ++signal)
        if (signal != SIGKILL && signal != SIGSTOP) sigaction(signal, &default_action, nullptr);
}

}  // namespace

Result<std::string> find_executable(const std::string& name, const std::string& path, ExecutableProblem* problem) {
    ExecutableProblem local;
    ExecutableProblem& report = problem ? *problem : local;
    const auto usable = [&](const std::string& candidate, bool searched) -> int {
        struct stat status {};
        if (stat(candidate.c_str(), &status) != 0) return 127;
        if (S_ISDIR(status.st_mode)) return searched ? 127 : 126;
        return access(candidate.c_str(), X_OK) == 0 ? 0 : 126;
    };
    if (name.empty()) {
        report = {127, "an empty command"};
        return Error{report.message, ""};
    }
    if (name.find('/') != std::string::npos) {
        const int code = usable(name, false);
        if (code == 0) return name;
        report = {code, name + (code == 127 ? ": No such file or directory" : ": Permission denied")};
        return Error{report.message, ""};
    }
    bool found_but_not_executable = false;
    size_t begin = 0;
    for (;;) {
        const size_t end = path.find(':', begin);
        // An empty entry means the current directory, as in a shell.
        std::string candidate = path.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
        if (candidate.empty()) candidate.push_back('.');
        candidate.push_back('/');
        candidate.append(name);
        const int code = usable(candidate, true);
        if (code == 0) return candidate;
        found_but_not_executable = found_but_not_executable || code == 126;
        if (end == std::string::npos) break;
        begin = end + 1;
    }
    report = found_but_not_executable ? ExecutableProblem{126, name + ": Permission denied"}
                                      : ExecutableProblem{127, name + ": command not found"};
    return Error{report.message, ""};
}

Result<std::unique_ptr<ChildPlan>> ChildPlan::prepare(const ProgramLaunch& launch) {
    if (launch.argv.empty()) return Error{"no program to run", ""};
    std::unique_ptr<ChildPlan> plan(new ChildPlan);
    std::string search_path = "/usr/local/bin:/usr/bin:/bin";
    for (const std::string& variable : launch.environment)
        if (variable.rfind("PATH=", 0) == 0) search_path = variable.substr(5);
    auto path = find_executable(launch.argv.front(), search_path, nullptr);
    if (!path) return path.error();
    const std::string& name = launch.argv.front();
    if (name.find('/') != std::string::npos) {
        plan->candidates_.push_back(name);
    } else {
        for (size_t begin = 0;;) {
            const size_t end = search_path.find(':', begin);
            std::string directory = search_path.substr(begin, end == std::string::npos ? end : end - begin);
            plan->candidates_.push_back((directory.empty() ? std::string(".") : directory) + "/" + name);
            if (end == std::string::npos) break;
            begin = end + 1;
        }
    }
    plan->argv_ = launch.argv;
    plan->environment_ = launch.environment;
    for (std::string& argument : plan->argv_) plan->argv_pointers_.push_back(argument.data());
    plan->argv_pointers_.push_back(nullptr);
    for (std::string& variable : plan->environment_) plan->environment_pointers_.push_back(variable.data());
    plan->environment_pointers_.push_back(nullptr);
    plan->working_directory_ = launch.working_directory.empty() ? launch.user.home : launch.working_directory;
    plan->home_ = launch.user.home;
    plan->hosts_file_ = launch.hosts_file;
    plan->host_name_ = launch.host_name;
    plan->uid_ = launch.user.uid;
    plan->gid_ = launch.user.gid;
    plan->groups_ = launch.user.groups;
    plan->nested_user_namespace_ = launch.user.nested_user_namespace;
    // Inside the nested namespace the user is itself again: its host id maps
    // to tcplab's own id there (0), and nothing maps to root.
    plan->uid_map_ = std::to_string(launch.user.uid) + " 0 1";
    plan->gid_map_ = std::to_string(launch.user.gid) + " 0 1";
    plan->change_user_ = launch.user.nested_user_namespace || geteuid() == 0;
    plan->netns_fd_ = launch.netns_fd;
    plan->stdin_fd_ = launch.stdin_fd;
    plan->stdout_fd_ = launch.stdout_fd;
    plan->stderr_fd_ = launch.stderr_fd;
    plan->controlling_terminal_ = launch.controlling_terminal;
    plan->parent_ = getpid();
    plan->filter_ = socket_seccomp_filter();
    return plan;
}

void ChildPlan::run(int go_fd, int report_fd) const {
    reset_signals();
    char go = 0;
    if (read(go_fd, &go, 1) != 1) fail(report_fd, kWaitForTracer);

    // A session of its own: Ctrl-C in tcplab's terminal is tcplab's to handle,
    // and Ctrl-C typed into the program's own terminal reaches only it.
    if (setsid() < 0) fail(report_fd, kSession);
    if (controlling_terminal_ >= 0 && ioctl(controlling_terminal_, TIOCSCTTY, 0) != 0) fail(report_fd, kSession);
    if (!install_standard_descriptors(stdin_fd_, stdout_fd_, stderr_fd_)) fail(report_fd, kDescriptors);

    if (netns_fd_ >= 0 && setns(netns_fd_, CLONE_NEWNET) != 0) fail(report_fd, kNetwork);
    // Nothing of tcplab's (capture sockets, the wire's TUN devices, the lab's
    // namespaces) reaches the program: every descriptor above 2 closes at exec.
    if (syscall(SYS_close_range, 3u, ~0u, CLOSE_RANGE_CLOEXEC) != 0) fail(report_fd, kDescriptors);

    if (unshare(CLONE_NEWNS | CLONE_NEWUTS) != 0) fail(report_fd, kMounts);
    if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) fail(report_fd, kMounts);
    if (!hosts_file_.empty() && mount(hosts_file_.c_str(), "/etc/hosts", nullptr, MS_BIND, nullptr) != 0)
        fail(report_fd, kHostsFile);
    if (!host_name_.empty() && sethostname(host_name_.data(), host_name_.size()) != 0) fail(report_fd, kHostName);

    if (nested_user_namespace_) {
        if (unshare(CLONE_NEWUSER) != 0) fail(report_fd, kUser);
        if (!write_whole_file("/proc/self/setgroups", "deny") || !write_whole_file("/proc/self/uid_map", uid_map_) ||
            !write_whole_file("/proc/self/gid_map", gid_map_))
            fail(report_fd, kUser);
        // From uid 0 (tcplab's own id, outside) to the student's id inside:
        // exec then leaves the program no capabilities at all.
        if (setresgid(gid_, gid_, gid_) != 0 || setresuid(uid_, uid_, uid_) != 0) fail(report_fd, kUser);
    } else if (change_user_) {
        if (setgroups(groups_.size(), groups_.data()) != 0 || setresgid(gid_, gid_, gid_) != 0 ||
            setresuid(uid_, uid_, uid_) != 0)
            fail(report_fd, kUser);
        // Root cannot be regained: the saved ids went too.
        if (setuid(0) == 0) fail(report_fd, kUser);
    }
    // Changing user cleared these: set them again. Killed with tcplab, and
    // never more privileged than now (no set-user-ID programs: no sudo inside).
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent_) fail(report_fd, kUser);
    if (chdir(working_directory_.c_str()) != 0) fail(report_fd, kDirectory);

    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail(report_fd, kFilter);
    const sock_fprog program{static_cast<unsigned short>(filter_.size()), const_cast<sock_filter*>(filter_.data())};
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &program) != 0) fail(report_fd, kFilter);
    // As execvp(): a file that is there but not executable for this user
    // (EACCES) is the error to report, unless some later entry runs.
    int error = ENOENT;
    for (const std::string& candidate : candidates_) {
        execve(candidate.c_str(), argv_pointers_.data(), environment_pointers_.data());
        if (errno != ENOENT && errno != ENOTDIR) error = errno;
    }
    errno = error;
    fail(report_fd, kExec);
}

std::string describe_launch_failure(const LaunchFailure& failure, const std::string& program) {
    const std::string error = std::strerror(failure.error);
    switch (failure.stage) {
        case kWaitForTracer:
            return "the tracer did not attach to " + program;
        case kSession:
            return "cannot give " + program + " a session and terminal of its own: " + error;
        case kDescriptors:
            return "cannot set up " + program + "'s standard input and output: " + error;
        case kNetwork:
            return "cannot enter the lab host's network namespace: " + error;
        case kMounts:
            return "cannot give " + program + " a mount namespace of its own: " + error;
        case kHostsFile:
            return "cannot put the lab's host names over /etc/hosts: " + error;
        case kHostName:
            return "cannot set the host's name: " + error;
        case kUser:
            return "cannot run " + program + " as your user: " + error;
        case kDirectory:
            return "cannot enter the working directory as your user: " + error;
        case kFilter:
            return "cannot install the seccomp filter that traces socket calls: " + error;
        case kExec:
            return program + ": " + error;
    }
    return "cannot start " + program + ": " + error;
}

}  // namespace tcplab
