#include "language_choice.hpp"

#include <toml++/toml.h>

#include <cstdlib>
#include <filesystem>

#include "i18n.hpp"

namespace tcplab {

LanguageChoice choose_language(const std::string& flag, const std::optional<std::string>& saved,
                               const EnvironmentReader& environment) {
    if (const std::string code = Language::normalize_code(flag); !code.empty()) return {code, "--lang"};
    if (saved) return {*saved, "saved"};
    // The first of these that is set decides, even when it names a language
    // we do not ship: LC_ALL=C means "no translation", not "ask LANG".
    for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
        const char* value = environment(name);
        if (!value || !*value) continue;
        const std::string locale = value;
        const bool chinese = locale.rfind("zh", 0) == 0;
        return {chinese ? "zh-CN" : "en", std::string(name) + "=" + locale};
    }
    return {"en", "default"};
}

std::optional<std::string> saved_language(const std::string& settings_path) {
    std::error_code ignored;
    if (settings_path.empty() || !std::filesystem::is_regular_file(settings_path, ignored)) return std::nullopt;
    toml::table table;
    try {
        table = toml::parse_file(settings_path);
    } catch (const toml::parse_error&) {
        return std::nullopt;  // the window reports a broken settings file itself
    }
    const std::optional<std::string> language = table["language"].value<std::string>();
    if (!language) return std::nullopt;
    const std::string code = Language::normalize_code(*language);
    return code.empty() ? std::nullopt : std::optional<std::string>(code);
}

}  // namespace tcplab
