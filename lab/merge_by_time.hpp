#pragma once
// Walks several lists, each already sorted by time, as one time-ordered list,
// without building it: a capture of millions of events is written out a row at
// a time. Between equal times the earlier list goes first, as a stable sort of
// the lists put one after another would order them.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace tcplab {

struct TimeSortedList {
    size_t size = 0;
    std::function<int64_t(size_t)> time_of;  // time of the element at an index
    std::function<void(size_t)> visit;       // called once per element, in the merged order
};

void merge_by_time(const std::vector<TimeSortedList>& lists);

// The events of a time-sorted list with after_ns < time <= until_ns.
template <typename Event>
std::span<const Event> events_between(const std::vector<Event>& events, int64_t after_ns, int64_t until_ns) {
    const auto later = [](int64_t time, const Event& event) { return time < event.time_ns; };
    const auto first = std::upper_bound(events.begin(), events.end(), after_ns, later);
    return {first, std::upper_bound(first, events.end(), until_ns, later)};
}

}  // namespace tcplab
