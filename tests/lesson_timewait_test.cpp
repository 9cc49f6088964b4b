// Integration: the TIME_WAIT lesson (assets/lessons/timewait.toml) on the real
// kernel, unattended. Every expectation must hold, and the segments, calls and
// socket dumps that the lesson is about are checked here directly as well.
#include <gtest/gtest.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include "scenarios/lesson_file.hpp"
#include "scenarios/run.hpp"

namespace tcplab {
namespace {

using namespace tcp_flag;

size_t step_index(const LessonRun& run, const std::string& key) {
    const std::vector<Step>& steps = run.lesson().steps;
    for (size_t index = 0; index < steps.size(); ++index)
        if (steps[index].key == key) return index;
    ADD_FAILURE() << "the lesson has no step " << key;
    return 0;
}

StepView view_of(const LessonRun& run, const std::string& key) {
    const StepOutcome& outcome = run.outcomes().at(step_index(run, key));
    return StepView(run.trace(), outcome.begin_ns, outcome.end_ns);
}

// The segments of one step sent by `sender` with exactly `flags`, in order.
std::vector<const PacketEvent*> segments_from(const StepView& view, Actor sender, uint8_t flags) {
    std::vector<const PacketEvent*> found;
    for (const PacketEvent* packet : view.segments())
        if (view.trace().sender_actor(*packet) == sender && packet->flags == flags) found.push_back(packet);
    return found;
}

std::vector<const CallEvent*> calls_in(const StepView& view, Actor actor, const std::string& name) {
    return view.calls(actor, name);
}

// The TIME_WAIT sockets of `actor` as the socket dump first showed them in the step.
std::vector<StateEvent> dumped_time_waits(const StepView& view, Actor actor) {
    std::vector<StateEvent> found;
    for (const StateEvent& event : view.trace().states())
        if (event.time_ns >= view.begin_ns() && event.time_ns <= view.end_ns() &&
            event.source == StateSource::SocketDump && event.to == TcpState::TimeWait &&
            view.trace().actor_of(event.local) == actor)
            found.push_back(event);
    return found;
}

bool choice_held(const LessonRun& run, const std::string& step_key, const std::string& label) {
    for (const ExpectationOutcome& choice : run.outcomes().at(step_index(run, step_key)).choices)
        if (choice.key == label) return choice.result.passed;
    ADD_FAILURE() << step_key << " has no choice " << label;
    return false;
}

std::unique_ptr<LessonRun> start(const LessonEntry& entry) {
    auto run = LessonRun::start(entry);
    EXPECT_TRUE(run.ok()) << (run.ok() ? "" : run.error().what + " / " + run.error().remedy);
    if (!run.ok()) return nullptr;
    return std::move(run.value());
}

void expect_every_expectation_held(const LessonRun& run) {
    EXPECT_EQ(run.topology(), Topology::TwoHosts);
    for (const StepOutcome& outcome : run.outcomes()) {
        const std::string& key = run.lesson().steps[outcome.index].key;
        EXPECT_TRUE(outcome.failure.empty()) << key << ": " << outcome.failure;
        EXPECT_FALSE(outcome.expectations.empty()) << key;
        for (const ExpectationOutcome& expectation : outcome.expectations)
            EXPECT_TRUE(expectation.result.passed)
                << key << ": " << expectation.key << " (" << evidence_plain_text(expectation.result.evidence) << ")";
    }
    EXPECT_EQ(run.trace().lost_events(), 0u);
}

void check_the_active_closer_waits_sixty_seconds(const LessonRun& run) {
    const StepView client_closes = view_of(run, "timewait.client_closes");
    const std::vector<StateEvent> client_waits = dumped_time_waits(client_closes, Actor::Client);
    ASSERT_EQ(client_waits.size(), 1u);
    EXPECT_EQ(client_waits[0].timer, SocketTimer::TimeWait);
    EXPECT_GT(client_waits[0].timer_expires_ms, 50'000);
    EXPECT_LE(client_waits[0].timer_expires_ms, 60'000);
    EXPECT_TRUE(dumped_time_waits(client_closes, Actor::Server).empty());

    const StepView server_closes = view_of(run, "timewait.server_closes");
    const std::vector<StateEvent> server_waits = dumped_time_waits(server_closes, Actor::Server);
    ASSERT_EQ(server_waits.size(), 1u);
    EXPECT_EQ(server_waits[0].local, run.addresses().server);  // the server's own port is held
    EXPECT_TRUE(dumped_time_waits(server_closes, Actor::Client).empty());

    EXPECT_TRUE(choice_held(run, "timewait.client_closes", "predict.timewait.the_client"));
    EXPECT_FALSE(choice_held(run, "timewait.client_closes", "predict.timewait.the_server"));
    EXPECT_TRUE(choice_held(run, "timewait.server_closes", "predict.timewait.the_server"));
    EXPECT_FALSE(choice_held(run, "timewait.server_closes", "predict.timewait.the_client"));
}

void check_the_lost_ack_is_sent_again(const LessonRun& run) {
    const StepView view = view_of(run, "timewait.lost_ack");
    const std::vector<const PacketEvent*> fins = segments_from(view, Actor::Server, Fin | Ack);
    ASSERT_GE(fins.size(), 2u);
    EXPECT_EQ(fins[1]->seq, fins[0]->seq);  // the same FIN, again
    EXPECT_TRUE(fins[1]->retransmission);
    const std::vector<const PacketEvent*> acks = segments_from(view, Actor::Client, Ack);
    ASSERT_GE(acks.size(), 2u);
    EXPECT_EQ(acks[0]->ack, fins[0]->seq + 1);
    EXPECT_EQ(acks[1]->ack, fins[0]->seq + 1);
    EXPECT_GT(acks[1]->time_ns, fins[1]->time_ns);  // the second ACK answers the resent FIN

    size_t dropped = 0;
    for (const WireEvent& event : run.trace().wire_events())
        if (event.action == WireAction::Dropped && event.direction == WireDirection::ToServer &&
            event.time_ns >= view.begin_ns() && event.time_ns <= view.end_ns())
            ++dropped;
    EXPECT_EQ(dropped, 1u);
    EXPECT_TRUE(choice_held(run, "timewait.lost_ack", "predict.timewait.resend_fin"));
    EXPECT_FALSE(choice_held(run, "timewait.lost_ack", "predict.timewait.send_rst"));
}

void check_restart_needs_reuseaddr_on_both_sockets(const LessonRun& run) {
    auto last_bind_errno = [&](const std::string& step) {
        const std::vector<const CallEvent*> binds = calls_in(view_of(run, step), Actor::Server, "bind");
        EXPECT_EQ(binds.size(), 1u) << step;
        return binds.empty() ? -1 : binds.back()->result < 0 ? binds.back()->error_number : 0;
    };
    EXPECT_EQ(last_bind_errno("timewait.restart"), EADDRINUSE);
    EXPECT_EQ(last_bind_errno("timewait.reuseaddr_alone"), EADDRINUSE);
    EXPECT_EQ(last_bind_errno("timewait.skip"), 0);
    EXPECT_EQ(last_bind_errno("timewait.reuseaddr_restart"), 0);
    EXPECT_FALSE(choice_held(run, "timewait.restart", "predict.timewait.bind_ok"));
    EXPECT_TRUE(choice_held(run, "timewait.reuseaddr_alone", "EADDRINUSE"));
    EXPECT_TRUE(choice_held(run, "timewait.skip", "predict.timewait.bind_ok"));
    EXPECT_TRUE(choice_held(run, "timewait.reuseaddr_restart", "predict.timewait.bind_ok"));

    // SO_REUSEADDR let the bind happen next to a TIME_WAIT socket, not after it.
    const StepView restart = view_of(run, "timewait.reuseaddr_restart");
    EXPECT_TRUE(dumped_time_waits(view_of(run, "timewait.reuseaddr_server"), Actor::Server).size() == 1u);
    for (const StateEvent& event : run.trace().states()) {
        const bool time_wait_ended = event.source == StateSource::SocketDump && event.from == TcpState::TimeWait &&
                                     event.local == run.addresses().server;
        const bool during_restart = event.time_ns >= restart.begin_ns() && event.time_ns <= restart.end_ns();
        EXPECT_FALSE(time_wait_ended && during_restart) << "the server's TIME_WAIT socket ended during the restart";
    }
}

void check_skipping_the_wait_ends_the_socket(const LessonRun& run) {
    const StepView view = view_of(run, "timewait.skip");
    size_t ended = 0;
    for (const StateEvent& event : run.trace().states())
        if (event.time_ns >= view.begin_ns() && event.time_ns <= view.end_ns() &&
            event.source == StateSource::SocketDump && event.from == TcpState::TimeWait &&
            event.to == TcpState::Closed && event.local == run.addresses().server)
            ++ended;
    EXPECT_EQ(ended, 1u);
    EXPECT_TRUE(view.segments().empty());  // ended in the kernel: nothing is sent
}

void check_fin_timeout_ends_an_orphan_not_time_wait(const LessonRun& run) {
    const StepView view = view_of(run, "timewait.fin_timeout_expires");
    const std::vector<const PacketEvent*> fins = segments_from(view, Actor::Server, Fin | Ack);
    ASSERT_FALSE(fins.empty());
    std::vector<const PacketEvent*> resets = segments_from(view, Actor::Client, Rst);
    ASSERT_FALSE(resets.empty());
    EXPECT_GT(resets[0]->time_ns, fins[0]->time_ns);
    EXPECT_TRUE(segments_from(view, Actor::Client, Ack).empty());
    EXPECT_TRUE(choice_held(run, "timewait.fin_timeout_expires", "RST"));

    // With tcp_fin_timeout still 2 s, the next TIME_WAIT starts from 60 s all the same.
    const std::vector<StateEvent> waits = dumped_time_waits(view_of(run, "timewait.one_port"), Actor::Client);
    ASSERT_EQ(waits.size(), 1u);
    EXPECT_GT(waits[0].timer_expires_ms, 50'000);
    // The kernel's answer to "what does the timer show": about 60 s, not 2.
    EXPECT_TRUE(choice_held(run, "timewait.one_port", "predict.timewait.choice_sixty_seconds"));
    EXPECT_FALSE(choice_held(run, "timewait.one_port", "predict.timewait.choice_two_seconds"));
    EXPECT_FALSE(choice_held(run, "timewait.one_port", "predict.timewait.choice_no_time_wait"));
}

void check_tw_reuse_takes_the_time_wait_pair(const LessonRun& run) {
    const std::vector<StateEvent> waits = dumped_time_waits(view_of(run, "timewait.one_port"), Actor::Client);
    ASSERT_EQ(waits.size(), 1u);
    EXPECT_EQ(waits[0].local.port, 40000);

    const StepView refused = view_of(run, "timewait.no_port");
    const std::vector<const CallEvent*> failed = calls_in(refused, Actor::Client, "connect");
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_EQ(failed[0]->error_number, EADDRNOTAVAIL);
    EXPECT_TRUE(refused.segments().empty());

    const StepView reused = view_of(run, "timewait.tw_reuse");
    const std::vector<const PacketEvent*> syns = segments_from(reused, Actor::Client, Syn);
    ASSERT_EQ(syns.size(), 1u);
    const Connection& connection = reused.trace().connections().at(syns[0]->connection);
    EXPECT_EQ(connection.client, waits[0].local);  // the very port pair that was in TIME_WAIT
    EXPECT_EQ(connection.server, waits[0].remote);
    const std::vector<const CallEvent*> connected = calls_in(reused, Actor::Client, "connect");
    ASSERT_EQ(connected.size(), 1u);
    EXPECT_EQ(connected[0]->result, 0);
}

// One run for all the checks: the lesson takes about ten seconds.
TEST(TimeWaitLesson, RunsUnattendedAndShowsWhatItTeaches) {
    const LessonEntry* entry = find_builtin_lesson("timewait");
    ASSERT_NE(entry, nullptr) << "assets/lessons/timewait.toml is not in the catalog";
    auto started = start(*entry);
    ASSERT_NE(started, nullptr);
    LessonRun& run = *started;
    while (!run.finished()) run.step();
    run.finish();
    expect_every_expectation_held(run);
    check_the_active_closer_waits_sixty_seconds(run);
    check_the_lost_ack_is_sent_again(run);
    check_restart_needs_reuseaddr_on_both_sockets(run);
    check_skipping_the_wait_ends_the_socket(run);
    check_fin_timeout_ends_an_orphan_not_time_wait(run);
    check_tw_reuse_takes_the_time_wait_pair(run);
}

// The lesson can also be wrong: a file that expects bind() to succeed after a
// restart gets ✗, with what the kernel did instead.
TEST(TimeWaitLessonFile, AFalseExpectationIsReported) {
    const LessonEntry* entry = find_builtin_lesson("timewait");
    ASSERT_NE(entry, nullptr);
    std::ifstream file(entry->path);
    std::stringstream content;
    content << file.rdbuf();
    std::string text = content.str();
    const std::string right =
        "{ key = \"expect.timewait.bind_in_use\", call = \"bind\", actor = \"server\", "
        "errno = \"EADDRINUSE\" }";
    const size_t where = text.find(right);
    ASSERT_NE(where, std::string::npos);
    text.replace(where, right.size(),
                 "{ key = \"expect.timewait.bind_in_use\", call = \"bind\", actor = \"server\", result = 0 }");
    auto edited = parse_lesson(text, "edited-timewait.toml");
    ASSERT_TRUE(edited.ok()) << edited.error().what;

    auto run = start(edited.value());
    ASSERT_NE(run, nullptr);
    const size_t restart = step_index(*run, "timewait.restart");
    while (run->steps_done() <= restart) run->step();
    const StepOutcome& outcome = run->outcomes()[restart];
    EXPECT_FALSE(outcome.passed());
    bool reported = false;
    for (const ExpectationOutcome& expectation : outcome.expectations)
        if (expectation.key == "expect.timewait.bind_in_use") {
            reported = true;
            EXPECT_FALSE(expectation.result.passed);
            EXPECT_NE(evidence_plain_text(expectation.result.evidence).find("EADDRINUSE"), std::string::npos)
                << evidence_plain_text(expectation.result.evidence);
        }
    EXPECT_TRUE(reported);
}

}  // namespace
}  // namespace tcplab
