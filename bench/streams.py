#!/usr/bin/env python3
"""A continuous Sluice job reading a message broker into an NDJSON file, against the broker's
own Python client doing the same.

  python3 bench/streams.py                      # both brokers: 1M messages of ~200 bytes, then 10 s at 10,000 msg/s
  python3 bench/streams.py --brokers redis --messages 200000 --steady-seconds 5

Brokers: a redis-server and a nats-server with JetStream of the benchmark's own on free loopback
ports. Two measurements per client:

- throughput: the stream holds `--messages` entries of about 200 bytes of JSON (in a `data`
  field) before the client starts; the time from the start until all of them are in the NDJSON
  file (Sluice: until `GET /jobs/:id` reports them loaded, so committed and acknowledged);
- latency: a producer adds entries at a steady `--rate` per second for `--steady-seconds`, each
  carrying its send time; a tailer reads the NDJSON file as it grows and takes, for each line,
  the time it became visible minus its send time (end to end: broker, client, file). p50 / p99 /
  max over every message.

Clients:
- `sluice`: `sluice serve` (release build) running a continuous `redis_stream` or
  `nats_jetstream` job into a `file` target (ndjson, appended in place per micro-batch);
  `commitEvery` 10,000, `commitIntervalMs` 100;
- `redis-py`: a loop of `XREADGROUP COUNT 1000 BLOCK 100`, `json.loads` of each entry, one
  NDJSON line per entry appended and flushed, then `XACK` (the loop a user writes by hand);
- `nats-py`: a durable pull subscription fetching 1000 at a time, `json.loads`, a line each,
  flushed, then an ack per message.

Needs redis-server, nats-server, `pip install redis nats-py`.
"""
import asyncio
import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import nats
import redis

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SLUICE = os.environ.get("SLUICE_BIN", os.path.join(ROOT, ".build", "release", "sluice"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_redis(directory):
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", directory, "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    for _ in range(500):
        try:
            client.ping()
            return process, port
        except redis.ConnectionError:
            time.sleep(0.02)
    raise SystemExit("redis-server did not start")


def message(n, sent=None):
    """About 200 bytes of JSON."""
    record = {"id": n, "user": f"user-{n % 9973:05d}", "event": "page_view", "page": f"/products/{n % 1000}",
              "amount": round((n % 10000) / 100, 2), "country": "DE", "session": f"{n * 2654435761 % 2**32:08x}",
              "sent": sent if sent is not None else 0.0}
    text = json.dumps(record, separators=(",", ":"))
    return text + " " * max(0, 200 - len(text))


def fill(port, stream, count):
    client = redis.Redis(port=port)
    client.delete(stream)
    pipe = client.pipeline(transaction=False)
    for n in range(1, count + 1):
        pipe.xadd(stream, {"data": message(n)})
        if n % 10_000 == 0:
            pipe.execute()
    pipe.execute()


def start_nats(directory):
    port = free_port()
    process = subprocess.Popen(
        ["nats-server", "-a", "127.0.0.1", "-p", str(port), "-js", "-sd", os.path.join(directory, "js")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(500):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            time.sleep(0.02)
    raise SystemExit("nats-server did not start")


async def nats_reset(port, stream):
    nc = await nats.connect(f"nats://127.0.0.1:{port}")
    js = nc.jetstream()
    try:
        await js.delete_stream(stream)
    except Exception:
        pass
    await js.add_stream(name=stream, subjects=[f"{stream.lower()}.>"])
    await nc.close()


async def nats_fill(port, stream, count):
    await nats_reset(port, stream)
    nc = await nats.connect(f"nats://127.0.0.1:{port}")
    js = nc.jetstream()
    subject = f"{stream.lower()}.new"
    for n in range(1, count + 1):
        await nc.publish(subject, message(n).encode())
        if n % 10_000 == 0:
            await nc.flush()
    await nc.flush()
    while (await js.stream_info(stream)).state.messages < count:
        await asyncio.sleep(0.05)
    await nc.close()


async def nats_consumer(port, stream, out, stop, count=None):
    nc = await nats.connect(f"nats://127.0.0.1:{port}")
    js = nc.jetstream()
    sub = await js.pull_subscribe(f"{stream.lower()}.>", durable="py", stream=stream)
    done = 0
    with open(out, "a") as f:
        while not stop.is_set() and (count is None or done < count):
            try:
                messages = await sub.fetch(1000, timeout=0.1)
            except nats.errors.TimeoutError:
                continue
            for m in messages:
                f.write(json.dumps(json.loads(m.data), separators=(",", ":")) + "\n")
            f.flush()
            for m in messages:
                await m.ack()
            done += len(messages)
    await nc.close()
    return done


class Sluice:
    """`sluice serve` with its own state directory."""

    def __init__(self, directory, data):
        self.directory = directory
        os.makedirs(directory, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("SLUICE_")}
        env.update({"PORT": "0", "HOST": "127.0.0.1", "LOG_LEVEL": "info", "SLUICE_STATE": os.path.join(directory, "state.db"),
                    "SLUICE_DATA_DIRS": data})
        self.log_path = os.path.join(directory, "server.log")
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen([SLUICE, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=self.log)
        self.port = None
        for _ in range(2000):
            with open(self.log_path) as f:
                for line in f:
                    if "sluice listening" in line:
                        self.port = int(json.loads(line)["port"])
            if self.port:
                break
            time.sleep(0.01)
        if not self.port:
            raise SystemExit("sluice serve did not start: " + open(self.log_path).read())

    def request(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request) as answer:
                return json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as error:
            raise SystemExit(f"{method} {path}: {error.code} {error.read().decode()}")

    def start_job(self, broker, port, stream, out):
        if broker == "redis":
            source = {"type": "redis_stream", "config": {"url": f"redis://127.0.0.1:{port}", "stream": stream,
                                                         "group": "sluice", "valueField": "data", "continuous": True}}
        else:
            source = {"type": "nats_jetstream", "config": {"url": f"nats://127.0.0.1:{port}", "stream": stream,
                                                           "durable": "sluice", "continuous": True}}
        job = {"name": "bench-stream", "source": source,
               "target": {"type": "file", "config": {"path": out, "format": "ndjson"}},
               "commitEvery": 10_000, "commitIntervalMs": 100}
        return self.request("POST", "/jobs", job)["job"]["id"]

    def loaded(self, job_id):
        stats = self.request("GET", f"/jobs/{job_id}").get("stats") or {}
        return stats.get("recordsLoaded", 0)

    def stop_job(self, job_id):
        self.request("POST", f"/jobs/{job_id}/stop")
        for _ in range(6000):
            if self.request("GET", f"/jobs/{job_id}")["status"] != "running":
                return
            time.sleep(0.05)

    def close(self):
        self.process.terminate()
        self.process.wait()
        self.log.close()


def python_consumer(port, stream, out, stop, count=None):
    """The hand-written loop: read, decode, write a line each, flush, acknowledge."""
    client = redis.Redis(port=port)
    try:
        client.xgroup_create(stream, "py", id="0", mkstream=True)
    except redis.ResponseError:
        pass
    done = 0
    with open(out, "a") as f:
        while not stop.is_set() and (count is None or done < count):
            reply = client.xreadgroup("py", "py-1", {stream: ">"}, count=1000, block=100)
            if not reply:
                continue
            entries = reply[0][1]
            for _, fields in entries:
                f.write(json.dumps(json.loads(fields[b"data"]), separators=(",", ":")) + "\n")
            f.flush()
            client.xack(stream, "py", *[entry_id for entry_id, _ in entries])
            done += len(entries)
    return done


def wait_for_lines(path, count):
    """Polls the file until it holds `count` lines."""
    while True:
        try:
            with open(path, "rb") as f:
                if sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b"")) >= count:
                    return
        except FileNotFoundError:
            pass
        time.sleep(0.02)


def throughput(broker, port, count, client, directory):
    stream = "bench" if broker == "redis" else "BENCH"
    if broker == "redis":
        fill(port, stream, count)
    else:
        asyncio.run(nats_fill(port, stream, count))
    out = os.path.join(directory, f"{broker}-{client}-throughput.ndjson")
    if client == "sluice":
        sluice = Sluice(os.path.join(directory, f"{broker}-sluice-state-t"), directory)
        try:
            start = time.perf_counter()
            job = sluice.start_job(broker, port, stream, out)
            while sluice.loaded(job) < count:
                time.sleep(0.01)
            elapsed = time.perf_counter() - start
            sluice.stop_job(job)
        finally:
            sluice.close()
    else:
        stop = threading.Event()
        start = time.perf_counter()
        if broker == "redis":
            python_consumer(port, stream, out, stop, count)
        else:
            asyncio.run(nats_consumer(port, stream, out, stop, count))
        elapsed = time.perf_counter() - start
    wait_for_lines(out, count)
    return elapsed


class Producer:
    """Adds messages to the broker, a tick's worth at a time."""

    def __init__(self, broker, port, stream):
        self.broker, self.stream = broker, stream
        if broker == "redis":
            self.client = redis.Redis(port=port)
        else:
            self.loop = asyncio.new_event_loop()
            self.client = self.loop.run_until_complete(nats.connect(f"nats://127.0.0.1:{port}"))

    def send(self, texts):
        if self.broker == "redis":
            pipe = self.client.pipeline(transaction=False)
            for text in texts:
                pipe.xadd(self.stream, {"data": text})
            pipe.execute()
        else:
            async def publish():
                for text in texts:
                    await self.client.publish(f"{self.stream.lower()}.new", text.encode())
                await self.client.flush()
            self.loop.run_until_complete(publish())

    def close(self):
        if self.broker == "nats":
            self.loop.run_until_complete(self.client.close())
            self.loop.close()


def latency(broker, port, rate, seconds, client, directory):
    stream = "steady" if broker == "redis" else f"STEADY{client.replace('-', '').upper()}"
    if broker == "redis":
        redis.Redis(port=port).delete(stream)
    else:
        asyncio.run(nats_reset(port, stream))
    out = os.path.join(directory, f"{broker}-{client}-latency.ndjson")
    open(out, "w").close()
    stop = threading.Event()
    sluice = job = consumer = None
    if client == "sluice":
        sluice = Sluice(os.path.join(directory, f"{broker}-sluice-state-l"), directory)
        job = sluice.start_job(broker, port, stream, out)
    elif broker == "redis":
        consumer = threading.Thread(target=python_consumer, args=(port, stream, out, stop))
        consumer.start()
    else:
        consumer = threading.Thread(target=lambda: asyncio.run(nats_consumer(port, stream, out, stop)))
        consumer.start()
    total = rate * seconds
    latencies = []

    def tail():
        position, buffer = 0, b""
        deadline = time.time() + seconds + 120
        while len(latencies) < total and time.time() < deadline:
            with open(out, "rb") as f:
                f.seek(position)
                data = f.read()
            now = time.time()
            if data:
                position += len(data)
                buffer += data
                *lines, buffer = buffer.split(b"\n")
                for line in lines:
                    latencies.append(now - json.loads(line)["sent"])
            else:
                time.sleep(0.002)

    tailer = threading.Thread(target=tail)
    tailer.start()
    producer = Producer(broker, port, stream)
    per_tick = max(1, rate // 100)
    start = time.perf_counter()
    sent = 0
    while sent < total:
        texts = []
        for _ in range(min(per_tick, total - sent)):
            sent += 1
            texts.append(message(sent, time.time()))
        producer.send(texts)
        # Paced to the rate, from the start (no drift).
        delay = start + sent / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
    tailer.join()
    producer.close()
    stop.set()
    if consumer:
        consumer.join()
    if sluice:
        sluice.stop_job(job)
        sluice.close()
    latencies.sort()
    if not latencies:
        return None

    def rank(p):
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))]

    return rank(0.50), rank(0.99), latencies[-1], len(latencies)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--rate", type=int, default=10_000)
    parser.add_argument("--steady-seconds", type=int, default=10)
    parser.add_argument("--brokers", default="redis,nats")
    args = parser.parse_args()
    if not os.path.exists(SLUICE):
        raise SystemExit(f"no release build at {SLUICE}: swift build -c release --product sluice")
    directory = tempfile.mkdtemp(prefix="sluice-streams-")
    print(f"{args.messages:,} messages of ~200 bytes; latency at {args.rate:,} msg/s for {args.steady_seconds} s")
    print("| broker | client | throughput | msg/s | p50 | p99 | max |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    try:
        for broker in args.brokers.split(","):
            process, port = start_redis(directory) if broker == "redis" else start_nats(directory)
            try:
                for client in ["sluice", "redis-py" if broker == "redis" else "nats-py"]:
                    elapsed = throughput(broker, port, args.messages, client, directory)
                    steady = latency(broker, port, args.rate, args.steady_seconds, client, directory)
                    p50, p99, worst, seen = steady if steady else (float("nan"),) * 3 + (0,)
                    print(f"| {broker} | {client} | {elapsed:.2f} s | {args.messages / elapsed:,.0f} | {p50 * 1000:.0f} ms | "
                          f"{p99 * 1000:.0f} ms | {worst * 1000:.0f} ms |", flush=True)
            finally:
                process.terminate()
                process.wait()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
