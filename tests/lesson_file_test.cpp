// Lesson files: every built-in one loads, every kind of mistake is reported
// with its file, line and what was expected, and an edited lesson that
// expects something false is run for real and reported ✗.
#include "scenarios/lesson_file.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "scenarios/assets.hpp"
#include "scenarios/duration.hpp"
#include "scenarios/run.hpp"

namespace tcplab {
namespace {

std::string read_text(const std::string& path) {
    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}

// A small lesson that is right; each test breaks one thing in it.
const std::string kGood = R"(name = "tiny"

[[step]]
key = "tiny.listen"
do = [
  { actor = "server", call = "socket", socket = "listener" },
  { actor = "server", call = "bind", socket = "listener", address = "server" },
  { actor = "server", call = "listen", socket = "listener", backlog = 8 },
]
expect = [
  { key = "expect.tiny.listening", state = "LISTEN", actor = "server" },
]
)";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
}

// The message of the error a broken lesson gives, or "" when it loads.
std::string mistake(const std::string& text) {
    auto lesson = parse_lesson(text, "broken.toml");
    return lesson ? "" : lesson.error().what;
}

// The command line and lesson files read a latency with the same words.
TEST(Duration, ReadsTheUnitsAPersonWrites) {
    using std::chrono::microseconds;
    EXPECT_EQ(parse_duration("40ms"), microseconds(40'000));
    EXPECT_EQ(parse_duration("40 ms"), microseconds(40'000));
    EXPECT_EQ(parse_duration("1.5s"), microseconds(1'500'000));
    EXPECT_EQ(parse_duration("500us"), microseconds(500));
    EXPECT_EQ(parse_duration("500µs"), microseconds(500));
    EXPECT_EQ(parse_duration("0"), microseconds(0));
    EXPECT_EQ(parse_duration("25"), microseconds(25'000));  // a bare number is milliseconds
    for (const char* wrong : {"", "fast", "-5ms", "40 minutes", "ms", "1e300s"})
        EXPECT_FALSE(parse_duration(wrong).has_value()) << wrong;
}

TEST(LessonFile, TheSmallLessonLoads) {
    auto lesson = parse_lesson(kGood, "tiny.toml");
    ASSERT_TRUE(lesson) << lesson.error().what;
    const Lesson built = lesson.value().build(Addresses{});
    ASSERT_EQ(built.steps.size(), 1u);
    EXPECT_EQ(built.steps[0].actions.size(), 3u);
    EXPECT_EQ(built.steps[0].expectations[0].key, "expect.tiny.listening");
}

TEST(LessonFile, EveryBuiltInLessonLoads) {
    EXPECT_TRUE(lesson_catalog_errors().empty()) << lesson_catalog_errors().front().what;
    std::vector<std::string> names;
    for (const LessonEntry& entry : lesson_catalog()) names.push_back(entry.name);
    ASSERT_GE(names.size(), 2u);
    EXPECT_EQ(names[0], "handshake");
    EXPECT_EQ(names[1], "teardown");
}

// The built-in lessons ask before at least every other step, and every
// answer, right or wrong, comes with its reason.
TEST(LessonFile, BuiltInLessonsAskOftenAndExplainEveryAnswer) {
    for (const LessonEntry& entry : lesson_catalog()) {
        const Lesson built = entry.build(Addresses{});
        size_t questions = 0;
        for (const Step& step : built.steps) {
            if (!step.predict) continue;
            ++questions;
            for (const PredictChoice& choice : step.predict->choices)
                EXPECT_FALSE(choice.why.empty()) << step.key << ": " << choice.label << " has no reason";
        }
        EXPECT_GE(questions * 2, built.steps.size()) << entry.name << ": a question for every two steps";
    }
}

TEST(LessonFile, NotTomlAtAll) {
    const std::string message = mistake(replaced(kGood, "backlog = 8 }", "backlog = 8"));
    EXPECT_TRUE(std::regex_search(message, std::regex(R"(^broken\.toml:8:\d+: not valid TOML)"))) << message;
}

TEST(LessonFile, UnknownKeyInAStep) {
    const std::string message =
        mistake(replaced(kGood, "key = \"tiny.listen\"", "key = \"tiny.listen\"\nnarration = 1"));
    EXPECT_NE(message.find("broken.toml:5:"), std::string::npos) << message;
    EXPECT_NE(message.find("unknown key 'narration' in a [[step]]"), std::string::npos) << message;
}

TEST(LessonFile, MisspelledKeyInACall) {
    const std::string message = mistake(replaced(kGood, "backlog = 8", "bakclog = 8"));
    EXPECT_NE(message.find("broken.toml:8:"), std::string::npos) << message;
    EXPECT_NE(message.find("unknown key 'bakclog' in listen()"), std::string::npos) << message;
    EXPECT_NE(message.find("backlog"), std::string::npos) << message;
}

TEST(LessonFile, UnknownCall) {
    const std::string message = mistake(replaced(kGood, "call = \"listen\"", "call = \"listne\""));
    EXPECT_NE(message.find("broken.toml:8:"), std::string::npos) << message;
    EXPECT_NE(message.find("unknown call \"listne\""), std::string::npos) << message;
}

TEST(LessonFile, MissingRequiredKey) {
    const std::string message = mistake(replaced(kGood, ", address = \"server\"", ""));
    EXPECT_NE(message.find("broken.toml:7:"), std::string::npos) << message;
    EXPECT_NE(message.find("bind() needs 'address'"), std::string::npos) << message;
}

TEST(LessonFile, WrongType) {
    const std::string message = mistake(replaced(kGood, "backlog = 8", "backlog = \"8\""));
    EXPECT_NE(message.find("broken.toml:8:"), std::string::npos) << message;
    EXPECT_NE(message.find("'backlog' must be a whole number"), std::string::npos) << message;
}

TEST(LessonFile, UnknownActorAddressStateFlagAndErrno) {
    EXPECT_NE(mistake(replaced(kGood, "actor = \"server\", call = \"socket\"", "actor = \"sever\", call = \"socket\""))
                  .find("must be \"client\" or \"server\", not \"sever\""),
              std::string::npos);
    EXPECT_NE(mistake(replaced(kGood, "address = \"server\"", "address = \"127.0.0.1\"")).find("'address' must be"),
              std::string::npos);
    EXPECT_NE(mistake(replaced(kGood, "state = \"LISTEN\"", "state = \"LISTENING\"")).find("unknown TCP state"),
              std::string::npos);
    const std::string flags =
        mistake(replaced(kGood, "state = \"LISTEN\", actor = \"server\"", "segment = \"SYN-AKC\", from = \"server\""));
    EXPECT_NE(flags.find("unknown TCP flag \"AKC\""), std::string::npos) << flags;
    const std::string error_name = mistake(replaced(kGood, "state = \"LISTEN\", actor = \"server\"",
                                                    "call = \"listen\", actor = \"server\", errno = \"ECONNREFUSD\""));
    EXPECT_NE(error_name.find("unknown errno name \"ECONNREFUSD\""), std::string::npos) << error_name;
}

TEST(LessonFile, SocketUsedBeforeItIsMade) {
    const std::string message =
        mistake(replaced(kGood, "{ actor = \"server\", call = \"socket\", socket = \"listener\" },\n", ""));
    EXPECT_NE(message.find("broken.toml:6:"), std::string::npos) << message;
    EXPECT_NE(message.find("no socket named \"listener\""), std::string::npos) << message;
}

TEST(LessonFile, LessonWithoutSteps) {
    const std::string message = mistake("name = \"empty\"\n");
    EXPECT_NE(message.find("needs 'step'"), std::string::npos) << message;
}

TEST(LessonFile, ExpectationWithoutAKind) {
    const std::string message =
        mistake(replaced(kGood, "state = \"LISTEN\", actor = \"server\"", "actor = \"server\""));
    EXPECT_NE(message.find("broken.toml:11:"), std::string::npos) << message;
    EXPECT_NE(message.find("needs one of 'call', 'state', 'segment'"), std::string::npos) << message;
}

TEST(LessonFile, SettingsThatCannotHold) {
    const std::string host_sysctl =
        mistake(kGood + "\n[settings]\nsysctl = [ { name = \"kernel.panic\", value = \"1\" } ]\n");
    EXPECT_NE(host_sysctl.find("only net.* sysctls"), std::string::npos) << host_sysctl;
    const std::string latency_on_lo = mistake(kGood + "\n[settings]\nlatency = \"40ms\"\n");
    EXPECT_NE(latency_on_lo.find("need topology = \"two-hosts\""), std::string::npos) << latency_on_lo;
    const std::string bad_latency = mistake(kGood + "\n[settings]\ntopology = \"two-hosts\"\nlatency = \"fast\"\n");
    EXPECT_NE(bad_latency.find("'latency' must look like"), std::string::npos) << bad_latency;
}

TEST(LessonFile, PredictNeedsTwoChoices) {
    const std::string message = mistake(kGood + R"(
[step.predict]
question = "predict.tiny.state"
choices = [ { label = "LISTEN", state = "LISTEN", actor = "server" } ]
)");
    EXPECT_NE(message.find("at least two choices"), std::string::npos) << message;
}

TEST(LessonFile, UnknownControlAction) {
    const std::string message =
        mistake(replaced(kGood, "{ actor = \"server\", call = \"socket\", socket = \"listener\" }",
                         "{ actor = \"server\", call = \"socket\", socket = \"listener\" },\n"
                         "  { wire = \"unplug\" }"));
    EXPECT_NE(message.find("unknown wire action \"unplug\""), std::string::npos) << message;
}

// The keys the course's points need: each reads into the lesson, and a
// mistake in each says what was expected.
TEST(LessonFile, ReasonsShowAndTheNewActionsAndChecksLoad) {
    const std::string text = R"(name = "more"
[settings]
topology = "two-hosts"

[[step]]
key = "more.all"
do = [
  { wire = "inject", flags = "SYN", from = "client", port = 31337, seq = 1000000 },
  { actor = "client", call = "socket", socket = "c" },
  { actor = "client", call = "send", socket = "c", data = "hi!", oob = true },
  { actor = "client", call = "recv", socket = "c", max = 1, oob = true },
  { actor = "client", call = "sendto", socket = "c", bytes = 2000, address = "server" },
]
show = { segment = "URG-PSH-ACK", from = "client" }
expect = [
  { key = "k1", random = "isn", from = "client", at_least = 3 },
  { key = "k2", connections = "ESTABLISHED", actor = "server", same_local = true, exactly = 5 },
  { key = "k3", together = { client = "ESTABLISHED", server = "SYN_RECV" }, at_least_ms = 500 },
  { key = "k4", span = "send", actor = "client", at_least_ms = 80 },
  { key = "k5", fragments = "ip", from = "client", exactly = 4 },
  { key = "k6", flags_seen = "URG-ACK-PSH-RST-SYN-FIN", in = "lesson" },
  { key = "k7", segment = "URG-PSH-ACK", from = "client", urgent = 3 },
  { key = "k8", call = "connect", actor = "client", errno = "ETIMEDOUT", took_at_least_ms = 2500 },
]
[step.predict]
question = "predict.more.q"
choices = [
  { label = "a", segment = "RST", from = "client", why = "predict.more.why_a" },
  { label = "b", segment = "ACK", from = "client" },
]
)";
    auto lesson = parse_lesson(text, "more.toml");
    ASSERT_TRUE(lesson) << lesson.error().what;
    const Lesson built = lesson.value().build(Addresses{});
    ASSERT_EQ(built.steps.size(), 1u);
    const Step& step = built.steps[0];
    EXPECT_EQ(step.actions.size(), 5u);
    EXPECT_TRUE(step.actions[0].control);  // the injection is the run's own action
    EXPECT_EQ(step.expectations.size(), 8u);
    EXPECT_TRUE(step.show);
    ASSERT_TRUE(step.predict);
    EXPECT_EQ(step.predict->choices[0].why, "predict.more.why_a");
    EXPECT_EQ(step.predict->choices[1].why, "");

    // Each new key, misused, says what it wants.
    const auto error_for = [&](const std::string& from, const std::string& to) {
        return mistake(replaced(text, from, to));
    };
    EXPECT_NE(error_for("port = 31337, ", "").find("needs 'port'"), std::string::npos);
    EXPECT_NE(error_for("random = \"isn\"", "random = \"port\"").find("only thing checked as random"),
              std::string::npos);
    EXPECT_NE(error_for(", server = \"SYN_RECV\"", "").find("names both ends"), std::string::npos);
    EXPECT_NE(error_for("fragments = \"ip\"", "fragments = \"udp\"").find("fragments = \"ip\""), std::string::npos);
    EXPECT_NE(error_for("in = \"lesson\"", "in = \"run\"").find("'in' must be"), std::string::npos);
    EXPECT_NE(error_for("max = 1, oob = true", "until = 5, oob = true").find("drop 'until'"), std::string::npos);
    EXPECT_NE(error_for("show = { segment", "show = { state").find("'show' names a segment"), std::string::npos);
    EXPECT_NE(error_for("why = \"predict.more.why_a\"", "why = 3").find("'why' must be a string"), std::string::npos);
}

TEST(LessonFile, FlowControlAndManyConnectionsLoad) {
    const std::string text = R"(name = "many"
[[step]]
key = "many.all"
do = [
  { actor = "server", call = "socket", socket = "listener" },
  { actor = "server", call = "serve", socket = "listener", count = 20, work_ms = 400, wait = false },
  { actor = "client", call = "connect", socket = "more", address = "server", count = 4, wait_ms = 1500 },
  { actor = "client", call = "send", socket = "more1", bytes = 100000, dontwait = true },
  { actor = "client", call = "sendall", socket = "more2", bytes = 50000 },
  { actor = "client", call = "clients", address = "server", count = 20, data = "hello", every_ms = 40 },
]
expect = [
  { key = "k1", segment = "ACK", from = "server", window = 0 },
  { key = "k2", segment = "ACK", from = "server", window_at_least = 1 },
  { key = "k3", call = "send", actor = "client", result_at_least = 1, result_at_most = 99999 },
]
)";
    auto lesson = parse_lesson(text, "many.toml");
    ASSERT_TRUE(lesson) << lesson.error().what;
    const Lesson built = lesson.value().build(Addresses{});
    ASSERT_EQ(built.steps.size(), 1u);
    EXPECT_EQ(built.steps[0].actions.size(), 6u);
    EXPECT_FALSE(built.steps[0].actions[1].wait);
    EXPECT_EQ(built.steps[0].expectations.size(), 3u);

    const auto error_for = [&](const std::string& from, const std::string& to) {
        return mistake(replaced(text, from, to));
    };
    // connect's count makes more1..more4 itself; without it, connect() needs a socket made before.
    EXPECT_NE(error_for(", count = 4, wait_ms = 1500", "").find("no socket named \"more\""), std::string::npos);
    EXPECT_NE(error_for("count = 4, wait_ms = 1500", "wait_ms = 1500").find("'wait_ms' goes with 'count'"),
              std::string::npos);
    EXPECT_NE(error_for("bytes = 100000, dontwait", "data = \"hi\", dontwait").find("dontwait = true sends 'bytes'"),
              std::string::npos);
    EXPECT_NE(error_for("socket = \"more2\", bytes = 50000", "socket = \"more2\"").find("sendall() needs 'bytes'"),
              std::string::npos);
    EXPECT_NE(error_for("actor = \"server\", call = \"serve\"", "actor = \"client\", call = \"serve\"")
                  .find("serve() is the server's"),
              std::string::npos);
    EXPECT_NE(error_for("every_ms = 40", "every = 40").find("unknown key 'every'"), std::string::npos);
    EXPECT_NE(error_for("window = 0", "window = \"0\"").find("'window' must be a whole number"), std::string::npos);
}

// The keys the loss and crash lessons need: each reads into the lesson, and a
// mistake in each says what was expected.
TEST(LessonFile, LossAndCrashActionsAndChecksLoad) {
    const std::string text = R"(name = "peer"
[settings]
topology = "two-hosts"

[[step]]
key = "peer.all"
do = [
  { actor = "client", call = "socket", socket = "c" },
  { actor = "client", call = "setsockopt", socket = "c", option = "TCP_CONGESTION", value = "reno" },
  { actor = "client", call = "setsockopt", socket = "c", option = "TCP_KEEPIDLE", value = 2 },
  { wire = "drop", flags = "data", from = "client", after = 2, count = 1 },
  { actor = "client", call = "tcp_info", socket = "c", count = 5, every_ms = 80 },
  { actor = "client", call = "tcp_info", socket = "c", count = 5, every = "round_trip" },
  { wire = "cut" },
  { reboot = "server" },
  { wire = "mend" },
  { actor = "client", call = "kill" },
  { actor = "client", call = "socket", socket = "c" },
]
expect = [
  { key = "k1", tcp_info = "cwnd", actor = "client", reading = "first", exactly = 10 },
  { key = "k2", tcp_info = "doublings", actor = "client", at_least = 3 },
  { key = "k3", resent_after = "data", from = "client", at_least_ms = 200 },
  { key = "k4", backoff = "data", from = "client", at_least = 1 },
]
)";
    auto lesson = parse_lesson(text, "peer.toml");
    ASSERT_TRUE(lesson) << lesson.error().what;
    const Lesson built = lesson.value().build(Addresses{});
    ASSERT_EQ(built.steps.size(), 1u);
    const Step& step = built.steps[0];
    ASSERT_EQ(step.actions.size(), 11u);
    EXPECT_TRUE(step.actions[3].control && step.actions[3].arm);  // the drop rule is armed before the next call
    EXPECT_FALSE(step.actions[3].wait);
    for (size_t index : {6u, 7u, 8u}) EXPECT_TRUE(step.actions[index].control) << index;
    EXPECT_TRUE(step.actions[9].calls);
    EXPECT_EQ(step.expectations.size(), 4u);

    const auto error_for = [&](const std::string& from, const std::string& to) {
        auto broken = parse_lesson(replaced(text, from, to), "broken.toml");
        return broken ? std::string() : broken.error().what;
    };
    EXPECT_NE(error_for("value = \"reno\"", "value = 1").find("must be a string"), std::string::npos);
    EXPECT_NE(error_for("count = 5, every_ms = 80", "count = 5").find("needs 'every_ms'"), std::string::npos);
    EXPECT_NE(error_for("every = \"round_trip\"", "every = \"second\"").find("'every' must be"), std::string::npos);
    EXPECT_NE(error_for("flags = \"data\"", "flags = \"DATA\"").find("unknown TCP flag"), std::string::npos);
    EXPECT_NE(error_for("reboot = \"server\"", "reboot = \"router\"").find("\"client\" or \"server\""),
              std::string::npos);
    EXPECT_NE(error_for("tcp_info = \"cwnd\"", "tcp_info = \"window\"").find("unknown TCP_INFO field"),
              std::string::npos);
    EXPECT_NE(error_for("reading = \"first\"", "reading = \"middle\"").find("'reading' must be"), std::string::npos);
    EXPECT_NE(error_for("backoff = \"data\"", "backoff = \"SYN\"").find("backoff = \"data\""), std::string::npos);
    // After kill the actor's sockets are gone: using one needs a new socket() first.
    EXPECT_NE(error_for("  { actor = \"client\", call = \"socket\", socket = \"c\" },\n]",
                        "  { actor = \"client\", call = \"close\", socket = \"c\" },\n]")
                  .find("has no socket named \"c\""),
              std::string::npos);
}

TEST(LessonFile, MissingFileSaysSo) {
    auto lesson = load_lesson_file("/nonexistent/lesson.toml");
    ASSERT_FALSE(lesson);
    EXPECT_NE(lesson.error().what.find("/nonexistent/lesson.toml: cannot open"), std::string::npos);
}

// An instructor edits the handshake to expect ack = x+2: the real kernel
// disagrees, and the run says so beside that expectation only.
TEST(LessonFile, AnEditedLessonThatExpectsSomethingFalseIsReportedFalse) {
    const std::string original = read_text(asset_directory() + "/lessons/handshake.toml");
    const std::string wrong = replaced(original, R"(segment = "SYN-ACK", from = "server", rel_ack = 1 })",
                                       R"(segment = "SYN-ACK", from = "server", rel_ack = 2 })");
    auto lesson = parse_lesson(wrong, "handshake-edited.toml");
    ASSERT_TRUE(lesson) << lesson.error().what;
    auto run = LessonRun::start(lesson.value());
    ASSERT_TRUE(run) << run.error().what;
    run.value()->step();
    const StepOutcome& connect = run.value()->step();
    bool saw_synack = false;
    for (const ExpectationOutcome& outcome : connect.expectations) {
        if (outcome.key == "expect.handshake.synack") {
            saw_synack = true;
            EXPECT_FALSE(outcome.result.passed);
            EXPECT_NE(evidence_plain_text(outcome.result.evidence).find("SYN-ACK seq=0 ack=1"), std::string::npos)
                << evidence_plain_text(outcome.result.evidence);
        } else {
            EXPECT_TRUE(outcome.result.passed) << outcome.key << ": " << evidence_plain_text(outcome.result.evidence);
        }
    }
    EXPECT_TRUE(saw_synack);
    EXPECT_FALSE(connect.passed());
}

}  // namespace
}  // namespace tcplab
