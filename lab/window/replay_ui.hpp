#pragma once
// The window's file side: File ▸ Open…/Open recent/Save/Save as…/Record, drag and
// drop, the loading progress, instructor notes and Export ▸ Ladder as PNG.
// Everything here runs on the UI thread; only the file reading (BackgroundFileOpener)
// runs beside it, and its result is taken at a frame's start. What its menus,
// dialogs and popup decide goes into the outbox like a view's clicks; the
// window applies it between frames through the methods under "Commands".
#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "file_dialog.hpp"
#include "lab/background_file_opener.hpp"
#include "lab/i18n.hpp"
#include "lab/views/step_controller.hpp"
#include "screenshot.hpp"
#include "settings.hpp"

namespace tcplab {

class ReplayUi {
public:
    ReplayUi(StepController& controller, WindowSettings& settings) : controller_(controller), settings_(settings) {}

    // Starts reading `path` in the background (File ▸ Open, a drop, `tcplab open`).
    void open_file(const std::string& path);
    // Reads `path` now, on this thread (screenshots and tests need it shown at once).
    void open_file_now(const std::string& path, SharedViewState& shared);
    // At a frame's start: shows a file that has finished loading.
    void take_loaded(SharedViewState& shared);
    // Files dropped on the window (GLFW calls back between frames).
    void drop(std::vector<std::string> paths) { dropped_ = std::move(paths); }

    // File ▸ Open lesson…: a teacher's lesson file, from their lesson folder first.
    void open_lesson_dialog();
    // File ▸ Save as… (Ctrl+Shift+S): the recording shown, with its notes, under another name.
    void save_as_dialog();
    // Keyboard: Ctrl+O, Ctrl+L, Ctrl+S, Ctrl+Shift+S, N. Call where the window handles its keys.
    // Ctrl+S and File ▸ Save go into the outbox as command::Save.
    void handle_keys(SharedViewState& shared, Outbox& outbox);
    // The File menu's own items and the Export menu, inside BeginMainMenuBar.
    void draw_file_items(const Language& language, Outbox& outbox);
    void draw_export_menu(const Language& language);
    // Right side of the menu bar: ● REC with the packet count, or a short status.
    void draw_status(const Language& language);
    // The dialog, the progress window and the note popup.
    void draw_windows(const Language& language, LabContext& context);
    // After rendering, before swapping: a requested PNG of the ladder view.
    void after_render(const std::vector<DrawnWindow>& views, int framebuffer_width, int framebuffer_height,
                      float framebuffer_scale);

    // A dialog or popup is open: lesson keys (space, arrows) are not commands.
    bool wants_keyboard() const { return dialog_.is_open() || note_open_ || unsaved_open_; }

    // No note is lost: a command that would replace a recording whose notes
    // are not saved waits while Save / Discard / Cancel is asked. True when
    // `command` must wait (it is kept and applied after Save or Discard).
    bool holds_for_unsaved_notes(const Command& command);
    // The same for closing the window: true when it must stay open for now.
    bool holds_quit_for_unsaved_notes();
    using UnsavedAnswer = command::AnswerUnsaved::Choice;
    // Save on a classic pcap file asks Save as… first (it cannot hold notes).
    void answer_unsaved(UnsavedAnswer answer, Outbox& outbox);
    // After Save as…: what waited for it goes on when the notes were saved,
    // and is called off when they were not.
    void continue_leaving(Outbox& outbox);
    bool asking_about_unsaved() const { return unsaved_open_; }
    // Save or Discard was answered to a quit: the window may close now.
    bool quit_allowed() const { return quit_allowed_; }
    bool loading() const { return loader_.loading(); }
    const std::optional<Error>& error() const { return error_; }
    int error_count() const { return error_count_; }  // grows with each new error
    void clear_error() { error_.reset(); }

    // Commands (apply_commands.cpp), between frames.
    void start_recording(const std::string& path, bool overwrite);
    void stop_recording();
    void save_as(const std::string& path, bool overwrite);
    // File ▸ Save (Ctrl+S): the recording shown into its own file, written
    // safely (write_trace_replacing). A classic pcap file is not turned into
    // pcapng under its old name: Save as… is asked instead.
    void save();
    void export_svg(const std::string& path);
    void export_png(const std::string& path);

    // For screenshots of these pieces: "open", "progress", "note", "record".
    void show_for_screenshot(const std::string& piece, const std::string& record_path, SharedViewState& shared,
                             const Language& language);

private:
    void fail(const std::string& what, const std::string& remedy = "");
    void request_note(const SharedViewState& shared);
    void act_on(const FileChoice& choice, Outbox& outbox);
    void draw_progress(const Language& language);
    void draw_note_popup(const Language& language, LabContext& context);
    void show_status(const std::string& text);
    void draw_unsaved_popup(const Language& language, Outbox& outbox);
    bool unsaved_notes() const;
    void leave(Outbox& outbox);  // let what waited for the notes through
    void stop_leaving();         // drop it: the recording stays
    void shown(const std::string& path, Replay replay, SharedViewState& shared);
    std::string dialog_directory() const;

    StepController& controller_;
    WindowSettings& settings_;
    FileDialog dialog_;
    BackgroundFileOpener loader_;
    std::vector<std::string> dropped_;
    std::optional<Error> error_;
    int error_count_ = 0;
    std::string status_;
    std::chrono::steady_clock::time_point status_until_{};
    bool freeze_progress_ = false;  // screenshot of the progress window: keep it up

    bool note_open_ = false;
    bool note_focus_ = false;
    bool note_on_packet_ = true;
    std::array<char, 2048> note_text_{};
    std::string example_note_;

    bool unsaved_open_ = false;
    std::optional<Command> waiting_;  // what Save or Discard lets through
    bool quit_waiting_ = false;
    bool quit_allowed_ = false;
    bool saving_before_leaving_ = false;  // Save was answered on a classic pcap: Save as… is open

    const Language* language_ = nullptr;  // this frame's, for exports chosen in it
    int64_t cursor_ns_ = 0;
    std::string png_export_path_;
    int png_export_wait_frames_ = 0;  // the frame that closed the dialog still shows it
};

}  // namespace tcplab
