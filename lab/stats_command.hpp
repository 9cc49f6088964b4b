#pragma once
// `tcplab stats FILE`: everything opening a capture does before the window
// draws its first frame (decode every packet, track connections, relative
// seq/ack, infer both ends' states), without a window, then what it cost:
// packets, connections, states, seconds, packets per second, peak memory and
// the trace's bytes per packet. bench/compare.py sets it beside tshark and tcpdump.
#include <array>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "capture/result.hpp"
#include "capture/tcp_state.hpp"
#include "i18n.hpp"

namespace tcplab {

enum class OpenEngine : uint8_t {
    Indexed,  // open_capture (capture/capture_index.hpp): raw bytes stay in the file
    Stream,   // read_trace (capture/recording_reader.hpp): every frame copied into the trace
};

struct OpenStats {
    std::string path;
    std::string engine;  // "indexed" or "stream"
    uint64_t file_bytes = 0;
    uint64_t packets = 0;
    uint64_t tcp_packets = 0;
    uint64_t undecodable = 0;
    uint64_t connections = 0;
    uint64_t inferred_states = 0;  // transitions inferred from the packets
    uint64_t retransmissions = 0;
    // How many connection ends are in each state once the whole file is read.
    std::array<uint64_t, kTcpStateCount> final_states{};
    double seconds = 0;
    uint64_t peak_rss_bytes = 0;  // of the whole process, as getrusage reports it
    uint64_t trace_bytes = 0;     // what the trace holds in memory (Trace::memory_bytes)
    std::optional<std::string> fault;

    double packets_per_second() const { return seconds > 0 ? static_cast<double>(packets) / seconds : 0; }
    double trace_bytes_per_packet() const {
        return packets ? static_cast<double>(trace_bytes) / static_cast<double>(packets) : 0;
    }
};

Result<OpenStats> collect_capture_stats(const std::string& path, OpenEngine engine = OpenEngine::Indexed);

// Human-readable lines in the user's language, or one JSON object.
void print_capture_stats(const OpenStats& stats, const Language& language, bool json, std::FILE* out = stdout);

// The subcommand: 0, or 65 when the file is damaged (counted up to the fault),
// or 66 when it cannot be read at all: the exit codes of `tcplab open`.
int run_stats_command(const std::string& path, bool json, OpenEngine engine, const Language& language);

}  // namespace tcplab
