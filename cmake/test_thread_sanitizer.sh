#!/usr/bin/env bash
# The threaded tests (ctest label `threaded`: the capture thread, the queues,
# lesson actors, the wire's relay, the file loader, the program tracer) under
# ThreadSanitizer. `bash cmake/quickstart.sh test` runs this after the
# AddressSanitizer stage; alone:
#   bash cmake/test_thread_sanitizer.sh [build directory, default build-tsan]
# Only those tests and what they link are built. Any race report fails the
# stage, also one from a tcplab that a test started (each process writes its
# reports to a folder that is printed at the end).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
directory="$(realpath -m "${1:-$root/build-tsan}")"
jobs="$(nproc 2>/dev/null || echo 2)"
started=$SECONDS

# ThreadSanitizer maps its shadow memory at fixed addresses. On kernels that
# randomise mmap with more bits than GCC 12's runtime expects
# (vm.mmap_rnd_bits = 32, e.g. Ubuntu 24.04) it stops at once with
# "unexpected memory mapping"; without address randomisation (setarch -R) it
# runs. A program with a known race tells whether the runtime works and finds it.
mkdir -p "$directory"
probe="$directory/tsan_probe"
cat > "$probe.cpp" <<'EOF'
#include <thread>
int shared_counter;
int main() {
    std::thread other([] { ++shared_counter; });
    ++shared_counter;
    other.join();
    return 0;
}
EOF
if ! "${CXX:-c++}" -std=c++20 -fsanitize=thread -g -O1 "$probe.cpp" -o "$probe" 2> "$probe.log"; then
    echo "tcplab: ThreadSanitizer stage not run: ${CXX:-c++} cannot build with -fsanitize=thread (libtsan missing?):" >&2
    cat "$probe.log" >&2
    exit 0
fi
finds_the_race() {
    "$@" "$probe" > "$probe.log" 2>&1 || true
    grep -q "WARNING: ThreadSanitizer: data race" "$probe.log"
}
wrapper=()
if finds_the_race; then
    :
elif finds_the_race setarch "$(uname -m)" -R; then
    wrapper=(setarch "$(uname -m)" -R)
    echo "tcplab: ThreadSanitizer runs here only without address randomisation (vm.mmap_rnd_bits=$(cat /proc/sys/vm/mmap_rnd_bits 2>/dev/null || echo '?')): running the threaded tests under setarch -R"
else
    echo "tcplab: ThreadSanitizer stage not run: its runtime does not work on this kernel ($(uname -r)), even under setarch -R:" >&2
    head -n 5 "$probe.log" >&2
    echo "  (lowering vm.mmap_rnd_bits to 28 as root lets it run: sysctl vm.mmap_rnd_bits=28)" >&2
    exit 0
fi

echo "tcplab: the threaded tests under ThreadSanitizer"
cmake -S "$root" -B "$directory" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTCPLAB_THREAD_SANITIZER=ON > /dev/null
# The build lists each test binary's tests by running it, so it needs the wrapper too.
"${wrapper[@]}" cmake --build "$directory" -j "$jobs" --target tcplab_threaded_tests
built=$SECONDS

# Reports go to files, so that a report from a tcplab run by a test (whose
# output the test may swallow) is seen too; the folder is writable by the
# unprivileged users some tests run tcplab as.
reports="$(mktemp -d "${TMPDIR:-/tmp}/tcplab-tsan.XXXXXX")"
chmod 1777 "$reports"
status=0
TSAN_OPTIONS="log_path=$reports/report second_deadlock_stack=1 ${TSAN_OPTIONS:-}" \
    "${wrapper[@]}" ctest --test-dir "$directory" --output-on-failure -j "$jobs" -L '^threaded$' || status=$?
if compgen -G "$reports/report*" > /dev/null; then
    echo "tcplab: ThreadSanitizer reported:" >&2
    cat "$reports"/report* >&2
    status=1
fi
rm -rf "$reports"
echo "tcplab: ThreadSanitizer stage: built in $((built - started)) s, tested in $((SECONDS - built)) s"
exit $status
