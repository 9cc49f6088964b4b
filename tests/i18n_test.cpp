// Every user-facing text exists in every language we ship, and every key the
// code and the lessons ask for is defined.
#include "lab/i18n.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "scenarios/assets.hpp"
#include "scenarios/lesson.hpp"
#include "scenarios/program_examples.hpp"
#include "tests/temp_dir.hpp"

namespace tcplab {
namespace {

Language load(const std::string& code) {
    auto language = Language::load(code);
    EXPECT_TRUE(language.ok()) << (language.ok() ? "" : language.error().what);
    return language.ok() ? language.value() : Language{};
}

// The keys the program asks for: lesson titles, narrations and expectations,
// and every literal text("...") in lab/.
std::set<std::string> keys_in_use() {
    std::set<std::string> keys;
    const Addresses addresses{{IpAddress::v4(127, 0, 0, 1), 20000}, {IpAddress::v4(127, 0, 0, 1), 20001}};
    for (const LessonEntry& entry : lesson_catalog()) {
        const Lesson lesson = entry.build(addresses);
        keys.insert(lesson.name + ".title");
        keys.insert(lesson.name + ".summary");
        for (const Step& step : lesson.steps) {
            keys.insert(step.key + ".title");
            keys.insert(step.key + ".text");
            for (const Expectation& expectation : step.expectations) keys.insert(expectation.key);
            if (!step.predict) continue;
            keys.insert(step.predict->question_key);
            // A choice is a key when it looks like one; "x+1" or "SYN_RECV" is shown as written.
            for (const PredictChoice& choice : step.predict->choices)
                if (choice.label.find('.') != std::string::npos && choice.label.find(' ') == std::string::npos)
                    keys.insert(choice.label);
        }
    }
    EXPECT_TRUE(lesson_catalog_errors().empty()) << lesson_catalog_errors().front().what;
    EXPECT_GE(lesson_catalog().size(), 2u);
    const std::regex literal_key(R"re(text\("([a-z_]+(\.[a-z_0-9]+)+)"\))re");
    for (const auto& file :
         std::filesystem::recursive_directory_iterator(std::filesystem::path(TCPLAB_SOURCE_DIR) / "lab")) {
        if (file.path().extension() != ".cpp") continue;
        std::ifstream in(file.path());
        std::stringstream text;
        text << in.rdbuf();
        const std::string source = text.str();
        for (std::sregex_iterator it(source.begin(), source.end(), literal_key), end; it != end; ++it)
            keys.insert((*it)[1].str());
    }
    for (const char* actor : {"client", "server", "attacker"}) keys.insert(std::string("actor.") + actor);
    // The example programs' texts (tcplab list --examples, exec --example).
    auto examples = load_examples(asset_directory());
    EXPECT_TRUE(examples) << (examples ? "" : examples.error().what);
    if (examples)
        for (const ProgramExample& example : examples.value())
            for (const char* part : {".title", ".summary", ".look_for"}) keys.insert("example." + example.name + part);
    return keys;
}

// Files are grouped the same way in every language, so a translator finds the twin.
TEST(Languages, EveryFileHasATwinInEveryLanguage) {
    const auto root = std::filesystem::path(TCPLAB_SOURCE_DIR) / "assets" / "lang";
    std::set<std::string> english;
    for (const auto& file : std::filesystem::directory_iterator(root / "en")) english.insert(file.path().filename());
    for (const std::string& code : Language::codes()) {
        std::set<std::string> files;
        for (const auto& file : std::filesystem::directory_iterator(root / code)) files.insert(file.path().filename());
        EXPECT_EQ(files, english) << code;
    }
}

TEST(Languages, EveryLanguageHasExactlyTheSameKeys) {
    const Language english = load("en");
    for (const std::string& code : Language::codes()) {
        const Language other = load(code);
        for (const std::string& key : english.keys()) EXPECT_TRUE(other.has(key)) << code << " lacks " << key;
        for (const std::string& key : other.keys())
            EXPECT_TRUE(english.has(key)) << "en lacks " << key << " (from " << code << ")";
    }
}

TEST(Languages, EveryKeyInUseIsDefinedInEveryLanguage) {
    const std::set<std::string> keys = keys_in_use();
    EXPECT_GT(keys.size(), 40u);
    for (const std::string& code : Language::codes()) {
        const Language language = load(code);
        for (const std::string& key : keys) EXPECT_TRUE(language.has(key)) << code << " lacks " << key;
    }
}

TEST(Languages, NoTextIsEmpty) {
    for (const std::string& code : Language::codes()) {
        const Language language = load(code);
        for (const std::string& key : language.keys()) EXPECT_FALSE(language.text(key).empty()) << code << ": " << key;
    }
}

TEST(Languages, ChineseTextsAreChinese) {
    const Language chinese = load("zh");
    EXPECT_EQ(chinese.code(), "zh-CN");
    EXPECT_NE(chinese.text("handshake.title").find("三次握手"), std::string::npos);
}

// Texts are wrapped by whoever shows them: line breaks in the files only keep
// the files readable, except blank lines, which separate paragraphs.
TEST(Languages, LineBreaksInTheFilesAreNotInTheTexts) {
    const Language english = load("en");
    const std::string narration = english.text("handshake.connect.text");
    EXPECT_EQ(narration.find('\n'), std::string::npos);
    EXPECT_NE(narration.find("random initial sequence number x (CLOSED"), std::string::npos) << narration;
    const Language chinese = load("zh");
    const std::string chinese_narration = chinese.text("handshake.connect.text");
    EXPECT_EQ(chinese_narration.find('\n'), std::string::npos);
    EXPECT_EQ(chinese_narration.find("。 "), std::string::npos) << "no space between Chinese sentences";
}

TEST(Languages, MissingKeyIsVisibleNotSilent) { EXPECT_EQ(load("en").text("no.such.key"), "⟨no.such.key⟩"); }

TEST(Languages, UnknownLanguageAndBrokenFileAreErrors) {
    EXPECT_FALSE(Language::load("xx").ok());
    const test::TempDir temporary;
    const std::filesystem::path& folder = temporary.path();
    std::filesystem::create_directories(folder / "lang" / "en");
    std::ofstream(folder / "lang" / "en" / "app.toml") << "[app]\ntitle = \"unterminated\n";
    auto broken = Language::load("en", folder.string());
    ASSERT_FALSE(broken.ok());
    EXPECT_NE(broken.error().what.find("app.toml:2"), std::string::npos) << broken.error().what;
    EXPECT_FALSE(Language::load("zh", folder.string()).ok());  // no folder at all
}

}  // namespace
}  // namespace tcplab
