#pragma once
// The eleven RFC 793 connection states, named as Linux's ss(8) and the lessons name them.
#include <cstdint>
#include <optional>
#include <string_view>

namespace tcplab {

enum class TcpState : uint8_t {
    Closed,
    Listen,
    SynSent,
    SynReceived,
    Established,
    FinWait1,
    FinWait2,
    CloseWait,
    Closing,
    LastAck,
    TimeWait,
};

inline constexpr int kTcpStateCount = 11;

// "CLOSED", "LISTEN", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT_1",
// "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT".
std::string_view state_name(TcpState state);
std::optional<TcpState> state_from_name(std::string_view name);

// Linux numbers its states in include/net/tcp_states.h (TCP_ESTABLISHED = 1 ...
// TCP_NEW_SYN_RECV = 12). A request socket (NEW_SYN_RECV) is a half-open
// connection, so it maps to SYN_RECV.
std::optional<TcpState> state_from_linux(int linux_state);

}  // namespace tcplab
