#pragma once
// A directory of its own for a test's files, removed with everything in it
// when the test ends.
#include <stdlib.h>

#include <filesystem>
#include <string>

namespace tcplab::test {

class TempDir {
public:
    explicit TempDir(const std::string& prefix = "tcplab-test") {
        std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
        path_ = mkdtemp(pattern.data());
    }
    ~TempDir() { std::filesystem::remove_all(path_); }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    std::string file(const std::string& name) const { return (path_ / name).string(); }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace tcplab::test
