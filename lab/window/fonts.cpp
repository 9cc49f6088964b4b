#include "fonts.hpp"

#include <fontconfig/fontconfig.h>

#include <filesystem>
#include <initializer_list>

namespace tcplab {
namespace {

constexpr FcChar32 kLatinProbe = 'A';
constexpr FcChar32 kChineseProbe = 0x4E2D;  // 中

// The best match for `family` that really has `probe`; fontconfig always
// answers with some font, so the answer is checked rather than trusted.
FontFile match_font(const char* family, const char* language, FcChar32 probe) {
    FontFile found;
    FcPattern* pattern = FcPatternCreate();
    FcPatternAddString(pattern, FC_FAMILY, reinterpret_cast<const FcChar8*>(family));
    if (language) FcPatternAddString(pattern, FC_LANG, reinterpret_cast<const FcChar8*>(language));
    FcPatternAddInteger(pattern, FC_WEIGHT, FC_WEIGHT_REGULAR);
    FcPatternAddInteger(pattern, FC_SLANT, FC_SLANT_ROMAN);
    FcConfigSubstitute(nullptr, pattern, FcMatchPattern);
    FcDefaultSubstitute(pattern);
    FcResult result = FcResultNoMatch;
    if (FcPattern* match = FcFontMatch(nullptr, pattern, &result)) {
        FcChar8* file = nullptr;
        FcCharSet* characters = nullptr;
        int index = 0;
        const bool has_file = FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch;
        const bool has_probe = FcPatternGetCharSet(match, FC_CHARSET, 0, &characters) == FcResultMatch &&
                               FcCharSetHasChar(characters, probe);
        FcPatternGetInteger(match, FC_INDEX, 0, &index);
        const std::string path = has_file ? reinterpret_cast<const char*>(file) : "";
        // stb_truetype reads TrueType and OpenType outlines, not bitmap or Type 1 fonts.
        const std::string extension = std::filesystem::path(path).extension().string();
        const bool readable = extension == ".ttf" || extension == ".ttc" || extension == ".otf" || extension == ".otc";
        std::error_code ignored;
        if (has_file && has_probe && readable && std::filesystem::is_regular_file(path, ignored)) found = {path, index};
        FcPatternDestroy(match);
    }
    FcPatternDestroy(pattern);
    return found;
}

}  // namespace

FontFiles find_font_files() {
    FontFiles files;
    if (!FcInit()) return files;
    files.latin = match_font("DejaVu Sans", nullptr, kLatinProbe);
    for (const char* family : {"WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
                               "Droid Sans Fallback"}) {
        files.cjk = match_font(family, "zh-cn", kChineseProbe);
        if (!files.cjk.path.empty()) break;
    }
    return files;
}

FontSet::FontSet(FontFiles files, const std::vector<std::string>& texts) : files_(std::move(files)) {
    static const ImWchar latin_1[] = {0x0020, 0x00FF, 0};
    ImFontGlyphRangesBuilder builder;
    builder.AddRanges(latin_1);
    for (const std::string& text : texts) builder.AddText(text.c_str(), text.c_str() + text.size());
    builder.BuildRanges(&ranges_);
}

void FontSet::add_to(ImFontAtlas& atlas, float pixel_size) {
    cjk_loaded_ = false;
    // The ranges are what an atlas baked ahead of time holds. An atlas that bakes
    // glyphs as they are drawn (ImGui 1.92) passes them by: the whole font is
    // there, for a note typed in class or a lesson of one's own.
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
}

}  // namespace tcplab
