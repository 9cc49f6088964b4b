#pragma once
// Whether the window can open here: a display, and OpenGL 3 on it, tried
// with a hidden GLFW window (no ImGui), for `tcplab doctor`.
#include <optional>
#include <string>

#include "capture/result.hpp"

namespace tcplab {

struct DisplayProbe {
    std::string display;             // $DISPLAY or $WAYLAND_DISPLAY, "" when neither is set
    std::optional<Error> no_window;  // why no OpenGL 3 window opens; nullopt when one did
    std::string renderer;            // GL_RENDERER, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)"
    std::string gl_version;          // GL_VERSION
};

// Starts threads (the OpenGL driver's): call after everything that must run
// in a single-threaded process.
DisplayProbe probe_display();

}  // namespace tcplab
