#include "replay.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace tcplab {
std::optional<size_t> packet_at_time(const Trace& trace, int64_t time_ns) {
    const auto& packets = trace.packets();
    const auto found = std::lower_bound(packets.begin(), packets.end(), time_ns,
                                        [](const PacketEvent& packet, int64_t time) { return packet.time_ns < time; });
    if (found == packets.end() || found->time_ns != time_ns) return std::nullopt;
    return static_cast<size_t>(found - packets.begin());
}

bool is_step_start(const Trace& trace, size_t note_index) {
    const auto& notes = trace.notes();
    if (note_index >= notes.size() || notes[note_index].step < 0) return false;
    for (size_t earlier = 0; earlier < note_index; ++earlier)
        if (notes[earlier].step == notes[note_index].step) return false;
    return true;
}

int64_t last_event_ns(const Trace& trace) {
    int64_t end = 0;
    const auto last_time = [&end](const auto& events) {
        if (!events.empty()) end = std::max(end, events.back().time_ns);
    };
    last_time(trace.packets());
    last_time(trace.states());
    last_time(trace.notes());
    last_time(trace.wire_events());
    // A call's return may come after every other event (a close at the very end).
    for (const CallEvent& call : trace.calls()) end = std::max({end, call.time_ns, call.return_ns});
    return end;
}

std::vector<ReplayStep> find_steps(const Trace& trace) {
    std::map<int, ReplayStep> by_index;
    const auto& notes = trace.notes();
    for (size_t index = 0; index < notes.size(); ++index) {
        const NoteEvent& note = notes[index];
        if (note.step < 0 || by_index.count(note.step)) continue;
        by_index[note.step] = ReplayStep{note.step, note.key, note.time_ns, 0, std::nullopt};
    }
    std::vector<ReplayStep> steps;
    for (auto& [index, step] : by_index) steps.push_back(std::move(step));
    // Steps run one after another, so their starts are in time order too; a
    // file that says otherwise is still shown, in index order.
    const int64_t end = last_event_ns(trace);
    for (size_t index = 0; index < steps.size(); ++index) {
        const int64_t next_begin = index + 1 < steps.size() ? steps[index + 1].begin_ns : end + 1;
        steps[index].end_ns = std::max(steps[index].begin_ns, next_begin - 1);
    }
    return steps;
}

std::string lesson_of(const std::vector<ReplayStep>& steps) {
    std::set<std::string> lessons;
    for (const ReplayStep& step : steps) {
        const size_t dot = step.key.find('.');
        if (dot == std::string::npos || dot == 0) return "";
        lessons.insert(step.key.substr(0, dot));
    }
    return lessons.size() == 1 ? *lessons.begin() : "";
}

std::vector<InstructorNote> instructor_notes(const Trace& trace) {
    std::vector<InstructorNote> found;
    const auto& notes = trace.notes();
    for (size_t index = 0; index < notes.size(); ++index) {
        if (is_step_start(trace, index)) continue;
        InstructorNote note;
        note.note_index = index;
        note.text = notes[index].key;
        note.event = notes[index];
        if (notes[index].step >= 0)
            note.step = static_cast<size_t>(notes[index].step);
        else
            note.packet = packet_at_time(trace, notes[index].time_ns);
        found.push_back(std::move(note));
    }
    return found;
}

NoteEvent note_on_packet(const Trace& trace, size_t packet_index, std::string text) {
    return NoteEvent{trace.packets().at(packet_index).time_ns, -1, std::move(text)};
}

NoteEvent note_on_step(const ReplayStep& step, std::string text) {
    // One nanosecond after the step's start: the start note stays the first for its index.
    return NoteEvent{step.begin_ns + 1, step.index, std::move(text)};
}

RecordedLesson to_recorded_lesson(const Lesson& lesson) {
    RecordedLesson recorded;
    recorded.name = lesson.name;
    recorded.title_key = lesson.name + ".title";
    for (const Step& step : lesson.steps) recorded.step_keys.push_back(step.key);
    recorded.texts = lesson.texts;
    return recorded;
}

RecordedStep to_recorded_step(const StepOutcome& outcome) {
    RecordedStep step;
    step.index = static_cast<uint32_t>(outcome.index);
    step.begin_ns = outcome.begin_ns;
    step.end_ns = outcome.end_ns;
    step.failure = outcome.failure;
    for (const ExpectationOutcome& expectation : outcome.expectations)
        step.expectations.push_back({expectation.key, expectation.result.passed, expectation.result.evidence});
    return step;
}

StepOutcome to_step_outcome(const RecordedStep& step) {
    StepOutcome outcome;
    outcome.index = step.index;
    outcome.begin_ns = step.begin_ns;
    outcome.end_ns = step.end_ns;
    outcome.failure = step.failure;
    for (const RecordedExpectation& expectation : step.expectations) {
        ExpectationOutcome converted;
        converted.key = expectation.key;
        converted.result.passed = expectation.passed;
        converted.result.evidence = expectation.evidence;
        outcome.expectations.push_back(std::move(converted));
    }
    return outcome;
}

Replay make_replay(std::string path, LoadedTrace loaded) {
    Replay replay;
    replay.path = std::move(path);
    replay.loaded = std::move(loaded);
    replay.steps = find_steps(replay.loaded.trace);
    replay.lesson = lesson_of(replay.steps);
    const std::optional<RecordedLesson>& lesson = replay.loaded.lesson;
    if (lesson && !lesson->name.empty()) replay.lesson = lesson->name;
    for (const RecordedStep& recorded : replay.loaded.steps) {
        auto found = std::find_if(replay.steps.begin(), replay.steps.end(), [&](const ReplayStep& step) {
            return step.index == static_cast<int>(recorded.index);
        });
        if (found == replay.steps.end()) {
            // A step the file has an outcome for but no start note: it ran all the same.
            ReplayStep step;
            step.index = static_cast<int>(recorded.index);
            found = replay.steps.insert(
                std::upper_bound(replay.steps.begin(), replay.steps.end(), step.index,
                                 [](int index, const ReplayStep& other) { return index < other.index; }),
                step);
        }
        // The run's own times: a step ends when it settled, not when the next began.
        found->begin_ns = recorded.begin_ns;
        found->end_ns = std::max(recorded.begin_ns, recorded.end_ns);
        found->outcome = to_step_outcome(recorded);
    }
    if (lesson) {
        for (ReplayStep& step : replay.steps)
            if (step.key.empty() && step.index >= 0 && static_cast<size_t>(step.index) < lesson->step_keys.size())
                step.key = lesson->step_keys[static_cast<size_t>(step.index)];
    }
    return replay;
}

Result<RecordingInfo> save_replay(const Replay& replay, const std::string& path, bool overwrite) {
    TraceWriteOptions options;
    options.overwrite = overwrite;
    options.actors = replay.loaded.actors;
    options.lesson = replay.loaded.lesson;
    options.steps = replay.loaded.steps;
    for (const auto& [point, description] : replay.loaded.trace.capture_points()) {
        if (options.capture_point_names.size() <= point) options.capture_point_names.resize(point + 1);
        options.capture_point_names[point] = description.name;
    }
    // Through a temporary file: saving over the file shown (Ctrl+S) never leaves half a file.
    return write_trace_replacing(replay.loaded.trace, path, options);
}

}  // namespace tcplab
