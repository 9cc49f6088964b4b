#include "imgui_compat.hpp"

// GLFW names the keys; the OpenGL 3 backend makes the font texture before 1.92.
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui_internal.h>

#include <utility>

// Each change, by the release that made it. Tested: 1.86, 1.90.1, 1.92.2b.
#define TCPLAB_IMGUI_NAMED_KEYS (IMGUI_VERSION_NUM >= 18700)      // 1.87: an ImGuiKey_* for every key
#define TCPLAB_IMGUI_SETTINGS_BY_ID (IMGUI_VERSION_NUM >= 18940)  // 1.89.4: FindWindowSettingsByID
#define TCPLAB_IMGUI_DYNAMIC_FONTS (IMGUI_VERSION_NUM >= 19200)   // 1.92: glyphs baked on demand
// The Ctrl modifier's key: ImGuiKey_ModCtrl from 1.87, ImGuiMod_Ctrl from 1.89.
#if IMGUI_VERSION_NUM >= 18900
#define TCPLAB_IMGUI_CTRL_MODIFIER ImGuiMod_Ctrl
#define TCPLAB_IMGUI_SHIFT_MODIFIER ImGuiMod_Shift
#else
#define TCPLAB_IMGUI_CTRL_MODIFIER ImGuiKey_ModCtrl
#define TCPLAB_IMGUI_SHIFT_MODIFIER ImGuiKey_ModShift
#endif

namespace tcplab::imgui_compat {
namespace {

#if TCPLAB_IMGUI_NAMED_KEYS
// ImGui's name for a GLFW key; ImGuiKey_None for one it does not name. Letters,
// digits and function keys are runs in both numberings.
ImGuiKey imgui_key(int glfw_key) {
    if (glfw_key >= GLFW_KEY_A && glfw_key <= GLFW_KEY_Z) return ImGuiKey(ImGuiKey_A + (glfw_key - GLFW_KEY_A));
    if (glfw_key >= GLFW_KEY_0 && glfw_key <= GLFW_KEY_9) return ImGuiKey(ImGuiKey_0 + (glfw_key - GLFW_KEY_0));
    if (glfw_key >= GLFW_KEY_F1 && glfw_key <= GLFW_KEY_F12) return ImGuiKey(ImGuiKey_F1 + (glfw_key - GLFW_KEY_F1));
    if (glfw_key >= GLFW_KEY_KP_0 && glfw_key <= GLFW_KEY_KP_9)
        return ImGuiKey(ImGuiKey_Keypad0 + (glfw_key - GLFW_KEY_KP_0));
    switch (glfw_key) {
        case GLFW_KEY_SPACE:
            return ImGuiKey_Space;
        case GLFW_KEY_ESCAPE:
            return ImGuiKey_Escape;
        case GLFW_KEY_ENTER:
            return ImGuiKey_Enter;
        case GLFW_KEY_KP_ENTER:
            return ImGuiKey_KeypadEnter;
        case GLFW_KEY_TAB:
            return ImGuiKey_Tab;
        case GLFW_KEY_BACKSPACE:
            return ImGuiKey_Backspace;
        case GLFW_KEY_INSERT:
            return ImGuiKey_Insert;
        case GLFW_KEY_DELETE:
            return ImGuiKey_Delete;
        case GLFW_KEY_LEFT:
            return ImGuiKey_LeftArrow;
        case GLFW_KEY_RIGHT:
            return ImGuiKey_RightArrow;
        case GLFW_KEY_UP:
            return ImGuiKey_UpArrow;
        case GLFW_KEY_DOWN:
            return ImGuiKey_DownArrow;
        case GLFW_KEY_HOME:
            return ImGuiKey_Home;
        case GLFW_KEY_END:
            return ImGuiKey_End;
        case GLFW_KEY_PAGE_UP:
            return ImGuiKey_PageUp;
        case GLFW_KEY_PAGE_DOWN:
            return ImGuiKey_PageDown;
        case GLFW_KEY_MINUS:
            return ImGuiKey_Minus;
        case GLFW_KEY_EQUAL:
            return ImGuiKey_Equal;
        case GLFW_KEY_COMMA:
            return ImGuiKey_Comma;
        case GLFW_KEY_PERIOD:
            return ImGuiKey_Period;
        case GLFW_KEY_SLASH:
            return ImGuiKey_Slash;
        case GLFW_KEY_KP_ADD:
            return ImGuiKey_KeypadAdd;
        case GLFW_KEY_KP_SUBTRACT:
            return ImGuiKey_KeypadSubtract;
        default:
            return ImGuiKey_None;
    }
}
#endif

}  // namespace

const char* version() { return IMGUI_VERSION; }

bool key_pressed(int glfw_key, bool repeat) {
#if TCPLAB_IMGUI_NAMED_KEYS
    const ImGuiKey key = imgui_key(glfw_key);
    return key != ImGuiKey_None && ImGui::IsKeyPressed(key, repeat);
#else
    // ImGui 1.86's GLFW backend keeps key state by GLFW key code.
    return glfw_key >= 0 && glfw_key < IM_ARRAYSIZE(ImGuiIO::KeysDown) && ImGui::IsKeyPressed(glfw_key, repeat);
#endif
}

void send_key(ImGuiIO& io, int glfw_key, bool down) {
#if TCPLAB_IMGUI_NAMED_KEYS
    if (glfw_key == GLFW_KEY_LEFT_CONTROL) {
        io.AddKeyEvent(ImGuiKey_LeftCtrl, down);
        io.AddKeyEvent(TCPLAB_IMGUI_CTRL_MODIFIER, down);
        return;
    }
    if (glfw_key == GLFW_KEY_LEFT_SHIFT) {
        io.AddKeyEvent(ImGuiKey_LeftShift, down);
        io.AddKeyEvent(TCPLAB_IMGUI_SHIFT_MODIFIER, down);
        return;
    }
    if (const ImGuiKey key = imgui_key(glfw_key); key != ImGuiKey_None) io.AddKeyEvent(key, down);
#else
    if (glfw_key == GLFW_KEY_LEFT_CONTROL) io.KeyCtrl = down;
    if (glfw_key == GLFW_KEY_LEFT_SHIFT) io.KeyShift = down;
    // What ImGui 1.86's GLFW backend sets up at start.
    const std::pair<ImGuiKey_, int> named[] = {
        {ImGuiKey_Tab, GLFW_KEY_TAB},
        {ImGuiKey_LeftArrow, GLFW_KEY_LEFT},
        {ImGuiKey_RightArrow, GLFW_KEY_RIGHT},
        {ImGuiKey_UpArrow, GLFW_KEY_UP},
        {ImGuiKey_DownArrow, GLFW_KEY_DOWN},
        {ImGuiKey_PageUp, GLFW_KEY_PAGE_UP},
        {ImGuiKey_PageDown, GLFW_KEY_PAGE_DOWN},
        {ImGuiKey_Home, GLFW_KEY_HOME},
        {ImGuiKey_End, GLFW_KEY_END},
        {ImGuiKey_Insert, GLFW_KEY_INSERT},
        {ImGuiKey_Delete, GLFW_KEY_DELETE},
        {ImGuiKey_Backspace, GLFW_KEY_BACKSPACE},
        {ImGuiKey_Space, GLFW_KEY_SPACE},
        {ImGuiKey_Enter, GLFW_KEY_ENTER},
        {ImGuiKey_Escape, GLFW_KEY_ESCAPE},
        {ImGuiKey_KeyPadEnter, GLFW_KEY_KP_ENTER},
    };
    for (const auto& [key, code] : named) io.KeyMap[key] = code;
    if (glfw_key >= 0 && glfw_key < IM_ARRAYSIZE(io.KeysDown)) io.KeysDown[glfw_key] = down;
#endif
}

void send_mouse(ImGuiIO& io, ImVec2 position, bool down) {
#if TCPLAB_IMGUI_NAMED_KEYS
    io.AddMousePosEvent(position.x, position.y);
    io.AddMouseButtonEvent(0, down);
#else
    io.MousePos = position;
    io.MouseDown[0] = down;
#endif
}

std::optional<ImVec2> saved_window_size(const std::string& name) {
    const ImGuiID id = ImHashStr(name.c_str());
#if TCPLAB_IMGUI_SETTINGS_BY_ID
    const ImGuiWindowSettings* saved = ImGui::FindWindowSettingsByID(id);
#else
    const ImGuiWindowSettings* saved = ImGui::FindWindowSettings(id);
#endif
    if (!saved) return std::nullopt;
    return ImVec2(saved->Size.x, saved->Size.y);
}

bool glyphs_baked_on_demand() { return TCPLAB_IMGUI_DYNAMIC_FONTS; }

void set_font_size(ImFontAtlas& atlas, float pixel_size, bool renderer_ready, const AddFonts& add_fonts) {
#if TCPLAB_IMGUI_DYNAMIC_FONTS
    (void)renderer_ready;  // the backend makes and updates the texture as ImGui asks, frame by frame
    if (atlas.Fonts.empty()) add_fonts(atlas, pixel_size);
    ImGui::GetStyle().FontSizeBase = pixel_size;
#else
    if (renderer_ready) ImGui_ImplOpenGL3_DestroyFontsTexture();
    atlas.Clear();
    add_fonts(atlas, pixel_size);
    atlas.Build();
    if (renderer_ready) ImGui_ImplOpenGL3_CreateFontsTexture();
#endif
}

bool font_shows(ImFont& font, float pixel_size, ImWchar character) {
#if TCPLAB_IMGUI_DYNAMIC_FONTS
    return font.GetFontBaked(pixel_size)->FindGlyphNoFallback(character) != nullptr;
#else
    (void)pixel_size;  // the atlas holds one size
    return font.FindGlyphNoFallback(character) != nullptr;
#endif
}

void start_headless(ImGuiIO& io) {
#if TCPLAB_IMGUI_DYNAMIC_FONTS
    io.BackendFlags |= ImGuiBackendFlags_RendererHasTextures;
#else
    unsigned char* pixels = nullptr;
    int width = 0, height = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &width, &height);
#endif
}

void finish_headless_frame() {
#if TCPLAB_IMGUI_DYNAMIC_FONTS
    for (ImTextureData* texture : ImGui::GetPlatformIO().Textures) {
        if (texture->Status == ImTextureStatus_WantCreate || texture->Status == ImTextureStatus_WantUpdates) {
            texture->SetTexID(static_cast<ImTextureID>(texture->UniqueID + 1));  // any id but "invalid"
            texture->SetStatus(ImTextureStatus_OK);
        } else if (texture->Status == ImTextureStatus_WantDestroy) {
            texture->SetTexID(ImTextureID_Invalid);
            texture->SetStatus(ImTextureStatus_Destroyed);
        }
    }
#endif
}

}  // namespace tcplab::imgui_compat
