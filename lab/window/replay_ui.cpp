#include "replay_ui.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <cfloat>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "capture/capture_index.hpp"
#include "imgui_compat.hpp"
#include "lab/export_command.hpp"
#include "lab/views/item_marks.hpp"
#include "scenarios/assets.hpp"

namespace tcplab {
namespace {

constexpr auto kStatusTime = std::chrono::seconds(6);
const ImVec4 kRecordRed{0.95f, 0.25f, 0.25f, 1.0f};
const std::vector<std::string> kPngExtensions = {".png"};
const std::vector<std::string> kPcapngExtensions = {".pcapng"};
const std::vector<std::string> kLessonExtensions = {".toml"};
const std::vector<std::string> kSvgExtensions = {".svg"};

}  // namespace

void ReplayUi::fail(const std::string& what, const std::string& remedy) {
    error_ = Error{what, remedy};
    ++error_count_;
}

std::string ReplayUi::dialog_directory() const {
    std::error_code error;
    if (!settings_.last_directory.empty() && std::filesystem::is_directory(settings_.last_directory, error))
        return settings_.last_directory;
    return std::filesystem::current_path(error).string();
}

void ReplayUi::open_file(const std::string& path) {
    error_.reset();
    loader_.start(path);
}

void ReplayUi::shown(const std::string& path, Replay replay, SharedViewState& shared) {
    controller_.open_replay(std::move(replay));
    shared.selected_packet.reset();
    shared.hovered_packet.reset();
    std::error_code error;
    const std::string absolute = std::filesystem::absolute(path, error).string();
    remember_recent(settings_.recent_files, error ? path : absolute);
    settings_.last_directory = std::filesystem::path(error ? path : absolute).parent_path().string();
}

void ReplayUi::open_file_now(const std::string& path, SharedViewState& shared) {
    auto opened = open_capture(path);
    if (!opened) {
        fail(opened.error().what, opened.error().remedy);
        return;
    }
    shown(path, make_replay(path, std::move(opened->loaded)), shared);
}

void ReplayUi::take_loaded(SharedViewState& shared) {
    if (!dropped_.empty()) {
        // Several files dropped at once: the first is opened (one trace at a time).
        open_file(dropped_.front());
        dropped_.clear();
    }
    if (freeze_progress_) return;
    std::optional<LoadOutcome> outcome = loader_.take();
    if (!outcome || outcome->cancelled) return;
    if (outcome->error) {
        fail(outcome->error->what, outcome->error->remedy);
        return;
    }
    shown(outcome->path, std::move(*outcome->replay), shared);
}

void ReplayUi::request_note(const SharedViewState& shared) {
    note_open_ = true;
    note_focus_ = true;
    note_on_packet_ = shared.selected_packet.has_value();
    note_text_[0] = '\0';
}

void ReplayUi::handle_keys(SharedViewState& shared, Outbox& outbox) {
    if (shared.note_requested) {
        shared.note_requested = false;
        request_note(shared);
    }
    const ImGuiIO& io = ImGui::GetIO();
    if (io.WantTextInput || wants_keyboard()) return;
    if (io.KeyCtrl && imgui_compat::key_pressed(GLFW_KEY_O, false))
        dialog_.open(FileDialogMode::Open, "open", "replay.dialog.open_title", capture_extensions(),
                     dialog_directory());
    if (io.KeyCtrl && imgui_compat::key_pressed(GLFW_KEY_L, false)) open_lesson_dialog();
    if (io.KeyCtrl && imgui_compat::key_pressed(GLFW_KEY_S, false) && controller_.replay()) {
        if (io.KeyShift)
            save_as_dialog();
        else
            outbox.push_back(command::Save{});
    }
    if (!io.KeyCtrl && !io.KeyAlt && !io.KeySuper && imgui_compat::key_pressed(GLFW_KEY_N, false)) request_note(shared);
}

void ReplayUi::show_status(const std::string& text) {
    status_ = text;
    status_until_ = std::chrono::steady_clock::now() + kStatusTime;
}

void ReplayUi::save_as_dialog() {
    const Replay* replay = controller_.replay();
    if (!replay) return;
    dialog_.open(FileDialogMode::Save, "save_as", "replay.dialog.save_title", kPcapngExtensions, dialog_directory(),
                 std::filesystem::path(replay->path).stem().string() + "-notes.pcapng");
}

void ReplayUi::open_lesson_dialog() {
    const std::string own = user_lesson_directory();
    std::error_code missing;
    const bool has_own = !own.empty() && std::filesystem::is_directory(own, missing);
    dialog_.open(FileDialogMode::Open, "open_lesson", "replay.dialog.open_lesson_title", kLessonExtensions,
                 has_own ? own : dialog_directory());
}

void ReplayUi::draw_file_items(const Language& language, Outbox& outbox) {
    const bool open = ImGui::MenuItem(language.text("replay.menu.open").c_str(), "Ctrl+O");
    item_marks::mark("file.open");
    if (open)
        dialog_.open(FileDialogMode::Open, "open", "replay.dialog.open_title", capture_extensions(),
                     dialog_directory());
    if (ImGui::MenuItem(language.text("replay.menu.open_lesson").c_str(), "Ctrl+L")) open_lesson_dialog();
    if (ImGui::BeginMenu(language.text("replay.menu.recent").c_str(), !settings_.recent_files.empty())) {
        std::optional<std::string> chosen;
        for (const std::string& path : settings_.recent_files)
            if (ImGui::MenuItem(path.c_str())) chosen = path;
        ImGui::Separator();
        if (ImGui::MenuItem(language.text("replay.menu.clear_recent").c_str())) settings_.recent_files.clear();
        ImGui::EndMenu();
        if (chosen) outbox.push_back(command::OpenFile{*chosen});
    }
    const Replay* replay = controller_.replay();
    const bool save = ImGui::MenuItem(language.text("replay.menu.save").c_str(), "Ctrl+S", false, replay != nullptr);
    item_marks::mark("file.save");
    if (save) outbox.push_back(command::Save{});
    const bool save_as =
        ImGui::MenuItem(language.text("replay.menu.save_as").c_str(), "Ctrl+Shift+S", false, replay != nullptr);
    item_marks::mark("file.save_as");
    if (save_as) save_as_dialog();
    ImGui::Separator();
    if (controller_.recording()) {
        const bool stop = ImGui::MenuItem(language.text("replay.menu.stop_recording").c_str());
        item_marks::mark("file.stop_recording");
        if (stop) outbox.push_back(command::StopRecording{});
    } else {
        const bool record =
            ImGui::MenuItem(language.text("replay.menu.record").c_str(), nullptr, false, controller_.run() != nullptr);
        item_marks::mark("file.record");
        if (record)
            dialog_.open(FileDialogMode::Save, "record", "replay.dialog.record_title", kPcapngExtensions,
                         dialog_directory(), controller_.live_lesson_name() + ".pcapng");
    }
}

void ReplayUi::draw_export_menu(const Language& language) {
    if (!ImGui::BeginMenu(language.text("replay.menu.export").c_str())) {
        item_marks::mark("menu.export");
        return;
    }
    const bool png = ImGui::MenuItem(language.text("replay.menu.ladder_png").c_str(), nullptr, false,
                                     controller_.trace() != nullptr);
    item_marks::mark("export.png");
    if (png)
        dialog_.open(FileDialogMode::Save, "ladder_png", "replay.dialog.png_title", kPngExtensions, dialog_directory(),
                     "ladder.png");
    const bool svg = ImGui::MenuItem(language.text("replay.menu.ladder_svg").c_str(), nullptr, false,
                                     controller_.trace() != nullptr);
    item_marks::mark("export.svg");
    if (svg)
        dialog_.open(FileDialogMode::Save, "ladder_svg", "replay.dialog.svg_title", kSvgExtensions, dialog_directory(),
                     "ladder.svg");
    ImGui::EndMenu();
}

void ReplayUi::draw_status(const Language& language) {
    if (const LiveRecording* recording = controller_.recording()) {
        const std::string label =
            fill_placeholders(language.text("replay.rec_indicator"), {std::to_string(recording->packets())});
        // Right-aligned, where the eye finds it, and red as a camera's light.
        ImGui::SetCursorPosX(ImGui::GetWindowWidth() - ImGui::CalcTextSize(label.c_str()).x -
                             ImGui::GetStyle().ItemSpacing.x * 2);
        ImGui::TextColored(kRecordRed, "%s", label.c_str());
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", recording->path().c_str());
        return;
    }
    if (!status_.empty() && std::chrono::steady_clock::now() < status_until_) {
        ImGui::SetCursorPosX(ImGui::GetWindowWidth() - ImGui::CalcTextSize(status_.c_str()).x -
                             ImGui::GetStyle().ItemSpacing.x * 2);
        ImGui::TextDisabled("%s", status_.c_str());
    }
}

void ReplayUi::act_on(const FileChoice& choice, Outbox& outbox) {
    settings_.last_directory = std::filesystem::path(choice.path).parent_path().string();
    if (choice.purpose == "open")
        outbox.push_back(command::OpenFile{choice.path});
    else if (choice.purpose == "open_lesson")  // a mistake in the file shows with its line and key
        outbox.push_back(command::LoadLesson{choice.path});
    else if (choice.purpose == "record")
        outbox.push_back(command::StartRecording{choice.path, choice.overwrite});
    else if (choice.purpose == "save_as")
        outbox.push_back(command::SaveAs{choice.path, choice.overwrite});
    else if (choice.purpose == "ladder_svg")
        outbox.push_back(command::ExportLadderSvg{choice.path});
    else if (choice.purpose == "ladder_png")
        outbox.push_back(command::ExportLadderPng{choice.path});
}

bool ReplayUi::unsaved_notes() const {
    const Replay* replay = controller_.replay();
    return replay && replay->notes_changed;
}

bool ReplayUi::holds_for_unsaved_notes(const Command& command) {
    const bool replaces_replay =
        std::holds_alternative<command::LoadLesson>(command) || std::holds_alternative<command::OpenFile>(command);
    if (!replaces_replay || !unsaved_notes()) return false;
    waiting_ = command;
    quit_waiting_ = false;
    unsaved_open_ = true;
    return true;
}

bool ReplayUi::holds_quit_for_unsaved_notes() {
    if (quit_allowed_ || !unsaved_notes()) return false;
    waiting_.reset();
    quit_waiting_ = true;
    unsaved_open_ = true;
    return true;
}

void ReplayUi::answer_unsaved(UnsavedAnswer answer, Outbox& outbox) {
    unsaved_open_ = false;
    if (answer == UnsavedAnswer::Cancel) {
        stop_leaving();
        return;
    }
    Replay* replay = controller_.replay();
    if (answer == UnsavedAnswer::Save && replay) {
        // A classic pcap file cannot hold notes: they go into a pcapng file
        // named in Save as…, and the leaving waits for it (continue_leaving).
        if (replay->loaded.format == CaptureFormat::Pcap) {
            saving_before_leaving_ = true;
            save_as_dialog();
            return;
        }
        // The file is read whole into memory: writing over it loses nothing.
        save_as(replay->path, true);
        if (replay->notes_changed) {  // could not save: the error is shown, nothing is replaced
            stop_leaving();
            return;
        }
    }
    leave(outbox);
}

void ReplayUi::continue_leaving(Outbox& outbox) {
    if (!saving_before_leaving_) return;
    const Replay* replay = controller_.replay();
    if (replay && replay->notes_changed)
        stop_leaving();  // not saved: the error is shown, nothing is replaced
    else
        leave(outbox);
}

void ReplayUi::leave(Outbox& outbox) {
    if (Replay* replay = controller_.replay()) replay->notes_changed = false;  // discarded, or saved
    if (waiting_) outbox.push_back(std::move(*waiting_));
    waiting_.reset();
    quit_allowed_ = quit_waiting_;
    quit_waiting_ = false;
    saving_before_leaving_ = false;
}

void ReplayUi::stop_leaving() {
    waiting_.reset();
    quit_waiting_ = false;
    saving_before_leaving_ = false;
}

void ReplayUi::draw_unsaved_popup(const Language& language, Outbox& outbox) {
    if (!unsaved_open_) return;
    const Replay* replay = controller_.replay();
    if (!replay) {
        unsaved_open_ = false;
        return;
    }
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, display.y * 0.4f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowBgAlpha(1.0f);
    ImGui::SetNextWindowFocus();
    const std::string name = language.text("replay.unsaved.title") + "###unsaved";
    if (ImGui::Begin(
            name.c_str(), nullptr,
            ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_AlwaysAutoResize)) {
        const std::string file = std::filesystem::path(replay->path).filename().string();
        ImGui::TextUnformatted(fill_placeholders(language.text("replay.unsaved.text"), {file}).c_str());
        ImGui::Spacing();
        std::optional<UnsavedAnswer> answer;
        if (ImGui::Button(language.text("replay.unsaved.save").c_str())) answer = UnsavedAnswer::Save;
        item_marks::mark("unsaved.save");
        ImGui::SameLine();
        if (ImGui::Button(language.text("replay.unsaved.discard").c_str())) answer = UnsavedAnswer::Discard;
        item_marks::mark("unsaved.discard");
        ImGui::SameLine();
        if (ImGui::Button(language.text("replay.dialog.cancel").c_str()) ||
            imgui_compat::key_pressed(GLFW_KEY_ESCAPE, false))
            answer = UnsavedAnswer::Cancel;
        item_marks::mark("unsaved.cancel");
        // The answer changes the run: it goes into the outbox like any click.
        if (answer) outbox.push_back(command::AnswerUnsaved{*answer});
    }
    ImGui::End();
}

void ReplayUi::start_recording(const std::string& path, bool overwrite) {
    if (Status started = controller_.start_recording(path, overwrite); !started)
        fail(started.error().what, started.error().remedy);
}

void ReplayUi::stop_recording() {
    auto finished = controller_.stop_recording();
    if (!finished) {
        fail(finished.error().what, finished.error().remedy);
        return;
    }
    if (language_)
        show_status(
            fill_placeholders(language_->text("replay.recorded"), {std::to_string(finished->packets), finished->path}));
}

void ReplayUi::save_as(const std::string& path, bool overwrite) {
    Replay* replay = controller_.replay();
    if (!replay) return;
    auto saved = save_replay(*replay, path, overwrite);
    if (!saved) {
        fail(saved.error().what, saved.error().remedy);
        return;
    }
    replay->notes_changed = false;
    remember_recent(settings_.recent_files, path);
    show_status(path);
}

void ReplayUi::save() {
    const Replay* replay = controller_.replay();
    if (!replay) return;
    if (replay->loaded.format == CaptureFormat::Pcap) {
        save_as_dialog();
        return;
    }
    save_as(replay->path, true);
}

// The ladder view's pixels are read after the next frame is rendered: the
// frame that closed the dialog still shows it.
void ReplayUi::export_png(const std::string& path) {
    png_export_path_ = path;
    png_export_wait_frames_ = 1;
}

// The ladder up to the moment the views show, as `tcplab export --format svg` draws it.
void ReplayUi::export_svg(const std::string& path) {
    const Trace* trace = controller_.trace();
    if (!trace || !language_) return;
    ExportRange range;
    if (cursor_ns_ != 0) range.until_ns = cursor_ns_;
    std::string svg;
    if (const Replay* replay = controller_.replay()) {
        svg = trace_ladder_svg(replay->loaded, range, *language_,
                               std::filesystem::path(replay->path).filename().string());
    } else {
        LoadedTrace live;
        live.trace = *trace;  // a lesson's trace is small; the export wants a loaded one
        live.from_tcplab = true;
        svg = trace_ladder_svg(live, range, *language_, language_->text(controller_.live_lesson_name() + ".title"));
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << svg;
    if (!out) {
        fail("cannot write " + path, "check that the folder exists and is writable");
        return;
    }
    show_status(path);
}

void ReplayUi::draw_progress(const Language& language) {
    if (!loader_.loading() && !freeze_progress_) return;
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, display.y * 0.5f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(display.x * 0.4f, 0), ImGuiCond_Always);
    ImGui::SetNextWindowBgAlpha(1.0f);
    const std::string name = language.text("replay.loading_title") + "###loading";
    if (ImGui::Begin(name.c_str(), nullptr,
                     ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoResize |
                         ImGuiWindowFlags_AlwaysAutoResize)) {
        ImGui::TextUnformatted(std::filesystem::path(loader_.path()).filename().string().c_str());
        const ReadProgress progress = loader_.progress();
        const std::string overlay = fill_placeholders(
            language.text("replay.loading_progress"),
            {human_size(progress.bytes_done), human_size(progress.bytes_total), std::to_string(progress.packets)});
        ImGui::ProgressBar(loader_.fraction(), ImVec2(-FLT_MIN, 0), overlay.c_str());
        if (ImGui::Button(language.text("replay.dialog.cancel").c_str())) {
            loader_.cancel();
            freeze_progress_ = false;
        }
    }
    ImGui::End();
}

void ReplayUi::draw_note_popup(const Language& language, LabContext& context) {
    if (!note_open_) return;
    const std::optional<ReplayStep> step = controller_.current_step();
    const std::optional<size_t> packet = context.shared.selected_packet;
    const bool packet_ok = packet && *packet < context.trace.packets().size();
    if (!packet_ok) note_on_packet_ = false;
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, display.y * 0.4f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(display.x * 0.35f, 0), ImGuiCond_Appearing);
    ImGui::SetNextWindowBgAlpha(1.0f);
    ImGui::SetNextWindowFocus();
    const std::string name = language.text("replay.note_title") + "###note";
    bool keep_open = true;
    if (ImGui::Begin(
            name.c_str(), &keep_open,
            ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_AlwaysAutoResize)) {
        if (!packet_ok && !step) {
            ImGui::TextWrapped("%s", language.text("replay.note_nothing").c_str());
        } else {
            ImGui::BeginDisabled(!packet_ok);
            const std::string on_packet =
                packet_ok ? fill_placeholders(language.text("replay.note_on_packet"), {std::to_string(*packet + 1)})
                          : language.text("replay.note_no_packet");
            if (ImGui::RadioButton(on_packet.c_str(), note_on_packet_)) note_on_packet_ = true;
            item_marks::mark("note.on_packet");
            ImGui::EndDisabled();
            ImGui::BeginDisabled(!step);
            const std::string on_step =
                fill_placeholders(language.text("replay.note_on_step"), {step ? std::to_string(step->index + 1) : "-"});
            if (ImGui::RadioButton(on_step.c_str(), !note_on_packet_)) note_on_packet_ = false;
            item_marks::mark("note.on_step");
            ImGui::EndDisabled();
            if (note_focus_) {
                ImGui::SetKeyboardFocusHere();
                note_focus_ = false;
            }
            ImGui::InputTextMultiline("##note_text", note_text_.data(), note_text_.size(),
                                      ImVec2(-FLT_MIN, ImGui::GetTextLineHeight() * 4));
            const bool can_add = note_text_[0] != '\0' && (note_on_packet_ ? packet_ok : step.has_value());
            ImGui::BeginDisabled(!can_add);
            const bool add = ImGui::Button(language.text("replay.note_add").c_str());
            item_marks::mark("note.add");
            if (add) {
                const std::string text = note_text_.data();
                context.ask(command::AddNote{note_on_packet_ ? note_on_packet(context.trace, *packet, text)
                                                             : note_on_step(*step, text)});
                note_open_ = false;
            }
            ImGui::EndDisabled();
            ImGui::SameLine();
            ImGui::TextDisabled(
                "%s", language.text(controller_.replay() ? "replay.note_saved_with" : "replay.note_live").c_str());
        }
        if (ImGui::Button(language.text("replay.dialog.cancel").c_str())) note_open_ = false;
        item_marks::mark("note.cancel");
    }
    ImGui::End();
    // Escape is Cancel, as in the file dialog (the popup keeps the focus).
    if (!keep_open || imgui_compat::key_pressed(GLFW_KEY_ESCAPE, false)) note_open_ = false;
}

void ReplayUi::draw_windows(const Language& language, LabContext& context) {
    language_ = &language;
    cursor_ns_ = context.shared.cursor_ns;
    const std::optional<FileChoice> choice = dialog_.draw(language);
    if (choice && context.outbox) act_on(*choice, *context.outbox);
    // Save as… closed without a name while leaving waited for it: stay.
    if (saving_before_leaving_ && !choice && !dialog_.is_open()) stop_leaving();
    draw_progress(language);
    draw_note_popup(language, context);
    if (context.outbox) draw_unsaved_popup(language, *context.outbox);
}

void ReplayUi::after_render(const std::vector<DrawnWindow>& views, int framebuffer_width, int framebuffer_height,
                            float framebuffer_scale) {
    if (png_export_path_.empty()) return;
    if (png_export_wait_frames_ > 0) {
        --png_export_wait_frames_;
        return;
    }
    const std::string path = std::move(png_export_path_);
    png_export_path_.clear();
    for (const DrawnWindow& view : views) {
        if (view.id != "ladder") continue;
        if (view.collapsed) break;
        // The view's own window, title bar included; clipped to the framebuffer.
        const int x = std::max(0, static_cast<int>(view.x * framebuffer_scale));
        const int y = std::max(0, static_cast<int>(view.y * framebuffer_scale));
        const int width = std::min(framebuffer_width - x, static_cast<int>(view.width * framebuffer_scale));
        const int height = std::min(framebuffer_height - y, static_cast<int>(view.height * framebuffer_scale));
        if (Status saved = save_framebuffer_region_png(path, x, y, width, height, framebuffer_height); !saved)
            fail(saved.error().what, saved.error().remedy);
        else
            show_status(path);
        return;
    }
    fail("the ladder view is closed or folded: nothing to export", "open it from the View menu");
}

void ReplayUi::show_for_screenshot(const std::string& piece, const std::string& record_path, SharedViewState& shared,
                                   const Language& language) {
    example_note_ = language.text("replay.note_example");
    if (piece == "open") {
        const std::string directory = controller_.replay()
                                          ? std::filesystem::path(controller_.replay()->path).parent_path().string()
                                          : dialog_directory();
        dialog_.open(FileDialogMode::Open, "open", "replay.dialog.open_title", capture_extensions(), directory);
    } else if (piece == "progress") {
        if (const Replay* replay = controller_.replay()) {
            loader_.start(replay->path);
            freeze_progress_ = true;
        }
    } else if (piece == "note") {
        request_note(shared);
        std::snprintf(note_text_.data(), note_text_.size(), "%s", example_note_.c_str());
    } else if (piece == "record") {
        if (Status started = controller_.start_recording(record_path, true); !started)
            fail(started.error().what, started.error().remedy);
    }
}

}  // namespace tcplab
