#!/usr/bin/env bash
# Acceptance run for `deduplicate` (by hand; CI runs the same test at 5,000 events):
# topologies/examples/unique-tracking-events.yml on a 4-partition dev broker, fed EVENTS generated
# tracking events (default 50,000) of which 10% are sent again up to 30 minutes of event time later and
# 2% are first sent 35-45 minutes late; every messageId must come out exactly once.
# Usage: scripts/accept/deduplicate.sh [EVENTS]
set -euo pipefail
cd "$(dirname "$0")/../.."
export TRIBUTARY_DEDUPLICATION_EVENTS=${1:-50000}
swift build --build-tests >&2
if swift test --skip-build --filter DeduplicationRunTests; then
    echo PASS
else
    echo FAIL
    exit 1
fi
