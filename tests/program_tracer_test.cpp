// The program tracer on its own, with real programs in a sandbox: a Python
// echo pair, a C program built here (dynamic and static), a forking and a
// threading server, partial sends, a crash, a program that is not a socket
// program, and the user the programs run as.
#include "scenarios/program_tracer.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>
#include <utility>

#include "scenarios/program_user.hpp"
#include "scenarios/sandbox.hpp"

namespace tcplab {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

const char* kPath = "/usr/local/bin:/usr/bin:/bin";

bool have(const std::string& program) { return find_executable(program, kPath, nullptr).ok(); }

// A directory every user can read (the programs may run as `nobody`).
class ScratchDirectory {
public:
    ScratchDirectory() {
        char name[] = "/tmp/tcplab-tracer-XXXXXX";
        path_ = mkdtemp(name);
        chmod(path_.c_str(), 0755);
    }
    ~ScratchDirectory() { fs::remove_all(path_); }
    std::string write(const std::string& name, const std::string& text) const {
        const std::string file = path_ + "/" + name;
        std::ofstream(file) << text;
        chmod(file.c_str(), 0644);
        return file;
    }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

struct Finished {
    std::vector<CallEvent> calls;
    std::vector<ProgramExit> exits;
};

class TracedPrograms : public testing::Test {
protected:
    void SetUp() override {
        auto sandbox = Sandbox::create();
        ASSERT_TRUE(sandbox) << sandbox.error().what;
        sandbox_ = std::make_unique<Sandbox>(std::move(sandbox.value()));
        auto tracer = ProgramTracer::start();
        ASSERT_TRUE(tracer) << tracer.error().what;
        tracer_ = std::move(tracer.value());
        auto user = choose_program_user();
        ASSERT_TRUE(user) << user.error().what;
        user_ = user.value();
    }

    ProgramLaunch program(std::vector<std::string> argv, Actor host = Actor::Server) const {
        ProgramLaunch launch;
        launch.argv = std::move(argv);
        launch.environment = {std::string("PATH=") + kPath, "LANG=C.UTF-8", "PYTHONDONTWRITEBYTECODE=1"};
        launch.working_directory = scratch_.path();
        launch.host = host;
        launch.netns_fd = sandbox_->netns_fd();
        launch.user = user_;
        launch.stdout_fd = output_fd_;
        launch.stderr_fd = output_fd_;
        return launch;
    }

    pid_t start(ProgramLaunch launch) {
        auto pid = tracer_->launch(std::move(launch));
        EXPECT_TRUE(pid) << (pid ? "" : pid.error().what);
        if (pid) launched_.insert(pid.value());
        return pid ? pid.value() : -1;
    }

    // Takes calls until `condition` holds on what was taken.
    template <class Condition>
    bool drain_until(Condition condition, std::chrono::milliseconds limit = 20s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            tracer_->calls().drain([&](CallEvent event) { taken_.calls.push_back(std::move(event)); });
            tracer_->exits().drain([&](ProgramExit exit) { taken_.exits.push_back(exit); });
            if (condition(taken_)) return true;
            std::this_thread::sleep_for(2ms);
        }
        return false;
    }

    bool launched_all_exited() {
        return drain_until([&](const Finished& taken) {
            size_t ended = 0;
            for (const ProgramExit& exit : taken.exits) ended += launched_.count(exit.pid);
            return ended == launched_.size();
        });
    }

    void TearDown() override {
        if (!HasFailure() && !std::getenv("TCPLAB_TEST_SHOW_CALLS")) return;
        for (const CallEvent& call : taken_.calls)
            std::printf("  %s %s[%d/%d] %s(%s) = %lld %s  \"%s\"\n", std::string(actor_name(call.actor)).c_str(),
                        call.program.c_str(), call.process, call.thread, call.call.c_str(), call.arguments.c_str(),
                        static_cast<long long>(call.result),
                        call.error_number ? strerrorname_np(call.error_number) : "", call.data.c_str());
    }

    std::vector<CallEvent> calls_named(const std::string& name, Actor actor) const {
        std::vector<CallEvent> found;
        for (const CallEvent& call : taken_.calls)
            if (call.call == name && call.actor == actor) found.push_back(call);
        return found;
    }

    const ProgramExit* exit_of(pid_t pid) const {
        for (const ProgramExit& exit : taken_.exits)
            if (exit.pid == pid) return &exit;
        return nullptr;
    }

    std::unique_ptr<Sandbox> sandbox_;
    std::unique_ptr<ProgramTracer> tracer_;
    ProgramUser user_;
    ScratchDirectory scratch_;
    int output_fd_ = -1;  // /dev/null
    std::set<pid_t> launched_;
    Finished taken_;
};

const char* kEchoServer = R"(
import socket
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 9000))
listener.listen(5)
connection, peer = listener.accept()
data = connection.recv(1024)
connection.sendall(data.upper())
connection.close()
listener.close()
)";

const char* kEchoClient = R"(
import socket
client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client.connect(("127.0.0.1", 9000))
client.send(b"hello")
print(client.recv(1024))
client.close()
)";

bool listening(const Finished& taken) {
    for (const CallEvent& call : taken.calls)
        if (call.call == "listen" && call.result == 0) return true;
    return false;
}

TEST_F(TracedPrograms, PythonEchoPairShowsEveryCallWithResults) {
    if (!have("python3")) GTEST_SKIP() << "python3 is not installed";
    const std::string server = scratch_.write("server.py", kEchoServer);
    const std::string client = scratch_.write("client.py", kEchoClient);
    start(program({"python3", server}, Actor::Server));
    ASSERT_TRUE(drain_until(listening));
    start(program({"python3", client}, Actor::Client));
    ASSERT_TRUE(launched_all_exited());

    const auto connects = calls_named("connect", Actor::Client);
    ASSERT_EQ(connects.size(), 1u);
    EXPECT_EQ(connects[0].result, 0);
    EXPECT_NE(connects[0].arguments.find("127.0.0.1:9000"), std::string::npos) << connects[0].arguments;
    EXPECT_NE(connects[0].local.port, 0);
    const auto sends = calls_named("send", Actor::Client);
    ASSERT_EQ(sends.size(), 1u);
    EXPECT_EQ(sends[0].result, 5);
    EXPECT_EQ(sends[0].data, "hello");
    const auto received = calls_named("recv", Actor::Server);
    ASSERT_EQ(received.size(), 1u);
    EXPECT_EQ(received[0].result, 5);
    EXPECT_EQ(received[0].data, "hello");
    const auto accepted = calls_named("accept", Actor::Server);
    ASSERT_EQ(accepted.size(), 1u);
    EXPECT_GE(accepted[0].result, 0);
    EXPECT_EQ(accepted[0].local.port, 9000);
    const auto replies = calls_named("recv", Actor::Client);
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(replies[0].data, "HELLO");
    EXPECT_EQ(calls_named("bind", Actor::Server).size(), 1u);
    EXPECT_EQ(calls_named("setsockopt", Actor::Server).size(), 1u);
    EXPECT_EQ(calls_named("close", Actor::Server).size(), 2u);
    EXPECT_EQ(calls_named("close", Actor::Client).size(), 1u);
    // print() went to a file descriptor that is not a socket: not a call.
    EXPECT_TRUE(calls_named("write", Actor::Client).empty());
    for (const CallEvent& call : taken_.calls) {
        EXPECT_GE(call.return_ns, call.time_ns);
        EXPECT_GT(call.process, 0);
        EXPECT_GT(call.thread, 0);
    }
    for (pid_t pid : launched_) {
        ASSERT_NE(exit_of(pid), nullptr);
        EXPECT_EQ(exit_of(pid)->exit_code, 0);
    }
}

// C programs, built by the test: a server that forks a child per client,
// its client, and a program whose non-blocking send() is cut short.
const char* kForkingServer = R"(
#include <arpa/inet.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
int main(int argc, char** argv) {
    int clients = atoi(argv[2]);
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1]))};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener, (struct sockaddr*)&address, sizeof address) != 0) return 1;
    listen(listener, 8);
    for (int i = 0; i < clients; ++i) {
        int connection = accept(listener, 0, 0);
        if (fork() == 0) {
            close(listener);
            char buffer[64];
            ssize_t got = read(connection, buffer, sizeof buffer);
            write(connection, buffer, got > 0 ? got : 0);
            close(connection);
            _exit(0);
        }
        close(connection);
    }
    while (wait(0) > 0) {}
    close(listener);
    return 0;
}
)";

const char* kClient = R"(
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
int main(int argc, char** argv) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1]))};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(s, (struct sockaddr*)&address, sizeof address) != 0) return 2;
    write(s, argv[2], strlen(argv[2]));
    char buffer[64];
    ssize_t got = read(s, buffer, sizeof buffer);
    printf("%.*s\n", (int)(got > 0 ? got : 0), buffer);
    close(s);
    return 0;
}
)";

const char* kPartialSend = R"(
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
int main(void) {
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(9100)};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listener, (struct sockaddr*)&address, sizeof address);
    listen(listener, 1);
    int sender = socket(AF_INET, SOCK_STREAM, 0);
    connect(sender, (struct sockaddr*)&address, sizeof address);
    int receiver = accept(listener, 0, 0);
    fcntl(sender, F_SETFL, O_NONBLOCK);
    static char big[4 << 20];
    ssize_t sent = send(sender, big, sizeof big, 0);  /* nobody reads: the buffers fill */
    close(receiver);
    close(sender);
    close(listener);
    return sent > 0 && sent < (ssize_t)sizeof big ? 0 : 1;
}
)";

// Builds `source` into an executable in the scratch directory; "" when no compiler.
std::string build_c(const ScratchDirectory& scratch, const std::string& name, const char* source,
                    bool static_binary = false) {
    if (!have("cc")) return "";
    const std::string file = scratch.write(name + ".c", source);
    const std::string binary = scratch.path() + "/" + name;
    const std::string command =
        "cc -O1 " + std::string(static_binary ? "-static " : "") + "-o " + binary + " " + file + " 2>&1";
    if (std::system(command.c_str()) != 0) return "";
    chmod(binary.c_str(), 0755);
    return binary;
}

TEST_F(TracedPrograms, ForkingCServerChildrenAreFollowedAndLabelled) {
    const std::string server = build_c(scratch_, "forking-server", kForkingServer);
    const std::string client = build_c(scratch_, "client", kClient);
    if (server.empty() || client.empty()) GTEST_SKIP() << "no C compiler (cc)";
    const pid_t server_pid = start(program({server, "9001", "2"}, Actor::Server));
    ASSERT_TRUE(drain_until(listening));
    start(program({client, "9001", "one"}, Actor::Client));
    start(program({client, "9001", "two"}, Actor::Client));
    ASSERT_TRUE(launched_all_exited());

    // Two forks, each child reading and writing its own client's bytes.
    // SIGCHLD interrupts the parent's accept(), which the kernel makes again:
    // one call each time, as the program sees it.
    EXPECT_EQ(calls_named("accept", Actor::Server).size(), 2u);
    const auto forks = calls_named("fork", Actor::Server);
    ASSERT_EQ(forks.size(), 2u);
    std::set<int32_t> children;
    for (const CallEvent& fork : forks) {
        EXPECT_EQ(fork.process, server_pid);
        children.insert(static_cast<int32_t>(fork.result));
    }
    std::set<std::string> echoed;
    for (const CallEvent& read : calls_named("read", Actor::Server)) {
        EXPECT_TRUE(children.count(read.process)) << "a read by " << read.process;
        echoed.insert(read.data);
    }
    EXPECT_EQ(echoed, (std::set<std::string>{"one", "two"}));
    for (const CallEvent& write : calls_named("write", Actor::Server)) EXPECT_TRUE(children.count(write.process));
    // The parent closes its copy of each connection, the child its own.
    size_t closed_by_children = 0;
    for (const CallEvent& close : calls_named("close", Actor::Server))
        closed_by_children += children.count(close.process);
    EXPECT_EQ(closed_by_children, 4u);  // the listener's copy and the connection, in each child
    EXPECT_EQ(calls_named("write", Actor::Client).size(), 2u);
    EXPECT_EQ(calls_named("connect", Actor::Client).size(), 2u);
}

TEST_F(TracedPrograms, StaticBinaryIsTracedToo) {
    const std::string server = build_c(scratch_, "forking-server", kForkingServer);
    const std::string client = build_c(scratch_, "client-static", kClient, true);
    if (server.empty() || client.empty()) GTEST_SKIP() << "no C compiler with a static C library";
    start(program({server, "9002", "1"}, Actor::Server));
    ASSERT_TRUE(drain_until(listening));
    start(program({client, "9002", "static"}, Actor::Client));
    ASSERT_TRUE(launched_all_exited());
    const auto writes = calls_named("write", Actor::Client);
    ASSERT_EQ(writes.size(), 1u);
    EXPECT_EQ(writes[0].result, 6);
    EXPECT_EQ(writes[0].data, "static");
    ASSERT_EQ(calls_named("read", Actor::Client).size(), 1u);
    EXPECT_EQ(calls_named("read", Actor::Client)[0].data, "static");
}

TEST_F(TracedPrograms, PartialSendIsShown) {
    const std::string binary = build_c(scratch_, "partial", kPartialSend);
    if (binary.empty()) GTEST_SKIP() << "no C compiler (cc)";
    const pid_t pid = start(program({binary}, Actor::Client));
    ASSERT_TRUE(launched_all_exited());
    ASSERT_NE(exit_of(pid), nullptr);
    EXPECT_EQ(exit_of(pid)->exit_code, 0) << "the send was not partial";
    const auto sends = calls_named("send", Actor::Client);
    ASSERT_EQ(sends.size(), 1u);
    EXPECT_GT(sends[0].result, 0);
    EXPECT_LT(sends[0].result, 4 << 20);
    EXPECT_NE(sends[0].arguments.find("(partial: " + std::to_string(sends[0].result) + " of 4194304 bytes sent)"),
              std::string::npos)
        << sends[0].arguments;
}

const char* kThreadingServer = R"(
import socketserver, threading
ready = threading.Barrier(3)
class Echo(socketserver.BaseRequestHandler):
    def handle(self):
        data = self.request.recv(1024)
        ready.wait(timeout=10)   # all three handlers run at once
        self.request.sendall(data)
with socketserver.ThreadingTCPServer(("127.0.0.1", 9003), Echo) as server:
    for _ in range(3):
        server.handle_request()
    for thread in threading.enumerate():
        if thread is not threading.main_thread():
            thread.join()
)";

const char* kThreeClients = R"(
import socket, threading
def talk(text):
    with socket.create_connection(("127.0.0.1", 9003)) as s:
        s.sendall(text.encode())
        s.recv(1024)
threads = [threading.Thread(target=talk, args=(name,)) for name in ("a", "b", "c")]
for t in threads: t.start()
for t in threads: t.join()
)";

TEST_F(TracedPrograms, ThreadingServerHandlersAreThreadsOfOneProcess) {
    if (!have("python3")) GTEST_SKIP() << "python3 is not installed";
    const pid_t server = start(program({"python3", scratch_.write("threads.py", kThreadingServer)}, Actor::Server));
    ASSERT_TRUE(drain_until(listening));
    start(program({"python3", scratch_.write("clients.py", kThreeClients)}, Actor::Client));
    ASSERT_TRUE(launched_all_exited());
    std::set<int32_t> handler_threads;
    for (const CallEvent& recv : calls_named("recv", Actor::Server)) {
        EXPECT_EQ(recv.process, server);
        handler_threads.insert(recv.thread);
    }
    EXPECT_EQ(handler_threads.size(), 3u);
    EXPECT_FALSE(handler_threads.count(server)) << "the main thread only accepts";
    EXPECT_EQ(calls_named("clone", Actor::Server).size(), 3u);
    std::set<int32_t> client_threads;
    for (const CallEvent& connect : calls_named("connect", Actor::Client)) client_threads.insert(connect.thread);
    EXPECT_EQ(client_threads.size(), 3u);
}

TEST_F(TracedPrograms, CrashIsReportedWithItsSignal) {
    if (!have("python3")) GTEST_SKIP() << "python3 is not installed";
    const pid_t server = start(program({"python3", scratch_.write("server.py", kEchoServer)}, Actor::Server));
    ASSERT_TRUE(drain_until(listening));
    const pid_t crasher = start(program({"python3", "-c",
                                         "import socket, os, signal\n"
                                         "s = socket.create_connection(('127.0.0.1', 9000))\n"
                                         "os.kill(os.getpid(), signal.SIGSEGV)\n"},
                                        Actor::Client));
    ASSERT_TRUE(launched_all_exited());
    ASSERT_NE(exit_of(crasher), nullptr);
    EXPECT_EQ(exit_of(crasher)->signal, SIGSEGV);
    const auto killed = calls_named("killed", Actor::Client);
    ASSERT_EQ(killed.size(), 1u);
    EXPECT_NE(killed[0].arguments.find("SIGSEGV"), std::string::npos);
    // The kernel closed the crashed program's socket: the server read the end.
    const auto received = calls_named("recv", Actor::Server);
    ASSERT_EQ(received.size(), 1u);
    EXPECT_EQ(received[0].result, 0);
    ASSERT_NE(exit_of(server), nullptr);
}

TEST_F(TracedPrograms, ProgramWithoutSocketsRunsAndMakesNoCalls) {
    const pid_t pid = start(program({"sh", "-c", "echo hello; cat /etc/hostname > /dev/null; exit 3"}));
    ASSERT_TRUE(launched_all_exited());
    ASSERT_NE(exit_of(pid), nullptr);
    EXPECT_EQ(exit_of(pid)->exit_code, 3);
    for (const CallEvent& call : taken_.calls) EXPECT_EQ(call.call, "exit") << call.call;
}

TEST_F(TracedPrograms, MissingProgramIsAnErrorAndLeavesNothing) {
    auto pid = tracer_->launch(program({"no-such-program-tcplab"}));
    ASSERT_FALSE(pid);
    EXPECT_NE(pid.error().what.find("no-such-program-tcplab: command not found"), std::string::npos)
        << pid.error().what;
    EXPECT_EQ(tracer_->live_processes(), 0u);
    ExecutableProblem problem;
    EXPECT_FALSE(find_executable("no-such-program-tcplab", kPath, &problem));
    EXPECT_EQ(problem.exit_code, 127);
    EXPECT_FALSE(find_executable(scratch_.write("not-executable", "data"), kPath, &problem));
    EXPECT_EQ(problem.exit_code, 126);
}

TEST_F(TracedPrograms, NoAddressOutsideTheSandboxIsReachable) {
    if (!have("python3")) GTEST_SKIP() << "python3 is not installed";
    start(program({"python3", "-c",
                   "import socket\n"
                   "s = socket.socket()\n"
                   "print(s.connect_ex(('192.0.2.1', 80)))\n"},
                  Actor::Client));
    ASSERT_TRUE(launched_all_exited());
    const auto connects = calls_named("connect", Actor::Client);
    ASSERT_EQ(connects.size(), 1u);
    EXPECT_EQ(connects[0].result, -1);
    EXPECT_EQ(connects[0].error_number, ENETUNREACH);
}

const char* kGoServer = R"(package main

import (
	"net"
	"strings"
)

func main() {
	listener, err := net.Listen("tcp", "127.0.0.1:9004")
	if err != nil {
		panic(err)
	}
	connection, err := listener.Accept()
	if err != nil {
		panic(err)
	}
	buffer := make([]byte, 64)
	got, _ := connection.Read(buffer)
	connection.Write([]byte(strings.ToUpper(string(buffer[:got]))))
	connection.Close()
	listener.Close()
}
)";

const char* kGoClient = R"(package main

import "net"

func main() {
	connection, err := net.Dial("tcp", "127.0.0.1:9004")
	if err != nil {
		panic(err)
	}
	connection.Write([]byte("hello"))
	buffer := make([]byte, 64)
	connection.Read(buffer)
	connection.Close()
}
)";

// Go's runtime makes raw system calls from several threads, with
// non-blocking sockets and epoll: no C library to hook, and still traced.
TEST_F(TracedPrograms, GoProgramsAreTracedThroughTheirRuntime) {
    if (!have("go")) GTEST_SKIP() << "no Go toolchain (go)";
    const std::string cache = scratch_.path() + "/go-cache";
    const std::string build = "HOME=" + scratch_.path() + " GOCACHE=" + cache + " GO111MODULE=off go build -o ";
    for (const auto& [name, source] : {std::pair{"go-server", kGoServer}, std::pair{"go-client", kGoClient}}) {
        const std::string file = scratch_.write(std::string(name) + ".go", source);
        const std::string command = build + scratch_.path() + "/" + name + " " + file + " 2>&1";
        ASSERT_EQ(std::system(command.c_str()), 0) << command;
        chmod((scratch_.path() + "/" + name).c_str(), 0755);
    }
    const pid_t server = start(program({scratch_.path() + "/go-server"}, Actor::Server));
    ASSERT_TRUE(drain_until(listening));
    const pid_t client = start(program({scratch_.path() + "/go-client"}, Actor::Client));
    ASSERT_TRUE(launched_all_exited());
    ASSERT_NE(exit_of(server), nullptr);
    EXPECT_EQ(exit_of(server)->exit_code, 0);
    EXPECT_EQ(exit_of(client)->exit_code, 0);
    // Every call is the launched process's, whichever of its threads made it.
    for (const CallEvent& call : taken_.calls) EXPECT_EQ(call.process, call.actor == Actor::Server ? server : client);
    const auto writes = calls_named("write", Actor::Client);
    ASSERT_EQ(writes.size(), 1u);
    EXPECT_EQ(writes[0].result, 5);
    bool read_hello = false, accepted = false, read_reply = false, waited_on_socket = false;
    for (const CallEvent& read : calls_named("read", Actor::Server)) read_hello = read_hello || read.data == "hello";
    for (const CallEvent& accept : calls_named("accept", Actor::Server)) accepted = accepted || accept.result >= 0;
    for (const CallEvent& read : calls_named("read", Actor::Client)) read_reply = read_reply || read.data == "HELLO";
    for (const CallEvent& call : taken_.calls)
        waited_on_socket = waited_on_socket ||
                           (call.call.rfind("epoll_", 0) == 0 && call.arguments.find("→ fd=") != std::string::npos);
    EXPECT_TRUE(read_hello);
    EXPECT_TRUE(accepted);
    EXPECT_TRUE(read_reply);
    EXPECT_TRUE(waited_on_socket) << "no epoll wait that a socket ended";
    // A non-blocking connect() returns EINPROGRESS; the kernel's answer comes through SO_ERROR.
    const auto connects = calls_named("connect", Actor::Client);
    ASSERT_EQ(connects.size(), 1u);
    EXPECT_TRUE(connects[0].result == 0 || connects[0].error_number == EINPROGRESS);
}

TEST_F(TracedPrograms, ProgramRunsAsTheUserWithoutCapabilitiesOnItsOwnHost) {
    int output[2];
    ASSERT_EQ(pipe2(output, O_CLOEXEC), 0);
    const std::string hosts = scratch_.write("hosts", "198.18.0.1 client\n198.18.0.2 server\n");
    ProgramLaunch launch =
        program({"sh", "-c", "id -u; id -g; grep CapEff /proc/self/status; hostname; cat /etc/hosts"});
    launch.stdout_fd = output[1];
    launch.host_name = "server";
    launch.hosts_file = hosts;
    const pid_t pid = start(std::move(launch));
    close(output[1]);
    ASSERT_TRUE(launched_all_exited());
    std::string text;
    char buffer[512];
    for (ssize_t got; (got = read(output[0], buffer, sizeof buffer)) > 0;)
        text.append(buffer, static_cast<size_t>(got));
    close(output[0]);
    ASSERT_NE(exit_of(pid), nullptr);
    EXPECT_EQ(exit_of(pid)->exit_code, 0);
    EXPECT_EQ(text, std::to_string(user_.uid) + "\n" + std::to_string(user_.gid) + "\nCapEff:\t0000000000000000\n" +
                        "server\n198.18.0.1 client\n198.18.0.2 server\n");
    EXPECT_NE(user_.uid, 0u) << "never root";
    // The lab's /etc/hosts was the program's alone.
    std::ifstream real("/etc/hosts");
    const std::string real_hosts((std::istreambuf_iterator<char>(real)), std::istreambuf_iterator<char>());
    EXPECT_EQ(real_hosts.find("198.18.0.2 server"), std::string::npos);
}

}  // namespace
}  // namespace tcplab
