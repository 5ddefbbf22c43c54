import Synchronization
import Testing
@testable import Veto

/// A planted county next to the genuine county of the same seed, both read back.
struct PlantedPair: Sendable {
    var genuine: ReadCounty
    var planted: ReadCounty
    var labels: [PlantedLabel]
    var county: GeneratedCounty

    init(seed: UInt64, _ pattern: Pattern, amount: Injection.Amount = .perCounty(3),
         format: CSVOutputFormat = CSVOutputFormat()) throws {
        // Careful patterns only go where they leave a real signal: a larger county has such places.
        func config(_ inject: [Injection]) -> GeneratorConfig {
            guard pattern.isCareful else { return smallConfig(seed: seed, years: 2017...2020, inject: inject, format: format) }
            var c = carefulConfig(seed: seed, inject: [Injection(pattern: pattern, amount: amount)])
            c.injections = inject
            c.format = format
            return c
        }
        let g = try generate(config([]))
        county = try generate(config([Injection(pattern: pattern, amount: amount)]))
        genuine = readBack(g.files)
        planted = readBack(county.files)
        labels = county.labels
    }

    /// The planted output's row a label points at.
    func row(_ l: PlantedLabel) -> ReadRow? { planted.rows.first { $0.file == l.file && $0.line == l.line } }
    /// The genuine row of the same unit and period.
    func genuineRow(_ l: PlantedLabel) -> ReadRow? { genuine.row(l.unitCode, Int(l.period) ?? 0) }
    var cases: [String: [PlantedLabel]] { Dictionary(grouping: labels, by: \.caseID) }
}

let plantSeeds: [UInt64] = [1, 2, 3]

/// The seeds a pattern is planted with here: careful target smoothing needs counties where it
/// has real signal (see `carefulSeeds(_:)`).
func plantSeeds(_ pattern: Pattern) -> [UInt64] {
    pattern == .carefulTargetSmoothing ? Array(carefulSeeds(pattern).prefix(plantSeeds.count)) : plantSeeds
}

let plantRuns: [(Pattern, UInt64)] = Pattern.allCases.flatMap { p in plantSeeds(p).map { (p, $0) } }

/// Pairs are made once per (pattern, seed) and shared by the tests below.
private let pairCache = Mutex<[String: PlantedPair]>([:])

func plantedPair(_ pattern: Pattern, seed: UInt64) throws -> PlantedPair {
    let key = "\(pattern.rawValue)-\(seed)"
    if let p = pairCache.withLock({ $0[key] }) { return p }
    let p = try PlantedPair(seed: seed, pattern)
    pairCache.withLock { $0[key] = p }
    return p
}

/// The cells that differ from the genuine county are exactly the labelled cells, every label
/// points at a row of its unit and period, and every case has a `planted` line.
@Test(arguments: plantRuns)
func patternChangesExactlyWhatItsLabelsSay(_ pattern: Pattern, seed: UInt64) throws {
    let p = try plantedPair(pattern, seed: seed)
    #expect(p.planted.problems.isEmpty, "\(p.planted.problems.prefix(3))")
    let changed = changedCells(genuine: p.genuine, planted: p.planted)
    let labelled = Set(p.labels.map { "\($0.file):\($0.line):\($0.field.rawValue)" })
    let unexplained = changed.symmetricDifference(labelled)
    #expect(unexplained.isEmpty, "unlabelled: \(changed.subtracting(labelled).sorted().prefix(5)); labelled but unchanged: \(labelled.subtracting(changed).sorted().prefix(5))")
    for l in p.labels {
        let r = p.row(l)
        #expect(r?.unit == l.unitCode && r?.period == Int(l.period), "label \(l.csvLine) points at \(String(describing: r?.unit))")
        #expect(l.pattern == pattern)
    }
    for (id, lines) in p.cases { #expect(lines.contains { $0.role == .planted }, "case \(id) has no planted line") }
    // Outside silent revision no row is added or lost.
    if pattern != .silentRevision { #expect(p.planted.rows.count == p.genuine.rows.count) }
}

/// Every pattern finds candidates in a small county (over the test seeds).
@Test(arguments: Pattern.allCases)
func patternIsPlantedSomewhere(_ pattern: Pattern) throws {
    var cases = 0
    for seed in plantSeeds(pattern) { cases += try plantedPair(pattern, seed: seed).cases.count }
    #expect(cases >= plantSeeds.count, "\(pattern): \(cases) cases over \(plantSeeds.count) seeds")
}

/// What each pattern's planted cells must look like, checked against the genuine figures.
@Test(arguments: plantRuns)
func patternDoesWhatItsNameSays(_ pattern: Pattern, seed: UInt64) throws {
    let p = try plantedPair(pattern, seed: seed)
    for (id, lines) in p.cases {
        let planted = lines.filter { $0.role == .planted }
        guard let first = planted.first, let r = p.row(first), let g = p.genuineRow(first) else {
            Issue.record("case \(id): no planted row")
            continue
        }
        switch pattern {
        case .paddedRoll:
            #expect(planted.count == 1 && [.reward_total, .special_total].contains(first.field))
            let k = r.i(first.field)! - g.i(first.field)!
            #expect(k > 0)
            if first.field == .reward_total {
                #expect(r.i(.reward_funds)! - g.i(.reward_funds)! == k * 960)
            } else {
                let dd = r.i(.special_total_disabled)! - g.i(.special_total_disabled)!
                let dx = r.i(.special_total_death)! - g.i(.special_total_death)!
                #expect(dd + dx == k && (dd == 0 || dx == 0))
                #expect(r.i(.special_funds)! - g.i(.special_funds)! == dd * 7_200 + dx * 9_120)
            }
            #expect(r.i(.reward_prev)! + r.i(.reward_added)! - r.i(.reward_exited)! != r.i(.reward_total)!
                    || r.i(.special_prev)! + r.i(.special_added)! - r.i(.special_exited)! != r.i(.special_total)!)
        case .paddedFunds:
            #expect(planted.count == 1)
            let upper = first.field == .reward_funds ? r.i(.reward_total)! * 960
                : r.i(.special_total_disabled)! * 7_200 + r.i(.special_total_death)! * 9_120
            #expect(r.i(first.field)! > upper, "funds not above count × standard")
            #expect(!TypoEdit.isTypo(of: g.i(first.field)!, r.i(first.field)!))
        case .copyPaste:
            let siblings = p.genuine.rows.filter { $0.period == r.period && $0.parentCode == r.parentCode && $0.unit != r.unit }
            #expect(siblings.contains { s in numericFields.allSatisfy { s.v($0) == r.v($0) } }, "row is no sibling's copy")
        case .frozen:
            let last = p.genuine.row(r.unit, r.period - 1)
            #expect(numericFields.allSatisfy { last?.v($0) == r.v($0) }, "row does not repeat last year")
        case .hierarchy:
            #expect(planted.count == 1 && r.level == .township)
            let kids = p.planted.children(of: r.unit, r.period)
            if first.field == .villages {
                #expect(r.i(.villages)! != Int64(kids.filter { $0.unit.suffix(3) >= "200" }.count))
            } else {
                #expect(r.v(first.field)! != kids.reduce(ExactDecimal.zero) { $0 + $1.v(first.field)! })
            }
            let county = p.planted.rows.first { $0.level == .county && $0.period == r.period }!
            let towns = p.planted.children(of: county.unit, r.period)
            #expect(county.v(first.field)! == towns.reduce(ExactDecimal.zero) { $0 + $1.v(first.field)! })
        case .typo:
            #expect(planted.count == lines.count, "a typo drags nothing along")
            for l in planted {
                guard let tr = p.row(l), let was = p.genuineRow(l)?.i(l.field), let now = tr.v(l.field) else { continue }
                let slip = now == ExactDecimal(was) * ExactDecimal(10_000) || now * ExactDecimal(10_000) == ExactDecimal(was)
                let edit = tr.i(l.field).map { TypoEdit.swaps(was).contains($0) || TypoEdit.drops(was).contains($0) } ?? false
                #expect(slip || edit, "\(l.field): \(was) → \(now) is no swap, dropped digit or 万/元 slip")
            }
        case .zeroWashing:
            let town = p.planted.rows.first { $0.unit == r.unit && $0.level == .township } ?? p.planted.rows.first { $0.unit == r.parentCode }!
            let rows = p.planted.rows.filter { $0.unit == town.unit || $0.parentCode == town.unit }
            #expect(rows.allSatisfy { $0.i(.births_illegal) == 0 && $0.i(.births_multi_outside_policy) == 0 })
            #expect(p.genuine.rows.filter { $0.unit == town.unit }.reduce(0) { $0 + $1.i(.births_illegal)! } >= 3)
        case .invented:
            let town = r.level == .township ? r.unit : r.parentCode!
            let villages = p.planted.rows.filter { $0.parentCode == town }
            #expect(!villages.isEmpty)
            for v in villages {
                #expect(v.i(.population)! % 100 == 0 && v.i(.births_illegal) == 0 && v.i(.women_contacted)! % 10 == 0)
                #expect(v.i(.births_male) == (v.i(.births)! * 52 + 50) / 100)
                #expect([0, 5, 8].contains(v.i(.reward_added)! % 10))
                #expect(v.i(.reward_funds) == v.i(.reward_total)! * 960)
                #expect(v.i(.reward_prev)! + v.i(.reward_added)! - v.i(.reward_exited)! == v.i(.reward_total)!, "arithmetic kept")
            }
            #expect(identityViolations(ReadCounty(rows: p.planted.rows.filter { $0.unit.hasPrefix(String(town.prefix(9))) }, problems: []))
                .filter { !$0.contains("no child rows") && !$0.contains("reward funds") }.isEmpty)
        case .targetSmoothing:
            let town = r.level == .township ? r.unit : r.parentCode!
            for v in p.planted.children(of: town, r.period) {
                #expect(v.i(.births_multi_outside_policy)! * 10_000 <= 500 * v.i(.births)!, "a rate above 5 %")
            }
            for l in planted where p.row(l)?.level == .village {
                let now = p.row(l)!.i(.births_multi_outside_policy)!, births = p.row(l)!.i(.births)!
                #expect(now < p.genuineRow(l)!.i(.births_multi_outside_policy)!)
                #expect((now + 1) * 10_000 > 500 * births, "not just under the target")
            }
        case .carefulZeroWashing, .carefulInventedSmooth, .carefulInventedHeaped, .carefulTargetSmoothing,
             .carefulCopyPaste, .carefulFrozen:
            break    // GenerateCarefulTests: carefulPatternIsReallyThere
        case .silentRevision:
            #expect(planted.count == 1 && r.level == .village)
            // The restated row sits in the next year's file and differs from the one first submitted.
            #expect(first.file.hasSuffix("\(r.period + 1).csv"))
            #expect(r.v(first.field) != g.v(first.field))
            let fileRows = p.planted.rows.filter { $0.file == first.file }
            let restated = fileRows.filter { $0.period == r.period }
            #expect(fileRows.count == p.genuine.rows.filter { $0.file == first.file }.count + 3)
            #expect(restated.map { $0.level } == [.county, .township, .village] && restated.last?.unit == r.unit)
        }
    }
}

/// Probability rates plant about rate × candidates cases.
@Test func probabilityRatePlantsAboutThatShare() throws {
    let c = try Generator(config: GeneratorConfig(seed: 9, counties: 1, years: 2018...2020, townships: 8...8, villages: 10...10,
                                                   injections: [Injection(pattern: .typo, amount: .probability(0.05))])).county(0)
    // 3 years × (1 + 8 + 80) rows = 267 candidates: about 13 cases.
    let n = c.cases[.typo] ?? 0
    #expect(n >= 4 && n <= 25, "\(n) typos")
}

@Test func injectionParsing() throws {
    #expect(try Injection.parse("typo") == [Injection(pattern: .typo, amount: .perCounty(5))])
    #expect(try Injection.parse("frozen:2") == [Injection(pattern: .frozen, amount: .perCounty(2))])
    #expect(try Injection.parse("frozen:0.02") == [Injection(pattern: .frozen, amount: .probability(0.02))])
    #expect(try Injection.parse("all:1").count == Pattern.standard.count)
    for bad in ["nonsense", "typo:0", "typo:1.5", "typo:x", "typo:-1", "frozen:"] {
        #expect(throws: Injection.ParseError.self) { try Injection.parse(bad) }
    }
}

@Test func typoEditsAreHonestMistakes() {
    #expect(TypoEdit.swaps(1825) == [1285, 1852, 8125])
    #expect(TypoEdit.swaps(105) == [150])          // 015 would start with a zero
    #expect(TypoEdit.swaps(1111).isEmpty)
    #expect(TypoEdit.drops(1825) == [125, 182, 185, 825])
    #expect(TypoEdit.drops(10) == [1])
    #expect(TypoEdit.isTypo(of: 533_760, 53_376))
    #expect(TypoEdit.isTypo(of: 533_760, 5_337_600_000))
    #expect(!TypoEdit.isTypo(of: 533_760, 534_720))
}
