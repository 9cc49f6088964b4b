#!/usr/bin/env bash
# The window against the Dear ImGui of other distributions. `bash cmake/quickstart.sh test`
# runs this after the main build; alone, after a build in build/:
#   bash cmake/test_imgui_versions.sh [main build directory]
# For each folder of upstream ImGui sources in ../shared/compat (beside the project;
# TCPLAB_IMGUI_COMPAT_DIR names another), e.g. imgui-1.90.1/ and imgui-1.92.2b/:
# build the views, the window, tcplab and their tests against it in build-imgui-<version>/,
# taking the libraries without ImGui from the main build, then run the views
# without a window, the window's own tests, and one screenshot of the handshake
# under Xvfb in English and in Chinese.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
main_build="$(cd "${1:-$root/build}" && pwd)"
compat="$(realpath -m "${TCPLAB_IMGUI_COMPAT_DIR:-$root/../shared/compat}")"
jobs="$(nproc 2>/dev/null || echo 2)"

if [ ! -d "$compat" ]; then
    echo "tcplab: $compat is absent: the window was tested against the system's ImGui only"
    exit 0
fi
sources=()
for source in "$compat"/imgui-*/; do
    [ -f "$source/imgui.h" ] && sources+=("${source%/}")
done
if [ ${#sources[@]} -eq 0 ]; then
    echo "tcplab: $compat holds no imgui-<version>/ folder: the window was tested against the system's ImGui only"
    exit 0
fi

for source in "${sources[@]}"; do
    version="$(basename "$source")"
    version="${version#imgui-}"
    directory="$root/build-imgui-$version"
    echo "tcplab: the window against Dear ImGui $version ($source)"
    started=$SECONDS
    cmake -S "$root" -B "$directory" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DTCPLAB_IMGUI_SOURCE_DIR="$source" -DTCPLAB_REUSE_BUILD_DIR="$main_build" > /dev/null
    cmake --build "$directory" -j "$jobs"
    built=$SECONDS
    # Every test of this build but the screenshots of every lesson: one lesson, both languages.
    ctest --test-dir "$directory" --output-on-failure -j "$jobs" -E '^Lessons/WindowScreenshot\.'
    ctest --test-dir "$directory" --output-on-failure -j "$jobs" \
        -R '^Lessons/WindowScreenshot\..*/handshake_(en|zh)_2'
    echo "tcplab: Dear ImGui $version: built in $((built - started)) s, tested in $((SECONDS - built)) s"
done
