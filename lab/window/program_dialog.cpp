#include "program_dialog.hpp"

#include <imgui.h>

#include "scenarios/assets.hpp"

namespace tcplab {
namespace {

void item_centre(float& x, float& y) {
    x = (ImGui::GetItemRectMin().x + ImGui::GetItemRectMax().x) / 2;
    y = (ImGui::GetItemRectMin().y + ImGui::GetItemRectMax().y) / 2;
}

// An argv as one would type it: arguments with spaces are quoted.
std::string command_line(const std::vector<std::string>& argv) {
    std::string line;
    for (const std::string& argument : argv) {
        if (!line.empty()) line += ' ';
        line += argument.find_first_of(" \t'\"") == std::string::npos ? argument : "'" + argument + "'";
    }
    return line;
}

}  // namespace

void ProgramDialog::load_examples_once() {
    if (examples_loaded_) return;
    examples_loaded_ = true;
    auto loaded = load_examples(asset_directory());
    if (loaded)
        examples_ = loaded.value();
    else
        examples_error_ = loaded.error().what;
}

std::optional<ProgramCommandSettings> ProgramDialog::draw(const Language& language) {
    if (!open_) return std::nullopt;
    load_examples_once();
    std::optional<ProgramCommandSettings> start;
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, display.y * 0.4f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(ImGui::GetFontSize() * 40, 0), ImGuiCond_Appearing);
    ImGui::SetNextWindowBgAlpha(1.0f);
    const std::string name = language.text("program_dialog.title") + "###program_dialog";
    if (ImGui::Begin(name.c_str(), &open_, ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings)) {
        ImGui::TextWrapped("%s", language.text("program_dialog.intro").c_str());
        ImGui::Spacing();
        const std::string own = language.text("program_dialog.own_lines");
        const std::string preview =
            example_ < 0 ? own : language.text("example." + examples_[static_cast<size_t>(example_)].name + ".title");
        if (ImGui::BeginCombo(language.text("program_dialog.preset").c_str(), preview.c_str())) {
            if (ImGui::Selectable(own.c_str(), example_ < 0)) example_ = -1;
            for (size_t index = 0; index < examples_.size(); ++index) {
                const std::string key = "example." + examples_[index].name;
                if (ImGui::Selectable(language.text(key + ".title").c_str(), example_ == static_cast<int>(index)))
                    example_ = static_cast<int>(index);
                if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", language.text(key + ".summary").c_str());
            }
            ImGui::EndCombo();
        }
        if (!examples_error_.empty()) ImGui::TextDisabled("%s", examples_error_.c_str());
        if (example_ >= 0) {
            // A preset's command lines are shown as they will run; choosing
            // "my own command lines" makes them editable again.
            const ProgramExample& example = examples_[static_cast<size_t>(example_)];
            ImGui::TextDisabled("%s  %s", language.text("program_dialog.server").c_str(),
                                command_line(example.server).c_str());
            ImGui::TextDisabled("%s  %s", language.text("program_dialog.client").c_str(),
                                command_line(example.client).c_str());
            ImGui::TextWrapped("%s", language.text("example." + example.name + ".look_for").c_str());
        } else {
            ImGui::InputTextWithHint(language.text("program_dialog.server").c_str(),
                                     language.text("program_dialog.server_hint").c_str(), server_, sizeof(server_));
            item_centre(places_.server_x, places_.server_y);
            ImGui::InputTextWithHint(language.text("program_dialog.client").c_str(),
                                     language.text("program_dialog.client_hint").c_str(), client_, sizeof(client_));
            item_centre(places_.client_x, places_.client_y);
        }
        if (!error_.empty()) ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.4f, 1.0f), "%s", error_.c_str());
        ImGui::Spacing();
        const bool start_pressed = ImGui::Button(language.text("program_dialog.start").c_str());
        item_centre(places_.start_x, places_.start_y);
        if (start_pressed) {
            ProgramCommandSettings settings;
            if (example_ >= 0) {
                settings.example = examples_[static_cast<size_t>(example_)].name;
            } else {
                settings.server = server_;
                settings.client = client_;
            }
            error_.clear();
            start = settings;
        }
        ImGui::SameLine();
        if (ImGui::Button(language.text("program_dialog.cancel").c_str())) open_ = false;
    }
    ImGui::End();
    return start;
}

}  // namespace tcplab
