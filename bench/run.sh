#!/usr/bin/env bash
# Sluice benchmark: filter + aggregate over 1M CSV orders, server readiness and idle memory,
# and the same query in DuckDB when its Python package is installed.
#
#   bash bench/run.sh                  # RUNS=5 ROWS=1000000 by default
#   RUNS=3 ROWS=200000 bash bench/run.sh
#   SKIP_BUILD=1 bash bench/run.sh     # reuse .build/release/sluice as it is
#   SLUICE_BIN=/path/to/sluice bash bench/run.sh   # measure that binary (no build)
#
# A summary is printed and also saved under bench/results/ (git-ignored).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${RUNS:-5}
ROWS=${ROWS:-1000000}
BIN=${SLUICE_BIN:-$ROOT/.build/release/sluice}
DATA=bench/data/orders_${ROWS}.csv
OUT_DIR=/tmp/sluice-bench
WORK=$(mktemp -d /tmp/sluice-bench-run.XXXXXX)
SERVER_PID=""

cleanup() {
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

section() { printf '\n== %s ==\n' "$*"; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# --- tools --------------------------------------------------------------------------------
apt_updated=0
need_apt() {  # need_apt COMMAND PACKAGE
    command -v "$1" >/dev/null 2>&1 && return 0
    [[ $apt_updated == 1 ]] || { apt-get update -qq; apt_updated=1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
}
need_apt curl curl
[[ -x /usr/bin/time ]] || { need_apt /usr/bin/time time; }
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing and could not be installed"

# --- build and data -----------------------------------------------------------------------
if [[ ${SKIP_BUILD:-0} != 1 && -z ${SLUICE_BIN:-} ]]; then
    section "build (release)"
    if ! swift build -c release --product sluice >"$WORK/build.log" 2>&1; then
        grep -E 'error:' "$WORK/build.log" | head -n 20 >&2 || tail -n 40 "$WORK/build.log" >&2
        die "release build failed"
    fi
    tail -n 1 "$WORK/build.log"
fi
[[ -x $BIN ]] || die "$BIN not found; build it with: swift build -c release --product sluice"

section "data"
python3 bench/generate.py --rows "$ROWS" --out bench/data
mkdir -p "$OUT_DIR"
BYTES=$(stat -c %s "$DATA")

# The committed job reads the 1M file; for another ROWS, run a copy that reads that file.
JOB=bench/jobs/filter-aggregate.json
if [[ $ROWS != 1000000 ]]; then
    python3 - "$JOB" "$DATA" "$WORK/job.json" <<'PY'
import json, sys
job = json.load(open(sys.argv[1]))
job["source"]["config"]["path"] = sys.argv[2]
json.dump(job, open(sys.argv[3], "w"), indent=2)
PY
    JOB=$WORK/job.json
fi

# --- timing helpers -----------------------------------------------------------------------
# timed NAME CMD...: runs CMD $RUNS times under /usr/bin/time; sets MEDIAN_S and PEAK_KB.
timed() {
    local name=$1; shift
    local times=() rss=() i
    for ((i = 1; i <= RUNS; i++)); do
        if ! /usr/bin/time -f '%e %M' -o "$WORK/time.txt" "$@" >"$WORK/$name.stdout" 2>"$WORK/$name.stderr"; then
            echo "--- $name failed (run $i); its output:" >&2
            tail -n 20 "$WORK/$name.stdout" "$WORK/$name.stderr" >&2
            exit 1
        fi
        read -r t m < <(tail -n 1 "$WORK/time.txt")
        times+=("$t"); rss+=("$m")
        printf '  %s run %d: %s s, %s MB\n' "$name" "$i" "$t" "$((m / 1024))"
    done
    MEDIAN_S=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
    PEAK_KB=$(printf '%s\n' "${rss[@]}" | sort -n | tail -n 1)
}

# row NAME: one line of the summary table from MEDIAN_S and PEAK_KB.
row() {
    awk -v n="$1" -v s="$MEDIAN_S" -v kb="$PEAK_KB" -v rows="$ROWS" -v bytes="$BYTES" 'BEGIN {
        if (s <= 0) s = 0.005   # below /usr/bin/time resolution (10 ms)
        printf "%-8s %10.2f s %14.0f %10.1f %10.1f MB\n", n, s, rows / s, bytes / s / 1e6, kb / 1024
    }'
}

# --- sluice run ---------------------------------------------------------------------------
section "sluice run $JOB ($RUNS runs)"
timed sluice "$BIN" run "$JOB"
SLUICE_ROW=$(row sluice)
[[ -s $OUT_DIR/filter-aggregate.json ]] || die "sluice wrote no $OUT_DIR/filter-aggregate.json"

# --- duckdb -------------------------------------------------------------------------------
DUCK_ROW=""
COMPARE="skipped (python3 cannot import duckdb; pip install duckdb)"
if python3 -c 'import duckdb' 2>/dev/null; then
    section "duckdb, same query ($RUNS runs)"
    cat >"$WORK/duck.py" <<'PY'
import sys, duckdb
src, dst = sys.argv[1], sys.argv[2]
duckdb.sql(f"""
COPY (
  SELECT region, product, sum(amount) AS amount, sum(quantity) AS quantity,
         avg(order_total) AS order_total, count(id) AS id
  FROM read_csv_auto('{src}')
  WHERE status = 'active' AND amount > 100
  GROUP BY region, product
) TO '{dst}' (FORMAT JSON, ARRAY true)
""")
PY
    timed duckdb python3 "$WORK/duck.py" "$DATA" "$OUT_DIR/duckdb.json"
    DUCK_ROW=$(row duckdb)
    read -r IMPORT_S < <(/usr/bin/time -f '%e' python3 -c 'import duckdb' 2>&1 >/dev/null | tail -n 1)
    DUCK_ROW="$DUCK_ROW   (includes ~${IMPORT_S} s python3 start + import duckdb)"
    COMPARE=$(python3 - "$OUT_DIR/filter-aggregate.json" "$OUT_DIR/duckdb.json" <<'PY'
import json, math, sys
def load(path):
    rows = json.load(open(path))
    if isinstance(rows, dict):  # tolerate {"data": [...]} style wrappers
        rows = next((v for v in rows.values() if isinstance(v, list)), [])
    return {(r.get("region"), r.get("product")): r for r in rows}
try:
    ours, theirs = load(sys.argv[1]), load(sys.argv[2])
except Exception as e:
    print(f"could not compare: {e}"); sys.exit(0)
bad = []
if set(ours) != set(theirs):
    bad.append(f"groups differ: sluice {len(ours)}, duckdb {len(theirs)}")
for key in sorted(set(ours) & set(theirs), key=str):
    for field in ("amount", "quantity", "order_total", "id"):
        a, b = ours[key].get(field), theirs[key].get(field)
        if not isinstance(a, (int, float)) or not math.isclose(a, b, rel_tol=1e-9):
            bad.append(f"{key} {field}: sluice {a!r}, duckdb {b!r}")
print(f"MISMATCH ({len(bad)}): " + "; ".join(bad[:5]) if bad else f"identical ({len(ours)} groups)")
PY
)
fi

# --- server readiness ---------------------------------------------------------------------
section "sluice serve: readiness and idle memory"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$WORK/state"
START_NS=$(date +%s%N)
PORT=$PORT SLUICE_STATE=$WORK/state/state.db "$BIN" serve >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
READY_MS=""
DEADLINE=$((START_NS + 10000000000))
while :; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$PORT/health" || true)
    now=$(date +%s%N)
    if [[ $code == 200 ]]; then READY_MS=$(( (now - START_NS) / 1000000 )); break; fi
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; die "sluice serve exited before it was ready"; }
    (( now < DEADLINE )) || { cat "$WORK/serve.log" >&2; die "sluice serve not ready after 10 s"; }
    sleep 0.005
done
sleep 1
IDLE_KB=$(awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status")
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
echo "  first 200 from /health after $READY_MS ms; idle RSS after 1 s: $((IDLE_KB / 1024)) MB"

# --- summary ------------------------------------------------------------------------------
git_state() {
    git rev-parse --is-inside-work-tree >/dev/null 2>&1 || { echo "unknown (not a git checkout)"; return; }
    local head; head=$(git rev-parse --short HEAD 2>/dev/null || echo "none")
    if git diff --quiet HEAD 2>/dev/null; then echo "$head"; else echo "$head with local changes"; fi
}
mkdir -p bench/results
RESULT=bench/results/$(date +%Y%m%d-%H%M%S).txt
{
    echo "filter-aggregate: $ROWS rows, $(awk -v b="$BYTES" 'BEGIN {printf "%.1f", b / 1e6}') MB CSV, median of $RUNS runs"
    printf '%-8s %12s %14s %10s %13s\n' engine "wall (median)" rows/s MB/s "peak RSS"
    echo "$SLUICE_ROW"
    [[ -z $DUCK_ROW ]] || echo "$DUCK_ROW"
    echo "results vs duckdb: $COMPARE"
    echo "server: ready in $READY_MS ms (curl polled every 5 ms), idle RSS $((IDLE_KB / 1024)) MB"
    echo "machine: $(nproc) cores; commit $(git_state)"
} | tee "$RESULT"
section "saved $RESULT"
[[ $COMPARE != MISMATCH* ]] || die "sluice's result differs from duckdb's"
