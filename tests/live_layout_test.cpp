// The layouts' shortcuts for large traces give the same pictures as the plain
// way: the ladder laid out for a scrolled window holds exactly the records of
// the full ladder in that window, its row cache rebuilds only when something
// changed, and state spans find each socket's end without walking every
// connection, as Trace::actor_of would.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "capture/transition_merger.hpp"
#include "frame_builder.hpp"
#include "lab/layout/ladder_layout.hpp"
#include "lab/layout/timeline_layout.hpp"

namespace tcplab {
namespace {

using namespace tcp_flag;

constexpr int64_t kStart = 1'700'000'000'000'000'000;

void add(Trace& trace, int64_t time_ns, const test::TcpFrame& frame) {
    const auto bytes = test::ethernet_ipv4_tcp(frame);
    trace.add_packet(
        Trace::capture(kStart + time_ns, 0, LinkType::Ethernet, static_cast<uint32_t>(bytes.size()), bytes));
}

// `count` short conversations (handshake, data, close), every fifth after a long pause.
Trace conversations(int count) {
    Trace trace;
    int64_t time = 0;
    for (int n = 0; n < count; ++n) {
        const Endpoint client{IpAddress::v4(10, 0, 0, 1), static_cast<uint16_t>(40000 + n)};
        const Endpoint server{IpAddress::v4(10, 0, 0, 2), 5000};
        const uint32_t c = 1000u * static_cast<uint32_t>(n), s = 700000u + c;
        time += n % 5 == 0 ? 50'000'000 : 10'000;
        add(trace, time += 1000, {client, server, Syn, c, 0});
        add(trace, time += 1000, {server, client, Syn | Ack, s, c + 1});
        add(trace, time += 1000, {client, server, Ack, c + 1, s + 1});
        add(trace, time += 1000, {client, server, Psh | Ack, c + 1, s + 1, 65535, "hi"});
        add(trace, time += 1000, {server, client, Fin | Ack, s + 1, c + 3});
        add(trace, time += 1000, {client, server, Fin | Ack, c + 3, s + 2});
        add(trace, time += 1000, {server, client, Ack, s + 2, c + 4});
    }
    trace.flush_inferred();
    return trace;
}

LadderInput ladder_input(const Trace& trace, const std::vector<StateEvent>& transitions) {
    LadderInput input{.trace = trace, .transitions = transitions};
    input.width = 700;
    input.text_width = [](std::string_view text) { return 7.0f * static_cast<float>(text.size()); };
    return input;
}

bool same_record(const LadderRecord& a, const LadderRecord& b) {
    return a.kind == b.kind && a.index == b.index && a.y0 == b.y0 && a.y1 == b.y1 && a.x0 == b.x0 && a.x1 == b.x1 &&
           a.text == b.text && a.in_flight == b.in_flight;
}

TEST(LadderWindow, HoldsExactlyTheFullLaddersRecordsInTheWindow) {
    const Trace trace = conversations(60);
    const std::vector<StateEvent> transitions = observed_transitions(trace);
    const LadderInput full_input = ladder_input(trace, transitions);
    const LadderLayout full = layout_ladder(full_input);
    ASSERT_GT(full.records.size(), 400u);
    ASSERT_GT(full.height, 3000.0f);

    const LadderRows rows = ladder_rows(full_input);
    for (const float top : {0.0f, 1234.5f, full.height * 0.5f, full.height - 400.0f}) {
        LadderInput windowed = full_input;
        windowed.visible_top = top;
        windowed.visible_height = 400;
        const LadderLayout part = layout_ladder(windowed, rows);
        EXPECT_EQ(part.height, full.height);
        EXPECT_EQ(part.client_x, full.client_x);
        EXPECT_EQ(part.server_x, full.server_x);
        EXPECT_LT(part.records.size(), full.records.size() / 3) << "at " << top;
        // Everything in the window is there, and all that is there is the full ladder's.
        for (const LadderRecord& record : full.records) {
            const float low = std::min(record.y0, record.kind == LadderRecordKind::Arrow ? record.label_y0 : record.y0);
            const float high = std::max(record.y0, record.y1);
            if (high < top || low > top + 400) continue;
            EXPECT_TRUE(std::any_of(part.records.begin(), part.records.end(),
                                    [&](const LadderRecord& shown) { return same_record(shown, record); }))
                << "missing " << record.text << " at y " << record.y0 << " (window " << top << ")";
        }
        for (const LadderRecord& shown : part.records)
            EXPECT_TRUE(std::any_of(full.records.begin(), full.records.end(),
                                    [&](const LadderRecord& record) { return same_record(shown, record); }))
                << "made up " << shown.text;
        EXPECT_TRUE(std::is_sorted(part.records.begin(), part.records.end(),
                                   [](const LadderRecord& a, const LadderRecord& b) { return a.y0 < b.y0; }));
    }
}

TEST(LadderRowCache, RebuildsOnlyWhenTheTraceOrTheSizesChange) {
    Trace trace = conversations(3);
    std::vector<StateEvent> transitions = observed_transitions(trace);
    LadderRowCache cache;
    LadderInput input = ladder_input(trace, transitions);
    const size_t rows_before = cache.update(input).rows.size();
    ASSERT_GT(rows_before, 0u);
    EXPECT_EQ(cache.update(input).rows.size(), rows_before);

    add(trace, 10'000'000'000, {{IpAddress::v4(10, 0, 0, 1), 50000}, {IpAddress::v4(10, 0, 0, 2), 5000}, Syn, 1, 0});
    EXPECT_EQ(cache.update(input).rows.size(), rows_before + 1) << "a new packet is a new row";

    input.cursor_ns = kStart + 1;
    EXPECT_EQ(cache.update(input).rows.size(), 0u) << "the cursor hides everything after it";
    input.cursor_ns = 0;
    input.row_height = 60;
    const float taller = cache.update(input).height;
    input.row_height = 30;
    EXPECT_GT(taller, cache.update(input).height);
}

TEST(StateSpans, FindEachSocketsEndAsTheTraceWould) {
    Trace trace = conversations(12);
    // A named socket wins over its role in the connection.
    trace.assign_actor({IpAddress::v4(10, 0, 0, 2), 5000}, Actor::Client);
    const std::vector<StateEvent> transitions = observed_transitions(trace);
    const std::vector<StateSpan> spans = state_spans(trace, transitions);
    ASSERT_GT(spans.size(), 50u);
    size_t checked = 0;
    for (const StateSpan& span : spans) {
        const StateEvent& event = transitions[span.transition];
        EXPECT_EQ(span.actor, trace.actor_of(event.local)) << event.local.to_string();
        ++checked;
    }
    EXPECT_EQ(checked, spans.size());
    EXPECT_TRUE(
        std::all_of(spans.begin(), spans.end(), [](const StateSpan& span) { return span.actor == Actor::Client; }));
}

std::vector<size_t> state_indexes(const TimelineLayout& layout) {
    std::vector<size_t> indexes;
    for (const TimelineRecord& record : layout.records)
        if (record.kind == TimelineRecordKind::State) indexes.push_back(record.index);
    std::sort(indexes.begin(), indexes.end());
    return indexes;
}

TEST(StateSpanRows, CullPerRowLikeTheFullScanAndFoldNarrowSpans) {
    const Trace trace = conversations(40);
    const std::vector<StateEvent> transitions = observed_transitions(trace);
    const std::vector<StateSpan> spans = state_spans(trace, transitions);
    const StateSpanRows rows = index_state_spans(spans);
    ASSERT_FALSE(rows.client.empty());
    size_t indexed = 0;
    for (const auto* lane : {&rows.client, &rows.server})
        for (const auto& row : *lane) {
            indexed += row.size();
            for (size_t k = 1; k < row.size(); ++k) EXPECT_LE(spans[row[k - 1]].end_ns, spans[row[k]].begin_ns);
        }
    EXPECT_EQ(indexed, spans.size());

    const int64_t begin = trace.start_ns(), end = trace_end_ns(trace);
    for (const double fraction : {1.0, 0.1, 0.01}) {
        TimelineInput input{.trace = trace, .spans = spans, .axis = TimeAxis{}};
        input.axis.begin_ns = begin + static_cast<int64_t>(static_cast<double>(end - begin) * (0.5 - fraction / 2));
        input.axis.end_ns = input.axis.begin_ns + static_cast<int64_t>(static_cast<double>(end - begin) * fraction);
        input.axis.length = 1000;
        input.text_width = [](std::string_view text) { return 7.0f * static_cast<float>(text.size()); };
        input.fold_pixels = 0;  // no folding: the index must find exactly what the full scan finds
        const TimelineLayout scanned = layout_timeline(input);
        input.span_rows = &rows;
        input.max_state_rows = 1000;
        EXPECT_EQ(state_indexes(layout_timeline(input)), state_indexes(scanned)) << "fraction " << fraction;

        // Folding: a row gets at most one record per fold distance, each a span in view.
        input.fold_pixels = 3;
        const TimelineLayout folded = layout_timeline(input);
        const auto fold_ns = static_cast<int64_t>(std::ceil(3 * input.axis.ns_per_pixel()));
        std::map<std::pair<int, int>, int64_t> last_begin;
        for (const TimelineRecord& record : folded.records) {
            if (record.kind != TimelineRecordKind::State) continue;
            const StateSpan& span = spans[record.index];
            EXPECT_LE(span.begin_ns, input.axis.end_ns);
            EXPECT_GE(span.end_ns, input.axis.begin_ns);
            const auto key = std::make_pair(static_cast<int>(record.lane), record.row);
            if (auto previous = last_begin.find(key); previous != last_begin.end()) {
                EXPECT_GT(span.begin_ns, previous->second) << "spans of a row come in time order";
            }
            last_begin[key] = span.begin_ns;
        }
        EXPECT_LE(state_indexes(folded).size(), state_indexes(scanned).size());
        // Per row, at most one record per fold distance (plus the one that starts the row).
        std::map<std::pair<int, int>, size_t> per_row;
        for (const TimelineRecord& record : folded.records)
            if (record.kind == TimelineRecordKind::State) ++per_row[{static_cast<int>(record.lane), record.row}];
        const auto view_ns = input.axis.end_ns - input.axis.begin_ns;
        for (const auto& [row, count] : per_row) EXPECT_LE(count, static_cast<size_t>(view_ns / fold_ns + 2));
        if (fraction == 1.0) {
            EXPECT_LT(state_indexes(folded).size(), state_indexes(scanned).size() / 4);
        }
    }
}

TEST(StateSpanRows, ShowAtMostTheRowsAsked) {
    const Trace trace = conversations(40);
    const std::vector<StateEvent> transitions = observed_transitions(trace);
    const std::vector<StateSpan> spans = state_spans(trace, transitions);
    const StateSpanRows rows = index_state_spans(spans);
    TimelineInput input{.trace = trace, .spans = spans, .axis = TimeAxis{}};
    input.axis.begin_ns = trace.start_ns();
    input.axis.end_ns = trace_end_ns(trace);
    input.axis.length = 1000;
    input.text_width = [](std::string_view text) { return 7.0f * static_cast<float>(text.size()); };
    input.span_rows = &rows;
    input.max_state_rows = 1;
    const TimelineLayout layout = layout_timeline(input);
    for (const TimelineRecord& record : layout.records)
        if (record.kind == TimelineRecordKind::State) {
            EXPECT_EQ(record.row, 0);
        }
    EXPECT_EQ(layout.rows[static_cast<size_t>(TimelineLane::ClientState)], 1);
}

}  // namespace
}  // namespace tcplab
