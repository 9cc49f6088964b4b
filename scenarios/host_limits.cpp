#include "host_limits.hpp"

#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace tcplab {
namespace {

constexpr const char* kMaxUserNamespaces = "/proc/sys/user/max_user_namespaces";
constexpr const char* kUnprivilegedClone = "/proc/sys/kernel/unprivileged_userns_clone";
constexpr const char* kAppArmorRestriction = "/proc/sys/kernel/apparmor_restrict_unprivileged_userns";
constexpr const char* kTun = "/dev/net/tun";
constexpr const char* kStateTracepoint = "/sys/kernel/tracing/events/sock/inet_sock_set_state";

// The label AppArmor gives this process: newer kernels keep it under
// attr/apparmor/, older ones only in attr/current.
std::string apparmor_label(const HostFiles& files) {
    for (const char* path : {"/proc/self/attr/apparmor/current", "/proc/self/attr/current"})
        if (auto label = files.read_line(path); label && !label->empty()) return *label;
    return "unconfined";
}

// The program's own path (the profile names it by path).
std::string program_path() {
    char buffer[4096];
    const ssize_t length = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
    return length > 0 ? std::string(buffer, static_cast<size_t>(length)) : std::string();
}

HostFinding apparmor_finding(const std::string& label) {
    std::string what =
        "Ubuntu's AppArmor lets only programs with a profile create user namespaces "
        "(kernel.apparmor_restrict_unprivileged_userns = 1), and this tcplab runs as \"" +
        label + "\"";
    const std::string self = program_path();
    const bool elsewhere = !self.empty() && self != kProfiledBinary;
    if (elsewhere) what += "; the package's profile covers " + std::string(kProfiledBinary) + ", not " + self;
    const std::string quick_test =
        "for a quick test only: sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0";
    return {HostLimit::AppArmorRestrictsNamespaces,
            {what, elsewhere ? "run the tcplab the package installs (the profile names " +
                                   std::string(kProfiledBinary) + "); " + quick_test
                             : "install the package (sudo apt install ./tcplab_*.deb), whose AppArmor profile allows "
                               "tcplab's user namespaces; " +
                                   quick_test},
            elsewhere ? "apparmor_elsewhere" : "apparmor",
            {label, kProfiledBinary, self}};
}

std::optional<HostFinding> tun_finding_for(int error) {
    if (error == 0) return std::nullopt;
    const std::string what = "cannot open /dev/net/tun: " + std::string(std::strerror(error));
    if (error == ENOENT || error == ENODEV || error == ENXIO)
        return HostFinding{
            HostLimit::TunMissing,
            {what + " (the tun module is not loaded)",
             "sudo modprobe tun (and add `tun` to /etc/modules to keep it); the lessons need it, your own "
             "programs (exec, shell) also run on one host with --topology loopback"},
            "tun_missing",
            {std::strerror(error)}};
    return HostFinding{
        HostLimit::TunDenied,
        {what + " (the lessons' two hosts need it)",
         "sudo cp /usr/share/tcplab/udev/99-tcplab-tun.rules /etc/udev/rules.d/ && sudo udevadm trigger "
         "--action=add --sysname-match=tun (mode 0666, as systemd sets it by default); the lessons need it, your "
         "own programs (exec, shell) also run on one host with --topology loopback"},
        "tun_denied",
        {std::strerror(error)}};
}

bool write_text(const std::string& path, const std::string& text) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    return written;
}

// In the forked child: what tcplab's sandbox does, as `uid`. Returns the
// errno of the step that failed (0: none) for the namespaces, and of opening
// the TUN device.
std::pair<int, int> trial_in_child(unsigned uid, unsigned gid, const HostFiles& files) {
    if (::setgroups(0, nullptr) != 0 || ::setresgid(gid, gid, gid) != 0 || ::setresuid(uid, uid, uid) != 0)
        return {errno == 0 ? EPERM : errno, 0};
    // Changing the user made the process undumpable, which gives its /proc
    // files to root; tcplab started by the user itself is dumpable, so the
    // maps below are written as it writes them.
    ::prctl(PR_SET_DUMPABLE, 1);
    const int tun = files.open_error(kTun);
    if (::unshare(CLONE_NEWUSER) != 0) return {errno, tun};
    if (!write_text("/proc/self/setgroups", "deny") ||
        !write_text("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1") ||
        !write_text("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1"))
        return {errno == 0 ? EPERM : errno, tun};
    if (::unshare(CLONE_NEWNET) != 0) return {errno, tun};
    return {0, tun};
}

}  // namespace

Result<UnprivilegedTrial> try_as_user(unsigned uid, unsigned gid, const HostFiles& files) {
    int report[2];
    if (::pipe2(report, O_CLOEXEC) != 0) return Error{"cannot make a pipe: " + std::string(std::strerror(errno)), ""};
    const pid_t child = ::fork();
    if (child < 0) {
        ::close(report[0]);
        ::close(report[1]);
        return Error{"cannot fork: " + std::string(std::strerror(errno)), ""};
    }
    if (child == 0) {
        ::close(report[0]);
        const auto [namespaces, tun] = trial_in_child(uid, gid, files);
        const int codes[2] = {namespaces, tun};
        (void)!::write(report[1], codes, sizeof codes);
        ::_exit(0);
    }
    ::close(report[1]);
    int codes[2] = {-1, -1};
    const ssize_t got = ::read(report[0], codes, sizeof codes);
    ::close(report[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    if (got != static_cast<ssize_t>(sizeof codes))
        return Error{"the trial as user " + std::to_string(uid) + " ended without an answer", ""};
    UnprivilegedTrial trial;
    if (codes[0] != 0) {
        trial.namespaces =
            namespace_error("user " + std::to_string(uid) + " cannot create the sandbox's namespaces", codes[0], files);
        trial.namespaces_errno = codes[0];
        trial.namespace_causes = user_namespace_limits(files);
    }
    trial.tun = tun_finding_for(codes[1]);
    return trial;
}

std::string HostFiles::path(const std::string& absolute) const {
    if (root.empty() || root == "/") return absolute;
    return (root.back() == '/' ? root.substr(0, root.size() - 1) : root) + absolute;
}

std::optional<std::string> HostFiles::read_line(const std::string& absolute) const {
    std::ifstream file(path(absolute));
    std::string line;
    if (!file || !std::getline(file, line)) return std::nullopt;
    return line;
}

int HostFiles::open_error(const std::string& absolute) const {
    const int fd = ::open(path(absolute).c_str(), O_RDWR | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return errno;
    ::close(fd);
    return 0;
}

std::vector<HostFinding> user_namespace_limits(const HostFiles& files) {
    std::vector<HostFinding> found;
    if (files.read_line(kMaxUserNamespaces) == "0")
        found.push_back({HostLimit::UserNamespacesLimitZero,
                         {"user namespaces are switched off: user.max_user_namespaces = 0",
                          "sudo sysctl -w user.max_user_namespaces=15000, and to keep it after a reboot: echo "
                          "user.max_user_namespaces=15000 | sudo tee /etc/sysctl.d/60-tcplab.conf"},
                         "max_user_namespaces"});
    if (files.read_line(kUnprivilegedClone) == "0")
        found.push_back({HostLimit::UnprivilegedCloneDisabled,
                         {"this kernel lets only root create user namespaces: kernel.unprivileged_userns_clone = 0",
                          "sudo sysctl -w kernel.unprivileged_userns_clone=1, and to keep it after a reboot: echo "
                          "kernel.unprivileged_userns_clone=1 | sudo tee /etc/sysctl.d/60-tcplab.conf"},
                         "unprivileged_userns_clone"});
    if (files.read_line(kAppArmorRestriction) == "1") {
        const std::string label = apparmor_label(files);
        if (label == "unconfined") found.push_back(apparmor_finding(label));
    }
    return found;
}

std::optional<HostFinding> tun_finding(int open_error) { return tun_finding_for(open_error); }

std::optional<HostFinding> tun_limit(const HostFiles& files) { return tun_finding_for(files.open_error(kTun)); }

std::optional<HostFinding> tracefs_limit(const HostFiles& files) {
    if (::access(files.path(kStateTracepoint).c_str(), F_OK) == 0) return std::nullopt;
    return HostFinding{HostLimit::TracefsUnavailable,
                       {"the kernel's sock:inet_sock_set_state tracepoint is not readable here (it needs root and "
                        "tracefs): socket states come from socket dumps and packets, which every lesson is written for",
                        ""},
                       "tracefs"};
}

Error namespace_error(const std::string& what, int error_number, const HostFiles& files) {
    Error error{what + ": " + std::strerror(error_number), ""};
    for (const HostFinding& finding : user_namespace_limits(files)) {
        error.what += "; " + finding.explanation.what;
        error.remedy += (error.remedy.empty() ? "" : "; ") + finding.explanation.remedy;
        error.causes.push_back({"doctor.cause." + finding.id, finding.values});
    }
    if (error.remedy.empty())
        error.remedy =
            "none of the known causes is set here (user.max_user_namespaces, kernel.unprivileged_userns_clone, "
            "kernel.apparmor_restrict_unprivileged_userns); inside a container, allow user namespaces there; or run "
            "tcplab with sudo";
    return error;
}

}  // namespace tcplab
