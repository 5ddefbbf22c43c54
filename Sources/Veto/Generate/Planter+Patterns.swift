/// Where each pattern may be planted, and how many cases an `--inject` asks for. The patterns
/// themselves are in Planter+VillagePatterns, Planter+TownshipPatterns and Planter+Mistakes.
extension Planter {
    /// Where a pattern may be planted: (year index, unit index). Township-wide patterns use
    /// year 0 and mean every year.
    func candidates(_ p: Pattern) -> [(year: Int, unit: Int)] {
        let years = table.years.indices
        switch p {
        case .paddedRoll, .paddedFunds, .copyPaste:
            return years.flatMap { y in table.leaves.map { (y, $0) } }
        case .frozen:
            return years.dropFirst().flatMap { y in table.leaves.map { (y, $0) } }
        case .hierarchy, .targetSmoothing:
            return years.flatMap { y in table.townships.map { (y, $0) } }
        case .zeroWashing, .invented, .carefulZeroWashing, .carefulInventedSmooth, .carefulInventedHeaped,
             .carefulTargetSmoothing:
            return table.townships.map { (0, $0) }
        case .carefulCopyPaste:
            return years.flatMap { y in table.leaves.map { (y, $0) } }
        case .carefulFrozen:
            // The first year repeated, and the years that repeat it, must all be in the table.
            return years.dropFirst().filter { $0 + Self.carefulFrozenYears <= table.years.count }
                .flatMap { y in table.leaves.map { (y, $0) } }
        case .typo:
            return years.flatMap { y in table.units.indices.map { (y, $0) } }
        case .silentRevision:
            return years.dropFirst().map { ($0, 0) }
        }
    }

    /// Plants the cases of one `--inject`, drawing from its own stream.
    mutating func plant(_ injection: Injection, rng: inout SplitMix64) {
        var list = candidates(injection.pattern)
        switch injection.amount {
        case .perCounty(let n):
            rng.shuffle(&list)
            var done = 0
            for c in list where done < n {
                if plantOne(injection.pattern, year: c.year, unit: c.unit, rng: &rng) { done += 1 }
            }
        case .probability(let p):
            for c in list where rng.chance(p) {
                plantOne(injection.pattern, year: c.year, unit: c.unit, rng: &rng)
            }
        }
    }

    @discardableResult
    mutating func plantOne(_ p: Pattern, year y: Int, unit u: Int, rng: inout SplitMix64) -> Bool {
        switch p {
        case .paddedRoll: paddedRoll(y, u, &rng)
        case .paddedFunds: paddedFunds(y, u, &rng)
        case .copyPaste: copyPaste(y, u, &rng)
        case .frozen: frozen(y, u)
        case .hierarchy: hierarchy(y, u, &rng)
        case .targetSmoothing: targetSmoothing(y, u)
        case .zeroWashing: zeroWashing(u)
        case .invented: invented(u)
        case .typo: typo(y, u, &rng)
        case .silentRevision: silentRevision(y, &rng)
        case .carefulZeroWashing: carefulZeroWashing(u)
        case .carefulInventedSmooth: carefulInventedSmooth(u)
        case .carefulInventedHeaped: carefulInventedHeaped(u, &rng)
        case .carefulTargetSmoothing: carefulTargetSmoothing(u)
        case .carefulCopyPaste: carefulCopyPaste(y, u, &rng)
        case .carefulFrozen: carefulFrozen(y, u)
        }
    }
}
