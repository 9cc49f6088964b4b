// The program output panel drawn in a real ImGui context (no window): each
// line a program wrote, marked with its host, up to the cursor; and its input
// line, whose text is queued for the client's standard input and reaches it.
#include "lab/views/program_output_view.hpp"

#include <GLFW/glfw3.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <variant>
#include <vector>

#include "imgui_harness.hpp"
#include "lab/i18n.hpp"
#include "lab/layout/palette.hpp"
#include "lab/window/imgui_compat.hpp"
#include "scenarios/program_input.hpp"

namespace tcplab {
namespace {

constexpr float kWidth = 800;
constexpr float kHeight = 300;

// What an echo pair writes, one line every 10 ms from t = 1 s.
Trace echo_trace() {
    Trace trace;
    const std::vector<std::pair<Actor, std::string>> lines = {{Actor::Server, "listening on port 9000"},
                                                              {Actor::Client, "echo: hello"},
                                                              {Actor::Client, "echo: 你好"},
                                                              {Actor::Server, "done"}};
    int64_t time_ns = 1'000'000'000;
    for (const auto& [host, text] : lines) {
        trace.add_output({time_ns, host, host == Actor::Server ? "server" : "client", text});
        time_ns += 10'000'000;
    }
    return trace;
}

class ProgramOutputPanel : public testing::Test {
protected:
    void SetUp() override {
        auto loaded = Language::load("en");
        ASSERT_TRUE(loaded.ok());
        language_ = loaded.value();
    }

    // Draws the view for `frames` frames; returns the text of the last one and
    // where the last item (the input line, when there is one) was.
    std::string draw(ProgramOutputView& view, LabContext& context, int frames = 2) {
        std::string text;
        harness_.frames(frames, [&] {
            ImGui::SetNextWindowPos(ImVec2(0, 0));
            ImGui::SetNextWindowSize(ImVec2(kWidth, kHeight));
            text = test::ImGuiHarness::window_text(view.id(), [&] {
                view.draw(context);
                last_item_ = ImVec2((ImGui::GetItemRectMin().x + ImGui::GetItemRectMax().x) / 2,
                                    (ImGui::GetItemRectMin().y + ImGui::GetItemRectMax().y) / 2);
            });
        });
        return text;
    }

    test::ImGuiHarness harness_{1000, 400};
    Language language_;
    Palette palette_ = Palette::standard();
    SharedViewState shared_;
    ImVec2 last_item_;
};

TEST_F(ProgramOutputPanel, DrawsEachLineMarkedWithItsHostUpToTheCursor) {
    const Trace trace = echo_trace();
    LabContext context{trace, language_, shared_, palette_};
    ProgramOutputView view;
    const std::string text = draw(view, context);
    EXPECT_EQ(view.drawn_lines(), (std::vector<std::string>{"[server] listening on port 9000", "[client] echo: hello",
                                                            "[client] echo: 你好", "[server] done"}));
    EXPECT_NE(text.find("echo: 你好"), std::string::npos) << text;

    // With the cursor after the second line, the later ones are not written yet.
    shared_.cursor_ns = 1'015'000'000;
    draw(view, context);
    EXPECT_EQ(view.drawn_lines(),
              (std::vector<std::string>{"[server] listening on port 9000", "[client] echo: hello"}));
}

TEST_F(ProgramOutputPanel, WithoutOutputItSaysHowToRunPrograms) {
    const Trace trace;
    LabContext context{trace, language_, shared_, palette_};
    ProgramOutputView view;
    const std::string text = draw(view, context);
    EXPECT_TRUE(view.drawn_lines().empty());
    EXPECT_NE(text.find(language_.text("program_output.empty").substr(0, 20)), std::string::npos) << text;
}

TEST_F(ProgramOutputPanel, WhatIsTypedReachesTheClientsStandardInput) {
    const Trace trace = echo_trace();
    auto input = ProgramInput::open();
    ASSERT_TRUE(input.ok()) << input.error().what;
    LabContext context{trace, language_, shared_, palette_};
    context.program_input = input.value().get();
    ProgramOutputView view;
    draw(view, context);
    // Click the input line (left of the last item, its End input button), type, press Enter.
    harness_.mouse(20, last_item_.y, true);
    draw(view, context, 1);
    harness_.mouse(20, last_item_.y, false);
    draw(view, context, 1);
    ImGuiIO& io = ImGui::GetIO();
    io.AddInputCharactersUTF8("ping 你好");
    draw(view, context, 1);
    tcplab::imgui_compat::send_key(io, GLFW_KEY_ENTER, true);
    draw(view, context, 1);
    tcplab::imgui_compat::send_key(io, GLFW_KEY_ENTER, false);
    // Queued while drawing; nothing is written to the program until the
    // window flushes, and until then the panel says a line waits.
    const std::string waiting = draw(view, context, 1);
    EXPECT_NE(waiting.find("1 typed lines wait"), std::string::npos) << waiting;
    EXPECT_EQ(input.value()->pending(), std::vector<std::string>{"ping 你好"});
    ASSERT_TRUE(input.value()->flush().ok());
    EXPECT_TRUE(input.value()->pending().empty());
    char buffer[64] = {};
    const ssize_t got = read(input.value()->program_end(), buffer, sizeof(buffer));
    EXPECT_EQ(std::string(buffer, got > 0 ? static_cast<size_t>(got) : 0), "ping 你好\n");
}

// Ctrl-D of a terminal: the button, or Ctrl+D while typing, asks the window
// (through the outbox) to end the client's input after what was typed; once
// the window has ended it, the client reads end-of-file and the panel says so.
TEST_F(ProgramOutputPanel, EndOfInputByButtonOrCtrlDReachesTheClientAsEndOfFile) {
    const Trace trace = echo_trace();
    auto input = ProgramInput::open();
    ASSERT_TRUE(input.ok()) << input.error().what;
    Outbox outbox;
    LabContext context{trace, language_, shared_, palette_};
    context.program_input = input.value().get();
    context.outbox = &outbox;
    ProgramOutputView view;
    draw(view, context);
    // The last item is the button: click it.
    harness_.mouse(last_item_.x, last_item_.y, true);
    draw(view, context, 1);
    harness_.mouse(last_item_.x, last_item_.y, false);
    draw(view, context, 1);
    ASSERT_EQ(outbox.size(), 1u);
    EXPECT_TRUE(std::holds_alternative<command::EndProgramInput>(outbox[0]));
    outbox.clear();

    // Ctrl+D in the input line, with a word typed: the word goes first.
    const float field_x = 20, field_y = last_item_.y;
    harness_.mouse(field_x, field_y, true);
    draw(view, context, 1);
    harness_.mouse(field_x, field_y, false);
    draw(view, context, 1);
    ImGui::GetIO().AddInputCharactersUTF8("bye");
    draw(view, context, 1);
    context.end_of_input_key = true;  // what the window sets when Ctrl+D goes down
    draw(view, context, 1);
    context.end_of_input_key = false;
    ASSERT_EQ(outbox.size(), 1u);
    EXPECT_TRUE(std::holds_alternative<command::EndProgramInput>(outbox[0]));
    EXPECT_EQ(input.value()->pending(), std::vector<std::string>{"bye"});

    // The window applies it (apply_commands) and writes between frames.
    input.value()->end();
    ASSERT_TRUE(input.value()->flush().ok());
    std::string received;
    char buffer[64];
    for (ssize_t got; (got = read(input.value()->program_end(), buffer, sizeof buffer)) > 0;)
        received.append(buffer, static_cast<size_t>(got));
    EXPECT_EQ(received, "bye\n");  // and then end-of-file: the loop ended on 0
    const std::string text = draw(view, context);
    EXPECT_NE(text.find(language_.text("program_output.ended").substr(0, 30)), std::string::npos) << text;
}

}  // namespace
}  // namespace tcplab
