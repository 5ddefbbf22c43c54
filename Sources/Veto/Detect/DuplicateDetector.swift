import VetoStats

/// `duplicate-rows`: the same block of figures under two units of a group in one period (a
/// copied row), or under one unit in consecutive periods (a frozen row). The chance of the
/// match comes from the fields' own distributions in the run, not a fixed share:
/// - frozen: per field, the share of consecutive-period pairs of the same unit in which it did
///   not change, among pairs whose previous value is in the same bin (0, 1, 2, 3, 4–7, 8–15, …):
///   (unchanged + 1)/(pairs + 2), the matched rows left out, and at least the average share per
///   value within ±5 of no change (a population that moves a little every period is not taken as
///   never standing still); multiplied over the block's fields;
/// - copied: per field, Σ p_u² over the field's values u in the same period at most as common as
///   the matched value (two units drawn at random agree at a value this rare), multiplied over the
///   fields, times the C(k, 2) pairs of the group-period.
/// Blocks with a missing figure or fewer than 2 non-zero figures are not compared.
///
/// A unit whose block repeats over several consecutive periods is one run and one test: the
/// chances of its pairs multiply (year-to-year changes taken as independent), so a village frozen
/// for three years is judged on all three, located at its first repeat.
///
/// Effect gate: at least 4 non-zero figures match.
///
/// Copies are looked for among the group-periods being read (``InFlight``: a township's villages
/// of one period come together); rows of one group-period far apart in the input are compared
/// within each stretch only.
///
/// - Complexity: O(fields) per row; memory O(units × fields) for the previous period, O(distinct
///   values × fields × periods) at about 18 bytes each (``ValueCounts``), one hash per row of the
///   group-periods in flight, and a count per group-period.
final class DuplicateDetector: RowHook, Detector {
    let spec: DetectorSpec
    /// Comparisons without a match, by family: a unit's consecutive periods (frozen) and two units of
    /// one period (copied) are different comparisons of different pairs of rows.
    private(set) var untestedByFamily: [String: Int] = [:]
    var untested: Int { untestedByFamily.values.reduce(0, +) }
    static let frozenFamily = "duplicate-rows.frozen", copyFamily = "duplicate-rows.copied"
    private let columns: [Int]
    private let names: [String]
    /// Each unit's last period and its block (flat, by interned unit).
    /// Packed (``KeyPacker/period(_:)``, 0: none): 4 bytes a unit, not an optional `Period`'s 24.
    private var lastPeriod: [UInt32] = []
    private var lastValues = NarrowInts()
    private var scratch: [Int64] = []
    private var pairs = 0
    /// Per field and bin of the previous value (0, 1, 2, then powers of two): consecutive-period
    /// pairs, those that did not change, and those that moved by at most `near`.
    /// Per field and magnitude bin (flat, field × ``bins`` + bin: one array each, not one per
    /// field, so a row's update checks one buffer's uniqueness, not two per field).
    private var binPairs: [Int]
    private var unchanged: [Int]
    private var nearlyUnchanged: [Int]
    static let near: Int64 = 5
    static let bins = 66
    static func bin(_ v: Int64) -> Int {
        if v <= 2 { return Int(max(v, 0)) }
        return 1 + (64 - v.leadingZeroBitCount)
    }
    /// Per field and period, how often each value was reported (a match's chance is taken among
    /// the rows of its own period: later years have more zeros).
    private var histograms = ValueCounts()
    /// Rows compared, by period index.
    private var seenIn: [Int] = []
    private var seen = 0
    /// The blocks of the group-periods being read (see ``InFlight``), and their sizes once done.
    private var blocks = InFlight<Block>()
    /// A group-period's rows so far and the first row of each block of figures (by its hash).
    /// A township-period has tens of rows: their hashes are scanned in a list, and only a block
    /// of more than ``Block/scanned`` (a county or `all` grouping) gets an index.
    struct Block {
        var rows = 0
        var groupPeriod: Int32
        private(set) var firsts: [(hash: UInt64, unit: Int32, line: Int32, input: Int32)] = []
        private var index: [UInt64: Int32]?
        static let scanned = 32

        init(groupPeriod: Int32) { self.groupPeriod = groupPeriod }

        /// The first row with figures of hash `h`; or nil, and the row is kept as the first.
        mutating func first(_ h: UInt64, unit: Int32, line: Int32, input: Int32) -> (unit: Int32, line: Int32, input: Int32)? {
            if let index {
                if let i = index[h] { let f = firsts[Int(i)]; return (f.unit, f.line, f.input) }
            } else if let f = firsts.first(where: { $0.hash == h }) {
                return (f.unit, f.line, f.input)
            }
            firsts.append((h, unit, line, input))
            if index != nil {
                index?[h] = Int32(firsts.count - 1)
            } else if firsts.count > Self.scanned {
                var built: [UInt64: Int32] = [:]
                for (i, f) in firsts.enumerated() { built[f.hash] = Int32(i) }
                index = built
            }
            return nil
        }
    }
    /// Rows compared per group-period, by the hub's group-period index (8 bytes a township-period,
    /// not a dictionary entry).
    private var rowsIn: [Int] = []
    private var copyComparisons = 0
    private struct Match {
        var unit: Int32, other: Int32, period: Int32, otherPeriod: Period?, group: Int32
        var values: [Int64], line: Int32, input: Int32, otherLine: Int32, frozen: Bool
        /// The period of the row that completed the match (a frozen pair's two periods are this
        /// and `otherPeriod`).
        var thisPeriod: Period? = nil
        /// A copy's group-period (the hub's index), for the number of rows it was compared among.
        var groupPeriod: Int32 = -1
    }
    private var matches: [Match] = []

    init(spec: DetectorSpec, columns: [Int], schema: Schema) {
        self.spec = spec
        self.columns = columns
        names = columns.map { schema.columns[$0].name }
        binPairs = Array(repeating: 0, count: Self.bins * columns.count)
        unchanged = binPairs
        nearlyUnchanged = binPairs
    }

    override func row(_ r: DetectorRow) {
        // A block with a figure not reported is not compared: told from the cells' states first,
        // before anything is copied (a column the input lacks stops every row here).
        for c in columns where r.cells[c].state != .number { return }
        let n = columns.count
        if scratch.count != n { scratch = Array(repeating: 0, count: n) }
        var nonZero = 0
        for (k, c) in columns.enumerated() {
            guard let v = r.int(c) else { return }
            scratch[k] = v
            if v != 0 { nonZero += 1 }
        }
        let values = scratch
        seen += 1
        if r.period >= 0 {
            if Int(r.period) >= seenIn.count { seenIn.append(contentsOf: repeatElement(0, count: Int(r.period) + 1 - seenIn.count)) }
            seenIn[Int(r.period)] += 1
        }
        for k in 0..<n { histograms.add(field: k, period: r.period, value: values[k]) }
        // Consecutive periods of the same unit.
        if let p = r.periodValue {
            let u = Int(r.unit)
            while lastPeriod.count <= u {
                lastPeriod.append(0)
                lastValues.append(repeating: 0, count: n)
            }
            let base = u * n
            let last = lastPeriod[u]
            if last != 0, last == UInt32(KeyPacker.period(p.previous)) || last == UInt32(KeyPacker.period(p.next)),
               let prevPeriod = KeyPacker.period(UInt64(last)) {
                pairs += 1
                var same = true
                for k in 0..<n where lastValues[base + k] != values[k] { same = false; break }
                if !same {
                    binPairs.withUnsafeMutableBufferPointer { binPairs in
                        unchanged.withUnsafeMutableBufferPointer { unchanged in
                            nearlyUnchanged.withUnsafeMutableBufferPointer { nearlyUnchanged in
                                for k in 0..<n {
                                    let old = lastValues[base + k]
                                    let b = k * Self.bins + Self.bin(old)
                                    binPairs[b] += 1
                                    if old == values[k] { unchanged[b] += 1 }
                                    let (d, o) = old.subtractingReportingOverflow(values[k])
                                    if !o && d.magnitude <= Self.near { nearlyUnchanged[b] += 1 }
                                }
                            }
                        }
                    }
                } else if nonZero >= 2 {
                    matches.append(Match(unit: r.unit, other: r.unit, period: r.period, otherPeriod: prevPeriod, group: r.group(spec.group),
                                         values: values, line: r.line, input: r.input, otherLine: -1, frozen: true, thisPeriod: p))
                }
            }
            lastPeriod[u] = UInt32(KeyPacker.period(p))
            for k in 0..<n { lastValues[base + k] = values[k] }
        }
        // Two units of a group in one period.
        let g = r.group(spec.group)
        guard g >= 0 else { return }
        let key = groupPeriodKey(g, r.period)
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for v in values { h = (h ^ UInt64(bitPattern: v)) &* 0x100_0000_01b3 }
        var match: (unit: Int32, line: Int32, input: Int32)?
        let gp = r.groupPeriod(spec.group)
        blocks.update(key, make: { Block(groupPeriod: gp) }, evict: finishBlock) { b in
            b.rows += 1
            guard nonZero >= 2 else { return }
            match = b.first(h, unit: r.unit, line: r.line, input: r.input)
        }
        if let first = match {
            matches.append(Match(unit: r.unit, other: first.unit, period: r.period, otherPeriod: r.periodValue, group: g,
                                 values: values, line: r.line, input: r.input, otherLine: first.line, frozen: false, groupPeriod: gp))
        }
    }

    private func finishBlock(_ key: UInt64, _ b: Block) {
        copyComparisons += b.rows * (b.rows - 1) / 2
        let i = Int(b.groupPeriod)
        guard i >= 0 else { return }
        if i >= rowsIn.count { rowsIn.append(contentsOf: repeatElement(0, count: i + 1 - rowsIn.count)) }
        rowsIn[i] += b.rows
    }

    func finish(_ context: DetectorContext) -> (tests: [DetectorTest], notes: [DetectorNote]) {
        let names = names   // the messages are written later, from what they capture here
        var tests: [DetectorTest] = []
        var notes: [DetectorNote] = []
        // P(a field does not change): the share of pairs (the matched rows left out) in which it did
        // not, and never less than the average density within ±5 of no change, so a field that
        // genuinely moves a little every period (a population) is not taken as never standing still.
        func share(_ k: Int, _ v: Int64) -> Double {
            let b = k * Self.bins + Self.bin(v)
            let n = Double(binPairs[b] + 2)
            return min(1, max(Double(unchanged[b] + 1) / n, Double(nearlyUnchanged[b] + 1) / n / Double(2 * Self.near + 1)))
        }
        // P(two rows agree on a field at a value at most as common as v) = Σ_{u: c_u ≤ c_v} p_u²:
        // a match on a rare value (17 boys) says more than one on a common value (0), and the
        // product over independent fields is the chance of a match at least this unusual.
        // The counts of the field-periods a copy was found in, gathered in one pass over the table.
        let copyPeriods = Set(matches.lazy.filter { !$0.frozen }.map(\.period))
        var countsOf = histograms.counts(periods: copyPeriods)
        var tables: [Int64: (sorted: [Int32], cumulative: [Double])] = [:]
        func agree(_ k: Int, _ v: Int64, _ period: Int32) -> Double {
            let n = Double(max(period >= 0 && Int(period) < seenIn.count ? seenIn[Int(period)] : 1, 1))
            let key = Int64(k) << 32 | Int64(UInt32(bitPattern: period))
            if tables[key] == nil {
                let cs = (countsOf.removeValue(forKey: key) ?? []).sorted()
                var acc = 0.0
                tables[key] = (cs, cs.map { c in acc += (Double(c) / n) * (Double(c) / n); return acc })
            }
            guard let t = tables[key] else { return 1 }
            let c = histograms.count(field: k, period: period, value: v) ?? 1
            var lo = 0, hi = t.sorted.count
            while lo < hi { let mid = (lo + hi) / 2; if t.sorted[mid] <= c { lo = mid + 1 } else { hi = mid } }
            return lo > 0 ? t.cumulative[lo - 1] : (Double(c) / n) * (Double(c) / n)
        }
        // Every comparison made is a test: those without a match have p = 1.
        blocks.drain(finishBlock)
        let frozen = matches.filter(\.frozen).count
        untestedByFamily = [Self.frozenFamily: max(0, pairs - frozen), Self.copyFamily: max(0, copyComparisons - (matches.count - frozen))]
        // A frozen row that repeats over several periods is one run: its consecutive pairs, each
        // with its own chance, multiply (a field's year-to-year changes taken as independent), and
        // the run is one test, at its first repeat, naming every period it covers.
        var runs: [[Match]] = []
        let edges = matches.filter(\.frozen).compactMap { m -> (lo: Period, hi: Period, m: Match)? in
            guard let a = m.thisPeriod, let b = m.otherPeriod else { return nil }
            return (min(a, b), max(a, b), m)
        }.sorted { $0.m.unit != $1.m.unit ? $0.m.unit < $1.m.unit : $0.lo < $1.lo }
        var lastHi: Period?
        for e in edges {
            if let hi = lastHi, let prev = runs.last?.last, prev.unit == e.m.unit, hi == e.lo, prev.values == e.m.values {
                runs[runs.count - 1].append(e.m)
            } else {
                runs.append([e.m])
            }
            lastHi = e.hi
        }
        for run in runs {
            guard let m = run.first else { continue }
            var pm = 1.0
            for _ in run { for k in m.values.indices { pm *= share(k, m.values[k]) } }
            let nonZero = m.values.filter { $0 != 0 }.count
            let list = zip(names, m.values).map { "\($0)=\($1)" }.joined(separator: ", ")
            let unit = context.unitName(m.unit)
            let covered = Array(Set(run.flatMap { [$0.thisPeriod, $0.otherPeriod].compactMap { $0 } })).sorted()
            let source = covered.first?.description ?? ""
            let repeats = covered.dropFirst().map(\.description)
            let zhRepeats = repeats.joined(separator: "、"), enRepeats = Words.list(repeats)
            tests.append(DetectorTest(
                kind: spec.kind, family: Self.frozenFamily, unit: m.unit, period: m.period, pValue: min(1, pm), effect: nonZero >= 4,
                fields: names, expected: nil, actual: list, input: m.input, line: m.line,
                message: Message(
                    zh: "\(unit) \(zhRepeats) 的 \(names.count) 项数字与其 \(source) 完全相同（\(list)）；按本次数据中各项逐年不变的比例，这种巧合的概率约为 \(Words.p(pm))",
                    en: "\(unit) repeats its \(source) figures exactly in \(enRepeats) (\(list)); at how often each figure stays the same from one period to the next in this run, the chance of that is about \(Words.p(pm))")))
        }
        for m in matches where !m.frozen {
            var pm = 1.0
            for k in m.values.indices { pm *= agree(k, m.values[k], m.period) }
            let nonZero = m.values.filter { $0 != 0 }.count
            let list = zip(names, m.values).map { "\($0)=\($1)" }.joined(separator: ", ")
            let unit = context.unitName(m.unit), period = context.periodName(m.period)
            let i = Int(m.groupPeriod), counted = i >= 0 && i < rowsIn.count ? rowsIn[i] : 0
            let k = counted > 0 ? counted : 2
            let comparisons = Double(k * (k - 1) / 2)
            let p = min(1, pm * max(1, comparisons))
            let other = context.unitName(m.other)
            tests.append(DetectorTest(
                kind: spec.kind, family: Self.copyFamily, unit: m.unit, period: m.period, alsoUnit: m.other, alsoLine: m.otherLine, pValue: p,
                effect: nonZero >= 4, fields: names, expected: nil, actual: list, input: m.input, line: m.line,
                message: Message(
                    zh: "\(unit) 与同级 \(other)（第 \(m.otherLine) 行）在 \(period) 报告了完全相同的 \(names.count) 项数字（\(list)）；按各项数值在本次数据中的分布，\(k) 个单位两两比较出现这种巧合的概率约为 \(Words.p(p))",
                    en: "\(unit) reports the same \(names.count) figures as its sibling \(other) (line \(m.otherLine)) in \(period) (\(list)); from each figure's distribution in this run, the chance of such a match among the \(k) units' pairs is about \(Words.p(p))")))
        }
        if pairs == 0 && seen > 0 {
            notes.append(DetectorNote(id: DetectorSpec.findingID(spec.kind), fields: names,
                                      message: Message(zh: "重复行检验：没有相邻期别可比较，只比较了同期的同级单位",
                                                       en: "duplicate-rows: no consecutive periods to compare; only units of one period were compared")))
        }
        return (tests, notes)
    }
}

/// How often each value of each field was reported in each period: one slot table keyed by
/// (field, period, value) packed in 64 bits, and a count by slot — one lookup a figure, not a
/// dictionary of dictionaries per field (three lookups and two uniqueness checks). About 18 bytes
/// a distinct value. Keys that do not pack (a 64th field, a 65,535th period, no period) go to a
/// dictionary aside.
///
/// - Complexity: O(1) expected per figure; memory O(distinct (field, period, value)).
struct ValueCounts: ~Copyable {
    private var slots = SlotMap(capacity: 1024)
    private var counts = Chunked<Int32>()
    private struct Aside: Hashable { var field: Int; var period: Int32; var value: Int64 }
    private var aside: [Aside: Int32] = [:]

    /// Values are within ±2⁴⁰ (``DetectorRow/int(_:)``): 42 bits; then 16 of period + 1, 6 of field.
    @inline(__always)
    private static func pack(_ field: Int, _ period: Int32, _ value: Int64) -> UInt64? {
        guard field >= 0, field < 64, period >= 0, period < 0xFFFF, value.magnitude <= DetectorRow.largest else { return nil }
        return UInt64(field) << 58 | UInt64(period + 1) << 42 | UInt64(value + Int64(DetectorRow.largest))
    }

    private static func unpack(_ k: UInt64) -> (field: Int, period: Int32) {
        (Int(k >> 58), Int32(k >> 42 & 0xFFFF) - 1)
    }

    mutating func add(field: Int, period: Int32, value: Int64) {
        guard let k = Self.pack(field, period, value) else {
            let a = Aside(field: field, period: period, value: value)
            aside[a] = min(Int32.max - 1, aside[a] ?? 0) + 1
            return
        }
        if let s = slots[k] {
            // Held at Int32.max (2³¹ rows of one value in one period), never wrapped.
            let c = counts[Int(s)]
            if c < .max { counts[Int(s)] = c + 1 }
        } else {
            slots.insert(k)
            counts.append(1)
        }
    }

    func count(field: Int, period: Int32, value: Int64) -> Int32? {
        guard let k = Self.pack(field, period, value) else { return aside[Aside(field: field, period: period, value: value)] }
        return slots[k].map { counts[Int($0)] }
    }

    /// The counts of every value of each field in each of `periods`, by `field << 32 | period`
    /// (unordered), in one pass over the table.
    func counts(periods: Set<Int32>) -> [Int64: [Int32]] {
        var out: [Int64: [Int32]] = [:]
        guard !periods.isEmpty else { return out }
        for s in 0..<slots.count {
            let (f, p) = Self.unpack(slots.key(s))
            guard periods.contains(p) else { continue }
            out[Int64(f) << 32 | Int64(UInt32(bitPattern: p)), default: []].append(counts[s])
        }
        for (a, c) in aside where periods.contains(a.period) {
            out[Int64(a.field) << 32 | Int64(UInt32(bitPattern: a.period)), default: []].append(c)
        }
        return out
    }
}
