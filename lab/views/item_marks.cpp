#include "item_marks.hpp"

#include <imgui_internal.h>

namespace tcplab::item_marks {
namespace {

bool marking = false;
std::map<std::string, Rect> drawing;
std::map<std::string, Rect> drawn;

}  // namespace

void enable(bool on) { marking = on; }
bool enabled() { return marking; }

void mark(const std::string& name) {
    if (!marking) return;
    // The flags in force where the item was just drawn: the same field in every
    // release, where the last item's own copy was renamed in 1.91.4.
    const bool disabled = (GImGui->CurrentItemFlags & ImGuiItemFlags_Disabled) != 0;
    drawing[name] =
        Rect{ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), !disabled, GImGui->CurrentWindow->RootWindow->Name};
}

const std::map<std::string, Rect>& last_frame() { return drawn; }

void next_frame() {
    if (!marking) return;
    drawn = std::move(drawing);
    drawing.clear();
}

}  // namespace tcplab::item_marks
