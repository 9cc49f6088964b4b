// tcplab exec and tcplab shell end to end, as a student runs them: the
// examples on the lab's hosts with their calls, segments and both ends'
// states; a missing program, a timeout, Ctrl-C, a crash and a killed tcplab
// with their exit codes and nothing left behind; the programs' user; nothing
// reaching outside the lab; a shell and a second shell joining its lab.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/run_tcplab.hpp"
#include "tests/temp_dir.hpp"

namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// The programs run as another user (nobody, when root runs the tests): they
// get a PATH every user can read.
// No display: with one, exec would show its run in the window instead of the terminal.
const std::string kEnvironment = "env -u DISPLAY -u WAYLAND_DISPLAY PATH=/usr/local/bin:/usr/bin:/bin ";

struct Outcome {
    int exit_code = -1;
    std::string output;
};

Outcome run_shell(const std::string& command) {
    Outcome outcome;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return outcome;
    std::array<char, 4096> buffer{};
    for (size_t read; (read = fread(buffer.data(), 1, buffer.size(), pipe)) > 0;)
        outcome.output.append(buffer.data(), read);
    const int status = pclose(pipe);
    outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return outcome;
}

Outcome tcplab(const std::string& arguments, const std::string& input = "/dev/null") {
    return run_shell(kEnvironment + "'" + TCPLAB_BINARY + "' " + arguments + " < " + input + " 2>&1");
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

bool have_python() { return access("/usr/bin/python3", X_OK) == 0; }

std::vector<json> json_lines(const std::string& output) {
    std::vector<json> lines;
    std::istringstream in(output);
    for (std::string line; std::getline(in, line);) {
        auto parsed = json::parse(line, nullptr, false);
        if (!parsed.is_discarded() && parsed.is_object()) lines.push_back(parsed);
    }
    return lines;
}

std::vector<json> of_type(const std::vector<json>& lines, const std::string& type) {
    std::vector<json> found;
    for (const json& line : lines)
        if (line.value("type", "") == type) found.push_back(line);
    return found;
}

std::vector<json> calls(const std::vector<json>& lines, const std::string& actor, const std::string& name) {
    std::vector<json> found;
    for (const json& line : of_type(lines, "call"))
        if (line.value("actor", "") == actor && line.value("call", "") == name) found.push_back(line);
    return found;
}

bool segment_seen(const std::vector<json>& lines, const std::string& flags) {
    for (const json& line : of_type(lines, "packet"))
        if (line.value("flags", "") == flags) return true;
    return false;
}

bool state_seen(const std::vector<json>& lines, const std::string& actor, const std::string& state) {
    for (const json& line : of_type(lines, "state"))
        if (line.value("actor", "") == actor && line.value("to", "") == state) return true;
    return false;
}

// The lab's hosts-file folders left in `runtime` (tcplab makes them in
// XDG_RUNTIME_DIR): each test gives tcplab a folder of its own, so that the
// labs of tests running at the same time are not counted.
size_t hosts_folders(const std::filesystem::path& runtime) {
    size_t count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(runtime))
        count += entry.path().filename().string().rfind("tcplab-hosts-", 0) == 0;
    return count;
}

Outcome tcplab_in(const ::tcplab::test::TempDir& runtime, const std::string& arguments) {
    return run_shell(kEnvironment + "XDG_RUNTIME_DIR='" + runtime.path().string() + "' '" + TCPLAB_BINARY + "' " +
                     arguments + " < /dev/null 2>&1");
}

TEST(Exec, ListNamesTheExamples) {
    const Outcome listed = tcplab("list --examples");
    EXPECT_EQ(listed.exit_code, 0);
    for (const char* name : {"echo", "sticky", "length-prefix", "file-transfer", "threading", "reset"})
        EXPECT_TRUE(contains(listed.output, name)) << name;
    EXPECT_TRUE(contains(tcplab("list --examples --lang zh").output, "回声服务端与客户端"));
}

TEST(Exec, EchoExampleShowsCallsSegmentsAndBothEndsStates) {
    if (!have_python()) GTEST_SKIP() << "python3 is not installed (bash cmake/quickstart.sh test installs it)";
    const Outcome run = tcplab("exec --example echo --json");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    const auto lines = json_lines(run.output);
    const auto connects = calls(lines, "client", "connect");
    ASSERT_EQ(connects.size(), 1u) << run.output;
    EXPECT_EQ(connects[0]["result"], 0);
    ASSERT_FALSE(calls(lines, "client", "send").empty());
    EXPECT_EQ(calls(lines, "client", "send")[0]["result"], 5);
    EXPECT_EQ(calls(lines, "server", "recv")[0]["data"], "hello");
    EXPECT_EQ(calls(lines, "server", "accept").size(), 1u);
    EXPECT_GT(calls(lines, "server", "accept")[0].value("process", 0), 0);
    EXPECT_TRUE(segment_seen(lines, "SYN"));
    EXPECT_TRUE(segment_seen(lines, "SYN-ACK"));
    EXPECT_TRUE(segment_seen(lines, "FIN-ACK"));
    EXPECT_TRUE(state_seen(lines, "server", "LISTEN"));
    EXPECT_TRUE(state_seen(lines, "client", "ESTABLISHED"));
    EXPECT_TRUE(state_seen(lines, "server", "ESTABLISHED"));
    EXPECT_TRUE(state_seen(lines, "client", "TIME_WAIT"));
    bool echoed = false;
    for (const json& line : of_type(lines, "output"))
        echoed = echoed || (line["label"] == "client" && line["text"] == "echo: hello");
    EXPECT_TRUE(echoed);
    EXPECT_EQ(of_type(lines, "program_exit").size(), 2u);
}

// A student whose PC keeps /dev/net/tun closed still runs their programs, on
// one host: unlike a lesson, they need no wire.
TEST(Exec, WithoutTheWireProgramsRunOnOneHost) {
    if (!have_python()) GTEST_SKIP() << "python3 is not installed (bash cmake/quickstart.sh test installs it)";
    const tcplab::test::TempDir node_folder("tcplab-tun-node");
    const tcplab::test::StudentWithoutTun without_tun = tcplab::test::student_without_tun(node_folder);
    if (!without_tun.cannot.empty()) GTEST_SKIP() << without_tun.cannot;
    const Outcome run = run_shell(without_tun.prefix + " " + kEnvironment + "'" + TCPLAB_BINARY +
                                  "' exec --example echo --json < /dev/null 2>&1");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_TRUE(contains(run.output, "/dev/net/tun")) << run.output;
    EXPECT_TRUE(contains(run.output, "one host")) << run.output;
    const auto lines = json_lines(run.output);
    const auto connects = calls(lines, "client", "connect");
    ASSERT_EQ(connects.size(), 1u) << run.output;
    EXPECT_EQ(connects[0]["result"], 0);
    EXPECT_EQ(calls(lines, "server", "recv")[0]["data"], "hello");
}

// A line is dated when the program wrote it, not when tcplab read it: a
// client that prints, then connects at once, has its line before its SYN,
// even when tcplab is still reading the many lines it printed before. A line
// finished after connect() returned is dated after it.
TEST(Exec, OutputLinesAreDatedByTheWriteNotByTheRead) {
    if (!have_python()) GTEST_SKIP() << "python3 is not installed";
    char name[] = "/tmp/tcplab-exec-order-XXXXXX";
    const std::string folder = mkdtemp(name);
    chmod(folder.c_str(), 0755);
    std::ofstream(folder + "/server.py") << "import socket\n"
                                            "listener = socket.socket()\n"
                                            "listener.bind(('', 9000))\n"
                                            "listener.listen()\n"
                                            "connection, _ = listener.accept()\n"
                                            "connection.recv(100)\n";
    std::ofstream(folder + "/client.py") << "import socket, sys\n"
                                            "client = socket.socket()\n"
                                            "for line in range(2000):\n"
                                            "    print('%060d' % line)\n"
                                            "print('about to connect')\n"
                                            "sys.stdout.write('connecting... ')\n"
                                            "sys.stdout.flush()\n"
                                            "client.connect(('server', 9000))\n"
                                            "print('connected')\n";
    const Outcome run =
        tcplab("exec --json --server 'python3 " + folder + "/server.py' --client 'python3 " + folder + "/client.py'");
    std::filesystem::remove_all(folder);
    ASSERT_EQ(run.exit_code, 0) << run.output;
    const auto lines = json_lines(run.output);
    int64_t first_syn = 0;
    for (const json& packet : of_type(lines, "packet"))
        if (packet.value("flags", "") == "SYN" && (first_syn == 0 || packet["time_ns"] < first_syn))
            first_syn = packet["time_ns"];
    ASSERT_NE(first_syn, 0) << run.output;
    std::map<std::string, int64_t> written;
    for (const json& line : of_type(lines, "output"))
        if (line["label"] == "client") written[line["text"]] = line["time_ns"];
    ASSERT_EQ(written.count("about to connect"), 1u) << run.output;
    ASSERT_EQ(written.count("connecting... connected"), 1u) << run.output;
    EXPECT_LT(written["about to connect"], first_syn);
    ASSERT_FALSE(calls(lines, "client", "connect").empty()) << run.output;
    EXPECT_GT(written["connecting... connected"], calls(lines, "client", "connect")[0]["return_ns"].get<int64_t>());
}

TEST(Exec, StickyExampleThreeSendsAreOneRecvOfFourteen) {
    if (!have_python()) GTEST_SKIP() << "python3 is not installed";
    const Outcome run = tcplab("exec --example sticky --json");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    const auto lines = json_lines(run.output);
    EXPECT_EQ(calls(lines, "client", "connect").at(0)["result"], 0);
    const auto sends = calls(lines, "client", "send");
    ASSERT_EQ(sends.size(), 3u);
    EXPECT_EQ(sends[0]["result"], 5);
    EXPECT_EQ(calls(lines, "server", "recv").at(0)["result"], 14);
}

TEST(Exec, MissingProgramIsExit127AndLeavesNothing) {
    const ::tcplab::test::TempDir runtime;
    const Outcome missing =
        tcplab_in(runtime, "exec --server 'no-such-program-tcplab 9000' --record /tmp/tcplab-never.pcapng");
    EXPECT_EQ(missing.exit_code, 127);
    EXPECT_TRUE(contains(missing.output, "no-such-program-tcplab: command not found")) << missing.output;
    EXPECT_FALSE(std::filesystem::exists("/tmp/tcplab-never.pcapng"));
    EXPECT_EQ(hosts_folders(runtime.path()), 0u);
    EXPECT_EQ(tcplab("exec --host client -- /etc/passwd").exit_code, 126);
}

TEST(Exec, AScreenshotWithoutAWindowIsAUsageErrorBeforeAnythingRuns) {
    const ::tcplab::test::TempDir runtime;
    const Outcome asked = tcplab_in(runtime, "exec --server 'sleep 1' --screenshot /tmp/tcplab-never.png");
    EXPECT_EQ(asked.exit_code, 64) << asked.output;
    EXPECT_TRUE(contains(asked.output, "--screenshot")) << asked.output;
    EXPECT_EQ(hosts_folders(runtime.path()), 0u);
}

TEST(Exec, TimeoutEndsAProgramThatNeverEnds) {
    const auto started = std::chrono::steady_clock::now();
    const Outcome run = tcplab("exec --server 'sleep 1000' --timeout 1");
    EXPECT_EQ(run.exit_code, 124) << run.output;
    EXPECT_TRUE(contains(run.output, "--timeout ran out")) << run.output;
    EXPECT_LT(std::chrono::steady_clock::now() - started, 30s);
}

TEST(Exec, CrashShowsTheSignalAndTheKernelsFin) {
    if (!have_python()) GTEST_SKIP() << "python3 is not installed";
    const Outcome run = tcplab(
        "exec --json --server echo --client \"python3 -c 'import socket, os, signal; "
        "s = socket.create_connection((\\\"server\\\", 9000)); os.kill(os.getpid(), signal.SIGSEGV)'\"");
    EXPECT_EQ(run.exit_code, 128 + SIGSEGV) << run.output;
    const auto lines = json_lines(run.output);
    const auto killed = calls(lines, "client", "killed");
    ASSERT_EQ(killed.size(), 1u) << run.output;
    EXPECT_TRUE(contains(killed[0].value("arguments", ""), "SIGSEGV"));
    // What the dead program's kernel sent: a FIN after its death.
    bool fin_after = false;
    for (const json& packet : of_type(lines, "packet"))
        if (packet["flags"] == "FIN-ACK" && packet["time_ns"] >= killed[0]["time_ns"] &&
            packet["source"].get<std::string>().find(":9000") == std::string::npos)
            fin_after = true;
    EXPECT_TRUE(fin_after) << run.output;
}

TEST(Exec, NothingOutsideTheLabIsReachable) {
    if (!have_python()) GTEST_SKIP() << "python3 is not installed";
    const Outcome run = tcplab(
        "exec --json --host client -- python3 -c 'import socket; socket.socket().connect_ex((\"192.0.2.1\", 80))'");
    EXPECT_EQ(run.exit_code, 0) << run.output;
    const auto connects = calls(json_lines(run.output), "client", "connect");
    ASSERT_EQ(connects.size(), 1u);
    EXPECT_EQ(connects[0]["result"], -1);
    EXPECT_EQ(connects[0].value("errno_name", ""), "ENETUNREACH");
}

TEST(Exec, ProgramsRunAsTheUserNotRoot) {
    const Outcome run = tcplab("exec --host client -- id -u");
    EXPECT_EQ(run.exit_code, 0) << run.output;
    EXPECT_FALSE(contains(run.output, "[client] 0\n")) << run.output;
}

TEST(Exec, RecordingKeepsTheCallsAndOutputLinesForOpenAndExport) {
    if (!have_python()) GTEST_SKIP() << "python3 is not installed";
    char name[] = "/tmp/tcplab-exec-record-XXXXXX";
    const std::string folder = mkdtemp(name);
    chmod(folder.c_str(), 0755);
    const std::string file = folder + "/echo.pcapng";
    const Outcome run = tcplab("exec --example echo --record " + file);
    ASSERT_EQ(run.exit_code, 0) << run.output;
    const Outcome opened = tcplab("open --terminal --json " + file);
    ASSERT_EQ(opened.exit_code, 0) << opened.output;
    const auto lines = json_lines(opened.output);
    const auto sends = calls(lines, "client", "send");
    ASSERT_FALSE(sends.empty()) << opened.output;
    EXPECT_EQ(sends[0].value("program", ""), "python3");
    EXPECT_GT(sends[0].value("process", 0), 0);
    bool echoed = false;
    for (const json& line : of_type(lines, "output"))
        echoed = echoed || (line["label"] == "client" && line["text"] == "echo: hello");
    EXPECT_TRUE(echoed) << opened.output;
    const Outcome exported = tcplab("export --format json " + file);
    EXPECT_EQ(exported.exit_code, 0);
    EXPECT_TRUE(contains(exported.output, "echo: hello")) << exported.output.substr(0, 2000);
    // The programs' run expects nothing, so the replay claims no "0/0 expectations held".
    const Outcome replayed = tcplab("open --terminal " + file);
    EXPECT_EQ(replayed.exit_code, 0);
    EXPECT_TRUE(contains(replayed.output, "echo: hello")) << replayed.output;
    EXPECT_FALSE(contains(replayed.output, "expectations held")) << replayed.output;
    std::filesystem::remove_all(folder);
}

// Starts tcplab in the background; its output goes to `log`. `environment`
// ("NAME=value ") comes before it.
pid_t start_tcplab(const std::string& arguments, const std::string& log, const std::string& environment = "") {
    std::filesystem::remove(log);  // an older run's log must not be read as this one's
    const pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int in = open("/dev/null", O_RDONLY);
        dup2(in, 0);
        dup2(out, 1);
        dup2(out, 2);
        const std::string command = "exec " + kEnvironment + environment + "'" + TCPLAB_BINARY + "' " + arguments;
        execl("/bin/sh", "sh", "-c", command.c_str(), nullptr);
        _exit(127);
    }
    return pid;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// The process id of the first traced program in tcplab's JSON log.
pid_t first_program(const std::string& log) {
    for (const json& line : of_type(json_lines(read_file(log)), "call"))
        if (line.value("process", 0) > 0) return line["process"];
    return 0;
}

bool alive(pid_t pid) { return kill(pid, 0) == 0 || errno != ESRCH; }

template <class Condition>
bool wait_until(Condition condition, std::chrono::seconds limit = 20s) {
    for (const auto deadline = std::chrono::steady_clock::now() + limit; std::chrono::steady_clock::now() < deadline;) {
        if (condition()) return true;
        std::this_thread::sleep_for(20ms);
    }
    return false;
}

const char* kListenForever =
    "--server \"python3 -c 'import socket, time; s = socket.socket(); s.bind((\\\"\\\", 9000)); s.listen(); "
    "time.sleep(1000)'\"";

// A folder of this test's own (other users' runs may have left theirs).
std::string scratch_folder() {
    char name[] = "/tmp/tcplab-exec-test-XXXXXX";
    return mkdtemp(name);
}

TEST(Exec, CtrlCEndsTheProgramsAndTheLabWith130) {
    if (!have_python()) GTEST_SKIP() << "python3 is not installed";
    const std::string folder = scratch_folder();
    const std::string log = folder + "/tcplab.log";
    const pid_t tcplab_pid = start_tcplab(std::string("exec --json ") + kListenForever, log);
    pid_t program = 0;
    ASSERT_TRUE(wait_until([&] { return (program = first_program(log)) > 0; })) << read_file(log);
    kill(tcplab_pid, SIGINT);
    int status = 0;
    ASSERT_EQ(waitpid(tcplab_pid, &status, 0), tcplab_pid);
    EXPECT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 130) << read_file(log);
    EXPECT_FALSE(alive(program));
    std::filesystem::remove_all(folder);
}

// A closed terminal (SIGHUP) or kill (SIGTERM) ends the programs and the lab
// as Ctrl-C does: no program, and no hosts folder, is left behind.
TEST(Exec, HangUpAndTerminateEndTheLabAsCtrlCDoes) {
    if (!have_python()) GTEST_SKIP() << "python3 is not installed";
    for (const int signal_number : {SIGHUP, SIGTERM}) {
        SCOPED_TRACE(strsignal(signal_number));
        const ::tcplab::test::TempDir runtime;
        const std::string log = runtime.path().string() + "/tcplab.log";
        const pid_t tcplab_pid = start_tcplab(std::string("exec --json ") + kListenForever, log,
                                              "XDG_RUNTIME_DIR='" + runtime.path().string() + "' ");
        pid_t program = 0;
        ASSERT_TRUE(wait_until([&] { return (program = first_program(log)) > 0; })) << read_file(log);
        EXPECT_EQ(hosts_folders(runtime.path()), 1u);
        kill(tcplab_pid, signal_number);
        int status = 0;
        ASSERT_EQ(waitpid(tcplab_pid, &status, 0), tcplab_pid);
        EXPECT_TRUE(WIFEXITED(status)) << read_file(log);
        EXPECT_EQ(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 130) << read_file(log);
        EXPECT_FALSE(alive(program));
        EXPECT_EQ(hosts_folders(runtime.path()), 0u);
    }
}

TEST(Exec, KilledTcplabTakesItsProgramsWithIt) {
    if (!have_python()) GTEST_SKIP() << "python3 is not installed";
    const std::string folder = scratch_folder();
    const std::string log = folder + "/tcplab.log";
    const pid_t tcplab_pid = start_tcplab(std::string("exec --json ") + kListenForever, log);
    pid_t program = 0;
    ASSERT_TRUE(wait_until([&] { return (program = first_program(log)) > 0; })) << read_file(log);
    kill(tcplab_pid, SIGKILL);
    waitpid(tcplab_pid, nullptr, 0);
    EXPECT_TRUE(wait_until([&] { return !alive(program); }, 5s)) << "the program outlived tcplab";
    std::filesystem::remove_all(folder);
}

TEST(Shell, ShellRunsCommandsOnItsHostAndASecondShellJoinsTheSameLab) {
    const std::string folder = scratch_folder();
    chmod(folder.c_str(), 0700);
    const std::string door = "TCPLAB_LAB_SOCKET=" + folder + "/lab.sock ";
    // The first shell waits for the second: it leaves only once a file the
    // second one makes is there.
    const std::string fifo = folder + "/first-input";
    ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
    const std::string log = folder + "/first.log";
    const pid_t first = fork();
    if (first == 0) {
        const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int in = open(fifo.c_str(), O_RDONLY);
        dup2(in, 0);
        dup2(out, 1);
        dup2(out, 2);
        const std::string command = "exec " + kEnvironment + door + "'" + TCPLAB_BINARY + "' shell --host client";
        execl("/bin/sh", "sh", "-c", command.c_str(), nullptr);
        _exit(127);
    }
    const int first_input = open(fifo.c_str(), O_WRONLY);
    ASSERT_GE(first_input, 0);
    const std::string commands = "hostname; getent hosts server\n";
    ASSERT_EQ(write(first_input, commands.data(), commands.size()), static_cast<ssize_t>(commands.size()));
    ASSERT_TRUE(wait_until([&] { return std::filesystem::exists(folder + "/lab.sock"); })) << read_file(log);

    const Outcome second =
        run_shell("echo 'hostname; exit 7' | " + door + kEnvironment + "'" + TCPLAB_BINARY + "' shell 2>&1");
    EXPECT_EQ(second.exit_code, 7) << second.output;
    EXPECT_TRUE(contains(second.output, "server")) << second.output;

    const std::string leave = "exit\n";
    (void)!write(first_input, leave.data(), leave.size());
    close(first_input);
    int status = 0;
    ASSERT_EQ(waitpid(first, &status, 0), first);
    const std::string first_output = read_file(log);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << first_output;
    EXPECT_TRUE(contains(first_output, "client")) << first_output;
    EXPECT_TRUE(contains(first_output, "198.18.0.2") || contains(first_output, "127.0.0.1")) << first_output;
    std::filesystem::remove_all(folder);
}

}  // namespace
