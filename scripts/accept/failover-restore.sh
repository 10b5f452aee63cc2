#!/usr/bin/env bash
# Time to restore after failover, without and with a standby replica.
#
#   scripts/accept/failover-restore.sh [EVENTS]        # default 200000; RUNNER=path to use a built runner
#
# For each of --standby-replicas 0 and 1: a fresh dev broker; EVENTS generated shop events counted per
# user and minute by benchmarks/windowed-count-by-key.yml (16 partitions, every update in the store's
# changelog) by two runners; once both are idle, one is killed with SIGKILL and the survivor takes its
# tasks over. The survivor's restore log lines after the kill give the records replayed and the time.
set -euo pipefail
cd "$(dirname "$0")/../.."
events=${1:-200000}
runner=${RUNNER:-.build/debug/runner}
[ -n "${RUNNER:-}" ] || swift build --product runner >&2
topology=benchmarks/windowed-count-by-key.yml
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# lag PORT: total consumer lag the runner on PORT reports (its input partitions).
lag() { curl -s "http://127.0.0.1:$1/metrics" | awk '/^tributary_consumer_lag\{/ { sum += $NF } END { print sum + 0 }'; }
processed() { curl -s "http://127.0.0.1:$1/metrics" | awk '/^tributary_node_records_total\{/ { sum += $NF } END { print sum + 0 }'; }

run_case() {
  local replicas=$1 dir=$work/standby-$1
  mkdir -p "$dir"
  $runner dev-broker --log-level warning --topology $topology > "$dir/broker.out" 2> "$dir/broker.log" &
  pids+=($!)
  until [ -s "$dir/broker.out" ]; do sleep 0.1; done
  local bootstrap; bootstrap=$(head -n 1 "$dir/broker.out")
  $runner generate --bootstrap-servers "$bootstrap" --topic bench-in --events "$events" --seed 3 --malformed-ratio 0 --log-level warning
  local ports=(18301 18302)
  for i in 0 1; do
    $runner run --topology $topology --bootstrap-servers "$bootstrap" --state-dir "$dir/state-$i" --http-port "${ports[$i]}" \
      --standby-replicas "$replicas" --log-level info > /dev/null 2> "$dir/runner-$i.log" &
    pids+=($!)
    eval "runner_$i=$!"
  done
  # Idle: both report no lag and their processed counts stop moving for 5 s.
  local last=-1 stable=0
  while [ $stable -lt 5 ]; do
    sleep 1
    local now; now=$(( $(processed ${ports[0]}) + $(processed ${ports[1]}) ))
    if [ "$now" = "$last" ] && [ "$(lag ${ports[0]})" = 0 ] && [ "$(lag ${ports[1]})" = 0 ] && [ "$now" -gt 0 ]; then stable=$((stable + 1)); else stable=0; fi
    last=$now
  done
  local before; before=$(wc -l < "$dir/runner-1.log")
  kill -9 "$runner_0"
  # The survivor takes the partitions over after the session timeout and restores their stores.
  local deadline=$((SECONDS + 120))
  until [ "$(tail -n +"$before" "$dir/runner-1.log" | grep -c 'task opened' || true)" -ge 8 ] || [ $SECONDS -gt $deadline ]; do sleep 1; done
  sleep 2
  tail -n +"$before" "$dir/runner-1.log" | grep 'store restored from its changelog' | \
    sed -E 's/.*records=([0-9]+).*seconds=([0-9.e-]+) seconds.*/\1 \2/' | \
    awk -v replicas="$replicas" '{ records += $1; seconds += $2; stores += 1 }
      END { printf "standby replicas %d: %d stores restored after failover, %d changelog records replayed, %.2f s restoring\n", replicas, stores, records, seconds }'
  kill "$runner_1" 2>/dev/null || true
  wait "$runner_1" 2>/dev/null || true
}

echo "failover restore, $events events, $topology" >&2
run_case 0
run_case 1
