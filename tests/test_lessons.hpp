#pragma once
// The lessons frozen for tests (tests/fixtures/lessons/), for the integration
// tests that run them on the kernel; tests that only need a trace read their
// recordings (recordings.hpp) instead.
#include <map>
#include <stdexcept>
#include <string>

#include "scenarios/lesson_file.hpp"
#include "scenarios/run.hpp"

namespace tcplab::test {

// The handshake and teardown lessons as the view tests know them
// (tests/fixtures/lessons/): six and four steps on one host.
inline const LessonEntry& test_lesson(const std::string& name) {
    static std::map<std::string, LessonEntry> lessons;
    auto found = lessons.find(name);
    if (found == lessons.end()) {
        auto loaded = load_lesson_file(std::string(TCPLAB_TEST_LESSONS) + "/" + name + ".toml");
        if (!loaded) throw std::runtime_error("cannot load the test lesson " + name + ": " + loaded.error().what);
        found = lessons.emplace(name, std::move(loaded.value())).first;
    }
    return found->second;
}

}  // namespace tcplab::test
