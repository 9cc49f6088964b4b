// Trace <-> pcapng: a trace written and read back is identical event for
// event; a streaming recording killed with SIGKILL reads to its last complete
// block; foreign captures give packets and inferred states; tshark reads our
// files without a warning and shows our packet comments.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "capture/recording_reader.hpp"
#include "capture/recording_writer.hpp"
#include "tests/environment.hpp"
#include "tests/fixtures/malformed/capture_files.hpp"
#include "tests/frame_builder.hpp"

namespace tcplab {
namespace {

namespace fs = std::filesystem;

class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "recording_file_test.XXXXXX").string();
        path_ = ::mkdtemp(pattern.data());
    }
    ~TempDir() { fs::remove_all(path_); }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    fs::path path_;
};

const Endpoint kClient{IpAddress::v4(10, 0, 0, 1), 40000};
const Endpoint kServer{IpAddress::v4(10, 0, 0, 2), 5000};
const Endpoint kOther{IpAddress::v4(10, 0, 0, 3), 1234};
constexpr int64_t kStart = 1'700'000'000'000'000'000;

std::vector<uint8_t> segment(const Endpoint& from, const Endpoint& to, uint8_t flags, uint32_t seq, uint32_t ack,
                             std::string payload = {}) {
    return test::ethernet_ipv4_tcp(
        test::TcpFrame{.source = from, .destination = to, .flags = flags, .seq = seq, .ack = ack, .payload = payload});
}

// One event as it arrives during a run, in arrival order.
struct Arrival {
    enum class Kind { Packet, State, Call, Note } kind;
    CapturedPacket packet{};
    StateEvent state{};
    CallEvent call{};
    NoteEvent note{};
};

// A lesson's worth of events: handshake, data, teardown with TIME_WAIT, the
// calls that caused them, lesson steps, an instructor note on a packet, a
// second capture point with another link type, and an undecodable frame.
std::vector<Arrival> lesson() {
    std::vector<Arrival> arrivals;
    const auto packet = [&](int64_t at, const std::vector<uint8_t>& frame, uint8_t capture_point = 0,
                            LinkType link = LinkType::Ethernet) {
        Arrival arrival{.kind = Arrival::Kind::Packet};
        arrival.packet = Trace::capture(kStart + at, capture_point, link, static_cast<uint32_t>(frame.size()), frame);
        arrivals.push_back(std::move(arrival));
    };
    const auto state = [&](int64_t at, const Endpoint& local, const Endpoint& remote, TcpState from, TcpState to,
                           StateSource source) {
        Arrival arrival{.kind = Arrival::Kind::State};
        arrival.state = StateEvent{
            .time_ns = kStart + at, .local = local, .remote = remote, .from = from, .to = to, .source = source};
        arrivals.push_back(std::move(arrival));
        return &arrivals.back().state;
    };
    const auto call = [&](int64_t at, Actor actor, std::string name, std::string arguments, int64_t result,
                          int error_number = 0, std::string data = {}) {
        Arrival arrival{.kind = Arrival::Kind::Call};
        arrival.call = CallEvent{kStart + at,     kStart + at + 40,     actor,
                                 std::move(name), std::move(arguments), result,
                                 error_number,    std::move(data),      actor == Actor::Client ? kClient : kServer};
        arrivals.push_back(std::move(arrival));
    };
    const auto note = [&](int64_t at, int step, std::string key) {
        Arrival arrival{.kind = Arrival::Kind::Note};
        arrival.note = NoteEvent{kStart + at, step, std::move(key)};
        arrivals.push_back(std::move(arrival));
    };

    note(0, 0, "handshake.step.listen");
    call(5, Actor::Server, "listen", "fd=3, backlog=5", 0);
    state(7, kServer, Endpoint{}, TcpState::Closed, TcpState::Listen, StateSource::Tracepoint);
    note(100, 1, "handshake.step.connect");
    call(110, Actor::Client, "connect", "fd=4, 10.0.0.2:5000", 0);
    packet(120, segment(kClient, kServer, tcp_flag::Syn, 1000, 0));
    packet(130, segment(kServer, kClient, tcp_flag::Syn | tcp_flag::Ack, 5000, 1001));
    note(130, -1, "Instructor: the SYN-ACK acknowledges x+1");
    packet(140, segment(kClient, kServer, tcp_flag::Ack, 1001, 5001));
    state(141, kClient, kServer, TcpState::SynSent, TcpState::Established, StateSource::Tracepoint);
    call(200, Actor::Client, "send", "fd=4, 5 bytes", 5, 0, std::string("hel\0o", 5));
    packet(210, segment(kClient, kServer, tcp_flag::Psh | tcp_flag::Ack, 1001, 5001, "hello"));
    StateEvent* dump =
        state(215, kServer, kClient, TcpState::SynReceived, TcpState::Established, StateSource::SocketDump);
    dump->receive_queue = 5;
    dump->send_queue = 0;
    dump->timer = SocketTimer::KeepAlive;
    dump->timer_expires_ms = 7200000;
    packet(220, segment(kServer, kClient, tcp_flag::Ack, 5001, 1006));
    call(230, Actor::Server, "recv", "fd=5", -1, 11);
    // A second capture point that sees IP packets without an Ethernet header.
    const auto other_syn = segment(kOther, kServer, tcp_flag::Syn, 77, 0);
    packet(240, std::vector<uint8_t>(other_syn.begin() + 14, other_syn.end()), 1, LinkType::Raw);
    packet(250, std::vector<uint8_t>{1, 2, 3, 4, 5, 6, 7}, 2, static_cast<LinkType>(147));
    note(300, 2, "handshake.step.close");
    packet(310, segment(kClient, kServer, tcp_flag::Fin | tcp_flag::Ack, 1006, 5001));
    packet(320, segment(kServer, kClient, tcp_flag::Ack, 5001, 1007));
    packet(330, segment(kServer, kClient, tcp_flag::Fin | tcp_flag::Ack, 5001, 1007));
    packet(340, segment(kClient, kServer, tcp_flag::Ack, 1007, 5002));
    StateEvent* time_wait =
        state(345, kClient, kServer, TcpState::FinWait2, TcpState::TimeWait, StateSource::SocketDump);
    time_wait->timer = SocketTimer::TimeWait;
    time_wait->timer_expires_ms = 59000;
    return arrivals;
}

void feed(Trace& trace, const Arrival& arrival) {
    switch (arrival.kind) {
        case Arrival::Kind::Packet:
            trace.add_packet(arrival.packet);
            break;
        case Arrival::Kind::State:
            trace.add_state(arrival.state);
            break;
        case Arrival::Kind::Call:
            trace.add_call(arrival.call);
            break;
        case Arrival::Kind::Note:
            trace.add_note(arrival.note);
            break;
    }
}

const std::vector<ActorAssignment> kActors = {
    {kClient, Actor::Client}, {kServer, Actor::Server}, {kOther, Actor::Attacker}};

Trace live_trace() {
    Trace trace;
    for (const ActorAssignment& actor : kActors) trace.assign_actor(actor.local, actor.actor);
    for (const Arrival& arrival : lesson()) feed(trace, arrival);
    trace.count_lost_events(3);
    trace.flush_inferred();
    return trace;
}

// Field by field, so a mismatch says which event and which field.
void expect_identical(const Trace& expected, const Trace& actual) {
    ASSERT_EQ(expected.packets().size(), actual.packets().size());
    for (size_t i = 0; i < expected.packets().size(); ++i) {
        const PacketEvent& want = expected.packets()[i];
        const PacketEvent& got = actual.packets()[i];
        SCOPED_TRACE("packet " + std::to_string(i));
        EXPECT_EQ(want.time_ns, got.time_ns);
        EXPECT_EQ(want.raw_offset, got.raw_offset);
        EXPECT_EQ(want.raw_length, got.raw_length);
        EXPECT_EQ(want.original_length, got.original_length);
        EXPECT_EQ(want.seq, got.seq);
        EXPECT_EQ(want.ack, got.ack);
        EXPECT_EQ(want.payload_length, got.payload_length);
        EXPECT_EQ(want.connection, got.connection);
        EXPECT_EQ(want.window, got.window);
        EXPECT_EQ(want.link, got.link);
        EXPECT_EQ(want.flags, got.flags);
        EXPECT_EQ(want.from_server, got.from_server);
        EXPECT_EQ(want.capture_point, got.capture_point);
        EXPECT_EQ(want.transport, got.transport);
        EXPECT_EQ(want.decode_failed, got.decode_failed);
        const auto want_bytes = expected.raw_bytes(want), got_bytes = actual.raw_bytes(got);
        EXPECT_TRUE(std::equal(want_bytes.begin(), want_bytes.end(), got_bytes.begin(), got_bytes.end()));
        EXPECT_EQ(expected.relative_seq(want), actual.relative_seq(got));
        EXPECT_EQ(expected.sender_actor(want), actual.sender_actor(got));
    }
    ASSERT_EQ(expected.states().size(), actual.states().size());
    for (size_t i = 0; i < expected.states().size(); ++i) {
        const StateEvent& want = expected.states()[i];
        const StateEvent& got = actual.states()[i];
        SCOPED_TRACE("state " + std::to_string(i));
        EXPECT_EQ(want.time_ns, got.time_ns);
        EXPECT_EQ(want.local, got.local);
        EXPECT_EQ(want.remote, got.remote);
        EXPECT_EQ(want.from, got.from);
        EXPECT_EQ(want.to, got.to);
        EXPECT_EQ(want.source, got.source);
        EXPECT_EQ(want.connection, got.connection);
        EXPECT_EQ(want.receive_queue, got.receive_queue);
        EXPECT_EQ(want.send_queue, got.send_queue);
        EXPECT_EQ(want.timer, got.timer);
        EXPECT_EQ(want.timer_expires_ms, got.timer_expires_ms);
    }
    ASSERT_EQ(expected.calls().size(), actual.calls().size());
    for (size_t i = 0; i < expected.calls().size(); ++i) {
        const CallEvent& want = expected.calls()[i];
        const CallEvent& got = actual.calls()[i];
        SCOPED_TRACE("call " + std::to_string(i));
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
    ASSERT_EQ(expected.notes().size(), actual.notes().size());
    for (size_t i = 0; i < expected.notes().size(); ++i) {
        SCOPED_TRACE("note " + std::to_string(i));
        EXPECT_EQ(expected.notes()[i].time_ns, actual.notes()[i].time_ns);
        EXPECT_EQ(expected.notes()[i].step, actual.notes()[i].step);
        EXPECT_EQ(expected.notes()[i].key, actual.notes()[i].key);
    }
    ASSERT_EQ(expected.connections().size(), actual.connections().size());
    for (size_t i = 0; i < expected.connections().size(); ++i) {
        EXPECT_EQ(expected.connections()[i].client, actual.connections()[i].client);
        EXPECT_EQ(expected.connections()[i].server, actual.connections()[i].server);
        EXPECT_EQ(expected.connections()[i].client_base, actual.connections()[i].client_base);
        EXPECT_EQ(expected.connections()[i].server_base, actual.connections()[i].server_base);
        EXPECT_EQ(expected.connections()[i].packet_count, actual.connections()[i].packet_count);
    }
    EXPECT_EQ(expected.lost_events(), actual.lost_events());
    for (const ActorAssignment& actor : kActors)
        EXPECT_EQ(expected.actor_of(actor.local), actual.actor_of(actor.local));
}

const std::vector<WireEvent> kWire = {
    WireEvent{kStart + 125, 1, WireAction::Held, WireActor::Wire, WireDirection::ToServer},
    WireEvent{kStart + 126, 1, WireAction::Released, WireActor::Student, WireDirection::ToServer},
};

TEST(TraceFile, WrittenTraceReadsBackIdenticalEventForEvent) {
    TempDir dir;
    const Trace original = live_trace();
    ASSERT_GT(original.states().size(), 4u) << "the lesson should have inferred states as well as kernel ones";
    const std::string path = dir.file("lesson.pcapng");
    auto written =
        write_trace(original, path,
                    TraceWriteOptions{.capture_point_names = {"lo", "wire"}, .actors = kActors, .wire_events = kWire});
    ASSERT_TRUE(written) << written.error().what;
    EXPECT_EQ(written->packets, original.packets().size());
    EXPECT_EQ(written->bytes, fs::file_size(path));

    auto loaded = read_trace(path);
    ASSERT_TRUE(loaded) << loaded.error().what;
    EXPECT_FALSE(loaded->fault) << loaded->fault->message();
    EXPECT_TRUE(loaded->warnings.empty()) << loaded->warnings.front();
    EXPECT_TRUE(loaded->from_tcplab);
    EXPECT_EQ(loaded->format, CaptureFormat::Pcapng);
    expect_identical(original, loaded->trace);
    EXPECT_EQ(loaded->actors, kActors);
    ASSERT_EQ(loaded->wire_events.size(), kWire.size());
    EXPECT_EQ(loaded->wire_events[1].action, WireAction::Released);
    EXPECT_EQ(loaded->wire_events[1].by, WireActor::Student);
    // One interface per capture point, named as asked, in nanoseconds.
    ASSERT_EQ(loaded->interfaces.size(), 3u);
    EXPECT_EQ(loaded->interfaces[0].name, "lo");
    EXPECT_EQ(loaded->interfaces[1].name, "wire");
    EXPECT_EQ(loaded->interfaces[1].link_type, 101);
    EXPECT_EQ(loaded->interfaces[2].name, "capture point 2");
    EXPECT_EQ(loaded->interfaces[0].resolution_exponent, 9);
    EXPECT_TRUE(loaded->trace.packets()[6].decode_failed) << "the unknown link type stays undecodable";
}

TEST(TraceFile, InstructorNoteOnAPacketIsAlsoItsPacketComment) {
    TempDir dir;
    const std::string path = dir.file("comment.pcapng");
    ASSERT_TRUE(write_trace(live_trace(), path, {}));
    auto reader = CaptureFileReader::open(path);
    ASSERT_TRUE(reader);
    CaptureRecord record;
    std::vector<std::string> comments;
    while (reader->next(record))
        for (const std::string& comment : record.comments) comments.push_back(comment);
    EXPECT_EQ(comments, (std::vector<std::string>{"Instructor: the SYN-ACK acknowledges x+1"}));
}

TEST(TraceFile, StreamingRecorderMatchesTheLiveTrace) {
    TempDir dir;
    const std::string path = dir.file("live.pcapng");
    auto recorder = TraceRecorder::create(path, TraceWriteOptions{.actors = kActors});
    ASSERT_TRUE(recorder) << recorder.error().what;
    Trace live;
    for (const ActorAssignment& actor : kActors) live.assign_actor(actor.local, actor.actor);
    for (const Arrival& arrival : lesson()) {
        feed(live, arrival);
        switch (arrival.kind) {
            case Arrival::Kind::Packet:
                ASSERT_TRUE(recorder->add_packet(arrival.packet));
                break;
            case Arrival::Kind::State:
                ASSERT_TRUE(recorder->add_state(arrival.state));
                break;
            case Arrival::Kind::Call:
                ASSERT_TRUE(recorder->add_call(arrival.call));
                break;
            case Arrival::Kind::Note:
                ASSERT_TRUE(recorder->add_note(arrival.note));
                break;
        }
    }
    live.count_lost_events(3);
    ASSERT_TRUE(recorder->add_lost_events(3));
    for (const WireEvent& wire : kWire) ASSERT_TRUE(recorder->add_wire(wire));
    auto info = recorder->finish();
    ASSERT_TRUE(info) << info.error().what;
    live.flush_inferred();

    auto loaded = read_trace(path);
    ASSERT_TRUE(loaded) << loaded.error().what;
    EXPECT_FALSE(loaded->fault);
    expect_identical(live, loaded->trace);
    EXPECT_EQ(loaded->wire_events.size(), kWire.size());
}

// Each packet's comments, in file order, as any pcapng reader sees them.
std::vector<std::vector<std::string>> packet_comments(const std::string& path) {
    std::vector<std::vector<std::string>> comments;
    auto reader = CaptureFileReader::open(path);
    EXPECT_TRUE(reader);
    if (!reader) return comments;
    CaptureRecord record;
    while (reader->next(record))
        if (record.kind == CaptureRecord::Kind::Packet) comments.push_back(record.comments);
    return comments;
}

// A note made while recording is a comment at once, on the next packet
// written, so a file whose writer is killed (here: one never finished) shows
// it in Wireshark; closing the recording moves it onto its own packet. A
// step's start stays a record only, and tcplab reads each note once.
TEST(TraceFile, NotesMadeWhileRecordingAreCommentsEvenBeforeTheFileIsClosed) {
    TempDir dir;
    const std::string path = dir.file("live-notes.pcapng");
    auto recorder = TraceRecorder::create(path, {});
    ASSERT_TRUE(recorder) << recorder.error().what;
    const auto packet = [](uint32_t index) {
        const auto frame = segment(kClient, kServer, tcp_flag::Ack, 1000 + index, 1, "");
        return Trace::capture(kStart + 100 * index, 0, LinkType::Ethernet, 54, frame);
    };
    ASSERT_TRUE(recorder->add_note(NoteEvent{kStart, 0, "handshake.step.listen"}));
    ASSERT_TRUE(recorder->add_packet(packet(0)));
    ASSERT_TRUE(recorder->add_packet(packet(1)));
    // On packet 1, which is on disk already: packet 2 carries it for now.
    ASSERT_TRUE(recorder->add_instructor_note(NoteEvent{kStart + 100, -1, "on packet 1"}));
    // Before packet 3 is written (as `run --note` writes a step's note): packet 3 carries it.
    ASSERT_TRUE(recorder->add_instructor_note(NoteEvent{kStart + 250, 0, "on the step"}));
    ASSERT_TRUE(recorder->add_packet(packet(2)));
    ASSERT_TRUE(recorder->add_packet(packet(3)));
    EXPECT_TRUE(recorder->notes_to_place());
    using Comments = std::vector<std::vector<std::string>>;
    EXPECT_EQ(packet_comments(path), (Comments{{}, {}, {"on packet 1", "on the step"}, {}}))
        << "before finish(): what a killed run leaves";

    auto info = recorder->finish();
    ASSERT_TRUE(info) << info.error().what;
    EXPECT_EQ(info->path, path);
    EXPECT_EQ(packet_comments(path), (Comments{{}, {"on packet 1"}, {}, {"on the step"}}));
    auto loaded = read_trace(path);
    ASSERT_TRUE(loaded) << loaded.error().what;
    std::vector<std::string> notes;
    for (const NoteEvent& note : loaded->trace.notes()) notes.push_back(note.key);
    EXPECT_EQ(notes, (std::vector<std::string>{"handshake.step.listen", "on packet 1", "on the step"}));
    size_t files_in_folder = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(fs::path(path).parent_path())) ++files_in_folder;
    EXPECT_EQ(files_in_folder, 1u) << "the rewrite's temporary file is renamed over the recording";
}

// A note whose packet comes after it needs no rewrite: the file is final as written.
TEST(TraceFile, ANoteBeforeItsPacketIsWrittenOnceOnThatPacket) {
    TempDir dir;
    const std::string path = dir.file("step-note.pcapng");
    auto recorder = TraceRecorder::create(path, {});
    ASSERT_TRUE(recorder) << recorder.error().what;
    ASSERT_TRUE(recorder->add_instructor_note(NoteEvent{kStart + 1, 0, "watch the SYN"}));
    const auto frame = segment(kClient, kServer, tcp_flag::Syn, 1000, 0, "");
    ASSERT_TRUE(recorder->add_packet(Trace::capture(kStart + 50, 0, LinkType::Ethernet, 54, frame)));
    EXPECT_FALSE(recorder->notes_to_place());
    const uint64_t bytes = recorder->progress().bytes;
    ASSERT_TRUE(recorder->finish());
    EXPECT_EQ(fs::file_size(path), bytes);
    EXPECT_EQ(packet_comments(path), (std::vector<std::vector<std::string>>{{"watch the SYN"}}));
}

// Two capture points race: the server's point hands over a SYN of a second
// connection before the client's point hands over an earlier SYN of the
// first. The trace numbers connections in arrival order; a file read back
// must number them the same, whether written whole or followed in batches.
std::vector<CapturedPacket> racing_arrivals() {
    const Endpoint second_client{IpAddress::v4(10, 0, 0, 1), 41000};
    const auto at = [](int64_t offset, uint8_t point, const std::vector<uint8_t>& frame) {
        return Trace::capture(kStart + offset, point, LinkType::Ethernet, static_cast<uint32_t>(frame.size()), frame);
    };
    return {
        at(100, 0, segment(kClient, kServer, tcp_flag::Syn, 1000, 0)),
        at(300, 1, segment(second_client, kServer, tcp_flag::Syn, 9000, 0)),  // later, but here first
        at(200, 1, segment(kClient, kServer, tcp_flag::Syn, 1000, 0)),
        at(250, 0, segment(kOther, kServer, tcp_flag::Syn, 77, 0)),
        at(400, 1, segment(kServer, second_client, tcp_flag::Syn | tcp_flag::Ack, 5000, 9001)),
        at(350, 0, segment(kOther, kServer, tcp_flag::Syn, 77, 0)),  // sent again: a retransmission
    };
}

Trace racing_trace(size_t first_arrivals) {
    Trace trace;
    trace.describe_capture_point(0, CapturePoint{IpAddress::v4(10, 0, 0, 1), "client wire0"});
    trace.describe_capture_point(1, CapturePoint{IpAddress::v4(10, 0, 0, 2), "server wire0"});
    const auto arrivals = racing_arrivals();
    for (size_t index = 0; index < std::min(first_arrivals, arrivals.size()); ++index)
        trace.add_packet(arrivals[index]);
    return trace;
}

TEST(TraceFile, PacketsThatArriveOutOfOrderReadBackWithTheSameConnections) {
    TempDir dir;
    const Trace live = racing_trace(racing_arrivals().size());
    ASSERT_EQ(live.connections().size(), 3u);
    ASSERT_EQ(live.packets()[3].connection, 1u) << "the second connection to arrive, though the third in time";
    ASSERT_TRUE(live.packets()[4].retransmission);

    const std::string whole = dir.file("whole.pcapng");
    ASSERT_TRUE(write_trace(live, whole, {}));
    auto loaded = read_trace(whole);
    ASSERT_TRUE(loaded) << loaded.error().what;
    expect_identical(live, loaded->trace);

    // Followed as a live recording is: a sync after every arrival or two.
    const std::string followed = dir.file("followed.pcapng");
    auto follower = TraceFollower::create(followed, {});
    ASSERT_TRUE(follower) << follower.error().what;
    for (size_t arrived : {1u, 3u, 4u, 6u}) ASSERT_TRUE(follower->sync(racing_trace(arrived)));
    ASSERT_TRUE(follower->finish());
    auto followed_back = read_trace(followed);
    ASSERT_TRUE(followed_back) << followed_back.error().what;
    expect_identical(live, followed_back->trace);
}

TEST(TraceFile, NeverOverwritesWithoutForce) {
    TempDir dir;
    const std::string path = dir.file("taken.pcapng");
    const Trace trace = live_trace();
    ASSERT_TRUE(write_trace(trace, path, {}));
    const auto size = fs::file_size(path);
    auto again = write_trace(Trace{}, path, {});
    ASSERT_FALSE(again);
    EXPECT_NE(again.error().what.find("already exists"), std::string::npos);
    EXPECT_EQ(fs::file_size(path), size);
    ASSERT_TRUE(write_trace(Trace{}, path, TraceWriteOptions{.overwrite = true}));
    EXPECT_LT(fs::file_size(path), size);
}

TEST(TraceFile, ProgressIsReportedAndCanCancel) {
    TempDir dir;
    const std::string path = dir.file("many.pcapng");
    {
        auto recorder = TraceRecorder::create(path, {});
        ASSERT_TRUE(recorder);
        for (uint32_t i = 0; i < 10'000; ++i) {
            const auto frame = segment(kClient, kServer, tcp_flag::Ack, 1000 + i, 1);
            ASSERT_TRUE(recorder->add_packet(Trace::capture(kStart + i, 0, LinkType::Ethernet, 54, frame)));
        }
        ASSERT_TRUE(recorder->finish());
    }
    std::vector<ReadProgress> reports;
    auto loaded = read_trace(path, [&](const ReadProgress& progress) {
        reports.push_back(progress);
        return true;
    });
    ASSERT_TRUE(loaded);
    ASSERT_GE(reports.size(), 2u);
    EXPECT_EQ(reports.back().bytes_done, reports.back().bytes_total);
    EXPECT_EQ(reports.back().packets, 10'000u);
    EXPECT_LT(reports.front().bytes_done, reports.back().bytes_done);

    auto cancelled = read_trace(path, [](const ReadProgress&) { return false; });
    ASSERT_FALSE(cancelled);
    EXPECT_EQ(cancelled.error().what, "reading cancelled");
}

TEST(TraceFile, RecordsFromANewerVersionOrMalformedAreSkippedWithAWarning) {
    auto file = pcapng::section_header_block({});
    std::vector<uint8_t> recording =
        trace_record::encode(trace_record::Type::Recording, std::vector<uint8_t>{0, 0, 0, 0, 0, 0, 0, 0});
    test::append(file, pcapng::custom_block(kTcplabPen, recording, true));
    auto newer = trace_record::note(NoteEvent{1, 0, "from the future"}, false);
    newer[4] = 2;  // version 2
    test::append(file, pcapng::custom_block(kTcplabPen, newer, true));
    auto truncated = trace_record::state(StateEvent{});
    truncated.resize(truncated.size() - 10);
    truncated[8] -= 10;  // body length says what is there, but a State needs more
    test::append(file, pcapng::custom_block(kTcplabPen, truncated, true));
    auto bad_state = trace_record::state(StateEvent{});
    bad_state[12 + 8 + 40] = 99;  // "from" beyond the last TcpState
    test::append(file, pcapng::custom_block(kTcplabPen, bad_state, true));
    test::append(file,
                 pcapng::custom_block(kTcplabPen, trace_record::encode(static_cast<trace_record::Type>(99), {}), true));
    test::append(file, pcapng::custom_block(12345, trace_record::note(NoteEvent{1, 0, "other PEN"}, false), true));
    test::append(file, pcapng::custom_block(kTcplabPen, trace_record::note(NoteEvent{2, 1, "kept"}, false), true));

    auto reader = CaptureFileReader::from_memory(file);
    ASSERT_TRUE(reader);
    auto loaded = read_trace(*reader);
    ASSERT_TRUE(loaded);
    EXPECT_TRUE(loaded->from_tcplab);
    ASSERT_EQ(loaded->trace.notes().size(), 1u);
    EXPECT_EQ(loaded->trace.notes()[0].key, "kept");
    EXPECT_TRUE(loaded->trace.states().empty());
    ASSERT_EQ(loaded->warnings.size(), 3u);
    EXPECT_EQ(loaded->warnings[0],
              "block 2 at byte offset 64: tcplab record version 2 is not version 1, which this tcplab reads; skipped");
    EXPECT_NE(loaded->warnings[1].find("record of type 3 is malformed"), std::string::npos) << loaded->warnings[1];
    EXPECT_NE(loaded->warnings[2].find("record of type 3 is malformed"), std::string::npos) << loaded->warnings[2];
}

// A step's evidence is kept by key, so a replay shows it in the viewer's
// language; a recording from before that kept only the text, and still opens.
TEST(TraceFile, StepEvidenceReadsBackByKeyAndOlderRecordingsAsText) {
    const Evidence evidence =
        Evidence::of("evidence.count_first", Evidence::of("evidence.count", 2, Evidence::of("actor.server")),
                     Evidence::of("evidence.retransmitted", "SYN-ACK seq=0 ack=1 len=0"));
    const RecordedStep step{0, 1000, 2000, {{"expect.synack_again", true, evidence}}, ""};
    const std::vector<uint8_t> current = trace_record::step(step);
    // The same record as an older tcplab wrote it: no evidence appended after
    // the expectations, only the text in the expectation itself.
    std::vector<uint8_t> older = current;
    const size_t appended = 4 + encode_evidence(evidence).size();
    older.resize(older.size() - appended);
    const uint32_t body_length = static_cast<uint32_t>(older.size() - 12);
    std::memcpy(older.data() + 8, &body_length, 4);

    for (const auto& [record, expected] :
         {std::pair{current, evidence}, std::pair{older, Evidence::literal("2 · SYN-ACK seq=0 ack=1 len=0")}}) {
        auto file = pcapng::section_header_block({});
        test::append(file, pcapng::custom_block(kTcplabPen, record, true));
        auto reader = CaptureFileReader::from_memory(file);
        ASSERT_TRUE(reader);
        auto loaded = read_trace(*reader);
        ASSERT_TRUE(loaded);
        EXPECT_TRUE(loaded->warnings.empty());
        ASSERT_EQ(loaded->steps.size(), 1u);
        ASSERT_EQ(loaded->steps[0].expectations.size(), 1u);
        EXPECT_EQ(loaded->steps[0].expectations[0].evidence, expected);
    }
    EXPECT_EQ(decode_evidence("connect() = 0"), Evidence::literal("connect() = 0"));
    EXPECT_EQ(decode_evidence("{not json"), Evidence::literal("{not json"));
}

// A teacher's lesson brings its texts, one record per language after the
// lesson's; they read back whole, and a record whose count runs past its body
// is skipped with a warning rather than read as texts.
TEST(TraceFile, ALessonsOwnTextsReadBackAfterItsRecord) {
    RecordedLesson lesson{"knock", "knock.title", {"knock.listen"}};
    lesson.texts = {{"en", {{"knock.title", "Knock"}, {"knock.listen.text", "It listens."}}},
                    {"zh-CN", {{"knock.title", "敲门"}}}};
    auto file = pcapng::section_header_block({});
    test::append(file, pcapng::custom_block(kTcplabPen, trace_record::lesson(lesson), true));
    for (const auto& [language, texts] : lesson.texts)
        test::append(file, pcapng::custom_block(kTcplabPen, trace_record::lesson_texts(language, texts), true));
    std::vector<uint8_t> lying = trace_record::lesson_texts("en", {{"knock.summary", "Twice."}});
    lying[12 + 4 + 2] = 9;  // the count: nine texts in a body that holds one
    test::append(file, pcapng::custom_block(kTcplabPen, lying, true));
    auto reader = CaptureFileReader::from_memory(file);
    ASSERT_TRUE(reader);
    auto loaded = read_trace(*reader);
    ASSERT_TRUE(loaded);
    ASSERT_TRUE(loaded->lesson);
    EXPECT_EQ(*loaded->lesson, lesson);
    EXPECT_EQ(loaded->warnings.size(), 1u);
}

TEST(TraceFile, ForeignCaptureGivesPacketsAndInferredStates) {
    TempDir dir;
    const std::string path = dir.file("tcpdump.pcap");
    auto file = test::pcap_header(test::ByteOrder::Little, false, 262144, 1);
    const std::vector<std::vector<uint8_t>> frames = {
        segment(kClient, kServer, tcp_flag::Syn, 1000, 0),
        segment(kServer, kClient, tcp_flag::Syn | tcp_flag::Ack, 5000, 1001),
        segment(kClient, kServer, tcp_flag::Ack, 1001, 5001),
    };
    for (uint32_t i = 0; i < frames.size(); ++i)
        test::append(file, test::pcap_record(test::ByteOrder::Little, 1'700'000'000, 10 * i, frames[i], 54));
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(file.data()), static_cast<std::streamsize>(file.size()));
    auto loaded = read_trace(path);
    ASSERT_TRUE(loaded) << loaded.error().what;
    EXPECT_FALSE(loaded->from_tcplab);
    EXPECT_EQ(loaded->format, CaptureFormat::Pcap);
    ASSERT_EQ(loaded->trace.packets().size(), 3u);
    EXPECT_EQ(loaded->trace.packets()[1].time_ns, 1'700'000'000'000'010'000);
    EXPECT_EQ(loaded->trace.relative_seq(loaded->trace.packets()[2]), 1u);
    ASSERT_FALSE(loaded->trace.states().empty());
    for (const StateEvent& state : loaded->trace.states()) EXPECT_EQ(state.source, StateSource::Inferred);
    EXPECT_TRUE(loaded->trace.calls().empty());
}

TEST(TraceFile, ForeignPacketCommentsBecomeNotes) {
    auto file = pcapng::section_header_block({});
    test::append(file, test::nanosecond_interface(1, 0));
    const auto frame = segment(kClient, kServer, tcp_flag::Syn, 1000, 0);
    const std::vector<pcapng::Option> comment = {pcapng::Option::text(pcapng::kOptionComment, "from Wireshark")};
    test::append(file, pcapng::enhanced_packet_block(0, 42, frame, 54, comment));
    auto reader = CaptureFileReader::from_memory(file);
    ASSERT_TRUE(reader);
    auto loaded = read_trace(*reader);
    ASSERT_TRUE(loaded);
    ASSERT_EQ(loaded->trace.notes().size(), 1u);
    EXPECT_EQ(loaded->trace.notes()[0].key, "from Wireshark");
    EXPECT_EQ(loaded->trace.notes()[0].time_ns, 42);
    EXPECT_EQ(loaded->trace.notes()[0].step, -1);
}

// ---- a killed recording ----

struct CommandOutput {
    int status = -1;
    std::string out;
    std::string err;
};

CommandOutput run(const std::string& command, const TempDir& dir) {
    const std::string out = dir.file("stdout.txt"), err = dir.file("stderr.txt");
    CommandOutput result;
    result.status = std::system((command + " >" + out + " 2>" + err).c_str());
    std::ifstream out_file(out), err_file(err);
    result.out.assign(std::istreambuf_iterator<char>(out_file), std::istreambuf_iterator<char>());
    result.err.assign(std::istreambuf_iterator<char>(err_file), std::istreambuf_iterator<char>());
    return result;
}

// tshark warns when run as root; that is about us, not about the file.
std::string without_root_warning(const std::string& text) {
    std::istringstream lines(text);
    std::string line, kept;
    while (std::getline(lines, line))
        if (line.find("Running as user \"root\"") == std::string::npos && !line.empty()) kept += line + "\n";
    return kept;
}

size_t line_count(const std::string& text) { return static_cast<size_t>(std::count(text.begin(), text.end(), '\n')); }

// tshark 4.0 lists every pcapng Custom Block as a row of its own ("PCAPNG
// Custom Block: PEN = ..."), without a timestamp; packets are the rows with one.
const std::string kOnlyPackets = " -Y 'frame.time_epoch > 0'";

TEST(TraceFile, RecordingKilledMidWayReadsToTheLastCompleteBlock) {
    TempDir dir;
    const std::string path = dir.file("killed.pcapng");
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        // The child records until it is killed: packets, states and notes interleaved.
        ::close(ready[0]);
        auto recorder = TraceRecorder::create(path, {});
        if (!recorder) ::_exit(1);
        for (uint32_t i = 0;; ++i) {
            const auto frame = segment(kClient, kServer, tcp_flag::Psh | tcp_flag::Ack, 1000 + i, 1, "data");
            if (!recorder->add_packet(Trace::capture(kStart + 2 * i, 0, LinkType::Ethernet, 58, frame))) ::_exit(1);
            if (!recorder->add_note(NoteEvent{kStart + 2 * i + 1, static_cast<int>(i), "step"})) ::_exit(1);
            if (i == 500 && ::write(ready[1], "x", 1) != 1) ::_exit(1);
        }
    }
    ::close(ready[1]);
    char signal_byte = 0;
    ASSERT_EQ(::read(ready[0], &signal_byte, 1), 1);
    ::close(ready[0]);
    ASSERT_EQ(::kill(child, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status));

    auto loaded = read_trace(path);
    ASSERT_TRUE(loaded) << loaded.error().what;
    const auto& packets = loaded->trace.packets();
    ASSERT_GT(packets.size(), 500u);
    // Every block the child finished is there, in order, with nothing invented.
    for (size_t i = 0; i < packets.size(); ++i) EXPECT_EQ(packets[i].seq, 1000 + i) << i;
    EXPECT_GE(loaded->trace.notes().size() + 1, packets.size());
    // Each block is one write(), so the file almost always ends between blocks;
    // if the kill landed inside a write, the fault names the truncated block.
    if (loaded->fault) {
        EXPECT_NE(loaded->fault->reason.find("truncated"), std::string::npos) << loaded->fault->message();
    }

    if (auto missing = test::missing_tshark()) GTEST_SKIP() << *missing;
    const CommandOutput tshark = run("tshark -r " + path + kOnlyPackets, dir);
    EXPECT_EQ(line_count(tshark.out), packets.size());
    if (!loaded->fault) {
        EXPECT_EQ(without_root_warning(tshark.err), "");
    }
}

// ---- what tshark makes of our files ----

TEST(TraceFile, TsharkReadsOurFileWithoutWarningsAndShowsOurComments) {
    if (auto missing = test::missing_tshark()) GTEST_SKIP() << *missing;
    TempDir dir;
    const std::string path = dir.file("lesson.pcapng");
    const Trace trace = live_trace();
    ASSERT_TRUE(write_trace(trace, path, TraceWriteOptions{.capture_point_names = {"lo", "wire"}, .actors = kActors}));

    const CommandOutput everything = run("tshark -r " + path, dir);
    EXPECT_EQ(everything.status, 0);
    EXPECT_EQ(without_root_warning(everything.err), "");
    const CommandOutput listing = run("tshark -r " + path + kOnlyPackets, dir);
    EXPECT_EQ(listing.status, 0);
    EXPECT_EQ(without_root_warning(listing.err), "");
    EXPECT_EQ(line_count(listing.out), trace.packets().size()) << listing.out;
    std::cout << "tshark -r " << fs::path(path).filename().string() << kOnlyPackets << ":\n" << listing.out;

    if (std::system("command -v capinfos >/dev/null 2>&1") == 0) {
        const CommandOutput info = run("capinfos -M -c " + path, dir);
        EXPECT_NE(info.out.find("Number of packets:   " + std::to_string(trace.packets().size()) + "\n"),
                  std::string::npos)
            << info.out;
    }

    // frame.comment is the field in tshark 4.0 (pkt_comment is the protocol that holds it).
    const CommandOutput comments =
        run("tshark -r " + path + kOnlyPackets + " -T fields -e tcp.flags -e frame.comment", dir);
    EXPECT_EQ(comments.status, 0);
    EXPECT_EQ(without_root_warning(comments.err), "");
    // On the SYN-ACK (flags 0x012), and only there.
    EXPECT_NE(comments.out.find("0x0012\tInstructor: the SYN-ACK acknowledges x+1\n"), std::string::npos)
        << comments.out;
    EXPECT_EQ(comments.out.find("Instructor"), comments.out.rfind("Instructor"));
}

}  // namespace
}  // namespace tcplab
