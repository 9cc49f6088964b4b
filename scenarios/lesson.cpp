#include "lesson.hpp"

#include <filesystem>
#include <map>

#include "assets.hpp"
#include "capture/transition_merger.hpp"
#include "lesson_file.hpp"

namespace tcplab {
namespace {

struct Catalog {
    std::vector<LessonEntry> lessons;
    std::vector<Error> errors;
};

const LessonEntry* find_in(const std::vector<LessonEntry>& lessons, const std::string& name) {
    for (const LessonEntry& entry : lessons)
        if (entry.name == name) return &entry;
    return nullptr;
}

const Catalog& catalog() {
    static const Catalog loaded = [] {
        Catalog catalog;
        catalog.lessons = load_lesson_folder(asset_directory() + "/lessons", catalog.errors);
        // The teacher's own lessons follow the built-in ones; a folder not made yet holds none.
        const std::string user_folder = user_lesson_directory();
        std::error_code missing;
        if (user_folder.empty() || !std::filesystem::exists(user_folder, missing)) return catalog;
        for (LessonEntry& entry : load_lesson_folder(user_folder, catalog.errors)) {
            if (find_in(catalog.lessons, entry.name)) {
                catalog.errors.push_back(Error{entry.path + ": a built-in lesson is named \"" + entry.name + "\" too",
                                               "give this lesson another 'name'"});
                continue;
            }
            entry.from_user_folder = true;
            catalog.lessons.push_back(std::move(entry));
        }
        return catalog;
    }();
    return loaded;
}

// With a capture point on each host a segment is in the trace twice; the
// copy at its sender's host counts. A sender no capture point watches (a
// spoofed source) is seen only where its segments arrive.
bool counts_once(const Trace& trace, const PacketEvent& packet) {
    const auto& points = trace.capture_points();
    const auto point = points.find(packet.capture_point);
    if (point == points.end() || point->second.host.is_unspecified()) return true;
    const IpAddress sender = trace.sender(packet).address;
    if (sender == point->second.host) return true;
    for (const auto& [number, other] : points)
        if (number != packet.capture_point && other.host == sender) return false;
    return true;
}

}  // namespace

const std::vector<LessonEntry>& lesson_catalog() { return catalog().lessons; }
const std::vector<Error>& lesson_catalog_errors() { return catalog().errors; }

const LessonEntry* find_builtin_lesson(const std::string& name) { return find_in(lesson_catalog(), name); }

StepView::StepView(const Trace& trace, int64_t begin_ns, int64_t end_ns, const KernelCounters* counters)
    : trace_(trace), begin_ns_(begin_ns), end_ns_(end_ns), counters_(counters) {}

std::vector<const PacketEvent*> StepView::segments() const {
    std::vector<const PacketEvent*> found;
    for (const PacketEvent* packet : packets())
        if (packet->transport == Transport::Tcp) found.push_back(packet);
    return found;
}

std::vector<const PacketEvent*> StepView::packets() const {
    std::vector<const PacketEvent*> found;
    for (const PacketEvent& packet : trace_.packets())
        if (packet.time_ns >= begin_ns_ && packet.time_ns <= end_ns_ && counts_once(trace_, packet))
            found.push_back(&packet);
    return found;
}

std::vector<const CallEvent*> StepView::calls(Actor actor, const std::string& name) const {
    std::vector<const CallEvent*> found;
    for (const CallEvent& event : trace_.calls())
        if (event.actor == actor && event.call == name && event.time_ns >= begin_ns_ && event.time_ns <= end_ns_)
            found.push_back(&event);
    return found;
}

size_t StepView::most_sockets_in(Actor actor, TcpState state) const {
    std::map<std::pair<Endpoint, Endpoint>, TcpState> sockets;
    size_t most = 0;
    size_t now = 0;
    for (const StateEvent& event : transitions()) {
        if (event.time_ns > end_ns_) break;
        if (trace_.actor_of(event) != actor) continue;
        auto [socket, added] = sockets.try_emplace({event.local, event.remote}, event.to);
        if (!added) {
            if (socket->second == state) --now;
            socket->second = event.to;
        }
        if (event.to == state) ++now;
        if (event.time_ns >= begin_ns_) most = std::max(most, now);
    }
    return most;
}

const PacketEvent* StepView::segment(Actor sender, uint8_t flags) const {
    for (const PacketEvent* packet : segments())
        if (packet->flags == flags && trace_.sender_actor(*packet) == sender) return packet;
    return nullptr;
}

const CallEvent* StepView::call(Actor actor, const std::string& name) const {
    const CallEvent* found = nullptr;
    for (const CallEvent& event : trace_.calls())
        if (event.actor == actor && event.call == name && event.time_ns >= begin_ns_ && event.time_ns <= end_ns_)
            found = &event;
    return found;
}

const std::vector<StateEvent>& StepView::transitions() const {
    if (!transitions_) transitions_ = observed_transitions(trace_);
    return *transitions_;
}

bool StepView::reached(Actor actor, TcpState state) const { return state_event(actor, state).has_value(); }

std::optional<StateEvent> StepView::state_event(Actor actor, TcpState state) const {
    for (const StateEvent& event : transitions())
        if (event.to == state && event.time_ns >= begin_ns_ && event.time_ns <= end_ns_ &&
            trace_.actor_of(event) == actor)
            return event;
    return std::nullopt;
}

CheckResult pass_if(bool passed, Evidence evidence) { return CheckResult{passed, std::move(evidence)}; }

Evidence actor_evidence(Actor actor) { return Evidence::of("actor." + std::string(actor_name(actor))); }

Evidence state_move_evidence(const StateEvent& event) {
    const std::string source = event.source == StateSource::Tracepoint   ? "source.tracepoint"
                               : event.source == StateSource::SocketDump ? "source.dump"
                                                                         : "source.inferred";
    return Evidence::of("evidence.state_move", std::string(state_name(event.from)), std::string(state_name(event.to)),
                        Evidence::of(source));
}

Expectation expect_call_result(Actor actor, const std::string& call, long expected, const std::string& key) {
    return {key, [=](const StepView& view) {
                const CallEvent* event = view.call(actor, call);
                if (!event) return pass_if(false, Evidence::of("evidence.call_missing", call));
                return pass_if(event->result == expected,
                               Evidence::literal(call + "() = " + std::to_string(event->result)));
            }};
}

Expectation expect_state(Actor actor, TcpState state, const std::string& key) {
    return {key, [=](const StepView& view) {
                auto event = view.state_event(actor, state);
                if (!event)
                    return pass_if(false, Evidence::of("evidence.never_reached", actor_evidence(actor),
                                                       std::string(state_name(state))));
                return pass_if(true, state_move_evidence(*event));
            }};
}

Action server_listens(const Endpoint& address, int backlog) {
    return {Actor::Server,
            [address, backlog](Calls& calls) {
                calls.socket("listener");
                calls.bind("listener", address);
                calls.listen("listener", backlog);
            },
            {}};
}

Action client_connects(const Endpoint& address, const std::string& socket_name) {
    return {Actor::Client,
            [address, socket_name](Calls& calls) {
                calls.socket(socket_name);
                calls.connect(socket_name, address);
            },
            {}};
}

}  // namespace tcplab
