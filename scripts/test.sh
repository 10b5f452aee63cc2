#!/usr/bin/env bash
# Builds Tributary and runs every test: unit tests, and integration tests that start their own
# dev broker (`runner dev-broker`) on loopback. Then checks the C edges for leaks under valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
swift test --skip-build
scripts/leak-check.sh
