#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Which tail a test looks at.
public enum Alternative: String, Sendable, Hashable, CaseIterable {
    /// Both tails (SciPy's `'two-sided'`).
    case twoSided = "two-sided"
    /// More than expected: P(X ≥ observed).
    case greater
    /// Fewer than expected: P(X ≤ observed).
    case less
}

/// The χ² distribution.
public enum ChiSquare {
    /// P(χ²(df) ≥ x), the upper tail (the usual goodness-of-fit p-value).
    /// - Complexity: O(√df + 1).
    public static func survival(_ x: Double, degreesOfFreedom df: Double) -> Double {
        if x <= 0 { return df > 0 ? 1 : .nan }
        return SpecialFunctions.regularizedGammaQ(a: df / 2, x: x / 2)
    }

    /// P(χ²(df) ≤ x), the lower tail (the "too regular" p-value of an under-dispersion test).
    public static func cdf(_ x: Double, degreesOfFreedom df: Double) -> Double {
        if x <= 0 { return df > 0 ? 0 : .nan }
        return SpecialFunctions.regularizedGammaP(a: df / 2, x: x / 2)
    }

    /// ln P(χ²(df) ≥ x), finite where the p-value underflows a Double.
    public static func logSurvival(_ x: Double, degreesOfFreedom df: Double) -> Double {
        if x <= 0 { return df > 0 ? 0 : .nan }
        return SpecialFunctions.logRegularizedGammaQ(a: df / 2, x: x / 2)
    }

    /// ln P(χ²(df) ≤ x).
    public static func logCDF(_ x: Double, degreesOfFreedom df: Double) -> Double {
        if x <= 0 { return df > 0 ? -.infinity : .nan }
        return SpecialFunctions.logRegularizedGammaP(a: df / 2, x: x / 2)
    }
}

/// The binomial distribution Binom(n, p): exact probabilities and tails from the regularized
/// incomplete beta function, with Loader's saddle-point prefactor so tails of 1e-200 keep their
/// relative precision.
public enum Binomial {
    /// ln P(X = k).
    /// - Complexity: O(1).
    public static func logPMF(_ k: Int, trials n: Int, probability p: Double) -> Double {
        guard n >= 0, p >= 0, p <= 1 else { return .nan }
        if k < 0 || k > n { return -.infinity }
        if p == 0 { return k == 0 ? 0 : -.infinity }
        if p == 1 { return k == n ? 0 : -.infinity }
        let q = 1 - p
        if k == 0 { return Double(n) * log1p(-p) }
        if k == n { return Double(n) * log(p) }
        let nn = Double(n), kk = Double(k), rest = Double(n - k)
        return SpecialFunctions.stirlingError(nn) - SpecialFunctions.stirlingError(kk)
            - SpecialFunctions.stirlingError(rest)
            - SpecialFunctions.deviance(kk, nn * p) - SpecialFunctions.deviance(rest, nn * q)
            + 0.5 * log(nn / (2 * Double.pi * kk * rest))
    }

    /// P(X = k).
    public static func pmf(_ k: Int, trials n: Int, probability p: Double) -> Double {
        exp(logPMF(k, trials: n, probability: p))
    }

    /// P(X ≥ k), the exact upper tail: I_p(k, n − k + 1).
    /// - Complexity: O(√n + 1).
    public static func upperTail(atLeast k: Int, trials n: Int, probability p: Double) -> Double {
        exp(logUpperTail(atLeast: k, trials: n, probability: p))
    }

    /// P(X ≤ k), the exact lower tail: I_{1−p}(n − k, k + 1).
    /// - Complexity: O(√n + 1).
    public static func lowerTail(atMost k: Int, trials n: Int, probability p: Double) -> Double {
        exp(logLowerTail(atMost: k, trials: n, probability: p))
    }

    /// ln P(X ≥ k), finite where the tail underflows.
    public static func logUpperTail(atLeast k: Int, trials n: Int, probability p: Double) -> Double {
        guard n >= 0, p >= 0, p <= 1 else { return .nan }
        if k <= 0 { return 0 }
        if k > n { return -.infinity }
        if p == 0 { return -.infinity }
        if p == 1 { return 0 }
        let (lower, upper) = SpecialFunctions.incompleteBeta(x: p, y: 1 - p, a: Double(k), b: Double(n - k + 1))
        return lower.logValue(complement: upper)
    }

    /// ln P(X ≤ k), finite where the tail underflows.
    public static func logLowerTail(atMost k: Int, trials n: Int, probability p: Double) -> Double {
        guard n >= 0, p >= 0, p <= 1 else { return .nan }
        if k < 0 { return -.infinity }
        if k >= n { return 0 }
        if p == 0 { return 0 }
        if p == 1 { return -.infinity }
        // P(X ≤ k) = 1 − I_p(k+1, n−k) = I_{1−p}(n−k, k+1)
        let (lower, upper) = SpecialFunctions.incompleteBeta(x: p, y: 1 - p, a: Double(k + 1), b: Double(n - k))
        return upper.logValue(complement: lower)
    }

    /// The smallest k with P(X ≤ k) ≥ q (the binomial quantile, as SciPy's `binom.ppf`).
    /// - Complexity: O(log n) tail evaluations.
    public static func quantile(_ q: Double, trials n: Int, probability p: Double) -> Int {
        guard n >= 0, q >= 0, q <= 1 else { return -1 }
        var lo = 0, hi = n
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            if lowerTail(atMost: mid, trials: n, probability: p) >= q * (1 - 64 * Double.ulpOfOne) {
                hi = mid
            } else {
                lo = mid + 1
            }
        }
        return lo
    }

    /// The exact p-value of k successes in n trials against success probability p.
    ///
    /// Two-sided follows SciPy's `binomtest`: the probability of every outcome no more likely
    /// than the one observed (with SciPy's relative tolerance 1e-7 on "no more likely").
    /// - Complexity: O(√n + log n).
    public static func pValue(successes k: Int, trials n: Int, probability p: Double,
                              alternative: Alternative) -> Double {
        guard n >= 0, k >= 0, k <= n, p >= 0, p <= 1 else { return .nan }
        switch alternative {
        case .greater: return upperTail(atLeast: k, trials: n, probability: p)
        case .less: return lowerTail(atMost: k, trials: n, probability: p)
        case .twoSided:
            let mean = Double(n) * p
            if Double(k) == mean { return 1 }
            let bound = logPMF(k, trials: n, probability: p) + log1p(1e-7)
            if Double(k) < mean {
                // Outcomes in [ceil(np), n] no more likely than k form an upper segment [first, n].
                var lo = Int(mean.rounded(.up)), hi = n + 1  // first index with pmf ≤ bound
                while lo < hi {
                    let mid = lo + (hi - lo) / 2
                    if logPMF(mid, trials: n, probability: p) <= bound { hi = mid } else { lo = mid + 1 }
                }
                let upper = lo <= n ? upperTail(atLeast: lo, trials: n, probability: p) : 0
                return min(1, lowerTail(atMost: k, trials: n, probability: p) + upper)
            }
            // Outcomes in [0, floor(np)] no more likely than k form a lower segment [0, last].
            var lo = -1, hi = Int(mean.rounded(.down))  // last index with pmf ≤ bound
            while lo < hi {
                let mid = lo + (hi - lo + 1) / 2
                if logPMF(mid, trials: n, probability: p) <= bound { lo = mid } else { hi = mid - 1 }
            }
            let lower = lo >= 0 ? lowerTail(atMost: lo, trials: n, probability: p) : 0
            return min(1, lower + upperTail(atLeast: k, trials: n, probability: p))
        }
    }

    /// The exact (Clopper–Pearson) confidence interval for the success probability, as SciPy's
    /// `binomtest(...).proportion_ci(method='exact')`.
    /// - Complexity: O(64) incomplete-beta evaluations per bound.
    public static func clopperPearson(successes k: Int, trials n: Int,
                                      confidence: Double = 0.95) -> (lower: Double, upper: Double) {
        guard n > 0, k >= 0, k <= n, confidence > 0, confidence < 1 else { return (.nan, .nan) }
        let alpha = 1 - confidence
        let lower = k == 0 ? 0 : SpecialFunctions.inverseRegularizedBeta(p: alpha / 2, a: Double(k), b: Double(n - k + 1))
        let upper = k == n ? 1 : SpecialFunctions.inverseRegularizedBeta(p: 1 - alpha / 2, a: Double(k + 1), b: Double(n - k))
        return (lower, upper)
    }
}

/// The Poisson distribution Poisson(λ).
public enum Poisson {
    /// ln P(X = k) (Loader's saddle-point form).
    public static func logPMF(_ k: Int, mean lambda: Double) -> Double {
        guard lambda >= 0, !lambda.isNaN else { return .nan }
        if k < 0 { return -.infinity }
        if lambda == 0 { return k == 0 ? 0 : -.infinity }
        if k == 0 { return -lambda }
        let kk = Double(k)
        return -SpecialFunctions.stirlingError(kk) - SpecialFunctions.deviance(kk, lambda) - 0.5 * log(2 * Double.pi * kk)
    }

    /// P(X = k).
    public static func pmf(_ k: Int, mean lambda: Double) -> Double { exp(logPMF(k, mean: lambda)) }

    /// P(X ≤ k) = Q(k + 1, λ).
    /// - Complexity: O(√k + 1).
    public static func lowerTail(atMost k: Int, mean lambda: Double) -> Double {
        guard lambda >= 0 else { return .nan }
        if k < 0 { return 0 }
        if lambda == 0 { return 1 }
        return SpecialFunctions.regularizedGammaQ(a: Double(k) + 1, x: lambda)
    }

    /// P(X ≥ k) = P(k, λ).
    /// - Complexity: O(√k + 1).
    public static func upperTail(atLeast k: Int, mean lambda: Double) -> Double {
        guard lambda >= 0 else { return .nan }
        if k <= 0 { return 1 }
        if lambda == 0 { return 0 }
        return SpecialFunctions.regularizedGammaP(a: Double(k), x: lambda)
    }

    /// P(X = Y) for independent X, Y ~ Poisson(λ): e^(−2λ)·I₀(2λ) = Σ P(X = k)², the chance two
    /// honest counts of the same size agree exactly (SciPy: `ive(0, 2λ)`).
    /// - Complexity: O(√λ + 1) terms summed around the mode.
    public static func probabilityOfTie(mean lambda: Double) -> Double {
        guard lambda >= 0, lambda.isFinite else { return .nan }
        if lambda == 0 { return 1 }
        let mode = Int(lambda.rounded(.down))
        var sum = 0.0
        var k = mode
        while k >= 0 {  // downwards from the mode
            let t = exp(2 * logPMF(k, mean: lambda))
            sum += t
            if t < sum * 1e-18 { break }
            k -= 1
        }
        k = mode + 1
        while true {  // upwards
            let t = exp(2 * logPMF(k, mean: lambda))
            sum += t
            if t < sum * 1e-18 { break }
            k += 1
        }
        return sum
    }
}
