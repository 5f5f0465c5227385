#!/usr/bin/env bash
# run-all.sh - the README's second command (and what CI runs): installs the
# dependencies, builds with warnings as errors and runs every test: analyzer
# unit tests, real tshark over every capture in pcaps/, the GUI smoke test.
#
# usage: tests/run-all.sh [BUILD_DIR]   (default: build-tests)
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build-tests}

"$top/tests/install-test-deps.sh"
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMTLS_WERROR=ON -DBUILD_TESTING=ON
cmake --build "$build" --parallel "$(nproc)"
cd "$build"
# MTLS_CTEST_EXCLUDE: a regular expression of tests another job runs already.
ctest --output-on-failure --parallel "$(nproc)" ${MTLS_CTEST_EXCLUDE:+-E "$MTLS_CTEST_EXCLUDE"}
