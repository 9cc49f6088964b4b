#pragma once
// User-facing prose lives in assets/lang/<code>.toml under dotted keys
// ("handshake.connect.text"); code refers to keys only.
#include <map>
#include <string>
#include <vector>

#include "capture/result.hpp"

namespace tcplab {

// The folder with lang/ and lessons: $TCPLAB_ASSETS, else the source tree's
// assets/ (when run from a build tree), else ../share/tcplab next to the program.
std::string asset_directory();

class Language {
public:
    // "en" or "zh-CN"; "zh" is accepted for zh-CN.
    static Result<Language> load(const std::string& code, const std::string& asset_dir = asset_directory());
    static std::string normalize_code(const std::string& code);  // "" when unknown
    static const std::vector<std::string>& codes();              // every language we ship

    const std::string& code() const { return code_; }
    bool has(const std::string& key) const { return texts_.count(key) != 0; }
    // The text for `key`; a missing key shows as "⟨key⟩" (a test keeps that from shipping).
    std::string text(const std::string& key) const;
    std::vector<std::string> keys() const;

private:
    std::string code_;
    std::map<std::string, std::string> texts_;
};

}  // namespace tcplab
