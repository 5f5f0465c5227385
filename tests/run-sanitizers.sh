#!/usr/bin/env bash
# run-sanitizers.sh - the robustness job CI runs after the test suite:
#  1. the whole test suite once more with the analyzer and the plugin built
#     with AddressSanitizer and UndefinedBehaviorSanitizer (real tshark loads
#     the instrumented plugin with the runtime preloaded; any report fails it);
#  2. the libFuzzer target over the analyzer's API for a bounded time, its
#     corpus seeded from the sample captures;
#  3. tshark with the plugin under valgrind memcheck over every sample capture
#     (tests/integration/check-valgrind.sh).
#
# usage: tests/run-sanitizers.sh [WORK_DIR]   (default: build-sanitizers)
# environment: MTLS_FUZZ_SECONDS (default 120)
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$top/build-sanitizers}
fuzz_seconds=${MTLS_FUZZ_SECONDS:-120}

"$top/tests/install-test-deps.sh"
missing=()
for package in clang libclang-rt-dev valgrind; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -q
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

echo "== test suite with ASan + UBSan"
cmake -S "$top" -B "$work/asan" -DCMAKE_BUILD_TYPE=Debug -DMTLS_SANITIZE=ON -DMTLS_WERROR=ON -DBUILD_TESTING=ON
cmake --build "$work/asan" --parallel "$(nproc)"
MTLS_SANITIZER_PRELOAD=$(gcc -print-file-name=libasan.so)
export MTLS_SANITIZER_PRELOAD
# tshark itself is not instrumented: its own allocations at exit are not ours
# to report (the unit tests and valgrind cover the analyzer's leaks).
export ASAN_OPTIONS=detect_leaks=0:halt_on_error=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
(cd "$work/asan" && ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 ctest --output-on-failure -R '^unit_')
# Without the GUI (Qt under a preloaded runtime is not what is tested here),
# the package (built apart) and the generator (its captures are the suite's).
# Not the other stacks' captures either (CI's time budget): the analyzer's
# handling of them runs under ASan in the unit suites and the fuzzer.
# One tshark run per capture (-2, analysis-only): the plugin's own properties are the plain suite's.
# The wording of explanations and documents is checked by the plain suite.
(cd "$work/asan" && MTLS_CHECK_SCOPE=analysis-only ctest --output-on-failure --parallel "$(nproc)" \
    -E '^unit_|gui_smoke|package_install|capture_generator|^tshark_stacks_|^tshark_protocols_|explanation_words|documentation_examples')
unset MTLS_SANITIZER_PRELOAD ASAN_OPTIONS UBSAN_OPTIONS

echo "== fuzzing the analyzer for ${fuzz_seconds}s"
CC=clang cmake -S "$top" -B "$work/fuzz" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMTLS_FUZZ=ON -DMTLS_BUILD_PLUGIN=OFF \
    -DBUILD_TESTING=OFF -DMTLS_WERROR=ON
cmake --build "$work/fuzz" --parallel "$(nproc)"
corpus=$work/fuzz-corpus
python3 "$top/tests/fuzz/make-seeds.py" "$corpus" "$top"/pcaps/*.pcapng
mkdir -p "$work/fuzz-artifacts"
"$work/fuzz/tests/fuzz/fuzz_events" -max_total_time="$fuzz_seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$work/fuzz-artifacts/" "$corpus" 2>&1 | tail -n 12

echo "== tshark with the plugin under valgrind memcheck"
cmake -S "$top" -B "$work/plain" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF
cmake --build "$work/plain" --parallel "$(nproc)"
bash "$top/tests/integration/check-valgrind.sh" "$work/plain"
