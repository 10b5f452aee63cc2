#!/usr/bin/env bash
# Runs the C-edge tests (RocksDB and Kafka wrappers) under LeakSanitizer and fails on any leak.
# LeakSanitizer needs no instrumented build: its runtime (GCC's liblsan) is preloaded into the test
# process and the dev-broker processes it starts, and at each one's exit reports every allocation no
# longer reachable. So the normal debug build is checked, with no second build. (valgrind 3.19 cannot
# read the DWARF 5 debug info Swift 6.3 emits.)
set -euo pipefail
cd "$(dirname "$0")/.."
lsan=$(/sbin/ldconfig -p | awk '/liblsan\.so\.0 /{ print $NF; exit }')
if [ -z "$lsan" ]; then
  echo "leak check: liblsan.so.0 not found (Debian package liblsan0)" >&2
  exit 1
fi
swift build --build-tests
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan-suppressions.txt:print_suppressions=0:exitcode=23"
# Edge suites only: they exercise every wrapper type, and their processes (tests and dev broker) run checked.
LD_PRELOAD="$lsan" .build/debug/TributaryPackageTests.xctest --testing-library swift-testing --filter 'RocksDBDatabaseTests|KafkaEdgeTests|KeyValueStoreTests'
echo "leak check: no leaks reported"
