#!/usr/bin/env bash
# Sluice's PostgreSQL COPY paths beside psql's \copy, on the orders of bench/generate.py:
#
#   (a) table -> file:  psql \copy (SELECT * FROM orders) TO file (CSV)
#                       sluice: postgres source (binary COPY TO STDOUT) -> NDJSON file
#   (b) file -> table:  psql \copy orders_psql FROM the orders CSV
#                       sluice: the orders NDJSON (the CSV's 12 fields selected) -> postgres
#                       target, mode insert (binary COPY FROM STDIN)
#
#   bash bench/postgres.sh              # 1M rows, 5 runs
#   ROWS=200000 RUNS=3 bash bench/postgres.sh
#
# Starts PostgreSQL 15 on loopback in a temporary directory (scripts/test-databases.sh) unless
# SLUICE_BENCH_POSTGRES_URL names a server; generates the data when it is missing. Every
# timing is a whole process (connect, read, write, exit), the four interleaved run by run;
# the summary (also saved under bench/results/) gives the median of each and Sluice's ratio to
# psql, with the load average before and after. The outputs are checked:
# orders_sluice must hold exactly the rows of orders_psql (EXCEPT ALL both ways, every column),
# and the NDJSON file must hold, line by line, the table's values (bench/postgres_check.py).
# Needs the release build: swift build -c release --product sluice.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-1000000}
RUNS=${RUNS:-5}
SLUICE=${SLUICE_BIN:-.build/release/sluice}
CSV=bench/data/orders_$ROWS.csv
NDJSON=bench/data/orders_$ROWS.ndjson

[[ -x $SLUICE ]] || { echo "build first: swift build -c release --product sluice" >&2; exit 1; }
[[ -f $CSV && -f $NDJSON ]] || python3 bench/generate.py --rows "$ROWS"

mkdir -p bench/results
RESULT=bench/results/postgres-$(date +%Y%m%d-%H%M%S).txt
exec > >(tee "$RESULT")
echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown), $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

WORK=$(mktemp -d /tmp/sluice-bench-pg.XXXXXX)
chmod 777 "$WORK"
URL=${SLUICE_BENCH_POSTGRES_URL:-}
cleanup() {
    rm -rf "$WORK"
    if [[ -z ${SLUICE_BENCH_POSTGRES_URL:-} ]]; then stop_test_databases; fi
}
# shellcheck source=scripts/test-databases.sh
source scripts/test-databases.sh
trap cleanup EXIT
if [[ -z $URL ]]; then
    TEST_DB_ROOT=$(mktemp -d /tmp/sluice-bench-db.XXXXXX)
    chmod 755 "$TEST_DB_ROOT"
    start_postgres >&2
    URL=$SLUICE_TEST_POSTGRES_URL
fi

q() { psql "$URL" -qAtX -v ON_ERROR_STOP=1 -c "$1"; }

COLUMNS="id int8, customer_id int8, email text, age int4, status text, region text, product text,
    amount numeric(12,2), quantity int4, order_total numeric(14,2), created_at timestamptz, full_name text"
FIELDS='"id", "customer_id", "email", "age", "status", "region", "product", "amount", "quantity", "order_total", "created_at", "full_name"'
q "SET client_min_messages = warning; DROP TABLE IF EXISTS orders, orders_psql, orders_sluice"
q "CREATE TABLE orders ($COLUMNS)"
q "CREATE TABLE orders_psql ($COLUMNS)"
q "CREATE TABLE orders_sluice ($COLUMNS)"
echo "loading orders ($ROWS rows) ..." >&2
psql "$URL" -qAtX -v ON_ERROR_STOP=1 -c "\\copy orders from '$CSV' csv header"
q "VACUUM ANALYZE orders"

cat >"$WORK/to-ndjson.json" <<EOF
{"name": "postgres -> NDJSON", "source": {"type": "postgres", "config": {"url": "$URL", "table": "orders"}},
 "target": {"type": "file", "config": {"path": "$WORK/sluice.ndjson", "format": "ndjson", "mode": "write"}}}
EOF
cat >"$WORK/from-ndjson.json" <<EOF
{"name": "NDJSON -> postgres", "source": {"type": "file", "config": {"path": "$NDJSON"}},
 "transforms": [{"operation": "select", "config": {"fields": [$FIELDS]}}],
 "target": {"type": "postgres", "config": {"url": "$URL", "table": "orders_sluice", "mode": "insert", "createTable": false}}}
EOF

# Seconds taken by "$@" (stdout and stderr to $WORK/last.log; a failure stops the script).
seconds() {
    local start end
    start=$(date +%s.%N)
    if ! "$@" >"$WORK/last.log" 2>&1; then
        echo "failed: $*" >&2
        tail -n 20 "$WORK/last.log" >&2
        exit 1
    fi
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f\n", b - a }'
}

declare -a A_PSQL A_SLUICE B_PSQL B_SLUICE
for ((run = 1; run <= RUNS; run++)); do
    A_PSQL+=("$(seconds psql "$URL" -qAtX -v ON_ERROR_STOP=1 -c "\\copy (SELECT * FROM orders) to '$WORK/psql.csv' csv")")
    A_SLUICE+=("$(seconds env LOG_LEVEL=error "$SLUICE" run --no-state "$WORK/to-ndjson.json")")
    q "TRUNCATE orders_psql"
    B_PSQL+=("$(seconds psql "$URL" -qAtX -v ON_ERROR_STOP=1 -c "\\copy orders_psql from '$CSV' csv header")")
    q "TRUNCATE orders_sluice"
    B_SLUICE+=("$(seconds env LOG_LEVEL=error "$SLUICE" run --no-state "$WORK/from-ndjson.json")")
    printf 'run %d: (a) psql %.2f s, sluice %.2f s; (b) psql %.2f s, sluice %.2f s\n' "$run" \
        "${A_PSQL[-1]}" "${A_SLUICE[-1]}" "${B_PSQL[-1]}" "${B_SLUICE[-1]}"
done

echo "checking the outputs ..." >&2
missing=$(q "SELECT count(*) FROM (SELECT * FROM orders_psql EXCEPT ALL SELECT * FROM orders_sluice) d")
extra=$(q "SELECT count(*) FROM (SELECT * FROM orders_sluice EXCEPT ALL SELECT * FROM orders_psql) d")
count=$(q "SELECT count(*) FROM orders_sluice")
if [[ $missing != 0 || $extra != 0 || $count != "$ROWS" ]]; then
    echo "orders_sluice differs from orders_psql: $count rows, $missing missing, $extra extra" >&2
    exit 1
fi
python3 bench/postgres_check.py "$WORK/psql.csv" "$WORK/sluice.ndjson" "$ROWS"

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
row() { # name psql-median sluice-median
    printf '| %-44s | %8.2f | %8.2f | %5.2f× |\n' "$1" "$2" "$3" "$(awk -v a="$2" -v b="$3" 'BEGIN { print b / a }')"
}
echo
echo "$ROWS orders, median of $RUNS runs (whole processes; outputs checked)"
echo
echo "| path                                         |     psql |   sluice | ratio |"
echo "|----------------------------------------------|----------|----------|-------|"
row "(a) table -> file (psql CSV, sluice NDJSON)" "$(median "${A_PSQL[@]}")" "$(median "${A_SLUICE[@]}")"
row "(b) file -> table (psql CSV, sluice NDJSON)" "$(median "${B_PSQL[@]}")" "$(median "${B_SLUICE[@]}")"
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); saved in $RESULT"
