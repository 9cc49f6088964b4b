#pragma once
// A recording (or any pcap/pcapng) opened for stepping, the way a live run is
// stepped: the lesson's steps are found again from the trace's notes.
//
// In a trace, the first note carrying a step index marks where that step
// began (the run adds it with the step's narration key); later notes with the
// same index, and notes with step -1, are an instructor's. A capture without
// step notes (tcpdump, Wireshark) has no steps: everything is shown at once.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "capture/recording_reader.hpp"
#include "capture/recording_writer.hpp"
#include "capture/trace.hpp"
#include "scenarios/run.hpp"

namespace tcplab {

struct ReplayStep {
    int index = 0;
    std::string key;  // the narration key, as in Lesson::steps[index].key
    int64_t begin_ns = 0;
    int64_t end_ns = 0;                  // the views show up to here when this step is shown
    std::optional<StepOutcome> outcome;  // ✓/✗ as recorded, when the file has them
};

// The notes that begin steps, by index into trace.notes().
bool is_step_start(const Trace& trace, size_t note_index);
// Steps in index order. Each ends where the next begins (minus 1 ns); the last
// at the trace's last event.
std::vector<ReplayStep> find_steps(const Trace& trace);
// "handshake" from step keys such as "handshake.listen"; "" when the steps do
// not agree on one lesson or there are none.
std::string lesson_of(const std::vector<ReplayStep>& steps);
// The packet at exactly `time_ns` (the first of several), if any.
std::optional<size_t> packet_at_time(const Trace& trace, int64_t time_ns);
// The time of the trace's last event of any kind (0 for an empty trace).
int64_t last_event_ns(const Trace& trace);

// An instructor's note, as shown in the lesson bar: on a packet or on a step.
struct InstructorNote {
    size_t note_index = 0;         // into trace.notes()
    std::optional<size_t> packet;  // the packet at the note's time (step -1 notes)
    std::optional<size_t> step;    // the step it belongs to (step index notes)
    std::string text;
    NoteEvent event;  // as stored, to name it in an edit (command::EditNote)
};
std::vector<InstructorNote> instructor_notes(const Trace& trace);

// The note a window adds: on a packet (at its time, step -1: write_trace also
// makes it that packet's comment) or on a step (its index, just after its start).
NoteEvent note_on_packet(const Trace& trace, size_t packet_index, std::string text);
NoteEvent note_on_step(const ReplayStep& step, std::string text);

struct Replay {
    std::string path;
    LoadedTrace loaded;
    std::vector<ReplayStep> steps;
    std::string lesson;          // "" for a foreign capture
    bool notes_changed = false;  // notes added, edited or deleted since the file was opened or saved
};

// Steps found from the notes, completed with what the file recorded of the
// lesson (name, step keys) and of each step (begin, end, ✓/✗) when it has it.
Replay make_replay(std::string path, LoadedTrace loaded);

// Between the lessons' outcomes and the plain records a file keeps.
RecordedLesson to_recorded_lesson(const Lesson& lesson);
RecordedStep to_recorded_step(const StepOutcome& outcome);
StepOutcome to_step_outcome(const RecordedStep& step);

// "Save as…": the trace with its notes; notes on packets become pcapng packet comments.
Result<RecordingInfo> save_replay(const Replay& replay, const std::string& path, bool overwrite);

}  // namespace tcplab
