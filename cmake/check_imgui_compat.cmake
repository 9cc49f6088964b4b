# Fails when code outside lab/window/imgui_compat.* uses what differs between
# the ImGui releases tcplab builds against (1.86 to 1.92): a test of the version,
# a key passed by number (1.86 takes GLFW key codes, 1.87 and later ImGuiKey
# values), or a call that one of them lacks. Such code compiles against the
# system's ImGui and breaks only against the others, which are built only where
# ../shared/compat exists; this check runs everywhere.
#
#   cmake -DSOURCE_DIR=<project> -P cmake/check_imgui_compat.cmake
cmake_minimum_required(VERSION 3.20)
if(NOT SOURCE_DIR)
  message(FATAL_ERROR "pass -DSOURCE_DIR=<the project's root>")
endif()

# What to look for, and (at the same place in the second list) what to use instead.
set(patterns
  "IMGUI_VERSION_NUM"
  "IsKey(Pressed|Down|Released)\\( *GLFW_KEY"
  "GetKeyIndex\\("
  "FindWindowSettings"
  "ImGui_ImplOpenGL3_(Create|Destroy)FontsTexture"
  "GetTexDataAs(RGBA32|Alpha8)"
)
set(instead
  "a function in lab/window/imgui_compat"
  "imgui_compat::key_pressed(GLFW_KEY_...)"
  "imgui_compat::key_pressed(GLFW_KEY_...)"
  "imgui_compat::saved_window_size"
  "imgui_compat::set_font_size"
  "imgui_compat::set_font_size, or imgui_compat::start_headless in a test"
)

file(GLOB_RECURSE sources RELATIVE "${SOURCE_DIR}"
     "${SOURCE_DIR}/lab/*.cpp" "${SOURCE_DIR}/lab/*.hpp" "${SOURCE_DIR}/tests/*.cpp" "${SOURCE_DIR}/tests/*.hpp")
list(FILTER sources EXCLUDE REGEX "^lab/window/imgui_compat\\.(cpp|hpp)$")
set(failures "")
foreach(source IN LISTS sources)
  file(STRINGS "${SOURCE_DIR}/${source}" lines)
  set(number 0)
  foreach(line IN LISTS lines)
    math(EXPR number "${number} + 1")
    foreach(index RANGE 5)
      list(GET patterns ${index} pattern)
      if(line MATCHES "${pattern}")
        list(GET instead ${index} use)
        string(STRIP "${line}" shown)
        string(APPEND failures "  ${source}:${number}: ${shown}\n    (differs between ImGui releases: use ${use})\n")
      endif()
    endforeach()
  endforeach()
endforeach()
if(failures)
  message(FATAL_ERROR "ImGui calls that differ between releases, outside lab/window/imgui_compat:\n${failures}")
endif()
message(STATUS "${CMAKE_CURRENT_LIST_FILE}: no ImGui call that differs between releases outside lab/window/imgui_compat")
