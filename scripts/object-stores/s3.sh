#!/usr/bin/env bash
# Starts moto (an S3 implementation in Python, PyPI `moto[server]`) on loopback for the S3
# tests, and stops it. Sourced by scripts/test.sh after scripts/test-databases.sh (for
# free_port):
#
#   start_moto    # exports SLUICE_TEST_S3_ENDPOINT=http://127.0.0.1:PORT
#   stop_moto
#
# moto accepts any access key; the tests use test/test. State is kept in memory and thrown
# away when it stops.

MOTO_PID=""
MOTO_DIR=""

start_moto() {
    local port tries=0
    port=$(free_port)
    MOTO_DIR=$(mktemp -d /tmp/sluice-moto.XXXXXX)
    moto_server -H 127.0.0.1 -p "$port" >"$MOTO_DIR/log" 2>&1 &
    MOTO_PID=$!
    until curl -s -o /dev/null "http://127.0.0.1:$port/moto-api/"; do
        tries=$((tries + 1))
        if ((tries > 400)); then cat "$MOTO_DIR/log" >&2; return 1; fi
        sleep 0.05
    done
    export SLUICE_TEST_S3_ENDPOINT="http://127.0.0.1:$port"
    echo "moto $(python3 -c 'import moto; print(moto.__version__)') (S3) on 127.0.0.1:$port"
}

stop_moto() {
    if [[ -n $MOTO_PID ]]; then
        kill "$MOTO_PID" 2>/dev/null || true
        wait "$MOTO_PID" 2>/dev/null || true
        MOTO_PID=""
    fi
    [[ -n $MOTO_DIR ]] && rm -rf "$MOTO_DIR"
    MOTO_DIR=""
}
