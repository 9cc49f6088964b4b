#pragma once
// A duration as a person writes it: "40ms", "40 ms", "1.5s", "500us" or
// "500µs"; a bare number is milliseconds. The command line (--latency) and
// lesson files ([settings] latency) both read the wire's latency with it, so
// a value that works in one works in the other.
#include <chrono>
#include <optional>
#include <string_view>

namespace tcplab {

// Nothing for text that is not a non-negative number with one of those units.
std::optional<std::chrono::microseconds> parse_duration(std::string_view text);

}  // namespace tcplab
