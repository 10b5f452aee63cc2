#!/usr/bin/env bash
# The runner's memory under a memory budget: EVENTS (default 1,000,000) generated shop events counted
# per user per minute (benchmarks/memory-windowed-count.yml: group-by through a repartition topic, a
# tumbling-window count in RocksDB, 96 partitions), once per budget in BUDGETS (MiB; 0 = no budget:
# RocksDB's and librdkafka's defaults). Each run gets a fresh dev broker, the same events (seed 3) and
# a fresh state directory. The events go in in chunks of 250,000 (one sequence: `generate --skip`),
# each as soon as the runner has read the previous one: the generator produces ~100,000 events/s, the
# runner reads ~20,000/s, so each chunk starts with most of it waiting and the consumer prefetches as
# much as it is allowed to, while no partition outgrows the dev broker's ~5 MB retention (a hot user's
# partition would, with everything produced up front).
# Per run: VmRSS of the runner every second (from /proc/PID/status), VmHWM (peak) at the end, and the
# seconds from start to the EVENTS-th output (emit: updates writes one output per input: all counted,
# none late). Results and method: docs/BENCHMARKS.md ("Memory").
# Usage: scripts/accept/memory-1m.sh [EVENTS] [BUDGETS...]     e.g. memory-1m.sh 1000000 512 128 0
# RUNNER=PATH uses that runner binary instead of building .build/release/runner.
set -euo pipefail
cd "$(dirname "$0")/../.."
events=${1:-1000000}
shift || true
if [ $# -gt 0 ]; then budgets=("$@"); else budgets=(512 128 0); fi
topology=benchmarks/memory-windowed-count.yml
output=memory-count-out
timeout_seconds=1800           # one run may take this long before the script fails
chunk=${CHUNK:-250000}         # events produced at a time: ~3,000 per partition, the hottest ~6,000 (~2 MB)

source scripts/lib/benchmark-workspace.sh

# The runner's summed consumer lag on memory-in (from GET /metrics); empty until it has reported one.
input_lag() {
  curl -fs "http://127.0.0.1:$1/metrics" 2>/dev/null \
    | awk '/^tributary_consumer_lag\{/ && /topic="memory-in"/ { sum += $NF; seen = 1 } END { if (seen) print sum }'
}

kib() { awk -v key="$1:" '$1 == key { print $2 }' "/proc/$2/status" 2>/dev/null; }

# run BUDGET: prints "budget idle_kib peak_kib max_sampled_kib final_kib seconds pauses"
run() {
  local budget=$1 log=$work/runner-$1.log samples=$work/rss-$1.txt
  $runner dev-broker --log-level warning --topology "$topology" > "$work/broker-$budget.out" 2> "$work/broker-$budget.log" &
  local broker=$!
  echo "$broker" >> "$work/pids"
  until [ -s "$work/broker-$budget.out" ]; do
    kill -0 "$broker" 2>/dev/null || { echo "dev-broker died:" >&2; cat "$work/broker-$budget.log" >&2; exit 1; }
    sleep 0.1
  done
  local bootstrap
  bootstrap=$(head -n 1 "$work/broker-$budget.out")
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  timeout "$timeout_seconds" "$raw" watch "$bootstrap" "$output" "$events" > /dev/null &
  local watch=$!
  echo "$watch" >> "$work/pids"
  local started=$EPOCHREALTIME
  $runner run --bootstrap-servers "$bootstrap" --http-port "$port" --log-level info --state-dir "$work/state-$budget" \
    --memory-budget-mb "$budget" --topology "$topology" > /dev/null 2> "$log" &
  local engine=$!
  echo "$engine" >> "$work/pids"
  : > "$samples"
  # Before any input: the runner's footprint with every task open and its stores created.
  until grep -q "partitions assigned" "$log"; do
    kill -0 "$engine" 2>/dev/null || { echo "runner (budget $budget) exited early; its log ends:" >&2; tail -n 20 "$log" >&2; exit 1; }
    sleep 0.5
  done
  sleep 5
  local idle
  idle=$(kib VmRSS "$engine")
  sample() {
    kill -0 "$engine" 2>/dev/null || { echo "runner (budget $budget) exited early; its log ends:" >&2; tail -n 20 "$log" >&2; exit 1; }
    kib VmRSS "$engine" >> "$samples"
  }
  # The input in chunks, each produced once the runner has read the one before (its consumer lag on
  # the input topic is 0): one chunk per partition stays far below the broker's retention.
  local skip=0 count
  while [ "$skip" -lt "$events" ]; do
    count=$(( events - skip < chunk ? events - skip : chunk ))
    echo "budget $budget MiB: producing events $skip..$(( skip + count - 1 )) to memory-in" >&2
    $runner generate --bootstrap-servers "$bootstrap" --topic memory-in --skip "$skip" --events "$count" --seed 3 --malformed-ratio 0 --log-level warning
    skip=$(( skip + count ))
    # At least one commit (1 s) after the chunk landed, so the lag gauges have seen it.
    sample; sleep 1; sample; sleep 1
    until [ "$(input_lag "$port")" = 0 ]; do sample; sleep 1; done
  done
  while kill -0 "$watch" 2>/dev/null; do sample; sleep 1; done
  local seconds peak final pauses
  seconds=$(python3 -c "print(f'{$EPOCHREALTIME - $started:.1f}')")
  peak=$(kib VmHWM "$engine")
  final=$(kib VmRSS "$engine")
  pauses=$(curl -fs "http://127.0.0.1:$port/metrics" | awk '/^tributary_back_pressure_pauses_total/ { sum += $NF } END { print sum + 0 }')
  kill -TERM "$engine"
  wait "$engine" || { echo "budget $budget: the runner exited $? after SIGTERM; its log ends:" >&2; tail -n 20 "$log" >&2; exit 1; }
  kill "$broker"
  wait "$broker" 2>/dev/null || true
  grep -m 1 "memory budget" "$log" >&2 || true
  # Every 10th sample (one per ~10 s), in MiB, for the shape of the run.
  echo "budget $budget: RSS (MiB) about every 10 s: $(awk 'NR % 10 == 1 { printf "%d ", $1 / 1024 }' "$samples")" >&2
  echo "$budget $idle $peak $(sort -n "$samples" | tail -n 1) $final $seconds $pauses"
}

results=()
for budget in "${budgets[@]}"; do results+=("$(run "$budget")"); done

echo "events: $events ($topology, release: ${RUNNER:-.build/release/runner})"
printf '%-10s %12s %12s %14s %12s %9s %10s %12s\n' "budget" "before input" "peak RSS" "max sampled" "RSS at end" "seconds" "records/s" "pauses"
for result in "${results[@]}"; do
  read -r budget idle peak sampled final seconds pauses <<< "$result"
  label=$([ "$budget" = 0 ] && echo "none (0)" || echo "$budget MiB")
  python3 -c "
b, i, p, s, f, t = '$label', $idle, $peak, $sampled, $final, $seconds
print(f'{b:<10} {i / 1024:>8.0f} MiB {p / 1024:>8.0f} MiB {s / 1024:>10.0f} MiB {f / 1024:>8.0f} MiB {t:>9.1f} {$events / t:>10,.0f} {$pauses:>12}')"
done
