#include "tcp_state.hpp"

#include <array>

namespace tcplab {
namespace {
constexpr std::array<std::string_view, kTcpStateCount> kNames = {
    "CLOSED",     "LISTEN",     "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT_1",
    "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING",  "LAST_ACK", "TIME_WAIT",
};
}  // namespace

std::string_view state_name(TcpState state) { return kNames[static_cast<size_t>(state)]; }

std::optional<TcpState> state_from_name(std::string_view name) {
    for (size_t i = 0; i < kNames.size(); ++i)
        if (kNames[i] == name) return static_cast<TcpState>(i);
    return std::nullopt;
}

std::optional<TcpState> state_from_linux(int linux_state) {
    switch (linux_state) {
        case 1:
            return TcpState::Established;
        case 2:
            return TcpState::SynSent;
        case 3:
            return TcpState::SynReceived;
        case 4:
            return TcpState::FinWait1;
        case 5:
            return TcpState::FinWait2;
        case 6:
            return TcpState::TimeWait;
        case 7:
            return TcpState::Closed;
        case 8:
            return TcpState::CloseWait;
        case 9:
            return TcpState::LastAck;
        case 10:
            return TcpState::Listen;
        case 11:
            return TcpState::Closing;
        case 12:
            return TcpState::SynReceived;
        default:
            return std::nullopt;
    }
}

}  // namespace tcplab
