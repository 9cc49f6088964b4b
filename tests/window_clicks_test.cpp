// End to end: a teacher clicks everything in the window while a lesson runs.
// The window is driven by an input script (TCPLAB_WINDOW_SCRIPT, see
// lab/window/window_script.hpp): real mouse clicks and key presses on the
// lesson bar, the Wire view, the Predict view and the File and Export menus,
// repeatedly, during a SYN flood too. Nothing may crash; in the sanitizer
// build (cmake/quickstart.sh test) AddressSanitizer must stay silent as well.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "lab/exit_codes.hpp"
#include "lab/window/settings.hpp"
#include "tests/environment.hpp"
#include "tests/run_tcplab.hpp"
#include "tests/temp_dir.hpp"

namespace {

using tcplab::test::ProgramOutcome;
using tcplab::test::TempDir;

// Runs the window on `arguments` in `folder` (where its dialogs open) with `script`;
// its settings, when the script asks for them, live in the folder too.
ProgramOutcome run_script(const TempDir& folder, const std::string& script, const std::string& arguments) {
    const std::string script_path = folder.file("clicks.script");
    std::ofstream(script_path) << script;
    ProgramOutcome outcome;
    // Several tests may start Xvfb at once; `-a` can pick a display another just took.
    // The X authority file is the test's own, so xvfb-run never replaces tcplab's
    // exit code with its own (see window_test.cpp).
    for (int attempt = 0; attempt < 3; ++attempt) {
        outcome = tcplab::test::run_shell(
            "cd '" + folder.path().string() + "' && XDG_CONFIG_HOME='" + folder.file("config") +
            "' TCPLAB_WINDOW_SCRIPT='" + script_path + "' xvfb-run -a -f '" + folder.file("Xauthority") +
            "' -s '-screen 0 1600x900x24' '" + TCPLAB_BINARY + "' gui --lang en " + arguments + " 2>&1");
        if (outcome.output.find("Xvfb failed to start") == std::string::npos) break;
    }
    return outcome;
}

void expect_clean(const ProgramOutcome& outcome) {
    EXPECT_EQ(outcome.exit_code, tcplab::exit_code::kOk) << outcome.output;
    EXPECT_EQ(outcome.output.find("Sanitizer"), std::string::npos) << outcome.output;
    EXPECT_EQ(outcome.output.find("runtime error"), std::string::npos) << outcome.output;
}

// Reset, the lesson picker and the keyboard replace the run the views were
// drawing: the frame after must draw the new run, not what was freed.
const char* const kLessonBar = R"(
wait run
click lesson.step
wait steps 1
click lesson.reset
wait run
key space
wait steps 1
key r
wait run
click lesson.step
wait steps 1
click lesson.step
click lesson.reset
wait run
click lesson.step
wait steps 1
click lesson.back
click lesson.forward
click lesson.play
frames 3
click lesson.play
click lesson.pick
click lesson.pick.teardown
wait run
click lesson.step
click lesson.pick
click lesson.pick.handshake
wait run
key space
key left
key right
key p
key p
wait idle
click lesson.note
click note.cancel
click predict.asking
click predict.asking
click lesson.reset
wait run
click lesson.step
wait steps 1
wait item predict.choice.0
click predict.choice.0
click lesson.step
click lesson.reset
wait run
)";

// Two hosts and step mode, then everything the gate offers, and Reset while a segment waits.
const char* const kWireView = R"(
wait run
click wire.step_mode
click wire.apply
wait run
click lesson.step
wait steps 1
click lesson.step
wait held
click wire.release.0
wait held
click wire.drop.0
wait held
click wire.release_all
wait held
click lesson.reset
wait run
click lesson.step
wait steps 1
click lesson.step
wait held
click wire.apply
wait run
click lesson.step
wait steps 1
click lesson.step
wait held
click wire.two_hosts
click lesson.reset
wait run
click lesson.step
wait steps 1
click wire.two_hosts
click wire.apply
wait run
click lesson.step
wait steps 1
click lesson.step
wait held
click lesson.pick
click lesson.pick.teardown
wait run
)";

// Record, stop, export, open the recording and go back to a lesson, twice.
const char* const kFileMenus = R"(
wait run
click menu.file
click file.record
click dialog.ok
click lesson.step
wait steps 1
click menu.file
click file.stop_recording
click menu.export
click export.svg
click dialog.ok
click menu.export
click export.png
click dialog.ok
frames 4
click menu.file
click file.open
wait item dialog.ok
type handshake.pcapng
click dialog.ok
wait replay
click lesson.step
click lesson.reset
click lesson.pick
click lesson.pick.handshake
wait run
click menu.file
click file.record
click dialog.ok
click dialog.replace
click lesson.step
click menu.file
click file.open
wait item dialog.ok
type handshake.pcapng
click dialog.ok
wait replay
click menu.export
click export.svg
click dialog.ok
click dialog.replace
click lesson.pick
click lesson.pick.handshake
wait run
)";

// The flood fills the trace fastest: every action that replaces the run, in the middle of it.
const char* const kDuringASynFlood = R"(
wait run
click lesson.step
wait steps 1
click lesson.step
frames 10
click lesson.reset
wait run
click lesson.step
wait steps 1
click lesson.step
frames 10
click lesson.pick
click lesson.pick.synflood
wait run
click lesson.step
wait steps 1
click lesson.step
frames 10
click menu.file
click file.record
click dialog.ok
frames 10
click menu.file
click file.open
wait item dialog.ok
type synflood.pcapng
click dialog.ok
wait replay
click lesson.pick
click lesson.pick.synflood
wait run
click lesson.step
wait steps 1
click lesson.step
frames 10
key r
wait run
)";

TEST(WindowClicks, LessonBarPredictAndKeys) {
    if (auto missing = tcplab::test::missing_xvfb()) GTEST_SKIP() << *missing;
    TempDir folder("tcplab-clicks");
    expect_clean(run_script(folder, kLessonBar, "--scenario handshake"));
}

TEST(WindowClicks, WireViewAndTheGate) {
    if (auto missing = tcplab::test::missing_xvfb()) GTEST_SKIP() << *missing;
    if (auto missing = tcplab::test::missing_tun()) GTEST_SKIP() << *missing;
    TempDir folder("tcplab-clicks");
    expect_clean(run_script(folder, kWireView, "--scenario handshake"));
}

TEST(WindowClicks, FileAndExportMenus) {
    if (auto missing = tcplab::test::missing_xvfb()) GTEST_SKIP() << *missing;
    TempDir folder("tcplab-clicks");
    expect_clean(run_script(folder, kFileMenus, "--scenario handshake"));
    EXPECT_TRUE(std::filesystem::exists(folder.file("handshake.pcapng")));
    EXPECT_TRUE(std::filesystem::exists(folder.file("ladder.svg")));
    EXPECT_TRUE(std::filesystem::exists(folder.file("ladder.png")));
}

TEST(WindowClicks, DuringASynFlood) {
    if (auto missing = tcplab::test::missing_xvfb()) GTEST_SKIP() << *missing;
    TempDir folder("tcplab-clicks");
    expect_clean(run_script(folder, kDuringASynFlood, "--scenario synflood"));
}

// The script itself: an item that is never drawn fails with the line that named it.
TEST(WindowClicks, AScriptThatCannotBeDoneSaysWhichLine) {
    if (auto missing = tcplab::test::missing_xvfb()) GTEST_SKIP() << *missing;
    TempDir folder("tcplab-clicks");
    const ProgramOutcome outcome = run_script(folder, "frames 2\nclick no.such.item\n",
                                              "--open '" + std::string(TCPLAB_TEST_RECORDINGS) + "/handshake.pcapng'");
    EXPECT_EQ(outcome.exit_code, tcplab::exit_code::kEnvironment) << outcome.output;
    EXPECT_NE(outcome.output.find("window script line 2 (click no.such.item)"), std::string::npos) << outcome.output;
}

}  // namespace

namespace {

// A note on the first step of the recording shown, typed as a teacher types it.
const char* const kTypeANote = R"(
wait replay
click lesson.step
click lesson.note
wait item note.add
type look at the ISN
click note.add)";

// A note typed on a recording, then File ▸ Quit: the window asks, Cancel keeps
// it open, Save writes the note into the file and closes.
TEST(WindowClicks, QuittingWithUnsavedNotesAsksFirst) {
    if (auto missing = tcplab::test::missing_xvfb()) GTEST_SKIP() << *missing;
    TempDir folder("tcplab-clicks");
    const std::string copy = folder.file("class.pcapng");
    std::filesystem::copy_file(std::string(TCPLAB_TEST_RECORDINGS) + "/handshake.pcapng", copy);
    const ProgramOutcome outcome = run_script(folder, std::string(kTypeANote) + R"(
click menu.file
click file.quit
click unsaved.cancel
frames 3
click menu.file
click file.quit
click unsaved.save
frames 3
)",
                                              "--open '" + copy + "'");
    expect_clean(outcome);
    // The note is in the file (as text in its note block).
    std::ifstream file(copy, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    EXPECT_NE(bytes.find("look at the ISN"), std::string::npos);
}

}  // namespace

namespace {

std::string file_bytes(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

// Ctrl+S writes a note typed on a recording into that same file; a note
// edited in the lesson bar is written by Ctrl+S too, in place of the old text.
TEST(WindowClicks, CtrlSSavesNotesIntoTheFileShown) {
    if (auto missing = tcplab::test::missing_xvfb()) GTEST_SKIP() << *missing;
    TempDir folder("tcplab-clicks");
    const std::string copy = folder.file("class.pcapng");
    std::filesystem::copy_file(std::string(TCPLAB_TEST_RECORDINGS) + "/handshake.pcapng", copy);
    // The same note as above, saved this time by Ctrl+S alone.
    expect_clean(run_script(folder, std::string(kTypeANote) + R"(
wait item note.edit
key ctrl+s
frames 3
)",
                            "--open '" + copy + "'"));
    EXPECT_NE(file_bytes(copy).find("look at the ISN"), std::string::npos);

    expect_clean(run_script(folder, R"(
wait replay
click lesson.step
wait item note.edit
click note.edit
wait item note.keep_edit
type and the ACK
click note.keep_edit
wait item note.edit
key ctrl+s
frames 3
)",
                            "--open '" + copy + "'"));
    const std::string saved = file_bytes(copy);
    EXPECT_NE(saved.find("and the ACK"), std::string::npos);
    // Written in place of the note it edits (its record and its packet comment):
    // the old text is nowhere on its own.
    for (size_t at = saved.find("look at the ISN"); at != std::string::npos; at = saved.find("look at the ISN", at + 1))
        EXPECT_EQ(saved.compare(at + 15, 11, "and the ACK"), 0) << "at byte " << at;
    EXPECT_FALSE(std::filesystem::exists(folder.file("class-notes.pcapng"))) << "no Save as… dialog was used";
}

// What the window saved in the folder's settings when it closed.
tcplab::WindowSettings saved_settings(const TempDir& folder) {
    const tcplab::LoadedSettings loaded = tcplab::load_settings(folder.file("config") + "/tcplab/settings.toml");
    EXPECT_FALSE(loaded.error) << loaded.error->what;
    return loaded.settings;
}

std::string recording_argument() { return "--open '" + std::string(TCPLAB_TEST_RECORDINGS) + "/handshake.pcapng'"; }

// Ctrl+= and Ctrl+- zoom by a tenth, Ctrl+0 goes back to 1, and the window remembers the zoom.
TEST(WindowKeys, ZoomKeysAreRememberedInTheSettings) {
    if (auto missing = tcplab::test::missing_xvfb()) GTEST_SKIP() << *missing;
    TempDir folder("tcplab-keys");
    expect_clean(run_script(folder,
                            "settings saved\nwait replay\nkey ctrl+=\nkey ctrl+=\nkey ctrl+=\nkey ctrl+-\nframes 3\n",
                            recording_argument()));
    EXPECT_DOUBLE_EQ(saved_settings(folder).zoom, 1.2);
    // The next start reads it: one more step up.
    expect_clean(run_script(folder, "settings saved\nwait replay\nkey ctrl+=\nframes 3\n", recording_argument()));
    EXPECT_DOUBLE_EQ(saved_settings(folder).zoom, 1.3);
    expect_clean(run_script(folder, "settings saved\nwait replay\nkey ctrl+0\nframes 3\n", recording_argument()));
    EXPECT_DOUBLE_EQ(saved_settings(folder).zoom, 1.0);
}

// In the presentation layout a view's number puts it in the left panel, with
// Shift in the right one; a view already shown on the other side swaps places.
TEST(WindowKeys, DigitKeysSwapAPanelIntoThePresentation) {
    if (auto missing = tcplab::test::missing_xvfb()) GTEST_SKIP() << *missing;
    TempDir folder("tcplab-keys");
    // Views 2 and 5: the timeline and the packet detail (lab/views/registry.cpp).
    expect_clean(run_script(folder, "settings saved\nwait replay\nkey f11\nkey 2\nkey shift+5\nframes 3\n",
                            recording_argument()));
    tcplab::WindowSettings settings = saved_settings(folder);
    EXPECT_EQ(settings.layout, "presentation");
    EXPECT_EQ(settings.presentation_left, "timeline");
    EXPECT_EQ(settings.presentation_right, "packet_detail");
    expect_clean(run_script(folder, "settings saved\nwait replay\nkey 5\nframes 3\n", recording_argument()));
    settings = saved_settings(folder);
    EXPECT_EQ(settings.presentation_left, "packet_detail");
    EXPECT_EQ(settings.presentation_right, "timeline");
    // Outside the presentation the digits change nothing; F11 goes back to the full layout.
    expect_clean(run_script(folder, "settings saved\nwait replay\nkey f11\nkey 3\nframes 3\n", recording_argument()));
    settings = saved_settings(folder);
    EXPECT_EQ(settings.layout, "full");
    EXPECT_EQ(settings.presentation_left, "packet_detail");
}

// Where imgui.ini says each view's window is: "ladder" -> {x, y, width, height}.
std::map<std::string, std::vector<float>> window_places(const TempDir& folder) {
    std::ifstream ini(folder.file("config") + "/tcplab/imgui.ini");
    std::map<std::string, std::vector<float>> places;
    std::string line, id;
    while (std::getline(ini, line)) {
        if (line.rfind("[Window][", 0) == 0) {
            const size_t hashes = line.find("###");
            id = hashes == std::string::npos ? "" : line.substr(hashes + 3, line.size() - hashes - 4);
            continue;
        }
        float a = 0, b = 0;
        if (!id.empty() && (std::sscanf(line.c_str(), "Pos=%f,%f", &a, &b) == 2)) {
            places[id].resize(4);
            places[id][0] = a, places[id][1] = b;
        } else if (!id.empty() && std::sscanf(line.c_str(), "Size=%f,%f", &a, &b) == 2) {
            places[id].resize(4);
            places[id][2] = a, places[id][3] = b;
        }
    }
    return places;
}

// View ▸ Layout ▸ Save as mine keeps the arrangement in the settings; after
// another layout, View ▸ Layout ▸ Mine puts every window back there.
TEST(WindowKeys, TheTeachersOwnLayoutIsSavedAndComesBack) {
    if (auto missing = tcplab::test::missing_xvfb()) GTEST_SKIP() << *missing;
    TempDir folder("tcplab-keys");
    expect_clean(run_script(
        folder, "settings saved\nwait replay\nclick menu.view\nclick view.layout\nclick layout.save_mine\nframes 3\n",
        recording_argument()));
    const tcplab::WindowSettings saved = saved_settings(folder);
    EXPECT_EQ(saved.layout, "mine");
    std::set<std::string> ids;
    for (const tcplab::SavedPanel& panel : saved.own_layout) {
        ids.insert(panel.view_id);
        EXPECT_GE(panel.x, 0.0);
        EXPECT_GT(panel.width, 0.05) << panel.view_id;
        EXPECT_LE(panel.x + panel.width, 1.001) << panel.view_id;
        EXPECT_LE(panel.y + panel.height, 1.001) << panel.view_id;
    }
    for (const char* id : {"scenario", "timeline", "ladder", "state_machine"}) EXPECT_TRUE(ids.count(id)) << id;

    expect_clean(run_script(folder,
                            "settings saved\nwait replay\nclick menu.view\nclick view.layout\nclick "
                            "layout.ladder_timeline\nframes 3\nclick menu.view\nclick view.layout\nclick "
                            "layout.mine\nframes 3\n",
                            recording_argument()));
    const tcplab::WindowSettings again = saved_settings(folder);
    EXPECT_EQ(again.layout, "mine");
    EXPECT_EQ(again.own_layout, saved.own_layout);
    // Each window where the arrangement put it, in the 1600×900 window.
    const auto places = window_places(folder);
    for (const tcplab::SavedPanel& panel : saved.own_layout) {
        SCOPED_TRACE(panel.view_id);
        ASSERT_TRUE(places.count(panel.view_id));
        const std::vector<float>& place = places.at(panel.view_id);
        EXPECT_NEAR(place[0], panel.x * 1600, 2.0);
        EXPECT_NEAR(place[1], panel.y * 900, 2.0);
        EXPECT_NEAR(place[2], panel.width * 1600, 2.0);
        EXPECT_NEAR(place[3], panel.height * 900, 2.0);
    }
}

}  // namespace
