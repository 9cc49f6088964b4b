// merge_appended_by_time() must give exactly what std::stable_sort of the
// appended run followed by std::inplace_merge gives, which is what the trace
// did before it stopped paying for their buffers.
#include "capture/merge_appended.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace tcplab {
namespace {

struct Stamped {
    int64_t time_ns = 0;
    int id = 0;  // where it was made, to see how equal times end up ordered
    bool operator==(const Stamped&) const = default;
};

std::vector<Stamped> the_standard_way(std::vector<Stamped> events, size_t appended_from) {
    const auto earlier = [](const Stamped& left, const Stamped& right) { return left.time_ns < right.time_ns; };
    const auto middle = events.begin() + static_cast<std::ptrdiff_t>(appended_from);
    std::stable_sort(middle, events.end(), earlier);
    std::inplace_merge(events.begin(), middle, events.end(), earlier);
    return events;
}

// A sorted run with many equal times, then a run of late events in any order.
std::vector<Stamped> made_up(std::mt19937& random, size_t sorted, size_t appended, int64_t time_span) {
    std::uniform_int_distribution<int64_t> time(0, time_span);
    std::vector<Stamped> events;
    for (size_t index = 0; index < sorted + appended; ++index)
        events.push_back({.time_ns = time(random), .id = static_cast<int>(index)});
    std::sort(events.begin(), events.begin() + static_cast<std::ptrdiff_t>(sorted),
              [](const Stamped& left, const Stamped& right) { return left.time_ns < right.time_ns; });
    return events;
}

TEST(MergeAppended, OrdersLikeStableSortThenInplaceMerge) {
    std::mt19937 random(7);
    for (size_t sorted : {0u, 1u, 5u, 300u})
        for (size_t appended : {0u, 1u, 7u, 250u})
            for (int64_t time_span : {3, 1000}) {
                std::vector<Stamped> events = made_up(random, sorted, appended, time_span);
                const std::vector<Stamped> expected = the_standard_way(events, sorted);
                merge_appended_by_time(events, sorted);
                EXPECT_EQ(events, expected) << sorted << " sorted, " << appended << " appended, times 0-" << time_span;
            }
}

// A large file's late run is longer than the merge buffer: it is cut in
// halves and rotated into place, which must keep the same order.
TEST(MergeAppended, ARunLongerThanTheBufferOrdersTheSame) {
    std::mt19937 random(11);
    for (size_t buffer_events : {1u, 3u, 16u})
        for (size_t sorted : {0u, 2u, 40u, 500u})
            for (size_t appended : {1u, 5u, 200u, 777u})
                for (int64_t time_span : {4, 100000}) {
                    std::vector<Stamped> events = made_up(random, sorted, appended, time_span);
                    const std::vector<Stamped> expected = the_standard_way(events, sorted);
                    merge_appended_by_time(events, sorted, buffer_events * sizeof(Stamped));
                    EXPECT_EQ(events, expected) << buffer_events << " in the buffer, " << sorted << " sorted, "
                                                << appended << " appended, times 0-" << time_span;
                }
}

TEST(MergeAppended, LateEventsAllBeforeTheSortedOnes) {
    std::vector<Stamped> events{{10, 0}, {20, 1}, {30, 2}, {5, 3}, {1, 4}};
    merge_appended_by_time(events, 3);
    EXPECT_EQ(events, (std::vector<Stamped>{{1, 4}, {5, 3}, {10, 0}, {20, 1}, {30, 2}}));
}

TEST(MergeAppended, EqualTimesKeepTheEarlierRunFirst) {
    std::vector<Stamped> events{{10, 0}, {10, 1}, {10, 2}, {10, 3}};
    merge_appended_by_time(events, 2);
    EXPECT_EQ(events, (std::vector<Stamped>{{10, 0}, {10, 1}, {10, 2}, {10, 3}}));
}

}  // namespace
}  // namespace tcplab
