#!/usr/bin/env bash
# One `runner run` of a benchmark topology over generated events, profiled from start to finish with
# `perf record -g` (a short sample can miss the busy phase), on its own dev broker:
#   scripts/profile.sh TOPOLOGY OUTPUT-TOPIC [RECORDS]
#   e.g. scripts/profile.sh benchmarks/passthrough.yml bench-out
#        scripts/profile.sh benchmarks/windowed-count.yml bench-count-out
# Prints the seconds from the first output record to the RECORDS-th (default 150000), the runner's CPU
# seconds and, with LOG_LEVEL=debug (which slows the runner), how often back-pressure paused partitions.
# The profile is left in perf.data (PERF_DATA=PATH to change): `perf report -i perf.data --children`.
# RUNNER=PATH uses that runner binary instead of building .build/release/runner; NO_PERF=1 times the
# run without perf; RUNNER_ARGS="..." adds arguments to the `runner run` (for example --threads 2);
# PERF_FREQUENCY=HZ samples more often than the default 999 (a 0.4 s pass-through holds few samples).
# Method and findings: docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
topology=${1:?usage: scripts/profile.sh TOPOLOGY OUTPUT-TOPIC [RECORDS]}
output=${2:?usage: scripts/profile.sh TOPOLOGY OUTPUT-TOPIC [RECORDS]}
records=${3:-150000}
perf_data=$(realpath -m "${PERF_DATA:-perf.data}")

source scripts/lib/benchmark-workspace.sh

$runner dev-broker --log-level warning --topology "$topology" --topic bench-in:16 --topic "$output":16 \
  > "$work/broker.out" 2> "$work/broker.log" &
pids+=("$!")
until [ -s "$work/broker.out" ]; do sleep 0.1; done
bootstrap=$(head -n 1 "$work/broker.out")
$runner generate --bootstrap-servers "$bootstrap" --topic bench-in --events "$records" --seed 3 --malformed-ratio 0 --log-level warning

profiler=()
[ -n "${NO_PERF:-}" ] || profiler=(perf record -F ${PERF_FREQUENCY:-999} -g -o "$perf_data" --)
"${profiler[@]}" $runner run --bootstrap-servers "$bootstrap" --no-http --log-level "${LOG_LEVEL:-warning}" \
  --state-dir "$work/state" --topology "$topology" ${RUNNER_ARGS:-} > /dev/null 2> "$work/runner.log" &
profiled=$!
pids+=("$profiled")
seconds=$(timeout 600 "$raw" watch "$bootstrap" "$output" "$records")
runner_pid=$(pgrep -f -n -- "--state-dir $work/state")
cpu=$(awk '{ print ($14 + $15) / 100 }' "/proc/$runner_pid/stat")
kill -TERM "$runner_pid"
wait "$profiled" || true
echo "$records records to $output in $seconds s; runner CPU ${cpu} s (start-up included)"
echo "back-pressure pauses logged: $(grep -c 'partitions paused' "$work/runner.log" || true) (LOG_LEVEL=debug to log them)"
[ -n "${NO_PERF:-}" ] || echo "profile: $perf_data"
