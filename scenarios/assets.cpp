#include "assets.hpp"

#include <cstdlib>
#include <filesystem>

#ifndef TCPLAB_ASSET_DIR
#define TCPLAB_ASSET_DIR ""
#endif

namespace tcplab {
namespace {

std::string program_directory() {
    std::error_code error;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
    return error ? std::string() : self.parent_path().string();
}

}  // namespace

std::string asset_directory() {
    if (const char* from_env = std::getenv("TCPLAB_ASSETS"); from_env && *from_env) return from_env;
    // An installed tcplab (or an unpacked package) uses the assets installed
    // beside it, even when the source tree it was built from is still there.
    const std::string installed =
        (std::filesystem::path(program_directory()) / ".." / "share" / "tcplab").lexically_normal().string();
    if (std::filesystem::exists(std::filesystem::path(installed) / "lang" / "en")) return installed;
    if (std::filesystem::exists(std::filesystem::path(TCPLAB_ASSET_DIR) / "lang" / "en")) return TCPLAB_ASSET_DIR;
    return installed;
}

std::string user_lesson_directory() {
    if (const char* data_home = std::getenv("XDG_DATA_HOME"); data_home && *data_home)
        return std::string(data_home) + "/tcplab/lessons";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::string(home) + "/.local/share/tcplab/lessons";
    return "";
}

}  // namespace tcplab
