#!/usr/bin/env bash
# The engine against baselines measured in the same run, on the same dev broker, with the same records:
#   1. throughput: raw librdkafka copy, runner pass-through, JSON filter, windowed count (with and
#      without a repartition hop), all over the same RECORDS generated events;
#   2. restore: a store of RESTORE_KEYS keys rebuilt from its changelog, against raw consumption of
#      that changelog.
# Usage: scripts/benchmark.sh [RECORDS]  (default 150000; 16 partitions keep each under the dev broker's
# ~5 MB retention). RESTORE_KEYS=N changes the restore benchmark's key count (default 200000).
# RUNNER=PATH uses that runner binary instead of building .build/release/runner. RUNNER_ARGS="..." adds
# arguments to every timed `runner run`, restores included (for example --threads 2, or --kafka-property
# fetch.wait.max.ms=10); the summary prints them. ONLY=restore runs the restore rounds alone (no
# throughput or query figures); RESTORE_ROUNDS=N (default 3, odd) sets how many rounds the median is of.
# RUNNER_B=PATH restores with that second runner binary too, right after the first in every round (an
# A/B on one broker and one changelog, which is filled by RUNNER), and prints its median.
# Results and method: docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
records=${1:-150000}
keys=${RESTORE_KEYS:-200000}
partitions=16                 # every benchmark topic; the topologies in benchmarks/ declare the same
watch_timeout=600             # seconds a contender may take to write all its records

source scripts/lib/benchmark-workspace.sh

# One broker for everything: the stateful topologies' topics (internal ones included) come from the
# files, the rest from --topic.
$runner dev-broker --log-level warning \
  --topology benchmarks/windowed-count.yml --topology benchmarks/windowed-count-by-key.yml --topology benchmarks/restore-keys.yml \
  --topic bench-in:$partitions --topic bench-raw-out:$partitions --topic bench-out:$partitions \
  --topic bench-json-out:$partitions --topic bench-passthrough-dlq:1 --topic bench-json-filter-dlq:1 \
  > "$work/broker.out" 2> "$work/broker.log" &
broker=$!
pids+=("$broker")
until [ -s "$work/broker.out" ]; do
  kill -0 "$broker" 2>/dev/null || { echo "dev-broker died:" >&2; cat "$work/broker.log" >&2; exit 1; }
  sleep 0.1
done
bootstrap=$(head -n 1 "$work/broker.out")

# engine NAME TOPOLOGY: `runner run` on its own state directory. Only ever run in the background
# (`engine ... &`): exec makes the background job the runner itself, so SIGTERM reaches it.
engine() { exec $runner run --bootstrap-servers "$bootstrap" --no-http --log-level warning --state-dir "$work/state-$1" --topology "$2" ${RUNNER_ARGS:-}; }
only=${ONLY:-all}
rounds=${RESTORE_ROUNDS:-3}
raw_seconds=0 engine_seconds=0 json_seconds=0 windowed_seconds=0 by_key_seconds=0
if [ "$only" != restore ]; then
echo "producing $records generated shop events to bench-in ($partitions partitions)" >&2
$runner generate --bootstrap-servers "$bootstrap" --topic bench-in --events "$records" --seed 3 --malformed-ratio 0 --log-level warning

# measure NAME OUTPUT FIRST-HOP COMMAND...: times one contender. The watcher measures from its first
# output record to the RECORDS-th on OUTPUT; with FIRST-HOP (a topic name, or - for none) the clock
# starts at the first record on either topic, so a repartition hop is inside the window. The contender
# is stopped with SIGTERM after that.
measure() {
  local name=$1 output=$2 first_hop=$3
  shift 3
  local log=$work/$name.log rc=0 contender_rc=0
  local watch=("$raw" watch "$bootstrap" "$output" "$records")
  [ "$first_hop" = - ] || watch+=("$first_hop")
  timeout "$watch_timeout" "${watch[@]}" > "$work/$name.seconds" &
  local watcher=$!
  "$@" > /dev/null 2> "$log" &
  local contender=$!
  echo "$watcher $contender" >> "$work/pids"
  # A contender that fails (exits non-zero) before its last record would leave the watcher waiting.
  while kill -0 "$watcher" 2>/dev/null && kill -0 "$contender" 2>/dev/null; do sleep 0.2; done
  if ! kill -0 "$contender" 2>/dev/null; then
    wait "$contender" || contender_rc=$?
    [ "$contender_rc" -eq 0 ] || kill "$watcher" 2>/dev/null || true
  fi
  wait "$watcher" || rc=$?
  kill -TERM "$contender" 2>/dev/null || true
  wait "$contender" 2>/dev/null || true
  if [ "$rc" -ne 0 ]; then
    echo "$name: $output did not reach $records records (watcher exit $rc, contender exit $contender_rc; 124: ${watch_timeout}s timeout); its log ends:" >&2
    tail -n 20 "$log" >&2
    return 1
  fi
  cat "$work/$name.seconds"
}

echo "throughput: raw copy, pass-through, JSON filter, windowed count (repartitioned, then by key)" >&2
raw_seconds=$(measure raw bench-raw-out - "$raw" copy "$bootstrap" bench-in bench-raw-out "$records")
engine_seconds=$(measure passthrough bench-out - engine passthrough benchmarks/passthrough.yml)
json_seconds=$(measure json bench-json-out - engine json benchmarks/json-filter.yml)
# emit: updates writes one record per counted input: seeing RECORDS outputs means none was late.
windowed_seconds=$(measure windowed bench-count-out bench-windowed-count-by-user-repartition engine windowed benchmarks/windowed-count.yml)
by_key_seconds=$(measure windowed-by-key bench-count-by-key-out - engine windowed-by-key benchmarks/windowed-count-by-key.yml)
fi

# Restore: fill the store, stop, delete the local state, time the restore from the changelog.
changelog=bench-restore-bench-keys-changelog
echo "restore: $keys distinct keys into bench-keys-in, counted by benchmarks/restore-keys.yml" >&2
"$raw" keys "$bootstrap" bench-keys-in "$keys"
restore_state=$work/state-restore
engine restore benchmarks/restore-keys.yml 2> "$work/restore-fill.log" &
filler=$!
pids+=("$filler")
if ! timeout "$watch_timeout" "$raw" watch "$bootstrap" bench-keys-out "$keys" > /dev/null; then
  echo "restore: bench-keys-out did not reach $keys records; the runner's log ends:" >&2
  tail -n 20 "$work/restore-fill.log" >&2
  exit 1
fi
kill -TERM "$filler"
wait "$filler" || { echo "restore: the runner filling the store exited $? after SIGTERM" >&2; tail -n 20 "$work/restore-fill.log" >&2; exit 1; }

# time_restore RUNNER LOG: one restore into an empty state directory by RUNNER; prints
# time_restore.py's line after checking that every key was restored once.
time_restore() {
  local runner_binary=$1 log=$2 port
  rm -rf "$restore_state"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  local line
  line=$(python3 benchmarks/time_restore.py --tasks "$partitions" --store bench-keys --http "http://127.0.0.1:$port" --log "$log" -- \
    $runner_binary run --bootstrap-servers "$bootstrap" --http-port "$port" --log-level info --state-dir "$restore_state" \
    --topology benchmarks/restore-keys.yml ${RUNNER_ARGS:-})
  local restored_records store_entries store_sum
  read -r _ _ restored_records store_entries store_sum _ _ <<< "$line"
  if [ "$restored_records" -ne "$keys" ] || [ "$store_entries" -ne "$keys" ] || [ "$store_sum" -ne "$keys" ]; then
    echo "restore with $runner_binary: expected $keys keys each counted once; restored $restored_records records," \
      "the store serves $store_entries entries summing to $store_sum" >&2
    return 1
  fi
  echo "$line"
}
# Rounds, alternating: raw drain of the changelog, then a runner restoring into an empty state directory
# (then RUNNER_B's, if given). Each figure is a fraction of a second to a few seconds; the medians of the
# rounds are reported.
drains=() restores=() starts=() task_medians=() task_maxes=() restores_b=()
for round in $(seq 1 "$rounds"); do
  read -r drain_seconds changelog_records < <("$raw" drain "$bootstrap" "$changelog")
  read -r restore_seconds start_seconds _ _ _ task_median task_max < <(time_restore "$runner" "$work/restore-$round.log" || echo fail)
  [ "$restore_seconds" != fail ] || exit 1
  echo "restore round $round: raw ${drain_seconds}s, runner ${restore_seconds}s" >&2
  drains+=("$drain_seconds") restores+=("$restore_seconds") starts+=("$start_seconds")
  task_medians+=("$task_median") task_maxes+=("$task_max")
  if [ -n "${RUNNER_B:-}" ]; then
    read -r restore_b _ < <(time_restore "$RUNNER_B" "$work/restore-b-$round.log" || echo fail)
    [ "$restore_b" != fail ] || exit 1
    echo "restore round $round: runner B ${restore_b}s" >&2
    restores_b+=("$restore_b")
  fi
done
median() { printf '%s\n' "$@" | sort -g | sed -n "$(( ($# + 1) / 2 ))p"; }

python3 - "$records" "$raw_seconds" "$engine_seconds" "$json_seconds" "$windowed_seconds" "$by_key_seconds" \
  "$keys" "$changelog_records" "$(median "${drains[@]}")" "$(median "${restores[@]}")" "$(median "${starts[@]}")" \
  "$(median "${task_medians[@]}")" "$(median "${task_maxes[@]}")" <<'PY'
import os, sys
records = int(sys.argv[1])
raw, engine, json, windowed, by_key = (float(x) for x in sys.argv[2:7])
keys, changelog_records = int(sys.argv[7]), int(sys.argv[8])
drain, restore, start, task_median, task_max = (float(x) for x in sys.argv[9:14])
rate = lambda seconds: records / seconds
print(f"records: {records}; runner arguments: {os.environ.get('RUNNER_ARGS') or 'none'}")
if raw > 0:  # ONLY=restore measures no throughput
  print(f"raw librdkafka consume->produce (C):        {rate(raw):>10,.0f} records/s")
  print(f"runner, pass-through (bytes):               {rate(engine):>10,.0f} records/s   ratio {raw / engine:.2f}")
  print(f"runner, JSON decode + filter + select-key:  {rate(json):>10,.0f} records/s   ratio {raw / json:.2f}")
  print(f"runner, windowed count, group-by (2 hops):  {rate(windowed):>10,.0f} records/s   ratio {raw / windowed:.2f}   "
        f"vs pass-through {engine / windowed:.2f}")
  print(f"runner, windowed count, group-by-key:       {rate(by_key):>10,.0f} records/s   ratio {raw / by_key:.2f}   "
        f"vs pass-through {engine / by_key:.2f}")
print(f"restore: {keys} keys, changelog of {changelog_records} records ({changelog_records - keys} checkpoint markers); medians of {os.environ.get('RESTORE_ROUNDS') or 3} rounds")
print(f"raw librdkafka, changelog to its end (C):   {drain:>8.3f} s   {changelog_records / drain:>10,.0f} records/s")
print(f"runner, restore (assigned -> restored):     {restore:>8.3f} s   {changelog_records / restore:>10,.0f} records/s   ratio {drain / restore:.2f}")
print(f"  16 tasks; gaps between their \"store restored\" lines: median {task_median * 1000:.0f} ms, max {task_max * 1000:.0f} ms (a thread restores its tasks together)")
print(f"runner, process start -> restored:          {start:>8.3f} s   (start-up and group join included)")
PY
if [ -n "${RUNNER_B:-}" ]; then
  python3 -c "import sys; d, r = float(sys.argv[1]), float(sys.argv[2]); print(f'runner B ({sys.argv[3]}), restore:  {r:>8.3f} s   ratio {d / r:.2f}   (rounds alternate with the runner above)')" \
    "$(median "${drains[@]}")" "$(median "${restores_b[@]}")" "$RUNNER_B"
fi

[ "$only" = restore ] && exit 0

# Interactive queries: two instances of the restore topology share its 16 tasks. Latency of
# GET /stores/bench-keys/keys/{key} at fixed rates for keys the asked instance holds (local) and keys
# it forwards to the other instance (forwarded), and of 1,000-entry ranges gathered from both
# (benchmarks/query_latency.py: open loop, 10 s per figure).
echo "queries: two instances of benchmarks/restore-keys.yml, key lookups and ranges at fixed rates" >&2
query_ports=() query_pids=()
for instance in 0 1; do
  query_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  query_ports+=("$query_port")
  $runner run --bootstrap-servers "$bootstrap" --http-port "$query_port" --log-level warning \
    --state-dir "$work/state-query-$instance" --topology benchmarks/restore-keys.yml 2> "$work/query-$instance.log" &
  pids+=("$!") query_pids+=("$!")
done
# Ready once both instances hold partitions, together all 16, and each answers a range with every key
# (its own tasks restored, the other's reachable).
if ! python3 - "$keys" "${query_ports[@]}" <<'PY'
import json, sys, time, urllib.request
keys, ports = int(sys.argv[1]), sys.argv[2:]
deadline = time.monotonic() + 180
while time.monotonic() < deadline:
    try:
        ready = True
        for port in ports:
            metadata = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/metadata", timeout=5))
            instances = metadata["applications"][0]["instances"] if metadata["applications"] else []
            held = [partition for instance in instances for partition in instance["partitions"]]
            entries = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/stores/bench-keys/range?limit={keys}", timeout=30))
            ready = ready and sum(1 for i in instances if i["partitions"]) == len(ports) and len(set(held)) == 16 and len(entries) == keys
        if ready:
            sys.exit(0)
    except Exception:
        pass
    time.sleep(1)
sys.exit(1)
PY
then
  echo "queries: the two instances did not share the 16 tasks and answer every key within 180 s; their logs end:" >&2
  tail -n 10 "$work/query-0.log" "$work/query-1.log" >&2
  exit 1
fi
asked=http://127.0.0.1:${query_ports[0]}
query() { python3 benchmarks/query_latency.py --http "$asked" --seconds 10 "$@"; }
keyed=(--topic bench-keys-in --partitions "$partitions" --key-format k%06d --key-count "$keys" --path '/stores/bench-keys/keys/{key}')
query --rate 200 --seconds 2 --keys local "${keyed[@]}" > /dev/null   # warm-up: connections, caches
ranges=()
for start in 0 20000 40000 60000 80000 100000 120000 140000 160000 180000; do
  ranges+=("/stores/bench-keys/range?from=$(printf 'k%06d' "$start")&limit=1000")
done
report() { read -r p50 p99 max achieved errors; printf '%-44s p50 %6.2f ms   p99 %6.2f ms   max %7.2f ms   %6s/s done   %s errors\n' "$1" "$p50" "$p99" "$max" "$achieved" "$errors"; }
# The client's own ceiling: the cheapest route (/health, no store) at the highest rate asked for.
query --rate 10000 /health | report "baseline: GET /health, 10,000/s:"
query --rate 1000 --keys local "${keyed[@]}" | report "key, local, 1,000/s:"
query --rate 10000 --keys local "${keyed[@]}" | report "key, local, 10,000/s:"
query --rate 1000 --keys forwarded "${keyed[@]}" | report "key, forwarded, 1,000/s:"
query --rate 10000 --keys forwarded "${keyed[@]}" | report "key, forwarded, 10,000/s:"
query --rate 100 "${ranges[@]}" | report "range of 1,000 entries, both instances, 100/s:"
# Stopped while the broker is still up, so that they commit and leave at once.
kill -TERM "${query_pids[@]}"
wait "${query_pids[@]}" 2>/dev/null || true
