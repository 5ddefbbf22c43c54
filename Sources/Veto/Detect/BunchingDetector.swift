import VetoStats

/// `threshold-bunching`: rates piling up just on the good side of a configured target
/// (`targets:`). With the rate's counts (numerator, denominator), per unit-period the count
/// just passing (the largest k under a `below:` or `at_most:` target, the smallest over an
/// `above:` or `at_least:` one; `at_…` count the bound itself as passing) is compared with the
/// count just failing (the next one): under the binomial rate p̂ of the group's other units in that
/// period (leave-one-out: a unit's own count would pull the rate towards itself) a unit in
/// either cell is at the passing one with probability a/(a + b) (a, b the binomial
/// probabilities of the two counts), so the number passing is Poisson-binomial; its upper tail
/// is the test (the exact-threshold test of FORENSICS.md §3, calibrated for small denominators
/// where Binom(½) is not). A failing side wider than one count (rates up to twice a 5 %
/// target) was tried on the careful target-smoothing counties: it found fewer (15 of 36
/// planted townships at p < 0.001, against 17). Unit-periods whose just-passing or
/// just-failing count is 0 (a denominator under 100 / target) are left out: reporting none is implausible-zero's question, and those cells are
/// most of a township's villages, where they drown the threshold in the base rate. Without
/// counts, the window test of Gerber & Malhotra on the rate itself: units in [c − 1, c)
/// against [c, c + 1), Binom(½).
///
/// Not applicable with fewer than 10 unit-periods in the two cells. Effect gate: at least 1.5
/// times the expected number passing.
///
/// - Complexity: O(targets) per row; memory O(group-periods × distinct denominators just
///   passing or failing), about 21 bytes each.
final class BunchingDetector: RowHook, Detector {
    let spec: DetectorSpec
    let untested = 0
    /// The targets, without their names (a tuple holding a String is copied with a retain and a
    /// release each time a row reads it); `names` by the same index.
    private let targets: [(column: Int, threshold: PercentThreshold?, value: Double, below: Bool, inclusive: Bool)]
    private let names: [String]
    private let numerator: Int?
    private let denominator: Int?
    /// Per target: (group-period, denominator) → (passing, failing); per group-period Σk and Σn
    /// (the rate each period's units are compared at: rates move between periods).
    private var cells: [Cells]
    private var totals: [GroupPeriodTable<(k: Int64, n: Int64)>]
    private var windows: [[Int32: (good: Int, bad: Int)]]

    init(spec: DetectorSpec, targets: [TargetSpec], numerator: Int?, denominator: Int?, schema: Schema) {
        self.spec = spec
        self.numerator = numerator
        self.denominator = denominator
        var list: [(Int, PercentThreshold?, Double, Bool, Bool)] = []
        var names: [String] = []
        for t in targets {
            guard let c = schema.index(of: t.column), let (bound, under, inclusive) = t.bound else { continue }
            var th: PercentThreshold?
            if bound.exponent >= 0, bound.exponent <= 18,
               case let (v, o) = Int128(bound.mantissa).multipliedReportingOverflow(by: Self.pow10(Int(bound.exponent))), !o,
               let n = Int(exactly: v) {
                th = PercentThreshold(numerator: n, denominator: 1)
            } else if bound.exponent < 0, bound.exponent > -9, let n = Int(exactly: bound.mantissa) {
                th = PercentThreshold(numerator: n, denominator: Int(Self.pow10(-Int(bound.exponent))))
            }
            list.append((c, th, Double(bound.description) ?? 0, under, inclusive))
            names.append(t.column)
        }
        self.targets = list
        self.names = names
        cells = list.map { _ in Cells() }
        totals = Array(repeating: GroupPeriodTable((0, 0)), count: list.count)
        windows = Array(repeating: [:], count: list.count)
    }

    private static func add(_ k: Int64, _ n: Int64, to s: inout (k: Int64, n: Int64)) {
        s.k = Detectors.sum(s.k, k)
        s.n = Detectors.sum(s.n, n)
    }

    /// ⌈c·n/100⌉ in integers: the smallest count whose rate reaches the threshold.
    static func ceiling(_ c: PercentThreshold, _ n: Int) -> Int {
        let num = Int128(c.numerator) * Int128(n), den = 100 * Int128(c.denominator)
        return Int((num + den - 1) / den)
    }

    /// ⌊c·n/100⌋ in integers: the largest count whose rate does not pass the threshold.
    static func floor(_ c: PercentThreshold, _ n: Int) -> Int {
        Int(Int128(c.numerator) * Int128(n) / (100 * Int128(c.denominator)))
    }

    /// For a denominator n: the count just passing the target and the one just failing it,
    /// nil when either is 0 or over n, or the target is not strictly between 0 % and 100 %.
    static func cells(_ th: PercentThreshold, under: Bool, inclusive: Bool, _ n: Int) -> (pass: Int, fail: Int)? {
        guard th.numerator > 0, Int128(th.numerator) < 100 * Int128(th.denominator) else { return nil }
        let pass = under ? (inclusive ? floor(th, n) : ceiling(th, n) - 1) : (inclusive ? ceiling(th, n) : floor(th, n) + 1)
        let fail = under ? pass + 1 : pass - 1
        guard pass >= 1, fail >= 1, pass <= n, fail <= n else { return nil }
        return (pass, fail)
    }

    static func pow10(_ k: Int) -> Int128 {
        var r: Int128 = 1
        for _ in 0..<max(0, k) { r *= 10 }
        return r
    }

    override func row(_ r: DetectorRow) {
        let g = r.group(spec.group)
        for (t, target) in targets.enumerated() {
            if let nc = numerator, let dc = denominator, let th = target.threshold {
                guard let k = r.int(nc), let n = r.int(dc), n > 0, k >= 0, k <= n else { continue }
                let gp = r.groupPeriod(spec.group)
                totals[t].update(gp) { Self.add(k, n, to: &$0) }
                // A zero just passing is left out: whether a unit-period reports none at all is
                // implausible-zero's question, and pooling the many small denominators whose "just
                // passing" count is 0 drowns the threshold in the base rate.
                guard let (pass, fail) = Self.cells(th, under: target.below, inclusive: target.inclusive, Int(n)) else { continue }
                if k == pass || k == fail { cells[t].count(gp, Int32(clamping: n), passing: k == pass) }
            } else {
                let cell = r.cells[target.column]
                guard let d = Detectors.digits(cell) else { continue }
                let v = (d.isNegative ? -1 : 1) * d.absoluteDoubleValue
                let c = target.value
                if v >= c - 1 && v < c { windows[t][g, default: (0, 0)].good += target.below ? 1 : 0; windows[t][g, default: (0, 0)].bad += target.below ? 0 : 1 }
                if v >= c && v < c + 1 { windows[t][g, default: (0, 0)].good += target.below ? 0 : 1; windows[t][g, default: (0, 0)].bad += target.below ? 1 : 0 }
            }
        }
    }

    func finish(_ context: DetectorContext) -> (tests: [DetectorTest], notes: [DetectorNote]) {
        var tests: [DetectorTest] = []
        var notes: [DetectorNote] = []
        for (t, target) in targets.enumerated() {
            let name = names[t]
            let totalOf = Dictionary(uniqueKeysWithValues: totals[t].sorted(keys: context.groupPeriodKeys).map { ($0.key, $0.value) })
            let cellsOf = cells[t].byGroup(context.groupPeriodKeys)
            cells[t] = Cells()
            var na = NotApplicableTally()
            let side = target.below ? (target.inclusive ? "at most" : "below") : (target.inclusive ? "at least" : "above")
            let sideZh = target.below ? (target.inclusive ? "不高于" : "低于") : (target.inclusive ? "不低于" : "高于")
            for g in Set(cellsOf.keys).union(totalOf.keys.map { splitKey($0).group }).union(windows[t].keys).sorted() where g >= 0 {
                let unit = context.unitName(g)
                if numerator != nil, denominator != nil, target.threshold != nil {
                    let inCells = (cellsOf[g] ?? []).reduce(0) { $0 + $1.pass + $1.fail }
                    guard inCells >= 10 else {
                        na.skip(en: "fewer than 10 unit-periods just passing or just failing the target", zh: "恰好达标或恰好未达标的单位-期别不足 10 个")
                        continue
                    }
                    var probs: [Double] = []
                    var passing = 0
                    for c in cellsOf[g] ?? [] {
                        let pn = c.key
                        let (period, n32) = splitKey(pn)
                        let n = Int64(n32)
                        let tot = totalOf[groupPeriodKey(g, period)] ?? (0, 0)
                        guard let th = target.threshold,
                              let (pass, fail) = Self.cells(th, under: target.below, inclusive: target.inclusive, Int(n)) else { continue }
                        // Each unit-period at the group's rate without it (leave-one-out, as for
                        // implausible-zero): its own count, which is the cell's, would pull the
                        // rate towards itself. A unit just passing and one just failing differ
                        // by one in what they leave out.
                        var counted = 0, chances: [(share: Double, units: Int)] = []
                        for (own, units) in [(Int64(pass), c.pass), (Int64(fail), c.fail)] where units > 0 {
                            let k = tot.k - own, rest = tot.n - n
                            guard rest > 0, k > 0, k < rest else { continue }
                            let p = Double(k) / Double(rest)
                            let a = Binomial.pmf(pass, trials: Int(n), probability: p), b = Binomial.pmf(fail, trials: Int(n), probability: p)
                            guard a + b > 0 else { continue }
                            chances.append((a / (a + b), units))
                            counted += units
                        }
                        // Both cells or neither: a cell left out alone would bias the count passing.
                        guard counted == c.pass + c.fail else { continue }
                        for (share, units) in chances { probs += Array(repeating: share, count: units) }
                        passing += c.pass
                    }
                    guard !probs.isEmpty else {
                        na.skip(en: "no rate to weigh the unit-periods at (the group's other units report no such event, or only such events)",
                                zh: "无可用比率（组内其他单位均未报告或全部为此类事件）")
                        continue
                    }
                    na.ran()
                    let dist = PoissonBinomial(probabilities: probs)
                    let pv = dist.upperTail(atLeast: passing).probability
                    let expected = dist.mean
                    tests.append(DetectorTest(
                        kind: spec.kind, family: spec.kind, unit: g, period: -1, pValue: pv, effect: Double(passing) >= 1.5 * expected,
                        fields: [name], expected: Words.count(expected), actual: "\(passing)",
                        message: Message(
                            zh: "\(unit)：\(probs.count) 个恰在目标（\(name) \(sideZh) \(Words.fixed(target.value, sig: 4))）两侧的单位-期别中，\(passing) 个恰好达标，按组内其他单位的比率预期约 \(Words.count(expected)) 个",
                            en: "\(unit): of \(probs.count) unit-periods just either side of the target (\(name) \(side) \(Words.fixed(target.value, sig: 4))), \(passing) just pass it; about \(Words.count(expected)) expected at the rate of the group's other units")))
                } else {
                    let w = windows[t][g] ?? (0, 0)
                    guard let r = BunchingTest.fromCounts(goodSide: w.good, badSide: w.bad).value, w.good + w.bad >= 10 else {
                        na.skip(en: "fewer than 10 values within 1 point of the target", zh: "目标值上下 1 个百分点内的数值不足 10 个")
                        continue
                    }
                    na.ran()
                    tests.append(DetectorTest(
                        kind: spec.kind, family: spec.kind, unit: g, period: -1, pValue: r.pValue, effect: r.ratio >= 2,
                        fields: [name], expected: Words.count(Double(w.good + w.bad) / 2), actual: "\(w.good)",
                        message: Message(
                            zh: "\(unit)：\(name) 在目标 \(Words.fixed(target.value, sig: 4)) 的达标一侧 1 个百分点内有 \(w.good) 个值，另一侧 \(w.bad) 个",
                            en: "\(unit): \(w.good) values of \(name) lie within 1 point on the good side of the target \(Words.fixed(target.value, sig: 4)), \(w.bad) on the other")))
                }
            }
            if let n = na.note(id: DetectorSpec.findingID(spec.kind), fields: [name], what: "threshold-bunching on \(name)",
                               whatZh: "\(name) 的目标堆积检验") { notes.append(n) }
        }
        return (tests, notes)
    }
}

extension BunchingDetector {
    /// The unit-periods just passing and just failing a target, by (group-period, denominator):
    /// one open-addressing table (8-byte keys, 4-byte buckets) and 8 bytes of counts an entry,
    /// not a dictionary per group (at 2.3 M unit-periods those took 10 MB).
    ///
    /// - Complexity: O(1) expected per count; memory about 21 bytes an entry.
    final class Cells {
        private var slots = SlotMap(capacity: 64)
        /// By slot: passing in the high 32 bits, failing in the low 32 (each saturating).
        private var counts = Chunked<UInt64>()

        func count(_ groupPeriod: Int32, _ n: Int32, passing: Bool) {
            guard groupPeriod >= 0 else { return }
            let key = UInt64(UInt32(bitPattern: groupPeriod)) << 32 | UInt64(UInt32(bitPattern: n))
            let s: Int
            if let i = slots[key] {
                s = Int(i)
            } else {
                s = Int(slots.insert(key))
                counts.append(0)
            }
            let c = counts[s], full = UInt64(UInt32.max)
            if passing {
                if c >> 32 < full { counts[s] = c + (1 << 32) }
            } else if c & full < full {
                counts[s] = c + 1
            }
        }

        /// Per group: its (period, denominator) cells, each keyed by ``groupPeriodKey(_:_:)`` of
        /// the two, with its counts, sorted by that key (the order the tests take them in).
        func byGroup(_ groupPeriodKeys: [UInt64]) -> [Int32: [(key: UInt64, pass: Int, fail: Int)]] {
            var out: [Int32: [(key: UInt64, pass: Int, fail: Int)]] = [:]
            for s in 0..<slots.count {
                let key = slots.key(s), gp = Int(key >> 32)
                guard gp < groupPeriodKeys.count else { continue }
                let (g, period) = splitKey(groupPeriodKeys[gp])
                let c = counts[s]
                let pn = groupPeriodKey(period, Int32(bitPattern: UInt32(truncatingIfNeeded: key)))
                out[g, default: []].append((pn, Int(c >> 32), Int(c & 0xFFFF_FFFF)))
            }
            for g in out.keys { out[g]?.sort { $0.key < $1.key } }
            return out
        }
    }
}
