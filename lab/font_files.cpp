#include "font_files.hpp"

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

}  // namespace tcplab
