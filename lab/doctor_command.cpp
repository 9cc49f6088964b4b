#include "doctor_command.hpp"

#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "capture/tracepoint.hpp"
#include "display_probe.hpp"
#include "exit_codes.hpp"
#include "font_files.hpp"
#include "scenarios/assets.hpp"
#include "scenarios/host_limits.hpp"
#include "scenarios/lesson.hpp"
#include "scenarios/sandbox.hpp"

namespace tcplab {
namespace {

DoctorCheck ok(const std::string& id, const std::string& detail) { return {id, CheckStatus::Ok, detail, ""}; }

DoctorCheck from_error(const std::string& id, CheckStatus status, const Error& error) {
    return {id, status, error.what, error.remedy};
}

}  // namespace

Error explain_cause(const HostFinding& finding, const Language& language) {
    Error explanation = finding.explanation;
    explanation.causes = {{"doctor.cause." + finding.id, finding.values}};
    return translated(explanation, language);
}

namespace {

// The namespaces refused (`reason`: the kernel's word for it): each cause found, with its
// fix, once; the error's own words when no known cause is set.
DoctorCheck namespaces_refused(const std::string& id, const std::string& who, const std::string& reason,
                               const std::vector<HostFinding>& causes, const Error& fallback,
                               const Language& language) {
    if (causes.empty()) return from_error(id, CheckStatus::Failed, fallback);
    DoctorCheck check{id, CheckStatus::Failed,
                      fill_placeholders(language.text("doctor.namespaces_refused"), {who}) +
                          (reason.empty() ? "" : " (" + reason + ")"),
                      ""};
    for (const HostFinding& cause : causes) {
        const Error text = explain_cause(cause, language);
        check.detail += "; " + text.what;
        check.fix += (check.fix.empty() ? "" : "; ") + text.remedy;
    }
    return check;
}

DoctorCheck lessons_check(const Language& language) {
    const std::string folder = asset_directory();
    for (const std::string& code : Language::codes())
        if (auto loaded = Language::load(code, folder); !loaded)
            return from_error("lessons", CheckStatus::Failed, loaded.error());
    const size_t count = lesson_catalog().size();
    if (count == 0)
        return {"lessons", CheckStatus::Failed, fill_placeholders(language.text("doctor.no_lessons"), {folder}),
                language.text("doctor.no_lessons_fix")};
    return ok("lessons", fill_placeholders(language.text("doctor.lessons_found"), {std::to_string(count), folder}));
}

// The sandbox and the wire for whoever runs tcplab now, done as a lesson does them.
void this_user_checks(const DoctorInputs& inputs, const Language& language, bool root,
                      std::vector<DoctorCheck>& checks) {
    const std::string id = root ? "sandbox_root" : "sandbox";
    if (auto prepared = inputs.prepare(); !prepared) {
        checks.push_back(namespaces_refused(id, language.text("doctor.you"), "",
                                            root ? std::vector<HostFinding>{} : user_namespace_limits(HostFiles{}),
                                            prepared.error(), language));
    } else if (auto sandbox = Sandbox::create(); !sandbox) {
        checks.push_back(from_error(id, CheckStatus::Failed, sandbox.error()));
    } else {
        checks.push_back(ok(id, language.text(root ? "doctor.sandbox_as_root" : "doctor.sandbox_ok")));
    }
    if (root) return;  // root opens /dev/net/tun whatever its mode: the trial as nobody tells about students
    // Every built-in lesson acts on segments on the wire, so without it no lesson runs.
    if (auto limit = tun_limit(HostFiles{}))
        checks.push_back(from_error("wire", CheckStatus::Failed, explain_cause(*limit, language)));
    else
        checks.push_back(ok("wire", language.text("doctor.wire_ok")));
}

// As root: what a student gets, tried as the user `nobody`.
void unprivileged_checks(const Language& language, std::vector<DoctorCheck>& checks) {
    const passwd* nobody = ::getpwnam("nobody");
    if (!nobody) {
        checks.push_back({"sandbox", CheckStatus::Note, language.text("doctor.no_nobody"), ""});
        return;
    }
    auto trial = try_as_user(nobody->pw_uid, nobody->pw_gid);
    if (!trial) {
        checks.push_back(from_error("sandbox", CheckStatus::Failed, trial.error()));
        return;
    }
    const std::string as =
        fill_placeholders(language.text("doctor.tried_as"), {nobody->pw_name, std::to_string(nobody->pw_uid)});
    if (trial->namespaces) {
        DoctorCheck refused = namespaces_refused("sandbox", nobody->pw_name, std::strerror(trial->namespaces_errno),
                                                 trial->namespace_causes, *trial->namespaces, language);
        refused.detail += as;
        checks.push_back(refused);
    } else {
        checks.push_back(ok("sandbox", language.text("doctor.sandbox_ok") + as));
    }
    if (trial->tun) {  // a failure, not a limit: every built-in lesson needs the wire
        const Error text = explain_cause(*trial->tun, language);
        checks.push_back(from_error("wire", CheckStatus::Failed, {text.what + as, text.remedy}));
    } else {
        checks.push_back(ok("wire", language.text("doctor.wire_ok") + as));
    }
}

DoctorCheck tracepoint_check(const Language& language, bool root) {
    if (!root) return {"tracepoint", CheckStatus::Note, language.text("doctor.tracepoint_needs_root"), ""};
    auto tracepoint = StateTracepoint::open({9});
    if (!tracepoint) return from_error("tracepoint", CheckStatus::Note, tracepoint.error());
    return ok("tracepoint", language.text("doctor.tracepoint_ok"));
}

DoctorCheck font_check(const Language& language) {
    const FontFiles fonts = find_font_files();
    if (fonts.cjk.path.empty())
        return {"font", CheckStatus::Limited, language.text("doctor.no_cjk_font"),
                language.text("doctor.no_cjk_font_fix")};
    return ok("font", fonts.cjk.path + (fonts.latin.path.empty() ? "" : ", " + fonts.latin.path));
}

void display_checks(const Language& language, std::vector<DoctorCheck>& checks) {
    const DisplayProbe probe = probe_display();
    if (probe.display.empty()) {
        checks.push_back({"display", CheckStatus::Limited, language.text("doctor.no_display"),
                          language.text("doctor.no_display_fix")});
        checks.push_back({"opengl", CheckStatus::Note, language.text("doctor.opengl_not_tried"), ""});
        return;
    }
    checks.push_back(ok("display", probe.display));
    if (probe.no_window)
        checks.push_back(from_error("opengl", CheckStatus::Limited, *probe.no_window));
    else
        checks.push_back(ok("opengl", probe.gl_version + ", " + probe.renderer));
}

const char* status_key(CheckStatus status) {
    switch (status) {
        case CheckStatus::Ok:
            return "doctor.status_ok";
        case CheckStatus::Note:
            return "doctor.status_note";
        case CheckStatus::Limited:
            return "doctor.status_limited";
        case CheckStatus::Failed:
            return "doctor.status_failed";
    }
    return "";
}

const char* status_id(CheckStatus status) {
    switch (status) {
        case CheckStatus::Ok:
            return "ok";
        case CheckStatus::Note:
            return "note";
        case CheckStatus::Limited:
            return "limited";
        case CheckStatus::Failed:
            return "failed";
    }
    return "";
}

// Columns line up on a terminal, where a Chinese character takes two cells.
size_t display_width(const std::string& text) {
    size_t width = 0;
    for (size_t i = 0; i < text.size();) {
        const unsigned char lead = static_cast<unsigned char>(text[i]);
        const size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
        width += length >= 3 ? 2 : 1;
        i += length;
    }
    return width;
}

std::string padded(const std::string& text, size_t width) {
    const size_t used = display_width(text);
    return text + std::string(used < width ? width - used : 1, ' ');
}

}  // namespace

bool DoctorReport::lessons_can_run() const {
    for (const DoctorCheck& check : checks)
        if (check.status == CheckStatus::Failed) return false;
    return true;
}

DoctorReport examine_host(const DoctorInputs& inputs, const Language& language) {
    DoctorReport report;
    report.version = inputs.version;
    const bool root = ::geteuid() == 0;
    report.checks.push_back(ok("version", inputs.version));
    report.checks.push_back(lessons_check(language));
    if (root) unprivileged_checks(language, report.checks);
    this_user_checks(inputs, language, root, report.checks);
    report.checks.push_back(tracepoint_check(language, root));
    report.checks.push_back(font_check(language));
    report.checks.push_back(ok("language", inputs.language.code + " (" + inputs.language.reason + ")"));
    if (inputs.probe_display) display_checks(language, report.checks);
    return report;
}

void print_doctor_table(const DoctorReport& report, const Language& language, std::FILE* out) {
    fmt::print(out, "{}\n\n", fill_placeholders(language.text("doctor.heading"), {report.version}));
    size_t name_width = 0;
    for (const DoctorCheck& check : report.checks)
        name_width = std::max(name_width, display_width(language.text("doctor.check." + check.id)));
    size_t status_width = 0;
    for (CheckStatus status : {CheckStatus::Ok, CheckStatus::Note, CheckStatus::Limited, CheckStatus::Failed})
        status_width = std::max(status_width, display_width(language.text(status_key(status))));
    for (const DoctorCheck& check : report.checks) {
        fmt::print(out, "  {}{}{}\n", padded(language.text("doctor.check." + check.id), name_width + 2),
                   padded(language.text(status_key(check.status)), status_width + 2), check.detail);
        if (!check.fix.empty())
            fmt::print(out, "  {}{}{}\n", std::string(name_width + 2 + status_width + 2, ' '),
                       language.text("doctor.fix"), check.fix);
    }
    fmt::print(out, "\n{}\n",
               language.text(report.lessons_can_run() ? "doctor.lessons_can_run" : "doctor.lessons_cannot_run"));
}

void print_doctor_json(const DoctorReport& report, std::FILE* out) {
    nlohmann::json checks = nlohmann::json::array();
    for (const DoctorCheck& check : report.checks)
        checks.push_back(
            {{"check", check.id}, {"status", status_id(check.status)}, {"detail", check.detail}, {"fix", check.fix}});
    const nlohmann::json document{
        {"version", report.version}, {"lessons_can_run", report.lessons_can_run()}, {"checks", checks}};
    std::fprintf(out, "%s\n", document.dump().c_str());
}

int run_doctor_command(const DoctorInputs& inputs, const Language& language, bool json) {
    const DoctorReport report = examine_host(inputs, language);
    if (json)
        print_doctor_json(report, stdout);
    else
        print_doctor_table(report, language, stdout);
    return report.lessons_can_run() ? exit_code::kOk : exit_code::kEnvironment;
}

}  // namespace tcplab
