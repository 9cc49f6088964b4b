// The packet detail and sockets views drawn in a real ImGui context (no window)
// over recorded runs, with the mouse over the field tree and the hex dump. An
// ImGui error aborts the binary, so reaching the checks means none happened.
#include <gtest/gtest.h>

#include <string>

#include "capture/kernel_counters.hpp"
#include "imgui_harness.hpp"
#include "lab/i18n.hpp"
#include "lab/layout/palette.hpp"
#include "lab/views/packet_detail_view.hpp"
#include "lab/views/sockets_view.hpp"
#include "recordings.hpp"

namespace tcplab {
namespace {

constexpr float kWindowWidth = 1300;
constexpr float kWindowHeight = 800;

class InspectViews : public testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        auto loaded = Language::load(language_code_);
        ASSERT_TRUE(loaded.ok());
        language_ = loaded.value();
    }

    // Draws `view` in a fixed window for `frames` frames; returns the last frame's vertex count.
    int draw(View& view, LabContext& context, int frames) {
        return harness_.frames(frames, [&] {
            ImGui::SetNextWindowPos(ImVec2(0, 0));
            ImGui::SetNextWindowSize(ImVec2(kWindowWidth, kWindowHeight));
            ImGui::Begin(view.id());
            view.draw(context);
            ImGui::End();
        });
    }

    std::string language_code_ = "en";
    test::ImGuiHarness harness_{1600, 900};
    Language language_;
    Palette palette_ = Palette::standard();
    SharedViewState shared_;
};

TEST_P(InspectViews, PacketDetailDrawsEveryPacketWithHover) {
    const Trace& trace = test::recorded_trace(GetParam());
    ASSERT_FALSE(trace.packets().empty());
    LabContext context{trace, language_, shared_, palette_};
    PacketDetailView view;

    // Nothing selected: the hint, and no tree.
    const int hint_vertices = draw(view, context, 2);
    EXPECT_GT(hint_vertices, 0);

    for (size_t index = 0; index < trace.packets().size(); ++index) {
        shared_.selected_packet = index;
        harness_.mouse(-100, -100);
        const int plain = draw(view, context, 2);
        EXPECT_GT(plain, hint_vertices) << "packet " << index;
        // Over the hex dump (the right-hand child): a tooltip names the field and the bytes light up.
        harness_.mouse(kWindowWidth - 420, 95);
        const int over_bytes = draw(view, context, 3);
        EXPECT_GT(over_bytes, plain) << "packet " << index;
        // Over the field tree: the row and its bytes light up.
        harness_.mouse(120, 140);
        const int over_tree = draw(view, context, 3);
        EXPECT_GT(over_tree, plain) << "packet " << index;
        // A click on a field pins it; the view keeps drawing.
        harness_.mouse(120, 140, true);
        draw(view, context, 1);
        harness_.mouse(120, 140, false);
        draw(view, context, 1);
    }

    // A selected packet after the cursor is not shown yet.
    shared_.selected_packet = trace.packets().size() - 1;
    shared_.cursor_ns = trace.packets().front().time_ns;
    harness_.mouse(-100, -100);
    EXPECT_EQ(draw(view, context, 2), hint_vertices);
    // Raw numbers and an out-of-range selection draw too.
    shared_.cursor_ns = 0;
    shared_.relative_numbers = false;
    draw(view, context, 2);
    shared_.selected_packet = trace.packets().size() + 5;
    EXPECT_EQ(draw(view, context, 2), hint_vertices);
}

TEST_P(InspectViews, PacketDetailStacksInANarrowWindow) {
    const Trace& trace = test::recorded_trace(GetParam());
    LabContext context{trace, language_, shared_, palette_};
    PacketDetailView view;
    shared_.selected_packet = 0;
    harness_.mouse(100, 400);
    const int vertices = harness_.frames(3, [&] {
        ImGui::SetNextWindowPos(ImVec2(0, 0));
        ImGui::SetNextWindowSize(ImVec2(500, 800));
        ImGui::Begin(view.id());
        view.draw(context);
        ImGui::End();
    });
    EXPECT_GT(vertices, 0);
}

TEST_P(InspectViews, SocketsReplayedAtEveryCursorAndLive) {
    const Trace& trace = test::recorded_trace(GetParam());
    LabContext context{trace, language_, shared_, palette_};
    SocketsView view;
    harness_.mouse(200, 60);
    for (const StateEvent& event : trace.states()) {
        shared_.cursor_ns = event.time_ns;
        draw(view, context, 1);
    }
    shared_.cursor_ns = 0;
    const int replayed = draw(view, context, 2);
    EXPECT_GT(replayed, 0);

    // Live: a dump and counters with a change since the start.
    std::vector<SocketInfo> sockets(3);
    sockets[0].state = TcpState::Listen;
    sockets[0].local = {IpAddress::v4(127, 0, 0, 1), 5000};
    sockets[1].state = TcpState::TimeWait;
    sockets[1].local = {IpAddress::v4(127, 0, 0, 1), 40000};
    sockets[1].remote = sockets[0].local;
    sockets[1].timer = SocketTimer::TimeWait;
    sockets[1].timer_expires_ms = 59'000;
    sockets[2].state = TcpState::Established;
    sockets[2].local = {IpAddress::parse("::1").value(), 6000};
    sockets[2].remote = {IpAddress::parse("::1").value(), 41000};
    sockets[2].timer = SocketTimer::Retransmit;
    sockets[2].timer_expires_ms = 200;
    KernelCounters counters;
    counters.at_start.values = {{"Tcp.ActiveOpens", 1}, {"TcpExt.ListenOverflows", 0}};
    counters.latest.values = {{"Tcp.ActiveOpens", 2}, {"TcpExt.ListenOverflows", 0}};
    context.sockets = &sockets;
    context.counters = &counters;
    const int live = draw(view, context, 3);
    EXPECT_GT(live, 0);
    // Click the Recv-Q header to sort by it, then again for descending.
    harness_.mouse(130, 45, true);
    draw(view, context, 1);
    harness_.mouse(130, 45, false);
    draw(view, context, 2);
}

INSTANTIATE_TEST_SUITE_P(RecordedRuns, InspectViews, testing::Values("handshake", "teardown"));

// The same in Chinese: every text the views ask for exists there too.
TEST(InspectViewsChinese, DrawWithoutMissingKeys) {
    auto chinese = Language::load("zh-CN");
    ASSERT_TRUE(chinese.ok());
    const Trace& trace = test::recorded_trace("teardown");
    SharedViewState shared;
    shared.selected_packet = 0;
    const Palette palette = Palette::colour_blind_safe();
    LabContext context{trace, chinese.value(), shared, palette};
    test::ImGuiHarness harness;
    PacketDetailView detail;
    SocketsView sockets;
    std::string drawn;
    harness.frames(2, [&] {
        drawn = test::ImGuiHarness::window_text("detail", [&] { detail.draw(context); }) +
                test::ImGuiHarness::window_text("sockets", [&] { sockets.draw(context); });
    });
    // A missing key shows as ⟨key⟩; every label is Chinese, the packet's fields included.
    EXPECT_EQ(drawn.find("⟨"), std::string::npos) << drawn;
    for (const char* key : {"inspect.column_field", "inspect.sockets.state"})
        EXPECT_NE(drawn.find(chinese.value().text(key)), std::string::npos) << key << " not drawn:\n" << drawn;
    EXPECT_NE(drawn.find("SYN"), std::string::npos) << drawn;
}

}  // namespace
}  // namespace tcplab
