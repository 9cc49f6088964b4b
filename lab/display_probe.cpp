#include "display_probe.hpp"

#include <GLFW/glfw3.h>

#include <cstdlib>

namespace tcplab {
namespace {

std::string last_glfw_error;

void remember_glfw_error(int, const char* description) { last_glfw_error = description ? description : ""; }

const char* const kNoDisplayRemedy = "run under a desktop session, or `xvfb-run -a tcplab gui ...`";

std::string gl_string(GLenum name) {
    const GLubyte* text = glGetString(name);
    return text ? reinterpret_cast<const char*>(text) : "";
}

}  // namespace

DisplayProbe probe_display() {
    DisplayProbe probe;
    for (const char* name : {"WAYLAND_DISPLAY", "DISPLAY"})
        if (const char* value = std::getenv(name); value && *value) probe.display = std::string(name) + "=" + value;
    if (probe.display.empty()) {
        probe.no_window = Error{"no display: neither DISPLAY nor WAYLAND_DISPLAY is set (lessons run in the terminal)",
                                kNoDisplayRemedy};
        return probe;
    }
    glfwSetErrorCallback(remember_glfw_error);
    if (!glfwInit()) {
        probe.no_window =
            Error{"cannot connect to the display " + probe.display + " (" + last_glfw_error + ")", kNoDisplayRemedy};
        return probe;
    }
    // What the window asks for (lab/window/lab_window.cpp): OpenGL 3.0.
    glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    GLFWwindow* window = glfwCreateWindow(64, 64, "tcplab doctor", nullptr, nullptr);
    if (!window) {
        probe.no_window = Error{"cannot open a window with OpenGL 3 (" + last_glfw_error + ")",
                                "install the OpenGL drivers: sudo apt install libgl1-mesa-dri"};
    } else {
        glfwMakeContextCurrent(window);
        probe.renderer = gl_string(GL_RENDERER);
        probe.gl_version = gl_string(GL_VERSION);
        glfwMakeContextCurrent(nullptr);
        glfwDestroyWindow(window);
    }
    glfwTerminate();
    return probe;
}

}  // namespace tcplab
