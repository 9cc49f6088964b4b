#include "i18n.hpp"

#include <toml++/toml.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#ifndef TCPLAB_ASSET_DIR
#define TCPLAB_ASSET_DIR ""
#endif

namespace tcplab {
namespace {

void flatten(const toml::table& table, const std::string& prefix, std::map<std::string, std::string>& out) {
    for (const auto& [name, node] : table) {
        const std::string key = prefix.empty() ? std::string(name.str()) : prefix + "." + std::string(name.str());
        if (const toml::table* inner = node.as_table())
            flatten(*inner, key, out);
        else if (auto text = node.value<std::string>())
            out[key] = *text;
    }
}

std::string program_directory() {
    std::error_code error;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
    return error ? std::string() : self.parent_path().string();
}

}  // namespace

std::string asset_directory() {
    if (const char* from_env = std::getenv("TCPLAB_ASSETS"); from_env && *from_env) return from_env;
    if (std::filesystem::exists(std::filesystem::path(TCPLAB_ASSET_DIR) / "lang")) return TCPLAB_ASSET_DIR;
    return program_directory() + "/../share/tcplab";
}

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
    const std::string path = asset_dir + "/lang/" + code + ".toml";
    Language language;
    language.code_ = code;
    try {
        const toml::table table = toml::parse_file(path);
        flatten(table, "", language.texts_);
    } catch (const toml::parse_error& error) {
        const auto& where = error.source().begin;
        return Error{path + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) + ": " +
                         std::string(error.description()),
                     "set TCPLAB_ASSETS to the folder that holds lang/"};
    }
    return language;
}

std::string Language::text(const std::string& key) const {
    auto found = texts_.find(key);
    return found == texts_.end() ? "⟨" + key + "⟩" : found->second;
}

std::vector<std::string> Language::keys() const {
    std::vector<std::string> all;
    for (const auto& [key, text] : texts_) all.push_back(key);
    return all;
}

}  // namespace tcplab
