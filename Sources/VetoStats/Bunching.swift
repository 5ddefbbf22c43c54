/// A rate threshold in percent, as an exact fraction numerator/denominator (90 → 90/1;
/// 87.5 → 175/2), so rates k/n are compared with it in integers.
public struct PercentThreshold: Sendable, Hashable, CustomStringConvertible {
    public let numerator: Int
    public let denominator: Int

    /// A whole-number percentage.
    public init(_ percent: Int) {
        numerator = percent
        denominator = 1
    }

    /// numerator/denominator percent; nil unless the denominator is positive.
    public init?(numerator: Int, denominator: Int) {
        guard denominator > 0 else { return nil }
        self.numerator = numerator
        self.denominator = denominator
    }

    public var description: String { denominator == 1 ? "\(numerator)%" : "\(numerator)/\(denominator)%" }

    /// Sign of 100·k/n − this threshold (−1, 0, 1); nil on overflow.
    func compare(successes k: Int, trials n: Int) -> Int? {
        let (a, o1) = k.multipliedReportingOverflow(by: 100)
        let (lhs, o2) = a.multipliedReportingOverflow(by: denominator)
        let (rhs, o3) = numerator.multipliedReportingOverflow(by: n)
        if o1 || o2 || o3 { return nil }
        return lhs < rhs ? -1 : (lhs == rhs ? 0 : 1)
    }

    /// ⌈threshold·n/100⌉: the least k with 100k/n ≥ threshold (for 90 %: (90n + 99)/100).
    func ceilingCount(trials n: Int) -> Int? {
        let (num, o1) = numerator.multipliedReportingOverflow(by: n)
        let (den, o2) = denominator.multipliedReportingOverflow(by: 100)
        if o1 || o2 || den <= 0 { return nil }
        // ceil for any sign of num
        let q = num / den, r = num % den
        return r > 0 ? q + 1 : q
    }
}

/// Which side of a target is the good one.
public enum GoodSide: String, Sendable, Hashable {
    /// The target is reached at rate ≥ threshold (e.g. compliance ≥ 90 %).
    case atOrAbove
    /// The target is reached at rate < threshold (e.g. outside-policy rate below 5 %).
    case below
}

/// A bunching test: units just on the good side against units just on the bad side, under the
/// null that each is equally likely (one-sided Binom(n, ½), P(X ≥ good)).
public struct BunchingTest: Sendable, Hashable {
    /// Units just on the good side of the target.
    public let goodSide: Int
    /// Units just on the bad side.
    public let badSide: Int
    /// P(X ≥ goodSide), X ~ Binom(goodSide + badSide, ½).
    public let pValue: Double

    /// goodSide/badSide (∞ with none on the bad side).
    public var ratio: Double { badSide == 0 ? .infinity : Double(goodSide) / Double(badSide) }

    /// From the two counts; not applicable when both are zero.
    public static func fromCounts(goodSide: Int, badSide: Int) -> Applicability<BunchingTest> {
        guard goodSide >= 0, badSide >= 0 else { return .notApplicable(NotApplicable(.invalidInput("negative counts"))) }
        let n = goodSide + badSide
        guard n > 0 else { return .notApplicable(NotApplicable(.noQualifyingValues)) }
        let p = Binomial.upperTail(atLeast: goodSide, trials: n, probability: 0.5)
        return .applicable(BunchingTest(goodSide: goodSide, badSide: badSide, pValue: p))
    }
}

/// Threshold bunching (FORENSICS.md §3) over units' (successes k, trials n), rate = 100·k/n.
public enum ThresholdBunching {
    /// The window (caliper) test of Gerber & Malhotra: units with rate in [c − w, c) against
    /// [c, c + w); the good side is [c, c + w) for `.atOrAbove`, [c − w, c) for `.below`.
    /// All comparisons are exact integer arithmetic. Units with n ≤ 0 or k outside 0…n are
    /// skipped.
    /// - Complexity: O(units).
    public static func windowTest(units: [(successes: Int, trials: Int)], threshold: PercentThreshold,
                                  window: PercentThreshold, goodSide: GoodSide) -> Applicability<BunchingTest> {
        // c ∓ w over the common denominator, every product checked for overflow.
        let (cn, o1) = threshold.numerator.multipliedReportingOverflow(by: window.denominator)
        let (wn, o2) = window.numerator.multipliedReportingOverflow(by: threshold.denominator)
        let (den, o3) = threshold.denominator.multipliedReportingOverflow(by: window.denominator)
        let (ln, o4) = cn.subtractingReportingOverflow(wn)
        let (hn, o5) = cn.addingReportingOverflow(wn)
        guard !(o1 || o2 || o3 || o4 || o5), window.numerator > 0,
              let low = PercentThreshold(numerator: ln, denominator: den),
              let high = PercentThreshold(numerator: hn, denominator: den)
        else { return .notApplicable(NotApplicable(.invalidInput("threshold \(threshold), window \(window)"))) }
        var below = 0, above = 0
        for (k, n) in units where n > 0 && k >= 0 && k <= n {
            guard let vc = threshold.compare(successes: k, trials: n), let vl = low.compare(successes: k, trials: n),
                  let vh = high.compare(successes: k, trials: n) else { continue }
            if vl >= 0 && vc < 0 { below += 1 }
            if vc >= 0 && vh < 0 { above += 1 }
        }
        return goodSide == .atOrAbove
            ? BunchingTest.fromCounts(goodSide: above, badSide: below)
            : BunchingTest.fromCounts(goodSide: below, badSide: above)
    }

    /// The exact-threshold test for small denominators: for `.atOrAbove`, units at exactly
    /// k* = ⌈c·n/100⌉ (just reaching the target) against units at k* − 1 (just missing it);
    /// for `.below`, units at the largest passing k = ⌈c·n/100⌉ − 1 against those at ⌈c·n/100⌉.
    /// - Complexity: O(units).
    public static func exactThresholdTest(units: [(successes: Int, trials: Int)], threshold: PercentThreshold,
                                          goodSide: GoodSide) -> Applicability<BunchingTest> {
        var good = 0, bad = 0
        for (k, n) in units where n > 0 && k >= 0 && k <= n {
            guard let star = threshold.ceilingCount(trials: n) else { continue }
            let (pass, fail) = goodSide == .atOrAbove ? (star, star - 1) : (star - 1, star)
            guard pass >= 0, pass <= n, fail >= 0, fail <= n else { continue }
            if k == pass { good += 1 }
            if k == fail { bad += 1 }
        }
        return BunchingTest.fromCounts(goodSide: good, badSide: bad)
    }
}
