// How many segments per second the wire relays with the gate open: a sender
// in the client host blasts small UDP datagrams at the server host for a
// while, and we count what the relay moved. Run: build/bench/wire_bench
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

#include "scenarios/sandbox.hpp"
#include "scenarios/wire.hpp"

namespace {

void WireRelaysSegments(benchmark::State& state) {
    auto client = tcplab::Sandbox::create();
    auto server = tcplab::Sandbox::create();
    if (!client || !server) {
        state.SkipWithError("cannot create the sandbox");
        return;
    }
    auto wire = tcplab::Wire::create(client->netns_fd(), server->netns_fd(), {});
    if (!wire) {
        state.SkipWithError(wire.error().what.c_str());
        return;
    }
    const auto payload = static_cast<size_t>(state.range(0));
    for (auto _ : state) {
        const uint64_t before = wire.value()->stats().relayed;
        std::atomic<bool> stop{false};
        std::thread sender([&] {
            if (!client->enter()) return;
            const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            sockaddr_in target{};
            target.sin_family = AF_INET;
            target.sin_port = htons(9);  // discard
            inet_pton(AF_INET, "198.18.0.2", &target.sin_addr);
            std::vector<char> data(payload, 'x');
            // Batches of datagrams per system call, so the sender is not what we measure.
            std::vector<mmsghdr> batch(64);
            iovec vector{data.data(), data.size()};
            for (mmsghdr& message : batch) {
                message = {};
                message.msg_hdr.msg_name = &target;
                message.msg_hdr.msg_namelen = sizeof target;
                message.msg_hdr.msg_iov = &vector;
                message.msg_hdr.msg_iovlen = 1;
            }
            while (!stop.load(std::memory_order_relaxed)) ::sendmmsg(fd, batch.data(), batch.size(), 0);
            ::close(fd);
        });
        std::this_thread::sleep_for(std::chrono::seconds(2));
        stop = true;
        sender.join();
        const uint64_t relayed = wire.value()->stats().relayed - before;
        state.counters["segments_per_second"] = static_cast<double>(relayed) / 2.0;
        state.SetItemsProcessed(static_cast<int64_t>(relayed));
    }
}
BENCHMARK(WireRelaysSegments)->Arg(20)->Arg(1000)->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
    if (auto prepared = tcplab::prepare_process(); !prepared) return 2;
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    return 0;
}
