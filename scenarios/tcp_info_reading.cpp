#include "tcp_info_reading.hpp"

#include <charconv>
#include <cstdio>
#include <sstream>

namespace tcplab {

std::string format_tcp_info(const TcpInfoReading& reading) {
    char rtt[32];
    std::snprintf(rtt, sizeof rtt, "%.1f", reading.rtt_ms);
    char rto[32];
    std::snprintf(rto, sizeof rto, "%.0f", reading.rto_ms);
    return "cwnd=" + std::to_string(reading.cwnd) +
           " ssthresh=" + (reading.ssthresh ? std::to_string(*reading.ssthresh) : std::string("-")) + " rtt_ms=" + rtt +
           " rto_ms=" + rto + " retransmits=" + std::to_string(reading.retransmits) +
           " total_retrans=" + std::to_string(reading.total_retrans);
}

std::optional<TcpInfoReading> parse_tcp_info(std::string_view text) {
    TcpInfoReading reading;
    int seen = 0;
    std::istringstream words{std::string(text)};
    std::string word;
    while (words >> word) {
        const size_t equals = word.find('=');
        if (equals == std::string::npos) return std::nullopt;
        const std::string name = word.substr(0, equals);
        const std::string value = word.substr(equals + 1);
        if (name == "ssthresh" && value == "-") {
            reading.ssthresh.reset();
            ++seen;
            continue;
        }
        double number = 0;
        const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
        if (error != std::errc{} || end != value.data() + value.size()) return std::nullopt;
        if (name == "cwnd")
            reading.cwnd = static_cast<uint32_t>(number);
        else if (name == "ssthresh")
            reading.ssthresh = static_cast<uint32_t>(number);
        else if (name == "rtt_ms")
            reading.rtt_ms = number;
        else if (name == "rto_ms")
            reading.rto_ms = number;
        else if (name == "retransmits")
            reading.retransmits = static_cast<uint32_t>(number);
        else if (name == "total_retrans")
            reading.total_retrans = static_cast<uint32_t>(number);
        else
            return std::nullopt;
        ++seen;
    }
    if (seen != 6) return std::nullopt;
    return reading;
}

std::optional<double> tcp_info_field(const TcpInfoReading& reading, std::string_view field) {
    if (field == "cwnd") return reading.cwnd;
    if (field == "ssthresh") return reading.ssthresh ? std::optional<double>(*reading.ssthresh) : std::nullopt;
    if (field == "rtt_ms") return reading.rtt_ms;
    if (field == "rto_ms") return reading.rto_ms;
    if (field == "retransmits") return reading.retransmits;
    if (field == "total_retrans") return reading.total_retrans;
    return std::nullopt;
}

}  // namespace tcplab
