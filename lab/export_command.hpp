#pragma once
// `tcplab export FILE --format json|csv|svg`: the trace of a recording (or of
// any capture) as JSON lines or CSV for scripts and spreadsheets, and its
// ladder diagram as SVG for slides; the whole run, a time range, or steps.
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "capture/recording_reader.hpp"
#include "i18n.hpp"

namespace tcplab {

// Events with after_ns < time <= until_ns.
struct ExportRange {
    int64_t after_ns = std::numeric_limits<int64_t>::min();
    int64_t until_ns = std::numeric_limits<int64_t>::max();
};

struct ExportSettings {
    std::string path;
    std::string format = "json";     // json, csv or svg
    std::string out;                 // "" or "-": standard output
    std::optional<int64_t> from_ns;  // offsets from the trace's first event, both inclusive
    std::optional<int64_t> to_ns;
    std::string steps;  // "2" or "2-4": recorded steps, counted from 1
};

// The range asked for; an error (in the user's language) for steps the file does not have.
Result<ExportRange> export_range(const LoadedTrace& loaded, const ExportSettings& settings, const Language& language);

// One object per line: packets (flags, relative and absolute seq/ack, length,
// connection, sender), states (with their source), calls, notes and wire
// actions, in time order.
std::string trace_json_lines(const Trace& trace, const ExportRange& range);
// The same two, a line at a time, for files too large to hold as text.
using LineWriter = std::function<void(std::string_view)>;
void write_json_lines(const Trace& trace, const ExportRange& range, const LineWriter& write);
void write_csv(const Trace& trace, const ExportRange& range, const LineWriter& write);
// The same events as one CSV table, one column per field (empty where a kind
// has no such field), with a header row.
std::string trace_csv(const Trace& trace, const ExportRange& range);
// The ladder diagram of the range, as the window draws it.
std::string trace_ladder_svg(const LoadedTrace& loaded, const ExportRange& range, const Language& language,
                             const std::string& title);

// The command: reads the file, writes the export; returns the exit code.
int export_file(const ExportSettings& settings, const Language& language);

}  // namespace tcplab
