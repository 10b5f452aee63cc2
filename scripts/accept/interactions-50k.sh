#!/usr/bin/env bash
# Acceptance run for topologies/interactions.yml (by hand; too heavy for CI):
# 50,000 tracking events (about 2% malformed) produced with kcat into a dev broker, routed by
# `runner run`, and every output topic checked against an independent Python reference of the rules.
# Usage: scripts/accept/interactions-50k.sh [EVENTS] [SEED]
set -euo pipefail
cd "$(dirname "$0")/../.."
events=${1:-50000}
seed=${2:-2026}
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

swift build -c release --product runner >&2
runner=.build/release/runner
$runner dev-broker --topology topologies/interactions.yml --log-level warning > "$work/broker" &
pids+=($!)
until [ -s "$work/broker" ]; do sleep 0.1; done
bootstrap=$(head -n 1 "$work/broker")

python3 scripts/accept/interactions_reference.py generate "$events" "$seed" > "$work/input.tsv"
kcat -b "$bootstrap" -t tracking-events -P -K $'\t' -l "$work/input.tsv"
echo "produced $events events with kcat" >&2

$runner run --topology topologies/interactions.yml --bootstrap-servers "$bootstrap" --log-level notice 2> "$work/runner.log" &
runner_pid=$!
pids+=($runner_pid)
python3 scripts/accept/interactions_reference.py check "$bootstrap" "$work/input.tsv"
status=$?
kill -TERM "$runner_pid"
wait "$runner_pid"
echo "runner exited $? after SIGTERM" >&2
exit $status
