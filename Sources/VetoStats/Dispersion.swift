/// An index-of-dispersion test: a χ² statistic whose *lower* tail says "more alike than chance
/// allows" (invented, too-smooth figures) and whose upper tail says over-dispersed (FORENSICS.md §2).
public struct DispersionTest: Sendable, Hashable {
    /// D (Poisson) or X² (binomial).
    public let statistic: Double
    public let degreesOfFreedom: Int
    /// P(χ²(df) ≤ statistic): small when the units are too regular.
    public let lowerTailP: Double
    /// P(χ²(df) ≥ statistic): small when they are over-dispersed.
    public let upperTailP: Double
    /// The estimated mean count (Poisson) or success probability (binomial) the units were
    /// compared with.
    public let center: Double

    /// statistic/df: the effect-size gate of FORENSICS.md §5 is D/(k−1) < 0.3.
    public var dispersionRatio: Double { statistic / Double(degreesOfFreedom) }

    init(statistic: Double, degreesOfFreedom: Int, center: Double) {
        self.statistic = statistic
        self.degreesOfFreedom = degreesOfFreedom
        self.center = center
        let df = Double(degreesOfFreedom)
        lowerTailP = ChiSquare.cdf(statistic, degreesOfFreedom: df)
        upperTailP = ChiSquare.survival(statistic, degreesOfFreedom: df)
    }
}

/// Index-of-dispersion tests for counts and proportions across units.
public enum Dispersion {
    /// Poisson counts: D = Σ(x − x̄)²/x̄ ~ χ²(k − 1). Not applicable with fewer than 2 units, a
    /// negative count, or a zero mean.
    ///
    /// D is evaluated as (k·Σx² − (Σx)²)/Σx in integers where they fit, so it is exact up to the
    /// final division.
    /// - Complexity: O(k).
    public static func poisson(counts: [Int]) -> Applicability<DispersionTest> {
        let k = counts.count
        guard k >= 2 else { return .notApplicable(NotApplicable(.tooFewValues(have: k, needed: 2))) }
        guard counts.allSatisfy({ $0 >= 0 }) else {
            return .notApplicable(NotApplicable(.invalidInput("a negative count")))
        }
        var s = 0, q = 0, overflow = false
        for x in counts {
            let (sq, o1) = x.multipliedReportingOverflow(by: x)
            let (ns, o2) = s.addingReportingOverflow(x)
            let (nq, o3) = q.addingReportingOverflow(sq)
            overflow = overflow || o1 || o2 || o3
            s = ns
            q = nq
        }
        guard s > 0 || overflow else { return .notApplicable(NotApplicable(.degenerate("every count is zero"))) }
        let d: Double
        let (kq, o4) = k.multipliedReportingOverflow(by: q)
        let (s2, o5) = s.multipliedReportingOverflow(by: s)
        if !overflow && !o4 && !o5 {
            d = Double(kq - s2) / Double(s)
        } else {
            let mean = counts.reduce(0.0) { $0 + Double($1) } / Double(k)
            d = counts.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / mean
        }
        return .applicable(DispersionTest(statistic: d, degreesOfFreedom: k - 1, center: Double(s) / Double(k)))
    }

    /// Counts with denominators, p estimated: p̂ = Σkᵢ/Σnᵢ,
    /// X² = Σ(kᵢ − nᵢp̂)²/(nᵢp̂(1 − p̂)) ~ χ²(k − 1).
    /// - Complexity: O(k).
    public static func binomial(successes: [Int], trials: [Int]) -> Applicability<DispersionTest> {
        if let bad = validate(successes, trials) { return .notApplicable(bad) }
        let p = Double(successes.reduce(0, +)) / Double(trials.reduce(0, +))
        guard p > 0, p < 1 else {
            return .notApplicable(NotApplicable(.degenerate("the pooled proportion is \(p)")))
        }
        return .applicable(DispersionTest(statistic: x2(successes, trials, p), degreesOfFreedom: successes.count - 1,
                                          center: p))
    }

    /// Counts with denominators against a known p (e.g. 105/205 boys): X² ~ χ²(k), one degree of
    /// freedom per unit since nothing is estimated.
    /// - Complexity: O(k).
    public static func binomial(successes: [Int], trials: [Int], probability p: Double) -> Applicability<DispersionTest> {
        if let bad = validate(successes, trials) { return .notApplicable(bad) }
        guard p > 0, p < 1 else { return .notApplicable(NotApplicable(.invalidInput("p = \(p)"))) }
        return .applicable(DispersionTest(statistic: x2(successes, trials, p), degreesOfFreedom: successes.count, center: p))
    }

    private static func validate(_ k: [Int], _ n: [Int]) -> NotApplicable? {
        guard k.count == n.count else { return NotApplicable(.invalidInput("\(k.count) counts for \(n.count) denominators")) }
        guard k.count >= 2 else { return NotApplicable(.tooFewValues(have: k.count, needed: 2)) }
        for (a, b) in zip(k, n) where a < 0 || b <= 0 || a > b {
            return NotApplicable(.invalidInput("\(a) of \(b)"))
        }
        return nil
    }

    private static func x2(_ k: [Int], _ n: [Int], _ p: Double) -> Double {
        zip(k, n).reduce(0.0) { acc, kn in
            let e = Double(kn.1) * p
            return acc + (Double(kn.0) - e) * (Double(kn.0) - e) / (e * (1 - p))
        }
    }
}

/// Sex ratio at birth against 105 boys per 100 girls (FORENSICS.md §2, §6).
public enum SexRatio {
    /// P(boy) = 105/205.
    public static let maleProbability = 105.0 / 205.0

    /// One unit's births against 105:100.
    public struct UnitTest: Sendable, Hashable {
        public let boys: Int
        public let girls: Int
        /// The exact two-sided binomial p-value at 105/205 (SciPy's `binomtest`).
        public let pValue: Double
        /// The Clopper–Pearson 95 % interval of the share of boys.
        public let confidence95: ClosedRange<Double>
        /// Boys per 100 girls (nil with no girls).
        public var ratio: Double? { girls > 0 ? 100 * Double(boys) / Double(girls) : nil }
    }

    /// The exact binomial test of one unit; not applicable with no births.
    public static func unitTest(boys: Int, girls: Int) -> Applicability<UnitTest> {
        guard boys >= 0, girls >= 0 else { return .notApplicable(NotApplicable(.invalidInput("negative births"))) }
        let n = boys + girls
        guard n > 0 else { return .notApplicable(NotApplicable(.noQualifyingValues)) }
        let p = Binomial.pValue(successes: boys, trials: n, probability: maleProbability, alternative: .twoSided)
        let ci = Binomial.clopperPearson(successes: boys, trials: n, confidence: 0.95)
        return .applicable(UnitTest(boys: boys, girls: girls, pValue: p, confidence95: ci.lower...ci.upper))
    }

    /// Across units, the lower tail: X² = Σ(boysᵢ − nᵢ·105/205)²/(nᵢ·p(1−p)) ~ χ²(k). A small
    /// `lowerTailP` says the units are closer to 105:100 than binomial chance allows ("every
    /// village at 51.5 % boys"). Units without births are left out.
    public static func regularity(boys: [Int], girls: [Int]) -> Applicability<DispersionTest> {
        guard boys.count == girls.count else {
            return .notApplicable(NotApplicable(.invalidInput("\(boys.count) boys counts for \(girls.count) girls counts")))
        }
        var k: [Int] = [], n: [Int] = []
        for (b, g) in zip(boys, girls) where b + g > 0 {
            k.append(b)
            n.append(b + g)
        }
        return Dispersion.binomial(successes: k, trials: n, probability: maleProbability)
    }

    /// The central binomial range of the sex ratio (boys per 100 girls) for a number of births:
    /// the 2.5 % and 97.5 % binomial quantiles of boys at 105/205 for `coverage` 0.95
    /// (SRB 69.5–156.4 for 100 births; FORENSICS.md §2).
    public static func centralRange(births n: Int, coverage: Double = 0.95) -> ClosedRange<Double>? {
        guard n > 0, coverage > 0, coverage < 1 else { return nil }
        let lo = Binomial.quantile((1 - coverage) / 2, trials: n, probability: maleProbability)
        let hi = Binomial.quantile(1 - (1 - coverage) / 2, trials: n, probability: maleProbability)
        func srb(_ b: Int) -> Double { b >= n ? .infinity : 100 * Double(b) / Double(n - b) }
        return srb(lo)...srb(hi)
    }
}
