#include "file_browser.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace tcplab {
namespace {

namespace fs = std::filesystem;

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

}  // namespace

const std::vector<std::string>& capture_extensions() {
    static const std::vector<std::string> extensions = {".pcapng", ".pcap", ".cap"};
    return extensions;
}

bool matches_filter(const std::string& name, const std::vector<std::string>& extensions) {
    if (extensions.empty()) return true;
    const std::string lowered = lower(name);
    for (const std::string& extension : extensions) {
        const std::string wanted = lower(extension);
        // ".pcap" alone is a hidden file, not a capture.
        if (lowered.size() > wanted.size() && lowered.ends_with(wanted)) return true;
    }
    return false;
}

DirectoryListing list_directory(const std::string& directory, const std::vector<std::string>& extensions) {
    DirectoryListing listing;
    std::error_code error;
    fs::path absolute = fs::absolute(directory.empty() ? fs::path(".") : fs::path(directory), error);
    listing.directory = absolute.lexically_normal().string();
    if (listing.directory.size() > 1 && listing.directory.ends_with('/')) listing.directory.pop_back();
    fs::directory_iterator iterator(listing.directory, fs::directory_options::skip_permission_denied, error);
    if (error) {
        listing.error = Error{"cannot read the folder " + listing.directory + ": " + error.message(), ""};
        return listing;
    }
    for (const fs::directory_entry& entry : iterator) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || name.front() == '.') continue;
        std::error_code entry_error;
        // Follows symbolic links: a link to a folder is entered like a folder.
        const bool is_directory = entry.is_directory(entry_error);
        if (entry_error) continue;
        if (is_directory) {
            listing.entries.push_back({name, true, 0});
        } else if (matches_filter(name, extensions)) {
            const uintmax_t size = entry.file_size(entry_error);
            listing.entries.push_back({name, false, entry_error ? 0 : static_cast<uint64_t>(size)});
        }
    }
    std::sort(listing.entries.begin(), listing.entries.end(), [](const FileEntry& a, const FileEntry& b) {
        if (a.directory != b.directory) return a.directory;
        return a.name < b.name;
    });
    return listing;
}

std::string parent_directory(const std::string& directory) {
    const fs::path path = fs::path(directory).lexically_normal();
    if (!path.has_relative_path()) return path.string();  // "/" stays "/"
    fs::path parent = path.parent_path();
    // "/a/b/" normalises to "/a/b/" with an empty file name: go one more up.
    if (!path.has_filename()) parent = parent.parent_path();
    return parent.empty() ? "/" : parent.string();
}

std::string resolve_path(const std::string& directory, const std::string& typed) {
    if (typed.empty()) return directory;
    fs::path path(typed);
    if (typed == "~" || typed.starts_with("~/")) {
        const char* home = std::getenv("HOME");
        if (home && *home) path = fs::path(home) / typed.substr(typed.size() > 1 ? 2 : 1);
    }
    if (path.is_relative()) path = fs::path(directory) / path;
    std::string resolved = path.lexically_normal().string();
    if (resolved.size() > 1 && resolved.ends_with('/')) resolved.pop_back();
    return resolved;
}

std::string with_extension(const std::string& path, const std::vector<std::string>& extensions,
                           const std::string& extension) {
    if (path.empty() || matches_filter(fs::path(path).filename().string(), extensions)) return path;
    return path + extension;
}

std::string human_size(uint64_t bytes) {
    char text[32];
    if (bytes < 1024)
        std::snprintf(text, sizeof text, "%llu B", static_cast<unsigned long long>(bytes));
    else if (bytes < 1024 * 1024)
        std::snprintf(text, sizeof text, "%.1f KiB", static_cast<double>(bytes) / 1024.0);
    else if (bytes < 1024ull * 1024 * 1024)
        std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
    else
        std::snprintf(text, sizeof text, "%.2f GiB", static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0));
    return text;
}

void remember_recent(std::vector<std::string>& recent, const std::string& path, size_t limit) {
    recent.erase(std::remove(recent.begin(), recent.end(), path), recent.end());
    recent.insert(recent.begin(), path);
    if (recent.size() > limit) recent.resize(limit);
}

}  // namespace tcplab
