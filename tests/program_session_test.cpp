// The programs of a lab: the example pairs through a ProgramSession, their
// output as lines, the host names `client` and `server`, and the ending of
// programs that do not end by themselves.
#include "scenarios/program_session.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "scenarios/assets.hpp"
#include "scenarios/program_examples.hpp"
#include "scenarios/program_input.hpp"
#include "scenarios/sandbox.hpp"

namespace tcplab {
namespace {

using namespace std::chrono_literals;

const char* kPath = "PATH=/usr/local/bin:/usr/bin:/bin";

class Session : public testing::Test {
protected:
    void SetUp() override {
        auto sandbox = Sandbox::create();
        ASSERT_TRUE(sandbox) << sandbox.error().what;
        sandbox_ = std::make_unique<Sandbox>(std::move(sandbox.value()));
        auto user = choose_program_user();
        ASSERT_TRUE(user) << user.error().what;
        SessionHosts hosts;
        hosts.client_netns = hosts.server_netns = sandbox_->netns_fd();
        hosts.client_address = hosts.server_address = IpAddress::v4(127, 0, 0, 1);
        auto session = ProgramSession::start(hosts, user.value(), {kPath, "LANG=C.UTF-8"}, "/");
        ASSERT_TRUE(session) << session.error().what;
        session_ = std::move(session.value());
        auto examples = load_examples(asset_directory());
        ASSERT_TRUE(examples) << examples.error().what;
        examples_ = examples.value();
    }

    const ProgramExample& example(const std::string& name) const {
        for (const ProgramExample& candidate : examples_)
            if (candidate.name == name) return candidate;
        throw std::runtime_error("no example " + name);
    }

    // Runs the pair as tcplab exec does: the client once the server listens.
    void run_pair(const ProgramExample& pair) {
        const uint64_t listens = session_->listens(Actor::Server);
        ASSERT_TRUE(
            session_->launch({"server", Actor::Server, pair.server, -1, ProgramTerminal::Lines, {}, pair.directory}));
        ASSERT_TRUE(wait_for([&] { return session_->listens(Actor::Server) > listens; }));
        ASSERT_TRUE(
            session_->launch({"client", Actor::Client, pair.client, -1, ProgramTerminal::Lines, {}, pair.directory}));
        ASSERT_TRUE(wait_for([&] { return ended_.size() == 2; }));
    }

    template <class Condition>
    bool wait_for(Condition condition, std::chrono::milliseconds limit = 20s) {
        for (const auto deadline = std::chrono::steady_clock::now() + limit;
             std::chrono::steady_clock::now() < deadline;) {
            session_->calls().drain([&](CallEvent call) { calls_.push_back(std::move(call)); });
            session_->output().drain([&](ProgramOutput line) { lines_.push_back(std::move(line)); });
            for (ProgramEnded& ended : session_->take_ended()) ended_.push_back(std::move(ended));
            if (condition()) return true;
            std::this_thread::sleep_for(2ms);
        }
        return false;
    }

    bool printed(const std::string& label, const std::string& text) const {
        for (const ProgramOutput& line : lines_)
            if (line.label == label && line.text == text) return true;
        return false;
    }

    const ProgramEnded* ended(const std::string& label) const {
        for (const ProgramEnded& program : ended_)
            if (program.label == label) return &program;
        return nullptr;
    }

    std::unique_ptr<Sandbox> sandbox_;
    std::unique_ptr<ProgramSession> session_;
    std::vector<ProgramExample> examples_;
    std::vector<CallEvent> calls_;
    std::vector<ProgramOutput> lines_;
    std::vector<ProgramEnded> ended_;
};

bool have_python() { return find_executable("python3", "/usr/local/bin:/usr/bin:/bin", nullptr).ok(); }

TEST_F(Session, EchoExampleReachesTheServerByNameAndPrintsLines) {
    if (!have_python()) GTEST_SKIP() << "python3 is not installed";
    run_pair(example("echo"));
    EXPECT_TRUE(printed("server", "listening on port 9000"));
    EXPECT_TRUE(printed("client", "echo: hello"));
    EXPECT_TRUE(printed("client", "echo: 你好"));
    EXPECT_TRUE(printed("server", "done"));
    ASSERT_NE(ended("server"), nullptr);
    ASSERT_NE(ended("client"), nullptr);
    EXPECT_EQ(ended("server")->exit_code, 0);
    EXPECT_EQ(ended("client")->exit_code, 0);
    // Each line carries the time it was written: the server's first before the client's.
    int64_t listening_at = 0, echoed_at = 0;
    for (const ProgramOutput& line : lines_) {
        if (line.text == "listening on port 9000") listening_at = line.time_ns;
        if (line.text == "echo: hello") echoed_at = line.time_ns;
    }
    EXPECT_LT(listening_at, echoed_at);
}

TEST_F(Session, StickyExampleReadsThreeSendsInOneRecv) {
    if (!have_python()) GTEST_SKIP() << "python3 is not installed";
    run_pair(example("sticky"));
    std::vector<int64_t> sends, receives;
    for (const CallEvent& call : calls_) {
        if (call.call == "send" && call.actor == Actor::Client) sends.push_back(call.result);
        if (call.call == "recv" && call.actor == Actor::Server) receives.push_back(call.result);
        if (call.call == "connect") {
            EXPECT_EQ(call.result, 0);
        }
    }
    EXPECT_EQ(sends, (std::vector<int64_t>{5, 3, 6}));
    ASSERT_FALSE(receives.empty());
    EXPECT_EQ(receives.front(), 14);
    EXPECT_TRUE(printed("server", "one recv() returned 14 bytes: b'hellotcpworld!'"));
}

TEST_F(Session, EveryExampleRunsToACleanEnd) {
    if (!have_python()) GTEST_SKIP() << "python3 is not installed";
    for (const ProgramExample& pair : examples_) {
        SCOPED_TRACE(pair.name);
        ended_.clear();
        lines_.clear();
        run_pair(pair);
        ASSERT_NE(ended("server"), nullptr);
        ASSERT_NE(ended("client"), nullptr);
        EXPECT_EQ(ended("server")->exit_code, 0);
        EXPECT_EQ(ended("client")->exit_code, 0);
    }
}

TEST_F(Session, ProgramThatNeverEndsIsEndedOnRequest) {
    ASSERT_TRUE(session_->launch({"server", Actor::Server, {"sleep", "1000"}, -1, ProgramTerminal::Lines, {}, ""}));
    EXPECT_EQ(session_->running_count(), 1u);
    session_->end_all(2s);
    ASSERT_TRUE(wait_for([&] { return ended_.size() == 1; }));
    EXPECT_EQ(ended_[0].signal, SIGTERM);
    EXPECT_EQ(session_->running_count(), 0u);
}

// What is typed in the window's input line goes through a ProgramInput to
// the client's standard input, and the client's answer comes back as a line.
TEST_F(Session, TypedLinesReachTheClientsStandardInput) {
    auto input = ProgramInput::open();
    ASSERT_TRUE(input) << input.error().what;
    const std::vector<std::string> reader = {"/bin/sh", "-c", "read first; read second; echo \"got $first/$second\""};
    ASSERT_TRUE(session_->launch(
        {"client", Actor::Client, reader, input.value()->program_end(), ProgramTerminal::Lines, {}, ""}));
    input.value()->queue("hello");
    input.value()->queue("你好");
    ASSERT_TRUE(input.value()->flush());
    ASSERT_TRUE(wait_for([&] { return ended("client") != nullptr; }));
    EXPECT_TRUE(printed("client", "got hello/你好"));
    EXPECT_EQ(ended("client")->exit_code, 0);
}

}  // namespace
}  // namespace tcplab
