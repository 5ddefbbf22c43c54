#!/usr/bin/env python3
"""Score `veto check` on generated counties: recall per planted pattern, false alarms on genuine ones.

    python3 benchmarks/detection_score.py --veto BIN --genuine DIR --planted DIR [--jobs N]
    python3 benchmarks/detection_score.py --veto BIN --genuine DIR --careful DIR [--command check|scan] [--jobs N]
    python3 benchmarks/detection_score.py --self-test    # the right-unit matching on a made-up county

DIR holds the output of `veto generate` (files <county code>-<year>.csv and labels.csv).
Each county's files are checked together in one `veto check --format json --fail-on never`
run (so previous-period rules see every year), counties in parallel.

Planted: a case (the `case` column of labels.csv) is found at a level when some finding with
at least that severity sits at the unit and period of one of the case's `planted` lines (a
finding with no period counts at its unit). The table gives, per pattern, the share of cases
found at `review`, `fail` and `veto`, and the recall: the share found at the level the pattern
deserves (its `deserves` column: `fail` for arithmetic slips, `veto` for fabrication). A `typo`
found at `veto` is an honest mistake called fabrication: that column must stay 0.

Typos are also scored on the correction: the share whose finding names the planted field with
the genuine value (`typo.corrected` = the label's `original`). Frozen and copy-paste rows are
also scored on the cases that break a period link at the planted period itself (this period's
opening ≠ last period's closing, or closing − added + exited ≠ last period's closing, for reward
or special support): a frozen row of a village where nothing changed is arithmetically genuine,
and its break, if any, shows a period later.

Genuine: every unit-period verdict of the genuine counties; the false-alarm rate at a level is
the share of unit-periods whose verdict is at or above it.

Careful patterns (`--careful DIR`, DIR holding one `veto generate --inject careful-…` output per
pattern, each in a subdirectory named after it): every identity, sum and period link holds, so
only forensic detectors can find them. A case is found at the right unit: a township-wide case
(one with a `planted` line at a township row) by a finding at its township, whatever the period,
or at one of its planted village-periods; a village case (copy, frozen) by a finding at its
village and one of its planted periods (or at the village with no period). The table gives,
per pattern, N counties and cases, recall at `review` or above and at `veto`, the finding ids
that found the cases, and — with `check` — the counties where a rule (not a detector) raised
something at `review` or above, which must stay 0. `--command scan` runs `veto scan` (detectors
only) instead of `veto check`; the genuine counties' false alarms are then the scan's, per
finding id too.

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


def check(veto, files, command="check"):
    """Runs veto check (or scan) on one county's files (with the standards they were paid by); returns the JSON document."""
    standards = os.path.join(os.path.dirname(files[0]), "standards.yml")
    extra = ["--standards", standards] if os.path.exists(standards) else []
    run = subprocess.run([veto, command, "--format", "json", "--fail-on", "never", *extra, *files],
                         capture_output=True, env={**os.environ, "LANG": "C", "NO_COLOR": "1"})
    if run.returncode != 0:
        raise SystemExit(f"veto {command} failed ({run.returncode}) on {files[0]}…: {run.stderr.decode()[:500]}")
    doc = json.loads(run.stdout)
    doc["_files"] = files
    return doc


def check_all(veto, directory, jobs, command="check"):
    by_county = counties(directory)
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(lambda files: check(veto, files, command), by_county.values())), len(by_county)


def score_planted(docs, labels_path, rolls=None):
    """Per pattern: deserves, cases, found at each level, detected (found at the deserved level)."""
    # (unit, period) -> highest finding severity rank there; unit -> highest with no period.
    at = collections.defaultdict(lambda: -1)
    at_unit = collections.defaultdict(lambda: -1)
    corrections = collections.defaultdict(set)   # (unit, period) -> {(field, corrected)}
    for d in docs:
        for f in d["findings"]:
            if f.get("typo") and f.get("unit_code") and f.get("period"):
                corrections[(f["unit_code"], f["period"])].add((f["typo"]["field"], f["typo"]["corrected"]))
            unit, period, rank = f.get("unit_code"), f.get("period"), RANK.get(f["severity"], -1)
            if unit is None:
                continue
            if period is None:
                at_unit[unit] = max(at_unit[unit], rank)
            else:
                at[(unit, period)] = max(at[(unit, period)], rank)
    cases = collections.defaultdict(lambda: {"pattern": None, "deserves": None, "where": set(), "cells": []})
    with open(labels_path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            c = cases[row["case"]]
            c["pattern"], c["deserves"] = row["pattern"], row["deserves"]
            if row["role"] == "planted":
                c["where"].add((row["unit_code"], row["period"]))
                c["cells"].append((row["unit_code"], row["period"], row["field"], row.get("original", "")))
    table = collections.OrderedDict()
    for c in cases.values():
        t = table.setdefault(c["pattern"], {"deserves": c["deserves"], "cases": 0, "detected": 0,
                                            "review": 0, "fail": 0, "veto": 0, "corrected": 0,
                                            "link_cases": 0, "link_detected": 0})
        best = max([max(at[w], at_unit[w[0]]) for w in c["where"]] or [-1])
        t["cases"] += 1
        t["detected"] += best >= RANK[c["deserves"]]
        for level in ("review", "fail", "veto"):
            t[level] += best >= RANK[level]
        if c["pattern"] == "typo":
            t["corrected"] += any((f, o) in corrections[(u, p)] for u, p, f, o in c["cells"])
        if c["pattern"] in ("frozen", "copy-paste") and rolls is not None:
            if any(breaks_link(rolls, u, p) for u, p in c["where"]):
                t["link_cases"] += 1
                t["link_detected"] += best >= RANK["fail"]
    return table


ROLL_COLUMNS = {
    "reward_prev": ("reward_prev", "奖励扶助上年人数"), "reward_added": ("reward_added", "奖励扶助新增"),
    "reward_exited": ("reward_exited", "奖励扶助退出"), "reward_total": ("reward_total", "奖励扶助人数"),
    "special_prev": ("special_prev", "特别扶助上年人数"), "special_added": ("special_added", "特别扶助新增"),
    "special_exited": ("special_exited", "特别扶助退出"), "special_total": ("special_total", "特别扶助人数"),
}


def read_rolls(directory):
    """(unit, period) -> the eight roll figures as written, from UTF-8 files with zh or en headers."""
    rolls = {}
    for files in counties(directory).values():
        for path in files:
            with open(path, newline="", encoding="utf-8-sig") as fh:
                rows = list(csv.reader(fh))
            header = rows[0]
            idx = {name: next((header.index(h) for h in hs if h in header), None) for name, hs in ROLL_COLUMNS.items()}
            code = next(i for i, h in enumerate(header) if h in ("unit_code", "区划代码"))
            period = next(i for i, h in enumerate(header) if h in ("period", "年度"))
            for r in rows[1:]:
                rolls[(r[code], r[period])] = {k: (int(r[i]) if i is not None and r[i].strip().isdigit() else None)
                                               for k, i in idx.items()}
    return rolls


def breaks_link(rolls, unit, period):
    """Whether the unit's row at `period` disagrees with its closing stock of the period before."""
    this, before = rolls.get((unit, period)), rolls.get((unit, str(int(period) - 1)))
    if not this or not before:
        return False
    for prog in ("reward", "special"):
        last = before[prog + "_total"]
        if last is None:
            continue
        if this[prog + "_prev"] is not None and this[prog + "_prev"] != last:
            return True
        t, a, x = this[prog + "_total"], this[prog + "_added"], this[prog + "_exited"]
        if None not in (t, a, x) and t - a + x != last:
            return True
    return False


def score_genuine(docs):
    verdicts = [VERDICT_RANK[v["verdict"]] for d in docs for v in d["verdicts"]]
    return len(verdicts), {level: sum(v >= VERDICT_RANK[level] for v in verdicts) for level in ("review", "fail", "veto")}


def unit_periods(files):
    """Every (unit, period) of a county's files as written (UTF-8, zh or en headers)."""
    out = set()
    for path in files:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            rows = csv.reader(fh)
            header = next(rows)
            code = next(i for i, h in enumerate(header) if h in ("unit_code", "区划代码"))
            period = next(i for i, h in enumerate(header) if h in ("period", "年度"))
            for r in rows:
                out.add((r[code], r[period]))
    return out


def alarms(doc):
    """(unit, period) -> highest rank and the ids at review or above there, for every unit-period
    of the county's files: a finding with no period marks every period of its unit; one with no
    unit (about a whole column or file) marks none. From the findings, so that a `scan` without
    verdicts is scored like a `check`."""
    ups = unit_periods(doc["_files"])
    by_unit = collections.defaultdict(list)
    for u, p in ups:
        by_unit[u].append(p)
    out = {}
    for f in doc["findings"]:
        rank, unit = RANK.get(f["severity"], -1), f.get("unit_code")
        if rank < RANK["review"] or unit is None:
            continue
        for p in ([f["period"]] if f.get("period") is not None else by_unit.get(unit, [])):
            best, ids = out.get((unit, p), (-1, set()))
            out[(unit, p)] = (max(best, rank), ids | {f["id"]})
    return len(ups), out


def score_genuine_by_id(docs):
    """Unit-periods of genuine counties at review or above and at veto, overall and per finding id."""
    n, review, veto = 0, 0, 0
    per_id = collections.defaultdict(lambda: [0, 0])
    for d in docs:
        count, marks = alarms(d)
        n += count
        for rank, ids in marks.values():
            review += 1
            veto += rank >= RANK["veto"]
            for i in ids:
                per_id[i][0] += 1
                per_id[i][1] += rank >= RANK["veto"]
    return n, review, veto, per_id


def is_township(code):
    return len(code) == 12 and code.endswith("000") and not code.endswith("000000")


def score_careful(docs, labels_path):
    """Per careful pattern: cases, found at review or above and at veto at the right unit, the
    finding ids that found them, and the counties where a rule raised something at review."""
    findings = collections.defaultdict(list)   # unit -> [(period or None, rank, id)]
    rule_counties = 0
    for d in docs:
        rule_counties += any(f.get("kind") != "detector" and RANK.get(f["severity"], -1) >= RANK["review"]
                             for f in d["findings"])
        for f in d["findings"]:
            if f.get("unit_code") is not None:
                findings[f["unit_code"]].append((f.get("period"), RANK.get(f["severity"], -1), f["id"]))
    cases = collections.defaultdict(lambda: {"pattern": None, "where": set()})
    with open(labels_path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["role"] == "planted":
                c = cases[row["case"]]
                c["pattern"] = row["pattern"]
                c["where"].add((row["unit_code"], row["period"]))
    out = {"cases": 0, "review": 0, "veto": 0, "ids": collections.Counter(), "rule_counties": rule_counties,
           "counties": len(docs)}
    for c in cases.values():
        towns = {u for u, _ in c["where"] if is_township(u)}
        hits = []   # (rank, id) of findings at the right unit
        for u, p in c["where"]:
            hits += [(r, i) for fp, r, i in findings.get(u, []) if fp is None or fp == p]
        for t in towns:
            hits += [(r, i) for _, r, i in findings.get(t, [])]
        best = max([r for r, _ in hits] or [-1])
        out["cases"] += 1
        out["review"] += best >= RANK["review"]
        out["veto"] += best >= RANK["veto"]
        for i in {i for r, i in hits if r >= RANK["review"]}:
            out["ids"][i] += 1
    return out


def self_test():
    """Checks score_careful's notion of the right unit on a made-up county (no veto needed)."""
    import tempfile
    town, village, other = "620121101000", "620121101201", "620121102201"
    labels = [
        # case 1: township-wide (a planted line at the township), 2016–2017
        ("t.csv", 2, town, "2016", "careful-zero-washing", "births_illegal", "c-1", "planted"),
        ("t.csv", 3, village, "2017", "careful-zero-washing", "births_illegal", "c-1", "planted"),
        ("t.csv", 1, "620121000000", "2016", "careful-zero-washing", "births_illegal", "c-1", "sum"),
        # case 2: a village in 2018
        ("t.csv", 4, other, "2018", "careful-copy-paste", "births", "c-2", "planted"),
        # case 3: a village in 2019, found nowhere right
        ("t.csv", 4, other, "2019", "careful-copy-paste", "births", "c-3", "planted"),
    ]
    def doc(*findings):
        return {"findings": [dict(zip(("unit_code", "period", "severity", "id", "kind"), f)) for f in findings]}
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "labels.csv")
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["file", "line", "unit_code", "period", "pattern", "field", "case", "role", "deserves", "original"])
            for row in labels:
                w.writerow([*row, "veto", "0"])
        cases = [
            # township finding in a period with no planted line still finds the township case
            (doc((town, "2020", "review", "implausible-zero", "detector")), 1, 0),
            # a finding with no period at the village finds case 2 and case 3
            (doc((other, None, "veto", "duplicate-rows", "detector")), 2, 2),
            # the right village in the wrong period, the county, info: nothing
            (doc((other, "2017", "veto", "x", "detector"), ("620121000000", "2016", "veto", "x", "detector"),
                 (village, "2017", "info", "x", "detector")), 0, 0),
            # a village finding at its planted period finds the township case (and a rule counts)
            (doc((village, "2017", "veto", "x", "rule")), 1, 1),
        ]
        for n, (dd, review, veto) in enumerate(cases):
            t = score_careful([dd], path)
            assert t["cases"] == 3, t
            assert (t["review"], t["veto"]) == (review, veto), (n, t)
            assert t["rule_counties"] == (1 if n == 3 else 0), (n, t)
    print("detection_score.py self-test: ok")


def careful_main(a):
    command = a.command
    patterns = sorted(d for d in os.listdir(a.careful) if os.path.isdir(os.path.join(a.careful, d)))
    order = [p for p in a.patterns.split(",") if p in patterns] or patterns
    print(f"Careful patterns, scored with `veto {command}`"
          + (" (detectors only)." if command == "scan" else " (rules and whatever detectors it runs).") + "\n")
    print("| pattern | counties | cases | found ≥ review | found at veto | found by (cases) |"
          + (" counties with a rule finding ≥ review (must be 0) |" if command == "check" else ""))
    print("|---|---:|---:|---:|---:|---|" + ("---:|" if command == "check" else ""))
    for p in order:
        d = os.path.join(a.careful, p)
        docs, n = check_all(a.veto, d, a.jobs, command)
        t = score_careful(docs, os.path.join(d, "labels.csv"))
        by = ", ".join(f"{i} {k}" for i, k in t["ids"].most_common(4)) or "–"
        print(f"| {p} | {n} | {t['cases']} | **{pct(t['review'], t['cases'])}** | {pct(t['veto'], t['cases'])} | {by} |"
              + (f" {t['rule_counties']} |" if command == "check" else ""))
    docs, n_genuine = check_all(a.veto, a.genuine, a.jobs, command)
    n, review, veto, per_id = score_genuine_by_id(docs)
    print(f"\nGenuine: {n_genuine} counties, {n} unit-periods, `veto {command}`.\n")
    print("| finding id | unit-periods ≥ review | false-alarm rate ≥ review | at veto | false-alarm rate at veto |")
    print("|---|---:|---:|---:|---:|")
    print(f"| **any** | {review} | **{pct(review, n)}** | {veto} | **{pct(veto, n)}** |")
    for i, (r, v) in sorted(per_id.items(), key=lambda kv: -kv[1][0]):
        print(f"| {i} | {r} | {pct(r, n)} | {v} | {pct(v, n)} |")


def pct(a, b):
    return "–" if b == 0 else f"{100 * a / b:.1f} %"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--veto", required=True)
    ap.add_argument("--genuine", required=True)
    ap.add_argument("--planted", help="output of `veto generate --inject …` (the standard patterns)")
    ap.add_argument("--careful", help="directory of one `veto generate --inject careful-…` output per pattern")
    ap.add_argument("--command", choices=["check", "scan"], default="check", help="with --careful: veto check or veto scan")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--patterns", default="", help="comma-separated pattern order for the table")
    if "--self-test" in sys.argv[1:]:
        return self_test()
    a = ap.parse_args()
    if a.careful:
        return careful_main(a)
    if not a.planted:
        ap.error("give --planted DIR or --careful DIR")

    genuine_docs, n_genuine = check_all(a.veto, a.genuine, a.jobs)
    planted_docs, n_planted = check_all(a.veto, a.planted, a.jobs)
    try:
        rolls = read_rolls(a.planted)
    except (UnicodeDecodeError, StopIteration, ValueError):
        rolls = None   # not the default UTF-8 variant: the link subsets are left out
    table = score_planted(planted_docs, os.path.join(a.planted, "labels.csv"), rolls)
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
    if "typo" in table:
        t = table["typo"]
        print(f"\nTypos with the right corrected value (field and genuine value): {t['corrected']} of {t['cases']} "
              f"= **{pct(t['corrected'], t['cases'])}**; found at veto: {t['veto']} (must be 0).")
    for p in ("frozen", "copy-paste"):
        if p in table and table[p]["link_cases"]:
            t = table[p]
            print(f"\n{p} cases that break a period link at their own period: {t['link_cases']} of {t['cases']}; "
                  f"found at fail or above: {t['link_detected']} = **{pct(t['link_detected'], t['link_cases'])}**.")
    n, over = score_genuine(genuine_docs)
    print(f"\nGenuine: {n_genuine} counties, {n} unit-periods.\n")
    print("| verdict at or above | unit-periods | false-alarm rate |")
    print("|---|---:|---:|")
    for level in ("review", "fail", "veto"):
        print(f"| {level} | {over[level]} | {pct(over[level], n)} |")


if __name__ == "__main__":
    sys.exit(main())
