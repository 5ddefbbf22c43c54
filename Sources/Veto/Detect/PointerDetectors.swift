import VetoStats

/// `period-outlier`: Hidiroglou–Berthelot on each unit's period-to-period ratio, among the
/// units of its group in the same period, with Banff's defaults (exponent U = 0, minimum
/// distance A = 0.05, at least 3 observations) and an imputation multiplier of 20. HB is an
/// editing rule, not a test: its findings point (`info`) and take no part in the evidence.
/// Two guards keep it from flagging noise: a change is reported only when it is at least 20
/// units **and** 30 % of the previous value, and groups of fewer than 10 pairs are not tested
/// (Banff flags a +4 % move in a stable small group; veto does not).
///
/// A group-period is tested once its rows have been read (``InFlight``).
///
/// - Complexity: O(columns) per row; memory O(units × columns) for the previous period, the
///   pairs of the group-periods in flight, and the outliers found.
final class PeriodOutlierDetector: RowHook, Detector {
    let spec: DetectorSpec
    let untested = 0
    private let columns: [Int]
    private let names: [String]
    /// Each unit's last period and values (flat, by interned unit; `Int64.min`: not reported).
    /// Packed (``KeyPacker/period(_:)``, 0: none): 4 bytes a unit.
    private var lastPeriod: [UInt32] = []
    private var lastValues = NarrowInts()
    private struct Pair { var previous: Int64; var current: Int64; var unit: Int32; var line: Int32; var input: Int32; var column: Int32 }
    /// What a group-period's rows gave: the pairs HB can use (both figures positive: Banff drops
    /// the others), every column's in one list in row order, and per column three counts: pairs
    /// with both periods reported, those HB can use, and those past both floors (``passesFloors``,
    /// counted over every pair). Only the counts are needed unless a column has a change past the
    /// floors.
    private struct Collected {
        var pairs: [Pair] = []
        var counts: [Int]
    }
    /// The group-periods being read (see ``InFlight``): finished when done.
    private var pairs = InFlight<Collected>()
    /// The group-period the rows are in, collected directly: rows come township by township, so
    /// it is handed to `pairs` once per run of rows of one group-period (one update of the table
    /// instead of one a row), in the same order.
    private var current: Collected
    private var currentKey: UInt64 = 0, hasCurrent = false
    private struct Outlier { var pair: Pair; var period: Int32; var ratio: Double; var median: Double }
    private var outliers: [[Outlier]]
    private var tallies: [NotApplicableTally]
    static let minimumGroup = 10
    private let parameters = HidiroglouBerthelot.Parameters(imputationMultiplier: 20)

    init(spec: DetectorSpec, columns: [Int], schema: Schema) {
        self.spec = spec
        self.columns = columns
        names = columns.map { schema.columns[$0].name }
        outliers = Array(repeating: [], count: columns.count)
        tallies = Array(repeating: NotApplicableTally(), count: columns.count)
        current = Collected(counts: Array(repeating: 0, count: 3 * columns.count))
    }

    override func row(_ r: DetectorRow) {
        guard let p = r.periodValue else { return }
        let n = columns.count, u = Int(r.unit)
        while lastPeriod.count <= u {
            lastPeriod.append(0)
            lastValues.append(repeating: Int64.min, count: n)
        }
        let base = u * n
        let follows = lastPeriod[u] != 0 && lastPeriod[u] == UInt32(KeyPacker.period(p.previous))
        withUnsafeTemporaryAllocation(of: Int64.self, capacity: max(1, n)) { now in
            for (k, c) in columns.enumerated() { now[k] = r.int(c) ?? Int64.min }
            if follows {
                var inGroup = false
                for k in 0..<n {
                    let a = lastValues[base + k], b = now[k]
                    guard a != Int64.min, b != Int64.min else { continue }
                    if !inGroup {
                        enterGroup(groupPeriodKey(r.group(spec.group), r.period))
                        inGroup = true
                    }
                    let pair = Pair(previous: a, current: b, unit: r.unit, line: r.line, input: r.input, column: Int32(k))
                    current.counts[3 * k] += 1
                    if a > 0 && b > 0 {
                        current.counts[3 * k + 1] += 1
                        current.pairs.append(pair)
                    }
                    if Self.passesFloors(pair) { current.counts[3 * k + 2] += 1 }
                }
            }
            for k in 0..<n { lastValues[base + k] = now[k] }
        }
        lastPeriod[u] = UInt32(KeyPacker.period(p))
    }

    /// Makes `key` the group-period `current` collects for, handing the pairs of the one before
    /// to `pairs`.
    @inline(__always) private func enterGroup(_ key: UInt64) {
        if hasCurrent && key == currentKey { return }
        flushCurrent()
        (currentKey, hasCurrent) = (key, true)
    }

    private func flushCurrent() {
        guard hasCurrent else { return }
        hasCurrent = false
        var batch = Collected(counts: Array(repeating: 0, count: 3 * columns.count))
        swap(&batch, &current)
        current.pairs.reserveCapacity(batch.pairs.count)
        // A new entry (made without counts) takes the batch whole; one the group-period had
        // before (its rows came in several runs) adds it.
        pairs.update(currentKey, make: { Collected(counts: []) }, evict: finishGroups) { c in
            if c.counts.isEmpty {
                c = batch
            } else {
                c.pairs.append(contentsOf: batch.pairs)
                for i in c.counts.indices { c.counts[i] += batch.counts[i] }
            }
        }
    }

    /// Whether a change is large enough to report: at least 20 units and 30 % of the previous
    /// value, exactly (10·|change| ≥ 3·previous, in Int128: counts are not compared in binary
    /// floating point, and no difference of two Int64 overflows there).
    @inline(__always) private static func passesFloors(_ pair: Pair) -> Bool {
        let change = Int128(pair.current) - Int128(pair.previous)
        let size = change < 0 ? -change : change
        return size >= 20 && 10 * size >= 3 * Int128(pair.previous)
    }

    private func finishGroups(_ key: UInt64, _ c: Collected) {
        // Only a column with a change past the floors can give a finding, so only there is HB
        // run: elsewhere its outcome is only whether it applies (at least `minimumObservations`
        // usable pairs), which the counts say.
        for k in columns.indices {
            guard c.counts[3 * k] >= Self.minimumGroup else {
                tallies[k].skip(en: Self.smallGroup.en, zh: Self.smallGroup.zh)
                continue
            }
            guard c.counts[3 * k + 1] >= parameters.minimumObservations else {
                tallies[k].skip(en: Self.fewPositive.en, zh: Self.fewPositive.zh)
                continue
            }
            if c.counts[3 * k + 2] == 0 {
                tallies[k].ran()
                continue
            }
            finishGroup(k, key, c.pairs.filter { $0.column == Int32(k) })
        }
    }

    private static let smallGroup = (
        en: "fewer than \(minimumGroup) units with both periods in the group (a small group's stable figures make any move look large)",
        zh: "组内两期都有数据的单位不足 \(minimumGroup) 个（小组中数字稳定，任何变动都显得很大）")
    private static let fewPositive = (en: "too few positive pairs", zh: "正值数据对太少")

    /// HB on one group-period's usable pairs of one column (the column has at least
    /// ``minimumGroup`` pairs); only the outliers past both floors are kept.
    private func finishGroup(_ k: Int, _ key: UInt64, _ list: [Pair]) {
        guard case .applicable(let r) = HidiroglouBerthelot.detect(pairs: list.map { (Double($0.previous), Double($0.current)) },
                                                                   parameters: parameters) else {
            tallies[k].skip(en: Self.fewPositive.en, zh: Self.fewPositive.zh)
            return
        }
        tallies[k].ran()
        for e in r.outliers {
            let pair = list[e.index]
            guard Self.passesFloors(pair) else { continue }
            outliers[k].append(Outlier(pair: pair, period: splitKey(key).period, ratio: e.ratio, median: r.medianRatio))
        }
    }

    func finish(_ context: DetectorContext) -> (tests: [DetectorTest], notes: [DetectorNote]) {
        let names = names   // the messages are written later, from what they capture here
        var tests: [DetectorTest] = []
        var notes: [DetectorNote] = []
        flushCurrent()
        pairs.drain(finishGroups)
        for (k, name) in names.enumerated() {
            for o in outliers[k] {
                let pair = o.pair, period = o.period
                let unit = context.unitName(pair.unit)
                tests.append(DetectorTest(
                    kind: spec.kind, family: spec.kind, unit: pair.unit, period: period, pValue: nil, severity: .info, effect: false,
                    fields: [name], expected: "\(pair.previous)", actual: "\(pair.current)", input: pair.input, line: pair.line,
                    message: Message(
                        zh: "\(unit) \(context.periodName(period))：\(name) 由 \(pair.previous) 变为 \(pair.current)（比值 \(Words.fixed(o.ratio, sig: 3))，同组中位比值 \(Words.fixed(o.median, sig: 3))），按 Hidiroglou–Berthelot 方法是离群变动；请核实",
                        en: "\(unit) \(context.periodName(period)): \(name) went from \(pair.previous) to \(pair.current) (ratio \(Words.fixed(o.ratio, sig: 3)); the group's median ratio \(Words.fixed(o.median, sig: 3))), an outlying change by Hidiroglou–Berthelot; worth verifying")))
            }
            if let n = tallies[k].note(id: DetectorSpec.findingID(spec.kind), fields: [name], what: "period-outlier on \(name)",
                                       whatZh: "\(name) 的期间离群检验") { notes.append(n) }
        }
        return (tests, notes)
    }
}

/// `implied-standard`: for a programme paid at two per-person rates (special support: disabled
/// / death), the pair of round monthly amounts (multiples of 10 yuan) that fits the units'
/// money exactly, solved across the units of a group: funds = 12·(a·x + b·y) for counts a, b.
/// Only unit-periods without additions are solved on (new entrants may be paid part of the
/// year). The pair most units fit is the inferred standard when at least 5 unit-periods and
/// 80 % of them fit it; the others are named: paying more than it (`review`), or less (`info`).
/// A unit-period with additions paying more than a full year for everyone is `review` too.
/// No p-value (an exact fit, not a test); these findings take no part in the evidence.
///
/// Streams: a group's first 200 unit-periods with both counts and no additions vote; once they
/// have (or once 1,000 of its unit-periods wait for a standard), the group's pair is fixed and
/// every later unit-period is judged as it arrives: counted, and kept only when it does not fit
/// (the first 1,000 per group listed, the rest counted in the group's finding).
///
/// - Complexity: O(1) per row once a group's pair is fixed (O(500) when it is fixed); memory
///   O(groups × 1,000) unit-periods waiting or not fitting, 32 bytes each (``Entry``), never O(rows).
final class ImpliedStandardDetector: RowHook, Detector {
    let spec: DetectorSpec
    let untested = 0
    private let counts: (Int, Int)
    private let funds: Int
    private let added: Int?
    private let names: [String]
    /// 32 bytes, not 40: every county of a province keeps up to ``waitingCap`` of them until its
    /// pair is fixed. Only the sign of the additions counts, kept in the input's top bits.
    private struct Entry {
        var funds: Int64
        var a: Int32, b: Int32
        var unit: Int32, period: Int32, line: Int32
        private var inputAndAdded: UInt32

        init(funds: Int64, a: Int32, b: Int32, added: Int64, unit: Int32, period: Int32, line: Int32, input: Int32) {
            precondition(input >= 0 && input < 1 << 30, "inputs are counted in 30 bits")
            (self.funds, self.a, self.b, self.unit, self.period, self.line) = (funds, a, b, unit, period, line)
            inputAndAdded = UInt32(input) | (added > 0 ? 1 << 30 : added < 0 ? 1 << 31 : 0)
        }

        var input: Int32 { Int32(inputAndAdded & 0x3FFF_FFFF) }
        /// The additions' sign: 1, 0 or −1.
        var added: Int32 { inputAndAdded & 1 << 30 != 0 ? 1 : inputAndAdded & 1 << 31 != 0 ? -1 : 0 }
    }
    private struct Group {
        var votes = Votes()
        var voters = 0
        /// Unit-periods waiting for the pair (before it is fixed).
        var waiting: [Entry] = []
        var pair: (x: Int64, y: Int64)?
        var fixed = false
        /// Over the group: unit-periods without additions, and those that fit the pair.
        var steady = 0, fits = 0
        var misfits: [Entry] = []
        var misfitsLeft = 0
    }
    /// A group's votes: each pair (x << 20 | y, never 0) with its count, in an open-addressing
    /// table hashed by multiply-shift (a voter can fit dozens of pairs, and a Dictionary's SipHash
    /// per vote was most of the detector's time). Freed when the group's pair is fixed.
    struct Votes {
        private var keys: [Int64] = []
        private var counts: [Int32] = []
        private var used = 0

        mutating func add(_ key: Int64) {
            if (used + 1) * 4 > keys.count * 3 { grow() }
            let mask = keys.count - 1
            var i = Self.slot(key, mask)
            while keys[i] != 0 && keys[i] != key { i = (i + 1) & mask }
            if keys[i] == 0 { keys[i] = key; used += 1 }
            counts[i] &+= 1
        }

        @inline(__always) private static func slot(_ key: Int64, _ mask: Int) -> Int {
            Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
        }

        private mutating func grow() {
            let (oldKeys, oldCounts) = (keys, counts)
            let n = Swift.max(16, keys.count * 2)
            keys = Array(repeating: 0, count: n)
            counts = Array(repeating: 0, count: n)
            for (k, c) in zip(oldKeys, oldCounts) where k != 0 {
                var i = Self.slot(k, n - 1)
                while keys[i] != 0 { i = (i + 1) & (n - 1) }
                (keys[i], counts[i]) = (k, c)
            }
        }

        /// The entry `areInIncreasingOrder` puts last, or nil when there is none.
        func max(by areInIncreasingOrder: ((key: Int64, count: Int), (key: Int64, count: Int)) -> Bool) -> (key: Int64, count: Int)? {
            var best: (key: Int64, count: Int)?
            for i in keys.indices where keys[i] != 0 {
                let e = (key: keys[i], count: Int(counts[i]))
                if let b = best, !areInIncreasingOrder(b, e) { continue }
                best = e
            }
            return best
        }
    }
    private var groups: [Int32: Group] = [:]
    private var lastGroup = LastEntry<Int32, Group>()
    static let voters = 200, waitingCap = 1_000, listCap = 1_000

    init(spec: DetectorSpec, counts: (Int, Int), funds: Int, added: Int?, schema: Schema) {
        self.spec = spec
        self.counts = counts
        self.funds = funds
        self.added = added
        names = [schema.columns[counts.0].name, schema.columns[counts.1].name, schema.columns[funds].name]
    }

    override func row(_ r: DetectorRow) {
        guard let f = r.int(funds), let a = r.int(counts.0), let b = r.int(counts.1),
              f > 0, a >= 0, b >= 0, a + b > 0, a <= Int32.max, b <= Int32.max else { return }
        let add = added.flatMap { r.int($0) } ?? 0
        let e = Entry(funds: f, a: Int32(a), b: Int32(b), added: add, unit: r.unit, period: r.period, line: r.line, input: r.input)
        lastGroup.update(r.group(spec.group), in: &groups, default: Group()) { Self.add(e, to: &$0) }
    }

    private static func add(_ e: Entry, to group: inout Group) {
        if group.fixed { return judge(e, in: &group) }
        if e.added == 0 && e.funds % 12 == 0 && e.a > 0 && e.b > 0 && group.voters < voters {
            group.voters += 1
            forEachPair(funds: e.funds, a: Int64(e.a), b: Int64(e.b)) { x, y in group.votes.add(x << 20 | y) }
        }
        group.waiting.append(e)
        if group.voters >= voters || group.waiting.count >= waitingCap { fix(&group) }
    }

    /// Fixes the group's pair from its votes and judges the unit-periods that waited for it.
    private static func fix(_ group: inout Group) {
        group.fixed = true
        // The most votes, then the roundest, then the smallest key: a total order, so the winner
        // does not depend on the table's order.
        group.pair = group.votes.max(by: { l, r in
            let a = roundness(l.key >> 20) + roundness(l.key & 0xFFFFF)
            let b = roundness(r.key >> 20) + roundness(r.key & 0xFFFFF)
            return (l.count, a, r.key) < (r.count, b, l.key)
        }).map { ($0.key >> 20, $0.key & 0xFFFFF) }
        group.votes = Votes()
        let waiting = group.waiting
        group.waiting = []
        for e in waiting { judge(e, in: &group) }
    }

    private static func full(_ e: Entry, _ pair: (x: Int64, y: Int64)) -> Int64 { 12 * (Int64(e.a) * pair.x + Int64(e.b) * pair.y) }

    /// Counts a unit-period against the fixed pair; keeps it when it does not fit and says so.
    private static func judge(_ e: Entry, in group: inout Group) {
        let steady = e.added == 0 && e.funds % 12 == 0
        if steady { group.steady += 1 }
        guard let pair = group.pair else { return }
        let expected = full(e, pair)
        if steady && expected == e.funds { group.fits += 1 }
        guard e.funds != expected, e.added == 0 || e.funds > expected else { return }
        if group.misfits.count < listCap { group.misfits.append(e) } else { group.misfitsLeft += 1 }
    }

    /// Monthly amounts (x, y), multiples of 10 yuan up to 5,000, with 12·(a·x + b·y) = funds, by
    /// increasing x. With x = 10s and y = 10t this is a·s + b·t = M (M = funds / 120), a linear
    /// Diophantine equation: its solutions in s are one residue class modulo b / gcd(a, b), so
    /// only those are visited (a handful, not the 500 multiples of 10; ``pairsByScan`` is the
    /// plain scan, kept for the tests).
    static func pairs(funds: Int64, a: Int64, b: Int64) -> [(Int64, Int64)] {
        var out: [(Int64, Int64)] = []
        forEachPair(funds: funds, a: a, b: b) { out.append(($0, $1)) }
        return out
    }

    /// ``pairs(funds:a:b:)`` one by one, without a list.
    @inline(__always)
    static func forEachPair(funds: Int64, a: Int64, b: Int64, _ body: (Int64, Int64) -> Void) {
        guard funds > 0, funds % 120 == 0, a > 0, b > 0 else { return }
        let m = funds / 120
        let (g, inverse) = Self.gcdInverse(a, b)
        guard m % g == 0 else { return }
        let b1 = b / g, m1 = m / g
        // s ≡ (m / g) · (a / g)⁻¹ (mod b / g), the smallest such s ≥ 1.
        var s = Int64((Int128(m1 % b1) * Int128(inverse)) % Int128(b1))
        if s <= 0 { s += b1 }
        while s <= 500 {
            let rest = m - a * s
            if rest < b { break }   // t ≥ 1 no longer possible, and t only falls as s grows
            let t = rest / b        // exact: s is in the class where b divides m − a·s
            if t <= 500 { body(10 * s, 10 * t) }
            s += b1
        }
    }

    /// gcd(a, b) and the inverse of a / gcd modulo b / gcd (in [0, b / gcd); 0 when that is 1).
    static func gcdInverse(_ a: Int64, _ b: Int64) -> (gcd: Int64, inverse: Int64) {
        var (r0, r1) = (a, b), (x0, x1): (Int64, Int64) = (1, 0)
        while r1 != 0 {
            let q = r0 / r1
            (r0, r1) = (r1, r0 - q * r1)
            (x0, x1) = (x1, x0 - q * x1)
        }
        let mod = b / r0
        guard mod > 1 else { return (r0, 0) }
        let inv = x0 % mod
        return (r0, inv < 0 ? inv + mod : inv)
    }

    /// The plain scan over x = 10, 20, …, 5,000: what ``pairs(funds:a:b:)`` must equal.
    static func pairsByScan(funds: Int64, a: Int64, b: Int64) -> [(Int64, Int64)] {
        guard funds % 12 == 0, a > 0, b > 0 else { return [] }
        let m = funds / 12
        var out: [(Int64, Int64)] = []
        for x in stride(from: Int64(10), through: 5_000, by: 10) {
            let rest = m - a * x
            if rest <= 0 { break }
            guard rest % b == 0 else { continue }
            let y = rest / b
            if y % 10 == 0 && y >= 10 && y <= 5_000 { out.append((x, y)) }
        }
        return out
    }

    /// How round a monthly amount is (ties between pairs that fit as many units).
    static func roundness(_ x: Int64) -> Int { x % 100 == 0 ? 3 : x % 50 == 0 ? 2 : x % 20 == 0 ? 1 : 0 }

    func finish(_ context: DetectorContext) -> (tests: [DetectorTest], notes: [DetectorNote]) {
        let names = names   // the messages are written later, from what they capture here
        var tests: [DetectorTest] = []
        var na = NotApplicableTally()
        for g in groups.keys.sorted() {
            guard var group = groups[g] else { continue }
            if !group.fixed { Self.fix(&group) }
            guard group.steady >= 5 else {
                na.skip(en: "fewer than 5 unit-periods without additions to solve on", zh: "无新增的单位-期别不足 5 个，无法推算")
                continue
            }
            guard let pair = group.pair else {
                na.skip(en: "no pair of round monthly amounts fits any unit-period", zh: "没有一对整数月标准能与任何单位-期别相符")
                continue
            }
            let (x, y) = pair
            guard group.fits >= 5, group.fits * 5 >= group.steady * 4 else {
                na.skip(en: "no pair of round monthly amounts fits 80% of the unit-periods", zh: "没有一对整数月标准能与 80% 的单位-期别相符")
                continue
            }
            na.ran()
            let unit = context.unitName(g)
            let more = group.misfitsLeft > 0
                ? (zh: "；另有 \(group.misfitsLeft) 个不相符的单位-期别未逐一列出", en: "; \(group.misfitsLeft) more unit-periods that do not fit are counted, not listed")
                : (zh: "", en: "")
            tests.append(DetectorTest(
                kind: spec.kind, family: spec.kind, unit: g, period: -1, pValue: nil, severity: .info, effect: false,
                fields: names, expected: "\(x)/\(y)", actual: nil,
                message: Message(
                    zh: "\(unit)：推算的标准为每人每月 \(names[0]) \(x) 元、\(names[1]) \(y) 元（\(group.steady) 个无新增的单位-期别中 \(group.fits) 个完全相符）\(more.zh)",
                    en: "\(unit): the implied standard is \(x) yuan a month for \(names[0]) and \(y) for \(names[1]) (\(group.fits) of \(group.steady) unit-periods without additions fit it exactly)\(more.en)")))
            for e in group.misfits {
                let expected = Self.full(e, pair)
                let over = e.funds > expected
                let who = context.unitName(e.unit), period = context.periodName(e.period)
                tests.append(DetectorTest(
                    kind: spec.kind, family: spec.kind, unit: e.unit, period: e.period, pValue: nil, severity: over ? .review : .info,
                    effect: false, fields: names, expected: "\(expected)", actual: "\(e.funds)", input: e.input, line: e.line,
                    message: Message(
                        zh: "\(who) \(period)：\(names[2]) \(e.funds) 元，按推算标准（\(x)/\(y) 元每月）\(e.a) + \(e.b) 人\(e.added > 0 ? "最多" : "应为") \(expected) 元\(over ? "，多出 \(e.funds - expected) 元" : "")",
                        en: "\(who) \(period): \(names[2]) is \(e.funds) yuan; at the implied standard (\(x)/\(y) a month) \(e.a) + \(e.b) people come to \(e.added > 0 ? "at most " : "")\(expected)\(over ? ", \(e.funds - expected) more than that" : "")")))
            }
        }
        let notes = na.note(id: DetectorSpec.findingID(spec.kind), fields: names, what: "implied-standard", whatZh: "推算标准").map { [$0] } ?? []
        return (tests, notes)
    }
}
