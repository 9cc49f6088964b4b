// Which language tcplab speaks: --lang, else the window's saved choice, else
// the locale (LC_ALL before LC_MESSAGES before LANG), else English.
#include "lab/language_choice.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "temp_dir.hpp"

namespace tcplab {
namespace {

EnvironmentReader environment(std::map<std::string, std::string> variables) {
    return [variables = std::move(variables)](const char* name) -> const char* {
        const auto found = variables.find(name);
        return found == variables.end() ? nullptr : found->second.c_str();
    };
}

TEST(LanguageChoice, AChineseLocaleGivesSimplifiedChinese) {
    for (const char* locale : {"zh_CN.UTF-8", "zh_CN", "zh_TW.UTF-8", "zh_SG.GB2312"}) {
        const LanguageChoice choice = choose_language("", std::nullopt, environment({{"LANG", locale}}));
        EXPECT_EQ(choice.code, "zh-CN") << locale;
        EXPECT_EQ(choice.reason, std::string("LANG=") + locale);
    }
    EXPECT_EQ(choose_language("", std::nullopt, environment({{"LANG", "de_DE.UTF-8"}})).code, "en");
    EXPECT_EQ(choose_language("", std::nullopt, environment({})).code, "en");
    EXPECT_EQ(choose_language("", std::nullopt, environment({})).reason, "default");
}

TEST(LanguageChoice, LcAllThenLcMessagesThenLang) {
    EXPECT_EQ(choose_language("", std::nullopt, environment({{"LC_ALL", "C"}, {"LANG", "zh_CN.UTF-8"}})).code, "en");
    EXPECT_EQ(
        choose_language("", std::nullopt, environment({{"LC_MESSAGES", "zh_CN.UTF-8"}, {"LANG", "en_US.UTF-8"}})).code,
        "zh-CN");
    EXPECT_EQ(choose_language("", std::nullopt, environment({{"LC_ALL", ""}, {"LANG", "zh_CN.UTF-8"}})).code, "zh-CN");
}

TEST(LanguageChoice, TheFlagThenTheSavedChoiceWinOverTheLocale) {
    const auto chinese = environment({{"LANG", "zh_CN.UTF-8"}});
    EXPECT_EQ(choose_language("en", std::nullopt, chinese).code, "en");
    EXPECT_EQ(choose_language("en", std::nullopt, chinese).reason, "--lang");
    EXPECT_EQ(choose_language("", std::string("en"), chinese).code, "en");
    EXPECT_EQ(choose_language("", std::string("en"), chinese).reason, "saved");
    EXPECT_EQ(choose_language("zh", std::string("en"), chinese).code, "zh-CN");
}

TEST(LanguageChoice, TheSavedChoiceComesFromTheWindowsSettingsFile) {
    test::TempDir folder;
    const std::string path = folder.file("settings.toml");
    EXPECT_EQ(saved_language(path), std::nullopt);  // no file yet
    std::ofstream(path) << "width = 1200\nlanguage = \"zh-CN\"\n";
    EXPECT_EQ(saved_language(path), "zh-CN");
    std::ofstream(path) << "width = 1200\n";
    EXPECT_EQ(saved_language(path), std::nullopt);
    std::ofstream(path) << "language = \"klingon\"\n";
    EXPECT_EQ(saved_language(path), std::nullopt);
    std::ofstream(path) << "language = [broken";
    EXPECT_EQ(saved_language(path), std::nullopt);
}

}  // namespace
}  // namespace tcplab
