#include "window_script.hpp"

#include <GLFW/glfw3.h>
#include <imgui_internal.h>

#include <cfloat>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "imgui_compat.hpp"
#include "lab/views/item_marks.hpp"

namespace tcplab {
namespace {

// Long enough for a lesson to start and a step to settle on two loaded cores.
constexpr auto kWaitLimit = std::chrono::seconds(60);
// An item not drawn after this many frames is not coming (a menu opens in one).
constexpr int kFramesToAppear = 120;

// The keys a script may press, by the name it uses: "space", "f11", a digit,
// or with modifiers first, "ctrl+s", "ctrl+shift+s", "ctrl+=", "shift+2".
// Modifiers come first in the list.
std::optional<std::vector<int>> keys_named(const std::string& name) {
    static const std::map<std::string, int> keys = {
        {"space", GLFW_KEY_SPACE}, {"left", GLFW_KEY_LEFT}, {"right", GLFW_KEY_RIGHT},
        {"r", GLFW_KEY_R},         {"p", GLFW_KEY_P},       {"s", GLFW_KEY_S},
        {"f11", GLFW_KEY_F11},     {"=", GLFW_KEY_EQUAL},   {"-", GLFW_KEY_MINUS}};
    static const std::map<std::string, int> modifiers = {{"ctrl", GLFW_KEY_LEFT_CONTROL},
                                                         {"shift", GLFW_KEY_LEFT_SHIFT}};
    std::vector<int> pressed;
    std::string rest = name;
    for (size_t plus = rest.find('+'); plus != std::string::npos && plus + 1 < rest.size(); plus = rest.find('+')) {
        const auto modifier = modifiers.find(rest.substr(0, plus));
        if (modifier == modifiers.end()) return std::nullopt;
        pressed.push_back(modifier->second);
        rest.erase(0, plus + 1);
    }
    if (rest.size() == 1 && rest[0] >= '0' && rest[0] <= '9') {
        pressed.push_back(GLFW_KEY_0 + (rest[0] - '0'));
        return pressed;
    }
    const auto found = keys.find(rest);
    if (found == keys.end()) return std::nullopt;
    pressed.push_back(found->second);
    return pressed;
}

// Popups and menus are on top already, and focusing another window would close them.
void bring_to_front(const std::string& name) {
    ImGuiWindow* window = ImGui::FindWindowByName(name.c_str());
    const ImGuiWindowFlags on_top =
        ImGuiWindowFlags_Popup | ImGuiWindowFlags_ChildMenu | ImGuiWindowFlags_Tooltip | ImGuiWindowFlags_MenuBar;
    if (window && !(window->Flags & on_top)) ImGui::FocusWindow(window);
}

}  // namespace

Result<WindowScript> WindowScript::load(const std::string& path) {
    std::ifstream in(path);
    if (!in) return Error{"cannot read the window script " + path, "check the path in TCPLAB_WINDOW_SCRIPT"};
    WindowScript script;
    std::string text;
    for (int number = 1; std::getline(in, text); ++number) {
        if (const size_t comment = text.find('#'); comment != std::string::npos) text.erase(comment);
        std::istringstream words(text);
        Line line;
        line.number = number;
        if (!(words >> line.verb)) continue;
        std::getline(words >> std::ws, line.argument);
        while (!line.argument.empty() && line.argument.back() == ' ') line.argument.pop_back();
        const bool known = line.verb == "click" || line.verb == "key" || line.verb == "type" || line.verb == "frames" ||
                           line.verb == "wait" || line.verb == "settings";
        if (!known || line.argument.empty())
            return Error{path + ":" + std::to_string(number) + ": cannot read \"" + text + "\"",
                         "write click NAME, key KEY, type TEXT, frames N, wait WHAT or settings saved"};
        if (line.verb == "key" && !keys_named(line.argument))
            return Error{path + ":" + std::to_string(number) + ": no key \"" + line.argument + "\"",
                         "use space, left, right, r, p, s, f11, a digit, = or -, alone or after ctrl+ or shift+"};
        if (line.verb == "settings") {
            if (line.argument != "saved")
                return Error{path + ":" + std::to_string(number) + ": cannot read \"" + text + "\"",
                             "write settings saved"};
            script.uses_saved_settings_ = true;
            continue;
        }
        script.lines_.push_back(line);
    }
    item_marks::enable(true);
    return script;
}

void WindowScript::advance() {
    ++next_;
    phase_ = 0;
    missing_frames_ = 0;
    line_started_ = std::chrono::steady_clock::now();
}

void WindowScript::fail(const std::string& why) {
    const Line& line = lines_[next_];
    failure_ =
        "window script line " + std::to_string(line.number) + " (" + line.verb + " " + line.argument + "): " + why;
}

bool WindowScript::holds(const std::string& what, const Seen& seen) const {
    if (what == "run") return seen.live_run;
    if (what == "replay") return seen.replay;
    if (what == "idle") return !seen.busy;
    if (what == "held") return seen.held;
    if (what.rfind("steps ", 0) == 0) return !seen.busy && seen.shown_steps == std::stoul(what.substr(6));
    if (what.rfind("item ", 0) == 0) return item_marks::last_frame().count(what.substr(5)) > 0;
    return false;
}

void WindowScript::before_frame(const Seen& seen, ImGuiIO& io) {
    // The real pointer stays out of the way: only the script's clicks land.
    ImVec2 pointer(-FLT_MAX, -FLT_MAX);
    bool button_down = false;
    if (!finished()) {
        if (next_ == 0 && phase_ == 0 && missing_frames_ == 0) line_started_ = std::chrono::steady_clock::now();
        const Line& line = lines_[next_];
        if (line.verb == "frames") {
            if (++phase_ >= std::stoi(line.argument)) advance();
        } else if (line.verb == "wait") {
            if (holds(line.argument, seen))
                advance();
            else if (std::chrono::steady_clock::now() - line_started_ > kWaitLimit)
                fail("still not so after " + std::to_string(kWaitLimit.count()) + " s");
        } else if (line.verb == "type") {
            io.AddInputCharactersUTF8(line.argument.c_str());
            advance();
        } else if (line.verb == "key") {
            // Down for one frame, up the next: one press, no repeat.
            const std::vector<int> keys = keys_named(line.argument).value_or(std::vector<int>{});
            for (const int key : keys) imgui_compat::send_key(io, key, phase_ == 0);
            if (phase_++ == 1) advance();
        } else if (line.verb == "click") {
            const auto& marks = item_marks::last_frame();
            const auto found = marks.find(line.argument);
            if (found == marks.end() && phase_ > 0) {
                // Pressed, and gone: a menu opens on the press. Release where it was.
                pointer = click_at_;
                advance();
            } else if (found == marks.end()) {
                // Not drawn (yet): a menu or popup shows its items a frame after it opens.
                phase_ = 0;
                if (++missing_frames_ > kFramesToAppear) {
                    std::string drawn;
                    for (const auto& [name, rect] : marks) drawn += (drawn.empty() ? "" : ", ") + name;
                    fail("no such item on screen (drawn: " + drawn + ")");
                }
            } else {
                // Hover, press, release: what ImGui counts as a click.
                // A view may lie under another: a teacher brings it to the front first.
                if (phase_ == 0) bring_to_front(found->second.window);
                pointer = ImVec2((found->second.min.x + found->second.max.x) / 2,
                                 (found->second.min.y + found->second.max.y) / 2);
                click_at_ = pointer;
                button_down = phase_ == 1;
                if (phase_++ == 2) advance();
            }
        }
    }
    imgui_compat::send_mouse(io, pointer, button_down);
}

}  // namespace tcplab
