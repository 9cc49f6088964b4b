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
#if IMGUI_VERSION_NUM >= 19140  // renamed in 1.91.4
    const bool disabled = (GImGui->LastItemData.ItemFlags & ImGuiItemFlags_Disabled) != 0;
#else
    const bool disabled = (GImGui->LastItemData.InFlags & ImGuiItemFlags_Disabled) != 0;
#endif
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
