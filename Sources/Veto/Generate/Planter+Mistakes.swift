/// Honest mistakes (typos) and corrections nobody announces (silent revisions).
extension Planter {
    mutating func typo(_ y: Int, _ u: Int, _ rng: inout SplitMix64) -> Bool {
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
    mutating func silentRevision(_ y: Int, _ rng: inout SplitMix64) -> Bool {
        guard y > 0 else { return false }
        var leaves = table.leaves
        rng.shuffle(&leaves)
        for v in leaves where reviseOne(y, v, &rng) { return true }
        return false
    }

    mutating func reviseOne(_ y: Int, _ v: Int, _ rng: inout SplitMix64) -> Bool {
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
