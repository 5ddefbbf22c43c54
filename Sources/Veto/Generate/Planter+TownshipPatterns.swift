/// Patterns planted in a township: its own row, or its villages' rows too.
extension Planter {
    mutating func hierarchy(_ y: Int, _ tw: Int, _ rng: inout SplitMix64) -> Bool {
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

    mutating func targetSmoothing(_ y: Int, _ tw: Int) -> Bool {
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
    func townshipRows(_ tw: Int) -> [RowKey] {
        table.years.indices.flatMap { y in table.subtree(tw).map { RowKey(year: y, unit: $0) } }
    }

    mutating func zeroWashing(_ tw: Int) -> Bool {
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

    mutating func invented(_ tw: Int) -> Bool {
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
}
