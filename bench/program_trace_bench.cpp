// What tracing a student's program costs: an echo client makes 10,000 round
// trips to an echo server in one lab host, once untraced and once traced
// (scenarios/program_tracer), alternately, several times in the same run;
// each client measures its own loop. Prints the medians and their ratio (the
// goal: traced at most 2x the untraced time), and checks in every traced run
// that no call was lost or given to the wrong program: each side made
// exactly the sends and receives its loop made, under its own process id.
//
//   build/bench/program_trace_bench [--round-trips 10000] [--runs 5] [--language python|c|both]
//                                   [--topology loopback|two-hosts] [--placement one-cpu|any-cpu|both]
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>
#include <vector>

#include "scenarios/program_tracer.hpp"
#include "scenarios/program_user.hpp"
#include "scenarios/sandbox.hpp"
#include "scenarios/wire.hpp"

namespace {

using namespace tcplab;
using namespace std::chrono_literals;

constexpr const char* kPath = "/usr/local/bin:/usr/bin:/bin";

// Each message is 16 bytes; a reply is read until all 16 came back.
const char* kPythonServer = R"(
import socket, sys
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("0.0.0.0", int(sys.argv[1])))
listener.listen(1)
connection, _ = listener.accept()
while True:
    data = connection.recv(64)
    if not data:
        break
    connection.sendall(data)
)";

const char* kPythonClient = R"(
import socket, sys, time
rounds = int(sys.argv[2])
client = socket.create_connection((sys.argv[3], int(sys.argv[1])))
message = b"0123456789abcdef"
started = time.perf_counter()
for _ in range(rounds):
    client.sendall(message)
    got = 0
    while got < len(message):
        got += len(client.recv(64))
print(time.perf_counter() - started, flush=True)
client.close()
)";

const char* kCServer = R"(
#include <arpa/inet.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
int main(int argc, char** argv) {
    int listener = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1]))};
    if (bind(listener, (struct sockaddr*)&address, sizeof address) != 0) return 1;
    listen(listener, 1);
    int connection = accept(listener, 0, 0);
    char buffer[64];
    ssize_t got;
    while ((got = recv(connection, buffer, sizeof buffer, 0)) > 0) send(connection, buffer, got, 0);
    return 0;
}
)";

const char* kCClient = R"(
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
int main(int argc, char** argv) {
    int rounds = atoi(argv[2]);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1]))};
    inet_pton(AF_INET, argv[3], &address.sin_addr);
    while (connect(s, (struct sockaddr*)&address, sizeof address) != 0) usleep(1000);
    const char message[16] = "0123456789abcde";
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (int i = 0; i < rounds; ++i) {
        send(s, message, sizeof message, 0);
        char buffer[64];
        for (ssize_t got = 0; got < (ssize_t)sizeof message;) got += recv(s, buffer, sizeof buffer, 0);
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    printf("%f\n", (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9);
    close(s);
    return 0;
}
)";

struct Pair {
    std::string name;
    std::vector<std::string> server, client;  // without the port and rounds
};

std::string write_file(const std::string& directory, const std::string& name, const char* text) {
    const std::string path = directory + "/" + name;
    std::ofstream(path) << text;
    chmod(path.c_str(), 0644);
    return path;
}

// What a non-blocking pipe holds now, appended to `text`.
void append_available(int fd, std::string& text) {
    char buffer[256];
    for (ssize_t got; (got = read(fd, buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<size_t>(got));
}

// The lab: one host (loopback), or two joined by the wire.
struct Lab {
    std::vector<Sandbox> hosts;  // the client's first
    std::unique_ptr<Wire> wire;
    std::string server_address = "127.0.0.1";
    const Sandbox& client() const { return hosts.front(); }
    const Sandbox& server() const { return hosts.back(); }
    // The wire's events are not what this measures: throw them away.
    void drain_wire() {
        if (wire) wire->events().drain([](WireEvent) {});
    }
};

std::vector<std::string> server_argv(std::vector<std::string> argv, int port) {
    argv.push_back(std::to_string(port));
    return argv;
}

std::vector<std::string> client_argv(std::vector<std::string> argv, int port, int rounds, const Lab& lab) {
    argv.push_back(std::to_string(port));
    argv.push_back(std::to_string(rounds));
    argv.push_back(lab.server_address);
    return argv;
}

// Starts `argv` in `host` without any tracing, as a shell in the lab host
// would: a thread in the host's network namespace forks it. With `cpu` >= 0
// it keeps to that CPU, as traced programs keep to their tracer's.
pid_t spawn_untraced(const Sandbox& host, const std::vector<std::string>& argv, int out, int cpu) {
    pid_t pid = -1;
    std::thread spawner([&] {
        if (!host.enter()) return;
        pid = fork();
        if (pid == 0) {
            std::vector<char*> pointers;
            for (const std::string& argument : argv) pointers.push_back(const_cast<char*>(argument.c_str()));
            pointers.push_back(nullptr);
            if (out >= 0) dup2(out, 1);
            if (cpu >= 0) {
                cpu_set_t one;
                CPU_ZERO(&one);
                CPU_SET(cpu, &one);
                sched_setaffinity(0, sizeof one, &one);
            }
            setenv("PATH", kPath, 1);
            execvp(pointers[0], pointers.data());
            _exit(127);
        }
    });
    spawner.join();
    return pid;
}

double run_untraced(Lab& lab, const Pair& pair, int port, int rounds, bool one_cpu) {
    const int cpu = one_cpu ? sched_getcpu() : -1;
    const pid_t server = spawn_untraced(lab.server(), server_argv(pair.server, port), -1, cpu);
    std::this_thread::sleep_for(300ms);  // the server listens well before this
    int output[2];
    if (pipe2(output, O_CLOEXEC) != 0) return -1;
    const pid_t client = spawn_untraced(lab.client(), client_argv(pair.client, port, rounds, lab), output[1], cpu);
    close(output[1]);
    fcntl(output[0], F_SETFL, O_NONBLOCK);
    std::string text;
    for (int status = 0; waitpid(client, &status, WNOHANG) == 0;) {
        lab.drain_wire();
        append_available(output[0], text);
        std::this_thread::sleep_for(2ms);
    }
    append_available(output[0], text);
    close(output[0]);
    waitpid(server, nullptr, 0);
    return std::atof(text.c_str());
}

struct TracedResult {
    double seconds = -1;
    double tracer_cpu_us_per_stop = 0;  // the tracer's own CPU time per seccomp stop
    uint64_t queue_waits = 0;           // times the program waited for room in the queue
    bool complete = false;              // every call there and attributed
    std::string problem;
};

TracedResult run_traced(Lab& lab, const ProgramUser& user, const std::string& directory, const Pair& pair, int port,
                        int rounds, bool one_cpu) {
    TracedResult result;
    auto tracer = ProgramTracer::start(8192, one_cpu);
    if (!tracer) {
        result.problem = tracer.error().what;
        return result;
    }
    const auto launch = [&](std::vector<std::string> argv, Actor host, int out) {
        ProgramLaunch program;
        program.argv = std::move(argv);
        program.environment = {std::string("PATH=") + kPath};
        program.working_directory = directory;
        program.host = host;
        program.netns_fd = (host == Actor::Client ? lab.client() : lab.server()).netns_fd();
        program.user = user;
        program.stdout_fd = out;
        return tracer.value()->launch(std::move(program));
    };
    std::vector<CallEvent> calls;
    std::vector<ProgramExit> exits;
    const auto drain = [&] {
        lab.drain_wire();
        tracer.value()->calls().drain([&](CallEvent event) { calls.push_back(std::move(event)); });
        tracer.value()->exits().drain([&](ProgramExit exit) { exits.push_back(exit); });
    };
    timespec cpu_before{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu_before);
    auto server = launch(server_argv(pair.server, port), Actor::Server, -1);
    if (!server) {
        result.problem = server.error().what;
        return result;
    }
    // The client starts once the server listens, as tcplab exec does.
    const auto listening = [&] {
        for (const CallEvent& call : calls)
            if (call.call == "listen" && call.result == 0) return true;
        return false;
    };
    for (auto deadline = std::chrono::steady_clock::now() + 10s;
         !listening() && std::chrono::steady_clock::now() < deadline;)
        drain(), std::this_thread::sleep_for(1ms);
    int output[2];
    if (pipe2(output, O_CLOEXEC) != 0) return result;
    auto client = launch(client_argv(pair.client, port, rounds, lab), Actor::Client, output[1]);
    close(output[1]);
    if (!client) {
        close(output[0]);
        result.problem = client.error().what;
        return result;
    }
    // The reader drains as the window would, once a frame's worth of time.
    fcntl(output[0], F_SETFL, O_NONBLOCK);
    std::string text;
    while (exits.size() < 2) {
        drain();
        append_available(output[0], text);
        std::this_thread::sleep_for(2ms);
    }
    drain();
    append_available(output[0], text);
    close(output[0]);
    result.seconds = std::atof(text.c_str());
    timespec cpu_after{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu_after);
    const double cpu_us = (cpu_after.tv_sec - cpu_before.tv_sec) * 1e6 + (cpu_after.tv_nsec - cpu_before.tv_nsec) / 1e3;
    result.tracer_cpu_us_per_stop = cpu_us / std::max<uint64_t>(1, tracer.value()->counters().stops);
    result.queue_waits = tracer.value()->counters().queue_waits;

    // Every message: one send (16 bytes) by the client and by the server, and
    // receives adding up to 16 bytes each, all from the right process.
    std::map<std::string, int64_t> sent, received, count;
    for (const CallEvent& call : calls) {
        const pid_t expected = call.actor == Actor::Client ? client.value() : server.value();
        if (call.process != expected) {
            result.problem = "a " + call.call + " by process " + std::to_string(call.process) + " was given to the " +
                             std::string(actor_name(call.actor));
            return result;
        }
        const std::string side(actor_name(call.actor));
        ++count[side + " " + call.call];
        if (call.call == "send" && call.result > 0) sent[side] += call.result;
        if (call.call == "recv" && call.result > 0) received[side] += call.result;
    }
    const int64_t bytes = int64_t{rounds} * 16;
    const int64_t client_sends = count["client send"];
    result.complete = sent["client"] == bytes && received["server"] == bytes && sent["server"] == bytes &&
                      received["client"] == bytes && client_sends == rounds && count["server send"] >= 1 &&
                      tracer.value()->calls().dropped() == 0;
    if (!result.complete)
        result.problem = "client sent " + std::to_string(sent["client"]) + " bytes in " + std::to_string(client_sends) +
                         " sends, server received " + std::to_string(received["server"]) + ", server sent " +
                         std::to_string(sent["server"]) + ", client received " + std::to_string(received["client"]) +
                         " (expected " + std::to_string(bytes) + " each), queue drops " +
                         std::to_string(tracer.value()->calls().dropped());
    return result;
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values.empty() ? 0 : values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    int rounds = 10000;
    int runs = 5;
    std::string language = "both";
    std::string topology = "loopback";
    std::string placement = "both";
    CLI::App app{"How much slower a traced echo loop runs than an untraced one"};
    app.add_option("--round-trips", rounds, "round trips per run")->check(CLI::PositiveNumber);
    app.add_option("--runs", runs, "traced and untraced runs each, interleaved")->check(CLI::PositiveNumber);
    app.add_option("--language", language, "python, c or both")->check(CLI::IsMember({"python", "c", "both"}));
    app.add_option("--topology", topology, "loopback (one host) or two-hosts (joined by the wire)")
        ->check(CLI::IsMember({"loopback", "two-hosts"}));
    app.add_option("--placement", placement, "traced runs with the tracer on one CPU (as tcplab), any CPU, or both")
        ->check(CLI::IsMember({"one-cpu", "any-cpu", "both"}));
    CLI11_PARSE(app, argc, argv);

    if (auto prepared = prepare_process(); !prepared) {
        std::fprintf(stderr, "cannot prepare the sandbox: %s\n", prepared.error().what.c_str());
        return 2;
    }
    Lab lab;
    for (int host = 0; host < (topology == "two-hosts" ? 2 : 1); ++host) {
        auto sandbox = Sandbox::create();
        if (!sandbox) {
            std::fprintf(stderr, "cannot create the sandbox: %s\n", sandbox.error().what.c_str());
            return 2;
        }
        lab.hosts.push_back(std::move(sandbox.value()));
    }
    if (topology == "two-hosts") {
        auto wire = Wire::create(lab.client().netns_fd(), lab.server().netns_fd(), {});
        if (!wire) {
            std::fprintf(stderr, "cannot lay the wire: %s\n", wire.error().what.c_str());
            return 2;
        }
        lab.wire = std::move(wire.value());
        lab.server_address = lab.wire->addresses().server.to_string();
    }
    auto user = choose_program_user();
    if (!user) {
        std::fprintf(stderr, "cannot choose the programs' user: %s\n", user.error().what.c_str());
        return 2;
    }
    char name[] = "/tmp/tcplab-bench-XXXXXX";
    const std::string directory = mkdtemp(name);
    chmod(directory.c_str(), 0755);
    std::vector<Pair> pairs;
    if (language != "c")
        pairs.push_back({"python3",
                         {"python3", write_file(directory, "server.py", kPythonServer)},
                         {"python3", write_file(directory, "client.py", kPythonClient)}});
    if (language != "python") {
        const std::string server = write_file(directory, "server.c", kCServer);
        const std::string client = write_file(directory, "client.c", kCClient);
        const std::string build =
            "cc -O2 -o " + directory + "/server " + server + " && cc -O2 -o " + directory + "/client " + client;
        if (std::system(build.c_str()) == 0)
            pairs.push_back({"C", {directory + "/server"}, {directory + "/client"}});
        else
            std::fprintf(stderr, "no C compiler: the C pair is left out\n");
    }

    std::printf("%d round trips of 16 bytes, %s, %d runs each, traced and untraced interleaved\n", rounds,
                topology == "two-hosts" ? "client host to server host over the wire" : "on one lab host (loopback)",
                runs);
    int status = 0;
    int port = 21000;
    // tcplab keeps its tracer and the programs to one CPU; "any CPU" is the
    // same tracer without that, to show what it buys. Each traced placement
    // is compared with untraced programs placed the same way (what tracing
    // itself costs) and with untraced programs on any CPU (how a student's
    // programs run without tcplab): on a VM a wake-up across CPUs can cost
    // more than the stops, which flatters the second ratio.
    std::vector<bool> placements;
    if (placement != "any-cpu") placements.push_back(true);
    if (placement != "one-cpu") placements.push_back(false);
    const auto placement_name = [](bool one_cpu) { return one_cpu ? "one CPU" : "any CPU"; };
    for (const Pair& pair : pairs) {
        std::map<bool, std::vector<double>> untraced, traced, cpu_per_stop;
        bool all_complete = true;
        uint64_t queue_waits = 0;
        for (int run = 0; run < runs; ++run) {
            for (bool one_cpu : {false, true})
                untraced[one_cpu].push_back(run_untraced(lab, pair, port++, rounds, one_cpu));
            for (bool one_cpu : placements) {
                const TracedResult result = run_traced(lab, user.value(), directory, pair, port++, rounds, one_cpu);
                traced[one_cpu].push_back(result.seconds);
                cpu_per_stop[one_cpu].push_back(result.tracer_cpu_us_per_stop);
                queue_waits += result.queue_waits;
                if (!result.complete) {
                    all_complete = false;
                    std::printf("  %s run %d: %s\n", pair.name.c_str(), run + 1, result.problem.c_str());
                }
            }
        }
        const auto print_runs = [&](const char* what, const std::vector<double>& times) {
            std::printf("%-8s %-26s median %.3f s (%5.1f µs a round trip), runs:", pair.name.c_str(), what,
                        median(times), median(times) / rounds * 1e6);
            for (double seconds : times) std::printf(" %.3f", seconds);
            std::printf("\n");
        };
        for (bool one_cpu : {false, true})
            print_runs(one_cpu ? "untraced, one CPU" : "untraced, any CPU", untraced[one_cpu]);
        for (bool one_cpu : placements) {
            print_runs(one_cpu ? "traced, one CPU (tcplab)" : "traced, any CPU", traced[one_cpu]);
            const double same = median(traced[one_cpu]) / median(untraced[one_cpu]);
            std::printf("         ratio %.2fx to untraced on %s (goal <= 2x: %s)", same, placement_name(one_cpu),
                        same <= 2.0 ? "met" : "NOT MET");
            if (one_cpu) {
                const double unpinned = median(traced[one_cpu]) / median(untraced[false]);
                std::printf(", %.2fx to untraced on any CPU (%s)", unpinned, unpinned <= 2.0 ? "met" : "NOT MET");
            }
            std::printf("; tcplab's CPU time per traced call (median): %.1f µs\n", median(cpu_per_stop[one_cpu]));
        }
        std::printf("         calls: %s; the programs waited for room in the queue %llu times\n",
                    all_complete ? "none lost or misattributed" : "PROBLEMS (above)",
                    static_cast<unsigned long long>(queue_waits));
        if (!all_complete) status = 1;
    }
    std::filesystem::remove_all(directory);
    return status;
}
