#include "time_axis.hpp"

#include <algorithm>
#include <cmath>

namespace tcplab {
namespace {

// Never zoom in past one nanosecond per 100 pixels, nor to an empty span.
constexpr double kMinimumNsPerPixel = 0.01;

}  // namespace

double TimeAxis::ns_per_pixel() const {
    return static_cast<double>(end_ns - begin_ns) / std::max(1.0f, length);
}

float TimeAxis::to_pixel(int64_t time_ns) const {
    return static_cast<float>(static_cast<double>(time_ns - begin_ns) / ns_per_pixel());
}

int64_t TimeAxis::to_time(float pixel) const {
    return begin_ns + static_cast<int64_t>(std::llround(static_cast<double>(pixel) * ns_per_pixel()));
}

void TimeAxis::fit(int64_t begin, int64_t end) {
    if (end <= begin) end = begin + 1'000;  // one event: show a microsecond around it
    const int64_t margin = std::max<int64_t>((end - begin) / 20, 1);
    begin_ns = begin - margin;
    end_ns = end + margin;
}

void TimeAxis::zoom_at(float pixel, float factor) {
    if (factor <= 0.0f) return;
    const int64_t anchor = to_time(pixel);
    double span = static_cast<double>(end_ns - begin_ns) / factor;
    span = std::max(span, kMinimumNsPerPixel * std::max(1.0f, length));
    const double before = span * (static_cast<double>(pixel) / std::max(1.0f, length));
    begin_ns = anchor - static_cast<int64_t>(std::llround(before));
    end_ns = begin_ns + std::max<int64_t>(1, static_cast<int64_t>(std::llround(span)));
}

void TimeAxis::pan(float pixels) {
    const auto shift = static_cast<int64_t>(std::llround(static_cast<double>(pixels) * ns_per_pixel()));
    begin_ns += shift;
    end_ns += shift;
}

}  // namespace tcplab
