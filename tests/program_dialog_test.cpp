// "Your programs" in the window, drawn in a real ImGui context (no window):
// the two command lines typed and Start pressed come back as what to run;
// an error given back is drawn in the dialog.
#include "lab/window/program_dialog.hpp"

#include <gtest/gtest.h>

#include "imgui_harness.hpp"

namespace tcplab {
namespace {

class ProgramDialogTest : public testing::Test {
protected:
    void SetUp() override {
        auto loaded = Language::load("en");
        ASSERT_TRUE(loaded.ok());
        language_ = loaded.value();
        dialog_.open();
    }

    // One frame of the dialog; what it returned.
    std::optional<ProgramCommandSettings> frame(int* vertices = nullptr) {
        std::optional<ProgramCommandSettings> asked;
        const int drawn = harness_.frames(1, [&] { asked = dialog_.draw(language_); });
        if (vertices) *vertices = drawn;
        return asked;
    }

    std::optional<ProgramCommandSettings> click(float x, float y) {
        harness_.mouse(x, y, true);
        auto pressed = frame();
        harness_.mouse(x, y, false);
        auto released = frame();
        return pressed ? pressed : released;
    }

    void type_into(float x, float y, const char* text) {
        EXPECT_FALSE(click(x, y));
        ImGui::GetIO().AddInputCharactersUTF8(text);
        frame();
    }

    test::ImGuiHarness harness_{1600, 900};
    Language language_;
    ProgramDialog dialog_;
};

TEST_F(ProgramDialogTest, TypedCommandLinesComeBackWhenStartIsPressed) {
    EXPECT_FALSE(frame());
    EXPECT_FALSE(frame());
    const ProgramDialog::Places places = dialog_.places();
    type_into(places.server_x, places.server_y, "python3 server.py 9000");
    type_into(places.client_x, places.client_y, "python3 client.py server 9000");
    const auto asked = click(places.start_x, places.start_y);
    ASSERT_TRUE(asked);
    EXPECT_EQ(asked->server, "python3 server.py 9000");
    EXPECT_EQ(asked->client, "python3 client.py server 9000");
    EXPECT_TRUE(asked->example.empty());
}

TEST_F(ProgramDialogTest, AnErrorGivenBackIsDrawn) {
    int without_error = 0, with_error = 0;
    frame();
    frame(&without_error);
    dialog_.show_error("nothing to run: give the server's and the client's command lines");
    frame();
    frame(&with_error);
    // The error's line is drawn: a few dozen glyphs more than before.
    EXPECT_GT(with_error, without_error + 4 * 30);
    EXPECT_TRUE(dialog_.is_open());
}

}  // namespace
}  // namespace tcplab
