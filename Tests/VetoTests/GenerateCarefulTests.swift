import Foundation
import Testing
@testable import Veto

// The careful variants (issue 9, item 5): every rule of the pack holds on the planted county,
// the labels name the unit and periods of each case, and the pattern is really there.

let carefulSeeds: [UInt64] = [1, 2, 3, 4, 5]

/// The seeds each careful pattern is tested on. Target smoothing has real signal (the moved
/// village-years' chance of sitting under the target by themselves at most 1e-3) in about one
/// county in four of the default size (8 of seeds 1–30): it is tested on five of those.
func carefulSeeds(_ pattern: Pattern) -> [UInt64] {
    pattern == .carefulTargetSmoothing ? [10, 12, 18, 19, 21] : carefulSeeds
}

/// Every careful pattern with each of its seeds.
let carefulRuns: [(Pattern, UInt64)] = Pattern.careful.flatMap { p in carefulSeeds(p).map { (p, $0) } }

/// A county large enough for every careful pattern to find a place with real signal (ten
/// years, 4–6 townships of 8–14 villages), still quick to check.
/// Target smoothing needs village-years of 20 births or more just above the target, mostly
/// in communities of town seats: its counties have the default size (8–20 townships of 5–20).
func carefulConfig(seed: UInt64, inject: [Injection] = []) -> GeneratorConfig {
    if inject.contains(where: { $0.pattern == .carefulTargetSmoothing }) {
        return GeneratorConfig(seed: seed, counties: 1, years: 2016...2025, injections: inject)
    }
    return GeneratorConfig(seed: seed, counties: 1, years: 2016...2025, townships: 4...6, villages: 8...14, injections: inject)
}

/// Checks a county's files in process, as `veto check --standards OUT/standards.yml` would.
func checkCounty(_ c: GeneratedCounty) throws -> CheckResult {
    var o = CheckOptions()
    o.standards = try StandardsTable.parse(yaml: ExampleStandards.yaml, file: "standards.yml")
    let checker = Checker(options: o)
    for f in c.files { checker.add(bytes: f.bytes, name: f.name) }
    return checker.finish()
}

/// Findings at review or above that are not a forensic detector's: rule failures and input
/// problems. A careful pattern must leave none.
func ruleAlarms(_ r: CheckResult) -> [Finding] {
    r.findings.filter { $0.kind != .detector && $0.severity >= .review }
}

/// A careful county next to the genuine county of the same seed, both read back.
struct CarefulPair: Sendable {
    var genuine: ReadCounty
    var planted: ReadCounty
    var county: GeneratedCounty

    init(_ pattern: Pattern, seed: UInt64, amount: Injection.Amount? = nil) throws {
        let inject = [Injection(pattern: pattern, amount: amount ?? pattern.defaultAmount)]
        var genuineConfig = carefulConfig(seed: seed, inject: inject)
        genuineConfig.injections = []
        let g = try generate(genuineConfig)
        county = try generate(carefulConfig(seed: seed, inject: inject))
        genuine = readBack(g.files)
        planted = readBack(county.files)
    }

    var cases: [String: [PlantedLabel]] { Dictionary(grouping: county.labels, by: \.caseID) }
    func row(_ l: PlantedLabel) -> ReadRow? { planted.rows.first { $0.file == l.file && $0.line == l.line } }
    func genuineRow(_ unit: String, _ period: Int) -> ReadRow? { genuine.row(unit, period) }
}

@Test func carefulNamesParse() throws {
    #expect(Pattern.careful.count == 6 && Pattern.careful.allSatisfy(\.isCareful))
    #expect(Pattern.standard.count == 10 && !Pattern.standard.contains(where: \.isCareful))
    #expect(try Injection.parse("careful").map(\.pattern) == Pattern.careful)
    #expect(try Injection.parse("careful:2").allSatisfy { $0.amount == .perCounty(2) })
    // `all` keeps meaning the patterns it meant before the careful ones existed.
    #expect(try Injection.parse("all").map(\.pattern) == Pattern.standard)
    #expect(try Injection.parse("careful-frozen") == [Injection(pattern: .carefulFrozen, amount: .perCounty(3))])
    #expect(Pattern.careful.allSatisfy { $0.deserves == .veto })
}

/// The chance two Poisson counts are equal, against FORENSICS.md §2 (SciPy `ive(0, 2λ)`).
@Test func poissonTieMatchesTheReference() {
    for (lambda, p) in [(5.0, 0.1278), (20, 0.0633), (50, 0.0399), (200, 0.0200)] {
        #expect(abs(Planter.poissonTie(lambda) - p) < 5e-5, "λ = \(lambda): \(Planter.poissonTie(lambda))")
    }
    #expect(Planter.poissonTie(0) == 1)
    #expect(abs(Planter.poissonTie(400) - 1 / (4 * Double.pi * 400).squareRoot()) < 1e-5)
}

/// The chance of a read-back block matching by chance, as the planter computes it.
func chanceMatch(_ r: ReadRow) -> Double {
    Planter.carefulBlockCounts.reduce(1.0) { $0 * Planter.poissonTie(Double(r.i($1) ?? 0)) }
}

/// Every rule of the family-welfare pack holds on a county with careful cases: no finding at
/// review or above that is not a detector's, and every unit-period's verdict from the rules is
/// pass (info notes are allowed).
@Test(arguments: carefulRuns)
func carefulPatternBreaksNoRule(_ pattern: Pattern, seed: UInt64) throws {
    let p = try CarefulPair(pattern, seed: seed, amount: .perCounty(3))
    let r = try checkCounty(p.county)
    let alarms = ruleAlarms(r)
    #expect(alarms.isEmpty, "\(pattern) seed \(seed): \(alarms.prefix(3).map { "\($0.id) \($0.unitCode ?? "") \($0.period ?? "")" })")
    #expect(p.planted.problems.isEmpty, "\(p.planted.problems.prefix(3))")
}

/// The same check fails on the plain variants that break links (so the test above can fail).
@Test func plainCopyAndFrozenRowsBreakRulesThere() throws {
    var caught = 0
    for seed in carefulSeeds {
        for pattern in [Pattern.copyPaste, .frozen] {
            let c = try generate(carefulConfig(seed: seed, inject: [Injection(pattern: pattern, amount: .perCounty(3))]))
            caught += ruleAlarms(try checkCounty(c)).isEmpty ? 0 : 1
        }
    }
    #expect(caught >= carefulSeeds.count, "\(caught) of \(2 * carefulSeeds.count) plain counties caught by the rules")
}

/// Each careful pattern finds a place with real signal in most of these counties.
@Test(arguments: Pattern.careful)
func carefulPatternIsPlanted(_ pattern: Pattern) throws {
    var counties = 0
    let seeds = carefulSeeds(pattern)
    for seed in seeds where !(try CarefulPair(pattern, seed: seed).cases.isEmpty) { counties += 1 }
    #expect(counties >= seeds.count - 1, "\(pattern): planted in \(counties) of \(seeds.count) counties")
}

/// The labels name the unit of each case: township-wide patterns one township (its own row
/// planted, every planted line in its subtree, sums only above it); copies one village in one
/// period; freezes one village in three consecutive periods.
@Test(arguments: carefulRuns)
func carefulLabelsNameTheRightUnits(_ pattern: Pattern, seed: UInt64) throws {
    let p = try CarefulPair(pattern, seed: seed, amount: .perCounty(2))
    for (id, lines) in p.cases {
        #expect(lines.allSatisfy { $0.pattern == pattern && $0.caseID == id })
        let planted = lines.filter { $0.role == .planted }
        let units = Set(planted.map(\.unitCode))
        let periods = Set(planted.map(\.period)).compactMap { Int($0) }.sorted()
        if pattern.isTownshipWide {
            let towns = units.filter { $0.hasSuffix("000") }
            #expect(towns.count == 1, "case \(id): townships \(towns)")
            guard let town = towns.first else { continue }
            #expect(units.allSatisfy { $0.hasPrefix(town.prefix(9)) }, "case \(id) reaches outside \(town)")
            #expect(lines.filter { $0.role == .sum }.allSatisfy { $0.unitCode.hasSuffix("000000") })
            // The township is labelled in every period one of its villages is.
            let villagePeriods = Set(planted.filter { $0.unitCode != town }.map(\.period))
            let townPeriods = Set(planted.filter { $0.unitCode == town }.map(\.period))
            // (Rounding may leave a township's sum as it was; removing births never does.)
            let exact = pattern == .carefulZeroWashing || pattern == .carefulTargetSmoothing
            #expect(exact ? villagePeriods == townPeriods : townPeriods.isSubset(of: villagePeriods),
                    "case \(id): villages in \(villagePeriods.sorted()), township in \(townPeriods.sorted())")
        } else {
            #expect(units.count == 1 && units.allSatisfy { !$0.hasSuffix("000") }, "case \(id): units \(units)")
            #expect(lines.filter { $0.role != .planted }.allSatisfy { $0.role == .sum && $0.unitCode.hasSuffix("000") })
            if pattern == .carefulCopyPaste {
                #expect(periods.count == 1, "case \(id): periods \(periods)")
            } else {
                #expect(periods.count == Planter.carefulFrozenYears && periods.last! - periods.first! == periods.count - 1,
                        "case \(id): periods \(periods)")
            }
        }
    }
}

/// What each careful pattern's rows must look like, against the genuine county.
@Test(arguments: carefulRuns)
func carefulPatternIsReallyThere(_ pattern: Pattern, seed: UInt64) throws {
    let p = try CarefulPair(pattern, seed: seed, amount: .perCounty(2))
    let years = Array(p.county.table.years)
    for (id, lines) in p.cases {
        let planted = lines.filter { $0.role == .planted }
        guard let first = planted.first else { Issue.record("case \(id): no planted line"); continue }
        let town = String(first.unitCode.prefix(9)) + "000"
        let villages = { (y: Int) in p.planted.children(of: town, y) }
        switch pattern {
        case .carefulZeroWashing:
            var expected = 0.0
            for y in years {
                let c = p.genuine.rows.first { $0.level == .county && $0.period == y }!
                let t = p.genuineRow(town, y)!
                let other = c.i(.births)! - t.i(.births)!
                expected += Double(t.i(.births)!) * Double(c.i(.births_illegal)! - t.i(.births_illegal)!) / Double(other)
                for r in villages(y) + [p.planted.row(town, y)!] {
                    #expect(r.i(.births_illegal) == 0 && r.i(.births_multi_outside_policy) == 0, "\(r.unit)@\(y)")
                }
            }
            #expect(expected >= 20, "case \(id): only \(expected) illegal births expected")
        case .carefulInventedSmooth:
            for y in years {
                let t = p.genuineRow(town, y)!
                let (bT, pT) = (t.i(.births)!, t.i(.population)!)
                for v in villages(y) {
                    let b = v.i(.births)!
                    #expect(b == Planter.scaled(v.i(.population)!, bT, pT), "\(v.unit)@\(y): births off the smooth rate")
                    #expect(v.i(.births_male) == Planter.scaled(b, 105, 205))
                    #expect(v.i(.births_illegal) == Planter.scaled(b, t.i(.births_illegal)!, bT))
                    #expect(v.i(.population) == p.genuineRow(v.unit, y)?.i(.population), "population kept")
                }
            }
            #expect(villages(years[0]).count >= Planter.carefulSmoothMinVillages)
        case .carefulInventedHeaped:
            var large = 0, roundBefore = 0
            for y in years {
                for v in villages(y) {
                    #expect(v.i(.population)! % 10 == 0, "\(v.unit)@\(y): population \(v.i(.population)!)")
                    if let w = v.i(.women_contacted), w >= 10 { #expect(w % 5 == 0) }
                    #expect(v.i(.births) == p.genuineRow(v.unit, y)?.i(.births), "births kept")
                    let g = p.genuineRow(v.unit, y)!.i(.population)!
                    if g >= 100 { large += 1 }
                    if g % 10 == 0 { roundBefore += 1 }
                }
            }
            #expect(large >= Planter.carefulHeapedMinValues)
            #expect(roundBefore < large / 2, "the genuine populations were round already")
        case .carefulTargetSmoothing:
            var moved = 0
            for y in years {
                for v in villages(y) {
                    let g = p.genuineRow(v.unit, y)!
                    let (b, now, was) = (v.i(.births)!, v.i(.births_multi_outside_policy)!, g.i(.births_multi_outside_policy)!)
                    if now != was {
                        moved += 1
                        #expect(b >= 20 && was * 10_000 > 500 * b && was * 10_000 <= 1_000 * b, "\(v.unit)@\(y) was not near the target")
                        #expect(now * 10_000 <= 500 * b && (now + 1) * 10_000 > 500 * b, "\(v.unit)@\(y) not just under the target")
                    } else if b >= 20 {
                        #expect(!(now * 10_000 > 500 * b && now * 10_000 <= 1_000 * b), "\(v.unit)@\(y) left just above the target")
                    }
                }
            }
            #expect(moved >= Planter.carefulTargetMinMoved)
            // Real signal: the moved village-years' chance of all sitting at the most the target
            // allows rather than one birth over it, at each year's genuine township rate.
            var logChance = 0.0
            for y in years {
                let t = p.genuineRow(town, y)!
                let rate = Double(t.i(.births_multi_outside_policy)!) / Double(t.i(.births)!)
                for v in villages(y) where v.i(.births_multi_outside_policy) != p.genuineRow(v.unit, y)?.i(.births_multi_outside_policy) {
                    let n = Double(v.i(.births)!), pass = Double(v.i(.births_multi_outside_policy)!)
                    // a/(a + b) of two neighbouring binomial counts: b/a = (n − pass)/(pass + 1) · p/(1 − p).
                    logChance -= log(1 + (n - pass) / (pass + 1) * rate / (1 - rate))
                }
            }
            #expect(logChance <= log(Planter.carefulTargetMaxChance) + 1e-9, "case \(id): chance \(exp(logChance))")
        case .carefulCopyPaste:
            let r = p.row(first)!
            let siblings = p.genuine.children(of: town, r.period).filter { $0.unit != r.unit }
            let block = Planter.carefulCopyBlock
            #expect(siblings.contains { s in block.allSatisfy { s.v($0) == r.v($0) } && s.i(.births)! >= 10 }, "case \(id): no sibling's block")
            #expect(chanceMatch(r) <= Planter.carefulCopyMaxChance, "case \(id): a block matched by chance too often")
            let g = p.genuineRow(r.unit, r.period)!
            #expect(numericFields.filter { !block.contains($0) }.allSatisfy { g.v($0) == r.v($0) }, "only the block changes")
        case .carefulFrozen:
            let periods = Set(planted.map(\.period)).compactMap { Int($0) }.sorted()
            let before = p.genuineRow(first.unitCode, periods[0] - 1)!
            #expect(before.i(.births)! >= 10 && chanceMatch(before) <= Planter.carefulFrozenMaxChance)
            for y in periods {
                let r = p.planted.row(first.unitCode, y)!
                #expect(Planter.carefulFrozenBlock.allSatisfy { r.v($0) == before.v($0) }, "\(r.unit)@\(y) does not repeat \(y - 1)")
                let g = p.genuineRow(r.unit, y)!
                #expect(numericFields.filter { !Planter.carefulFrozenBlock.contains($0) }.allSatisfy { g.v($0) == r.v($0) },
                        "the rolls keep moving")
            }
        default:
            Issue.record("\(pattern) is not careful")
        }
    }
}

/// Careful cases go after every other pattern and never touch the rows those planted in:
/// adding them to `--inject all` leaves every planted and carried label of the other patterns
/// as it was. (A `sum` cell of a township or county row may gain or lose labels: it is
/// labelled while it differs from the genuine sum, and a later case can move it either way.)
@Test(arguments: [UInt64(1), 2, 3])
func carefulCasesLeaveTheOtherPatternsAlone(seed: UInt64) throws {
    let all = try Injection.parse("all")
    let careful = try Injection.parse("careful")
    var config = carefulConfig(seed: seed, inject: all + careful)
    let after = try generate(config)
    config.injections = all
    let before = try generate(config)
    func own(_ c: GeneratedCounty) -> [String] {
        c.labels.filter { !$0.pattern.isCareful && $0.role != .sum }.map(\.csvLine)
    }
    #expect(own(after) == own(before))
    #expect(!own(before).isEmpty)
    #expect(Set(after.cases.keys).isSuperset(of: before.cases.keys))
    #expect(after.cases.filter { $0.key.isCareful }.values.reduce(0, +) > 0, "no careful case planted")
}
