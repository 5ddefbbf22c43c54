#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How the Nigrini Z statistic applies its continuity correction 1/(2N).
public enum ZCorrection: String, Sendable, Hashable {
    /// Always subtract 1/(2N) (benford-py 0.5.0 and R benford.analysis; Z may be negative).
    case always
    /// Subtract it only when it is smaller than |AP − EP| (Nigrini 2012).
    case nigrini
}

/// Observed counts over K cells compared with expected proportions: the statistics of
/// FORENSICS.md §1 (MAD, χ² with p, Nigrini Z per cell, KS, m*, d*).
///
/// K cells, N = Σ counts, observed proportion AP = count/N, expected EP:
/// MAD = (1/K)Σ|AP−EP|; χ² = Σ(O−N·EP)²/(N·EP), df = K−1; Z = (|AP−EP| − 1/(2N))/√(EP(1−EP)/N);
/// KS = max over cells (in label order) of |cumulative AP − cumulative EP|;
/// m* = √N·max|AP−EP|; d* = √N·√Σ(AP−EP)².
public struct DistributionComparison: Sendable, Hashable {
    /// The cell labels (digits), in order.
    public let labels: [Int]
    /// Observed counts per cell.
    public let counts: [Int]
    /// Expected proportions per cell (need not sum to 1: benford-py's L2D uses 1/99 per cell).
    public let expected: [Double]
    /// N, the number of values counted.
    public let total: Int
    /// Mean absolute deviation of the proportions.
    public let mad: Double
    /// Pearson's χ².
    public let chiSquare: Double
    /// K − 1.
    public let degreesOfFreedom: Int
    /// P(χ²(K−1) ≥ χ²); 0 where it underflows (see `log10PValue`).
    public let pValue: Double
    /// log10 of the p-value, finite where the p-value underflows.
    public let log10PValue: Double
    /// Kolmogorov–Smirnov distance on the cumulative proportions.
    public let ks: Double
    /// m* = √N·max|AP − EP| (Morrow).
    public let mStar: Double
    /// d* = √N·√Σ(AP − EP)² (Morrow).
    public let dStar: Double

    /// Morrow's critical values of m* at α = 0.10, 0.05, 0.01 (FORENSICS.md §1).
    public static let mStarCritical = (alpha10: 0.851, alpha05: 0.967, alpha01: 1.212)
    /// Morrow's critical values of d* at α = 0.10, 0.05, 0.01.
    public static let dStarCritical = (alpha10: 1.212, alpha05: 1.330, alpha01: 1.569)

    /// Compares `counts` with `expected` proportions; not applicable when nothing was counted,
    /// the shapes differ, or an expected proportion is not positive.
    /// - Complexity: O(K).
    public static func compare(counts: [Int], expected: [Double], labels: [Int]? = nil)
        -> Applicability<DistributionComparison>
    {
        guard counts.count == expected.count, counts.count >= 2 else {
            return .notApplicable(NotApplicable(.invalidInput("\(counts.count) counts for \(expected.count) expected cells")))
        }
        guard expected.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            return .notApplicable(NotApplicable(.invalidInput("an expected proportion is not positive")))
        }
        guard counts.allSatisfy({ $0 >= 0 }) else {
            return .notApplicable(NotApplicable(.invalidInput("a negative count")))
        }
        let n = counts.reduce(0, +)
        guard n > 0 else { return .notApplicable(NotApplicable(.noQualifyingValues)) }
        let labels = labels ?? Array(0..<counts.count)
        guard labels.count == counts.count else {
            return .notApplicable(NotApplicable(.invalidInput("\(labels.count) labels for \(counts.count) cells")))
        }
        return .applicable(DistributionComparison(labels: labels, counts: counts, expected: expected, total: n))
    }

    private init(labels: [Int], counts: [Int], expected: [Double], total n: Int) {
        self.labels = labels
        self.counts = counts
        self.expected = expected
        total = n
        let nn = Double(n)
        var absSum = 0.0, chi = 0.0, maxDev = 0.0, sq = 0.0, ks = 0.0
        var cumA = 0.0, cumE = 0.0
        for (c, e) in zip(counts, expected) {
            let ap = Double(c) / nn
            let d = ap - e
            absSum += abs(d)
            let expectedCount = nn * e
            chi += (Double(c) - expectedCount) * (Double(c) - expectedCount) / expectedCount
            maxDev = max(maxDev, abs(d))
            sq += d * d
            cumA += ap
            cumE += e
            ks = max(ks, abs(cumA - cumE))
        }
        mad = absSum / Double(counts.count)
        chiSquare = chi
        degreesOfFreedom = counts.count - 1
        let lp = ChiSquare.logSurvival(chi, degreesOfFreedom: Double(counts.count - 1))
        pValue = exp(lp)
        log10PValue = lp / log(10)
        self.ks = ks
        mStar = nn.squareRoot() * maxDev
        dStar = nn.squareRoot() * sq.squareRoot()
    }

    /// Observed proportions AP.
    public var proportions: [Double] { counts.map { Double($0) / Double(total) } }

    /// Nigrini's Z per cell.
    /// - Complexity: O(K).
    public func zScores(_ correction: ZCorrection = .always) -> [Double] {
        let nn = Double(total)
        let cc = 1 / (2 * nn)
        return zip(counts, expected).map { c, e in
            let d = abs(Double(c) / nn - e)
            let numerator = correction == .always || cc < d ? d - cc : d
            return numerator / (e * (1 - e) / nn).squareRoot()
        }
    }

    /// The largest Z and its cell label (the first such cell on ties).
    public func maxZ(_ correction: ZCorrection = .always) -> (label: Int, z: Double) {
        let z = zScores(correction)
        var best = 0
        for i in z.indices where z[i] > z[best] { best = i }
        return (labels[best], z[best])
    }

    /// A Kolmogorov–Smirnov critical value coefficient/√N: 1.36 (R, α = 0.05), 1.358
    /// (benford-py), or 1.148 for the first-digit null at 95 % (FORENSICS.md §1, Monte Carlo).
    public func ksCritical(coefficient: Double = 1.36) -> Double { coefficient / Double(total).squareRoot() }
}
