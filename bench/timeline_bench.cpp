// One frame of the timeline and the ladder must stay under 4 ms of CPU with
// 10 M packets loaded, or the window stutters while a student zooms: this
// measures preparing it (cull, fold, build draw records) at every zoom
// level from the whole capture to a single packet. The trace is built once
// from bench/capture_generator (handshakes, data, teardowns, retransmissions,
// SYN-flood bursts); the caches a view keeps between frames (state spans,
// ladder rows) are built once too, as they are while a file is open.
//
//   TCPLAB_BENCH_PACKETS=10000000 build/bench/timeline_bench
#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "bench/capture_generator.hpp"
#include "capture/trace.hpp"
#include "capture/transition_merger.hpp"
#include "lab/layout/ladder_layout.hpp"
#include "lab/layout/timeline_layout.hpp"

namespace tcplab {
namespace {

struct Loaded {
    Trace trace;
    std::vector<StateEvent> transitions;
    std::vector<StateSpan> spans;
    StateSpanRows span_rows;
    LadderRowCache ladder_rows;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

float text_width(std::string_view text) { return 7.0f * static_cast<float>(text.size()); }

LadderInput ladder_input(const Loaded& loaded) {
    LadderInput input{.trace = loaded.trace, .transitions = loaded.transitions, .width = 700};
    input.text_width = text_width;
    return input;
}

Loaded& loaded() {
    static std::unique_ptr<Loaded> instance = [] {
        const char* wanted = std::getenv("TCPLAB_BENCH_PACKETS");
        GeneratorOptions options;
        options.packets = wanted ? std::strtoull(wanted, nullptr, 10) : 10'000'000;
        options.link = LinkType::Raw;
        auto result = std::make_unique<Loaded>();
        auto start = std::chrono::steady_clock::now();
        CaptureGenerator generator(options);
        GeneratedPacket packet;
        while (generator.next(packet))
            result->trace.add_packet(
                Trace::capture(packet.time_ns, 0, generator.link(), packet.original_length, packet.frame));
        result->trace.flush_inferred();
        std::fprintf(stderr, "trace: %zu packets, %zu connections, %zu states in %.1f s\n",
                     result->trace.packets().size(), result->trace.connections().size(), result->trace.states().size(),
                     seconds_since(start));
        start = std::chrono::steady_clock::now();
        result->transitions = observed_transitions(result->trace);
        std::fprintf(stderr, "observed_transitions: %.2f s\n", seconds_since(start));
        start = std::chrono::steady_clock::now();
        result->spans = state_spans(result->trace, result->transitions);
        result->span_rows = index_state_spans(result->spans);
        std::fprintf(stderr, "state_spans: %zu spans in %.2f s\n", result->spans.size(), seconds_since(start));
        start = std::chrono::steady_clock::now();
        const LadderRows& rows = result->ladder_rows.update(ladder_input(*result));
        std::fprintf(stderr, "ladder rows: %zu rows, %.0f px tall, in %.2f s\n", rows.rows.size(), rows.height,
                     seconds_since(start));
        return result;
    }();
    return *instance;
}

// Zoom level k shows 1 / 10^k of the capture, around its middle; the last
// level is narrower than the gap between two packets.
void BM_TimelineFrame(benchmark::State& state) {
    Loaded& data = loaded();
    const Trace& trace = data.trace;
    const int64_t begin = trace.start_ns();
    const int64_t end = trace_end_ns(trace);
    const double fraction = std::pow(10.0, -static_cast<double>(state.range(0)));
    const int64_t span = std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(end - begin) * fraction));
    const int64_t middle = begin + (end - begin) / 2;
    TimelineInput input{.trace = trace, .spans = data.spans, .axis = TimeAxis{}};
    input.axis.begin_ns = middle - span / 2;
    input.axis.end_ns = input.axis.begin_ns + span;
    input.axis.length = 1400;
    input.text_width = text_width;
    input.span_rows = &data.span_rows;
    input.colours.for_flags = [](uint8_t flags, uint32_t) { return uint32_t{flags}; };
    size_t records = 0, visible = 0;
    for (auto _ : state) {
        TimelineLayout layout = layout_timeline(input);
        records = layout.records.size();
        visible = layout.visible_packets;
        benchmark::DoNotOptimize(layout);
    }
    state.counters["records"] = static_cast<double>(records);
    state.counters["packets_in_view"] = static_cast<double>(visible);
    state.counters["view_ns"] = static_cast<double>(span);
}
BENCHMARK(BM_TimelineFrame)->DenseRange(0, 9)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

// The ladder scrolled to the top, the middle and the bottom (0, 50, 100 %).
void BM_LadderFrame(benchmark::State& state) {
    Loaded& data = loaded();
    LadderInput input = ladder_input(data);
    const LadderRows& rows = data.ladder_rows.update(input);
    input.visible_height = 900 * 3;
    input.visible_top = std::max(0.0f, (rows.height - 900) * static_cast<float>(state.range(0)) / 100.0f - 900);
    size_t records = 0;
    for (auto _ : state) {
        LadderLayout layout = layout_ladder(input, data.ladder_rows.update(input));
        records = layout.records.size();
        benchmark::DoNotOptimize(layout);
    }
    state.counters["records"] = static_cast<double>(records);
}
BENCHMARK(BM_LadderFrame)->Arg(0)->Arg(50)->Arg(100)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

}  // namespace
}  // namespace tcplab

BENCHMARK_MAIN();
