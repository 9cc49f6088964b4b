#pragma once
// What a test may skip for: a named part of the machine that is missing (no
// root, no /dev/net/tun, no tshark, no Xvfb), said in the skip message with
// how to get it. Anything else that fails (a sandbox that could not be made
// although the machine allows it, a lesson that did not run) is a failure.
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string>

namespace tcplab::test {

// Set by test_main.cpp when the process could not be prepared for the sandbox
// (not root, and the kernel refuses an unprivileged user namespace).
inline std::optional<std::string>& process_not_prepared() {
    static std::optional<std::string> why;
    return why;
}

inline std::optional<std::string> missing_root() {
    if (::geteuid() != 0) return "no root: this test needs root (sudo ctest)";
    return std::nullopt;
}

// The sandbox needs root, or an unprivileged user namespace (test_main.cpp enters one).
inline std::optional<std::string> missing_sandbox() {
    if (process_not_prepared())
        return "no root and no user namespace (" + *process_not_prepared() +
               "): run as root, or allow unprivileged user namespaces";
    return std::nullopt;
}

// Two hosts joined by the wire need the TUN device.
inline std::optional<std::string> missing_tun() {
    if (::access("/dev/net/tun", R_OK | W_OK) != 0)
        return "no TUN: /dev/net/tun is not open to this user (as root, or chmod 0666 as on a stock desktop)";
    return std::nullopt;
}

inline std::optional<std::string> missing_tshark() {
    if (std::system("command -v tshark > /dev/null 2>&1") != 0) return "no tshark: sudo apt-get install tshark";
    return std::nullopt;
}

inline std::optional<std::string> missing_xvfb() {
    if (std::system("command -v xvfb-run > /dev/null 2>&1 && command -v xauth > /dev/null 2>&1") != 0)
        return "no Xvfb: sudo apt-get install xvfb xauth";
    return std::nullopt;
}

}  // namespace tcplab::test
