#pragma once
// A lesson is a narrated script: an ordered list of steps, each
// one or more actions (socket calls by an actor, or something the run does
// itself: the wire, a sysctl, a wait, a flood), a narration (by key, in
// assets/lang), expectations checked against the trace once the step has
// settled, and optionally a question the student answers before it runs.
// Lessons are written as files (lesson_file.hpp); tests may also build them in C++.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "actor.hpp"
#include "capture/evidence.hpp"
#include "capture/kernel_counters.hpp"
#include "capture/trace.hpp"
#include "wire.hpp"

namespace tcplab {

struct CheckResult {
    bool passed = false;
    Evidence evidence;  // what decided it: "3 × SYN-ACK from the server", in the viewer's language
};

// What an expectation sees: the whole trace and the time window of its step,
// and the kernel's counters at the step's start and end when the run read them.
class StepView {
public:
    StepView(const Trace& trace, int64_t begin_ns, int64_t end_ns, const KernelCounters* counters = nullptr);

    const Trace& trace() const { return trace_; }
    int64_t begin_ns() const { return begin_ns_; }
    int64_t end_ns() const { return end_ns_; }
    const KernelCounters* counters() const { return counters_; }

    // TCP packets in this step, each segment once: with a capture point on
    // each host, the copy its sender sent (or, for a spoofed sender that no
    // capture point watches, the copy that arrived).
    std::vector<const PacketEvent*> segments() const;
    // Every packet in this step (TCP, UDP, IP fragments), each once, as segments() counts them.
    std::vector<const PacketEvent*> packets() const;
    // The first segment in this step sent by `sender` whose flags are exactly `flags`.
    const PacketEvent* segment(Actor sender, uint8_t flags) const;
    // The socket calls of `actor` named `call` in this step; the last one, or null.
    const CallEvent* call(Actor actor, const std::string& name) const;
    std::vector<const CallEvent*> calls(Actor actor, const std::string& name) const;
    bool reached(Actor actor, TcpState state) const;
    // The first merged state event in this step where a socket of `actor` reached `state`.
    std::optional<StateEvent> state_event(Actor actor, TcpState state) const;
    // The most sockets of `actor` in `state` at one moment during the step, as
    // the merged state sources show them (what `ss | grep STATE | wc -l` would say).
    size_t most_sockets_in(Actor actor, TcpState state) const;
    // Merged state events of the whole trace (every source), in time order.
    const std::vector<StateEvent>& transitions() const;

private:
    const Trace& trace_;
    int64_t begin_ns_;
    int64_t end_ns_;
    const KernelCounters* counters_;
    mutable std::optional<std::vector<StateEvent>> transitions_;  // merged once, on first use
};

struct Expectation {
    std::string key;  // the sentence that says what is expected, in assets/lang
    std::function<CheckResult(const StepView&)> check;
};

// The addresses a lesson uses inside its sandbox, chosen per run.
struct Addresses {
    Endpoint server;       // where the server listens
    Endpoint closed_port;  // an address where nothing listens
    std::vector<uint16_t> ports() const { return {server.port, closed_port.port}; }
};

class ProgramSession;

// What an action that is not a socket call may do to the run.
class RunControl {
public:
    virtual ~RunControl() = default;
    virtual const Addresses& addresses() const = 0;
    virtual Wire* wire() = 0;  // null on one host
    // Sets a sysctl inside the sandbox of `host` (client or server); never the machine's.
    virtual Status set_sysctl(Actor host, const std::string& name, const std::string& value) = 0;
    // True once the run is ending: a long action (a wait, a flood) returns early.
    virtual bool stopping() const = 0;
    // Ends every TIME_WAIT socket in the sandbox now (as `ss -K` does), so a
    // class need not wait a minute; returns how many there were.
    virtual Result<size_t> skip_time_wait() = 0;
    // The host loses every TCP socket of the run at once, as a reboot does:
    // each is ended as `ss -K` ends it (what that sends reaches the other
    // host only if the wire carries it). Returns how many there were.
    virtual Result<size_t> forget_sockets(Actor host) = 0;
    // The student's programs on the run's hosts, when the run has them (tcplab exec, shell).
    virtual ProgramSession* programs() { return nullptr; }
};

struct Action {
    Actor actor = Actor::None;                        // whose thread makes the calls
    std::function<void(Calls&)> calls = {};           // socket calls, on that actor's thread
    std::function<Status(RunControl&)> control = {};  // or: something the run does itself
    // Done at once, before the step's next action starts (a wire rule must be
    // in place before the connect() whose segments it acts on).
    std::function<void(RunControl&)> arm = {};
    // false: the step goes on to its next action at once, and waits for this
    // one only before it settles (two things at the same time: a simultaneous
    // close, or a wire rule armed before the connect it acts on).
    bool wait = true;
};

// A question asked before the step runs. Each choice is a claim checked like
// an expectation, so the kernel's answer is whichever choices held.
struct PredictChoice {
    std::string label;  // a language key, or a literal such as "x+1" or "SYN_RECV"
    Expectation claim;
    std::string why = {};  // a language key: why this answer is right or wrong
};
struct Prediction {
    std::string question_key;
    std::vector<PredictChoice> choices;
};

struct Step {
    std::string key;  // narration: KEY.title and KEY.text in assets/lang
    std::vector<Action> actions;
    std::vector<Expectation> expectations;
    std::optional<Prediction> predict = std::nullopt;
    // The segment the packet detail shows once the step has run (the first
    // that matches), so a step can walk through a header field by field.
    std::function<const PacketEvent*(const StepView&)> show = {};
};

struct SysctlSetting {
    Actor host = Actor::Server;
    std::string name;  // "net.ipv4.tcp_syncookies"
    std::string value;
};

// How a lesson wants to be run; the user's command line may override it.
struct LessonSettings {
    bool two_hosts = false;
    // A lesson file's topology = "two-hosts": its steps act on the wire, so it
    // never runs on one host. A student's programs only prefer two hosts.
    bool needs_wire = false;
    std::optional<std::chrono::microseconds> latency;
    std::optional<uint32_t> mtu;
    std::optional<double> loss;
    std::vector<SysctlSetting> sysctls;  // set in the sandbox before the first step
    std::chrono::milliseconds settle_limit{3000};
    int call_timeout_seconds = 5;
    // A flood: capture in batches with large buffers rather than packet by
    // packet, so that nothing is lost (packet_capture.hpp, for_bursts).
    bool burst_capture = false;
};

// Texts by language code, then key: what a lesson file's [text.CODE] tables hold.
using LessonTexts = std::map<std::string, std::map<std::string, std::string>>;

struct Lesson {
    std::string name;  // "handshake"; its title and summary are NAME.title, NAME.summary
    std::vector<Step> steps;
    LessonSettings settings = {};
    // The texts its file brought along (none for a built-in lesson, whose
    // texts are in assets/lang): a recording carries them.
    LessonTexts texts = {};
};

struct LessonEntry {
    std::string name;
    std::function<Lesson(const Addresses& addresses)> build;
    LessonSettings settings = {};
    std::string path = {};          // the lesson file, when it came from one
    int order = 100;                // teaching order in the catalog
    LessonTexts texts = {};         // the lesson file's own texts
    bool from_user_folder = false;  // the teacher's lesson folder, not the built-in ones
};

// Every built-in lesson (assets/lessons/*.toml), in teaching order, then the
// teacher's own (user_lesson_directory()), in theirs.
const std::vector<LessonEntry>& lesson_catalog();
// Lesson files that could not be read, with file, line and what was expected
// (a teacher's lesson with a mistake is listed here, never left out silently).
const std::vector<Error>& lesson_catalog_errors();
const LessonEntry* find_builtin_lesson(const std::string& name);

// Helpers that keep lesson scripts short.
CheckResult pass_if(bool passed, Evidence evidence);
// Phrases the checks' evidence shares: "the client", "SYN_SENT → ESTABLISHED [tracepoint]".
Evidence actor_evidence(Actor actor);
Evidence state_move_evidence(const StateEvent& event);
Expectation expect_call_result(Actor actor, const std::string& call, long expected, const std::string& key);
Expectation expect_state(Actor actor, TcpState state, const std::string& key);
// The server's socket(), bind() and listen() on "listener".
Action server_listens(const Endpoint& address, int backlog);
// The client's socket() and connect() on `socket_name`.
Action client_connects(const Endpoint& address, const std::string& socket_name = "connection");

}  // namespace tcplab
