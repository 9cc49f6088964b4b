#pragma once
// Reads a pcapng file tcplab recorded back into the trace it was (see
// recording_format.hpp), and any other pcap or pcapng file as a trace of its
// packets, whose states are inferred.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "capture_file_reader.hpp"
#include "events.hpp"
#include "recording_format.hpp"
#include "result.hpp"
#include "trace.hpp"

namespace tcplab {

struct ReadProgress {
    uint64_t bytes_done = 0;
    uint64_t bytes_total = 0;
    uint64_t packets = 0;
};
// Called every few thousand blocks and at the end; return false to cancel.
using ProgressCallback = std::function<bool(const ReadProgress&)>;

struct LoadedTrace {
    Trace trace;
    CaptureFormat format = CaptureFormat::Pcapng;
    bool from_tcplab = false;  // false: a foreign capture; its states are inferred from packets
    std::vector<CaptureInterface> interfaces = {};
    std::vector<ActorAssignment> actors = {};   // also in trace (actor_of)
    std::vector<WireEvent> wire_events = {};    // also in trace.wire_events()
    std::optional<RecordedLesson> lesson = {};  // a recording of a lesson
    std::vector<RecordedStep> steps = {};       // outcomes of the steps that ran, in order
    std::vector<std::string> warnings = {};     // records skipped (newer version, malformed), with block and offset
    uint64_t packets = 0;
    uint64_t skipped_blocks = 0;     // pcapng blocks of types we do not use
    std::optional<FileFault> fault;  // set when the file is damaged: everything before it was read
};

// Rebuilds the trace event for event. Errors only when nothing can be read
// (no such file, not a capture file, cancelled); a damaged file gives what
// was valid plus the fault.
Result<LoadedTrace> read_trace(const std::string& path, const ProgressCallback& progress = {});
Result<LoadedTrace> read_trace(CaptureFileReader& reader, const ProgressCallback& progress = {});

}  // namespace tcplab
