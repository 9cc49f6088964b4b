#pragma once
// Where tcplab's data files live: language files (lang/) and lessons (lessons/).
#include <string>

namespace tcplab {

// $TCPLAB_ASSETS, else the source tree's assets/ (when run from a build tree),
// else ../share/tcplab next to the program.
std::string asset_directory();

// The teacher's own lessons: $XDG_DATA_HOME/tcplab/lessons, by default
// ~/.local/share/tcplab/lessons; "" when neither variable is set.
std::string user_lesson_directory();

}  // namespace tcplab
