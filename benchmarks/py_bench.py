#!/usr/bin/env python3
"""Read a report CSV with DuckDB or pandas, the way run.sh compares them.

    python3 benchmarks/py_bench.py duckdb FILE
    python3 benchmarks/py_bench.py pandas FILE

Prints one line: `tool=T rows=N numeric_columns=N text_columns=N seconds=S`
(seconds: the read alone, without Python's start-up and the import).

duckdb: single-threaded (SET threads=1); every column is read as text
(all_varchar, so messy cells such as "1,825" or "—" never abort the scan)
and every column after the first three is turned into an exact number with
TRY_CAST(... AS DECIMAL(18,4)), summed so that no column can be skipped.
DuckDB's semantics differ from veto's: "1,825", full-width digits and a
trailing "%" become NULL (not a number, not a finding), and so do "—" and
empty cells.

pandas: pd.read_csv(FILE) with its default (C) engine and type inference.
A column holding any messy cell stays text (str dtype); the others become
int64 or float64 (binary floating point, not exact decimals). The whole
table is held in memory, so peak RSS grows with the file.
"""

import csv
import sys
import time


def header(path):
    with open(path, newline="", encoding="utf-8") as f:
        return next(csv.reader(f))


def bench_duckdb(path):
    import duckdb

    names = header(path)
    con = duckdb.connect()
    con.execute("SET threads=1")

    def q(name):
        return '"' + name.replace('"', '""') + '"'

    text_cols = names[:3]
    num_cols = names[3:]
    select = ["count(*)"]
    select += ["count(%s)" % q(c) for c in text_cols]
    select += ["sum(TRY_CAST(%s AS DECIMAL(18,4)))" % q(c) for c in num_cols]
    sql = ("SELECT %s FROM read_csv(?, header=true, all_varchar=true, delim=',', "
           "quote='\"', escape='\"')" % ", ".join(select))
    start = time.perf_counter()
    row = con.execute(sql, [path]).fetchone()
    seconds = time.perf_counter() - start
    return row[0], len(num_cols), len(text_cols), seconds


def bench_pandas(path):
    import pandas as pd

    start = time.perf_counter()
    df = pd.read_csv(path)
    seconds = time.perf_counter() - start
    numeric = sum(1 for t in df.dtypes if pd.api.types.is_numeric_dtype(t))
    return len(df), numeric, len(df.columns) - numeric, seconds


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("duckdb", "pandas"):
        print("usage: py_bench.py duckdb|pandas FILE", file=sys.stderr)
        return 2
    tool, path = sys.argv[1], sys.argv[2]
    bench = bench_duckdb if tool == "duckdb" else bench_pandas
    rows, numeric, text, seconds = bench(path)
    print("tool=%s rows=%d numeric_columns=%d text_columns=%d seconds=%.3f"
          % (tool, rows, numeric, text, seconds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
