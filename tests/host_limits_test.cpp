// Each cause that keeps an unprivileged user from tcplab's sandbox or wire is
// found on its own, with its own fix, once: simulated with a /proc and a /dev
// laid out in a folder, and, where the kernel lets a test cause it for real,
// caused for real (a user namespace whose max_user_namespaces is 0, a TUN path
// that the user may not open).
#include "scenarios/host_limits.hpp"

#include <gtest/gtest.h>
#include <pwd.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>

#include "environment.hpp"
#include "temp_dir.hpp"

namespace tcplab {
namespace {

// A machine's files as the kernel would show them, in a folder.
class SimulatedHost {
public:
    SimulatedHost() {
        // As on a stock Debian 12 desktop: namespaces allowed, a TUN device that opens.
        set("/proc/sys/user/max_user_namespaces", "63289");
        set("/proc/sys/kernel/unprivileged_userns_clone", "1");
        set("/dev/net/tun", "");
        ::chmod(folder_.file("dev/net/tun").c_str(), 0666);
    }
    void set(const std::string& path, const std::string& line) {
        const std::filesystem::path file = folder_.path() / path.substr(1);
        std::filesystem::create_directories(file.parent_path());
        std::ofstream(file) << line << (line.empty() ? "" : "\n");
    }
    void remove(const std::string& path) { std::filesystem::remove(folder_.path() / path.substr(1)); }
    HostFiles files() const { return HostFiles{folder_.path().string()}; }
    std::string path(const std::string& absolute) const { return (folder_.path() / absolute.substr(1)).string(); }

private:
    test::TempDir folder_{"tcplab-host"};
};

std::vector<HostLimit> limits_of(const std::vector<HostFinding>& findings) {
    std::vector<HostLimit> limits;
    for (const HostFinding& finding : findings) limits.push_back(finding.limit);
    return limits;
}

size_t count(const std::string& text, const std::string& part) {
    size_t found = 0;
    for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++found;
    return found;
}

TEST(HostLimits, AStockMachineHasNone) {
    SimulatedHost host;
    EXPECT_TRUE(user_namespace_limits(host.files()).empty());
    EXPECT_FALSE(tun_limit(host.files()).has_value());
}

TEST(HostLimits, MaxUserNamespacesZeroIsItsOwnCauseWithItsOwnFix) {
    SimulatedHost host;
    host.set("/proc/sys/user/max_user_namespaces", "0");
    const auto found = user_namespace_limits(host.files());
    ASSERT_EQ(limits_of(found), std::vector<HostLimit>{HostLimit::UserNamespacesLimitZero});
    EXPECT_NE(found[0].explanation.remedy.find("sysctl -w user.max_user_namespaces="), std::string::npos);
    EXPECT_EQ(found[0].explanation.remedy.find("unprivileged_userns_clone"), std::string::npos);
}

TEST(HostLimits, DebiansOldCloneSwitchIsItsOwnCause) {
    SimulatedHost host;
    host.set("/proc/sys/kernel/unprivileged_userns_clone", "0");
    const auto found = user_namespace_limits(host.files());
    ASSERT_EQ(limits_of(found), std::vector<HostLimit>{HostLimit::UnprivilegedCloneDisabled});
    EXPECT_NE(found[0].explanation.remedy.find("sysctl -w kernel.unprivileged_userns_clone=1"), std::string::npos);
}

TEST(HostLimits, KernelsWithoutTheCloneSwitchAreNotBlamedForIt) {
    SimulatedHost host;
    host.remove("/proc/sys/kernel/unprivileged_userns_clone");  // upstream kernels (Ubuntu, Debian 13) have none
    EXPECT_TRUE(user_namespace_limits(host.files()).empty());
}

TEST(HostLimits, UbuntusAppArmorRestrictionAsksForTheProfileNotTheCloneSysctl) {
    SimulatedHost host;
    host.remove("/proc/sys/kernel/unprivileged_userns_clone");
    host.set("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1");
    host.set("/proc/self/attr/apparmor/current", "unconfined");
    const auto found = user_namespace_limits(host.files());
    ASSERT_EQ(limits_of(found), std::vector<HostLimit>{HostLimit::AppArmorRestrictsNamespaces});
    const Error& explanation = found[0].explanation;
    EXPECT_NE(explanation.what.find("apparmor_restrict_unprivileged_userns = 1"), std::string::npos);
    // This test is not /usr/bin/tcplab, the program the profile names: the fix says so.
    EXPECT_NE(explanation.what.find("the package's profile covers /usr/bin/tcplab"), std::string::npos);
    EXPECT_NE(explanation.remedy.find("the profile names /usr/bin/tcplab"), std::string::npos);
    EXPECT_NE(explanation.remedy.find("sysctl -w kernel.apparmor_restrict_unprivileged_userns=0"), std::string::npos);
    // Today's wrong advice: a sysctl that is already 1 there, or absent.
    EXPECT_EQ(explanation.remedy.find("unprivileged_userns_clone"), std::string::npos);
}

TEST(HostLimits, TheRestrictionDoesNotApplyUnderTcplabsProfile) {
    SimulatedHost host;
    host.set("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1");
    host.set("/proc/self/attr/apparmor/current", "tcplab (unconfined)");
    EXPECT_TRUE(user_namespace_limits(host.files()).empty());
    host.set("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "0");
    host.set("/proc/self/attr/apparmor/current", "unconfined");
    EXPECT_TRUE(user_namespace_limits(host.files()).empty());
}

TEST(HostLimits, OlderKernelsKeepTheLabelInAttrCurrent) {
    SimulatedHost host;
    host.set("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1");
    host.set("/proc/self/attr/current", "tcplab (unconfined)");
    EXPECT_TRUE(user_namespace_limits(host.files()).empty());
}

TEST(HostLimits, EveryCauseFoundIsNamedAndItsFixGivenOnce) {
    SimulatedHost host;
    host.set("/proc/sys/user/max_user_namespaces", "0");
    host.set("/proc/sys/kernel/unprivileged_userns_clone", "0");
    host.set("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1");
    const Error error = namespace_error("cannot create a user namespace", EPERM, host.files());
    EXPECT_NE(error.what.find("Operation not permitted"), std::string::npos);
    EXPECT_EQ(count(error.remedy, "sudo sysctl -w user.max_user_namespaces=15000"), 1u);
    EXPECT_EQ(count(error.remedy, "sudo sysctl -w kernel.unprivileged_userns_clone=1"), 1u);
    EXPECT_EQ(count(error.remedy, "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0"), 1u);
}

TEST(HostLimits, NoKnownCauseSaysSoInsteadOfGuessing) {
    SimulatedHost host;
    const Error error = namespace_error("cannot create a user namespace", EPERM, host.files());
    EXPECT_NE(error.remedy.find("none of the known causes"), std::string::npos);
    EXPECT_EQ(error.remedy.find("sysctl -w"), std::string::npos);
}

TEST(HostLimits, AMissingTunDeviceAsksForTheModuleOrLoopback) {
    SimulatedHost host;
    host.remove("/dev/net/tun");
    const auto found = tun_limit(host.files());
    ASSERT_TRUE(found);
    EXPECT_EQ(found->limit, HostLimit::TunMissing);
    EXPECT_NE(found->explanation.remedy.find("modprobe tun"), std::string::npos);
    EXPECT_NE(found->explanation.remedy.find("--topology loopback"), std::string::npos);
}

TEST(HostLimits, TracefsMissingIsANoteWithNothingToFix) {
    SimulatedHost host;
    const auto found = tracefs_limit(host.files());
    ASSERT_TRUE(found);
    EXPECT_EQ(found->limit, HostLimit::TracefsUnavailable);
    EXPECT_TRUE(found->explanation.remedy.empty());
    host.set("/sys/kernel/tracing/events/sock/inet_sock_set_state/format", "name: inet_sock_set_state");
    EXPECT_FALSE(tracefs_limit(host.files()).has_value());
}

// Real: the kernel refuses a user that may not open the TUN path, and the
// diagnosis says which fix applies (the udev rule, or one host).
TEST(HostLimits, ATunPathTheUserMayNotOpenIsDeniedForReal) {
    if (auto why = test::missing_root()) GTEST_SKIP() << *why;
    const passwd* nobody = ::getpwnam("nobody");
    if (!nobody) GTEST_SKIP() << "no user nobody: add one (adduser --system nobody)";
    SimulatedHost host;
    ASSERT_EQ(::chmod(host.path("/dev/net/tun").c_str(), 0600), 0);
    auto trial = try_as_user(nobody->pw_uid, nobody->pw_gid, host.files());
    ASSERT_TRUE(trial) << trial.error().what;
    ASSERT_TRUE(trial->tun);
    EXPECT_EQ(trial->tun->limit, HostLimit::TunDenied);
    EXPECT_NE(trial->tun->explanation.what.find("Permission denied"), std::string::npos);
    EXPECT_NE(trial->tun->explanation.remedy.find("99-tcplab-tun.rules"), std::string::npos);
    EXPECT_NE(trial->tun->explanation.remedy.find("--topology loopback"), std::string::npos);

    ASSERT_EQ(::chmod(host.path("/dev/net/tun").c_str(), 0666), 0);
    trial = try_as_user(nobody->pw_uid, nobody->pw_gid, host.files());
    ASSERT_TRUE(trial) << trial.error().what;
    EXPECT_FALSE(trial->tun.has_value());
}

// Real: in a user namespace whose max_user_namespaces is 0, the kernel
// refuses a nested one, and the diagnosis, reading the real /proc, names that
// cause and its fix.
TEST(HostLimits, MaxUserNamespacesZeroInAChildNamespaceForReal) {
    int report[2];
    ASSERT_EQ(::pipe(report), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::close(report[0]);
        std::string answer;
        const uid_t uid = ::geteuid();
        if (::unshare(CLONE_NEWUSER) != 0) {
            answer = "skip: no user namespace here";
        } else {
            std::ofstream("/proc/self/uid_map") << "0 " << uid << " 1";
            std::ofstream limit("/proc/sys/user/max_user_namespaces");
            limit << "0";
            limit.close();
            if (!limit) {
                answer = "skip: cannot set max_user_namespaces in a user namespace";
            } else if (::unshare(CLONE_NEWUSER) == 0) {
                answer = "fail: a nested user namespace was allowed";
            } else {
                const Error error = namespace_error("cannot create a user namespace for the sandbox", errno);
                answer = error.what + "\n" + error.remedy;
            }
        }
        (void)!::write(report[1], answer.data(), answer.size());
        ::_exit(0);
    }
    ::close(report[1]);
    std::string answer;
    char buffer[1024];
    for (ssize_t got; (got = ::read(report[0], buffer, sizeof buffer)) > 0;) answer.append(buffer, got);
    ::close(report[0]);
    ::waitpid(child, nullptr, 0);
    if (answer.rfind("skip: ", 0) == 0) GTEST_SKIP() << answer.substr(6);
    EXPECT_NE(answer.find("No space left on device"), std::string::npos) << answer;
    EXPECT_NE(answer.find("user.max_user_namespaces = 0"), std::string::npos) << answer;
    EXPECT_NE(answer.find("sudo sysctl -w user.max_user_namespaces=15000"), std::string::npos) << answer;
}

}  // namespace
}  // namespace tcplab
