// The window's settings file and its default layout: plain code, no window.
// Settings survive a round trip; a broken file gives the defaults and says
// what is wrong instead of crashing; the default layout fills the screen
// without overlaps at any size.
#include "lab/window/settings.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "lab/language_choice.hpp"
#include "lab/window/default_layout.hpp"

namespace tcplab {
namespace {

WindowSettings changed_settings() {
    WindowSettings settings;
    settings.width = 1280;
    settings.height = 720;
    settings.language = "zh-CN";
    settings.lesson = "teardown";
    settings.presentation = true;
    settings.layout = "presentation";
    settings.zoom = 1.3;
    settings.presentation_left = "timeline";
    settings.presentation_right = "sockets";
    settings.own_layout = {{"ladder", 0, 0.05, 0.5, 0.95}, {"state_machine", 0.5, 0.05, 0.5, 0.95}};
    settings.colour_blind_palette = true;
    settings.relative_numbers = false;
    settings.open_views = {{"ladder", false}, {"timeline", true}};
    return settings;
}

TEST(Settings, DefaultsSurviveARoundTrip) {
    const WindowSettings defaults;
    const LoadedSettings loaded = settings_from_toml(defaults.to_toml());
    EXPECT_FALSE(loaded.error) << loaded.error->what;
    EXPECT_EQ(loaded.settings, defaults);
}

TEST(Settings, ChangedValuesSurviveARoundTrip) {
    const WindowSettings changed = changed_settings();
    const LoadedSettings loaded = settings_from_toml(changed.to_toml());
    EXPECT_FALSE(loaded.error) << loaded.error->what;
    EXPECT_EQ(loaded.settings, changed);
    EXPECT_FALSE(loaded.settings.view_open("ladder"));
    EXPECT_TRUE(loaded.settings.view_open("timeline"));
}

// A window that was never told a language saves none, so the next start
// follows the locale (or --lang) instead of whatever the last one used.
TEST(Settings, OnlyALanguagePickedInTheWindowIsSaved) {
    const std::string path = ::testing::TempDir() + "/settings-language.toml";
    WindowSettings followed_the_locale;
    ASSERT_TRUE(save_settings(followed_the_locale, path));
    EXPECT_EQ(saved_language(path), std::nullopt);
    WindowSettings picked;
    picked.language = "zh-CN";
    ASSERT_TRUE(save_settings(picked, path));
    EXPECT_EQ(saved_language(path), std::optional<std::string>("zh-CN"));
    std::filesystem::remove(path);
}

TEST(Settings, AFileFromBeforeTheRenameStillNamesItsLesson) {
    const LoadedSettings old = settings_from_toml("scenario = \"teardown\"\n");
    EXPECT_FALSE(old.error);
    EXPECT_EQ(old.settings.lesson, "teardown");
    const LoadedSettings both = settings_from_toml("scenario = \"teardown\"\nlesson = \"sticky\"\n");
    EXPECT_EQ(both.settings.lesson, "sticky");
}

TEST(Settings, AViewNotListedIsOpen) {
    const WindowSettings settings;
    EXPECT_TRUE(settings.view_open("some_future_view"));
}

TEST(Settings, AnEmptyFileGivesTheDefaults) {
    const LoadedSettings loaded = settings_from_toml("");
    EXPECT_FALSE(loaded.error);
    EXPECT_EQ(loaded.settings, WindowSettings{});
}

TEST(Settings, MalformedTextGivesTheDefaultsAndAnError) {
    for (const char* broken : {"width = [", "[window\nwidth = 3", "language = \"en", "\xff\xfe garbage", "= 1"}) {
        const LoadedSettings loaded = settings_from_toml(broken);
        ASSERT_TRUE(loaded.error) << broken;
        EXPECT_NE(loaded.error->what.find("cannot be read"), std::string::npos) << loaded.error->what;
        EXPECT_EQ(loaded.settings, WindowSettings{}) << broken;
    }
}

TEST(Settings, AWrongTypeKeepsTheDefaultForThatValueOnly) {
    const LoadedSettings loaded = settings_from_toml(
        "presentation = \"yes\"\nrelative_numbers = false\n[window]\nwidth = \"wide\"\nheight = 700\n"
        "[views]\nladder = 3\ntimeline = false\n");
    ASSERT_TRUE(loaded.error);
    EXPECT_NE(loaded.error->what.find("presentation"), std::string::npos) << loaded.error->what;
    EXPECT_NE(loaded.error->what.find("width"), std::string::npos) << loaded.error->what;
    EXPECT_NE(loaded.error->what.find("ladder"), std::string::npos) << loaded.error->what;
    EXPECT_FALSE(loaded.settings.presentation);
    EXPECT_FALSE(loaded.settings.relative_numbers);
    EXPECT_EQ(loaded.settings.width, WindowSettings{}.width);
    EXPECT_EQ(loaded.settings.height, 700);
    EXPECT_TRUE(loaded.settings.view_open("ladder"));
    EXPECT_FALSE(loaded.settings.view_open("timeline"));
}

TEST(Settings, ImpossibleSizesAndUnknownLanguagesAreRejected) {
    const LoadedSettings loaded =
        settings_from_toml("language = \"klingon\"\n[window]\nwidth = 5\nheight = 99999999\n");
    ASSERT_TRUE(loaded.error);
    EXPECT_NE(loaded.error->what.find("klingon"), std::string::npos) << loaded.error->what;
    EXPECT_EQ(loaded.settings.language, "");  // then --lang or the locale decides
    EXPECT_EQ(loaded.settings.width, WindowSettings{}.width);
    EXPECT_EQ(loaded.settings.height, WindowSettings{}.height);
}

class SettingsFiles : public ::testing::Test {
protected:
    void SetUp() override {
        folder_ =
            std::filesystem::temp_directory_path() / ("tcplab-settings-" + std::to_string(::getpid()) + "-" +
                                                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(folder_);
        if (const char* config = std::getenv("XDG_CONFIG_HOME")) saved_config_ = config;
        if (const char* home = std::getenv("HOME")) saved_home_ = home;
    }
    void TearDown() override {
        restore("XDG_CONFIG_HOME", saved_config_);
        restore("HOME", saved_home_);
        std::filesystem::remove_all(folder_);
    }
    static void restore(const char* name, const std::optional<std::string>& value) {
        if (value)
            ::setenv(name, value->c_str(), 1);
        else
            ::unsetenv(name);
    }

    std::filesystem::path folder_;
    std::optional<std::string> saved_config_;
    std::optional<std::string> saved_home_;
};

TEST_F(SettingsFiles, TheFolderFollowsXdgConfigHomeThenHome) {
    ::setenv("XDG_CONFIG_HOME", (folder_ / "config").c_str(), 1);
    EXPECT_EQ(settings_file_path(), (folder_ / "config" / "tcplab" / "settings.toml").string());
    EXPECT_EQ(imgui_ini_path(), (folder_ / "config" / "tcplab" / "imgui.ini").string());
    ::unsetenv("XDG_CONFIG_HOME");
    ::setenv("HOME", (folder_ / "home").c_str(), 1);
    EXPECT_EQ(settings_file_path(), (folder_ / "home" / ".config" / "tcplab" / "settings.toml").string());
}

TEST_F(SettingsFiles, SavedSettingsLoadAgain) {
    const std::string path = (folder_ / "nested" / "settings.toml").string();
    const LoadedSettings missing = load_settings(path);
    EXPECT_FALSE(missing.error);
    EXPECT_EQ(missing.settings, WindowSettings{});

    ASSERT_TRUE(save_settings(changed_settings(), path));
    const LoadedSettings loaded = load_settings(path);
    EXPECT_FALSE(loaded.error);
    EXPECT_EQ(loaded.settings, changed_settings());
}

TEST_F(SettingsFiles, ABrokenFileNamesItselfInTheRemedy) {
    std::filesystem::create_directories(folder_);
    const std::string path = (folder_ / "settings.toml").string();
    std::ofstream(path) << "[window\n";
    const LoadedSettings loaded = load_settings(path);
    ASSERT_TRUE(loaded.error);
    EXPECT_NE(loaded.error->remedy.find(path), std::string::npos) << loaded.error->remedy;
    EXPECT_EQ(loaded.settings, WindowSettings{});
}

const std::vector<std::string> kViews = {"scenario", "timeline", "ladder",  "state_machine", "packet_detail",
                                         "sockets",  "wire",     "framing", "predict"};

bool overlap(const PanelRect& a, const PanelRect& b) {
    constexpr float kSlack = 0.5f;  // shared edges are fine
    return a.x + a.width > b.x + kSlack && b.x + b.width > a.x + kSlack && a.y + a.height > b.y + kSlack &&
           b.y + b.height > a.y + kSlack;
}

float area(const PanelRect& rect) { return rect.width * rect.height; }

TEST(DefaultLayout, KnownViewsTileTheScreenAtAnySize) {
    for (const auto& [width, height] : {std::pair{1600.0f, 900.0f}, {1024.0f, 768.0f}, {3840.0f, 2160.0f}}) {
        const float top = 24;
        const std::vector<PanelRect> layout = default_layout(kViews, width, height, top);
        ASSERT_EQ(layout.size(), kViews.size());
        float covered = 0;
        for (size_t i = 0; i < layout.size(); ++i) {
            const PanelRect& rect = layout[i];
            EXPECT_EQ(rect.view_id, kViews[i]);
            EXPECT_FALSE(rect.collapsed) << rect.view_id;
            EXPECT_GE(rect.x, 0) << rect.view_id;
            EXPECT_GE(rect.y, top) << rect.view_id;
            EXPECT_LE(rect.x + rect.width, width + 0.5f) << rect.view_id;
            EXPECT_LE(rect.y + rect.height, height + 0.5f) << rect.view_id;
            EXPECT_GT(rect.width, width / 5) << rect.view_id;
            EXPECT_GT(rect.height, (height - top) / 6) << rect.view_id;
            for (size_t j = i + 1; j < layout.size(); ++j)
                EXPECT_FALSE(overlap(rect, layout[j])) << rect.view_id << " / " << layout[j].view_id;
            covered += area(rect);
        }
        EXPECT_NEAR(covered, width * (height - top), width * height * 0.001f);
    }
}

// The timeline is as wide as the lesson bar above it; the wire and the
// questions share the column beside both.
TEST(DefaultLayout, TheTimelineSpansTheWidthUnderTheLesson) {
    const std::vector<PanelRect> layout = default_layout(kViews, 1600, 900, 20);
    const PanelRect& lesson = layout[0];
    const PanelRect& timeline = layout[1];
    EXPECT_EQ(timeline.width, lesson.width);
    EXPECT_FLOAT_EQ(layout[8].x, lesson.width);  // predict beside them
    EXPECT_FLOAT_EQ(layout[8].y + layout[8].height, timeline.y + timeline.height);
    EXPECT_FLOAT_EQ(timeline.y, lesson.y + lesson.height);
    EXPECT_LT(layout[2].x, layout[3].x);  // ladder left of the state machine
    EXPECT_LT(layout[3].x, layout[4].x);  // the state machine left of packet detail
    EXPECT_LT(layout[4].y, layout[5].y);  // packet detail over the sockets
}

TEST(DefaultLayout, LargerTextGivesTheLessonMoreRoomAndStillTiles) {
    const std::vector<PanelRect> normal = default_layout(kViews, 1600, 900, 24, 17);
    const std::vector<PanelRect> large = default_layout(kViews, 1600, 900, 36, 27);
    EXPECT_GT(large[0].height, normal[0].height * 1.4f);
    const PanelRect& bottom = large[5];  // the sockets, lowest on the right
    EXPECT_NEAR(bottom.y + bottom.height, 900, 0.5f);
    EXPECT_GT(bottom.height, 100);
}

TEST(DefaultLayout, WithoutTheWireTheLessonTakesTheWholeRow) {
    const std::vector<PanelRect> layout = default_layout({"scenario", "timeline"}, 1600, 900, 20);
    EXPECT_EQ(layout[0].width, 1600);
}

TEST(DefaultLayout, AnUnknownViewStartsCollapsedOnScreen) {
    const std::vector<PanelRect> layout = default_layout({"scenario", "new_a", "new_b"}, 1600, 900, 20);
    for (size_t i : {1u, 2u}) {
        EXPECT_TRUE(layout[i].collapsed);
        EXPECT_LT(layout[i].x + layout[i].width, 1600);
        EXPECT_LT(layout[i].y + layout[i].height, 900);
    }
    EXPECT_NE(layout[1].x, layout[2].x);  // cascaded, not stacked exactly
}

// In front of a class three panels fill the screen, each at least a third of
// its width, and the others are not shown; a view asked for takes a panel's place.
TEST(PresentationLayout, ThreePanelsFillTheScreenAtProjectorSizes) {
    for (const auto& [width, height] : {std::pair{1024.0f, 768.0f}, {1280.0f, 720.0f}, {1920.0f, 1080.0f}}) {
        const float top = 40;
        const std::vector<PanelRect> layout = presentation_layout(kViews, PresentationSlots{}, width, height, top);
        ASSERT_EQ(layout.size(), kViews.size());
        float covered = 0;
        std::vector<std::string> shown;
        for (const PanelRect& rect : layout) {
            if (rect.width == 0) continue;
            shown.push_back(rect.view_id);
            EXPECT_GE(rect.width, width / 3) << rect.view_id;
            EXPECT_GE(rect.y, top) << rect.view_id;
            EXPECT_LE(rect.x + rect.width, width + 0.5f) << rect.view_id;
            EXPECT_LE(rect.y + rect.height, height + 0.5f) << rect.view_id;
            for (const PanelRect& other : layout)
                if (&other != &rect && other.width > 0) {
                    EXPECT_FALSE(overlap(rect, other)) << rect.view_id << " / " << other.view_id;
                }
            covered += area(rect);
        }
        EXPECT_EQ(shown, (std::vector<std::string>{"scenario", "ladder", "state_machine"}));
        EXPECT_NEAR(covered, width * (height - top), width * height * 0.001f);
    }
    const std::vector<PanelRect> swapped =
        presentation_layout(kViews, PresentationSlots{"timeline", "state_machine"}, 1280, 720, 40);
    for (const PanelRect& rect : swapped) {
        if (rect.view_id == "timeline") {
            EXPECT_EQ(rect.x, 0);
        }
        if (rect.view_id == "ladder") {
            EXPECT_EQ(rect.width, 0);
        }
    }
}

}  // namespace
}  // namespace tcplab
