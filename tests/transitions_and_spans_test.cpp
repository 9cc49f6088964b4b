// TransitionsAndSpans keeps the transitions, spans and span rows of a growing trace
// by adding only what is new. Whatever path it takes, the result must equal
// building everything from the whole trace, and while a trace only grows at
// its end (a live flood) it must not build everything again.
#include "lab/layout/transitions_and_spans.hpp"

#include <gtest/gtest.h>

#include "bench/capture_generator.hpp"
#include "capture/decode.hpp"
#include "scenarios/segment_builder.hpp"

namespace tcplab {
namespace {

void expect_same_states(const std::vector<StateEvent>& got, const std::vector<StateEvent>& expected) {
    ASSERT_EQ(got.size(), expected.size());
    for (size_t index = 0; index < got.size(); ++index) {
        SCOPED_TRACE(index);
        EXPECT_EQ(got[index].time_ns, expected[index].time_ns);
        EXPECT_EQ(got[index].local, expected[index].local);
        EXPECT_EQ(got[index].remote, expected[index].remote);
        EXPECT_EQ(got[index].from, expected[index].from);
        EXPECT_EQ(got[index].to, expected[index].to);
        EXPECT_EQ(got[index].source, expected[index].source);
    }
}

// What the views built before TransitionsAndSpans, from the whole trace each time.
void expect_as_built_from_scratch(const TransitionsAndSpans& history, const Trace& trace) {
    const std::vector<StateEvent> transitions = observed_transitions(trace);
    expect_same_states(history.transitions(), transitions);
    const std::vector<StateSpan> spans = state_spans(trace, transitions);
    ASSERT_EQ(history.spans().size(), spans.size());
    for (size_t index = 0; index < spans.size(); ++index) {
        SCOPED_TRACE(index);
        EXPECT_EQ(history.spans()[index].actor, spans[index].actor);
        EXPECT_EQ(history.spans()[index].row, spans[index].row);
        EXPECT_EQ(history.spans()[index].begin_ns, spans[index].begin_ns);
        EXPECT_EQ(history.spans()[index].end_ns, spans[index].end_ns);
        EXPECT_EQ(history.spans()[index].state, spans[index].state);
        EXPECT_EQ(history.spans()[index].transition, spans[index].transition);
    }
    const StateSpanRows rows = index_state_spans(spans);
    EXPECT_EQ(history.span_rows().client, rows.client);
    EXPECT_EQ(history.span_rows().server, rows.server);
}

// Feeds generated traffic in frame-sized batches; after each batch the
// history must equal a build from scratch, and it may build everything
// again only when a state went before the end since the last update.
void grow_and_compare(const GeneratorOptions& options, size_t packets_per_update, size_t& updates,
                      size_t& updates_with_a_state_before_the_end, TransitionsAndSpans& history, Trace& trace) {
    CaptureGenerator generator(options);
    GeneratedPacket packet;
    size_t packets = 0;
    uint64_t inserted_before_end = 0;
    const auto update = [&] {
        history.update(trace);
        // The first update builds anyway.
        if (updates++ > 0 && trace.states_inserted_before_end() != inserted_before_end)
            ++updates_with_a_state_before_the_end;
        inserted_before_end = trace.states_inserted_before_end();
        if (updates % 5 == 0) expect_as_built_from_scratch(history, trace);
    };
    while (generator.next(packet)) {
        trace.add_packet(Trace::capture(packet.time_ns, 0, generator.link(), packet.original_length, packet.frame));
        if (++packets % packets_per_update == 0) update();
    }
    update();
    expect_as_built_from_scratch(history, trace);
}

TEST(TransitionsAndSpans, AGrowingCaptureIsBuiltAgainOnlyWhenAStateWentBeforeTheEnd) {
    GeneratorOptions options;
    options.packets = 20'000;
    options.seed = 3;
    options.link = LinkType::Raw;
    Trace trace;
    TransitionsAndSpans history;
    size_t updates = 0, updates_with_a_state_before_the_end = 0;
    grow_and_compare(options, 700, updates, updates_with_a_state_before_the_end, history, trace);
    ASSERT_GT(history.transitions().size(), 1000u);
    // The first update builds; after that, only one that saw a state go before the end.
    EXPECT_EQ(history.full_builds(), 1 + updates_with_a_state_before_the_end);

    // At the end of a file, every held segment settles in the past at once.
    trace.flush_inferred();
    const uint64_t builds = history.full_builds();
    history.update(trace);
    EXPECT_EQ(history.full_builds(), builds + 1);
    expect_as_built_from_scratch(history, trace);
}

TEST(TransitionsAndSpans, DuringASynFloodEveryFrameOnlyAppends) {
    // Spoofed SYNs, each answered by a SYN-ACK nobody acknowledges, captured
    // where the server is: no state ever goes before the end.
    const Endpoint server{IpAddress::v4(10, 0, 0, 2), 80};
    Trace trace;
    TransitionsAndSpans history;
    int64_t time_ns = 1'000'000'000;
    size_t updates = 0;
    for (uint32_t syn = 0; syn < 6000; ++syn) {
        const Endpoint spoofed{IpAddress::v4(198, 18, static_cast<uint8_t>(syn >> 8), static_cast<uint8_t>(syn)),
                               static_cast<uint16_t>(1024 + syn)};
        const auto add = [&](const CraftedSegment& segment) {
            const std::vector<uint8_t> frame = craft_ipv4_tcp(segment);
            trace.add_packet(
                Trace::capture(time_ns += 1000, 1, LinkType::Raw, static_cast<uint32_t>(frame.size()), frame));
        };
        add({.source = spoofed, .destination = server, .flags = tcp_flag::Syn, .seq = syn * 7919u});
        add({.source = server,
             .destination = spoofed,
             .flags = tcp_flag::Syn | tcp_flag::Ack,
             .seq = syn * 104729u,
             .ack = syn * 7919u + 1});
        if (syn % 150 == 149) {
            history.update(trace);
            ++updates;
        }
    }
    EXPECT_EQ(trace.states_inserted_before_end(), 0u);
    EXPECT_EQ(history.full_builds(), 1u) << "in " << updates << " updates";
    expect_as_built_from_scratch(history, trace);
    EXPECT_GE(history.spans().size(), 6000u);  // the server's half-open sockets, at least
}

StateEvent state(int64_t time_ns, uint16_t local_port, TcpState from, TcpState to, StateSource source) {
    StateEvent event;
    event.time_ns = time_ns;
    event.local = Endpoint{IpAddress::v4(10, 0, 0, 1), local_port};
    event.remote = Endpoint{IpAddress::v4(10, 0, 0, 2), 80};
    event.from = from;
    event.to = to;
    event.source = source;
    return event;
}

TEST(TransitionsAndSpans, StatesAddedAtTheEndAreAppended) {
    Trace trace;
    trace.assign_actor(Endpoint{IpAddress::v4(10, 0, 0, 1), 5000}, Actor::Client);
    trace.assign_actor(Endpoint{IpAddress::v4(10, 0, 0, 1), 5001}, Actor::Client);
    TransitionsAndSpans history;
    trace.add_state(state(10, 5000, TcpState::Closed, TcpState::SynSent, StateSource::Inferred));
    history.update(trace);
    trace.add_state(state(20, 5000, TcpState::SynSent, TcpState::Established, StateSource::Inferred));
    trace.add_state(state(30, 5001, TcpState::Closed, TcpState::SynSent, StateSource::SocketDump));
    history.update(trace);
    EXPECT_EQ(history.full_builds(), 1u);
    expect_as_built_from_scratch(history, trace);
    ASSERT_EQ(history.spans().size(), 3u);
    EXPECT_EQ(history.spans()[0].end_ns, 20);  // SYN_SENT ended when the socket was established

    history.update(trace);  // nothing new: nothing happens
    EXPECT_EQ(history.full_builds(), 1u);
}

TEST(TransitionsAndSpans, AStateBeforeTheEndOrATracepointEventBuildsAnew) {
    Trace trace;
    TransitionsAndSpans history;
    trace.add_state(state(10, 5000, TcpState::Closed, TcpState::SynSent, StateSource::Inferred));
    trace.add_state(state(30, 5000, TcpState::SynSent, TcpState::Established, StateSource::Inferred));
    history.update(trace);
    trace.add_state(state(20, 5001, TcpState::Closed, TcpState::SynSent, StateSource::Inferred));  // before the end
    history.update(trace);
    EXPECT_EQ(history.full_builds(), 2u);
    expect_as_built_from_scratch(history, trace);

    // The kernel speaks of the socket the packets told of: its inferred states give way.
    trace.add_state(state(40, 5000, TcpState::Established, TcpState::FinWait1, StateSource::Tracepoint));
    history.update(trace);
    EXPECT_EQ(history.full_builds(), 3u);
    expect_as_built_from_scratch(history, trace);
}

TEST(TransitionsAndSpans, AnotherTraceIsBuiltFromScratch) {
    Trace first, second;
    first.add_state(state(10, 5000, TcpState::Closed, TcpState::SynSent, StateSource::Inferred));
    second.add_state(state(10, 6000, TcpState::Closed, TcpState::SynSent, StateSource::Inferred));
    second.add_state(state(20, 6000, TcpState::SynSent, TcpState::Established, StateSource::Inferred));
    TransitionsAndSpans history;
    history.update(first);
    history.update(second);
    EXPECT_EQ(history.full_builds(), 2u);
    expect_as_built_from_scratch(history, second);
}

}  // namespace
}  // namespace tcplab
