#!/usr/bin/env bash
# Province benchmark: `veto check` on what `veto generate` writes — every canonical column of the
# report, so every detector of the family-welfare pack runs (gen_report.py's files lack two of
# the columns `duplicate-rows` needs, and it stays silent on them). N generated counties over ten
# years are joined into one file in period order (a year's counties, each county row followed
# by its townships and villages), as a province would send them.
#
#   bash benchmarks/province.sh [COUNTIES ...]   # default 100 400; BENCH_RUNS=N (default 3)
#   BASE=/path/to/other/veto bash benchmarks/province.sh 400   # the same runs of another build, interleaved
#
# Each round runs, in turn: the whole pack, the rules alone (--no-detectors) and --jobs 2 (and
# the same with BASE). The table gives medians of wall and CPU seconds (user + system) and the
# largest peak RSS in MiB (GNU time's %M is KiB), beside issue 7's bound: 64 MiB + 48 bytes a
# unit-period (a data row here is one unit-period).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"
counties=("$@")
[ ${#counties[@]} -gt 0 ] || counties=(100 400)
runs="${BENCH_RUNS:-3}"
base="${BASE:-}"

swift build -c release --static-swift-stdlib --scratch-path .build-release --product veto >/dev/null
veto="$root/.build-release/release/veto"
[ -z "$base" ] || [ -x "$base" ] || { echo "province.sh: BASE=$base is not an executable" >&2; exit 2; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p benchmarks/data
for n in "${counties[@]}"; do
    f="benchmarks/data/province-${n}-seed1.csv"
    [ -f "$f" ] && continue
    "$veto" generate --counties "$n" --seed 1 --out "$tmp/gen-$n" >/dev/null 2>&1
    first=1
    for y in $(seq 2016 2025); do
        for c in "$tmp/gen-$n"/*-"$y".csv; do
            if [ $first = 1 ]; then cat "$c"; first=0; else tail -n +2 "$c"; fi
        done
    done > "$f.part"
    mv "$f.part" "$f"
    rm -rf "$tmp/gen-$n"
done

. "$here/measure.sh"
for round in $(seq 1 "$runs"); do
    for n in "${counties[@]}"; do
        f="benchmarks/data/province-${n}-seed1.csv"
        cat "$f" > /dev/null
        for build in new ${base:+base}; do
            bin="$veto"; [ "$build" = new ] || bin="$base"
            measure "$build-whole-j1" "$n" "$bin" check --format json -o /dev/null "$f"
            measure "$build-rules-j1" "$n" "$bin" check --no-detectors --format json -o /dev/null "$f"
            measure "$build-whole-j2" "$n" "$bin" check --jobs 2 --format json -o /dev/null "$f"
        done
    done
done

python3 - "$tmp/all" <<'PY'
import sys, statistics
rows = {}
for line in open(sys.argv[1]):
    name, n, wall, user, sys_, rss = line.split()
    rows.setdefault((int(n), name), []).append((float(wall), float(user) + float(sys_), int(rss)))
def size(n):
    path = f"benchmarks/data/province-{n}-seed1.csv"
    with open(path, "rb") as f:
        lines = sum(1 for _ in f) - 1
    import os
    return lines, os.path.getsize(path)
print("| counties | run | wall s (median) | CPU s (median) | MB/s (CPU) | peak RSS MiB | runs |")
print("|---:|---|---:|---:|---:|---:|---:|")
for (n, name), v in sorted(rows.items()):
    wall = statistics.median(x[0] for x in v); cpu = statistics.median(x[1] for x in v)
    rss = max(x[2] for x in v) / 1024
    _, b = size(n)
    print(f"| {n} | {name} | {wall:.2f} | {cpu:.2f} | {b / 1e6 / cpu:.1f} | {rss:.1f} | {len(v)} |")
print()
for n in sorted({n for n, _ in rows}):
    up, b = size(n)
    print(f"{n} counties: {b / 2**20:.1f} MiB, {up:,} unit-periods, memory bound {64 + 48 * up / 2**20:.1f} MiB")
PY
