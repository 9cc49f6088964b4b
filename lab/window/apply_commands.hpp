#pragma once
// The one place where what the views, keys and menus asked for (command.hpp)
// changes the lesson or the file shown: between frames, never while one draws.
#include "lab/views/command.hpp"
#include "lab/views/step_controller.hpp"
#include "replay_ui.hpp"
#include "scenarios/program_input.hpp"

namespace tcplab {

// Applies the outbox in order and empties it. What selects a packet of the
// old run (the selection, the hover) is cleared when the run is replaced.
// `program_input`: the client's standard input while the student's programs
// run in the window, else null.
void apply_commands(Outbox& outbox, StepController& controller, ReplayUi& files, SharedViewState& shared,
                    ProgramInput* program_input = nullptr);

}  // namespace tcplab
