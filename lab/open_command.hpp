#pragma once
// `tcplab open FILE` in the terminal: a tcplab recording replays through the
// same terminal view as a live run (step headings, narration, events, the
// recorded ✓/✗); any other pcap or pcapng lists its connections and events,
// with states inferred from the packets. A damaged file shows what was valid,
// then the fault (block and byte offset). No root, no sandbox.
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "capture/recording_reader.hpp"
#include "i18n.hpp"

namespace tcplab {

struct OpenSettings {
    std::string path;
    bool json = false;
    bool absolute = false;
    bool color = false;
};

int open_in_terminal(const OpenSettings& settings, const Language& language, std::FILE* out = stdout);

// A span of a replayed lesson: one recorded step, from just after the previous
// step's end to its own end (as the live run printed it).
struct ReplayedStep {
    RecordedStep outcome;
    std::string key;       // narration key ("" when the file does not say)
    int64_t after_ns = 0;  // events with after_ns < time <= outcome.end_ns belong to it
};

// The recorded steps of a loaded file in order, with their keys: from the
// Lesson record, else from the trace's step notes.
std::vector<ReplayedStep> replayed_steps(const LoadedTrace& loaded);
size_t lesson_step_count(const LoadedTrace& loaded);

}  // namespace tcplab
