#!/usr/bin/env python3
"""The six benchmark jobs in DuckDB, Polars and pandas, one job per process.

  python3 bench/peers.py ENGINE JOB --orders-csv F --orders-ndjson F --customers F --out F [--threads N]

ENGINE is duckdb, polars or pandas; JOB is J1..J9 (see bench/README.md). Each job reads the
input files and writes its result to --out in the same format as the Sluice job (NDJSON,
a JSON array or CSV), so a timing includes reading, computing and writing. The last line
on stdout is JSON: {"import_s": ..., "work_s": ...} — the time to import the engine and
the time from then until the output file is closed; compare.py times the whole process
around it.

Each engine is used the way its documentation recommends for files larger than memory
would allow to be careless with: DuckDB SQL over read_csv/read_json with COPY ... TO,
Polars' lazy API with the streaming engine (sink_* where the plan allows it), pandas
read_csv with usecols where a job needs few columns and chunked read_json for NDJSON.
"""
import argparse
import json
import os
import sys
import time

STATS = ["sum", "avg", "count", "min", "max", "median", "stddev"]
CHUNK = 200_000  # pandas: rows per chunk where a job streams


# --- DuckDB -----------------------------------------------------------------------------------

def duckdb_job(job, a):
    import duckdb
    imported = time.perf_counter()
    con = duckdb.connect()
    if a.threads:
        con.execute(f"SET threads TO {int(a.threads)}")
    csv = f"read_csv({sql_text(a.orders_csv)})"
    ndjson = f"read_json({sql_text(a.orders_ndjson)}, format = 'newline_delimited')"
    parquet = f"read_parquet({sql_text(a.orders_parquet)})"
    customers = f"read_csv({sql_text(a.customers)})"
    out = sql_text(a.out)
    aggregate = """
        SELECT region, product,
               sum(amount) AS amount_sum, avg(amount) AS amount_avg, count(*) AS amount_count,
               min(amount) AS amount_min, max(amount) AS amount_max,
               median(amount) AS amount_median, stddev_samp(amount) AS amount_stddev
        FROM {src}
        WHERE status = 'active' AND amount > 100
        GROUP BY region, product"""
    window = "PARTITION BY customer_id ORDER BY created_at, id"
    queries = {
        "J1": f"COPY (SELECT * FROM {csv}) TO {out} (FORMAT JSON)",
        "J2": f"COPY ({aggregate.format(src=csv)}) TO {out} (FORMAT JSON, ARRAY true)",
        "J3": f"COPY ({aggregate.format(src=ndjson)}) TO {out} (FORMAT JSON, ARRAY true)",
        "J4": f"""COPY (
            SELECT c.segment, sum(o.order_total) AS order_total
            FROM {csv} o LEFT JOIN {customers} c ON o.customer_id = c.customer_id
            GROUP BY c.segment) TO {out} (FORMAT JSON, ARRAY true)""",
        "J5": f"""COPY (
            SELECT *,
                   row_number() OVER ({window}) AS rn,
                   lag(amount) OVER ({window}) AS prev_amount,
                   sum(amount) OVER ({window} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
                       AS running_amount
            FROM {csv}) TO {out} (FORMAT JSON)""",
        # File order = id order in this data (ids are the line numbers); the final ORDER BY
        # writes the kept rows in file order, as the other engines do.
        "J6": f"""COPY (
            SELECT * FROM {csv}
            QUALIFY row_number() OVER (PARTITION BY email ORDER BY id) = 1
            ORDER BY id) TO {out} (FORMAT CSV, HEADER true)""",
        "J7": f"COPY (SELECT * FROM {csv} ORDER BY amount DESC, id) TO {out} (FORMAT CSV, HEADER true)",
        "J8": f"COPY ({aggregate.format(src=parquet)}) TO {out} (FORMAT JSON, ARRAY true)",
        # DuckDB's own default codec (snappy), as Sluice's.
        "J9": f"COPY (SELECT * FROM {csv}) TO {out} (FORMAT PARQUET)",
    }
    con.execute(queries[job])
    con.close()
    return imported


def sql_text(s):
    return "'" + s.replace("'", "''") + "'"


# --- Polars -----------------------------------------------------------------------------------

def polars_job(job, a):
    # POLARS_MAX_THREADS must be set before the import; compare.py sets it in the environment.
    import polars as pl
    imported = time.perf_counter()
    amount = pl.col("amount")

    def aggregate(lf):
        return (lf.filter((pl.col("status") == "active") & (amount > 100))
                .group_by("region", "product")
                .agg(amount_sum=amount.sum(), amount_avg=amount.mean(), amount_count=pl.len(),
                     amount_min=amount.min(), amount_max=amount.max(),
                     amount_median=amount.median(), amount_stddev=amount.std())
                .collect(engine="streaming"))

    if job == "J1":
        pl.scan_csv(a.orders_csv).sink_ndjson(a.out, engine="streaming")
    elif job == "J2":
        aggregate(pl.scan_csv(a.orders_csv)).write_json(a.out)
    elif job == "J3":
        aggregate(pl.scan_ndjson(a.orders_ndjson)).write_json(a.out)
    elif job == "J4":
        orders = pl.scan_csv(a.orders_csv).select("customer_id", "order_total")
        customers = pl.scan_csv(a.customers).select("customer_id", "segment")
        (orders.join(customers, on="customer_id", how="left")
         .group_by("segment").agg(pl.col("order_total").sum())
         .collect(engine="streaming").write_json(a.out))
    elif job == "J5":
        (pl.scan_csv(a.orders_csv)
         .sort("customer_id", "created_at", "id")
         .with_columns(rn=pl.int_range(1, pl.len() + 1, dtype=pl.UInt32).over("customer_id"),
                       prev_amount=amount.shift(1).over("customer_id"),
                       running_amount=amount.cum_sum().over("customer_id"))
         .sink_ndjson(a.out, engine="streaming"))
    elif job == "J6":
        (pl.scan_csv(a.orders_csv)
         .unique(subset="email", keep="first", maintain_order=True)
         .sink_csv(a.out, engine="streaming"))
    elif job == "J7":
        (pl.scan_csv(a.orders_csv)
         .sort(["amount", "id"], descending=[True, False])
         .sink_csv(a.out, engine="streaming"))
    elif job == "J8":
        aggregate(pl.scan_parquet(a.orders_parquet)).write_json(a.out)
    elif job == "J9":
        # Polars' own default codec (zstd).
        pl.scan_csv(a.orders_csv).sink_parquet(a.out, engine="streaming")
    return imported


# --- pandas -----------------------------------------------------------------------------------

def pandas_job(job, a):
    import pandas as pd
    imported = time.perf_counter()

    def aggregate(df):
        df = df[(df["status"] == "active") & (df["amount"] > 100)]
        g = df.groupby(["region", "product"])["amount"].agg(
            ["sum", "mean", "count", "min", "max", "median", "std"])
        g.columns = [f"amount_{s}" for s in STATS]
        g.reset_index().to_json(a.out, orient="records")

    def write_ndjson(frames):
        # to_json builds the whole text in memory; writing slices keeps that bounded.
        with open(a.out, "w") as f:
            for frame in frames:
                if not frame.empty:
                    f.write(frame.to_json(orient="records", lines=True))

    if job == "J1":
        with pd.read_csv(a.orders_csv, chunksize=CHUNK) as reader:
            write_ndjson(reader)
    elif job == "J2":
        aggregate(pd.read_csv(a.orders_csv, usecols=["status", "region", "product", "amount"]))
    elif job == "J3":
        # read_json has no usecols: read in chunks and keep only what the query needs, so
        # memory stays bounded by the filtered columns rather than every parsed record.
        parts = []
        with pd.read_json(a.orders_ndjson, lines=True, chunksize=CHUNK) as reader:
            for chunk in reader:
                chunk = chunk[["status", "region", "product", "amount"]]
                parts.append(chunk[(chunk["status"] == "active") & (chunk["amount"] > 100)])
        aggregate(pd.concat(parts, ignore_index=True))
    elif job == "J4":
        orders = pd.read_csv(a.orders_csv, usecols=["customer_id", "order_total"])
        customers = pd.read_csv(a.customers, usecols=["customer_id", "segment"])
        joined = orders.merge(customers, on="customer_id", how="left")
        result = joined.groupby("segment", dropna=False)["order_total"].sum().reset_index()
        result.to_json(a.out, orient="records")
    elif job == "J5":
        df = pd.read_csv(a.orders_csv)
        df = df.sort_values(["customer_id", "created_at", "id"], kind="stable", ignore_index=True)
        g = df.groupby("customer_id", sort=False)
        df["rn"] = g.cumcount() + 1
        df["prev_amount"] = g["amount"].shift(1)
        df["running_amount"] = g["amount"].cumsum()
        write_ndjson(df.iloc[i:i + CHUNK] for i in range(0, len(df), CHUNK))
    elif job == "J6":
        df = pd.read_csv(a.orders_csv)
        df.drop_duplicates(subset=["email"], keep="first").to_csv(a.out, index=False)
    elif job == "J7":
        df = pd.read_csv(a.orders_csv)
        df.sort_values(["amount", "id"], ascending=[False, True], kind="stable").to_csv(a.out, index=False)
    elif job == "J8":
        aggregate(pd.read_parquet(a.orders_parquet, columns=["status", "region", "product", "amount"]))
    elif job == "J9":
        import pyarrow as pa
        import pyarrow.parquet as pq
        writer = None
        with pd.read_csv(a.orders_csv, chunksize=CHUNK) as reader:
            for chunk in reader:
                table = pa.Table.from_pandas(chunk, preserve_index=False)
                writer = writer or pq.ParquetWriter(a.out, table.schema)
                writer.write_table(table)
        if writer:
            writer.close()
    return imported


ENGINES = {"duckdb": duckdb_job, "polars": polars_job, "pandas": pandas_job}
JOBS = ["J1", "J2", "J3", "J4", "J5", "J6", "J7", "J8", "J9"]


def main():
    began = time.perf_counter()
    parser = argparse.ArgumentParser(description="Run one benchmark job in a peer engine.")
    parser.add_argument("engine", choices=sorted(ENGINES))
    parser.add_argument("job", choices=JOBS)
    parser.add_argument("--orders-csv", required=True)
    parser.add_argument("--orders-ndjson", required=True)
    parser.add_argument("--orders-parquet", required=True)
    parser.add_argument("--customers", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--threads", type=int, help="DuckDB threads (Polars: POLARS_MAX_THREADS)")
    a = parser.parse_args()
    imported = ENGINES[a.engine](a.job, a)
    if not os.path.exists(a.out):
        print(f"{a.engine} {a.job}: no output written to {a.out}", file=sys.stderr)
        return 1
    done = time.perf_counter()
    print(json.dumps({"import_s": round(imported - began, 4), "work_s": round(done - imported, 4)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
