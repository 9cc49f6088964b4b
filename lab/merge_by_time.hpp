#pragma once
// Walks several lists, each already sorted by time, as one time-ordered list,
// without building it: a capture of millions of events is written out a row at
// a time. Between equal times the earlier list goes first, as a stable sort of
// the lists put one after another would order them.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace tcplab {

struct TimeSortedList {
    size_t size = 0;
    std::function<int64_t(size_t)> time_of;  // time of the element at an index
    std::function<void(size_t)> visit;       // called once per element, in the merged order
};

void merge_by_time(const std::vector<TimeSortedList>& lists);

}  // namespace tcplab
