#!/usr/bin/env python3
"""Score `veto check` on generated counties: recall per planted pattern, false alarms on genuine ones.

    python3 benchmarks/detection_score.py --veto BIN --genuine DIR --planted DIR [--jobs N]

DIR holds the output of `veto generate` (files <county code>-<year>.csv and labels.csv).
Each county's files are checked together in one `veto check --format json --fail-on never`
run (so previous-period rules see every year), counties in parallel.

Planted: a case (the `case` column of labels.csv) is found at a level when some finding with
at least that severity sits at the unit and period of one of the case's `planted` lines (a
finding with no period counts at its unit). The table gives, per pattern, the share of cases
found at `review`, `fail` and `veto`, and the recall: the share found at the level the pattern
deserves (its `deserves` column: `fail` for arithmetic slips, `veto` for fabrication). A `typo`
found at `veto` is an honest mistake called fabrication: that column must stay 0.

Genuine: every unit-period verdict of the genuine counties; the false-alarm rate at a level is
the share of unit-periods whose verdict is at or above it.

Standard library only. Prints Markdown tables.
"""

import argparse
import collections
import concurrent.futures
import csv
import json
import os
import subprocess
import sys

LEVELS = ["info", "review", "fail", "veto"]
RANK = {name: i for i, name in enumerate(LEVELS)}
VERDICT_RANK = {"pass": 0, "review": 1, "fail": 2, "veto": 3}


def counties(directory):
    """County code -> its CSV files, in year order."""
    by_county = collections.defaultdict(list)
    for name in sorted(os.listdir(directory)):
        if name.endswith(".csv") and name != "labels.csv":
            by_county[name.split("-")[0]].append(os.path.join(directory, name))
    return by_county


def check(veto, files):
    """Runs veto check on one county's files; returns the JSON document."""
    run = subprocess.run([veto, "check", "--format", "json", "--fail-on", "never", *files],
                         capture_output=True, env={**os.environ, "LANG": "C", "NO_COLOR": "1"})
    if run.returncode != 0:
        raise SystemExit(f"veto check failed ({run.returncode}) on {files[0]}…: {run.stderr.decode()[:500]}")
    return json.loads(run.stdout)


def check_all(veto, directory, jobs):
    by_county = counties(directory)
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(lambda files: check(veto, files), by_county.values())), len(by_county)


def score_planted(docs, labels_path):
    """Per pattern: deserves, cases, found at each level, detected (found at the deserved level)."""
    # (unit, period) -> highest finding severity rank there; unit -> highest with no period.
    at = collections.defaultdict(lambda: -1)
    at_unit = collections.defaultdict(lambda: -1)
    for d in docs:
        for f in d["findings"]:
            unit, period, rank = f.get("unit_code"), f.get("period"), RANK.get(f["severity"], -1)
            if unit is None:
                continue
            if period is None:
                at_unit[unit] = max(at_unit[unit], rank)
            else:
                at[(unit, period)] = max(at[(unit, period)], rank)
    cases = collections.defaultdict(lambda: {"pattern": None, "deserves": None, "where": set()})
    with open(labels_path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            c = cases[row["case"]]
            c["pattern"], c["deserves"] = row["pattern"], row["deserves"]
            if row["role"] == "planted":
                c["where"].add((row["unit_code"], row["period"]))
    table = collections.OrderedDict()
    for c in cases.values():
        t = table.setdefault(c["pattern"], {"deserves": c["deserves"], "cases": 0, "detected": 0,
                                            "review": 0, "fail": 0, "veto": 0})
        best = max([max(at[w], at_unit[w[0]]) for w in c["where"]] or [-1])
        t["cases"] += 1
        t["detected"] += best >= RANK[c["deserves"]]
        for level in ("review", "fail", "veto"):
            t[level] += best >= RANK[level]
    return table


def score_genuine(docs):
    verdicts = [VERDICT_RANK[v["verdict"]] for d in docs for v in d["verdicts"]]
    return len(verdicts), {level: sum(v >= VERDICT_RANK[level] for v in verdicts) for level in ("review", "fail", "veto")}


def pct(a, b):
    return "–" if b == 0 else f"{100 * a / b:.1f} %"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--veto", required=True)
    ap.add_argument("--genuine", required=True)
    ap.add_argument("--planted", required=True)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--patterns", default="", help="comma-separated pattern order for the table")
    a = ap.parse_args()

    genuine_docs, n_genuine = check_all(a.veto, a.genuine, a.jobs)
    planted_docs, n_planted = check_all(a.veto, a.planted, a.jobs)
    table = score_planted(planted_docs, os.path.join(a.planted, "labels.csv"))
    order = [p for p in a.patterns.split(",") if p] or sorted(table)

    print(f"Planted: {n_planted} counties, {sum(t['cases'] for t in table.values())} cases.\n")
    print("| pattern | deserves | planted | found ≥ review | found ≥ fail | found at veto | detected | recall |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for p in order:
        if p not in table:
            print(f"| {p} | | 0 | | | | | |")
            continue
        t = table[p]
        veto = pct(t["veto"], t["cases"]) + (" (must be 0)" if p == "typo" else "")
        print(f"| {p} | {t['deserves']} | {t['cases']} | {pct(t['review'], t['cases'])} | {pct(t['fail'], t['cases'])} "
              f"| {veto} | {t['detected']} | **{pct(t['detected'], t['cases'])}** |")
    n, over = score_genuine(genuine_docs)
    print(f"\nGenuine: {n_genuine} counties, {n} unit-periods.\n")
    print("| verdict at or above | unit-periods | false-alarm rate |")
    print("|---|---:|---:|")
    for level in ("review", "fail", "veto"):
        print(f"| {level} | {over[level]} | {pct(over[level], n)} |")


if __name__ == "__main__":
    sys.exit(main())
