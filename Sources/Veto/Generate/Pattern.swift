/// A fabrication pattern (or an honest mistake) the generator can plant into a genuine county,
/// with the verdict a checker should reach on the unit-period it is planted in.
public enum Pattern: String, CaseIterable, Sendable, Comparable {
    case zeroWashing = "zero-washing"
    case invented
    case targetSmoothing = "target-smoothing"
    case copyPaste = "copy-paste"
    case frozen
    case paddedRoll = "padded-roll"
    case paddedFunds = "padded-funds"
    case hierarchy
    case typo
    case silentRevision = "silent-revision"

    /// The order patterns are planted in (the order of `allCases`): patterns that rewrite whole
    /// townships first, village patterns whose sums flow up next, then the ones that break sums
    /// on purpose (hierarchy, typo), and restatements last (they copy what was submitted).
    public static func < (a: Pattern, b: Pattern) -> Bool {
        (allCases.firstIndex(of: a) ?? 0) < (allCases.firstIndex(of: b) ?? 0)
    }

    /// The lowest severity at which a finding counts as detecting this pattern: `fail` for
    /// figures that cannot all be true and carry no sign of intent (a broken sum, a typo, a
    /// revised figure), `veto` for fabrication. A typo must never be vetoed.
    ///
    /// A padded roll is `fail`: a closing stock raised together with its money is, figure for
    /// figure, the same as additions left out of the report (one changed figure either way, and
    /// next period's opening breaks alike). veto puts a `veto` only on evidence no honest slip
    /// explains as well; a wrong accusation costs as much as a missed one.
    public var deserves: Severity {
        switch self {
        case .hierarchy, .typo, .silentRevision, .paddedRoll: .fail
        default: .veto
        }
    }

    /// What the pattern does, for `veto generate --help` and the labels' readers.
    public var summary: String {
        switch self {
        case .paddedRoll:
            "a village's closing total of reward or special support raised by k, its money by k × the yearly standard; township and county sums follow (prev + added − exited no longer gives the total)"
        case .paddedFunds:
            "a village's reward or special support money raised above count × standard, as if paying people who are not there; sums follow"
        case .hierarchy:
            "a township's population, women contacted, technicians or villages changed so it is not the sum (or count) of its village rows; the county adds up the township as reported"
        case .typo:
            "one figure mistyped, honestly: two adjacent digits swapped, a digit dropped, or money written in 万 in a 元 column (or 元 in a 万元 column); nothing else changes"
        case .zeroWashing:
            "a township that never reports an illegal or outside-policy birth in any village or year (both set to 0, rates follow)"
        case .copyPaste:
            "a village's whole row copied from another village of the same township, same year; sums follow"
        case .frozen:
            "a village's row repeating its own previous year; sums follow"
        case .invented:
            "a township whose village figures a person made up, every year: populations rounded to 100, births at one smooth rate, 52 % boys, no illegal births, contacts rounded to 10, added/exited/sskf counts ending in 0, 5 or 8, money at the full standard; arithmetic kept consistent"
        case .targetSmoothing:
            "in a township-year, every village whose outside-policy rate is above 5.00 % gets just enough of those births removed to sit at or under it"
        case .silentRevision:
            "a year's file ends with a correction of the previous year: the county's, a township's and one village's rows for that year, the village with one figure changed (population, women contacted, ltc women or sskf families, money following) and the sums with it; nothing says it was revised"
        }
    }

    /// Cases per county when `--inject NAME` gives no rate.
    public var defaultAmount: Injection.Amount {
        switch self {
        case .zeroWashing, .invented, .silentRevision: .perCounty(1)
        case .hierarchy, .targetSmoothing: .perCounty(2)
        case .typo: .perCounty(5)
        default: .perCounty(3)
        }
    }
}

/// One `--inject NAME[:RATE]`.
public struct Injection: Sendable, Equatable {
    public enum Amount: Sendable, Equatable, CustomStringConvertible {
        /// Each candidate (a village-year, township-year, township or county-year, depending on
        /// the pattern) is planted with this probability.
        case probability(Double)
        /// This many cases per county (fewer when there are not enough candidates).
        case perCounty(Int)

        public var description: String {
            switch self {
            case .probability(let p): "probability \(p) per candidate"
            case .perCounty(let n): "\(n) per county"
            }
        }
    }

    public var pattern: Pattern
    public var amount: Amount

    public init(pattern: Pattern, amount: Amount) {
        self.pattern = pattern
        self.amount = amount
    }

    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Parses `NAME`, `NAME:3` (cases per county) or `NAME:0.02` (probability per candidate);
    /// `all` (optionally `all:RATE`) stands for every pattern.
    public static func parse(_ text: String) throws(ParseError) -> [Injection] {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let name = parts[0]
        let patterns: [Pattern]
        if name == "all" {
            patterns = Pattern.allCases
        } else if let p = Pattern(rawValue: name) {
            patterns = [p]
        } else {
            throw ParseError(description: "unknown pattern '\(name)' (known: all, \(Pattern.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard parts.count == 2 else { return patterns.map { Injection(pattern: $0, amount: $0.defaultAmount) } }
        let rate = parts[1]
        let amount: Amount
        if !rate.contains("."), let n = Int(rate), n >= 1 {
            amount = .perCounty(n)
        } else if rate.contains("."), let p = Double(rate), p > 0, p <= 1 {
            amount = .probability(p)
        } else {
            throw ParseError(description: "bad rate '\(rate)' in '\(text)': a whole number ≥ 1 (cases per county) or a fraction with a point in (0, 1] (probability per candidate)")
        }
        return patterns.map { Injection(pattern: $0, amount: amount) }
    }
}
