#pragma once
// Saves what the window just rendered as a PNG, and which windows were drawn
// where as JSON next to it, so a test or a person can check a screenshot.
#include <string>
#include <vector>

#include "capture/result.hpp"
#include "lab/layout/drawn_text.hpp"

namespace tcplab {

// Reads the current framebuffer (call after rendering, before swapping) and writes a PNG.
Status save_framebuffer_png(const std::string& path, int width, int height);
// A part of it: (x, y) is the top-left corner in framebuffer pixels, counted from the top.
Status save_framebuffer_region_png(const std::string& path, int x, int y, int width, int height,
                                   int framebuffer_height);

struct DrawnWindow {
    std::string id;     // the view's id, or ImGui's name for other windows
    std::string title;  // as shown in the title bar
    float x = 0, y = 0, width = 0, height = 0;
    bool collapsed = false;
};

struct ScreenshotInfo {
    int width = 0;
    int height = 0;
    std::string language;
    std::string lesson;
    size_t shown_steps = 0;
    size_t step_count = 0;
    // The ✓ and ✗ beside the steps shown, as the lesson bar draws them.
    size_t expectations_passed = 0;
    size_t expectations_failed = 0;
    std::vector<std::string> failed;  // "step 3: expect.key (what was seen)" for each ✗
    std::string error;                // the run's error, "" when none
    bool cjk_font = false;
    std::vector<DrawnWindow> windows;
    std::string layout;            // "full", "presentation", ...
    std::vector<DrawnText> texts;  // what a class must read (views record it), and where
};

// `path` is the PNG's; the JSON goes to path + ".json".
Status save_screenshot_info(const std::string& path, const ScreenshotInfo& info);

}  // namespace tcplab
