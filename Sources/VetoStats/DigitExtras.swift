#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-sample binomial proportion test: `hits` of `total` against an expected share.
public struct ProportionTest: Sendable, Hashable {
    public let hits: Int
    public let total: Int
    public let expectedShare: Double
    public let alternative: Alternative
    /// The exact binomial p-value.
    public let pValue: Double
    /// log10 of the p-value (finite where it underflows; for one-sided alternatives).
    public let log10PValue: Double

    /// hits/total.
    public var share: Double { Double(hits) / Double(total) }
    /// total × expectedShare.
    public var expectedHits: Double { Double(total) * expectedShare }

    /// Not applicable when total is 0 or the inputs are out of range.
    public static func test(hits: Int, total: Int, expectedShare: Double,
                            alternative: Alternative) -> Applicability<ProportionTest> {
        guard total > 0 else { return .notApplicable(NotApplicable(.noQualifyingValues)) }
        guard hits >= 0, hits <= total, expectedShare > 0, expectedShare < 1 else {
            return .notApplicable(NotApplicable(.invalidInput("\(hits) of \(total) at share \(expectedShare)")))
        }
        let p: Double, lp: Double
        switch alternative {
        case .greater:
            lp = Binomial.logUpperTail(atLeast: hits, trials: total, probability: expectedShare) / log(10)
            p = pow(10, lp)
        case .less:
            lp = Binomial.logLowerTail(atMost: hits, trials: total, probability: expectedShare) / log(10)
            p = pow(10, lp)
        case .twoSided:
            p = Binomial.pValue(successes: hits, trials: total, probability: expectedShare, alternative: .twoSided)
            lp = log10(p)
        }
        return .applicable(ProportionTest(hits: hits, total: total, expectedShare: expectedShare,
                                          alternative: alternative, pValue: p, log10PValue: lp))
    }
}

/// Round-number heaping (FORENSICS.md §2): the share of last written digits 0 or 5 against 0.2,
/// or of last two digits 00 against 0.01, one-sided exact binomial P(X ≥ observed).
public enum Heaping {
    /// 0/5 heaping from last-digit counts (cells 0…9, e.g. a `.lastDigit` tally's counts).
    public static func zeroOrFive(lastDigitCounts counts: [Int]) -> Applicability<ProportionTest> {
        guard counts.count == 10 else {
            return .notApplicable(NotApplicable(.invalidInput("\(counts.count) last-digit cells")))
        }
        return ProportionTest.test(hits: counts[0] + counts[5], total: counts.reduce(0, +),
                                   expectedShare: 0.2, alternative: .greater)
    }

    /// "00" heaping from last-two-digit counts (cells 0…99).
    public static func doubleZero(lastTwoDigitCounts counts: [Int]) -> Applicability<ProportionTest> {
        guard counts.count == 100 else {
            return .notApplicable(NotApplicable(.invalidInput("\(counts.count) last-two-digit cells")))
        }
        return doubleZero(hits: counts[0], total: counts.reduce(0, +))
    }

    /// "00" heaping from the count of values ending in 00 among `total` values of at least 100.
    public static func doubleZero(hits: Int, total: Int) -> Applicability<ProportionTest> {
        ProportionTest.test(hits: hits, total: total, expectedShare: 0.01, alternative: .greater)
    }

    /// Whipple's index W = 100·Σ P(ages 25, 30, …, 60) / (⅕·Σ P(ages 23…62)), from counts by
    /// single year of age; nil when no one is aged 23–62.
    public static func whippleIndex(countsByAge: [Int: Int]) -> Double? {
        let all = (23...62).reduce(0) { $0 + (countsByAge[$1] ?? 0) }
        guard all > 0 else { return nil }
        let heaped = stride(from: 25, through: 60, by: 5).reduce(0) { $0 + (countsByAge[$1] ?? 0) }
        return 100 * Double(heaped) / (Double(all) / 5)
    }
}

/// Patterns of the last two written digits (a, b) (Beber & Scacco 2012; FORENSICS.md §2).
///
/// Conventions: a value counts when it has at least two written digits of integer part, i.e.
/// |x| ≥ 10 by default. "Adjacent" is |a − b| = 1 (expected 0.18); with `wrap`, 0 and 9 are
/// adjacent too (0.20). Repeats a = b are expected at 0.10.
public struct DigitPairTally: Sendable, Hashable {
    /// Pairs counted.
    public private(set) var total = 0
    /// a = b.
    public private(set) var repeats = 0
    /// |a − b| = 1.
    public private(set) var adjacent = 0
    /// {a, b} = {0, 9}.
    public private(set) var wrapAdjacent = 0
    /// Count only |x| ≥ 10^k.
    public let minimumPowerOfTen: Int

    public init(minimumPowerOfTen: Int = 1) { self.minimumPowerOfTen = minimumPowerOfTen }

    /// Adds a value; returns whether it was counted.
    @discardableResult
    public mutating func add(_ x: DecimalDigits) -> Bool {
        guard x.absoluteValueIsAtLeast(powerOfTen: max(1, minimumPowerOfTen)) else { return false }
        let a = x.lastTwoWrittenDigits / 10, b = x.lastTwoWrittenDigits % 10
        total += 1
        if a == b { repeats += 1 }
        if abs(a - b) == 1 { adjacent += 1 }
        if abs(a - b) == 9 { wrapAdjacent += 1 }
        return true
    }

    /// Adjacent pairs under the chosen wrap convention.
    public func adjacentCount(wrap: Bool) -> Int { adjacent + (wrap ? wrapAdjacent : 0) }

    /// Distinct, non-adjacent pairs under the chosen wrap convention.
    public func nonAdjacentDistinctCount(wrap: Bool) -> Int { total - repeats - adjacentCount(wrap: wrap) }

    /// Repeats against 0.10.
    public func repeatTest(alternative: Alternative = .twoSided) -> Applicability<ProportionTest> {
        ProportionTest.test(hits: repeats, total: total, expectedShare: 0.1, alternative: alternative)
    }

    /// Adjacent pairs against 0.18 (0.20 with wrap).
    public func adjacentTest(wrap: Bool, alternative: Alternative = .greater) -> Applicability<ProportionTest> {
        ProportionTest.test(hits: adjacentCount(wrap: wrap), total: total, expectedShare: wrap ? 0.2 : 0.18,
                            alternative: alternative)
    }

    /// Distinct non-adjacent pairs against 0.72 (0.70 with wrap; Beber & Scacco quote 0.70).
    public func nonAdjacentTest(wrap: Bool, alternative: Alternative = .less) -> Applicability<ProportionTest> {
        ProportionTest.test(hits: nonAdjacentDistinctCount(wrap: wrap), total: total,
                            expectedShare: wrap ? 0.7 : 0.72, alternative: alternative)
    }
}

/// Nigrini's summation test: the share of Σ|x| within each first-digit or first-two-digits
/// group, expected 1/K per group (benford-py divides by the number of *observed* groups, a bug
/// when a group is empty; FORENSICS.md §9). Sums are Doubles (exact for integers below 2^53).
public struct SummationTally: Sendable, Hashable {
    /// `.firstDigit` or `.firstTwo` (others are accepted and use their own cells).
    public let test: DigitTest
    public let selection: DigitSelection
    /// Σ|x| per cell.
    public private(set) var sums: [Double]

    public init(_ test: DigitTest, selection: DigitSelection? = nil) {
        self.test = test
        self.selection = selection ?? .standard(for: test)
        sums = Array(repeating: 0, count: test.labels.count)
    }

    /// Adds a value; returns whether it was counted.
    @discardableResult
    public mutating func add(_ x: DecimalDigits) -> Bool {
        guard selection.includes(x), let cell = test.cell(of: x) else { return false }
        sums[cell - test.labels.lowerBound] += x.absoluteDoubleValue
        return true
    }

    /// The result: shares, MAD against 1/K, and the cells by |share − 1/K|, largest first.
    public func result() -> Applicability<SummationResult> {
        let total = sums.reduce(0, +)
        guard total > 0 else { return .notApplicable(NotApplicable(.noQualifyingValues)) }
        let k = Double(sums.count)
        let shares = sums.map { $0 / total }
        let mad = shares.reduce(0) { $0 + abs($1 - 1 / k) } / k
        let labels = Array(test.labels)
        let order = shares.indices.sorted { abs(shares[$0] - 1 / k) > abs(shares[$1] - 1 / k) }
        return .applicable(SummationResult(labels: labels, shares: shares, mad: mad,
                                           largestDeviations: order.map { (labels[$0], shares[$0]) }))
    }
}

/// The summation test's outcome.
public struct SummationResult: Sendable {
    public let labels: [Int]
    /// Share of the total per cell.
    public let shares: [Double]
    /// (1/K)·Σ|share − 1/K|.
    public let mad: Double
    /// (label, share) by |share − 1/K|, largest first.
    public let largestDeviations: [(label: Int, share: Double)]
    /// The number of groups with a non-zero sum.
    public var observedGroups: Int { shares.filter { $0 > 0 }.count }
}

/// The mantissa arc test (FORENSICS.md §1), streaming: L² = (mean cos 2πm)² + (mean sin 2πm)²,
/// p = exp(−N·L²), m = frac(log10|x|) from the first 17 significant digits (floating point).
public struct MantissaArcTally: Sendable, Hashable {
    public private(set) var count = 0
    private var sumCos = 0.0
    private var sumSin = 0.0
    public let selection: DigitSelection

    public init(selection: DigitSelection = DigitSelection(minimumPowerOfTen: nil)) { self.selection = selection }

    /// Adds a value; returns whether it was counted.
    @discardableResult
    public mutating func add(_ x: DecimalDigits) -> Bool {
        guard selection.includes(x), let m = x.logMantissa else { return false }
        count += 1
        sumCos += cos(2 * Double.pi * m)
        sumSin += sin(2 * Double.pi * m)
        return true
    }

    /// (L², p), nil when nothing was counted.
    public var result: (l2: Double, pValue: Double)? {
        guard count > 0 else { return nil }
        let n = Double(count)
        let l2 = (sumCos / n) * (sumCos / n) + (sumSin / n) * (sumSin / n)
        return (l2, exp(-n * l2))
    }
}

/// Moments and uniformity of the log mantissas (benford-py's `Mantissas`): for Benford data
/// mean ½, variance 1/12, skewness 0, excess kurtosis −1.2.
public struct MantissaStatistics: Sendable, Hashable {
    public let count: Int
    public let mean: Double
    /// Sample variance (n − 1), as pandas.
    public let variance: Double
    /// Adjusted Fisher–Pearson skewness G₁, as pandas.
    public let skewness: Double
    /// Bias-corrected excess kurtosis G₂, as pandas.
    public let excessKurtosis: Double
    /// The Kolmogorov–Smirnov distance to Uniform(0, 1): max(i/n − m₍ᵢ₎, m₍ᵢ₎ − (i−1)/n).
    public let ks: Double
    /// benford-py 0.5.0's "KS": max|m₍ᵢ₎ − (i−1)/n| only (it compares the sorted mantissas with
    /// `arange(0, 1, 1/n)`), 1/n below the true KS when the largest gap is above the diagonal.
    public let ksBenfordPy: Double

    /// From the mantissas (each in [0, 1)); nil with fewer than 4.
    /// - Complexity: O(n log n).
    public init?(mantissas: [Double]) {
        let n = mantissas.count
        guard n >= 4 else { return nil }
        let nn = Double(n)
        let mean = mantissas.reduce(0, +) / nn
        var m2 = 0.0, m3 = 0.0, m4 = 0.0
        for x in mantissas {
            let d = x - mean
            m2 += d * d
            m3 += d * d * d
            m4 += d * d * d * d
        }
        count = n
        self.mean = mean
        variance = m2 / (nn - 1)
        let g2 = m2 / nn, g3 = m3 / nn, g4 = m4 / nn
        skewness = (nn * (nn - 1)).squareRoot() / (nn - 2) * g3 / pow(g2, 1.5)
        excessKurtosis = (nn - 1) / ((nn - 2) * (nn - 3)) * ((nn + 1) * (g4 / (g2 * g2)) - 3 * (nn - 1))
        let sorted = mantissas.sorted()
        var d = 0.0, db = 0.0
        for (i, m) in sorted.enumerated() {
            let lo = Double(i) / nn, hi = Double(i + 1) / nn
            d = max(d, hi - m, m - lo)
            db = max(db, abs(m - lo))
        }
        ks = d
        ksBenfordPy = db
    }
}

/// Exact duplicates: the values that occur more than once, most frequent first (ties in first-
/// appearance order).
/// - Complexity: O(n) expected.
public func duplicateCounts<T: Hashable>(_ values: some Sequence<T>) -> [(value: T, count: Int)] {
    var counts: [T: Int] = [:]
    var order: [T] = []
    for v in values {
        if let c = counts[v] {
            counts[v] = c + 1
        } else {
            counts[v] = 1
            order.append(v)
        }
    }
    let dups = order.enumerated().compactMap { i, v -> (Int, T, Int)? in
        let c = counts[v] ?? 0
        return c > 1 ? (i, v, c) : nil
    }
    return dups.sorted { $0.2 != $1.2 ? $0.2 > $1.2 : $0.0 < $1.0 }.map { ($0.1, $0.2) }
}
