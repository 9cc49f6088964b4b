// libFuzzer target for the lesson parser: teachers write lesson files by hand,
// so any bytes must give either a lesson or an error that names a place in the
// file, never a crash, a hang or an unchecked value further on.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "scenarios/lesson_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const tcplab::Result<tcplab::LessonEntry> lesson = tcplab::parse_lesson(text, "fuzz.toml");
    // An error must say where: the message starts with the file name given.
    if (!lesson && lesson.error().what.rfind("fuzz.toml", 0) != 0) std::abort();
    return 0;
}
