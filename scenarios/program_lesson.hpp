#pragma once
// The student's own programs as a one-step lesson, so that everything a
// lesson has (the timeline, the ladder, the states of both ends, the wire and
// its gate, recording and replay, the window) works for them unchanged. The
// step's one action launches the programs on the run's ProgramSession and
// returns once they have all ended, or when it is told to end them.
//
// tcplab exec: a server, then a client once the server listens (or after a
// delay), or one program on one host. tcplab shell: shells, the first
// launched by the caller, more by joiners; the step ends with the last one.
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "lesson.hpp"
#include "program_session.hpp"

namespace tcplab {

struct ProgramPlan {
    std::vector<std::string> server;  // argv; empty: no server
    std::vector<std::string> client;  // argv; empty: no client
    // A program on its own, on one host (tcplab exec --host H -- CMD).
    Actor single_host = Actor::None;
    std::vector<std::string> single;
    std::string working_directory;  // "": the session's
    // -1 ms: the client starts once the server listens; otherwise after this.
    std::chrono::milliseconds client_delay{-1};
    // The client starts anyway when the server has not listened after this
    // long (a UDP server never listens); the run says so.
    std::chrono::milliseconds listen_wait{5000};
    std::chrono::milliseconds timeout{0};  // 0: none
    int client_stdin = -1;                 // the client's standard input; -1: /dev/null
    bool two_hosts = true;
};

// What the programs did, shared by the step's action (which fills it in) and
// whoever shows the run.
class ProgramOutcome {
public:
    // Asks the step to end every program now (Ctrl-C); it returns soon after.
    void cancel() { cancelled_ = true; }
    bool cancelled() const { return cancelled_; }
    bool timed_out() const { return timed_out_; }
    // The client started without the server listening (listen_wait ran out).
    bool client_started_unheard() const { return client_started_unheard_; }

    std::vector<ProgramEnded> ended() const;
    std::optional<std::string> launch_failure() const;
    // Called with each program that ends (a joined shell's door listens).
    void on_ended(std::function<void(const ProgramEnded&)> listener);

    // For the step's action.
    void set_timed_out() { timed_out_ = true; }
    void set_client_started_unheard() { client_started_unheard_ = true; }
    void add_ended(ProgramEnded ended);
    void set_launch_failure(std::string what);

private:
    std::atomic<bool> cancelled_{false};
    std::atomic<bool> timed_out_{false};
    std::atomic<bool> client_started_unheard_{false};
    mutable std::mutex mutex_;
    std::vector<ProgramEnded> ended_;
    std::optional<std::string> launch_failure_;
    std::function<void(const ProgramEnded&)> listener_;
};

// tcplab exec's lesson: "programs", one step "programs.run".
LessonEntry programs_lesson(ProgramPlan plan, std::shared_ptr<ProgramOutcome> outcome);

// tcplab shell's lesson: the step waits while any program runs on the
// session, once `started()` says the first shell is there.
LessonEntry shells_lesson(bool two_hosts, std::shared_ptr<ProgramOutcome> outcome);

}  // namespace tcplab
