#include "tracepoint_note.hpp"

#include "scenarios/sandbox.hpp"

namespace tcplab {

std::string tracepoint_note_text(const LessonRun& run, const Language& language) {
    if (!run.options().use_tracepoint) return language.text("app.tracepoint_switched_off");
    if (!started_as_root()) return language.text("app.tracepoint_needs_root");
    return run.tracepoint_note();  // tracefs refused root: the kernel's words, for whoever runs it as root
}

}  // namespace tcplab
