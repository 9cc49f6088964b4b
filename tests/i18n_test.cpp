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
            for (const PredictChoice& choice : step.predict->choices) {
                if (choice.label.find('.') != std::string::npos && choice.label.find(' ') == std::string::npos)
                    keys.insert(choice.label);
                if (!choice.why.empty()) keys.insert(choice.why);
            }
        }
    }
    EXPECT_TRUE(lesson_catalog_errors().empty()) << lesson_catalog_errors().front().what;
    EXPECT_GE(lesson_catalog().size(), 2u);
    // text("app.title") in the program; Evidence::of("evidence.count", ...) in the checks.
    const std::regex literal_key(R"re((?:text|Evidence::of)\("([a-z_]+(\.[a-z_0-9]+)+)")re");
    for (const char* folder : {"lab", "scenarios"})
        for (const auto& file :
             std::filesystem::recursive_directory_iterator(std::filesystem::path(TCPLAB_SOURCE_DIR) / folder)) {
            if (file.path().extension() != ".cpp") continue;
            std::ifstream in(file.path());
            std::stringstream text;
            text << in.rdbuf();
            const std::string source = text.str();
            for (std::sregex_iterator it(source.begin(), source.end(), literal_key), end; it != end; ++it)
                keys.insert((*it)[1].str());
        }
    for (const char* source : {"tracepoint", "dump", "inferred"}) keys.insert(std::string("source.") + source);
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
    // Two paragraphs, each written over several lines in the file.
    const std::string narration = english.text("handshake.connect.text");
    const size_t paragraph = narration.find("\n\n");
    ASSERT_NE(paragraph, std::string::npos) << narration;
    EXPECT_EQ(narration.find('\n'), paragraph);
    EXPECT_EQ(narration.find('\n', paragraph + 2), std::string::npos) << narration;
    EXPECT_NE(narration.find("random initial sequence number x (CLOSED"), std::string::npos) << narration;
    const Language chinese = load("zh");
    const std::string chinese_narration = chinese.text("handshake.connect.text");
    const size_t chinese_paragraph = chinese_narration.find("\n\n");
    ASSERT_NE(chinese_paragraph, std::string::npos) << chinese_narration;
    EXPECT_EQ(chinese_narration.find('\n', chinese_paragraph + 2), std::string::npos) << chinese_narration;
    EXPECT_EQ(chinese_narration.find("。 "), std::string::npos) << "no space between Chinese sentences";
}

// {0}, {1}: a translation may put the arguments in another order, but it must
// use the same ones, or the evidence would lose a number or show a brace.
TEST(Languages, EveryTextHasTheSamePlaceholdersInEveryLanguage) {
    const std::regex placeholder(R"re(\{[0-9]*\})re");
    const auto placeholders = [&](const std::string& text) {
        // "{}" is the next argument: "{} of {}" uses the same two as "{1} 中的 {0}".
        std::multiset<std::string> found;
        int next = 0;
        for (std::sregex_iterator it(text.begin(), text.end(), placeholder), end; it != end; ++it)
            found.insert(it->str() == "{}" ? "{" + std::to_string(next++) + "}" : it->str());
        return found;
    };
    const Language english = load("en");
    for (const std::string& code : Language::codes()) {
        const Language other = load(code);
        for (const std::string& key : english.keys()) {
            if (!other.has(key)) continue;
            EXPECT_EQ(placeholders(other.text(key)), placeholders(english.text(key))) << code << ": " << key;
        }
    }
}

// Evidence nests: the count's phrase is itself translated, the numbers are not.
TEST(Languages, EvidenceBecomesASentenceInEachLanguage) {
    const Evidence evidence = Evidence::of(
        "evidence.count_first",
        Evidence::of("evidence.count", 3, Evidence::of("evidence.kind_from", "SYN-ACK", Evidence::of("actor.server"))),
        Evidence::of("evidence.retransmitted", "SYN-ACK seq=0 ack=1 len=0"));
    EXPECT_EQ(load("en").evidence(evidence),
              "3 × SYN-ACK from the server, the first: SYN-ACK seq=0 ack=1 len=0, retransmitted");
    EXPECT_EQ(load("zh").evidence(evidence), "服务端发出的 SYN-ACK：3 个，第一个：SYN-ACK seq=0 ack=1 len=0（重传）");
    EXPECT_EQ(load("en").evidence(Evidence::literal("connect() = 0")), "connect() = 0");
    // Too few arguments for the text's placeholders: what there is still shows.
    const std::string short_of = load("en").evidence(Evidence::of("evidence.count", 7));
    EXPECT_NE(short_of.find("7"), std::string::npos) << short_of;
}

// An error whose causes the language files word is shown in the reader's
// language, each cause with its fix; any other error keeps its own words.
TEST(Languages, AnErrorsKnownCausesAreShownInTheReadersLanguage) {
    const Error tun{"the wire cannot open /dev/net/tun: Permission denied",
                    "chmod it",
                    {{"doctor.cause.tun_denied", {"Permission denied"}}}};
    const Error in_chinese = translated(tun, load("zh-CN"));
    EXPECT_EQ(in_chinese.what,
              fill_placeholders(load("zh-CN").text("doctor.cause.tun_denied.what"), {"Permission denied"}));
    EXPECT_NE(in_chinese.what.find("（Permission denied）"), std::string::npos) << in_chinese.what;
    EXPECT_EQ(in_chinese.remedy, load("zh-CN").text("doctor.cause.tun_denied.fix"));
    EXPECT_EQ(translated(tun, load("en")).what,
              fill_placeholders(load("en").text("doctor.cause.tun_denied.what"), {"Permission denied"}));

    const Error two_causes{
        "cannot create a user namespace",
        "",
        {{"doctor.cause.max_user_namespaces", {"0"}}, {"doctor.cause.tun_missing", {"No such device"}}}};
    const Error both = translated(two_causes, load("zh-CN"));
    EXPECT_NE(both.what.find("; "), std::string::npos) << "causes are joined with \"; \"";

    const Error unknown{"disk full", "free some space", {{"no.such.cause", {}}}};
    EXPECT_EQ(translated(unknown, load("zh-CN")).what, "disk full");
    const Error plain{"disk full", "free some space"};
    EXPECT_EQ(translated(plain, load("zh-CN")).remedy, "free some space");
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
