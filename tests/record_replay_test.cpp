// Recording a live run and replaying it from the terminal, on the real
// kernel: every built-in lesson recorded with TraceFollower reads back event
// for event; a recording killed with SIGKILL or stopped with Ctrl-C still
// opens; tshark reads every file we write without a word on stderr; and the
// tcplab program's --record, open and export as a user runs them.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "capture/recording_reader.hpp"
#include "capture/recording_writer.hpp"
#include "lab/exit_codes.hpp"
#include "lab/open_command.hpp"
#include "lab/record_command.hpp"
#include "lab/replay.hpp"
#include "scenarios/run.hpp"
#include "tests/environment.hpp"
#include "tests/fresh_netns.hpp"
#include "tests/run_tcplab.hpp"
#include "tests/temp_dir.hpp"
#include "tests/wait_until.hpp"

namespace tcplab {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// World-readable (TempDir is), so tshark can run as nobody (as root it warns on stderr).
using test::run_shell;
using test::TempDir;
using Outcome = test::ProgramOutcome;

// The program without a display, so `open` stays in the terminal.
Outcome run_tcplab(const std::string& arguments, bool with_stderr = true) {
    return test::run_tcplab(arguments, "env -u DISPLAY -u WAYLAND_DISPLAY NO_COLOR=1", with_stderr);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct TsharkRead {
    int exit_code = -1;
    std::vector<std::string> lines;  // "number<TAB>comment" per packet
    std::string errors;
};

// Lists the packets (custom blocks are rows without a time, left out) with their comments.
TsharkRead tshark_read(const std::string& path) {
    const std::string errors_path = path + ".tshark-stderr";
    // As nobody, with a home of its own: root's Wireshark profile is not readable to it.
    const std::string home = fs::path(path).parent_path().string();
    const std::string as_user = ::geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups -- env HOME='" +
                                                       home + "' XDG_CONFIG_HOME='" + home + "' "
                                                 : "";
    const Outcome listed =
        run_shell(as_user + "tshark -r '" + path +
                  "' -Y 'frame.time_epoch > 0' -T fields -e frame.number -e frame.comment 2>'" + errors_path + "'");
    TsharkRead read;
    read.exit_code = listed.exit_code;
    std::istringstream in(listed.output);
    for (std::string line; std::getline(in, line);) read.lines.push_back(line);
    std::ifstream errors(errors_path);
    read.errors.assign(std::istreambuf_iterator<char>(errors), {});
    fs::remove(errors_path);
    return read;
}

void expect_tshark_reads(const std::string& path, size_t packets) {
    if (test::missing_tshark()) return;  // the file was checked by our own reader all the same
    const TsharkRead read = tshark_read(path);
    EXPECT_EQ(read.exit_code, exit_code::kOk) << path;
    EXPECT_EQ(read.errors, "") << path;
    EXPECT_EQ(read.lines.size(), packets) << path;
}

std::vector<StateEvent> kernel_states(const Trace& trace) {
    std::vector<StateEvent> states;
    for (const StateEvent& state : trace.states())
        if (state.source != StateSource::Inferred) states.push_back(state);
    return states;
}

void expect_same_events(const Trace& live, const Trace& loaded) {
    ASSERT_EQ(live.packets().size(), loaded.packets().size());
    for (size_t i = 0; i < live.packets().size(); ++i) {
        SCOPED_TRACE("packet " + std::to_string(i));
        const PacketEvent& want = live.packets()[i];
        const PacketEvent& got = loaded.packets()[i];
        EXPECT_EQ(want.time_ns, got.time_ns);
        EXPECT_EQ(want.original_length, got.original_length);
        EXPECT_EQ(want.seq, got.seq);
        EXPECT_EQ(want.ack, got.ack);
        EXPECT_EQ(want.flags, got.flags);
        EXPECT_EQ(want.connection, got.connection);
        EXPECT_EQ(want.from_server, got.from_server);
        EXPECT_EQ(want.capture_point, got.capture_point);
        EXPECT_EQ(want.retransmission, got.retransmission);
        const auto want_bytes = live.raw_bytes(want), got_bytes = loaded.raw_bytes(got);
        EXPECT_TRUE(std::equal(want_bytes.begin(), want_bytes.end(), got_bytes.begin(), got_bytes.end()));
        EXPECT_EQ(live.relative_seq(want), loaded.relative_seq(got));
        EXPECT_EQ(live.relative_ack(want), loaded.relative_ack(got));
        EXPECT_EQ(live.sender_actor(want), loaded.sender_actor(got));
    }
    const auto want_states = kernel_states(live), got_states = kernel_states(loaded);
    ASSERT_EQ(want_states.size(), got_states.size());
    for (size_t i = 0; i < want_states.size(); ++i) {
        SCOPED_TRACE("state " + std::to_string(i));
        EXPECT_EQ(want_states[i].time_ns, got_states[i].time_ns);
        EXPECT_EQ(want_states[i].local, got_states[i].local);
        EXPECT_EQ(want_states[i].remote, got_states[i].remote);
        EXPECT_EQ(want_states[i].from, got_states[i].from);
        EXPECT_EQ(want_states[i].to, got_states[i].to);
        EXPECT_EQ(want_states[i].source, got_states[i].source);
        EXPECT_EQ(want_states[i].timer, got_states[i].timer);
        EXPECT_EQ(want_states[i].timer_expires_ms, got_states[i].timer_expires_ms);
        EXPECT_EQ(want_states[i].receive_queue, got_states[i].receive_queue);
        EXPECT_EQ(want_states[i].send_queue, got_states[i].send_queue);
    }
    ASSERT_EQ(live.calls().size(), loaded.calls().size());
    for (size_t i = 0; i < live.calls().size(); ++i) {
        SCOPED_TRACE("call " + std::to_string(i));
        const CallEvent& want = live.calls()[i];
        const CallEvent& got = loaded.calls()[i];
        EXPECT_EQ(want.time_ns, got.time_ns);
        EXPECT_EQ(want.return_ns, got.return_ns);
        EXPECT_EQ(want.actor, got.actor);
        EXPECT_EQ(want.call, got.call);
        EXPECT_EQ(want.arguments, got.arguments);
        EXPECT_EQ(want.result, got.result);
        EXPECT_EQ(want.error_number, got.error_number);
        EXPECT_EQ(want.data, got.data);
        EXPECT_EQ(want.local, got.local);
    }
    ASSERT_EQ(live.notes().size(), loaded.notes().size());
    for (size_t i = 0; i < live.notes().size(); ++i) {
        EXPECT_EQ(live.notes()[i].time_ns, loaded.notes()[i].time_ns);
        EXPECT_EQ(live.notes()[i].step, loaded.notes()[i].step);
        EXPECT_EQ(live.notes()[i].key, loaded.notes()[i].key);
    }
    ASSERT_EQ(live.wire_events().size(), loaded.wire_events().size());
    for (size_t i = 0; i < live.wire_events().size(); ++i) {
        EXPECT_EQ(live.wire_events()[i].time_ns, loaded.wire_events()[i].time_ns);
        EXPECT_EQ(live.wire_events()[i].segment, loaded.wire_events()[i].segment);
        EXPECT_EQ(live.wire_events()[i].action, loaded.wire_events()[i].action);
    }
    EXPECT_EQ(live.actors(), loaded.actors());
    EXPECT_EQ(live.lost_events(), loaded.lost_events());
    ASSERT_EQ(live.capture_points().size(), loaded.capture_points().size());
    for (const auto& [point, description] : live.capture_points()) {
        EXPECT_EQ(loaded.capture_points().at(point).host, description.host);
        EXPECT_EQ(loaded.capture_points().at(point).name, description.name);
    }
    ASSERT_EQ(live.connections().size(), loaded.connections().size());
    for (size_t i = 0; i < live.connections().size(); ++i) {
        EXPECT_EQ(live.connections()[i].client, loaded.connections()[i].client);
        EXPECT_EQ(live.connections()[i].server, loaded.connections()[i].server);
    }
}

std::unique_ptr<LessonRun> start_run(const LessonEntry& entry, RunOptions options = {}) {
    auto run = LessonRun::start(entry, options);
    EXPECT_TRUE(run.ok()) << (run.ok() ? "" : run.error().what + " / " + run.error().remedy);
    if (!run.ok()) return nullptr;
    return std::move(run.value());
}

void record_and_compare(const LessonEntry& entry, const std::string& path, RunOptions options = {}) {
    auto run = start_run(entry, options);
    ASSERT_NE(run, nullptr);
    auto recording = RunRecording::start(path, false, *run);
    ASSERT_TRUE(recording) << recording.error().what;
    while (!run->finished()) {
        run->step();
        ASSERT_TRUE((*recording)->after_step(*run));
    }
    run->finish();
    auto info = (*recording)->finish(*run);
    ASSERT_TRUE(info) << info.error().what;
    EXPECT_EQ(info->packets, run->trace().packets().size());

    auto loaded = read_trace(path);
    ASSERT_TRUE(loaded) << loaded.error().what;
    EXPECT_FALSE(loaded->fault) << loaded->fault->message();
    EXPECT_TRUE(loaded->warnings.empty());
    EXPECT_TRUE(loaded->from_tcplab);
    expect_same_events(run->trace(), loaded->trace);
    ASSERT_TRUE(loaded->lesson);
    EXPECT_EQ(*loaded->lesson, to_recorded_lesson(run->lesson()));
    ASSERT_EQ(loaded->steps.size(), run->outcomes().size());
    for (size_t i = 0; i < loaded->steps.size(); ++i) {
        EXPECT_EQ(loaded->steps[i], to_recorded_step(run->outcomes()[i]));
        EXPECT_EQ(to_step_outcome(loaded->steps[i]).passed(), run->outcomes()[i].passed());
    }
    expect_tshark_reads(path, run->trace().packets().size());
}

TEST(RecordReplay, EveryLessonRecordedLiveReadsBackEventForEvent) {
    TempDir dir;
    for (const LessonEntry& entry : lesson_catalog()) {
        SCOPED_TRACE(entry.name);
        record_and_compare(entry, dir.file(entry.name + ".pcapng"));
    }
}

TEST(RecordReplay, TwoHostsWithWireEventsReadBack) {
    if (auto missing = test::missing_tun()) GTEST_SKIP() << *missing;
    TempDir dir;
    RunOptions options;
    options.topology = Topology::TwoHosts;
    options.wire.latency = 5ms;
    options.wire.loss = 0.3;  // some segments are lost, so the file has wire events
    options.wire.seed = 7;
    record_and_compare(*find_builtin_lesson("handshake"), dir.file("two-hosts.pcapng"), options);
}

TEST(RecordReplay, SavedAgainWithANoteTsharkShowsTheComment) {
    TempDir dir;
    const std::string recorded = dir.file("recorded.pcapng");
    record_and_compare(*find_builtin_lesson("handshake"), recorded);
    auto loaded = read_trace(recorded);
    ASSERT_TRUE(loaded);
    ASSERT_GE(loaded->trace.packets().size(), 2u);
    // An instructor's note on the second packet, then "save as".
    loaded->trace.add_note(NoteEvent{loaded->trace.packets()[1].time_ns, -1, "look: ack = x+1"});
    TraceWriteOptions options;
    options.lesson = loaded->lesson;
    options.steps = loaded->steps;
    const std::string saved = dir.file("saved.pcapng");
    ASSERT_TRUE(write_trace(loaded->trace, saved, options));
    auto again = read_trace(saved);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->steps, loaded->steps);
    EXPECT_EQ(again->lesson, loaded->lesson);
    expect_same_events(loaded->trace, again->trace);
    if (auto missing = test::missing_tshark()) GTEST_SKIP() << *missing;
    const TsharkRead read = tshark_read(saved);
    EXPECT_EQ(read.errors, "");
    ASSERT_EQ(read.lines.size(), loaded->trace.packets().size());
    // The file keeps packets in the order they arrived, which is not always
    // time order when both capture points saw packets at once: the noted
    // packet is as far into the file as the packets that arrived before it.
    const PacketEvent& noted = loaded->trace.packets()[1];
    size_t noted_line = 0;
    for (const PacketEvent& packet : loaded->trace.packets())
        if (packet.raw_offset < noted.raw_offset) ++noted_line;
    // Frame numbers count the custom blocks too; the comment is the second field.
    const auto comment = [](const std::string& line) { return line.substr(line.find('\t') + 1); };
    for (size_t line = 0; line < read.lines.size(); ++line)
        EXPECT_EQ(comment(read.lines[line]), line == noted_line ? "look: ack = x+1" : "") << "packet " << line;
}

pid_t spawn_recording(const std::string& lesson, const std::string& path, const std::string& note = "") {
    const pid_t child = ::fork();
    if (child == 0) {
        ::setenv("NO_COLOR", "1", 1);
        const int null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, STDOUT_FILENO);
        ::dup2(null, STDERR_FILENO);
        if (note.empty())
            ::execl(TCPLAB_BINARY, TCPLAB_BINARY, "run", lesson.c_str(), "--record", path.c_str(), nullptr);
        else
            ::execl(TCPLAB_BINARY, TCPLAB_BINARY, "run", lesson.c_str(), "--record", path.c_str(), "--note",
                    note.c_str(), nullptr);
        ::_exit(127);
    }
    return child;
}

// Waits until the recording being written holds at least `packets` packets.
bool wait_for_packets(const std::string& path, size_t packets) {
    return test::wait_until([&] {
        auto loaded = read_trace(path);
        return loaded && loaded->packets >= packets;
    });
}

TEST(RecordReplay, RecordingKilledMidRunStillOpens) {
    TempDir dir;
    const std::string path = dir.file("killed.pcapng");
    const pid_t child = spawn_recording("teardown", path);
    ASSERT_GT(child, 0);
    const bool started = wait_for_packets(path, 3);
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    ASSERT_TRUE(started) << "the recording never reached three packets";
    EXPECT_TRUE(WIFSIGNALED(status));

    auto loaded = read_trace(path);
    ASSERT_TRUE(loaded) << loaded.error().what;
    EXPECT_FALSE(loaded->fault) << "every block is written whole: " << loaded->fault->message();
    EXPECT_GE(loaded->packets, 3u);
    ASSERT_TRUE(loaded->lesson);
    EXPECT_EQ(loaded->lesson->name, "teardown");
    EXPECT_LE(loaded->steps.size(), loaded->lesson->step_keys.size());
    expect_tshark_reads(path, loaded->packets);
    // The terminal replay shows it, and says the recording stops early if it does.
    const Outcome opened = run_tcplab("open '" + path + "'");
    EXPECT_EQ(opened.exit_code, exit_code::kOk) << opened.output;
}

// The comments tshark shows in `read`, without the frame numbers.
std::vector<std::string> tshark_comments(const TsharkRead& read) {
    std::vector<std::string> comments;
    for (const std::string& line : read.lines)
        if (const size_t tab = line.find('\t'); tab != std::string::npos && tab + 1 < line.size())
            comments.push_back(line.substr(tab + 1));
    return comments;
}

size_t notes_saying(const Trace& trace, const std::string& text) {
    return static_cast<size_t>(std::count_if(trace.notes().begin(), trace.notes().end(),
                                             [&](const NoteEvent& note) { return note.key == text; }));
}

// Killed while writing notes as packet comments, the file is still one that
// tshark reads without a word, and each note it shows is one tcplab read once.
TEST(RecordReplay, RecordingWithANoteKilledMidRunIsReadByTshark) {
    TempDir dir;
    const std::string path = dir.file("killed-noted.pcapng");
    const pid_t child = spawn_recording("teardown", path, "1:the first step");
    ASSERT_GT(child, 0);
    // Killed once the note is in the file with the first step's packets after it.
    const bool started = test::wait_until([&] {
        auto loaded = read_trace(path);
        return loaded && loaded->packets >= 3 && notes_saying(loaded->trace, "the first step") == 1;
    });
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    ASSERT_TRUE(started) << "the recording never held the note and three packets";
    auto loaded = read_trace(path);
    ASSERT_TRUE(loaded) << loaded.error().what;
    EXPECT_FALSE(loaded->fault) << loaded->fault->message();
    EXPECT_EQ(notes_saying(loaded->trace, "the first step"), 1u);
    if (auto missing = test::missing_tshark()) GTEST_SKIP() << *missing;
    const TsharkRead read = tshark_read(path);
    EXPECT_EQ(read.exit_code, exit_code::kOk);
    EXPECT_EQ(read.errors, "");
    EXPECT_EQ(read.lines.size(), loaded->packets);
    // The first step's first packet carries it: a comment from the moment it was written.
    EXPECT_EQ(tshark_comments(read), std::vector<std::string>{"the first step"});
}

TEST(RecordReplay, CtrlCFinishesTheFile) {
    TempDir dir;
    const std::string path = dir.file("interrupted.pcapng");
    const pid_t child = spawn_recording("teardown", path);
    ASSERT_GT(child, 0);
    const bool started = wait_for_packets(path, 1);
    ::kill(child, SIGINT);
    int status = 0;
    ::waitpid(child, &status, 0);
    ASSERT_TRUE(started);
    ASSERT_TRUE(WIFEXITED(status)) << "Ctrl-C ends the run after its step, not the process at once";
    EXPECT_EQ(WEXITSTATUS(status), 128 + SIGINT);
    auto loaded = read_trace(path);
    ASSERT_TRUE(loaded) << loaded.error().what;
    EXPECT_FALSE(loaded->fault);
    EXPECT_GE(loaded->steps.size(), 1u) << "the step in progress is finished and recorded";
    expect_tshark_reads(path, loaded->packets);
}

// A disk that fills up while recording, made with a file size limit (EFBIG
// behaves as ENOSPC does: the write fails part-way through a block).
TEST(RecordReplay, AFullDiskStopsTheRunAndTheFileEndsAtItsLastWholeBlock) {
    if (auto missing = test::missing_sandbox()) GTEST_SKIP() << *missing;
    TempDir dir;
    const std::string path = dir.file("full.pcapng");
    constexpr uintmax_t kLimit = 16384;  // the first steps fit, the whole lesson does not
    // Through a pipe: the limit applies to every file tcplab writes, and its
    // output must not be one of them.
    const Outcome outcome = run_shell("{ prlimit --fsize=" + std::to_string(kLimit) + " '" + TCPLAB_BINARY +
                                      "' run handshake --record '" + path + "' 2>&1; echo \"exit $?\"; } | cat");
    EXPECT_NE(outcome.output.find("exit " + std::to_string(exit_code::kCannotWrite) + "\n"), std::string::npos)
        << outcome.output;
    auto count = [&](const std::string& text) {
        size_t found = 0;
        for (size_t at = outcome.output.find(text); at != std::string::npos; at = outcome.output.find(text, at + 1))
            ++found;
        return found;
    };
    EXPECT_EQ(count("cannot write to " + path + ": File too large"), 1u) << outcome.output;
    EXPECT_EQ(count("ulimit -f"), 1u) << "the fix, once: " << outcome.output;
    EXPECT_EQ(count("earlier write"), 0u) << "one error, not one per step: " << outcome.output;
    EXPECT_EQ(count("Step 12 of 12"), 0u) << "the run stops when the recording cannot go on";

    EXPECT_LE(std::filesystem::file_size(path), kLimit);
    auto loaded = read_trace(path);
    ASSERT_TRUE(loaded) << loaded.error().what;
    EXPECT_FALSE(loaded->fault) << "the half-written block is cut off: " << loaded->fault->message();
    EXPECT_GE(loaded->packets, 3u);
    EXPECT_GE(loaded->steps.size(), 1u);
    expect_tshark_reads(path, loaded->packets);
}

// ---- the program, as a user runs it ----

TEST(RecordCli, RefusesToOverwriteWithoutForce) {
    TempDir dir;
    const std::string path = dir.file("taken.pcapng");
    std::ofstream(path) << "an earlier recording";
    const Outcome refused = run_tcplab("run handshake --record '" + path + "'");
    EXPECT_EQ(refused.exit_code, exit_code::kUsage) << refused.output;
    EXPECT_TRUE(contains(refused.output, "already exists")) << refused.output;
    EXPECT_TRUE(contains(refused.output, "--force"));
    EXPECT_FALSE(contains(refused.output, "SYN")) << "nothing runs";
    std::ifstream kept(path);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(kept), {}), "an earlier recording");

    const Outcome forced = run_tcplab("run handshake --record '" + path + "' --force");
    EXPECT_EQ(forced.exit_code, exit_code::kOk) << forced.output;
    EXPECT_TRUE(contains(forced.output, "Recorded ")) << forced.output;
    EXPECT_TRUE(contains(forced.output, path));
    auto loaded = read_trace(path);
    ASSERT_TRUE(loaded);
    EXPECT_GT(loaded->packets, 0u);
}

// A note given to a live recording (`run --note`) is a packet comment in the
// file the run produced, which tshark prints, and tcplab reads it back once.
TEST(RecordCli, ANoteWrittenWhileRecordingIsACommentTsharkShows) {
    if (auto missing = test::missing_sandbox()) GTEST_SKIP() << *missing;
    TempDir dir;
    const std::string path = dir.file("noted.pcapng");
    const std::string text = "the server picks its own ISN";
    const Outcome live = run_tcplab("run handshake --no-predict --record '" + path + "' --note '2:" + text + "'");
    ASSERT_EQ(live.exit_code, exit_code::kOk) << live.output;
    EXPECT_TRUE(contains(live.output, "note: " + text)) << live.output;
    auto loaded = read_trace(path);
    ASSERT_TRUE(loaded) << loaded.error().what;
    EXPECT_EQ(notes_saying(loaded->trace, text), 1u);
    const Outcome opened = run_tcplab("open '" + path + "'");
    const size_t first = opened.output.find(text);
    EXPECT_NE(first, std::string::npos) << opened.output;
    EXPECT_EQ(first, opened.output.rfind(text)) << "shown once: " << opened.output;

    const Outcome refused = run_tcplab("run handshake --record '" + dir.file("other.pcapng") + "' --note 'no step'");
    EXPECT_EQ(refused.exit_code, exit_code::kUsage) << refused.output;
    EXPECT_TRUE(contains(refused.output, "--note no step")) << refused.output;
    const Outcome no_such_step =
        run_tcplab("run handshake --record '" + dir.file("other.pcapng") + "' --note '99:late'");
    EXPECT_EQ(no_such_step.exit_code, exit_code::kUsage) << no_such_step.output;
    EXPECT_TRUE(contains(no_such_step.output, "--note 99:late: this lesson has")) << no_such_step.output;
    EXPECT_FALSE(fs::exists(dir.file("other.pcapng"))) << "nothing is recorded";

    if (auto missing = test::missing_tshark()) GTEST_SKIP() << *missing;
    const TsharkRead read = tshark_read(path);
    EXPECT_EQ(read.errors, "");
    EXPECT_EQ(tshark_comments(read), std::vector<std::string>{text});
}

// What a step shows in the terminal: its heading, every event line and each
// ✓/✗, the same live and in a replay. (Questions asked live, such as
// predictions, are not part of the recording.)
std::string steps_part(const std::string& output) {
    static const std::regex kEvent(R"(^\s+\+\d+\s.*)");
    std::string kept;
    std::istringstream in(output);
    for (std::string line; std::getline(in, line);)
        if (line.rfind("── ", 0) == 0 || contains(line, "  ✓ ") || contains(line, "  ✗ ") ||
            std::regex_match(line, kEvent))
            kept += line + "\n";
    return kept;
}

TEST(RecordCli, OpenReplaysARecordingAsTheRunLooked) {
    TempDir dir;
    const std::string path = dir.file("lesson.pcapng");
    const Outcome live = run_tcplab("run handshake --record '" + path + "'", false);
    ASSERT_EQ(live.exit_code, exit_code::kOk) << live.output;
    const Outcome replay = run_tcplab("open '" + path + "'", false);
    ASSERT_EQ(replay.exit_code, exit_code::kOk) << replay.output;
    EXPECT_TRUE(contains(replay.output, "tcplab recording")) << replay.output;
    EXPECT_TRUE(contains(replay.output, "✓"));
    EXPECT_TRUE(contains(steps_part(live.output), "── ")) << live.output;
    EXPECT_EQ(steps_part(live.output), steps_part(replay.output));

    const Outcome chinese = run_tcplab("--lang zh open '" + path + "'", false);
    EXPECT_EQ(chinese.exit_code, exit_code::kOk);
    EXPECT_TRUE(contains(chinese.output, "回放")) << chinese.output;

    const Outcome json = run_tcplab("--json open '" + path + "'", false);
    ASSERT_EQ(json.exit_code, exit_code::kOk);
    std::istringstream in(json.output);
    std::vector<nlohmann::json> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines.front()["type"], "file");
    EXPECT_EQ(lines.front()["lesson"], "handshake");
    EXPECT_EQ(lines.back()["type"], "summary");
    EXPECT_EQ(lines.back()["passed"], true);
    size_t steps = 0, expectations = 0;
    for (const auto& line : lines) {
        steps += line["type"] == "step";
        expectations += line["type"] == "expectation";
    }
    EXPECT_EQ(steps, find_builtin_lesson("handshake")->build(Addresses{}).steps.size());
    EXPECT_GT(expectations, 0u);
}

TEST(RecordCli, OpenShowsWhatIsValidInADamagedFile) {
    TempDir dir;
    const std::string path = dir.file("damaged.pcapng");
    ASSERT_EQ(run_tcplab("run handshake --record '" + path + "'").exit_code, exit_code::kOk);
    // Cut the file in the middle of a block.
    const auto size = fs::file_size(path);
    fs::resize_file(path, size - size / 3 - 2);
    const Outcome opened = run_tcplab("open '" + path + "'");
    EXPECT_EQ(opened.exit_code, exit_code::kFileDamaged) << opened.output;
    EXPECT_TRUE(contains(opened.output, "damaged")) << opened.output;
    EXPECT_TRUE(contains(opened.output, "at byte offset"));
    EXPECT_TRUE(contains(opened.output, "SYN")) << "what came before the fault is shown";

    const Outcome missing = run_tcplab("open '" + dir.file("nothing.pcapng") + "'");
    EXPECT_EQ(missing.exit_code, exit_code::kFileUnreadable) << missing.output;
}

// Both ends' FINs, and the last ACK after them: the whole connection is in the file.
bool holds_whole_connection(const std::string& path) {
    auto loaded = read_trace(path);
    if (!loaded) return false;
    const std::vector<PacketEvent>& packets = loaded->trace.packets();
    const auto fins = std::count_if(packets.begin(), packets.end(),
                                    [](const PacketEvent& packet) { return (packet.flags & tcp_flag::Fin) != 0; });
    return fins == 2 && (packets.back().flags & tcp_flag::Fin) == 0;
}

// tcpdump writes a capture of a real connection in a fresh namespace.
void tcpdump_capture(const std::string& path) {
    ASSERT_TRUE(test::run_in_fresh_network_namespace([&] {
        int said[2];
        ASSERT_EQ(::pipe2(said, O_CLOEXEC), 0);
        const pid_t dumper = ::fork();
        if (dumper == 0) {
            const int null = ::open("/dev/null", O_WRONLY);
            ::dup2(said[1], STDERR_FILENO);
            ::dup2(null, STDOUT_FILENO);
            ::execlp("tcpdump", "tcpdump", "-i", "lo", "-U", "-w", path.c_str(), "tcp", nullptr);
            ::_exit(exit_code::kCommandNotFound);
        }
        ::close(said[1]);
        // tcpdump says "listening on lo, ..." once it captures. The pipe stays
        // open until it has ended: a write to a closed pipe would kill it.
        std::string told;
        char piece[256];
        ssize_t count = 0;
        while (told.find('\n') == std::string::npos && (count = ::read(said[0], piece, sizeof piece)) > 0)
            told.append(piece, static_cast<size_t>(count));
        EXPECT_NE(told.find("listening on"), std::string::npos) << told;
        const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(5000);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address);
        ::listen(listener, 1);
        const int client = ::socket(AF_INET, SOCK_STREAM, 0);
        EXPECT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
        const int server = ::accept(listener, nullptr, nullptr);
        ::send(client, "hello", 5, 0);
        char buffer[16];
        ::recv(server, buffer, sizeof buffer, 0);
        ::close(client);
        ::close(server);
        ::close(listener);
        EXPECT_TRUE(test::wait_until([&] { return holds_whole_connection(path); }));
        ::kill(dumper, SIGINT);
        int status = 0;
        ::waitpid(dumper, &status, 0);
        ::close(said[0]);
    }));
}

TEST(RecordCli, OpenATcpdumpCaptureWithInferredStates) {
    TempDir dir;
    const std::string path = dir.file("tcpdump.pcap");
    if (auto missing = test::missing_root()) GTEST_SKIP() << *missing;
    if (::system("command -v tcpdump > /dev/null 2>&1") != 0)
        GTEST_SKIP() << "no tcpdump: sudo apt-get install tcpdump";
    tcpdump_capture(path);
    if (HasFatalFailure()) return;
    const Outcome opened = run_tcplab("open '" + path + "'");
    ASSERT_EQ(opened.exit_code, exit_code::kOk) << opened.output;
    EXPECT_TRUE(contains(opened.output, "Not a tcplab recording")) << opened.output;
    EXPECT_TRUE(contains(opened.output, "127.0.0.1:5000")) << opened.output;
    EXPECT_TRUE(contains(opened.output, "SYN"));
    EXPECT_TRUE(contains(opened.output, "[inferred]"));
    EXPECT_TRUE(contains(opened.output, "ESTABLISHED"));

    const Outcome json = run_tcplab("--json open '" + path + "'", false);
    ASSERT_EQ(json.exit_code, exit_code::kOk);
    std::istringstream in(json.output);
    size_t states = 0, packets = 0;
    for (std::string line; std::getline(in, line);) {
        const auto object = nlohmann::json::parse(line);
        if (object["type"] == "state") {
            ++states;
            EXPECT_EQ(object["source"], "inferred");
        }
        packets += object["type"] == "packet";
    }
    EXPECT_GT(states, 0u);
    EXPECT_GE(packets, 8u) << "handshake, data, its ACK, and the teardown";
    const Outcome exported = run_tcplab("export '" + path + "' --format csv", false);
    EXPECT_EQ(exported.exit_code, exit_code::kOk);
    EXPECT_TRUE(contains(exported.output, ",SYN-ACK,"));
}

TEST(RecordCli, ExportFormats) {
    TempDir dir;
    const std::string path = dir.file("lesson.pcapng");
    ASSERT_EQ(run_tcplab("run handshake --record '" + path + "'").exit_code, exit_code::kOk);

    const std::string svg_path = dir.file("ladder.svg");
    const Outcome svg = run_tcplab("export '" + path + "' --format svg --out '" + svg_path + "'");
    EXPECT_EQ(svg.exit_code, exit_code::kOk) << svg.output;
    std::ifstream svg_file(svg_path);
    const std::string svg_text(std::istreambuf_iterator<char>(svg_file), {});
    EXPECT_EQ(svg_text.rfind("<?xml", 0), 0u);
    EXPECT_TRUE(contains(svg_text, "class=\"arrow\""));
    EXPECT_TRUE(contains(svg_text, "SYN, ACK seq=0 ack=1"));

    const Outcome csv = run_tcplab("export '" + path + "' --format csv", false);
    EXPECT_EQ(csv.exit_code, exit_code::kOk);
    EXPECT_EQ(csv.output.rfind("kind,time_ns,", 0), 0u);
    EXPECT_TRUE(contains(csv.output, ",tracepoint,") || contains(csv.output, ",socket dump,"));

    const Outcome first_step = run_tcplab("export '" + path + "' --format json --steps 1", false);
    const Outcome all = run_tcplab("export '" + path + "' --format json", false);
    EXPECT_EQ(first_step.exit_code, exit_code::kOk);
    EXPECT_LT(first_step.output.size(), all.output.size());
    EXPECT_EQ(run_tcplab("export '" + path + "' --steps 99").exit_code, exit_code::kUsage);
    EXPECT_EQ(run_tcplab("export '" + path + "' --format png").exit_code, exit_code::kUsage);
}

}  // namespace
}  // namespace tcplab
