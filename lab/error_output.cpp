#include "error_output.hpp"

#include <cstdio>
#include <optional>

namespace tcplab {
namespace {

// One per process, as stderr is.
std::optional<Language>& error_language() {
    static std::optional<Language> language;
    return language;
}

}  // namespace

void set_error_language(const Language& language) { error_language() = language; }

void print_error(const Error& error) {
    const std::optional<Language>& language = error_language();
    const Error words = language ? translated(error, *language) : error;
    std::fprintf(stderr, "tcplab: %s\n", words.what.c_str());
    if (words.remedy.empty()) return;
    const std::string label = language ? language->text("app.fix") : "fix:";
    std::fprintf(stderr, "  %s %s\n", label.c_str(), words.remedy.c_str());
}

}  // namespace tcplab
