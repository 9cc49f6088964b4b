#pragma once
// Why a run has no kernel tracepoint, as the terminal and the lesson bar say
// it after app.no_tracepoint: in the reader's language for the reasons a
// user meets (not root, --no-tracepoint), else in the kernel's own words.
#include <string>

#include "lab/i18n.hpp"
#include "scenarios/run.hpp"

namespace tcplab {

std::string tracepoint_note_text(const LessonRun& run, const Language& language);

}  // namespace tcplab
