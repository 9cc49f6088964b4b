#pragma once
// What getsockopt(TCP_INFO) says about one connection at one moment, kept as
// the text of the call's event ("cwnd=10 ssthresh=- rtt_ms=80.4 ...") so the
// trace, the terminal and recordings show it, and a lesson's check reads it back.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tcplab {

struct TcpInfoReading {
    uint32_t cwnd = 0;                 // congestion window, in segments
    std::optional<uint32_t> ssthresh;  // none while still "infinite" (slow start has never ended)
    double rtt_ms = 0;                 // the smoothed round-trip time
    double rto_ms = 0;                 // the retransmission timeout now
    uint32_t retransmits = 0;          // timeouts in a row for the segment outstanding now
    uint32_t total_retrans = 0;        // segments resent over the connection's life
};

// "cwnd=10 ssthresh=- rtt_ms=80.4 rto_ms=280 retransmits=0 total_retrans=0"
std::string format_tcp_info(const TcpInfoReading& reading);
// Reads that text back; nullopt when it is not a reading.
std::optional<TcpInfoReading> parse_tcp_info(std::string_view text);
// One of the reading's numbers by name ("cwnd", "ssthresh", "rtt_ms", "rto_ms",
// "retransmits", "total_retrans"); nullopt for an unknown name or no ssthresh.
std::optional<double> tcp_info_field(const TcpInfoReading& reading, std::string_view field);

}  // namespace tcplab
