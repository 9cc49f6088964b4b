#pragma once
// The listing behind the window's Open…/Save… dialog, as plain code (ImGui has
// no file dialog): one folder's sub-folders and the files a filter accepts.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "capture/result.hpp"

namespace tcplab {

struct FileEntry {
    std::string name;
    bool directory = false;
    uint64_t size = 0;  // bytes; 0 for folders
};

struct DirectoryListing {
    std::string directory;           // absolute, normalised
    std::vector<FileEntry> entries;  // folders first, then files; each by name
    std::optional<Error> error;      // the folder could not be read (entries empty)
};

// The extensions a dialog shows: {".pcap", ".pcapng", ".cap"} for captures.
const std::vector<std::string>& capture_extensions();
// True when `name` ends with one of `extensions`, ignoring case. Empty: any.
bool matches_filter(const std::string& name, const std::vector<std::string>& extensions);
// Hidden entries (a leading dot) are left out; so are files the filter rejects.
DirectoryListing list_directory(const std::string& directory, const std::vector<std::string>& extensions);
std::string parent_directory(const std::string& directory);
// `typed` relative to `directory`, or as is when absolute; "~" is the home folder.
std::string resolve_path(const std::string& directory, const std::string& typed);
// Adds `extension` to a file name that has none of `extensions` (Save as "lesson" -> "lesson.pcapng").
std::string with_extension(const std::string& path, const std::vector<std::string>& extensions,
                           const std::string& extension);

// "512 B", "7.2 KiB", "3.4 MiB", "1.02 GiB".
std::string human_size(uint64_t bytes);

// Most recent first, no duplicates, at most `limit`.
void remember_recent(std::vector<std::string>& recent, const std::string& path, size_t limit = 8);

}  // namespace tcplab
