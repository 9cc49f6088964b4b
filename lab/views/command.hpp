#pragma once
// What a view (or a key, or a menu) asks of the lesson or the file shown. A
// view never changes the run while it draws: the frame's views all read the
// same run, and a click only puts a command in the window's outbox. The window
// applies the outbox between frames (lab/window/apply_commands.hpp), before
// it builds the next frame's LabContext, so a Reset can free the old run
// without any view still holding it.
#include <chrono>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "capture/events.hpp"
#include "scenarios/run.hpp"

namespace tcplab {
namespace command {

// The lesson (StepController).
struct LoadLesson {
    std::string name;
};
struct Reset {};  // the same lesson again, from a fresh sandbox
struct Step {};   // space: release the oldest segment at the gate, or the next step
struct Back {};
struct Forward {};
struct TogglePlay {};
struct SetPlaySpeed {
    float seconds_between_steps = 2.0f;
};
struct SetRunOptions {  // topology, MTU, gate: taken by the next Reset
    RunOptions options;
};
// The wire of the run shown (two hosts).
struct ReleaseHeld {
    uint64_t segment = 0;
};
struct DropHeld {
    uint64_t segment = 0;
};
struct ReleaseAllHeld {};
struct SetLatency {
    std::chrono::microseconds latency{0};
};
struct SetLoss {
    double probability = 0;
};
struct SkipTimeWait {};
// The student's own programs (the output panel): the client's standard input
// ends after what was typed, as Ctrl-D ends it in a terminal.
struct EndProgramInput {};
// Instructor notes, on the live run or the recording shown.
struct AddNote {
    NoteEvent note;
};
// The note is named by what it is (time, step, text), not by its place in the
// list: an earlier command of the same frame may have moved it.
struct EditNote {
    NoteEvent note;
    std::string text;
};
struct DeleteNote {
    NoteEvent note;
};

// Files (the window's ReplayUi).
struct OpenFile {
    std::string path;
};
struct StartRecording {
    std::string path;
    bool overwrite = false;
};
struct StopRecording {};
struct Save {};  // Ctrl+S: the recording shown, into its own file
struct SaveAs {
    std::string path;
    bool overwrite = false;
};
struct ExportLadderSvg {
    std::string path;
};
struct ExportLadderPng {
    std::string path;
};
// The answer to "the notes on this recording are not saved" (replay_ui.hpp).
struct AnswerUnsaved {
    enum class Choice { Save, Discard, Cancel } choice = Choice::Cancel;
};

}  // namespace command

using Command =
    std::variant<command::LoadLesson, command::Reset, command::Step, command::Back, command::Forward,
                 command::TogglePlay, command::SetPlaySpeed, command::SetRunOptions, command::ReleaseHeld,
                 command::DropHeld, command::ReleaseAllHeld, command::SetLatency, command::SetLoss,
                 command::SkipTimeWait, command::EndProgramInput, command::AddNote, command::EditNote,
                 command::DeleteNote, command::OpenFile, command::StartRecording, command::StopRecording, command::Save,
                 command::SaveAs, command::ExportLadderSvg, command::ExportLadderPng, command::AnswerUnsaved>;

// The commands of one frame, applied in order before the next.
using Outbox = std::vector<Command>;

}  // namespace tcplab
