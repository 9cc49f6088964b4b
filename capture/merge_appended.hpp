#pragma once
// Merging a run of late events into a vector sorted by time, without a buffer
// the size of the run.
//
// The trace (trace.cpp) is its one user, inserting events that arrive late
// into its time-sorted lists; it lives beside the trace for that reason.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <vector>

namespace tcplab {

// Merges the sorted runs [first, middle) and [middle, last) of `events` in
// place, equal times keeping the first run's events first, with a buffer of
// at most `buffer_limit` events: a second run that fits is moved to the
// buffer and merged from the back, one sequential pass; a longer one is cut
// in two, its first half rotated in front of the first run's later events,
// and each side merged the same way.
template <class Event>
void merge_sorted_runs(std::vector<Event>& events, size_t first, size_t middle, size_t last, std::vector<Event>& buffer,
                       size_t buffer_limit) {
    const auto at = [&events](size_t index) { return events.begin() + static_cast<std::ptrdiff_t>(index); };
    while (first < middle && middle < last) {
        if (last - middle <= buffer_limit) {
            buffer.assign(std::make_move_iterator(at(middle)), std::make_move_iterator(at(last)));
            size_t left = middle, right = buffer.size(), write = last;
            while (right > 0) {
                if (left > first && events[left - 1].time_ns > buffer[right - 1].time_ns)
                    events[--write] = std::move(events[--left]);
                else
                    events[--write] = std::move(buffer[--right]);
            }
            buffer.clear();
            return;
        }
        const size_t split = middle + (last - middle) / 2;
        const int64_t split_time = events[split].time_ns;
        // First-run events up to split_time stay in front (earlier run first on ties).
        const auto cut = static_cast<size_t>(
            std::upper_bound(at(first), at(middle), split_time,
                             [](int64_t time, const Event& event) { return time < event.time_ns; }) -
            events.begin());
        std::rotate(at(cut), at(middle), at(split));
        const size_t rotated_end = cut + (split - middle);
        merge_sorted_runs(events, first, cut, rotated_end, buffer, buffer_limit);
        first = rotated_end;
        middle = split;
    }
}

// Sorts events [appended_from, end) into the sorted events before them,
// keeping equal times in their order with the earlier ones first, as
// std::stable_sort then std::inplace_merge would. Those two need buffers of up
// to the whole run's size (72 bytes an event, 63 MB for the SYN-ACKs a
// 10 M-packet flood leaves unanswered), the peak of opening a large file.
// Here the appended run is sorted through 4-byte indexes and each event moved
// once along the permutation's cycles (the run is nearly in time order, as
// connections are made in time order, so the cycles are short and local),
// then the two runs are merged with a buffer of at most `buffer_bytes`.
template <class Event>
void merge_appended_by_time(std::vector<Event>& events, size_t appended_from, size_t buffer_bytes = 8u << 20) {
    if (appended_from >= events.size()) return;
    const size_t count = events.size() - appended_from;
    std::vector<uint32_t> order(count);
    for (size_t offset = 0; offset < count; ++offset) order[offset] = static_cast<uint32_t>(offset);
    std::stable_sort(order.begin(), order.end(), [&](uint32_t left, uint32_t right) {
        return events[appended_from + left].time_ns < events[appended_from + right].time_ns;
    });
    // order[k]: which appended event belongs at appended_from + k.
    for (size_t start = 0; start < count; ++start) {
        if (order[start] == start) continue;
        Event carried = std::move(events[appended_from + start]);
        size_t position = start;
        while (true) {
            const size_t from = order[position];
            order[position] = static_cast<uint32_t>(position);
            if (from == start) {
                events[appended_from + position] = std::move(carried);
                break;
            }
            events[appended_from + position] = std::move(events[appended_from + from]);
            position = from;
        }
    }
    order = {};

    const size_t buffer_limit = std::max<size_t>(1, buffer_bytes / sizeof(Event));
    std::vector<Event> buffer;
    buffer.reserve(std::min(buffer_limit, count));
    merge_sorted_runs(events, 0, appended_from, events.size(), buffer, buffer_limit);
}

}  // namespace tcplab
