#pragma once
// Where tcplab meets the differences between the Dear ImGui releases the
// distributions ship: 1.86 (Debian 12), 1.90.1 (Ubuntu 24.04), 1.92.2b (Ubuntu
// 26.04). Everything that depends on the version is in imgui_compat.cpp; the
// views and the window call these functions and never test the version.
#include <imgui.h>

#include <functional>
#include <optional>
#include <string>

namespace tcplab::imgui_compat {

// The ImGui the program was compiled against, e.g. "1.90.1".
const char* version();

// Whether `glfw_key` (GLFW_KEY_SPACE, GLFW_KEY_F11, GLFW_KEY_A…) went down this
// frame; with `repeat`, also when held long enough to repeat. Before 1.87 ImGui
// knew keys by the backend's code, from 1.87 by its own ImGuiKey: the caller
// names the key once, by the key on the keyboard. A key ImGui has no name for is
// never pressed.
bool key_pressed(int glfw_key, bool repeat = false);

// A key going down or up, as the GLFW backend reports it: tests drive the views
// with it. Before 1.87 ImGui also needs the backend's map of its named keys
// (Enter, arrows…) to GLFW's codes, which a window without a backend lacks.
// GLFW_KEY_LEFT_CONTROL is the Ctrl modifier, GLFW_KEY_LEFT_SHIFT the Shift modifier.
void send_key(ImGuiIO& io, int glfw_key, bool down);
// The pointer at `position` with the left button down or up, as the backend reports it.
void send_mouse(ImGuiIO& io, ImVec2 position, bool down);

// The size the window named `name` ("Title###id") had when imgui.ini was saved.
std::optional<ImVec2> saved_window_size(const std::string& name);

// Fonts. Before 1.92 ImGui draws only the glyphs baked into the atlas ahead of
// time at one size, so every size means a new atlas and a new texture, holding
// the characters of the glyph ranges the fonts were added with. From 1.92 the
// atlas bakes any glyph of its fonts, at any size, the first time it is drawn:
// the fonts go in once, the ranges are passed by, and a new size is only a style value.
bool glyphs_baked_on_demand();

// Adds the window's fonts, for text `pixel_size` pixels high, to an empty atlas.
using AddFonts = std::function<void(ImFontAtlas& atlas, float pixel_size)>;

// Makes the window's text `pixel_size` pixels high from the next frame on (call
// between frames, after the style is set). `renderer_ready`: the OpenGL 3 backend
// is up, so its font texture is remade where ImGui needs that.
void set_font_size(ImFontAtlas& atlas, float pixel_size, bool renderer_ready, const AddFonts& add_fonts);

// Whether text in `font` at `pixel_size` shows `character` with a glyph of its
// own rather than the fallback box or "?". Call between frames.
bool font_shows(ImFont& font, float pixel_size, ImWchar character);

// ImGui with no window and no GPU (tests): the atlas is made in memory, and the
// textures ImGui asks for are taken as made without drawing them.
void start_headless(ImGuiIO& io);
void finish_headless_frame();

}  // namespace tcplab::imgui_compat
