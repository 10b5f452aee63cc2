#!/usr/bin/env python3
"""Interactive-query latency of a runner's HTTP endpoint at a fixed request rate (scripts/benchmark.sh).

    query_latency.py --http URL --rate R --seconds S [--connections C] PATH...
    query_latency.py --http URL --rate R --seconds S --keys local|forwarded --topic T --partitions N \
        --key-format k%06d --key-count K --path /stores/STORE/keys/{key}

Sends GET requests for the PATHs (round robin) to --http at R requests per second for S seconds,
open loop: request i is due at start + i/R whatever happened to earlier ones, and its latency runs
from that due time to the end of its response, so a stalled server is charged for the requests that
queue behind the stall (no coordinated omission). C threads share the schedule, each over its own
kept-alive connection. Prints one line:

    P50_MS P99_MS MAX_MS ACHIEVED_RATE ERRORS

ACHIEVED_RATE is requests completed per second of the run; below R the client (or the server) could
not keep up, and the latencies then say so too. ERRORS counts non-200 answers and failed connections.

With --keys, the paths are --path for keys `--key-format % i` (i < --key-count) that the instance at
--http holds itself (local) or must forward to another instance (forwarded): a key's partition of
--topic is Kafka's murmur2 partition of its UTF-8 bytes, and the instance's partitions come from its
/metadata.
"""
import argparse
import http.client
import json
import threading
import time
import urllib.parse
import urllib.request


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--http", required=True, help="the runner's HTTP endpoint, http://HOST:PORT")
    parser.add_argument("--rate", type=float, required=True, help="requests per second")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--keys", choices=["local", "forwarded"])
    parser.add_argument("--topic")
    parser.add_argument("--partitions", type=int)
    parser.add_argument("--key-format", default="k%06d")
    parser.add_argument("--key-count", type=int)
    parser.add_argument("--path", help="a path with {key}")
    parser.add_argument("paths", nargs="*")
    args = parser.parse_args()
    endpoint = urllib.parse.urlparse(args.http)
    if args.keys:
        args.paths = keyed_paths(args)
    if not args.paths:
        parser.error("no paths to ask for")

    total = int(args.rate * args.seconds)
    latencies = [0.0] * total
    errors = [0]
    next_index = [0]
    lock = threading.Lock()
    start = time.monotonic() + 0.5

    def worker():
        connection = http.client.HTTPConnection(endpoint.hostname, endpoint.port, timeout=10)
        while True:
            with lock:
                index = next_index[0]
                next_index[0] += 1
            if index >= total:
                break
            due = start + index / args.rate
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            try:
                connection.request("GET", args.paths[index % len(args.paths)])
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    with lock:
                        errors[0] += 1
            except (OSError, http.client.HTTPException):
                with lock:
                    errors[0] += 1
                connection.close()
                connection = http.client.HTTPConnection(endpoint.hostname, endpoint.port, timeout=10)
            latencies[index] = time.monotonic() - due
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(args.connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    ordered = sorted(latencies)
    percentile = lambda p: ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000
    print(f"{percentile(0.50):.2f} {percentile(0.99):.2f} {ordered[-1] * 1000:.2f} {total / elapsed:.0f} {errors[0]}")


def murmur2(data):
    """Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), as its default partitioner uses it."""
    m, r = 0x5BD1E995, 24
    length = len(data)
    h = (0x9747B28C ^ length) & 0xFFFFFFFF
    for i in range(0, length - length % 4, 4):
        k = int.from_bytes(data[i:i + 4], "little")
        k = (k * m) & 0xFFFFFFFF
        k ^= k >> r
        k = (k * m) & 0xFFFFFFFF
        h = (h * m) & 0xFFFFFFFF
        h ^= k
    tail = length % 4
    if tail >= 3:
        h ^= data[length - tail + 2] << 16
    if tail >= 2:
        h ^= data[length - tail + 1] << 8
    if tail >= 1:
        h ^= data[length - tail]
        h = (h * m) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * m) & 0xFFFFFFFF
    h ^= h >> 15
    return h


def keyed_paths(args):
    """--path for the keys the instance holds (local) or does not (forwarded)."""
    with urllib.request.urlopen(f"{args.http}/metadata", timeout=10) as response:
        metadata = json.load(response)
    held = set()
    for application in metadata["applications"]:
        for partition in application["partitions"]:
            topic, _, number = partition.rpartition("-")
            if topic == args.topic:
                held.add(int(number))
    paths = []
    for i in range(args.key_count):
        key = args.key_format % i
        partition = (murmur2(key.encode()) & 0x7FFFFFFF) % args.partitions
        if (partition in held) == (args.keys == "local"):
            paths.append(args.path.replace("{key}", key))
    return paths


if __name__ == "__main__":
    main()
