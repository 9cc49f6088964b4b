#pragma once
// The window's fonts: a Latin UI font with a CJK font merged into it, found
// with fontconfig. Only the CJK characters the language files use are put in
// the atlas, so it stays small; without a CJK font ImGui's own font is used and
// the window says so.
#include <imgui.h>

#include <string>
#include <vector>

#include "lab/font_files.hpp"

namespace tcplab {

class FontSet {
public:
    // `texts`: every string the window may show; their characters go in the atlas.
    FontSet(FontFiles files, const std::vector<std::string>& texts);

    // Clears `atlas` and fills it at `pixel_size`. Call between frames; the
    // renderer's font texture must be rebuilt afterwards.
    void build(ImFontAtlas& atlas, float pixel_size);

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
