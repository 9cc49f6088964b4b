#include "duration.hpp"

#include <charconv>

namespace tcplab {

std::optional<std::chrono::microseconds> parse_duration(std::string_view text) {
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || value < 0) return std::nullopt;
    std::string_view unit = text.substr(static_cast<size_t>(end - text.data()));
    while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
    double microseconds = 0;
    if (unit == "ms" || unit.empty())
        microseconds = value * 1000;
    else if (unit == "s")
        microseconds = value * 1e6;
    else if (unit == "us" || unit == "µs")
        microseconds = value;
    else
        return std::nullopt;
    // Far beyond any latency worth teaching, and beyond what int64 microseconds hold.
    if (microseconds > 1e15) return std::nullopt;
    return std::chrono::microseconds(static_cast<int64_t>(microseconds));
}

}  // namespace tcplab
