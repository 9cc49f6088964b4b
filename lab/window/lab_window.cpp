#include "lab_window.hpp"

// GLFW brings in the system's OpenGL header; ImGui's backends bring their own loader.
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cfloat>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <vector>

#include "apply_commands.hpp"
#include "default_layout.hpp"
#include "fonts.hpp"
#include "imgui_compat.hpp"
#include "lab/error_output.hpp"
#include "lab/exit_codes.hpp"
#include "lab/i18n.hpp"
#include "lab/layout/palette.hpp"
#include "lab/views/drawing.hpp"
#include "lab/views/item_marks.hpp"
#include "lab/views/program_output_view.hpp"
#include "lab/views/registry.hpp"
#include "lab/views/step_controller.hpp"
#include "lab/views/view.hpp"
#include "lab/window_program_run.hpp"
#include "program_dialog.hpp"
#include "replay_ui.hpp"
#include "screenshot.hpp"
#include "settings.hpp"
#include "window_script.hpp"

namespace tcplab {
namespace {

constexpr float kFontPixels = 17.0f;
constexpr float kPresentationScale = 1.6f;
// In the presentation layout a line of text is at least this share of the window's height.
constexpr float kPresentationRows = 27.0f;
constexpr double kZoomStep = 0.1;
constexpr float kPresentationLineWidth = 3.0f;
constexpr int kScreenshotWidth = 1600;
constexpr int kScreenshotHeight = 900;
constexpr int kScreenshotSettleFrames = 16;  // the presentation fits its lesson text in a few
// Long enough for every step to settle (each may take RunOptions::settle_limit).
constexpr std::chrono::seconds kScreenshotBaseTimeout{20};
constexpr std::chrono::seconds kScreenshotTimeoutPerStep{8};
// After a change, keep drawing at full rate for a while so animations finish.
constexpr std::chrono::seconds kAnimationTime{2};

const char* const kNoDisplayRemedy = "run under a desktop session, or `xvfb-run -a tcplab gui ...`";

std::string glfw_last_error;

void remember_glfw_error(int code, const char* description) {
    glfw_last_error = "GLFW error " + std::to_string(code) + ": " + (description ? description : "");
}

// Every string of every language we ship: their characters go in the font atlas,
// so switching the language never needs a glyph that is not there.
std::vector<std::string> every_text() {
    std::vector<std::string> texts;
    for (const std::string& code : Language::codes()) {
        auto language = Language::load(code);
        if (!language) continue;
        for (const std::string& key : language->keys()) texts.push_back(language->text(key));
    }
    return texts;
}

}  // namespace

bool display_available() {
    const char* x11 = std::getenv("DISPLAY");
    const char* wayland = std::getenv("WAYLAND_DISPLAY");
    return (x11 && *x11) || (wayland && *wayland);
}

struct LabWindow::Impl {
    WindowOptions options;
    GLFWwindow* window = nullptr;
    bool imgui_ready = false;
    bool glfw_backend_ready = false;
    bool opengl_backend_ready = false;

    WindowSettings settings;
    std::optional<Error> settings_error;
    std::string ini_path;  // kept alive: ImGui holds the pointer

    Language language;
    Language english;  // for the warning about a missing CJK font, which Chinese cannot show
    std::optional<std::string> pending_language;
    uint64_t texts_generation = UINT64_MAX;  // the controller's shown lesson whose texts `language` holds
    std::string lesson_after_first_frame;
    TransitionsAndSpans transitions_and_spans;  // the shown trace's transitions and spans (LabContext::history)  //
                                                // loaded once the window shows (see start())

    std::unique_ptr<FontSet> fonts;
    bool fonts_dirty = false;
    float font_scale = 0;  // the scale the atlas and style were last built for
    ImGuiStyle base_style;

    std::unique_ptr<StepController> controller;
    // What this frame's views, keys and menus asked for: applied before the next frame is built.
    Outbox outbox;
    std::unique_ptr<ReplayUi> replay_ui;  // File ▸ Open/Save/Record, notes, exports
    // The student's own programs: the run shown (when the live run is theirs),
    // the one asked for in the dialog and started between frames, the dialog.
    std::shared_ptr<WindowProgramRun> programs;
    std::shared_ptr<WindowProgramRun> programs_to_start;
    ProgramDialog program_dialog;
    int replay_errors_seen = 0;
    std::vector<std::unique_ptr<View>> views;
    SharedViewState shared;
    Trace empty_trace;  // shown before a lesson is loaded

    float menu_bar_height = 0;
    bool reset_layout = false;
    std::string layout_before_presentation = "full";  // where F11 goes back to
    bool help_open = false;
    int help_section = 0;  // 0: keyboard, 1: views
    std::string dismissed_error;
    bool quit = false;

    // Screenshot mode.
    std::vector<DrawnWindow> drawn_views;
    std::vector<DrawnText> drawn_texts;
    std::set<ImGuiWindow*> view_windows;
    size_t last_shown_steps = 0;
    std::chrono::steady_clock::time_point animate_until{};

    // A test's input script (TCPLAB_WINDOW_SCRIPT), when one drives the window.
    std::optional<WindowScript> script;

    bool screenshot_mode() const { return !options.screenshot_path.empty(); }
    // Screenshots and scripts neither read nor write the user's settings, and see the default layout.
    bool isolated() const { return screenshot_mode() || (script && !script->uses_saved_settings()); }
    void shutdown();
    Status start(const WindowOptions& requested);
    void rebuild_fonts_if_needed();
    void load_lesson(const std::string& name);
    void start_programs(std::shared_ptr<WindowProgramRun> run);
    void draw_program_dialog();
    ProgramInput* program_input();
    void apply_language();
    void handle_keys();
    void draw_menu_bar();
    void draw_views(LabContext& context);
    void draw_help_marker(const std::string& help);
    void draw_help_window();
    void draw_error_window();
    void set_presentation(bool on);
    void set_layout(const std::string& layout);
    void save_own_layout();
    void zoom_by(double step);
    void show_in_presentation(const std::string& view_id, bool right_panel);
    void draw_lesson_menu();
    void draw_view_menu();
    bool presenting() const { return settings.layout == "presentation"; }
    std::optional<Error> current_error() const;
    ScreenshotInfo screenshot_info() const;
    int finish_screenshot(bool reached_target);
    void save_on_exit();
};

std::optional<Error> LabWindow::Impl::current_error() const {
    if (replay_ui && replay_ui->error()) return replay_ui->error();
    // A recording needs no sandbox: why one could not be made does not matter then.
    if (options.startup_error && !(controller && controller->replay())) return options.startup_error;
    if (controller && controller->error()) return controller->error();
    return std::nullopt;
}

Status LabWindow::Impl::start(const WindowOptions& requested) {
    options = requested;
    if (const char* script_path = std::getenv("TCPLAB_WINDOW_SCRIPT"); script_path && *script_path) {
        auto loaded = WindowScript::load(script_path);
        if (!loaded) return loaded.error();
        script = std::move(loaded.value());
    }
    if (!isolated()) {
        LoadedSettings loaded = load_settings(settings_file_path());
        settings = loaded.settings;
        settings_error = loaded.error;
        if (settings_error) print_error(*settings_error);
    }
    if (!options.lesson.empty()) settings.lesson = options.lesson;
    if (options.presentation) settings.layout = "presentation";

    const std::string start_language = !options.language.empty()    ? Language::normalize_code(options.language)
                                       : !settings.language.empty() ? settings.language
                                                                    : "en";
    auto loaded_language = Language::load(start_language);
    if (!loaded_language) return loaded_language.error();
    language = loaded_language.value();
    if (auto loaded_english = Language::load("en")) english = loaded_english.value();

    glfwSetErrorCallback(remember_glfw_error);
    if (!display_available()) return Error{"no display: neither DISPLAY nor WAYLAND_DISPLAY is set", kNoDisplayRemedy};
    if (!glfwInit()) return Error{"cannot connect to the display (" + glfw_last_error + ")", kNoDisplayRemedy};

    // OpenGL 3.0 with GLSL 130: what ImGui's OpenGL 3 backend needs, and what Mesa offers everywhere.
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    const int width = screenshot_mode() ? options.screenshot_width.value_or(kScreenshotWidth)
                      : isolated()      ? kScreenshotWidth
                                        : settings.width;
    const int height = screenshot_mode() ? options.screenshot_height.value_or(kScreenshotHeight)
                       : isolated()      ? kScreenshotHeight
                                         : settings.height;
    window = glfwCreateWindow(width, height, language.text("app.title").c_str(), nullptr, nullptr);
    if (!window)
        return Error{"cannot open a window with OpenGL 3 (" + glfw_last_error + ")",
                     "install the OpenGL drivers (apt install libgl1-mesa-dri), or " + std::string(kNoDisplayRemedy)};
    glfwMakeContextCurrent(window);
    glfwSwapInterval(screenshot_mode() ? 0 : 1);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    imgui_ready = true;
    ImGuiIO& io = ImGui::GetIO();
    if (isolated()) {
        io.IniFilename = nullptr;  // the default layout, whatever the user arranged
    } else {
        ini_path = imgui_ini_path();
        io.IniFilename = ini_path.empty() ? nullptr : ini_path.c_str();
    }
    ImGui::StyleColorsDark();
    ImGuiStyle& style = ImGui::GetStyle();
    style.WindowRounding = 4.0f;
    style.FrameRounding = 3.0f;
    style.WindowTitleAlign = ImVec2(0.0f, 0.5f);
    base_style = style;

    glfw_backend_ready = ImGui_ImplGlfw_InitForOpenGL(window, true);
    opengl_backend_ready = ImGui_ImplOpenGL3_Init("#version 130");
    if (!glfw_backend_ready || !opengl_backend_ready)
        return Error{"cannot start ImGui's GLFW/OpenGL 3 backends", "install the OpenGL drivers (libgl1-mesa-dri)"};

    fonts = std::make_unique<FontSet>(find_font_files(), every_text());
    fonts_dirty = true;
    rebuild_fonts_if_needed();
    if (!fonts->has_cjk_font()) std::fprintf(stderr, "tcplab: %s\n", english.text("window.no_cjk_font").c_str());

    shared.relative_numbers = settings.relative_numbers;
    shared.colour_blind_palette = settings.colour_blind_palette;
    shared.presentation = presenting();

    RunOptions run_options = options.run_options;
    run_options.packets_per_poll = kPacketsPerFrame;
    controller = std::make_unique<StepController>(run_options);
    views = make_views();
    replay_ui = std::make_unique<ReplayUi>(*controller, settings);
    // Files dropped on the window arrive between frames, on this thread.
    glfwSetWindowUserPointer(window, this);
    glfwSetDropCallback(window, [](GLFWwindow* dropped_on, int count, const char** paths) {
        auto* self = static_cast<Impl*>(glfwGetWindowUserPointer(dropped_on));
        if (!self || !self->replay_ui) return;
        self->replay_ui->drop(std::vector<std::string>(paths, paths + count));
    });
    options.program_context.run_options.packets_per_poll = kPacketsPerFrame;
    if (options.programs) {
        start_programs(options.programs);
        if (!options.programs_record.empty() && controller->run())
            if (auto recording = controller->start_recording(options.programs_record, options.programs_record_force);
                !recording)
                print_error(recording.error());
    } else if (!options.open_file.empty()) {
        // A screenshot needs the file shown before its first frame; a person sees the progress bar.
        if (screenshot_mode())
            replay_ui->open_file_now(options.open_file, shared);
        else
            replay_ui->open_file(options.open_file);
    } else if (!options.startup_error && !settings.lesson.empty()) {
        // Starting a lesson builds its sandbox, wire and captures (the capture
        // rings alone are tens of MiB the kernel zeroes), so a person gets the
        // window first and the lesson one frame later. A screenshot waits for it.
        if (screenshot_mode()) {
            load_lesson(settings.lesson);
        } else {
            lesson_after_first_frame = settings.lesson;
            controller->announce(settings.lesson);
        }
    }
    // The pieces can also be asked for from outside (tests, docs): the command line stays for users.
    if (const char* piece = std::getenv("TCPLAB_SCREENSHOT_PIECE"); piece && options.screenshot_piece.empty())
        options.screenshot_piece = piece;
    if (screenshot_mode() && !options.screenshot_piece.empty())
        replay_ui->show_for_screenshot(options.screenshot_piece, options.screenshot_path + ".pcapng", shared, language);
    return Done{};
}

void LabWindow::Impl::load_lesson(const std::string& name) {
    if (auto loaded = controller->load(name); !loaded) print_error(loaded.error());
}

void LabWindow::Impl::start_programs(std::shared_ptr<WindowProgramRun> run) {
    programs = run;
    if (auto loaded = controller->load_made("programs", [run] { return run->start(); }); !loaded) {
        print_error(loaded.error());
        return;
    }
    // The lesson's one step launches the programs: they run as soon as the window shows.
    controller->step();
}

// The client's standard input, while the programs of this window's run are running.
ProgramInput* LabWindow::Impl::program_input() {
    if (!programs || !controller->made() || !controller->run() || !controller->busy()) return nullptr;
    return programs->input();
}

void LabWindow::Impl::draw_program_dialog() {
    if (shared.programs_requested) program_dialog.open();
    shared.programs_requested = false;
    const auto asked = program_dialog.draw(language);
    if (!asked) return;
    auto planned = WindowProgramRun::plan(*asked, options.program_context, language);
    if (!planned) {
        program_dialog.show_error(planned.error().what +
                                  (planned.error().remedy.empty() ? "" : " (" + planned.error().remedy + ")"));
        return;
    }
    program_dialog.close();
    programs_to_start = planned.value();  // started between frames, not while drawing
}

// The atlas can only change between frames: ImGui holds the font of the frame in progress.
void LabWindow::Impl::rebuild_fonts_if_needed() {
    const float content_scale = [this] {
        float x = 1, y = 1;
        glfwGetWindowContentScale(window, &x, &y);
        return std::clamp(x, 1.0f, 4.0f);
    }();
    // In front of a class the text grows with the window, so it reads at 1024×768 and at 1920×1080 alike.
    int window_height = 0;
    glfwGetWindowSize(window, nullptr, &window_height);
    const float presentation_scale =
        std::max(kPresentationScale, static_cast<float>(window_height) / (kPresentationRows * kFontPixels));
    const float unrounded =
        content_scale * static_cast<float>(settings.zoom) * (shared.presentation ? presentation_scale : 1.0f);
    // Whole pixels: a window resized by a few pixels keeps its atlas.
    const float scale = std::round(kFontPixels * unrounded) / kFontPixels;
    if (!fonts_dirty && scale == font_scale) return;
    fonts_dirty = false;
    font_scale = scale;
    ImGuiStyle& style = ImGui::GetStyle();
    style = base_style;
    style.ScaleAllSizes(scale);
    imgui_compat::set_font_size(*ImGui::GetIO().Fonts, std::round(kFontPixels * scale), opengl_backend_ready,
                                [this](ImFontAtlas& atlas, float pixels) { fonts->add_to(atlas, pixels); });
}

// The shipped texts of the chosen language, with the teacher's own lessons'
// texts and those of the lesson or recording shown (which may have been made
// from a lesson file this machine lacks).
void LabWindow::Impl::apply_language() {
    const uint64_t generation = controller->shown_generation();
    if (!pending_language && generation == texts_generation) return;
    auto loaded = Language::load(pending_language.value_or(language.code()));
    pending_language.reset();
    texts_generation = generation;
    if (!loaded) {
        print_error(loaded.error());
        return;
    }
    language = loaded.value();
    std::vector<std::string> added;
    auto add = [&](const std::map<std::string, std::map<std::string, std::string>>& texts) {
        language.add_lesson_texts(texts);
        for (const auto& [code, by_key] : texts)
            for (const auto& [key, text] : by_key) added.push_back(text);
    };
    for (const LessonEntry& entry : lesson_catalog()) add(entry.texts);
    if (const auto* texts = controller->lesson_texts()) add(*texts);
    // A teacher's lesson may use characters the shipped texts never do.
    if (fonts->add_texts(added)) fonts_dirty = true;
    glfwSetWindowTitle(window, language.text("app.title").c_str());
}

void LabWindow::Impl::set_presentation(bool on) {
    if (on == presenting()) return;
    if (on) {
        layout_before_presentation = settings.layout;
        set_layout("presentation");
    } else {
        set_layout(layout_before_presentation == "presentation" ? "full" : layout_before_presentation);
    }
}

void LabWindow::Impl::set_layout(const std::string& layout) {
    if (layout == "presentation" && !presenting()) layout_before_presentation = settings.layout;
    settings.layout = layout;
    shared.presentation = presenting();
    fonts_dirty = true;
    // The menu bar and every title bar change size: lay the windows out again.
    reset_layout = true;
}

// The arrangement on screen now, in fractions of the window, as View ▸ Layout ▸ Mine.
void LabWindow::Impl::save_own_layout() {
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    if (display.x <= 0 || display.y <= 0) return;
    settings.own_layout.clear();
    for (const DrawnWindow& drawn : drawn_views) {
        settings.own_layout.push_back(
            {drawn.id, drawn.x / display.x, drawn.y / display.y, drawn.width / display.x, drawn.height / display.y});
    }
    set_layout("mine");
}

void LabWindow::Impl::zoom_by(double step) {
    settings.zoom =
        step == 0 ? 1.0 : std::clamp(std::round((settings.zoom + step) * 10) / 10, kSmallestZoom, kLargestZoom);
    fonts_dirty = true;
}

// One key away in front of a class: the view takes the place of one of the two panels under the lesson.
void LabWindow::Impl::show_in_presentation(const std::string& view_id, bool right_panel) {
    if (view_id == "scenario") return;
    std::string& replaced = right_panel ? settings.presentation_right : settings.presentation_left;
    std::string& other = right_panel ? settings.presentation_left : settings.presentation_right;
    if (other == view_id) other = replaced;  // already shown on the other side: the two swap
    replaced = view_id;
}

void LabWindow::Impl::handle_keys() {
    const ImGuiIO& io = ImGui::GetIO();
    replay_ui->handle_keys(shared, outbox);
    if (io.WantTextInput || replay_ui->wants_keyboard()) return;  // typing in a field is not a command
    if (imgui_compat::key_pressed(GLFW_KEY_F11, false)) set_presentation(!presenting());
    if (io.KeyCtrl && imgui_compat::key_pressed(GLFW_KEY_Q, false)) quit = true;
    if (io.KeyCtrl &&
        (imgui_compat::key_pressed(GLFW_KEY_EQUAL, true) || imgui_compat::key_pressed(GLFW_KEY_KP_ADD, true)))
        zoom_by(kZoomStep);
    if (io.KeyCtrl &&
        (imgui_compat::key_pressed(GLFW_KEY_MINUS, true) || imgui_compat::key_pressed(GLFW_KEY_KP_SUBTRACT, true)))
        zoom_by(-kZoomStep);
    if (io.KeyCtrl && (imgui_compat::key_pressed(GLFW_KEY_0, false) || imgui_compat::key_pressed(GLFW_KEY_KP_0, false)))
        zoom_by(0);
    if (io.KeyCtrl || io.KeyAlt || io.KeySuper) return;
    if (presenting())
        for (size_t index = 0; index < views.size() && index < 9; ++index)
            if (imgui_compat::key_pressed(GLFW_KEY_1 + static_cast<int>(index), false))
                show_in_presentation(views[index]->id(), io.KeyShift);
    const StepController& steps = *controller;
    // While a step runs, space still releases the oldest segment at the wire's gate.
    if (steps.busy()) {
        if (!steps.held().empty() && imgui_compat::key_pressed(GLFW_KEY_SPACE, false))
            outbox.push_back(command::Step{});
        return;  // otherwise one step at a time, as the buttons allow
    }
    if (imgui_compat::key_pressed(GLFW_KEY_SPACE, false)) outbox.push_back(command::Step{});
    if (imgui_compat::key_pressed(GLFW_KEY_LEFT, true)) outbox.push_back(command::Back{});
    if (imgui_compat::key_pressed(GLFW_KEY_RIGHT, true)) outbox.push_back(command::Forward{});
    if (imgui_compat::key_pressed(GLFW_KEY_P, false)) outbox.push_back(command::TogglePlay{});
    if (imgui_compat::key_pressed(GLFW_KEY_R, false)) outbox.push_back(command::Reset{});
}

void LabWindow::Impl::draw_menu_bar() {
    if (!ImGui::BeginMainMenuBar()) return;
    menu_bar_height = ImGui::GetWindowSize().y;
    if (ImGui::BeginMenu(language.text("window.menu_file").c_str())) {
        replay_ui->draw_file_items(language, outbox);
        ImGui::Separator();
        if (ImGui::MenuItem(language.text("window.quit").c_str(), "Ctrl+Q")) quit = true;
        item_marks::mark("file.quit");
        ImGui::EndMenu();
    } else {
        item_marks::mark("menu.file");
    }
    replay_ui->draw_export_menu(language);
    draw_lesson_menu();
    draw_view_menu();
    if (ImGui::BeginMenu(language.text("window.menu_options").c_str())) {
        if (ImGui::BeginMenu(language.text("window.language").c_str())) {
            // Each language is named in itself, so a reader finds their own.
            // A language picked here is remembered; one that came from the locale is not.
            if (ImGui::MenuItem(language.text("window.language_en").c_str(), nullptr, language.code() == "en"))
                pending_language = settings.language = "en";
            if (ImGui::MenuItem(language.text("window.language_zh").c_str(), nullptr, language.code() == "zh-CN"))
                pending_language = settings.language = "zh-CN";
            ImGui::EndMenu();
        }
        ImGui::MenuItem(language.text("window.relative_numbers").c_str(), nullptr, &shared.relative_numbers);
        if (ImGui::MenuItem(language.text("window.presentation").c_str(), "F11", presenting()))
            set_presentation(!presenting());
        ImGui::MenuItem(language.text("window.colour_blind").c_str(), nullptr, &shared.colour_blind_palette);
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu(language.text("window.menu_help").c_str())) {
        if (ImGui::MenuItem(language.text("window.shortcuts").c_str())) {
            help_open = true;
            help_section = 0;
        }
        if (ImGui::MenuItem(language.text("window.about_views").c_str())) {
            help_open = true;
            help_section = 1;
        }
        ImGui::EndMenu();
    }
    if (!fonts->has_cjk_font()) {
        // A Chinese warning would itself be unreadable without the font: say it in English too.
        std::string warning = language.text("window.no_cjk_font");
        if (language.code() != "en") warning = english.text("window.no_cjk_font");
        ImGui::TextColored(ImVec4(1.0f, 0.8f, 0.3f, 1.0f), "%s", warning.c_str());
    }
    replay_ui->draw_status(language);
    ImGui::EndMainMenuBar();
}

// What the keys do, as menu items with the key beside each (the keys themselves are in handle_keys).
void LabWindow::Impl::draw_lesson_menu() {
    if (!ImGui::BeginMenu(language.text("window.menu_lesson").c_str())) return;
    const StepController& steps = *controller;
    const bool busy = steps.busy();
    const bool at_gate = !steps.held().empty();
    if (ImGui::MenuItem(language.text(at_gate ? "scenario_bar.release" : "scenario_bar.step").c_str(),
                        language.text("window.key.space").c_str(), false, at_gate || (!busy && !steps.at_end())))
        outbox.push_back(command::Step{});
    if (ImGui::MenuItem(language.text("window.step_back").c_str(), language.text("window.key.left").c_str(), false,
                        !busy && steps.shown_steps() > 0))
        outbox.push_back(command::Back{});
    if (ImGui::MenuItem(language.text("window.step_forward").c_str(), language.text("window.key.right").c_str(), false,
                        !busy && !steps.at_end()))
        outbox.push_back(command::Forward{});
    if (ImGui::MenuItem(language.text(steps.play().playing ? "scenario_bar.pause" : "scenario_bar.play").c_str(), "P",
                        false, !busy))
        outbox.push_back(command::TogglePlay{});
    if (ImGui::MenuItem(language.text("scenario_bar.reset").c_str(), "R", false, !busy))
        outbox.push_back(command::Reset{});
    ImGui::Separator();
    if (ImGui::MenuItem(language.text("replay.note_button").c_str(), "N")) shared.note_requested = true;
    ImGui::EndMenu();
}

void LabWindow::Impl::draw_view_menu() {
    if (!ImGui::BeginMenu(language.text("window.menu_view").c_str())) {
        item_marks::mark("menu.view");
        return;
    }
    // In the presentation layout a view replaces the left panel (its number key; Shift: the right one).
    for (size_t index = 0; index < views.size(); ++index) {
        const std::string id = views[index]->id();
        const std::string key = index < 9 ? std::to_string(index + 1) : "";
        if (presenting()) {
            const bool shown =
                id == "scenario" || id == settings.presentation_left || id == settings.presentation_right;
            if (ImGui::MenuItem(language.text("view." + id + ".title").c_str(), key.c_str(), shown, id != "scenario"))
                show_in_presentation(id, false);
            continue;
        }
        bool open = settings.view_open(id);
        if (ImGui::MenuItem(language.text("view." + id + ".title").c_str(), nullptr, &open))
            settings.open_views[id] = open;
    }
    ImGui::Separator();
    if (ImGui::BeginMenu(language.text("window.layout").c_str())) {
        if (ImGui::MenuItem(language.text("window.layout_full").c_str(), nullptr, settings.layout == "full"))
            set_layout("full");
        item_marks::mark("layout.full");
        if (ImGui::MenuItem(language.text("window.layout_presentation").c_str(), "F11", presenting()))
            set_layout("presentation");
        item_marks::mark("layout.presentation");
        if (ImGui::MenuItem(language.text("window.layout_ladder_timeline").c_str(), nullptr,
                            settings.layout == "ladder_timeline"))
            set_layout("ladder_timeline");
        item_marks::mark("layout.ladder_timeline");
        if (ImGui::MenuItem(language.text("window.layout_mine").c_str(), nullptr, settings.layout == "mine",
                            !settings.own_layout.empty()))
            set_layout("mine");
        item_marks::mark("layout.mine");
        ImGui::Separator();
        if (ImGui::MenuItem(language.text("window.layout_save_mine").c_str())) save_own_layout();
        item_marks::mark("layout.save_mine");
        ImGui::EndMenu();
    } else {
        item_marks::mark("view.layout");
    }
    if (ImGui::MenuItem(language.text("window.reset_layout").c_str())) {
        set_layout(settings.layout);
        for (const std::unique_ptr<View>& view : views) settings.open_views[view->id()] = true;
    }
    ImGui::Separator();
    if (ImGui::MenuItem(language.text("window.zoom_in").c_str(), "Ctrl+=")) zoom_by(kZoomStep);
    if (ImGui::MenuItem(language.text("window.zoom_out").c_str(), "Ctrl+-")) zoom_by(-kZoomStep);
    if (ImGui::MenuItem(language.text("window.zoom_reset").c_str(), "Ctrl+0")) zoom_by(0);
    ImGui::EndMenu();
}

// A "?" in the title bar, next to the close button; hovering it explains the view.
void LabWindow::Impl::draw_help_marker(const std::string& help) {
    const ImGuiStyle& style = ImGui::GetStyle();
    const ImVec2 window_pos = ImGui::GetWindowPos();
    const float title_height = ImGui::GetFontSize() + style.FramePadding.y * 2;
    const float close_width = ImGui::GetFontSize() + style.FramePadding.x;
    const float marker_width = ImGui::CalcTextSize("(?)").x;
    const ImVec2 marker_min(window_pos.x + ImGui::GetWindowWidth() - style.FramePadding.x - close_width -
                                style.ItemInnerSpacing.x - marker_width,
                            window_pos.y + style.FramePadding.y);
    const ImVec2 marker_max(marker_min.x + marker_width, marker_min.y + ImGui::GetFontSize());
    if (marker_min.x < window_pos.x + ImGui::GetWindowWidth() / 2) return;  // too narrow for title and marker
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->PushClipRect(window_pos, ImVec2(window_pos.x + ImGui::GetWindowWidth(), window_pos.y + title_height), false);
    const bool hovered = ImGui::IsWindowHovered(ImGuiHoveredFlags_AllowWhenBlockedByActiveItem) &&
                         ImGui::IsMouseHoveringRect(marker_min, marker_max);
    draw->AddText(marker_min, ImGui::GetColorU32(hovered ? ImGuiCol_Text : ImGuiCol_TextDisabled), "(?)");
    draw->PopClipRect();
    if (hovered) wrapped_tooltip(help);
}

void LabWindow::Impl::draw_views(LabContext& context) {
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    drawn_views.clear();
    view_windows.clear();
    std::vector<std::string> ids;
    for (const std::unique_ptr<View>& view : views) ids.push_back(view->id());
    // The presentation and ladder + timeline layouts hold their panels in
    // place at the window's size; the full one and the teacher's own start
    // there and may then be moved.
    const bool fixed = settings.layout == "presentation" || settings.layout == "ladder_timeline";
    // In front of a class the lesson bar gets the height its text asked for last frame, within bounds.
    const float lesson_height = presentation_lesson_height(display.y, menu_bar_height, shared.lesson_height_wanted);
    shared.lesson_height_capped = shared.lesson_height_wanted > lesson_height + 0.5f;
    std::vector<PanelRect> layout =
        settings.layout == "presentation"
            ? presentation_layout(ids, {settings.presentation_left, settings.presentation_right}, display.x, display.y,
                                  menu_bar_height, lesson_height)
        : settings.layout == "ladder_timeline"
            ? ladder_timeline_layout(ids, display.x, display.y, menu_bar_height)
            : default_layout(ids, display.x, display.y, menu_bar_height, ImGui::GetFontSize());
    if (settings.layout == "mine")
        for (PanelRect& rect : layout) {
            rect.width = rect.height = 0;  // a view the arrangement does not have is not shown
            for (const SavedPanel& saved : settings.own_layout)
                if (saved.view_id == rect.view_id)
                    rect = {rect.view_id, static_cast<float>(saved.x) * display.x,
                            static_cast<float>(saved.y) * display.y, static_cast<float>(saved.width) * display.x,
                            static_cast<float>(saved.height) * display.y};
        }
    const bool arranged = fixed || settings.layout == "mine";
    for (size_t index = 0; index < views.size(); ++index) {
        View& view = *views[index];
        const std::string id = view.id();
        const PanelRect& rect = layout[index];
        // The teacher's own arrangement shows the views it saved, each closable as in the full layout.
        bool open = fixed ? rect.width > 0 : settings.view_open(id) && (!arranged || rect.width > 0);
        if (!open) continue;
        const ImGuiCond condition = reset_layout || fixed ? ImGuiCond_Always : ImGuiCond_FirstUseEver;
        ImGui::SetNextWindowPos(ImVec2(rect.x, rect.y), condition);
        ImGui::SetNextWindowSize(ImVec2(rect.width, rect.height), condition);
        ImGui::SetNextWindowCollapsed(rect.collapsed, condition);
        // "###id": the title may change with the language; the window (and its place) stays.
        const std::string title = language.text("view." + id + ".title");
        const std::string name = title + "###" + id;
        // A window placed by the user last time (imgui.ini) is not sized by the
        // calls above, so ImGui would hide it in the first frame while it
        // measures itself: the first frame would show an empty window. Giving
        // it its saved size draws it at once, where the user left it.
        if (ImGui::GetFrameCount() <= 1 && !reset_layout)
            if (const std::optional<ImVec2> saved = imgui_compat::saved_window_size(name))
                ImGui::SetNextWindowSize(*saved, ImGuiCond_Always);
        // In front of a class each panel says what it is by what it shows (the
        // lesson's controls, the lanes, the states): the title bars' room goes to the text.
        const bool untitled = presenting();
        const ImGuiWindowFlags flags =
            (fixed ? ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse : 0) |
            (untitled ? ImGuiWindowFlags_NoTitleBar : 0);
        const bool expanded = ImGui::Begin(name.c_str(), fixed ? nullptr : &open, flags);
        if (!untitled) draw_help_marker(language.text("view." + id + ".help"));
        if (expanded) view.draw(context);
        drawn_views.push_back({id, title, ImGui::GetWindowPos().x, ImGui::GetWindowPos().y, ImGui::GetWindowWidth(),
                               ImGui::GetWindowHeight(), ImGui::IsWindowCollapsed()});
        view_windows.insert(ImGui::GetCurrentWindow());
        ImGui::End();
        if (!open && !fixed) settings.open_views[id] = false;
    }
    // ImGui focuses the window it created last; the lesson bar is where a student starts.
    if (reset_layout || ImGui::GetFrameCount() <= 1) ImGui::SetWindowFocus("###scenario");
    reset_layout = false;
}

void LabWindow::Impl::draw_help_window() {
    if (!help_open) return;
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowSize(ImVec2(display.x * 0.45f, display.y * 0.6f), ImGuiCond_Appearing);
    ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, display.y * 0.5f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowBgAlpha(1.0f);  // it floats over the views: keep it readable
    const std::string name = language.text("window.help_title") + "###help";
    if (ImGui::Begin(name.c_str(), &help_open)) {
        ImGui::SetNextItemOpen(help_section == 0, ImGuiCond_Appearing);
        if (ImGui::CollapsingHeader(language.text("window.shortcuts").c_str())) {
            struct Shortcut {
                const char* key_label;
                const char* action;
            };
            const Shortcut shortcuts[] = {
                {"window.key.space", "window.key.space_does"},
                {"window.key.left", "window.key.left_does"},
                {"window.key.right", "window.key.right_does"},
                {"window.key.play", "window.key.play_does"},
                {"window.key.reset", "window.key.reset_does"},
                {"window.key.note_key", "window.key.note_key_does"},
                {"window.key.f11", "window.key.f11_does"},
                {"window.key.digits", "window.key.digits_does"},
                {"window.key.zoom", "window.key.zoom_does"},
                {"window.key.open", "window.key.open_does"},
                {"window.key.open_lesson", "window.key.open_lesson_does"},
                {"window.key.save", "window.key.save_does"},
                {"window.key.save_as", "window.key.save_as_does"},
                {"window.key.quit", "window.key.quit_does"},
            };
            if (ImGui::BeginTable("shortcuts", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) {
                // The keys are short; the explanations get the room.
                ImGui::TableSetupColumn("key", ImGuiTableColumnFlags_WidthFixed);
                ImGui::TableSetupColumn("action", ImGuiTableColumnFlags_WidthStretch);
                for (const Shortcut& shortcut : shortcuts) {
                    ImGui::TableNextRow();
                    ImGui::TableNextColumn();
                    ImGui::TextUnformatted(language.text(shortcut.key_label).c_str());
                    ImGui::TableNextColumn();
                    ImGui::TextWrapped("%s", language.text(shortcut.action).c_str());
                }
                ImGui::EndTable();
            }
            ImGui::TextWrapped("%s", language.text("window.key.note").c_str());
        }
        ImGui::SetNextItemOpen(help_section == 1, ImGuiCond_Appearing);
        if (ImGui::CollapsingHeader(language.text("window.about_views").c_str())) {
            for (const std::unique_ptr<View>& view : views) {
                const std::string id = view->id();
                ImGui::Spacing();
                ImGui::TextColored(ImVec4(0.55f, 0.8f, 1.0f, 1.0f), "%s",
                                   language.text("view." + id + ".title").c_str());
                ImGui::Separator();
                ImGui::TextWrapped("%s", language.text("view." + id + ".help").c_str());
            }
        }
    }
    ImGui::End();
}

void LabWindow::Impl::draw_error_window() {
    const std::optional<Error> error = current_error();
    if (!error || error->what == dismissed_error) return;
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, display.y * 0.5f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSizeConstraints(ImVec2(display.x * 0.3f, 0), ImVec2(display.x * 0.6f, display.y * 0.8f));
    ImGui::SetNextWindowBgAlpha(1.0f);
    const std::string name = language.text("window.error_title") + "###error";
    if (ImGui::Begin(
            name.c_str(), nullptr,
            ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings)) {
        ImGui::PushTextWrapPos(display.x * 0.58f);
        const Error words = translated(*error, language);
        ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.4f, 1.0f), "%s", words.what.c_str());
        if (!words.remedy.empty()) {
            ImGui::Spacing();
            ImGui::TextUnformatted(language.text("window.fix").c_str());
            ImGui::SameLine();
            ImGui::TextUnformatted(words.remedy.c_str());
        }
        ImGui::PopTextWrapPos();
        ImGui::Spacing();
        if (ImGui::Button(language.text("window.dismiss").c_str())) {
            dismissed_error = error->what;
            replay_ui->clear_error();
        }
    }
    ImGui::End();
}

ScreenshotInfo LabWindow::Impl::screenshot_info() const {
    ScreenshotInfo info;
    glfwGetFramebufferSize(window, &info.width, &info.height);
    info.language = language.code();
    info.lesson = controller->replay() ? controller->lesson_name() : controller->live_lesson_name();
    info.shown_steps = controller->shown_steps();
    info.step_count = controller->step_count();
    for (size_t index = 0; index < info.shown_steps; ++index) {
        const StepOutcome* outcome = controller->step_outcome(index);
        if (!outcome) continue;
        for (const ExpectationOutcome& expectation : outcome->expectations) {
            if (expectation.result.passed) {
                ++info.expectations_passed;
                continue;
            }
            ++info.expectations_failed;
            info.failed.push_back("step " + std::to_string(index + 1) + ": " + expectation.key + " (" +
                                  language.evidence(expectation.result.evidence) + ")");
        }
    }
    if (const auto error = current_error()) info.error = error->what;
    info.cjk_font = fonts->has_cjk_font();
    info.windows = drawn_views;
    info.layout = settings.layout;
    info.texts = drawn_texts;
    for (const std::unique_ptr<View>& view : views)
        if (const auto* output = dynamic_cast<const ProgramOutputView*>(view.get()))
            info.program_output = output->drawn_lines();
    // The other windows drawn this frame (menu bar, help, error), under ImGui's own names.
    const ImGuiContext& imgui = *ImGui::GetCurrentContext();
    for (ImGuiWindow* window_drawn : imgui.Windows) {
        if (!window_drawn->Active || (window_drawn->Flags & ImGuiWindowFlags_ChildWindow)) continue;
        if (view_windows.count(window_drawn)) continue;
        const char* name = window_drawn->Name;
        const std::string title(name, static_cast<size_t>(ImGui::FindRenderedTextEnd(name) - name));
        info.windows.push_back({name, title, window_drawn->Pos.x, window_drawn->Pos.y, window_drawn->Size.x,
                                window_drawn->Size.y, window_drawn->Collapsed});
    }
    return info;
}

int LabWindow::Impl::finish_screenshot(bool reached_target) {
    int width = 0, height = 0;
    glfwGetFramebufferSize(window, &width, &height);
    if (auto saved = save_framebuffer_png(options.screenshot_path, width, height); !saved) {
        print_error(saved.error());
        return exit_code::kEnvironment;
    }
    if (auto saved = save_screenshot_info(options.screenshot_path, screenshot_info()); !saved) {
        print_error(saved.error());
        return exit_code::kEnvironment;
    }
    if (const auto error = current_error()) {
        print_error(*error);
        return exit_code::kEnvironment;
    }
    if (!reached_target) {
        std::fprintf(stderr, "tcplab: the lesson did not reach step %zu in time (it shows %zu of %zu)\n",
                     options.screenshot_steps.value_or(controller->step_count()), controller->shown_steps(),
                     controller->step_count());
        return exit_code::kEnvironment;
    }
    return exit_code::kOk;
}

void LabWindow::Impl::save_on_exit() {
    if (isolated()) return;
    if (!glfwGetWindowAttrib(window, GLFW_ICONIFIED)) glfwGetWindowSize(window, &settings.width, &settings.height);
    settings.relative_numbers = shared.relative_numbers;
    settings.colour_blind_palette = shared.colour_blind_palette;
    settings.presentation = presenting();
    if (!controller->live_lesson_name().empty() && !controller->made())
        settings.lesson = controller->live_lesson_name();
    if (auto saved = save_settings(settings, settings_file_path()); !saved) print_error(saved.error());
    if (ImGui::GetIO().IniFilename) ImGui::SaveIniSettingsToDisk(ImGui::GetIO().IniFilename);
}

void LabWindow::Impl::shutdown() {
    // The lesson's threads and sandbox end before the window goes; a file being read stops.
    replay_ui.reset();
    controller.reset();
    views.clear();
    if (opengl_backend_ready) ImGui_ImplOpenGL3_Shutdown();
    if (glfw_backend_ready) ImGui_ImplGlfw_Shutdown();
    if (imgui_ready) ImGui::DestroyContext();
    opengl_backend_ready = glfw_backend_ready = imgui_ready = false;
    if (window) glfwDestroyWindow(window);
    window = nullptr;
    glfwTerminate();
}

LabWindow::LabWindow(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

LabWindow::~LabWindow() {
    if (impl_) impl_->shutdown();
}

Result<std::unique_ptr<LabWindow>> LabWindow::open(WindowOptions options) {
    auto impl = std::make_unique<Impl>();
    if (auto started = impl->start(options); !started) {
        impl->shutdown();
        return started.error();
    }
    return std::unique_ptr<LabWindow>(new LabWindow(std::move(impl)));
}

int LabWindow::run() {
    Impl& self = *impl_;
    StepController& controller = *self.controller;
    using Clock = std::chrono::steady_clock;

    std::optional<size_t> target_steps;
    Clock::time_point deadline{};
    if (self.screenshot_mode()) {
        const size_t count = controller.step_count();
        target_steps = self.options.screenshot_steps.value_or(count);
        if ((controller.run() || controller.replay()) && *target_steps > count) {
            std::fprintf(stderr, "tcplab: the %s lesson has %zu steps; --steps %zu asks for more\n",
                         controller.live_lesson_name().c_str(), count, *target_steps);
            return exit_code::kUsage;
        }
        deadline = Clock::now() + kScreenshotBaseTimeout + kScreenshotTimeoutPerStep * static_cast<int>(*target_steps);
    }
    const int settle_frames = self.options.frames > 0 ? self.options.frames : kScreenshotSettleFrames;
    int frames_drawn = 0;
    int frames_at_target = 0;

    for (;;) {
        if (glfwWindowShouldClose(self.window) || self.quit) {
            // Notes added to a recording are not lost by closing: the window asks first.
            const bool unattended = self.screenshot_mode() || (self.script && self.script->finished());
            if (unattended || !self.replay_ui->holds_quit_for_unsaved_notes()) break;
            glfwSetWindowShouldClose(self.window, GLFW_FALSE);
            self.quit = false;
        }
        const Clock::time_point now = Clock::now();
        const bool lively = self.isolated() || self.script || self.options.frames > 0 || controller.busy() ||
                            controller.play().playing || now < self.animate_until || self.replay_ui->loading() ||
                            !self.outbox.empty();
        if (lively)
            glfwPollEvents();
        else
            glfwWaitEventsTimeout(0.5);

        self.apply_language();
        self.rebuild_fonts_if_needed();
        // A file read in the background is shown from this frame on.
        self.replay_ui->take_loaded(self.shared);
        if (self.replay_ui->error_count() != self.replay_errors_seen) {
            self.replay_errors_seen = self.replay_ui->error_count();
            self.dismissed_error.clear();  // a new file error is shown even if it reads like an old one
        }
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        // Xvfb puts the pointer mid-screen, where it would open a tooltip over the picture.
        if (self.screenshot_mode()) ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
        item_marks::next_frame();
        if (self.script) {
            const WindowScript::Seen seen{controller.run() != nullptr, controller.replay() != nullptr,
                                          controller.busy(), !controller.held().empty(), controller.shown_steps()};
            self.script->before_frame(seen, ImGui::GetIO());
        }
        ImGui::NewFrame();
        self.handle_keys();
        // Between the last frame's drawing and this one's: what was asked
        // for changes the run now, and the context below is built from the result.
        apply_commands(self.outbox, controller, *self.replay_ui, self.shared, self.program_input());
        if (self.replay_ui->quit_allowed()) self.quit = true;  // notes saved or discarded: close now
        if (self.programs_to_start) self.start_programs(std::move(self.programs_to_start));
        self.programs_to_start.reset();
        // What was typed for the client in the last frame goes to it now.
        if (ProgramInput* input = self.program_input()) (void)input->flush();
        controller.update(self.shared);
        if (controller.shown_steps() != self.last_shown_steps || controller.busy()) {
            self.last_shown_steps = controller.shown_steps();
            self.animate_until = Clock::now() + kAnimationTime;
        }

        const Palette palette = self.shared.colour_blind_palette ? Palette::colour_blind_safe() : Palette::standard();
        const Trace* trace = controller.trace();
        LabContext context{trace ? *trace : self.empty_trace, self.language, self.shared, palette};
        // Once per frame for every view: only what the frame added is merged.
        self.transitions_and_spans.update(context.trace);
        context.history = &self.transitions_and_spans;
        context.line_width = self.shared.presentation ? kPresentationLineWidth : 1.0f;
        context.controller = &controller;
        context.outbox = &self.outbox;
        // Live kernel data only while the views show the present; after Back
        // they rebuild the past from the trace instead.
        std::vector<SocketInfo> live_sockets;
        KernelCounters live_counters;
        if (LessonRun* run = controller.run(); run && controller.shown_steps() == run->steps_done()) {
            live_sockets = run->latest_sockets();
            live_counters = run->kernel_counters();
            context.sockets = &live_sockets;
            context.counters = &live_counters;
        }
        context.held = &controller.held();
        self.drawn_texts.clear();
        if (self.screenshot_mode()) context.drawn_texts = &self.drawn_texts;
        context.program_input = self.program_input();
        // Read here, where keys are known by name; the output panel acts on it
        // when its input line has the keyboard.
        context.end_of_input_key = ImGui::GetIO().KeyCtrl && imgui_compat::key_pressed(GLFW_KEY_D, false);

        self.draw_menu_bar();
        self.draw_views(context);
        self.draw_help_window();
        self.replay_ui->draw_windows(self.language, context);
        self.draw_program_dialog();
        self.draw_error_window();
        ImGui::Render();

        int width = 0, height = 0;
        glfwGetFramebufferSize(self.window, &width, &height);
        glViewport(0, 0, width, height);
        const ImVec4 background = ImGui::ColorConvertU32ToFloat4(palette.background);
        glClearColor(background.x, background.y, background.z, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        self.replay_ui->after_render(self.drawn_views, width, height, ImGui::GetIO().DisplayFramebufferScale.x);
        ++frames_drawn;

        if (self.screenshot_mode()) {
            // Drive the lesson like a student pressing space, one step at a time.
            // In step mode the picture is taken with the target step's first
            // segment waiting at the gate; earlier segments are released as space would.
            const bool failed = self.current_error().has_value();
            const bool waiting_at_gate = !controller.held().empty();
            const bool at_gate_in_target =
                controller.busy() && waiting_at_gate && controller.shown_steps() + 1 >= *target_steps;
            const bool reached = (controller.shown_steps() >= *target_steps && !controller.busy()) || at_gate_in_target;
            if (!failed && !reached && (!controller.busy() || waiting_at_gate)) self.outbox.push_back(command::Step{});
            if (failed || reached) ++frames_at_target;
            if (frames_at_target >= settle_frames) return self.finish_screenshot(reached);
            if (Clock::now() > deadline) return self.finish_screenshot(false);
        } else if (self.options.frames > 0 && frames_drawn >= self.options.frames) {
            self.quit = true;
        } else if (self.script && self.script->finished()) {
            if (const auto& failure = self.script->failure()) {
                std::fprintf(stderr, "tcplab: %s\n", failure->c_str());
                return exit_code::kEnvironment;
            }
            self.quit = true;
        }
        glfwSwapBuffers(self.window);
        if (frames_drawn == 1 && self.options.report_first_frame) {
            glFinish();
            const auto elapsed = std::chrono::duration<double, std::milli>(Clock::now() - self.options.launched_at);
            std::fprintf(stderr, "tcplab: first frame drawn after %.1f ms\n", elapsed.count());
        }
        if (!self.lesson_after_first_frame.empty()) {
            self.load_lesson(self.lesson_after_first_frame);
            self.lesson_after_first_frame.clear();
        }
    }
    self.save_on_exit();
    return exit_code::kOk;
}

}  // namespace tcplab
