#!/usr/bin/env python3
"""Independent reference for backlog-kills.sh: per product and minute of event time, how many
`Product Viewed` events with a product_id the input holds, from the input file alone (Python standard
library). With event times that only increase through the input, no view is late, so every window
the runner closed must hold exactly this count.

Usage: backlog_reference.py INPUT.tsv OUTPUT.txt  (INPUT: key<TAB>json per line; OUTPUT: key|json per
line as kcat prints product-views-per-minute)"""
import json
import sys
from datetime import datetime, timezone

def window_start(iso):
    ms = int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000)
    start = ms - ms % 60000
    return datetime.fromtimestamp(start / 1000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")

reference = {}
for line in open(sys.argv[1]):
    _, value = line.rstrip("\n").split("\t", 1)
    event = json.loads(value)
    product = (event.get("properties") or {}).get("product_id")
    if event.get("event") != "Product Viewed" or product is None:
        continue
    key = f"{product}|{window_start(event['timestamp'])}"
    reference[key] = reference.get(key, 0) + 1

got = {}
for line in open(sys.argv[2]):
    key, value = line.rstrip("\n").split("|", 1)
    result = json.loads(value)
    got[f"{key}|{result['window_start']}"] = result["count"]

wrong = {k: (v, reference.get(k)) for k, v in got.items() if reference.get(k) != v}
closed_missing = [k for k in reference if k not in got]
print(f"reference windows {len(reference)}, emitted {len(got)}, wrong counts {len(wrong)}, not emitted {len(closed_missing)} (windows still open at the end)")
for key, (count, expected) in list(wrong.items())[:5]:
    print(f"  {key}: emitted {count}, expected {expected}")
sys.exit(1 if wrong else 0)
