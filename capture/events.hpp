#pragma once
// The events a trace is made of. Every event carries a CLOCK_REALTIME time in
// nanoseconds, so packets (pcap), socket states (kernel) and socket calls
// (lesson threads) share one time axis.
#include <cstdint>
#include <string>
#include <vector>

#include "decode.hpp"
#include "endpoint.hpp"
#include "sock_diag.hpp"
#include "tcp_state.hpp"

namespace tcplab {

enum class Actor : uint8_t { None, Client, Server, Attacker };
std::string_view actor_name(Actor actor);  // "client", "server", "attacker", "-"

inline constexpr uint32_t kNoConnection = 0xffffffffu;

// One packet in the trace. Kept to 48 bytes so ten million fit in memory; the
// raw bytes live apart and are decoded again when a view needs the details.
struct PacketEvent {
    int64_t time_ns = 0;
    uint64_t raw_offset = 0;  // into Trace::raw_bytes()
    uint32_t raw_length = 0;
    uint32_t original_length = 0;
    uint32_t seq = 0;  // absolute, as on the wire
    uint32_t ack = 0;
    uint32_t payload_length = 0;
    uint32_t connection = kNoConnection;
    uint16_t window = 0;
    LinkType link = LinkType::Ethernet;
    uint8_t flags = 0;
    uint8_t capture_point = 0;
    Transport transport = Transport::None;
    // One byte for the yes/no fields keeps the event at 48 bytes, not 56:
    // 80 MB less for a 10 M-packet file.
    uint8_t from_server : 1 = 0;  // 0: client → server, 1: server → client
    uint8_t decode_failed : 1 = 0;
    uint8_t retransmission : 1 = 0;  // its sequence numbers were already sent from this capture point
    // The capture kept fewer of its bytes than were on the wire (snapshot length):
    // payload_length still says what the segment carried, from its IP header.
    uint8_t truncated : 1 = 0;
};
static_assert(sizeof(PacketEvent) <= 48, "a packet event must stay within 48 bytes");

// What a capture thread hands over: the decoded summary, both endpoints (for
// finding the connection) and the raw frame. The trace fills in raw_offset,
// connection and from_server.
struct CapturedPacket {
    PacketEvent summary;
    Endpoint source;
    Endpoint destination;
    std::vector<uint8_t> raw;
};

enum class StateSource : uint8_t { Tracepoint, SocketDump, Inferred };
std::string_view source_name(StateSource source);  // "tracepoint", "socket dump", "inferred"

struct StateEvent {
    int64_t time_ns = 0;
    Endpoint local;
    Endpoint remote;  // unspecified for a listener
    TcpState from = TcpState::Closed;
    TcpState to = TcpState::Closed;
    StateSource source = StateSource::Inferred;
    uint32_t connection = kNoConnection;  // known for inferred events
    // From socket dumps: what ss would show beside the state.
    uint32_t receive_queue = 0;
    uint32_t send_queue = 0;
    SocketTimer timer = SocketTimer::None;
    uint32_t timer_expires_ms = 0;
};

struct CallEvent {
    int64_t time_ns = 0;    // when the call was made
    int64_t return_ns = 0;  // when it returned
    Actor actor = Actor::None;
    std::string call;       // "connect"
    std::string arguments;  // "fd=4, 127.0.0.1:5000"
    int64_t result = 0;     // the return value
    int error_number = 0;   // errno when result < 0
    std::string data;       // bytes sent or received, when the call moves data
    Endpoint local;         // the socket's local address after the call, when known
    // A traced program's call (scenarios/program_tracer): which process and
    // thread made it, and the program's name ("python3"). 0 and "" for a
    // lesson's own actors.
    int32_t process = 0;
    int32_t thread = 0;
    std::string program = {};
};

// A traced program's call still blocked when its process ended (Ctrl-C,
// --timeout, a crash): the kernel never gave it a result. It is kept with
// result -1 and no errno, which a call that returned never has.
inline bool never_returned(const CallEvent& call) {
    return call.process != 0 && call.result == -1 && call.error_number == 0;
}

// A line a student's program wrote to its terminal (tcplab exec), shown on
// the timeline among its calls.
struct OutputEvent {
    int64_t time_ns = 0;
    Actor actor = Actor::None;  // the host it runs on
    std::string label;          // "server", "client"
    std::string text;
};

struct NoteEvent {
    int64_t time_ns = 0;
    int step = -1;    // lesson step index, or -1
    std::string key;  // narration key in assets/lang, or free text from an instructor
};

// What the wire between the two hosts did with a packet: recorded in the trace
// and in recordings, so the model knows the words without knowing the relay.
enum class WireDirection : uint8_t { ToServer, ToClient };

enum class WireAction : uint8_t {
    Held,      // stopped at the gate, waiting for the student
    Released,  // let through by the student (or by "release all")
    Dropped,   // dropped by the student or a script
    Lost,      // dropped by the random loss setting
    Vanished,  // addressed to no host on the wire
    Injected,  // put on the wire by the lesson (a spoofed SYN)
};
std::string_view wire_action_name(WireAction action);

enum class WireActor : uint8_t { Wire, Student, Lesson };

struct WireEvent {
    int64_t time_ns = 0;
    uint64_t segment = 0;  // the wire's number for the packet, from 1
    WireAction action = WireAction::Held;
    WireActor by = WireActor::Wire;
    WireDirection direction = WireDirection::ToServer;
};

int64_t realtime_now_ns();

}  // namespace tcplab
