#include "recording_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <set>
#include <utility>

#include "recording_reader.hpp"

namespace tcplab {
namespace {

// Record fields are little-endian whatever the section's byte order: the
// payload is opaque to pcapng tools, which never swap it.
class RecordWriter {
public:
    void u8(uint8_t value) { out_.push_back(value); }
    void u16(uint16_t value) { put(value, 2); }
    void u32(uint32_t value) { put(value, 4); }
    void u64(uint64_t value) { put(value, 8); }
    void i32(int32_t value) { u32(static_cast<uint32_t>(value)); }
    void i64(int64_t value) { u64(static_cast<uint64_t>(value)); }
    void text(std::string_view value) {
        u32(static_cast<uint32_t>(value.size()));
        out_.insert(out_.end(), value.begin(), value.end());
    }
    void endpoint(const Endpoint& endpoint) {
        u8(endpoint.address.version);
        u8(0);
        u16(endpoint.port);
        out_.insert(out_.end(), endpoint.address.bytes.begin(), endpoint.address.bytes.end());
    }
    std::vector<uint8_t>& bytes() { return out_; }

private:
    void put(uint64_t value, int width) {
        for (int i = 0; i < width; ++i) out_.push_back(static_cast<uint8_t>(value >> (8 * i)));
    }
    std::vector<uint8_t> out_;
};

std::string capture_point_name(const TraceWriteOptions& options, uint8_t capture_point) {
    if (capture_point < options.capture_point_names.size() && !options.capture_point_names[capture_point].empty())
        return options.capture_point_names[capture_point];
    return "capture point " + std::to_string(capture_point);
}

}  // namespace

namespace trace_record {

std::vector<uint8_t> encode(Type type, std::span<const uint8_t> body) {
    RecordWriter record;
    for (uint8_t byte : kRecordMagic) record.u8(byte);
    record.u16(kTraceFormatVersion);
    record.u16(static_cast<uint16_t>(type));
    record.u32(static_cast<uint32_t>(body.size()));
    record.bytes().insert(record.bytes().end(), body.begin(), body.end());
    return std::move(record.bytes());
}

std::vector<uint8_t> state(const StateEvent& event) {
    RecordWriter body;
    body.i64(event.time_ns);
    body.endpoint(event.local);
    body.endpoint(event.remote);
    body.u8(static_cast<uint8_t>(event.from));
    body.u8(static_cast<uint8_t>(event.to));
    body.u8(static_cast<uint8_t>(event.source));
    body.u8(static_cast<uint8_t>(event.timer));
    body.u32(event.connection);
    body.u32(event.receive_queue);
    body.u32(event.send_queue);
    body.u32(event.timer_expires_ms);
    return encode(Type::State, body.bytes());
}

std::vector<uint8_t> call(const CallEvent& event) {
    RecordWriter body;
    body.i64(event.time_ns);
    body.i64(event.return_ns);
    body.i64(event.result);
    body.i32(event.error_number);
    body.u8(static_cast<uint8_t>(event.actor));
    body.u8(0);
    body.u8(0);
    body.u8(0);
    body.endpoint(event.local);
    body.text(event.call);
    body.text(event.arguments);
    body.text(event.data);
    // Since tcplab exec: which process and thread of a traced program made it.
    body.i32(event.process);
    body.i32(event.thread);
    body.text(event.program);
    return encode(Type::Call, body.bytes());
}

std::vector<uint8_t> output(const OutputEvent& event) {
    RecordWriter body;
    body.i64(event.time_ns);
    body.u8(static_cast<uint8_t>(event.actor));
    body.u8(0);
    body.u8(0);
    body.u8(0);
    body.text(event.label);
    body.text(event.text);
    return encode(Type::Output, body.bytes());
}

std::vector<uint8_t> note(const NoteEvent& event, bool copied_to_packet) {
    RecordWriter body;
    body.i64(event.time_ns);
    body.i32(event.step);
    body.u32(copied_to_packet ? 1u : 0u);
    body.text(event.key);
    return encode(Type::Note, body.bytes());
}

std::vector<uint8_t> lesson(const RecordedLesson& lesson) {
    RecordWriter body;
    body.text(lesson.name);
    body.text(lesson.title_key);
    body.u32(static_cast<uint32_t>(lesson.step_keys.size()));
    for (const std::string& key : lesson.step_keys) body.text(key);
    return encode(Type::Lesson, body.bytes());
}

std::vector<uint8_t> lesson_texts(const std::string& language, const std::map<std::string, std::string>& texts) {
    RecordWriter body;
    body.text(language);
    body.u32(static_cast<uint32_t>(texts.size()));
    for (const auto& [key, text] : texts) {
        body.text(key);
        body.text(text);
    }
    return encode(Type::LessonTexts, body.bytes());
}

std::vector<uint8_t> step(const RecordedStep& step) {
    RecordWriter body;
    body.u32(step.index);
    body.i64(step.begin_ns);
    body.i64(step.end_ns);
    body.text(step.failure);
    body.u32(static_cast<uint32_t>(step.expectations.size()));
    for (const RecordedExpectation& expectation : step.expectations) {
        body.text(expectation.key);
        body.u8(expectation.passed ? 1 : 0);
        // Readers from before evidence had keys show this: its numbers and names.
        body.text(evidence_plain_text(expectation.evidence));
    }
    // Appended, so those readers ignore it: each expectation's evidence by key.
    for (const RecordedExpectation& expectation : step.expectations) body.text(encode_evidence(expectation.evidence));
    return encode(Type::StepOutcome, body.bytes());
}

}  // namespace trace_record

// ---- writing ----

TraceRecorder::TraceRecorder(PcapngWriter writer, TraceWriteOptions options)
    : writer_(std::move(writer)), options_(std::move(options)) {}

Result<TraceRecorder> TraceRecorder::create(const std::string& path, const TraceWriteOptions& options) {
    PcapngWriterOptions writer_options;
    writer_options.overwrite = options.overwrite;
    writer_options.sync_each_block = options.sync_each_block;
    writer_options.application = options.application;
    auto writer = PcapngWriter::create(path, writer_options);
    if (!writer) return writer.error();
    TraceRecorder recorder(std::move(*writer), options);
    // The first record says "this section is a tcplab recording": readers then
    // take notes from records, not from packet comments (which copy them).
    RecordWriter body;
    body.u32(0);  // flags, none yet
    body.text(options.application);
    if (Status written = recorder.write_record(static_cast<uint16_t>(trace_record::Type::Recording), body.bytes());
        !written)
        return written.error();
    for (const ActorAssignment& actor : options.actors)
        if (Status written = recorder.add_actor(actor); !written) return written.error();
    return recorder;
}

Status TraceRecorder::write_record(uint16_t type, std::span<const uint8_t> body) {
    const auto payload = trace_record::encode(static_cast<trace_record::Type>(type), body);
    Status written = writer_.write_custom(kTcplabPen, payload);
    if (written) ++records_;
    return written;
}

Result<uint32_t> TraceRecorder::interface_for(uint8_t capture_point, LinkType link) {
    for (const InterfaceKey& key : interfaces_)
        if (key.capture_point == capture_point && key.link == link) return key.id;
    InterfaceSpec spec;
    spec.link_type = static_cast<uint16_t>(link);
    spec.name = capture_point_name(options_, capture_point);
    auto id = writer_.add_interface(spec);
    if (!id) return id.error();
    RecordWriter body;
    body.u32(*id);
    body.u8(capture_point);
    body.u8(0);
    body.u8(0);
    body.u8(0);
    if (Status written = write_record(static_cast<uint16_t>(trace_record::Type::CapturePoint), body.bytes()); !written)
        return written.error();
    interfaces_.push_back(InterfaceKey{capture_point, link, *id});
    return *id;
}

Status TraceRecorder::write_packet(const PacketEvent& packet, std::span<const uint8_t> raw,
                                   std::span<const std::string> comments) {
    auto interface = interface_for(packet.capture_point, packet.link);
    if (!interface) return interface.error();
    Status written = writer_.write_packet(*interface, packet.time_ns, raw, packet.original_length, comments);
    if (written) ++packets_;
    return written;
}

Status TraceRecorder::add_packet(const PacketEvent& packet, std::span<const uint8_t> raw) {
    Status written = write_packet(packet, raw, waiting_comments_);
    if (!written) return written;
    waiting_comments_.clear();
    latest_packet_ns_ = std::max(latest_packet_ns_, packet.time_ns);
    return written;
}

Status TraceRecorder::add_state(const StateEvent& event) {
    if (event.source == StateSource::Inferred) return Done{};
    const auto payload = trace_record::state(event);
    Status written = writer_.write_custom(kTcplabPen, payload);
    if (written) ++records_;
    return written;
}

Status TraceRecorder::add_output(const OutputEvent& event) {
    const auto payload = trace_record::output(event);
    Status written = writer_.write_custom(kTcplabPen, payload);
    if (written) ++records_;
    return written;
}

Status TraceRecorder::add_call(const CallEvent& event) {
    const auto payload = trace_record::call(event);
    Status written = writer_.write_custom(kTcplabPen, payload);
    if (written) ++records_;
    return written;
}

Status TraceRecorder::write_note(const NoteEvent& event, bool copied_to_packet) {
    const auto payload = trace_record::note(event, copied_to_packet);
    Status written = writer_.write_custom(kTcplabPen, payload);
    if (written) ++records_;
    return written;
}

Status TraceRecorder::add_note(const NoteEvent& event) { return write_note(event, false); }

Status TraceRecorder::add_instructor_note(const NoteEvent& event) {
    if (Status written = write_note(event, true); !written) return written;
    // A packet at or after the note's time is on disk already: the next packet
    // carries the comment for now, and finish() moves it onto the right one.
    if (latest_packet_ns_ >= event.time_ns) comments_misplaced_ = true;
    waiting_comments_.push_back(event.key);
    return Done{};
}

Status TraceRecorder::add_actor(const ActorAssignment& assignment) {
    RecordWriter body;
    body.endpoint(assignment.local);
    body.u8(static_cast<uint8_t>(assignment.actor));
    body.u8(0);
    body.u8(0);
    body.u8(0);
    return write_record(static_cast<uint16_t>(trace_record::Type::Actor), body.bytes());
}

Status TraceRecorder::add_wire(const WireEvent& event) {
    RecordWriter body;
    body.i64(event.time_ns);
    body.u64(event.segment);
    body.u8(static_cast<uint8_t>(event.action));
    body.u8(static_cast<uint8_t>(event.by));
    body.u8(static_cast<uint8_t>(event.direction));
    body.u8(0);
    return write_record(static_cast<uint16_t>(trace_record::Type::Wire), body.bytes());
}

Status TraceRecorder::add_lost_events(uint64_t count) {
    if (count == 0) return Done{};
    RecordWriter body;
    body.u64(count);
    return write_record(static_cast<uint16_t>(trace_record::Type::LostEvents), body.bytes());
}

Status TraceRecorder::add_capture_point(uint8_t point, const CapturePoint& description) {
    if (options_.capture_point_names.size() <= point) options_.capture_point_names.resize(size_t{point} + 1);
    if (options_.capture_point_names[point].empty()) options_.capture_point_names[point] = description.name;
    RecordWriter body;
    body.u8(point);
    body.u8(0);
    body.u8(0);
    body.u8(0);
    body.endpoint(Endpoint{description.host, 0});
    body.text(description.name);
    return write_record(static_cast<uint16_t>(trace_record::Type::CapturePointHost), body.bytes());
}

Status TraceRecorder::add_lesson(const RecordedLesson& lesson) {
    Status written = writer_.write_custom(kTcplabPen, trace_record::lesson(lesson));
    if (!written) return written;
    ++records_;
    // One record per language, right after the lesson's: a reader meets the texts before any step.
    for (const auto& [language, texts] : lesson.texts) {
        written = writer_.write_custom(kTcplabPen, trace_record::lesson_texts(language, texts));
        if (!written) return written;
        ++records_;
    }
    return written;
}

Status TraceRecorder::add_step(const RecordedStep& step) {
    Status written = writer_.write_custom(kTcplabPen, trace_record::step(step));
    if (written) ++records_;
    return written;
}

RecordingInfo TraceRecorder::progress() const {
    return RecordingInfo{writer_.path(), writer_.bytes_written(), writer_.blocks_written(), packets_, records_};
}

Result<RecordingInfo> TraceRecorder::finish() {
    RecordingInfo info{writer_.path(), writer_.bytes_written(), writer_.blocks_written(), packets_, records_};
    if (Status closed = writer_.close(); !closed) return closed.error();
    if (notes_to_place()) return rewrite_recording(info.path);
    return info;
}

namespace {

// The trace keeps packets sorted by time, but a packet's raw bytes were stored
// when it arrived, so raw offsets give the order of arrival. Empty when that
// is already the order of the list (the usual case), to spare a copy.
std::vector<uint32_t> arrival_order(const std::vector<PacketEvent>& packets) {
    const auto by_offset = [](const PacketEvent& left, const PacketEvent& right) {
        return left.raw_offset < right.raw_offset;
    };
    if (std::is_sorted(packets.begin(), packets.end(), by_offset)) return {};
    std::vector<uint32_t> order(packets.size());
    for (uint32_t index = 0; index < order.size(); ++index) order[index] = index;
    std::stable_sort(order.begin(), order.end(), [&](uint32_t left, uint32_t right) {
        return packets[left].raw_offset < packets[right].raw_offset;
    });
    return order;
}

}  // namespace

Result<RecordingInfo> write_trace(const Trace& trace, const std::string& path, const TraceWriteOptions& options) {
    // The sockets the trace knows by name, besides those the caller lists.
    TraceWriteOptions with_actors = options;
    for (const auto& named : trace.actors()) {
        const bool listed = std::any_of(options.actors.begin(), options.actors.end(),
                                        [&](const ActorAssignment& given) { return given.local == named.first; });
        if (!listed) with_actors.actors.push_back(ActorAssignment{named.first, named.second});
    }
    auto created = TraceRecorder::create(path, with_actors);
    if (!created) return created.error();
    TraceRecorder& recorder = *created;
    if (options.lesson)
        if (Status written = recorder.add_lesson(*options.lesson); !written) return written.error();

    const auto& packets = trace.packets();
    const auto& states = trace.states();
    const auto& calls = trace.calls();
    const auto& notes = trace.notes();
    const auto& outputs = trace.outputs();
    const auto& wires = options.wire_events.empty() ? trace.wire_events() : options.wire_events;

    // Which host each capture point is on, so packets are paired and attributed as live.
    for (const auto& [point, description] : trace.capture_points())
        if (Status written = recorder.add_capture_point(point, description); !written) return written.error();
    // Describe every capture point before the first packet, as most tools expect.
    for (const PacketEvent& packet : packets)
        if (auto interface = recorder.interface_for(packet.capture_point, packet.link); !interface)
            return interface.error();

    // Each instructor note is the comment of the first packet at or after its
    // time (a note on a packet: that packet), or of the last packet.
    std::map<size_t, std::vector<std::string>> comments;
    std::vector<bool> note_copied(notes.size(), false);
    const std::vector<bool> step_starts = step_start_notes(notes);
    for (size_t index = 0; index < notes.size() && !packets.empty(); ++index) {
        if (step_starts[index]) continue;
        const auto found =
            std::lower_bound(packets.begin(), packets.end(), notes[index].time_ns,
                             [](const PacketEvent& packet, int64_t time) { return packet.time_ns < time; });
        const size_t carrier =
            found == packets.end() ? packets.size() - 1 : static_cast<size_t>(found - packets.begin());
        comments[carrier].push_back(notes[index].key);
        note_copied[index] = true;
    }

    // Packets go out in the order the trace took them in (their raw bytes were
    // appended in that order), which is time order except where two capture
    // points raced. Reading them back in that order numbers connections and
    // spots retransmissions exactly as the live run did.
    const std::vector<uint32_t> arrival = arrival_order(packets);
    const auto packet_at = [&](size_t position) -> size_t { return arrival.empty() ? position : arrival[position]; };

    // Merge the time-sorted lists, so the file reads in the order things happened.
    size_t next_packet = 0, next_state = 0, next_call = 0, next_note = 0, next_wire = 0, next_output = 0;
    constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
    const auto time_or_never = [](const auto& events, size_t index) {
        return index < events.size() ? events[index].time_ns : kNever;
    };
    while (true) {
        const int64_t packet_time = next_packet < packets.size() ? packets[packet_at(next_packet)].time_ns : kNever;
        const int64_t state_time = time_or_never(states, next_state);
        const int64_t call_time = time_or_never(calls, next_call);
        const int64_t note_time = time_or_never(notes, next_note);
        const int64_t wire_time = time_or_never(wires, next_wire);
        const int64_t output_time = time_or_never(outputs, next_output);
        const int64_t earliest = std::min({packet_time, state_time, call_time, note_time, wire_time, output_time});
        if (next_packet == packets.size() && next_state == states.size() && next_call == calls.size() &&
            next_note == notes.size() && next_wire == wires.size() && next_output == outputs.size())
            break;
        Status written = Done{};
        if (packet_time == earliest && next_packet < packets.size()) {
            const size_t index = packet_at(next_packet);
            const PacketEvent& packet = packets[index];
            const auto attached = comments.find(index);
            const std::span<const std::string> packet_comments =
                attached == comments.end() ? std::span<const std::string>{} : attached->second;
            written = recorder.write_packet(packet, trace.raw_bytes(packet), packet_comments);
            ++next_packet;
        } else if (state_time == earliest && next_state < states.size()) {
            written = recorder.add_state(states[next_state++]);
        } else if (call_time == earliest && next_call < calls.size()) {
            written = recorder.add_call(calls[next_call++]);
        } else if (note_time == earliest && next_note < notes.size()) {
            written = recorder.write_note(notes[next_note], note_copied[next_note]);
            ++next_note;
        } else if (output_time == earliest && next_output < outputs.size()) {
            written = recorder.add_output(outputs[next_output++]);
        } else {
            written = recorder.add_wire(wires[next_wire++]);
        }
        if (!written) return written.error();
    }
    for (const RecordedStep& step : options.steps)
        if (Status written = recorder.add_step(step); !written) return written.error();
    if (Status written = recorder.add_lost_events(trace.lost_events()); !written) return written.error();
    return recorder.finish();
}

Result<RecordingInfo> write_trace_replacing(const Trace& trace, const std::string& path,
                                            const TraceWriteOptions& options) {
    std::error_code error;
    if (!options.overwrite && std::filesystem::exists(path, error))
        return Error{path + " already exists", "choose another name, or agree to replace it"};
    // Beside the file, so the rename stays on one file system and is atomic.
    const std::string temporary = path + ".tcplab-" + std::to_string(::getpid()) + ".tmp";
    TraceWriteOptions to_temporary = options;
    to_temporary.overwrite = true;
    auto written = write_trace(trace, temporary, to_temporary);
    const auto give_up = [&](Error failure) -> Result<RecordingInfo> {
        std::error_code ignored;
        std::filesystem::remove(temporary, ignored);
        return failure;
    };
    if (!written) return give_up(written.error());
    // On disk before it takes the old file's name: a power cut then leaves one whole file or the other.
    const int descriptor = ::open(temporary.c_str(), O_RDONLY | O_CLOEXEC);
    const bool synced = descriptor >= 0 && ::fsync(descriptor) == 0;
    if (descriptor >= 0) ::close(descriptor);
    if (!synced) return give_up(Error{"cannot write " + temporary + ": " + std::strerror(errno), ""});
    // The file keeps who may read it (a teacher's 0600 recording stays private).
    if (const auto old = std::filesystem::status(path, error); !error && std::filesystem::exists(old))
        std::filesystem::permissions(temporary, old.permissions(), error);
    error.clear();
    std::filesystem::rename(temporary, path, error);
    if (error) return give_up(Error{"cannot replace " + path + ": " + error.message(), ""});
    written->path = path;
    return written;
}

Result<RecordingInfo> rewrite_recording(const std::string& path) {
    auto loaded = read_trace(path);
    if (!loaded) return loaded.error();
    if (loaded->fault) return Error{"the notes of " + path + " stay on later packets: " + loaded->fault->message(), ""};
    TraceWriteOptions options;
    options.overwrite = true;
    options.actors = loaded->actors;
    options.lesson = loaded->lesson;
    options.steps = loaded->steps;
    return write_trace_replacing(loaded->trace, path, options);
}

// ---- following a live trace ----

namespace {

bool same(const StateEvent& a, const StateEvent& b) {
    return a.time_ns == b.time_ns && a.local == b.local && a.remote == b.remote && a.from == b.from && a.to == b.to &&
           a.source == b.source && a.connection == b.connection && a.receive_queue == b.receive_queue &&
           a.send_queue == b.send_queue && a.timer == b.timer && a.timer_expires_ms == b.timer_expires_ms;
}
bool same(const CallEvent& a, const CallEvent& b) {
    return a.time_ns == b.time_ns && a.return_ns == b.return_ns && a.actor == b.actor && a.call == b.call &&
           a.arguments == b.arguments && a.result == b.result && a.error_number == b.error_number && a.data == b.data &&
           a.local == b.local && a.process == b.process && a.thread == b.thread;
}
bool same(const OutputEvent& a, const OutputEvent& b) {
    return a.time_ns == b.time_ns && a.actor == b.actor && a.label == b.label && a.text == b.text;
}
bool same(const NoteEvent& a, const NoteEvent& b) {
    return a.time_ns == b.time_ns && a.step == b.step && a.key == b.key;
}
bool same(const WireEvent& a, const WireEvent& b) {
    return a.time_ns == b.time_ns && a.segment == b.segment && a.action == b.action && a.by == b.by &&
           a.direction == b.direction;
}

// The trace only inserts, never removes or reorders, so what was seen is a
// subsequence of what is there now. Matching from the end finds the new events
// (usually at the end) without walking the whole list; identical events are
// interchangeable, so which copy counts as new does not matter. Returns their
// indices in time order and brings `seen` up to date.
template <class Event>
std::vector<size_t> new_events(const std::vector<Event>& now, std::vector<Event>& seen) {
    std::vector<size_t> fresh;
    if (now.size() <= seen.size()) return fresh;
    size_t remaining = now.size() - seen.size();
    size_t matched = seen.size();
    for (size_t index = now.size(); index > 0 && remaining > 0;) {
        --index;
        if (matched > 0 && same(now[index], seen[matched - 1])) {
            --matched;
        } else {
            fresh.push_back(index);
            --remaining;
        }
    }
    std::reverse(fresh.begin(), fresh.end());
    seen = now;
    return fresh;
}

}  // namespace

Result<TraceFollower> TraceFollower::create(const std::string& path, const TraceWriteOptions& options) {
    auto recorder = TraceRecorder::create(path, options);
    if (!recorder) return recorder.error();
    TraceFollower follower(std::move(*recorder));
    for (const ActorAssignment& actor : options.actors) follower.actors_seen_[actor.local] = actor.actor;
    return follower;
}

Status TraceFollower::sync(const Trace& trace) {
    // Capture points and actor names first: packets after them are read with them.
    for (const auto& [point, description] : trace.capture_points()) {
        const auto known = capture_points_seen_.find(point);
        if (known != capture_points_seen_.end() && known->second.host == description.host &&
            known->second.name == description.name)
            continue;
        if (Status written = recorder_.add_capture_point(point, description); !written) return written;
        capture_points_seen_[point] = description;
    }
    for (const auto& [local, actor] : trace.actors()) {
        const auto known = actors_seen_.find(local);
        if (known != actors_seen_.end() && known->second == actor) continue;
        if (Status written = recorder_.add_actor(ActorAssignment{local, actor}); !written) return written;
        actors_seen_[local] = actor;
    }

    // New packets: their raw bytes were appended after everything seen.
    const auto& packets = trace.packets();
    std::vector<size_t> new_packets;
    if (packets.size() > packets_seen_) {
        size_t remaining = packets.size() - packets_seen_;
        for (size_t index = packets.size(); index > 0 && remaining > 0;) {
            --index;
            if (packets[index].raw_offset >= raw_seen_) {
                new_packets.push_back(index);
                --remaining;
            }
        }
        // In the order they arrived, as write_trace orders a whole trace.
        std::sort(new_packets.begin(), new_packets.end(),
                  [&](size_t left, size_t right) { return packets[left].raw_offset < packets[right].raw_offset; });
        for (size_t index : new_packets)
            raw_seen_ = std::max<uint64_t>(raw_seen_, packets[index].raw_offset + packets[index].raw_length);
        packets_seen_ = packets.size();
    }
    const std::vector<size_t> new_states = new_events(trace.states(), states_seen_);
    const std::vector<size_t> new_calls = new_events(trace.calls(), calls_seen_);
    const std::vector<size_t> new_notes = new_events(trace.notes(), notes_seen_);
    const std::vector<size_t> new_wires = new_events(trace.wire_events(), wires_seen_);
    const std::vector<size_t> new_outputs = new_events(trace.outputs(), outputs_seen_);

    // Merge the batch by time, as write_trace merges a whole trace.
    size_t packet = 0, state = 0, call = 0, note = 0, wire = 0, output = 0;
    constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
    const auto time_of = [](const auto& events, const std::vector<size_t>& fresh, size_t at) {
        return at < fresh.size() ? events[fresh[at]].time_ns : kNever;
    };
    while (packet < new_packets.size() || state < new_states.size() || call < new_calls.size() ||
           note < new_notes.size() || wire < new_wires.size() || output < new_outputs.size()) {
        const int64_t packet_time = time_of(packets, new_packets, packet);
        const int64_t state_time = time_of(trace.states(), new_states, state);
        const int64_t call_time = time_of(trace.calls(), new_calls, call);
        const int64_t note_time = time_of(trace.notes(), new_notes, note);
        const int64_t wire_time = time_of(trace.wire_events(), new_wires, wire);
        const int64_t output_time = time_of(trace.outputs(), new_outputs, output);
        const int64_t earliest = std::min({packet_time, state_time, call_time, note_time, wire_time, output_time});
        Status written = Done{};
        // A note before a packet of the same time, so that packet carries its comment.
        if (note < new_notes.size() && note_time == earliest) {
            const NoteEvent& event = trace.notes()[new_notes[note++]];
            const bool step_start = event.step >= 0 && steps_begun_.insert(event.step).second;
            written = step_start ? recorder_.add_note(event) : recorder_.add_instructor_note(event);
        } else if (packet < new_packets.size() && packet_time == earliest) {
            const PacketEvent& event = packets[new_packets[packet++]];
            written = recorder_.add_packet(event, trace.raw_bytes(event));
        } else if (state < new_states.size() && state_time == earliest) {
            written = recorder_.add_state(trace.states()[new_states[state++]]);
        } else if (call < new_calls.size() && call_time == earliest) {
            written = recorder_.add_call(trace.calls()[new_calls[call++]]);
        } else if (output < new_outputs.size() && output_time == earliest) {
            written = recorder_.add_output(trace.outputs()[new_outputs[output++]]);
        } else {
            written = recorder_.add_wire(trace.wire_events()[new_wires[wire++]]);
        }
        if (!written) return written;
    }
    if (trace.lost_events() > lost_seen_) {
        if (Status written = recorder_.add_lost_events(trace.lost_events() - lost_seen_); !written) return written;
        lost_seen_ = trace.lost_events();
    }
    return Done{};
}

}  // namespace tcplab
