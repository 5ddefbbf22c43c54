#!/usr/bin/env bash
# Renders the HTML report of a fixture to a PNG with headless Chromium, to look at it.
#   scripts/render-html.sh FIXTURE.csv OUT.png [veto check options...]
# Needs Debian's chromium and fonts-noto-cjk (apt-get install -y chromium fonts-noto-cjk);
# without the CJK fonts Chinese renders as boxes. Builds veto if .build/debug/veto is missing.
# VETO_BIN overrides the binary; WIDTH and HEIGHT the window (default 1200 x 2400).
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 FIXTURE.csv OUT.png [veto check options...]" >&2
  exit 2
fi
input=$1
out=$2
shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
veto=${VETO_BIN:-$root/.build/debug/veto}
[ -x "$veto" ] || (cd "$root" && swift build --product veto)
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
  echo "$0: no chromium on PATH (apt-get install -y chromium fonts-noto-cjk)" >&2
  exit 3
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# veto exits 1 when findings fail: the page is still written.
status=0
"$veto" check --format html -o "$tmp/report.html" "$@" "$input" || status=$?
if [ "$status" -ge 2 ]; then
  echo "$0: veto check exited $status" >&2
  exit "$status"
fi
out_abs=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --window-size="${WIDTH:-1200},${HEIGHT:-2400}" \
  --screenshot="$out_abs" "file://$tmp/report.html" >/dev/null 2>&1
[ -s "$out_abs" ] || { echo "$0: chromium wrote no screenshot" >&2; exit 3; }
echo "$out_abs (veto check exited $status)"
