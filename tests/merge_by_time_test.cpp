// merge_by_time: several time-sorted lists walked as one, without building it.
#include "lab/merge_by_time.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace tcplab {
namespace {

struct Named {
    int64_t time;
    std::string name;
};

// Merges the lists and says which element came when.
std::vector<std::string> merged(const std::vector<std::vector<Named>>& lists) {
    std::vector<std::string> order;
    std::vector<TimeSortedList> walk;
    for (const auto& list : lists)
        walk.push_back({list.size(), [&list](size_t i) { return list[i].time; },
                        [&list, &order](size_t i) { order.push_back(list[i].name); }});
    merge_by_time(walk);
    return order;
}

TEST(MergeByTime, InterleavesByTime) {
    const std::vector<std::vector<Named>> lists = {
        {{10, "SYN"}, {30, "ACK"}, {50, "FIN"}},
        {{20, "SYN_RECV"}, {40, "ESTABLISHED"}},
        {{5, "connect()"}},
    };
    EXPECT_EQ(merged(lists), (std::vector<std::string>{"connect()", "SYN", "SYN_RECV", "ACK", "ESTABLISHED", "FIN"}));
}

TEST(MergeByTime, EqualTimesKeepTheListsOrderAndTheirOwn) {
    // A stable sort of the lists one after another would give this order.
    const std::vector<std::vector<Named>> lists = {
        {{10, "packet a"}, {10, "packet b"}},
        {{10, "state a"}, {10, "state b"}},
        {{10, "call"}},
    };
    EXPECT_EQ(merged(lists), (std::vector<std::string>{"packet a", "packet b", "state a", "state b", "call"}));
}

TEST(MergeByTime, EmptyListsAreSkipped) {
    EXPECT_TRUE(merged({{}, {}}).empty());
    EXPECT_EQ(merged({{}, {{7, "only"}}, {}}), std::vector<std::string>{"only"});
}

TEST(EventsBetween, AfterIsExcludedUntilIsIncluded) {
    struct Timed {
        int64_t time_ns;
    };
    const std::vector<Timed> events = {{10}, {20}, {20}, {30}, {40}};
    const auto picked = events_between(events, 10, 30);
    ASSERT_EQ(picked.size(), 3u);
    EXPECT_EQ(picked.front().time_ns, 20);
    EXPECT_EQ(picked.back().time_ns, 30);
    EXPECT_TRUE(events_between(events, 40, 100).empty());
    EXPECT_EQ(events_between(events, INT64_MIN, INT64_MAX).size(), events.size());
}

}  // namespace
}  // namespace tcplab
