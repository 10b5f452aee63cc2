#!/usr/bin/env bash
# A backlog on four input partitions, counted by topologies/examples/product-views.yml while the runner
# is killed with kill -9 three times in a row (by hand; CI runs BacklogOrderingTests with two kills).
# EVENTS generated events (default 20,000; event times only increase) are produced first, so the runner
# is behind from the start; each emitted window must equal an independent count
# (backlog_reference.py), and no view may be late.
# Usage: scripts/accept/backlog-kills.sh [EVENTS]   RUNNER=path uses an already built runner.
set -euo pipefail
cd "$(dirname "$0")/../.."
events=${1:-20000}
topology=topologies/examples/product-views.yml
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
if [ -n "${RUNNER:-}" ]; then runner=$RUNNER; else swift build -c release --product runner >&2; runner=.build/release/runner; fi

"$runner" generate --print --events "$events" --malformed-ratio 0 \
    | python3 -c 'import json,sys
for line in sys.stdin:
    r = json.loads(line)
    if r["key"] is not None: print(r["key"] + "\t" + json.dumps(r["value"], separators=(",", ":")))' > "$work/input.tsv"
"$runner" dev-broker --topic customer-interactions:4 --topology "$topology" > "$work/broker.out" 2> "$work/broker.err" &
pids+=($!)
until grep -q "127.0.0.1:" "$work/broker.out" 2>/dev/null; do sleep 0.2; done
bootstrap=$(grep -o "127.0.0.1:[0-9]*" "$work/broker.out" | head -1)
kcat -P -b "$bootstrap" -t customer-interactions -K$'\t' -l "$work/input.tsv"

run() { "$runner" run --topology "$topology" --bootstrap-servers "$bootstrap" --state-dir "$work/state" --http-port "$1" \
    --commit-interval-ms 200 --log-level warning > /dev/null 2>> "$work/runner.err" & echo $!; }
outputs() { kcat -C -b "$bootstrap" -t product-views-per-minute -e -q 2>/dev/null | wc -l; }
for kill in 1 2 3; do
    # Killed once it has emitted some windows of its own: mid-way through the backlog.
    threshold=$(( $(outputs) + 300 ))
    pid=$(run 18190)
    until [ "$(outputs)" -ge "$threshold" ]; do sleep 0.2; done
    kill -9 "$pid"; wait "$pid" 2>/dev/null || true
    echo "killed after $(outputs) output records"
done
pid=$(run 18191); pids+=("$pid")
# Done when every input partition's lag has been 0 for three checks in a row.
zero=0
while [ "$zero" -lt 3 ]; do
    sleep 2
    lag=$(curl -s localhost:18191/metrics | awk '/^tributary_consumer_lag\{/ {s += $2; n += 1} END {print (n == 0 ? "none" : s)}')
    if [ "$lag" = "0" ]; then zero=$((zero + 1)); else zero=0; fi
done
late=$(curl -s localhost:18191/metrics | awk '/^tributary_late_records_total\{/ {s += $2} END {print s + 0}')
kill "$pid"; wait "$pid" 2>/dev/null || true
kcat -C -b "$bootstrap" -t product-views-per-minute -e -q -f '%k|%s\n' > "$work/output.txt"
echo "late records after the last restart: $late"
if python3 scripts/accept/backlog_reference.py "$work/input.tsv" "$work/output.txt" && [ "$late" = "0" ]; then
    echo PASS
else
    echo FAIL
    exit 1
fi
