#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The digit tests of FORENSICS.md §1–2.
public enum DigitTest: String, Sendable, Hashable, CaseIterable {
    /// First significant digit, Benford: P(d) = log10(1 + 1/d), d = 1…9.
    case firstDigit = "F1D"
    /// Second significant digit, Benford: P(d₂) = Σ_{d₁} log10(1 + 1/(10d₁ + d₂)).
    case secondDigit = "SD"
    /// First two significant digits, Benford, d = 10…99.
    case firstTwo = "F2D"
    /// First three significant digits, Benford, d = 100…999.
    case firstThree = "F3D"
    /// Last written digit, uniform 1/10 (Beber & Scacco).
    case lastDigit = "LD"
    /// Last two written digits, uniform 1/100 (benford-py's 1/99 is a bug; FORENSICS.md §9).
    case lastTwo = "L2D"

    /// The cell labels.
    public var labels: ClosedRange<Int> {
        switch self {
        case .firstDigit: return 1...9
        case .secondDigit, .lastDigit: return 0...9
        case .firstTwo: return 10...99
        case .firstThree: return 100...999
        case .lastTwo: return 0...99
        }
    }

    /// The expected proportion of each cell, in label order.
    public var expected: [Double] {
        switch self {
        case .firstDigit, .firstTwo, .firstThree:
            return labels.map { log10(1 + 1 / Double($0)) }
        case .secondDigit:
            return labels.map { d2 in (1...9).reduce(0.0) { $0 + log10(1 + 1 / Double(10 * $1 + d2)) } }
        case .lastDigit: return Array(repeating: 0.1, count: 10)
        case .lastTwo: return Array(repeating: 0.01, count: 100)
        }
    }

    /// Whether the expected law is Benford's (so the magnitude-span precondition applies).
    public var isBenford: Bool {
        switch self {
        case .firstDigit, .secondDigit, .firstTwo, .firstThree: return true
        case .lastDigit, .lastTwo: return false
        }
    }

    /// The k of the standard selection |x| ≥ 10^k (FORENSICS.md): SD and F2D need x ≥ 10,
    /// F3D x ≥ 100, the last digit x ≥ 100 (Beber & Scacco), the last two x ≥ 1000
    /// (benford-py's rule: in a 3-digit number the tens digit is the second digit); nil for the
    /// first digit (any non-zero value).
    public var standardMinimumPowerOfTen: Int? {
        switch self {
        case .firstDigit: return nil
        case .secondDigit, .firstTwo: return 1
        case .firstThree, .lastDigit: return 2
        case .lastTwo: return 3
        }
    }

    /// The N at which every expected count reaches 5, so χ² is valid: ⌈5/min EP⌉ — 110 (F1D),
    /// 59 (SD), 1,146 (F2D), 11,508 (F3D), 50 (LD), 500 (L2D).
    public var minimumCountForChiSquare: Int {
        let smallest = expected.min() ?? 1
        return Int((5 / smallest * (1 - 1e-12)).rounded(.up))
    }

    /// Nigrini's MAD bands (Table 7.1; FORENSICS.md §1), nil for the last-digit tests.
    public var madBands: MADBands? {
        switch self {
        case .firstDigit: return MADBands(close: 0.006, acceptable: 0.012, marginal: 0.015)
        case .secondDigit: return MADBands(close: 0.008, acceptable: 0.010, marginal: 0.012)
        case .firstTwo: return MADBands(close: 0.0012, acceptable: 0.0018, marginal: 0.0022)
        case .firstThree: return MADBands(close: 0.00036, acceptable: 0.00044, marginal: 0.00050)
        case .lastDigit, .lastTwo: return nil
        }
    }

    /// c in E[MAD] ≈ c/√N for a genuinely Benford source (FORENSICS.md §1, Monte Carlo).
    public var expectedMADConstant: Double? {
        switch self {
        case .firstDigit: return 0.23485
        case .secondDigit: return 0.23893
        case .firstTwo: return 0.07935
        case .firstThree: return 0.02525
        case .lastDigit, .lastTwo: return nil
        }
    }

    /// The N below which a genuine Benford source is expected to be "nonconformity" by MAD
    /// (FORENSICS.md §1): below it the bands say nothing, use χ² or exact p-values.
    public var minimumCountForMADBands: Int? {
        switch self {
        case .firstDigit: return 246
        case .secondDigit: return 397
        case .firstTwo: return 1301
        case .firstThree: return 2550
        case .lastDigit, .lastTwo: return nil
        }
    }

    /// The cell of a value for this test (ignoring any selection), nil for zero.
    /// Values with fewer significant digits are padded with zeros (5 → F2D 50).
    public func cell(of x: DecimalDigits) -> Int? {
        if x.isZero { return nil }
        switch self {
        case .firstDigit: return x.firstDigits(1)
        case .secondDigit: return x.secondDigit
        case .firstTwo: return x.firstDigits(2)
        case .firstThree: return x.firstDigits(3)
        case .lastDigit: return x.lastWrittenDigit
        case .lastTwo: return x.lastTwoWrittenDigits
        }
    }
}

/// Nigrini's MAD conformity bands: each bound is the upper end of its band; a MAD equal to a
/// bound falls in the band above it (ref_stats.py's convention).
public struct MADBands: Sendable, Hashable {
    public let close: Double
    public let acceptable: Double
    public let marginal: Double

    /// The band of a MAD.
    public func band(of mad: Double) -> ConformityBand {
        if mad < close { return .close }
        if mad < acceptable { return .acceptable }
        if mad < marginal { return .marginal }
        return .nonconformity
    }
}

/// A MAD conformity band.
public enum ConformityBand: String, Sendable, Hashable, CaseIterable {
    case close, acceptable, marginal, nonconformity

    /// Nigrini's wording ("close conformity", …, "marginally acceptable conformity").
    public var nigriniName: String {
        switch self {
        case .close: return "close conformity"
        case .acceptable: return "acceptable conformity"
        case .marginal: return "marginally acceptable conformity"
        case .nonconformity: return "nonconformity"
        }
    }
}

/// Which values a digit test counts.
public struct DigitSelection: Sendable, Hashable {
    /// How signs are treated.
    public enum Signs: String, Sendable, Hashable {
        /// x > 0 only (benford.analysis' default `sign="positive"`).
        case positiveOnly
        /// |x| for every non-zero x (FORENSICS.md: "take |x|"; benford.analysis `sign="both"`).
        case absoluteValue
    }

    public var signs: Signs
    /// Count only |x| ≥ 10^k; nil counts every non-zero value, padding short ones with zeros.
    public var minimumPowerOfTen: Int?

    public init(signs: Signs = .absoluteValue, minimumPowerOfTen: Int?) {
        self.signs = signs
        self.minimumPowerOfTen = minimumPowerOfTen
    }

    /// FORENSICS.md's selection for a test: |x|, at least the test's standard minimum.
    public static func standard(for test: DigitTest) -> DigitSelection {
        DigitSelection(signs: .absoluteValue, minimumPowerOfTen: test.standardMinimumPowerOfTen)
    }

    /// Whether a value is counted.
    public func includes(_ x: DecimalDigits) -> Bool {
        if x.isZero { return false }
        if signs == .positiveOnly && x.isNegative { return false }
        if let k = minimumPowerOfTen, !x.absoluteValueIsAtLeast(powerOfTen: k) { return false }
        return true
    }
}

/// When a digit test applies.
public struct DigitPreconditions: Sendable, Hashable {
    /// The least N; nil means the test's `minimumCountForChiSquare`.
    public var minimumCount: Int?
    /// The least span log10(max) − log10(min) of the counted values, for Benford tests only
    /// (bounded or narrow-range data are not Benford: FORENSICS.md §1); nil to skip.
    public var minimumOrdersOfMagnitude: Double?

    public init(minimumCount: Int? = nil, minimumOrdersOfMagnitude: Double? = 2) {
        self.minimumCount = minimumCount
        self.minimumOrdersOfMagnitude = minimumOrdersOfMagnitude
    }

    /// N ≥ the χ²-validity N and, for Benford tests, a span of at least 2 orders of magnitude.
    public static let standard = DigitPreconditions()
    /// Only "something was counted": to reproduce reference outputs on narrow-range data.
    public static let none = DigitPreconditions(minimumCount: 1, minimumOrdersOfMagnitude: nil)
}

/// A streaming digit counter for one test: bounded state (K counts and a range), values added one
/// at a time, mergeable across chunks.
public struct DigitTally: Sendable, Hashable {
    public let test: DigitTest
    public let selection: DigitSelection
    /// Counts per cell, in `test.labels` order.
    public private(set) var counts: [Int]
    /// Values seen but not counted (zero, or outside the selection).
    public private(set) var excluded: Int = 0
    /// log10 of the smallest and largest counted |x| (for the magnitude-span precondition).
    public private(set) var log10Range: (min: Double, max: Double)? = nil

    public init(_ test: DigitTest, selection: DigitSelection? = nil) {
        self.test = test
        self.selection = selection ?? .standard(for: test)
        counts = Array(repeating: 0, count: test.labels.count)
    }

    /// N, the number of values counted.
    public var total: Int { counts.reduce(0, +) }

    /// log10(max) − log10(min) of the counted values; 0 with fewer than two.
    public var ordersOfMagnitude: Double {
        guard let r = log10Range else { return 0 }
        return r.max - r.min
    }

    /// Adds a value; returns whether it was counted.
    /// - Complexity: O(1).
    @discardableResult
    public mutating func add(_ x: DecimalDigits) -> Bool {
        guard selection.includes(x), let cell = test.cell(of: x) else {
            excluded += 1
            return false
        }
        counts[cell - test.labels.lowerBound] += 1
        let l = x.log10Magnitude
        if let r = log10Range {
            log10Range = (min(r.min, l), max(r.max, l))
        } else {
            log10Range = (l, l)
        }
        return true
    }

    /// Adds another tally of the same test and selection (chunks of one column).
    public mutating func merge(_ other: DigitTally) {
        guard other.test == test, other.selection == selection else { return }
        for i in counts.indices { counts[i] += other.counts[i] }
        excluded += other.excluded
        if let o = other.log10Range {
            if let r = log10Range { log10Range = (min(r.min, o.min), max(r.max, o.max)) } else { log10Range = o }
        }
    }

    /// The test's statistics, or why it does not apply.
    /// - Complexity: O(K).
    public func result(_ preconditions: DigitPreconditions = .standard) -> Applicability<DigitTestResult> {
        let n = total
        let needed = preconditions.minimumCount ?? test.minimumCountForChiSquare
        if n == 0 { return .notApplicable(NotApplicable(.noQualifyingValues)) }
        if n < needed { return .notApplicable(NotApplicable(.tooFewValues(have: n, needed: needed))) }
        if test.isBenford, let span = preconditions.minimumOrdersOfMagnitude, ordersOfMagnitude < span {
            return .notApplicable(NotApplicable(.narrowRange(ordersOfMagnitude: ordersOfMagnitude, needed: span)))
        }
        return DistributionComparison.compare(counts: counts, expected: test.expected, labels: Array(test.labels))
            .map { DigitTestResult(test: test, comparison: $0, ordersOfMagnitude: ordersOfMagnitude) }
    }

    public static func == (a: DigitTally, b: DigitTally) -> Bool {
        a.test == b.test && a.selection == b.selection && a.counts == b.counts && a.excluded == b.excluded
            && a.log10Range?.min == b.log10Range?.min && a.log10Range?.max == b.log10Range?.max
    }

    public func hash(into h: inout Hasher) {
        h.combine(test)
        h.combine(selection)
        h.combine(counts)
        h.combine(excluded)
    }
}

/// A digit test's outcome: the comparison with its law plus the MAD band where it means anything.
public struct DigitTestResult: Sendable, Hashable {
    public let test: DigitTest
    /// Counts, MAD, χ² and p, Z, KS, m*, d*.
    public let comparison: DistributionComparison
    /// log10(max/min) of the counted values.
    public let ordersOfMagnitude: Double

    /// The MAD band (nil for tests without bands), whatever N is; see `bandIsMeaningful`.
    public var band: ConformityBand? { test.madBands?.band(of: comparison.mad) }

    /// Whether N is large enough for the band to say anything (FORENSICS.md §1: a genuine source
    /// of fewer values is expected to be "nonconformity" by MAD alone).
    public var bandIsMeaningful: Bool {
        guard let n = test.minimumCountForMADBands else { return false }
        return comparison.total >= n
    }

    /// E[MAD] ≈ c/√N of a genuine Benford source of this N.
    public var expectedMAD: Double? { test.expectedMADConstant.map { $0 / Double(comparison.total).squareRoot() } }

    /// MAD − E[MAD] (Kossovsky's excess MAD), for small N.
    public var excessMAD: Double? { expectedMAD.map { comparison.mad - $0 } }
}
