#include "program_examples.hpp"

#include <toml++/toml.h>

#include <filesystem>

namespace tcplab {
namespace {

// A word naming a file of the examples folder becomes its absolute path, so
// the pair runs the same from any working directory.
std::vector<std::string> command(const toml::array& words, const std::filesystem::path& folder) {
    std::vector<std::string> argv;
    for (const toml::node& word : words) {
        std::string text = word.value<std::string>().value_or("");
        if (!text.empty() && text.find('/') == std::string::npos && std::filesystem::is_regular_file(folder / text))
            text = (folder / text).string();
        argv.push_back(text);
    }
    return argv;
}

}  // namespace

Result<std::vector<ProgramExample>> load_examples(const std::string& asset_dir) {
    const std::filesystem::path folder = std::filesystem::path(asset_dir) / "examples";
    const std::filesystem::path manifest = folder / "examples.toml";
    toml::table table;
    try {
        table = toml::parse_file(manifest.string());
    } catch (const toml::parse_error& error) {
        return Error{manifest.string() + ": " + std::string(error.description()),
                     "set TCPLAB_ASSETS to the folder that holds examples/"};
    }
    std::vector<ProgramExample> examples;
    const toml::array* entries = table["example"].as_array();
    if (!entries) return Error{manifest.string() + " has no [[example]] entries", ""};
    for (const toml::node& entry : *entries) {
        const toml::table* fields = entry.as_table();
        const toml::array* server = fields ? (*fields)["server"].as_array() : nullptr;
        const toml::array* client = fields ? (*fields)["client"].as_array() : nullptr;
        const auto name = fields ? (*fields)["name"].value<std::string>() : std::nullopt;
        if (!name || !server || !client || server->empty() || client->empty())
            return Error{manifest.string() + ": every [[example]] needs a name, a server and a client", ""};
        examples.push_back({*name, command(*server, folder), command(*client, folder), folder.string()});
    }
    return examples;
}

}  // namespace tcplab
