#include "recording_reader.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <utility>

namespace tcplab {

using trace_record::kActorCount;
using trace_record::kEndpointLength;
using trace_record::kRecordHeaderLength;
using trace_record::kRecordMagic;
using trace_record::kSocketTimerCount;
using trace_record::kStateSourceCount;
using trace_record::kWireActionCount;
using trace_record::kWireActorCount;
using trace_record::kWireDirectionCount;

namespace {

constexpr size_t kMaxWarnings = 100;
constexpr uint64_t kProgressEveryBlocks = 4096;

// Reads a record body; any read past the end clears ok() instead of reading.
class RecordReader {
public:
    explicit RecordReader(std::span<const uint8_t> body) : body_(body) {}

    bool ok() const { return ok_; }
    // Bytes not read yet: fields added to a record later are read only when there.
    size_t remaining() const { return ok_ ? body_.size() - position_ : 0; }
    bool at_end() const { return position_ >= body_.size(); }
    uint8_t u8() { return static_cast<uint8_t>(get(1)); }
    uint16_t u16() { return static_cast<uint16_t>(get(2)); }
    uint32_t u32() { return static_cast<uint32_t>(get(4)); }
    uint64_t u64() { return get(8); }
    int32_t i32() { return static_cast<int32_t>(u32()); }
    int64_t i64() { return static_cast<int64_t>(u64()); }
    std::string text() {
        const uint32_t length = u32();
        if (!ok_ || length > body_.size() - position_) {
            ok_ = false;
            return {};
        }
        std::string value(body_.begin() + static_cast<std::ptrdiff_t>(position_),
                          body_.begin() + static_cast<std::ptrdiff_t>(position_ + length));
        position_ += length;
        return value;
    }
    Endpoint endpoint() {
        Endpoint endpoint;
        endpoint.address.version = u8();
        u8();
        endpoint.port = u16();
        if (!ok_ || kEndpointLength - 4 > body_.size() - position_) {
            ok_ = false;
            return {};
        }
        std::memcpy(endpoint.address.bytes.data(), body_.data() + position_, 16);
        position_ += 16;
        if (endpoint.address.version != 0 && endpoint.address.version != 4 && endpoint.address.version != 6)
            ok_ = false;
        return endpoint;
    }
    // For enumerations: a value beyond the last one we know makes the record invalid.
    template <class Enum>
    Enum enumeration(unsigned count) {
        const uint8_t value = u8();
        if (value >= count) ok_ = false;
        return static_cast<Enum>(value);
    }

private:
    uint64_t get(size_t width) {
        if (!ok_ || width > body_.size() - position_) {
            ok_ = false;
            return 0;
        }
        uint64_t value = 0;
        for (size_t i = 0; i < width; ++i) value |= uint64_t{body_[position_ + i]} << (8 * i);
        position_ += width;
        return value;
    }

    std::span<const uint8_t> body_;
    size_t position_ = 0;
    bool ok_ = true;
};

}  // namespace

// ---- reading ----

namespace {

class RecordingReader {
public:
    RecordingReader(CaptureFileReader& reader, LoadedTrace& loaded) : reader_(reader), loaded_(loaded) {}

    void packet(const CaptureRecord& record) {
        const CaptureInterface& interface = reader_.interfaces()[record.interface];
        uint8_t capture_point = static_cast<uint8_t>(std::min<uint32_t>(record.interface, 255));
        if (auto found = capture_points_.find({interface.section, interface.id_in_section});
            found != capture_points_.end())
            capture_point = found->second;
        // A link type we cannot decode still gives a packet; it shows as undecodable.
        const auto link = static_cast<LinkType>(interface.link_type);
        loaded_.trace.add_packet(
            Trace::capture(record.time_ns, capture_point, link, record.original_length, record.data));
        ++loaded_.packets;
        // In a foreign file, packet comments are the only notes there are; in
        // ours they copy Note records, which carry the step as well.
        if (!tcplab_sections_.contains(record.section))
            for (const std::string& comment : record.comments)
                loaded_.trace.add_note(NoteEvent{record.time_ns, -1, comment});
    }

    void custom(const CaptureRecord& record) {
        if (record.private_enterprise_number != kTcplabPen) return;
        const auto data = record.data;
        if (data.size() < kRecordHeaderLength || !std::equal(kRecordMagic.begin(), kRecordMagic.end(), data.begin()))
            return;  // someone else's use of the documentation PEN
        RecordReader header(data.subspan(4, 8));
        const uint16_t version = header.u16();
        const uint16_t type = header.u16();
        const uint32_t length = header.u32();
        if (version != kTraceFormatVersion) {
            warn(record, "tcplab record version " + std::to_string(version) + " is not version " +
                             std::to_string(kTraceFormatVersion) + ", which this tcplab reads; skipped");
            return;
        }
        if (length > data.size() - kRecordHeaderLength) {
            warn(record, "tcplab record body of " + std::to_string(length) + " bytes runs past its block; skipped");
            return;
        }
        // Fields added to a record later are appended, so extra bytes at the end are ignored.
        RecordReader body(data.subspan(kRecordHeaderLength, length));
        if (!decode(static_cast<trace_record::Type>(type), body, record))
            warn(record, "tcplab record of type " + std::to_string(type) + " is malformed; skipped");
    }

private:
    bool decode(trace_record::Type type, RecordReader& body, const CaptureRecord& record) {
        using trace_record::Type;
        switch (type) {
            case Type::Recording:
                body.u32();
                body.text();
                if (!body.ok()) return false;
                tcplab_sections_.insert(record.section);
                loaded_.from_tcplab = true;
                return true;
            case Type::CapturePoint: {
                const uint32_t interface = body.u32();
                const uint8_t capture_point = body.u8();
                if (!body.ok()) return false;
                capture_points_[{record.section, interface}] = capture_point;
                return true;
            }
            case Type::State: {
                StateEvent event;
                event.time_ns = body.i64();
                event.local = body.endpoint();
                event.remote = body.endpoint();
                event.from = body.enumeration<TcpState>(kTcpStateCount);
                event.to = body.enumeration<TcpState>(kTcpStateCount);
                event.source = body.enumeration<StateSource>(kStateSourceCount);
                event.timer = body.enumeration<SocketTimer>(kSocketTimerCount);
                event.connection = body.u32();
                event.receive_queue = body.u32();
                event.send_queue = body.u32();
                event.timer_expires_ms = body.u32();
                if (!body.ok()) return false;
                loaded_.trace.add_state(event);
                return true;
            }
            case Type::Call: {
                CallEvent event;
                event.time_ns = body.i64();
                event.return_ns = body.i64();
                event.result = body.i64();
                event.error_number = body.i32();
                event.actor = body.enumeration<Actor>(kActorCount);
                body.u8();
                body.u8();
                body.u8();
                event.local = body.endpoint();
                event.call = body.text();
                event.arguments = body.text();
                event.data = body.text();
                // Recordings made before tcplab exec end here.
                if (body.remaining() > 0) {
                    event.process = body.i32();
                    event.thread = body.i32();
                    event.program = body.text();
                }
                if (!body.ok()) return false;
                loaded_.trace.add_call(std::move(event));
                return true;
            }
            case Type::Output: {
                OutputEvent event;
                event.time_ns = body.i64();
                event.actor = body.enumeration<Actor>(kActorCount);
                body.u8();
                body.u8();
                body.u8();
                event.label = body.text();
                event.text = body.text();
                if (!body.ok()) return false;
                loaded_.trace.add_output(std::move(event));
                return true;
            }
            case Type::Note: {
                NoteEvent event;
                event.time_ns = body.i64();
                event.step = body.i32();
                body.u32();  // flags: whether a packet comment copies it
                event.key = body.text();
                if (!body.ok()) return false;
                loaded_.trace.add_note(std::move(event));
                return true;
            }
            case Type::Actor: {
                ActorAssignment assignment;
                assignment.local = body.endpoint();
                assignment.actor = body.enumeration<Actor>(kActorCount);
                if (!body.ok()) return false;
                loaded_.trace.assign_actor(assignment.local, assignment.actor);
                loaded_.actors.push_back(assignment);
                return true;
            }
            case Type::LostEvents: {
                const uint64_t count = body.u64();
                if (!body.ok()) return false;
                loaded_.trace.count_lost_events(count);
                return true;
            }
            case Type::Wire: {
                WireEvent event;
                event.time_ns = body.i64();
                event.segment = body.u64();
                event.action = body.enumeration<WireAction>(kWireActionCount);
                event.by = body.enumeration<WireActor>(kWireActorCount);
                event.direction = body.enumeration<WireDirection>(kWireDirectionCount);
                if (!body.ok()) return false;
                loaded_.wire_events.push_back(event);
                loaded_.trace.add_wire(event);
                return true;
            }
            case Type::Lesson: {
                RecordedLesson lesson;
                lesson.name = body.text();
                lesson.title_key = body.text();
                const uint32_t count = body.u32();
                // Each key reads from the body, so a lying count stops at its end.
                for (uint32_t index = 0; index < count && body.ok(); ++index) lesson.step_keys.push_back(body.text());
                if (!body.ok()) return false;
                // Texts may have come first (a file mended by a tool): keep them.
                if (loaded_.lesson) lesson.texts = std::move(loaded_.lesson->texts);
                loaded_.lesson = std::move(lesson);
                return true;
            }
            case Type::LessonTexts: {
                const std::string language = body.text();
                const uint32_t count = body.u32();
                std::map<std::string, std::string> texts;
                for (uint32_t index = 0; index < count && body.ok(); ++index) {
                    std::string key = body.text();
                    std::string text = body.text();
                    if (body.ok()) texts[std::move(key)] = std::move(text);
                }
                if (!body.ok() || language.empty()) return false;
                if (!loaded_.lesson) loaded_.lesson = RecordedLesson{};
                loaded_.lesson->texts[language].merge(texts);
                return true;
            }
            case Type::StepOutcome: {
                RecordedStep step;
                step.index = body.u32();
                step.begin_ns = body.i64();
                step.end_ns = body.i64();
                step.failure = body.text();
                const uint32_t count = body.u32();
                for (uint32_t index = 0; index < count && body.ok(); ++index) {
                    RecordedExpectation expectation;
                    expectation.key = body.text();
                    expectation.passed = body.enumeration<uint8_t>(2) != 0;
                    expectation.evidence = Evidence::literal(body.text());
                    step.expectations.push_back(std::move(expectation));
                }
                // Recordings from before evidence had keys end here.
                if (body.ok() && !body.at_end())
                    for (RecordedExpectation& expectation : step.expectations)
                        expectation.evidence = decode_evidence(body.text());
                if (!body.ok()) return false;
                loaded_.steps.push_back(std::move(step));
                return true;
            }
            case Type::CapturePointHost: {
                const uint8_t point = body.u8();
                body.u8();
                body.u8();
                body.u8();
                const Endpoint host = body.endpoint();
                std::string name = body.text();
                if (!body.ok()) return false;
                loaded_.trace.describe_capture_point(point, CapturePoint{host.address, std::move(name)});
                return true;
            }
        }
        return true;  // a record type from a later tcplab: nothing we can show
    }

    void warn(const CaptureRecord& record, std::string text) {
        if (loaded_.warnings.size() >= kMaxWarnings) return;
        loaded_.warnings.push_back(FileFault{record.block_index, record.offset, std::move(text)}.message());
    }

    CaptureFileReader& reader_;
    LoadedTrace& loaded_;
    std::map<std::pair<uint32_t, uint32_t>, uint8_t> capture_points_;  // (section, interface id)
    std::set<uint32_t> tcplab_sections_;
};

}  // namespace

Result<LoadedTrace> read_trace(CaptureFileReader& reader, const ProgressCallback& progress) {
    LoadedTrace loaded;
    loaded.format = reader.format();
    RecordingReader loader(reader, loaded);
    CaptureRecord record;
    uint64_t records = 0;
    const auto report = [&] {
        return !progress || progress(ReadProgress{reader.position(), reader.size(), loaded.packets});
    };
    while (reader.next(record)) {
        if (record.kind == CaptureRecord::Kind::Packet)
            loader.packet(record);
        else
            loader.custom(record);
        if (++records % kProgressEveryBlocks == 0 && !report()) return Error{"reading cancelled", ""};
    }
    report();
    loaded.fault = reader.fault();
    loaded.interfaces = reader.interfaces();
    loaded.skipped_blocks = reader.skipped_blocks();
    loaded.trace.flush_inferred();
    return loaded;
}

Result<LoadedTrace> read_trace(const std::string& path, const ProgressCallback& progress) {
    auto reader = CaptureFileReader::open(path);
    if (!reader) return reader.error();
    return read_trace(*reader, progress);
}

}  // namespace tcplab
