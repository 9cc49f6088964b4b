#pragma once
// Maps trace time to pixels along one axis (horizontal in the timeline,
// vertical in the ladder), with zoom and pan. Plain data: saved with the view
// state and tested without a window.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace tcplab {

struct TimeAxis {
    int64_t begin_ns = 0;  // time at pixel 0
    int64_t end_ns = 1;    // time at pixel `length`
    float length = 1.0f;   // pixels

    double ns_per_pixel() const;
    float to_pixel(int64_t time_ns) const;
    int64_t to_time(float pixel) const;

    // Shows [begin, end] with a small margin on both sides.
    void fit(int64_t begin, int64_t end);
    // Zooms by `factor` (>1 zooms in) keeping the time under `pixel` in place.
    void zoom_at(float pixel, float factor);
    // Moves the view by `pixels` (positive shows later times).
    void pan(float pixels);
};

// The index range [first, last) of events whose time_ns lies in [begin, end],
// by binary search over events sorted by time.
template <class Event>
std::pair<size_t, size_t> visible_range(const std::vector<Event>& events, int64_t begin_ns, int64_t end_ns) {
    auto time_before = [](const Event& event, int64_t time) { return event.time_ns < time; };
    auto time_after = [](int64_t time, const Event& event) { return time < event.time_ns; };
    const auto first = std::lower_bound(events.begin(), events.end(), begin_ns, time_before);
    const auto last = std::upper_bound(first, events.end(), end_ns, time_after);
    return {static_cast<size_t>(first - events.begin()), static_cast<size_t>(last - events.begin())};
}

}  // namespace tcplab
