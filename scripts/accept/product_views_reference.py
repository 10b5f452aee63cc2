#!/usr/bin/env python3
"""Independent reference for topologies/examples/product-views.yml, for scripts/accept/product-views.sh.

generate N SEED                      print N `userId<TAB>event` lines of Segment events for customer-interactions,
                                     in production order (some out of order by up to 5 s, some 20-25 min late)
reference INPUT.tsv PARTITIONS       print what the topology must produce: `output`, `store` and `late` lines
check BOOTSTRAP INPUT.tsv PARTITIONS HTTP_BASE [--parts outputs,store,metrics] [--allow-duplicates]
                                     [--timeout SECONDS]
                                     read the topics with kcat and the store and metrics over HTTP, and
                                     compare with the reference; exit 1 on any difference
topic-partitions BOOTSTRAP TOPIC     print TOPIC's partition count from the broker's metadata (0 if absent)
murmur2 STRING...                    print Java's Utils.murmur2 of each string's UTF-8 bytes

Only the Python 3 standard library and kcat; nothing here shares code with Tributary.

Semantics (Kafka Streams): `Product Viewed` events with a string properties.product_id are re-keyed by
product id and sent to the repartition topic's partition murmur2(utf8(id)) & 0x7fffffff % PARTITIONS.
The input topic has one partition, so each repartition partition receives its records in input order and
its stream time (the largest event time seen, the current record included) can be computed exactly.
Tumbling 60 s windows aligned to the epoch, grace 120 s: a record is late (dropped, counted) when
window_end + grace <= stream time; a window's final count is emitted once, when window_end + grace <=
stream time, so only windows closed by the partition's final stream time appear on the output topic,
while the store holds every window's count, open ones too.
"""
import calendar
import json
import random
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from datetime import datetime

INPUT_TOPIC = "customer-interactions"
REPARTITION_TOPIC = "product-views-by-product-repartition"
OUTPUT_TOPIC = "product-views-per-minute"
STORE = "product-views-1m"
ID_HEADER = "tributary.id"
LATE_METRIC = "tributary_late_records_total"

START = calendar.timegm((2026, 11, 27, 10, 0, 0)) * 1000   # 2026-11-27T10:00:00.000Z
SPAN = 30 * 60_000                                          # event time covers 30 minutes
WINDOW = 60_000
GRACE = 120_000
QUERY_FROM, QUERY_TO = "2026-11-27T09:00:00.000Z", "2026-11-27T12:00:00.000Z"

PRODUCTS = ["P%d" % i for i in range(1, 41)]
CATEGORIES = ["shoes", "shirts", "bags", "hats", "socks", "jackets", "watches", "belts"]
OTHER_EVENTS = ["Product Added", "Product Removed", "Cart Viewed", "Products Searched",
                "Product List Viewed", "Checkout Started", "Order Completed"]


def iso(ms):
    """Epoch milliseconds as `YYYY-MM-DDTHH:mm:ss.SSSZ`."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + ".%03dZ" % (ms % 1000)


def parse_iso(text):
    """`YYYY-MM-DDTHH:mm:ss.SSSZ` as epoch milliseconds (the only format generate writes)."""
    parsed = datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")
    return calendar.timegm(parsed.timetuple()) * 1000 + parsed.microsecond // 1000


def compact(value):
    return json.dumps(value, separators=(",", ":"))


# --- murmur2: Java's org.apache.kafka.common.utils.Utils.murmur2, on 32-bit two's complement ints ---

def murmur2(data):
    mask, m = 0xFFFFFFFF, 0x5BD1E995
    length = len(data)
    h = (0x9747B28C ^ length) & mask
    tail = length & ~3
    for i in range(0, tail, 4):
        k = data[i] | data[i + 1] << 8 | data[i + 2] << 16 | data[i + 3] << 24
        k = (k * m) & mask
        k ^= k >> 24            # Java's >>> on an int: the value is already unsigned here
        k = (k * m) & mask
        h = (h * m) & mask
        h ^= k
    rest = length % 4           # Java's switch falls through: 3 -> 2 -> 1
    if rest >= 3:
        h ^= data[tail + 2] << 16
    if rest >= 2:
        h ^= data[tail + 1] << 8
    if rest >= 1:
        h ^= data[tail]
        h = (h * m) & mask
    h ^= h >> 13
    h = (h * m) & mask
    h ^= h >> 15
    return h - (1 << 32) if h & 0x80000000 else h   # as Java's signed int


def partition_of(key_bytes, partitions):
    """The Java producer's default partition for a keyed record (Utils.toPositive = & 0x7fffffff)."""
    return (murmur2(key_bytes) & 0x7FFFFFFF) % partitions


# --- generate ---

def generate(count, seed):
    rng = random.Random(seed)
    # Skewed popularity: P1 is viewed most, P40 least (weights 1/rank^0.9).
    weights = [1 / (rank ** 0.9) for rank in range(1, len(PRODUCTS) + 1)]
    category = {p: CATEGORIES[i % len(CATEGORIES)] for i, p in enumerate(PRODUCTS)}
    price = {p: round(9.99 + 10 * (i % 9), 2) for i, p in enumerate(PRODUCTS)}
    # Production time: N sorted instants over 30 minutes; each record's event time is its production
    # instant, except for the out-of-order (~3%) and late (~300) ones chosen below.
    clock = sorted(START + rng.randrange(SPAN) for _ in range(count))
    eligible = [i for i, t in enumerate(clock) if t - START >= 20 * 60_000]   # 20 min of history exists
    late = set(rng.sample(eligible, min(300, count // 30, len(eligible))))
    high = None   # the largest event time produced so far
    for i in range(count):
        if i in late and high is not None and high - START >= 20 * 60_000:
            ts = high - rng.randint(20 * 60_000, min(25 * 60_000, high - START))
        elif high is not None and rng.random() < 0.03:
            ts = max(START, high - rng.randint(1, 5000))   # earlier than everything before it, within 5 s
        else:
            ts = clock[i] if high is None else max(clock[i], high)
        high = ts if high is None else max(high, ts)
        user = "C%d" % rng.randint(1, 500)
        event = {"type": "track", "event": None, "messageId": "m-%d-%06d" % (seed, i), "userId": user,
                 "timestamp": iso(ts),
                 "context": {"channel": rng.choice(["web", "web", "ios", "android"]),
                             "sessionId": "s-%s-%d" % (user, (ts - START) // 600_000)}}
        product = rng.choices(PRODUCTS, weights)[0]
        roll = rng.random()
        if roll < 0.005:
            # A product view without a product id: must not be counted anywhere.
            event["event"] = "Product Viewed"
            event["properties"] = {"category": category[product]}
        elif roll < 0.60:
            event["event"] = "Product Viewed"
            event["properties"] = {"product_id": product, "category": category[product], "price": price[product]}
        else:
            name = rng.choice(OTHER_EVENTS)
            event["event"] = name
            if name == "Products Searched":
                event["properties"] = {"query": rng.choice(["red shoes", "bag", "winter jacket"])}
            elif name in ("Cart Viewed", "Checkout Started"):
                event["properties"] = {"cart_id": "cart-%s" % user}
            elif name == "Order Completed":
                event["properties"] = {"order_id": "O-%d-%d" % (seed, i), "total": price[product]}
            else:
                # Other events carry product ids too: only the event name decides what is counted.
                event["properties"] = {"product_id": product, "category": category[product], "price": price[product]}
        print("%s\t%s" % (user, compact(event)))


# --- reference ---

def read_input(path):
    with open(path, encoding="utf-8") as lines:
        return [line.rstrip("\n").split("\t", 1) for line in lines if line.strip()]


def product_view(value):
    """(product_id, event time) for a countable view, else None."""
    try:
        event = json.loads(value)
    except ValueError:
        return None
    if not isinstance(event, dict) or event.get("event") != "Product Viewed":
        return None
    props = event.get("properties")
    product = props.get("product_id") if isinstance(props, dict) else None
    if not isinstance(product, str):
        return None
    return product, parse_iso(event["timestamp"])


def reference(path, partitions):
    """What the topology must produce for the input file, repartitioned into `partitions` partitions.

    Returns a dict: outputs {(product, window_start): count} for closed windows, store {...} for every
    window, late (count of dropped records), views (countable records), per_partition [(records, stream time)].
    """
    by_partition = defaultdict(list)
    views = 0
    for _key, value in read_input(path):
        view = product_view(value)
        if view:
            views += 1
            by_partition[partition_of(view[0].encode("utf-8"), partitions)].append(view)
    store, outputs, late, per_partition = {}, {}, 0, []
    for partition in range(partitions):
        stream_time = None
        counts = defaultdict(int)
        for product, ts in by_partition[partition]:
            stream_time = ts if stream_time is None else max(stream_time, ts)
            start = ts - ts % WINDOW
            if start + WINDOW + GRACE <= stream_time:
                late += 1
            else:
                counts[(product, start)] += 1
        for (product, start), n in counts.items():
            store[(product, start)] = n
            if start + WINDOW + GRACE <= stream_time:
                outputs[(product, start)] = n
        per_partition.append((len(by_partition[partition]), stream_time))
    return {"outputs": outputs, "store": store, "late": late, "views": views, "per_partition": per_partition}


def output_value(product, start, n):
    return {"product_id": product, "window_start": iso(start), "window_end": iso(start + WINDOW), "count": n}


def print_reference(path, partitions):
    ref = reference(path, partitions)
    for (product, start), n in sorted(ref["outputs"].items()):
        print("output\t%s\t%s" % (product, compact(output_value(product, start, n))))
    for (product, start), n in sorted(ref["store"].items()):
        print("store\t%s\t%s\t%s\t%d" % (product, iso(start), iso(start + WINDOW), n))
    print("late\t%d" % ref["late"])
    for partition, (records, stream_time) in enumerate(ref["per_partition"]):
        print("partition %d: %d views, final stream time %s" % (
            partition, records, iso(stream_time) if stream_time is not None else "-"), file=sys.stderr)
    print("%d views: %d late, %d windows, %d closed (emitted)" % (
        ref["views"], ref["late"], len(ref["store"]), len(ref["outputs"])), file=sys.stderr)


# --- check ---

def read_topic(bootstrap, topic):
    """Every record of `topic` as kcat's JSON envelope (partition, offset, key, payload, headers)."""
    out = subprocess.run(["kcat", "-b", bootstrap, "-t", topic, "-C", "-e", "-q", "-o", "beginning", "-J"],
                         capture_output=True, check=True).stdout.decode("utf-8")
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def headers_of(message):
    headers = message.get("headers") or []   # kcat 1.7 -J: ["name", "value", "name", "value", ...]
    if isinstance(headers, dict):            # (its usage text documents an object instead)
        return list(headers.items())
    return list(zip(headers[0::2], headers[1::2]))


def topic_partitions(bootstrap, topic):
    # Metadata for all topics, never by name: the dev broker would auto-create a topic it is asked about.
    out = subprocess.run(["kcat", "-b", bootstrap, "-L", "-J"], capture_output=True, check=True).stdout
    for entry in json.loads(out)["topics"]:
        if entry["topic"] == topic:
            return len(entry["partitions"])
    return 0


def http_get(url):
    """(status, body) or (None, error text) when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError) as error:
        return None, str(error)


class Report:
    def __init__(self):
        self.failures = 0

    def line(self, what, detail, ok, differences=()):
        self.failures += 0 if ok else 1
        print("%-37s %s  %s" % (what, detail, "ok" if ok else "MISMATCH"))
        for difference in list(differences)[:10]:
            print("    " + difference)
        if len(differences) > 10:
            print("    ... and %d more" % (len(differences) - 10))


def check_input(bootstrap, inputs, report):
    """The reference assumes the topic holds the file, in order, on one partition. Above ~5 MB the dev
    broker has dropped the oldest records (they were consumed while the input was produced in chunks):
    then the retained tail is compared with the file's records at the same offsets."""
    messages = read_topic(bootstrap, INPUT_TOPIC)
    partitions = sorted({m["partition"] for m in messages})
    differences = []
    if partitions not in ([], [0]):
        differences.append("records on partitions %s; the reference needs one input partition" % partitions)
    first = messages[0]["offset"] if messages else 0
    for m in messages:
        offset = m["offset"]
        want = inputs[offset] if offset < len(inputs) else None
        if want != [m["key"], m["payload"]]:
            differences.append("offset %d: expected %r, got %r" % (offset, want, [m["key"], m["payload"]]))
            break
    last = messages[-1]["offset"] + 1 if messages else 0
    ok = not differences and last == len(inputs) and len(messages) == last - first
    retained = "" if first == 0 else ", offsets %d.. retained (older ones dropped by retention)" % first
    report.line(INPUT_TOPIC, "expected %6d  got %6d, in file order%s" % (len(inputs), last, retained), ok, differences)


def check_repartition(bootstrap, partitions, ref, report):
    """Each record must sit on the partition Java's murmur2 partitioner picks for its key."""
    messages = read_topic(bootstrap, REPARTITION_TOPIC)
    if not messages:
        print("%-37s empty (purged?): partitioning not checked" % REPARTITION_TOPIC)
        return
    misplaced = []
    for m in messages:
        key = (m["key"] or "").encode("utf-8")
        if m["partition"] != partition_of(key, partitions):
            misplaced.append("key %r on partition %d, murmur2 says %d" % (
                m["key"], m["partition"], partition_of(key, partitions)))
    resent = len(messages) - ref["views"]
    report.line(REPARTITION_TOPIC, "%6d records (%d views%s), murmur2 placement" % (
        len(messages), ref["views"], ", %+d re-sent" % resent if resent else ""), not misplaced, misplaced)


def expected_outputs(ref):
    return {(p, s): output_value(p, s, n) for (p, s), n in ref["outputs"].items()}


def wait_for_outputs(bootstrap, ref, timeout):
    """Polls the output topic until it holds as many distinct tributary.ids as final results expected."""
    want = len(expected_outputs(ref))
    deadline = time.time() + timeout
    while True:
        ids = {dict(headers_of(m)).get(ID_HEADER) for m in read_topic(bootstrap, OUTPUT_TOPIC)} - {None}
        if len(ids) >= want or time.time() > deadline:
            return
        time.sleep(2)


def check_outputs(bootstrap, ref, allow_duplicates, report):
    expected = expected_outputs(ref)
    messages = read_topic(bootstrap, OUTPUT_TOPIC)
    differences = []
    by_id = {}         # tributary.id -> (key, payload)
    duplicates = 0
    for m in messages:
        record_id = dict(headers_of(m)).get(ID_HEADER)
        if record_id is None:
            differences.append("no %s header: partition %d offset %d %s" % (ID_HEADER, m["partition"], m["offset"], m["payload"]))
            continue
        if record_id in by_id:
            duplicates += 1
            if by_id[record_id] != (m["key"], m["payload"]):
                differences.append("%s %s repeated with other content: %r vs %r" % (
                    ID_HEADER, record_id, by_id[record_id], (m["key"], m["payload"])))
            continue
        by_id[record_id] = (m["key"], m["payload"])

    got = defaultdict(list)   # (product, window_start ms) -> values
    for record_id, (key, payload) in by_id.items():
        try:
            value = json.loads(payload)
            window = (value["product_id"], parse_iso(value["window_start"]))
        except (ValueError, TypeError, KeyError) as error:
            differences.append("unreadable output %s=%s: key %r value %r (%s)" % (ID_HEADER, record_id, key, payload, error))
            continue
        if key != value["product_id"]:
            differences.append("key %r differs from product_id in %s" % (key, payload))
        got[window].append(value)
    for window in sorted(set(expected) | set(got)):
        product, start = window
        values = got.get(window, [])
        if not values:
            differences.append("missing %s %s: expected %s" % (product, iso(start), compact(expected[window])))
        elif window not in expected:
            differences.append("extra %s %s (window not closed, or not in the input): %s" % (
                product, iso(start), " ".join(compact(v) for v in values)))
        elif len(values) > 1:
            differences.append("%s %s emitted %d times with different %s: %s" % (
                product, iso(start), len(values), ID_HEADER, " ".join(compact(v) for v in values)))
        elif values[0] != expected[window]:
            differences.append("%s %s: expected %s, got %s" % (product, iso(start), compact(expected[window]), compact(values[0])))
    if duplicates and not allow_duplicates:
        differences.append("%d records repeated (same %s) without a crash" % (duplicates, ID_HEADER))
    report.line(OUTPUT_TOPIC, "expected %6d  got %6d (%d read, %d duplicates by %s)" % (
        len(expected), len(by_id), len(messages), duplicates, ID_HEADER), not differences, differences)


def read_store(http_base, products):
    """{(product, window_start ms): (window_end ms, count)} from the store API, and problems seen."""
    windows, problems = {}, []
    for product in products:
        url = "%s/stores/%s/windows/%s?%s" % (http_base.rstrip("/"), STORE, urllib.parse.quote(product, safe=""),
                                              urllib.parse.urlencode({"from": QUERY_FROM, "to": QUERY_TO}))
        status, body = http_get(url)
        if status is None:
            problems.append("GET %s: %s" % (url, body))
            break   # nothing answers: once is enough
        if status == 404:
            continue   # taken as "no windows for this key"; a missing store shows up as missing windows
        if status != 200:
            problems.append("GET %s: %s %s" % (url, status, body.strip()[:200]))
            continue
        try:
            rows = json.loads(body)
            starts = [parse_iso(row["window_start"]) for row in rows]
            if starts != sorted(starts):
                problems.append("%s: windows not ordered by window_start" % product)
            for row, start in zip(rows, starts):
                if row["key"] != product:
                    problems.append("%s: row with key %r" % (product, row["key"]))
                windows[(product, start)] = (parse_iso(row["window_end"]), row["value"])
        except (ValueError, TypeError, KeyError) as error:
            problems.append("%s: unreadable answer %r (%s)" % (product, body[:200], error))
    return windows, problems


def check_store(http_base, ref, timeout, report):
    expected = {window: (window[1] + WINDOW, n) for window, n in ref["store"].items()}
    products = sorted(set(PRODUCTS) | {product for product, _ in expected})
    deadline = time.time() + timeout
    while True:   # the store answers as of the last commit: poll until it catches up
        got, problems = read_store(http_base, products)
        if (got == expected and not problems) or time.time() > deadline:
            break
        time.sleep(2)
    differences = list(problems)
    for window in sorted(set(expected) | set(got)):
        product, start = window
        if window not in got:
            differences.append("missing %s %s: expected count %d" % (product, iso(start), expected[window][1]))
        elif window not in expected:
            differences.append("extra %s %s: count %r" % (product, iso(start), got[window][1]))
        elif got[window] != expected[window]:
            differences.append("%s %s: expected end %s count %d, got end %s count %r" % (
                product, iso(start), iso(expected[window][0]), expected[window][1], iso(got[window][0]), got[window][1]))
    report.line("store " + STORE, "expected %6d  got %6d windows (%d keys asked)" % (
        len(expected), len(got), len(products)), not differences, differences)


def late_metric(http_base):
    status, body = http_get(http_base.rstrip("/") + "/metrics")
    if status != 200:
        return None, "GET /metrics: %s %s" % (status, body.strip()[:200])
    total, seen = 0.0, False
    for line in body.splitlines():
        # `name value` or `name{labels} value`; `# HELP`/`# TYPE` lines start with '#'.
        if line.startswith(LATE_METRIC) and line[len(LATE_METRIC):len(LATE_METRIC) + 1] in ("{", " "):
            total += float(line.rsplit(None, 1)[1])
            seen = True
    return (total if seen else None), (None if seen else "no %s line in /metrics" % LATE_METRIC)


def check_metrics(http_base, ref, timeout, report):
    deadline = time.time() + timeout
    while True:
        got, problem = late_metric(http_base)
        if got == ref["late"] or time.time() > deadline:
            break
        time.sleep(2)
    report.line(LATE_METRIC, "expected %6d  got %6s" % (ref["late"], "-" if got is None else "%d" % got),
                got == ref["late"], [problem] if problem else [])


def check(bootstrap, path, partitions, http_base, parts, allow_duplicates, timeout):
    inputs = read_input(path)
    ref = reference(path, partitions)
    print("reference: %d input records, %d views, %d late, %d windows, %d closed; %d repartition partitions" % (
        len(inputs), ref["views"], ref["late"], len(ref["store"]), len(ref["outputs"]), partitions))
    report = Report()
    actual_partitions = topic_partitions(bootstrap, REPARTITION_TOPIC)
    report.line(REPARTITION_TOPIC, "%d partitions on the broker" % actual_partitions, actual_partitions == partitions)
    if "outputs" in parts:
        wait_for_outputs(bootstrap, ref, timeout)
        check_input(bootstrap, inputs, report)
        check_repartition(bootstrap, partitions, ref, report)
    if "store" in parts:
        check_store(http_base, ref, min(timeout, 60), report)
    if "metrics" in parts:
        check_metrics(http_base, ref, min(timeout, 60), report)
    if "outputs" in parts:
        # Compared last, after a settle: a repeated or extra final result may still be on its way (after
        # a restart, the store answering shows the runner is up; re-emitting would come about then).
        time.sleep(5)
        check_outputs(bootstrap, ref, allow_duplicates, report)
    print("PASS" if report.failures == 0 else "FAIL (%d)" % report.failures)
    return 0 if report.failures == 0 else 1


def main(argv):
    command = argv[1] if len(argv) > 1 else ""
    if command == "generate":
        generate(int(argv[2]), int(argv[3]))
    elif command == "reference":
        print_reference(argv[2], int(argv[3]))
    elif command == "check":
        bootstrap, path, partitions, http_base = argv[2], argv[3], int(argv[4]), argv[5]
        options = argv[6:]
        parts, allow_duplicates, timeout = {"outputs", "store", "metrics"}, False, 120
        while options:
            option = options.pop(0)
            if option == "--parts":
                parts = set(options.pop(0).split(","))
            elif option == "--allow-duplicates":
                allow_duplicates = True
            elif option == "--timeout":
                timeout = int(options.pop(0))
            else:
                sys.exit("unknown option %s" % option)
        return check(bootstrap, path, partitions, http_base, parts, allow_duplicates, timeout)
    elif command == "topic-partitions":
        print(topic_partitions(argv[2], argv[3]))
    elif command == "murmur2":
        for text in argv[2:]:
            print("%s\t%d" % (text, murmur2(text.encode("utf-8"))))
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
