#!/usr/bin/env python3
"""The shop at shop scale: every shop topology on generated traffic with realistic cardinalities.

    benchmarks/shop_scale.py [--runner .build/release/runner] [--events 1000000] [--shoppers 200000]
                             [--events-per-second 12]
                             [--products 20000] [--chunk 20000] [--threads 1]
                             [--only interactions,dashboard] [--topologies DIR]

One dev broker, `runner dev-salesforce` for crm-sync's Salesforce sinks, and one `runner run` per
topology in topologies/ (interactions, orders, recommendations, crm-sync, support-routing, dashboard,
churn-risk), each in its own process, all running at once as in the shop. `runner generate` feeds
--events events (--shoppers known shoppers, --products products) into tracking-events in chunks of
--chunk; interactions.yml routes them to the topics the others read. After each chunk the driver waits
until every runner has drained (its "records in" count unchanged for DRAIN_SECONDS, longer than any
commit takes), so that no
partition outgrows the dev broker's ~5 MB retention (the topics have the partitions the topology
files declare, 4); the waits are not counted.

Printed per topology (one line each, then the whole shop):

    TOPOLOGY RECORDS_IN CPU_SECONDS RECORDS_PER_CPU_SECOND PEAK_RSS_MIB

RECORDS_IN is what the runner's own progress log counts: every record it processed, internal
(repartition, feedback) topics included. CPU seconds are the process's user + system time
(/proc/PID/stat) from the first event on (start-up is left out), so RECORDS_PER_CPU_SECOND is a per-core figure that does not depend on how the
2 cores were shared between the seven runners, the broker and the generator. PEAK_RSS_MIB is the
process's VmHWM. "shop" is the whole pipeline: events per second of wall time (drain waits excluded).

--only runs some of the topologies (interactions.yml always: it feeds the others); --topologies
reads the files from DIR instead of topologies/ (for a before/after of one file).

A per-record cost that grows with state shows as a lower RECORDS_PER_CPU_SECOND at shop scale than
with the generator's defaults (500 shoppers, 200 products): run both and compare (docs/BENCHMARKS.md).
"""
import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

DRAIN_SECONDS = 5.0
TOPOLOGIES = ["interactions", "orders", "recommendations", "crm-sync", "support-routing", "dashboard", "churn-risk"]
PROGRESS = re.compile(r"progress: (\d+) records in")
THREAD = re.compile(r"thread=(StreamThread-\d+)")


class Runner:
    """One `runner run` of a topology, with its progress log followed on a reader thread."""

    def __init__(self, runner, directory, topology, bootstrap, state, threads, environment):
        self.name = topology
        self.counts = {}  # stream thread -> records in, as last logged
        self.lines = []
        self.process = subprocess.Popen(
            [runner, "run", "--topology", f"{directory}/{topology}.yml", "--bootstrap-servers", bootstrap,
             "--state-dir", state, "--no-http", "--log-level", "info", "--progress-interval-seconds", "1",
             "--max-event-time-skew-hours", "0", "--threads", str(threads)],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=environment)
        threading.Thread(target=self.follow, daemon=True).start()

    def follow(self):
        for line in self.process.stderr:
            self.lines.append(line)
            match = PROGRESS.search(line)
            if match:
                thread = THREAD.search(line)
                self.counts[thread.group(1) if thread else "-"] = int(match.group(1))

    @property
    def records_in(self):
        return sum(self.counts.values())

    def cpu_seconds(self):
        fields = open(f"/proc/{self.process.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_rss_mib(self):
        for line in open(f"/proc/{self.process.pid}/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return 0.0


def start(command, environment=None):
    """Starts a dev server that prints its address as its first line of standard output."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=environment)
    return process, process.stdout.readline().strip()


def wait_for_drain(runners):
    """Waits until no runner's count has changed for DRAIN_SECONDS; returns when the last change was seen."""
    last = [r.records_in for r in runners]
    changed = time.monotonic()
    while time.monotonic() - changed < DRAIN_SECONDS:
        time.sleep(0.25)
        now = [r.records_in for r in runners]
        if now != last:
            last, changed = now, time.monotonic()
        for runner in runners:
            if runner.process.poll() is not None:
                sys.exit(f"{runner.name} exited with {runner.process.returncode}:\n{''.join(runner.lines[-30:])}")
    return changed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runner", default=".build/release/runner")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--shoppers", type=int, default=200_000)
    parser.add_argument("--products", type=int, default=20_000)
    parser.add_argument("--chunk", type=int, default=20_000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--events-per-second", type=float, default=12,
                        help="event-time density: 12 a second is about 1,000,000 events a day")
    parser.add_argument("--only", help="comma-separated topology names")
    parser.add_argument("--topologies", default="topologies", help="the directory of the topology files")
    args = parser.parse_args()
    names = [t for t in TOPOLOGIES if not args.only or t == "interactions" or t in args.only.split(",")]

    work = tempfile.mkdtemp(prefix="shop-scale-")
    broker, bootstrap = start([args.runner, "dev-broker"] + [arg for t in names for arg in ("--topology", f"{args.topologies}/{t}.yml")])
    salesforce, salesforce_url = start([args.runner, "dev-salesforce", "--daily-limit", "100000000"])
    environment = dict(os.environ, SALESFORCE_LOGIN_URL=salesforce_url, SALESFORCE_CLIENT_ID="tributary-dev",
                       SALESFORCE_CLIENT_SECRET="dev-secret", SALESFORCE_USERNAME="", SALESFORCE_PRIVATE_KEY_FILE="")
    runners = [Runner(args.runner, args.topologies, t, bootstrap, f"{work}/{t}", args.threads, environment) for t in names]
    print(f"# {args.events} events, {args.shoppers} shoppers, {args.products} products, {args.events_per_second} events/s of event time, "
          f"--threads {args.threads}; broker {bootstrap}; state under {work}", flush=True)
    try:
        time.sleep(10)  # the groups join and the global tables load
        idle_cpu = {r.name: r.cpu_seconds() for r in runners}  # start-up, not counted
        busy = 0.0
        for skip in range(0, args.events, args.chunk):
            began = time.monotonic()
            subprocess.run([args.runner, "generate", "--bootstrap-servers", bootstrap, "--events",
                            str(min(args.chunk, args.events - skip)), "--skip", str(skip), "--seed", str(args.seed),
                            "--shoppers", str(args.shoppers), "--products", str(args.products),
                            "--events-per-second", str(args.events_per_second), "--log-level", "warning"],
                           check=True)
            busy += wait_for_drain(runners) - began
            print(f"# {skip + min(args.chunk, args.events - skip)} events in, {busy:.1f} s busy: "
                  + " ".join(f"{r.name}={r.records_in}" for r in runners), flush=True)
        print("TOPOLOGY RECORDS_IN CPU_SECONDS RECORDS_PER_CPU_SECOND PEAK_RSS_MIB")
        for r in runners:
            cpu = r.cpu_seconds() - idle_cpu[r.name]
            print(f"{r.name} {r.records_in} {cpu:.1f} {r.records_in / cpu:.0f} {r.peak_rss_mib():.0f}")
        print(f"shop {args.events} {busy:.1f} {args.events / busy:.0f} -")
        for r in runners:
            errors = [line for line in r.lines if " error " in line or " critical " in line]
            if errors:
                print(f"# {r.name}: {len(errors)} error lines, first: {errors[0].strip()}")
    finally:
        for process in [r.process for r in runners] + [salesforce, broker]:
            process.send_signal(signal.SIGTERM)
        for process in [r.process for r in runners] + [salesforce, broker]:
            process.wait()


if __name__ == "__main__":
    main()
