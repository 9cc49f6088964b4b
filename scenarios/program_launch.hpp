#pragma once
// The child's side of starting a traced program: between fork() and
// execve() it enters the host's network namespace, gets a mount namespace of
// its own with the lab's /etc/hosts and the host's name, becomes the
// student's user (never root), installs the seccomp filter and runs the
// program. Everything it needs is prepared before fork(): a forked child of
// a threaded process may only make plain system calls.
#include <linux/filter.h>
#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "capture/result.hpp"

namespace tcplab {

struct ProgramLaunch;

// What the child reports through a pipe when a step fails (then it exits 127).
struct LaunchFailure {
    int stage = 0;  // ChildStage
    int error = 0;  // errno
};

class ChildPlan {
public:
    // Held by pointer: argv and environ point into its own strings.
    static Result<std::unique_ptr<ChildPlan>> prepare(const ProgramLaunch& launch);
    ChildPlan(const ChildPlan&) = delete;
    ChildPlan& operator=(const ChildPlan&) = delete;

    // In the child: waits for one byte on `go_fd` (the tracer has attached),
    // sets up and execs; on failure writes a LaunchFailure to `report_fd`.
    [[noreturn]] void run(int go_fd, int report_fd) const;

private:
    ChildPlan() = default;

    // Where the program may be, in PATH's order: the child tries each as the
    // program's user, as execvp() would (root may see what the user cannot).
    std::vector<std::string> candidates_;
    std::vector<std::string> argv_, environment_;
    std::vector<char*> argv_pointers_, environment_pointers_;
    std::string working_directory_, home_, hosts_file_, host_name_;
    std::string uid_map_, gid_map_;
    std::vector<gid_t> groups_;
    uid_t uid_ = 0;
    gid_t gid_ = 0;
    bool nested_user_namespace_ = false;
    bool change_user_ = false;
    int netns_fd_ = -1;
    int stdin_fd_ = -1, stdout_fd_ = -1, stderr_fd_ = -1, controlling_terminal_ = -1;
    pid_t parent_ = 0;
    std::vector<sock_filter> filter_;
};

// Where `name` is found along `path` (a PATH value), as a shell looks: the
// executable's path, or an error saying it is missing (exit code 127) or not
// executable (126), as shells report them.
struct ExecutableProblem {
    int exit_code = 127;
    std::string message;  // "python4: command not found"
};
Result<std::string> find_executable(const std::string& name, const std::string& path, ExecutableProblem* problem);

// "cannot enter the host's network namespace: Operation not permitted".
std::string describe_launch_failure(const LaunchFailure& failure, const std::string& program);

}  // namespace tcplab
