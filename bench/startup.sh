#!/usr/bin/env bash
# Sluice server start-up and memory: the time from starting `sluice serve` to its first 200
# from GET /health (median of RUNS starts: on a new state database, on an existing one, and on
# one holding HISTORY finished jobs) with the CPU time the server used until then, resident
# memory at idle, and resident memory around JOBS small jobs posted through the HTTP API.
#
#   bash bench/startup.sh                      # RUNS=20 JOBS=20 ROWS=1000 HISTORY=10000; builds first
#   SKIP_BUILD=1 bash bench/startup.sh         # measure .build/release/sluice as it is
#   SLUICE_BIN=/path/to/sluice bash bench/startup.sh   # measure that binary (no build)
#   RUNS=5 JOBS=10 ROWS=100000 HISTORY=0 bash bench/startup.sh
#
# The table is printed and saved under bench/results/startup-*.txt (git-ignored).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${RUNS:-20}
JOBS=${JOBS:-20}
ROWS=${ROWS:-1000}
HISTORY=${HISTORY:-10000}
BIN=${SLUICE_BIN:-$ROOT/.build/release/sluice}

die() { printf 'startup: %s\n' "$*" >&2; exit 1; }

if [[ ${SKIP_BUILD:-0} != 1 && -z ${SLUICE_BIN:-} ]]; then
    echo "== build (release)"
    swift build -c release --product sluice 2>&1 | tail -n 1
fi
[[ -x $BIN ]] || die "$BIN not found; build it with: swift build -c release --product sluice"

python3 bench/generate.py --rows "$ROWS" --out bench/data >/dev/null
DATA=$ROOT/bench/data/orders_${ROWS}.csv
[[ -s $DATA ]] || die "bench/generate.py wrote no $DATA"

git_state() {
    git rev-parse --is-inside-work-tree >/dev/null 2>&1 || { echo "unknown (not a git checkout)"; return; }
    local head; head=$(git rev-parse --short HEAD 2>/dev/null || echo "none")
    if git diff --quiet HEAD 2>/dev/null; then echo "$head"; else echo "$head with local changes"; fi
}

mkdir -p bench/results
RESULT=bench/results/startup-$(date +%Y%m%d-%H%M%S).txt
python3 - "$BIN" "$DATA" "$RUNS" "$JOBS" "$ROWS" "$HISTORY" "$(git_state)" <<'PY' | tee "$RESULT"
import http.client, json, os, shutil, signal, socket, sqlite3, statistics, subprocess, sys, tempfile, time

BIN, DATA = sys.argv[1], sys.argv[2]
RUNS, JOBS, ROWS, HISTORY = (int(a) for a in sys.argv[3:7])
COMMIT = sys.argv[7]
WORK = tempfile.mkdtemp(prefix="sluice-startup.")
# The server runs in WORK, which is one of its default data directories.
INPUT = os.path.join(WORK, "orders.csv")
shutil.copyfile(DATA, INPUT)
os.makedirs(os.path.join(WORK, "out"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def health_ok(port):
    """One GET /health on a new connection: True on a 200, False while nothing answers."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            s.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            return s.recv(64).startswith(b"HTTP/1.1 200")
    except (ConnectionRefusedError, ConnectionResetError):
        return False


class Server:
    """`sluice serve` on a free port with its state in `state_dir`. `ready_ms` runs from just
    before the process is spawned to the first 200 from /health, polled every 0.5 ms on new
    connections (spawning a process from Python takes about 0.7 ms of that)."""

    def __init__(self, state_dir):
        self.port = free_port()
        env = dict(os.environ, PORT=str(self.port), SLUICE_STATE=os.path.join(state_dir, "state.db"))
        self.log = open(os.path.join(state_dir, "serve.log"), "ab")
        t0 = time.perf_counter_ns()
        self.proc = subprocess.Popen([BIN, "serve"], env=env, cwd=WORK, stdout=self.log, stderr=self.log)
        while not health_ok(self.port):
            if self.proc.poll() is not None:
                sys.exit(f"sluice serve exited ({self.proc.returncode}) before answering; see {state_dir}/serve.log")
            if time.perf_counter_ns() - t0 > 30e9:
                sys.exit("sluice serve did not answer /health within 30 s")
            time.sleep(0.0005)
        self.ready_ms = (time.perf_counter_ns() - t0) / 1e6
        self.cpu_ms = self.cpu_time_ms()

    def cpu_time_ms(self):
        """CPU time its threads have run so far (/proc/PID/task/*/schedstat), in ms: unlike
        the wall time, barely changed by what else the machine is doing."""
        total = 0
        for task in os.listdir(f"/proc/{self.proc.pid}/task"):
            try:
                with open(f"/proc/{self.proc.pid}/task/{task}/schedstat") as f:
                    total += int(f.read().split()[0])
            except (FileNotFoundError, ProcessLookupError):
                pass
        return total / 1e6

    def mb(self, key):
        """A figure of /proc/PID/status (`VmRSS`, `RssAnon`, `VmHWM`), in MB."""
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def request(self, method, path, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        reply = conn.getresponse()
        data = reply.read()
        conn.close()
        if reply.status not in (200, 202):
            sys.exit(f"{method} {path}: {reply.status} {data[:300]!r}")
        return json.loads(data)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def job(n):
    return {
        "name": f"startup bench {n}",
        "source": {"type": "file", "config": {"path": INPUT}},
        "transforms": [],
        "target": {"type": "file", "config": {"path": os.path.join(WORK, "out", f"{n}.ndjson"), "format": "ndjson", "mode": "write"}},
    }


def check(record, stats, n):
    if record.get("status") != "completed" or (stats or {}).get("recordsLoaded") != ROWS:
        sys.exit(f"job {n} did not load {ROWS} rows: {json.dumps(record)[:400]}")


def with_history(state, count):
    """A state database holding `count` finished jobs: one job run by the server, its row
    copied under new ids and times (what a long-running server accumulates)."""
    s = Server(state)
    reply = s.request("POST", "/jobs", job("history"))
    check(reply["job"], reply.get("stats"), "history")
    s.stop()
    db = sqlite3.connect(os.path.join(state, "state.db"))
    columns = [d[0] for d in db.execute("SELECT * FROM jobs").description]
    row = db.execute("SELECT * FROM jobs").fetchone()
    sql = f"INSERT INTO jobs ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    at = columns.index("created_at")
    copies = []
    for i in range(count - 1):
        copy = list(row)
        copy[0] = f"job_history_{i:07d}"
        copy[at] = row[at] - count + i
        copies.append(copy)
    db.executemany(sql, copies)
    db.commit()
    db.close()


def stats(xs):
    return f"{statistics.median(xs):8.1f} {min(xs):8.1f} {max(xs):8.1f}"


try:
    # 1. Start-up: each run starts on a new state database, stops, and starts again on it.
    fresh, existing, existing_cpu, idle, idle_anon = [], [], [], [], []
    for i in range(RUNS):
        state = os.path.join(WORK, f"state{i}")
        os.makedirs(state)
        s = Server(state)
        fresh.append(s.ready_ms)
        s.stop()
        s = Server(state)
        existing.append(s.ready_ms)
        existing_cpu.append(s.cpu_ms)
        time.sleep(1)
        idle.append(s.mb("VmRSS"))
        idle_anon.append(s.mb("RssAnon"))
        s.stop()
        shutil.rmtree(state)

    # 2. Start-up on a state database with a long history of finished jobs.
    history, history_rss, history_anon = [], [], []
    if HISTORY > 0:
        state = os.path.join(WORK, "state-history")
        os.makedirs(state)
        with_history(state, HISTORY)
        for i in range(RUNS):
            s = Server(state)
            history.append(s.ready_ms)
            if i == 0:
                time.sleep(1)
                history_rss.append(s.mb("VmRSS"))
                history_anon.append(s.mb("RssAnon"))
            s.stop()
        shutil.rmtree(state)

    # 3. Memory around jobs, on one server: JOBS jobs one after another (each answered when
    # it has finished), then JOBS at once (?async=true) until every one has finished.
    state = os.path.join(WORK, "state-jobs")
    os.makedirs(state)
    s = Server(state)
    time.sleep(1)
    mem = [("idle, 1 s after start", s.mb("VmRSS"), s.mb("RssAnon"))]
    for n in range(JOBS):
        reply = s.request("POST", "/jobs", job(n))
        check(reply["job"], reply.get("stats"), n)
    mem.append((f"after {JOBS} jobs one at a time", s.mb("VmRSS"), s.mb("RssAnon")))
    ids = [s.request("POST", "/jobs?async=true", job(JOBS + n))["job"]["id"] for n in range(JOBS)]
    highest = 0.0
    pending = set(ids)
    while pending:
        highest = max(highest, s.mb("VmRSS"))
        for id in sorted(pending):
            record = s.request("GET", f"/jobs/{id}")
            if record.get("status") not in ("pending", "running"):
                check(record, record.get("stats"), id)
                pending.discard(id)
        time.sleep(0.01)
    mem.append((f"after {JOBS} more at once (?async=true)", s.mb("VmRSS"), s.mb("RssAnon")))
    time.sleep(2)
    mem.append(("  and 2 s later", s.mb("VmRSS"), s.mb("RssAnon")))
    peak = s.mb("VmHWM")
    s.stop()

    print(f"sluice serve: {RUNS} starts; jobs of {ROWS:,} CSV rows -> NDJSON; {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}; commit {COMMIT}")
    print(f"{'':48} {'median':>8} {'min':>8} {'max':>8}")
    print(f"{'first 200 from GET /health, new state (ms)':48} {stats(fresh)}")
    print(f"{'first 200 from GET /health, existing state (ms)':48} {stats(existing)}")
    print(f"{'  CPU time of the server until then (ms)':48} {stats(existing_cpu)}")
    if history:
        print(f"{f'first 200, state with {HISTORY:,} finished jobs (ms)':48} {stats(history)}")
    print(f"{'idle RSS 1 s after start (MB)':48} {stats(idle)}")
    print(f"{'  of which anonymous (MB)':48} {stats(idle_anon)}")
    if history:
        print(f"{f'idle RSS with {HISTORY:,} finished jobs (MB)':48} {history_rss[0]:8.1f}")
        print(f"{'  of which anonymous (MB)':48} {history_anon[0]:8.1f}")
    print()
    print(f"{'one server':48} {'RSS MB':>8} {'anon MB':>8}")
    for label, rss, anon in mem:
        print(f"{label:48} {rss:8.1f} {anon:8.1f}")
    print(f"{'highest RSS seen while they ran':48} {highest:8.1f}")
    print(f"{'peak RSS of the process (VmHWM)':48} {peak:8.1f}")
finally:
    shutil.rmtree(WORK, ignore_errors=True)
PY
echo "saved $RESULT"
