#!/usr/bin/env python3
"""Independent reference for topologies/interactions.yml, for scripts/accept/interactions-50k.sh.

generate N SEED      print N tab-separated `key<TAB>value` lines of raw Segment events (~2% malformed)
check BOOTSTRAP FILE read every output topic with kcat and compare with what the rules imply for FILE
"""
import json
import random
import subprocess
import sys
import time

BROWSING = {"Product Viewed", "Product List Viewed", "Products Searched", "Product Added",
            "Product Removed", "Cart Viewed", "Checkout Started"}
ORDERS = {"Order Completed", "Order Cancelled", "Order Refunded"}
OUTPUTS = ["customer-interactions", "order-events", "support-inquiries", "identifies", "shop-interactions-dlq"]
SUPPORT_FIELDS = ["inquiry_id", "userId", "channel", "subject", "message", "order_id", "timestamp"]


def generate(count, seed):
    rng = random.Random(seed)
    clock = 1795780800000
    for i in range(count):
        clock += rng.randint(1, 1500)
        ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(clock // 1000)) + ".%03dZ" % (clock % 1000)
        user = "C%d" % rng.randint(1, 400) if rng.random() < 0.8 else None
        anon = "a-%d" % rng.randint(1, 10**6)
        roll = rng.random()
        if roll < 0.02:
            value = rng.choice(['{"type":"track"', "garbage %d" % i, '["track"]', '{"event":"x"}', '{"type":7}', "42"])
        elif roll < 0.07:
            value = json.dumps({"type": "identify", "userId": user or "C1", "timestamp": ts,
                                "traits": {"email": "u%d@example.com" % i}}, separators=(",", ":"))
        elif roll < 0.10:
            value = json.dumps({"type": "page", "userId": user, "anonymousId": anon, "timestamp": ts,
                                "properties": {"path": "/"}}, separators=(",", ":"))
        elif roll < 0.12:
            props = {"inquiry_id": "Q-%d" % i, "subject": "Where is my order?", "message": "Hi \u00e9 \"quoted\""}
            if rng.random() < 0.5:
                props["order_id"] = "O-%d" % rng.randint(1, 9999)
            value = json.dumps({"type": "track", "event": "Support Inquiry Submitted", "userId": user or "C2",
                                "timestamp": ts, "context": {"channel": rng.choice(["email", "chat", "twitter"])},
                                "properties": props}, separators=(",", ":"))
        elif roll < 0.20:
            value = json.dumps({"type": "track", "event": rng.choice(sorted(ORDERS)), "userId": user or "C3",
                                "timestamp": ts, "properties": {"order_id": "O-%d" % i, "total": 19.99}},
                               separators=(",", ":"))
        elif roll < 0.22:
            value = json.dumps({"type": "track", "event": "Newsletter Subscribed", "userId": user, "timestamp": ts},
                               separators=(",", ":"))
        else:
            event = {"type": "track", "event": rng.choice(sorted(BROWSING)), "timestamp": ts,
                     "anonymousId": anon, "properties": {"product_id": "P%d" % rng.randint(1, 200), "price": 9.5}}
            if user:
                event["userId"] = user
            value = json.dumps(event, separators=(",", ":"))
        print("%s\t%s" % (user or anon, value))


def route(value):
    try:
        event = json.loads(value)
    except ValueError:
        return ("dlq", None, None)
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        return ("dlq", None, None)
    name, props = event.get("event"), event.get("properties") or {}
    def keyed(topic, key, out=None):
        return (topic, key, out) if isinstance(key, str) else ("dlq", None, None)
    if event["type"] == "track" and name in BROWSING:
        return keyed("customer-interactions", event.get("userId") if isinstance(event.get("userId"), str) else event.get("anonymousId"))
    if event["type"] == "track" and name in ORDERS:
        return keyed("order-events", props.get("order_id"))
    if event["type"] == "track" and name == "Support Inquiry Submitted":
        ctx = event.get("context") or {}
        return keyed("support-inquiries", event.get("userId"), {
            "inquiry_id": props.get("inquiry_id"), "userId": event.get("userId"), "channel": ctx.get("channel"),
            "subject": props.get("subject"), "message": props.get("message"), "order_id": props.get("order_id"),
            "timestamp": event.get("timestamp")})
    if event["type"] == "identify":
        return keyed("identifies", event.get("userId"))
    return ("dropped", None, None)


def read_topic(bootstrap, topic):
    out = subprocess.run(["kcat", "-b", bootstrap, "-t", topic, "-C", "-e", "-q", "-o", "beginning",
                          "-f", "%k\x1f%s\x1f%h\x1e"], capture_output=True, check=True).stdout.decode()
    return [r.split("\x1f") for r in out.split("\x1e") if r]


def check(bootstrap, path):
    inputs = [line.rstrip("\n").split("\t", 1) for line in open(path, encoding="utf-8")]
    expected = {t: [] for t in OUTPUTS}
    dropped = 0
    for key, value in inputs:
        topic, out_key, out_value = route(value)
        if topic == "dropped":
            dropped += 1
        elif topic == "dlq":
            expected["shop-interactions-dlq"].append((key, value))
        else:
            expected[topic].append((out_key, json.dumps(out_value, sort_keys=True) if out_value else value))
    want = sum(len(v) for v in expected.values())
    deadline = time.time() + 300
    while True:
        actual = {t: read_topic(bootstrap, t) for t in OUTPUTS}
        have = sum(len(v) for v in actual.values())
        if have >= want or time.time() > deadline:
            break
        time.sleep(2)
    failures = 0
    for topic in OUTPUTS:
        got = []
        for key, value, headers in actual[topic]:
            if topic == "support-inquiries":
                parsed = json.loads(value)
                if list(parsed.keys()) != SUPPORT_FIELDS:
                    failures += 1
                    print("FAIL support-inquiries field order: %s" % value)
                value = json.dumps(parsed, sort_keys=True)
            if topic == "shop-interactions-dlq" and ("tributary.error=" not in headers or "tributary.source.offset=" not in headers):
                failures += 1
                print("FAIL dead letter without error headers: %s" % headers)
            got.append((key, value))
        ok = sorted(got) == sorted(expected[topic])
        failures += 0 if ok else 1
        print("%-24s expected %6d  got %6d  %s" % (topic, len(expected[topic]), len(got), "ok" if ok else "MISMATCH"))
    routed = sum(len(expected[t]) for t in OUTPUTS[:4])
    print("input %d = routed %d + dropped %d + dead-lettered %d: %s" % (
        len(inputs), routed, dropped, len(expected["shop-interactions-dlq"]),
        "ok" if len(inputs) == routed + dropped + len(expected["shop-interactions-dlq"]) else "MISMATCH"))
    print("PASS" if failures == 0 else "FAIL (%d)" % failures)
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    if sys.argv[1] == "generate":
        generate(int(sys.argv[2]), int(sys.argv[3]))
    else:
        sys.exit(check(sys.argv[2], sys.argv[3]))
