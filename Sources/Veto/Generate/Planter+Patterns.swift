/// The patterns themselves: which rows each may be planted in, and what it changes.
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
        case .zeroWashing, .invented:
            return table.townships.map { (0, $0) }
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
        }
    }

    // MARK: Village patterns (sums follow)

    private mutating func paddedRoll(_ y: Int, _ v: Int, _ rng: inout SplitMix64) -> Bool {
        let k = RowKey(year: y, unit: v)
        let f = table[k]
        if rng.chance(0.75) {
            let add = max(1, Int64((Double(f[.reward_total]) * rng.uniform(0.05, 0.3)).rounded()))
            return attempt(.paddedRoll, targets: [k], planted: [.reward_total]) { t in
                t[k][.reward_total] += add
                t[k][.reward_funds] += add * ExampleStandards.rewardPerYear
                t.aggregateUp(year: y, from: v)
                return true
            }
        }
        let part: Field = rng.chance(0.7) ? .special_total_death : .special_total_disabled
        let add = max(1, Int64((Double(f[.special_total]) * rng.uniform(0.1, 0.5)).rounded()))
        let std = ExampleStandards.perYear(part) ?? 0
        return attempt(.paddedRoll, targets: [k], planted: [.special_total]) { t in
            t[k][.special_total] += add
            t[k][part] += add
            t[k][.special_funds] += add * std
            t.aggregateUp(year: y, from: v)
            return true
        }
    }

    private mutating func paddedFunds(_ y: Int, _ v: Int, _ rng: inout SplitMix64) -> Bool {
        let k = RowKey(year: y, unit: v)
        let f = table[k]
        let field: Field, upper: Int64, std: Int64, count: Int64
        if f[.special_total] > 0 && rng.chance(0.3) {
            field = .special_funds
            upper = f[.special_total_disabled] * ExampleStandards.specialDisabledPerYear
                + f[.special_total_death] * ExampleStandards.specialDeathPerYear
            std = ExampleStandards.specialDeathPerYear
            count = f[.special_total]
        } else {
            field = .reward_funds
            upper = f[.reward_total] * ExampleStandards.rewardPerYear
            std = ExampleStandards.rewardPerYear
            count = f[.reward_total]
        }
        // Pay m people who are not there; never an amount a typo of the true one would give.
        var m = max(1, Int64((Double(max(count, 1)) * rng.uniform(0.1, 0.5)).rounded()))
        while TypoEdit.isTypo(of: f[field], upper + m * std) { m += 1 }
        let padded = upper + m * std
        return attempt(.paddedFunds, targets: [k], planted: [field]) { t in
            t[k][field] = padded
            t.aggregateUp(year: y, from: v)
            return true
        }
    }

    private mutating func copyPaste(_ y: Int, _ v: Int, _ rng: inout SplitMix64) -> Bool {
        guard let parent = table.units[v].parent else { return false }
        let siblings = table.units[parent].children.filter { $0 != v && table.units[$0].kind == table.units[v].kind }
        guard let s = rng.pick(siblings) else { return false }
        let k = RowKey(year: y, unit: v), source = RowKey(year: y, unit: s)
        return attempt(.copyPaste, targets: [k], sources: [source], planted: nil) { t in
            guard t[k] != t[source] else { return false }
            t[k] = t[source]
            t.aggregateUp(year: y, from: v)
            return true
        }
    }

    private mutating func frozen(_ y: Int, _ v: Int) -> Bool {
        guard y > 0 else { return false }
        let k = RowKey(year: y, unit: v), source = RowKey(year: y - 1, unit: v)
        return attempt(.frozen, targets: [k], sources: [source], planted: nil) { t in
            guard t[k] != t[source] else { return false }
            t[k] = t[source]
            t.aggregateUp(year: y, from: v)
            return true
        }
    }

    // MARK: Township patterns

    private mutating func hierarchy(_ y: Int, _ tw: Int, _ rng: inout SplitMix64) -> Bool {
        let k = RowKey(year: y, unit: tw)
        let f = table[k]
        let field = rng.pick([Field.population, .women_contacted, .technicians, .villages]) ?? .population
        let v = f[field]
        var delta: Int64 = switch field {
        case .population: max(1, Int64((Double(v) * rng.uniform(0.01, 0.08)).rounded()))
        case .women_contacted: max(1, Int64((Double(v) * rng.uniform(0.05, 0.2)).rounded()))
        case .technicians: Int64(rng.int(in: 1...3))
        default: 1
        }
        if rng.chance(0.5) && v - delta >= 0 { delta = -delta }
        return attempt(.hierarchy, targets: [k], planted: [field]) { t in
            t[k][field] += delta
            t.aggregate(year: y, unit: 0)    // the county adds up its townships as reported
            return true
        }
    }

    private mutating func targetSmoothing(_ y: Int, _ tw: Int) -> Bool {
        let target = CountyModel.multiRateTargetBP
        let kids = table.units[tw].children
        let over = kids.filter {
            let f = table[RowKey(year: y, unit: $0)]
            return f[.births_multi_outside_policy] * 10_000 > target * f[.births]
        }
        guard !over.isEmpty else { return false }
        let rows = [RowKey(year: y, unit: tw)] + kids.map { RowKey(year: y, unit: $0) }
        return attempt(.targetSmoothing, targets: rows, planted: [.births_multi_outside_policy]) { t in
            for v in over {
                let k = RowKey(year: y, unit: v)
                let births = t[k][.births]
                t[k][.births_multi_outside_policy] = target * births / 10_000
                t[k].set(.multi_outside_policy_rate, CountyTable.rateBP(multi: t[k][.births_multi_outside_policy], births: births))
            }
            t.aggregateUp(year: y, from: over[0])
            return true
        }
    }

    /// Every row of a township (its own and its children's) in every year.
    private func townshipRows(_ tw: Int) -> [RowKey] {
        table.years.indices.flatMap { y in table.subtree(tw).map { RowKey(year: y, unit: $0) } }
    }

    private mutating func zeroWashing(_ tw: Int) -> Bool {
        // Only a township with illegal births to hide: at least 3 over the years.
        let hidden = table.years.indices.reduce(Int64(0)) { $0 + genuine.rows[$1][tw][.births_illegal] }
        guard hidden >= 3 else { return false }
        return attempt(.zeroWashing, targets: townshipRows(tw),
                       planted: [.births_illegal, .births_multi_outside_policy]) { t in
            for y in t.years.indices {
                for v in t.units[tw].children {
                    let k = RowKey(year: y, unit: v)
                    t[k][.births_illegal] = 0
                    t[k][.births_multi_outside_policy] = 0
                    t[k].set(.multi_outside_policy_rate, CountyTable.rateBP(multi: 0, births: t[k][.births]))
                }
                t.aggregateUp(year: y, from: t.units[tw].children[0])
            }
            return true
        }
    }

    /// The nearest non-negative whole number ending in 0, 5 or 8 (downwards first on a tie).
    static func preferred(_ x: Int64) -> Int64 {
        func ok(_ n: Int64) -> Bool { [0, 5, 8].contains(n % 10) }
        var d: Int64 = 0
        while true {
            if x - d >= 0 && ok(x - d) { return x - d }
            if ok(x + d) { return x + d }
            d += 1
        }
    }

    private mutating func invented(_ tw: Int) -> Bool {
        let genuine = self.genuine
        return attempt(.invented, targets: townshipRows(tw), planted: nil) { t in
            for y in t.years.indices {
                // One smooth birth rate for the whole township: its own genuine births per person.
                let tf = genuine.rows[y][tw]
                let (bT, pT) = (tf[.births], max(tf[.population], 1))
                for v in t.units[tw].children {
                    let k = RowKey(year: y, unit: v)
                    var f = t[k]
                    f[.population] = max(100, (f[.population] + 50) / 100 * 100)
                    f[.births] = (f[.population] * bT * 2 + pT) / (2 * pT)
                    f[.births_male] = (f[.births] * 52 + 50) / 100
                    f[.births_female] = f[.births] - f[.births_male]
                    f[.births_illegal] = 0
                    f[.births_multi_outside_policy] = 0
                    f.set(.multi_outside_policy_rate, CountyTable.rateBP(multi: 0, births: f[.births]))
                    f[.women_contacted] = (f[.women_contacted] + 5) / 10 * 10
                    if y > 0 { f[.reward_prev] = t[RowKey(year: y - 1, unit: v)][.reward_total] }
                    f[.reward_added] = Self.preferred(f[.reward_added])
                    f[.reward_exited] = min(Self.preferred(f[.reward_exited]), f[.reward_prev] + f[.reward_added])
                    f[.reward_total] = f[.reward_prev] + f[.reward_added] - f[.reward_exited]
                    f[.reward_funds] = f[.reward_total] * ExampleStandards.rewardPerYear
                    f[.sskf_added] = Self.preferred(f[.sskf_added])
                    f[.sskf_funds] = f[.sskf_added] * ExampleStandards.sskfOneOff
                    t[k] = f
                }
                t.aggregateUp(year: y, from: t.units[tw].children[0])
            }
            return true
        }
    }

    // MARK: Honest mistakes and restatements

    private mutating func typo(_ y: Int, _ u: Int, _ rng: inout SplitMix64) -> Bool {
        let k = RowKey(year: y, unit: u)
        let f = table[k]
        let kinds = TypoEdit.Kind.allCases.filter { kind in
            CountyTable.additive.contains { TypoEdit.applicable(kind, value: f[$0], money: $0.numberKind == .money) }
        }
        guard let kind = rng.pick(kinds) else { return false }
        let fields = CountyTable.additive.filter { TypoEdit.applicable(kind, value: f[$0], money: $0.numberKind == .money) }
        guard let field = rng.pick(fields) else { return false }
        let cell = CellKey(row: k, field: field)
        let scale = money == .yuan ? -4 : 4
        let edited = TypoEdit.apply(kind, to: f[field], rng: &rng)
        return attempt(.typo, targets: [k], planted: [field]) { t in
            if kind == .wanYuan {
                t.slips[cell] = scale
            } else {
                guard let edited else { return false }
                t[k][field] = edited
            }
            return true
        }
    }

    /// Tries the county's villages in random order until one can take the correction.
    private mutating func silentRevision(_ y: Int, _ rng: inout SplitMix64) -> Bool {
        guard y > 0 else { return false }
        var leaves = table.leaves
        rng.shuffle(&leaves)
        for v in leaves where reviseOne(y, v, &rng) { return true }
        return false
    }

    private mutating func reviseOne(_ y: Int, _ v: Int, _ rng: inout SplitMix64) -> Bool {
        // The correction restates the township's row too: not one another case planted.
        guard let tw = table.units[v].parent, !isClaimed(RowKey(year: y - 1, unit: tw)),
              untouched(RowKey(year: y - 1, unit: v)) else { return false }
        let field = rng.pick([Field.population, .women_contacted, .ltc_women, .sskf_added]) ?? .population
        let g = genuine.rows[y - 1][v]
        var delta: Int64 = switch field {
        case .population: max(1, Int64((Double(g[.population]) * rng.uniform(0.005, 0.03)).rounded()))
        case .women_contacted: Int64(rng.int(in: 1...5))
        default: Int64(rng.int(in: 1...2))
        }
        if rng.chance(0.5) && g[field] - delta >= 0 { delta = -delta }
        let money: (Field, Int64)? = switch field {
        case .ltc_women: (.ltc_reward_funds, ExampleStandards.ltcRewardOneOff)
        case .sskf_added: (.sskf_funds, ExampleStandards.sskfOneOff)
        default: nil
        }
        let fresh = table.restated[y] == nil
        restate(year: y)
        let k = RowKey(year: y, unit: v, restated: true)
        let ancestors = table.ancestors(v).map { RowKey(year: y, unit: $0, restated: true) }
        let kept = attempt(.silentRevision, targets: [k], planted: [field]) { t in
            // The correction: the village's row and the rows whose sums it changes, top down.
            t.restatedUnits[y] = ([v] + t.ancestors(v)).sorted()
            for r in [k] + ancestors {
                t[r][field] += delta
                if let (m, std) = money { t[r][m] += delta * std }
            }
            return true
        }
        if !kept && fresh { unrestate(year: y) }
        return kept
    }
}
