#pragma once
// Waits for what a test needs to be true (a queue filled, a file written, a
// thread done), checking every couple of milliseconds, instead of sleeping
// for a time that is too long on a fast machine and too short on a busy one.
#include <chrono>
#include <functional>
#include <thread>

namespace tcplab::test {

// True as soon as `condition` holds; false if it still does not after `limit`
// (a limit only against hanging forever: a test that reaches it has failed).
inline bool wait_until(const std::function<bool()>& condition,
                       std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!condition()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
}

}  // namespace tcplab::test
