#!/usr/bin/env bash
# Builds Sluice's libFuzzer targets (Fuzz/Targets, entry points in Sources/SluiceFuzzing) and
# runs each for a while, starting from its seed corpus and saved regressions.
#
#   bash scripts/fuzz.sh [seconds-per-target] [target...]
#
# Targets are FuzzJSON FuzzCSV FuzzNDJSON FuzzJSONDocument FuzzExpression FuzzJobSpec FuzzCron
# FuzzParquet FuzzAvro FuzzXLSX FuzzCodecs FuzzRESP FuzzNATS (all by default); 60 seconds each by default. The
# build is a release build with -sanitize=fuzzer,address in its own scratch path
# (.build-fuzz), so the normal .build is never touched. New corpus entries stay in a
# temporary directory; the repository's corpora are only read, and the temporary directory
# is removed when nothing failed. Exits non-zero when any target crashes, times out (5 s per
# input), runs out of memory (2 GB) or breaks a property (which traps), and prints the path
# of each saved input. Replay one with
# `.build-fuzz/release/<Target> <input>` (SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0);
# once fixed, copy it to Fuzz/Regressions/<corpus>/ so SluiceFuzzingTests keeps checking it.
set -euo pipefail

cd "$(dirname "$0")/.."
if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then
    export PATH=$PATH:/opt/swift/usr/bin
fi

SECONDS_PER_TARGET=${1:-60}
shift || true
[[ $SECONDS_PER_TARGET =~ ^[0-9]+$ ]] || { echo "fuzz.sh: seconds per target must be a number, got '$SECONDS_PER_TARGET'" >&2; exit 2; }

# Target → the name of its corpus, regression and dictionary files.
declare -A CORPUS=(
    [FuzzJSON]=json [FuzzCSV]=csv [FuzzNDJSON]=ndjson [FuzzJSONDocument]=json-document
    [FuzzExpression]=expression [FuzzJobSpec]=job-spec [FuzzCron]=cron [FuzzParquet]=parquet [FuzzAvro]=avro
    [FuzzXLSX]=xlsx [FuzzCodecs]=codecs [FuzzRESP]=resp [FuzzNATS]=nats
)
ALL=(FuzzJSON FuzzCSV FuzzNDJSON FuzzJSONDocument FuzzExpression FuzzJobSpec FuzzCron FuzzParquet FuzzAvro FuzzXLSX FuzzCodecs FuzzRESP FuzzNATS)
TARGETS=("$@")
((${#TARGETS[@]})) || TARGETS=("${ALL[@]}")
for target in "${TARGETS[@]}"; do
    [[ -n ${CORPUS[$target]:-} ]] || { echo "fuzz.sh: unknown target '$target'; expected one of ${ALL[*]}" >&2; exit 2; }
done

BUILD=(swift build -c release --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address)
started=$SECONDS
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sluice-fuzz.XXXXXX")
BUILD_LOG=$WORK/build.log
for target in "${TARGETS[@]}"; do
    echo "fuzz.sh: building $target"
    if ! SLUICE_FUZZ=1 "${BUILD[@]}" --product "$target" >"$BUILD_LOG" 2>&1; then
        grep -E "error" "$BUILD_LOG" | head -n 20 >&2 || tail -n 20 "$BUILD_LOG" >&2
        echo "fuzz.sh: building $target failed (log: $BUILD_LOG)" >&2
        exit 1
    fi
done
BIN=$(SLUICE_FUZZ=1 "${BUILD[@]}" --show-bin-path)
echo "fuzz.sh: built in $((SECONDS - started)) s"

# A trap prints its message and stops; the Swift runtime's backtracer would then read memory
# AddressSanitizer guards and add a second, misleading report.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
failed=()
for target in "${TARGETS[@]}"; do
    name=${CORPUS[$target]}
    corpus=$WORK/$name/corpus
    artifacts=$WORK/$name/artifacts
    mkdir -p "$corpus" "$artifacts"
    for seeds in "Fuzz/Corpus/$name" "Fuzz/Regressions/$name"; do
        if [[ -d $seeds ]] && compgen -G "$seeds/*" >/dev/null; then cp "$seeds"/* "$corpus"/; fi
    done
    # -detect_leaks=0: LeakSanitizer takes Swift's lazily built globals (whose pointers may
    # carry enum tag bits) for leaks; growth is bounded by -rss_limit_mb instead.
    options=(-max_total_time="$SECONDS_PER_TARGET" -timeout=5 -rss_limit_mb=2048 -detect_leaks=0 -print_final_stats=1
        -artifact_prefix="$artifacts/")
    [[ -f Fuzz/Dictionaries/$name.dict ]] && options+=(-dict="Fuzz/Dictionaries/$name.dict")
    echo "fuzz.sh: running $target for $SECONDS_PER_TARGET s (log: $WORK/$name/log)"
    status=0
    "$BIN/$target" "${options[@]}" "$corpus" >"$WORK/$name/log" 2>&1 || status=$?
    grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb)|cov: .* corp:" "$WORK/$name/log" | tail -n 3 || true
    saved=$(find "$artifacts" -type f | sort)
    if [[ $status != 0 || -n $saved ]]; then
        echo "fuzz.sh: $target FAILED (exit status $status); the end of its log:"
        grep -v "^#" "$WORK/$name/log" | tail -n 40
        for input in $saved; do echo "fuzz.sh: $target saved the failing input $input"; done
        failed+=("$target")
    fi
done

if ((${#failed[@]})); then
    echo "fuzz.sh: failures in ${failed[*]}; inputs and logs under $WORK" >&2
    exit 1
fi
rm -rf "$WORK"
echo "fuzz.sh: no failures in ${TARGETS[*]} ($SECONDS_PER_TARGET s each); total $((SECONDS - started)) s"
