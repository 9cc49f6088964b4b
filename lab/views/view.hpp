#pragma once
// What every view of the window shares. A view is a small class with one job
// that draws the trace plus its own state; it never changes the trace nor the
// run: what a click asks for goes into the outbox (command.hpp).
#include <imgui.h>

#include <optional>
#include <string>
#include <vector>

#include "capture/sock_diag.hpp"
#include "capture/trace.hpp"
#include "command.hpp"
#include "lab/i18n.hpp"
#include "lab/layout/drawn_text.hpp"
#include "lab/layout/palette.hpp"
#include "lab/layout/transitions_and_spans.hpp"
#include "scenarios/wire.hpp"

namespace tcplab {

// The palette's colours are handed to ImGui unconverted: both pack RGBA with red in the lowest byte.
static_assert(IM_COL32(1, 2, 3, 4) == rgba(1, 2, 3, 4), "ImGui packs colours differently from the palette");

class ProgramInput;
class StepController;
struct KernelCounters;

// State that belongs to no single view: what is selected, which moment the
// views show, how numbers and colours look. A plain struct, saved and tested.
struct SharedViewState {
    std::optional<size_t> selected_packet;  // index into trace.packets()
    std::optional<size_t> hovered_packet;   // set by a view while the mouse is over a packet
    int64_t cursor_ns = 0;                  // the views show what happened up to here
    bool relative_numbers = true;           // seq/ack relative to each side's ISN
    bool presentation = false;              // large fonts and thick lines for a projector
    // In front of a class the lesson bar's height follows its text: the height
    // the bar asks for (0: no wish), and whether the window gave less (the
    // diagrams under it keep their share of the screen).
    float lesson_height_wanted = 0;
    bool lesson_height_capped = false;
    bool colour_blind_palette = false;
    bool note_requested = false;      // a view asks the window to open the instructor-note popup
    bool programs_requested = false;  // the picker asks the window for the "Your programs" dialog
};

struct LabContext {
    const Trace& trace;
    const Language& language;
    SharedViewState& shared;
    const Palette& palette;
    float line_width = 1.0f;  // 1 normally, thicker in presentation mode
    // The sandbox's sockets (like ss) and kernel counters, when a run is live.
    const std::vector<SocketInfo>* sockets = nullptr;
    const KernelCounters* counters = nullptr;
    // Segments waiting at the wire's gate (two hosts in step mode), oldest first.
    const std::vector<HeldPacket>* held = nullptr;
    // What steps the lesson or the recording shown (read only: see ask()).
    const StepController* controller = nullptr;
    // Where this frame's commands go; none in tests that only draw.
    Outbox* outbox = nullptr;
    // The client's standard input while the student's own programs run in the
    // window: typed lines are queued here and written between frames.
    ProgramInput* program_input = nullptr;
    // Ctrl+D went down this frame: in the program input line, it ends the
    // client's standard input, as in a terminal.
    bool end_of_input_key = false;
    // The trace's transitions and state spans, brought up to date once at the
    // start of the frame for every view (the window's). Without it (tests), a
    // view keeps its own: see transitions_and_spans().
    const TransitionsAndSpans* history = nullptr;
    // A screenshot lists the texts a class must read, where they went and
    // where they could have gone (see record_text in drawing.hpp); null otherwise.
    std::vector<DrawnText>* drawn_texts = nullptr;

    std::string text(const std::string& key) const { return language.text(key); }
    // Asks for a change to the run or the file shown, applied before the next frame.
    void ask(Command command) const {
        if (outbox) outbox->push_back(std::move(command));
    }
    // Events at or before the cursor are visible; cursor 0 means "everything".
    bool visible(int64_t time_ns) const { return shared.cursor_ns == 0 || time_ns <= shared.cursor_ns; }
};

// The context's history, or the view's own brought up to date.
inline const TransitionsAndSpans& transitions_and_spans(const LabContext& context, TransitionsAndSpans& own) {
    if (context.history) return *context.history;
    own.update(context.trace);
    return own;
}

class View {
public:
    virtual ~View() = default;
    // A stable name: the window's ImGui id, the settings key, and the language
    // keys "view.<id>.title" and "view.<id>.help" ("what am I looking at").
    virtual const char* id() const = 0;
    // Draws the view's contents; the shell has already opened its window.
    virtual void draw(LabContext& context) = 0;
};

}  // namespace tcplab
