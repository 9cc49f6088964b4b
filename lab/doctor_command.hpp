#pragma once
// `tcplab doctor`: what this PC allows and what to do about each limit, for a
// lab admin: the sandbox's namespaces (for this user and, run as root, for an
// unprivileged one), the wire's TUN device, the kernel tracepoint, a display
// with OpenGL, a CJK font, the language the window will use, and the version.
// Every check is tried for real where it can be; the causes come from
// scenarios/host_limits.
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "capture/result.hpp"
#include "i18n.hpp"
#include "language_choice.hpp"
#include "scenarios/host_limits.hpp"

namespace tcplab {

enum class CheckStatus {
    Ok,       // works
    Note,     // not there, and nothing needs it (the tracepoint without root)
    Limited,  // lessons run, with less (one host instead of two, no window)
    Failed,   // lessons cannot run
};

struct DoctorCheck {
    std::string id;  // "sandbox", "wire", ...: the key of its name in the language files
    CheckStatus status = CheckStatus::Ok;
    std::string detail;  // what was found
    std::string fix;     // what lifts the limit; "" when nothing needs doing
};

struct DoctorReport {
    std::string version;
    std::vector<DoctorCheck> checks;
    bool lessons_can_run() const;  // no check failed
};

// A cause scenarios/host_limits found, in the reader's language; in English
// (the error's own words) when the language files do not name it.
Error explain_cause(const HostFinding& finding, const Language& language);

struct DoctorInputs {
    std::string version;
    LanguageChoice language;
    std::function<Status()> prepare;  // main's prepare_process, run at most once
    bool probe_display = true;
};

// Runs every check. Forks a trial as an unprivileged user first when root (a
// fork needs a process without threads), then prepares the process as a
// lesson would, and tries the display last (its driver starts threads).
DoctorReport examine_host(const DoctorInputs& inputs, const Language& language);

void print_doctor_table(const DoctorReport& report, const Language& language, std::FILE* out = stdout);
void print_doctor_json(const DoctorReport& report, std::FILE* out = stdout);

// The command: 0 when lessons can run here, else 2 (exit_code::kEnvironment).
int run_doctor_command(const DoctorInputs& inputs, const Language& language, bool json);

}  // namespace tcplab
