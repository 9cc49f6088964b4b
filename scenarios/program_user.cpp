#include "program_user.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <optional>

#include "sandbox.hpp"

namespace tcplab {
namespace {

// "0 1000 1": inside id 0 is the host's 1000. The host id mapped to 0 inside,
// or nullopt when the map is the host's own (no user namespace of ours).
std::optional<unsigned> host_id_of_inside_root(const char* map_path) {
    std::ifstream map(map_path);
    unsigned inside = 0, outside = 0, count = 0;
    while (map >> inside >> outside >> count) {
        if (inside == 0 && outside == 0 && count > 1) return std::nullopt;  // the initial namespace
        if (inside == 0) return outside;
    }
    return std::nullopt;
}

std::optional<unsigned> environment_id(const char* name) {
    const char* text = std::getenv(name);
    if (!text || !*text) return std::nullopt;
    char* end = nullptr;
    const unsigned long value = std::strtoul(text, &end, 10);
    if (*end != '\0' || value == 0 || value > 0xfffffffeul) return std::nullopt;
    return static_cast<unsigned>(value);
}

// Name, home and shell from the password database, with plain defaults for a
// uid it does not know (a container's user without an /etc/passwd entry).
void fill_from_passwd(ProgramUser& user) {
    passwd entry{};
    passwd* found = nullptr;
    std::vector<char> buffer(16384);
    if (getpwuid_r(user.uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found) {
        user.name = found->pw_name;
        user.home = found->pw_dir;
        user.shell = found->pw_shell;
    }
    if (user.name.empty()) user.name = std::to_string(user.uid);
    if (user.home.empty()) user.home = "/";
    if (user.shell.empty() || user.shell.find("nologin") != std::string::npos ||
        user.shell.find("false") != std::string::npos)
        user.shell = "/bin/sh";
}

std::vector<gid_t> supplementary_groups(const std::string& name, gid_t gid) {
    int count = 32;
    std::vector<gid_t> groups(static_cast<size_t>(count));
    while (getgrouplist(name.c_str(), gid, groups.data(), &count) < 0) groups.resize(static_cast<size_t>(count));
    groups.resize(static_cast<size_t>(count));
    return groups;
}

}  // namespace

uid_t invoking_uid() {
    if (const auto outside = host_id_of_inside_root("/proc/self/uid_map"); outside && getuid() == 0) return *outside;
    if (getuid() == 0)
        if (const auto sudo = environment_id("SUDO_UID")) return *sudo;
    return getuid();
}

Result<ProgramUser> choose_program_user() {
    ProgramUser user;
    if (!started_as_root()) {
        const auto uid = host_id_of_inside_root("/proc/self/uid_map");
        const auto gid = host_id_of_inside_root("/proc/self/gid_map");
        if (!uid || !gid) {
            if (getuid() == 0)
                return Error{"tcplab cannot tell which user started it (no user namespace of its own)",
                             "start tcplab as your own user, or with sudo"};
            // Not root and not in a namespace of ours: run as we are.
            user.uid = getuid();
            user.gid = getgid();
            fill_from_passwd(user);
            return user;
        }
        user.uid = *uid;
        user.gid = *gid;
        user.nested_user_namespace = true;
        // The passwd entry is the host's: the namespace does not change names.
        fill_from_passwd(user);
        return user;
    }
    if (const auto sudo_uid = environment_id("SUDO_UID")) {
        user.uid = *sudo_uid;
        user.gid = environment_id("SUDO_GID").value_or(*sudo_uid);
    } else if (const auto pkexec_uid = environment_id("PKEXEC_UID")) {
        user.uid = *pkexec_uid;
        passwd* entry = getpwuid(user.uid);
        user.gid = entry ? entry->pw_gid : user.uid;
    } else {
        passwd* nobody = getpwnam("nobody");
        user.uid = nobody ? nobody->pw_uid : 65534;
        user.gid = nobody ? nobody->pw_gid : 65534;
        user.nobody_for_root = true;
    }
    fill_from_passwd(user);
    user.groups = !user.nobody_for_root ? supplementary_groups(user.name, user.gid) : std::vector<gid_t>{user.gid};
    return user;
}

}  // namespace tcplab
