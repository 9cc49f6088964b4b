#pragma once
// Which language tcplab speaks: --lang when given, else what the window saved
// (the user chose it there), else the locale (LC_ALL, then LC_MESSAGES, then
// LANG, as POSIX orders them; zh_* means 简体中文), else English.
#include <functional>
#include <optional>
#include <string>

namespace tcplab {

struct LanguageChoice {
    std::string code;    // "en" or "zh-CN"
    std::string reason;  // "--lang", "saved", "LANG=zh_CN.UTF-8", "default"
};

using EnvironmentReader = std::function<const char*(const char*)>;

LanguageChoice choose_language(
    const std::string& flag, const std::optional<std::string>& saved,
    const EnvironmentReader& environment = [](const char* name) { return std::getenv(name); });

// The language the window's settings file (TOML) names, if it names one we ship.
std::optional<std::string> saved_language(const std::string& settings_path);

}  // namespace tcplab
