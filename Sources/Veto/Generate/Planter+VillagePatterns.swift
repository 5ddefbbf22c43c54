/// Patterns planted in one village row, whose township and county sums follow.
extension Planter {
    mutating func paddedRoll(_ y: Int, _ v: Int, _ rng: inout SplitMix64) -> Bool {
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

    mutating func paddedFunds(_ y: Int, _ v: Int, _ rng: inout SplitMix64) -> Bool {
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

    mutating func copyPaste(_ y: Int, _ v: Int, _ rng: inout SplitMix64) -> Bool {
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

    mutating func frozen(_ y: Int, _ v: Int) -> Bool {
        guard y > 0 else { return false }
        let k = RowKey(year: y, unit: v), source = RowKey(year: y - 1, unit: v)
        return attempt(.frozen, targets: [k], sources: [source], planted: nil) { t in
            guard t[k] != t[source] else { return false }
            t[k] = t[source]
            t.aggregateUp(year: y, from: v)
            return true
        }
    }
}
