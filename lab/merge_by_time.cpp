#include "merge_by_time.hpp"

namespace tcplab {

void merge_by_time(const std::vector<TimeSortedList>& lists) {
    // A handful of lists: a linear scan for the earliest head is cheaper than a heap.
    std::vector<size_t> next(lists.size(), 0);
    while (true) {
        size_t earliest = lists.size();
        int64_t earliest_time = 0;
        for (size_t list = 0; list < lists.size(); ++list) {
            if (next[list] >= lists[list].size) continue;
            const int64_t time = lists[list].time_of(next[list]);
            if (earliest == lists.size() || time < earliest_time) {
                earliest = list;
                earliest_time = time;
            }
        }
        if (earliest == lists.size()) return;
        lists[earliest].visit(next[earliest]++);
    }
}

}  // namespace tcplab
