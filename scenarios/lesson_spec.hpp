#pragma once
// A lesson file as plain data, once read and checked (lesson_file.cpp), before
// it becomes a runnable Lesson for one run's addresses (lesson_actions.cpp,
// lesson_checks.cpp).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "capture/events.hpp"
#include "capture/tcp_state.hpp"
#include "lesson.hpp"

namespace tcplab {

// One socket call by an actor, or one thing the run does itself.
struct ActionSpec {
    enum class Kind {
        Call,
        Pause,
        Sysctl,
        WireDrop,
        WireInject,
        WireLatency,
        WireLoss,
        WireCut,
        Flood,
        SkipTimeWait,
        Reboot
    };
    Kind kind = Kind::Call;
    int line = 0;
    bool wait = true;

    // Kind::Call
    Actor actor = Actor::None;
    std::string call;        // "socket", "connect", "send", ...
    std::string socket;      // the lesson's name for the socket
    std::string address;     // "server" or "closed"
    std::string new_socket;  // accept(): the name of the accepted connection
    std::string data;
    std::string type = "stream";  // socket(): "stream" or "dgram"
    std::string how;              // shutdown(): "read", "write", "both"
    std::string option;           // setsockopt(): "SO_REUSEADDR", "TCP_NODELAY", ...
    std::string file_name;        // send_with_header()
    int64_t value = 1;            // setsockopt() value; linger() seconds
    int64_t backlog = 8;
    int64_t bytes = 0;         // send(): this many bytes instead of `data`
    int64_t max_bytes = 1024;  // recv(), recvfrom(): the buffer size
    int64_t until = 0;         // recv(): keep reading until this many bytes arrived
    bool out_of_band = false;  // send(), recv(): MSG_OOB, TCP's urgent data
    bool dont_wait = false;    // send(): MSG_DONTWAIT, a short count or EAGAIN instead of waiting
    // connect(): `count` sockets NAME1..NAMEn connecting at once, waited for
    // `milliseconds`. serve(): `count` requests answered by worker threads
    // that work `milliseconds` on each. clients(): `count` clients, one every
    // `milliseconds`.
    // tcp_info(): `count` readings, one every `milliseconds` (count is below),
    // or one per round trip: each once the flight in the air at the one before is all ACKed.
    bool per_round_trip = false;

    // Pause: milliseconds. Sysctl: host, name, value (in `data`).
    int64_t milliseconds = 0;
    Actor host = Actor::Server;
    std::string name;

    // WireDrop: the next `count` segments with exactly these flags from `actor`
    // (or carrying data, or any), after letting `after` of them pass.
    // WireInject: one segment with these flags, as if `actor`'s host sent it
    // from `port` (the server's own port when 0), with these absolute numbers.
    uint8_t flags = 0;
    DropRule::Match match = DropRule::Match::Flags;
    int64_t after = 0;
    int64_t count = 1;
    int64_t port = 0;
    uint32_t seq = 0;
    uint32_t ack = 0;
    // WireCut: true cuts the wire (both ways), false mends it.
    bool cut = true;
    // Reboot: `host` forgets every socket at once.
    // WireLoss: percent. Flood: count, rate (packets/s, 0 = as fast as possible), sources, seed.
    double percent = 0;
    int64_t rate = 0;
    int64_t sources = 100;
    int64_t seed = 1;
};

// One claim about what the kernel did in the step.
struct CheckSpec {
    enum class Kind {
        Call,
        State,
        Segment,
        Sockets,
        Counter,
        Timer,
        DistinctIsn,
        RandomIsn,
        Connections,
        StatesTogether,
        Span,
        Fragments,
        FlagsSeen,
        TcpInfo,
        ResentAfter,
        Backoff
    };
    Kind kind = Kind::Call;
    int line = 0;
    std::string key;  // the sentence, in assets/lang (a predict choice has none)

    Actor actor = Actor::None;          // whose call/state/socket; for segments the sender
    std::string subject;                // call name, counter name ("TcpExt.ListenOverflows"), "any"/"data" segments
    std::optional<uint8_t> flags;       // Segment: exactly these flags
    TcpState state = TcpState::Closed;  // StatesTogether: the client's
    TcpState peer_state = TcpState::Closed;  // StatesTogether: the server's, at the same moment
    bool reached = true;                     // State: false means "never reached in this step"

    std::optional<int64_t> result;
    std::optional<int64_t> result_at_least;
    std::optional<int64_t> result_at_most;
    std::optional<int> error_number;
    std::optional<std::string> data;
    std::optional<int64_t> rel_seq, rel_ack, length;
    std::optional<int64_t> length_at_least, length_at_most;  // Segment: payload length bounds
    std::optional<bool> retransmission;
    std::optional<int64_t> urgent;                             // Segment: the urgent pointer
    std::optional<int64_t> window, window_at_least;            // Segment: the window field, as on the wire
    std::optional<int64_t> took_at_least_ms, took_at_most_ms;  // Call: how long the call took
    std::optional<int64_t> at_least_ms, at_most_ms;            // Span, StatesTogether, ResentAfter: how long
    // Connections: true, every one at the same local address and port; false,
    // at more than one (as if each connection had a port of its own).
    std::optional<bool> same_local;
    // TcpInfo: which of the actor's TCP_INFO readings in the step ("first",
    // "last", "largest"); the field is `subject` ("cwnd", "rtt_ms", ...,
    // or "doublings": how many readings had at least twice the cwnd of the one before).
    std::string reading = "last";
    bool whole_lesson = false;  // FlagsSeen: since the lesson began, not only in this step
    // Sockets: count only what the socket dumps saw (as ss shows it), not states
    // inferred from packets (a SYN cookie's SYN-ACK leaves no SYN_RECV socket behind).
    bool dumps_only = false;

    // How many: calls, segments, sockets, counter change, timer seconds, distinct
    // ISNs, large jumps between successive ISNs, connections, IP fragments.
    std::optional<int64_t> exactly, at_least, at_most;
};

struct PredictSpec {
    std::string question_key;
    struct Choice {
        std::string label;
        CheckSpec claim;
        std::string why;  // a language key: why this answer is right or wrong
    };
    std::vector<Choice> choices;
};

struct StepSpec {
    std::string key;
    int line = 0;
    std::vector<ActionSpec> actions;
    std::vector<CheckSpec> expectations;
    std::optional<PredictSpec> predict;
    std::optional<CheckSpec> show;  // a segment the packet detail shows after the step
};

struct LessonSpec {
    std::string name;
    int order = 100;
    LessonSettings settings;
    std::vector<StepSpec> steps;
};

// Makes the runnable pieces for one run's addresses.
Action make_action(const ActionSpec& spec, const Addresses& addresses);
Expectation make_expectation(const CheckSpec& spec);
// The first segment of the step that `spec` (a segment claim) matches.
std::function<const PacketEvent*(const StepView&)> make_show(const CheckSpec& spec);
Lesson make_lesson(const LessonSpec& lesson, const Addresses& addresses);

}  // namespace tcplab
