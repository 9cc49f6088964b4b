#pragma once
// The transitions, state spans and span rows of a trace, kept between frames
// and brought up to date once per frame for every view that shows them.
//
// A live run adds states at the end of the trace nearly always; then only
// the new states are merged (TransitionMerger::append) and only the new
// transitions become spans (StateSpanBuilder), so a frame during a SYN flood
// costs what arrived in that frame, not the whole history. Anything else (a
// state inserted before the end, a tracepoint event, a different trace)
// builds everything again, which gives the same result.
#include <cstdint>
#include <optional>
#include <vector>

#include "capture/trace.hpp"
#include "capture/transition_merger.hpp"
#include "lab/layout/state_spans.hpp"

namespace tcplab {

class TransitionsAndSpans {
public:
    void update(const Trace& trace);

    const std::vector<StateEvent>& transitions() const;
    const std::vector<StateSpan>& spans() const { return spans_; }
    const StateSpanRows& span_rows() const { return span_rows_; }
    // How many times everything was built anew. While it stays the same,
    // transitions() only grew at its end (LadderInput::transitions_build).
    uint64_t full_builds() const { return full_builds_; }

private:
    void rebuild(const Trace& trace);
    void add_spans_from(const Trace& trace, size_t first_transition);
    bool still_the_trace_seen(const Trace& trace) const;

    std::optional<TransitionMerger> merger_;
    StateSpanBuilder span_builder_;
    std::vector<StateSpan> spans_;
    StateSpanRows span_rows_;

    // What the trace looked like at the last update.
    const Trace* trace_ = nullptr;
    size_t states_seen_ = 0;
    uint64_t inserted_before_end_seen_ = 0;
    size_t actors_seen_ = 0;
    int64_t first_state_ns_ = 0, last_state_ns_ = 0;

    uint64_t full_builds_ = 0;
};

}  // namespace tcplab
