#pragma once
// User-facing prose lives in assets/lang/<code>.toml under dotted keys
// ("handshake.connect.text"); code refers to keys only.
#include <initializer_list>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "capture/evidence.hpp"
#include "capture/result.hpp"
#include "scenarios/assets.hpp"

namespace tcplab {

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
    // A check's evidence as a sentence in this language: its key's text with
    // the arguments in place of {0}, {1}, ... (each argument rendered first).
    std::string evidence(const Evidence& evidence) const;
    // Texts a lesson file brings along (its [text.CODE] tables) for this
    // language, or English when it has none in this one; the language files win.
    void add_lesson_texts(const std::map<std::string, std::map<std::string, std::string>>& by_language);
    std::vector<std::string> keys() const;

private:
    std::string code_;
    std::map<std::string, std::string> texts_;
    std::set<std::string> lesson_keys_;  // keys that came from a lesson file
};

// Language files mark where a value goes with "{}" ("Step {} of {}: {}"):
// fills them with `values` in order. Spare placeholders stay as they are, so a
// translation that drops one loses that value and nothing else.
std::string fill_placeholders(std::string text, std::initializer_list<std::string_view> values);

// `error` in `language`: its causes' words (ErrorCause) when the language
// files hold them all, joined with "; "; else its own (English) words.
Error translated(const Error& error, const Language& language);

}  // namespace tcplab
