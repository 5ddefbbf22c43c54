import Testing
@testable import Veto

/// Every consistency identity of SPEC.md §4 holds exactly in genuine generated data, read back
/// through the reader `veto check` uses; returns one line per violation.
func identityViolations(_ county: ReadCounty) -> [String] {
    var bad: [String] = county.problems
    func expect(_ ok: Bool, _ r: ReadRow, _ what: @autoclosure () -> String) {
        if !ok { bad.append("\(r.file):\(r.line) \(r.unit) \(r.period): \(what())") }
    }
    let periods = Set(county.rows.map(\.period)).sorted()
    for r in county.rows {
        guard let births = r.i(.births), let male = r.i(.births_male), let female = r.i(.births_female),
              let illegal = r.i(.births_illegal), let multi = r.i(.births_multi_outside_policy) else {
            bad.append("\(r.file):\(r.line): a birth count is not reported")
            continue
        }
        for f in numericFields where f != .multi_outside_policy_rate && f != .villages && f != .communities {
            expect((r.i(f) ?? -1) >= 0, r, "\(f) is not a whole number ≥ 0")
        }
        expect(male + female == births, r, "male + female ≠ births")
        expect(illegal <= births && multi <= births, r, "illegal or outside-policy births exceed births")
        // The rate agrees with its counts to 2 decimals: |rate − 100·multi/births| ≤ 0.005.
        if births > 0, let rate = r.v(.multi_outside_policy_rate) {
            // The rate in hundredths of a percent (it is written with 2 decimals).
            let bp = rate.mantissa * pow10(max(0, rate.exponent + 2))
            expect(rate.exponent >= -2 && 2 * abs(bp * Int128(births) - Int128(multi) * 10_000) <= Int128(births), r,
                   "rate \(rate) does not match \(multi)/\(births)")
        } else {
            expect(births > 0 || r.v(.multi_outside_policy_rate) == nil, r, "a rate without births")
            expect(births == 0, r, "births but no rate")
        }
        for (prev, added, exited, total) in [(Field.reward_prev, Field.reward_added, Field.reward_exited, Field.reward_total),
                                             (.special_prev, .special_added, .special_exited, .special_total)] {
            expect(r.i(prev)! + r.i(added)! - r.i(exited)! == r.i(total)!, r, "\(prev) + added − exited ≠ total")
            if let p = periods.firstIndex(of: r.period), p > 0, let last = county.row(r.unit, periods[p - 1]) {
                expect(r.i(prev) == last.i(total), r, "\(prev) ≠ last year's \(total)")
            }
        }
        expect(r.i(.special_added_disabled)! + r.i(.special_added_death)! == r.i(.special_added)!, r, "special added parts")
        expect(r.i(.special_total_disabled)! + r.i(.special_total_death)! == r.i(.special_total)!, r, "special total parts")
        // Funds: one-off = added × standard; yearly within [(total − added) × std, total × std].
        expect(r.i(.ltc_reward_funds) == r.i(.ltc_women)! * ExampleStandards.ltcRewardOneOff, r, "ltc funds")
        expect(r.i(.sskf_funds) == r.i(.sskf_added)! * ExampleStandards.sskfOneOff, r, "sskf funds")
        let rf = r.i(.reward_funds)!, rt = r.i(.reward_total)!, ra = r.i(.reward_added)!
        expect(rf >= (rt - ra) * 960 && rf <= rt * 960, r, "reward funds \(rf) outside [\((rt - ra) * 960), \(rt * 960)]")
        let sf = r.i(.special_funds)!
        let td = r.i(.special_total_disabled)!, tx = r.i(.special_total_death)!
        let ad = r.i(.special_added_disabled)!, ax = r.i(.special_added_death)!
        expect(sf >= (td - ad) * 7_200 + (tx - ax) * 9_120 && sf <= td * 7_200 + tx * 9_120, r, "special funds \(sf) outside bounds")

        // Hierarchy: sums of children, and counts of child rows.
        switch r.level {
        case .village?:
            expect(r.v(.villages) == nil && r.v(.communities) == nil, r, "a village reports villages/communities")
        case .township?, .county?:
            let kids = county.children(of: r.unit, r.period)
            expect(!kids.isEmpty, r, "no child rows")
            for f in CountyTable.additive {
                expect(kids.reduce(ExactDecimal.zero) { $0 + ($1.v(f) ?? .zero) } == (r.v(f) ?? ExactDecimal(-1)), r, "\(f) ≠ sum of children")
            }
            let leaves = r.level == .township ? kids : kids.flatMap { county.children(of: $0.unit, $0.period) }
            // Village committees are numbered 2xx, residents' committees (communities) 0xx/1xx.
            let villageRows = leaves.filter { $0.unit.suffix(3) >= "200" }.count
            expect(r.i(.villages) == Int64(villageRows), r, "villages \(r.i(.villages) ?? -1) ≠ \(villageRows) village rows")
            expect(r.i(.communities) == Int64(leaves.count - villageRows), r, "communities ≠ community rows")
        default:
            bad.append("\(r.file):\(r.line): unexpected level of \(r.unit)")
        }
    }
    return bad
}

private func pow10(_ k: Int) -> Int128 { (0..<k).reduce(Int128(1)) { r, _ in r * 10 } }

@Test(arguments: 1...60)
func genuineCountySatisfiesEveryIdentity(seed: UInt64) throws {
    let c = try generate(smallConfig(seed: seed))
    let read = readBack(c.files)
    #expect(read.rows.count == c.table.units.count * 4)
    let bad = identityViolations(read)
    #expect(bad.isEmpty, "\(bad.prefix(5))")
    #expect(c.labels.isEmpty)
}

/// The identity checker itself catches a broken county (so the test above can fail).
@Test func identityCheckCatchesABrokenFigure() throws {
    let c = try generate(smallConfig(seed: 5))
    var read = readBack(c.files)
    let i = read.rows.firstIndex { $0.level == .village } ?? 0
    read.rows[i].values[.births_male] = .some(read.rows[i].v(.births_male)! + ExactDecimal(1))
    let bad = identityViolations(read)
    #expect(bad.contains { $0.contains("male + female") })
    #expect(bad.contains { $0.contains("births_male ≠ sum of children") })
}

/// Over many small counties the draws look like a population, not noise: sex ratio near
/// 105:100, births per 1,000 near the national rate, some but not all villages with 0 illegal births.
@Test func genuineDistributionsLookLikeACounty() throws {
    var male: Int64 = 0, female: Int64 = 0, births: Int64 = 0, pop: Int64 = 0
    var zeroIllegal = 0, villageYears = 0
    for seed: UInt64 in 1...24 {
        let c = try generate(smallConfig(seed: seed, years: 2016...2019))
        for r in readBack(c.files).rows where r.level == .village {
            male += r.i(.births_male)!; female += r.i(.births_female)!
            births += r.i(.births)!; pop += r.i(.population)!
            villageYears += 1
            if r.i(.births_illegal) == 0 { zeroIllegal += 1 }
        }
    }
    // Binomial at p = 105/205: 4 standard deviations around the expected boys.
    let n = Double(male + female), p = 105.0 / 205.0
    #expect(abs(Double(male) - n * p) < 4 * (n * p * (1 - p)).squareRoot(), "boys \(male) of \(male + female)")
    let perThousand = Double(births) * 1000 / Double(pop)
    #expect(perThousand > 9 && perThousand < 16, "births per 1,000: \(perThousand)")
    let share = Double(zeroIllegal) / Double(villageYears)
    #expect(share > 0.4 && share < 0.95, "villages with no illegal birth: \(share)")
}
