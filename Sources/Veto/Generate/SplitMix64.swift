#if canImport(Glibc)
import Glibc
#endif

/// The generator's own pseudo-random numbers: SplitMix64 (Steele, Lea & Flood 2014), so that
/// `veto generate --seed S` writes the same bytes on every run and every machine with the same
/// libm. The system RNG and the standard library's `random(in:)` algorithms are never used
/// (their sequences are not promised to stay the same across Swift versions).
///
/// Not a `RandomNumberGenerator` on purpose: every draw goes through the methods below, whose
/// algorithms are fixed here.
public struct SplitMix64: Sendable, RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// SplitMix64's output function: a bijective 64-bit mixer.
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// An independent stream for one purpose, derived from the run's seed and a path of labels
    /// (county index, a purpose tag, a pattern number…). Streams with different paths do not
    /// overlap in practice, and adding a stream never shifts another one.
    public static func stream(seed: UInt64, _ path: UInt64...) -> SplitMix64 {
        var h = mix(seed ^ 0x5EED_5EED_5EED_5EED)
        for p in path { h = mix(h ^ mix(p &+ 0x9E37_79B9_7F4A_7C15)) }
        return SplitMix64(seed: h)
    }
}

// MARK: - Variates

extension SplitMix64 {
    /// Uniform in [0, 1), 53 random bits.
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in [lo, hi).
    public mutating func uniform(_ lo: Double, _ hi: Double) -> Double {
        lo + (hi - lo) * unit()
    }

    /// Uniform integer in 0..<n (n > 0), without modulo bias (rejection on the top of the range).
    public mutating func below(_ n: Int) -> Int {
        precondition(n > 0, "below(_:) needs a positive bound")
        let bound = UInt64(n)
        let limit = UInt64.max - UInt64.max % bound
        while true {
            let x = next()
            if x < limit { return Int(x % bound) }
        }
    }

    /// Uniform integer in a closed range.
    public mutating func int(in r: ClosedRange<Int>) -> Int {
        r.lowerBound + below(r.upperBound - r.lowerBound + 1)
    }

    /// `true` with probability p.
    public mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// Standard normal (Box–Muller; one value per two uniforms, no cached twin, so that a
    /// stream's sequence does not depend on how many normals were drawn before).
    public mutating func normal() -> Double {
        var u = unit()
        while u <= 0 { u = unit() }
        let v = unit()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }

    /// Log-normal with the given median and log-scale standard deviation.
    public mutating func logNormal(median: Double, sigma: Double) -> Double {
        median * exp(sigma * normal())
    }

    /// Poisson(λ): Knuth's product method below λ = 30, Hörmann's transformed rejection
    /// (PTRS, as numpy has it) above.
    ///
    /// - Complexity: O(λ) draws below 30, O(1) expected above.
    public mutating func poisson(_ lambda: Double) -> Int {
        guard lambda > 0, lambda.isFinite else { return 0 }
        if lambda < 30 {
            let limit = exp(-lambda)
            var k = 0
            var p = unit()
            while p > limit {
                k += 1
                p *= unit()
            }
            return k
        }
        let slam = lambda.squareRoot()
        let loglam = log(lambda)
        let b = 0.931 + 2.53 * slam
        let a = -0.059 + 0.02483 * b
        let invalpha = 1.1239 + 1.1328 / (b - 3.4)
        let vr = 0.9277 - 3.6224 / (b - 2)
        while true {
            let u = unit() - 0.5
            let v = unit()
            let us = 0.5 - abs(u)
            let k = ((2 * a / us + b) * u + lambda + 0.43).rounded(.down)
            if us >= 0.07 && v <= vr { return Int(k) }
            if k < 0 || (us < 0.013 && v > us) { continue }
            if log(v) + log(invalpha) - log(a / (us * us) + b) <= -lambda + k * loglam - lgamma(k + 1) {
                return Int(k)
            }
        }
    }

    /// Binomial(n, p) as n Bernoulli trials: exact, and n here is at most a unit's births or
    /// its beneficiary roll (hundreds).
    ///
    /// - Complexity: O(n).
    public mutating func binomial(_ n: Int, _ p: Double) -> Int {
        guard n > 0, p > 0 else { return 0 }
        if p >= 1 { return n }
        var k = 0
        for _ in 0..<n where unit() < p { k += 1 }
        return k
    }

    /// Fisher–Yates shuffle with ``below(_:)``.
    public mutating func shuffle<T>(_ a: inout [T]) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            a.swapAt(i, below(i + 1))
        }
    }

    /// A uniformly chosen element, nil for an empty array.
    public mutating func pick<T>(_ a: [T]) -> T? {
        a.isEmpty ? nil : a[below(a.count)]
    }
}
