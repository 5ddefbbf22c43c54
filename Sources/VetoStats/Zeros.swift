#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Implausible zeros (FORENSICS.md §4).
public enum ImplausibleZero {
    /// P(0) = e^(−λ) for one unit with expected count λ = rate × exposure.
    public static func singleUnit(expected lambda: Double) -> Double {
        guard lambda >= 0 else { return .nan }
        return exp(-lambda)
    }

    /// The number of zeros among many units with external expected counts λᵢ (from a baseline
    /// other than the figures under test): #zeros ~ Poisson-binomial(pᵢ = e^(−λᵢ)).
    public struct ManyUnitsTest: Sendable, Hashable {
        public let observedZeros: Int
        /// Σ e^(−λᵢ).
        public let expectedZeros: Double
        /// P(#zeros ≥ observed).
        public let pValue: Double
        /// Exact or approximate (`PoissonBinomial`).
        public let method: PoissonBinomial.Method
    }

    /// Not applicable without units, with a negative λ, or with more zeros than units.
    /// - Complexity: O(n·observedZeros) exact.
    public static func manyUnits(expected lambdas: [Double], observedZeros: Int) -> Applicability<ManyUnitsTest> {
        guard !lambdas.isEmpty else { return .notApplicable(NotApplicable(.noQualifyingValues)) }
        guard lambdas.allSatisfy({ $0 >= 0 && $0.isFinite }), observedZeros >= 0, observedZeros <= lambdas.count else {
            return .notApplicable(NotApplicable(.invalidInput("expected counts or zero count out of range")))
        }
        let dist = PoissonBinomial(probabilities: lambdas.map { exp(-$0) })
        let (p, method) = dist.upperTail(atLeast: observedZeros)
        return .applicable(ManyUnitsTest(observedZeros: observedZeros, expectedZeros: dist.mean, pValue: p, method: method))
    }

    /// van den Broek's (1995) score test for zero inflation when the Poisson mean is estimated
    /// from the same counts.
    public struct VanDenBroekTest: Sendable, Hashable {
        /// n.
        public let count: Int
        /// n₀, the zeros observed.
        public let zeros: Int
        /// ȳ.
        public let mean: Double
        /// p̂₀ = e^(−ȳ).
        public let zeroProbability: Double
        /// S = (n₀/p̂₀ − n)² / (n(1 − p̂₀)/p̂₀ − n·ȳ) ~ χ²(1).
        public let score: Double
        /// P(χ²(1) ≥ S) (either direction; see `excessZeros`).
        public let pValue: Double

        /// n·p̂₀.
        public var expectedZeros: Double { Double(count) * zeroProbability }
        /// Whether the zeros exceed expectation (inflation) rather than fall short of it.
        public var excessZeros: Bool { Double(zeros) > expectedZeros }
    }

    /// Not applicable with fewer than 2 counts, a negative count, or a zero mean.
    /// - Complexity: O(n).
    public static func vanDenBroek(counts: [Int]) -> Applicability<VanDenBroekTest> {
        let n = counts.count
        guard n >= 2 else { return .notApplicable(NotApplicable(.tooFewValues(have: n, needed: 2))) }
        guard counts.allSatisfy({ $0 >= 0 }) else { return .notApplicable(NotApplicable(.invalidInput("a negative count"))) }
        let total = counts.reduce(0.0) { $0 + Double($1) }
        guard total > 0 else { return .notApplicable(NotApplicable(.degenerate("every count is zero"))) }
        let nn = Double(n)
        let mean = total / nn
        let p0 = exp(-mean)
        let n0 = counts.filter { $0 == 0 }.count
        let numerator = (Double(n0) / p0 - nn) * (Double(n0) / p0 - nn)
        let denominator = nn * (1 - p0) / p0 - nn * mean
        guard denominator > 0 else { return .notApplicable(NotApplicable(.degenerate("the score's variance is not positive"))) }
        let s = numerator / denominator
        return .applicable(VanDenBroekTest(count: n, zeros: n0, mean: mean, zeroProbability: p0, score: s,
                                           pValue: ChiSquare.survival(s, degreesOfFreedom: 1)))
    }
}
