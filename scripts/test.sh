#!/usr/bin/env bash
# Builds Tributary and runs the CI tier of its tests: unit tests, and integration and end-to-end tests
# that start their own dev broker (`runner dev-broker`) on loopback. Then checks the C edges for leaks.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
# At most 3 tests at once: the end-to-end tests each run a broker and runners, and on a 2-core machine
# more of them side by side starve one another (a stalled partition, a payment answered too late, a
# group that takes rounds to settle).
# The drills of the acceptance tier (several instances with kills, minutes of paced event time) are
# skipped here: scripts/accept/end-to-end.sh runs them.
swift test --skip-build --experimental-maximum-parallelization-width 3
scripts/leak-check.sh
