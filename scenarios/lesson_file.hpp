#pragma once
// Lessons as data. A lesson file (TOML, described in docs/lessons.md) lists
// the lesson's settings, its steps, each step's actions (socket calls, wire
// actions, sysctls, waits, a flood), its narration key, its expectations and
// an optional question to predict. Instructors copy a built-in lesson from
// assets/lessons/ and edit it without touching C++.
#include <string>
#include <string_view>
#include <vector>

#include "capture/result.hpp"
#include "lesson.hpp"

namespace tcplab {

// Reads and checks a whole lesson file. A mistake is an Error whose message
// starts with "FILE:LINE:COLUMN:" and says what was expected there.
Result<LessonEntry> load_lesson_file(const std::string& path);
Result<LessonEntry> parse_lesson(std::string_view text, const std::string& path_for_messages);

// A built-in lesson by name ("handshake"), or a lesson file by path
// (anything with a '/' or ending in .toml).
Result<LessonEntry> find_lesson(const std::string& name_or_path);

// Every *.toml in `folder`, ordered by each lesson's `order`, then by name.
// Files that fail to load are reported in `errors` and left out.
std::vector<LessonEntry> load_lesson_folder(const std::string& folder, std::vector<Error>& errors);

}  // namespace tcplab
