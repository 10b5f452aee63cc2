#!/usr/bin/env bash
# The abuse suite's long form (by hand; CI runs the fast form): mutated topology files, random
# expressions and hostile records at TRIBUTARY_ABUSE_ITERATIONS (default 3000, CI: 60), then the
# hostile-records, HTTP-limits and secrets runs against a dev broker.
# Usage: scripts/accept/abuse.sh [ITERATIONS]
set -euo pipefail
cd "$(dirname "$0")/../.."
export TRIBUTARY_ABUSE_ITERATIONS=${1:-3000}
swift build --build-tests >&2
if swift test --skip-build --filter "AbuseTests|hostileRecordsAmidTraffic|HTTPServerLimitsTests|SecretRedactionTests"; then
    echo PASS
else
    echo FAIL
    exit 1
fi
