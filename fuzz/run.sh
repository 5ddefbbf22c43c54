#!/usr/bin/env bash
# Runs one libFuzzer target for a given time:  fuzz/run.sh TARGET SECONDS [libFuzzer flags…]
# TARGET: csv-reader, number-parser or header-matcher. Builds it if needed, seeds its corpus
# from fixtures/ (the corpus grows in fuzz/.build/corpus/TARGET, never committed), writes any
# crash to fuzz/.build/crashes/TARGET/, and prints executions and crashes at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: fuzz/run.sh TARGET SECONDS}
seconds=${2:?usage: fuzz/run.sh TARGET SECONDS}
shift 2
bin=fuzz/.build/$target
[ -x "$bin" ] || fuzz/build.sh "$target"
corpus=fuzz/.build/corpus/$target
crashes=fuzz/.build/crashes/$target
mkdir -p "$corpus" "$crashes"
if [ -z "$(ls -A "$corpus")" ]; then
  python3 - "$target" "$corpus" <<'PY'
import glob, hashlib, os, sys
target, corpus = sys.argv[1], sys.argv[2]
files = sorted(glob.glob("fixtures/**/*.csv", recursive=True))
def put(data):
    open(os.path.join(corpus, hashlib.sha1(data).hexdigest()), "wb").write(data)
for f in files:
    data = open(f, "rb").read()
    if target == "csv-reader":
        for control in (0x00, 0x01, 0x06, 0x0B, 0x20):   # detected, small cap, utf-8 forced, gb18030 forced, ','
            put(bytes([control]) + data[:3000])
    elif target == "number-parser":
        for line in data.split(b"\n")[:40]:
            for cell in line.split(b","):
                for kind in (0, 1, 2, 5):
                    put(bytes([kind]) + cell.strip(b"\r"))
    elif target == "header-matcher":
        put(data.split(b"\n")[0].strip(b"\r").replace(b",", b"\x1f"))
for extra in ("53.376万", "２．４９％", "(1,234)", "1.23E+11", "#DIV/0!", "0." + "0" * 40 + "1", "1" * 200, "－５", "无"):
    if target == "number-parser":
        put(bytes([1]) + extra.encode())
PY
fi
log=fuzz/.build/$target.log
set +e
"$bin" "$corpus" -max_len="${FUZZ_MAX_LEN:-4096}" -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=2048 -timeout=10 \
  -artifact_prefix="$crashes/" "$@" 2>&1 | tee "$log" | grep -E "^#[0-9]+ +(pulse|DONE)|ERROR|SUMMARY|stat::number_of_executed_units" >&2
status=${PIPESTATUS[0]}
set -e
execs=$(grep -o "stat::number_of_executed_units: [0-9]*" "$log" | grep -o "[0-9]*$" || echo 0)
found=$(ls "$crashes" | wc -l)
echo "$target: $execs executions in ${seconds}s, $found crash files in $crashes (exit $status)"
exit $status
