#!/usr/bin/env bash
# Hostile limits (issue 8): inputs generated on the fly and streamed through a pipe into the
# reader, never stored. Prints seconds and peak RSS (KiB) per case, from /usr/bin/time.
#   bash benchmarks/hostile.sh [BIN] [GB]   BIN: veto-readbench (default: the release build)
#                                           GB:  size of the repeated-row case (default 10)
set -uo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build-release/release/veto-readbench}
gb=${2:-10}
[ -x "$bin" ] || { echo "no $bin: swift build -c release --static-swift-stdlib --scratch-path .build-release --product veto-readbench" >&2; exit 1; }
header="年度,区划代码,单位名称,出生人数,出生男,出生女"
row="2020,623021101000,甲镇,40,21,19"
measure() {   # name, then a command whose stdout is the input
  local name=$1; shift
  local t
  t=$( { "$@" | /usr/bin/time -f '%e %M' "$bin" --rows - >/tmp/hostile.out; } 2>&1 | tail -1)
  printf '%-34s %8s s %8s KiB   %s\n' "$name" "${t% *}" "${t#* }" "$(cat /tmp/hostile.out)"
}
one_gb_line() { printf '%s\n2020,623021101000,' "$header"; head -c 1073741824 /dev/zero | tr '\0' 'x'; printf ',40,21,19\n'; }
one_gb_quoted() { printf '%s\n2020,623021101000,"' "$header"; head -c 1073741824 /dev/zero | tr '\0' 'x'; printf '",40,21,19\n'; }
million_columns() { python3 -c '
import sys
w = sys.stdout.write
w(",".join("c%d" % i for i in range(1000000)) + "\n")
w(",".join(str(i % 10) for i in range(1000000)) + "\n")'; }
repeated_row() { printf '%s\n' "$header"; yes "$row" | head -c $(( gb * 1073741824 )); }
ten_k_digits() { printf '%s\n' "$header"; d=$(head -c 10000 /dev/zero | tr '\0' '9'); for i in $(seq 1 2000); do printf '2020,623021101000,甲镇,%s,21,19\n' "$d"; done; }
measure "1 GiB single field (unquoted)" one_gb_line
measure "1 GiB single field (quoted)" one_gb_quoted
measure "a million columns (2 lines)" million_columns
measure "2,000 rows of 10,000-digit numbers" ten_k_digits
measure "$gb GiB of one repeated row" repeated_row
