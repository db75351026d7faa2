#!/usr/bin/env python3
"""Writes sample-data.json: 300 customer/order records for the worked examples.

Deterministic (seeded), stdlib only. 285 records are valid; 15 carry exactly one
deliberate defect each, so the examples' expected counts are easy to state:

  3 missing email        3 malformed email ("not-an-email", ...)
  2 age 200              2 age -5              2 age "unknown"
  2 null id              1 missing id

Usage: python3 bench/make_sample_data.py [--out sample-data.json] [--check]
  --check  regenerate in memory and exit 1 if the file on disk differs.
"""
import argparse
import json
import random
import sys
from datetime import datetime, timedelta, timezone

SEED = 20231107
COUNT = 300

FIRST = ["Alice", "Bob", "Carol", "David", "Emma", "Frank", "Grace", "Henry", "Isabel",
         "Jack", "Karen", "Liam", "Maria", "Noah", "Olivia", "Paul", "Quinn", "Rosa",
         "Samuel", "Tina", "Umar", "Vera", "William", "Xena", "Yusuf", "Zoe"]
LAST = ["Anderson", "Brown", "Chen", "Dubois", "Evans", "Fischer", "Garcia", "Hughes",
        "Ivanova", "Johnson", "Kim", "Lopez", "Martin", "Nguyen", "Okafor", "Patel",
        "Rossi", "Schmidt", "Taylor", "Wilson"]
MIDDLE = ["Anne", "James", "Marie", "Lee", "Rose"]
DOMAINS = ["example.com", "mail.example.org", "corp.example.net", "shop.test"]
REGIONS = ["north", "south", "east", "west"]
PRODUCTS = {  # product -> unit price range in dollars
    "laptop": (650, 1800), "monitor": (140, 520), "keyboard": (25, 160),
    "mouse": (12, 90), "headphones": (40, 380), "webcam": (35, 210),
    "desk-chair": (120, 640), "usb-hub": (15, 75),
}
STATUSES = ["active", "inactive", "pending"]
STATUS_WEIGHTS = [60, 25, 15]

# Record index (0-based) -> defect. Spread out so every region/status mix sees some.
DEFECTS = {
    7: "missing_email", 58: "missing_email", 211: "missing_email",
    19: "malformed_email", 97: "malformed_email", 263: "malformed_email",
    33: "age_200", 150: "age_200",
    71: "age_negative", 188: "age_negative",
    44: "age_unknown", 239: "age_unknown",
    120: "null_id", 276: "null_id",
    165: "missing_id",
}
MALFORMED = {19: "not-an-email", 97: "not-an-email", 263: "jane.doe@localhost"}


def make_records():
    rng = random.Random(SEED)
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    records = []
    for i in range(COUNT):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        parts = [first, rng.choice(MIDDLE), last] if rng.random() < 0.05 else [first, last]
        full_name = " ".join(parts)
        email = f"{first.lower()}.{last.lower()}{i + 1}@{rng.choice(DOMAINS)}"
        product = rng.choice(sorted(PRODUCTS))
        low, high = PRODUCTS[product]
        cents = rng.randint(low * 100, high * 100)
        quantity = rng.choices([1, 2, 3, 4, 5], weights=[50, 25, 12, 8, 5])[0]
        created = start + timedelta(seconds=rng.randint(0, 300 * 86400))
        record = {
            "id": i + 1,
            "email": email,
            "age": rng.randint(18, 80),
            "status": rng.choices(STATUSES, weights=STATUS_WEIGHTS)[0],
            "region": rng.choice(REGIONS),
            "product": product,
            "amount": cents / 100,
            "quantity": quantity,
            # Computed in integer cents so the value is exactly amount*quantity to the cent.
            "order_total": cents * quantity / 100,
            "full_name": full_name,
            "created_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        defect = DEFECTS.get(i)
        if defect == "missing_email":
            del record["email"]
        elif defect == "malformed_email":
            record["email"] = MALFORMED[i]
        elif defect == "age_200":
            record["age"] = 200
        elif defect == "age_negative":
            record["age"] = -5
        elif defect == "age_unknown":
            record["age"] = "unknown"
        elif defect == "null_id":
            record["id"] = None
        elif defect == "missing_id":
            del record["id"]
        records.append(record)
    return records


def render(records):
    # One record per line: readable, diff-friendly, and still a single JSON array.
    lines = ",\n".join("  " + json.dumps(r, ensure_ascii=False) for r in records)
    return "[\n" + lines + "\n]\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="sample-data.json")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = render(make_records())
    if args.check:
        with open(args.out, encoding="utf-8") as f:
            if f.read() != text:
                print(f"{args.out} differs from the generator's output", file=sys.stderr)
                return 1
        print(f"{args.out} is up to date")
        return 0
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {COUNT} records to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
