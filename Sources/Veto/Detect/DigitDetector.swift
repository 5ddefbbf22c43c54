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
final class DigitDetector: Detector {
    let spec: DetectorSpec
    let untested = 0
    private let columns: [Int]
    private let names: [String]
    private var tallies: [[Int32: DigitTally]]
    private var lastTwo: [[Int32: DigitTally]]
    private var logHistogram: [[Int32: [Int32]]]
    private let test: DigitTest

    init(spec: DetectorSpec, columns: [Int], schema: Schema) {
        self.spec = spec
        self.columns = columns
        names = columns.map { schema.columns[$0].name }
        switch spec.kind {
        case "benford-first": test = .firstDigit
        case "benford-first-two": test = .firstTwo
        default: test = .lastDigit
        }
        tallies = Array(repeating: [:], count: columns.count)
        lastTwo = Array(repeating: [:], count: columns.count)
        logHistogram = Array(repeating: [:], count: columns.count)
    }

    private var isBenford: Bool { test.isBenford }

    private func newTally() -> DigitTally {
        isBenford ? DigitTally(test) : DigitTally(.lastDigit, selection: DigitSelection(signs: .positiveOnly, minimumPowerOfTen: 2))
    }

    func row(_ r: DetectorRow) {
        let g = r.group(spec.group)
        for (k, c) in columns.enumerated() {
            guard let d = Detectors.digits(r.cells[c]), !d.isZero, !d.isNegative else { continue }
            if tallies[k][g] == nil { tallies[k][g] = newTally() }
            _ = tallies[k][g]?.add(d)
            if spec.kind == "rounding" {
                if lastTwo[k][g] == nil { lastTwo[k][g] = DigitTally(.lastTwo, selection: DigitSelection(signs: .positiveOnly, minimumPowerOfTen: 3)) }
                _ = lastTwo[k][g]?.add(d)
            }
            if isBenford {
                let bin = min(199, max(0, Int((d.log10Magnitude + 5) * 10)))
                if logHistogram[k][g] == nil { logHistogram[k][g] = Array(repeating: 0, count: 200) }
                logHistogram[k][g]?[bin] += 1
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
        var tests: [DetectorTest] = []
        var notes: [DetectorNote] = []
        for (k, name) in names.enumerated() {
            var na = NotApplicableTally()
            for g in tallies[k].keys.sorted() {
                guard let tally = tallies[k][g] else { continue }
                let unit = g >= 0 ? context.unitName(g) : (context.units.isEmpty ? "*" : "*")
                switch spec.kind {
                case "last-digit":
                    guard case .applicable(let r) = tally.result(DigitPreconditions(minimumCount: 50, minimumOrdersOfMagnitude: nil)) else {
                        na.skip(en: "fewer than 50 values of at least 100 (smaller values' last digits are not uniform)",
                                zh: "不小于 100 的数值不足 50 个（较小数值的末位数字本不均匀）")
                        continue
                    }
                    na.ran()
                    let c = r.comparison
                    let top = c.counts.indices.max { c.counts[$0] < c.counts[$1] } ?? 0
                    let share = Double(c.counts[top]) / Double(max(c.total, 1))
                    tests.append(DetectorTest(
                        kind: spec.kind, family: "digits", unit: g, period: -1, pValue: c.pValue, effect: share >= 0.2,
                        fields: [name], expected: "10%", actual: "\(c.labels[top]): \(Words.percent(share))",
                        message: Message(
                            zh: "\(unit)：\(c.total) 个 \(name) 数值（≥ 100）的末位数字不均匀：数字 \(c.labels[top]) 占 \(Words.percent(share))（应约 10%），χ² = \(Words.fixed(c.chiSquare, sig: 3))，自由度 9",
                            en: "\(unit): the last digits of \(c.total) values of \(name) (≥ 100) are not uniform: digit \(c.labels[top]) makes \(Words.percent(share)) of them (10% expected), χ² = \(Words.fixed(c.chiSquare, sig: 3)) on 9 df")))
                case "rounding":
                    let counts = tally.counts
                    if tally.total >= 30, let t = Heaping.zeroOrFive(lastDigitCounts: counts).value {
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
                    if let l2 = lastTwo[k][g], l2.total >= 100, let t = Heaping.doubleZero(lastTwoDigitCounts: l2.counts).value {
                        tests.append(DetectorTest(
                            kind: spec.kind, family: "digits", unit: g, period: -1, pValue: t.pValue, effect: t.share >= 0.02,
                            fields: [name], expected: "1%", actual: Words.percent(t.share),
                            message: Message(
                                zh: "\(unit)：\(t.total) 个 \(name) 数值（≥ 1000）中 \(t.hits) 个以 00 结尾（应约 1%）",
                                en: "\(unit): \(t.hits) of \(t.total) values of \(name) (≥ 1000) end in 00 (about 1% expected)")))
                    }
                default:
                    let span = Self.centralSpan(logHistogram[k][g] ?? [])
                    guard span >= 2 else {
                        na.skip(en: "the central 90% of the values spans fewer than two orders of magnitude (Benford's law does not apply to narrow ranges)",
                                zh: "中间 90% 的数值跨度不足两个数量级（本福特定律不适用于窄范围数据）")
                        continue
                    }
                    guard case .applicable(let r) = tally.result(DigitPreconditions(minimumCount: nil, minimumOrdersOfMagnitude: 2)) else {
                        na.skip(en: "too few values for the χ² test (110 first digits, 1,146 first two)", zh: "数值太少，不足以做 χ² 检验（首位 110 个，前两位 1,146 个）")
                        continue
                    }
                    na.ran()
                    let c = r.comparison
                    let effect = r.bandIsMeaningful && r.band == .nonconformity
                    tests.append(DetectorTest(
                        kind: spec.kind, family: "digits", unit: g, period: -1, pValue: c.pValue, effect: effect,
                        fields: [name], expected: nil, actual: "MAD \(Words.fixed(c.mad, sig: 3))",
                        message: Message(
                            zh: "\(unit)：\(c.total) 个 \(name) 数值的\(test == .firstDigit ? "首位" : "前两位")数字偏离本福特分布：MAD = \(Words.fixed(c.mad, sig: 3))\(r.bandIsMeaningful ? "（\(r.band?.nigriniName ?? "")）" : "（样本量下 MAD 分级无意义，以 χ² 为准）")，χ² = \(Words.fixed(c.chiSquare, sig: 3))",
                            en: "\(unit): the \(test == .firstDigit ? "first" : "first two") digits of \(c.total) values of \(name) depart from Benford's law: MAD = \(Words.fixed(c.mad, sig: 3))\(r.bandIsMeaningful ? " (\(r.band?.nigriniName ?? ""))" : " (at this N the MAD bands mean nothing; χ² decides)"), χ² = \(Words.fixed(c.chiSquare, sig: 3))")))
                }
            }
            if let n = na.note(id: DetectorSpec.findingID(spec.kind), fields: [name], what: "\(spec.kind) on \(name)",
                               whatZh: "\(name) 的 \(spec.kind) 检验") { notes.append(n) }
        }
        return (tests, notes)
    }
}
