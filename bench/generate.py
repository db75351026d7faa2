#!/usr/bin/env python3
"""Deterministic benchmark data: orders (CSV and NDJSON) and customers (CSV).

  python3 bench/generate.py --rows 1000000 --out bench/data

writes orders_<rows>.csv, orders_<rows>.ndjson and customers.csv (100,000 rows) into --out,
skipping a file that already exists with the right number of rows. Pure stdlib, seeded:
the same arguments give the same bytes on every machine.

Orders columns: id, customer_id, email, age, status, region, product, amount, quantity,
order_total, created_at, full_name. NDJSON records also carry `tags` (array of strings)
and `address` ({city, zip}). About 60% of orders are active; amount is 1.00-500.00;
order_total = amount * quantity exactly (computed in cents); about 1% of full_name values
contain a comma (so the CSV quotes them). Columns are drawn in bulk per chunk and rows are
formatted with plain string operations: no csv or json module on the hot path.
"""
import argparse
import os
import sys
import time
from datetime import date, timedelta
from random import Random

SEED = 1_000_003
CHUNK = 50_000
CUSTOMERS = 100_000

ORDER_COLUMNS = ["id", "customer_id", "email", "age", "status", "region", "product", "amount",
                 "quantity", "order_total", "created_at", "full_name"]
FIRST = ["James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda",
         "David", "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica",
         "Thomas", "Sarah", "Carlos", "Karen", "Wei", "Aisha", "Hiroshi", "Olga", "Pierre",
         "Ingrid", "Mateo", "Priya", "Kwame", "Fatima", "Lars", "Sofia"]
LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
        "Rodriguez", "Martinez", "Hernandez", "Lopez", "Wilson", "Anderson", "Thomas",
        "Taylor", "Moore", "Jackson", "Martin", "Lee", "Nguyen", "Okafor", "Kowalski",
        "Yamamoto", "Schmidt", "Rossi", "Dubois", "Larsen", "Ivanova", "Patel"]
SUFFIXES = [", Jr.", ", Sr.", ", III", ", PhD"]
DOMAINS = ["example.com", "mail.example.org", "shop.example.net", "corp.test"]
STATUSES = ["active", "inactive", "pending"]
STATUS_CUM = [60, 85, 100]
REGIONS = ["north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest"]
PRODUCTS = [
    "laptop", "desktop", "monitor", "keyboard", "mouse", "headphones", "webcam", "microphone",
    "speaker", "tablet", "phone", "charger", "usb-hub", "ssd", "hard-drive", "memory-card",
    "router", "switch", "printer", "scanner", "projector", "desk", "chair", "lamp",
    "backpack", "sleeve", "stylus", "dock", "cable", "adapter", "smartwatch", "fitness-band",
    "camera", "tripod", "drone", "console", "controller", "vr-headset", "e-reader", "power-bank",
]
QUANTITY_CUM = [30, 52, 67, 77, 84, 89, 93, 96, 98, 100]  # quantities 1..10, mostly small
TAGS = ["gift", "express", "bulk", "promo", "returning", "mobile", "b2b", "loyalty"]
CITIES = ["Springfield", "Riverside", "Franklin", "Greenville", "Bristol", "Clinton",
          "Fairview", "Salem", "Madison", "Georgetown", "Arlington", "Ashland", "Oxford",
          "Jackson", "Burlington", "Manchester", "Milton", "Newport", "Auburn", "Dayton"]
SEGMENTS = ["consumer", "small_business", "corporate", "enterprise"]
SEGMENT_CUM = [55, 80, 95, 100]
COUNTRIES = ["US", "CA", "MX", "BR", "GB", "DE", "FR", "ES", "IT", "NL", "SE", "PL", "IN",
             "JP", "KR", "CN", "AU", "NZ", "ZA", "NG"]
START_DAY = date(2023, 1, 1)
DAYS = 730


def count_rows(path, header):
    """Data rows in an existing file (lines minus the header), or -1 if it is missing."""
    if not os.path.exists(path):
        return -1
    lines = 0
    with open(path, "rb") as f:
        while block := f.read(1 << 22):
            lines += block.count(b"\n")
    return lines - (1 if header else 0)


def cents_text(cents):
    return f"{cents // 100}.{cents % 100:02d}"


def tag_texts():
    """Every JSON array of 0-3 distinct tags, as text, weighted towards short ones."""
    texts = ["[]"] * 6
    for i, a in enumerate(TAGS):
        texts += [f'["{a}"]'] * 3
        for j, b in enumerate(TAGS[i + 1:], i + 1):
            texts.append(f'["{a}","{b}"]')
            for c in TAGS[j + 1:]:
                texts.append(f'["{a}","{b}","{c}"]')
    return texts


def order_chunk(index, start_id, n):
    """Rows start_id ..< start_id+n as (csv_lines, ndjson_lines) lists; seeded per chunk."""
    rng = Random(SEED * 7919 + index)
    choices = rng.choices
    firsts = choices(range(len(FIRST)), k=n)
    lasts = choices(range(len(LAST)), k=n)
    customers = choices(range(1, CUSTOMERS + 1), k=n)
    domains = choices(DOMAINS, k=n)
    ages = choices(AGE_TEXT, k=n)
    statuses = choices(STATUSES, cum_weights=STATUS_CUM, k=n)
    regions = choices(REGIONS, k=n)
    products = choices(PRODUCTS, k=n)
    amounts = choices(range(100, 50_001), k=n)
    quantities = choices(range(1, 11), cum_weights=QUANTITY_CUM, k=n)
    days = choices(DAY_TEXT, k=n)
    seconds = choices(range(86_400), k=n)
    odd = [r < 0.01 for r in (rng.random() for _ in range(n))]
    suffixes = choices(SUFFIXES, k=n)
    tags = choices(TAG_TEXT, k=n)
    cities = choices(CITIES, k=n)
    zips = choices(range(10_000, 100_000), k=n)

    csv_lines, json_lines = [], []
    for i in range(n):
        row_id = start_id + i
        f, l = firsts[i], lasts[i]
        name = FIRST[f] + " " + LAST[l]
        csv_name = name
        if odd[i]:
            name += suffixes[i]
            csv_name = '"' + name + '"'
        email = f"{FIRST_LOWER[f]}.{LAST_LOWER[l]}{customers[i]}@{domains[i]}"
        cents, qty = amounts[i], quantities[i]
        amount = AMOUNT_TEXT[cents]
        total = cents_text(cents * qty)
        s = seconds[i]
        created = f"{days[i]}T{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}Z"
        age, status, region, product = ages[i], statuses[i], regions[i], products[i]
        csv_lines.append(
            f"{row_id},{customers[i]},{email},{age},{status},{region},{product},"
            f"{amount},{qty},{total},{created},{csv_name}\n")
        json_lines.append(
            f'{{"id":{row_id},"customer_id":{customers[i]},"email":"{email}","age":{age},'
            f'"status":"{status}","region":"{region}","product":"{product}",'
            f'"amount":{amount},"quantity":{qty},"order_total":{total},'
            f'"created_at":"{created}","full_name":"{name}","tags":{tags[i]},'
            f'"address":{{"city":"{cities[i]}","zip":"{zips[i]}"}}}}\n')
    return csv_lines, json_lines


FIRST_LOWER = [x.lower() for x in FIRST]
LAST_LOWER = [x.lower() for x in LAST]
AGE_TEXT = [str(a) for a in range(18, 91)]
AMOUNT_TEXT = {c: cents_text(c) for c in range(100, 50_001)}
DAY_TEXT = [(START_DAY + timedelta(days=d)).isoformat() for d in range(DAYS)]
TAG_TEXT = tag_texts()


def write_orders(rows, csv_path, json_path):
    """Writes whichever of the two order files is not None, via a temp file and rename."""
    outputs = []
    if csv_path:
        f = open(csv_path + ".tmp", "w", encoding="utf-8", buffering=1 << 20)
        f.write(",".join(ORDER_COLUMNS) + "\n")
        outputs.append((f, csv_path, 0))
    if json_path:
        f = open(json_path + ".tmp", "w", encoding="utf-8", buffering=1 << 20)
        outputs.append((f, json_path, 1))
    for index, start in enumerate(range(0, rows, CHUNK)):
        lines = order_chunk(index, start + 1, min(CHUNK, rows - start))
        for f, _, which in outputs:
            f.writelines(lines[which])
    for f, path, _ in outputs:
        f.close()
        os.replace(path + ".tmp", path)


def write_customers(path):
    rng = Random(SEED + 1)
    segments = rng.choices(SEGMENTS, cum_weights=SEGMENT_CUM, k=CUSTOMERS)
    countries = rng.choices(COUNTRIES, k=CUSTOMERS)
    with open(path + ".tmp", "w", encoding="utf-8", buffering=1 << 20) as f:
        f.write("customer_id,segment,country\n")
        f.writelines(f"{i + 1},{segments[i]},{countries[i]}\n" for i in range(CUSTOMERS))
    os.replace(path + ".tmp", path)


def describe(path):
    size = os.path.getsize(path)
    return f"{path} ({size / 1e6:.1f} MB)"


def main():
    parser = argparse.ArgumentParser(description="Generate Sluice benchmark data.")
    parser.add_argument("--rows", type=int, default=1_000_000, help="orders to generate")
    parser.add_argument("--out", default="bench/data", help="output directory")
    args = parser.parse_args()
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    os.makedirs(args.out, exist_ok=True)
    began = time.monotonic()

    csv_path = os.path.join(args.out, f"orders_{args.rows}.csv")
    json_path = os.path.join(args.out, f"orders_{args.rows}.ndjson")
    customers_path = os.path.join(args.out, "customers.csv")
    need_csv = count_rows(csv_path, header=True) != args.rows
    need_json = count_rows(json_path, header=False) != args.rows
    if need_csv or need_json:
        write_orders(args.rows, csv_path if need_csv else None, json_path if need_json else None)
    for path, made in ((csv_path, need_csv), (json_path, need_json)):
        print(("wrote " if made else "kept  ") + describe(path))
    if count_rows(customers_path, header=True) != CUSTOMERS:
        write_customers(customers_path)
        print("wrote " + describe(customers_path))
    else:
        print("kept  " + describe(customers_path))
    print(f"done in {time.monotonic() - began:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
