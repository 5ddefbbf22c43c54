#!/usr/bin/env python3
"""Generate a large, report-like CSV (报表) for benchmarking veto's reader.

    python3 benchmarks/gen_report.py --mb 256 --out benchmarks/data/report-256mb-seed1.csv

The file looks like many counties' population-and-family-welfare reports
(SPEC.md, "Report table"): a Chinese header using SPEC's aliases, then for each
county and each period 2016-2025 one county row, and for each of its
townships one township row followed by its village and community rows.
Codes are 12 digits (PPCCXX000000 county, PPCCXXTTT000 township,
PPCCXXTTTVVV village/community); names come from a small syllable list.

The figures keep the report's relations, so the file is also usable for
checks, not only for parsing:
  * births_male + births_female = births; illegal and multi-child births
    <= births; the rate is multi / births in percent with 2 decimals;
  * prev + added - exited = total for reward and special support, and a
    unit's prev is its own total of the previous period;
  * special additions and totals split into disabled + death;
  * funds in 万元 with 4 decimals (exact yuan): reward 960 yuan/year,
    special 5,040 (disabled) / 6,240 (death) yuan/year, new entrants paid
    for part of the year; sskf 3,000 yuan one-off; long-term-contraception
    reward 100 yuan per woman (these amounts are examples, not standards);
  * township and county rows are the sums of their children, with their
    行政村 / 社区 counts equal to the number of child rows.
About 1 % of numeric cells are written as people write them ("1,825",
"—", "-", empty, full-width digits, a stray space, "2.49%"); a cell written
as empty or a dash is still counted in the parent's sum, as happens in real
submissions.

Output: UTF-8, LF line ends, quoted only where needed ("1,825").
Deterministic for a given --seed: each county draws from its own
random.Random seeded with (seed, county index), so the bytes do not depend
on --jobs (counties are generated in parallel processes and written in
order). Generation stops at the first row end at or beyond --mb MiB
(1 MiB = 1,048,576 bytes), so it may end inside a county. Memory is
constant: each process holds one county (about 3,000 rows, ~0.3 MB) at a
time, and at most 4 finished counties per process wait to be written.

Only the Python standard library is used.
"""

import argparse
import math
from operator import add
import os
import random
import sys
import time

HEADER = (
    "年度,区划代码,单位名称,常住人口,出生人数,出生男,出生女,违法生育人数,"
    "政策外多孩人数,政策外多孩率,长效节育措施人数,长效节育措施奖励金(万元),"
    "奖励扶助上年人数,奖励扶助新增,奖励扶助退出,奖励扶助人数,奖励扶助资金(万元),"
    "特别扶助上年人数,特别扶助新增,特别扶助退出,特别扶助人数,新增伤残,新增死亡,"
    "伤残家庭人数,死亡家庭人数,特别扶助资金(万元),少生快富新增,少生快富资金(万元),"
    "行政村,社区"
)

# Indices into a row's value list (the 27 columns after 年度, 区划代码, 单位名称).
POP, BIRTHS, MALE, FEMALE, ILLEGAL, MULTI, RATE = range(7)
LTC, LTC_FUNDS = 7, 8
R_PREV, R_ADD, R_EXIT, R_TOTAL, R_FUNDS = 9, 10, 11, 12, 13
S_PREV, S_ADD, S_EXIT, S_TOTAL, S_ADD_DIS, S_ADD_DEATH, S_TOT_DIS, S_TOT_DEATH, S_FUNDS = range(14, 23)
SSKF_ADD, SSKF_FUNDS, VILLAGES, COMMUNITIES = 23, 24, 25, 26
NVALUES = 27
MONEY = (LTC_FUNDS, R_FUNDS, S_FUNDS, SSKF_FUNDS)  # held as integer yuan

# Example per-person amounts in yuan (see the module docstring).
REWARD_YEAR = 960
SPECIAL_DIS_YEAR = 5040
SPECIAL_DEATH_YEAR = 6240
SSKF_ONE_OFF = 3000
LTC_PER_WOMAN = 100

PERIODS = range(2016, 2026)

SYLLABLES = (
    "东西南北中上下前后大小新老红青白金石安宁平和兴丰庆福寿长永太泰康乐"
    "华阳山川河沟湾峪岭坪塬台堡寨庄家营关桥井泉柳杨杏梨桃松柏榆槐马牛羊"
    "龙凤云霞鹿泥沙土红岩坡峡"
)

# Province codes that exist (GB/T 2260), for plausible county codes.
PROVINCES = (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41,
             42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65)

FULLWIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")

MESSY_CELL_RATE = 0.01


def rate_str(multi, births):
    """multi / births in percent, 2 decimals, rounded half up, exact."""
    if births == 0:
        return "0.00"
    q = (multi * 20000 + births) // (2 * births)
    return "%d.%02d" % divmod(q, 100)


def counties():
    """County codes PPCCXX in a fixed order: up to 31 x 20 x 60 = 37,200."""
    for xx in range(21, 81):
        for cc in range(1, 21):
            for pp in PROVINCES:
                yield "%02d%02d%02d" % (pp, cc, xx)


class Messer:
    """Rewrites about MESSY_CELL_RATE of the numeric cells the way people
    write them. Cells between two messy ones are skipped in bulk (geometric
    gaps), so clean cells cost nothing."""

    def __init__(self, rng):
        self.rng = rng
        self.gap = self._next_gap()

    def _next_gap(self):
        return int(-math.log(1.0 - self.rng.random()) / MESSY_CELL_RATE)

    def apply(self, fields):
        """fields: the row's 27 numeric cells as strings (modified in place)."""
        n = len(fields)
        gap = self.gap
        if gap >= n:
            self.gap = gap - n
            return
        rng = self.rng
        i = gap
        while i < n:
            fields[i] = self._messy(i, fields[i], rng.random())
            i += 1 + self._next_gap()
        self.gap = i - n

    @staticmethod
    def _messy(i, s, u):
        if u < 0.20:
            return "—"
        if u < 0.40:
            return ""
        if u < 0.45:
            return "-"
        if u < 0.50:
            return "——"
        if i == RATE:
            return s + ("%" if u < 0.80 else "％")
        if i in MONEY:
            return s + " " if u < 0.75 else " " + s
        if len(s) >= 4 and u < 0.85:
            return '"' + format(int(s), ",") + '"'
        if u < 0.80:
            return s.translate(FULLWIDTH)
        return " " + s if u < 0.90 else s + " "


class Village:
    """A village or community whose figures evolve from period to period."""

    __slots__ = ("code", "name", "pop", "r_total", "s_dis", "s_death", "community")

    def __init__(self, rng, code, name, community):
        self.code = code
        self.name = name
        self.community = community
        r = rng.random
        if community:
            self.pop = 1500 + int(r() * r() * 6000)
        else:
            self.pop = 300 + int(r() * 4200)
        self.r_total = int(self.pop * (0.01 + 0.04 * r()))
        self.s_dis = int(r() * r() * 12)
        self.s_death = int(r() * r() * 8)

    def values(self, rng):
        r = rng.random
        pop = self.pop = max(50, int(self.pop * (0.985 + 0.03 * r())))
        births = int(pop * (0.005 + 0.009 * r()))
        male = int(births * (0.47 + 0.09 * r()) + 0.5)
        female = births - male
        u = r()
        illegal = int(births * 0.15 * r()) if u < 0.12 else 0
        multi = min(births, illegal + (int(births * 0.1 * r()) if u < 0.3 else 0))
        ltc = int(pop * 0.012 * r())

        r_prev = self.r_total
        r_add = int(pop * (0.001 + 0.005 * r()))
        r_exit = int(r_prev * 0.06 * r())
        r_total = self.r_total = r_prev + r_add - r_exit
        r_funds = (r_total - r_add) * REWARD_YEAR + int(r_add * r() * 12) * (REWARD_YEAR // 12)

        dis_prev, death_prev = self.s_dis, self.s_death
        add_dis = int(r() * r() * 3.2)
        add_death = int(r() * r() * 2.4)
        exit_dis = int(dis_prev * 0.1 * r())
        exit_death = int(death_prev * 0.08 * r())
        dis = self.s_dis = dis_prev + add_dis - exit_dis
        death = self.s_death = death_prev + add_death - exit_death
        s_funds = ((dis - add_dis) * SPECIAL_DIS_YEAR + (death - add_death) * SPECIAL_DEATH_YEAR
                   + int(add_dis * r() * 12) * (SPECIAL_DIS_YEAR // 12)
                   + int(add_death * r() * 12) * (SPECIAL_DEATH_YEAR // 12))

        sskf = int(r() * r() * 2.5) if r() < 0.3 else 0
        return [
            pop, births, male, female, illegal, multi, 0, ltc, ltc * LTC_PER_WOMAN,
            r_prev, r_add, r_exit, r_total, r_funds,
            dis_prev + death_prev, add_dis + add_death, exit_dis + exit_death, dis + death,
            add_dis, add_death, dis, death, s_funds,
            sskf, sskf * SSKF_ONE_OFF, 0, 0,
        ]


def name(rng, n, suffix):
    return "".join(rng.choice(SYLLABLES) for _ in range(n)) + suffix


def make_county(rng, code):
    """A county: (code, name, [(township code, name, [Village, ...]), ...])."""
    townships = []
    for t in range(rng.randint(8, 22)):
        tcode = "%s%03d" % (code, 100 + t + 1)
        kind = "镇" if rng.random() < 0.7 else "乡"
        tname = name(rng, 2, kind)
        units = []
        for v in range(rng.randint(0, 4) if kind == "镇" else 0):
            units.append(Village(rng, "%s%03d" % (tcode, v + 1), name(rng, 2, "社区"), True))
        for v in range(rng.randint(8, 28)):
            units.append(Village(rng, "%s%03d" % (tcode, 200 + v + 1), name(rng, 2, "村"), False))
        townships.append((tcode + "000", tname, units))
    return code + "000000", name(rng, 2, "县"), townships


# The 27 numeric cells of a clean row; money is formatted from yuan / 10000
# with "%.4f", which is exact for any amount below 2**53 / 10**4 yuan (the
# float's error is far below the half-unit of the 4th decimal).
NUMFMT = ",".join("%.4f" if i in MONEY else "%s" if i == RATE else "%d"
                  for i in range(NVALUES))


def render(prefix, vals, messer):
    args = vals[:]
    for i in MONEY:
        args[i] /= 10000
    args[RATE] = rate_str(vals[MULTI], vals[BIRTHS])
    cells = NUMFMT % tuple(args)
    if messer.gap >= NVALUES:  # the common case: no messy cell in this row
        messer.gap -= NVALUES
        return prefix + cells
    fields = cells.split(",")
    messer.apply(fields)
    return prefix + ",".join(fields)


def county_rows(rng, messer, county, period):
    """The rows of one county for one period, county row first."""
    ccode, cname, townships = county
    p = str(period)
    rows = [None]
    ctotal = [0] * NVALUES
    for tcode, tname, units in townships:
        trow = len(rows)
        rows.append(None)
        ttotal = [0] * NVALUES
        for unit in units:
            vals = unit.values(rng)
            ttotal = list(map(add, ttotal, vals))
            rows.append(render("%s,%s,%s," % (p, unit.code, unit.name), vals, messer))
            ttotal[COMMUNITIES if unit.community else VILLAGES] += 1
        rows[trow] = render("%s,%s,%s," % (p, tcode, tname), ttotal, messer)
        ctotal = list(map(add, ctotal, ttotal))
    rows[0] = render("%s,%s,%s," % (p, ccode, cname), ctotal, messer)
    return rows


def county_block(task):
    """All rows of one county for 2016-2025, as UTF-8 bytes. Each county has
    its own generator seeded from (seed, county index), so the output does not
    depend on how many processes produce it."""
    seed, index, code = task
    rng = random.Random("veto-report:%d:%d" % (seed, index))
    messer = Messer(rng)
    county = make_county(rng, code)
    rows = []
    for period in PERIODS:
        rows.extend(county_rows(rng, messer, county, period))
    return ("\n".join(rows) + "\n").encode("utf-8")


def blocks(seed, jobs):
    """County blocks in order, produced by `jobs` processes (at most 4 blocks
    per process in flight, so memory stays bounded)."""
    tasks = ((seed, i, code) for i, code in enumerate(counties()))
    if jobs <= 1:
        for task in tasks:
            yield county_block(task)
        return
    import collections
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        window = collections.deque()
        for task in tasks:
            window.append(pool.apply_async(county_block, (task,)))
            if len(window) >= 4 * jobs:
                yield window.popleft().get()
        while window:
            yield window.popleft().get()


def generate(out, target_bytes, seed, jobs, progress):
    """Write the header and county blocks until target_bytes is reached (at
    the first row end at or beyond it). Returns (bytes, data rows)."""
    header = (HEADER + "\n").encode("utf-8")
    out.write(header)
    written = len(header)
    rows = 0
    started = last_report = time.monotonic()
    if written >= target_bytes:
        return written, rows
    for block in blocks(seed, jobs):
        if written + len(block) < target_bytes:
            out.write(block)
            written += len(block)
            rows += block.count(b"\n")
        else:
            cut = block.index(b"\n", target_bytes - written - 1) + 1
            out.write(block[:cut])
            return written + cut, rows + block.count(b"\n", 0, cut)
        now = time.monotonic()
        if progress and now - last_report >= 10:
            last_report = now
            mb = written / 2**20
            print("gen_report: %.0f / %.0f MiB (%.1f MiB/s)"
                  % (mb, target_bytes / 2**20, mb / (now - started)), file=sys.stderr)
    print("gen_report: ran out of county codes at %d bytes" % written, file=sys.stderr)
    return written, rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=256,
                    help="target size in MiB (default 256); stops at the first row end at or beyond it")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--out", default="-", help="output path (default: stdout)")
    ap.add_argument("--jobs", type=int, default=min(os.cpu_count() or 1, 8),
                    help="processes generating counties (default: CPUs, at most 8); "
                         "the output is the same for any value")
    ap.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = ap.parse_args(argv)
    if args.mb <= 0:
        ap.error("--mb must be positive")
    if args.jobs < 1:
        ap.error("--jobs must be at least 1")
    target = int(args.mb * 2**20)

    started = time.monotonic()
    if args.out == "-":
        out = sys.stdout.buffer
        nbytes, nrows = generate(out, target, args.seed, args.jobs, not args.quiet)
        out.flush()
    else:
        tmp = args.out + ".part"
        with open(tmp, "wb", buffering=1 << 20) as out:
            nbytes, nrows = generate(out, target, args.seed, args.jobs, not args.quiet)
        os.replace(tmp, args.out)
    elapsed = time.monotonic() - started
    if not args.quiet:
        print("gen_report: %d bytes, %d data rows, seed %d, %.1f s (%.1f MiB/s)"
              % (nbytes, nrows, args.seed, elapsed, nbytes / 2**20 / max(elapsed, 1e-9)),
              file=sys.stderr)


if __name__ == "__main__":
    main()
