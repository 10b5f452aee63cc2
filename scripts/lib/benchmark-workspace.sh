# Sourced by the benchmark and acceptance scripts (from the repository root): a scratch directory
# removed on exit with every process the script started, the runner to measure, and the raw
# librdkafka baseline (benchmarks/raw_passthrough.c) compiled into it.
# Sets: work, pids (append background processes; those started inside a $(...) subshell, which cannot
# add to pids, go in $work/pids instead), runner, raw.
# RUNNER=PATH uses that runner binary instead of building .build/release/runner.
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}" $(cat "$work/pids" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -n "${RUNNER:-}" ]; then
  runner=$RUNNER
else
  swift build -c release --product runner >&2
  runner=.build/release/runner
fi
raw=$work/raw_passthrough
gcc -O2 -Wall -o "$raw" benchmarks/raw_passthrough.c -lrdkafka -lpthread
