#!/usr/bin/env bash
# Runs one libFuzzer target for a given time:  fuzz/run.sh TARGET SECONDS [libFuzzer flags…]
# TARGET: csv-reader, number-parser, header-matcher, rule-file, standards or check (the whole
# check with the pack's rules and detectors; FUZZ_MAX_LEN=16384 fits a county-year). Builds it if
# needed, seeds its corpus from fixtures/ (and, for rule-file and standards, the pack and the
# `veto init` templates; the corpus grows in fuzz/.build/corpus/TARGET, never committed),
# writes any crash to fuzz/.build/crashes/TARGET/, and prints executions and crashes at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: fuzz/run.sh TARGET SECONDS}
seconds=${2:?usage: fuzz/run.sh TARGET SECONDS}
shift 2
# FUZZ_SANITIZE=fuzzer runs the build without AddressSanitizer (fuzz/build.sh), on the same corpus.
case ${FUZZ_SANITIZE:-fuzzer,address} in fuzzer) bin=fuzz/.build-fuzzer/$target ;; *) bin=fuzz/.build/$target ;; esac
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
    elif target == "check":
        put(data[:16384])
def swift_raw(path, name):
    # The text of `static let NAME = #"""…"""#` in a Swift file.
    src = open(path, encoding="utf-8").read()
    start = src.index("static let %s = #\"\"\"\n" % name) + len("static let %s = #\"\"\"\n" % name)
    return src[start:src.index('\n"""#', start)]
if target == "rule-file":
    texts = [swift_raw("Sources/Veto/Rules/Packs/FamilyWelfare.swift", "familyWelfare"),
             swift_raw("Sources/Veto/Rules/Templates.swift", "rules")]
    for text in texts:
        put(text.encode())
        head, _, rules = text.partition("\nrules:\n")
        for chunk in rules.split("\n  - id:")[1:]:           # each rule alone, on the pack's columns
            put(("rules:\n  - id:" + chunk).encode())
            put(("# pack: none\n" + head + "\nrules:\n  - id:" + chunk).encode())
        put(head.encode())                                    # the columns, programmes and key alone
    for f in sorted(glob.glob("fixtures/**/*.yml", recursive=True)):
        put(open(f, "rb").read())
elif target == "standards":
    yamls = [swift_raw("Sources/Veto/Rules/Templates.swift", "standards").encode()]
    yamls += [open(f, "rb").read() for f in sorted(glob.glob("fixtures/**/standards.yml", recursive=True))]
    for y in yamls:
        put(b"\x01" + y)
        put(b"\x03" + y)
    csvs = [b"programme,per_year,from_period,to_period,region,one_off,min_age,source\nreward,960,2012,,,false,60,example\nsskf,3000,2012,,,true,,example\n",
            "项目,标准,起始,截止,地区,一次性,年龄,来源\n奖励扶助,960,2012,2019,62,否,60,省表\n奖励扶助,1200,2020,,62,否,60,省表\n".encode(),
            b"programme,per_year,from_period,region\nreward,1200,2010,\nspecial_disabled,7200,2020H1,62\nspecial_death,9120,2020-06,6230\n",
            b"programme,per_year,from_period,to_period,region\nreward,53.376\xe4\xb8\x87,2010,2015,62\nreward,1300,2014,,62\n"]
    for c in csvs:
        put(b"\x00" + c)
        put(b"\x02" + c)
for extra in ("53.376万", "２．４９％", "(1,234)", "1.23E+11", "#DIV/0!", "0." + "0" * 40 + "1", "1" * 200, "－５", "无"):
    if target == "number-parser":
        put(bytes([1]) + extra.encode())
PY
fi
# Swift's crash handler (swift-backtrace) hangs under ASan after a failed precondition: off.
export SWIFT_BACKTRACE=enable=no
# The check target keeps the pack it parsed once; see fuzz/lsan-check.supp for why LeakSanitizer
# takes its expression nodes for leaks.
[ "$target" = check ] && export LSAN_OPTIONS="suppressions=$PWD/fuzz/lsan-check.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
log=${FUZZ_LOG:-fuzz/.build/$target.log}
set +e
"$bin" "$corpus" -max_len="${FUZZ_MAX_LEN:-4096}" -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=2048 -timeout=10 \
  -artifact_prefix="$crashes/" "$@" 2>&1 | tee "$log" | grep -E "^#[0-9]+ +(pulse|DONE)|ERROR|SUMMARY|stat::number_of_executed_units" >&2
status=${PIPESTATUS[0]}
set -e
execs=$(grep -o "stat::number_of_executed_units: [0-9]*" "$log" | grep -o "[0-9]*$" || echo 0)
found=$(ls "$crashes" | wc -l)
echo "$target: $execs executions in ${seconds}s, $found crash files in $crashes (exit $status)"
exit $status
