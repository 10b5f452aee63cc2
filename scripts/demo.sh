#!/usr/bin/env bash
# The main job for now: starts the dev broker, produces records with kcat, reads them back with kcat.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product runner
out=$(mktemp); trap 'kill $broker 2>/dev/null; rm -f "$out"' EXIT
.build/debug/runner dev-broker --topic demo:3 > "$out" &
broker=$!
until [ -s "$out" ]; do sleep 0.1; done
bootstrap=$(head -n 1 "$out")
echo "dev broker at $bootstrap"
for i in $(seq 1 9); do echo "customer-$i:{\"event\":\"Product Viewed\",\"n\":$i}"; done | kcat -b "$bootstrap" -t demo -K: -P
echo "records in topic demo (partition offset key value):"
kcat -b "$bootstrap" -t demo -C -e -q -K: -f '%p %o %k %s\n' | sort
