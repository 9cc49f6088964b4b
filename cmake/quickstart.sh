#!/usr/bin/env bash
# The README's two commands:
#   bash cmake/quickstart.sh        install what is missing, build, run the lab
#   bash cmake/quickstart.sh test   install what is missing, build, run every test
#                                   (then the window's against each ImGui in ../shared/compat,
#                                   then all again under AddressSanitizer + UBSan, the threaded
#                                   ones under ThreadSanitizer, and the parsers under libFuzzer)
# Anything after `lab` is passed to tcplab: bash cmake/quickstart.sh lab run teardown --lang zh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode="${1:-lab}"
[ $# -gt 0 ] && shift
jobs="$(nproc 2>/dev/null || echo 2)"

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Debian 12 packages; third_party/README.md says what each is for and its licence.
# What building and running the lab needs (python3: the example programs, tcplab exec --example):
packages=(
    build-essential cmake ninja-build pkg-config
    libpcap-dev libmnl-dev libssl-dev libfmt-dev nlohmann-json3-dev libcli11-dev libtomlplusplus-dev
    googletest libgtest-dev libbenchmark-dev
    libimgui-dev libglfw3-dev libgl-dev libgl1-mesa-dri libfontconfig-dev libstb-dev
    fonts-dejavu-core fonts-wqy-microhei util-linux
    python3
)
# and what the tests need besides: a virtual display for the window, the real
# tcpdump and tshark to check our output against, clang for the fuzzers, Go to
# build a program whose raw system calls the tracer must follow; for the Debian
# package: dpkg-dev (dpkg-shlibdeps computes its dependencies), lintian, and
# apparmor (its parser checks the profile, which is never loaded).
if [ "$mode" = test ]; then
    packages+=(xvfb xauth tcpdump tshark clang libclang-rt-14-dev golang-go dpkg-dev lintian apparmor)
    # tshark's package asks whether non-root users may capture; answer "no" ahead of time so apt never prompts.
    if ! dpkg-query -W -f='${Status}' tshark 2>/dev/null | grep -q "install ok installed"; then
        echo "wireshark-common wireshark-common/install-setuid boolean false" | as_root debconf-set-selections
    fi
fi

install_missing() {
    local missing=()
    for package in "${packages[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$package")
        fi
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "tcplab: installing ${missing[*]}"
        as_root apt-get update -q
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
    fi
}

build() {
    local directory="$1"
    shift
    cmake -S "$root" -B "$directory" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" > /dev/null
    cmake --build "$directory" -j "$jobs"
}

install_missing
case "$mode" in
    lab)
        build "$root/build"
        exec "$root/build/lab/tcplab" "$@"
        ;;
    test)
        build "$root/build"
        ctest --test-dir "$root/build" --output-on-failure -j "$jobs"
        # The window against the ImGui of Ubuntu 24.04 and 26.04, from ../shared/compat when it is there.
        bash "$root/cmake/test_imgui_versions.sh" "$root/build"
        echo "tcplab: the same suite under AddressSanitizer and UndefinedBehaviorSanitizer"
        build "$root/build-sanitize" -DTCPLAB_SANITIZE=ON
        # The presentation check of every lesson's longest step draws what the one of
        # handshake does (kept here) nine times over: in the plain build only.
        ctest --test-dir "$root/build-sanitize" --output-on-failure -j "$jobs" -E PresentationLongestStep
        # The tests with more than one thread, under ThreadSanitizer (built alone: a few minutes).
        bash "$root/cmake/test_thread_sanitizer.sh" "$root/build-tsan"
        echo "tcplab: the file reader, the decoder, the lesson parser and the gate script parser under libFuzzer, 20 seconds each"
        cmake -S "$root" -B "$root/build-fuzz" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
            -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 -DTCPLAB_FUZZ=ON -DTCPLAB_FUZZ_SECONDS=20 > /dev/null
        cmake --build "$root/build-fuzz" -j "$jobs" --target reader_fuzzer decode_fuzzer lesson_fuzzer gate_script_fuzzer
        ctest --test-dir "$root/build-fuzz" --output-on-failure -R '^Fuzz\.'
        ;;
    *)
        echo "usage: bash cmake/quickstart.sh [lab [tcplab arguments…] | test]" >&2
        exit 64
        ;;
esac
