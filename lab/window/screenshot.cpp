#include "screenshot.hpp"

#include <GL/gl.h>
#include <stb_image_write.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

namespace tcplab {

Status save_framebuffer_png(const std::string& path, int width, int height) {
    return save_framebuffer_region_png(path, 0, 0, width, height, height);
}

Status save_framebuffer_region_png(const std::string& path, int x, int y, int width, int height,
                                   int framebuffer_height) {
    if (width <= 0 || height <= 0) return Error{"cannot take a screenshot of an empty window", ""};
    if (x < 0 || y < 0 || y + height > framebuffer_height) return Error{"the region to save is outside the window", ""};
    constexpr int kChannels = 3;
    const size_t row_bytes = static_cast<size_t>(width) * kChannels;
    std::vector<unsigned char> pixels(row_bytes * static_cast<size_t>(height));
    glPixelStorei(GL_PACK_ALIGNMENT, 1);  // rows of width*3 bytes, no padding
    glReadBuffer(GL_BACK);
    // OpenGL counts rows from the bottom of the framebuffer.
    glReadPixels(x, framebuffer_height - y - height, width, height, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
    if (glGetError() != GL_NO_ERROR) return Error{"cannot read the window's pixels (glReadPixels failed)", ""};
    // OpenGL's rows start at the bottom; PNG's at the top.
    std::vector<unsigned char> row(row_bytes);
    for (int top = 0, bottom = height - 1; top < bottom; ++top, --bottom) {
        unsigned char* upper = pixels.data() + static_cast<size_t>(top) * row_bytes;
        unsigned char* lower = pixels.data() + static_cast<size_t>(bottom) * row_bytes;
        std::memcpy(row.data(), upper, row_bytes);
        std::memcpy(upper, lower, row_bytes);
        std::memcpy(lower, row.data(), row_bytes);
    }
    if (!stbi_write_png(path.c_str(), width, height, kChannels, pixels.data(), static_cast<int>(row_bytes)))
        return Error{"cannot write " + path, "check that the folder exists and is writable"};
    return Done{};
}

Status save_screenshot_info(const std::string& path, const ScreenshotInfo& info) {
    nlohmann::json windows = nlohmann::json::array();
    for (const DrawnWindow& window : info.windows)
        windows.push_back({{"id", window.id},
                           {"title", window.title},
                           {"x", window.x},
                           {"y", window.y},
                           {"width", window.width},
                           {"height", window.height},
                           {"collapsed", window.collapsed}});
    nlohmann::json texts = nlohmann::json::array();
    for (const DrawnText& text : info.texts)
        texts.push_back({{"view", text.view_id},
                         {"text", text.text},
                         {"x", text.x},
                         {"y", text.y},
                         {"width", text.width},
                         {"height", text.height},
                         {"font_pixels", text.font_pixels},
                         {"clip", {text.clip_x, text.clip_y, text.clip_width, text.clip_height}}});
    const nlohmann::json document{{"width", info.width},
                                  {"height", info.height},
                                  {"language", info.language},
                                  {"scenario", info.lesson},
                                  {"shown_steps", info.shown_steps},
                                  {"step_count", info.step_count},
                                  {"expectations_passed", info.expectations_passed},
                                  {"expectations_failed", info.expectations_failed},
                                  {"failed", info.failed},
                                  {"error", info.error},
                                  {"cjk_font", info.cjk_font},
                                  {"layout", info.layout},
                                  {"windows", windows},
                                  {"texts", texts}};
    const std::string json_path = path + ".json";
    std::ofstream out(json_path, std::ios::trunc);
    out << document.dump(2) << "\n";
    if (!out) return Error{"cannot write " + json_path, "check that the folder exists and is writable"};
    return Done{};
}

}  // namespace tcplab
