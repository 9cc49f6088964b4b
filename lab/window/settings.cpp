#include "settings.hpp"

#include <toml++/toml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace tcplab {
namespace {

// Smaller than this and the views cannot show anything; larger is a typo.
constexpr int kMinimumSide = 320;
constexpr int kMaximumSide = 16384;

void note(std::optional<Error>& error, const std::string& problem) {
    if (!error)
        error = Error{"settings: " + problem, "fix or delete " + settings_file_path()};
    else
        error->what += "; " + problem;
}

template <class T>
void read_value(const toml::table& table, const char* key, T& out, std::optional<Error>& error) {
    const toml::node* node = table.get(key);
    if (!node) return;  // absent: keep the default
    if (auto value = node->value_exact<T>())
        out = *value;
    else
        note(error, std::string("\"") + key + "\" has the wrong type");
}

void read_side(const toml::table& table, const char* key, int& out, std::optional<Error>& error) {
    int64_t side = out;
    read_value(table, key, side, error);
    if (side < kMinimumSide || side > kMaximumSide) {
        note(error, std::string("\"") + key + "\" is out of range");
        return;
    }
    out = static_cast<int>(side);
}

}  // namespace

bool WindowSettings::view_open(const std::string& view_id) const {
    const auto found = open_views.find(view_id);
    return found == open_views.end() || found->second;
}

std::string WindowSettings::to_toml() const {
    toml::table views;
    for (const auto& [id, open] : open_views) views.insert(id, open);
    toml::array recent;
    for (const std::string& path : recent_files) recent.push_back(path);
    toml::table window{{"width", width}, {"height", height}};
    toml::array own;
    for (const SavedPanel& panel : own_layout)
        own.push_back(toml::table{
            {"view", panel.view_id}, {"x", panel.x}, {"y", panel.y}, {"width", panel.width}, {"height", panel.height}});
    toml::table root{{"lesson", lesson},
                     {"presentation", layout == "presentation"},
                     {"layout", layout},
                     {"zoom", zoom},
                     {"presentation_panels", toml::array{presentation_left, presentation_right}},
                     {"own_layout", std::move(own)},
                     {"colour_blind_palette", colour_blind_palette},
                     {"relative_numbers", relative_numbers},
                     {"window", std::move(window)},
                     {"views", std::move(views)},
                     {"recent_files", std::move(recent)},
                     {"last_directory", last_directory}};
    if (!language.empty()) root.insert("language", language);
    std::ostringstream out;
    out << "# tcplab window settings; written when the window closes.\n" << root << "\n";
    return out.str();
}

LoadedSettings settings_from_toml(std::string_view text) {
    LoadedSettings loaded;
    toml::table root;
    try {
        root = toml::parse(text);
    } catch (const toml::parse_error& parse_error) {
        std::ostringstream where;
        where << "line " << parse_error.source().begin.line << ": " << parse_error.description();
        note(loaded.error, "cannot be read (" + where.str() + ")");
        return loaded;
    }
    WindowSettings& settings = loaded.settings;
    read_value(root, "language", settings.language, loaded.error);
    if (!settings.language.empty() && settings.language != "en" && settings.language != "zh-CN") {
        note(loaded.error, "unknown language \"" + settings.language + "\"");
        settings.language.clear();
    }
    // Settings written before "scenario" was renamed "lesson" still load.
    read_value(root, "scenario", settings.lesson, loaded.error);
    read_value(root, "lesson", settings.lesson, loaded.error);
    read_value(root, "presentation", settings.presentation, loaded.error);
    if (settings.presentation) settings.layout = "presentation";
    read_value(root, "layout", settings.layout, loaded.error);
    if (settings.layout != "full" && settings.layout != "presentation" && settings.layout != "ladder_timeline" &&
        settings.layout != "mine") {
        note(loaded.error, "unknown layout \"" + settings.layout + "\"");
        settings.layout = "full";
    }
    read_value(root, "zoom", settings.zoom, loaded.error);
    if (settings.zoom < kSmallestZoom || settings.zoom > kLargestZoom) {
        note(loaded.error, "\"zoom\" is out of range");
        settings.zoom = 1.0;
    }
    if (const toml::array* panels = root["presentation_panels"].as_array()) {
        if (panels->size() == 2 && panels->get(0)->is_string() && panels->get(1)->is_string()) {
            settings.presentation_left = *panels->get(0)->value<std::string>();
            settings.presentation_right = *panels->get(1)->value<std::string>();
        } else {
            note(loaded.error, "\"presentation_panels\" is not two view names");
        }
    }
    if (const toml::array* own = root["own_layout"].as_array()) {
        for (const toml::node& node : *own) {
            const toml::table* panel = node.as_table();
            SavedPanel saved;
            if (panel) {
                read_value(*panel, "view", saved.view_id, loaded.error);
                read_value(*panel, "x", saved.x, loaded.error);
                read_value(*panel, "y", saved.y, loaded.error);
                read_value(*panel, "width", saved.width, loaded.error);
                read_value(*panel, "height", saved.height, loaded.error);
            }
            if (!panel || saved.view_id.empty()) {
                note(loaded.error, "own_layout holds something that is not a panel");
                continue;
            }
            settings.own_layout.push_back(saved);
        }
    }
    read_value(root, "colour_blind_palette", settings.colour_blind_palette, loaded.error);
    read_value(root, "relative_numbers", settings.relative_numbers, loaded.error);
    if (const toml::node* window = root.get("window")) {
        if (const toml::table* table = window->as_table()) {
            read_side(*table, "width", settings.width, loaded.error);
            read_side(*table, "height", settings.height, loaded.error);
        } else {
            note(loaded.error, "\"window\" is not a table");
        }
    }
    read_value(root, "last_directory", settings.last_directory, loaded.error);
    if (const toml::node* recent = root.get("recent_files")) {
        if (const toml::array* paths = recent->as_array()) {
            for (const toml::node& path : *paths) {
                if (auto recent_path = path.value_exact<std::string>())
                    settings.recent_files.push_back(*recent_path);
                else
                    note(loaded.error, "recent_files holds something that is not a path");
            }
        } else {
            note(loaded.error, "\"recent_files\" is not a list");
        }
    }
    if (const toml::node* views = root.get("views")) {
        if (const toml::table* table = views->as_table()) {
            for (const auto& [id, value] : *table) {
                if (auto open = value.value_exact<bool>())
                    settings.open_views[std::string(id.str())] = *open;
                else
                    note(loaded.error, "views." + std::string(id.str()) + " is not true or false");
            }
        } else {
            note(loaded.error, "\"views\" is not a table");
        }
    }
    return loaded;
}

std::string settings_directory() {
    if (const char* config = std::getenv("XDG_CONFIG_HOME"); config && *config) return std::string(config) + "/tcplab";
    if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.config/tcplab";
    return "";
}

std::string settings_file_path() {
    const std::string directory = settings_directory();
    return directory.empty() ? "" : directory + "/settings.toml";
}

std::string imgui_ini_path() {
    const std::string directory = settings_directory();
    return directory.empty() ? "" : directory + "/imgui.ini";
}

LoadedSettings load_settings(const std::string& path) {
    std::ifstream in(path);
    if (!in) return {};
    std::ostringstream text;
    text << in.rdbuf();
    LoadedSettings loaded = settings_from_toml(text.str());
    if (loaded.error) loaded.error->remedy = "fix or delete " + path;
    return loaded;
}

Status save_settings(const WindowSettings& settings, const std::string& path) {
    if (path.empty()) return Error{"cannot save settings: neither XDG_CONFIG_HOME nor HOME is set", ""};
    std::error_code ignored;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ignored);
    // Write a neighbour and rename it, so a crash never leaves half a file.
    const std::string temporary = path + ".new";
    {
        std::ofstream out(temporary, std::ios::trunc);
        out << settings.to_toml();
        if (!out) return Error{"cannot write " + temporary, "check that the folder is writable"};
    }
    std::error_code renamed;
    std::filesystem::rename(temporary, path, renamed);
    if (renamed) return Error{"cannot replace " + path + ": " + renamed.message(), "check that the folder is writable"};
    return Done{};
}

}  // namespace tcplab
