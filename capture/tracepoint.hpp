#pragma once
// Reads the kernel tracepoint sock:inet_sock_set_state through a tracefs
// instance of our own. It sees every state change the kernel makes, in every
// network namespace, at the moment it happens (it never reports TIME_WAIT: the
// kernel swaps in a timewait socket instead). Needs root and tracefs.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "endpoint.hpp"
#include "result.hpp"
#include "tcp_state.hpp"

namespace tcplab {

struct TracepointStateChange {
    int64_t time_ns = 0;  // CLOCK_REALTIME, converted from the trace clock
    // Always 0 for now: the event's text output has no skaddr. The instance
    // option "fields" would print it, but then prints saddr_v6/daddr_v6 as
    // <INVALID-SIZE> (Linux 6.18), losing every IPv6 address.
    uint64_t socket_address = 0;
    Endpoint local;   // sport/saddr as the kernel reports them
    Endpoint remote;  // dport/daddr
    TcpState from = TcpState::Closed;
    TcpState to = TcpState::Closed;
};

// Parses one trace_pipe line with the trace clock "mono", e.g.
// "  tcplab-123 [001] ..... 5012.345678: inet_sock_set_state: family=AF_INET protocol=IPPROTO_TCP sport=40000
// dport=5000 saddr=127.0.0.1 daddr=127.0.0.1 saddrv6=::ffff:127.0.0.1 daddrv6=::ffff:127.0.0.1 oldstate=TCP_CLOSE
// newstate=TCP_SYN_SENT" realtime_minus_mono_ns converts the mono timestamp to CLOCK_REALTIME. Returns nullopt for
// lines that are not a TCP inet_sock_set_state event.
std::optional<TracepointStateChange> parse_inet_sock_set_state(std::string_view line, int64_t realtime_minus_mono_ns);

class StateTracepoint {
public:
    // Creates tracefs instance "tcplab-<pid>-<n>", with trace clock "mono" and a
    // filter that keeps TCP sockets whose source or destination port is one of
    // `ports`, and enables the event. Fails with a remedy when tracefs is missing
    // or we are not root. Removes instances left behind by dead tcplab processes.
    static Result<StateTracepoint> open(const std::vector<uint16_t>& ports);

    StateTracepoint(StateTracepoint&& other) noexcept;
    StateTracepoint& operator=(StateTracepoint&& other) noexcept;
    StateTracepoint(const StateTracepoint&) = delete;
    StateTracepoint& operator=(const StateTracepoint&) = delete;
    ~StateTracepoint();  // disables the event and removes the instance

    // Waits up to `timeout` for events, then returns every event available now.
    std::vector<TracepointStateChange> read(std::chrono::milliseconds timeout);

private:
    StateTracepoint() = default;
    void close();

    std::string instance_dir_;
    int pipe_fd_ = -1;
    int64_t realtime_minus_mono_ns_ = 0;
    std::string pending_;  // a partial line carried over between reads
};

// Mounts tracefs at /sys/kernel/tracing when it is not mounted, inside a
// private mount namespace so the host's mount table is unchanged. Must be
// called before the process starts any thread: Linux would let a threaded
// process unshare, but the mount would reach the calling thread only, so this
// returns an Error then. Does nothing when not root.
Status prepare_tracefs();

}  // namespace tcplab
