// The sticky-packets lesson (assets/lessons/sticky.toml) run unattended on the
// real kernel: two hosts, 40 ms one way, MTU 576. Beyond "every expectation
// held", the segments, the recv() pieces and the datagrams that make the
// lesson's point are checked one by one, and a copy of the lesson that expects
// what the tutorials' naive picture predicts must fail.
#include <gtest/gtest.h>

#include <climits>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "scenarios/lesson_file.hpp"
#include "scenarios/run.hpp"
#include "tests/environment.hpp"

namespace tcplab {
namespace {

std::unique_ptr<LessonRun> run_steps(const LessonEntry& entry, size_t steps) {
    auto run = LessonRun::start(entry);
    EXPECT_TRUE(run.ok()) << (run.ok() ? "" : run.error().what + " / " + run.error().remedy);
    if (!run.ok()) return nullptr;
    while (!run.value()->finished() && run.value()->steps_done() < steps) run.value()->step();
    run.value()->finish();
    return std::move(run.value());
}

const StepOutcome* outcome_of(const LessonRun& run, const std::string& step_key) {
    for (const StepOutcome& outcome : run.outcomes())
        if (run.lesson().steps[outcome.index].key == step_key) return &outcome;
    return nullptr;
}

const CheckResult* expectation_of(const StepOutcome& outcome, const std::string& key) {
    for (const ExpectationOutcome& expectation : outcome.expectations)
        if (expectation.key == key) return &expectation.result;
    return nullptr;
}

// The labels of the choices that held: the kernel's answer to the question.
std::vector<std::string> kernel_answer(const StepOutcome& outcome) {
    std::vector<std::string> labels;
    for (const ExpectationOutcome& choice : outcome.choices)
        if (choice.result.passed) labels.push_back(choice.key);
    return labels;
}

// Every segment once (a capture point on each host sees most of them twice).
std::vector<const PacketEvent*> all_segments(const Trace& trace) { return StepView(trace, 0, INT64_MAX).segments(); }

std::vector<const PacketEvent*> client_data(const Trace& trace) {
    std::vector<const PacketEvent*> data;
    for (const PacketEvent* packet : all_segments(trace))
        if (packet->payload_length > 0 && trace.sender_actor(*packet) == Actor::Client) data.push_back(packet);
    return data;
}

std::string payload_of(const Trace& trace, const PacketEvent& packet) {
    const std::span<const uint8_t> raw = trace.raw_bytes(packet);
    if (raw.size() < packet.payload_length) return {};
    return std::string(raw.end() - packet.payload_length, raw.end());
}

std::vector<const CallEvent*> calls_named(const Trace& trace, Actor actor, const std::string& name) {
    std::vector<const CallEvent*> calls;
    for (const CallEvent& call : trace.calls())
        if (call.actor == actor && call.call == name) calls.push_back(&call);
    return calls;
}

class StickyLesson : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        const LessonEntry* entry = find_builtin_lesson("sticky");
        ASSERT_NE(entry, nullptr) << "assets/lessons/sticky.toml was not loaded";
        if (test::missing_sandbox() || test::missing_tun()) return;  // each test says which
        run_ = run_steps(*entry, SIZE_MAX).release();
    }
    static void TearDownTestSuite() {
        delete run_;
        run_ = nullptr;
    }
    void SetUp() override {
        if (auto missing = test::missing_sandbox()) GTEST_SKIP() << *missing;
        if (auto missing = test::missing_tun()) GTEST_SKIP() << *missing;
        ASSERT_NE(run_, nullptr) << "the lesson did not run (see the failure above)";
    }
    static LessonRun* run_;
};
LessonRun* StickyLesson::run_ = nullptr;

TEST_F(StickyLesson, EveryStepRanAndEveryExpectationHeld) {
    ASSERT_TRUE(run_->finished());
    ASSERT_EQ(run_->outcomes().size(), 16u);
    for (const StepOutcome& outcome : run_->outcomes()) {
        const std::string& step = run_->lesson().steps[outcome.index].key;
        EXPECT_TRUE(outcome.failure.empty()) << step << ": " << outcome.failure;
        EXPECT_FALSE(outcome.expectations.empty()) << step;
        for (const ExpectationOutcome& expectation : outcome.expectations)
            EXPECT_TRUE(expectation.result.passed)
                << step << ": " << expectation.key << " (" << evidence_plain_text(expectation.result.evidence) << ")";
    }
}

TEST_F(StickyLesson, TheKernelAnswersThePredictions) {
    const StepOutcome* nagle = outcome_of(*run_, "sticky.nagle");
    const StepOutcome* one_recv = outcome_of(*run_, "sticky.one_recv");
    ASSERT_TRUE(nagle && one_recv);
    EXPECT_EQ(kernel_answer(*nagle), std::vector<std::string>{"2"});
    EXPECT_EQ(kernel_answer(*one_recv), std::vector<std::string>{"14"});
    // Every question has exactly one answer, and the ones about the fixes say what the tutorials get wrong.
    for (const StepOutcome& outcome : run_->outcomes()) {
        if (!run_->lesson().steps[outcome.index].predict) continue;
        EXPECT_EQ(kernel_answer(outcome).size(), 1u) << run_->lesson().steps[outcome.index].key;
    }
    EXPECT_EQ(kernel_answer(*outcome_of(*run_, "sticky.nodelay_recv")), std::vector<std::string>{"\"helloworldegon\""});
    EXPECT_EQ(kernel_answer(*outcome_of(*run_, "sticky.large_send")), std::vector<std::string>{"20000"});
    EXPECT_EQ(kernel_answer(*outcome_of(*run_, "sticky.udp_fragments")), std::vector<std::string>{"4"});
}

// The course's file transfers: an unframed header glues to its body; a
// "ready" reply separates them at the price of a round trip; a length-prefixed
// header with the body's MD5 needs no reply, and the receiver checks the MD5.
TEST_F(StickyLesson, HeadersWithoutLengthGlueReadyCostsARoundTripMd5IsChecked) {
    const Trace& trace = run_->trace();
    const std::string header = R"({"file_name":"notes.txt","file_size":67})";
    const std::string body = "TCP is a byte stream. The program draws the lines between messages.";

    const StepOutcome* glued = outcome_of(*run_, "sticky.unframed_recv");
    ASSERT_NE(glued, nullptr);
    const CallEvent* read = StepView(trace, glued->begin_ns, glued->end_ns).call(Actor::Server, "recv");
    ASSERT_NE(read, nullptr);
    EXPECT_EQ(read->data, header + body);

    // With "ready": the header alone, then the body; the body's first byte
    // leaves the client only after "ready" reached it, one round trip after
    // the header left.
    const StepOutcome* ready = outcome_of(*run_, "sticky.ready");
    ASSERT_NE(ready, nullptr);
    const StepView ready_view(trace, ready->begin_ns, ready->end_ns);
    std::vector<std::string> server_reads;
    for (const CallEvent* call : ready_view.calls(Actor::Server, "recv")) server_reads.push_back(call->data);
    EXPECT_EQ(server_reads, (std::vector<std::string>{header, body}));
    int64_t header_left = 0, ready_arrived = 0, body_left = 0;
    for (const PacketEvent& packet : trace.packets()) {
        if (packet.time_ns < ready->begin_ns || packet.time_ns > ready->end_ns || packet.payload_length == 0) continue;
        const std::string payload = payload_of(trace, packet);
        const bool at_client =
            trace.capture_points().at(packet.capture_point).host == run_->trace().sender(packet).address;
        if (payload == header && at_client && !header_left) header_left = packet.time_ns;
        if (payload == "ready" && !at_client) ready_arrived = packet.time_ns;
        if (payload == body && at_client && !body_left) body_left = packet.time_ns;
    }
    ASSERT_TRUE(header_left && ready_arrived && body_left);
    EXPECT_GE(body_left, ready_arrived);
    EXPECT_GE(body_left - header_left, 80'000'000) << "one round trip of a 40 ms wire";

    // The framed header carries the body's MD5, and the receiver's own check matched it.
    const StepOutcome* framed = outcome_of(*run_, "sticky.json_header");
    ASSERT_NE(framed, nullptr);
    const StepView framed_view(trace, framed->begin_ns, framed->end_ns);
    const CallEvent* md5 = framed_view.call(Actor::Server, "md5");
    ASSERT_NE(md5, nullptr);
    EXPECT_EQ(md5->result, 0);
    EXPECT_EQ(md5->data, "738d0c23c640dd53b712f77a874824b3");  // hashlib.md5(body).hexdigest()
    bool header_has_md5 = false;
    for (const CallEvent* call : framed_view.calls(Actor::Server, "recv")) {
        const auto parsed = nlohmann::json::parse(call->data, nullptr, false);
        if (parsed.is_object() && parsed.contains("md5"))
            header_has_md5 = parsed["md5"] == "738d0c23c640dd53b712f77a874824b3";
    }
    EXPECT_TRUE(header_has_md5);
}

// A 2000-byte datagram over a 576-byte MTU crosses as four IPv4 fragments of
// one datagram (same ID, MF on all but the last), and arrives whole.
TEST_F(StickyLesson, ALargeDatagramCrossesAsIpFragments) {
    const StepOutcome* step = outcome_of(*run_, "sticky.udp_fragments");
    ASSERT_NE(step, nullptr);
    const Trace& trace = run_->trace();
    std::vector<std::pair<uint16_t, bool>> fragments;  // offset, more fragments
    std::set<uint16_t> ids;
    for (const PacketEvent* packet : StepView(trace, step->begin_ns, step->end_ns).packets()) {
        const DecodedPacket decoded = trace.decode(*packet);
        if (decoded.ip_version != 4 || (!decoded.more_fragments && decoded.fragment_offset == 0)) continue;
        fragments.emplace_back(decoded.fragment_offset, decoded.more_fragments);
        ids.insert(decoded.ip_id);
    }
    EXPECT_EQ(fragments, (std::vector<std::pair<uint16_t, bool>>{{0, true}, {552, true}, {1104, true}, {1656, false}}));
    EXPECT_EQ(ids.size(), 1u);
    const CallEvent* whole = StepView(trace, step->begin_ns, step->end_ns).call(Actor::Server, "recvfrom");
    ASSERT_NE(whole, nullptr);
    EXPECT_EQ(whole->result, 2000);
    EXPECT_EQ(whole->data, std::string(2000, 'u'));
}

// MTU 576 gives MSS 536 in both SYNs; the timestamps option then leaves 524
// bytes of data per segment.
TEST_F(StickyLesson, TheSmallMtuSetsTheMss) {
    const Trace& trace = run_->trace();
    int syns = 0;
    for (const PacketEvent* packet : all_segments(trace)) {
        if (!(packet->flags & tcp_flag::Syn)) continue;
        ++syns;
        const DecodedPacket decoded = trace.decode(*packet);
        uint32_t mss = 0;
        bool timestamps = false;
        for (uint8_t i = 0; i < decoded.tcp.option_count; ++i) {
            if (decoded.tcp.options[i].kind == TcpOption::Kind::Mss) mss = decoded.tcp.options[i].value;
            if (decoded.tcp.options[i].kind == TcpOption::Kind::Timestamps) timestamps = true;
        }
        EXPECT_EQ(mss, 536u) << flags_label(packet->flags);
        EXPECT_TRUE(timestamps) << flags_label(packet->flags);
    }
    EXPECT_EQ(syns, 2);  // SYN and SYN-ACK
}

// Nagle: "hello" alone, then "worldegon" together. TCP_NODELAY: 5, 5, 4.
// Then 20000 bytes in segments of at most 524 bytes.
TEST_F(StickyLesson, TheWireShowsNagleNodelayAndSplitting) {
    const Trace& trace = run_->trace();
    const std::vector<const PacketEvent*> data = client_data(trace);
    ASSERT_GE(data.size(), 5u + 39u);
    std::vector<uint32_t> first_five;
    for (size_t i = 0; i < 5; ++i) first_five.push_back(data[i]->payload_length);
    EXPECT_EQ(first_five, (std::vector<uint32_t>{5, 9, 5, 5, 4}));
    EXPECT_EQ(payload_of(trace, *data[0]), "hello");
    EXPECT_EQ(payload_of(trace, *data[1]), "worldegon");
    EXPECT_EQ(payload_of(trace, *data[4]), "egon");

    // The large send covers relative seq 29 .. 20028.
    uint64_t large_bytes = 0;
    size_t full = 0;
    for (const PacketEvent* packet : data) {
        const uint32_t seq = trace.relative_seq(*packet);
        if (seq < 29 || seq >= 29 + 20000) continue;
        if (packet->retransmission) continue;
        EXPECT_LE(packet->payload_length, 524u) << "rel seq " << seq;
        large_bytes += packet->payload_length;
        full += packet->payload_length == 524 ? 1 : 0;
    }
    EXPECT_EQ(large_bytes, 20000u);
    EXPECT_EQ(full, 38u);
}

// The receiver's side: glued strings, 1024-byte pieces, whole framed messages.
TEST_F(StickyLesson, TheReceiverSeesGluedBytesThenPiecesThenMessages) {
    const Trace& trace = run_->trace();
    const std::vector<const CallEvent*> recvs = calls_named(trace, Actor::Server, "recv");
    ASSERT_GE(recvs.size(), 2u + 20u + 6u + 3u);
    EXPECT_EQ(recvs[0]->data, "helloworldegon");
    EXPECT_EQ(recvs[1]->data, "helloworldegon");
    int64_t pieces_total = 0;
    for (size_t i = 2; i < 22; ++i) {
        EXPECT_EQ(recvs[i]->result, i < 21 ? 1024 : 544) << "recv " << i;
        pieces_total += recvs[i]->result;
    }
    EXPECT_EQ(pieces_total, 20000);

    // Each framed message on the wire: a big-endian 4-byte length, then the bytes.
    const std::string framed_hello = std::string("\0\0\0\x05", 4) + "hello";
    bool seen_on_wire = false;
    for (const PacketEvent* packet : client_data(trace))
        seen_on_wire |= payload_of(trace, *packet).rfind(framed_hello, 0) == 0;
    EXPECT_TRUE(seen_on_wire);

    std::vector<std::string> messages;
    for (const CallEvent* call : recvs)
        if (call->data == "hello" || call->data == "world" || call->data == "egon") messages.push_back(call->data);
    EXPECT_EQ(messages, (std::vector<std::string>{"hello", "world", "egon"}));

    // The JSON header announces the body's size, and the body that follows has it.
    const std::string body = "TCP is a byte stream. The program draws the lines between messages.";
    bool header_found = false;
    for (size_t i = 0; i < recvs.size(); ++i) {
        const auto header = nlohmann::json::parse(recvs[i]->data, nullptr, false);
        if (!header.is_object() || !header.contains("file_size")) continue;
        header_found = true;
        EXPECT_EQ(header["file_size"].get<size_t>(), body.size());
        EXPECT_EQ(header["file_name"].get<std::string>(), "notes.txt");
        ASSERT_LT(i + 1, recvs.size());
        EXPECT_EQ(recvs[i + 1]->data, body);
    }
    EXPECT_TRUE(header_found);
}

TEST_F(StickyLesson, UdpKeepsEachDatagramAndCutsTheOneThatDoesNotFit) {
    std::vector<std::pair<int64_t, std::string>> received;
    for (const CallEvent* call : calls_named(run_->trace(), Actor::Server, "recvfrom"))
        received.emplace_back(call->result, call->data);
    EXPECT_EQ(received,
              (std::vector<std::pair<int64_t, std::string>>{
                  {5, "hello"}, {5, "world"}, {25, "a datagram"}, {4, "next"}, {2000, std::string(2000, 'u')}}));
}

// A copy of the lesson that believes the tutorials' simple picture (one
// segment per send, and segments as large as the send) must report ✗, with
// what the kernel really did in the detail.
TEST(StickyLessonFile, AWrongExpectationFails) {
    const LessonEntry* original = find_builtin_lesson("sticky");
    ASSERT_NE(original, nullptr);
    std::ifstream file(original->path);
    ASSERT_TRUE(file) << original->path;
    std::stringstream content;
    content << file.rdbuf();
    std::string text = content.str();
    auto replace = [&text](const std::string& from, const std::string& to) {
        const size_t at = text.find(from);
        ASSERT_NE(at, std::string::npos) << from;
        text.replace(at, from.size(), to);
    };
    replace("segment = \"data\", from = \"client\", exactly = 2 }",
            "segment = \"data\", from = \"client\", exactly = 3 }");
    replace("len_at_least = 525, exactly = 0", "len_at_least = 524, exactly = 0");
    auto entry = parse_lesson(text, "wrong_sticky.toml");
    ASSERT_TRUE(entry.ok()) << entry.error().what;

    // A step whose expectations never all hold settles at the lesson's settle limit.
    auto run = LessonRun::start(entry.value());
    ASSERT_TRUE(run.ok()) << run.error().what;
    // Up to and including the large send (step 6).
    for (int step = 0; step < 6; ++step) run.value()->step();
    run.value()->finish();

    const StepOutcome* nagle = outcome_of(*run.value(), "sticky.nagle");
    const StepOutcome* large = outcome_of(*run.value(), "sticky.large_send");
    ASSERT_TRUE(nagle && large);
    const CheckResult* three_segments = expectation_of(*nagle, "expect.sticky.nagle_two_segments");
    const CheckResult* no_full_segment = expectation_of(*large, "expect.sticky.no_bigger_segment");
    ASSERT_TRUE(three_segments && no_full_segment);
    EXPECT_FALSE(three_segments->passed);
    // "2 × data segment from the client, the first: ..." in the viewer's language.
    const auto data_from_client = [](int64_t count) {
        return Evidence::of(
            "evidence.count", count,
            Evidence::of("evidence.kind_from", Evidence::of("evidence.data_segment"), Evidence::of("actor.client")));
    };
    ASSERT_EQ(three_segments->evidence.key, "evidence.count_first") << evidence_plain_text(three_segments->evidence);
    EXPECT_EQ(three_segments->evidence.args.at(0), data_from_client(2));
    EXPECT_FALSE(nagle->passed());
    EXPECT_FALSE(no_full_segment->passed);
    ASSERT_EQ(no_full_segment->evidence.key, "evidence.count_first") << evidence_plain_text(no_full_segment->evidence);
    EXPECT_EQ(no_full_segment->evidence.args.at(0), data_from_client(38));
    // The rest of those steps still held.
    EXPECT_TRUE(expectation_of(*nagle, "expect.sticky.nagle_first_alone")->passed);
    EXPECT_TRUE(expectation_of(*large, "expect.sticky.large_acked")->passed);
}

}  // namespace
}  // namespace tcplab
