#pragma once
// A fresh folder for one test's files, removed with everything in it when the
// test ends. Readable by everyone, so a tool the test runs as another user
// (tshark as nobody, tcplab as the student) can read what is written there.
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace tcplab::test {

class TempDir {
public:
    explicit TempDir(const std::string& prefix = "tcplab-test") {
        std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot make a folder in " + pattern);
        path_ = pattern;
        ::chmod(path_.c_str(), 0755);
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

}  // namespace tcplab::test
