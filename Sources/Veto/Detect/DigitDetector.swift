#if canImport(Glibc)
import Glibc
#endif
import VetoStats

/// The digit detectors, per group and column (FORENSICS.md §1–2):
/// - `last-digit`: final digits of values ≥ 100 against uniform, χ² on 9 df (two-digit values
///   follow Benford's second-digit law and small counts are far from uniform, so they are left
///   out); at least 50 values. Effect gate: one digit at twice its 10 %.
/// - `rounding`: the share of values ≥ 100 ending in 0 or 5 against 0.2, and of values ≥ 1000
///   ending in 00 against 0.01, one-sided binomial; at least 30 / 100 values. Effect gate: twice
///   the expected share.
/// - `benford-first`, `benford-first-two`: only where the central 90 % of the values (5th to
///   95th percentile, from a 0.1-decade histogram) spans two orders of magnitude and N reaches
///   the χ² size (110 / 1,146): χ² p-value; effect gate: MAD "nonconformity" where N makes the
///   band meaningful (246 / 1,301).
/// The four share digits (one family; combined by Cauchy).
///
/// - Complexity: O(columns) per row; memory O(groups × columns × cells of the test).
final class DigitDetector: RowHook, Detector {
    let spec: DetectorSpec
    let untested = 0
    private let columns: [Int]
    private let names: [String]
    /// Per column: group → slot; per slot the last-digit counts (10), for rounding the values
    /// ≥ 1000 ending in 00 and all values ≥ 1000 (2), the Benford tally and a 0.1-decade histogram
    /// (Benford tests).
    private var slots: [[Int32: Int]]
    /// Per column, the group of the last row and its slot (rows come group by group).
    private var lastGroup: [Int32]
    private var lastSlot: [Int]
    private var groupsOf: [[Int32]]
    private var lastDigits: [[Int32]]
    private var thousands: [[Int32]]
    private var benford: [[Int32]]
    private var logHistogram: [[Int32]]
    private let test: DigitTest

    init(spec: DetectorSpec, columns: [Int], schema: Schema) {
        self.spec = spec
        self.columns = columns
        names = columns.map { schema.columns[$0].name }
        isRounding = spec.kind == "rounding"
        switch spec.kind {
        case "benford-first": test = .firstDigit
        case "benford-first-two": test = .firstTwo
        default: test = .lastDigit
        }
        let n = columns.count
        slots = Array(repeating: [:], count: n)
        lastGroup = Array(repeating: Int32.min, count: n)
        lastSlot = Array(repeating: 0, count: n)
        groupsOf = Array(repeating: [], count: n)
        lastDigits = Array(repeating: [], count: n)
        thousands = Array(repeating: [], count: n)
        benford = Array(repeating: [], count: n)
        logHistogram = Array(repeating: [], count: n)
    }

    private var isBenford: Bool { test.isBenford }
    /// `rounding` (not a string compared per value).
    private let isRounding: Bool

    private func slot(_ k: Int, _ g: Int32) -> Int {
        if lastGroup[k] == g { return lastSlot[k] }
        let s = slots[k][g] ?? newSlot(k, g)
        lastGroup[k] = g
        lastSlot[k] = s
        return s
    }

    private func newSlot(_ k: Int, _ g: Int32) -> Int {
        let s = groupsOf[k].count
        slots[k][g] = s
        groupsOf[k].append(g)
        if isBenford {
            benford[k] += repeatElement(0, count: test.labels.count)
            logHistogram[k] += repeatElement(0, count: 200)
        } else {
            lastDigits[k] += repeatElement(0, count: 10)
            if spec.kind == "rounding" { thousands[k] += repeatElement(0, count: 2) }
        }
        return s
    }

    override func row(_ r: DetectorRow) {
        let g = r.group(spec.group)
        for (k, c) in columns.enumerated() {
            let cell = r.cells[c]
            guard cell.state == .number, cell.mantissa > 0 else { continue }
            if isBenford {
                // First digit(s) of the value (F2D: values ≥ 10, DigitSelection.standard), and its
                // order of magnitude for the range check.
                var lead: Int, log10: Double
                if cell.exponent == 0 {
                    var m = cell.mantissa
                    if test == .firstTwo { guard m >= 10 else { continue } }
                    let top: Int64 = test == .firstTwo ? 100 : 10
                    while m >= top { m /= 10 }
                    lead = Int(m)
                    log10 = Glibc.log10(Double(cell.mantissa))
                } else {
                    guard let d = Detectors.digits(cell), !d.isZero else { continue }
                    if test == .firstTwo { guard d.absoluteValueIsAtLeast(powerOfTen: 1) else { continue } }
                    guard let f = d.firstDigits(test == .firstTwo ? 2 : 1) else { continue }
                    lead = f
                    log10 = d.log10Magnitude
                }
                let s = slot(k, g)
                benford[k][s * test.labels.count + lead - test.labels.lowerBound] += 1
                let bin = min(199, max(0, Int((log10 + 5) * 10)))
                logHistogram[k][s * 200 + bin] += 1
                continue
            }
            // The last written digits of a value ≥ 100 (the common case, a whole number as written,
            // without building its digits).
            // A value ≥ 1000: whether it ends in 00 (nil: under 1000).
            var last = -1, endsIn00: Bool?
            if cell.exponent == 0 {
                guard cell.mantissa >= 100 else { continue }
                last = Int(cell.mantissa % 10)
                if cell.mantissa >= 1000 { endsIn00 = cell.mantissa % 100 == 0 }
            } else {
                guard let d = Detectors.digits(cell), d.absoluteValueIsAtLeast(powerOfTen: 2) else { continue }
                last = d.lastWrittenDigit
                if d.absoluteValueIsAtLeast(powerOfTen: 3) { endsIn00 = d.lastTwoWrittenDigits == 0 }
            }
            let s = slot(k, g)
            lastDigits[k][s * 10 + last] += 1
            if let e = endsIn00, isRounding {
                if e { thousands[k][s * 2] += 1 }
                thousands[k][s * 2 + 1] += 1
            }
        }
    }

    /// The decades between the 5th and 95th percentiles of a 0.1-decade histogram.
    static func centralSpan(_ h: [Int32]) -> Double {
        let n = h.reduce(0) { $0 + Int($1) }
        guard n > 0 else { return 0 }
        var acc = 0, lo = 0, hi = h.count - 1
        for (i, c) in h.enumerated() {
            acc += Int(c)
            if acc * 20 >= n { lo = i; break }
        }
        acc = 0
        for (i, c) in h.enumerated().reversed() {
            acc += Int(c)
            if acc * 20 >= n { hi = i; break }
        }
        return Double(hi - lo) / 10
    }

    func finish(_ context: DetectorContext) -> (tests: [DetectorTest], notes: [DetectorNote]) {
        let test = test   // the messages are written later, from what they capture here
        var tests: [DetectorTest] = []
        var notes: [DetectorNote] = []
        for (k, name) in names.enumerated() {
            var na = NotApplicableTally()
            for (g, s) in slots[k].sorted(by: { $0.key < $1.key }) {
                let unit = g >= 0 ? context.unitName(g) : "*"
                let counts = isBenford ? [] : lastDigits[k][s * 10..<s * 10 + 10].map { Int($0) }
                let total = counts.reduce(0, +)
                switch spec.kind {
                case "last-digit":
                    guard total >= 50, case .applicable(let c) = DistributionComparison.compare(
                        counts: counts, expected: Array(repeating: 0.1, count: 10), labels: Array(0...9)) else {
                        na.skip(en: "fewer than 50 values of at least 100 (smaller values' last digits are not uniform)",
                                zh: "不小于 100 的数值不足 50 个（较小数值的末位数字本不均匀）")
                        continue
                    }
                    na.ran()
                    let top = c.counts.indices.max { c.counts[$0] < c.counts[$1] } ?? 0
                    let share = Double(c.counts[top]) / Double(max(c.total, 1))
                    var lastDigit = DetectorTest(
                        kind: spec.kind, family: "digits", unit: g, period: -1, pValue: c.pValue, effect: share >= 0.2,
                        fields: [name], expected: "10%", actual: "\(c.labels[top]): \(Words.percent(share))",
                        message: Message(
                            zh: "\(unit)：\(c.total) 个 \(name) 数值（≥ 100）的末位数字不均匀：数字 \(c.labels[top]) 占 \(Words.percent(share))（应约 10%），χ² = \(Words.fixed(c.chiSquare, sig: 3))，自由度 9",
                            en: "\(unit): the last digits of \(c.total) values of \(name) (≥ 100) are not uniform: digit \(c.labels[top]) makes \(Words.percent(share)) of them (10% expected), χ² = \(Words.fixed(c.chiSquare, sig: 3)) on 9 df"))
                    lastDigit.digits = DigitDistribution(test: spec.kind, labels: c.labels, counts: c.counts, expected: c.expected)
                    tests.append(lastDigit)
                case "rounding":
                    if total >= 30, let t = Heaping.zeroOrFive(lastDigitCounts: counts).value {
                        na.ran()
                        tests.append(DetectorTest(
                            kind: spec.kind, family: "digits", unit: g, period: -1, pValue: t.pValue, effect: t.share >= 0.4,
                            fields: [name], expected: "20%", actual: Words.percent(t.share),
                            message: Message(
                                zh: "\(unit)：\(t.total) 个 \(name) 数值（≥ 100）中 \(t.hits) 个以 0 或 5 结尾（\(Words.percent(t.share))，应约 20%，即约 \(Words.count(t.expectedHits)) 个）",
                                en: "\(unit): \(t.hits) of \(t.total) values of \(name) (≥ 100) end in 0 or 5 (\(Words.percent(t.share)); about 20%, \(Words.count(t.expectedHits)), expected)")))
                    } else {
                        na.skip(en: "fewer than 30 values of at least 100", zh: "不小于 100 的数值不足 30 个")
                    }
                    let (hits, all) = (Int(thousands[k][s * 2]), Int(thousands[k][s * 2 + 1]))
                    if all >= 100, let t = Heaping.doubleZero(hits: hits, total: all).value {
                        tests.append(DetectorTest(
                            kind: spec.kind, family: "digits", unit: g, period: -1, pValue: t.pValue, effect: t.share >= 0.02,
                            fields: [name], expected: "1%", actual: Words.percent(t.share),
                            message: Message(
                                zh: "\(unit)：\(t.total) 个 \(name) 数值（≥ 1000）中 \(t.hits) 个以 00 结尾（应约 1%）",
                                en: "\(unit): \(t.hits) of \(t.total) values of \(name) (≥ 1000) end in 00 (about 1% expected)")))
                    }
                default:
                    let width = test.labels.count
                    let bc = benford[k][s * width..<s * width + width].map { Int($0) }
                    let span = Self.centralSpan(Array(logHistogram[k][s * 200..<s * 200 + 200]))
                    guard span >= 2 else {
                        na.skip(en: "the central 90% of the values spans fewer than two orders of magnitude (Benford's law does not apply to narrow ranges)",
                                zh: "中间 90% 的数值跨度不足两个数量级（本福特定律不适用于窄范围数据）")
                        continue
                    }
                    guard bc.reduce(0, +) >= test.minimumCountForChiSquare,
                          case .applicable(let c) = DistributionComparison.compare(counts: bc, expected: test.expected, labels: Array(test.labels)) else {
                        na.skip(en: "too few values for the χ² test (110 first digits, 1,146 first two)", zh: "数值太少，不足以做 χ² 检验（首位 110 个，前两位 1,146 个）")
                        continue
                    }
                    let band = test.madBands?.band(of: c.mad)
                    let bandIsMeaningful = c.total >= (test.minimumCountForMADBands ?? Int.max)
                    na.ran()
                    let effect = bandIsMeaningful && band == .nonconformity
                    var digitTest = DetectorTest(
                        kind: spec.kind, family: "digits", unit: g, period: -1, pValue: c.pValue, effect: effect,
                        fields: [name], expected: nil, actual: "MAD \(Words.fixed(c.mad, sig: 3))",
                        message: Message(
                            zh: "\(unit)：\(c.total) 个 \(name) 数值的\(test == .firstDigit ? "首位" : "前两位")数字偏离本福特分布：MAD = \(Words.fixed(c.mad, sig: 3))\(bandIsMeaningful ? "（\(band?.nigriniName ?? "")）" : "（样本量下 MAD 分级无意义，以 χ² 为准）")，χ² = \(Words.fixed(c.chiSquare, sig: 3))",
                            en: "\(unit): the \(test == .firstDigit ? "first" : "first two") digits of \(c.total) values of \(name) depart from Benford's law: MAD = \(Words.fixed(c.mad, sig: 3))\(bandIsMeaningful ? " (\(band?.nigriniName ?? ""))" : " (at this N the MAD bands mean nothing; χ² decides)"), χ² = \(Words.fixed(c.chiSquare, sig: 3))"))
                    digitTest.digits = DigitDistribution(test: spec.kind, labels: c.labels, counts: c.counts, expected: c.expected)
                    tests.append(digitTest)
                }
            }
            if let n = na.note(id: DetectorSpec.findingID(spec.kind), fields: [name], what: "\(spec.kind) on \(name)",
                               whatZh: "\(name) 的 \(spec.kind) 检验") { notes.append(n) }
        }
        return (tests, notes)
    }
}
