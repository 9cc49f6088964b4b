# Fails when an #include crosses a layer the wrong way. The layers, from the
# bottom: capture/ (the model and file formats) ← scenarios/ (what runs lessons
# and programs) ← lab/ (the program). Inside lab/, layout/ and the top-level
# files (terminal and file commands) draw nothing, so they include neither
# ImGui nor the views or the window; views/ do not reach into window/. The
# compiler's include path would allow all of these silently.
#
#   cmake -DSOURCE_DIR=<project> -P cmake/check_layers.cmake
cmake_minimum_required(VERSION 3.20)
if(NOT SOURCE_DIR)
  message(FATAL_ERROR "pass -DSOURCE_DIR=<the project's root>")
endif()

# Where an include written in `file` points, as a path from the project's root
# ("" for a system or library header). Quoted includes are looked up as the
# compiler does: beside the file, then from the root, then in capture/ (which
# the build puts on the include path).
function(resolve_include file header out)
  get_filename_component(directory "${file}" DIRECTORY)
  foreach(base "${directory}" "${SOURCE_DIR}" "${SOURCE_DIR}/capture")
    if(EXISTS "${base}/${header}" AND NOT IS_DIRECTORY "${base}/${header}")
      get_filename_component(resolved "${base}/${header}" REALPATH)
      file(RELATIVE_PATH relative "${SOURCE_DIR}" "${resolved}")
      set(${out} "${relative}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  set(${out} "" PARENT_SCOPE)
endfunction()

# The layer a file belongs to, named for the rules below.
function(layer_of path out)
  if(path MATCHES "^capture/")
    set(${out} capture PARENT_SCOPE)
  elseif(path MATCHES "^scenarios/")
    set(${out} scenarios PARENT_SCOPE)
  elseif(path MATCHES "^lab/layout/")
    set(${out} layout PARENT_SCOPE)
  elseif(path MATCHES "^lab/views/")
    set(${out} views PARENT_SCOPE)
  elseif(path MATCHES "^lab/window/")
    set(${out} window PARENT_SCOPE)
  elseif(path STREQUAL "lab/main.cpp")
    set(${out} program PARENT_SCOPE)  # main() puts the layers together
  elseif(path MATCHES "^lab/")
    set(${out} lab PARENT_SCOPE)
  else()
    set(${out} other PARENT_SCOPE)
  endif()
endfunction()

# What each layer may not include: layers above it, and ImGui where nothing is drawn.
set(forbidden_capture scenarios layout lab views window program imgui)
set(forbidden_scenarios layout lab views window program imgui)
set(forbidden_layout views window program imgui)
set(forbidden_lab views window program imgui)
set(forbidden_views window program)
set(forbidden_window program)

file(GLOB_RECURSE sources RELATIVE "${SOURCE_DIR}"
     "${SOURCE_DIR}/capture/*.[ch]pp" "${SOURCE_DIR}/scenarios/*.[ch]pp" "${SOURCE_DIR}/lab/*.[ch]pp")
set(crossings "")
set(checked 0)
foreach(source IN LISTS sources)
  layer_of("${source}" layer)
  if(NOT DEFINED forbidden_${layer})
    continue()
  endif()
  math(EXPR checked "${checked} + 1")
  file(STRINGS "${SOURCE_DIR}/${source}" includes REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
  foreach(line IN LISTS includes)
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[<\"]([^>\"]+)[>\"].*" "\\1" header "${line}")
    if(header MATCHES "^imgui|^backends/imgui|/imgui[^/]*\\.h$")
      set(target imgui)
    else()
      resolve_include("${SOURCE_DIR}/${source}" "${header}" resolved)
      if(resolved STREQUAL "")
        continue()
      endif()
      layer_of("${resolved}" target)
    endif()
    if(target IN_LIST forbidden_${layer})
      string(APPEND crossings "  ${source} (${layer}) includes ${header} (${target})\n")
    endif()
  endforeach()
endforeach()

if(checked EQUAL 0)
  message(FATAL_ERROR "no source files found under ${SOURCE_DIR}: nothing was checked")
endif()
if(crossings)
  message(FATAL_ERROR "includes that cross a layer the wrong way (see docs/architecture.md):\n${crossings}")
endif()
message(STATUS "${checked} files checked: every include goes down the layers")
