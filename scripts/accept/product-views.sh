#!/usr/bin/env bash
# Acceptance run for topologies/examples/product-views.yml (by hand; too heavy for CI):
# Segment events produced with kcat into a dev broker (one input partition), product views counted per
# product per minute by `runner run` (re-key, repartition, tumbling windows with grace, final results),
# and the output topic, the window store's HTTP API and the late-record metric compared with an
# independent Python reference. Scenarios, in order:
#   a. first run over the whole input: outputs, store and late metric exact
#   b. SIGTERM and restart on the same state directory: store unchanged, nothing re-emitted
#   c. SIGTERM, state directory deleted, restart: store rebuilt from the changelog, nothing re-emitted
#   d. new broker, new application: input produced in 10 chunks while the runner is killed with
#      kill -9 two or three times; after de-duplication by tributary.id, outputs and store exact
# Usage: scripts/accept/product-views.sh [EVENTS] [SEED]
# RUNNER=PATH uses that runner binary instead of building .build/release/runner.
set -euo pipefail
cd "$(dirname "$0")/../.."
events=${1:-50000}
seed=${2:-2026}
topology=topologies/examples/product-views.yml
reference=scripts/accept/product_views_reference.py
work=$(mktemp -d)
pids=()
failed=()
runs=0
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

if [ -n "${RUNNER:-}" ]; then
    runner=$RUNNER
else
    swift build -c release --product runner >&2
    runner=.build/release/runner
fi

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# A new dev broker with every topic of the topology; the input topic gets ONE partition (see README).
start_broker() {
    : > "$work/broker.out"
    $runner dev-broker --topology "$topology" --topic customer-interactions:1 --log-level warning \
        > "$work/broker.out" 2>> "$work/broker.log" &
    broker_pid=$!
    pids+=("$broker_pid")
    until [ "$(wc -l < "$work/broker.out")" -ge 1 ]; do
        kill -0 "$broker_pid" 2>/dev/null || { echo "dev-broker died:" >&2; cat "$work/broker.log" >&2; exit 1; }
        sleep 0.1
    done
    bootstrap=$(head -n 1 "$work/broker.out")
    # The repartition topic's partition count comes from the topology; the reference needs it.
    partitions=$(python3 "$reference" topic-partitions "$bootstrap" product-views-by-product-repartition)
    if [ "$partitions" -eq 0 ]; then
        echo "dev-broker did not create product-views-by-product-repartition from $topology" >&2
        exit 1
    fi
    echo "dev-broker at $bootstrap; repartition topic has $partitions partitions" >&2
}

stop_broker() {
    kill -TERM "$broker_pid" 2>/dev/null || true
    wait "$broker_pid" || true
    rm -f "$work/broker.out"
}

# Starts the runner on $state with a fresh HTTP port (a killed runner's port may linger).
start_runner() {
    runs=$((runs + 1))
    port=$(free_port)
    http=http://127.0.0.1:$port
    log=$work/runner-$runs.log
    $runner run --topology "$topology" --bootstrap-servers "$bootstrap" --state-dir "$state" \
        --http-port "$port" --log-level notice > "$log" 2>&1 &
    runner_pid=$!
    pids+=("$runner_pid")
    echo "runner #$runs started (pid $runner_pid, http $http)" >&2
}

# Waits until the runner processes the input partition: the dev broker keeps only ~5 MB of it, so input
# produced while no member reads (the first join, a killed member's session running out) must not
# outgrow that.
wait_until_consuming() {
    for _ in $(seq 1 600); do
        if curl -sf "$http/metadata" 2>/dev/null | grep -q '"customer-interactions-0"'; then return 0; fi
        sleep 0.1
    done
    echo "runner #$runs never got customer-interactions-0 assigned" >&2
    failed+=("runner #$runs assignment")
}

stop_runner() {
    kill -TERM "$runner_pid" 2>/dev/null || true   # if it already died, wait reports how
    local rc=0
    wait "$runner_pid" || rc=$?
    echo "runner #$runs exited $rc after SIGTERM" >&2
    if [ "$rc" -ne 0 ]; then
        failed+=("runner #$runs exit $rc after SIGTERM")
        tail -n 40 "$log" >&2
    fi
}

# check NAME [check options]: compares with the reference; on failure shows the runner log's tail.
check() {
    local name=$1
    shift
    echo
    echo "== $name"
    if python3 "$reference" check "$bootstrap" "$work/input.tsv" "$partitions" "$http" "$@"; then
        return 0
    fi
    failed+=("$name")
    if ! kill -0 "$runner_pid" 2>/dev/null; then echo "(runner #$runs is not running)"; fi
    echo "--- tail of $log"
    tail -n 40 "$log"
}

python3 "$reference" generate "$events" "$seed" > "$work/input.tsv"

# The one input partition holds only ~5 MB (~20,000 events) on the dev broker: the input goes in
# chunks while the runner consumes, so nothing is dropped before it is read.
split -n l/10 -d "$work/input.tsv" "$work/chunk."
produce_in_chunks() {
    local chunk_number=0
    for chunk in "$work"/chunk.*; do
        chunk_number=$((chunk_number + 1))
        kcat -b "$bootstrap" -t customer-interactions -P -K $'\t' -l "$chunk"
        "$@" "$chunk_number"
        sleep 1
    done
}
nothing() { :; }

# a. One run over the whole input.
start_broker
state=$work/state
start_runner
wait_until_consuming
produce_in_chunks nothing
echo "produced $events events with kcat in 10 chunks" >&2
check "a. first run: outputs, store, late-record metric"

# b. A clean restart on the same state: the store answers the same, and nothing is emitted again.
#    (Late records are not counted again either, so the new process's metric is not compared.)
stop_runner
start_runner
check "b. restart, same state directory" --parts outputs,store

# c. Without its state directory the store must come back from the changelog topic.
stop_runner
rm -rf "$state"
start_runner
check "c. restart, state directory deleted (restored from the changelog)" --parts outputs,store
stop_runner

# d. A new broker and application; the runner is killed (no commit, no flush) while input arrives.
#    At-least-once: outputs may repeat after a crash, but each carries the same tributary.id, and
#    counts must not be inflated. The metric is not compared: a killed process's counter is lost.
stop_broker
start_broker
state=$work/state-d
RANDOM=$seed   # the same kill points for the same seed (the moments still vary with timing)
declare -A kill_after=()
kills=$((2 + RANDOM % 2))
while [ "${#kill_after[@]}" -lt "$kills" ]; do kill_after[$((1 + RANDOM % 10))]=1; done
kill_if_chosen() {
    if [ -n "${kill_after[$1]:-}" ]; then
        sleep "$((RANDOM % 3)).$((RANDOM % 10))"
        kill -9 "$runner_pid" 2>/dev/null || echo "runner #$runs had already exited" >&2
        { wait "$runner_pid"; } 2>/dev/null || true   # without bash's "Killed" job notice
        echo "kill -9 runner #$runs after chunk $1" >&2
        start_runner
        wait_until_consuming
    fi
}
start_runner
wait_until_consuming
produce_in_chunks kill_if_chosen
echo "produced $events events with kcat in 10 chunks, $kills kill -9s" >&2
# A restarted member waits for the killed one's session to time out: allow more time.
check "d. kill -9 while producing: outputs after de-duplication, store" --parts outputs,store --allow-duplicates --timeout 300
stop_runner
stop_broker

echo
if [ "${#failed[@]}" -eq 0 ]; then
    echo "ALL SCENARIOS PASS ($events events, seed $seed)"
else
    printf 'FAILED: %s\n' "${failed[@]}"
    exit 1
fi
