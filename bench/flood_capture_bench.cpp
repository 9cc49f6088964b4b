// Live capture under a SYN flood, where losing packets or frames would show
// the student a flood that did not happen. Two sandboxed hosts
// joined by the wire, a listener on the server, libpcap on the server's wire0
// (where every spoofed SYN arrives and every SYN-ACK leaves), and the flood
// at the highest rate the wire takes in. The main thread plays the window's
// part at 60 Hz: it drains the capture queue into a Trace and prepares the
// timeline and ladder for a frame, and its CPU time per frame is measured.
//
// Prints what was injected and what the trace holds, pcap's and the queue's
// drops, and the per-frame CPU of drain and layout. Not a ctest: run as root,
//   build/bench/flood_capture_bench --seconds 5
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

#include "capture/packet_capture.hpp"
#include "capture/trace.hpp"
#include "capture/transition_merger.hpp"
#include "lab/layout/ladder_layout.hpp"
#include "lab/layout/timeline_layout.hpp"
#include "lab/layout/transitions_and_spans.hpp"
#include "scenarios/run.hpp"
#include "scenarios/sandbox.hpp"
#include "scenarios/syn_flood.hpp"
#include "scenarios/wire.hpp"

namespace tcplab {
namespace {

using Clock = std::chrono::steady_clock;

double thread_cpu_ms() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

struct Percentiles {
    double mean = 0, p50 = 0, p99 = 0, max = 0;
};

Percentiles summarise(std::vector<double> values) {
    Percentiles result;
    if (values.empty()) return result;
    std::sort(values.begin(), values.end());
    double sum = 0;
    for (double value : values) sum += value;
    result.mean = sum / static_cast<double>(values.size());
    result.p50 = values[values.size() / 2];
    result.p99 = values[std::min(values.size() - 1, values.size() * 99 / 100)];
    result.max = values.back();
    return result;
}

int listen_in(const Sandbox& sandbox, const Endpoint& endpoint, int backlog) {
    int listener = -1;
    std::thread([&] {
        if (!sandbox.enter().ok()) return;
        listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    }).join();
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(endpoint.port);
    std::memcpy(&address.sin_addr, endpoint.address.bytes.data(), 4);
    if (listener < 0 || ::bind(listener, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener, backlog) != 0)
        return -1;
    return listener;
}

struct Settings {
    double seconds = 5;
    double rate = 0;
    bool immediate = false;
    bool bursts = true;
    int snaplen = 262144;
    int buffer_mib = 0;  // 0: what the options say
    size_t queue = 0;    // 0: what the options say
    bool layout = true;
    bool reserve = true;
    size_t packets_per_frame = kPacketsPerFrame;
    bool show_slow_frames = false;
    std::string syncookies = "1";
};

int run(const Settings& settings) {
    auto client = Sandbox::create();
    auto server = Sandbox::create();
    if (!client || !server) {
        std::fprintf(stderr, "no sandbox: %s\n", (client ? server : client).error().what.c_str());
        return 1;
    }
    auto wire = Wire::create(client->netns_fd(), server->netns_fd(), WireOptions{});
    if (!wire) {
        std::fprintf(stderr, "no wire: %s\n", wire.error().what.c_str());
        return 1;
    }
    const Endpoint target{wire.value()->addresses().server, 8080};
    (void)server->set_sysctl("net/ipv4/tcp_syncookies", settings.syncookies);
    const int listener = listen_in(server.value(), target, 128);
    if (listener < 0) {
        std::fprintf(stderr, "cannot listen on %s\n", target.to_string().c_str());
        return 1;
    }

    CaptureOptions options;
    options.interface = Wire::kInterface;
    options.filter = "tcp port 8080";
    options.capture_point = 1;
    if (settings.bursts) options = CaptureOptions::for_bursts(options);
    options.immediate = settings.immediate;
    options.snaplen = settings.snaplen;
    if (settings.buffer_mib > 0) options.buffer_bytes = settings.buffer_mib << 20;
    if (settings.queue > 0) options.queue_capacity = settings.queue;
    auto capture = PacketCapture::start(server->netns_fd(), options);
    if (!capture) {
        std::fprintf(stderr, "no capture: %s\n", capture.error().what.c_str());
        return 1;
    }

    Trace trace;
    trace.describe_capture_point(1, {target.address, "server wire0"});
    if (settings.reserve) reserve_for_flood(trace);  // as a lesson that floods does
    // The window's frame loop, without the GPU: drain, then prepare the timeline and ladder.
    std::vector<double> drain_ms, layout_ms, frame_ms;
    TransitionsAndSpans history;
    LadderRowCache ladder_rows;
    const auto frame_period = std::chrono::microseconds(16667);
    auto next_frame = Clock::now();
    // As LessonRun::drain does for a window: a frame's worth of packets,
    // and the wire's events up to the first packet left behind.
    const auto drain = [&](size_t limit) {
        const int64_t horizon = add_captured_packets(capture.value()->queue(), trace, limit).first_left_ns;
        wire.value()->events().drain_while([horizon](const WireEvent& event) { return event.time_ns < horizon; },
                                           [&](WireEvent event) { trace.add_wire(event); }, SIZE_MAX);
    };
    auto prepare = [&] {
        history.update(trace);
        TimelineState timeline;
        timeline.axis.length = 1400;
        timeline.fit_whole_run(trace, 0);
        TimelineInput input{.trace = trace, .spans = history.spans(), .axis = timeline.axis};
        input.text_width = [](std::string_view text) { return 7.0f * static_cast<float>(text.size()); };
        input.span_rows = &history.span_rows();
        const TimelineLayout drawn = layout_timeline(input);
        LadderInput ladder{.trace = trace, .transitions = history.transitions(), .width = 700};
        ladder.text_width = input.text_width;
        ladder.transitions_build = history.full_builds();
        const LadderRows& rows = ladder_rows.update(ladder);
        ladder.visible_top = rows.height - 900;  // following the newest events, as the window does
        ladder.visible_height = 900;
        const LadderLayout ladder_drawn = layout_ladder(ladder, rows);
        return drawn.records.size() + ladder_drawn.records.size();
    };
    // The window builds its history when the lesson starts, before the flood;
    // making room for a flood there takes longer than a frame, once.
    const double start_cpu = thread_cpu_ms();
    (void)prepare();
    const double lesson_start_ms = thread_cpu_ms() - start_cpu;

    SynFloodOptions flood_options;
    flood_options.target = target;
    flood_options.rate = settings.rate;
    flood_options.duration = std::chrono::milliseconds(static_cast<int64_t>(settings.seconds * 1000));
    auto flood = SynFlood::start(*wire.value(), flood_options);
    if (!flood) {
        std::fprintf(stderr, "no flood: %s\n", flood.error().what.c_str());
        return 1;
    }

    size_t frames = 0, frames_catching_up = 0, most_packets_in_a_frame = 0;
    // Frames go on after the flood while packets wait in the queue: a frame
    // takes at most packets_per_frame, so a burst is spread over the next frames.
    while (!flood.value()->stats().finished || capture.value()->queue().peek()) {
        if (flood.value()->stats().finished) ++frames_catching_up;
        std::this_thread::sleep_until(next_frame);
        next_frame += frame_period;
        const double start = thread_cpu_ms();
        const size_t packets_before = trace.packets().size();
        drain(settings.packets_per_frame);
        const double drained = thread_cpu_ms();
        if (settings.layout) (void)prepare();
        const double prepared = thread_cpu_ms();
        drain_ms.push_back(drained - start);
        layout_ms.push_back(prepared - drained);
        frame_ms.push_back(prepared - start);
        const size_t packets_added = trace.packets().size() - packets_before;
        most_packets_in_a_frame = std::max(most_packets_in_a_frame, packets_added);
        if (settings.show_slow_frames && prepared - start > 16.7)
            std::printf("slow frame %zu: drain %.1f ms, layout %.1f ms, %zu packets added (%zu in all)\n", frames,
                        drained - start, prepared - drained, packets_added, trace.packets().size());
        ++frames;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the last SYN-ACKs
    capture.value()->stop();
    drain(SIZE_MAX);
    const SynFloodStats flooded = flood.value()->stats();
    const CaptureStats captured = capture.value()->stats();
    ::close(listener);

    uint64_t syns = 0, syn_acks = 0;
    for (const PacketEvent& packet : trace.packets()) {
        if (packet.flags == tcp_flag::Syn) ++syns;
        if (packet.flags == (tcp_flag::Syn | tcp_flag::Ack)) ++syn_acks;
    }
    const double seconds = std::chrono::duration<double>(flooded.elapsed).count();
    const Percentiles drain_p = summarise(drain_ms), layout_p = summarise(layout_ms), frame_p = summarise(frame_ms);
    const auto over_budget = std::count_if(frame_ms.begin(), frame_ms.end(), [](double ms) { return ms > 16.7; });
    std::printf("capture: immediate=%d snaplen=%d buffer=%d MiB queue=%zu\n", options.immediate ? 1 : 0,
                options.snaplen, options.buffer_bytes >> 20, options.queue_capacity);
    std::printf("flood: %llu SYNs in %.2f s = %.0f SYN/s (wire took %llu, SYN-ACKs vanished %llu)\n",
                static_cast<unsigned long long>(flooded.injected), seconds,
                static_cast<double>(flooded.injected) / seconds,
                static_cast<unsigned long long>(wire.value()->stats().injected),
                static_cast<unsigned long long>(wire.value()->stats().vanished));
    std::printf("trace: %zu packets, %llu SYNs (%s every injected SYN), %llu SYN-ACKs, %zu states\n",
                trace.packets().size(), static_cast<unsigned long long>(syns),
                syns == flooded.injected ? "=" : "MISSING", static_cast<unsigned long long>(syn_acks),
                trace.states().size());
    std::printf("drops: pcap ps_recv=%llu ps_drop=%llu, queue dropped=%llu, wire events dropped=%llu\n",
                static_cast<unsigned long long>(captured.kernel_received),
                static_cast<unsigned long long>(captured.kernel_dropped),
                static_cast<unsigned long long>(captured.queue_dropped),
                static_cast<unsigned long long>(wire.value()->events().dropped()));
    std::printf("lesson start (empty trace, room made for the flood): %.1f ms\n", lesson_start_ms);
    std::printf("full builds: state history %llu, ladder rows %llu\n",
                static_cast<unsigned long long>(history.full_builds()),
                static_cast<unsigned long long>(ladder_rows.full_builds()));
    std::printf(
        "frames: %zu at 60 Hz (%zu after the flood, catching up; at most %zu packets in one); CPU ms per frame "
        "mean/p50/p99/max: drain %.2f/%.2f/%.2f/%.2f, "
        "layout %.2f/%.2f/%.2f/%.2f, both %.2f/%.2f/%.2f/%.2f; %lld frames over 16.7 ms\n",
        frames, frames_catching_up, most_packets_in_a_frame, drain_p.mean, drain_p.p50, drain_p.p99, drain_p.max,
        layout_p.mean, layout_p.p50, layout_p.p99, layout_p.max, frame_p.mean, frame_p.p50, frame_p.p99, frame_p.max,
        static_cast<long long>(over_budget));
    return syns == flooded.injected && captured.kernel_dropped == 0 && captured.queue_dropped == 0 ? 0 : 2;
}

}  // namespace
}  // namespace tcplab

int main(int argc, char** argv) {
    if (auto prepared = tcplab::prepare_process(); !prepared) {
        std::fprintf(stderr, "cannot prepare the sandbox: %s\n", prepared.error().what.c_str());
        return 1;
    }
    tcplab::Settings settings;
    CLI::App app{"SYN flood against a two-host sandbox while capturing: losses and per-frame CPU"};
    app.add_option("--seconds", settings.seconds, "how long the flood lasts");
    app.add_option("--rate", settings.rate, "SYNs per second (0: as fast as the wire takes them)");
    app.add_flag("--immediate,!--no-immediate", settings.immediate, "libpcap immediate mode");
    app.add_flag("--bursts,!--no-bursts", settings.bursts, "start from CaptureOptions::for_bursts");
    app.add_option("--snaplen", settings.snaplen, "bytes kept per packet");
    app.add_option("--buffer-mib", settings.buffer_mib, "kernel ring buffer in MiB (0: the options' own)");
    app.add_option("--queue", settings.queue, "capture queue capacity (0: the options' own)");
    app.add_flag("--layout,!--no-layout", settings.layout, "prepare the timeline and ladder every frame");
    app.add_option("--packets-per-frame", settings.packets_per_frame, "packets a frame drains at most");
    app.add_flag("--slow-frames", settings.show_slow_frames, "print each frame over 16.7 ms");
    app.add_flag("--reserve,!--no-reserve", settings.reserve, "give the trace room for a flood first");
    app.add_option("--syncookies", settings.syncookies, "the server's net.ipv4.tcp_syncookies");
    CLI11_PARSE(app, argc, argv);
    return tcplab::run(settings);
}
