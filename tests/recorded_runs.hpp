#pragma once
// Real runs of the built-in scenarios, made once per test binary and shared,
// for tests that need a trace as a student would see it. The binary must use
// test_main.cpp (it prepares the process for the sandbox).
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include "scenarios/run.hpp"

namespace tcplab::test {

inline const ScenarioRun& recorded_run(const std::string& name) {
    static std::map<std::string, std::unique_ptr<ScenarioRun>> runs;
    auto& run = runs[name];
    if (!run) {
        auto started = ScenarioRun::start(*find_scenario(name));
        if (!started) throw std::runtime_error("cannot run " + name + ": " + started.error().what);
        run = std::move(started.value());
        while (!run->finished()) run->step();
        run->finish();
    }
    return *run;
}

}  // namespace tcplab::test
