#!/usr/bin/env bash
# Runs the C-edge tests (RocksDB and Kafka wrappers) under LeakSanitizer and fails on any leak.
# valgrind 3.19 cannot read the DWARF 5 debug info Swift 6.3 emits, so the sanitizer is the leak checker.
# Uses its own build folder (.build-asan) so the normal build stays unsanitized.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests --sanitize=address --scratch-path .build-asan
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan-suppressions.txt:print_suppressions=0"
export TRIBUTARY_RUNNER="$PWD/.build-asan/debug/runner"
# Edge suites only: they exercise every wrapper type, and their processes (tests and dev broker) run sanitized.
.build-asan/debug/TributaryPackageTests.xctest --testing-library swift-testing --filter 'RocksDBDatabaseTests|KafkaEdgeTests|KeyValueStoreTests'
echo "leak check: no leaks reported"
