#!/usr/bin/env bash
# Reader benchmark: veto's reader next to the C floor, DuckDB and pandas.
#
#   bash benchmarks/run.sh [MB]        # default 256; BENCH_MB=MB works too
#
# Builds benchmarks/floor (cc) and veto-readbench (swift build -c release
# --scratch-path .build-release), generates benchmarks/data/report-<MB>mb-seed1.csv
# if it is missing, reads the file once to warm the page cache, then runs each
# tool pinned to core 0 (taskset -c 0) under /usr/bin/time -f '%e %M' and
# prints: tool | MB/s | rows/s | peak RSS MB | % of floor.
# MB means MiB (1,048,576 bytes) throughout; MB/s and rows/s use the wall
# time /usr/bin/time reports (process start-up included, for Python the
# interpreter and import too); rows are the file's data rows (header excluded).
#
# Environment:
#   BENCH_MB    data size in MiB when no argument is given (default 256)
#   BENCH_RUNS  runs per tool, best time and largest RSS kept (default 1)
#   PYTHON      Python interpreter for the generator, DuckDB and pandas (default python3)
#   CC          C compiler for the floor (default cc)
#   SWIFT       swift driver (default swift)
#
# Exit status: 0 when every available tool ran (a missing Python module or a
# veto-readbench that does not exist yet is skipped with a note); 1 when a
# tool failed or veto-readbench failed to build.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

mb="${1:-${BENCH_MB:-256}}"
runs="${BENCH_RUNS:-1}"
python="${PYTHON:-python3}"
ccomp="${CC:-cc}"
swift="${SWIFT:-swift}"
if ! [[ "$mb" =~ ^[0-9]+$ ]] || [ "$mb" -le 0 ]; then
    echo "run.sh: MB must be a positive whole number, got '$mb'" >&2
    exit 2
fi
if ! [[ "$runs" =~ ^[0-9]+$ ]] || [ "$runs" -le 0 ]; then
    echo "run.sh: BENCH_RUNS must be a positive whole number, got '$runs'" >&2
    exit 2
fi

note() { echo "run.sh: $*" >&2; }
failed=0

# ---- tools the harness itself needs ---------------------------------------
if [ ! -x /usr/bin/time ]; then
    note "/usr/bin/time is missing (Debian: apt-get install time); it measures elapsed time and peak RSS"
    exit 2
fi
if command -v taskset >/dev/null 2>&1; then
    pin=(taskset -c 0)
    pinned="pinned to core 0 (taskset -c 0)"
else
    note "taskset is missing (Debian: util-linux); running without pinning to one core"
    pin=()
    pinned="NOT pinned (taskset missing)"
fi
if ! command -v "$python" >/dev/null 2>&1; then
    note "$python is missing: it is needed to generate the data"
    exit 2
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# ---- build the floor --------------------------------------------------------
if ! command -v "$ccomp" >/dev/null 2>&1; then
    note "C compiler '$ccomp' is missing: cannot build the floor"
    exit 2
fi
if [ ! -f /usr/include/csv.h ]; then
    note "/usr/include/csv.h is missing: install libcsv (Debian: apt-get install libcsv-dev)"
    exit 2
fi
note "building benchmarks/floor"
"$ccomp" -O2 -o benchmarks/floor benchmarks/floor.c -lcsv

# ---- build veto-readbench ---------------------------------------------------
veto_bin="$root/.build-release/release/veto-readbench"
veto_status=""   # empty: built; otherwise why it is not measured
if ! compgen -G "benchmarks/readbench/*.swift" >/dev/null; then
    veto_status="pending: benchmarks/readbench/ has no Swift sources yet"
    note "$veto_status"
elif ! command -v "$swift" >/dev/null 2>&1; then
    veto_status="skipped: '$swift' is not on PATH"
    note "$veto_status"
else
    note "building veto-readbench (swift build -c release --static-swift-stdlib --scratch-path .build-release)"
    if ! "$swift" build -c release --static-swift-stdlib --scratch-path .build-release --product veto-readbench \
        >"$tmp/swift-build.log" 2>&1; then
        tail -n 40 "$tmp/swift-build.log" >&2
        veto_status="build failed (log above)"
        note "veto-readbench: $veto_status"
        failed=1
    elif [ ! -x "$veto_bin" ]; then
        veto_status="built, but $veto_bin is missing"
        note "$veto_status"
        failed=1
    fi
fi

# ---- data -------------------------------------------------------------------
# The file is reused while gen_report.py is unchanged: FILE.gen holds the
# generator's checksum, and a file made by another version is regenerated.
data="benchmarks/data/report-${mb}mb-seed1.csv"
gen_sum="$(sha256sum benchmarks/gen_report.py | cut -d' ' -f1)"
mkdir -p benchmarks/data
if [ ! -f "$data" ] || [ "$(cat "$data.gen" 2>/dev/null)" != "$gen_sum" ]; then
    [ -f "$data" ] && note "$data was made by another version of gen_report.py; regenerating"
    note "generating $data"
    rm -f "$data.gen"
    gen_start=$(date +%s.%N)
    "$python" benchmarks/gen_report.py --mb "$mb" --seed 1 --out "$data"
    gen_end=$(date +%s.%N)
    echo "$gen_sum" >"$data.gen"
    note "generated in $(awk -v a="$gen_start" -v b="$gen_end" 'BEGIN{printf "%.1f", b-a}') s"
fi
bytes=$(stat -c %s "$data")
mem_avail_kb=$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo)
if [ -n "$mem_avail_kb" ] && [ $((bytes / 1024)) -gt "$mem_avail_kb" ]; then
    note "warning: the file is larger than available memory; reads will hit the disk"
fi

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
note "warm-up read of $data"
cat "$data" >/dev/null

# ---- runs -------------------------------------------------------------------
# run NAME CMD...: runs CMD BENCH_RUNS times pinned and timed; sets
# run_secs (best), run_rss_kb (largest), run_out (stdout of the best run).
run() {
    local name="$1"; shift
    local i secs rss best="" maxrss=0
    run_out=""
    for ((i = 1; i <= runs; i++)); do
        if ! "${pin[@]}" /usr/bin/time -f '%e %M' -o "$tmp/time" "$@" \
            >"$tmp/out" 2>"$tmp/err"; then
            note "$name failed:"
            cat "$tmp/err" >&2
            return 1
        fi
        read -r secs rss <"$tmp/time"
        if [ -z "$best" ] || awk -v a="$secs" -v b="$best" 'BEGIN{exit !(a<b)}'; then
            best="$secs"
            run_out="$(cat "$tmp/out")"
        fi
        [ "$rss" -gt "$maxrss" ] && maxrss="$rss"
    done
    run_secs="$best"
    run_rss_kb="$maxrss"
}

# field KEY LINE: the value of KEY=value in a one-line report.
field() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2"; }

names=(); secs=(); rss=(); notes=()
add_row() { names+=("$1"); secs+=("$2"); rss+=("$3"); notes+=("$4"); }

note "floor"
run floor benchmarks/floor "$data"
floor_line="$run_out"
records=$(field records "$floor_line")
fields=$(field fields "$floor_line")
rows=$((records - 1))
add_row "floor (C, libcsv)" "$run_secs" "$run_rss_kb" "$floor_line"

veto_secs="" veto_rss=""
if [ -z "$veto_status" ]; then
    note "veto-readbench"
    if run veto-readbench "$veto_bin" "$data"; then
        veto_line="$run_out"
        vb=$(field bytes "$veto_line")
        vr=$(field records "$veto_line")
        if [ -z "$vb" ] || [ -z "$vr" ]; then
            veto_status="printed '$(head -c 200 <<<"$veto_line")', not the expected 'bytes=N records=N fields=N numbers=N missing=N invalid=N' (a placeholder?); not counted"
            note "veto-readbench: $veto_status"
            failed=1
            add_row "veto-readbench" "" "" "$veto_status"
        else
            if [ "$vb" != "$bytes" ]; then
                note "warning: veto-readbench read bytes=$vb, the file has $bytes"
            fi
            if [ "$vr" != "$records" ] && [ "$vr" != "$rows" ]; then
                note "warning: veto-readbench counted records=$vr, the floor $records (header included)"
            fi
            veto_secs="$run_secs" veto_rss="$run_rss_kb"
            add_row "veto-readbench" "$run_secs" "$run_rss_kb" "$veto_line"
        fi
    else
        veto_status="failed (see above)"
        failed=1
        add_row "veto-readbench" "" "" "$veto_status"
    fi
else
    add_row "veto-readbench" "" "" "$veto_status"
fi

for tool in duckdb pandas; do
    if ! "$python" -c "import $tool" >/dev/null 2>&1; then
        note "$tool: Python module '$tool' is not installed for $python; skipping"
        add_row "$tool" "" "" "skipped: Python module '$tool' not installed"
        continue
    fi
    note "$tool"
    if run "$tool" "$python" benchmarks/py_bench.py "$tool" "$data"; then
        tr=$(field rows "$run_out")
        if [ "$tr" != "$rows" ]; then
            note "warning: $tool read $tr rows, the floor $rows"
        fi
        add_row "$tool" "$run_secs" "$run_rss_kb" "$run_out"
    else
        add_row "$tool" "" "" "failed (see above)"
        failed=1
    fi
done

# ---- report -----------------------------------------------------------------
cpu=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo)
echo
echo "machine: nproc=$(nproc), CPU: ${cpu:-unknown}, $(uname -sr), each tool $pinned"
echo "load average (1, 5, 15 min) before the runs: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "dataset: $data — $bytes bytes ($(awk -v b="$bytes" 'BEGIN{printf "%.1f", b/1048576}') MiB), $rows data rows, $fields fields (seed 1, gen_report.py)"
echo "runs: best of $runs per tool, after one warm-up read (cat > /dev/null); MB = MiB; wall time from /usr/bin/time"
echo
floor_mbs=$(awk -v b="$bytes" -v s="${secs[0]}" 'BEGIN{printf "%.6f", b/1048576/s}')
printf '| %-18s | %8s | %11s | %11s | %10s |\n' tool MB/s rows/s "peak RSS MB" "% of floor"
printf '|%s|%s|%s|%s|%s|\n' "--------------------" "----------:" "------------:" "------------:" "-----------:"
for i in "${!names[@]}"; do
    if [ -n "${secs[$i]}" ]; then
        awk -v n="${names[$i]}" -v b="$bytes" -v r="$rows" -v s="${secs[$i]}" \
            -v k="${rss[$i]}" -v f="$floor_mbs" 'BEGIN{
                if (s <= 0) s = 0.005   # below /usr/bin/time resolution
                mbs = b / 1048576 / s
                printf "| %-18s | %8.1f | %11.0f | %11.1f | %9.0f%% |\n", n, mbs, r / s, k / 1024, 100 * mbs / f }'
    else
        printf '| %-18s | %8s | %11s | %11s | %10s |\n' "${names[$i]}" - - - -
    fi
done
echo
for i in "${!names[@]}"; do
    printf '  %-18s %s\n' "${names[$i]}:" "${notes[$i]}"
done
echo

if [ -n "$veto_secs" ]; then
    awk -v b="$bytes" -v s="$veto_secs" -v k="$veto_rss" -v f="$floor_mbs" 'BEGIN{
        if (s <= 0) s = 0.005
        mbs = b / 1048576 / s; pct = 100 * mbs / f; mb = k / 1024
        printf "targets: speed %.0f%% of the floor (>= 70%%): %s; peak RSS %.1f MB (< 64 MB): %s\n",
            pct, (pct >= 70 ? "MET" : "NOT MET"), mb, (mb < 64 ? "MET" : "NOT MET") }'
else
    echo "targets (>= 70% of the floor's MB/s, peak RSS < 64 MB): not measured — veto-readbench $veto_status"
fi
exit "$failed"
