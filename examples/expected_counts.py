#!/usr/bin/env python3
"""Prints the expected outcome of each example, computed independently of Sluice.

  python3 examples/expected_counts.py [--json]

Reads sample-data.json and the sample API's /sales body (imported from sample_api.py,
no server needed). Sums are exact decimals (every amount has at most 2 decimals), so a
Sluice result in binary floating point must round to these values at the cent.
"""
import argparse
import json
import re
import sys
from collections import OrderedDict
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import sample_api  # noqa: E402

EMAIL = re.compile(r"^[^@]+@[^@]+\.[^@]+$")


def load_sample():
    with open(HERE.parent / "sample-data.json", encoding="utf-8") as f:
        return json.load(f)


def email_problem(record):
    if "email" not in record or record["email"] is None:
        return "email missing"
    if not isinstance(record["email"], str) or not EMAIL.search(record["email"]):
        return f"email {record['email']!r} does not match the pattern"
    return None


def id_problem(record, want):
    if "id" not in record:
        return "id missing"
    if record["id"] is None:
        return "id null"
    if want == "number" and not isinstance(record["id"], (int, float)):
        return f"id {record['id']!r} is not a number"
    return None


def age_problem(record):
    age = record.get("age")
    if age is None:
        return None
    if isinstance(age, str):
        try:
            age = float(age)  # non-strict mode coerces numeric strings
        except ValueError:
            return f"age {record['age']!r} is not a number"
    if age < 0:
        return f"age {record['age']} is below the min 0"
    if age > 150:
        return f"age {record['age']} is above the max 150"
    return None


def group(records, keys, sum_fields):
    groups = OrderedDict()  # first-appearance order
    for r in records:
        key = tuple(r.get(k) for k in keys)
        g = groups.setdefault(key, {"count": 0, **{f: Decimal(0) for f in sum_fields}})
        g["count"] += 1
        for f in sum_fields:
            g[f] += Decimal(str(r[f]))
    return groups


def example1(data):
    return {"recordsExtracted": len(data), "recordsLoaded": len(data), "recordsErrored": 0}


def example2(data):
    rejected, valid = [], []
    for pos, r in enumerate(data, start=1):
        problem = id_problem(r, "number") or email_problem(r)
        (rejected if problem else valid).append((pos, r, problem))
    active = [r for _, r, _ in valid if r.get("status") == "active"]
    groups = group(active, ["region"], ["order_total"])
    return {
        "recordsExtracted": len(data),
        "recordsErrored": len(rejected),
        "rejected": [{"position": p, "id": r.get("id"), "reason": why} for p, r, why in rejected],
        "validRecords": len(valid),
        "activeAfterFilter": len(active),
        "groups": [{"region": k[0], "order_total": str(v["order_total"]), "id": v["count"]}
                   for k, v in sorted(groups.items())],
    }


def customer_migration(data):
    customers = sample_api.customers(HERE.parent / "sample-data.json")
    rejected, valid = [], []
    for pos, r in enumerate(customers, start=1):
        problem = id_problem(r, "string") or email_problem(r) or age_problem(r)
        (rejected if problem else valid).append((pos, r, problem))
    active = [r for _, r, _ in valid if r.get("status") == "active"]
    return {
        "recordsExtracted": len(customers),
        "recordsErrored": len(rejected),
        "rejected": [{"position": p, "id": r.get("id"), "reason": why} for p, r, why in rejected],
        "validRecords": len(valid),
        "recordsLoaded": len(active),
    }


def extract_transform():
    sales = sample_api.sales()
    kept = [s for s in sales if s["amount"] > 100]
    groups = group(kept, ["region", "product"], ["amount", "quantity"])
    return {
        "recordsExtracted": len(sales),
        "afterFilter": len(kept),
        "exactly100": sum(1 for s in sales if s["amount"] == 100),
        "groups": [{"region": k[0], "product": k[1], "amount": str(v["amount"]),
                    "quantity": int(v["quantity"]), "transactions": v["count"]}
                   for k, v in sorted(groups.items())],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    args = parser.parse_args()
    data = load_sample()
    result = {
        "example1": example1(data),
        "example2": example2(data),
        "customerMigration": customer_migration(data),
        "extractTransform": extract_transform(),
    }
    if args.json:
        json.dump(result, sys.stdout, indent=2)
        print()
        return 0
    e1, e2, cm, et = (result[k] for k in result)
    print(f"Example 1: extracted {e1['recordsExtracted']}, loaded {e1['recordsLoaded']}, errored 0")
    print(f"Example 2: extracted {e2['recordsExtracted']}, rejected {e2['recordsErrored']}, "
          f"valid {e2['validRecords']}, active {e2['activeAfterFilter']}, groups {len(e2['groups'])}")
    for r in e2["rejected"]:
        print(f"  rejected position {r['position']} (id {r['id']}): {r['reason']}")
    for g in e2["groups"]:
        print(f"  region {g['region']:<6} order_total {g['order_total']:>10}  id count {g['id']}")
    print(f"Customer migration: extracted {cm['recordsExtracted']}, rejected {cm['recordsErrored']}, "
          f"valid {cm['validRecords']}, loaded (active) {cm['recordsLoaded']}")
    for r in cm["rejected"]:
        print(f"  rejected position {r['position']} (id {r['id']}): {r['reason']}")
    print(f"Extract and transform: extracted {et['recordsExtracted']}, amount > 100: "
          f"{et['afterFilter']} (exactly 100.00: {et['exactly100']}), groups {len(et['groups'])}")
    for g in et["groups"]:
        print(f"  {g['region']:<6} {g['product']:<10} amount {g['amount']:>10}  "
              f"quantity {g['quantity']:>4}  transactions {g['transactions']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
