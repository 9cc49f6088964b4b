#pragma once
// The test lessons (tests/fixtures/lessons/) as they once ran on a real kernel,
// recorded with `tcplab run … --record` into tests/fixtures/recordings/. The
// view and layout tests read these files instead of running a sandbox, so they
// run anywhere, fast, and see the same trace every time; the integration tests
// run lessons for real. tests/fixtures/recordings/README.md says how to remake them.
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include "capture/recording_reader.hpp"

namespace tcplab::test {

inline const LoadedTrace& recording(const std::string& name) {
    static std::map<std::string, std::unique_ptr<LoadedTrace>> recordings;
    auto& recording = recordings[name];
    if (!recording) {
        const std::string path = std::string(TCPLAB_TEST_RECORDINGS) + "/" + name + ".pcapng";
        auto loaded = read_trace(path);
        if (!loaded) throw std::runtime_error("cannot read the recording " + path + ": " + loaded.error().what);
        recording = std::make_unique<LoadedTrace>(std::move(loaded.value()));
    }
    return *recording;
}

inline const Trace& recorded_trace(const std::string& name) { return recording(name).trace; }

}  // namespace tcplab::test
