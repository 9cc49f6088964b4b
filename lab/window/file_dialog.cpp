#include "file_dialog.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <cstdio>
#include <cstring>
#include <filesystem>

#include "imgui_compat.hpp"
#include "lab/views/item_marks.hpp"

namespace tcplab {
namespace {

void set_field(std::array<char, 4096>& field, const std::string& text) {
    std::snprintf(field.data(), field.size(), "%s", text.c_str());
}

}  // namespace

void FileDialog::open(FileDialogMode mode, std::string purpose, std::string title_key,
                      std::vector<std::string> extensions, const std::string& directory, const std::string& file_name) {
    open_ = true;
    focus_field_ = true;
    mode_ = mode;
    purpose_ = std::move(purpose);
    title_key_ = std::move(title_key);
    extensions_ = std::move(extensions);
    confirm_path_.clear();
    problem_.clear();
    enter(directory);
    set_field(field_, file_name);
}

void FileDialog::enter(const std::string& directory) {
    listing_ = list_directory(directory, extensions_);
    selected_.reset();
    problem_.clear();
    set_field(field_, "");
}

std::optional<FileChoice> FileDialog::choose(const std::string& typed) {
    std::string path = resolve_path(listing_.directory, typed);
    std::error_code error;
    if (typed.empty() || std::filesystem::is_directory(path, error)) {
        enter(path);
        return std::nullopt;
    }
    if (mode_ == FileDialogMode::Open) {
        if (!std::filesystem::is_regular_file(path, error)) {
            problem_ = path;
            return std::nullopt;
        }
        open_ = false;
        return FileChoice{purpose_, path, false};
    }
    if (!extensions_.empty()) path = with_extension(path, extensions_, extensions_.front());
    if (std::filesystem::exists(path, error)) {
        confirm_path_ = path;  // asked below, in the dialog itself
        return std::nullopt;
    }
    open_ = false;
    return FileChoice{purpose_, path, false};
}

std::optional<FileChoice> FileDialog::draw(const Language& language) {
    if (!open_) return std::nullopt;
    std::optional<FileChoice> choice;
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowSize(ImVec2(display.x * 0.5f, display.y * 0.6f), ImGuiCond_Appearing);
    ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, display.y * 0.5f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowBgAlpha(1.0f);
    ImGui::SetNextWindowFocus();
    const std::string name = language.text(title_key_) + "###file_dialog";
    bool keep_open = true;
    if (ImGui::Begin(name.c_str(), &keep_open, ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings)) {
        if (!confirm_path_.empty()) {
            // Saving over a file the user has is never silent.
            ImGui::TextWrapped("%s", language.text("replay.dialog.replace_question").c_str());
            ImGui::TextColored(ImVec4(0.95f, 0.75f, 0.25f, 1.0f), "%s", confirm_path_.c_str());
            ImGui::Spacing();
            if (ImGui::Button(language.text("replay.dialog.replace").c_str())) {
                choice = FileChoice{purpose_, confirm_path_, true};
                open_ = false;
            }
            item_marks::mark("dialog.replace");
            ImGui::SameLine();
            if (ImGui::Button(language.text("replay.dialog.keep").c_str())) confirm_path_.clear();
            item_marks::mark("dialog.keep");
        } else {
            if (ImGui::Button(language.text("replay.dialog.up").c_str())) enter(parent_directory(listing_.directory));
            ImGui::SameLine();
            ImGui::TextUnformatted(listing_.directory.c_str());

            ImGui::SetNextItemWidth(-FLT_MIN);
            if (focus_field_) {
                ImGui::SetKeyboardFocusHere();
                focus_field_ = false;
            }
            const bool entered =
                ImGui::InputTextWithHint("##path", language.text("replay.dialog.path_hint").c_str(), field_.data(),
                                         field_.size(), ImGuiInputTextFlags_EnterReturnsTrue);
            if (entered) {
                choice = choose(field_.data());
                focus_field_ = !choice;
            }
            if (!problem_.empty())
                ImGui::TextColored(ImVec4(0.95f, 0.35f, 0.3f, 1.0f), "%s %s",
                                   language.text("replay.dialog.no_such_file").c_str(), problem_.c_str());
            if (listing_.error)
                ImGui::TextColored(ImVec4(0.95f, 0.35f, 0.3f, 1.0f), "%s", listing_.error->what.c_str());

            const float footer = ImGui::GetFrameHeightWithSpacing() + ImGui::GetStyle().ItemSpacing.y;
            if (ImGui::BeginTable("##files", 2,
                                  ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter,
                                  ImVec2(0, -footer))) {
                ImGui::TableSetupScrollFreeze(0, 1);
                ImGui::TableSetupColumn(language.text("replay.dialog.name").c_str(),
                                        ImGuiTableColumnFlags_WidthStretch);
                ImGui::TableSetupColumn(language.text("replay.dialog.size").c_str(), ImGuiTableColumnFlags_WidthFixed);
                ImGui::TableHeadersRow();
                std::optional<std::string> enter_folder;
                ImGuiListClipper clipper;
                clipper.Begin(static_cast<int>(listing_.entries.size()));
                while (clipper.Step()) {
                    for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
                        const FileEntry& entry = listing_.entries[static_cast<size_t>(row)];
                        ImGui::TableNextRow();
                        ImGui::TableNextColumn();
                        const std::string label =
                            (entry.directory ? entry.name + "/" : entry.name) + "##" + std::to_string(row);
                        const bool is_selected = selected_ && *selected_ == static_cast<size_t>(row);
                        if (entry.directory) ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.55f, 0.8f, 1.0f, 1.0f));
                        if (ImGui::Selectable(
                                label.c_str(), is_selected,
                                ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowDoubleClick)) {
                            selected_ = static_cast<size_t>(row);
                            if (!entry.directory) set_field(field_, entry.name);
                            if (ImGui::IsMouseDoubleClicked(0)) {
                                if (entry.directory)
                                    enter_folder = entry.name;
                                else
                                    choice = choose(entry.name);
                            }
                        }
                        if (entry.directory) ImGui::PopStyleColor();
                        ImGui::TableNextColumn();
                        if (!entry.directory) ImGui::TextDisabled("%s", human_size(entry.size).c_str());
                    }
                }
                ImGui::EndTable();
                // Entering changes the listing: only after the loop over it.
                if (enter_folder) enter(resolve_path(listing_.directory, *enter_folder));
            }
            const bool opening = mode_ == FileDialogMode::Open;
            const bool anything_typed = field_[0] != '\0';
            ImGui::BeginDisabled(!anything_typed);
            if (ImGui::Button(language.text(opening ? "replay.dialog.open" : "replay.dialog.save").c_str()))
                choice = choose(field_.data());
            item_marks::mark("dialog.ok");
            ImGui::EndDisabled();
            ImGui::SameLine();
            if (ImGui::Button(language.text("replay.dialog.cancel").c_str())) open_ = false;
            item_marks::mark("dialog.cancel");
            ImGui::SameLine();
            std::string filter;
            for (const std::string& extension : extensions_) filter += (filter.empty() ? "*" : "  *") + extension;
            ImGui::TextDisabled("%s", filter.c_str());
        }
    }
    ImGui::End();
    if (!keep_open) open_ = false;
    if (imgui_compat::key_pressed(GLFW_KEY_ESCAPE)) open_ = false;
    return choice;
}

}  // namespace tcplab
