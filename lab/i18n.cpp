#include "i18n.hpp"

#include <fmt/args.h>
#include <fmt/format.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace tcplab {
namespace {

// Language files break long texts over several lines so they read well in an
// editor; the program wraps text itself. A single line break is therefore a
// space between words (none between Chinese characters), and a blank line
// starts a new paragraph.
std::string reflow(const std::string& text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\n') {
            out += text[i];
            continue;
        }
        if (i + 1 < text.size() && text[i + 1] == '\n') {
            out += "\n\n";
            while (i + 1 < text.size() && text[i + 1] == '\n') ++i;
            continue;
        }
        const bool ascii_before = !out.empty() && static_cast<unsigned char>(out.back()) < 0x80;
        const bool ascii_after = i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0x80;
        // Full-width punctuation carries its own space.
        bool after_full_width_punctuation = false;
        for (const char* mark : {"。", "，", "、", "；", "：", "？", "！", "）", "”", "」"})
            if (out.size() >= 3 && out.compare(out.size() - 3, 3, mark) == 0) after_full_width_punctuation = true;
        if (!out.empty() && (ascii_before || ascii_after) && !after_full_width_punctuation) out += ' ';
    }
    return out;
}

void flatten(const toml::table& table, const std::string& prefix, std::map<std::string, std::string>& out) {
    for (const auto& [name, node] : table) {
        const std::string key = prefix.empty() ? std::string(name.str()) : prefix + "." + std::string(name.str());
        if (const toml::table* inner = node.as_table())
            flatten(*inner, key, out);
        else if (auto text = node.value<std::string>())
            out[key] = reflow(*text);
    }
}

}  // namespace

const std::vector<std::string>& Language::codes() {
    static const std::vector<std::string> shipped = {"en", "zh-CN"};
    return shipped;
}

std::string Language::normalize_code(const std::string& code) {
    if (code == "en" || code == "en-US" || code == "en-GB") return "en";
    if (code == "zh" || code == "zh-CN" || code == "zh_CN" || code == "zh-Hans") return "zh-CN";
    return "";
}

Result<Language> Language::load(const std::string& requested, const std::string& asset_dir) {
    const std::string code = normalize_code(requested);
    if (code.empty()) return Error{"unknown language \"" + requested + "\"", "use --lang en or --lang zh"};
    // Every .toml file in lang/<code>/ adds its keys; files only group them.
    const std::filesystem::path folder = std::filesystem::path(asset_dir) / "lang" / code;
    std::error_code error;
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(folder, error))
        if (entry.path().extension() == ".toml") files.push_back(entry.path());
    if (error || files.empty())
        return Error{"no language files in " + folder.string(), "set TCPLAB_ASSETS to the folder that holds lang/"};
    std::sort(files.begin(), files.end());

    Language language;
    language.code_ = code;
    for (const auto& path : files) {
        try {
            const toml::table table = toml::parse_file(path.string());
            flatten(table, "", language.texts_);
        } catch (const toml::parse_error& parse_error) {
            const auto& where = parse_error.source().begin;
            return Error{path.string() + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) + ": " +
                             std::string(parse_error.description()),
                         "fix the file, or set TCPLAB_ASSETS to a folder with good language files"};
        }
    }
    return language;
}

std::string Language::text(const std::string& key) const {
    auto found = texts_.find(key);
    return found == texts_.end() ? "⟨" + key + "⟩" : found->second;
}

std::string fill_placeholders(std::string text, std::initializer_list<std::string_view> values) {
    size_t from = 0;
    for (const std::string_view value : values) {
        const size_t slot = text.find("{}", from);
        if (slot == std::string::npos) break;
        text.replace(slot, 2, value);
        from = slot + value.size();  // a value that holds "{}" is not filled again
    }
    return text;
}

Error translated(const Error& error, const Language& language) {
    if (error.causes.empty()) return error;
    Error words{"", "", error.causes};
    for (const ErrorCause& cause : error.causes) {
        if (!language.has(cause.key + ".what")) return error;
        const auto fill = [&](const std::string& text) {
            const auto value = [&](size_t index) {
                return std::string_view(index < cause.values.size() ? cause.values[index] : std::string_view());
            };
            return fill_placeholders(text, {value(0), value(1), value(2)});
        };
        words.what += (words.what.empty() ? "" : "; ") + fill(language.text(cause.key + ".what"));
        if (language.has(cause.key + ".fix"))
            words.remedy += (words.remedy.empty() ? "" : "; ") + fill(language.text(cause.key + ".fix"));
    }
    return words;
}

std::string Language::evidence(const Evidence& evidence) const {
    if (evidence.key.empty()) return evidence.text;
    fmt::dynamic_format_arg_store<fmt::format_context> args;
    std::vector<std::string> rendered;
    for (const Evidence& arg : evidence.args) rendered.push_back(this->evidence(arg));
    for (const std::string& arg : rendered) args.push_back(arg);
    const std::string pattern = text(evidence.key);
    try {
        return fmt::vformat(pattern, args);
    } catch (const fmt::format_error&) {
        // A text whose placeholders do not fit its arguments (a test keeps
        // that from shipping): show what there is rather than nothing.
        std::string joined = pattern;
        for (const std::string& arg : rendered) joined += " · " + arg;
        return joined;
    }
}

std::vector<std::string> Language::keys() const {
    std::vector<std::string> all;
    for (const auto& [key, text] : texts_) all.push_back(key);
    return all;
}

void Language::add_lesson_texts(const std::map<std::string, std::map<std::string, std::string>>& by_language) {
    for (const auto& [code, texts] : by_language) {
        const bool ours = normalize_code(code) == code_;
        const bool fallback = normalize_code(code) == "en";
        if (!ours && !fallback) continue;
        for (const auto& [key, text] : texts)
            // The lesson's own language wins over its English; the shipped files win over both.
            if (!texts_.count(key) || (ours && lesson_keys_.count(key))) {
                texts_[key] = reflow(text);
                lesson_keys_.insert(key);
            }
    }
}

}  // namespace tcplab
