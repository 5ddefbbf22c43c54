#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Multiple-testing adjustments (FORENSICS.md §5; SciPy `stats.false_discovery_control`).
public enum Multiplicity {
    /// Benjamini–Hochberg adjusted p-values (q-values), in input order:
    /// q₍ᵢ₎ = min_{j ≥ i} m·p₍ⱼ₎/j, capped at 1. Not applicable for an empty list or a p-value
    /// outside [0, 1] (NaN included).
    /// - Complexity: O(m log m).
    public static func benjaminiHochberg(_ p: [Double]) -> Applicability<[Double]> {
        adjust(p, factor: 1)
    }

    /// Benjamini–Yekutieli adjusted p-values, valid under any dependence: the BH values times
    /// c(m) = Σ_{j=1}^m 1/j, capped at 1.
    /// - Complexity: O(m log m).
    public static func benjaminiYekutieli(_ p: [Double]) -> Applicability<[Double]> {
        let m = p.count
        var c = 0.0
        for j in stride(from: m, through: 1, by: -1) { c += 1 / Double(j) }
        return adjust(p, factor: c)
    }

    private static func adjust(_ p: [Double], factor: Double) -> Applicability<[Double]> {
        let m = p.count
        guard m > 0 else { return .notApplicable(NotApplicable(.noQualifyingValues)) }
        guard p.allSatisfy({ $0 >= 0 && $0 <= 1 }) else {
            return .notApplicable(NotApplicable(.invalidInput("a p-value outside [0, 1]")))
        }
        let order = p.indices.sorted { p[$0] < p[$1] }
        var q = [Double](repeating: 1, count: m)
        var running = Double.infinity
        for rank in stride(from: m, through: 1, by: -1) {
            let i = order[rank - 1]
            running = min(running, factor * Double(m) * p[i] / Double(rank))
            q[i] = min(1, running)
        }
        return .applicable(q)
    }
}

/// Combining p-values of several detectors for one unit (FORENSICS.md §5).
public enum Combination {
    /// A combined statistic and its p-value.
    public struct Combined: Sendable, Hashable {
        public let statistic: Double
        public let pValue: Double
    }

    /// Fisher: −2Σ ln pᵢ ~ χ²(2k). Assumes independence.
    /// - Complexity: O(k).
    public static func fisher(_ p: [Double]) -> Applicability<Combined> {
        if let bad = validate(p) { return .notApplicable(bad) }
        let stat = -2 * p.reduce(0.0) { $0 + log($1) }
        return .applicable(Combined(statistic: stat, pValue: ChiSquare.survival(stat, degreesOfFreedom: Double(2 * p.count))))
    }

    /// Stouffer: Z = Σwᵢ·Φ⁻¹(1 − pᵢ)/√Σwᵢ², p = 1 − Φ(Z) (equal weights by default).
    /// Assumes independence. Φ⁻¹(1 − p) is taken without forming 1 − p; p-values of exactly 0
    /// or 1 are clamped to the nearest representable open-interval value.
    /// - Complexity: O(k).
    public static func stouffer(_ p: [Double], weights: [Double]? = nil) -> Applicability<Combined> {
        if let bad = validate(p) { return .notApplicable(bad) }
        let w = weights ?? Array(repeating: 1, count: p.count)
        guard w.count == p.count, w.allSatisfy({ $0 >= 0 && $0.isFinite }), w.contains(where: { $0 > 0 }) else {
            return .notApplicable(NotApplicable(.invalidInput("weights do not match the p-values")))
        }
        let num = zip(p, w).reduce(0.0) { $0 + $1.1 * Normal.upperQuantile(clampOpen($1.0)) }
        let z = num / w.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
        return .applicable(Combined(statistic: z, pValue: Normal.survival(z)))
    }

    /// The Cauchy combination test (Liu & Xie 2020), valid under arbitrary dependence:
    /// T = Σwᵢ·tan((½ − pᵢ)π) with weights normalised to Σw = 1 (equal by default),
    /// p = ½ − arctan(T)/π. tan((½ − p)π) is evaluated as 1/tan(pπ) and the p-value as
    /// arctan(1/T)/π for T > 0, so tiny p-values keep their precision.
    /// - Complexity: O(k).
    public static func cauchy(_ p: [Double], weights: [Double]? = nil) -> Applicability<Combined> {
        if let bad = validate(p) { return .notApplicable(bad) }
        let w = weights ?? Array(repeating: 1, count: p.count)
        let total = w.reduce(0, +)
        guard w.count == p.count, w.allSatisfy({ $0 >= 0 && $0.isFinite }), total > 0 else {
            return .notApplicable(NotApplicable(.invalidInput("weights do not match the p-values")))
        }
        let t = zip(p, w).reduce(0.0) { acc, pw in
            let x = clampOpen(pw.0)
            let cot = x == 0.5 ? 0 : 1 / tan(Double.pi * x)
            return acc + pw.1 / total * cot
        }
        let pv = t > 0 ? atan(1 / t) / Double.pi : 0.5 - atan(t) / Double.pi
        return .applicable(Combined(statistic: t, pValue: pv))
    }

    /// Bonferroni on the smallest p-value: min(1, k·min pᵢ).
    public static func bonferroniMinimum(_ p: [Double]) -> Applicability<Double> {
        if let bad = validate(p) { return .notApplicable(bad) }
        return .applicable(min(1, Double(p.count) * (p.min() ?? 1)))
    }

    /// Sellke–Bayarri–Berger's bound on the Bayes factor against H₀, 1/(−e·p·ln p) for p < 1/e
    /// (2.46 at p = 0.05): how much one p-value can at most say.
    public static func bayesFactorBound(_ p: Double) -> Double? {
        guard p > 0, p < exp(-1) else { return p >= exp(-1) && p <= 1 ? 1 : nil }
        return 1 / (-exp(1) * p * log(p))
    }

    /// Nil when every p-value is in [0, 1] (and there is one).
    private static func validate(_ p: [Double]) -> NotApplicable? {
        guard !p.isEmpty else { return NotApplicable(.noQualifyingValues) }
        for x in p where !(x >= 0 && x <= 1) {
            return NotApplicable(.invalidInput("p-value \(x) outside [0, 1]"))
        }
        return nil
    }

    /// p clamped into [2.2e-308, 1 − 1.1e-16], so 0 and 1 give large finite scores of the
    /// right sign instead of infinities (Stouffer, Cauchy).
    private static func clampOpen(_ p: Double) -> Double {
        min(max(p, Double.leastNormalMagnitude), 1 - Double.ulpOfOne / 2)
    }
}
