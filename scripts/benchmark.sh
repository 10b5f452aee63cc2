#!/usr/bin/env bash
# Pass-through throughput of `runner run` against raw librdkafka, on the same dev broker, same records,
# same run. Usage: scripts/benchmark.sh [RECORDS]  (default 150000; 16 partitions keep each under the
# dev broker's ~5 MB retention). Results and method: docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
records=${1:-150000}
partitions=16
swift build -c release --product runner >&2
gcc -O2 -Wall -o .build/raw_passthrough benchmarks/raw_passthrough.c -lrdkafka
runner=.build/release/runner
raw=.build/raw_passthrough

broker_out=$(mktemp)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -f "$broker_out"; }
trap cleanup EXIT
$runner dev-broker --log-level warning \
  --topic bench-in:$partitions --topic bench-raw-out:$partitions --topic bench-out:$partitions \
  --topic bench-json-out:$partitions --topic bench-passthrough-dlq:1 --topic bench-json-filter-dlq:1 > "$broker_out" &
pids+=($!)
until [ -s "$broker_out" ]; do sleep 0.1; done
bootstrap=$(head -n 1 "$broker_out")

echo "producing $records generated shop events to bench-in ($partitions partitions)" >&2
$runner generate --bootstrap-servers "$bootstrap" --topic bench-in --events "$records" --seed 3 --malformed-ratio 0 --log-level warning

# Times one contender: the watcher measures from its first output record to the last.
measure() {
  local output=$1; shift
  local times
  times=$(mktemp)
  $raw watch "$bootstrap" "$output" "$records" > "$times" &
  local watcher=$!
  "$@" > /dev/null 2>&1 &
  local contender=$!
  wait "$watcher"
  kill -TERM "$contender" 2>/dev/null || true
  wait "$contender" 2>/dev/null || true
  cat "$times"
  rm -f "$times"
}

raw_seconds=$(measure bench-raw-out $raw copy "$bootstrap" bench-in bench-raw-out "$records")
engine_seconds=$(measure bench-out $runner run --topology benchmarks/passthrough.yml --bootstrap-servers "$bootstrap" --log-level warning)
json_seconds=$(measure bench-json-out $runner run --topology benchmarks/json-filter.yml --bootstrap-servers "$bootstrap" --log-level warning)

python3 - "$records" "$raw_seconds" "$engine_seconds" "$json_seconds" <<'PY'
import sys
records = int(sys.argv[1])
raw, engine, json = (float(x) for x in sys.argv[2:5])
rate = lambda seconds: records / seconds
print(f"records: {records}")
print(f"raw librdkafka consume->produce (C):        {rate(raw):>10,.0f} records/s")
print(f"runner, pass-through (bytes):               {rate(engine):>10,.0f} records/s   ratio {raw / engine:.2f}")
print(f"runner, JSON decode + filter + select-key:  {rate(json):>10,.0f} records/s   ratio {raw / json:.2f}")
PY
