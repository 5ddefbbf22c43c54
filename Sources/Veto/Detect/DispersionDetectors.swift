import VetoStats

/// `underdispersion`: counts across a group's units, period by period, that follow their
/// exposure more closely than Poisson chance allows ("too smooth" invented figures). In each
/// period with at least 3 units and 5 events, X² = Σ(xᵢ − nᵢp̂)²/(nᵢp̂) with p̂ = Σx/Σn, on k − 1
/// degrees of freedom; the periods' statistics add up (independent periods), and the test is the
/// lower tail of χ². Genuine administrative counts are over-dispersed, so a small lower tail is
/// rare on genuine data.
///
/// Not applicable below 6 degrees of freedom. Effect gate: X²/df < 0.3.
///
/// - Complexity: O(1) per row; memory O(groups × periods × columns).
final class DispersionDetector: RowHook, Detector {
    let spec: DetectorSpec
    let untested = 0
    private let columns: [Int]
    private let exposure: Int
    private let names: [String]
    private let exposureName: String
    private var stats: [GroupPeriodTable<(k: Int, sx: Int64, sn: Int64, sq: Double)>]

    init(spec: DetectorSpec, columns: [Int], exposure: Int, schema: Schema) {
        self.spec = spec
        self.columns = columns
        self.exposure = exposure
        names = columns.map { schema.columns[$0].name }
        exposureName = schema.columns[exposure].name
        stats = Array(repeating: GroupPeriodTable((0, 0, 0, 0)), count: columns.count)
    }

    override func row(_ r: DetectorRow) {
        guard let n = r.int(exposure), n > 0 else { return }
        let gp = r.groupPeriod(spec.group)
        for (k, c) in columns.enumerated() {
            guard let x = r.int(c), x >= 0 else { continue }
            stats[k].update(gp) { Self.add(x, n, to: &$0) }
        }
    }

    private static func add(_ x: Int64, _ n: Int64, to s: inout (k: Int, sx: Int64, sn: Int64, sq: Double)) {
        s.k += 1
        s.sx = Detectors.sum(s.sx, x)
        s.sn = Detectors.sum(s.sn, n)
        s.sq += Double(x) * Double(x) / Double(n)
    }

    func finish(_ context: DetectorContext) -> (tests: [DetectorTest], notes: [DetectorNote]) {
        let exposureName = exposureName   // the messages are written later, from what they capture here
        var tests: [DetectorTest] = []
        var notes: [DetectorNote] = []
        for (k, name) in names.enumerated() {
            var byGroup: [Int32: (stat: Double, df: Int, periods: Int, units: Int)] = [:]
            for (key, s) in stats[k].sorted(keys: context.groupPeriodKeys) {
                let g = splitKey(key).group
                var acc = byGroup[g] ?? (0, 0, 0, 0)
                if s.k >= 3, s.sx >= 5, s.sn > s.sx {
                    let p = Double(s.sx) / Double(s.sn)
                    acc.stat += max(0, s.sq / p - Double(s.sx))
                    acc.df += s.k - 1
                    acc.periods += 1
                    acc.units = max(acc.units, s.k)
                }
                byGroup[g] = acc
            }
            var na = NotApplicableTally()
            for g in byGroup.keys.sorted() where g >= 0 {
                guard let a = byGroup[g], a.df >= 6 else {
                    na.skip(en: "fewer than 6 degrees of freedom (periods with at least 3 units and 5 events)",
                            zh: "自由度不足 6（每期至少 3 个单位、5 例）")
                    continue
                }
                na.ran()
                let p = ChiSquare.cdf(a.stat, degreesOfFreedom: Double(a.df))
                let ratio = a.stat / Double(a.df)
                let unit = context.unitName(g)
                tests.append(DetectorTest(
                    kind: spec.kind, family: spec.kind, unit: g, period: -1, pValue: p, effect: ratio < 0.3,
                    fields: [name, exposureName], expected: "1", actual: Words.fixed(ratio, sig: 2),
                    message: Message(
                        zh: "\(unit)：\(a.periods) 个期别中各\(context.childWord(g, .zh).dropFirst())的 \(name) 与 \(exposureName) 的比例过于一致：离散指数 X²/df = \(Words.fixed(a.stat, sig: 3))/\(a.df) = \(Words.fixed(ratio, sig: 2))（泊松计数约为 1，真实数据通常大于 1）",
                        en: "\(unit): \(name) across its \(context.childWord(g, .en)) in \(a.periods) periods follows \(exposureName) more closely than chance allows: dispersion X²/df = \(Words.fixed(a.stat, sig: 3))/\(a.df) = \(Words.fixed(ratio, sig: 2)) (about 1 for Poisson counts; genuine counts are usually above 1)")))
            }
            if let n = na.note(id: DetectorSpec.findingID(spec.kind), fields: [name], what: "underdispersion of \(name)",
                               whatZh: "\(name) 的离散不足检验") { notes.append(n) }
        }
        return (tests, notes)
    }
}

/// `sex-ratio`: births by sex against 105 boys per 100 girls, per group: the exact binomial test
/// of the group's totals (two-sided, at least 100 births), and across its unit-periods with at
/// least 5 births the lower tail of X² = Σ(bᵢ − nᵢp)²/(nᵢp(1−p)) on k degrees of freedom (p =
/// 105/205 known): every village at 51.5 % boys is itself improbable. Both tests read the same
/// births (one family).
///
/// Not applicable below 8 unit-periods with 5 births (regularity) or 100 births (totals).
/// Effect gate: X²/k < 0.3 (regularity). A skewed total ratio is real-world (sex-selective
/// births, late registration of girls), so the totals test never counts towards a veto.
///
/// - Complexity: O(1) per row; memory O(groups).
final class SexRatioDetector: RowHook, Detector {
    let spec: DetectorSpec
    let untested = 0
    private let boys: Int
    private let girls: Int
    private let names: [String]
    private var stats: [Int32: (b: Int64, n: Int64, x2: Double, k: Int)] = [:]
    private var lastStat = LastEntry<Int32, (b: Int64, n: Int64, x2: Double, k: Int)>()

    init(spec: DetectorSpec, boys: Int, girls: Int, schema: Schema) {
        self.spec = spec
        self.boys = boys
        self.girls = girls
        names = [schema.columns[boys].name, schema.columns[girls].name]
    }

    override func row(_ r: DetectorRow) {
        guard let b = r.int(boys), let g = r.int(girls), b >= 0, g >= 0 else { return }
        lastStat.update(r.group(spec.group), in: &stats, default: (0, 0, 0, 0)) { Self.add(boys: b, girls: g, to: &$0) }
    }

    private static func add(boys b: Int64, girls g: Int64, to s: inout (b: Int64, n: Int64, x2: Double, k: Int)) {
        s.b = Detectors.sum(s.b, b)
        s.n = Detectors.sum(s.n, b + g)
        let n = b + g
        if n >= 5 {
            let p = SexRatio.maleProbability
            let e = Double(n) * p
            s.x2 += (Double(b) - e) * (Double(b) - e) / (e * (1 - p))
            s.k += 1
        }
    }

    func finish(_ context: DetectorContext) -> (tests: [DetectorTest], notes: [DetectorNote]) {
        var tests: [DetectorTest] = []
        var na = NotApplicableTally()
        for g in stats.keys.sorted() where g >= 0 {
            guard let s = stats[g] else { continue }
            let unit = context.unitName(g)
            if s.k >= 8 {
                na.ran()
                let p = ChiSquare.cdf(s.x2, degreesOfFreedom: Double(s.k))
                let ratio = s.x2 / Double(s.k)
                tests.append(DetectorTest(
                    kind: spec.kind, family: spec.kind, unit: g, period: -1, pValue: p, effect: ratio < 0.3,
                    fields: names, expected: "1", actual: Words.fixed(ratio, sig: 2),
                    message: Message(
                        zh: "\(unit)：\(s.k) 个单位-期别的出生性别比彼此过于接近 105:100：X²/k = \(Words.fixed(ratio, sig: 2))（随机波动下约为 1）",
                        en: "\(unit): the sex ratios of \(s.k) unit-periods sit closer to 105:100 than binomial chance allows: X²/k = \(Words.fixed(ratio, sig: 2)) (about 1 by chance)")))
            } else {
                na.skip(en: "fewer than 8 unit-periods with at least 5 births", zh: "出生数不少于 5 的单位-期别不足 8 个")
            }
            if s.n >= 100, s.n > s.b {
                // SexRatio.unitTest's p-value (SciPy binomtest), without its confidence interval.
                let t = (pValue: Binomial.pValue(successes: Int(s.b), trials: Int(s.n), probability: SexRatio.maleProbability,
                                                 alternative: .twoSided), 0)
                let srb = 100 * Double(s.b) / Double(s.n - s.b)
                tests.append(DetectorTest(
                    // A skewed ratio is real-world (sex-selective births, girls registered late: FORENSICS.md
                    // §6), not a sign the figures were made up: it is review at most, never half of a veto.
                    kind: spec.kind, family: spec.kind, unit: g, period: -1, pValue: t.pValue, effect: false,
                    fields: names, expected: "105", actual: Words.fixed(srb, sig: 4),
                    message: Message(
                        zh: "\(unit)：出生 \(s.n) 人中男孩 \(s.b) 人，性别比 \(Words.fixed(srb, sig: 4))（正常约 105）",
                        en: "\(unit): \(s.b) boys of \(s.n) births, a sex ratio of \(Words.fixed(srb, sig: 4)) boys per 100 girls (about 105 expected)")))
            }
        }
        let notes = na.note(id: DetectorSpec.findingID(spec.kind), fields: names, what: "sex-ratio regularity",
                            whatZh: "出生性别比一致性检验").map { [$0] } ?? []
        return (tests, notes)
    }
}
