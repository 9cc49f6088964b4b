#pragma once
// The terminal face of a run: each step's narration, then every call, segment
// and state change in time order, then the step's expectations as ✓ / ✗.
#include <cstdio>
#include <string>

#include "event_rows.hpp"
#include "i18n.hpp"
#include "scenarios/run.hpp"

namespace tcplab {

// Wraps text for a terminal `columns` wide: between words, and between any two
// Chinese characters (which take two columns each), keeping paragraph breaks.
std::string wrap_for_terminal(const std::string& text, size_t columns);

struct TerminalOptions {
    bool absolute = false;  // raw seq/ack instead of relative
    bool color = false;     // ANSI colours (only on a terminal, and not with NO_COLOR)
};

class TerminalView {
public:
    TerminalView(const Language& language, TerminalOptions options, std::FILE* out = stdout);

    void print_intro(const LessonRun& run) const;
    void print_step(const LessonRun& run, const StepOutcome& outcome, int64_t after_ns) const;
    void print_summary(const LessonRun& run) const;
    // The same step for a run that is not live (a recording): its narration
    // key, the lesson's step count and the outcome as recorded.
    void print_step(const Trace& trace, const std::string& step_key, size_t step_count, const StepOutcome& outcome,
                    int64_t after_ns) const;
    // Every call, segment, state and wire action with after_ns < time <= until_ns.
    void print_events(const Trace& trace, int64_t after_ns, int64_t until_ns) const;
    // The same while a run goes on, without the column heading: calls when
    // they return (for_each_live_event_row), programs' output lines as
    // "[server] text". Returns how many rows it printed.
    size_t print_live_events(const Trace& trace, int64_t after_ns, int64_t until_ns) const;
    // The heading print_events() starts with.
    void print_column_heading() const;

private:
    std::string packet_line(const Trace& trace, const PacketEvent& packet) const;
    void print_packet_fields(const Trace& trace, size_t index) const;
    std::string state_line(const Trace& trace, const StateEvent& state) const;
    std::string call_line(const CallEvent& call) const;
    std::string wire_line(const WireEvent& event) const;
    std::string output_line(const OutputEvent& line) const;
    std::string row_text(const Trace& trace, const EventRow& row) const;
    std::string paint(const std::string& text, const char* ansi) const;
    std::string actor_text(Actor actor) const;

    const Language& language_;
    TerminalOptions options_;
    std::FILE* out_;
};

}  // namespace tcplab
