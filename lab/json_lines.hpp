#pragma once
// The same events as the terminal view, one JSON object per line, for scripts.
#include <cstdio>
#include <string>

#include "capture/decode.hpp"
#include "capture/trace.hpp"
#include "event_rows.hpp"
#include "i18n.hpp"
#include "scenarios/run.hpp"

namespace tcplab {

// A segment's ends and numbers as Wireshark shows them (relative and
// absolute), under the names both `--json` and `tcplab export` use.
template <typename Json>
void add_segment_numbers(Json& object, const Trace& trace, const PacketEvent& packet) {
    object["source"] = trace.sender(packet).to_string();
    object["destination"] = trace.receiver(packet).to_string();
    object["flags"] = flags_label(packet.flags);
    object["seq"] = trace.relative_seq(packet);
    object["ack"] = trace.relative_ack(packet);
    object["seq_absolute"] = packet.seq;
    object["ack_absolute"] = packet.ack;
}

class JsonLines {
public:
    JsonLines(const Language& language, std::FILE* out = stdout) : language_(language), out_(out) {}

    void print_intro(const LessonRun& run) const;
    void print_step(const LessonRun& run, const StepOutcome& outcome, int64_t after_ns) const;
    void print_summary(const LessonRun& run) const;
    // The same step for a run that is not live (a recording), as TerminalView.
    void print_step(const Trace& trace, const std::string& step_key, const StepOutcome& outcome,
                    int64_t after_ns) const;
    // Every call, segment, state and wire action with after_ns < time <= until_ns.
    void print_events(const Trace& trace, int64_t after_ns, int64_t until_ns) const;
    // The same while a run goes on: calls when they return (for_each_live_event_row).
    void print_live_events(const Trace& trace, int64_t after_ns, int64_t until_ns) const;

private:
    void print_row(const Trace& trace, const EventRow& row, int64_t start) const;

    const Language& language_;
    std::FILE* out_;
};

}  // namespace tcplab
