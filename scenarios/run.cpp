#include "run.hpp"

#include <future>
#include <random>
#include <thread>

namespace tcplab {
namespace {

using Clock = std::chrono::steady_clock;

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

const StepOutcome& ScenarioRun::step() {
    const size_t index = outcomes_.size();
    const Step& step = scenario_.steps.at(index);
    StepOutcome outcome;
    outcome.index = index;
    outcome.begin_ns = realtime_now_ns();
    trace_.add_note(NoteEvent{outcome.begin_ns, static_cast<int>(index), step.key});

    for (const Action& action : step.actions) {
        ActorThread* actor = action.actor == Actor::Server ? server_.get() : client_.get();
        std::future<void> done = actor->run(action.calls);
        // Every call gives up after a few seconds, so this wait is bounded.
        if (done.wait_for(options_.settle_limit + std::chrono::seconds(10)) != std::future_status::ready) {
            outcome.failure = std::string("the ") + std::string(actor_name(action.actor)) + "'s calls did not return";
            break;
        }
        try {
            done.get();
        } catch (const std::exception& error) {
            outcome.failure =
                std::string("the ") + std::string(actor_name(action.actor)) + "'s calls failed: " + error.what();
            break;
        }
        drain();
    }

    const auto started = Clock::now();
    auto last_change = Clock::now();
    for (;;) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        if (drain() > 0) last_change = Clock::now();
        const auto now = Clock::now();
        if (now - last_change >= options_.quiet_period && all_pass(step, outcome.begin_ns, realtime_now_ns())) break;
        if (now - started >= options_.settle_limit) break;
    }
    // A socket dump taken after the step shows states the tracepoint never reports (TIME_WAIT).
    watcher_->wait_for_fresh_dump();
    drain();
    outcome.end_ns = realtime_now_ns();

    const StepView view(trace_, outcome.begin_ns, outcome.end_ns);
    for (const Expectation& expectation : step.expectations)
        outcome.expectations.push_back({expectation.key, expectation.check(view)});
    outcomes_.push_back(std::move(outcome));
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
