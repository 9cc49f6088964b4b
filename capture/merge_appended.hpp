#pragma once
// Merging a run of late events into a vector sorted by time, without a buffer
// the size of the run.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace tcplab {

// Sorts events [appended_from, end) into the sorted events before them,
// keeping equal times in their order with the earlier ones first, as
// std::stable_sort then std::inplace_merge would. Those two need buffers of up
// to the appended events' size (72 bytes each, 63 MB for the SYN-ACKs a
// 10 M-packet flood leaves unanswered), the peak of opening a large file; this
// sorts 4-byte indexes instead and then moves each event once, in place.
template <class Event>
void merge_appended_by_time(std::vector<Event>& events, size_t appended_from) {
    const auto time_at = [&events](uint32_t index) { return events[index].time_ns; };
    if (appended_from == events.size()) return;
    std::vector<uint32_t> appended(events.size() - appended_from);
    for (size_t offset = 0; offset < appended.size(); ++offset)
        appended[offset] = static_cast<uint32_t>(appended_from + offset);
    std::stable_sort(appended.begin(), appended.end(),
                     [&](uint32_t left, uint32_t right) { return time_at(left) < time_at(right); });

    // Events before the first appended one's time stay where they are.
    const auto first_moved = static_cast<size_t>(
        std::upper_bound(events.begin(), events.begin() + static_cast<std::ptrdiff_t>(appended_from),
                         time_at(appended.front()),
                         [](int64_t time, const Event& event) { return time < event.time_ns; }) -
        events.begin());
    // source[k]: which event belongs at position first_moved + k.
    std::vector<uint32_t> source;
    source.reserve(events.size() - first_moved);
    size_t earlier = first_moved;
    auto next_appended = appended.begin();
    while (earlier < appended_from || next_appended != appended.end()) {
        const bool take_earlier =
            next_appended == appended.end() ||
            (earlier < appended_from && time_at(static_cast<uint32_t>(earlier)) <= time_at(*next_appended));
        source.push_back(take_earlier ? static_cast<uint32_t>(earlier++) : *next_appended++);
    }
    appended = {};

    // Apply the permutation cycle by cycle: each event moves once.
    for (size_t start = first_moved; start < events.size(); ++start) {
        if (source[start - first_moved] == start) continue;
        Event carried = std::move(events[start]);
        size_t position = start;
        while (true) {
            const size_t from = source[position - first_moved];
            source[position - first_moved] = static_cast<uint32_t>(position);
            if (from == start) {
                events[position] = std::move(carried);
                break;
            }
            events[position] = std::move(events[from]);
            position = from;
        }
    }
}

}  // namespace tcplab
