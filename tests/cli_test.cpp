// End to end: the tcplab program as a user or a script runs it. Exit codes,
// usage errors, JSON lines, both languages, and a clear error with exit code 2
// when the sandbox cannot be created.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "lab/exit_codes.hpp"
#include "tests/environment.hpp"
#include "tests/run_tcplab.hpp"
#include "tests/temp_dir.hpp"

namespace {

using tcplab::test::run_shell;
using tcplab::test::run_tcplab;
using Outcome = tcplab::test::ProgramOutcome;
namespace exit_code = tcplab::exit_code;

std::vector<nlohmann::json> json_lines(const std::string& output) {
    std::vector<nlohmann::json> lines;
    std::istringstream in(output);
    for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
    return lines;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The six-step handshake and four-step teardown on one host, frozen for tests
// (tests/fixtures/lessons/): the built-in lessons grow, these stay put.
const std::string kHandshake = std::string(TCPLAB_TEST_LESSONS) + "/handshake.toml";
const std::string kTeardown = std::string(TCPLAB_TEST_LESSONS) + "/teardown.toml";

// Scripts rely on these numbers (README, "Exit codes"): the header may not drift from them.
static_assert(exit_code::kOk == 0 && exit_code::kExpectationFailed == 1 && exit_code::kEnvironment == 2);
static_assert(exit_code::kUsage == 64 && exit_code::kFileDamaged == 65 && exit_code::kFileUnreadable == 66);
static_assert(exit_code::kCannotWrite == 73 && exit_code::kCommandNotFound == 127 && exit_code::kInterrupted == 130);
static_assert(exit_code::kTimedOut == 124 && exit_code::kCannotExecute == 126);

TEST(Cli, ListNamesTheLessons) {
    const Outcome listed = run_tcplab("list");
    EXPECT_EQ(listed.exit_code, exit_code::kOk);
    EXPECT_TRUE(contains(listed.output, "handshake"));
    EXPECT_TRUE(contains(listed.output, "teardown"));
}

TEST(Cli, UnknownLessonIsAUsageError) {
    const Outcome unknown = run_tcplab("run no-such-scenario");
    EXPECT_EQ(unknown.exit_code, exit_code::kUsage);
    EXPECT_TRUE(contains(unknown.output, "no-such-scenario"));
    EXPECT_TRUE(contains(unknown.output, "pick one of: handshake, teardown")) << unknown.output;
}

TEST(Cli, UnknownFlagIsAUsageError) {
    const Outcome unknown = run_tcplab("run handshake --frobnicate");
    EXPECT_EQ(unknown.exit_code, exit_code::kUsage);
    EXPECT_TRUE(contains(unknown.output, "--frobnicate"));
}

TEST(Cli, HelpExitsCleanly) {
    const Outcome help = run_tcplab("--help");
    EXPECT_EQ(help.exit_code, exit_code::kOk);
    EXPECT_TRUE(contains(help.output, "run"));
}

TEST(Cli, VersionIsTheProjectsVersion) {
    const Outcome version = run_tcplab("--version");
    EXPECT_EQ(version.exit_code, exit_code::kOk);
    EXPECT_EQ(version.output, std::string("tcplab ") + TCPLAB_VERSION + "\n");
}

// `tcplab run --help` lists what run takes, the wire's options included;
// `tcplab export --help` does not list options that export ignores.
TEST(Cli, EachCommandsHelpListsItsOwnOptions) {
    const Outcome run = run_tcplab("run --help");
    EXPECT_EQ(run.exit_code, exit_code::kOk);
    for (const char* option : {"--latency", "--step", "--script", "--lang", "--json", "--topology", "--mtu", "--loss",
                               "--seed", "--no-tracepoint", "--record", "--answers", "--no-predict"})
        EXPECT_TRUE(contains(run.output, option)) << option << " is missing from run --help:\n" << run.output;
    const Outcome exporter = run_tcplab("export --help");
    EXPECT_TRUE(contains(exporter.output, "--format"));
    EXPECT_TRUE(contains(exporter.output, "--lang"));
    EXPECT_FALSE(contains(exporter.output, "--latency")) << exporter.output;
    const Outcome doctor = run_tcplab("doctor --help");
    EXPECT_TRUE(contains(doctor.output, "--json"));
    EXPECT_FALSE(contains(doctor.output, "--step")) << doctor.output;
}

// A mistyped option: what was wrong and where the help is, in two lines, not the whole help.
TEST(Cli, AMistypedOptionIsOneLineAndAHint) {
    const Outcome typo = run_tcplab("run handshake --latncy 40ms");
    EXPECT_EQ(typo.exit_code, exit_code::kUsage);
    EXPECT_TRUE(contains(typo.output, "--latncy")) << typo.output;
    EXPECT_TRUE(contains(typo.output, "`tcplab run --help`")) << typo.output;
    EXPECT_EQ(std::count(typo.output.begin(), typo.output.end(), '\n'), 2) << typo.output;
    const Outcome top = run_tcplab("--langg zh");
    EXPECT_EQ(top.exit_code, exit_code::kUsage);
    EXPECT_TRUE(contains(top.output, "`tcplab --help`")) << top.output;
    EXPECT_EQ(std::count(top.output.begin(), top.output.end(), '\n'), 2) << top.output;
}

// The language follows the locale unless --lang or the window's saved choice says otherwise.
TEST(Cli, TheLanguageFollowsTheLocale) {
    tcplab::test::TempDir config;  // no saved settings
    const std::string clean = "env -u LC_ALL -u LC_MESSAGES XDG_CONFIG_HOME='" + config.path().string() + "' ";
    const Outcome chinese = run_tcplab("list", clean + "LANG=zh_CN.UTF-8");
    const Outcome asked = run_tcplab("list --lang zh", clean + "LANG=C");
    const Outcome english = run_tcplab("list", clean + "LANG=C");
    ASSERT_EQ(chinese.exit_code, exit_code::kOk);
    EXPECT_EQ(chinese.output, asked.output);
    EXPECT_NE(chinese.output, english.output);
    EXPECT_EQ(run_tcplab("list --lang en", clean + "LANG=zh_CN.UTF-8").output, english.output);
    EXPECT_EQ(run_tcplab("list", clean + "LANG=en_US.UTF-8 LC_MESSAGES=zh_CN.UTF-8").output, chinese.output);
    std::filesystem::create_directories(config.path() / "tcplab");
    std::ofstream(config.path() / "tcplab" / "settings.toml") << "language = \"en\"\n";
    EXPECT_EQ(run_tcplab("list", clean + "LANG=zh_CN.UTF-8").output, english.output);
}

// Runs `tcplab doctor` with /dev/net/tun at `mode` when root can lay that out
// (students' access to it decides whether lessons run), else as the PC is.
Outcome doctor_with_tun(const std::string& arguments, const std::string& mode, const std::string& as_user = "") {
    tcplab::test::TempDir node_folder("tcplab-tun-node");
    const std::string tun = geteuid() == 0 ? tcplab::test::with_tun_mode(node_folder.path().string(), mode) : "";
    return run_tcplab(arguments, tun + " " + as_user, false);
}

std::map<std::string, std::string> check_statuses(const nlohmann::json& report) {
    std::map<std::string, std::string> status;
    for (const auto& check : report["checks"]) status[check["check"]] = check["status"];
    return status;
}

// `tcplab doctor --json`: every check, and exit 0 when lessons can run (they can here, as the other tests show).
TEST(Cli, DoctorSaysWhatThisMachineAllows) {
    const Outcome doctor = doctor_with_tun("doctor --json", "666");
    ASSERT_EQ(doctor.exit_code, exit_code::kOk) << doctor.output;
    const nlohmann::json report = nlohmann::json::parse(doctor.output);
    EXPECT_EQ(report["version"], TCPLAB_VERSION);
    EXPECT_EQ(report["lessons_can_run"], true);
    std::map<std::string, std::string> status = check_statuses(report);
    for (const char* check :
         {"version", "lessons", "sandbox", "wire", "tracepoint", "font", "language", "display", "opengl"})
        EXPECT_EQ(status.count(check), 1u) << check << " is missing: " << doctor.output;
    EXPECT_EQ(status["sandbox"], "ok");
    EXPECT_EQ(status["lessons"], "ok");
    const Outcome table = doctor_with_tun("doctor --lang zh", "666");
    EXPECT_TRUE(contains(table.output, "这台电脑可以运行课程")) << table.output;
}

// Every built-in lesson needs the wire: where students may not open
// /dev/net/tun, the doctor says lessons cannot run, and how to allow it.
TEST(Cli, DoctorWithoutTheWireSaysLessonsCannotRun) {
    if (geteuid() != 0 || system("command -v unshare >/dev/null") != 0) GTEST_SKIP() << "needs root and unshare";
    const Outcome doctor = doctor_with_tun("doctor --json", "600");
    EXPECT_EQ(doctor.exit_code, exit_code::kEnvironment) << doctor.output;
    const nlohmann::json report = nlohmann::json::parse(doctor.output);
    EXPECT_EQ(report["lessons_can_run"], false);
    EXPECT_EQ(check_statuses(report)["wire"], "failed") << doctor.output;
    for (const auto& check : report["checks"]) {
        if (check["check"] != "wire") continue;
        EXPECT_TRUE(contains(check["fix"], "99-tcplab-tun.rules")) << check;
    }
    const Outcome table = doctor_with_tun("doctor --lang zh", "600");
    EXPECT_TRUE(contains(table.output, "/dev/net/tun 无法打开")) << table.output;
}

// As a student runs it: the sandbox in a user namespace of its own, no tracepoint (a note, not a failure).
TEST(Cli, DoctorWithoutRoot) {
    if (geteuid() != 0 || system("command -v setpriv >/dev/null") != 0) GTEST_SKIP() << "needs root and setpriv";
    const std::string as_nobody = "setpriv --reuid=65534 --regid=65534 --clear-groups";
    if (system((as_nobody + " test -x '" + TCPLAB_BINARY + "'").c_str()) != 0)
        GTEST_SKIP() << "the build folder is not readable by other users";
    const Outcome doctor = doctor_with_tun("doctor --json", "666", as_nobody);
    ASSERT_EQ(doctor.exit_code, exit_code::kOk) << doctor.output;
    const nlohmann::json report = nlohmann::json::parse(doctor.output);
    std::map<std::string, std::string> status = check_statuses(report);
    EXPECT_EQ(status["sandbox"], "ok");
    EXPECT_EQ(status["wire"], "ok");
    EXPECT_EQ(status["tracepoint"], "note");
    EXPECT_EQ(status.count("sandbox_root"), 0u);
}

TEST(Cli, HandshakeAsJsonLines) {
    const Outcome run = run_tcplab("run " + kHandshake + " --json");
    ASSERT_EQ(run.exit_code, exit_code::kOk) << run.output;
    const auto lines = json_lines(run.output);
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines.front()["type"], "scenario");
    EXPECT_EQ(lines.back()["type"], "summary");
    EXPECT_EQ(lines.back()["passed"], true);
    std::vector<std::string> flags;
    size_t states = 0, calls = 0, expectations = 0;
    for (const auto& line : lines) {
        if (line["type"] == "packet") flags.push_back(line["flags"]);
        states += line["type"] == "state";
        calls += line["type"] == "call";
        if (line["type"] == "expectation") {
            ++expectations;
            EXPECT_EQ(line["passed"], true) << line.dump();
        }
    }
    EXPECT_EQ(flags, (std::vector<std::string>{"SYN", "SYN-ACK", "ACK", "PSH-ACK", "ACK", "SYN", "RST-ACK"}));
    EXPECT_GE(states, 5u);
    EXPECT_EQ(calls, 11u);
    EXPECT_EQ(expectations, 16u);
}

TEST(Cli, TeardownInChineseInTheTerminal) {
    const Outcome run = run_tcplab("run teardown --lang zh --no-tracepoint");
    ASSERT_EQ(run.exit_code, exit_code::kOk) << run.output;
    EXPECT_TRUE(contains(run.output, "四次挥手"));
    EXPECT_TRUE(contains(run.output, "内核跟踪点不可用，状态只来自套接字转储和报文推断: 已关闭（--no-tracepoint）"))
        << run.output;
    for (const char* state : {"FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSED"})
        EXPECT_TRUE(contains(run.output, state)) << state;
    EXPECT_TRUE(contains(run.output, "✓"));
    EXPECT_FALSE(contains(run.output, "✗"));
}

TEST(Cli, AbsoluteSequenceNumbersOnRequest) {
    const Outcome relative = run_tcplab("run " + kHandshake);
    const Outcome absolute = run_tcplab("run " + kHandshake + " --absolute");
    EXPECT_TRUE(contains(relative.output, "SYN-ACK   seq=0 ack=1 "));
    EXPECT_FALSE(contains(absolute.output, "SYN-ACK   seq=0 ack=1 "));
}

TEST(Cli, NoCommandRunsTheHandshake) {
    const Outcome run = run_tcplab("", "env -u DISPLAY -u WAYLAND_DISPLAY");
    EXPECT_EQ(run.exit_code, exit_code::kOk) << run.output;
    EXPECT_TRUE(contains(run.output, "Three-way handshake"));
}

// The handshake on two hosts, with the SYN-ACK dropped by a script: TCP
// recovers on its own, and the output shows the drop and the retransmission.
TEST(Cli, TwoHostsWithAScriptedDropRecovers) {
    if (auto missing = tcplab::test::missing_tun()) GTEST_SKIP() << *missing;
    const Outcome run = run_tcplab("run " + kHandshake + " --latency 20ms --script \"drop 2\" --json");
    ASSERT_EQ(run.exit_code, exit_code::kOk) << run.output;
    bool dropped = false;
    bool retransmitted = false;
    for (const auto& line : json_lines(run.output)) {
        if (line["type"] == "wire" && line["segment"] == 2) dropped = dropped || line["action"] == "dropped";
        if (line["type"] == "packet" && line.value("retransmission", false)) retransmitted = true;
    }
    EXPECT_TRUE(dropped);
    EXPECT_TRUE(retransmitted);
    EXPECT_EQ(json_lines(run.output).back()["passed"], true);
}

// Step mode asks about each segment; "a" releases everything from then on.
TEST(Cli, StepModeAsksAtTheGate) {
    if (auto missing = tcplab::test::missing_tun()) GTEST_SKIP() << *missing;
    const Outcome run = run_tcplab("run " + kHandshake + " --step", "printf 'r\\nh\\nr\\na\\n' |");
    ASSERT_EQ(run.exit_code, exit_code::kOk) << run.output;
    EXPECT_TRUE(contains(run.output, "is waiting on the wire")) << run.output;
    EXPECT_TRUE(contains(run.output, "Holding #2")) << run.output;
    EXPECT_TRUE(contains(run.output, "Releasing everything")) << run.output;
}

// When the kernel does not do what a step expects (here: every segment is
// lost on the wire), the output says which expectation failed and tcplab exits 1.
TEST(Cli, AFailedExpectationIsNamedAndExitsOne) {
    if (auto missing = tcplab::test::missing_tun()) GTEST_SKIP() << *missing;
    const Outcome run = run_tcplab("run " + kHandshake + " --loss 100");
    EXPECT_EQ(run.exit_code, exit_code::kExpectationFailed) << run.output;
    EXPECT_TRUE(contains(run.output, "✗ the server's SYN-ACK acknowledges x+1")) << run.output;
    EXPECT_TRUE(contains(run.output, "Some expectations did not hold.")) << run.output;
}

// Predict, then see: the answer given is judged against what the kernel did.
TEST(Cli, PredictionsAreJudgedByTheKernel) {
    const Outcome right = run_tcplab("run " + kHandshake + " --answers 2");
    EXPECT_EQ(right.exit_code, exit_code::kOk) << right.output;
    EXPECT_TRUE(contains(right.output, "What ack number will the server's SYN-ACK carry?")) << right.output;
    EXPECT_TRUE(contains(right.output, "The kernel: x+1")) << right.output;
    EXPECT_TRUE(contains(right.output, "✓ You said: x+1")) << right.output;
    const Outcome wrong = run_tcplab("run " + kHandshake + " --answers 1");
    EXPECT_TRUE(contains(wrong.output, "✗ You said: x")) << wrong.output;
    const Outcome quiet = run_tcplab("run " + kHandshake + " --no-predict");
    EXPECT_FALSE(contains(quiet.output, "What ack number")) << quiet.output;
    EXPECT_EQ(run_tcplab("run " + kHandshake + " --answers two").exit_code, exit_code::kUsage);
}

// A lesson file with a mistake: nothing runs, and the message says where.
TEST(Cli, ABrokenLessonFileSaysFileAndLine) {
    const std::string path = testing::TempDir() + "/broken-lesson.toml";
    {
        std::ofstream file(path);
        file << "name = \"broken\"\n\n[[step]]\nkey = \"broken.one\"\ndo = [ { actor = \"server\", call = "
                "\"listne\", socket = \"s\" } ]\n";
    }
    const Outcome run = run_tcplab("run " + path);
    EXPECT_EQ(run.exit_code, exit_code::kUsage);
    EXPECT_TRUE(contains(run.output, path + ":5:")) << run.output;
    EXPECT_TRUE(contains(run.output, "unknown call \"listne\"")) << run.output;
}

TEST(Cli, BadWireSettingsAreUsageErrors) {
    EXPECT_EQ(run_tcplab("run handshake --script \"explode 3\"").exit_code, exit_code::kUsage);
    EXPECT_EQ(run_tcplab("run handshake --latency soon").exit_code, exit_code::kUsage);
    EXPECT_EQ(run_tcplab("run handshake --mtu 100").exit_code, exit_code::kUsage);
}

// A user without root gets the same lesson: tcplab makes its own user
// namespace, and states come from socket dumps and packets.
TEST(Cli, WorksWithoutRoot) {
    if (geteuid() != 0 || system("command -v setpriv >/dev/null") != 0)
        GTEST_SKIP() << "needs root and setpriv to become nobody";
    const std::string as_nobody = "setpriv --reuid=65534 --regid=65534 --clear-groups";
    if (system((as_nobody + " test -x '" + TCPLAB_BINARY + "'").c_str()) != 0)
        GTEST_SKIP() << "the build folder is not readable by other users";
    const Outcome run = run_tcplab("run " + kTeardown + " --json", as_nobody);
    ASSERT_EQ(run.exit_code, exit_code::kOk) << run.output;
    const auto lines = json_lines(run.output);
    EXPECT_EQ(lines.front()["tracepoint"], false);
    EXPECT_EQ(lines.back()["passed"], true);
    bool saw_time_wait = false;
    for (const auto& line : lines) {
        if (line["type"] != "state") continue;
        EXPECT_NE(line["source"], "tracepoint");
        saw_time_wait = saw_time_wait || line["to"] == "TIME_WAIT";
    }
    EXPECT_TRUE(saw_time_wait);
    // Why there is no tracepoint, in the student's language: not the kernel's
    // words about tracefs, which only an admin can act on.
    const Outcome in_chinese = run_tcplab("run " + kTeardown + " --lang zh", as_nobody);
    ASSERT_EQ(in_chinese.exit_code, exit_code::kOk) << in_chinese.output;
    EXPECT_TRUE(contains(in_chinese.output, "内核跟踪点不可用，状态只来自套接字转储和报文推断: 需要 root 权限"))
        << in_chinese.output;
    EXPECT_FALSE(contains(in_chinese.output, "tracefs")) << in_chinese.output;
}

// A user who may not open /dev/net/tun (mode 0600, as on these machines) is
// told why the wire cannot be laid and how to allow it; a lesson made for one
// host gets loopback if asked, a lesson that needs the wire never does.
TEST(Cli, NoTunMeansARemedyOrLoopbackWhenAsked) {
    tcplab::test::TempDir node_folder("tcplab-tun-node");
    const tcplab::test::StudentWithoutTun without_tun = tcplab::test::student_without_tun(node_folder);
    if (!without_tun.cannot.empty()) GTEST_SKIP() << without_tun.cannot;
    const std::string& student = without_tun.prefix;
    const Outcome refused = run_tcplab("run " + kHandshake + " --latency 10ms", student);
    EXPECT_EQ(refused.exit_code, exit_code::kEnvironment) << refused.output;
    EXPECT_TRUE(contains(refused.output, "/dev/net/tun")) << refused.output;
    EXPECT_TRUE(contains(refused.output, "fix:")) << refused.output;
    const Outcome fallback = run_tcplab("run " + kHandshake + " --latency 10ms --fallback-to-loopback", student);
    EXPECT_EQ(fallback.exit_code, exit_code::kOk) << fallback.output;
    EXPECT_TRUE(contains(fallback.output, "running on loopback")) << fallback.output;
    const Outcome built_in = run_tcplab("run handshake --no-predict --fallback-to-loopback", student);
    EXPECT_EQ(built_in.exit_code, exit_code::kEnvironment) << built_in.output;
    EXPECT_TRUE(contains(built_in.output, "/dev/net/tun")) << built_in.output;
    EXPECT_FALSE(contains(built_in.output, "running on loopback")) << built_in.output;
}

size_t occurrences(const std::string& text, const std::string& part) {
    size_t count = 0;
    for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++count;
    return count;
}

// A student who may not open /dev/net/tun reads why and how to allow it once,
// however the lesson was started: a terminal run, JSON for a script, asking
// for loopback (which a lesson needing the wire does not take), and tcplab
// with no command and no display.
TEST(Cli, NoTunSaysItsErrorAndFixOnce) {
    tcplab::test::TempDir node_folder("tcplab-tun-node");
    const tcplab::test::StudentWithoutTun without_tun = tcplab::test::student_without_tun(node_folder);
    if (!without_tun.cannot.empty()) GTEST_SKIP() << without_tun.cannot;
    const std::string student = "env -u DISPLAY -u WAYLAND_DISPLAY " + without_tun.prefix;
    for (const std::string arguments :
         {"run handshake", "run handshake --json", "run handshake --fallback-to-loopback", ""}) {
        SCOPED_TRACE("tcplab " + arguments);
        const Outcome refused = run_tcplab(arguments, student);
        EXPECT_EQ(refused.exit_code, exit_code::kEnvironment) << refused.output;
        EXPECT_EQ(occurrences(refused.output, "/dev/net/tun does not open (Permission denied)"), 1u) << refused.output;
        EXPECT_EQ(occurrences(refused.output, "fix:"), 1u) << refused.output;
    }
    // In the language the student reads, cause and fix alike.
    const Outcome in_chinese = run_tcplab("run handshake --lang zh", student);
    EXPECT_EQ(in_chinese.exit_code, exit_code::kEnvironment) << in_chinese.output;
    EXPECT_EQ(occurrences(in_chinese.output, "/dev/net/tun 无法打开"), 1u) << in_chinese.output;
    EXPECT_EQ(occurrences(in_chinese.output, "解决方法："), 1u) << in_chinese.output;
    EXPECT_EQ(occurrences(in_chinese.output, "does not open"), 0u) << in_chinese.output;
}

// The built-in lessons drop, hold and inject segments on the wire: on one host
// their steps would fail, so asking for it is a usage error said before anything runs.
TEST(Cli, ALessonThatNeedsTheWireRefusesLoopback) {
    const Outcome refused = run_tcplab("run handshake --topology loopback --no-predict");
    EXPECT_EQ(refused.exit_code, exit_code::kUsage) << refused.output;
    EXPECT_TRUE(contains(refused.output, "needs the wire between two hosts")) << refused.output;
    EXPECT_TRUE(contains(refused.output, "fix:")) << refused.output;
    EXPECT_FALSE(contains(refused.output, "SYN")) << refused.output;
}

// With namespaces forbidden (a user namespace whose limit is 0), tcplab says
// what is missing and how to fix it, exits 2, and leaves nothing behind.
TEST(Cli, NoNamespaceMeansExitTwoWithARemedy) {
    if (system("unshare -U -r true 2>/dev/null") != 0) GTEST_SKIP() << "cannot make a user namespace to test in";
    const Outcome run =
        run_shell("unshare -U -r sh -c 'echo 0 > /proc/sys/user/max_net_namespaces && exec \"$0\" run handshake' '" +
                  std::string(TCPLAB_BINARY) + "' 2>&1; echo status=$?");
    EXPECT_TRUE(contains(run.output, "cannot create a network namespace")) << run.output;
    EXPECT_TRUE(contains(run.output, "fix:")) << run.output;
    EXPECT_TRUE(contains(run.output, "status=2")) << run.output;
}

}  // namespace

// A teacher's own lesson: from their lesson folder it shows in `tcplab list`
// and runs by name; a second lesson there with a mistake is named with its
// line and key, not left out. Its recording carries its texts, so with the
// lesson file gone the replay still shows every narration, in both languages.
TEST(Cli, ATeachersLessonReplaysWithItsTextsWhereItsFileIsGone) {
    if (auto missing = tcplab::test::missing_sandbox()) GTEST_SKIP() << *missing;
    const tcplab::test::TempDir folder("tcplab-own-lesson");
    const std::string lessons = folder.file("data/tcplab/lessons");
    std::filesystem::create_directories(lessons);
    {
        std::ofstream file(lessons + "/knock.toml");
        file << R"(name = "knock"
[[step]]
key = "knock.listen"
do = [
  { actor = "server", call = "socket", socket = "listener" },
  { actor = "server", call = "bind", socket = "listener", address = "server" },
  { actor = "server", call = "listen", socket = "listener" },
]
expect = [ { key = "expect.knock.listening", state = "LISTEN", actor = "server" } ]
[[step]]
key = "knock.connect"
do = [
  { actor = "client", call = "socket", socket = "c" },
  { actor = "client", call = "connect", socket = "c", address = "server" },
]
expect = [ { key = "expect.knock.connected", call = "connect", actor = "client", result = 0 } ]
[text.en]
knock.title = "Knock on the door"
knock.summary = "A listener, then a connection."
knock.listen.title = "The teacher's server listens"
knock.listen.text = "Nothing crosses the wire while a socket only listens."
knock.connect.title = "The teacher's client knocks"
knock.connect.text = "Three segments later both ends are connected."
expect.knock.listening = "the teacher's listener is in LISTEN"
expect.knock.connected = "the teacher's connect() returns 0"
[text.zh-CN]
knock.title = "敲门"
knock.summary = "先监听，再连接。"
knock.listen.title = "老师的服务端在监听"
knock.listen.text = "套接字只是监听时，线路上什么也没有。"
knock.connect.title = "老师的客户端敲门"
knock.connect.text = "三个报文段之后，两端都已连接。"
expect.knock.listening = "老师的监听套接字处于 LISTEN"
expect.knock.connected = "老师的 connect() 返回 0"
)";
    }
    {
        std::ofstream file(lessons + "/broken.toml");
        file << "name = \"broken\"\n[[step]]\nkey = \"broken.one\"\ndo = [ { actor = \"server\", call = \"listen\", "
                "socket = \"s\", bakclog = 8 } ]\n";
    }
    const std::string environment = "XDG_DATA_HOME='" + folder.file("data") + "'";
    const Outcome listed = run_tcplab("list", environment);
    EXPECT_TRUE(contains(listed.output, "Knock on the door: A listener, then a connection.")) << listed.output;
    EXPECT_TRUE(contains(listed.output, lessons + "/broken.toml:4:")) << listed.output;
    EXPECT_TRUE(contains(listed.output, "'bakclog'")) << listed.output;

    const std::string recording = folder.file("knock.pcapng");
    const Outcome recorded = run_tcplab("run knock --record '" + recording + "'", environment);
    ASSERT_EQ(recorded.exit_code, exit_code::kOk) << recorded.output;
    std::filesystem::remove_all(folder.file("data"));

    const char* const english[] = {"Knock on the door",
                                   "The teacher's server listens",
                                   "Nothing crosses the wire while a socket only listens.",
                                   "The teacher's client knocks",
                                   "Three segments later both ends are connected.",
                                   "the teacher's listener is in LISTEN",
                                   "the teacher's connect() returns 0"};
    const Outcome replayed = run_tcplab("open '" + recording + "' --terminal", environment);
    EXPECT_EQ(replayed.exit_code, exit_code::kOk) << replayed.output;
    for (const char* text : english) EXPECT_TRUE(contains(replayed.output, text)) << text << "\n" << replayed.output;
    EXPECT_FALSE(contains(replayed.output, "⟨")) << replayed.output;  // how a missing key shows

    const char* const chinese[] = {"敲门",
                                   "老师的服务端在监听",
                                   "套接字只是监听时，线路上什么也没有。",
                                   "老师的客户端敲门",
                                   "三个报文段之后，两端都已连接。",
                                   "老师的监听套接字处于 LISTEN",
                                   "老师的 connect() 返回 0"};
    const Outcome in_chinese = run_tcplab("open '" + recording + "' --terminal --lang zh", environment);
    for (const char* text : chinese)
        EXPECT_TRUE(contains(in_chinese.output, text)) << text << "\n" << in_chinese.output;
    EXPECT_FALSE(contains(in_chinese.output, "⟨")) << in_chinese.output;
}
