#pragma once
// Where the clickable items a test may press were drawn, by a stable name
// ("lesson.reset", "menu.file", ...). The window's input script
// (window_script.hpp) moves the mouse to them and clicks, as a teacher would,
// whatever the language, fonts or layout. Off (and free) unless a script runs.
#include <imgui.h>

#include <map>
#include <string>

namespace tcplab::item_marks {

struct Rect {
    ImVec2 min, max;
    bool enabled = true;  // false: drawn disabled, a click does nothing
    std::string window;   // the top-level window it is in (ImGui's name)
};

void enable(bool on);
bool enabled();
// Remembers the item just drawn (ImGui's last item) under `name`.
void mark(const std::string& name);
// The items drawn in the last complete frame.
const std::map<std::string, Rect>& last_frame();
// At a frame's start: this frame's marks become last_frame().
void next_frame();

}  // namespace tcplab::item_marks
