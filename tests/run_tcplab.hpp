#pragma once
// Runs a shell command, or the tcplab program as a user or a script runs it,
// and keeps what it printed and how it exited. The test binary must be given
// TCPLAB_BINARY (tests/CMakeLists.txt does, for the tests that need it).
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tests/temp_dir.hpp"

namespace tcplab::test {

struct ProgramOutcome {
    int exit_code = -1;  // -1: killed by a signal, or it could not start
    std::string output;
};

inline ProgramOutcome run_shell(const std::string& command) {
    ProgramOutcome outcome;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return outcome;
    std::array<char, 4096> buffer{};
    size_t read = 0;
    while ((read = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) outcome.output.append(buffer.data(), read);
    const int status = pclose(pipe);
    outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return outcome;
}

// A prefix that runs what follows it in a mount namespace of its own whose
// /dev/net/tun has `mode` ("600": a PC where students may not open it, "666":
// stock Debian and Ubuntu), whatever the host's mode is. The device node is
// made in `directory`. Needs root.
inline std::string with_tun_mode(const std::string& directory, const std::string& mode) {
    const std::string node = directory + "/tun";
    return "unshare -m sh -c 'rm -f \"" + node + "\" && mknod \"" + node + "\" c 10 200 && chmod " + mode + " \"" +
           node + "\" && mount --bind \"" + node + "\" /dev/net/tun && exec \"$0\" \"$@\"'";
}

#ifdef TCPLAB_BINARY
// `prefix` comes before the program: environment settings, or a pipe into it.
// The output is stdout and, unless told otherwise, stderr with it.
inline ProgramOutcome run_tcplab(const std::string& arguments, const std::string& prefix = "",
                                 bool with_stderr = true) {
    return run_shell(prefix + " '" + TCPLAB_BINARY + "' " + arguments + (with_stderr ? " 2>&1" : " 2>/dev/null"));
}

// How to run tcplab as a student (the user nobody) on a PC whose /dev/net/tun
// is 0600, whatever the host's mode: `prefix` goes before the program, the
// node is made in `node_folder`. Or, in `cannot`, why this machine cannot lay that out.
struct StudentWithoutTun {
    std::string prefix;
    std::string cannot;
};
inline StudentWithoutTun student_without_tun(const TempDir& node_folder) {
    if (geteuid() != 0 || system("command -v setpriv >/dev/null") != 0 || system("command -v unshare >/dev/null") != 0)
        return {"", "needs root, setpriv and unshare"};
    const std::string as_nobody = "setpriv --reuid=65534 --regid=65534 --clear-groups";
    if (system((as_nobody + " test -x '" + TCPLAB_BINARY + "'").c_str()) != 0)
        return {"", "the build folder is not readable by other users"};
    return {with_tun_mode(node_folder.path().string(), "600") + " " + as_nobody, ""};
}
#endif

}  // namespace tcplab::test
