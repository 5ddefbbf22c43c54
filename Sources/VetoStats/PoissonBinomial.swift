#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The distribution of a sum of independent Bernoulli(pᵢ) trials — e.g. the number of units that
/// report zero when unit i has probability pᵢ = e^(−λᵢ) of an honest zero (FORENSICS.md §4).
///
/// Tails are exact (the recursion dist′[j] = dist[j]·(1−p) + dist[j−1]·p, truncated at the tail
/// boundary, with the tail mass accumulated separately so a tail of 1e-300 is not computed as
/// 1 − (1 − tail)) while n·k stays below `exactWorkLimit`; beyond it they use Hong's (2013)
/// refined normal approximation Φ(x) + γ(1 − x²)φ(x)/6, x = (k + ½ − μ)/σ, γ the skewness, which
/// is accurate to about 1e-3 absolute in the centre for large n and is documented as approximate.
public struct PoissonBinomial: Sendable, Hashable {
    /// The trials' success probabilities, each clamped to [0, 1].
    public let probabilities: [Double]

    /// Work (trials × tail states) up to which tails are computed exactly: 5·10⁷ steps.
    public static let exactWorkLimit = 50_000_000

    /// How a tail was computed.
    public enum Method: String, Sendable, Hashable {
        /// The exact recursion.
        case exact
        /// Hong's refined normal approximation (large n·k).
        case refinedNormal = "refined-normal"
    }

    public init(probabilities: [Double]) {
        self.probabilities = probabilities.map { $0.isNaN ? 0 : min(1, max(0, $0)) }
    }

    /// Σ pᵢ, the expected number of successes.
    public var mean: Double { probabilities.reduce(0, +) }

    /// Σ pᵢ(1 − pᵢ).
    public var variance: Double { probabilities.reduce(0) { $0 + $1 * (1 - $1) } }

    /// P(X ≥ k) and how it was computed.
    /// - Complexity: O(n·k) exact, O(n) approximate.
    public func upperTail(atLeast k: Int) -> (probability: Double, method: Method) {
        let n = probabilities.count
        if k <= 0 { return (1, .exact) }
        if k > n { return (0, .exact) }
        if n > Self.exactWorkLimit / k {
            return (refinedNormal(atMost: k - 1, upper: true), .refinedNormal)
        }
        // dist[j] = P(j successes so far), j < k; tail = P(≥ k so far).
        var dist = [Double](repeating: 0, count: k)
        dist[0] = 1
        var tail = 0.0
        var reach = 0  // highest j with possibly nonzero mass
        for p in probabilities {
            let q = 1 - p
            tail += dist[k - 1] * p
            var j = min(reach + 1, k - 1)
            while j > 0 {
                dist[j] = dist[j] * q + dist[j - 1] * p
                j -= 1
            }
            dist[0] *= q
            reach = min(reach + 1, k - 1)
        }
        return (min(1, tail), .exact)
    }

    /// P(X ≤ k) and how it was computed.
    /// - Complexity: O(n·k) exact, O(n) approximate.
    public func lowerTail(atMost k: Int) -> (probability: Double, method: Method) {
        let n = probabilities.count
        if k < 0 { return (0, .exact) }
        if k >= n { return (1, .exact) }
        let states = k + 1
        if n > Self.exactWorkLimit / states {
            return (refinedNormal(atMost: k, upper: false), .refinedNormal)
        }
        var dist = [Double](repeating: 0, count: states)
        dist[0] = 1
        var reach = 0
        for p in probabilities {
            let q = 1 - p
            var j = min(reach + 1, k)
            while j > 0 {
                dist[j] = dist[j] * q + dist[j - 1] * p
                j -= 1
            }
            dist[0] *= q
            reach = min(reach + 1, k)
        }
        return (min(1, dist.reduce(0, +)), .exact)
    }

    /// The whole distribution P(X = j), j = 0…n, exactly.
    /// - Complexity: O(n²).
    public func distribution() -> [Double] {
        var dist = [Double](repeating: 0, count: probabilities.count + 1)
        dist[0] = 1
        for (i, p) in probabilities.enumerated() {
            let q = 1 - p
            var j = i + 1
            while j > 0 {
                dist[j] = dist[j] * q + dist[j - 1] * p
                j -= 1
            }
            dist[0] *= q
        }
        return dist
    }

    /// Hong's refined normal approximation of P(X ≤ k), or with `upper` of P(X > k), each from
    /// its own normal tail (no 1 − tail cancellation).
    private func refinedNormal(atMost k: Int, upper: Bool) -> Double {
        let mu = mean
        let sigma2 = variance
        guard sigma2 > 0 else { return (Double(k) >= mu) != upper ? 1 : 0 }
        let sigma = sigma2.squareRoot()
        let skew = probabilities.reduce(0) { $0 + $1 * (1 - $1) * (1 - 2 * $1) } / (sigma2 * sigma)
        let x = (Double(k) + 0.5 - mu) / sigma
        let correction = skew * (1 - x * x) * Normal.density(x) / 6
        let value = upper ? Normal.survival(x) - correction : Normal.cdf(x) + correction
        return min(1, max(0, value))
    }
}
