// The Debian package, built once by the ctest fixture Package.Build (cpack -G
// DEB): lintian's verdict, what it holds, and tcplab run from the package
// unpacked into a staging root (assets found beside the installed binary);
// the AppArmor profile parsed without loading it; the man page and the bash
// completion checked against the program's own --help.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "tests/run_tcplab.hpp"
#include "tests/temp_dir.hpp"

namespace {

using tcplab::test::run_shell;
using tcplab::test::run_tcplab;
using Outcome = tcplab::test::ProgramOutcome;

const std::string kDeb = std::string(TCPLAB_PACKAGE_DIR) + "/tcplab_" + TCPLAB_VERSION + "_amd64.deb";
const std::string kSource = TCPLAB_SOURCE_DIR;

std::string read_file(const std::string& path) {
    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

bool have(const std::string& tool) { return std::system(("command -v " + tool + " >/dev/null 2>&1").c_str()) == 0; }

// Every long option a --help text lists: the first column of its option lines
// ("  -h,--help", "  --lesson,--scenario TEXT"), not options its descriptions mention.
std::set<std::string> options_in(const std::string& help) {
    std::set<std::string> options;
    std::istringstream lines(help);
    static const std::regex name("--[a-z][a-z0-9-]*");
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("  -", 0) != 0) continue;
        const std::string names = line.substr(2, line.find(' ', 2) - 2);
        for (auto it = std::sregex_iterator(names.begin(), names.end(), name); it != std::sregex_iterator(); ++it)
            options.insert(it->str());
    }
    return options;
}

const std::vector<std::string> kCommands = {"",       "gui",   "run",  "list",  "open",
                                            "export", "stats", "exec", "shell", "doctor"};

TEST(Package, IsNamedForTheProjectVersion) {
    ASSERT_TRUE(std::filesystem::exists(kDeb)) << kDeb << " is missing: Package.Build makes it";
    const Outcome control = run_shell("dpkg-deb -f '" + kDeb + "' Package Version Architecture Depends");
    EXPECT_TRUE(contains(control.output, std::string("Version: ") + TCPLAB_VERSION)) << control.output;
    // Dependencies computed from the linked libraries.
    EXPECT_TRUE(contains(control.output, "libpcap0.8")) << control.output;
    EXPECT_TRUE(contains(control.output, "libglfw3")) << control.output;
    const std::string changelog = read_file(kSource + "/cmake/packaging/debian/changelog");
    EXPECT_EQ(changelog.rfind(std::string("tcplab (") + TCPLAB_VERSION + ")", 0), 0u)
        << "cmake/packaging/debian/changelog must start with this version";
    EXPECT_TRUE(
        contains(read_file(kSource + "/cmake/packaging/tcplab.1"), std::string("\"tcplab ") + TCPLAB_VERSION + "\""))
        << "the man page's .TH line must name this version";
}

TEST(Package, LintianFindsNoErrors) {
    if (!have("lintian")) GTEST_SKIP() << "no lintian: sudo apt-get install lintian";
    const Outcome lintian = run_shell("lintian --display-info '" + kDeb + "' 2>&1");
    std::cout << lintian.output;
    EXPECT_FALSE(std::regex_search(lintian.output, std::regex("(^|\n)E: "))) << lintian.output;
    EXPECT_FALSE(std::regex_search(lintian.output, std::regex("(^|\n)W: "))) << lintian.output;
}

TEST(Package, HoldsWhatADesktopExpects) {
    const Outcome listing = run_shell("dpkg-deb -c '" + kDeb + "'");
    for (const char* path :
         {"./usr/bin/tcplab", "./usr/share/tcplab/lang/zh-CN/app.toml", "./usr/share/tcplab/lessons/handshake.toml",
          "./usr/share/applications/tcplab.desktop", "./usr/share/icons/hicolor/scalable/apps/tcplab.svg",
          "./usr/share/icons/hicolor/48x48/apps/tcplab.png", "./usr/share/icons/hicolor/256x256/apps/tcplab.png",
          "./usr/share/man/man1/tcplab.1.gz", "./usr/share/bash-completion/completions/tcplab",
          "./usr/share/tcplab/apparmor/tcplab", "./usr/share/tcplab/udev/99-tcplab-tun.rules",
          "./usr/share/doc/tcplab/copyright", "./usr/share/doc/tcplab/changelog.gz"})
        EXPECT_TRUE(contains(listing.output, std::string(path) + "\n")) << path;
    const std::string desktop = read_file(kSource + "/cmake/packaging/tcplab.desktop");
    EXPECT_TRUE(contains(desktop, "\nName=tcplab\n"));
    EXPECT_TRUE(contains(desktop, "\nName[zh_CN]="));
    EXPECT_TRUE(contains(desktop, "\nCategories=Education;"));
    EXPECT_TRUE(contains(desktop, "\nIcon=tcplab\n"));
}

// Each PNG is the size its name says (PNG's IHDR: width and height, big-endian, at bytes 16-23).
TEST(Package, IconsAreTheirSizes) {
    for (int size : {16, 32, 48, 64, 128, 256}) {
        const std::string png = read_file(kSource + "/cmake/packaging/icons/tcplab-" + std::to_string(size) + ".png");
        ASSERT_GE(png.size(), 24u);
        auto number = [&](size_t at) {
            return (static_cast<uint8_t>(png[at]) << 24) | (static_cast<uint8_t>(png[at + 1]) << 16) |
                   (static_cast<uint8_t>(png[at + 2]) << 8) | static_cast<uint8_t>(png[at + 3]);
        };
        EXPECT_EQ(number(16), size);
        EXPECT_EQ(number(20), size);
    }
}

// Unpacked into a staging root, the package's tcplab finds its own assets and runs.
TEST(Package, RunsFromAStagingRoot) {
    tcplab::test::TempDir staging("tcplab-staging");
    const Outcome unpacked = run_shell("dpkg-deb -x '" + kDeb + "' '" + staging.path().string() + "' 2>&1");
    ASSERT_EQ(unpacked.exit_code, 0) << unpacked.output;
    const std::string binary = (staging.path() / "usr/bin/tcplab").string();
    const std::string clean = "env -u TCPLAB_ASSETS -u DISPLAY -u WAYLAND_DISPLAY ";
    const Outcome doctor = run_shell(clean + "'" + binary + "' doctor --json");
    const nlohmann::json report = nlohmann::json::parse(doctor.output);
    // Whether students may open /dev/net/tun on this PC decides the verdict, not the package.
    EXPECT_EQ(doctor.exit_code, report["lessons_can_run"] == true ? 0 : 2) << doctor.output;
    EXPECT_EQ(report["version"], TCPLAB_VERSION);
    for (const auto& check : report["checks"]) {
        if (check["check"] != "lessons") continue;
        EXPECT_TRUE(contains(check["detail"], (staging.path() / "usr/share/tcplab").string())) << check["detail"];
    }
    const Outcome lesson = run_shell(clean + "'" + binary + "' run handshake --no-predict 2>&1");
    EXPECT_EQ(lesson.exit_code, 0) << lesson.output;
    EXPECT_TRUE(contains(lesson.output, "Every expectation held.")) << lesson.output;
    const Outcome version = run_shell("'" + binary + "' --version");
    EXPECT_EQ(version.output, std::string("tcplab ") + TCPLAB_VERSION + "\n");
}

// Parsed, never loaded. AppArmor 4 (Ubuntu 24.04+, Debian 13) must accept
// the profile as shipped. AppArmor 3.0 (Debian 12) knows neither `abi
// <abi/4.0>` nor `userns`: it must refuse the profile (so postinst leaves it
// out there) and accept everything else in it.
TEST(Package, AppArmorProfileParses) {
    if (!have("apparmor_parser")) GTEST_SKIP() << "no apparmor_parser: sudo apt-get install apparmor";
    const std::string profile = kSource + "/cmake/packaging/apparmor/tcplab";
    const std::string parse = "apparmor_parser --skip-kernel-load --skip-cache --quiet ";
    const Outcome shipped = run_shell(parse + "'" + profile + "' 2>&1");
    if (std::filesystem::exists("/etc/apparmor.d/abi/4.0")) {
        EXPECT_EQ(shipped.exit_code, 0) << shipped.output;
        return;
    }
    EXPECT_NE(shipped.exit_code, 0) << "AppArmor 3 accepted the userns rule?";
    tcplab::test::TempDir folder;
    std::string text = read_file(profile);
    text = std::regex_replace(text, std::regex("abi <abi/4.0>,"), "abi <abi/3.0>,");
    text = std::regex_replace(text, std::regex("\n *userns,"), "");
    std::ofstream(folder.file("tcplab")) << text;
    const Outcome older = run_shell(parse + "'" + folder.file("tcplab") + "' 2>&1");
    EXPECT_EQ(older.exit_code, 0) << older.output;
}

// The package's own maintainer scripts, run into a root of their own
// ($DPKG_ROOT) with the real apparmor_parser: postinst installs the profile
// where the parser accepts it and leaves it out where it does not (Debian
// 12), and postrm removes it.
TEST(Package, PostinstInstallsTheProfileOnlyWhereTheParserAcceptsIt) {
    if (!have("apparmor_parser")) GTEST_SKIP() << "no apparmor_parser: sudo apt-get install apparmor";
    if (!std::filesystem::exists("/etc/apparmor.d/tunables/global"))
        GTEST_SKIP() << "no /etc/apparmor.d/tunables: sudo apt-get install apparmor";
    tcplab::test::TempDir root("tcplab-dpkg-root");
    const std::string r = root.path().string();
    const Outcome unpacked = run_shell(
        "dpkg-deb -x '" + kDeb + "' '" + r + "' && dpkg-deb -e '" + kDeb + "' '" + r + "/DEBIAN' && mkdir -p '" + r +
        "/etc/apparmor.d' && cp -r /etc/apparmor.d/tunables " + "/etc/apparmor.d/abi '" + r + "/etc/apparmor.d/' 2>&1");
    ASSERT_EQ(unpacked.exit_code, 0) << unpacked.output;
    const std::string installed = r + "/etc/apparmor.d/tcplab";
    const std::string postinst = "DPKG_ROOT='" + r + "' sh '" + r + "/DEBIAN/postinst' configure 2>&1";
    const Outcome configured = run_shell(postinst);
    EXPECT_EQ(configured.exit_code, 0) << configured.output;
    if (std::filesystem::exists("/etc/apparmor.d/abi/4.0")) {
        EXPECT_TRUE(std::filesystem::exists(installed)) << configured.output;
    } else {
        EXPECT_FALSE(std::filesystem::exists(installed));
        EXPECT_TRUE(contains(configured.output, "cannot parse the userns rule")) << configured.output;
        // The same script with a profile this parser accepts installs it.
        const std::string shipped = r + "/usr/share/tcplab/apparmor/tcplab";
        std::string text = read_file(shipped);
        text = std::regex_replace(text, std::regex("abi <abi/4.0>,"), "abi <abi/3.0>,");
        std::ofstream(shipped) << std::regex_replace(text, std::regex("\n *userns,"), "");
        const Outcome accepted = run_shell(postinst);
        EXPECT_EQ(accepted.exit_code, 0) << accepted.output;
        EXPECT_TRUE(std::filesystem::exists(installed)) << accepted.output;
    }
    const Outcome removed = run_shell("DPKG_ROOT='" + r + "' sh '" + r + "/DEBIAN/postrm' remove 2>&1");
    EXPECT_EQ(removed.exit_code, 0) << removed.output;
    EXPECT_FALSE(std::filesystem::exists(installed));
}

// The man page names every option of every command, and every exit status in lab/exit_codes.hpp.
TEST(Package, ManPageCoversEveryOptionAndExitStatus) {
    std::string man = read_file(kSource + "/cmake/packaging/tcplab.1");
    man = std::regex_replace(man, std::regex(R"(\\-)"), "-");
    for (const std::string& command : kCommands) {
        const Outcome help = run_tcplab(command + " --help");
        ASSERT_EQ(help.exit_code, 0) << help.output;
        for (const std::string& option : options_in(help.output))
            EXPECT_TRUE(contains(man, option)) << option << " of `tcplab " << command << "` is not in tcplab.1";
        if (!command.empty()) {
            EXPECT_TRUE(contains(man, ".B tcplab " + command + "\n")) << command;
        }
    }
    const std::string codes = read_file(kSource + "/lab/exit_codes.hpp");
    const std::string statuses = man.substr(man.find(".SH EXIT STATUS"));
    static const std::regex code(R"(constexpr int \w+ = (\d+);)");
    int found = 0;
    for (auto it = std::sregex_iterator(codes.begin(), codes.end(), code); it != std::sregex_iterator(); ++it, ++found)
        EXPECT_TRUE(contains(statuses, ".B " + (*it)[1].str() + "\n")) << "exit status " << (*it)[1] << " missing";
    EXPECT_GE(found, 8);
    if (have("man")) {
        const Outcome rendered =
            run_shell("MANWIDTH=80 man --warnings -l '" + kSource + "/cmake/packaging/tcplab.1' 2>&1 >/dev/null");
        EXPECT_EQ(rendered.output, "") << rendered.output;
    }
}

// What bash completes after `tcplab COMMAND --` is what `tcplab COMMAND --help` lists.
TEST(Package, BashCompletionOffersEachCommandsOptions) {
    const std::string completion = kSource + "/cmake/packaging/bash-completion/tcplab";
    for (const std::string& command : kCommands) {
        const std::string words = command.empty() ? "tcplab --" : "tcplab " + command + " --";
        const std::string cword = command.empty() ? "1" : "2";
        const Outcome offered =
            run_shell("bash -c 'source \"" + completion + "\"; COMP_WORDS=(" + words + "); COMP_CWORD=" + cword +
                      "; _tcplab; printf \"%s\\n\" \"${COMPREPLY[@]}\"'");
        std::set<std::string> completed;
        std::istringstream lines(offered.output);
        for (std::string line; std::getline(lines, line);) completed.insert(line);
        std::set<std::string> listed = options_in(run_tcplab(command + " --help").output);
        EXPECT_EQ(completed, listed) << "tcplab " << command;
    }
}

}  // namespace

namespace {

// The README's command table and the man page name every lesson `tcplab list` knows.
TEST(Package, ReadmeAndManPageNameEveryLesson) {
    const std::string readme = read_file(kSource + "/README.md");
    const size_t table = readme.find("| `tcplab run NAME` |");
    ASSERT_NE(table, std::string::npos) << "README.md has no row for tcplab run NAME";
    const std::string row = readme.substr(table, readme.find('\n', table) - table);
    const std::string man = read_file(kSource + "/cmake/packaging/tcplab.1");
    const size_t lessons_line = man.find("\n.BR handshake ");
    ASSERT_NE(lessons_line, std::string::npos) << "tcplab.1 names no lessons under run";
    const std::string man_row = man.substr(lessons_line + 1, man.find('\n', lessons_line + 1) - lessons_line - 1) + " ";
    const Outcome listed = run_tcplab("list --json", "", false);
    int lessons = 0;
    std::istringstream lines(listed.output);
    for (std::string line; std::getline(lines, line); ++lessons) {
        const std::string name = nlohmann::json::parse(line)["name"];
        EXPECT_TRUE(contains(row, "`" + name + "`")) << name << " is missing from README's row: " << row;
        EXPECT_TRUE(contains(man_row, " " + name + " ")) << name << " is missing from tcplab.1: " << man_row;
    }
    EXPECT_GE(lessons, 5);
}

}  // namespace
