#pragma once
// What the window remembers between runs: its size, which views are open, the
// language and the display options. Saved as TOML in the user's config folder;
// ImGui keeps window positions in its own ini file next to it.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capture/result.hpp"

namespace tcplab {

// The zoom's range: from small print to one view filling a projector.
inline constexpr double kSmallestZoom = 0.5;
inline constexpr double kLargestZoom = 3.0;

// A panel of the teacher's own arrangement, in fractions of the window, so it
// fits a projector of another size.
struct SavedPanel {
    std::string view_id;
    double x = 0, y = 0, width = 0, height = 0;
    bool operator==(const SavedPanel&) const = default;
};

struct WindowSettings {
    int width = 1600;
    int height = 900;
    // The language picked in the window's menu; "" until one is, so that
    // --lang, else the locale, decides (main.cpp's choice), not a stale save.
    std::string language;
    std::string lesson = "handshake";          // the lesson loaded at start
    bool presentation = false;                 // written for older versions; `layout` says it now
    std::string layout = "full";               // "full", "presentation", "ladder_timeline" or "mine"
    double zoom = 1.0;                         // Ctrl+= / Ctrl+- / Ctrl+0, in every layout
    std::string presentation_left = "ladder";  // the two panels under the lesson bar in presentation
    std::string presentation_right = "state_machine";
    std::vector<SavedPanel> own_layout;  // View ▸ Layout ▸ Save as mine
    bool colour_blind_palette = false;
    bool relative_numbers = true;
    std::map<std::string, bool> open_views;  // view id -> shown; a view not listed is shown
    std::vector<std::string> recent_files;   // File ▸ Open recent, the most recent first
    std::string last_directory;              // where the Open…/Save… dialog starts

    bool view_open(const std::string& view_id) const;
    std::string to_toml() const;

    bool operator==(const WindowSettings&) const = default;
};

// Settings read from text. A malformed file or a bad value gives the defaults
// (for what could not be read) and says what was wrong; it never throws.
struct LoadedSettings {
    WindowSettings settings;
    std::optional<Error> error;
};
LoadedSettings settings_from_toml(std::string_view text);

// $XDG_CONFIG_HOME/tcplab, else ~/.config/tcplab; "" when neither is known.
std::string settings_directory();
std::string settings_file_path();  // <settings_directory>/settings.toml
std::string imgui_ini_path();      // <settings_directory>/imgui.ini

// A missing file is not an error: the defaults, no error.
LoadedSettings load_settings(const std::string& path);
Status save_settings(const WindowSettings& settings, const std::string& path);

}  // namespace tcplab
