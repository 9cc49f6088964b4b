// The window's outbox without a window: views, keys and menus only ask
// (command.hpp); apply_commands() changes the run between two frames, and the
// next frame draws the new run. Each command is applied here the way the
// window applies it, and the frame after is checked.
#include <GLFW/glfw3.h>
#include <gtest/gtest.h>
#include <pcap/pcap.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "capture/capture_index.hpp"
#include "imgui_harness.hpp"
#include "lab/views/item_marks.hpp"
#include "lab/views/lesson_bar.hpp"
#include "lab/views/predict_view.hpp"
#include "lab/views/step_controller.hpp"
#include "lab/views/wire_view.hpp"
#include "lab/window/apply_commands.hpp"
#include "lab/window/imgui_compat.hpp"
#include "tests/environment.hpp"
#include "tests/temp_dir.hpp"

namespace tcplab {
namespace {

using namespace std::chrono_literals;

// The window's frame: apply the outbox, update, build the context, draw.
struct Window {
    StepController controller;
    WindowSettings settings;
    ReplayUi files{controller, settings};
    Language language = Language::load("en").value();
    SharedViewState shared;
    Palette palette = Palette::standard();
    Trace empty;
    Outbox outbox;
    LessonBar bar;
    WireView wire;
    PredictView predict;
    ProgramInput* program_input = nullptr;  // the client's input, while programs run
    const Trace* drawn_trace = nullptr;     // what the last frame's views were given
    std::string bar_text;                   // what the lesson bar said in the last frame

    explicit Window(RunOptions options = {}) : controller(options) {}

    void frame() {
        files.take_loaded(shared);
        apply_commands(outbox, controller, files, shared, program_input);
        controller.update(shared);
        const Trace* trace = controller.trace();
        LabContext context{trace ? *trace : empty, language, shared, palette};
        context.controller = &controller;
        context.outbox = &outbox;
        context.held = &controller.held();
        drawn_trace = &context.trace;
        ImGui::SetNextWindowPos(ImVec2(0, 0));
        ImGui::SetNextWindowSize(ImVec2(1200, 300));
        bar_text = test::ImGuiHarness::window_text("###scenario", [&] { bar.draw(context); });
        // Below the bar, so a click on the bar lands on the bar.
        float top = 320;
        for (View* view : {static_cast<View*>(&wire), static_cast<View*>(&predict)}) {
            ImGui::SetNextWindowPos(ImVec2(0, top));
            ImGui::SetNextWindowSize(ImVec2(800, 280));
            top += 290;
            ImGui::Begin(view->id());
            view->draw(context);
            ImGui::End();
        }
        files.draw_windows(language, context);
    }

    // Applies `command` between two frames and draws the frame after.
    void apply(test::ImGuiHarness& harness, Command command) {
        outbox.push_back(std::move(command));
        harness.frames(1, [&] { frame(); });
    }

    template <class Done>
    bool frames_until(test::ImGuiHarness& harness, Done done, std::chrono::seconds limit = 30s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            harness.frames(1, [&] { frame(); });
            if (done()) return true;
            std::this_thread::sleep_for(5ms);
        }
        return false;
    }
    bool settled(size_t steps) const { return !controller.busy() && controller.shown_steps() == steps; }
    bool says(const std::string& key) const { return bar_text.find(language.text(key)) != std::string::npos; }
};

// The output panel's End input (Ctrl-D): the client's standard input ends
// after the lines typed before it; lines typed after are not sent.
TEST(Commands, EndProgramInputEndsTheClientsInputAfterWhatWasTyped) {
    test::ImGuiHarness harness;
    Window window;
    auto input = ProgramInput::open();
    ASSERT_TRUE(input.ok()) << input.error().what;
    window.program_input = input.value().get();
    input.value()->queue("last line");
    window.apply(harness, command::EndProgramInput{});
    EXPECT_TRUE(input.value()->ended());
    input.value()->queue("too late");
    ASSERT_TRUE(input.value()->flush().ok());  // the window writes between frames
    std::string received;
    char buffer[64];
    for (ssize_t got; (got = read(input.value()->program_end(), buffer, sizeof buffer)) > 0;)
        received.append(buffer, static_cast<size_t>(got));
    EXPECT_EQ(received, "last line\n");  // then end-of-file
}

const std::string kRecording = std::string(TCPLAB_TEST_RECORDINGS) + "/handshake.pcapng";

// A click in a view asks; the run is the same until the window applies the outbox.
TEST(Commands, AClickOnResetOnlyAsksAndTheNextFrameDrawsTheNewRun) {
    if (auto missing = test::missing_sandbox()) GTEST_SKIP() << *missing;
    test::ImGuiHarness harness;
    Window window;
    window.apply(harness, command::LoadLesson{"handshake"});
    ASSERT_NE(window.controller.run(), nullptr) << window.bar_text;
    window.apply(harness, command::Step{});
    ASSERT_TRUE(window.frames_until(harness, [&] { return window.settled(1); }));
    const LessonRun* before = window.controller.run();
    const uint64_t run_number = window.controller.run_number();

    item_marks::enable(true);
    harness.frames(1, [&] { window.frame(); });
    item_marks::next_frame();
    const auto reset = item_marks::last_frame().find("lesson.reset");
    ASSERT_NE(reset, item_marks::last_frame().end());
    const ImVec2 centre((reset->second.min.x + reset->second.max.x) / 2,
                        (reset->second.min.y + reset->second.max.y) / 2);
    // Hover, press, release: the frame of the release is the click. apply_commands
    // runs at each frame's start, so the outbox is applied by hand around it.
    harness.mouse(centre.x, centre.y);
    harness.frames(1, [&] { window.frame(); });
    harness.mouse(centre.x, centre.y, true);
    harness.frames(1, [&] { window.frame(); });
    harness.mouse(centre.x, centre.y, false);
    harness.frames(1, [&] {
        window.frame();  // the click happens in here, while the bar draws the run
        EXPECT_EQ(window.controller.run(), before);
        EXPECT_EQ(window.controller.run_number(), run_number);
    });
    item_marks::enable(false);
    ASSERT_EQ(window.outbox.size(), 1u);
    EXPECT_TRUE(std::holds_alternative<command::Reset>(window.outbox.front()));

    harness.frames(1, [&] { window.frame(); });
    EXPECT_EQ(window.controller.run_number(), run_number + 1);
    EXPECT_EQ(window.drawn_trace, window.controller.trace());
    EXPECT_EQ(window.controller.shown_steps(), 0u);
    EXPECT_TRUE(window.says("handshake.summary")) << window.bar_text;
}

// Every command on a live run: the frame after shows its effect.
TEST(Commands, EachCommandOnALiveRun) {
    if (auto missing = test::missing_sandbox()) GTEST_SKIP() << *missing;
    test::TempDir folder("tcplab-commands");
    test::ImGuiHarness harness;
    Window window;

    window.apply(harness, command::LoadLesson{"handshake"});
    ASSERT_NE(window.controller.run(), nullptr);
    EXPECT_EQ(window.drawn_trace, &window.controller.run()->trace());
    EXPECT_TRUE(window.says("handshake.title")) << window.bar_text;

    window.apply(harness, command::StartRecording{folder.file("live.pcapng"), false});
    EXPECT_NE(window.controller.recording(), nullptr);
    window.apply(harness, command::Step{});
    EXPECT_TRUE(window.controller.busy());
    ASSERT_TRUE(window.frames_until(harness, [&] { return window.settled(1); }));
    EXPECT_TRUE(window.says(window.controller.step_key(0) + ".title")) << window.bar_text;
    window.apply(harness, command::AddNote{note_on_step(*window.controller.current_step(), "listen first")});
    EXPECT_NE(window.bar_text.find("listen first"), std::string::npos) << window.bar_text;
    window.apply(harness, command::Back{});
    EXPECT_EQ(window.controller.shown_steps(), 0u);
    EXPECT_TRUE(window.says("handshake.summary")) << window.bar_text;
    window.apply(harness, command::Forward{});
    EXPECT_EQ(window.controller.shown_steps(), 1u);
    window.apply(harness, command::StopRecording{});
    EXPECT_EQ(window.controller.recording(), nullptr);
    EXPECT_GT(std::filesystem::file_size(folder.file("live.pcapng")), 0u);

    window.apply(harness, command::SetPlaySpeed{0.5f});
    EXPECT_EQ(window.controller.play().seconds_between_steps, 0.5f);
    window.apply(harness, command::TogglePlay{});
    EXPECT_TRUE(window.controller.play().playing);
    EXPECT_TRUE(window.says("scenario_bar.pause")) << window.bar_text;
    window.apply(harness, command::TogglePlay{});
    EXPECT_FALSE(window.controller.play().playing);
    ASSERT_TRUE(window.frames_until(harness, [&] { return !window.controller.busy(); }));

    window.apply(harness, command::ExportLadderSvg{folder.file("ladder.svg")});
    EXPECT_GT(std::filesystem::file_size(folder.file("ladder.svg")), 0u);

    RunOptions options = window.controller.options();
    options.wire.mtu = 1280;
    window.apply(harness, command::SetRunOptions{options});
    EXPECT_EQ(window.controller.options().wire.mtu, 1280u);

    window.shared.selected_packet = 0;
    const uint64_t run_number = window.controller.run_number();
    window.apply(harness, command::Reset{});
    EXPECT_EQ(window.controller.run_number(), run_number + 1);
    EXPECT_EQ(window.drawn_trace, &window.controller.run()->trace());
    EXPECT_FALSE(window.shared.selected_packet);  // it named a packet of the old run
    EXPECT_EQ(window.controller.run()->options().wire.mtu, 1280u);
    EXPECT_EQ(window.controller.shown_steps(), 0u);

    window.apply(harness, command::LoadLesson{"teardown"});
    EXPECT_EQ(window.controller.lesson_name(), "teardown");
    EXPECT_TRUE(window.says("teardown.title")) << window.bar_text;
    // Teardown ends with the client's socket in TIME_WAIT: the class need not wait for it.
    window.apply(harness, command::SkipTimeWait{});
    ASSERT_TRUE(window.controller.time_wait_skipped().has_value());

    window.apply(harness, command::OpenFile{kRecording});
    ASSERT_TRUE(window.frames_until(harness, [&] { return window.controller.replay() != nullptr; }));
    EXPECT_EQ(window.controller.run(), nullptr);
    EXPECT_EQ(window.drawn_trace, &window.controller.replay()->loaded.trace);
    EXPECT_NE(window.bar_text.find("handshake.pcapng"), std::string::npos) << window.bar_text;
}

// A recording: stepping, a note, Save as, export; back to a lesson.
TEST(Commands, EachCommandOnARecording) {
    test::TempDir folder("tcplab-commands");
    test::ImGuiHarness harness;
    Window window;
    window.apply(harness, command::OpenFile{kRecording});
    ASSERT_TRUE(window.frames_until(harness, [&] { return window.controller.replay() != nullptr; }));
    EXPECT_EQ(window.drawn_trace, &window.controller.replay()->loaded.trace);
    window.apply(harness, command::Step{});
    window.apply(harness, command::Step{});
    EXPECT_EQ(window.controller.shown_steps(), 2u);
    EXPECT_TRUE(window.says(window.controller.step_key(1) + ".title")) << window.bar_text;
    window.apply(harness, command::Back{});
    EXPECT_EQ(window.controller.shown_steps(), 1u);
    window.apply(harness, command::AddNote{note_on_step(*window.controller.current_step(), "ask the class")});
    EXPECT_TRUE(window.controller.replay()->notes_changed);
    EXPECT_NE(window.bar_text.find("ask the class"), std::string::npos) << window.bar_text;
    window.apply(harness, command::SaveAs{folder.file("with-notes.pcapng"), false});
    EXPECT_FALSE(window.controller.replay()->notes_changed);
    EXPECT_TRUE(std::filesystem::exists(folder.file("with-notes.pcapng")));
    window.apply(harness, command::ExportLadderSvg{folder.file("ladder.svg")});
    EXPECT_TRUE(std::filesystem::exists(folder.file("ladder.svg")));
    window.apply(harness, command::Reset{});
    EXPECT_EQ(window.controller.shown_steps(), 0u);
    EXPECT_FALSE(window.files.error()) << window.files.error()->what;
}

// Two hosts, step mode: the gate's buttons, latency and loss.
TEST(Commands, TheGateOnTwoHosts) {
    if (auto missing = test::missing_sandbox()) GTEST_SKIP() << *missing;
    if (auto missing = test::missing_tun()) GTEST_SKIP() << *missing;
    test::ImGuiHarness harness;
    Window window;
    RunOptions options;
    options.topology = Topology::TwoHosts;
    options.lesson_settings = true;
    options.wire.gated = true;
    options.call_timeout_seconds = 600;
    window.apply(harness, command::SetRunOptions{options});
    window.apply(harness, command::LoadLesson{"handshake"});
    ASSERT_NE(window.controller.run(), nullptr);
    ASSERT_NE(window.controller.run()->wire(), nullptr);
    window.apply(harness, command::SetLatency{std::chrono::milliseconds(30)});
    window.apply(harness, command::SetLoss{0.0});
    window.apply(harness, command::Step{});
    ASSERT_TRUE(window.frames_until(harness, [&] { return window.settled(1); }));
    window.apply(harness, command::Step{});  // connect(): its SYN waits at the gate
    ASSERT_TRUE(window.frames_until(harness, [&] { return !window.controller.held().empty(); }));
    const uint64_t syn = window.controller.held().front().segment;
    window.apply(harness, command::DropHeld{syn});
    // The client sends its SYN again after the drop.
    ASSERT_TRUE(window.frames_until(
        harness, [&] { return !window.controller.held().empty() && window.controller.held().front().segment != syn; }));
    window.apply(harness, command::ReleaseHeld{window.controller.held().front().segment});
    ASSERT_TRUE(window.frames_until(harness, [&] {
        if (!window.controller.held().empty()) window.outbox.push_back(command::ReleaseAllHeld{});
        return window.settled(2);
    }));
    EXPECT_GE(window.controller.run()->wire()->stats().dropped, 1u);
    EXPECT_GE(window.controller.run()->wire()->stats().relayed, 2u);
}

}  // namespace
}  // namespace tcplab

namespace tcplab {
namespace {

// Notes added to a recording are never dropped without an answer: opening
// another file (or picking a lesson, or quitting) asks Save / Discard / Cancel.
TEST(Commands, UnsavedNotesAskBeforeTheRecordingIsReplaced) {
    test::TempDir folder("tcplab-commands");
    const std::string copy = folder.file("class.pcapng");
    std::filesystem::copy_file(kRecording, copy);
    const std::string other = std::string(TCPLAB_TEST_RECORDINGS) + "/teardown.pcapng";
    test::ImGuiHarness harness;
    Window window;
    window.apply(harness, command::OpenFile{copy});
    ASSERT_TRUE(window.frames_until(harness, [&] { return window.controller.replay() != nullptr; }));
    window.apply(harness, command::Step{});
    window.apply(harness, command::AddNote{note_on_step(*window.controller.current_step(), "remember the ISN")});

    // Cancel: the recording and its notes stay.
    window.apply(harness, command::OpenFile{other});
    EXPECT_TRUE(window.files.asking_about_unsaved());
    window.apply(harness, command::AnswerUnsaved{command::AnswerUnsaved::Choice::Cancel});
    harness.frames(3, [&] { window.frame(); });
    EXPECT_FALSE(window.files.asking_about_unsaved());
    EXPECT_EQ(window.controller.replay()->path, copy);
    EXPECT_TRUE(window.controller.replay()->notes_changed);

    // Save: the notes go into the file, then the other file is shown.
    window.apply(harness, command::OpenFile{other});
    EXPECT_TRUE(window.files.asking_about_unsaved());
    window.apply(harness, command::AnswerUnsaved{command::AnswerUnsaved::Choice::Save});
    ASSERT_TRUE(window.frames_until(harness, [&] { return window.controller.replay()->path == other; }));
    auto saved = open_capture(copy);
    ASSERT_TRUE(saved.ok()) << saved.error().what;
    bool found = false;
    for (const InstructorNote& note : instructor_notes(saved->loaded.trace)) found |= note.text == "remember the ISN";
    EXPECT_TRUE(found);

    // Discard: nothing is written, the next file is shown.
    window.apply(harness, command::AddNote{note_on_packet(window.controller.replay()->loaded.trace, 0, "dropped")});
    window.apply(harness, command::OpenFile{copy});
    EXPECT_TRUE(window.files.asking_about_unsaved());
    window.apply(harness, command::AnswerUnsaved{command::AnswerUnsaved::Choice::Discard});
    ASSERT_TRUE(window.frames_until(harness, [&] { return window.controller.replay()->path == copy; }));
    EXPECT_FALSE(window.files.asking_about_unsaved());

    // Quitting asks too, and Discard lets the window close.
    window.apply(harness, command::AddNote{note_on_packet(window.controller.replay()->loaded.trace, 0, "again")});
    EXPECT_TRUE(window.files.holds_quit_for_unsaved_notes());
    EXPECT_FALSE(window.files.quit_allowed());
    window.apply(harness, command::AnswerUnsaved{command::AnswerUnsaved::Choice::Discard});
    EXPECT_TRUE(window.files.quit_allowed());
}

// Presses `keys` (modifiers first) for one frame and releases them the next,
// the window handling its keys after each frame as it does.
void press(test::ImGuiHarness& harness, Window& window, std::initializer_list<int> keys) {
    ImGuiIO& io = ImGui::GetIO();
    for (const bool down : {true, false}) {
        for (const int key : keys) tcplab::imgui_compat::send_key(io, key, down);
        harness.frames(1, [&] {
            window.frame();
            window.files.handle_keys(window.shared, window.outbox);
        });
    }
}

// The instructor notes a file holds, read back as `tcplab open` reads them.
std::vector<std::string> notes_in(const std::string& path) {
    auto opened = open_capture(path);
    EXPECT_TRUE(opened.ok()) << (opened.ok() ? "" : opened.error().what);
    std::vector<std::string> texts;
    if (!opened.ok()) return texts;
    for (const InstructorNote& note : instructor_notes(opened->loaded.trace)) texts.push_back(note.text);
    return texts;
}

// A copy of the handshake recording in `folder`, opened in `window`: ready for notes.
std::string open_a_copy(test::ImGuiHarness& harness, Window& window, const test::TempDir& folder) {
    const std::string copy = folder.file("class.pcapng");
    std::filesystem::copy_file(kRecording, copy);
    window.apply(harness, command::OpenFile{copy});
    EXPECT_TRUE(window.frames_until(harness, [&] { return window.controller.replay() != nullptr; }));
    return copy;
}

// Ctrl+S writes the recording shown, with its notes, into its own file (no
// dialog, nothing left beside it); Ctrl+Shift+S asks where (Save as…).
TEST(Commands, CtrlSSavesIntoTheFileShownAndCtrlShiftSAsksWhere) {
    test::TempDir folder("tcplab-commands");
    test::ImGuiHarness harness;
    Window window;
    const std::string copy = open_a_copy(harness, window, folder);
    ASSERT_NE(window.controller.replay(), nullptr);
    window.apply(harness, command::AddNote{note_on_packet(window.controller.replay()->loaded.trace, 2, "the ACK")});
    ASSERT_TRUE(window.controller.replay()->notes_changed);
    EXPECT_FALSE(window.files.wants_keyboard());

    press(harness, window, {GLFW_KEY_LEFT_CONTROL, GLFW_KEY_S});
    harness.frames(1, [&] { window.frame(); });  // the frame after applies the outbox
    EXPECT_FALSE(window.files.wants_keyboard()) << "Ctrl+S saves without a dialog";
    EXPECT_FALSE(window.controller.replay()->notes_changed);
    EXPECT_EQ(window.controller.replay()->path, copy);
    EXPECT_EQ(notes_in(copy), std::vector<std::string>{"the ACK"});
    size_t files_in_folder = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(folder.path())) ++files_in_folder;
    EXPECT_EQ(files_in_folder, 1u) << "the temporary file was renamed over the recording";

    press(harness, window, {GLFW_KEY_LEFT_CONTROL, GLFW_KEY_LEFT_SHIFT, GLFW_KEY_S});
    EXPECT_TRUE(window.files.wants_keyboard());  // the Save as dialog is open
}

// The handshake recording's packets as a classic pcap file at `path` (as
// tcpdump -w writes): a format with no room for notes.
void write_classic_pcap(const std::string& from, const std::string& path) {
    char error[PCAP_ERRBUF_SIZE];
    pcap_t* input = pcap_open_offline(from.c_str(), error);
    ASSERT_NE(input, nullptr) << error;
    pcap_dumper_t* output = pcap_dump_open(input, path.c_str());
    ASSERT_NE(output, nullptr) << pcap_geterr(input);
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    while (pcap_next_ex(input, &header, &data) == 1) pcap_dump(reinterpret_cast<u_char*>(output), header, data);
    pcap_dump_close(output);
    pcap_close(input);
}

std::string file_bytes(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

// Save, answered on leaving a classic pcap file with new notes, asks for a
// pcapng name as Ctrl+S does (the notes cannot go into the old format), and
// leaves only once they are saved there; the pcap file stays as it was.
// Closing that dialog without a name keeps the file and its notes shown.
TEST(Commands, SavingAClassicPcapOnLeavingAsksForAPcapngName) {
    test::TempDir folder("tcplab-commands");
    const std::string pcap = folder.file("class.pcap");
    write_classic_pcap(kRecording, pcap);
    if (HasFatalFailure()) return;
    const std::string pcap_bytes = file_bytes(pcap);
    const std::string other = std::string(TCPLAB_TEST_RECORDINGS) + "/teardown.pcapng";
    test::ImGuiHarness harness;
    Window window;
    window.apply(harness, command::OpenFile{pcap});
    ASSERT_TRUE(window.frames_until(harness, [&] { return window.controller.replay() != nullptr; }));
    ASSERT_EQ(window.controller.replay()->loaded.format, CaptureFormat::Pcap);
    window.apply(harness, command::AddNote{note_on_packet(window.controller.replay()->loaded.trace, 0, "the SYN")});

    // Save, then no name (Escape): nothing is written and nothing replaced.
    window.apply(harness, command::OpenFile{other});
    ASSERT_TRUE(window.files.asking_about_unsaved());
    window.apply(harness, command::AnswerUnsaved{command::AnswerUnsaved::Choice::Save});
    EXPECT_TRUE(window.files.wants_keyboard()) << "Save as… is open";
    press(harness, window, {GLFW_KEY_ESCAPE});
    harness.frames(3, [&] { window.frame(); });
    EXPECT_FALSE(window.files.wants_keyboard());
    EXPECT_EQ(window.controller.replay()->path, pcap);
    EXPECT_TRUE(window.controller.replay()->notes_changed);
    EXPECT_TRUE(file_bytes(pcap) == pcap_bytes) << "the classic pcap file is left as it was";

    // Save, then a name: the notes go there, then the other file is shown.
    window.apply(harness, command::OpenFile{other});
    ASSERT_TRUE(window.files.asking_about_unsaved());
    window.apply(harness, command::AnswerUnsaved{command::AnswerUnsaved::Choice::Save});
    EXPECT_TRUE(window.files.wants_keyboard());
    EXPECT_EQ(window.controller.replay()->path, pcap) << "nothing is replaced before the notes are saved";
    const std::string saved = folder.file("class-notes.pcapng");
    window.apply(harness, command::SaveAs{saved, false});
    ASSERT_TRUE(window.frames_until(harness, [&] { return window.controller.replay()->path == other; }));
    EXPECT_EQ(notes_in(saved), std::vector<std::string>{"the SYN"});
    EXPECT_TRUE(file_bytes(pcap) == pcap_bytes) << "the classic pcap file is left as it was";
}

// Escape is Cancel in the note popup and in the unsaved-notes question, as
// in the file dialog: nothing is added, nothing is replaced.
TEST(Commands, EscapeCancelsTheNotePopupAndTheUnsavedNotesQuestion) {
    test::TempDir folder("tcplab-commands");
    test::ImGuiHarness harness;
    Window window;
    const std::string copy = open_a_copy(harness, window, folder);
    ASSERT_NE(window.controller.replay(), nullptr);
    window.apply(harness, command::Step{});
    press(harness, window, {GLFW_KEY_N});
    harness.frames(1, [&] { window.frame(); });
    ASSERT_TRUE(window.files.wants_keyboard()) << "N opens the note popup";
    press(harness, window, {GLFW_KEY_ESCAPE});
    harness.frames(1, [&] { window.frame(); });
    EXPECT_FALSE(window.files.wants_keyboard());
    EXPECT_FALSE(window.controller.replay()->notes_changed);

    window.apply(harness, command::AddNote{note_on_packet(window.controller.replay()->loaded.trace, 0, "kept")});
    window.apply(harness, command::OpenFile{std::string(TCPLAB_TEST_RECORDINGS) + "/teardown.pcapng"});
    ASSERT_TRUE(window.files.asking_about_unsaved());
    press(harness, window, {GLFW_KEY_ESCAPE});
    harness.frames(3, [&] { window.frame(); });
    EXPECT_FALSE(window.files.asking_about_unsaved());
    EXPECT_EQ(window.controller.replay()->path, copy);
    EXPECT_TRUE(window.controller.replay()->notes_changed);
}

// Editing and deleting notes are commands too: applied between frames, they
// mark the recording changed, and Save writes the edited text and drops the
// deleted note; a step's own start is no instructor's note and stays.
TEST(Commands, EditedAndDeletedNotesAreSavedAsShown) {
    test::TempDir folder("tcplab-commands");
    test::ImGuiHarness harness;
    Window window;
    const std::string copy = open_a_copy(harness, window, folder);
    ASSERT_NE(window.controller.replay(), nullptr);
    window.apply(harness, command::Step{});
    const size_t steps = window.controller.step_count();
    const Trace& trace = window.controller.replay()->loaded.trace;
    const NoteEvent on_packet = note_on_packet(trace, 1, "first words");
    const NoteEvent on_step = note_on_step(*window.controller.current_step(), "to be deleted");
    window.apply(harness, command::AddNote{on_packet});
    window.apply(harness, command::AddNote{on_step});
    window.apply(harness, command::Save{});
    ASSERT_EQ(notes_in(copy).size(), 2u);
    ASSERT_FALSE(window.controller.replay()->notes_changed);

    window.outbox.push_back(command::EditNote{on_packet, "better words"});
    window.outbox.push_back(command::DeleteNote{on_step});
    EXPECT_EQ(window.controller.notes().size(), 2u) << "nothing changes before the window applies the outbox";
    harness.frames(1, [&] { window.frame(); });
    ASSERT_EQ(window.controller.notes().size(), 1u);
    EXPECT_EQ(window.controller.notes()[0].text, "better words");
    EXPECT_TRUE(window.controller.replay()->notes_changed);

    const size_t notes_before = trace.notes().size();
    NoteEvent step_start;
    for (size_t index = 0; index < trace.notes().size(); ++index)
        if (is_step_start(trace, index)) step_start = trace.notes()[index];
    ASSERT_GE(step_start.step, 0);
    window.apply(harness, command::DeleteNote{step_start});
    EXPECT_EQ(trace.notes().size(), notes_before);

    window.apply(harness, command::Save{});
    EXPECT_FALSE(window.controller.replay()->notes_changed);
    EXPECT_EQ(notes_in(copy), std::vector<std::string>{"better words"});
    // Opened again, the steps are the recording's as before.
    window.apply(harness, command::OpenFile{copy});
    ASSERT_TRUE(window.frames_until(harness, [&] { return !window.files.loading(); }));
    harness.frames(1, [&] { window.frame(); });
    EXPECT_EQ(window.controller.step_count(), steps);
    ASSERT_EQ(window.controller.notes().size(), 1u);
    EXPECT_EQ(window.controller.notes()[0].text, "better words");
}

}  // namespace
}  // namespace tcplab
