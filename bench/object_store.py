#!/usr/bin/env python3
"""Sluice reading from and writing to S3 against the AWS CLI's plain copy, on one loopback
moto server (issue 15's benchmark).

  python3 bench/object_store.py                      # 1M rows: J2 from CSV and J8 from Parquet
  python3 bench/object_store.py --upload-rows 10000000 --runs 3

Reading: J2's query (filter, filter, 7-statistic group-by) over `s3://…/orders_N.csv` and J8's
over `orders_N.parquet`, as whole `sluice run --no-state` processes, against
`aws s3 cp s3://…/object - > /dev/null` of the same object. Writing: a job copying
`orders_N.csv` (local) to `s3://…/copy.csv` (a multipart upload of the re-encoded rows) against
`aws s3 cp orders_N.csv s3://…/plain.csv`. Runs are interleaved; the table shows the best
and median wall time of each and Sluice's ratio to the copy. Needs the release build
(`swift build -c release --product sluice`), moto_server, the aws CLI and bench/data
(`python3 bench/generate.py`).
"""
import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SLUICE = os.path.join(ROOT, ".build", "release", "sluice")
ENV = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed(command, stdout=subprocess.DEVNULL):
    start = time.perf_counter()
    subprocess.run(command, check=True, env=ENV, stdout=stdout, stderr=subprocess.PIPE)
    return time.perf_counter() - start


def aws(endpoint, *args):
    command = ["aws", "--endpoint-url", endpoint, "s3", *args]
    return command + ["--only-show-errors"] if args[0] == "cp" else command


def job(path, endpoint, transforms, target):
    storage = {"endpoint": endpoint, "accessKeyId": "test", "secretAccessKey": "test"}
    source = {"path": path}
    if path.startswith("s3://"):
        source["storage"] = storage
    if target.get("path", "").startswith("s3://"):
        target = dict(target, storage=storage)
    return {"name": "object store benchmark", "source": {"type": "file", "config": source}, "transforms": transforms,
            "target": {"type": "file", "config": target}}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=1000000, help="the orders file read (bench/data/orders_N.*)")
    p.add_argument("--upload-rows", type=int, default=10000000, help="the orders CSV copied to S3 (10M: 1.2 GB)")
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()
    with open(os.path.join(ROOT, "bench", "jobs", "1m", "j2-filter-aggregate-csv.json")) as f:
        query = json.load(f)["transforms"]

    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    work = tempfile.mkdtemp(prefix="sluice-objects-")
    server = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(400):
            try:
                urllib.request.urlopen(endpoint + "/moto-api/")
                break
            except OSError:
                time.sleep(0.05)
        subprocess.run(aws(endpoint, "mb", "s3://bench"), check=True, env=ENV)
        data = os.path.join(ROOT, "bench", "data")
        csv, parquet = f"orders_{args.rows}.csv", f"orders_{args.rows}.parquet"
        upload = os.path.join(data, f"orders_{args.upload_rows}.csv")
        for name in (csv, parquet):
            subprocess.run(aws(endpoint, "cp", os.path.join(data, name), f"s3://bench/{name}"), check=True, env=ENV)

        cases = []
        for label, name in (("J2 from CSV", csv), ("J8 from Parquet", parquet)):
            spec = job(f"s3://bench/{name}", endpoint, query, {"path": os.path.join(work, "out.json"), "format": "json"})
            path = os.path.join(work, f"{name}.json")
            with open(path, "w") as f:
                json.dump(spec, f)
            size = os.path.getsize(os.path.join(data, name))
            cases.append((f"read {label} ({size / 1e6:.0f} MB)", [SLUICE, "run", "--no-state", path],
                          aws(endpoint, "cp", f"s3://bench/{name}", "-")))
        if os.path.exists(upload):
            spec = job(upload, endpoint, [], {"path": "s3://bench/copy.csv"})
            path = os.path.join(work, "upload.json")
            with open(path, "w") as f:
                json.dump(spec, f)
            size = os.path.getsize(upload)
            cases.append((f"write CSV to S3 ({size / 1e6:.0f} MB)", [SLUICE, "run", "--no-state", path],
                          aws(endpoint, "cp", upload, "s3://bench/plain.csv")))

        print(f"moto on {endpoint}; {args.runs} runs each, interleaved")
        print(f"{'case':38} {'sluice best':>12} {'median':>8} {'aws cp best':>12} {'median':>8} {'ratio':>6}")
        for label, sluice, copy in cases:
            ours, theirs = [], []
            for _ in range(args.runs):
                ours.append(timed(sluice))
                theirs.append(timed(copy))
            ratio = min(ours) / min(theirs)
            print(f"{label:38} {min(ours):11.2f}s {statistics.median(ours):7.2f}s {min(theirs):11.2f}s "
                  f"{statistics.median(theirs):7.2f}s {ratio:5.2f}x", flush=True)
        # The copy Sluice wrote holds every row (re-encoded: numbers as Sluice writes them).
        if os.path.exists(upload):
            check = subprocess.run(aws(endpoint, "cp", "s3://bench/copy.csv", "-"), env=ENV, stdout=subprocess.PIPE, check=True).stdout
            with open(upload, "rb") as f:
                lines = f.read().count(b"\n")
            copied = check.count(b"\n")
            print(f"uploaded copy: {copied} lines, the file {lines}")
            if copied != lines:
                sys.exit(1)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
