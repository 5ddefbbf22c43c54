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
    // The careful variants: fabrication that keeps every identity, sum and period link, so that
    // no rule of the family-welfare pack fails and only the forensic detectors can find it.
    // Appended after the others: a pattern's place in `allCases` seeds its random stream, so the
    // earlier patterns plant exactly what they planted before these existed.
    case carefulZeroWashing = "careful-zero-washing"
    case carefulInventedSmooth = "careful-invented-smooth"
    case carefulInventedHeaped = "careful-invented-heaped"
    case carefulTargetSmoothing = "careful-target-smoothing"
    case carefulCopyPaste = "careful-copy-paste"
    case carefulFrozen = "careful-frozen"

    /// The patterns `--inject all` plants: every pattern that is not a careful variant.
    public static let standard: [Pattern] = allCases.filter { !$0.isCareful }
    /// The patterns `--inject careful` plants.
    public static let careful: [Pattern] = allCases.filter(\.isCareful)

    /// Whether this is a careful variant: every rule of the family-welfare pack still holds on
    /// the planted county (boys + girls = births, prev + added − exited = total, prev = last
    /// period's total, funds = count × standard, township = sum of villages, county = sum of
    /// townships); only a forensic detector can find it.
    public var isCareful: Bool { rawValue.hasPrefix("careful-") }

    /// Whether a case covers a whole township (its own rows and its villages', over the years),
    /// so a detector finds it at the township; the others are found at a village and period.
    public var isTownshipWide: Bool {
        switch self {
        case .zeroWashing, .invented, .carefulZeroWashing, .carefulInventedSmooth, .carefulInventedHeaped,
             .carefulTargetSmoothing: true
        default: false
        }
    }

    /// The order patterns are planted in (the order of `allCases`): patterns that rewrite whole
    /// townships first, village patterns whose sums flow up next, then the ones that break sums
    /// on purpose (hierarchy, typo), and restatements last (they copy what was submitted); the
    /// careful variants after all of them, township-wide ones first.
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
        case .carefulZeroWashing:
            "a township that never reports an illegal or outside-policy birth in any village or year (both set to 0, rates and sums follow); planted only in a township where at least \(Int(Planter.carefulZeroMinExpected)) illegal births were expected over the years at the rest of the county's rate (year by year, on the township's own births)"
        case .carefulInventedSmooth:
            "a township whose village births a person made up, every year: each village's births at the township's own birth rate of the year times its population, boys at 105:100, illegal and outside-policy births at the township's shares of the year, each rounded (too little spread for chance); rates and sums follow, nothing else changes; planted only in a township of at least \(Planter.carefulSmoothMinVillages) villages averaging at least \(Int(Planter.carefulSmoothMinBirths)) births a village-year"
        case .carefulInventedHeaped:
            "a township whose village populations a person wrote as round numbers, every year: each rounded to the nearest 10 or (half of them) 100, and women contacted of 10 or more to the nearest 5; sums follow, nothing else changes; planted only in a township with at least \(Planter.carefulHeapedMinValues) village-year populations of 100 or more"
        case .carefulTargetSmoothing:
            "a township, over every year, where each village-year with at least \(Planter.carefulTargetMinBirths) births and an outside-policy rate just above 5.00 % (above it, at most \(Planter.carefulTargetNearBP / 100) %) has just enough of those births removed to sit at or just under it (the most the target allows); rates and sums follow; planted only where at least \(Planter.carefulTargetMinMoved) village-years were that near the target and the chance that all of them sit at the most the target allows rather than one birth over it, at each year's township rate, is at most \(Words.p(Planter.carefulTargetMaxChance))"
        case .carefulCopyPaste:
            "a village's births block (births, boys, girls, illegal and outside-policy births, the rate) and its one-off and contact figures (ltc women and money, sskf families and money, women contacted, technicians) copied from another village of the same township, same year; population and the support rolls stay its own so every period link holds; sums follow; planted only where the copied block has at least \(Planter.carefulBlockMinBirths) births and another village's block would match it by chance with probability at most \(Planter.carefulCopyMaxChance) (the product over its counts of the chance two Poisson counts of that mean are equal)"
        case .carefulFrozen:
            "a village's population, births block, one-off and contact figures repeating its own previous year for \(Planter.carefulFrozenYears) years running; the support rolls keep moving so every period link holds; sums follow; planted only where the repeated block has at least \(Planter.carefulBlockMinBirths) births and would be matched by chance with probability at most \(Planter.carefulFrozenMaxChance) a year (so at most \(Planter.carefulFrozenMaxChance)³ over the three)"
        case .silentRevision:
            "a year's file ends with a correction of the previous year: the county's, a township's and one village's rows for that year, the village with one figure changed (population, women contacted, ltc women or sskf families, money following) and the sums with it; nothing says it was revised"
        }
    }

    /// Cases per county when `--inject NAME` gives no rate.
    public var defaultAmount: Injection.Amount {
        switch self {
        case .zeroWashing, .invented, .silentRevision: .perCounty(1)
        case .carefulZeroWashing, .carefulInventedSmooth, .carefulInventedHeaped, .carefulTargetSmoothing: .perCounty(1)
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
    /// `all` (optionally `all:RATE`) stands for every pattern that is not careful, `careful` for
    /// every careful variant.
    public static func parse(_ text: String) throws(ParseError) -> [Injection] {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let name = parts[0]
        let patterns: [Pattern]
        if name == "all" {
            patterns = Pattern.standard
        } else if name == "careful" {
            patterns = Pattern.careful
        } else if let p = Pattern(rawValue: name) {
            patterns = [p]
        } else {
            throw ParseError(description: "unknown pattern '\(name)' (known: all, careful, \(Pattern.allCases.map(\.rawValue).joined(separator: ", ")))")
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
