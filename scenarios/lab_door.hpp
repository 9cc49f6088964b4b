#pragma once
// How a second `tcplab shell` finds the lab the first one runs and gets a
// shell on one of its hosts: the first tcplab (which owns the lab) listens on
// a Unix socket in a per-user folder; a joiner asks for a host, and gets back
// the terminal (the master side of a pty) of a shell started there, then the
// shell's exit status when it ends. Only the same user may join.
#include <sys/types.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "capture/events.hpp"
#include "capture/result.hpp"

namespace tcplab {

// /run/user/<uid>/tcplab/lab.sock, else /tmp/tcplab-<uid>/lab.sock, for the
// user who started tcplab (the same path under sudo and without);
// $TCPLAB_LAB_SOCKET names another.
std::string lab_door_path();

struct JoinRequest {
    std::string host;  // "client", "server", or "" for the owner to choose
    std::string term;  // the joiner's TERM
    std::string working_directory;
    unsigned short rows = 0;
    unsigned short columns = 0;
};

struct JoinedShell {
    Actor host = Actor::None;
    pid_t pid = 0;
    int terminal = -1;  // the pty's master side, to relay and close
};

// The owner's side.
class LabDoor {
public:
    // Starts a shell for a request: its host, pid and terminal, or why not.
    using Opener = std::function<Result<JoinedShell>(const JoinRequest& request)>;

    // Fails when another lab already listens there (it says so).
    static Result<std::unique_ptr<LabDoor>> open(Opener opener);
    ~LabDoor();  // tells every joiner the lab is closing, removes the socket
    LabDoor(const LabDoor&) = delete;
    LabDoor& operator=(const LabDoor&) = delete;

    // A joined shell ended: its joiner learns the status and exits with it.
    void shell_ended(pid_t pid, int exit_code, int signal);
    size_t joined_shells() const;

private:
    LabDoor() = default;
    void serve();

    Opener opener_;
    std::string path_;
    int listener_ = -1;
    int wake_fd_ = -1;
    std::thread thread_;
    std::atomic<bool> stopping_{false};
    mutable std::mutex mutex_;
    std::map<pid_t, int> joiners_;  // shell pid → the joiner's connection
};

// The joiner's side: asks the running lab for a shell.
struct Joined {
    int connection = -1;  // stays open: the exit status comes through it
    JoinedShell shell;
};
// No lab running: an error whose text says so (and how to start one).
Result<Joined> join_lab(const JoinRequest& request);
// Waits on the connection for the shell's end: its exit status as a shell
// would give it (128 + signal), or nullopt when the lab went away first.
std::optional<int> wait_for_joined_shell(int connection);

}  // namespace tcplab
