#pragma once
// The one place where what the views, keys and menus asked for (command.hpp)
// changes the lesson or the file shown: between frames, never while one draws.
#include "lab/views/command.hpp"
#include "lab/views/step_controller.hpp"
#include "replay_ui.hpp"

namespace tcplab {

// Applies the outbox in order and empties it. What selects a packet of the
// old run (the selection, the hover) is cleared when the run is replaced.
void apply_commands(Outbox& outbox, StepController& controller, ReplayUi& files, SharedViewState& shared);

}  // namespace tcplab
