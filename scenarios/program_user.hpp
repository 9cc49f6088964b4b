#pragma once
// Who a student's program runs as: the user who started tcplab, never root.
//
// - tcplab started by a user (the usual case): the process already lives in a
//   user namespace of its own where that user is "root" (see sandbox.hpp). A
//   program gets a nested user namespace in which the same user is itself
//   again (uid 1000 shows as 1000), with no capabilities over the lab.
// - tcplab under sudo (or pkexec): the programs drop to SUDO_UID/SUDO_GID (or
//   PKEXEC_UID) and that user's groups.
// - tcplab as root with neither: nobody knows who the student is, so the
//   programs run as `nobody` (and tcplab says so): root is never handed on,
//   and the user's own files stay theirs.
#include <sys/types.h>

#include <string>
#include <vector>

#include "capture/result.hpp"

namespace tcplab {

struct ProgramUser {
    uid_t uid = 0;  // as the host sees it
    gid_t gid = 0;
    std::vector<gid_t> groups;  // supplementary groups (only when dropping from real root)
    std::string name;           // "alice"
    std::string home;           // for HOME
    std::string shell;          // the login shell, for `tcplab shell`
    // true: enter a nested user namespace mapping `uid` (tcplab runs in its own
    // user namespace); false: setresuid/setresgid from real root.
    bool nested_user_namespace = false;
    // tcplab runs as root without sudo or pkexec: the user is `nobody`, and
    // the program should say so (assets/lang: programs.runs_as_nobody).
    bool nobody_for_root = false;
};

// Call after prepare_process(). Reads SUDO_UID, SUDO_GID, PKEXEC_UID and the
// user namespace's uid_map.
Result<ProgramUser> choose_program_user();

// The invoking user's uid as the host sees it, also from inside tcplab's own
// user namespace (where getuid() says 0): for per-user paths such as the
// socket a second `tcplab shell` finds the lab by.
uid_t invoking_uid();

}  // namespace tcplab
