#include "stats_command.hpp"

#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "capture/capture_index.hpp"
#include "capture/recording_reader.hpp"
#include "exit_codes.hpp"

namespace tcplab {
namespace {

uint64_t peak_rss_bytes() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<uint64_t>(usage.ru_maxrss) * 1024;  // Linux reports kilobytes
}

// Counts what the trace holds once the file is open.
void count(const LoadedTrace& loaded, OpenStats& stats) {
    const Trace& trace = loaded.trace;
    stats.packets = trace.packets().size();
    for (const PacketEvent& packet : trace.packets()) {
        if (packet.decode_failed) ++stats.undecodable;
        if (packet.transport == Transport::Tcp && !packet.decode_failed) ++stats.tcp_packets;
        if (packet.retransmission) ++stats.retransmissions;
    }
    stats.connections = trace.connections().size();
    for (const StateEvent& state : trace.states())
        if (state.source == StateSource::Inferred) ++stats.inferred_states;
    for (const Connection& connection : trace.connections()) {
        ++stats.final_states[static_cast<size_t>(connection.inferred.state(Side::Client))];
        ++stats.final_states[static_cast<size_t>(connection.inferred.state(Side::Server))];
    }
    stats.trace_bytes = trace.memory_bytes();
    if (loaded.fault) stats.fault = loaded.fault->message();
}

}  // namespace

Result<OpenStats> collect_capture_stats(const std::string& path, OpenEngine engine) {
    OpenStats stats;
    stats.path = path;
    struct stat status {};
    if (::stat(path.c_str(), &status) == 0) stats.file_bytes = static_cast<uint64_t>(status.st_size);

    // Only the open itself is timed: what the window would wait for.
    const auto started = std::chrono::steady_clock::now();
    std::optional<LoadedTrace> loaded;
    if (engine == OpenEngine::Indexed) {
        auto opened = open_capture(path);
        if (!opened) return opened.error();
        stats.engine = opened->path == OpenPath::Indexed ? "indexed" : "stream";
        loaded.emplace(std::move(opened->loaded));
    } else {
        auto read = read_trace(path);
        if (!read) return read.error();
        stats.engine = "stream";
        loaded.emplace(std::move(read.value()));
    }
    stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    count(*loaded, stats);
    stats.peak_rss_bytes = peak_rss_bytes();
    return stats;
}

void print_capture_stats(const OpenStats& stats, const Language& language, bool json, std::FILE* out) {
    if (json) {
        nlohmann::json states = nlohmann::json::object();
        for (int state = 0; state < kTcpStateCount; ++state)
            if (stats.final_states[static_cast<size_t>(state)] > 0)
                states[std::string(state_name(static_cast<TcpState>(state)))] =
                    stats.final_states[static_cast<size_t>(state)];
        nlohmann::json object = {{"file", stats.path},
                                 {"engine", stats.engine},
                                 {"file_bytes", stats.file_bytes},
                                 {"packets", stats.packets},
                                 {"tcp_packets", stats.tcp_packets},
                                 {"undecodable", stats.undecodable},
                                 {"connections", stats.connections},
                                 {"inferred_states", stats.inferred_states},
                                 {"retransmissions", stats.retransmissions},
                                 {"final_states", states},
                                 {"seconds", stats.seconds},
                                 {"packets_per_second", stats.packets_per_second()},
                                 {"peak_rss_bytes", stats.peak_rss_bytes},
                                 {"trace_bytes", stats.trace_bytes},
                                 {"trace_bytes_per_packet", stats.trace_bytes_per_packet()},
                                 {"packet_event_bytes", sizeof(PacketEvent)}};
        if (stats.fault) object["fault"] = *stats.fault;
        fmt::print(out, "{}\n", object.dump());
        return;
    }
    const auto line = [&](const char* key, const std::string& value) {
        fmt::print(out, "{:<28} {}\n", language.text(key) + ":", value);
    };
    line("stats.file", fmt::format("{} ({:.1f} MB)", stats.path, static_cast<double>(stats.file_bytes) / 1e6));
    line("stats.packets", fmt::format("{} ({} TCP, {} {})", stats.packets, stats.tcp_packets, stats.undecodable,
                                      language.text("stats.undecodable")));
    line("stats.connections", std::to_string(stats.connections));
    line("stats.inferred_states", std::to_string(stats.inferred_states));
    line("stats.retransmissions", std::to_string(stats.retransmissions));
    std::string ends;
    for (int state = 0; state < kTcpStateCount; ++state) {
        const uint64_t ends_in_state = stats.final_states[static_cast<size_t>(state)];
        if (ends_in_state == 0) continue;
        if (!ends.empty()) ends += ", ";
        ends += fmt::format("{} {}", state_name(static_cast<TcpState>(state)), ends_in_state);
    }
    line("stats.final_states", ends);
    line("stats.elapsed", fmt::format("{:.3f} s", stats.seconds));
    line("stats.rate", fmt::format("{:.0f}", stats.packets_per_second()));
    line("stats.peak_memory", fmt::format("{:.1f} MB", static_cast<double>(stats.peak_rss_bytes) / 1e6));
    line("stats.bytes_per_packet", fmt::format("{:.1f} ({} {})", stats.trace_bytes_per_packet(), sizeof(PacketEvent),
                                               language.text("stats.per_packet_record")));
    line("stats.engine", stats.engine);
    if (stats.fault) line("stats.fault", *stats.fault);
}

int run_stats_command(const std::string& path, bool json, OpenEngine engine, const Language& language) {
    auto stats = collect_capture_stats(path, engine);
    if (!stats) {
        std::fprintf(stderr, "tcplab: %s\n", stats.error().what.c_str());
        if (!stats.error().remedy.empty()) std::fprintf(stderr, "  fix: %s\n", stats.error().remedy.c_str());
        return exit_code::kFileUnreadable;
    }
    print_capture_stats(*stats, language, json);
    return stats->fault ? exit_code::kFileDamaged : exit_code::kOk;
}

}  // namespace tcplab
