#pragma once
// Real runs of the built-in lessons, made once per test binary and shared,
// for tests that need a trace as a student would see it. The binary must use
// test_main.cpp (it prepares the process for the sandbox).
#include <map>
#include <memory>
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

inline const LessonRun& recorded_run(const std::string& name) {
    static std::map<std::string, std::unique_ptr<LessonRun>> runs;
    auto& run = runs[name];
    if (!run) {
        auto started = LessonRun::start(test_lesson(name));
        if (!started) throw std::runtime_error("cannot run " + name + ": " + started.error().what);
        run = std::move(started.value());
        while (!run->finished()) run->step();
        run->finish();
    }
    return *run;
}

}  // namespace tcplab::test
