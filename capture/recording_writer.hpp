#pragma once
// Writes a trace as a pcapng file (recording_format.hpp says how): a live run
// as it happens (TraceRecorder, TraceFollower) or a whole trace (write_trace).
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "events.hpp"
#include "pcapng_writer.hpp"
#include "recording_format.hpp"
#include "result.hpp"
#include "trace.hpp"

namespace tcplab {

struct TraceWriteOptions {
    bool overwrite = false;        // --force; otherwise an existing file is an error
    bool sync_each_block = false;  // fdatasync after each block
    std::string application = "tcplab";
    // if_name for capture point N; "capture point N" when missing.
    std::vector<std::string> capture_point_names = {};
    std::vector<ActorAssignment> actors = {};
    std::vector<WireEvent> wire_events = {};  // empty: the trace's own wire events
    // write_trace only: the lesson and its step outcomes, to save a replay again.
    std::optional<RecordedLesson> lesson = {};
    std::vector<RecordedStep> steps = {};
};

struct RecordingInfo {
    std::string path = {};
    uint64_t bytes = 0;
    uint64_t blocks = 0;
    uint64_t packets = 0;
    uint64_t events = 0;  // custom-block records
};

// Appends a live run to a file as events arrive, each event one block, written
// through at once: a run that is killed leaves every event up to that moment.
class TraceRecorder {
public:
    static Result<TraceRecorder> create(const std::string& path, const TraceWriteOptions& options);

    Status add_packet(const PacketEvent& packet, std::span<const uint8_t> raw);
    Status add_packet(const CapturedPacket& packet) { return add_packet(packet.summary, packet.raw); }
    Status add_state(const StateEvent& event);  // inferred states are skipped (see above)
    Status add_call(const CallEvent& event);
    Status add_output(const OutputEvent& event);  // a line a student's program wrote
    // A lesson step's start (its narration key): a Note record only.
    Status add_note(const NoteEvent& event);
    // An instructor's note made while recording: a Note record at once, and a
    // comment on the next packet written, so Wireshark shows it even if the
    // run is killed. Its own packet is often on disk already; finish() then
    // moves the comment onto it (see notes_to_place()).
    Status add_instructor_note(const NoteEvent& event);
    Status add_actor(const ActorAssignment& assignment);
    Status add_wire(const WireEvent& event);
    Status add_lost_events(uint64_t count);
    // Says which host capture point `point` is on (Trace::describe_capture_point);
    // before the point's first packet, so its interface gets the name too.
    Status add_capture_point(uint8_t point, const CapturePoint& description);
    Status add_lesson(const RecordedLesson& lesson);
    Status add_step(const RecordedStep& step);

    // What has been written so far.
    RecordingInfo progress() const;
    // Closes the file. When a note's comment is not on the note's own packet
    // (it was on disk before the note was made, or no packet came after the
    // note), the file is written once more with each comment on its packet,
    // through a temporary file renamed over it (rewrite_recording), so the
    // recording is whole at every moment.
    Result<RecordingInfo> finish();
    // True when finish() will write the file again to place note comments.
    bool notes_to_place() const { return comments_misplaced_ || (!waiting_comments_.empty() && packets_ > 0); }

    const std::string& path() const { return writer_.path(); }

private:
    friend Result<RecordingInfo> write_trace(const Trace&, const std::string&, const TraceWriteOptions&);
    TraceRecorder(PcapngWriter writer, TraceWriteOptions options);
    Status write_packet(const PacketEvent& packet, std::span<const uint8_t> raw, std::span<const std::string> comments);
    Status write_note(const NoteEvent& event, bool copied_to_packet);
    Result<uint32_t> interface_for(uint8_t capture_point, LinkType link);
    Status write_record(uint16_t type, std::span<const uint8_t> body);

    PcapngWriter writer_;
    TraceWriteOptions options_;
    struct InterfaceKey {
        uint8_t capture_point;
        LinkType link;
        uint32_t id;
    };
    std::vector<InterfaceKey> interfaces_;
    uint64_t packets_ = 0;
    uint64_t records_ = 0;
    // Instructor notes waiting for the next packet to carry them as comments.
    std::vector<std::string> waiting_comments_;
    int64_t latest_packet_ns_ = std::numeric_limits<int64_t>::min();
    bool comments_misplaced_ = false;
};

// Follows a trace as it grows: after each drain, sync() writes everything the
// trace gained since the last call (packets with their bytes, kernel states,
// calls, notes, wire events, actor names, capture points, lost events), in
// time order within the batch. Events can arrive late and be inserted into
// the middle of the trace's time-sorted lists, so new events are found by
// what was written, not by position. Lesson steps and their outcomes are not
// in the trace; whoever runs the lesson adds them.
class TraceFollower {
public:
    static Result<TraceFollower> create(const std::string& path, const TraceWriteOptions& options);

    Status sync(const Trace& trace);
    // An instructor's note that is not in the trace (the window keeps a live
    // run's notes itself; `run --note` adds them between steps).
    Status add_note(const NoteEvent& note) { return recorder_.add_instructor_note(note); }
    Status add_lesson(const RecordedLesson& lesson) { return recorder_.add_lesson(lesson); }
    Status add_step(const RecordedStep& step) { return recorder_.add_step(step); }

    RecordingInfo progress() const { return recorder_.progress(); }
    Result<RecordingInfo> finish() { return recorder_.finish(); }
    const std::string& path() const { return recorder_.path(); }

private:
    explicit TraceFollower(TraceRecorder recorder) : recorder_(std::move(recorder)) {}

    TraceRecorder recorder_;
    size_t packets_seen_ = 0;
    uint64_t raw_seen_ = 0;  // packets whose raw bytes start at or past this are new
    // Copies of what was seen (inferred states included, though not written),
    // to tell new events from old ones wherever they were inserted.
    std::vector<StateEvent> states_seen_;
    std::vector<CallEvent> calls_seen_;
    std::vector<NoteEvent> notes_seen_;
    std::vector<OutputEvent> outputs_seen_;
    std::vector<WireEvent> wires_seen_;
    std::map<Endpoint, Actor> actors_seen_;
    std::map<uint8_t, CapturePoint> capture_points_seen_;
    uint64_t lost_seen_ = 0;
    std::set<int> steps_begun_;  // a trace note of a step not begun yet is the step's start
};

// Writes a whole trace: packets and events in time order. Every instructor
// note (each note but a step's start) is also the comment of a packet, so
// Wireshark shows it: the first packet at or after the note's time (a note on
// a packet: that packet), or the last packet for a note after them all.
Result<RecordingInfo> write_trace(const Trace& trace, const std::string& path, const TraceWriteOptions& options);

// write_trace into a temporary file beside `path`, flushed to disk, then
// renamed over `path`: a crash or a full disk leaves the old file whole, never
// half a file. An existing `path` is an error unless options.overwrite.
Result<RecordingInfo> write_trace_replacing(const Trace& trace, const std::string& path,
                                            const TraceWriteOptions& options);

// Reads a recording and writes it again (write_trace_replacing): the note
// comments a live recording had to put on later packets land on their own.
Result<RecordingInfo> rewrite_recording(const std::string& path);

// The record encoding, exposed for tests and tools: each function returns one
// complete Custom Block payload (header and body).
namespace trace_record {
std::vector<uint8_t> encode(Type type, std::span<const uint8_t> body);
std::vector<uint8_t> state(const StateEvent& event);
std::vector<uint8_t> call(const CallEvent& event);
std::vector<uint8_t> note(const NoteEvent& event, bool copied_to_packet);
std::vector<uint8_t> output(const OutputEvent& event);
std::vector<uint8_t> lesson(const RecordedLesson& lesson);
std::vector<uint8_t> lesson_texts(const std::string& language, const std::map<std::string, std::string>& texts);
std::vector<uint8_t> step(const RecordedStep& step);
}  // namespace trace_record

}  // namespace tcplab
