// tcplab-gen: writes realistic TCP captures of any size to measure opening
// them (bench/compare.py), and walks a capture's record headers as the
// baseline for how fast a file can be opened at all.
//
//   tcplab-gen -n 1000000 --format pcapng --seed 7 -o /tmp/1m.pcapng
//   tcplab-gen --walk /tmp/1m.pcapng --method read
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "capture_generator.hpp"

int main(int argc, char** argv) {
    tcplab::GeneratorOptions options;
    std::string output;
    std::string format = "pcapng";
    std::string link = "ethernet";
    std::string walk;
    std::string method = "read";
    bool json = false;

    CLI::App app{"tcplab-gen: realistic TCP captures for benchmarks, and the header-walk baseline"};
    app.add_option("-o,--output", output, "the capture file to write (replaced if it exists)");
    app.add_option("-n,--packets", options.packets, "how many packets")->check(CLI::PositiveNumber);
    app.add_option("--format", format, "pcap or pcapng")->check(CLI::IsMember({"pcap", "pcapng"}));
    app.add_option("--link", link, "ethernet or raw (IP without a link header)")
        ->check(CLI::IsMember({"ethernet", "raw"}));
    app.add_option("--seed", options.seed, "the same seed writes the same file");
    app.add_option("--snaplen", options.snaplen, "cut frames to this many bytes, like tcpdump -s (0: whole frames)");
    app.add_option("--concurrent", options.concurrent_connections, "connections open at once")
        ->check(CLI::Range(1, 100000));
    app.add_option("--flood-share", options.flood_share, "share of packets in SYN-flood bursts")
        ->check(CLI::Range(0.0, 0.9));
    app.add_option("--ipv6-share", options.ipv6_share, "share of ordinary connections over IPv6")
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("--walk", walk, "instead of writing: walk this file's record headers and count packets");
    app.add_option("--method", method, "with --walk: read (pread through a 1 MiB window) or mmap")
        ->check(CLI::IsMember({"read", "mmap"}));
    app.add_flag("--json", json, "print the result as one JSON object");
    CLI11_PARSE(app, argc, argv);

    const auto started = std::chrono::steady_clock::now();
    const auto seconds = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    };
    if (!walk.empty()) {
        auto walked =
            tcplab::walk_record_headers(walk, method == "mmap" ? tcplab::WalkMethod::Mmap : tcplab::WalkMethod::Read);
        if (!walked) {
            std::fprintf(stderr, "tcplab-gen: %s\n", walked.error().what.c_str());
            return 2;
        }
        const double elapsed = seconds();
        if (json)
            fmt::print(
                "{}\n",
                nlohmann::json{{"file", walk}, {"method", method}, {"packets", walked->packets}, {"seconds", elapsed}}
                    .dump());
        else
            fmt::print("{} packets in {:.3f} s ({:.1f} M packets/s, {})\n", walked->packets, elapsed,
                       static_cast<double>(walked->packets) / elapsed / 1e6, method);
        return 0;
    }
    if (output.empty()) {
        std::fprintf(stderr, "tcplab-gen: give -o FILE (or --walk FILE)\n");
        return 64;
    }
    options.format = format == "pcap" ? tcplab::GeneratedFormat::Pcap : tcplab::GeneratedFormat::Pcapng;
    options.link = link == "raw" ? tcplab::LinkType::Raw : tcplab::LinkType::Ethernet;
    auto written = tcplab::write_generated_capture(output, options);
    if (!written) {
        std::fprintf(stderr, "tcplab-gen: %s\n", written.error().what.c_str());
        return 2;
    }
    const tcplab::GeneratorTotals& totals = written.value();
    const double elapsed = seconds();
    if (json) {
        fmt::print("{}\n", nlohmann::json{{"file", output},
                                          {"packets", totals.packets},
                                          {"bytes", totals.bytes},
                                          {"connections", totals.connections},
                                          {"flood_syns", totals.flood_syns},
                                          {"retransmissions", totals.retransmissions},
                                          {"resets", totals.resets},
                                          {"time_wait_ends", totals.time_wait_ends},
                                          {"data_segments", totals.data_segments},
                                          {"seconds", elapsed}}
                               .dump());
    } else {
        fmt::print(
            "{}: {} packets, {} connections ({} spoofed SYNs), {} retransmissions, {} resets, {:.1f} MB of "
            "frames, in {:.2f} s\n",
            output, totals.packets, totals.connections, totals.flood_syns, totals.retransmissions, totals.resets,
            static_cast<double>(totals.bytes) / 1e6, elapsed);
    }
    return 0;
}
