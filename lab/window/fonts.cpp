#include "fonts.hpp"

#include <algorithm>

namespace tcplab {

FontSet::FontSet(FontFiles files, const std::vector<std::string>& texts) : files_(std::move(files)) {
    static const ImWchar latin_1[] = {0x0020, 0x00FF, 0};
    characters_.AddRanges(latin_1);
    for (const std::string& text : texts) characters_.AddText(text.c_str(), text.c_str() + text.size());
    characters_.BuildRanges(&ranges_);
}

bool FontSet::add_texts(const std::vector<std::string>& texts) {
    for (const std::string& text : texts) characters_.AddText(text.c_str(), text.c_str() + text.size());
    ImVector<ImWchar> ranges;
    characters_.BuildRanges(&ranges);
    const bool same = ranges.size() == ranges_.size() && std::equal(ranges.begin(), ranges.end(), ranges_.begin());
    if (!same) ranges_.swap(ranges);
    return !same;
}

void FontSet::build(ImFontAtlas& atlas, float pixel_size) {
    atlas.Clear();
    cjk_loaded_ = false;
    ImFontConfig latin;
    latin.OversampleH = 2;
    bool latin_loaded = false;
    if (!files_.latin.path.empty()) {
        latin.FontNo = files_.latin.index;
        latin_loaded = atlas.AddFontFromFileTTF(files_.latin.path.c_str(), pixel_size, &latin, ranges_.Data) != nullptr;
    }
    if (!latin_loaded) {
        ImFontConfig fallback;
        fallback.SizePixels = pixel_size;
        atlas.AddFontDefault(&fallback);
    }
    if (!files_.cjk.path.empty()) {
        // Merged into the Latin font: a glyph the Latin font has stays Latin,
        // everything else (the Chinese characters) comes from here.
        ImFontConfig cjk;
        cjk.MergeMode = true;
        cjk.FontNo = files_.cjk.index;
        cjk.OversampleH = 1;  // thousands of glyphs: keep the atlas small
        cjk.PixelSnapH = true;
        cjk_loaded_ = atlas.AddFontFromFileTTF(files_.cjk.path.c_str(), pixel_size, &cjk, ranges_.Data) != nullptr;
    }
    atlas.Build();
}

}  // namespace tcplab
