// The sockets view's rows: ss's timer text, the TIME_WAIT countdown, the sort
// order, and the table rebuilt as of the cursor from a real teardown's trace.
#include "lab/layout/socket_table.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "lab/i18n.hpp"
#include "recordings.hpp"

namespace tcplab {
namespace {

TEST(SocketTable, DurationsReadLikeSs) {
    EXPECT_EQ(ss_duration(58'000), "58sec");
    EXPECT_EQ(ss_duration(58'700), "58sec");  // ten seconds or more hide the milliseconds
    EXPECT_EQ(ss_duration(200), "200ms");
    EXPECT_EQ(ss_duration(1'500), "1.500ms");
    EXPECT_EQ(ss_duration(3'000), "3sec");
    EXPECT_EQ(ss_duration(90'000), "1min30sec");
    EXPECT_EQ(ss_duration(90'250), "1min30sec");
    EXPECT_EQ(ss_duration(615'000), "10min");
    EXPECT_EQ(ss_duration(0), "");
}

TEST(SocketTable, TimerTextNamesTheTimerAsSsDoes) {
    EXPECT_EQ(timer_text(SocketTimer::TimeWait, 58'000, 0), "timer:(timewait,58sec,0)");
    EXPECT_EQ(timer_text(SocketTimer::Retransmit, 200, 0), "timer:(on,200ms,0)");
    EXPECT_EQ(timer_text(SocketTimer::Retransmit, 1'200, 2), "timer:(on,1.200ms,2)");
    EXPECT_EQ(timer_text(SocketTimer::KeepAlive, 7'000, 0), "timer:(keepalive,7sec,0)");
    EXPECT_EQ(timer_text(SocketTimer::ZeroWindowProbe, 400, 1), "timer:(persist,400ms,1)");
    EXPECT_EQ(timer_text(SocketTimer::None, 400, 0), "");
}

TEST(SocketTable, TimersCountDownFromTheDumpAndStopAtZero) {
    SocketRow row;
    row.timer = SocketTimer::TimeWait;
    row.timer_expires_ms = 60'000;
    row.dumped_ns = 1'000'000'000'000;
    EXPECT_EQ(timer_left_ms(row, row.dumped_ns), 60'000u);
    EXPECT_EQ(timer_left_ms(row, row.dumped_ns - 5'000'000'000), 60'000u);
    EXPECT_EQ(timer_left_ms(row, row.dumped_ns + 2'000'000'000), 58'000u);
    EXPECT_EQ(timer_left_ms(row, row.dumped_ns + 59'999'000'000), 1u);
    EXPECT_EQ(timer_left_ms(row, row.dumped_ns + 70'000'000'000), 0u);
    row.timer = SocketTimer::None;
    EXPECT_EQ(timer_left_ms(row, row.dumped_ns), 0u);
}

TEST(SocketTable, SortsByStateThenAddressEitherWay) {
    auto row = [](TcpState state, uint16_t port, uint32_t receive_queue) {
        SocketRow made;
        made.state = state;
        made.local = {IpAddress::v4(127, 0, 0, 1), port};
        made.receive_queue = receive_queue;
        return made;
    };
    const std::vector<SocketRow> rows = {row(TcpState::TimeWait, 3, 0), row(TcpState::Listen, 9, 2),
                                         row(TcpState::Established, 5, 7), row(TcpState::Established, 4, 1)};
    EXPECT_EQ(sorted_socket_order(rows, SocketColumn::State, true), (std::vector<size_t>{1, 3, 2, 0}));
    EXPECT_EQ(sorted_socket_order(rows, SocketColumn::State, false), (std::vector<size_t>{0, 2, 3, 1}));
    EXPECT_EQ(sorted_socket_order(rows, SocketColumn::ReceiveQueue, true), (std::vector<size_t>{0, 3, 1, 2}));
    EXPECT_EQ(sorted_socket_order(rows, SocketColumn::Local, true), (std::vector<size_t>{0, 3, 2, 1}));
    EXPECT_TRUE(sorted_socket_order({}, SocketColumn::State, true).empty());
}

const SocketRow* find_state(const std::vector<SocketRow>& rows, TcpState state) {
    for (const SocketRow& row : rows)
        if (row.state == state) return &row;
    return nullptr;
}

TEST(SocketTable, TeardownEndsWithTheClientInTimeWaitForAboutAMinute) {
    const Trace& trace = test::recorded_trace("teardown");
    const auto rows = socket_rows_as_of(trace, 0);
    const SocketRow* time_wait = find_state(rows, TcpState::TimeWait);
    ASSERT_TRUE(time_wait) << "no TIME_WAIT socket in " << rows.size() << " rows";
    EXPECT_EQ(time_wait->actor, Actor::Client);
    EXPECT_EQ(time_wait->timer, SocketTimer::TimeWait);
    EXPECT_GT(time_wait->timer_expires_ms, 55'000u);
    EXPECT_LE(time_wait->timer_expires_ms, 60'000u);
    // Two seconds after the dump, ss would show between 53 and 58 seconds left.
    const int64_t two_seconds_later = time_wait->dumped_ns + 2'000'000'000;
    const std::string text = timer_text(time_wait->timer, timer_left_ms(*time_wait, two_seconds_later), 0);
    EXPECT_EQ(text.rfind("timer:(timewait,5", 0), 0u) << text;
    // No connection is ESTABLISHED any more at the end.
    EXPECT_FALSE(find_state(rows, TcpState::Established));
}

TEST(SocketTable, TheTableFollowsTheCursor) {
    const Trace& trace = test::recorded_trace("teardown");
    std::vector<const StateEvent*> dumps;
    for (const StateEvent& event : trace.states())
        if (event.source == StateSource::SocketDump) dumps.push_back(&event);
    ASSERT_GE(dumps.size(), 3u);
    EXPECT_TRUE(socket_rows_as_of(trace, dumps.front()->time_ns - 1).empty());
    const auto first = socket_rows_as_of(trace, dumps.front()->time_ns);
    ASSERT_FALSE(first.empty());
    EXPECT_EQ(first.front().dumped_ns, dumps.front()->time_ns);

    // Right after the first dump that saw ESTABLISHED, both ends are in it and nobody is in TIME_WAIT yet.
    const auto established = std::find_if(dumps.begin(), dumps.end(),
                                          [](const StateEvent* event) { return event->to == TcpState::Established; });
    ASSERT_NE(established, dumps.end());
    const auto middle = socket_rows_as_of(trace, (*established)->time_ns);
    EXPECT_TRUE(find_state(middle, TcpState::Established));
    EXPECT_FALSE(find_state(middle, TcpState::TimeWait));

    // Every row as of the last dump event is one the dumps had not closed.
    const auto last = socket_rows_as_of(trace, dumps.back()->time_ns);
    EXPECT_EQ(last.size(), socket_rows_as_of(trace, 0).size());
}

TEST(SocketTable, DumpRowsNameTheirOwners) {
    const Trace& trace = test::recorded_trace("teardown");
    SocketInfo client;
    client.state = TcpState::Established;
    ASSERT_FALSE(trace.connections().empty());
    client.local = trace.connections().front().client;
    client.remote = trace.connections().front().server;
    client.timer = SocketTimer::Retransmit;
    client.timer_expires_ms = 200;
    const auto rows = socket_rows_from_dump({client}, 42, trace);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].actor, Actor::Client);
    EXPECT_EQ(rows[0].dumped_ns, 42);
    EXPECT_EQ(timer_text(rows[0].timer, timer_left_ms(rows[0], 42), rows[0].retransmits), "timer:(on,200ms,0)");
}

TEST(SocketTable, CounterRowsShowValuesAndChanges) {
    KernelCounters counters;
    counters.at_start.values = {{"Tcp.ActiveOpens", 0}, {"TcpExt.ListenOverflows", 3}, {"Tcp.InSegs", 10}};
    counters.latest.values = {{"Tcp.ActiveOpens", 1}, {"TcpExt.ListenOverflows", 3}, {"Tcp.InSegs", 17}};
    const auto rows = counter_rows(counters);
    ASSERT_EQ(rows.size(), 18u);
    EXPECT_EQ(rows.front().name, "ListenOverflows");
    for (const CounterRow& row : rows) {
        if (row.name == "ActiveOpens") {
            EXPECT_EQ(row.now, 1);
            EXPECT_EQ(row.change, 1);
            EXPECT_TRUE(row.changed());
        } else if (row.name == "ListenOverflows") {
            EXPECT_EQ(row.change, 0);
            EXPECT_FALSE(row.changed());
        } else if (row.name == "InSegs") {
            EXPECT_EQ(row.change, 7);
        } else if (row.name == "SyncookiesSent") {
            EXPECT_EQ(row.now, std::nullopt);
            EXPECT_FALSE(row.changed());
        }
    }
    for (const std::string& code : Language::codes()) {
        auto language = Language::load(code);
        ASSERT_TRUE(language.ok());
        for (const CounterRow& row : rows) EXPECT_TRUE(language.value().has(row.meaning_key)) << row.meaning_key;
    }
}

}  // namespace
}  // namespace tcplab
