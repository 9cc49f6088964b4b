#pragma once
// Draws views in a real ImGui context with no window and no GPU (ImGui's
// "null backend" way): the font atlas is built in memory, frames are begun and
// rendered to draw lists that nobody displays. An ImGui error (a failed
// IM_ASSERT) aborts the test binary, so reaching the end means none happened.
#include <imgui.h>
#include <imgui_internal.h>

#include <functional>
#include <string>

#include "lab/window/imgui_compat.hpp"

namespace tcplab::test {

class ImGuiHarness {
public:
    explicit ImGuiHarness(float width = 1600, float height = 900) {
        IMGUI_CHECKVERSION();
        context_ = ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.DisplaySize = ImVec2(width, height);
        io.DeltaTime = 1.0f / 60.0f;
        io.IniFilename = nullptr;
        imgui_compat::start_headless(io);
    }
    ~ImGuiHarness() { ImGui::DestroyContext(context_); }
    ImGuiHarness(const ImGuiHarness&) = delete;
    ImGuiHarness& operator=(const ImGuiHarness&) = delete;

    // Runs `frames` frames; `body` draws inside each (windows included).
    // Returns the number of vertices ImGui produced in the last frame.
    int frames(int frames, const std::function<void()>& body) {
        int vertices = 0;
        for (int frame = 0; frame < frames; ++frame) {
            ImGui::NewFrame();
            body();
            ImGui::Render();
            imgui_compat::finish_headless_frame();
            vertices = ImGui::GetDrawData()->TotalVtxCount;
        }
        return vertices;
    }

    // Draws `body` in a window named `name` (call it inside frames()) and
    // returns the text ImGui rendered there, through its own logging as "Log to
    // clipboard" does: what a reader sees, to check for missing keys or the
    // language. ImGui ends logging with the window, hence one window per call.
    // Text drawn straight into a draw list (the diagrams' labels) is not included.
    static std::string window_text(const char* name, const std::function<void()>& body) {
        ImGui::Begin(name);
        ImGui::LogToBuffer();
        body();
        std::string text = GImGui->LogBuffer.c_str();
        ImGui::LogFinish();
        ImGui::End();
        return text;
    }

    // Moves the mouse (and optionally clicks) before the next frame.
    void mouse(float x, float y, bool down = false) {
        ImGuiIO& io = ImGui::GetIO();
        io.MousePos = ImVec2(x, y);
        io.MouseDown[0] = down;
    }

private:
    ImGuiContext* context_ = nullptr;
};

}  // namespace tcplab::test
