#!/usr/bin/env python3
"""Checks the NDJSON file Sluice wrote from the orders table against psql's CSV of the same
table (bench/postgres.sh): the same number of rows, and for every id the same 12 values —
integers and texts equal, numerics equal as decimals, timestamps equal as instants, an empty
CSV cell equal to null.

  python3 bench/postgres_check.py PSQL_CSV SLUICE_NDJSON ROWS
"""
import csv
import json
import sys
from datetime import datetime
from decimal import Decimal

FIELDS = ["id", "customer_id", "email", "age", "status", "region", "product", "amount", "quantity",
          "order_total", "created_at", "full_name"]
INTS = {"id", "customer_id", "age", "quantity"}
NUMERICS = {"amount", "order_total"}
TIMESTAMPS = {"created_at"}


def normal(field, value):
    if value is None:
        return None
    if field in INTS:
        return int(value)
    if field in NUMERICS:
        return Decimal(str(value))
    if field in TIMESTAMPS:
        return datetime.fromisoformat(value)
    return value


def main():
    psql_csv, ndjson, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
    expected = {}
    with open(psql_csv, newline="") as f:
        for cells in csv.reader(f):
            record = tuple(normal(name, cell if cell != "" else None) for name, cell in zip(FIELDS, cells))
            expected[record[0]] = record
    if len(expected) != rows:
        sys.exit(f"{psql_csv}: {len(expected)} distinct ids, expected {rows}")
    seen = 0
    with open(ndjson) as f:
        for number, line in enumerate(f, 1):
            data = json.loads(line)
            if sorted(data) != sorted(FIELDS):
                sys.exit(f"{ndjson}:{number}: fields {sorted(data)}")
            record = tuple(normal(name, data[name]) for name in FIELDS)
            if expected.get(record[0]) != record:
                sys.exit(f"{ndjson}:{number}: {record} differs from psql's {expected.get(record[0])}")
            seen += 1
    if seen != rows:
        sys.exit(f"{ndjson}: {seen} lines, expected {rows}")
    print(f"NDJSON checked: {seen} rows, every value equal to psql's")


if __name__ == "__main__":
    main()
