/// What `veto generate --describe` prints: the distributions of the written figures, so that a
/// reader can see the data behave like a county's. Counts are added up over villages and
/// communities (the rows that were drawn), so a planted typo in a township row does not show.
/// Doubles appear only here, for display.
public struct GenerationSummary: Sendable {
    private struct Year {
        var population: Int64 = 0, births: Int64 = 0, male: Int64 = 0, female: Int64 = 0
        var illegal: Int64 = 0, multi: Int64 = 0
        var rewardPrev: Int64 = 0, rewardAdded: Int64 = 0, rewardExited: Int64 = 0, rewardTotal: Int64 = 0
        var specialPrev: Int64 = 0, specialAdded: Int64 = 0, specialExited: Int64 = 0, specialTotal: Int64 = 0
        var specialAddedDisabled: Int64 = 0
        var sskf: Int64 = 0, ltc: Int64 = 0, rewardFunds: Int64 = 0, specialFunds: Int64 = 0
        var leaves = 0, leavesZeroIllegal = 0, townships = 0, townshipsZeroIllegal = 0
        var leafBirthRates: [Double] = []
    }

    private let config: GeneratorConfig
    private var years: [Year]
    private var counties = 0, prorated = 0
    private var townshipCounts: [Int] = []
    private var childCounts: [Int] = []
    private var villages = 0, communities = 0
    private var firstYearPopulation: [Int64] = []
    private var cases: [Pattern: Int] = [:]

    public init(config: GeneratorConfig) {
        self.config = config
        self.years = Array(repeating: Year(), count: config.years.count)
    }

    /// Adds one county's figures.
    public mutating func add(_ c: GeneratedCounty) {
        let t = c.table
        counties += 1
        if t.prorated { prorated += 1 }
        townshipCounts.append(t.townships.count)
        for tw in t.townships { childCounts.append(t.units[tw].children.count) }
        villages += t.units.filter { $0.kind == .village }.count
        communities += t.units.filter { $0.kind == .community }.count
        for (p, n) in c.cases { cases[p, default: 0] += n }
        for y in t.years.indices {
            var s = years[y]
            years[y] = Year()    // keep s's arrays uniquely referenced: appends stay O(1)
            for v in t.leaves {
                let f = t.rows[y][v]
                if y == 0 { firstYearPopulation.append(f[.population]) }
                s.population += f[.population]; s.births += f[.births]
                s.male += f[.births_male]; s.female += f[.births_female]
                s.illegal += f[.births_illegal]; s.multi += f[.births_multi_outside_policy]
                s.rewardPrev += f[.reward_prev]; s.rewardAdded += f[.reward_added]
                s.rewardExited += f[.reward_exited]; s.rewardTotal += f[.reward_total]
                s.specialPrev += f[.special_prev]; s.specialAdded += f[.special_added]
                s.specialExited += f[.special_exited]; s.specialTotal += f[.special_total]
                s.specialAddedDisabled += f[.special_added_disabled]
                s.sskf += f[.sskf_added]; s.ltc += f[.ltc_women]
                s.rewardFunds += f[.reward_funds]; s.specialFunds += f[.special_funds]
                s.leaves += 1
                if f[.births_illegal] == 0 { s.leavesZeroIllegal += 1 }
                if f[.population] > 0 { s.leafBirthRates.append(Double(f[.births]) * 1000 / Double(f[.population])) }
            }
            for tw in t.townships {
                s.townships += 1
                if t.units[tw].children.allSatisfy({ t.rows[y][$0][.births_illegal] == 0 }) { s.townshipsZeroIllegal += 1 }
            }
            years[y] = s
        }
    }

    /// The summary as text (English; figures per year and over all years).
    public func render() -> String {
        let ys = Array(config.years)
        var total = Year()
        for s in years {
            total.population += s.population; total.births += s.births; total.male += s.male; total.female += s.female
            total.illegal += s.illegal; total.multi += s.multi
            total.rewardPrev += s.rewardPrev; total.rewardAdded += s.rewardAdded
            total.rewardExited += s.rewardExited; total.rewardTotal += s.rewardTotal
            total.specialPrev += s.specialPrev; total.specialAdded += s.specialAdded
            total.specialExited += s.specialExited; total.specialTotal += s.specialTotal
            total.specialAddedDisabled += s.specialAddedDisabled
            total.sskf += s.sskf; total.ltc += s.ltc; total.rewardFunds += s.rewardFunds; total.specialFunds += s.specialFunds
            total.leaves += s.leaves; total.leavesZeroIllegal += s.leavesZeroIllegal
            total.townships += s.townships; total.townshipsZeroIllegal += s.townshipsZeroIllegal
            total.leafBirthRates += s.leafBirthRates
        }
        let names = ys.map(String.init) + ["all"]
        var out = "veto generate --seed \(config.seed): \(counties) count\(counties == 1 ? "y" : "ies"), \(ys.first ?? 0)–\(ys.last ?? 0)"
        out += ", \(config.format.headers.rawValue) headers, \(config.format.encoding.rawValue), money in \(config.format.money.rawValue), \(config.format.lineEnding.rawValue)\n"
        let pops = firstYearPopulation.sorted()
        out += "units: \(sum(townshipCounts)) townships (\(range(townshipCounts)) per county), \(villages) villages and \(communities) communities (\(range(childCounts)) per township)\n"
        out += "population of a village or community in \(ys.first ?? 0): p10 \(q(pops, 0.1)), median \(q(pops, 0.5)), p90 \(q(pops, 0.9))\n"
        out += "new entrants of yearly programmes paid from the month they joined in \(prorated) count\(prorated == 1 ? "y" : "ies"), the full year in \(counties - prorated)\n"
        out += "example standards (yuan): reward \(ExampleStandards.rewardPerYear)/yr, special \(ExampleStandards.specialDisabledPerYear)/yr disabled and \(ExampleStandards.specialDeathPerYear)/yr death, sskf \(ExampleStandards.sskfOneOff) and ltc reward \(ExampleStandards.ltcRewardOneOff) one-off\n\n"

        // Each column is a Year and how many years it folds together (per-county yearly means).
        let columns: [(Year, Double)] = years.map { ($0, 1) } + [(total, Double(max(1, ys.count)))]
        let perCounty = Double(max(1, counties))
        func mean(_ x: Int64, _ n: Double, _ digits: Int) -> String { fixed(Double(x) / perCounty / n, digits) }
        typealias Measure = (label: String, value: (Year, Double) -> String)
        var lines: [Measure] = []
        lines.append(("population (thousands, per county)", { (y: Year, n: Double) -> String in mean(y.population, n * 1000, 1) }))
        lines.append(("births per 1,000 people", { (y: Year, n: Double) -> String in ratio(y.births, y.population, 1000, 2) }))
        lines.append(("  sd of the village-year rate", { (y: Year, n: Double) -> String in sd(y.leafBirthRates, 2) }))
        lines.append(("sex ratio at birth (boys/100 girls)", { (y: Year, n: Double) -> String in ratio(y.male, y.female, 100, 1) }))
        lines.append(("illegal births per 1,000 births", { (y: Year, n: Double) -> String in ratio(y.illegal, y.births, 1000, 1) }))
        lines.append(("outside-policy multi-child rate %", { (y: Year, n: Double) -> String in ratio(y.multi, y.births, 100, 2) }))
        lines.append(("villages with 0 illegal births %", { (y: Year, n: Double) -> String in ratio(Int64(y.leavesZeroIllegal), Int64(y.leaves), 100, 1) }))
        lines.append(("townships with 0 illegal births %", { (y: Year, n: Double) -> String in ratio(Int64(y.townshipsZeroIllegal), Int64(y.townships), 100, 1) }))
        lines.append(("reward roll, closing (per county)", { (y: Year, n: Double) -> String in mean(y.rewardTotal, n, 0) }))
        lines.append(("  added, % of opening", { (y: Year, n: Double) -> String in ratio(y.rewardAdded, y.rewardPrev, 100, 1) }))
        lines.append(("  exit rate, % of opening", { (y: Year, n: Double) -> String in ratio(y.rewardExited, y.rewardPrev, 100, 1) }))
        lines.append(("special roll, closing (per county)", { (y: Year, n: Double) -> String in mean(y.specialTotal, n, 1) }))
        lines.append(("  added (per county)", { (y: Year, n: Double) -> String in mean(y.specialAdded, n, 1) }))
        lines.append(("  exit rate, % of opening", { (y: Year, n: Double) -> String in ratio(y.specialExited, y.specialPrev, 100, 1) }))
        lines.append(("  disabled share of added %", { (y: Year, n: Double) -> String in ratio(y.specialAddedDisabled, y.specialAdded, 100, 1) }))
        lines.append(("sskf families added (per county)", { (y: Year, n: Double) -> String in mean(y.sskf, n, 1) }))
        lines.append(("ltc women (per county)", { (y: Year, n: Double) -> String in mean(y.ltc, n, 1) }))
        lines.append(("reward funds per person (yuan)", { (y: Year, n: Double) -> String in ratio(y.rewardFunds, y.rewardTotal, 1, 0) }))
        lines.append(("special funds per person (yuan)", { (y: Year, n: Double) -> String in ratio(y.specialFunds, y.specialTotal, 1, 0) }))
        let labelWidth = 36
        out += pad("", labelWidth) + names.map { padLeft($0, 7) }.joined() + "\n"
        for (label, value) in lines {
            out += pad(label, labelWidth) + columns.map { padLeft(value($0.0, $0.1), 7) }.joined() + "\n"
        }
        out += "(\"all\": rates over all years; rolls, counts and population are yearly means per county)\n"
        if !cases.isEmpty {
            out += "\nplanted cases: " + Pattern.allCases.compactMap { p in cases[p].map { "\(p.rawValue) \($0)" } }.joined(separator: ", ") + "\n"
        } else if !config.injections.isEmpty {
            out += "\nplanted cases: none (no candidate qualified)\n"
        }
        return out
    }
}

// MARK: Formatting (display only)

/// `x` rounded to `digits` decimals, written without Foundation.
func fixed(_ x: Double, _ digits: Int) -> String {
    guard x.isFinite else { return "–" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let m = Int64((abs(x) * scale).rounded())
    let text = CountyCSV.decimal(m, exponent: -digits)
    return (x < 0 && m != 0 ? "-" : "") + text
}

private func ratio(_ a: Int64, _ b: Int64, _ per: Double, _ digits: Int) -> String {
    b == 0 ? "–" : fixed(Double(a) * per / Double(b), digits)
}

private func sd(_ xs: [Double], _ digits: Int) -> String {
    guard xs.count > 1 else { return "–" }
    let m = xs.reduce(0, +) / Double(xs.count)
    let v = xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(xs.count - 1)
    return fixed(v.squareRoot(), digits)
}

private func q(_ sorted: [Int64], _ p: Double) -> String {
    guard !sorted.isEmpty else { return "–" }
    return String(sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))])
}

private func sum(_ xs: [Int]) -> Int { xs.reduce(0, +) }

private func range(_ xs: [Int]) -> String {
    guard let lo = xs.min(), let hi = xs.max() else { return "–" }
    return lo == hi ? "\(lo)" : "\(lo)–\(hi)"
}

private func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - s.count)) }
private func padLeft(_ s: String, _ w: Int) -> String { String(repeating: " ", count: max(0, w - s.count)) + s }
