// What opening a capture costs, piece by piece (docs/performance.md):
// decoding a frame (fully, and the summary the trace keeps), appending to the
// trace (connection tracking, relative numbers, retransmissions, inferred
// states), the state machine alone, and opening a whole generated file both
// ways. Rates are packets per second ("items_per_second").
//   build/bench/open_bench [--benchmark_filter=Open]
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "bench/capture_generator.hpp"
#include "capture/capture_index.hpp"
#include "capture/recording_reader.hpp"
#include "capture/tcp_fsm.hpp"

namespace {

using namespace tcplab;

// Frames of a realistic mix, kept in memory.
struct Frames {
    std::vector<std::vector<uint8_t>> bytes;
    std::vector<int64_t> times;
    std::vector<uint32_t> original_lengths;
};

const Frames& frames() {
    static const Frames made = [] {
        Frames out;
        GeneratorOptions options;
        options.packets = 100'000;
        options.seed = 3;
        CaptureGenerator generator(options);
        GeneratedPacket packet;
        while (generator.next(packet)) {
            out.bytes.emplace_back(packet.frame.begin(), packet.frame.end());
            out.times.push_back(packet.time_ns);
            out.original_lengths.push_back(packet.original_length);
        }
        return out;
    }();
    return made;
}

void DecodeFrameFully(benchmark::State& state) {
    const Frames& all = frames();
    size_t index = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(decode_frame(LinkType::Ethernet, all.bytes[index], all.original_lengths[index]));
        if (++index == all.bytes.size()) index = 0;
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(DecodeFrameFully);

void SummarizeFrame(benchmark::State& state) {
    const Frames& all = frames();
    size_t index = 0;
    PacketEvent summary;
    Endpoint source, destination;
    for (auto _ : state) {
        benchmark::DoNotOptimize(summarize_frame(LinkType::Ethernet, all.bytes[index], all.original_lengths[index],
                                                 summary, source, destination));
        if (++index == all.bytes.size()) index = 0;
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(SummarizeFrame);

// Appending summaries (raw bytes left where they are): connections, relative
// numbers, retransmissions and inferred states, for the whole mix.
void TraceAppendSummaries(benchmark::State& state) {
    const Frames& all = frames();
    struct Summary {
        PacketEvent event;
        Endpoint source, destination;
    };
    std::vector<Summary> summaries(all.bytes.size());
    for (size_t index = 0; index < all.bytes.size(); ++index) {
        Summary& summary = summaries[index];
        summarize_frame(LinkType::Ethernet, all.bytes[index], all.original_lengths[index], summary.event,
                        summary.source, summary.destination);
        summary.event.time_ns = all.times[index];
        summary.event.raw_length = static_cast<uint32_t>(all.bytes[index].size());
    }
    for (auto _ : state) {
        Trace trace;
        for (const Summary& summary : summaries) trace.add_summary(summary.event, summary.source, summary.destination);
        trace.flush_inferred();
        benchmark::DoNotOptimize(trace.states().size());
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * summaries.size()));
}
BENCHMARK(TraceAppendSummaries)->Unit(benchmark::kMillisecond);

// The live path: full decode and a copy of every frame into the trace.
void TraceAppendCopies(benchmark::State& state) {
    const Frames& all = frames();
    for (auto _ : state) {
        Trace trace;
        for (size_t index = 0; index < all.bytes.size(); ++index)
            trace.add_packet(
                Trace::capture(all.times[index], 0, LinkType::Ethernet, all.original_lengths[index], all.bytes[index]));
        trace.flush_inferred();
        benchmark::DoNotOptimize(trace.states().size());
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * all.bytes.size()));
}
BENCHMARK(TraceAppendCopies)->Unit(benchmark::kMillisecond);

// The state machine alone: a handshake, data, and a teardown, both ends.
void StateInference(benchmark::State& state) {
    const uint32_t client_isn = 1000, server_isn = 5000;
    const std::vector<std::pair<Side, Segment>> conversation = {
        {Side::Client, {tcp_flag::Syn, client_isn, 0, 0}},
        {Side::Server, {tcp_flag::Syn | tcp_flag::Ack, server_isn, client_isn + 1, 0}},
        {Side::Client, {tcp_flag::Ack, client_isn + 1, server_isn + 1, 0}},
        {Side::Client, {tcp_flag::Psh | tcp_flag::Ack, client_isn + 1, server_isn + 1, 100}},
        {Side::Server, {tcp_flag::Ack, server_isn + 1, client_isn + 101, 1448}},
        {Side::Client, {tcp_flag::Fin | tcp_flag::Ack, client_isn + 101, server_isn + 1449, 0}},
        {Side::Server, {tcp_flag::Ack, server_isn + 1449, client_isn + 102, 0}},
        {Side::Server, {tcp_flag::Fin | tcp_flag::Ack, server_isn + 1449, client_isn + 102, 0}},
        {Side::Client, {tcp_flag::Ack, client_isn + 102, server_isn + 1450, 0}},
    };
    for (auto _ : state) {
        ConnectionFsm fsm;
        uint64_t tag = 0;
        for (const auto& [side, segment] : conversation) benchmark::DoNotOptimize(fsm.on_segment(side, segment, ++tag));
        benchmark::DoNotOptimize(fsm.flush());
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * conversation.size()));
}
BENCHMARK(StateInference);

// A generated file on disk, made once per run.
const std::string& generated_file() {
    static const std::string path = [] {
        const std::string file =
            (std::filesystem::temp_directory_path() / ("tcplab-open-bench-" + std::to_string(::getpid()) + ".pcapng"))
                .string();
        GeneratorOptions options;
        options.packets = 300'000;
        options.seed = 5;
        write_generated_capture(file, options);
        std::atexit([] { std::filesystem::remove(generated_file()); });
        return file;
    }();
    return path;
}

void OpenWholeFileIndexed(benchmark::State& state) {
    const std::string& path = generated_file();
    uint64_t packets = 0;
    for (auto _ : state) {
        auto opened = open_capture(path);
        if (!opened) {
            state.SkipWithError(opened.error().what.c_str());
            return;
        }
        packets += opened->loaded.packets;
    }
    state.SetItemsProcessed(static_cast<int64_t>(packets));
}
BENCHMARK(OpenWholeFileIndexed)->Unit(benchmark::kMillisecond);

void OpenWholeFileReadTrace(benchmark::State& state) {
    const std::string& path = generated_file();
    uint64_t packets = 0;
    for (auto _ : state) {
        auto loaded = read_trace(path);
        if (!loaded) {
            state.SkipWithError(loaded.error().what.c_str());
            return;
        }
        packets += loaded->packets;
    }
    state.SetItemsProcessed(static_cast<int64_t>(packets));
}
BENCHMARK(OpenWholeFileReadTrace)->Unit(benchmark::kMillisecond);

void WalkRecordHeaders(benchmark::State& state) {
    const std::string& path = generated_file();
    uint64_t packets = 0;
    for (auto _ : state) {
        auto walked = walk_record_headers(path, WalkMethod::Read);
        if (!walked) {
            state.SkipWithError(walked.error().what.c_str());
            return;
        }
        packets += walked->packets;
    }
    state.SetItemsProcessed(static_cast<int64_t>(packets));
}
BENCHMARK(WalkRecordHeaders)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
