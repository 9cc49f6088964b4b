#include "run.hpp"

#include <algorithm>
#include <cstdint>
#include <future>
#include <random>
#include <thread>

#include "syn_flood.hpp"
#include "time_wait_destroyer.hpp"

namespace tcplab {
namespace {

// The kernel tracepoint sees every namespace, so each run picks its own port
// to tell its sockets apart from those of other runs on the same machine.
Addresses choose_addresses(uint32_t seed, Topology topology, const WireAddresses& wire) {
    std::mt19937 random(seed != 0 ? seed : std::random_device{}());
    const auto port = static_cast<uint16_t>(std::uniform_int_distribution<int>(20000, 29998)(random));
    const IpAddress server = topology == Topology::TwoHosts ? wire.server : IpAddress::v4(127, 0, 0, 1);
    return Addresses{{server, port}, {server, static_cast<uint16_t>(port + 1)}};
}

// TCP and UDP: the sticky-packets lesson shows that UDP keeps message
// boundaries. An IPv4 fragment after the first carries no ports, so a port
// filter alone would miss all but the first piece of a datagram too large
// for the link: every such fragment is taken too (the sandbox holds nothing
// but the lesson's own traffic).
std::string capture_filter(const Addresses& addresses) {
    std::string filter;
    for (uint16_t port : addresses.ports()) {
        if (!filter.empty()) filter += " or ";
        filter += "port " + std::to_string(port);
    }
    return filter + " or (ip and ip[6:2] & 0x1fff != 0)";
}

// The lesson's settings, wherever the caller kept the defaults.
RunOptions with_lesson_settings(RunOptions options, const LessonSettings& lesson) {
    if (!options.lesson_settings) return options;
    if (lesson.two_hosts) options.topology = Topology::TwoHosts;
    const WireOptions defaults;
    if (lesson.latency && options.wire.latency == defaults.latency) options.wire.latency = *lesson.latency;
    if (lesson.mtu && options.wire.mtu == defaults.mtu) options.wire.mtu = *lesson.mtu;
    if (lesson.loss && options.wire.loss == defaults.loss) options.wire.loss = *lesson.loss;
    options.settle_limit = std::max(options.settle_limit, lesson.settle_limit);
    options.call_timeout_seconds = std::max(options.call_timeout_seconds, lesson.call_timeout_seconds);
    return options;
}

}  // namespace

std::optional<Error> loopback_refusal(const LessonEntry& entry, const RunOptions& options) {
    // A lesson that asks for two hosts drops, holds or injects segments on the
    // wire; on one host those steps would fail and its checks mislead.
    if (!entry.settings.needs_wire || with_lesson_settings(options, entry.settings).topology == Topology::TwoHosts)
        return std::nullopt;
    return Error{"the lesson \"" + entry.name + "\" needs the wire between two hosts and cannot run on one host",
                 "leave out --topology loopback (in the window: tick “two hosts” in the Wire view); if "
                 "/dev/net/tun does not open, `tcplab doctor` says how to allow it"};
}

bool StepOutcome::passed() const {
    if (!failure.empty()) return false;
    for (const ExpectationOutcome& outcome : expectations)
        if (!outcome.result.passed) return false;
    return true;
}

LessonRun::LessonRun(Lesson lesson, Addresses addresses, std::vector<Sandbox> hosts, RunOptions options)
    : lesson_(std::move(lesson)), addresses_(addresses), hosts_(std::move(hosts)), options_(options) {}

LessonRun::~LessonRun() {
    stopping_ = true;
    finish();
    // The actors go first: ending them wakes any call still blocked (a
    // connect() whose SYN waits at the gate). Actions the run itself still
    // runs (a flood, a pause, a drop rule) see stopping() and return.
    client_.reset();
    server_.reset();
    if (in_progress_) {
        if (in_progress_->pending.valid()) in_progress_->pending.wait();
        for (auto& action : in_progress_->queued) action.wait();
        for (auto& action : in_progress_->background) action.wait();
    }
    // The student's programs die with the lab.
    programs_.reset();
}

Result<std::unique_ptr<LessonRun>> LessonRun::start(const LessonEntry& entry, RunOptions options) {
    if (auto refused = loopback_refusal(entry, options)) return *refused;
    options = with_lesson_settings(options, entry.settings);
    const WireAddresses wire_addresses;
    const Addresses addresses = choose_addresses(options.port_seed, options.topology, wire_addresses);
    std::vector<Sandbox> hosts;
    for (int host = 0; host < (options.topology == Topology::TwoHosts ? 2 : 1); ++host) {
        auto sandbox = Sandbox::create();
        if (!sandbox) return sandbox.error();
        hosts.push_back(std::move(sandbox.value()));
    }
    Lesson lesson = entry.build(addresses);
    lesson.texts = entry.texts;
    std::unique_ptr<LessonRun> run(new LessonRun(std::move(lesson), addresses, std::move(hosts), options));
    run->needs_wire_ = entry.settings.needs_wire;

    if (options.topology == Topology::TwoHosts) {
        auto wire =
            Wire::create(run->hosts_.front().netns_fd(), run->hosts_.back().netns_fd(), options.wire, wire_addresses);
        if (!wire) return wire.error();
        run->wire_ = std::move(wire.value());
        run->trace_.describe_capture_point(0, {wire_addresses.client, "client wire0"});
        run->trace_.describe_capture_point(1, {wire_addresses.server, "server wire0"});
    } else {
        run->trace_.describe_capture_point(0, {{}, "lo"});
    }
    if (run->lesson_.settings.burst_capture) reserve_for_flood(run->trace_);
    if (options.programs) {
        run->options_.use_tracepoint = false;
        SessionHosts named;
        named.client_netns = run->hosts_.front().netns_fd();
        named.server_netns = run->hosts_.back().netns_fd();
        const bool two_hosts = options.topology == Topology::TwoHosts;
        named.client_address = two_hosts ? wire_addresses.client : IpAddress::v4(127, 0, 0, 1);
        named.server_address = two_hosts ? wire_addresses.server : IpAddress::v4(127, 0, 0, 1);
        auto session = ProgramSession::start(named, options.programs->user, options.programs->environment,
                                             options.programs->working_directory);
        if (!session) return session.error();
        run->programs_ = std::move(session.value());
        // Unprivileged programs may use the ports below 1024 on the lab's own hosts.
        for (const Sandbox& host : run->hosts_) (void)host.set_sysctl("net/ipv4/ip_unprivileged_port_start", "0");
    }
    if (auto watching = run->start_watching(); !watching) return watching.error();

    const int timeout = options.call_timeout_seconds;
    run->client_ = std::make_unique<ActorThread>(Actor::Client, run->hosts_.front(), timeout);
    run->server_ = std::make_unique<ActorThread>(Actor::Server, run->hosts_.back(), timeout);
    if (!run->client_->in_sandbox() || !run->server_->in_sandbox())
        return Error{"the lesson's threads could not enter the sandbox", ""};
    for (const SysctlSetting& sysctl : run->lesson_.settings.sysctls)
        if (auto set = run->set_sysctl(sysctl.host, sysctl.name, sysctl.value); !set) return set.error();
    return run;
}

Status LessonRun::set_sysctl(Actor host, const std::string& name, const std::string& value) {
    std::string path = name;
    std::replace(path.begin(), path.end(), '.', '/');
    const Sandbox& sandbox = host == Actor::Client ? hosts_.front() : hosts_.back();
    return sandbox.set_sysctl(path, value);
}

Result<size_t> LessonRun::skip_time_wait() {
    size_t ended = 0;
    for (const Sandbox& host : hosts_) {
        auto destroyed = destroy_time_wait_sockets(host.netns_fd(), addresses_.ports());
        if (!destroyed) return destroyed.error();
        ended += destroyed.value();
    }
    return ended;
}

Result<size_t> LessonRun::forget_sockets(Actor host) {
    const Sandbox& sandbox = host == Actor::Client ? hosts_.front() : hosts_.back();
    return destroy_sockets(sandbox.netns_fd(), addresses_.ports(), [](TcpState) { return true; });
}

KernelCounters LessonRun::counters_now() const {
    if (watchers_.empty()) return final_counters_;
    return watchers_.back()->kernel_counters();
}

std::future<void> LessonRun::launch(const Action& action) {
    if (action.arm) action.arm(*this);
    if (action.control) {
        // The run's own actions run on a thread of their own: a flood or a
        // pause must not stop the window from drawing.
        return std::async(std::launch::async, [this, control = action.control] {
            if (auto done = control(*this); !done) throw std::runtime_error(done.error().what);
        });
    }
    ActorThread* actor = action.actor == Actor::Server ? server_.get() : client_.get();
    return actor->run(action.calls);
}

Status LessonRun::start_watching() {
    const bool two_hosts = options_.topology == Topology::TwoHosts;
    for (size_t host = 0; host < hosts_.size(); ++host) {
        CaptureOptions capture_options;
        capture_options.interface = two_hosts ? Wire::kInterface : "lo";
        // A student's program uses whatever ports it likes; the lab's hosts carry nothing else.
        capture_options.filter = programs_ ? "" : capture_filter(addresses_);
        capture_options.capture_point = static_cast<uint8_t>(host);
        // libpcap sizes each ring slot by the snapshot length on any link but
        // Ethernet: 256 KiB slots would hold a mere 128 packets in the ring,
        // and a slow start's flight of 160 segments overran it. The wire's
        // device carries nothing larger than its MTU (no offloads), so that is
        // the whole packet.
        if (two_hosts) capture_options.snaplen = static_cast<int>(std::max<uint32_t>(options_.wire.mtu, 576));
        if (lesson_.settings.burst_capture) capture_options = CaptureOptions::for_bursts(capture_options);
        auto capture = PacketCapture::start(hosts_[host].netns_fd(), capture_options);
        if (!capture) return capture.error();
        captures_.push_back(std::move(capture.value()));

        KernelStateOptions state_options;
        state_options.ports = addresses_.ports();
        // The tracepoint sees every namespace: one reader is enough.
        state_options.use_tracepoint = options_.use_tracepoint && host == 0;
        auto watcher = KernelStateWatcher::start(hosts_[host].netns_fd(), state_options);
        if (!watcher) return watcher.error();
        if (host == 0) tracepoint_note_ = watcher.value()->tracepoint_unavailable_reason();
        watchers_.push_back(std::move(watcher.value()));
    }
    return Done{};
}

size_t LessonRun::drain(size_t packet_limit) {
    size_t count = 0;
    // With a limit, the packets left in a queue are later than everything
    // taken; the other sources' events wait until the packets catch up to
    // them, so that the trace still only grows at its end (see TransitionsAndSpans).
    const size_t per_capture = captures_.empty() ? 0 : std::max<size_t>(1, packet_limit / captures_.size());
    std::vector<EventQueue<CapturedPacket>*> queues;
    for (auto& capture : captures_) queues.push_back(&capture->queue());
    const AddedPackets added = add_captured_packets(queues, trace_, per_capture);
    count += added.count;
    const int64_t horizon = added.first_left_ns;
    const auto before_horizon = [horizon](const auto& event) { return event.time_ns < horizon; };
    for (auto& watcher : watchers_)
        count += watcher->queue().drain_while(
            before_horizon, [this](StateEvent event) { trace_.add_state(std::move(event)); }, SIZE_MAX);
    if (wire_)
        count += wire_->events().drain_while(
            before_horizon, [this](WireEvent event) { trace_.add_wire(event); }, SIZE_MAX);
    if (programs_) {
        count += programs_->calls().drain_while(
            before_horizon,
            [this](CallEvent event) {
                if (event.local.port != 0) trace_.assign_actor(event.local, event.actor);
                trace_.add_call(std::move(event));
            },
            SIZE_MAX);
        count += programs_->output().drain_while(
            before_horizon,
            [this](ProgramOutput line) {
                trace_.add_output({line.time_ns, line.host, std::move(line.label), std::move(line.text)});
            },
            SIZE_MAX);
    }
    for (ActorThread* actor : {client_.get(), server_.get()}) {
        if (!actor) continue;
        count += actor->calls().drain_while(
            before_horizon,
            [this](CallEvent event) {
                if (event.local.port != 0) trace_.assign_actor(event.local, event.actor);
                trace_.add_call(std::move(event));
            },
            SIZE_MAX);
    }
    uint64_t lost = 0;
    for (auto& capture : captures_) lost += capture->queue().dropped();
    for (auto& watcher : watchers_) lost += watcher->queue().dropped();
    if (wire_) lost += wire_->events().dropped();
    for (ActorThread* actor : {client_.get(), server_.get()})
        if (actor) lost += actor->calls().dropped();
    if (programs_) lost += programs_->calls().dropped() + programs_->output().dropped();
    if (lost > lost_counted_) {
        trace_.count_lost_events(lost - lost_counted_);
        lost_counted_ = lost;
    }
    return count;
}

bool LessonRun::all_pass(const Step& step, int64_t begin_ns, int64_t end_ns) const {
    KernelCounters counters = in_progress_->outcome.counters;
    counters.latest = counters_now().latest;
    const StepView view(trace_, begin_ns, end_ns, &counters);
    for (const Expectation& expectation : step.expectations)
        if (!expectation.check(view).passed) return false;
    return true;
}

bool LessonRun::begin_step() {
    if (in_progress_ || finished()) return false;
    in_progress_ = std::make_unique<InProgress>();
    const size_t index = outcomes_.size();
    in_progress_->outcome.index = index;
    in_progress_->outcome.begin_ns = realtime_now_ns();
    in_progress_->outcome.counters.at_start = counters_now().latest;
    trace_.add_note(NoteEvent{in_progress_->outcome.begin_ns, static_cast<int>(index), lesson_.steps[index].key});
    start_next_action();
    return true;
}

void LessonRun::start_next_action() {
    InProgress& step = *in_progress_;
    const std::vector<Action>& actions = lesson_.steps[step.outcome.index].actions;
    while (step.next_action < actions.size() && !actions[step.next_action].wait)
        step.background.push_back(launch(actions[step.next_action++]));
    step.action_started = Clock::now();
    if (step.next_action < actions.size()) {
        const Action& action = actions[step.next_action++];
        step.acting = action.actor;
        step.pending = launch(action);
        // The same actor's next calls go to its thread at once, which runs them
        // in order with no pause between: three quick send()s must be quick,
        // not one per frame of the window.
        while (action.calls && step.next_action < actions.size()) {
            const Action& next = actions[step.next_action];
            if (!next.wait || !next.calls || next.actor != action.actor) break;
            step.queued.push_back(launch(next));
            ++step.next_action;
        }
        step.phase = Phase::Acting;
        return;
    }
    // What runs in the background finishes before the step settles.
    step.acting = Actor::None;
    step.phase = step.background.empty() ? Phase::Settling : Phase::Joining;
    step.settle_started = Clock::now();
    step.last_change = Clock::now();
}

// Takes an action's result; a failure becomes the step's failure.
void LessonRun::collect(std::future<void>& action, Actor acting) {
    try {
        action.get();
    } catch (const std::exception& error) {
        if (!in_progress_->outcome.failure.empty()) return;
        in_progress_->outcome.failure =
            acting == Actor::None
                ? std::string("the lesson's action failed: ") + error.what()
                : std::string("the ") + std::string(actor_name(acting)) + "'s calls failed: " + error.what();
    }
}

bool LessonRun::poll() {
    if (!in_progress_) return false;
    InProgress& step = *in_progress_;
    const Step& script = lesson_.steps[step.outcome.index];
    const auto now = Clock::now();
    if (drain(options_.packets_per_poll) > 0) step.last_change = now;
    // While a segment waits at the gate, the student is deciding: no timer runs.
    const bool waiting_for_student = wire_ && wire_->held_count() > 0;
    if (waiting_for_student) {
        step.last_change = now;
        step.action_started = now;
        step.settle_started = now;
    }

    switch (step.phase) {
        case Phase::Acting: {
            if (step.pending.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
                // Every call gives up after a few seconds, so socket calls that
                // take much longer than that are stuck, and the step says so.
                // The lesson's own actions (a flood, a pause) end by themselves.
                const bool stuck = step.acting != Actor::None &&
                                   now - step.action_started > options_.settle_limit + std::chrono::seconds(10);
                if (stuck) {
                    step.outcome.failure =
                        std::string("the ") + std::string(actor_name(step.acting)) + "'s calls did not return";
                    step.phase = Phase::Settling;
                    step.settle_started = now;
                }
                return false;
            }
            collect(step.pending, step.acting);
            if (!step.queued.empty()) {
                // The queued calls come next, on the same thread.
                step.pending = std::move(step.queued.front());
                step.queued.erase(step.queued.begin());
                step.action_started = now;
                return false;
            }
            if (step.outcome.failure.empty())
                start_next_action();
            else {
                step.phase = Phase::Settling;
                step.settle_started = now;
            }
            return false;
        }
        case Phase::Joining: {
            for (auto& action : step.background)
                if (action.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return false;
            for (auto& action : step.background) collect(action, Actor::None);
            step.background.clear();
            step.phase = Phase::Settling;
            step.settle_started = now;
            step.last_change = now;
            return false;
        }
        case Phase::Settling: {
            // A segment still on the wire has not reached its receiver: the
            // next step's recv() must not run before it lands (a loaded
            // machine can delay the relay past the quiet period).
            const bool quiet =
                now - step.last_change >= options_.quiet_period && (!wire_ || wire_->in_flight_count() == 0);
            const bool settled = quiet && all_pass(script, step.outcome.begin_ns, realtime_now_ns());
            if (!settled && now - step.settle_started < options_.settle_limit) return false;
            // A socket dump taken after the step shows what the tracepoint never
            // reports (TIME_WAIT); two more dumps guarantee one started after now.
            for (size_t host = 0; host < watchers_.size(); ++host)
                step.dump_targets.push_back(watchers_[host]->dumps_done() + 2);
            step.dumping_since_ns = realtime_now_ns();
            step.phase = Phase::Dumping;
            return false;
        }
        case Phase::Dumping: {
            for (size_t host = 0; host < watchers_.size(); ++host)
                if (watchers_[host]->dumps_done() < step.dump_targets[host]) return false;
            // The counters are read every 100 ms; the step's end needs a fresh reading.
            const bool counters_fresh = watchers_.empty() || counters_now().latest.time_ns >= step.dumping_since_ns;
            if (!counters_fresh && now - step.settle_started < options_.settle_limit + std::chrono::seconds(1))
                return false;
            drain();
            StepOutcome outcome = std::move(step.outcome);
            outcome.end_ns = realtime_now_ns();
            outcome.counters.latest = counters_now().latest;
            const StepView view(trace_, outcome.begin_ns, outcome.end_ns, &outcome.counters);
            for (const Expectation& expectation : script.expectations)
                outcome.expectations.push_back({expectation.key, expectation.check(view)});
            if (script.predict)
                for (const PredictChoice& choice : script.predict->choices)
                    outcome.choices.push_back({choice.label, choice.claim.check(view)});
            if (script.show)
                if (const PacketEvent* packet = script.show(view))
                    outcome.shown_packet = static_cast<size_t>(packet - trace_.packets().data());
            outcomes_.push_back(std::move(outcome));
            in_progress_.reset();
            return true;
        }
    }
    return false;
}

const StepOutcome& LessonRun::step() {
    begin_step();
    while (!poll()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return outcomes_.back();
}

void LessonRun::finish() {
    if (finished_watching_) return;
    finished_watching_ = true;
    for (auto& capture : captures_) {
        capture->stop();
        const CaptureStats stats = capture->stats();
        final_capture_stats_.delivered += stats.delivered;
        final_capture_stats_.kernel_dropped += stats.kernel_dropped;
        final_capture_stats_.queue_dropped += stats.queue_dropped;
    }
    for (auto& watcher : watchers_) watcher->stop();
    if (!watchers_.empty()) final_counters_ = watchers_.back()->kernel_counters();
    drain();
    trace_.flush_inferred();
    captures_.clear();
    watchers_.clear();
}

std::vector<SocketInfo> LessonRun::latest_sockets() const {
    std::vector<SocketInfo> sockets;
    for (const auto& watcher : watchers_) {
        const std::vector<SocketInfo> host = watcher->latest_sockets();
        sockets.insert(sockets.end(), host.begin(), host.end());
    }
    return sockets;
}

KernelCounters LessonRun::kernel_counters() const {
    if (watchers_.empty()) return final_counters_;
    return watchers_.back()->kernel_counters();
}

std::string LessonRun::tracepoint_note() const { return tracepoint_note_; }

CaptureStats LessonRun::capture_stats() const {
    if (captures_.empty()) return final_capture_stats_;
    CaptureStats total;
    for (const auto& capture : captures_) {
        const CaptureStats stats = capture->stats();
        total.delivered += stats.delivered;
        total.kernel_dropped += stats.kernel_dropped;
        total.queue_dropped += stats.queue_dropped;
    }
    return total;
}

}  // namespace tcplab
