// End to end: the window under Xvfb. For each lesson, language and a few step
// counts, `tcplab gui --screenshot` must draw every panel where its JSON says,
// with something in it (not one flat colour), titled in the right language.
#include <gtest/gtest.h>
#include <stb_image.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "lab/exit_codes.hpp"
#include "lab/i18n.hpp"
#include "scenarios/lesson.hpp"
#include "tests/environment.hpp"
#include "tests/run_tcplab.hpp"
#include "tests/temp_dir.hpp"

namespace {

using tcplab::test::run_shell;
using Outcome = tcplab::test::ProgramOutcome;
namespace exit_code = tcplab::exit_code;

// Several tests may start Xvfb at once; `-a` can pick a display another just
// took, which xvfb-run reports as Xvfb failing to start. Then try again.
// The X authority file lives in the test's own folder: left to itself, xvfb-run
// makes a folder for it and, when removing that folder fails, replaces the
// program's exit code with its own (5), which a test of exit codes cannot tell
// from the program's.
// `piece`: one of the window's file pieces to show as well (TCPLAB_SCREENSHOT_PIECE).
Outcome run_in_xvfb(const std::string& arguments, const std::string& piece = "") {
    Outcome outcome;
    const tcplab::test::TempDir x_authority("tcplab-xauth");
    const std::string environment = piece.empty() ? "" : "TCPLAB_SCREENSHOT_PIECE=" + piece + " ";
    for (int attempt = 0; attempt < 3; ++attempt) {
        outcome =
            run_shell(environment + "xvfb-run -a -f '" + x_authority.file("Xauthority") +
                      "' -s '-screen 0 1920x1080x24' '" + std::string(TCPLAB_BINARY) + "' " + arguments + " 2>&1");
        if (outcome.output.find("Xvfb failed to start") == std::string::npos) break;
    }
    return outcome;
}

struct Image {
    int width = 0, height = 0;
    std::vector<unsigned char> rgb;
    uint32_t pixel(int x, int y) const {
        const unsigned char* p = &rgb[(static_cast<size_t>(y) * width + x) * 3];
        return (uint32_t(p[0]) << 16) | (uint32_t(p[1]) << 8) | p[2];
    }
};

Image load_png(const std::string& path) {
    Image image;
    int channels = 0;
    unsigned char* data = stbi_load(path.c_str(), &image.width, &image.height, &channels, 3);
    if (!data) return image;
    image.rgb.assign(data, data + static_cast<size_t>(image.width) * image.height * 3);
    stbi_image_free(data);
    return image;
}

struct ColourCount {
    size_t distinct = 0;
    double dominant_share = 1.0;  // the most common colour's share of the pixels
};

ColourCount count_colours(const Image& image, int x0, int y0, int x1, int y1) {
    std::map<uint32_t, size_t> counts;
    size_t total = 0;
    for (int y = std::max(y0, 0); y < std::min(y1, image.height); ++y)
        for (int x = std::max(x0, 0); x < std::min(x1, image.width); ++x, ++total) ++counts[image.pixel(x, y)];
    ColourCount result;
    result.distinct = counts.size();
    size_t most = 0;
    for (const auto& [colour, count] : counts) most = std::max(most, count);
    if (total > 0) result.dominant_share = static_cast<double>(most) / static_cast<double>(total);
    return result;
}

struct Case {
    std::string lesson;
    std::string language;  // as given to --lang
    std::string steps;     // a number or "all"
};

// Names the case in ctest's output instead of dumping its bytes.
void PrintTo(const Case& param, std::ostream* out) {
    *out << param.lesson << " --lang " << param.language << " --steps " << param.steps;
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
    return info.param.lesson + "_" + info.param.language + "_" + info.param.steps;
}

class WindowScreenshot : public ::testing::TestWithParam<Case> {};

// The panels the default window must show; views added later only add to this.
const std::vector<std::string> kExpectedPanels = {"scenario",      "timeline",      "ladder",
                                                  "state_machine", "packet_detail", "sockets"};

TEST_P(WindowScreenshot, EveryPanelIsDrawnAndNotEmpty) {
    if (auto missing = tcplab::test::missing_xvfb()) GTEST_SKIP() << *missing;
    const Case& param = GetParam();
    const std::filesystem::path png =
        std::filesystem::temp_directory_path() / ("tcplab-window-" + std::to_string(getpid()) + "-" + param.lesson +
                                                  "-" + param.language + "-" + param.steps + ".png");
    const Outcome outcome = run_in_xvfb("gui --lesson " + param.lesson + " --lang " + param.language + " --steps " +
                                        param.steps + " --screenshot '" + png.string() + "'");
    ASSERT_EQ(outcome.exit_code, exit_code::kOk) << outcome.output;

    std::ifstream json_file(png.string() + ".json");
    ASSERT_TRUE(json_file) << "no " << png << ".json";
    const nlohmann::json info = nlohmann::json::parse(json_file);
    EXPECT_EQ(info["error"], "");
    EXPECT_EQ(info["scenario"], param.lesson);
    const size_t step_count = info["step_count"];
    ASSERT_GT(step_count, 2u);
    const size_t expected_steps = param.steps == "all" ? step_count : std::stoul(param.steps);
    EXPECT_EQ(info["shown_steps"], expected_steps);
    // Every expectation of the steps shown holds on this machine, in the window too.
    EXPECT_GT(info["expectations_passed"].get<size_t>(), 0u);
    EXPECT_EQ(info["expectations_failed"], 0u) << info["failed"].dump();

    auto language = tcplab::Language::load(param.language);
    ASSERT_TRUE(language);
    EXPECT_EQ(info["language"], language->code());
    if (language->code() == "zh-CN") {
        EXPECT_TRUE(info["cjk_font"]) << "no CJK font: sudo apt install fonts-wqy-microhei";
    }

    const Image image = load_png(png.string());
    ASSERT_EQ(image.width, 1600);
    ASSERT_EQ(image.height, 900);
    const ColourCount whole = count_colours(image, 0, 0, image.width, image.height);
    EXPECT_GT(whole.distinct, 100u) << "the screenshot looks blank";
    EXPECT_LT(whole.dominant_share, 0.9);

    std::map<std::string, nlohmann::json> panels;
    for (const nlohmann::json& window : info["windows"]) panels[window["id"]] = window;
    for (const std::string& id : kExpectedPanels) {
        SCOPED_TRACE(id);
        ASSERT_TRUE(panels.count(id)) << "panel missing from " << png << ".json";
        const nlohmann::json& panel = panels[id];
        EXPECT_EQ(panel["title"], language->text("view." + id + ".title"));
        EXPECT_FALSE(panel["collapsed"]);
        const int x = panel["x"], y = panel["y"], width = panel["width"], height = panel["height"];
        EXPECT_GE(width, 200);
        EXPECT_GE(height, 100);
        EXPECT_GE(x, 0);
        EXPECT_GE(y, 0);
        EXPECT_LE(x + width, image.width + 1);
        EXPECT_LE(y + height, image.height + 1);
        const ColourCount inside = count_colours(image, x, y, x + width, y + height);
        EXPECT_GT(inside.distinct, 8u) << "the panel is flat";
        EXPECT_LT(inside.dominant_share, 0.98) << "the panel is nearly one colour";
    }
    // Two panels on top of each other would hide one: the default layout tiles.
    for (const std::string& a : kExpectedPanels)
        for (const std::string& b : kExpectedPanels) {
            if (a >= b) continue;
            const nlohmann::json& p = panels[a];
            const nlohmann::json& q = panels[b];
            const bool overlapping = float(p["x"]) + float(p["width"]) > float(q["x"]) + 1 &&
                                     float(q["x"]) + float(q["width"]) > float(p["x"]) + 1 &&
                                     float(p["y"]) + float(p["height"]) > float(q["y"]) + 1 &&
                                     float(q["y"]) + float(q["height"]) > float(p["y"]) + 1;
            EXPECT_FALSE(overlapping) << a << " and " << b << " overlap";
        }
    std::filesystem::remove(png);
    std::filesystem::remove(png.string() + ".json");
}

std::vector<Case> cases() {
    std::vector<Case> all;
    for (const char* lesson : {"handshake", "teardown"})
        for (const char* language : {"en", "zh"})
            for (const char* steps : {"1", "2", "all"}) all.push_back({lesson, language, steps});
    // The other lessons, run to the end in both languages.
    for (const char* lesson : {"sticky", "synflood", "timewait"})
        for (const char* language : {"en", "zh"}) all.push_back({lesson, language, "all"});
    // The backlog lesson once, for its many connections and threads on one timeline
    // (every case costs seconds: the flow lesson's window was checked by hand).
    all.push_back({"queues", "zh", "all"});
    // The loss lesson's TCP_INFO readings, in Chinese (its run takes a few seconds).
    all.push_back({"loss", "zh", "all"});
    return all;
}

INSTANTIATE_TEST_SUITE_P(Lessons, WindowScreenshot, ::testing::ValuesIn(cases()), case_name);

TEST(Window, PresentationModeHasLargerText) {
    if (auto missing = tcplab::test::missing_xvfb()) GTEST_SKIP() << *missing;
    auto menu_height = [](const std::string& extra) {
        const std::filesystem::path png =
            std::filesystem::temp_directory_path() / ("tcplab-window-" + std::to_string(getpid()) + "-menu.png");
        const Outcome outcome =
            run_in_xvfb("gui --scenario handshake --steps 1 " + extra + " --screenshot '" + png.string() + "'");
        EXPECT_EQ(outcome.exit_code, exit_code::kOk) << outcome.output;
        std::ifstream json_file(png.string() + ".json");
        if (!json_file) return 0.0f;
        const nlohmann::json info = nlohmann::json::parse(json_file);
        for (const nlohmann::json& window : info["windows"])
            if (window["id"] == "##MainMenuBar") return float(window["height"]);
        return 0.0f;
    };
    const float normal = menu_height("");
    const float presentation = menu_height("--presentation");
    EXPECT_GT(normal, 10.0f);
    EXPECT_GT(presentation, normal * 1.3f);
}

// In front of a class at the resolutions projectors run at: the lesson bar
// across the top and the ladder and the state machine side by side fill the
// window, each at least a third of it wide; every state machine label is at
// least 18 px high, inside its panel and clear of the others; no line of the
// lesson (heading, narration, checks, vote) is cut by its panel, on any side.
void expect_readable_from_the_back(const nlohmann::json& info) {
    EXPECT_EQ(info["layout"], "presentation");
    const float width = info["width"];
    std::set<std::string> shown;
    for (const nlohmann::json& window : info["windows"]) {
        const std::string id = window["id"];
        for (const char* hidden : {"timeline", "packet_detail", "sockets", "wire", "framing", "predict"})
            EXPECT_NE(id, hidden) << "only the lesson, the ladder and the state machine are shown";
        if (id != "scenario" && id != "ladder" && id != "state_machine") continue;
        shown.insert(id);
        EXPECT_GE(float(window["width"]), width / 3) << id;
    }
    EXPECT_EQ(shown, (std::set<std::string>{"scenario", "ladder", "state_machine"}));
    size_t labels = 0, lesson_texts = 0;
    float smallest_label = 1e9f, smallest_lesson_text = 1e9f;
    std::vector<nlohmann::json> machine;
    for (const nlohmann::json& text : info["texts"]) {
        const float x = text["x"], y = text["y"], w = text["width"], h = text["height"];
        const float clip_x = text["clip"][0], clip_y = text["clip"][1], clip_w = text["clip"][2],
                    clip_h = text["clip"][3];
        const std::string what = text["text"];
        // A pixel of slack on the right: ImGui 1.92 wraps Chinese text at a
        // width its glyph advances can pass by a fraction of a pixel.
        EXPECT_GE(x, clip_x - 0.5f) << what;
        EXPECT_LE(x + w, clip_x + clip_w + 1.0f) << what;
        EXPECT_GE(y, clip_y - 0.5f) << what;
        EXPECT_LE(y + h, clip_y + clip_h + 0.5f) << what;
        if (text["view"] == "state_machine") {
            ++labels;
            smallest_label = std::min(smallest_label, float(text["font_pixels"]));
            machine.push_back(text);
        } else if (text["view"] == "scenario") {
            ++lesson_texts;
            smallest_lesson_text = std::min(smallest_lesson_text, float(text["font_pixels"]));
        }
    }
    // Nothing drawn over another: each label readable in full.
    for (size_t a = 0; a < machine.size(); ++a)
        for (size_t b = a + 1; b < machine.size(); ++b) {
            const auto inside = [](const nlohmann::json& t, const nlohmann::json& u) {
                return float(t["x"]) + 1 < float(u["x"]) + float(u["width"]) &&
                       float(u["x"]) + 1 < float(t["x"]) + float(t["width"]) &&
                       float(t["y"]) + 1 < float(u["y"]) + float(u["height"]) &&
                       float(u["y"]) + 1 < float(t["y"]) + float(t["height"]);
            };
            EXPECT_FALSE(inside(machine[a], machine[b])) << machine[a]["text"] << " / " << machine[b]["text"];
        }
    EXPECT_GE(labels, 11u) << "every state's name";
    EXPECT_GE(smallest_label, 18.0f);
    EXPECT_GE(lesson_texts, 2u) << "the step's heading and narration";
    EXPECT_GE(smallest_lesson_text, 17.5f);
}

const char* const kProjectorSizes[] = {"1024x768", "1280x720", "1920x1080"};

TEST(Window, PresentationReadsFromTheBackOfTheRoom) {
    if (auto missing = tcplab::test::missing_xvfb()) GTEST_SKIP() << *missing;
    const tcplab::test::TempDir folder("tcplab-presentation");
    for (const char* size : kProjectorSizes) {
        for (const char* language : {"en", "zh"}) {
            SCOPED_TRACE(std::string(size) + " " + language);
            const std::string png = folder.file(std::string("presentation-") + size + "-" + language + ".png");
            const Outcome outcome =
                run_in_xvfb("gui --scenario handshake --presentation --steps 2 --size " + std::string(size) +
                            " --lang " + language + " --screenshot '" + png + "'");
            ASSERT_EQ(outcome.exit_code, exit_code::kOk) << outcome.output;
            std::ifstream json_file(png + ".json");
            const nlohmann::json info = nlohmann::json::parse(json_file);
            expect_readable_from_the_back(info);
            // Step 3 asks a question: the class votes on answers lettered A and B, not yet answered.
            std::set<std::string> letters;
            bool hint_names_both = false;  // and no third: "A / B", not "A, B or C"
            for (const nlohmann::json& text : info["texts"]) {
                if (text["view"] != "scenario") continue;
                const std::string line = text["text"];
                letters.insert(line.substr(0, 4));
                if (line.find("A / B") != std::string::npos && line.find("C") == std::string::npos)
                    hint_names_both = true;
            }
            EXPECT_TRUE(letters.count("A   ") && letters.count("B   ")) << info["texts"].dump();
            EXPECT_TRUE(hint_names_both) << info["texts"].dump();
        }
    }
}

// The step of a lesson with the most for its lesson bar to hold in `language`
// (narration, checks, and the question asked or answered), counted in
// characters; 1 for the first.
size_t longest_step(const tcplab::Lesson& lesson, const tcplab::Language& language) {
    const auto length = [&](const std::string& key) { return language.text(key).size(); };
    const auto vote_length = [&](const tcplab::Prediction& question) {
        size_t total = length(question.question_key) + length("predict.vote_hint");
        for (const tcplab::PredictChoice& choice : question.choices)
            total += (language.has(choice.label) ? length(choice.label) : choice.label.size()) +
                     (choice.why.empty() ? 0 : length(choice.why));
        return total;
    };
    size_t longest = 0, most = 0;
    for (size_t index = 0; index < lesson.steps.size(); ++index) {
        const tcplab::Step& step = lesson.steps[index];
        size_t total = length(step.key + ".title") + length(step.key + ".text");
        for (const tcplab::Expectation& expectation : step.expectations) total += length(expectation.key);
        if (step.predict) total += vote_length(*step.predict);
        if (index + 1 < lesson.steps.size() && lesson.steps[index + 1].predict)
            total += vote_length(*lesson.steps[index + 1].predict);
        if (total > most) {
            most = total;
            longest = index;
        }
    }
    return longest + 1;
}

class PresentationLongestStep : public ::testing::TestWithParam<std::string> {};

// Every built-in lesson's longest step at each projector size, in English and
// Chinese: all of its words in view without scrolling, beside readable diagrams.
// The sizes of one language run at once (each mostly waits on its lesson's steps).
TEST_P(PresentationLongestStep, ReadsWithoutScrolling) {
    if (auto missing = tcplab::test::missing_xvfb()) GTEST_SKIP() << *missing;
    const tcplab::LessonEntry* entry = tcplab::find_builtin_lesson(GetParam());
    ASSERT_NE(entry, nullptr);
    const tcplab::Lesson lesson = entry->build(tcplab::Addresses{});
    const tcplab::test::TempDir folder("tcplab-presentation-" + GetParam());
    for (const char* language : {"en", "zh"}) {
        auto texts = tcplab::Language::load(language);
        ASSERT_TRUE(texts);
        const size_t step = longest_step(lesson, texts.value());
        std::vector<std::future<Outcome>> runs;
        for (const char* size : kProjectorSizes)
            runs.push_back(std::async(std::launch::async, [&, size] {
                return run_in_xvfb("gui --scenario " + GetParam() + " --presentation --steps " + std::to_string(step) +
                                   " --size " + size + " --lang " + language + " --screenshot '" +
                                   folder.file(std::string(size) + "-" + language + ".png") + "'");
            }));
        for (size_t index = 0; index < runs.size(); ++index) {
            const std::string size = kProjectorSizes[index];
            SCOPED_TRACE(GetParam() + " step " + std::to_string(step) + " at " + size + " in " + language);
            const Outcome outcome = runs[index].get();
            ASSERT_EQ(outcome.exit_code, exit_code::kOk) << outcome.output;
            std::ifstream json_file(folder.file(size + "-" + language + ".png.json"));
            const nlohmann::json info = nlohmann::json::parse(json_file);
            EXPECT_EQ(info["shown_steps"], step);
            expect_readable_from_the_back(info);
            // The narration is there whole, as one text.
            const std::string narration = texts->text(lesson.steps[step - 1].key + ".text");
            bool narrated = false;
            for (const nlohmann::json& text : info["texts"]) narrated = narrated || text["text"] == narration;
            EXPECT_TRUE(narrated) << narration;
        }
    }
}

std::vector<std::string> builtin_lessons() {
    std::vector<std::string> names;
    for (const tcplab::LessonEntry& entry : tcplab::lesson_catalog())
        if (!entry.from_user_folder) names.push_back(entry.name);
    return names;
}

INSTANTIATE_TEST_SUITE_P(Lessons, PresentationLongestStep, ::testing::ValuesIn(builtin_lessons()),
                         [](const ::testing::TestParamInfo<std::string>& lesson) { return lesson.param; });

TEST(Window, TooManyStepsIsAUsageError) {
    if (auto missing = tcplab::test::missing_xvfb()) GTEST_SKIP() << *missing;
    const Outcome outcome = run_in_xvfb("gui --scenario handshake --steps 99 --screenshot /dev/null");
    EXPECT_EQ(outcome.exit_code, exit_code::kUsage) << outcome.output;
    EXPECT_NE(outcome.output.find("99"), std::string::npos) << outcome.output;
}

TEST(Window, WithoutADisplayItSaysHowToGetOne) {
    const Outcome outcome = run_shell("env -u DISPLAY -u WAYLAND_DISPLAY '" + std::string(TCPLAB_BINARY) +
                                      "' gui --screenshot /tmp/tcplab-never-written.png 2>&1");
    EXPECT_EQ(outcome.exit_code, exit_code::kEnvironment) << outcome.output;
    EXPECT_NE(outcome.output.find("xvfb-run -a tcplab gui"), std::string::npos) << outcome.output;
    EXPECT_FALSE(std::filesystem::exists("/tmp/tcplab-never-written.png"));
}

}  // namespace

namespace {

// Pixels of the REC indicator's red in a rectangle of the picture.
size_t red_pixels(const Image& image, int x0, int y0, int x1, int y1) {
    size_t count = 0;
    for (int y = std::max(y0, 0); y < std::min(y1, image.height); ++y)
        for (int x = std::max(x0, 0); x < std::min(x1, image.width); ++x) {
            const uint32_t pixel = image.pixel(x, y);
            const int red = (pixel >> 16) & 0xff, green = (pixel >> 8) & 0xff, blue = pixel & 0xff;
            if (red > 200 && green < 110 && blue < 110) ++count;
        }
    return count;
}

}  // namespace

// Record a lesson from the window, then open the recording and step through it
// as a student would on a machine without root: same panels, same steps.
TEST(Window, ARecordingOpensLikeTheLiveRun) {
    if (auto missing = tcplab::test::missing_xvfb()) GTEST_SKIP() << *missing;
    const std::filesystem::path live =
        std::filesystem::temp_directory_path() / ("tcplab-window-record-" + std::to_string(getpid()) + ".png");
    const std::string recording = live.string() + ".pcapng";
    std::filesystem::remove(recording);
    const Outcome recorded =
        run_in_xvfb("gui --scenario handshake --lang en --screenshot '" + live.string() + "'", "record");
    ASSERT_EQ(recorded.exit_code, exit_code::kOk) << recorded.output;
    ASSERT_TRUE(std::filesystem::exists(recording));
    // "● REC n packets" in red, right of the menu bar.
    const Image live_image = load_png(live.string());
    ASSERT_GT(live_image.width, 0);
    EXPECT_GT(red_pixels(live_image, live_image.width / 2, 0, live_image.width, 30), 20u);

    const std::filesystem::path replay =
        std::filesystem::temp_directory_path() / ("tcplab-window-replay-" + std::to_string(getpid()) + ".png");
    const Outcome opened =
        run_in_xvfb("gui --open '" + recording + "' --lang en --steps 2 --screenshot '" + replay.string() + "'");
    ASSERT_EQ(opened.exit_code, exit_code::kOk) << opened.output;
    std::ifstream json_file(replay.string() + ".json");
    ASSERT_TRUE(json_file);
    const nlohmann::json info = nlohmann::json::parse(json_file);
    EXPECT_EQ(info["error"], "");
    EXPECT_EQ(info["scenario"], "handshake");
    EXPECT_EQ(info["shown_steps"], 2);
    EXPECT_GT(info["step_count"], 2);
    const Image image = load_png(replay.string());
    ASSERT_GT(image.width, 0);
    for (const auto& window : info["windows"]) {
        if (window["id"] != "ladder" && window["id"] != "scenario") continue;
        const int x = window["x"], y = window["y"], width = window["width"], height = window["height"];
        const ColourCount colours = count_colours(image, x, y + 30, x + width, y + height);
        EXPECT_GT(colours.distinct, 8u) << window["id"];
        EXPECT_LT(colours.dominant_share, 0.995) << window["id"];
    }
    std::filesystem::remove(recording);
}

// tcplab exec with a display opens the window on the live run: the echo
// example's programs run to their end, and the program output panel shows the
// lines each wrote, marked with its host.
TEST(Window, ExecShowsTheProgramsOutputInThePanel) {
    if (auto missing = tcplab::test::missing_xvfb()) GTEST_SKIP() << *missing;
    if (auto missing = tcplab::test::missing_sandbox()) GTEST_SKIP() << *missing;
    if (run_shell("command -v python3").exit_code != 0) GTEST_SKIP() << "python3 is not installed";
    const tcplab::test::TempDir folder("tcplab-window-exec");
    const std::string png = folder.file("exec.png");
    const Outcome outcome = run_in_xvfb("exec --example echo --lang en --screenshot '" + png + "'");
    ASSERT_EQ(outcome.exit_code, exit_code::kOk) << outcome.output;
    std::ifstream json_file(png + ".json");
    ASSERT_TRUE(json_file) << outcome.output;
    const nlohmann::json info = nlohmann::json::parse(json_file);
    EXPECT_EQ(info["error"], "");
    EXPECT_EQ(info["scenario"], "programs");
    EXPECT_EQ(info["shown_steps"], 1);
    const std::vector<std::string> lines = info["program_output"];
    const auto has = [&](const std::string& line) {
        return std::find(lines.begin(), lines.end(), line) != lines.end();
    };
    EXPECT_TRUE(has("[server] listening on port 9000")) << info["program_output"].dump();
    EXPECT_TRUE(has("[client] echo: hello")) << info["program_output"].dump();
    EXPECT_TRUE(has("[client] echo: 你好")) << info["program_output"].dump();
    bool panel_shown = false;
    for (const auto& window : info["windows"])
        if (window["id"] == "program_output") panel_shown = !window["collapsed"].get<bool>();
    EXPECT_TRUE(panel_shown) << info["windows"].dump();
    // The lesson bar says why states come from dumps and packets (the
    // programs choose their own ports), not "not available: switched off".
    bool says_why = false;
    for (const auto& text : info["texts"]) {
        const std::string drawn = text["text"];
        says_why = says_why || drawn.find("choose their own ports") != std::string::npos;
        EXPECT_EQ(drawn.find("switched off"), std::string::npos) << drawn;
    }
    EXPECT_TRUE(says_why) << info["texts"].dump();
}
