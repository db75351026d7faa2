#!/usr/bin/env bash
# Starts and stops the Azure Blob Storage stand-in the object-store tests talk to.
#
# No Azure emulator can be installed here (Azurite ships only through npm), so the tests use this stand-in, which verifies every request's SharedKey signature with the official azure-storage-blob SDK's signing code, and the official SDK talks to the same stand-in.
#
#   source scripts/test-databases.sh          # for free_port
#   source scripts/object-stores/azure.sh
#   start_azure_standin    # exports SLUICE_TEST_AZURE_ENDPOINT, SLUICE_TEST_AZURE_ACCOUNT, SLUICE_TEST_AZURE_KEY
#   stop_azure_standin
#
# Needs python3 with azure-storage-blob (pip install azure-storage-blob). Safe under
# `set -euo pipefail`. The stand-in's log is in $AZURE_STANDIN_DIR/standin.log while it runs.

AZURE_STANDIN_PID=""
AZURE_STANDIN_DIR=""

start_azure_standin() {
    local here port account key tries
    here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
    if ! declare -F free_port >/dev/null; then
        echo "start_azure_standin: source scripts/test-databases.sh first (it defines free_port)" >&2
        return 1
    fi
    if ! python3 -c 'import azure.storage.blob' >/dev/null 2>&1; then
        echo "start_azure_standin: python3 cannot import azure.storage.blob; run: python3 -m pip install azure-storage-blob" >&2
        return 1
    fi
    port=$(free_port)
    account=devstoreaccount1
    # A fresh random key per run (base64 of 64 random bytes, as account keys are).
    key=$(python3 -c 'import base64, os; print(base64.b64encode(os.urandom(64)).decode())')
    AZURE_STANDIN_DIR=$(mktemp -d /tmp/sluice-azure-standin.XXXXXX)
    python3 "$here/azure_blob_standin.py" --port "$port" --account "$account" --key "$key" >"$AZURE_STANDIN_DIR/standin.log" 2>&1 &
    AZURE_STANDIN_PID=$!
    tries=0
    until curl -fsS "http://127.0.0.1:$port/__control/health" >/dev/null 2>&1; do
        tries=$((tries + 1))
        if ((tries > 300)) || ! kill -0 "$AZURE_STANDIN_PID" 2>/dev/null; then
            echo "start_azure_standin: the stand-in did not answer on 127.0.0.1:$port" >&2
            cat "$AZURE_STANDIN_DIR/standin.log" >&2
            stop_azure_standin
            return 1
        fi
        sleep 0.1
    done
    export SLUICE_TEST_AZURE_ENDPOINT="http://127.0.0.1:$port/$account"
    export SLUICE_TEST_AZURE_ACCOUNT=$account
    export SLUICE_TEST_AZURE_KEY=$key
    echo "Azure Blob stand-in on 127.0.0.1:$port (account $account)"
}

stop_azure_standin() {
    if [[ -n $AZURE_STANDIN_PID ]]; then
        kill "$AZURE_STANDIN_PID" 2>/dev/null || true
        wait "$AZURE_STANDIN_PID" 2>/dev/null || true
    fi
    if [[ -n $AZURE_STANDIN_DIR && -d $AZURE_STANDIN_DIR ]]; then
        rm -rf "$AZURE_STANDIN_DIR"
    fi
    AZURE_STANDIN_PID=""
    AZURE_STANDIN_DIR=""
    unset SLUICE_TEST_AZURE_ENDPOINT SLUICE_TEST_AZURE_ACCOUNT SLUICE_TEST_AZURE_KEY
}
