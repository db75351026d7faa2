#!/usr/bin/env python3
"""Sluice's database paths beside psql's \\copy (issue 6).

  python3 bench/databases.py                  # 1M rows, 3 runs
  python3 bench/databases.py --rows 200000 --runs 1

Starts a PostgreSQL 15 server on loopback in a temporary directory (scripts/test-databases.sh),
or uses $SLUICE_BENCH_POSTGRES_URL when set, fills `bench_src` (id int8, name text,
amount numeric(12,2), created timestamptz, active bool, tags jsonb) with generate_series, then
times as whole processes, interleaved run by run:

  psql \\copy bench_src TO file          (PostgreSQL's own export)
  psql \\copy bench_psql FROM file       (PostgreSQL's own import)
  sluice: postgres -> postgres (COPY into bench_dst, created LIKE bench_src before each run)
  sluice: postgres -> NDJSON file

and prints median seconds and rows/s. Each run's output is checked: the target table's row
count and sum(amount), and the NDJSON file's line count, must equal the source's.
Needs the release build: swift build -c release.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SLUICE = os.path.join(ROOT, ".build", "release", "sluice")


def start_postgres():
    script = f"""
        source {ROOT}/scripts/test-databases.sh
        TEST_DB_ROOT=$(mktemp -d /tmp/sluice-bench-db.XXXXXX); chmod 755 $TEST_DB_ROOT
        start_postgres >&2
        echo "$TEST_DB_ROOT $SLUICE_TEST_POSTGRES_URL"
    """
    out = subprocess.run(["bash", "-c", script], check=True, capture_output=True, text=True).stdout.split()
    return out[0], out[1]


def stop_postgres(root):
    subprocess.run(["bash", "-c", f"source {ROOT}/scripts/test-databases.sh; TEST_DB_ROOT={root}; stop_test_databases"], check=False)


def psql(url, sql):
    return subprocess.run(["psql", url, "-qAtX", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True, capture_output=True, text=True).stdout.strip()


def timed(cmd, env=None):
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return elapsed, proc.stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=10_000)
    args = parser.parse_args()
    if not os.path.exists(SLUICE):
        sys.exit("build first: swift build -c release")

    root = None
    url = os.environ.get("SLUICE_BENCH_POSTGRES_URL")
    if not url:
        root, url = start_postgres()
    work = tempfile.mkdtemp(prefix="sluice-bench-")
    os.chmod(work, 0o777)
    try:
        print(f"filling bench_src with {args.rows:,} rows ...", flush=True)
        psql(url, "DROP TABLE IF EXISTS bench_src, bench_dst, bench_psql")
        psql(url, f"""CREATE TABLE bench_src AS SELECT i::int8 AS id, 'name ' || i AS name,
                      round((i % 100000) / 7.0, 2)::numeric(12,2) AS amount,
                      timestamptz '2024-01-01 00:00:00+00' + i * interval '1 second' AS created,
                      i % 3 = 0 AS active, jsonb_build_object('k', i % 10, 'tag', 't' || (i % 5)) AS tags
                      FROM generate_series(1, {args.rows}) AS i""")
        psql(url, "CREATE TABLE bench_psql (LIKE bench_src)")
        psql(url, "VACUUM ANALYZE bench_src")
        expected_sum = psql(url, "SELECT sum(amount) FROM bench_src")
        csv = os.path.join(work, "src.csv")
        ndjson = os.path.join(work, "out.ndjson")
        to_pg = os.path.join(work, "to_pg.json")
        to_file = os.path.join(work, "to_file.json")
        source = {"type": "postgres", "config": {"url": url, "table": "bench_src"}}
        with open(to_pg, "w") as f:
            json.dump({"name": "pg-to-pg", "source": source,
                       "target": {"type": "postgres", "config": {"url": url, "table": "bench_dst", "mode": "insert"}}}, f)
        with open(to_file, "w") as f:
            json.dump({"name": "pg-to-ndjson", "source": source,
                       "target": {"type": "file", "config": {"path": ndjson, "format": "ndjson"}}}, f)
        env = dict(os.environ, SLUICE_DATA_DIRS=work, BATCH_SIZE=str(args.batch_size), LOG_LEVEL="error")

        times = {k: [] for k in ["psql \\copy to file", "psql \\copy from file", "sluice postgres -> postgres", "sluice postgres -> NDJSON"]}
        for run in range(args.runs):
            t, _ = timed(["psql", url, "-qAtX", "-c", f"\\copy bench_src to '{csv}' csv"])
            times["psql \\copy to file"].append(t)
            psql(url, "TRUNCATE bench_psql")
            t, _ = timed(["psql", url, "-qAtX", "-c", f"\\copy bench_psql from '{csv}' csv"])
            times["psql \\copy from file"].append(t)
            psql(url, "DROP TABLE IF EXISTS bench_dst")
            psql(url, "CREATE TABLE bench_dst (LIKE bench_src)")
            t, _ = timed([SLUICE, "run", "--no-state", to_pg], env)
            times["sluice postgres -> postgres"].append(t)
            count, total = psql(url, "SELECT count(*), sum(amount) FROM bench_dst").split("|")
            if int(count) != args.rows or total != expected_sum:
                sys.exit(f"bench_dst has {count} rows, sum {total}; expected {args.rows}, {expected_sum}")
            t, _ = timed([SLUICE, "run", "--no-state", to_file], env)
            times["sluice postgres -> NDJSON"].append(t)
            with open(ndjson, "rb") as f:
                lines = sum(1 for _ in f)
            if lines != args.rows:
                sys.exit(f"{ndjson} has {lines} lines; expected {args.rows}")
            print(f"run {run + 1}: " + ", ".join(f"{k} {v[-1]:.2f}s" for k, v in times.items()), flush=True)

        print(f"\n{args.rows:,} rows, median of {args.runs} (whole processes; outputs checked)\n")
        print(f"| {'path':<30} | {'seconds':>8} | {'rows/s':>10} |")
        print(f"|{'-' * 32}|{'-' * 10}|{'-' * 12}|")
        for name, samples in times.items():
            median = statistics.median(samples)
            print(f"| {name:<30} | {median:>8.2f} | {args.rows / median:>10,.0f} |")
    finally:
        if root:
            stop_postgres(root)


if __name__ == "__main__":
    main()
