#pragma once
// The window: GLFW + OpenGL 3 + Dear ImGui. It owns the lesson (through the
// StepController), hosts every registered view in its own ImGui window, and
// has the menus, keyboard shortcuts, fonts, settings and screenshot mode.
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "capture/result.hpp"
#include "scenarios/run.hpp"

namespace tcplab {

struct WindowOptions {
    std::string lesson;         // "" = the one loaded last time (settings)
    std::string language;       // "" = the one used last time (settings)
    bool presentation = false;  // true = start in presentation mode
    RunOptions run_options;
    // Shown in the window instead of loading a lesson (e.g. the sandbox could not be prepared).
    std::optional<Error> startup_error;
    // A recording or any pcap/pcapng to show instead of a live lesson (tcplab open FILE,
    // gui --open FILE). No sandbox is needed for it.
    std::string open_file;

    // Screenshot mode: run `screenshot_steps` steps (all when unset), draw a few
    // more frames, save the PNG and PNG.json, close. Settings are neither read nor written.
    std::string screenshot_path;
    std::optional<size_t> screenshot_steps;
    // The window's size for a screenshot (a projector's 1024×768, ...); 1600×900 when unset.
    std::optional<int> screenshot_width;
    std::optional<int> screenshot_height;
    // > 0: close after this many frames (with a screenshot: frames drawn after the last step).
    int frames = 0;
    // Prints "tcplab: first frame drawn after N ms" to stderr once the first
    // frame is on screen, counted from `launched_at` (bench/startup.py reads it).
    bool report_first_frame = false;
    std::chrono::steady_clock::time_point launched_at = std::chrono::steady_clock::now();
    // With a screenshot: also show one of the file pieces, for tests and docs:
    // "open" (the Open dialog), "progress" (loading open_file), "note" (the note
    // popup), "record" (recording to screenshot_path + ".pcapng").
    std::string screenshot_piece;
};

// True when $DISPLAY or $WAYLAND_DISPLAY says there is a display to open a window on.
bool display_available();

class LabWindow {
public:
    // Opens the window; an error (with a remedy) when there is no display or
    // no OpenGL 3 context.
    static Result<std::unique_ptr<LabWindow>> open(WindowOptions options);
    ~LabWindow();
    LabWindow(const LabWindow&) = delete;
    LabWindow& operator=(const LabWindow&) = delete;

    // Runs until the window closes. Returns the exit code: 0, 2 when a
    // screenshot could not be taken or the lesson failed, 64 for bad options.
    int run();

    struct Impl;

private:
    explicit LabWindow(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace tcplab
