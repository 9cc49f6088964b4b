// The window's fonts, in an ImGui context without a window: which characters
// the window can show. Every character of the language files, with any ImGui;
// with ImGui 1.92 (glyphs baked on demand) also any other character of the CJK
// font, as in a note a teacher types or a lesson of one's own. Older ImGui bakes
// only the language files' characters ahead of time: the test holds that limit
// too, so that the README's account of it stays true.
#include "lab/window/fonts.hpp"

#include <fontconfig/fontconfig.h>
#include <gtest/gtest.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "lab/i18n.hpp"
#include "lab/window/imgui_compat.hpp"

namespace tcplab {
namespace {

constexpr float kTextPixels = 17.0f;
constexpr float kPresentationPixels = 27.0f;  // the window's text in presentation mode

std::vector<std::string> language_texts() {
    std::vector<std::string> texts;
    for (const std::string& code : Language::codes()) {
        auto language = Language::load(code);
        EXPECT_TRUE(language) << code;
        if (!language) continue;
        for (const std::string& key : language->keys()) texts.push_back(language->text(key));
    }
    return texts;
}

std::set<ImWchar> characters_of(const std::string& text) {
    std::set<ImWchar> characters;
    for (const char* at = text.c_str(); *at;) {
        unsigned int character = 0;
        at += ImTextCharFromUtf8(&character, at, nullptr);
        if (character >= 0x80) characters.insert(static_cast<ImWchar>(character));
    }
    return characters;
}

// Whether the font file itself has `character` (so that not showing it is ImGui's doing).
bool file_has(const FontFile& file, ImWchar character) {
    int faces = 0;
    FcPattern* pattern =
        FcFreeTypeQuery(reinterpret_cast<const FcChar8*>(file.path.c_str()), file.index, nullptr, &faces);
    if (!pattern) return false;
    FcCharSet* characters = nullptr;
    const bool has = FcPatternGetCharSet(pattern, FC_CHARSET, 0, &characters) == FcResultMatch &&
                     FcCharSetHasChar(characters, character);
    FcPatternDestroy(pattern);
    return has;
}

std::optional<std::string> missing_cjk_font(const FontFiles& files) {
    if (files.cjk.path.empty()) return "no CJK font: sudo apt-get install fonts-wqy-microhei";
    return std::nullopt;
}

// The window's fonts in an atlas made in memory, as the window makes them.
class WindowFonts : public ::testing::Test {
protected:
    void SetUp() override {
        context_ = ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;
        imgui_compat::start_headless(io);
        files_ = find_font_files();
        texts_ = language_texts();
        fonts_ = std::make_unique<FontSet>(files_, texts_);
        imgui_compat::set_font_size(*io.Fonts, kTextPixels, false,
                                    [this](ImFontAtlas& atlas, float pixels) { fonts_->add_to(atlas, pixels); });
    }
    void TearDown() override { ImGui::DestroyContext(context_); }

    ImFont& font() { return *ImGui::GetIO().Fonts->Fonts[0]; }

    ImGuiContext* context_ = nullptr;
    FontFiles files_;
    std::vector<std::string> texts_;
    std::unique_ptr<FontSet> fonts_;
};

TEST_F(WindowFonts, EveryCharacterOfTheLanguageFilesIsShown) {
    if (auto missing = missing_cjk_font(files_)) GTEST_SKIP() << *missing;
    ASSERT_TRUE(fonts_->has_cjk_font());
    std::set<ImWchar> characters;
    for (const std::string& text : texts_) characters.merge(characters_of(text));
    ASSERT_GT(characters.size(), 500u) << "the Chinese language file should bring hundreds of characters";
    for (const ImWchar character : characters)
        EXPECT_TRUE(imgui_compat::font_shows(font(), kTextPixels, character))
            << "U+" << std::hex << int(character) << " of the language files has no glyph";
}

// A teacher's note, with characters that no language file has.
TEST_F(WindowFonts, ANoteInOtherChineseIsShownWhereGlyphsAreBakedOnDemand) {
    if (auto missing = missing_cjk_font(files_)) GTEST_SKIP() << *missing;
    const std::string note = "饕餮魑魅魍魉：窗口滑动";
    std::set<ImWchar> unseen = characters_of(note);
    for (const std::string& text : texts_)
        for (const ImWchar character : characters_of(text)) unseen.erase(character);
    ASSERT_GE(unseen.size(), 6u) << "the note should use characters the language files do not";
    for (const ImWchar character : unseen) {
        ASSERT_TRUE(file_has(files_.cjk, character)) << files_.cjk.path << " lacks U+" << std::hex << int(character);
        if (imgui_compat::glyphs_baked_on_demand()) {
            EXPECT_TRUE(imgui_compat::font_shows(font(), kTextPixels, character)) << std::hex << int(character);
            EXPECT_TRUE(imgui_compat::font_shows(font(), kPresentationPixels, character)) << std::hex << int(character);
        } else {
            EXPECT_FALSE(imgui_compat::font_shows(font(), kTextPixels, character))
                << "ImGui " << imgui_compat::version() << " bakes only the language files' characters";
        }
    }
}

TEST_F(WindowFonts, ALargerSizeKeepsTheSameCharacters) {
    if (auto missing = missing_cjk_font(files_)) GTEST_SKIP() << *missing;
    ImGuiIO& io = ImGui::GetIO();
    imgui_compat::set_font_size(*io.Fonts, kPresentationPixels, false,
                                [this](ImFontAtlas& atlas, float pixels) { fonts_->add_to(atlas, pixels); });
    ASSERT_TRUE(fonts_->has_cjk_font());
    io.DisplaySize = ImVec2(800, 600);
    io.DeltaTime = 1.0f / 60.0f;
    ImGui::NewFrame();
    EXPECT_FLOAT_EQ(ImGui::GetFontSize(), kPresentationPixels);
    ImGui::Render();
    imgui_compat::finish_headless_frame();
    for (const ImWchar character : characters_of("三次握手：服务端收到 SYN"))
        EXPECT_TRUE(imgui_compat::font_shows(font(), kPresentationPixels, character)) << std::hex << int(character);
}

}  // namespace
}  // namespace tcplab
