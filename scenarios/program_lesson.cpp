#include "program_lesson.hpp"

#include <thread>

namespace tcplab {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// How long programs asked to end (SIGTERM) have before they are killed.
constexpr auto kGrace = 2s;

class Director {
public:
    Director(RunControl& run, ProgramSession& session, ProgramOutcome& outcome)
        : run_(run), session_(session), outcome_(outcome) {}

    bool stopping() const { return outcome_.cancelled() || run_.stopping(); }

    bool launch(const std::string& label, Actor host, const std::vector<std::string>& argv, int stdin_fd,
                const std::string& directory) {
        auto started = session_.launch({label, host, argv, stdin_fd, ProgramTerminal::Lines, {}, directory});
        if (!started) {
            outcome_.set_launch_failure(started.error().what);
            return false;
        }
        ++launched_;
        return true;
    }

    void collect() {
        for (ProgramEnded& ended : session_.take_ended()) {
            ended_labels_.push_back(ended.label);
            outcome_.add_ended(std::move(ended));
        }
    }
    bool ended(const std::string& label) const {
        return std::find(ended_labels_.begin(), ended_labels_.end(), label) != ended_labels_.end();
    }
    size_t ended_count() const { return ended_labels_.size(); }
    size_t launched() const { return launched_; }

    // Ends everything once (SIGTERM, then SIGKILL after the grace period).
    void end_everything() {
        if (ending_) return;
        ending_ = true;
        session_.end_all(kGrace);
    }

private:
    RunControl& run_;
    ProgramSession& session_;
    ProgramOutcome& outcome_;
    size_t launched_ = 0;
    std::vector<std::string> ended_labels_;
    bool ending_ = false;
};

Status run_programs(RunControl& run, const ProgramPlan& plan, ProgramOutcome& outcome) {
    ProgramSession* session = run.programs();
    if (!session) return Error{"this run has no programs", ""};
    Director director(run, *session, outcome);
    const auto deadline = plan.timeout.count() > 0 ? Clock::now() + plan.timeout : Clock::time_point::max();

    if (!plan.single.empty()) {
        director.launch(std::string(actor_name(plan.single_host)), plan.single_host, plan.single, plan.client_stdin,
                        plan.working_directory);
    } else {
        const uint64_t listens_before = session->listens(Actor::Server);
        const bool server =
            !plan.server.empty() && director.launch("server", Actor::Server, plan.server, -1, plan.working_directory);
        bool start_client = !plan.client.empty() && (server || plan.server.empty());
        if (start_client && server) {
            // The client starts once the server listens (or after the delay
            // asked for); not at all if the server ended first.
            const auto started = Clock::now();
            for (;;) {
                director.collect();
                if (director.stopping() || director.ended("server") || Clock::now() >= deadline) {
                    start_client = false;
                    break;
                }
                if (plan.client_delay.count() >= 0) {
                    if (Clock::now() - started >= plan.client_delay) break;
                } else if (session->listens(Actor::Server) > listens_before) {
                    break;
                } else if (Clock::now() - started >= plan.listen_wait) {
                    outcome.set_client_started_unheard();
                    break;
                }
                std::this_thread::sleep_for(5ms);
            }
        }
        if (start_client)
            director.launch("client", Actor::Client, plan.client, plan.client_stdin, plan.working_directory);
    }

    while (director.ended_count() < director.launched()) {
        director.collect();
        if (director.stopping()) director.end_everything();
        if (Clock::now() >= deadline && !outcome.timed_out()) {
            outcome.set_timed_out();
            director.end_everything();
        }
        std::this_thread::sleep_for(10ms);
    }
    return Done{};
}

Status run_shells(RunControl& run, ProgramOutcome& outcome) {
    ProgramSession* session = run.programs();
    if (!session) return Error{"this run has no programs", ""};
    Director director(run, *session, outcome);
    // Until the first shell is there, and then until the last one has gone.
    while (session->launched_count() == 0 || session->running_count() > 0) {
        director.collect();
        if (director.stopping()) {
            director.end_everything();
            if (session->running_count() == 0) break;
        }
        std::this_thread::sleep_for(10ms);
    }
    director.collect();
    return Done{};
}

LessonEntry one_step_lesson(const std::string& name, bool two_hosts, std::function<Status(RunControl&)> action) {
    LessonSettings settings;
    settings.two_hosts = two_hosts;
    LessonEntry entry;
    entry.name = name;
    entry.settings = settings;
    entry.build = [name, settings, action](const Addresses&) {
        Action run_them;
        run_them.control = action;
        Step step;
        step.key = name + ".run";
        step.actions.push_back(std::move(run_them));
        return Lesson{name, {std::move(step)}, settings};
    };
    return entry;
}

}  // namespace

std::vector<ProgramEnded> ProgramOutcome::ended() const {
    std::lock_guard lock(mutex_);
    return ended_;
}

std::optional<std::string> ProgramOutcome::launch_failure() const {
    std::lock_guard lock(mutex_);
    return launch_failure_;
}

void ProgramOutcome::on_ended(std::function<void(const ProgramEnded&)> listener) {
    std::lock_guard lock(mutex_);
    listener_ = std::move(listener);
}

void ProgramOutcome::add_ended(ProgramEnded ended) {
    std::function<void(const ProgramEnded&)> listener;
    {
        std::lock_guard lock(mutex_);
        ended_.push_back(ended);
        listener = listener_;
    }
    if (listener) listener(ended);
}

void ProgramOutcome::set_launch_failure(std::string what) {
    std::lock_guard lock(mutex_);
    if (!launch_failure_) launch_failure_ = std::move(what);
}

LessonEntry programs_lesson(ProgramPlan plan, std::shared_ptr<ProgramOutcome> outcome) {
    const bool two_hosts = plan.two_hosts;
    return one_step_lesson("programs", two_hosts, [plan = std::move(plan), outcome](RunControl& run) {
        return run_programs(run, plan, *outcome);
    });
}

LessonEntry shells_lesson(bool two_hosts, std::shared_ptr<ProgramOutcome> outcome) {
    return one_step_lesson("shells", two_hosts, [outcome](RunControl& run) { return run_shells(run, *outcome); });
}

}  // namespace tcplab
