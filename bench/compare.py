#!/usr/bin/env python3
"""Sluice against DuckDB, Polars and pandas on the six benchmark jobs (issue 3).

  python3 bench/compare.py                          # 1M rows, J1-J6, 5 runs, every peer
  python3 bench/compare.py --rows 10000000 --runs 3
  python3 bench/compare.py --jobs J2,J4 --peers duckdb --duckdb-threads 1,2 --sluice-workers 1,2

For each job it runs Sluice (`sluice run --no-state bench/jobs/<size>/<job>.json`) and each
peer (`python3 bench/peers.py ENGINE JOB ...`) as whole processes, several times each,
interleaved (run 1 of every engine, then run 2, ...) so that load from elsewhere on the
machine falls on all of them alike. Wall time is measured around the process, peak memory
is the engine process's maximum resident set (GNU time's %M). It then checks every engine's output
against DuckDB's and prints a table per job; the tables and the raw timings are saved
under bench/results/. The exit status is 1 when a run failed or a result differs.
See bench/README.md for how to read the table.
"""
import argparse
import json
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
OUT_DIR = "/tmp/sluice-bench"
PEERS = ["duckdb", "polars", "pandas"]


# --- the jobs ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Job:
    key: str
    slug: str
    title: str
    source: str            # "csv", "ndjson" or "parquet": which orders file it reads
    target: str            # output format: ndjson, json, csv or parquet
    transforms: tuple
    check: str             # how results are compared: rows, groups, window, dedupe
    uses_customers: bool = False

    def target_path(self):
        return f"{OUT_DIR}/{self.key.lower()}.{self.target}"


FILTER_AGGREGATE = (
    {"operation": "filter", "config": {"field": "status", "operator": "eq", "value": "active"}},
    {"operation": "filter", "config": {"field": "amount", "operator": "gt", "value": 100}},
    {"operation": "aggregate", "config": {
        "groupBy": ["region", "product"],
        "aggregations": {"amount": ["sum", "avg", "count", "min", "max", "median", "stddev"]}}},
)

JOBS = {job.key: job for job in [
    Job("J1", "csv-to-ndjson", "CSV -> NDJSON, all rows", "csv", "ndjson", (), "rows"),
    Job("J2", "filter-aggregate-csv",
        "CSV -> status = active, amount > 100 -> by region, product: 7 stats of amount -> JSON",
        "csv", "json", FILTER_AGGREGATE, "groups"),
    Job("J3", "filter-aggregate-ndjson", "J2's query from NDJSON", "ndjson", "json",
        FILTER_AGGREGATE, "groups"),
    Job("J4", "join-aggregate",
        "orders left join customers on customer_id -> by segment: sum(order_total) -> JSON",
        "csv", "json", (
            {"operation": "join", "config": {
                "with": {"type": "file", "config": {"path": "bench/data/customers.csv"}},
                "on": "customer_id", "type": "left", "fields": ["segment"]}},
            {"operation": "aggregate", "config": {
                "groupBy": ["segment"], "aggregations": {"order_total": "sum"}}},
        ), "groups", uses_customers=True),
    Job("J5", "window",
        "per customer_id by created_at, id: row_number, lag(amount), running sum -> NDJSON",
        "csv", "ndjson", (
            {"operation": "window", "config": {
                "partitionBy": ["customer_id"],
                "orderBy": [{"field": "created_at"}, {"field": "id"}],
                "functions": [
                    {"function": "row_number", "as": "rn"},
                    {"function": "lag", "field": "amount", "as": "prev_amount"},
                    {"function": "sum", "field": "amount", "as": "running_amount"}]}},
        ), "window"),
    Job("J6", "dedupe", "first row per email (file order) -> CSV", "csv", "csv", (
        {"operation": "dedupe", "config": {"fields": ["email"], "keep": "first"}},
    ), "dedupe"),
    Job("J7", "sort", "every row by amount desc, id -> CSV", "csv", "csv", (
        {"operation": "sort", "config": {"by": [{"field": "amount", "direction": "desc"}, {"field": "id"}]}},
    ), "sorted"),
    Job("J8", "filter-aggregate-parquet", "J2's query from Parquet (DuckDB's file of the CSV)", "parquet", "json",
        FILTER_AGGREGATE, "groups"),
    Job("J9", "csv-to-parquet", "CSV -> Parquet, all rows, each engine's default codec", "csv", "parquet", (), "rows"),
]}


def size_label(rows):
    for unit, name in ((1_000_000, "m"), (1_000, "k")):
        if rows % unit == 0:
            return f"{rows // unit}{name}"
    return str(rows)


def data_paths(rows):
    data = os.path.join("bench", "data")
    return {"csv": os.path.join(data, f"orders_{rows}.csv"),
            "ndjson": os.path.join(data, f"orders_{rows}.ndjson"),
            "parquet": os.path.join(data, f"orders_{rows}.parquet"),
            "customers": os.path.join(data, "customers.csv")}


def sluice_spec(job, rows):
    """The Sluice job file for JOB over `rows` orders (paths relative to the repository)."""
    return {
        "name": f"Benchmark {job.key}: {job.title} ({size_label(rows).upper()} orders)",
        "source": {"type": "file", "config": {"path": data_paths(rows)[job.source]}},
        "transforms": list(job.transforms),
        "target": {"type": "file", "config": {
            "path": job.target_path(), "format": job.target, "mode": "write"}},
    }


def job_file_name(job):
    return f"{job.key.lower()}-{job.slug}.json"


def committed_job_file(job, rows):
    path = os.path.join(BENCH, "jobs", size_label(rows), job_file_name(job))
    return path if os.path.exists(path) else None


def write_job_files(sizes):
    for rows in sizes:
        directory = os.path.join(BENCH, "jobs", size_label(rows))
        os.makedirs(directory, exist_ok=True)
        for job in JOBS.values():
            path = os.path.join(directory, job_file_name(job))
            with open(path, "w") as f:
                json.dump(sluice_spec(job, rows), f, indent=2)
                f.write("\n")
            print("wrote", os.path.relpath(path, ROOT))


# --- running one process ----------------------------------------------------------------------

@dataclass
class Run:
    wall: float = 0.0
    rss_kb: int = 0
    inner: float = None     # the engine's own time, when it reports one
    error: str = None


TIME = "/usr/bin/time"


def ensure_time():
    """GNU time, installed with apt when missing; returns whether it is there."""
    if os.access(TIME, os.X_OK):
        return True
    if shutil.which("apt-get"):
        print("installing GNU time: apt-get install -y time", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], env=env, stdout=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "-qq", "time"], env=env, stdout=subprocess.DEVNULL)
    return os.access(TIME, os.X_OK)


def child_pid(pid):
    """The (single) child of pid: the engine under /usr/bin/time."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            children = f.read().split()
        return int(children[0]) if children else None
    except (OSError, ValueError):
        return None


def run_process(argv, env, timeout, mem_limit_kb):
    """Runs argv to completion: wall time from just before spawn to reaping, and peak RSS.

    The peak RSS comes from GNU time (`%M`), which forks the engine from its own small
    process. Reading it from this process's wait4 would be wrong: Linux starts a child's
    maximum RSS at the RSS of the process that spawned it, i.e. this Python process.
    A watchdog kills the run when the engine passes the memory limit (so a peer that would
    exhaust this shared machine fails alone) or the time limit.
    """
    out = tempfile.TemporaryFile()
    err = tempfile.TemporaryFile()
    measure = tempfile.NamedTemporaryFile(prefix="sluice-bench-time-", delete=False)
    measure.close()
    timed = os.access(TIME, os.X_OK)
    full = [TIME, "-f", "%M", "-o", measure.name] + argv if timed else argv
    began = time.perf_counter()
    proc = subprocess.Popen(full, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                            start_new_session=True)
    finished = threading.Event()
    killed = []

    def watchdog():
        engine = None
        while not finished.wait(0.05):
            reason = None
            if time.perf_counter() - began > timeout:
                reason = f"killed after the {timeout:.0f} s time limit"
            else:
                engine = engine or (child_pid(proc.pid) if timed else proc.pid)
                rss = 0
                if engine:
                    try:
                        with open(f"/proc/{engine}/status") as f:
                            rss = next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
                    except (OSError, ValueError):
                        rss = 0
                if rss > mem_limit_kb:
                    reason = (f"killed at {rss / 1024 / 1024:.1f} GB resident "
                              f"(limit {mem_limit_kb / 1024 / 1024:.1f} GB, --mem-limit-gb)")
            if reason and not finished.is_set():
                killed.append(reason)
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except OSError:
                    pass
                return

    guard = threading.Thread(target=watchdog, daemon=True)
    guard.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - began
    finished.set()
    proc.returncode = os.waitstatus_to_exitcode(status)
    guard.join()
    out.seek(0)
    err.seek(0)
    stdout = out.read().decode(errors="replace")
    stderr = err.read().decode(errors="replace")
    rss_kb = usage.ru_maxrss
    if timed:
        with open(measure.name) as f:
            lines = f.read().split()
        # GNU time writes "Command exited with non-zero status N" before %M on failure.
        rss_kb = int(lines[-1]) if lines and lines[-1].isdigit() else 0
    os.unlink(measure.name)
    run = Run(wall=wall, rss_kb=rss_kb)
    if killed:
        run.error = killed[0]
    elif proc.returncode != 0:
        run.error = f"exit {proc.returncode}: " + first_error_line(stdout, stderr)
    return run, stdout


def first_error_line(stdout, stderr):
    for line in stdout.splitlines():  # sluice prints {"job": ..., "error": ...} on failure
        try:
            error = json.loads(line).get("error")
        except (ValueError, AttributeError):
            continue
        if error:
            return str(error)[:300]
    lines = [l.strip() for l in stderr.splitlines() if l.strip()]
    picked = [l for l in lines if "error" in l.lower()] or lines[-1:] or ["(no output)"]
    return picked[0][:300]


# --- engines ----------------------------------------------------------------------------------

@dataclass
class Engine:
    name: str
    kind: str               # sluice or a peer's name
    argv: list
    env: dict
    output: str
    runs: list = field(default_factory=list)
    error: str = None
    check: dict = None      # the output's summary for verification
    verdict: str = ""

    @property
    def ok_runs(self):
        return [r for r in self.runs if r.error is None]

    def median(self):
        walls = [r.wall for r in self.ok_runs]
        return statistics.median(walls) if walls else None


def engines_for(job, rows, args, job_file):
    paths = data_paths(rows)
    base_env = dict(os.environ)
    engines = []
    for workers in args.sluice_workers:
        for memory in args.sluice_memory_mb:
            env = dict(base_env)
            env.pop("MAX_WORKERS", None)
            env.pop("MAX_MEMORY_MB", None)
            name = "sluice"
            if workers is not None:
                env["MAX_WORKERS"] = str(workers)
                name += f" w={workers}"
            if memory is not None:
                env["MAX_MEMORY_MB"] = str(memory)
                name += f" mem={memory}"
            engines.append(Engine(name, "sluice", [args.sluice_bin, "run", "--no-state", job_file],
                                  env, job.target_path()))
    for peer in args.peers:
        threads = {"duckdb": args.duckdb_threads, "polars": args.polars_threads}.get(peer, [None])
        for n in threads:
            env = dict(base_env)
            name = peer if n is None else f"{peer} t={n}"
            out = os.path.join(OUT_DIR, name.replace(" ", "").replace("=", ""),
                               os.path.basename(job.target_path()))
            argv = [sys.executable, os.path.join(BENCH, "peers.py"), peer, job.key,
                    "--orders-csv", paths["csv"], "--orders-ndjson", paths["ndjson"], "--orders-parquet", paths["parquet"],
                    "--customers", paths["customers"], "--out", out]
            if n is not None:
                if peer == "duckdb":
                    argv += ["--threads", str(n)]
                env["POLARS_MAX_THREADS"] = str(n)
            engines.append(Engine(name, peer, argv, env, out))
    return engines


def inner_time(engine, stdout):
    """The engine's own idea of its time: sluice's stats, or peers.py's work_s."""
    for line in reversed(stdout.strip().splitlines()):
        try:
            data = json.loads(line)
        except ValueError:
            continue
        if engine.kind == "sluice":
            stats = data.get("stats") or {}
            if stats.get("endTime") is not None and stats.get("startTime") is not None:
                return (stats["endTime"] - stats["startTime"]) / 1000
            return None
        return data.get("work_s")
    return None


def sluice_rejections(stdout):
    for line in stdout.splitlines():
        try:
            return (json.loads(line).get("stats") or {}).get("recordsErrored") or 0
        except (ValueError, AttributeError):
            continue
    return 0


# --- verification -----------------------------------------------------------------------------

def load_groups(path):
    """A JSON array (or {"...": [...]} or NDJSON) of group rows."""
    with open(path) as f:
        text = f.read()
    try:
        data = json.loads(text)
    except ValueError:
        data = [json.loads(line) for line in text.splitlines() if line.strip()]
    if isinstance(data, dict):
        data = next((v for v in data.values() if isinstance(v, list)), [])
    return data


GROUP_FIELDS = {
    "J2": (("region", "product"), [f"amount_{s}" for s in ("sum", "avg", "count", "min", "max", "median", "stddev")]),
    "J3": (("region", "product"), [f"amount_{s}" for s in ("sum", "avg", "count", "min", "max", "median", "stddev")]),
    "J8": (("region", "product"), [f"amount_{s}" for s in ("sum", "avg", "count", "min", "max", "median", "stddev")]),
    "J4": (("segment",), ["order_total"]),
}
ALIASES = {"order_total": ("order_total", "order_total_sum")}


def summarize(job, path, duck):
    """What is compared for JOB's output at PATH: per-group values or whole-file checksums."""
    if job.check == "groups":
        keys, fields = GROUP_FIELDS[job.key]
        groups = {}
        for row in load_groups(path):
            values = []
            for f in fields:
                name = next((a for a in ALIASES.get(f, (f,)) if a in row), f)
                values.append(row.get(name))
            groups[tuple(row.get(k) for k in keys)] = values
        return {"groups": groups, "fields": fields}
    if job.check == "sorted":
        rel = (f"(SELECT *, row_number() OVER () AS line FROM read_csv('{path}', all_varchar = true))")
    elif job.target == "csv":
        rel = f"read_csv('{path}', all_varchar = true)"
    elif job.target == "parquet":
        rel = f"read_parquet('{path}')"
    else:
        rel = f"read_json('{path}', format = 'newline_delimited')"
    num = "TRY_CAST({} AS DOUBLE)"
    big = "TRY_CAST({} AS BIGINT)"
    common = [("rows", "count(*)"), ("sum(id)", f"sum({big.format('id')})"),
              ("sum(amount)", f"sum({num.format('amount')})")]
    extra = {
        "rows": [("sum(order_total)", f"sum({num.format('order_total')})"),
                 ("distinct emails", "count(DISTINCT email)"),
                 ("sum(len(full_name))", "sum(length(CAST(full_name AS VARCHAR)))")],
        "window": [("sum(rn)", f"sum({big.format('rn')})"),
                   ("sum(id*rn)", f"sum(CAST({big.format('id')} AS HUGEINT) * {big.format('rn')})"),
                   ("count(prev_amount)", f"count({num.format('prev_amount')})"),
                   ("sum(prev_amount)", f"sum({num.format('prev_amount')})"),
                   ("sum(running_amount)", f"sum({num.format('running_amount')})")],
        "dedupe": [("distinct emails", "count(DISTINCT email)"),
                   ("sum(len(full_name))", "sum(length(CAST(full_name AS VARCHAR)))")],
        # The order itself: row i's id weighted by i (the file's line order), so any row out
        # of place changes the sum.
        "sorted": [("sum(order_total)", f"sum({num.format('order_total')})"),
                   ("sum(line*id)", f"sum(CAST(line AS HUGEINT) * {big.format('id')})")],
    }[job.check]
    items = common + extra
    values = duck.execute("SELECT " + ", ".join(sql for _, sql in items) + f" FROM {rel}").fetchone()
    summary = {name: (int(v) if isinstance(v, int) else v) for (name, _), v in zip(items, values)}
    if job.check == "rows":
        columns = [r[0] for r in duck.execute(f"DESCRIBE SELECT * FROM {rel}").fetchall()]
        summary["columns"] = ",".join(sorted(columns))
    return summary


def close(a, b, rel=1e-6):
    if isinstance(a, str) or isinstance(b, str):
        try:
            a, b = float(a), float(b)
        except (TypeError, ValueError):
            return a == b
    if a is None or b is None:
        return a is b
    if isinstance(a, bool) or isinstance(b, bool) or not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
        return a == b
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-9)


def differences(job, mine, ref):
    """Human-readable differences between two summaries (empty when they agree)."""
    bad = []
    if job.check == "groups":
        a, b = mine["groups"], ref["groups"]
        if len(a) != len(b):
            bad.append(f"{len(a)} groups (duckdb {len(b)})")
        missing = [k for k in b if k not in a]
        if missing:
            bad.append(f"{len(missing)} groups missing, e.g. {missing[0]}")
        extra = [k for k in a if k not in b]
        if extra:
            bad.append(f"{len(extra)} unexpected groups, e.g. {extra[0]}")
        for key in sorted((k for k in a if k in b), key=str):
            for name, x, y in zip(ref["fields"], a[key], b[key]):
                if not close(x, y):
                    bad.append(f"{'/'.join(map(str, key))} {name} {x!r} (duckdb {y!r})")
        return bad
    for name, y in ref.items():
        x = mine.get(name)
        if name == "columns":
            if x != y:
                bad.append(f"columns {x} (duckdb {y})")
        elif not close(x, y):
            bad.append(f"{name} {x!r} (duckdb {y!r})")
    return bad


def verify(job, engines, rows, args, duck):
    """Compares every engine's last output with DuckDB's; sets each engine's verdict."""
    reference = next((e for e in engines if e.kind == "duckdb" and e.ok_runs and os.path.exists(e.output)), None)
    ref_path = reference.output if reference else None
    if ref_path is None:
        # DuckDB was not timed (or failed): produce the reference once, untimed.
        ref_path = os.path.join(OUT_DIR, "reference", os.path.basename(job.target_path()))
        probe = engines_for(job, rows, argparse.Namespace(
            sluice_workers=[], sluice_memory_mb=[None], peers=["duckdb"], duckdb_threads=[None], polars_threads=[None],
            sluice_bin=args.sluice_bin), job_file="")[0]
        probe.argv[probe.argv.index("--out") + 1] = ref_path
        os.makedirs(os.path.dirname(ref_path), exist_ok=True)
        run, _ = run_process(probe.argv, probe.env, args.timeout, args.mem_limit_kb)
        if run.error:
            for e in engines:
                e.verdict = "unverified (duckdb reference failed)"
            return
    ref = summarize(job, ref_path, duck)
    for e in engines:
        if not e.ok_runs:
            continue
        if e is reference:
            e.verdict = "reference"
            continue
        if not os.path.exists(e.output):
            e.verdict = f"MISMATCH: no output at {e.output}"
            continue
        try:
            mine = summarize(job, e.output, duck)
        except Exception as exc:  # an unreadable output is a mismatch, not a crash
            e.verdict = f"MISMATCH: cannot read output ({str(exc).splitlines()[0][:120]})"
            continue
        bad = differences(job, mine, ref)
        e.check = mine
        if bad:
            e.verdict = f"MISMATCH ({len(bad)}): " + "; ".join(bad[:3])
        else:
            e.verdict = "ok" if job.check == "groups" else f"ok ({summary_rows(mine)} rows)"
    if job.check == "groups":
        for e in engines:
            if e.verdict == "ok":
                e.verdict = f"ok ({len(ref['groups'])} groups)"
    if reference is not None:
        reference.verdict = "reference" + ("" if job.check == "groups" else f" ({summary_rows(ref)} rows)")


def summary_rows(summary):
    return f"{summary.get('rows', 0):,}"


# --- output -----------------------------------------------------------------------------------

def fmt_mb(kb):
    return f"{kb / 1024:,.0f} MB"


def job_table(job, rows, input_bytes, engines, runs):
    sluices = [e for e in engines if e.kind == "sluice" and e.median()]
    lines = [f"{job.key}  {job.title}",
             f"    {rows:,} rows, {input_bytes / 1e6:,.1f} MB input; median of {runs} runs; "
             f"ratio = engine wall / Sluice wall (> 1: Sluice faster)"]
    ratio_heads = ["ratio" if len(sluices) == 1 else f"ratio {s.name.split(' ', 1)[-1]}" for s in sluices]
    head = ["engine", "wall", "min", "in-proc", "rows/s", "MB/s", "peak RSS"] + ratio_heads + ["result"]
    table = [head]
    for e in engines:
        m = e.median()
        if m is None:
            table.append([e.name, "FAILED", "", "", "", "", ""] + [""] * len(sluices) + [e.error or ""])
            continue
        inner = [r.inner for r in e.ok_runs if r.inner is not None]
        row = [e.name, f"{m:.2f} s", f"{min(r.wall for r in e.ok_runs):.2f}",
               f"{statistics.median(inner):.2f}" if inner else "-",
               f"{rows / m:,.0f}", f"{input_bytes / m / 1e6:,.1f}",
               fmt_mb(max(r.rss_kb for r in e.ok_runs))]
        row += ["-" if s is e else f"{m / s.median():.2f}" for s in sluices]
        verdict = e.verdict
        if e.error:
            verdict = (verdict + "; " if verdict else "") + f"{len(e.runs) - len(e.ok_runs)} runs failed: {e.error}"
        table.append(row + [verdict])
    widths = [max(len(r[i]) for r in table) for i in range(len(head) - 1)]
    for r in table:
        cells = [r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:-1], widths[1:])]
        lines.append("    " + "  ".join(cells) + "  " + r[-1])
    return "\n".join(lines)


def summary_table(results):
    """Jobs x peers: the ratio to the first Sluice row, for a quick read."""
    names = []
    for _, engines in results:
        for e in engines:
            if e.kind != "sluice" and e.name not in names:
                names.append(e.name)
    if not names:
        return ""
    first = next((e.name for _, engines in results for e in engines if e.kind == "sluice"), "sluice")
    lines = [f"Summary: engine wall / {first} wall (median; > 1 means Sluice is faster)"]
    head = ["job", first] + names
    table = [head]
    for (key, rows), engines in results:
        sluice = next((e for e in engines if e.kind == "sluice"), None)
        base = sluice.median() if sluice else None
        row = [f"{key} {size_label(rows)}", f"{base:.2f} s" if base else ("failed" if sluice else "not run")]
        for n in names:
            e = next((x for x in engines if x.name == n), None)
            if e is None or e.median() is None:
                row.append("failed" if e else "")
            elif base:
                row.append(f"{e.median() / base:.2f}" + ("!" if e.verdict.startswith("MISMATCH") else ""))
            else:
                row.append(f"({e.median():.2f} s)")
        table.append(row)
    widths = [max(len(r[i]) for r in table) for i in range(len(head))]
    for r in table:
        lines.append("    " + "  ".join([r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:], widths[1:])]))
    lines.append("    (a peer's time includes starting python3 and importing it; see 'in-proc' above)")
    return "\n".join(lines)


# --- setup ------------------------------------------------------------------------------------

def ensure_peers(peers, install):
    """Returns the peers that can be imported, pip-installing missing ones when allowed."""
    ready = []
    for peer in peers:
        if subprocess.run([sys.executable, "-c", f"import {peer}"], capture_output=True).returncode == 0:
            ready.append(peer)
            continue
        if install:
            print(f"installing {peer}: {sys.executable} -m pip install {peer}", flush=True)
            subprocess.run([sys.executable, "-m", "pip", "install", "-q", peer])
            if subprocess.run([sys.executable, "-c", f"import {peer}"], capture_output=True).returncode == 0:
                ready.append(peer)
                continue
        print(f"skipping {peer}: python3 cannot import it" + ("" if install else " (pip install " + peer + ")"))
    return ready


def versions(peers):
    code = ";".join(f"import {p}; print('{p}', {p}.__version__)" for p in peers)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    return ", ".join(out.splitlines())


def stale_binary(binary):
    """True when a Swift source or Package.swift is newer than the binary."""
    built = os.path.getmtime(binary)
    newest = os.path.getmtime(os.path.join(ROOT, "Package.swift"))
    for directory, _, files in os.walk(os.path.join(ROOT, "Sources")):
        for name in files:
            if name.endswith(".swift"):
                newest = max(newest, os.path.getmtime(os.path.join(directory, name)))
    return newest > built


def git_state():
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    if head.returncode != 0:
        return "unknown"
    dirty = subprocess.run(["git", "diff", "--quiet", "HEAD"], cwd=ROOT).returncode != 0
    return head.stdout.strip() + (" with local changes" if dirty else "")


def warm(paths):
    """Reads the inputs once so every engine's runs start from the page cache."""
    for path in paths:
        with open(path, "rb", buffering=0) as f:
            while f.read(1 << 24):
                pass


def memory_total_kb():
    try:
        with open("/proc/meminfo") as f:
            return next(int(l.split()[1]) for l in f if l.startswith("MemTotal:"))
    except (OSError, StopIteration, ValueError):
        return 16 * 1024 * 1024


def int_list(text, allow_default=False):
    items = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if allow_default and part == "default":
            items.append(None)
            continue
        value = int(part.replace("_", ""))
        if value < 1:
            raise argparse.ArgumentTypeError(f"expected positive integers, got {part}")
        items.append(value)
    if not items:
        raise argparse.ArgumentTypeError("expected a comma-separated list")
    return items


def parse_args():
    cores = os.cpu_count() or 1
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="Example: python3 bench/compare.py --rows 1000000 --jobs J2,J3 --runs 3")
    p.add_argument("--rows", type=int_list, default=[1_000_000],
                   help="orders per input file; a comma-separated list runs each size (default 1000000)")
    p.add_argument("--jobs", default="J1,J2,J3,J4,J5,J6,J7", help="comma-separated subset of J1..J9")
    p.add_argument("--runs", type=int, default=5, help="timed runs per engine and job (default 5)")
    p.add_argument("--peers", default=",".join(PEERS),
                   help="comma-separated peers among duckdb,polars,pandas, or 'none' (default all)")
    p.add_argument("--duckdb-threads", type=int_list, default=[cores],
                   help=f"DuckDB thread counts, one engine row each (default {cores}, the cores)")
    p.add_argument("--polars-threads", type=int_list, default=[cores],
                   help=f"POLARS_MAX_THREADS values, one engine row each (default {cores})")
    p.add_argument("--sluice-workers", type=lambda s: int_list(s, allow_default=True), default=[None],
                   help="MAX_WORKERS values for Sluice, one engine row each; 'default' leaves it unset (default)")
    p.add_argument("--sluice-memory-mb", type=lambda s: int_list(s, allow_default=True), default=[None],
                   help="one Sluice row per value (MAX_MEMORY_MB); `default` = leave it unset (2048)")
    p.add_argument("--sluice-bin", default=os.path.join(ROOT, ".build", "release", "sluice"))
    p.add_argument("--build", action="store_true", help="run `swift build -c release --product sluice` first")
    p.add_argument("--no-sluice", action="store_true", help="time the peers only")
    p.add_argument("--no-install", action="store_true", help="do not pip-install missing peers")
    p.add_argument("--no-verify", action="store_true", help="skip comparing outputs with DuckDB's")
    p.add_argument("--keep-outputs", action="store_true", help=f"keep the outputs under {OUT_DIR}")
    p.add_argument("--timeout", type=float, default=900, help="seconds before a run is killed (default 900)")
    p.add_argument("--mem-limit-gb", type=float, default=round(memory_total_kb() * 0.6 / 1024 / 1024, 1),
                   help="resident GB at which a run is killed (default 60%% of this machine's memory)")
    p.add_argument("--write-jobs", action="store_true",
                   help="(re)write bench/jobs/<size>/*.json for --rows (and 1m, 10m) and exit")
    args = p.parse_args()
    args.jobs = [j.strip().upper() for j in args.jobs.split(",") if j.strip()]
    unknown = [j for j in args.jobs if j not in JOBS]
    if unknown:
        p.error(f"unknown job {', '.join(unknown)}; expected some of {', '.join(JOBS)}")
    args.peers = [] if args.peers.strip() == "none" else [x.strip() for x in args.peers.split(",") if x.strip()]
    bad = [x for x in args.peers if x not in PEERS]
    if bad:
        p.error(f"unknown peer {', '.join(bad)}; expected some of {', '.join(PEERS)} or none")
    if args.runs < 1:
        p.error("--runs must be at least 1")
    if args.no_sluice:
        args.sluice_workers = []
    args.mem_limit_kb = int(args.mem_limit_gb * 1024 * 1024)
    return args


# --- main -------------------------------------------------------------------------------------

def main():
    args = parse_args()
    os.chdir(ROOT)
    if args.write_jobs:
        write_job_files(sorted(set(args.rows) | {1_000_000, 10_000_000}))
        return 0
    if args.build:
        print("building: swift build -c release --product sluice", flush=True)
        if subprocess.run(["swift", "build", "-c", "release", "--product", "sluice"]).returncode != 0:
            print("release build failed", file=sys.stderr)
            return 1
    notes = []
    if args.sluice_workers:
        if not os.access(args.sluice_bin, os.X_OK):
            print(f"{args.sluice_bin} not found: build it with `swift build -c release --product sluice`"
                  " or pass --build", file=sys.stderr)
            return 1
        if stale_binary(args.sluice_bin):
            notes.append(f"WARNING: {os.path.relpath(args.sluice_bin, ROOT)} is older than Sources/: "
                         "it may not match the code (rebuild, or pass --build)")
            print(notes[-1], flush=True)
    args.peers = ensure_peers(args.peers, not args.no_install)
    if not ensure_time():
        notes.append(f"peak RSS approximate: {TIME} is missing (apt-get install time), so it comes from "
                     "wait4 and includes this script's own size")
    duck = None
    if not args.no_verify:
        try:
            import duckdb
            duck = duckdb.connect()
        except ImportError:
            notes.append("results not verified: python3 cannot import duckdb")
    os.makedirs(OUT_DIR, exist_ok=True)
    started = time.strftime("%Y%m%d-%H%M%S")
    load_before = os.getloadavg()
    python_start = statistics.median(
        run_process([sys.executable, "-c", "pass"], None, 60, args.mem_limit_kb)[0].wall for _ in range(3))

    results = []
    failed = False
    temp_jobs = tempfile.mkdtemp(prefix="sluice-bench-jobs-")
    try:
        for rows in args.rows:
            print(f"\n== data: {rows:,} rows", flush=True)
            if subprocess.run([sys.executable, os.path.join(BENCH, "generate.py"), "--rows", str(rows),
                               "--out", os.path.join("bench", "data")]).returncode != 0:
                print("data generation failed", file=sys.stderr)
                return 1
            paths = data_paths(rows)
            if any(JOBS[k].source == "parquet" for k in args.jobs) and not os.path.exists(paths["parquet"]):
                # DuckDB's Parquet of the CSV (its types, snappy, 122,880-row groups).
                import duckdb
                print(f"writing {paths['parquet']} with DuckDB", flush=True)
                duckdb.connect().execute(
                    f"COPY (SELECT * FROM read_csv('{paths['csv']}')) TO '{paths['parquet']}' (FORMAT PARQUET)")
            for key in args.jobs:
                job = JOBS[key]
                job_file = committed_job_file(job, rows)
                if job_file is None:
                    job_file = os.path.join(temp_jobs, f"{size_label(rows)}-{job_file_name(job)}")
                    with open(job_file, "w") as f:
                        json.dump(sluice_spec(job, rows), f, indent=2)
                inputs = [paths[job.source]] + ([paths["customers"]] if job.uses_customers else [])
                input_bytes = sum(os.path.getsize(p) for p in inputs)
                if job_file.startswith(ROOT + os.sep):
                    job_file = os.path.relpath(job_file, ROOT)
                engines = engines_for(job, rows, args, job_file)
                print(f"\n== {key} ({size_label(rows)}): {job.title}", flush=True)
                print(f"   sluice job: {job_file}", flush=True)
                warm(inputs)
                for e in engines:
                    os.makedirs(os.path.dirname(e.output), exist_ok=True)
                for i in range(args.runs):
                    parts = []
                    for e in engines:
                        if e.runs and not e.ok_runs:
                            continue  # failed every time so far: do not waste the machine on it
                        if os.path.exists(e.output):
                            os.remove(e.output)
                        run, stdout = run_process(e.argv, e.env, args.timeout, args.mem_limit_kb)
                        if run.error is None:
                            run.inner = inner_time(e, stdout)
                            if e.kind == "sluice" and sluice_rejections(stdout):
                                run.error = f"{sluice_rejections(stdout)} records rejected"
                        if run.error:
                            e.error = run.error
                            parts.append(f"{e.name} FAILED")
                        else:
                            parts.append(f"{e.name} {run.wall:.2f}s {run.rss_kb // 1024}MB")
                        e.runs.append(run)
                    print(f"   run {i + 1}/{args.runs}: " + " | ".join(parts), flush=True)
                if duck is not None:
                    verify(job, engines, rows, args, duck)
                table = job_table(job, rows, input_bytes, engines, args.runs)
                print("\n" + table, flush=True)
                results.append(((key, rows), engines))
                failed |= any(e.error or e.verdict.startswith("MISMATCH") for e in engines)
                if any(e.verdict.startswith("MISMATCH") for e in engines):
                    print("\n    !!! MISMATCH: an engine's result differs from DuckDB's (see 'result') !!!", flush=True)
                if not args.keep_outputs:
                    for e in engines:
                        if os.path.exists(e.output):
                            os.remove(e.output)
    finally:
        shutil.rmtree(temp_jobs, ignore_errors=True)

    header = [
        f"Sluice vs peers, {time.strftime('%Y-%m-%d %H:%M:%S')}: rows {', '.join(f'{r:,}' for r in args.rows)}; "
        f"{args.runs} runs each",
        f"machine: {os.cpu_count()} cores, {memory_total_kb() / 1024 / 1024:.0f} GB; load average "
        f"{load_before[0]:.2f} before, {os.getloadavg()[0]:.2f} after; commit {git_state()}",
        f"peers: {versions(args.peers) or 'none'}; python3 start-up alone {python_start:.2f} s",
        "wall = whole process (median); min = fastest run; in-proc = the engine's own time "
        "(sluice: stats start..end; peers: after import until the output is written);",
        "rows/s and MB/s = input rows and bytes / median wall; peak RSS = largest over the runs.",
    ] + notes
    blocks = [job_table(JOBS[k], rows, sum(os.path.getsize(p) for p in
                                             [data_paths(rows)[JOBS[k].source]]
                                             + ([data_paths(rows)["customers"]] if JOBS[k].uses_customers else [])),
                        engines, args.runs)
              for (k, rows), engines in results]
    report = "\n".join(header) + "\n\n" + "\n\n".join(blocks)
    summary = summary_table(results)
    if summary:
        report += "\n\n" + summary
        print("\n" + summary)
    os.makedirs(os.path.join(BENCH, "results"), exist_ok=True)
    base = os.path.join(BENCH, "results", f"compare-{started}")
    with open(base + ".txt", "w") as f:
        f.write(report + "\n")
    with open(base + ".json", "w") as f:
        json.dump({"header": header, "results": [
            {"job": k, "rows": rows, "engines": [
                {"name": e.name, "argv": e.argv, "verdict": e.verdict, "error": e.error,
                 "runs": [{"wall": round(r.wall, 4), "rss_kb": r.rss_kb, "inner": r.inner, "error": r.error}
                          for r in e.runs]} for e in engines]}
            for (k, rows), engines in results]}, f, indent=1)
    print(f"\nsaved {os.path.relpath(base, ROOT)}.txt and .json")
    if failed:
        print("some runs failed or results differ (see above)", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
