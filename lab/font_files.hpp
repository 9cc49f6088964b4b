#pragma once
// Which font files the window will use, found with fontconfig: a Latin UI font
// and one with Simplified Chinese. Outside the window so `tcplab doctor` can
// say what a PC has without ImGui.
#include <string>

namespace tcplab {

struct FontFile {
    std::string path;  // "" when none was found
    int index = 0;     // the face inside a collection (.ttc)
};

struct FontFiles {
    FontFile latin;
    FontFile cjk;
};

// Asks fontconfig for DejaVu Sans (or any sans with Latin) and a font that has
// Simplified Chinese (WenQuanYi Micro Hei, Noto Sans CJK SC, ...).
FontFiles find_font_files();

}  // namespace tcplab
