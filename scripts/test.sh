#!/usr/bin/env bash
# Builds Tributary and runs every test: unit tests, and integration tests that start their own
# dev broker (`runner dev-broker`) on loopback. Then checks the C edges for leaks (LeakSanitizer).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
# At most 3 tests at once: the end-to-end tests each run a broker and runners, and on a 2-core machine
# more of them side by side starve one another (a stalled partition, a payment answered too late, a
# group that takes rounds to settle).
swift test --skip-build --experimental-maximum-parallelization-width 3 --skip ScaleOutTests
# Three instances sharing one consumer group are run on their own: on a starved machine the dev
# broker's group coordinator sends slow members back to rejoin, one 9-second round after another.
swift test --skip-build --filter ScaleOutTests
scripts/leak-check.sh
