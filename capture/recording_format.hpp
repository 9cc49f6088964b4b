#pragma once
// How tcplab stores a trace in a pcapng file: what the recording writer
// (recording_writer.hpp) and the recording reader (recording_reader.hpp) share.
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
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "endpoint.hpp"
#include "events.hpp"
#include "evidence.hpp"

namespace tcplab {

// RFC 5612's Private Enterprise Number "for documentation use": tcplab has no
// PEN of its own, and this one is guaranteed never to belong to a vendor whose
// custom blocks we could misread. Our payload starts with the magic "tcpl" so
// other users of the documentation PEN are told apart too.
inline constexpr uint32_t kTcplabPen = 32473;
inline constexpr uint16_t kTraceFormatVersion = 1;

// A lesson names its sockets (Trace::assign_actor); the trace cannot list
// them back, so whoever assigns them also hands them to the recorder.
struct ActorAssignment {
    Endpoint local;
    Actor actor = Actor::None;
    bool operator==(const ActorAssignment&) const = default;
};

// A lesson step's outcome as recorded, so a replay shows the same ✓ and ✗ as
// the live run. A plain copy of the lessons' StepOutcome (capture/ does not
// know lessons; lab/ converts between the two).
struct RecordedExpectation {
    std::string key;  // the sentence in assets/lang that says what was expected
    bool passed = false;
    Evidence evidence;  // what decided it, in words the viewer's language supplies
    bool operator==(const RecordedExpectation&) const = default;
};

struct RecordedStep {
    uint32_t index = 0;
    int64_t begin_ns = 0;
    int64_t end_ns = 0;
    std::vector<RecordedExpectation> expectations = {};
    std::string failure = {};  // an action that could not run at all
    bool passed() const {
        if (!failure.empty()) return false;
        for (const RecordedExpectation& expectation : expectations)
            if (!expectation.passed) return false;
        return true;
    }
    bool operator==(const RecordedStep&) const = default;
};

// Which lesson a recording is of: its name (the title is NAME.title in
// assets/lang) and each step's narration key, in order. A lesson from a file
// of its own brings its texts along (language code → key → text), so the
// recording shows its narration where that file is absent.
struct RecordedLesson {
    std::string name = {};
    std::string title_key = {};
    std::vector<std::string> step_keys = {};
    std::map<std::string, std::map<std::string, std::string>> texts = {};
    bool operator==(const RecordedLesson&) const = default;
};

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
    Output = 12,
    LessonTexts = 13,
};

// Every record starts with these four bytes, then version, type and body length.
inline constexpr std::array<uint8_t, 4> kRecordMagic = {'t', 'c', 'p', 'l'};
inline constexpr size_t kRecordHeaderLength = 12;
inline constexpr size_t kEndpointLength = 20;

// How many values each enumeration stored in a record has: a reader refuses larger ones.
inline constexpr unsigned kStateSourceCount = 3;
inline constexpr unsigned kSocketTimerCount = 5;
inline constexpr unsigned kActorCount = 4;
inline constexpr unsigned kWireActionCount = 6;
inline constexpr unsigned kWireActorCount = 3;
inline constexpr unsigned kWireDirectionCount = 2;
}  // namespace trace_record

}  // namespace tcplab
