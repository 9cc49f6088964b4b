// `tcplab doctor` tells each cause in the reader's language with the same
// command as the error tcplab prints for it (scenarios/host_limits), and keeps
// the values it found (the label, the kernel's word for an errno).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "lab/doctor_command.hpp"
#include "temp_dir.hpp"

namespace tcplab {
namespace {

void write(const test::TempDir& root, const std::string& path, const std::string& line) {
    const std::filesystem::path file = root.path() / path.substr(1);
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << line << "\n";
}

// Every cause scenarios/host_limits can find, each laid out in a /proc of its own.
std::vector<HostFinding> every_cause(const test::TempDir& root) {
    write(root, "/proc/sys/user/max_user_namespaces", "0");
    write(root, "/proc/sys/kernel/unprivileged_userns_clone", "0");
    write(root, "/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1");
    write(root, "/proc/self/attr/apparmor/current", "unconfined");
    std::vector<HostFinding> causes = user_namespace_limits(HostFiles{root.path().string()});
    causes.push_back(*tun_finding(ENOENT));
    causes.push_back(*tun_finding(EACCES));
    return causes;
}

// The command in a fix: "sudo …" up to the first comma, semicolon or parenthesis.
std::string first_command(const std::string& fix) {
    const size_t start = fix.find("sudo ");
    if (start == std::string::npos) return "";
    std::string command = fix.substr(start, fix.find_first_of(",;(（，；", start) - start);
    while (!command.empty() && command.back() == ' ') command.pop_back();
    return command;
}

TEST(Doctor, EveryCauseHasItsTextsInEveryLanguage) {
    test::TempDir root;
    const std::vector<HostFinding> causes = every_cause(root);
    ASSERT_EQ(causes.size(), 5u);
    for (const std::string& code : Language::codes()) {
        auto language = Language::load(code);
        ASSERT_TRUE(language) << language.error().what;
        for (const HostFinding& cause : causes) {
            ASSERT_TRUE(language->has("doctor.cause." + cause.id + ".what")) << code << " " << cause.id;
            const Error text = explain_cause(cause, language.value());
            EXPECT_EQ(first_command(text.remedy), first_command(cause.explanation.remedy))
                << code << " " << cause.id << ": " << text.remedy;
            EXPECT_FALSE(first_command(text.remedy).empty()) << cause.id;
            EXPECT_EQ(text.what.find("{}"), std::string::npos) << text.what;
        }
    }
}

TEST(Doctor, TheValuesFoundAreInTheText) {
    auto chinese = Language::load("zh-CN");
    ASSERT_TRUE(chinese);
    const Error denied = explain_cause(*tun_finding(EACCES), chinese.value());
    EXPECT_NE(denied.what.find("Permission denied"), std::string::npos) << denied.what;
    EXPECT_NE(denied.what.find("无法打开"), std::string::npos) << denied.what;
    test::TempDir root;
    write(root, "/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1");
    const auto found = user_namespace_limits(HostFiles{root.path().string()});
    ASSERT_EQ(found.size(), 1u);
    const Error apparmor = explain_cause(found[0], chinese.value());
    EXPECT_NE(apparmor.what.find("“unconfined”"), std::string::npos) << apparmor.what;
}

}  // namespace
}  // namespace tcplab
