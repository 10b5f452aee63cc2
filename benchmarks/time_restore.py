#!/usr/bin/env python3
"""Times a `runner run` restoring its state stores from their changelogs (scripts/benchmark.sh).

    time_restore.py --tasks N --store NAME --http URL --log FILE -- RUNNER-COMMAND...

Starts the command, stamps every line of its standard error (the log) with this process's monotonic
clock as the line arrives, and waits for N lines "store restored from its changelog". Restore time is
from the "partitions assigned" line (the group is joined; the runner opens and restores each task
right after logging it) to the N-th "store restored" line. Then it asks the HTTP endpoint for every
entry of the store, sends SIGTERM, waits for a clean exit, and prints one line:

    RESTORE_SECONDS START_TO_RESTORED_SECONDS RESTORED_RECORDS STORE_ENTRIES STORE_VALUE_SUM TASK_MEDIAN TASK_MAX

START_TO_RESTORED_SECONDS runs from the process start instead (start-up and the group join included).
TASK_MEDIAN and TASK_MAX are over the gaps between "store restored" lines (the first: since "partitions
assigned"): each task's restore time while tasks restored one after another; a thread now restores
the tasks it is assigned together, and their lines come at the end.
The log's own timestamps have whole seconds only, hence the stamping here.
"""
import argparse
import json
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request

ASSIGNED = "partitions assigned"
RESTORED = "store restored from its changelog"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, required=True, help='how many "store restored" lines to wait for')
    parser.add_argument("--store", required=True)
    parser.add_argument("--http", required=True, help="the runner's HTTP endpoint, http://HOST:PORT")
    parser.add_argument("--log", required=True, help="where to copy the runner's log")
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    arguments = parser.parse_args()
    command = arguments.command[1:] if arguments.command[:1] == ["--"] else arguments.command

    lines = queue.Queue()
    started = time.monotonic()
    runner = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, bufsize=1)

    def read(log):
        for line in runner.stderr:
            lines.put((time.monotonic(), line))
            log.write(line)
        lines.put((time.monotonic(), None))

    log = open(arguments.log, "w")
    reader = threading.Thread(target=read, args=(log,), daemon=True)
    reader.start()

    def fail(message):
        runner.kill()
        runner.wait()
        reader.join(5)
        log.close()
        sys.exit(f"time_restore: {message} (log: {arguments.log})")

    assigned = None
    restored = []  # (time, records)
    deadline = started + arguments.timeout
    while len(restored) < arguments.tasks:
        try:
            stamp, line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            fail(f"only {len(restored)} of {arguments.tasks} stores restored within {arguments.timeout:.0f} s")
        if line is None:
            fail(f"the runner exited ({runner.wait()}) after {len(restored)} of {arguments.tasks} restores")
        if ASSIGNED in line and assigned is None:
            assigned = stamp
        elif RESTORED in line:
            match = re.search(r"records=(\d+)", line)
            restored.append((stamp, int(match.group(1)) if match else 0))
    if assigned is None:
        fail('no "partitions assigned" line before the restores (is --log-level info?)')
    done = restored[-1][0]

    # Verification, outside the timed span: the store as the HTTP endpoint serves it, once every task
    # has registered its store (a task logs its restore just before it starts answering queries).
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"{arguments.http}/stores", timeout=30) as response:
                stores = {store["name"]: store for store in json.load(response)}
            if len(stores.get(arguments.store, {}).get("tasks", [])) == arguments.tasks:
                break
        except OSError:
            pass
        time.sleep(0.1)
    entries = None
    for _ in range(50):
        try:
            with urllib.request.urlopen(f"{arguments.http}/stores/{arguments.store}/range?limit=100000000", timeout=30) as response:
                entries = json.load(response)
            break
        except OSError:
            time.sleep(0.2)
    if entries is None:
        fail(f"no answer from {arguments.http}/stores/{arguments.store}/range")

    runner.send_signal(signal.SIGTERM)
    code = runner.wait(60)
    reader.join(5)
    log.close()
    if code != 0:
        sys.exit(f"time_restore: the runner exited {code} after SIGTERM (log: {arguments.log})")
    value_sum = sum(entry["value"] for entry in entries if isinstance(entry.get("value"), (int, float)))
    stamps = [assigned] + [stamp for stamp, _ in restored]
    per_task = sorted(later - earlier for earlier, later in zip(stamps, stamps[1:]))
    print(f"{done - assigned:.6f} {done - started:.6f} {sum(records for _, records in restored)} {len(entries)} {value_sum} "
          f"{per_task[len(per_task) // 2]:.6f} {per_task[-1]:.6f}")


if __name__ == "__main__":
    main()
