#!/usr/bin/env python3
"""Sluice paging through a REST API against a plain HTTP client loop and dlt's rest_api source.

  python3 bench/api_pages.py                   # 1,000 pages of 1,000 records (1M records)
  python3 bench/api_pages.py --pages 200 --runs 5

One loopback stand-in API (`scripts/http/api_server.py --bench-pages N`) serves pre-encoded pages
`/bench?page=P` of `{"data": [...]}`; a page past the last is empty. Three clients read every
page, one request at a time, and stop at the empty page:

- `plain loop`: Python's http.client on one keep-alive connection, reading each body and parsing
  nothing (the floor any client pays for the server and the network);
- `sluice`: `sluice run --no-state` of an `api` source with page pagination into an NDJSON file;
- `dlt`: dlt's `rest_api` source with a page-number paginator into dlt's filesystem destination
  as JSONL (the tool a user would otherwise pick);
- `sluice, file`: the same records as one local JSON file of the same bytes, through the same
  job with a `file` source: the floor of decoding and writing them, with no HTTP at all.

Runs are interleaved; the table shows each one's best and median wall time and its ratio to the
plain loop. Needs the release build (`swift build -c release --product sluice`) and dlt
(`pip install dlt`).
"""
import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SLUICE = os.environ.get("SLUICE_BIN", os.path.join(ROOT, ".build", "release", "sluice"))
SERVER = os.path.join(ROOT, "scripts", "http", "api_server.py")


def plain_loop(port, page_size):
    """Fetches every page and reads its body, parsing nothing: the empty page is the only
    short one."""
    connection = http.client.HTTPConnection("127.0.0.1", port)
    page, records = 1, 0
    while True:
        connection.request("GET", f"/bench?page={page}", headers={"Accept": "application/json"})
        body = connection.getresponse().read()
        if len(body) < 32:
            break
        records += page_size
        page += 1
    connection.close()
    return records


DLT_SCRIPT = r"""
import sys, dlt
from dlt.sources.rest_api import rest_api_source
from dlt.sources.helpers.rest_client.paginators import PageNumberPaginator
port, out = sys.argv[1], sys.argv[2]
source = rest_api_source({
    "client": {"base_url": f"http://127.0.0.1:{port}/",
               "paginator": PageNumberPaginator(base_page=1, page_param="page", total_path=None, stop_after_empty_page=True)},
    "resources": [{"name": "bench", "endpoint": {"path": "bench", "data_selector": "data"}}],
})
pipeline = dlt.pipeline(pipeline_name="bench_api", pipelines_dir=out + "/pipelines",
                        destination=dlt.destinations.filesystem(bucket_url=out + "/lake"), dataset_name="bench")
info = pipeline.run(source, loader_file_format="jsonl")
print(pipeline.last_trace.last_normalize_info.row_counts.get("bench", 0))
"""


def timed(command, env=None):
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--page-size", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-dlt", action="store_true")
    args = parser.parse_args()
    if not os.path.exists(SLUICE):
        sys.exit(f"{SLUICE} is missing: swift build -c release --product sluice")
    server = subprocess.Popen([sys.executable, SERVER, "--bench-pages", str(args.pages), "--bench-page-size", str(args.page_size)],
                              stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline())
        total = args.pages * args.page_size
        work = tempfile.mkdtemp(prefix="sluice-api-bench-")
        out = os.path.join(work, "out.ndjson")
        job = os.path.join(work, "job.json")
        with open(job, "w") as f:
            json.dump({"name": "api benchmark",
                       "source": {"type": "api", "config": {"url": f"http://127.0.0.1:{port}/bench", "recordsPath": "data",
                                                            "pagination": {"type": "page", "pageSize": args.page_size}}},
                       "target": {"type": "file", "config": {"path": out, "format": "ndjson"}}}, f)
        env = dict(os.environ, SLUICE_DATA_DIRS=work)
        # The same records as one local document, for the floor without HTTP.
        document = os.path.join(work, "all.json")
        connection = http.client.HTTPConnection("127.0.0.1", port)
        with open(document, "wb") as f:
            f.write(b'{"data": [')
            for page in range(1, args.pages + 1):
                connection.request("GET", f"/bench?page={page}")
                body = connection.getresponse().read()
                f.write((b", " if page > 1 else b"") + body[body.index(b"[") + 1:body.rindex(b"]")])
            f.write(b"]}")
        connection.close()
        file_job = os.path.join(work, "file-job.json")
        with open(file_job, "w") as f:
            json.dump({"name": "file floor", "source": {"type": "file", "config": {"path": document, "format": "json", "recordsPath": "data"}},
                       "target": {"type": "file", "config": {"path": out, "format": "ndjson"}}}, f)
        cases = [("plain loop", None), ("sluice", [SLUICE, "run", "--no-state", job]), ("sluice, file", [SLUICE, "run", "--no-state", file_job])]
        if not args.skip_dlt:
            cases.append(("dlt rest_api", None))
        times = {name: [] for name, _ in cases}
        for _ in range(args.runs):
            for name, command in cases:
                if name == "plain loop":
                    start = time.perf_counter()
                    got = plain_loop(port, args.page_size)
                    times[name].append(time.perf_counter() - start)
                    assert got == total, f"plain loop read {got} of {total}"
                elif name.startswith("sluice"):
                    times[name].append(timed(command, env))
                    with open(out, "rb") as f:
                        lines = sum(1 for _ in f)
                    assert lines == total, f"sluice wrote {lines} of {total}"
                else:
                    target = os.path.join(work, "dlt")
                    shutil.rmtree(target, ignore_errors=True)
                    start = time.perf_counter()
                    result = subprocess.run([sys.executable, "-c", DLT_SCRIPT, str(port), target], check=True, capture_output=True, text=True)
                    times[name].append(time.perf_counter() - start)
                    got = int(result.stdout.strip().splitlines()[-1])
                    assert got == total, f"dlt loaded {got} of {total}"
        floor = statistics.median(times["plain loop"])
        print(f"{args.pages} pages of {args.page_size} records ({total:,} records), {args.runs} runs")
        print(f"{'client':<14} {'best s':>8} {'median s':>9} {'vs plain loop':>14}")
        for name, _ in cases:
            best, median = min(times[name]), statistics.median(times[name])
            print(f"{name:<14} {best:>8.2f} {median:>9.2f} {median / floor:>13.2f}x")
        shutil.rmtree(work, ignore_errors=True)
    finally:
        server.kill()
        server.wait()


if __name__ == "__main__":
    main()
