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
        adjust(p, alongside: [], yekutieli: false)
    }

    /// Benjamini–Yekutieli adjusted p-values, valid under any dependence: the BH values times
    /// c(m) = Σ_{j=1}^m 1/j, capped at 1.
    /// - Complexity: O(m log m).
    public static func benjaminiYekutieli(_ p: [Double]) -> Applicability<[Double]> {
        adjust(p, alongside: [], yekutieli: true)
    }

    /// The BH q-values of `p` among m = `p.count` + Σ `rest.count` p-values, the others given as
    /// runs of one value each (a detector's comparisons that found nothing, all at one p-value):
    /// the same values, bit for bit, as ``benjaminiHochberg(_:)`` of `p` with every run written
    /// out, without writing them out. Not applicable when m is 0 or a value is outside [0, 1].
    /// - Complexity: O(n log n + r log r) time and O(n + r) memory for n = `p.count` values and
    ///   r runs, whatever the runs' counts.
    public static func benjaminiHochberg(_ p: [Double], alongside rest: [(value: Double, count: Int)]) -> Applicability<[Double]> {
        adjust(p, alongside: rest, yekutieli: false)
    }

    /// ``benjaminiYekutieli(_:)`` of `p` among the runs `rest`, as ``benjaminiHochberg(_:alongside:)``.
    /// - Complexity: as ``benjaminiHochberg(_:alongside:)``, plus O(m) time for c(m).
    public static func benjaminiYekutieli(_ p: [Double], alongside rest: [(value: Double, count: Int)]) -> Applicability<[Double]> {
        adjust(p, alongside: rest, yekutieli: true)
    }

    /// Step-up from the largest value: q₍ᵢ₎ = min(1, min_{j ≥ i} factor·m·p₍ⱼ₎/j). Values that tie
    /// share the candidate of their last rank (it is the smallest of theirs: a larger divisor
    /// never rounds to a larger quotient), so a run of equal values is one step, and the order
    /// among ties does not matter.
    private static func adjust(_ p: [Double], alongside rest: [(value: Double, count: Int)], yekutieli: Bool) -> Applicability<[Double]> {
        var m = p.count
        for r in rest where r.count > 0 { m += r.count }
        guard m > 0 else { return .notApplicable(NotApplicable(.noQualifyingValues)) }
        guard p.allSatisfy({ $0 >= 0 && $0 <= 1 }), rest.allSatisfy({ $0.count <= 0 || ($0.value >= 0 && $0.value <= 1) }) else {
            return .notApplicable(NotApplicable(.invalidInput("a p-value outside [0, 1]")))
        }
        var factor = 1.0
        if yekutieli {
            factor = 0
            for j in stride(from: m, through: 1, by: -1) { factor += 1 / Double(j) }
        }
        let order = p.indices.sorted { p[$0] < p[$1] }
        let runs = rest.filter { $0.count > 0 }.sorted { $0.value < $1.value }
        var q = [Double](repeating: 1, count: p.count)
        var running = Double.infinity
        var rank = m, i = order.count - 1, r = runs.count - 1
        while rank > 0 && (i >= 0 || r >= 0) {
            let v = Swift.max(i >= 0 ? p[order[i]] : -1, r >= 0 ? runs[r].value : -1)
            running = Swift.min(running, factor * Double(m) * v / Double(rank))
            while i >= 0 && p[order[i]] == v {
                q[order[i]] = Swift.min(1, running)
                i -= 1
                rank -= 1
            }
            while r >= 0 && runs[r].value == v {
                rank -= runs[r].count
                r -= 1
            }
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
