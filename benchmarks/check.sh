#!/usr/bin/env bash
# Check benchmark: `veto check` (the full family-welfare pack) beside the DuckDB script a user
# would write for the same rule families (../shared/bench/duckdb_report_checks.py) and beside
# veto's reader alone (veto-readbench), on the same generated file, interleaved.
#
#   bash benchmarks/check.sh [MB ...]     # default 16 64 256; BENCH_RUNS=N (default 3)
#
# Each round runs every tool once, in turn, on each size (so machine noise hits all of them
# alike); the table gives the median over the rounds of wall seconds and CPU seconds (user +
# system), MB/s from the median wall time, and the largest peak RSS. veto runs with
# `--format json -o /dev/null` (the verdicts of every unit-period are written), with --jobs 1
# and 2, and with --no-detectors (veto-rules-j1: the rule families alone, what the DuckDB
# script does); DuckDB with 1 and 2 threads. Needs python3 with duckdb (pip install duckdb); generates
# the data files with
# benchmarks/gen_report.py when missing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(16 64 256)
runs="${BENCH_RUNS:-3}"
python="${PYTHON:-python3}"
duck="$root/../shared/bench/duckdb_report_checks.py"

swift build -c release --static-swift-stdlib --scratch-path .build-release --product veto >/dev/null
swift build -c release --static-swift-stdlib --scratch-path .build-release --product veto-readbench >/dev/null
veto="$root/.build-release/release/veto"
readbench="$root/.build-release/release/veto-readbench"
have_duck=1
"$python" -c "import duckdb" 2>/dev/null || { echo "check.sh: duckdb missing (pip install duckdb): its rows are skipped" >&2; have_duck=0; }
[ -f "$duck" ] || { echo "check.sh: $duck not found: DuckDB rows skipped" >&2; have_duck=0; }

mkdir -p benchmarks/data
for mb in "${sizes[@]}"; do
    f="benchmarks/data/report-${mb}mb-seed1.csv"
    [ -f "$f" ] || "$python" benchmarks/gen_report.py --mb "$mb" --seed 1 --out "$f" --quiet --jobs 1 </dev/null
    cat "$f" > /dev/null
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
. "$here/measure.sh"
for round in $(seq 1 "$runs"); do
    for mb in "${sizes[@]}"; do
        f="benchmarks/data/report-${mb}mb-seed1.csv"
        measure readbench "$mb" "$readbench" "$f"
        measure veto-check-j1 "$mb" "$veto" check --format json -o /dev/null "$f"
        measure veto-rules-j1 "$mb" "$veto" check --no-detectors --format json -o /dev/null "$f"
        measure veto-check-j2 "$mb" "$veto" check --jobs 2 --format json -o /dev/null "$f"
        if [ $have_duck = 1 ]; then
            measure duckdb-1-thread "$mb" "$python" "$duck" "$f" 1
            measure duckdb-2-threads "$mb" "$python" "$duck" "$f" 2
        fi
    done
done
"$python" - "$tmp/all" <<'PY'
import sys, statistics, os
rows = {}
for line in open(sys.argv[1]):
    name, mb, wall, user, sys_, rss = line.split()
    rows.setdefault((int(mb), name), []).append((float(wall), float(user) + float(sys_), int(rss)))
# Peak RSS in MiB (GNU time's %M is KiB), beside issue 7's bound for the size: 64 MiB + 48 bytes
# a unit-period read (a data row of these files is one unit-period).
def bound(mb):
    with open(f"benchmarks/data/report-{mb}mb-seed1.csv", "rb") as f:
        n = sum(1 for _ in f) - 1
    return n, 64 + 48 * n / 2**20
print("| MiB | tool | wall s (median) | CPU s (median) | MB/s | peak RSS MiB | runs |")
print("|---:|---|---:|---:|---:|---:|---:|")
for (mb, name), v in sorted(rows.items()):
    wall = statistics.median(x[0] for x in v); cpu = statistics.median(x[1] for x in v)
    rss = max(x[2] for x in v) / 1024
    print(f"| {mb} | {name} | {wall:.2f} | {cpu:.2f} | {mb / wall:.1f} | {rss:.1f} | {len(v)} |")
print()
for mb in sorted({mb for mb, _ in rows}):
    n, b = bound(mb)
    print(f"{mb} MiB: {n:,} unit-periods, memory bound {b:.1f} MiB")
PY
