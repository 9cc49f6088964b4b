#pragma once
// A trace as a pcapng file, and any pcap/pcapng file as a trace.
//
// Packets are Enhanced Packet Blocks, one interface per capture point, with
// nanosecond timestamps, so Wireshark and tshark open our recordings. Every
// other event (socket states, calls, lesson steps, narration keys, instructor
// notes, wire actions, actor names) is a Custom Block with tcplab's record
// encoding; docs/file-format.md describes it byte by byte. Notes attached to a
// packet are also written as that packet's opt_comment, so Wireshark shows them.
//
// States with source Inferred are not stored: the trace infers them again from
// the packets when the file is read, exactly as it did during the run.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "capture_file_reader.hpp"
#include "events.hpp"
#include "pcapng_writer.hpp"
#include "result.hpp"
#include "trace.hpp"

namespace tcplab {

// RFC 5612's Private Enterprise Number "for documentation use": tcplab has no
// PEN of its own, and this one is guaranteed never to belong to a vendor whose
// custom blocks we could misread. Our payload starts with the magic "tcpl" so
// other users of the documentation PEN are told apart too.
inline constexpr uint32_t kTcplabPen = 32473;
inline constexpr uint16_t kTraceFormatVersion = 1;

// A scenario names its sockets (Trace::assign_actor); the trace cannot list
// them back, so whoever assigns them also hands them to the recorder.
struct ActorAssignment {
    Endpoint local;
    Actor actor = Actor::None;
    bool operator==(const ActorAssignment&) const = default;
};

// A lesson step's outcome as recorded, so a replay shows the same ✓ and ✗ as
// the live run. A plain copy of the scenarios' StepOutcome (capture/ does not
// know scenarios; lab/ converts between the two).
struct RecordedExpectation {
    std::string key;  // the sentence in assets/lang that says what was expected
    bool passed = false;
    std::string detail;  // numbers and names, the same in every language
    bool operator==(const RecordedExpectation&) const = default;
};

struct RecordedStep {
    uint32_t index = 0;
    int64_t begin_ns = 0;
    int64_t end_ns = 0;
    std::vector<RecordedExpectation> expectations = {};
    std::string failure = {};  // an action that could not run at all
    bool passed() const;
    bool operator==(const RecordedStep&) const = default;
};

// Which lesson a recording is of: its name (the title is NAME.title in
// assets/lang) and each step's narration key, in order.
struct RecordedLesson {
    std::string name = {};
    std::string title_key = {};
    std::vector<std::string> step_keys = {};
    bool operator==(const RecordedLesson&) const = default;
};

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
    // A note made while recording is a custom block only: its packet is already
    // on disk. write_trace() also puts notes into packet comments.
    Status add_note(const NoteEvent& event);
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
    Result<RecordingInfo> finish();

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
    std::vector<WireEvent> wires_seen_;
    std::map<Endpoint, Actor> actors_seen_;
    std::map<uint8_t, CapturePoint> capture_points_seen_;
    uint64_t lost_seen_ = 0;
};

// Writes a whole trace: packets and events in time order. Notes with step -1
// whose time equals a packet's time are attached to that packet (the first at
// that time) as a packet comment as well.
Result<RecordingInfo> write_trace(const Trace& trace, const std::string& path, const TraceWriteOptions& options);

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
    std::vector<ActorAssignment> actors = {};        // also in trace (actor_of)
    std::vector<WireEvent> wire_events = {};         // also in trace.wire_events()
    std::optional<RecordedLesson> lesson = {};       // a recording of a lesson
    std::vector<RecordedStep> steps = {};            // outcomes of the steps that ran, in order
    std::vector<std::string> warnings = {};  // records skipped (newer version, malformed), with block and offset
    uint64_t packets = 0;
    uint64_t skipped_blocks = 0;     // pcapng blocks of types we do not use
    std::optional<FileFault> fault;  // set when the file is damaged: everything before it was read
};

// Rebuilds the trace event for event. Errors only when nothing can be read
// (no such file, not a capture file, cancelled); a damaged file gives what
// was valid plus the fault.
Result<LoadedTrace> read_trace(const std::string& path, const ProgressCallback& progress = {});
Result<LoadedTrace> read_trace(CaptureFileReader& reader, const ProgressCallback& progress = {});

// The record encoding, exposed for tests and tools: each function returns one
// complete Custom Block payload (header and body).
namespace trace_record {
enum class Type : uint16_t {
    Recording = 1,
    CapturePoint = 2,
    State = 3,
    Call = 4,
    Note = 5,
    Actor = 6,
    LostEvents = 7,
    Wire = 8,
    Lesson = 9,
    StepOutcome = 10,
    CapturePointHost = 11,
};
std::vector<uint8_t> encode(Type type, std::span<const uint8_t> body);
std::vector<uint8_t> state(const StateEvent& event);
std::vector<uint8_t> call(const CallEvent& event);
std::vector<uint8_t> note(const NoteEvent& event, bool copied_to_packet);
std::vector<uint8_t> lesson(const RecordedLesson& lesson);
std::vector<uint8_t> step(const RecordedStep& step);
}  // namespace trace_record

}  // namespace tcplab
