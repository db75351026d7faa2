#!/usr/bin/env python3
"""Deterministic benchmark data: orders (CSV and NDJSON) and customers (CSV).

  python3 bench/generate.py --rows 1000000 --out bench/data

writes orders_<rows>.csv, orders_<rows>.ndjson and customers.csv (100,000 rows) into --out.
Pure stdlib, seeded per chunk: the same arguments give the same bytes on every machine,
whatever --procs is. A file is kept when bench/data/MANIFEST.json says this generator
version wrote it with its present size; anything else is rewritten (via a temp file).

Orders columns: id, customer_id, email, age, status, region, product, amount, quantity,
order_total, created_at, full_name. NDJSON records also carry `tags` (array of strings)
and `address` ({city, zip}).

- customer_id is uniform over 1..101,000 while customers.csv holds 1..100,000, so about 1%
  of orders have no customer (a left join keeps them with a null segment).
- email, full_name and age belong to the customer (the email embeds customer_id), so each
  email recurs about rows/101,000 times: "first row per email" keeps ~101,000 rows.
- About 60% of orders are active; amount is 1.00-500.00; order_total = amount * quantity
  exactly (computed in cents); about 1% of customers' names carry a comma (`Mary Lee, Jr.`),
  so the CSV quotes them.

Speed: every text piece that repeats (per customer, per amount, per time of day) is built
once; rows are formatted with one f-string each, chunks are formatted in parallel worker
processes (one per core) and written in order. 10M rows take well under a minute on 2 cores.
"""
import argparse
import json
import os
import sys
import time
from datetime import date, timedelta
from random import Random

VERSION = 2  # bump whenever the bytes written change, so old files are regenerated
SEED = 1_000_003
CHUNK = 100_000
CUSTOMERS = 100_000          # rows of customers.csv
ORDER_CUSTOMERS = 101_000    # customer_id range in orders: ids above CUSTOMERS have no customer

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
MAX_CENTS = 50_000


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


def customer_texts():
    """Per customer_id (index 0 unused): the CSV and JSON text of `email,age` and of the name.

    The CSV piece is `email,age` and the CSV name is quoted when it holds a comma; the JSON
    piece is `"email":"...","age":N`.
    """
    rng = Random(SEED + 2)
    n = ORDER_CUSTOMERS
    firsts = rng.choices(range(len(FIRST)), k=n)
    lasts = rng.choices(range(len(LAST)), k=n)
    domains = rng.choices(DOMAINS, k=n)
    ages = rng.choices(range(18, 91), k=n)
    odd = [r < 0.01 for r in (rng.random() for _ in range(n))]
    suffixes = rng.choices(SUFFIXES, k=n)
    csv_ea, json_ea, csv_name, json_name = [""], [""], [""], [""]
    for i in range(n):
        cid = i + 1
        f, l = firsts[i], lasts[i]
        email = f"{FIRST[f].lower()}.{LAST[l].lower()}{cid}@{domains[i]}"
        name = FIRST[f] + " " + LAST[l]
        quoted = name
        if odd[i]:
            name += suffixes[i]
            quoted = '"' + name + '"'
        csv_ea.append(f"{email},{ages[i]}")
        json_ea.append(f'"email":"{email}","age":{ages[i]}')
        csv_name.append(quoted)
        json_name.append(name)
    return csv_ea, json_ea, csv_name, json_name


class Tables:
    """Text pieces shared by every chunk; built once per process (about 0.5 s)."""

    def __init__(self):
        self.csv_ea, self.json_ea, self.csv_name, self.json_name = customer_texts()
        self.amount = [cents_text(c) for c in range(MAX_CENTS + 1)]
        self.total = [cents_text(c) for c in range(MAX_CENTS * 10 + 1)]
        self.day = [(START_DAY + timedelta(days=d)).isoformat() for d in range(DAYS)]
        self.tod = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86_400)]
        self.tags = tag_texts()


TABLES = None


def order_chunk(index, start_id, n, want_csv, want_json):
    """Rows start_id ..< start_id+n as (csv_bytes, ndjson_bytes); seeded by chunk index."""
    global TABLES
    if TABLES is None:
        TABLES = Tables()
    t = TABLES
    rng = Random(SEED * 7919 + index)
    choices = rng.choices
    customers = choices(range(1, ORDER_CUSTOMERS + 1), k=n)
    statuses = choices(STATUSES, cum_weights=STATUS_CUM, k=n)
    regions = choices(REGIONS, k=n)
    products = choices(PRODUCTS, k=n)
    amounts = choices(range(100, MAX_CENTS + 1), k=n)
    quantities = choices(range(1, 11), cum_weights=QUANTITY_CUM, k=n)
    days = choices(t.day, k=n)
    tods = choices(t.tod, k=n)
    tags = choices(t.tags, k=n)
    cities = choices(CITIES, k=n)
    zips = choices(range(10_000, 100_000), k=n)
    amount_text, total_text = t.amount, t.total

    csv_out = json_out = b""
    if want_csv:
        csv_ea, csv_name = t.csv_ea, t.csv_name
        csv_out = "".join([
            f"{start_id + i},{c},{csv_ea[c]},{statuses[i]},{regions[i]},{products[i]},"
            f"{amount_text[a]},{q},{total_text[a * q]},{days[i]}T{tods[i]}Z,{csv_name[c]}\n"
            for i, c, a, q in zip(range(n), customers, amounts, quantities)]).encode()
    if want_json:
        json_ea, json_name = t.json_ea, t.json_name
        json_out = "".join([
            f'{{"id":{start_id + i},"customer_id":{c},{json_ea[c]},'
            f'"status":"{statuses[i]}","region":"{regions[i]}","product":"{products[i]}",'
            f'"amount":{amount_text[a]},"quantity":{q},"order_total":{total_text[a * q]},'
            f'"created_at":"{days[i]}T{tods[i]}Z","full_name":"{json_name[c]}","tags":{tags[i]},'
            f'"address":{{"city":"{cities[i]}","zip":"{zips[i]}"}}}}\n'
            for i, c, a, q in zip(range(n), customers, amounts, quantities)]).encode()
    return csv_out, json_out


def _chunk_task(task):
    return order_chunk(*task)


def write_orders(rows, csv_path, json_path, procs):
    """Writes whichever of the two order files is not None, via a temp file and rename."""
    outputs = []
    if csv_path:
        f = open(csv_path + ".tmp", "wb")
        f.write((",".join(ORDER_COLUMNS) + "\n").encode())
        outputs.append((f, csv_path, 0))
    if json_path:
        outputs.append((open(json_path + ".tmp", "wb"), json_path, 1))
    tasks = [(index, start + 1, min(CHUNK, rows - start), csv_path is not None, json_path is not None)
             for index, start in enumerate(range(0, rows, CHUNK))]

    def consume(results):
        for parts in results:
            for f, _, which in outputs:
                f.write(parts[which])

    global TABLES
    if TABLES is None:
        TABLES = Tables()  # built before forking, so the workers share it
    if procs > 1 and len(tasks) > 1:
        import multiprocessing
        with multiprocessing.get_context("fork").Pool(procs) as pool:
            consume(pool.imap(_chunk_task, tasks))
    else:
        consume(map(_chunk_task, tasks))
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


class Manifest:
    """bench/data/MANIFEST.json: which generator version wrote each file, and its size."""

    def __init__(self, directory):
        self.path = os.path.join(directory, "MANIFEST.json")
        try:
            with open(self.path) as f:
                self.entries = json.load(f)
        except (OSError, ValueError):
            self.entries = {}

    def current(self, path):
        entry = self.entries.get(os.path.basename(path))
        return (entry is not None and entry.get("version") == VERSION and os.path.exists(path)
                and entry.get("bytes") == os.path.getsize(path))

    def record(self, path, rows):
        self.entries[os.path.basename(path)] = {
            "version": VERSION, "rows": rows, "bytes": os.path.getsize(path)}
        with open(self.path + ".tmp", "w") as f:
            json.dump(self.entries, f, indent=1, sort_keys=True)
        os.replace(self.path + ".tmp", self.path)


def describe(path):
    return f"{path} ({os.path.getsize(path) / 1e6:.1f} MB)"


def main():
    parser = argparse.ArgumentParser(description="Generate Sluice benchmark data.")
    parser.add_argument("--rows", type=int, default=1_000_000, help="orders to generate")
    parser.add_argument("--out", default="bench/data", help="output directory")
    parser.add_argument("--procs", type=int, default=os.cpu_count() or 1,
                        help="worker processes formatting chunks (output is the same for any value)")
    args = parser.parse_args()
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    os.makedirs(args.out, exist_ok=True)
    began = time.monotonic()
    manifest = Manifest(args.out)

    csv_path = os.path.join(args.out, f"orders_{args.rows}.csv")
    json_path = os.path.join(args.out, f"orders_{args.rows}.ndjson")
    customers_path = os.path.join(args.out, "customers.csv")
    need_csv = not manifest.current(csv_path)
    need_json = not manifest.current(json_path)
    if need_csv or need_json:
        write_orders(args.rows, csv_path if need_csv else None, json_path if need_json else None,
                     max(1, args.procs))
    for path, made in ((csv_path, need_csv), (json_path, need_json)):
        if made:
            manifest.record(path, args.rows)
        print(("wrote " if made else "kept  ") + describe(path))
    if not manifest.current(customers_path):
        write_customers(customers_path)
        manifest.record(customers_path, CUSTOMERS)
        print("wrote " + describe(customers_path))
    else:
        print("kept  " + describe(customers_path))
    print(f"done in {time.monotonic() - began:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
