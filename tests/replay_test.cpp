// Replay without a window: a real recorded lesson written with write_trace and
// opened again drives the step controller and the lesson bar like a live run;
// instructor notes survive Save as… (as pcapng packet comments too); the file
// dialog's listing; the background loader's progress, cancel and faults; the
// live Record toggle.
#include "lab/replay.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "bench/capture_generator.hpp"
#include "imgui_harness.hpp"
#include "lab/background_file_opener.hpp"
#include "lab/file_browser.hpp"
#include "lab/views/lesson_bar.hpp"
#include "lab/views/step_controller.hpp"
#include "lab/window/settings.hpp"
#include "recordings.hpp"
#include "scenarios/segment_builder.hpp"
#include "test_lessons.hpp"
#include "tests/temp_dir.hpp"

namespace tcplab {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

using test::TempDir;

// The handshake lesson as a student ran it, saved the way the window saves.
std::string record_handshake(const TempDir& dir) {
    const std::string path = dir.file("handshake.pcapng");
    auto written = write_trace(test::recorded_trace("handshake"), path, TraceWriteOptions{});
    EXPECT_TRUE(written.ok()) << (written.ok() ? "" : written.error().what);
    return path;
}

Replay open_replay_file(const std::string& path) {
    auto loaded = read_trace(path);
    EXPECT_TRUE(loaded.ok()) << (loaded.ok() ? "" : loaded.error().what);
    return make_replay(path, std::move(*loaded));
}

std::optional<LoadOutcome> wait_for(BackgroundFileOpener& loader, std::chrono::seconds limit = 20s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (auto outcome = loader.take()) return outcome;
        std::this_thread::sleep_for(2ms);
    }
    return std::nullopt;
}

// A raw IPv4 TCP segment from 10.0.0.1:40000 to 10.0.0.2:80, as a file from tcpdump holds it.
void add_segment(Trace& trace, int64_t time_ns, uint32_t seq, uint8_t flags) {
    CraftedSegment segment;
    segment.source = Endpoint{IpAddress::v4(10, 0, 0, 1), 40000};
    segment.destination = Endpoint{IpAddress::v4(10, 0, 0, 2), 80};
    segment.flags = flags;
    segment.seq = seq;
    const std::vector<uint8_t> frame = craft_ipv4_tcp(segment);
    trace.add_packet(Trace::capture(time_ns, 0, LinkType::Raw, static_cast<uint32_t>(frame.size()), frame));
}

TEST(Replay, FindsTheRecordedStepsAndTheLesson) {
    TempDir dir;
    const Lesson lesson = test::test_lesson("handshake").build(Addresses{});
    const LoadedTrace& recorded = test::recording("handshake");
    const Replay replay = open_replay_file(record_handshake(dir));
    ASSERT_EQ(replay.steps.size(), lesson.steps.size());
    ASSERT_EQ(recorded.steps.size(), lesson.steps.size());
    for (size_t index = 0; index < replay.steps.size(); ++index) {
        EXPECT_EQ(replay.steps[index].index, static_cast<int>(index));
        EXPECT_EQ(replay.steps[index].key, lesson.steps[index].key);
        EXPECT_EQ(replay.steps[index].begin_ns, recorded.steps[index].begin_ns);
        EXPECT_LE(replay.steps[index].begin_ns, replay.steps[index].end_ns);
        if (index > 0) {
            EXPECT_LT(replay.steps[index - 1].end_ns, replay.steps[index].begin_ns);
        }
    }
    EXPECT_EQ(replay.lesson, "handshake");
    EXPECT_EQ(replay.steps.back().end_ns, last_event_ns(replay.loaded.trace));
    EXPECT_TRUE(instructor_notes(replay.loaded.trace).empty());  // step starts are not notes
}

TEST(Replay, AForeignCaptureHasNoStepsAndShowsEverything) {
    Trace trace;
    for (int index = 0; index < 3; ++index)
        add_segment(trace, 1'000'000'000 + index * 1000, 1000u + index, tcp_flag::Syn);
    LoadedTrace loaded;
    loaded.trace = std::move(trace);
    Replay replay = make_replay("foreign.pcap", std::move(loaded));
    EXPECT_TRUE(replay.steps.empty());
    EXPECT_EQ(replay.lesson, "");

    StepController controller;
    SharedViewState shared;
    controller.open_replay(std::move(replay));
    controller.update(shared);
    EXPECT_EQ(shared.cursor_ns, 0);  // everything
    EXPECT_TRUE(controller.at_end());
    controller.step();
    EXPECT_EQ(controller.shown_steps(), 0u);
}

TEST(Replay, TheStepControllerStepsThroughARecording) {
    TempDir dir;
    const Lesson lesson = test::test_lesson("handshake").build(Addresses{});
    StepController controller;
    SharedViewState shared;
    controller.open_replay(open_replay_file(record_handshake(dir)));
    EXPECT_EQ(controller.run(), nullptr);  // no kernel, no sandbox
    ASSERT_NE(controller.trace(), nullptr);
    EXPECT_EQ(controller.trace()->packets().size(), test::recorded_trace("handshake").packets().size());
    EXPECT_EQ(controller.step_count(), lesson.steps.size());
    EXPECT_EQ(controller.lesson_name(), "handshake");

    controller.update(shared);
    EXPECT_EQ(shared.cursor_ns, 1);  // before the first step nothing is shown
    controller.step();
    controller.update(shared);
    EXPECT_FALSE(controller.busy());
    EXPECT_EQ(controller.shown_steps(), 1u);
    EXPECT_EQ(shared.cursor_ns, controller.replay()->steps[0].end_ns);
    EXPECT_EQ(controller.step_key(0), lesson.steps[0].key);

    while (!controller.at_end()) controller.forward();
    controller.update(shared);
    EXPECT_EQ(controller.shown_steps(), controller.step_count());
    controller.back();
    controller.update(shared);
    EXPECT_EQ(controller.shown_steps(), controller.step_count() - 1);
    EXPECT_EQ(shared.cursor_ns, controller.replay()->steps[controller.step_count() - 2].end_ns);
    controller.reset();  // a replay's reset goes back to its start
    controller.update(shared);
    EXPECT_EQ(controller.shown_steps(), 0u);
    EXPECT_NE(controller.replay(), nullptr);
}

TEST(Replay, PlayModeRunsThroughARecording) {
    TempDir dir;
    StepController controller;
    SharedViewState shared;
    controller.open_replay(open_replay_file(record_handshake(dir)));
    controller.play().seconds_between_steps = 0.01f;
    controller.toggle_play();
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (controller.play().playing && std::chrono::steady_clock::now() < deadline) {
        controller.update(shared);
        std::this_thread::sleep_for(2ms);
    }
    EXPECT_TRUE(controller.at_end());
    EXPECT_EQ(controller.shown_steps(), controller.step_count());
}

TEST(Replay, TheLessonBarDrawsARecordingStepByStep) {
    TempDir dir;
    test::ImGuiHarness harness;
    StepController controller;
    SharedViewState shared;
    const Language language = Language::load("en").value();
    const Palette palette = Palette::standard();
    LessonBar bar;
    controller.open_replay(open_replay_file(record_handshake(dir)));
    std::vector<int> vertices;
    for (size_t step = 0; step <= controller.step_count(); ++step) {
        vertices.push_back(harness.frames(2, [&] {
            controller.update(shared);
            LabContext context{*controller.trace(), language, shared, palette};
            context.controller = &controller;
            ImGui::SetNextWindowPos(ImVec2(0, 0));
            ImGui::SetNextWindowSize(ImVec2(1200, 300));
            ImGui::Begin("scenario");
            bar.draw(context);
            ImGui::End();
        }));
        controller.step();
    }
    // Each step's narration differs from the one before: the bar follows the recording.
    for (size_t index = 1; index < vertices.size(); ++index) EXPECT_NE(vertices[index], vertices[index - 1]) << index;
}

TEST(Replay, NotesOnPacketsAndStepsSurviveSaveAs) {
    TempDir dir;
    StepController controller;
    SharedViewState shared;
    controller.open_replay(open_replay_file(record_handshake(dir)));
    controller.step();
    controller.step();
    controller.update(shared);
    const Trace& trace = *controller.trace();
    const size_t packet = 1;  // the SYN+ACK
    controller.add_note(note_on_packet(trace, packet, "the server's ISN"));
    controller.add_note(note_on_step(*controller.current_step(), "ask: who sends first?"));
    EXPECT_TRUE(controller.replay()->notes_changed);

    const std::vector<InstructorNote> notes = controller.notes();
    ASSERT_EQ(notes.size(), 2u);
    bool saw_packet_note = false, saw_step_note = false;
    for (const InstructorNote& note : notes) {
        if (note.packet) {
            EXPECT_EQ(*note.packet, packet);
            EXPECT_EQ(note.text, "the server's ISN");
            saw_packet_note = true;
        }
        if (note.step) {
            EXPECT_EQ(*note.step, 1u);
            EXPECT_EQ(note.text, "ask: who sends first?");
            saw_step_note = true;
        }
    }
    EXPECT_TRUE(saw_packet_note && saw_step_note);
    // A note on a step does not make a new step.
    EXPECT_EQ(find_steps(trace).size(), controller.step_count());

    const std::string saved = dir.file("with-notes.pcapng");
    ASSERT_TRUE(save_replay(*controller.replay(), saved, false).ok());
    EXPECT_FALSE(save_replay(*controller.replay(), saved, false).ok());  // never over a file unasked
    ASSERT_TRUE(save_replay(*controller.replay(), saved, true).ok());

    const Replay reopened = open_replay_file(saved);
    EXPECT_EQ(reopened.steps.size(), controller.step_count());
    const std::vector<InstructorNote> reread = instructor_notes(reopened.loaded.trace);
    ASSERT_EQ(reread.size(), 2u);
    // The packet's note is also its pcapng comment, which Wireshark shows.
    auto reader = CaptureFileReader::open(saved);
    ASSERT_TRUE(reader.ok());
    CaptureRecord record;
    size_t packets = 0;
    std::vector<std::string> comments;
    while (reader->next(record)) {
        if (record.kind != CaptureRecord::Kind::Packet) continue;
        if (packets++ == packet) comments = record.comments;
    }
    EXPECT_EQ(comments, std::vector<std::string>{"the server's ISN"});
}

TEST(FileBrowser, FiltersCapturesAndIgnoresCaseAndHiddenFiles) {
    const auto& captures = capture_extensions();
    EXPECT_TRUE(matches_filter("run.pcapng", captures));
    EXPECT_TRUE(matches_filter("RUN.PCAP", captures));
    EXPECT_TRUE(matches_filter("old.cap", captures));
    EXPECT_FALSE(matches_filter("notes.txt", captures));
    EXPECT_FALSE(matches_filter("pcap", captures));
    EXPECT_FALSE(matches_filter(".pcap", captures));  // just a dot-name
    EXPECT_TRUE(matches_filter("anything", {}));
}

TEST(FileBrowser, ListsFoldersFirstThenMatchingFiles) {
    TempDir dir;
    fs::create_directories(dir.path() / "zoo");
    fs::create_directories(dir.path() / "alpha");
    fs::create_directories(dir.path() / ".hidden");
    for (const char* name : {"b.pcap", "a.pcapng", "c.txt", ".secret.pcap", "D.CAP"})
        std::ofstream(dir.file(name)) << "x";
    const DirectoryListing listing = list_directory(dir.path().string(), capture_extensions());
    EXPECT_FALSE(listing.error);
    EXPECT_EQ(listing.directory, dir.path().string());
    std::vector<std::string> names;
    for (const FileEntry& entry : listing.entries) names.push_back(entry.name + (entry.directory ? "/" : ""));
    EXPECT_EQ(names, (std::vector<std::string>{"alpha/", "zoo/", "D.CAP", "a.pcapng", "b.pcap"}));
    EXPECT_EQ(listing.entries.back().size, 1u);

    const DirectoryListing missing = list_directory(dir.file("nope"), capture_extensions());
    EXPECT_TRUE(missing.error);
    EXPECT_TRUE(missing.entries.empty());
}

TEST(FileBrowser, ParentsPathsAndExtensions) {
    EXPECT_EQ(parent_directory("/a/b"), "/a");
    EXPECT_EQ(parent_directory("/a/b/"), "/a");
    EXPECT_EQ(parent_directory("/a"), "/");
    EXPECT_EQ(parent_directory("/"), "/");
    EXPECT_EQ(resolve_path("/a/b", "c.pcap"), "/a/b/c.pcap");
    EXPECT_EQ(resolve_path("/a/b", "../c"), "/a/c");
    EXPECT_EQ(resolve_path("/a/b", "/x/y.pcap"), "/x/y.pcap");
    EXPECT_EQ(resolve_path("/a/b", ""), "/a/b");
    EXPECT_EQ(with_extension("/t/lesson", {".pcapng"}, ".pcapng"), "/t/lesson.pcapng");
    EXPECT_EQ(with_extension("/t/lesson.PCAPNG", {".pcapng"}, ".pcapng"), "/t/lesson.PCAPNG");

    std::vector<std::string> recent = {"/a", "/b", "/c"};
    remember_recent(recent, "/b", 3);
    EXPECT_EQ(recent, (std::vector<std::string>{"/b", "/a", "/c"}));
    remember_recent(recent, "/d", 3);
    EXPECT_EQ(recent, (std::vector<std::string>{"/d", "/b", "/a"}));
}

TEST(FileBrowser, RecentFilesAreKeptInTheSettings) {
    WindowSettings settings;
    settings.recent_files = {"/home/t/one.pcapng", "/tmp/two words.pcap"};
    settings.last_directory = "/home/t";
    const LoadedSettings loaded = settings_from_toml(settings.to_toml());
    EXPECT_FALSE(loaded.error);
    EXPECT_EQ(loaded.settings, settings);
    const LoadedSettings bad = settings_from_toml("recent_files = 3\n");
    EXPECT_TRUE(bad.error);
    EXPECT_TRUE(bad.settings.recent_files.empty());
}

TEST(BackgroundFileOpener, LoadsInTheBackgroundAndReportsProgress) {
    TempDir dir;
    const std::string path = record_handshake(dir);
    BackgroundFileOpener loader;
    loader.start(path);
    const std::optional<LoadOutcome> outcome = wait_for(loader);
    ASSERT_TRUE(outcome);
    EXPECT_FALSE(outcome->error);
    EXPECT_FALSE(outcome->cancelled);
    ASSERT_TRUE(outcome->replay);
    EXPECT_EQ(outcome->path, path);
    EXPECT_EQ(outcome->replay->lesson, "handshake");
    EXPECT_FALSE(loader.loading());
    // The last report covers the whole file.
    EXPECT_EQ(loader.progress().bytes_done, fs::file_size(path));
    EXPECT_EQ(loader.progress().bytes_total, fs::file_size(path));
    EXPECT_FLOAT_EQ(loader.fraction(), 1.0f);
    EXPECT_FALSE(loader.take());  // handed over once
}

TEST(BackgroundFileOpener, CancelStopsALargeFile) {
    TempDir dir;
    // Enough packets for several progress reports (one every 4096 blocks).
    Trace trace;
    for (uint32_t index = 0; index < 200'000; ++index)
        add_segment(trace, 1'000'000'000 + int64_t(index) * 1000, 1000u + index, tcp_flag::Ack);
    const std::string path = dir.file("large.pcapng");
    ASSERT_TRUE(write_trace(trace, path, TraceWriteOptions{}).ok());

    BackgroundFileOpener loader;
    loader.start(path);
    loader.cancel();
    const std::optional<LoadOutcome> outcome = wait_for(loader);
    ASSERT_TRUE(outcome);
    EXPECT_TRUE(outcome->cancelled);
    EXPECT_FALSE(outcome->replay);
    EXPECT_LT(loader.progress().packets, 200'000u);

    // The same loader opens it fully afterwards.
    loader.start(path);
    const std::optional<LoadOutcome> full = wait_for(loader, 60s);
    ASSERT_TRUE(full && full->replay);
    EXPECT_EQ(full->replay->loaded.trace.packets().size(), 200'000u);
}

// An instructor's tcpdump capture: File > Open maps it and keeps only a summary
// per packet, so a file larger than memory still opens. The bytes a view asks
// for come from the file and match it.
TEST(BackgroundFileOpener, AForeignCaptureKeepsItsBytesInTheFile) {
    TempDir dir;
    const std::string path = dir.file("tcpdump.pcap");
    GeneratorOptions options;
    options.packets = 50'000;
    options.seed = 3;
    options.format = GeneratedFormat::Pcap;
    auto written = write_generated_capture(path, options);
    ASSERT_TRUE(written) << written.error().what;

    BackgroundFileOpener loader;
    loader.start(path);
    const std::optional<LoadOutcome> outcome = wait_for(loader, 60s);
    ASSERT_TRUE(outcome && outcome->replay);
    const Trace& trace = outcome->replay->loaded.trace;
    ASSERT_EQ(trace.packets().size(), written->packets);
    EXPECT_LT(trace.memory_bytes(), written->bytes / 2) << "frames were copied into memory";
    EXPECT_LE(trace.memory_bytes() / trace.packets().size(), 128u);

    auto copied = read_trace(path);
    ASSERT_TRUE(copied);
    for (size_t index : {size_t{0}, trace.packets().size() / 2, trace.packets().size() - 1}) {
        const auto want = copied->trace.raw_bytes(copied->trace.packets()[index]);
        const auto got = trace.raw_bytes(trace.packets()[index]);
        ASSERT_FALSE(got.empty()) << index;
        EXPECT_TRUE(std::equal(want.begin(), want.end(), got.begin(), got.end())) << index;
    }
}

TEST(BackgroundFileOpener, ADamagedFileOpensUpToTheFaultAndSaysWhere) {
    TempDir dir;
    const std::string path = record_handshake(dir);
    const uintmax_t size = fs::file_size(path);
    fs::resize_file(path, size - 7);  // the last block is cut short
    BackgroundFileOpener loader;
    loader.start(path);
    const std::optional<LoadOutcome> outcome = wait_for(loader);
    ASSERT_TRUE(outcome && outcome->replay);
    const LoadedTrace& loaded = outcome->replay->loaded;
    ASSERT_TRUE(loaded.fault);
    EXPECT_NE(loaded.fault->message().find("byte offset"), std::string::npos) << loaded.fault->message();
    EXPECT_GT(loaded.trace.packets().size(), 0u);

    const std::string not_a_capture = dir.file("notes.pcap");
    std::ofstream(not_a_capture) << "this is not a capture file at all";
    loader.start(not_a_capture);
    const std::optional<LoadOutcome> failed = wait_for(loader);
    ASSERT_TRUE(failed);
    EXPECT_TRUE(failed->error);
    EXPECT_FALSE(failed->replay);

    loader.start(dir.file("missing.pcapng"));
    const std::optional<LoadOutcome> missing = wait_for(loader);
    ASSERT_TRUE(missing);
    EXPECT_TRUE(missing->error);
}

TEST(LiveRecording, RecordsALiveRunAndItsNotes) {
    TempDir dir;
    StepController controller;
    SharedViewState shared;
    ASSERT_TRUE(controller.load("handshake").ok());
    const std::string path = dir.file("live.pcapng");
    std::ofstream(path) << "precious";
    EXPECT_FALSE(controller.start_recording(path, false).ok());  // an existing file is kept
    EXPECT_EQ(controller.recording(), nullptr);
    ASSERT_TRUE(controller.start_recording(path, true).ok());
    ASSERT_NE(controller.recording(), nullptr);

    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (controller.shown_steps() < 2 && std::chrono::steady_clock::now() < deadline) {
        if (!controller.busy()) controller.step();
        controller.update(shared);
        std::this_thread::sleep_for(5ms);
    }
    ASSERT_EQ(controller.shown_steps(), 2u);
    ASSERT_FALSE(controller.trace()->packets().empty());
    controller.add_note(note_on_packet(*controller.trace(), 0, "the first SYN"));
    controller.add_note(note_on_step(*controller.current_step(), "compare the two ISNs"));
    EXPECT_EQ(controller.notes().size(), 2u);
    EXPECT_EQ(controller.recording()->packets(), controller.trace()->packets().size());
    const size_t packets = controller.trace()->packets().size();
    auto finished = controller.stop_recording();
    ASSERT_TRUE(finished.ok());
    EXPECT_EQ(finished->packets, packets);
    EXPECT_EQ(controller.recording(), nullptr);

    const Replay replay = open_replay_file(path);
    EXPECT_EQ(replay.loaded.trace.packets().size(), packets);
    EXPECT_EQ(replay.steps.size(), 2u);
    EXPECT_EQ(replay.lesson, "handshake");
    const std::vector<InstructorNote> notes = instructor_notes(replay.loaded.trace);
    ASSERT_EQ(notes.size(), 2u);
    // Both are packet comments for Wireshark; stopping the recording moved the
    // packet's note (made after its packet was written) onto that packet.
    auto reader = CaptureFileReader::open(path);
    ASSERT_TRUE(reader.ok());
    CaptureRecord record;
    std::vector<std::vector<std::string>> comments;
    while (reader->next(record))
        if (record.kind == CaptureRecord::Kind::Packet) comments.push_back(record.comments);
    ASSERT_FALSE(comments.empty());
    EXPECT_NE(std::find(comments.front().begin(), comments.front().end(), "the first SYN"), comments.front().end());
    size_t carried = 0;
    for (const auto& packet_comments : comments) carried += packet_comments.size();
    EXPECT_EQ(carried, 2u);
}

}  // namespace
}  // namespace tcplab
