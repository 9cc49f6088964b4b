#pragma once
// A test drives the window as a teacher would, through a script named by
// TCPLAB_WINDOW_SCRIPT: real mouse clicks and key presses handed to ImGui,
// aimed at items by name (lab/views/item_marks.hpp), so the same script works
// in any language, font size or layout. One action a line ('#' starts a comment):
//   click NAME    move to the item marked NAME, press and release the left button
//   key KEY       press and release space, left, right, r, p, s, f11, a digit, = or -,
//                 alone or with modifiers held: ctrl+s, ctrl+shift+s, ctrl+=, ctrl+0, shift+2
//   type TEXT     type TEXT into the field that has the keyboard
//   frames N      draw N frames
//   wait WHAT     until WHAT holds: run (a live lesson is on screen), replay (a file
//                 is), idle (no step runs), held (a segment waits at the wire's gate),
//                 steps N (N steps shown, none running), item NAME (NAME is drawn)
//   settings saved  (anywhere) the window reads the user's settings at start and
//                 saves them when it closes, as it does for a person; a script
//                 otherwise starts from the defaults and leaves them alone
// When the script ends the window closes. An action that cannot be done (an
// item never drawn, a wait that never ends) ends it with the line that failed.
#include <imgui.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "capture/result.hpp"

namespace tcplab {

class WindowScript {
public:
    static Result<WindowScript> load(const std::string& path);

    // What the script waits for, as the window sees it at a frame's start.
    struct Seen {
        bool live_run = false;
        bool replay = false;
        bool busy = false;
        bool held = false;
        size_t shown_steps = 0;
    };
    // Between the backend's NewFrame and ImGui::NewFrame: this frame's input.
    void before_frame(const Seen& seen, ImGuiIO& io);
    bool finished() const { return next_ >= lines_.size() || failure_.has_value(); }
    const std::optional<std::string>& failure() const { return failure_; }
    bool uses_saved_settings() const { return uses_saved_settings_; }

private:
    struct Line {
        int number = 0;
        std::string verb;
        std::string argument;
    };
    void advance();
    void fail(const std::string& why);
    bool holds(const std::string& what, const Seen& seen) const;

    std::vector<Line> lines_;
    size_t next_ = 0;
    int phase_ = 0;           // frames spent on the current line
    int missing_frames_ = 0;  // frames its item was not drawn
    ImVec2 click_at_;         // where the current click presses
    std::chrono::steady_clock::time_point line_started_{};
    std::optional<std::string> failure_;
    bool uses_saved_settings_ = false;
};

}  // namespace tcplab
