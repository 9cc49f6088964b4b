# Dear ImGui for the window, as the target `tcplab_imgui` (core, GLFW and OpenGL 3 backends).
#
# By default it is the distribution's libimgui-dev, found with pkg-config. With
#   -DTCPLAB_IMGUI_SOURCE_DIR=/path/to/imgui
# ImGui is compiled from that folder of unmodified upstream sources instead (imgui.h,
# imgui*.cpp, backends/imgui_impl_glfw.* and backends/imgui_impl_opengl3.*): how the
# window is built and tested against the ImGui of another distribution (Debian 12
# ships 1.86, Ubuntu 24.04 1.90.1, Ubuntu 26.04 1.92.2b). lab/window/imgui_compat.*
# is where tcplab meets the differences between them.
set(TCPLAB_IMGUI_SOURCE_DIR "" CACHE PATH
    "Compile Dear ImGui from this upstream source folder instead of using the system's libimgui-dev")

# The oldest and the newest ImGui the compatibility layer knows.
set(tcplab_imgui_oldest 18600)  # 1.86, Debian 12
set(tcplab_imgui_newest 19299)  # 1.92.x, Ubuntu 26.04

function(tcplab_imgui_version header out_name out_number)
  file(STRINGS "${header}" name_line REGEX "^#define IMGUI_VERSION +\"")
  file(STRINGS "${header}" number_line REGEX "^#define IMGUI_VERSION_NUM +[0-9]+")
  string(REGEX REPLACE ".*\"(.*)\".*" "\\1" name "${name_line}")
  string(REGEX REPLACE ".* ([0-9]+).*" "\\1" number "${number_line}")
  set(${out_name} "${name}" PARENT_SCOPE)
  set(${out_number} "${number}" PARENT_SCOPE)
endfunction()

if(TCPLAB_IMGUI_SOURCE_DIR)
  set(imgui_dir "${TCPLAB_IMGUI_SOURCE_DIR}")
  foreach(file imgui.h imgui.cpp imgui_draw.cpp imgui_tables.cpp imgui_widgets.cpp
               backends/imgui_impl_glfw.cpp backends/imgui_impl_opengl3.cpp)
    if(NOT EXISTS "${imgui_dir}/${file}")
      message(FATAL_ERROR "TCPLAB_IMGUI_SOURCE_DIR=${imgui_dir} has no ${file}: "
                          "point it at an upstream Dear ImGui release (core and backends/)")
    endif()
  endforeach()
  tcplab_imgui_version("${imgui_dir}/imgui.h" imgui_version imgui_version_number)
  # ImGui's own sources, with ImGui's own warnings: they are not ours to fix.
  add_library(tcplab_imgui STATIC
    ${imgui_dir}/imgui.cpp
    ${imgui_dir}/imgui_draw.cpp
    ${imgui_dir}/imgui_tables.cpp
    ${imgui_dir}/imgui_widgets.cpp
    ${imgui_dir}/backends/imgui_impl_glfw.cpp
    ${imgui_dir}/backends/imgui_impl_opengl3.cpp
  )
  # As system headers, like the packaged ones: our -Werror is for our code.
  target_include_directories(tcplab_imgui SYSTEM PUBLIC "${imgui_dir}")
  # The OpenGL 3 backend loads libGL itself (dlopen).
  target_link_libraries(tcplab_imgui PUBLIC PkgConfig::GLFW ${CMAKE_DL_LIBS})
  set_target_properties(tcplab_imgui PROPERTIES POSITION_INDEPENDENT_CODE ON)
else()
  pkg_check_modules(IMGUI REQUIRED IMPORTED_TARGET GLOBAL imgui)
  find_file(imgui_header imgui.h PATHS ${IMGUI_INCLUDE_DIRS} NO_DEFAULT_PATH)
  tcplab_imgui_version("${imgui_header}" imgui_version imgui_version_number)
  # Debian's libimgui.a holds the GLFW and OpenGL 3 backends too.
  add_library(tcplab_imgui INTERFACE)
  target_link_libraries(tcplab_imgui INTERFACE PkgConfig::IMGUI)
endif()

if(imgui_version_number LESS tcplab_imgui_oldest OR imgui_version_number GREATER tcplab_imgui_newest)
  message(WARNING "Dear ImGui ${imgui_version} is outside what tcplab is tested with (1.86 to 1.92): "
                  "the window may not compile; lab/window/imgui_compat.cpp is where to adapt it")
endif()
if(TCPLAB_IMGUI_SOURCE_DIR)
  message(STATUS "Dear ImGui ${imgui_version}: compiled from ${TCPLAB_IMGUI_SOURCE_DIR}")
else()
  message(STATUS "Dear ImGui ${imgui_version}: the system's libimgui-dev")
endif()
