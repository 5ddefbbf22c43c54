import Foundation
import Testing
@testable import Veto
import VetoStats

// Forensic detectors (issue 9): each fires on its planted pattern at the right unit, is silent
// or "not applicable" on genuine and on too-small data; multiplicity and combination reproduce
// SciPy's worked examples.

/// Runs the checker (rules and detectors) over generated files.
func checkFiles(_ files: [GeneratedFile], options: CheckOptions = CheckOptions()) -> CheckResult {
    let c = Checker(options: options)
    for f in files { c.add(bytes: f.bytes, name: f.name) }
    return c.finish()
}

/// A county of the default shape (10 years, 8–12 townships of 6–12 villages), quick enough for tests.
func countyConfig(seed: UInt64, inject: [Injection] = []) -> GeneratorConfig {
    GeneratorConfig(seed: seed, counties: 1, years: 2016...2025, townships: 8...12, villages: 6...12, injections: inject)
}

func parentCode(_ u: String) -> String? { try? UnitCode.parse(u).get().parent?.code }

/// The detector findings at or above `severity` that name `unit` (or, for a copied row, its sibling).
func detectorHits(_ r: CheckResult, unit: String, period: String? = nil, atLeast severity: Severity = .review) -> [Finding] {
    r.findings.filter { f in
        f.kind == .detector && f.severity >= severity && (f.unitCode == unit || f.message.en.contains("sibling \(unit)"))
            && (period == nil || f.period == nil || f.period == period)
    }
}

// MARK: Planted patterns

@Test(arguments: [UInt64(21), 22])
func inventedTownshipIsVetoedAtTheTownship(seed: UInt64) throws {
    let county = try generate(countyConfig(seed: seed, inject: [Injection(pattern: .invented, amount: .perCounty(1))]))
    let r = checkFiles(county.files)
    let township = try #require(county.labels.first { $0.role == .planted && $0.unitCode.hasSuffix("000") && !$0.unitCode.hasSuffix("000000") }?.unitCode)
    let evidence = detectorHits(r, unit: township, atLeast: .veto).filter { $0.id == "forensic.evidence" }
    #expect(evidence.count == 1, "\(r.findings.filter { $0.kind == .detector && $0.severity >= .review }.map { "\($0.id) \($0.unitCode ?? "")" })")
    let ids = Set(detectorHits(r, unit: township).map(\.id))
    #expect(ids.isSuperset(of: ["forensic.underdispersion", "forensic.sex-ratio", "forensic.last-digit", "forensic.rounding"]), "\(ids)")
    #expect(evidence.first?.message.en.contains("not proof") == true)
    // The veto is the township's, not its neighbours'.
    let vetoed = Set(r.findings.filter { $0.kind == .detector && $0.severity == .veto }.compactMap(\.unitCode))
    #expect(vetoed == [township])
}

@Test(arguments: [UInt64(31), 32])
func copiedRowIsFoundAtItsVillage(seed: UInt64) throws {
    let county = try generate(countyConfig(seed: seed, inject: [Injection(pattern: .copyPaste, amount: .perCounty(3))]))
    let r = checkFiles(county.files)
    let cases = Dictionary(grouping: county.labels.filter { $0.role == .planted }, by: \.caseID)
    #expect(!cases.isEmpty)
    var atReview = 0
    for (id, ls) in cases {
        let l = ls[0]
        let hits = detectorHits(r, unit: l.unitCode, period: l.period, atLeast: .info).filter { $0.id == "forensic.duplicate-rows" }
        #expect(!hits.isEmpty, "case \(id) at \(l.unitCode) \(l.period) not found")
        #expect(hits.allSatisfy { $0.severity <= .review }, "a copied row alone is review at most, never veto")
        if hits.contains(where: { $0.severity == .review }) { atReview += 1 }
    }
    // A small village's copy in a late year (mostly zeros) is only info.
    #expect(atReview * 3 >= cases.count * 2, "\(atReview) of \(cases.count) at review")
}

@Test func frozenRowsAreFoundAtTheirVillageAndPeriod() throws {
    var found = 0, cases = 0
    for seed: UInt64 in [41, 42] {
        let county = try generate(countyConfig(seed: seed, inject: [Injection(pattern: .frozen, amount: .perCounty(3))]))
        let r = checkFiles(county.files)
        for (_, ls) in Dictionary(grouping: county.labels.filter { $0.role == .planted }, by: \.caseID) {
            cases += 1
            let hits = detectorHits(r, unit: ls[0].unitCode, period: ls[0].period, atLeast: .info).filter { $0.id == "forensic.duplicate-rows" }
            // Every frozen row is reported; the weakest (small villages whose figures often repeat) at info.
            #expect(!hits.isEmpty, "\(ls[0].unitCode) \(ls[0].period)")
            if hits.contains(where: { $0.severity >= .review }) { found += 1 }
        }
    }
    #expect(cases >= 4)
    #expect(found * 2 >= cases, "\(found) of \(cases) frozen rows at review")
}

/// Zero-washing where it has signal: the first seed whose washed villages hid at least 30
/// outside-policy births (the generator plants it wherever 3 illegal births were hidden).
@Test func zeroWashedTownshipIsReportedWithItsFigures() throws {
    var chosen: GeneratedCounty?
    for seed: UInt64 in 51...80 {
        let county = try generate(countyConfig(seed: seed, inject: [Injection(pattern: .zeroWashing, amount: .perCounty(1))]))
        let hidden = county.labels.filter { $0.role == .planted && $0.field == .births_multi_outside_policy }.reduce(0) { $0 + (Int($1.original) ?? 0) }
        if hidden >= 30 { chosen = county; break }
    }
    let county = try #require(chosen)
    let r = checkFiles(county.files)
    let township = try #require(county.labels.first { $0.role == .planted && (try? UnitCode.parse($0.unitCode).get().level) == .village }
        .flatMap { parentCode($0.unitCode) })
    // Township rates differ (σ ≈ 0.7 in the generator), so its zeros are moderate evidence: the
    // township leads the ranking, with a small p, but one family alone is never veto.
    let rank = try #require(r.evidence.firstIndex { $0.unitCode == township })
    #expect(rank < 3, "ranked \(rank + 1): \(r.evidence.prefix(3).map(\.unitCode))")
    let zeros = try #require(r.evidence[rank].families.first { $0.family == "implausible-zero" })
    #expect(zeros.pValue < 0.01)
    #expect(r.evidence[rank].top.contains { $0.en.contains("reported 0") && $0.en.contains("expected") })
    #expect(detectorHits(r, unit: township, atLeast: .veto).isEmpty, "one family alone is never veto")
}

/// Township rates differ, so zeros are weak evidence in the generator's counties; with rates
/// that do not differ, a township of zeros where 50 events were expected is review.
@Test func implausibleZeroFiresWhereRatesAgree() throws {
    var csv = "period,unit_code,births,births_illegal\n"
    for year in 2016...2020 {
        for t in 1...12 {
            for v in 1...10 {
                let code = "620121" + String(100 + t) + String(200 + v)
                csv += "\(year),\(code),20,\(t == 7 ? 0 : (v + year) % 3 == 0 ? 2 : 1)\n"
            }
        }
    }
    let r = check(csv, name: "zeros.csv")
    let hits = r.findings.filter { $0.id == "forensic.implausible-zero" }
    #expect(hits.map(\.unitCode) == ["620121107000"])
    #expect(hits.first?.severity == .review)
    #expect(hits.first?.message.en.contains("10 villages over 5 periods reported 0 births_illegal") == true, "\(hits.first?.message.en ?? "")")
    #expect((hits.first?.pValue ?? 1) < 1e-9)
}

/// Threshold bunching (target `multi_outside_policy_rate` below 5 %): twelve townships of twenty
/// villages over six years, outside-policy births Binomial(births, 3 %). Ten villages of each
/// have 21–39 births a village-year (one outside-policy birth passes, two fail); in township 107
/// every such village-year at or over the target is pushed down to the most the target allows.
/// The other ten have 8–20 births (passing means none at all) and are left as drawn: pooled,
/// they would drown the signal.
@Test func thresholdBunchingFindsTheTownshipThatPushedItsRatesUnderTheTarget() throws {
    var rng = SplitMix64(seed: 9)
    var csv = "period,unit_code,births,births_multi_outside_policy\n"
    for year in 2016...2021 {
        for t in 1...12 {
            for v in 1...20 {
                let code = "620121" + String(100 + t) + String(200 + v)
                let n = v <= 10 ? 21 + rng.below(19) : 8 + rng.below(13)
                var k = (0..<n).reduce(0) { c, _ in c + (rng.chance(0.03) ? 1 : 0) }
                let star = (5 * n + 99) / 100                  // the least count at 5 % or more
                if t == 7 && star >= 2 && k >= star { k = star - 1 }
                csv += "\(year),\(code),\(n),\(k)\n"
            }
        }
    }
    let r = check(csv, name: "bunching.csv")
    let hits = r.findings.filter { $0.id == "forensic.threshold-bunching" && $0.severity >= .review }
    #expect(hits.map(\.unitCode) == ["620121107000"], "\(r.findings.filter { $0.id == "forensic.threshold-bunching" }.map { "\($0.unitCode ?? "") \($0.pValue ?? 1)" })")
    #expect((hits.first?.pValue ?? 1) < 1e-4)
    #expect(hits.first?.message.en.contains("just pass it") == true, "\(hits.first?.message.en ?? "")")
    // Every township was tested, and only the pushed one stands out.
    let all = r.evidence.flatMap { e in e.families.filter { $0.family == "threshold-bunching" }.map { (e.unitCode, $0.pValue) } }
    #expect(all.count == 12, "\(all)")
    #expect(all.filter { $0.1 < 0.001 }.map(\.0) == ["620121107000"], "\(all)")
}

/// Each unit-period is weighed at the rate of its group's other units (leave-one-out): one
/// township-year against the pack's target (`at_most: 5`), 28 villages of 40 births just passing
/// (2 outside-policy births, 5.0 %) and 2 just failing (3, 7.5 %). The p-value is the
/// Poisson-binomial tail with each village's chance of passing at (62 − its own count) /
/// (1,200 − 40), computed here from the binomial directly.
@Test func thresholdBunchingWeighsEachUnitAtItsSiblingsRate() throws {
    var csv = "period,unit_code,births,births_multi_outside_policy\n"
    for v in 1...30 { csv += "2020,620121101\(200 + v),40,\(v <= 28 ? 2 : 3)\n" }
    let r = check(csv, name: "one-township.csv")
    let evidence = try #require(r.evidence.first { $0.unitCode == "620121101000" })
    let family = try #require(evidence.families.first { $0.family == "threshold-bunching" })
    func tail(_ rate: (Int) -> Double) -> Double {
        func share(_ own: Int) -> Double {
            let p = rate(own)
            let a = Binomial.pmf(2, trials: 40, probability: p), b = Binomial.pmf(3, trials: 40, probability: p)
            return a / (a + b)
        }
        let probs = Array(repeating: share(2), count: 28) + Array(repeating: share(3), count: 2)
        return PoissonBinomial(probabilities: probs).upperTail(atLeast: 28).probability
    }
    let leaveOneOut = tail { Double(62 - $0) / Double(1_200 - 40) }
    let withItself = tail { _ in 62.0 / 1_200 }
    #expect(abs(family.pValue - leaveOneOut) <= 1e-9 * leaveOneOut, "\(family.pValue) vs \(leaveOneOut)")
    #expect(abs(family.pValue - withItself) > 1e-6 * withItself, "the pooled rate gives another p-value, beyond the tolerance above")
}

/// Where no other unit of the group reports such an event, there is no rate to weigh a unit at:
/// the group is "not applicable" with that reason, not left out of the notes.
@Test func thresholdBunchingSaysWhenNoOtherUnitGivesARate() throws {
    var csv = "period,unit_code,births,births_multi_outside_policy\n"
    for year in 2011...2020 {
        for v in 1...10 { csv += "\(year),620121101\(200 + v),40,\(v == 1 ? 2 : 0)\n" }
    }
    let r = check(csv, name: "lonely.csv")
    #expect(r.findings.filter { $0.id == "forensic.threshold-bunching" }.isEmpty)
    #expect(r.detectorNotes.contains { $0.message.en.contains("threshold-bunching on multi_outside_policy_rate: not applicable")
        && $0.message.en.contains("no rate to weigh") }, "\(r.detectorNotes.map(\.message.en))")
}

/// With small denominators (20 births or fewer, where passing means reporting no outside-policy
/// birth at all) the test does not apply: zeros are implausible-zero's question.
@Test func thresholdBunchingLeavesZeroCellsToImplausibleZero() throws {
    var csv = "period,unit_code,births,births_multi_outside_policy\n"
    for year in 2016...2021 {
        for t in 1...4 {
            for v in 1...10 { csv += "\(year),620121\(100 + t)\(200 + v),15,0\n" }
        }
    }
    let r = check(csv, name: "small.csv")
    #expect(r.findings.filter { $0.id == "forensic.threshold-bunching" }.isEmpty)
    #expect(r.detectorNotes.contains { $0.message.en.contains("threshold-bunching on multi_outside_policy_rate: not applicable") }, "\(r.detectorNotes.map(\.message.en))")
}

/// `rounding`'s second test counts, among a group's values of 1,000 and more, those ending in 00
/// (against 1 %); values of 100–999 take part in the 0-or-5 test only. The counts are taken from
/// the figures written here, and the p-value from the one-sided binomial directly.
@Test func roundingCountsValuesEndingIn00AmongThoseOfAThousandAndMore() throws {
    var csv = "period,unit_code,population\n"
    var hits = 0, total = 0
    for year in 2011...2020 {
        for v in 1...20 {
            let value: Int
            switch (v + year) % 4 {
            case 0: value = 1_000 + 100 * v                 // ends in 00
            case 1: value = 1_003 + 10 * v + year % 10      // ends in 3…2: never 00
            case 2: value = 1_100 + 50 * (v % 2) + 7        // ends in 07 or 57
            default: value = 100 + 7 * v                    // under 1,000
            }
            if value >= 1_000 {
                total += 1
                if value % 100 == 0 { hits += 1 }
            }
            csv += "\(year),620121101\(200 + v),\(value)\n"
        }
    }
    #expect(hits == 50 && total == 150)
    let r = check(csv, name: "heaped.csv")
    let f = try #require(r.findings.first { $0.id == "forensic.rounding" && $0.message.en.contains("end in 00") },
                         "\(r.findings.filter { $0.kind == .detector }.map(\.message.en))")
    #expect(f.unitCode == "620121101000")
    #expect(f.message.en.contains("\(hits) of \(total) values of population (≥ 1000) end in 00"), "\(f.message.en)")
    let binomial = try #require(ProportionTest.test(hits: hits, total: total, expectedShare: 0.01, alternative: .greater).value)
    #expect(f.pValue == binomial.pValue)
}

@Test func mixtureZeroIsPoissonWithoutSpreadAndMoreLenientWithIt() {
    // FORENSICS.md §4: e^(−3) = 0.0498, e^(−10) = 4.54e-5.
    #expect(abs(ZeroDetector.mixtureZero(expected: 3, sigma: 0) - 0.049787068367863944) < 1e-15)
    #expect(abs(ZeroDetector.mixtureZero(expected: 3, sigma: 1e-6) / 0.049787068367863944 - 1) < 1e-4)
    #expect(abs(ZeroDetector.mixtureZero(expected: 10, sigma: 1e-6) / 4.5399929762484854e-5 - 1) < 1e-4)
    #expect(ZeroDetector.mixtureZero(expected: 30, sigma: 0.8) > 100 * 9.357622968840175e-14)   // e^(−30)
}

/// The mixture's sum on a grid worked out once, stopping where `exp` underflows, is the inline
/// trapezoid sum to the bit: small and huge expected counts, narrow and wide spreads, both steps.
@Test func mixtureZeroOnAGridIsTheInlineSumToTheBit() {
    func inline(_ lambda: Double, _ sigma: Double, _ h: Double) -> Double {
        var sum = 0.0, z = -12.0
        while z <= 12.0 {
            let w = (abs(z) >= 12.0 - h / 2) ? 0.5 : 1.0
            sum += w * exp(-0.5 * z * z - lambda * exp(sigma * z - sigma * sigma / 2))
            z += h
        }
        return min(1, sum * h / (2 * Double.pi).squareRoot())
    }
    for h in [0.005, 0.02] {
        for sigma in [0.01, 0.31, 0.69, 0.93, 1.5, 3] {
            let grid = ZeroDetector.MixtureGrid(sigma: sigma, step: h)
            for lambda in [0, 1e-8, 0.4, 3, 24, 42, 310, 5_000, 1e6, 1e12] {
                let a = ZeroDetector.mixtureZero(expected: lambda, on: grid), b = inline(lambda, sigma, h)
                #expect(a.bitPattern == b.bitPattern, "λ \(lambda) σ \(sigma) h \(h): \(a) against \(b)")
            }
        }
    }
}

/// Several columns all zero are one event: its chance under the one-factor mixture. One column is
/// the single mixture; independent columns multiply; fully dependent columns of equal spread are
/// one column with the summed mean; and an independent two-dimensional quadrature (NumPy,
/// correlated normals on a 1601² grid) gives the same value in between.
@Test func jointZeroIsTheChanceThatEveryColumnIsZero() {
    let one = ZeroDetector.mixtureZero(expected: 24, sigma: 0.93)
    #expect(ZeroDetector.jointZero(expected: [24], sigma: [0.93], rho: 0.5) == one)
    let two = ZeroDetector.mixtureZero(expected: 42, sigma: 0.69)
    let independent = ZeroDetector.jointZero(expected: [24, 42], sigma: [0.93, 0.69], rho: 0)
    #expect(abs(independent / (one * two) - 1) < 1e-6, "\(independent) \(one * two)")
    let same = ZeroDetector.jointZero(expected: [10, 15], sigma: [0.8, 0.8], rho: 1)
    #expect(abs(same / ZeroDetector.mixtureZero(expected: 25, sigma: 0.8) - 1) < 1e-6)
    // NumPy: 1.7633038748017218e-05 at ρ = 0.71 (Brown's method on the two p-values: 3.5e-4).
    let between = ZeroDetector.jointZero(expected: [24, 42], sigma: [0.93, 0.69], rho: 0.71)
    #expect(abs(between / 1.7633038748017218e-05 - 1) < 1e-4, "\(between)")
    // More alike columns excuse more: the chance grows with ρ.
    #expect(ZeroDetector.jointZero(expected: [24, 42], sigma: [0.93, 0.69], rho: 0.9) > between)
}

/// The residuals' correlation, diluted by Poisson noise and taken on the log-normal scale, maps
/// to a larger correlation of the true log-rates (the conservative side), never above 1.
@Test func latentCorrelationUndoesPoissonDilution() {
    let r = ZeroDetector.latentCorrelation(residual: 0.5, sigma: (0.8, 0.8), typical: (5, 5))
    // v = e^0.64 − 1 = 0.896; dilution 1 + 1/(0.896·5) = 1.223; log(1 + 0.611·0.896)/0.64.
    let v = exp(0.64) - 1
    #expect(abs(r - log(1 + 0.5 * (1 + 1 / (v * 5)) * v) / 0.64) < 1e-12, "\(r)")
    #expect(r > 0.5)
    #expect(ZeroDetector.latentCorrelation(residual: 0.99, sigma: (0.8, 0.8), typical: (1, 1)) == 1)
    #expect(ZeroDetector.latentCorrelation(residual: -0.3, sigma: (0.8, 0.8), typical: (5, 5)) == 0)
}

// MARK: Genuine and too-small data

@Test(arguments: [UInt64(61), 62, 63])
func genuineCountyHasNoDetectorFindingAtReview(seed: UInt64) throws {
    let r = checkFiles(try generate(countyConfig(seed: seed)).files)
    let flagged = r.findings.filter { $0.kind == .detector && $0.severity >= .review }
    #expect(flagged.isEmpty, "\(flagged.map { "\($0.id) \($0.unitCode ?? "") \($0.message.en)" })")
    #expect(r.detectorTests > 1_000)
    #expect(r.verdicts.allSatisfy { $0.verdict == .pass })
    // The digit tests that do not apply say why.
    #expect(r.detectorNotes.contains { $0.id == "forensic.benford-first" && $0.message.en.contains("two orders of magnitude") })
}

@Test func tooSmallCountyIsNotApplicableNotSilentPValues() throws {
    let r = checkFiles(try generate(GeneratorConfig(seed: 71, counties: 1, years: 2020...2021, townships: 2...2, villages: 2...2)).files)
    #expect(r.findings.filter { $0.kind == .detector && $0.severity >= .info }.isEmpty)
    #expect(r.findings.filter { $0.kind == .detector }.allSatisfy { $0.pValue == nil || $0.pValue! < 1 })
    let notes = r.detectorNotes.map(\.message.en)
    #expect(notes.contains { $0.contains("underdispersion of births: not applicable") }, "\(notes)")
    #expect(notes.contains { $0.contains("last-digit on population: not applicable") })
    #expect(notes.contains { $0.contains("period-outlier on population: not applicable") })
}

@Test func domainCountyRowRaisesNoDetector() {
    let csv = "period,unit_code,births,births_illegal,special_total_disabled,special_total_death,special_funds\n2020,623021000000,142,0,5,28,291360\n"
    let r = check(csv, name: "county.csv")
    #expect(r.findings.filter { $0.kind == .detector }.isEmpty)
}

/// A user rule file's rule set (its own columns only), expected to load without errors.
func userRules(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) -> RuleSet {
    let (set, errors) = RuleFile.parse(yaml, file: "r.yml", base: Schema())
    #expect(errors.isEmpty, "\(errors)", sourceLocation: sourceLocation)
    return set
}

/// Checks `csv` with a user rule set (its columns and detectors).
func check(_ csv: String, name: String, rules set: RuleSet) -> CheckResult {
    var o = CheckOptions()
    o.rules = set
    let c = Checker(options: o)
    c.add(bytes: Array(csv.utf8), name: name)
    return c.finish()
}

/// A duplicate-rows block finds each row's first twin as a dictionary of first rows would,
/// scanning its list while it is short and through its index past `Block.scanned`.
@Test func duplicateBlocksFindTheFirstRowOfEachHashAsADictionary() {
    var rng = SplitMix64(seed: 3)
    for size in [5, 32, 33, 400] {
        var block = DuplicateDetector.Block(groupPeriod: 0)
        var oracle: [UInt64: Int32] = [:]
        for line in 0..<(3 * size) {
            let h = rng.next() % UInt64(size)
            let got = block.first(h, unit: Int32(line), line: Int32(line), input: 0)
            #expect(got?.line == oracle[h], "size \(size), line \(line)")
            if oracle[h] == nil { oracle[h] = Int32(line) }
        }
        #expect(block.firsts.count == oracle.count)
    }
}

// MARK: Implied standard

@Test func impliedStandardSolvesTheDomainCounty() {
    // 291,360 yuan for 5 disabled + 28 death families fits 600 / 760 yuan a month (domain/README.md).
    let pairs = ImpliedStandardDetector.pairs(funds: 291_360, a: 5, b: 28)
    #expect(pairs.contains { $0 == (600, 760) })
    #expect(pairs.allSatisfy { 12 * (5 * $0.0 + 28 * $0.1) == 291_360 })
}

/// The solver visits one residue class; the plain scan over every multiple of 10 is the oracle,
/// on counts and standards of all sizes, fitting, off by a yuan, and not multiples of 120.
@Test func impliedStandardPairsEqualThePlainScan() {
    var rng = SplitMix64(seed: 7)
    var solved = 0
    for i in 0..<20_000 {
        let a = Int64(rng.next() % (i % 3 == 0 ? 5 : 400)) + 1
        let b = Int64(rng.next() % (i % 5 == 0 ? 3 : 600)) + 1
        let x = 10 * Int64(rng.next() % 500 + 1), y = 10 * Int64(rng.next() % 500 + 1)
        var funds = 12 * (a * x + b * y)
        switch i % 4 {
        case 1: funds += 12 * 10
        case 2: funds += Int64(rng.next() % 240)
        case 3: funds = Int64(rng.next() % 50_000_000) + 1
        default: break
        }
        let fast = ImpliedStandardDetector.pairs(funds: funds, a: a, b: b)
        let scan = ImpliedStandardDetector.pairsByScan(funds: funds, a: a, b: b)
        #expect(fast.map { [$0.0, $0.1] } == scan.map { [$0.0, $0.1] }, "funds \(funds), a \(a), b \(b)")
        if !scan.isEmpty { solved += 1 }
    }
    #expect(solved > 5_000)
    #expect(ImpliedStandardDetector.pairs(funds: 0, a: 1, b: 1).isEmpty)
    #expect(ImpliedStandardDetector.pairs(funds: 120, a: 0, b: 1).isEmpty)
}

/// The votes' own table counts as a dictionary does, across its growth, and picks the same
/// winner under the detector's order (most votes, roundest, smallest key).
@Test func impliedStandardVotesCountAsADictionary() {
    var rng = SplitMix64(seed: 11)
    func order(_ l: (key: Int64, count: Int), _ r: (key: Int64, count: Int)) -> Bool {
        let a = ImpliedStandardDetector.roundness(l.key >> 20) + ImpliedStandardDetector.roundness(l.key & 0xFFFFF)
        let b = ImpliedStandardDetector.roundness(r.key >> 20) + ImpliedStandardDetector.roundness(r.key & 0xFFFFF)
        return (l.count, a, r.key) < (r.count, b, l.key)
    }
    for round in 0..<200 {
        var votes = ImpliedStandardDetector.Votes()
        var oracle: [Int64: Int] = [:]
        let distinct = [1, 3, 40, 700, 5_000][round % 5]
        for _ in 0..<(Int(rng.next() % 3_000) + 1) {
            let x = 10 * Int64(rng.next() % UInt64(distinct) % 500 + 1), y = 10 * Int64(rng.next() % UInt64(distinct) % 500 + 1)
            votes.add(x << 20 | y)
            oracle[x << 20 | y, default: 0] += 1
        }
        let got = votes.max(by: order), want = oracle.max { order(($0.key, $0.value), ($1.key, $1.value)) }
        #expect(got?.key == want?.key && got?.count == want?.value, "round \(round)")
    }
    #expect(ImpliedStandardDetector.Votes().max(by: order).map { $0.key } == nil)
}

@Test func impliedStandardIsInferredAcrossUnitsAndNamesTheUnitThatPaysMore() throws {
    var csv = "period,unit_code,special_added,special_total_disabled,special_total_death,special_funds\n"
    let counts: [(Int64, Int64)] = [(1, 2), (2, 3), (0, 4), (3, 1), (1, 5), (2, 2), (4, 3), (1, 1)]
    for (i, (a, b)) in counts.enumerated() {
        let funds = 12 * (a * 600 + b * 760) + (i == 5 ? 1_200 : 0)
        csv += "2020,620121101\(201 + i),0,\(a),\(b),\(funds)\n"
    }
    let r = check(csv, name: "special.csv")
    let found = r.findings.filter { $0.id == "forensic.implied-standard" }
    #expect(found.contains { $0.expected == "600/760" && $0.severity == .info })
    let over = found.filter { $0.severity == .review }
    #expect(over.map(\.unitCode) == ["620121101206"])
    #expect(over.first?.actual == "\(12 * (2 * 600 + 2 * 760) + 1_200)")
}

/// Streaming: a county of 1,500 village-years (past the 200 voters and the 1,000 waiting) names
/// the units that pay more wherever they come — before the pair is fixed and after — and a unit
/// with additions only when it pays more than a full year for everyone.
@Test func impliedStandardStreamsAndNamesTheMisfitsBeforeAndAfterThePairIsFixed() throws {
    var csv = "period,unit_code,special_added,special_total_disabled,special_total_death,special_funds\n"
    var over: [String] = [], under: [String] = []
    for i in 0..<1_500 {
        let (a, b) = (Int64(1 + i % 4), Int64(1 + i % 7))
        let code = "6201211\(String(format: "%02d", 1 + i / 100))" + String(format: "%03d", 201 + i % 100)
        let year = 2016 + i % 10
        var funds = 12 * (a * 600 + b * 760), added = 0
        switch i {
        case 7, 950: funds += 1_200; over.append(code)        // waiting when judged, and the first after
        case 1_400: funds -= 120; under.append(code)
        case 1_450: added = 1; funds += 12 * 600              // more than a full year with an addition
            over.append(code)
        case 1_460: added = 1; funds -= 12 * 760              // less: new entrants paid part of the year
        default: break
        }
        csv += "\(year),\(code),\(added),\(a),\(b),\(funds)\n"
    }
    let r = check(csv, name: "special.csv")
    let found = r.findings.filter { $0.id == "forensic.implied-standard" }
    let standard = try #require(found.first { $0.expected == "600/760" })
    #expect(standard.message.en.contains("(1495 of 1498 unit-periods without additions fit it exactly)"), "\(standard.message.en)")
    #expect(found.filter { $0.severity == .review }.compactMap(\.unitCode).sorted() == over.sorted())
    #expect(found.filter { $0.severity == .info && $0.expected != "600/760" }.compactMap(\.unitCode) == under)
}

/// More than 1,000 units that do not fit in one group: the first 1,000 named, the rest counted
/// in the group's finding (never silently dropped).
@Test func impliedStandardCountsTheMisfitsItDoesNotList() throws {
    var csv = "period,unit_code,special_added,special_total_disabled,special_total_death,special_funds\n"
    for i in 0..<6_000 {
        let (a, b) = (Int64(1 + i % 4), Int64(1 + i % 7))
        let code = "620121\(String(format: "%03d", 101 + i / 100))" + String(format: "%03d", 201 + i % 100)
        let funds = 12 * (a * 600 + b * 760) + (i % 5 == 4 ? 1_200 : 0)   // 1,200 of 6,000 pay more
        csv += "\(2016 + i % 10),\(code),0,\(a),\(b),\(funds)\n"
    }
    let r = check(csv, name: "special.csv")
    let found = r.findings.filter { $0.id == "forensic.implied-standard" }
    #expect(found.filter { $0.severity == .review }.count == 1_000)
    let standard = try #require(found.first { $0.expected == "600/760" })
    #expect(standard.message.en.contains("200 more unit-periods that do not fit are counted, not listed"), "\(standard.message.en)")
}

// MARK: Configuration

@Test func targetsAsTheIssueWritesThemWorkInARuleFile() throws {
    let yaml = """
    targets:
      - column: multi_outside_policy_rate
        below: 5
    rules: []
    """
    let (set, errors) = RuleFile.parse(yaml, file: "r.yml", base: packSchema)
    #expect(errors.isEmpty, "\(errors)")
    // The file's target for the column replaces the pack's (`at_most: 5`).
    #expect(set.schema.targets.filter { $0.column == "multi_outside_policy_rate" } == [TargetSpec(column: "multi_outside_policy_rate", below: ExactDecimal(integer: 5))])
    #expect(packSchema.targets == [TargetSpec(column: "multi_outside_policy_rate", atMost: ExactDecimal(integer: 5))])
    for (bad, why) in [("below: 5\n    at_most: 5", "two bounds"), ("upto: 5", "no bound")] {
        let (_, errors) = RuleFile.parse("targets:\n  - column: multi_outside_policy_rate\n    \(bad)\nrules: []\n", file: "r.yml", base: packSchema)
        #expect(errors.contains { $0.message.contains("exactly one of `below:`, `at_most:`") }, "\(why): \(errors)")
    }
    let hub = Detectors(schema: set.schema)
    #expect(hub.detectors.contains { $0.spec.kind == "threshold-bunching" })
}

@Test func aRuleFileTurnsADetectorOnForItsOwnColumnsAndThePacksOff() throws {
    let yaml = """
    columns:
      - {name: 宣传资料份数, kind: count}
    detectors:
      - {detector: last-digit, columns: [宣传资料份数], group: all}
      - {detector: benford-first, enabled: false}
    rules: []
    """
    let (set, errors) = RuleFile.parse(yaml, file: "r.yml", base: packSchema)
    #expect(errors.isEmpty, "\(errors)")
    #expect(set.schema.detectors.contains { $0.kind == "last-digit" && $0.columns == ["宣传资料份数"] && $0.group == .all })
    #expect(!set.schema.detectors.contains { $0.kind == "benford-first" })
    // Heaped leaflets: every count ends in 0.
    var csv = "id,宣传资料份数\n"
    for i in 0..<80 { csv += "\(i),\(100 + 10 * (i * 7 % 90))\n" }
    let r = check(csv, name: "leaflets.csv", rules: set)
    let hits = r.findings.filter { $0.id == "forensic.last-digit" }
    #expect(hits.count == 1)
    #expect(hits.first?.message.en.contains("digit 0 makes 100%") == true, "\(hits.first?.message.en ?? "")")
}

@Test(arguments: [
    ("detectors:\n  - {detector: no-such, columns: [births]}\nrules: []\n", "must be one of"),
    ("detectors:\n  - {detector: last-digit, columns: [nope]}\nrules: []\n", "is not declared"),
    ("detectors:\n  - {detector: implausible-zero, columns: [births_illegal]}\nrules: []\n", "needs `columns:` and `exposure:`"),
    ("detectors:\n  - {detector: last-digit, columns: [births], group: township}\nrules: []\n", "`group` must be"),
])
func badDetectorDeclarationsAreErrorsWithAPlace(yaml: String, message: String) {
    let (_, errors) = RuleFile.parse(yaml, file: "r.yml", base: packSchema)
    #expect(errors.contains { $0.message.contains(message) && $0.line == 2 }, "\(errors)")
}

// MARK: Multiplicity and evidence (SciPy 1.17.1, FORENSICS.md §7.3 / worked_examples.json)

@Test func oneFamilyIsPlainBenjaminiHochbergAndYekutieli() {
    let p = [0.0002, 0.004, 0.011, 0.019, 0.03, 0.041, 0.2, 0.35, 0.6, 0.9]
    let (bh, by) = Detectors.adjust(p, families: Array(repeating: "x", count: p.count))
    let scipyBH = [0.002, 0.02, 0.036667, 0.0475, 0.06, 0.068333, 0.285714, 0.4375, 0.666667, 0.9]
    let scipyBY = [0.005858, 0.058579, 0.107396, 0.139126, 0.175738, 0.200146, 0.836848, 1, 1, 1]
    for i in p.indices {
        #expect(abs(bh[i] - scipyBH[i]) <= 5e-7, "BH \(i): \(bh[i])")
        #expect(abs(by[i] - scipyBY[i]) <= 5e-7, "BY \(i): \(by[i])")
    }
}

@Test func untestedComparisonsCountAndFamiliesShareTheErrorRate() {
    // Two families: 1 test at p = 1e-4, and 9 tests at p = 1 plus 990 comparisons without a match.
    let (bh, _) = Detectors.adjust([1e-4] + Array(repeating: 1.0, count: 9), families: ["a"] + Array(repeating: "b", count: 9),
                                   untested: ["b": 990])
    // Family a has weight 1000 / 2 / 1 = 500: q = 1000 × (1e-4 / 500) / 1 = 2e-4.
    #expect(abs(bh[0] - 2e-4) < 1e-12)
    // Plain BH over the 1,000 tests would give 0.1.
    let (plain, _) = Detectors.adjust([1e-4] + Array(repeating: 1.0, count: 9), families: Array(repeating: "a", count: 10), untested: ["a": 990])
    #expect(abs(plain[0] - 0.1) < 1e-12)
}

@Test func familiesCombineByFisherAndTheTiersAreConservative() {
    func family(_ name: String, _ p: Double, q: Double, qBY: Double, effect: Bool) -> UnitEvidence.Family {
        UnitEvidence.Family(family: name, pValue: p, q: q, qBY: qBY, effect: effect, tests: 1)
    }
    // SciPy combine_pvalues([0.012, 0.30, 0.045, 0.60, 0.0009], 'fisher'): p = 3.2992e-4.
    let five = [0.012, 0.30, 0.045, 0.60, 0.0009].enumerated().map { family("f\($0)", $1, q: 1, qBY: 1, effect: false) }
    #expect(abs(Detectors.combined(five) / 3.2992e-4 - 1) < 1e-4)
    // One family, however strong, is never veto.
    #expect(Detectors.tier([family("a", 1e-30, q: 1e-28, qBY: 1e-27, effect: true)]) == .review)
    // Two strong families without a large effect: review.
    #expect(Detectors.tier([family("a", 1e-12, q: 1e-10, qBY: 1e-9, effect: false),
                            family("b", 1e-12, q: 1e-10, qBY: 1e-9, effect: true)]) == .review)
    // Two strong families with large effects: veto; moderate ones: review; weak: info or nothing.
    #expect(Detectors.tier([family("a", 1e-12, q: 1e-10, qBY: 1e-9, effect: true),
                            family("b", 1e-12, q: 1e-10, qBY: 1e-9, effect: true)]) == .veto)
    #expect(Detectors.tier([family("a", 0.001, q: 0.04, qBY: 0.3, effect: true), family("b", 0.001, q: 0.03, qBY: 0.2, effect: true)]) == .review)
    #expect(Detectors.tier([family("a", 0.01, q: 0.08, qBY: 0.5, effect: true)]) == .info)
    #expect(Detectors.tier([family("a", 0.2, q: 0.9, qBY: 1, effect: true)]) == nil)
}

@Test func everyDetectorKindHasFindingsTheExplainTableKnows() throws {
    let set = try Packs.load("family-welfare")
    let declared = Set(set.schema.detectors.map(\.kind))
    #expect(declared == Set(DetectorSpec.kinds), "the pack declares every detector")
    for kind in DetectorSpec.kinds {
        for lang in Language.allCases {
            let text = Explain.text(DetectorSpec.findingID(kind), rules: set, standards: .examples, lang: lang) ?? ""
            #expect(text.contains(lang == .zh ? "本规则集启用于" : "Declared for:"), "\(kind) \(lang)")
        }
    }
}

@Test func wordsWritePValuesPlainly() {
    #expect(Words.p(3.2e-14) == "3e-14")
    #expect(Words.p(0.0123) == "0.012")
    #expect(Words.p(0.96e-3) == "1e-3")
    #expect(Words.count(31.4) == "31")
    #expect(Words.count(2.216) == "2.2")
}

/// `Words.fixed` writes digits into a buffer; the string-editing version it replaced is the
/// oracle, on values of every magnitude and sign, for 1 to 4 significant digits.
@Test func wordsFixedWritesWhatTheStringEditingVersionWrote() {
    func oracle(_ x: Double, sig: Int) -> String {
        guard x.isFinite else { return "\(x)" }
        if x == 0 { return "0" }
        var digits = 0, m = abs(x)
        while m < Words.pow10(sig - 1) && digits < 12 { m *= 10; digits += 1 }
        let scaled = (abs(x) * Words.pow10(digits)).rounded()
        var s = String(Int64(scaled))
        if digits > 0 {
            while s.count <= digits { s = "0" + s }
            s.insert(".", at: s.index(s.endIndex, offsetBy: -digits))
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return (x < 0 ? "-" : "") + s
    }
    var rng = SplitMix64(seed: 5)
    var cases: [Double] = [1, 10, 100, 0.5, 0.05, 0.1, 0.999, 9.995, 1.05, 1e-13, 1e-12, 5e-13, 123_456.789, 1e17, 8.9e18, -0.0001, -2.5, 0.30000000000000004]
    for _ in 0..<50_000 {
        let mantissa = Double(rng.next() % 1_000_000) / 1_000
        let exponent = Int(rng.next() % 34) - 17
        var x = mantissa * Words.pow10(max(0, exponent)) / Words.pow10(max(0, -exponent))
        if rng.next() % 4 == 0 { x = -x }
        if rng.next() % 5 == 0 { x = (x * 100).rounded() / 100 }
        cases.append(x)
    }
    for x in cases where abs(x) < 9e18 {   // the oracle traps past Int64
        for sig in 1...4 {
            #expect(Words.fixed(x, sig: sig) == oracle(x, sig: sig), "\(x) to \(sig)")
        }
    }
    #expect(Words.fixed(.infinity, sig: 3) == "inf")
    #expect(Words.fixed(1e300, sig: 3) == "1e+300")   // past Int64: no trap
}

// MARK: Benford

/// Values over three decades: geometric ones follow Benford's law (silent), uniform ones do not
/// (the test applies and fires); one decade of values is not applicable.
@Test func benfordAppliesOnlyAcrossOrdersOfMagnitudeAndFiresOnUniformFirstDigits() throws {
    let yaml = """
    columns:
      - {name: amount, kind: count}
    detectors:
      - {detector: benford-first, columns: [amount], group: all}
    rules: []
    """
    let set = userRules(yaml)
    func run(_ values: [Int64]) -> CheckResult {
        var csv = "id,amount\n"
        for (i, v) in values.enumerated() { csv += "\(i),\(v)\n" }
        return check(csv, name: "amounts.csv", rules: set)
    }
    var x = 100.0, geometric: [Int64] = []
    for _ in 0..<7_000 { geometric.append(Int64(x)); x *= 1.001 }
    let quiet = run(geometric)
    #expect(quiet.findings.filter { $0.id == "forensic.benford-first" }.isEmpty)
    #expect(quiet.detectorNotes.isEmpty, "\(quiet.detectorNotes)")
    // Uniform within each of three decades: first digits uniform, not Benford.
    let uniform: [Int64] = (0..<7_000).map { i in
        let low: Int64 = [100, 1_000, 10_000][i % 3]
        return low + Int64(i * 7_919) % (9 * low)
    }
    let loud = run(uniform)
    let hits = loud.findings.filter { $0.id == "forensic.benford-first" }
    #expect(hits.count == 1 && hits[0].message.en.contains("depart from Benford's law") && (hits[0].pValue ?? 1) < 1e-100,
            "\(hits.map(\.message.en)) \(loud.detectorNotes.map(\.message.en)) \(loud.detectorTests)")
    let narrow = run((0..<2_000).map { Int64(1_000 + $0 * 4) })
    #expect(narrow.detectorNotes.contains { $0.message.en.contains("fewer than two orders of magnitude") })
}

/// A township's villages over 2020–2021 under `period-outlier` alone: village v reports
/// 1,000 + 37·v (0 for the first `zeros`), then 5 % more, except `jump`, which doubles.
func periodOutlierRun(villages: Int, zeros: Int, jump: Int?) -> CheckResult {
    let set = userRules("""
    columns:
      - {name: period, kind: period}
      - {name: unit_code, kind: code}
      - {name: amount, kind: count}
    detectors:
      - {detector: period-outlier, columns: [amount], group: parent}
    rules: []
    """)
    var csv = "period,unit_code,amount\n"
    for year in [2020, 2021] {
        for v in 1...villages {
            let before = v <= zeros ? 0 : 1_000 + 37 * v
            let now = year == 2020 ? before : v == jump ? 2 * before : before * 105 / 100
            csv += "\(year),620121100\(String(format: "%03d", 200 + v)),\(now)\n"
        }
    }
    return check(csv, name: "amounts.csv", rules: set)
}

/// period-outlier names the one village whose figure doubled among twelve that moved by 5 %;
/// when no change passes both floors (20 units and 30 %), the group still counts as tested
/// (no "not applicable" note) and nothing is reported; a group of fewer than 10 is not tested.
@Test func periodOutlierNamesTheDoubledFigureAndCountsQuietGroupsAsTested() throws {
    func run(villages: Int, jump: Int?) -> CheckResult { periodOutlierRun(villages: villages, zeros: 0, jump: jump) }
    let loud = run(villages: 12, jump: 7)
    let hits = loud.findings.filter { $0.id == "forensic.period-outlier" }
    #expect(hits.count == 1 && hits.first?.unitCode == "620121100207" && hits.first?.message.en.contains("went from 1259 to 2518") == true,
            "\(hits.map { "\($0.unitCode ?? "") \($0.message.en)" }) \(loud.findings.map(\.id)) \(loud.detectorNotes.map(\.message.en))")
    let quiet = run(villages: 12, jump: nil)
    #expect(quiet.findings.filter { $0.id == "forensic.period-outlier" }.isEmpty)
    #expect(!quiet.detectorNotes.contains { $0.id == "forensic.period-outlier" }, "\(quiet.detectorNotes.map(\.message.en))")
    let small = run(villages: 9, jump: 7)
    #expect(small.findings.filter { $0.id == "forensic.period-outlier" }.isEmpty)
    #expect(small.detectorNotes.contains { $0.id == "forensic.period-outlier" && $0.message.en.contains("fewer than 10 units") },
            "\(small.detectorNotes.map(\.message.en))")
}

/// Zeros count towards a group's size (ten units with both periods) but not towards HB, which
/// Banff runs on positive pairs only; `period-outlier` keeps only those pairs, and counts the rest.
@Test func periodOutlierCountsZeroPairsInTheGroupButRunsHBOnThePositiveOnes() throws {
    func run(zeros: Int, jump: Int) -> CheckResult { periodOutlierRun(villages: 10, zeros: zeros, jump: jump) }
    // Ten units with both periods, four of them at 0: HB on the six positive pairs names the doubled one.
    let mixed = run(zeros: 4, jump: 7)
    let hits = mixed.findings.filter { $0.id == "forensic.period-outlier" }
    #expect(hits.count == 1 && hits.first?.unitCode == "620121100207" && hits.first?.message.en.contains("went from 1259 to 2518") == true,
            "\(hits.map { "\($0.unitCode ?? "") \($0.message.en)" }) \(mixed.detectorNotes.map(\.message.en))")
    #expect(!mixed.detectorNotes.contains { $0.id == "forensic.period-outlier" && $0.message.en.contains("fewer than 10 units") })
    // Eight at 0: two positive pairs are too few for HB (Banff's minimum of 3), and it says so.
    let few = run(zeros: 8, jump: 9)
    #expect(few.findings.filter { $0.id == "forensic.period-outlier" }.isEmpty)
    #expect(few.detectorNotes.contains { $0.id == "forensic.period-outlier" && $0.message.en.contains("too few positive pairs") },
            "\(few.detectorNotes.map(\.message.en))")
}

/// The same inputs give the same findings, p-values and ranking (no hash-order arithmetic).
@Test func detectorsAreDeterministic() throws {
    let files = try generate(countyConfig(seed: 81, inject: [Injection(pattern: .invented, amount: .perCounty(1)),
                                                             Injection(pattern: .copyPaste, amount: .perCounty(2))])).files
    let a = checkFiles(files), b = checkFiles(files)
    #expect(a.findings.filter { $0.kind == .detector } == b.findings.filter { $0.kind == .detector })
    #expect(a.evidence == b.evidence)
    #expect(a.detectorNotes == b.detectorNotes)
}

/// Two `duplicate-rows` groups, one a subset of the other: a copied row that matches on the
/// larger group is listed once, with its larger block; the subset's match of the same pair is
/// not repeated (its test still counts). (The golden `seed15` files pin the same on generated
/// data, where the subset's match reached info.)
@Test func aSubsetGroupDoesNotRepeatTheCopyItsLargerGroupFound() throws {
    let yaml = """
    columns:
      - {name: period, kind: period}
      - {name: unit_code, kind: code}
      - {name: a, kind: count}
      - {name: b, kind: count}
      - {name: c, kind: count}
      - {name: d, kind: count}
      - {name: e, kind: count}
    detectors:
      - {detector: duplicate-rows, columns: [a, b, c, d, e], group: parent}
      - {detector: duplicate-rows, columns: [a, b, c, d], group: parent}
    rules: []
    """
    let set = userRules(yaml)
    var csv = "period,unit_code,a,b,c,d,e\n"
    for v in 1...99 {
        // Village 7 copies village 3 whole; village 12 copies village 5 on a–d only (too common a
        // match among 4,851 pairs to be listed).
        let src = v == 7 ? 3 : v == 12 ? 5 : v
        let row = [101 + src * 37, 53 + src * 11, 17 + src * 7, 211 + src * 13]
        let e = v == 12 ? 999 : 401 + src * 29
        csv += "2020,620121101\(String(format: "%03d", 100 + v)),\(row.map(String.init).joined(separator: ",")),\(e)\n"
    }
    let r = check(csv, name: "copies.csv", rules: set)
    let dup = r.findings.filter { $0.id == "forensic.duplicate-rows" }
    let byUnit = Dictionary(grouping: dup, by: { $0.unitCode ?? "" })
    #expect(byUnit["620121101107"]?.map(\.fields.count) == [5], "\(dup.map { "\($0.unitCode ?? "") \($0.fields) \($0.severity)" })")
    #expect(byUnit["620121101103"]?.map(\.fields.count) == [5])
    #expect(dup.count == 2)
    // The subset's own test of the pair is still made and counted.
    #expect(r.detectorTests == 2 * 4_851)   // every pair of 99 villages, by each group
}

/// The columns' correlation the joint zero test starts from is an upper confidence bound: with few
/// townships it stays well above the point estimate, with many it comes down to it, and with
/// fewer than 5 it is 1 (the columns count as one).
@Test func zeroColumnsCorrelationIsAnUpperBoundThatTightensWithGroups() {
    func maps(_ n: Int) -> ([Int32: Double], [Int32: Double]) {
        // Residuals that do not move together: +1/−1 patterns orthogonal to each other.
        var a: [Int32: Double] = [:], b: [Int32: Double] = [:]
        for i in 0..<n { a[Int32(i)] = i % 2 == 0 ? 1 : -1; b[Int32(i)] = (i / 2) % 2 == 0 ? 1 : -1 }
        return (a, b)
    }
    let (a4, b4) = maps(4), (a8, b8) = maps(8), (a400, b400) = maps(400)
    #expect(ZeroDetector.correlation(a4, b4) == 1)
    let few = ZeroDetector.correlation(a8, b8), many = ZeroDetector.correlation(a400, b400)
    #expect(abs(few - tanh(0.841_621 / 5.0.squareRoot())) < 1e-12, "\(few)")   // r = 0 over 8 groups
    #expect(many > 0 && many < 0.05, "\(many)")
    // Columns that move together stay at (nearly) 1.
    #expect(ZeroDetector.correlation(a8, a8) > 0.999)
}

/// Found while reworking the detectors' sums: twenty-four rows of 18-digit counts (within what
/// the number parser reads) overflowed a detector's Int64 sum and killed the process (SIGILL).
/// Figures beyond ±2⁴⁰ are not counts the detectors model; their sums saturate.
@Test func hugeCountsInManyRowsDoNotOverflowTheDetectors() {
    var csv = "period,unit_code,births,births_male,births_female,births_illegal,births_multi_outside_policy,population\n"
    let huge = "999999999999999999"
    for year in 2020...2021 {
        for v in 1...12 { csv += "\(year),620121101\(200 + v),\(huge),\(huge),\(huge),\(huge),\(huge),\(huge)\n" }
    }
    let r = check(csv, name: "huge.csv")
    #expect(r.verdicts.count == 24)
    #expect(r.findings.filter { $0.kind == .detector && $0.severity >= .review }.isEmpty, "\(r.findings.filter { $0.kind == .detector }.map(\.message.en))")
    #expect(Detectors.sum(.max - 1, 5) == .max && Detectors.sum(.min + 1, -5) == .min && Detectors.sum(2, 3) == 5)
}

/// The detectors' per-group-period table lists only the entries rows updated, by key, as the
/// dictionary it replaced did when sorted; and the unit-period index keeps keys that differ only
/// above bit 32 (group-period keys) apart.
@Test func groupPeriodTableListsWhatWasUpdatedInKeyOrder() {
    var t = GroupPeriodTable<(n: Int, sum: Int64)>((0, 0))
    // Indices 0…4 stand for keys given out of order; index 2 is never updated, -1 is ignored.
    let keys: [UInt64] = [groupPeriodKey(7, 1), groupPeriodKey(3, 2), groupPeriodKey(5, 0), groupPeriodKey(3, 1), groupPeriodKey(-1, 0)]
    for (i, x) in [(0, 10), (3, 4), (0, 5), (4, 1), (1, 2), (-1, 99)] {
        t.update(Int32(i)) { $0.n += 1; $0.sum += Int64(x) }
    }
    let got = t.sorted(keys: keys)
    #expect(got.map(\.key) == [groupPeriodKey(3, 1), groupPeriodKey(3, 2), groupPeriodKey(7, 1), groupPeriodKey(-1, 0)])
    #expect(got.map(\.value.n) == [1, 1, 2, 1])
    #expect(got.map(\.value.sum) == [4, 2, 15, 1])

    var map = SlotMap(capacity: 16)
    for g in Int32(0)..<2_000 { map.insert(groupPeriodKey(g, 2020)) }
    #expect((Int32(0)..<2_000).allSatisfy { map[groupPeriodKey($0, 2020)] == $0 })
    #expect(map[groupPeriodKey(2_000, 2020)] == nil)
}

/// `duplicate-rows`' value counts agree with a plain dictionary of (field, period, value), packed
/// keys and those kept aside alike (no period, a 64th field, values past ±2⁴⁰), one by one and
/// gathered per field-period.
@Test func valueCountsAgreeWithADictionary() {
    var counts = ValueCounts()
    var reference: [[Int64]: Int32] = [:]
    var state: UInt64 = 42
    func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 17
    }
    let edges: [Int64] = [0, 1, -1, 1 << 40, -(1 << 40), (1 << 40) + 1, .max, .min]
    for _ in 0..<20_000 {
        let field = next() % 50 == 0 ? 64 + Int(next() % 3) : Int(next() % 5)
        let period: Int32 = next() % 40 == 0 ? -1 : Int32(next() % 4)
        let value = next() % 10 == 0 ? edges[Int(next() % UInt64(edges.count))] : Int64(next() % 300) - 20
        counts.add(field: field, period: period, value: value)
        reference[[Int64(field), Int64(period), value], default: 0] += 1
    }
    for (k, c) in reference {
        #expect(counts.count(field: Int(k[0]), period: Int32(k[1]), value: k[2]) == c, "\(k)")
    }
    #expect(counts.count(field: 1, period: 2, value: 999_999) == nil)
    let gathered = counts.counts(periods: [-1, 2])
    var expected: [Int64: [Int32]] = [:]
    for (k, c) in reference where k[1] == -1 || k[1] == 2 {
        expected[k[0] << 32 | Int64(UInt32(bitPattern: Int32(k[1]))), default: []].append(c)
    }
    #expect(gathered.mapValues { $0.sorted() } == expected.mapValues { $0.sorted() })
}
