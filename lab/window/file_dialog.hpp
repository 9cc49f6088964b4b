#pragma once
// The window's own Open…/Save… dialog (ImGui has none): a path field, the
// folder's listing (sub-folders and the files the filter accepts), Up to the
// parent, double-click to enter a folder or choose a file. Saving over an
// existing file asks first.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "lab/file_browser.hpp"
#include "lab/i18n.hpp"

namespace tcplab {

enum class FileDialogMode { Open, Save };

struct FileChoice {
    std::string purpose;  // what the dialog was opened for ("open", "record", ...)
    std::string path;
    bool overwrite = false;  // Save: the user confirmed replacing an existing file
};

class FileDialog {
public:
    // `title_key`: the dialog's title in the language files. `extensions`: the
    // filter; in Save mode the first is added to a name that has none.
    void open(FileDialogMode mode, std::string purpose, std::string title_key, std::vector<std::string> extensions,
              const std::string& directory, const std::string& file_name = "");
    bool is_open() const { return open_; }
    void close() { open_ = false; }

    // Draws the dialog when open; returns the choice once, the frame it is made.
    std::optional<FileChoice> draw(const Language& language);

    const DirectoryListing& listing() const { return listing_; }

private:
    void enter(const std::string& directory);
    std::optional<FileChoice> choose(const std::string& typed);

    bool open_ = false;
    bool focus_field_ = false;
    FileDialogMode mode_ = FileDialogMode::Open;
    std::string purpose_;
    std::string title_key_;
    std::vector<std::string> extensions_;
    DirectoryListing listing_;
    std::array<char, 4096> field_{};
    std::optional<size_t> selected_;
    std::string confirm_path_;  // Save: asking whether to replace this file
    std::string problem_;       // shown under the field: "no such file", ...
};

}  // namespace tcplab
