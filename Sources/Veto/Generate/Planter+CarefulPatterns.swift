#if canImport(Glibc)
import Glibc
#endif

/// The careful variants of the forensic patterns: every identity, sum and period link of the
/// family-welfare pack is kept, so `veto check` finds no rule failure and only a forensic
/// detector can find them. Each is planted only where it leaves a real signal (the thresholds
/// below, which `veto generate --help` states).
extension Planter {
    /// careful-zero-washing: the least number of illegal births the rest of the county's rate
    /// must have expected in the township over the years.
    static let carefulZeroMinExpected = 20.0
    /// careful-invented-smooth: the least villages, and births per village-year on average.
    static let carefulSmoothMinVillages = 5
    static let carefulSmoothMinBirths = 5.0
    /// careful-invented-heaped: the least village-year populations of 100 or more.
    static let carefulHeapedMinValues = 40
    /// careful-target-smoothing: the least births of a village-year moved, the highest rate
    /// (hundredths of a percent) still "near" the target, the least village-years moved.
    static let carefulTargetMinBirths: Int64 = 20
    static let carefulTargetNearBP: Int64 = 1_000
    static let carefulTargetMinMoved = 5
    /// … and the most the moved village-years' chance of sitting just under the target by
    /// themselves may be (see ``targetEvidence(_:)``): where it is larger, the pile they make
    /// is within what the township's own rate gives, and no test could tell it from noise.
    static let carefulTargetMaxChance = 1e-3
    /// careful-copy-paste and careful-frozen: the least births of the repeated block, the most
    /// its chance of matching another block by chance may be (see ``chanceMatch(_:)``), and
    /// how many years a frozen village repeats its block.
    static let carefulBlockMinBirths: Int64 = 10
    static let carefulCopyMaxChance = 1e-5
    static let carefulFrozenMaxChance = 1e-3
    static let carefulFrozenYears = 3

    /// The figures a careful copy or freeze repeats: those no period link or roll ties to
    /// another row (the births block, the one-off programmes with their money, contacts and
    /// technicians). The support rolls stay the unit's own, so `prev` = last period's `total`.
    static let carefulCopyBlock: [Field] = [
        .births, .births_male, .births_female, .births_illegal, .births_multi_outside_policy, .multi_outside_policy_rate,
        .ltc_women, .ltc_reward_funds, .sskf_added, .sskf_funds, .women_contacted, .technicians,
    ]
    /// A frozen village repeats its population too.
    static let carefulFrozenBlock: [Field] = [.population] + carefulCopyBlock

    /// The counts of a block that vary independently (girls, the rate and the money follow
    /// from them).
    static let carefulBlockCounts: [Field] = [
        .births, .births_male, .births_illegal, .births_multi_outside_policy, .ltc_women, .sskf_added,
        .women_contacted, .technicians,
    ]

    /// The chance that two independent Poisson counts of mean λ are equal, e^{−2λ}·I₀(2λ)
    /// (FORENSICS.md §2: 0.1278 at λ = 5, 0.0633 at 20, 0.0200 at 200).
    static func poissonTie(_ lambda: Double) -> Double {
        let x = 2 * lambda
        guard x > 0 else { return 1 }
        if x > 600 { return 1 / (2 * Double.pi * x).squareRoot() }    // the asymptote: relative error < 1/(8x)
        // e^{−x}·Σ (x/2)^{2k} / (k!)², each term in logs so nothing overflows.
        var sum = 0.0, k = 0.0
        let half = x / 2
        while true {
            let term = exp(2 * k * log(half) - 2 * lgamma(k + 1) - x)
            sum += term
            if k > half && term < sum * 1e-17 { break }
            k += 1
        }
        return sum
    }

    /// The chance a block of figures is matched, count for count, by another unit's independent
    /// block of the same means: the product of each count's Poisson tie at the value reported.
    /// The figure a duplicate-rows detector's evidence depends on; a block with few births or
    /// mostly zeros is matched by chance too often to be a signal.
    static func chanceMatch(_ f: Figures) -> Double {
        carefulBlockCounts.reduce(1.0) { $0 * poissonTie(Double(f[$1])) }
    }

    /// Illegal births the rest of the county's rate expects in a township over the years: each
    /// year, the township's births times the other townships' illegal births per birth.
    func expectedIllegal(_ tw: Int) -> Double {
        table.years.indices.reduce(0.0) { sum, y in
            let c = genuine.rows[y][0], t = genuine.rows[y][tw]
            let otherBirths = c[.births] - t[.births]
            guard otherBirths > 0 else { return sum }
            return sum + Double(t[.births]) * Double(c[.births_illegal] - t[.births_illegal]) / Double(otherBirths)
        }
    }

    mutating func carefulZeroWashing(_ tw: Int) -> Bool {
        guard expectedIllegal(tw) >= Self.carefulZeroMinExpected else { return false }
        return attempt(.carefulZeroWashing, targets: townshipRows(tw),
                       planted: [.births_illegal, .births_multi_outside_policy]) { t in
            for y in t.years.indices {
                for v in t.units[tw].children {
                    let k = RowKey(year: y, unit: v)
                    t[k][.births_illegal] = 0
                    t[k][.births_multi_outside_policy] = 0
                    t[k].set(.multi_outside_policy_rate, CountyTable.rateBP(multi: 0, births: t[k][.births]))
                }
                t.aggregateUp(year: y, from: t.units[tw].children[0])
            }
            return true
        }
    }

    /// `a × b / c` rounded half up, for non-negative figures (0 when c is 0).
    static func scaled(_ a: Int64, _ b: Int64, _ c: Int64) -> Int64 {
        c > 0 ? (2 * a * b + c) / (2 * c) : 0
    }

    mutating func carefulInventedSmooth(_ tw: Int) -> Bool {
        let kids = table.units[tw].children
        let genuine = self.genuine
        let births = table.years.indices.reduce(Int64(0)) { $0 + genuine.rows[$1][tw][.births] }
        guard kids.count >= Self.carefulSmoothMinVillages,
              Double(births) >= Self.carefulSmoothMinBirths * Double(kids.count * table.years.count) else { return false }
        return attempt(.carefulInventedSmooth, targets: townshipRows(tw),
                       planted: [.births, .births_male, .births_female, .births_illegal, .births_multi_outside_policy]) { t in
            for y in t.years.indices {
                // The township's own genuine rates of the year, applied to every village exactly.
                let tf = genuine.rows[y][tw]
                let (bT, pT) = (tf[.births], tf[.population])
                for v in kids {
                    let k = RowKey(year: y, unit: v)
                    var f = t[k]
                    let b = Self.scaled(f[.population], bT, pT)
                    f[.births] = b
                    f[.births_male] = Self.scaled(b, 105, 205)
                    f[.births_female] = b - f[.births_male]
                    f[.births_illegal] = Self.scaled(b, tf[.births_illegal], bT)
                    f[.births_multi_outside_policy] = Self.scaled(b, tf[.births_multi_outside_policy], bT)
                    f.set(.multi_outside_policy_rate, CountyTable.rateBP(multi: f[.births_multi_outside_policy], births: b))
                    t[k] = f
                }
                t.aggregateUp(year: y, from: kids[0])
            }
            return true
        }
    }

    mutating func carefulInventedHeaped(_ tw: Int, _ rng: inout SplitMix64) -> Bool {
        let kids = table.units[tw].children
        let large = table.years.indices.reduce(0) { n, y in n + kids.filter { table.rows[y][$0][.population] >= 100 }.count }
        guard large >= Self.carefulHeapedMinValues else { return false }
        // The rounding of each village-year, drawn before the edit so the edit is pure.
        let steps: [Int64] = (0..<(table.years.count * kids.count)).map { _ in rng.chance(0.5) ? 100 : 10 }
        return attempt(.carefulInventedHeaped, targets: townshipRows(tw), planted: [.population, .women_contacted]) { t in
            for y in t.years.indices {
                for (i, v) in kids.enumerated() {
                    let k = RowKey(year: y, unit: v)
                    let step = steps[y * kids.count + i]
                    let pop = t[k][.population]
                    t[k][.population] = max(step, (pop + step / 2) / step * step)
                    let w = t[k][.women_contacted]
                    if w >= 10 { t[k][.women_contacted] = (w + 2) / 5 * 5 }
                }
                t.aggregateUp(year: y, from: kids[0])
            }
            return true
        }
    }

    /// The village-years of a township careful target-smoothing moves: at least the least
    /// births, a rate above the target and no further above it than "near".
    func nearTarget(_ tw: Int) -> [RowKey] {
        let target = CountyModel.multiRateTargetBP
        return table.years.indices.flatMap { y in
            table.units[tw].children.map { RowKey(year: y, unit: $0) }.filter { k in
                let f = table[k]
                let (m, b) = (f[.births_multi_outside_policy], f[.births])
                return b >= Self.carefulTargetMinBirths && m * 10_000 > target * b && m * 10_000 <= Self.carefulTargetNearBP * b
            }
        }
    }

    /// The chance, under each year's township rate of outside-policy births (binomial, as
    /// genuine), that every moved village-year would have been at the most the target allows
    /// rather than one birth over it: Π a/(a + b), a and b the binomial probabilities of the
    /// two counts (the exact-threshold test's weights; FORENSICS.md §3).
    func targetEvidence(_ moved: [RowKey]) -> Double {
        var logChance = 0.0
        for k in moved {
            guard let parent = table.units[k.unit].parent else { continue }
            var sumK: Int64 = 0, sumN: Int64 = 0
            for c in table.units[parent].children {
                let f = table[RowKey(year: k.year, unit: c)]
                sumK += f[.births_multi_outside_policy]
                sumN += f[.births]
            }
            guard sumN > 0, sumK > 0, sumK < sumN else { continue }
            let p = Double(sumK) / Double(sumN), n = table[k][.births]
            let pass = CountyModel.multiRateTargetBP * n / 10_000
            func logPMF(_ x: Int64) -> Double {
                lgamma(Double(n + 1)) - lgamma(Double(x + 1)) - lgamma(Double(n - x + 1))
                    + Double(x) * log(p) + Double(n - x) * log(1 - p)
            }
            let a = logPMF(pass), b = logPMF(pass + 1)
            logChance += a - max(a, b) - log(exp(a - max(a, b)) + exp(b - max(a, b)))
        }
        return exp(logChance)
    }

    mutating func carefulTargetSmoothing(_ tw: Int) -> Bool {
        let moved = nearTarget(tw)
        guard moved.count >= Self.carefulTargetMinMoved, targetEvidence(moved) <= Self.carefulTargetMaxChance else { return false }
        let target = CountyModel.multiRateTargetBP
        return attempt(.carefulTargetSmoothing, targets: townshipRows(tw), planted: [.births_multi_outside_policy]) { t in
            for k in moved {
                let b = t[k][.births]
                // The most outside-policy births the target allows: rate ≤ 5.00 %.
                t[k][.births_multi_outside_policy] = target * b / 10_000
                t[k].set(.multi_outside_policy_rate, CountyTable.rateBP(multi: t[k][.births_multi_outside_policy], births: b))
            }
            for y in Set(moved.map(\.year)) { t.aggregateUp(year: y, from: t.units[tw].children[0]) }
            return true
        }
    }

    mutating func carefulCopyPaste(_ y: Int, _ v: Int, _ rng: inout SplitMix64) -> Bool {
        guard let parent = table.units[v].parent else { return false }
        let siblings = table.units[parent].children.filter { $0 != v && table.units[$0].kind == table.units[v].kind }
        guard let s = rng.pick(siblings) else { return false }
        let k = RowKey(year: y, unit: v), source = RowKey(year: y, unit: s)
        guard table[source][.births] >= Self.carefulBlockMinBirths,
              Self.chanceMatch(table[source]) <= Self.carefulCopyMaxChance else { return false }
        return attempt(.carefulCopyPaste, targets: [k], sources: [source], planted: nil) { t in
            let from = t[source]
            for f in Self.carefulCopyBlock { t[k].set(f, from.reported(f)) }
            t.aggregateUp(year: y, from: v)
            return true
        }
    }

    mutating func carefulFrozen(_ y: Int, _ v: Int) -> Bool {
        let n = Self.carefulFrozenYears
        guard y > 0, y + n <= table.years.count else { return false }
        let source = RowKey(year: y - 1, unit: v)
        guard table[source][.births] >= Self.carefulBlockMinBirths,
              Self.chanceMatch(table[source]) <= Self.carefulFrozenMaxChance else { return false }
        let targets = (y..<(y + n)).map { RowKey(year: $0, unit: v) }
        return attempt(.carefulFrozen, targets: targets, sources: [source], planted: nil) { t in
            let from = t[source]
            for k in targets {
                for f in Self.carefulFrozenBlock { t[k].set(f, from.reported(f)) }
                t.aggregateUp(year: k.year, from: v)
            }
            return true
        }
    }
}
