#pragma once
// The window's fonts: a Latin UI font with a CJK font merged into it, found
// with fontconfig; without a CJK font ImGui's own font is used and the window
// says so. With ImGui 1.92 and later the atlas bakes any character of these
// fonts when it is first drawn. Older ImGui draws only what was baked ahead of
// time: Latin-1 and the characters of the language files, so that the atlas
// stays small; another CJK character (in a note, a lesson of one's own) shows
// as ImGui's "?".
#include <imgui.h>

#include <string>
#include <vector>

#include "lab/font_files.hpp"

namespace tcplab {

class FontSet {
public:
    // `texts`: every string the window may show; their characters go in an atlas
    // that cannot bake glyphs on demand.
    FontSet(FontFiles files, const std::vector<std::string>& texts);

    // Adds the fonts to an empty `atlas` at `pixel_size` (imgui_compat::set_font_size).
    void add_to(ImFontAtlas& atlas, float pixel_size);

    // Adds the characters of texts that came later (a teacher's own lesson);
    // true when there are new ones, and the atlas must be built again.
    bool add_texts(const std::vector<std::string>& texts);

    bool has_cjk_font() const { return cjk_loaded_; }
    const FontFiles& files() const { return files_; }

private:
    FontFiles files_;
    ImFontGlyphRangesBuilder characters_;
    ImVector<ImWchar> ranges_;  // must outlive every atlas built from it
    bool cjk_loaded_ = false;
};

}  // namespace tcplab
