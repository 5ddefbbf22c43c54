#!/usr/bin/env bash
# Detection-quality benchmark: how much of each planted pattern `veto check` finds, and how
# often it raises an alarm on genuine data.
#
#   bash benchmarks/detection.sh [N]            # N genuine and N planted counties (default 20)
#   bash benchmarks/detection.sh --careful [N]  # N genuine counties and N per careful pattern
#
# Builds veto in release mode (swift build -c release --static-swift-stdlib --scratch-path .build-release) unless
# VETO_BIN names a binary, generates N genuine counties (--seed SEED) and N counties with
# every pattern planted at its default count (--seed SEED+1 --inject all), then runs
# benchmarks/detection_score.py, which checks each county's files in one `veto check` run
# and prints the tables recorded in BENCHMARKS.md.
#
# --careful: the careful variants (every identity, sum and period link kept; see
# `veto generate --help`), one pattern per set of N counties (--seed SEED+1 --inject
# careful-NAME at its default count), scored at the right unit (the township, or the village
# and period) at review or above and at veto, with the genuine counties' false alarms per
# finding id. It runs `veto scan` (detectors only) when `veto scan --help` shows scan's usage, else
# `veto check`; COMMAND=check or COMMAND=scan forces one.
#
# Environment:
#   SEED      seed of the genuine counties (default 1; the planted ones use SEED+1)
#   YEARS     years to generate (default 2016-2025)
#   JOBS      counties checked in parallel (default: number of cores)
#   VETO_BIN  veto binary to use instead of building one
#   KEEP=1    keep the generated data (benchmarks/data/detection-N-seedSEED/)
#   PYTHON    Python interpreter (default python3)
#   COMMAND   with --careful: check or scan (default: scan if the binary has it)
set -euo pipefail

careful=0
if [ "${1:-}" = "--careful" ]; then careful=1; shift; fi
# The careful patterns, as `veto generate --help` lists them.
careful_patterns=(careful-zero-washing careful-invented-smooth careful-invented-heaped careful-target-smoothing
                  careful-copy-paste careful-frozen)

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
n="${1:-20}"
seed="${SEED:-1}"
years="${YEARS:-2016-2025}"
jobs="${JOBS:-$(nproc 2>/dev/null || echo 2)}"
python="${PYTHON:-python3}"
if ! [[ "$n" =~ ^[0-9]+$ ]] || [ "$n" -le 0 ]; then
    echo "detection.sh: N must be a positive whole number, got '$n'" >&2
    exit 2
fi

if [ -n "${VETO_BIN:-}" ]; then
    veto="$VETO_BIN"
else
    (cd "$root" && swift build -c release --static-swift-stdlib --scratch-path .build-release --product veto >&2)
    veto="$root/.build-release/release/veto"
fi

data="$root/benchmarks/data/detection-$n-seed$seed"
if [ "$careful" = 1 ]; then data="$data-careful"; fi
rm -rf "$data"
mkdir -p "$data"
if [ "${KEEP:-0}" != 1 ]; then trap 'rm -rf "$data"' EXIT; fi

start=$(date +%s)
commit="$(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)"
if [ "$careful" = 1 ]; then
    "$python" "$here/detection_score.py" --self-test >/dev/null
    command="${COMMAND:-}"
    if [ -z "$command" ]; then
        # ArgumentParser answers an unknown subcommand's --help with the top-level help and
        # exit 0, so look for scan's own usage line.
        if "$veto" scan --help 2>/dev/null | grep -q "USAGE: veto scan"; then command=scan; else command=check; fi
    fi
    "$veto" generate --seed "$seed" --counties "$n" --years "$years" --out "$data/genuine" 2>/dev/null
    for p in "${careful_patterns[@]}"; do
        "$veto" generate --seed "$((seed + 1))" --counties "$n" --years "$years" --inject "$p" --out "$data/careful/$p" 2>/dev/null
    done
    echo "Detection benchmark, careful patterns: N = $n counties per pattern and $n genuine, seeds $seed (genuine) and $((seed + 1)) (planted, one pattern per set), years $years, veto $commit, \`veto $command\`."
    echo
    patterns="$(IFS=,; echo "${careful_patterns[*]}")"
    "$python" "$here/detection_score.py" --veto "$veto" --genuine "$data/genuine" --careful "$data/careful" --jobs "$jobs" \
        --command "$command" --patterns "$patterns"
    echo
    echo "($(($(date +%s) - start)) s to generate and check.)"
    exit 0
fi
"$veto" generate --seed "$seed" --counties "$n" --years "$years" --out "$data/genuine" 2>/dev/null
"$veto" generate --seed "$((seed + 1))" --counties "$n" --years "$years" --inject all --out "$data/planted" 2>/dev/null
echo "Detection benchmark: N = $n, seeds $seed (genuine) and $((seed + 1)) (planted, --inject all), years $years, veto $commit."
echo
"$python" "$here/detection_score.py" --veto "$veto" --genuine "$data/genuine" --planted "$data/planted" --jobs "$jobs" \
    --patterns zero-washing,invented,target-smoothing,copy-paste,frozen,padded-roll,padded-funds,hierarchy,typo,silent-revision
echo
echo "($(($(date +%s) - start)) s to generate and check.)"
