#pragma once
// What a machine allows an unprivileged user, read from the kernel's settings:
// each cause that keeps tcplab from making its sandbox or laying its wire,
// found separately, with the fix that works for that cause and no other.
//
// The files are read under a root folder ("/" on a real machine), so a test
// can lay out a /proc and a /dev of its own and simulate each cause.
#include <optional>
#include <string>
#include <vector>

#include "capture/result.hpp"

namespace tcplab {

struct HostFiles {
    std::string root = "/";

    // The file's first line without the newline; nullopt when it cannot be read.
    std::optional<std::string> read_line(const std::string& path) const;
    // 0 when the file opens for reading and writing, else the errno of open().
    int open_error(const std::string& path) const;
    std::string path(const std::string& absolute) const;  // `absolute` under root
};

enum class HostLimit {
    UserNamespacesLimitZero,      // user.max_user_namespaces = 0
    UnprivilegedCloneDisabled,    // kernel.unprivileged_userns_clone = 0 (Debian's old patch)
    AppArmorRestrictsNamespaces,  // kernel.apparmor_restrict_unprivileged_userns = 1, and no profile for us
    TunMissing,                   // no /dev/net/tun (the tun module is not loaded)
    TunDenied,                    // /dev/net/tun exists but this user may not open it
    TracefsUnavailable,           // no sock:inet_sock_set_state: states come from socket dumps (fine)
};

struct HostFinding {
    HostLimit limit;
    Error explanation;  // what the machine does, and the fix for it (English, for errors)
    // The same for a translation: the cause's name in the language files
    // (doctor.cause.<id>) and the values its texts fill in, in order.
    std::string id;
    std::vector<std::string> values = {};
};

// Why an unprivileged user may not create user namespaces here; empty when
// nothing in the kernel's settings forbids it. `apparmor_label` is the label
// the running program has ("unconfined" or "tcplab (unconfined)"): the
// restriction does not apply to a program our profile names.
std::vector<HostFinding> user_namespace_limits(const HostFiles& files);
// Why this user cannot open /dev/net/tun; nullopt when it can.
std::optional<HostFinding> tun_limit(const HostFiles& files);
// The same for an errno that opening it gave (0: nullopt).
std::optional<HostFinding> tun_finding(int open_error);
// The tracepoint tcplab reads as root; nullopt when it is there.
std::optional<HostFinding> tracefs_limit(const HostFiles& files);

// The error for a failed unshare(CLONE_NEWUSER) or CLONE_NEWNET (errno
// `error_number`): what failed, and the fixes of the causes found, each once.
Error namespace_error(const std::string& what, int error_number, const HostFiles& files = {});

// What an unprivileged user gets on this machine, tried for real: a forked
// child becomes `uid`/`gid` (the caller must be root), creates a user and a
// network namespace as tcplab does, and opens /dev/net/tun (under files.root).
struct UnprivilegedTrial {
    std::optional<Error> namespaces;  // nullopt: the sandbox can be made
    int namespaces_errno = 0;         // of the step that failed
    std::vector<HostFinding> namespace_causes;
    std::optional<HostFinding> tun;  // nullopt: the wire can be laid
};
Result<UnprivilegedTrial> try_as_user(unsigned uid, unsigned gid, const HostFiles& files = {});

// Where the installed AppArmor profile expects tcplab: the package's binary.
inline constexpr const char* kProfiledBinary = "/usr/bin/tcplab";

}  // namespace tcplab
