#include "run.hpp"

#include <future>
#include <random>
#include <thread>

namespace tcplab {
namespace {


// The kernel tracepoint sees every namespace, so each run picks its own port
// to tell its sockets apart from those of other runs on the same machine.
Addresses choose_addresses(uint32_t seed) {
    std::mt19937 random(seed != 0 ? seed : std::random_device{}());
    const auto port = static_cast<uint16_t>(std::uniform_int_distribution<int>(20000, 29998)(random));
    const IpAddress loopback = IpAddress::v4(127, 0, 0, 1);
    return Addresses{{loopback, port}, {loopback, static_cast<uint16_t>(port + 1)}};
}

std::string capture_filter(const Addresses& addresses) {
    std::string filter;
    for (uint16_t port : addresses.ports()) {
        if (!filter.empty()) filter += " or ";
        filter += "tcp port " + std::to_string(port);
    }
    return filter;
}

}  // namespace

bool StepOutcome::passed() const {
    if (!failure.empty()) return false;
    for (const ExpectationOutcome& outcome : expectations)
        if (!outcome.result.passed) return false;
    return true;
}

ScenarioRun::ScenarioRun(Scenario scenario, Addresses addresses, Sandbox sandbox, RunOptions options)
    : scenario_(std::move(scenario)), addresses_(addresses), sandbox_(std::move(sandbox)), options_(options) {}

ScenarioRun::~ScenarioRun() { finish(); }

Result<std::unique_ptr<ScenarioRun>> ScenarioRun::start(const ScenarioEntry& entry, RunOptions options) {
    const Addresses addresses = choose_addresses(options.port_seed);
    auto sandbox = Sandbox::create();
    if (!sandbox) return sandbox.error();

    std::unique_ptr<ScenarioRun> run(
        new ScenarioRun(entry.build(addresses), addresses, std::move(sandbox.value()), options));
    const int netns = run->sandbox_.netns_fd();

    CaptureOptions capture_options;
    capture_options.interface = "lo";
    capture_options.filter = capture_filter(addresses);
    auto capture = PacketCapture::start(netns, capture_options);
    if (!capture) return capture.error();
    run->capture_ = std::move(capture.value());

    KernelStateOptions state_options;
    state_options.ports = addresses.ports();
    state_options.use_tracepoint = options.use_tracepoint;
    auto watcher = KernelStateWatcher::start(netns, state_options);
    if (!watcher) return watcher.error();
    run->watcher_ = std::move(watcher.value());
    run->tracepoint_note_ = run->watcher_->tracepoint_unavailable_reason();

    run->client_ = std::make_unique<ActorThread>(Actor::Client, run->sandbox_);
    run->server_ = std::make_unique<ActorThread>(Actor::Server, run->sandbox_);
    if (!run->client_->in_sandbox() || !run->server_->in_sandbox())
        return Error{"the scenario's threads could not enter the sandbox", ""};
    return run;
}

size_t ScenarioRun::drain() {
    size_t count = 0;
    if (capture_)
        count += capture_->queue().drain([this](CapturedPacket packet) { trace_.add_packet(std::move(packet)); });
    if (watcher_) count += watcher_->queue().drain([this](StateEvent event) { trace_.add_state(std::move(event)); });
    for (ActorThread* actor : {client_.get(), server_.get()}) {
        if (!actor) continue;
        count += actor->calls().drain([this](CallEvent event) {
            if (event.local.port != 0) trace_.assign_actor(event.local, event.actor);
            trace_.add_call(std::move(event));
        });
    }
    uint64_t lost = 0;
    if (capture_) lost += capture_->queue().dropped();
    if (watcher_) lost += watcher_->queue().dropped();
    for (ActorThread* actor : {client_.get(), server_.get()})
        if (actor) lost += actor->calls().dropped();
    if (lost > lost_counted_) {
        trace_.count_lost_events(lost - lost_counted_);
        lost_counted_ = lost;
    }
    return count;
}

bool ScenarioRun::all_pass(const Step& step, int64_t begin_ns, int64_t end_ns) const {
    const StepView view(trace_, begin_ns, end_ns);
    for (const Expectation& expectation : step.expectations)
        if (!expectation.check(view).passed) return false;
    return true;
}

bool ScenarioRun::begin_step() {
    if (in_progress_ || finished()) return false;
    in_progress_ = std::make_unique<InProgress>();
    const size_t index = outcomes_.size();
    in_progress_->outcome.index = index;
    in_progress_->outcome.begin_ns = realtime_now_ns();
    trace_.add_note(NoteEvent{in_progress_->outcome.begin_ns, static_cast<int>(index), scenario_.steps[index].key});
    start_next_action();
    return true;
}

void ScenarioRun::start_next_action() {
    InProgress& step = *in_progress_;
    const std::vector<Action>& actions = scenario_.steps[step.outcome.index].actions;
    if (step.next_action >= actions.size()) {
        step.phase = Phase::Settling;
        step.settle_started = Clock::now();
        step.last_change = Clock::now();
        return;
    }
    const Action& action = actions[step.next_action++];
    ActorThread* actor = action.actor == Actor::Server ? server_.get() : client_.get();
    step.acting = action.actor;
    step.pending = actor->run(action.calls);
    step.action_started = Clock::now();
    step.phase = Phase::Acting;
}

bool ScenarioRun::poll() {
    if (!in_progress_) return false;
    InProgress& step = *in_progress_;
    const Step& script = scenario_.steps[step.outcome.index];
    const auto now = Clock::now();
    if (drain() > 0) step.last_change = now;

    switch (step.phase) {
        case Phase::Acting: {
            // Every call gives up after a few seconds, so an action that takes
            // much longer than that is stuck, and the step says so.
            if (step.pending.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
                if (now - step.action_started > options_.settle_limit + std::chrono::seconds(10)) {
                    step.outcome.failure =
                        std::string("the ") + std::string(actor_name(step.acting)) + "'s calls did not return";
                    step.phase = Phase::Settling;
                    step.settle_started = now;
                }
                return false;
            }
            try {
                step.pending.get();
            } catch (const std::exception& error) {
                step.outcome.failure =
                    std::string("the ") + std::string(actor_name(step.acting)) + "'s calls failed: " + error.what();
            }
            if (step.outcome.failure.empty())
                start_next_action();
            else {
                step.phase = Phase::Settling;
                step.settle_started = now;
            }
            return false;
        }
        case Phase::Settling: {
            const bool quiet = now - step.last_change >= options_.quiet_period;
            const bool settled = quiet && all_pass(script, step.outcome.begin_ns, realtime_now_ns());
            if (!settled && now - step.settle_started < options_.settle_limit) return false;
            // A socket dump taken after the step shows what the tracepoint never
            // reports (TIME_WAIT); two more dumps guarantee one started after now.
            step.dump_target = watcher_->dumps_done() + 2;
            step.phase = Phase::Dumping;
            return false;
        }
        case Phase::Dumping: {
            if (watcher_->dumps_done() < step.dump_target) return false;
            drain();
            StepOutcome outcome = std::move(step.outcome);
            outcome.end_ns = realtime_now_ns();
            const StepView view(trace_, outcome.begin_ns, outcome.end_ns);
            for (const Expectation& expectation : script.expectations)
                outcome.expectations.push_back({expectation.key, expectation.check(view)});
            outcomes_.push_back(std::move(outcome));
            in_progress_.reset();
            return true;
        }
    }
    return false;
}

const StepOutcome& ScenarioRun::step() {
    begin_step();
    while (!poll()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return outcomes_.back();
}

void ScenarioRun::finish() {
    if (capture_) {
        capture_->stop();
        final_capture_stats_ = capture_->stats();
    }
    if (watcher_) watcher_->stop();
    drain();
    trace_.flush_inferred();
    capture_.reset();
    watcher_.reset();
}

std::string ScenarioRun::tracepoint_note() const { return tracepoint_note_; }

CaptureStats ScenarioRun::capture_stats() const { return capture_ ? capture_->stats() : final_capture_stats_; }

}  // namespace tcplab
