#pragma once
// The student's programs on a lab's hosts, for as long as the lab runs: the
// tracer, the /etc/hosts that names the hosts `client` and `server`, a
// terminal (pty) for each program, and a thread that turns each program's
// output into lines and notices programs that ended. `tcplab exec` launches
// a server and a client here, `tcplab shell` launches shells.
//
// A pty rather than a pipe: a program writing to a terminal flushes every
// line (Python and C buffer a whole block for a pipe), and the line shows up
// on the timeline when it was written, not when the program exits. Each line
// is dated by the write() that finished it, which the tracer stops at and
// stamps before the bytes reach the terminal (TerminalWrite): reading the
// terminal comes later, often after the segments the program sent next.
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "capture/endpoint.hpp"
#include "capture/event_queue.hpp"
#include "capture/events.hpp"
#include "capture/result.hpp"
#include "program_tracer.hpp"
#include "program_user.hpp"

namespace tcplab {

// One line a program wrote to its terminal (standard output and error alike).
struct ProgramOutput {
    int64_t time_ns = 0;
    Actor host = Actor::None;
    std::string label;  // "server", "client"
    std::string text;   // without the line break
};

// How a program's terminal is used: its output split into lines
// (ProgramOutput), or handed whole to the caller, who relays it to a real
// terminal (a shell).
enum class ProgramTerminal { Lines, Interactive };

struct SessionProgram {
    std::string label;  // "server", "client", "shell"
    Actor host = Actor::Client;
    std::vector<std::string> argv;
    // The program's standard input (-1: /dev/null; a Lines program only).
    // The caller keeps its own descriptor.
    int stdin_fd = -1;
    ProgramTerminal terminal = ProgramTerminal::Lines;
    std::vector<std::string> extra_environment;  // NAME=value, over the session's
    std::string working_directory;               // "": the session's
};

struct RunningProgram {
    pid_t pid = 0;
    // Interactive only: the pty's master side, the caller's to read, write and close.
    int terminal = -1;
};

struct ProgramEnded {
    std::string label;
    Actor host = Actor::None;
    pid_t pid = 0;
    int64_t time_ns = 0;
    int exit_code = -1;  // when it exited
    int signal = 0;      // when a signal killed it
    bool core_dumped = false;
};

struct SessionHosts {
    int client_netns = -1;
    int server_netns = -1;  // the same namespace as the client's on loopback
    IpAddress client_address;
    IpAddress server_address;
};

// What a run needs to start a session: who the programs run as, what they
// get as their environment, and where they start.
struct ProgramSessionSetup {
    ProgramUser user;
    std::vector<std::string> environment;
    std::string working_directory;
};

class ProgramSession {
public:
    // `environment` is what every program gets (the session sets HOME, USER,
    // LOGNAME and SHELL for `user`); `working_directory`, where they start.
    static Result<std::unique_ptr<ProgramSession>> start(SessionHosts hosts, ProgramUser user,
                                                         std::vector<std::string> environment,
                                                         std::string working_directory);
    // Kills every program still running and removes the hosts file.
    ~ProgramSession();
    ProgramSession(const ProgramSession&) = delete;
    ProgramSession& operator=(const ProgramSession&) = delete;

    Result<RunningProgram> launch(const SessionProgram& program);

    EventQueue<CallEvent>& calls() { return tracer_->calls(); }
    EventQueue<ProgramOutput>& output() { return output_; }
    // Launched programs that ended since the last call, oldest first.
    std::vector<ProgramEnded> take_ended();
    size_t running_count() const;
    size_t launched_count() const;
    // How many listen() calls succeeded on a host so far (a client starts
    // once this grows after its server started).
    uint64_t listens(Actor host) const { return tracer_->successful_listens(host); }
    const ProgramUser& user() const { return user_; }
    const TracerCounters counters() const { return tracer_->counters(); }

    // SIGTERM to every traced process, then SIGKILL to what is left after `grace`.
    void end_all(std::chrono::milliseconds grace);
    // Sends `signal` to one launched program.
    void signal(pid_t pid, int signal) { tracer_->signal_program(pid, signal); }

private:
    struct Reader;  // a program's terminal being read
    ProgramSession();
    void read_loop();
    void wake();

    SessionHosts hosts_;
    ProgramUser user_;
    std::vector<std::string> environment_;
    std::string working_directory_;
    std::string hosts_directory_;  // holds the hosts file
    std::unique_ptr<ProgramTracer> tracer_;
    EventQueue<ProgramOutput> output_;

    mutable std::mutex mutex_;  // guards what follows, shared with the reading thread
    std::vector<std::unique_ptr<Reader>> new_readers_;
    std::vector<std::pair<pid_t, SessionProgram>> launched_;  // label and host by pid
    std::vector<ProgramEnded> ended_;
    size_t running_ = 0;

    int wake_fd_ = -1;  // an eventfd: a new terminal to read, or the end
    std::atomic<bool> stopping_{false};
    std::thread reader_;
};

}  // namespace tcplab
