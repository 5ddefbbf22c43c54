#if canImport(Glibc)
import Glibc
#endif

/// Builds one genuine county: its units, and every unit's figures for every year, from the
/// model in ``CountyModel``. Villages and communities are drawn; townships and the county are
/// the sums of their children. Everything comes from one stream of the run's seed and the
/// county's number, so the genuine county never depends on what is planted in it or on how
/// it is written.
enum CountyBuilder {
    /// Township-specific parameters.
    private struct Township {
        var birthFactor: Double
        var illegalShare: Double
        var multiShare: Double
        var growth: Double
        var rewardExit: Double
    }

    /// What a village or community carries from one year to the next.
    private struct Carry {
        var population: Int64
        var reward: Int64
        var specialDisabled: Int64
        var specialDeath: Int64
    }

    static func build(seed: UInt64, index: Int, years: [Int],
                      townships: ClosedRange<Int>, villages: ClosedRange<Int>) -> CountyTable {
        var rng = SplitMix64.stream(seed: seed, UInt64(index), StreamTag.genuine)
        let code6 = PlaceNames.countyCode(index)
        let prorated = !rng.chance(CountyModel.fullYearShare)
        let countyBirth = rng.logNormal(median: 1, sigma: CountyModel.countyBirthSigma)
        var taken = Set<String>()

        // Units, in pre-order.
        var units = [GeneratedUnit(code: code6 + "000000", name: PlaceNames.stem(&rng, avoiding: &taken) + "县",
                                   kind: .county, parent: nil)]
        var params: [Int: Township] = [:]
        let nT = rng.int(in: townships)
        var towns = 0, xiangs = 0
        for t in 0..<nT {
            let isTown = t == 0 || rng.chance(0.55)
            let ttt: String
            if isTown { towns += 1; ttt = "1" + PlaceNames.pad2(towns) } else { xiangs += 1; ttt = "2" + PlaceNames.pad2(xiangs) }
            let ti = units.count
            units.append(GeneratedUnit(code: code6 + ttt + "000",
                                       name: PlaceNames.stem(&rng, avoiding: &taken) + (isTown ? "镇" : "乡"),
                                       kind: .township, parent: 0))
            units[0].children.append(ti)
            params[ti] = Township(
                birthFactor: rng.logNormal(median: 1, sigma: CountyModel.townshipBirthSigma),
                illegalShare: clamp(rng.logNormal(median: CountyModel.illegalShare.median, sigma: CountyModel.illegalShare.sigma),
                                    CountyModel.illegalShare.lo, CountyModel.illegalShare.hi),
                multiShare: clamp(rng.logNormal(median: CountyModel.multiShare.median, sigma: CountyModel.multiShare.sigma),
                                  CountyModel.multiShare.lo, CountyModel.multiShare.hi),
                growth: CountyModel.townshipGrowth.mean + CountyModel.townshipGrowth.sd * rng.normal(),
                rewardExit: max(0.005, CountyModel.rewardExit.mean + CountyModel.rewardExit.sd * rng.normal()))
            let nKids = rng.int(in: villages)
            let nCommunities = isTown && nKids > 1 ? min(nKids - 1, rng.poisson(t == 0 ? 2.5 : 0.8)) : 0
            for k in 0..<nKids {
                let community = k < nCommunities
                let vvv = community ? PlaceNames.pad3(k + 1) : PlaceNames.pad3(201 + k - nCommunities)
                let vi = units.count
                units.append(GeneratedUnit(code: code6 + ttt + vvv,
                                           name: PlaceNames.stem(&rng, avoiding: &taken) + (community ? "社区" : "村"),
                                           kind: community ? .community : .village, parent: ti))
                units[ti].children.append(vi)
            }
        }

        // Opening state of every village and community.
        var carry: [Int: Carry] = [:]
        let leaves = units.indices.filter { units[$0].kind == .village || units[$0].kind == .community }
        for v in leaves {
            let m = units[v].kind == .community ? CountyModel.communityPopulation : CountyModel.villagePopulation
            let pop = clampInt(rng.logNormal(median: m.median, sigma: m.sigma), CountyModel.populationBounds)
            let special = Int64(rng.poisson(Double(pop) * CountyModel.specialOpeningRate))
            let disabled = Int64(rng.binomial(Int(special), CountyModel.specialDisabledShare))
            carry[v] = Carry(population: pop,
                             reward: Int64(rng.poisson(Double(pop) * CountyModel.rewardOpeningRate)),
                             specialDisabled: disabled, specialDeath: special - disabled)
        }

        var table = CountyTable(code6: code6, units: units, years: years,
                                rows: Array(repeating: Array(repeating: Figures(), count: units.count), count: years.count),
                                prorated: prorated)
        for (y, year) in years.enumerated() {
            for v in leaves {
                guard let p = units[v].parent, let tp = params[p], var c = carry[v] else { continue }
                if y > 0 {
                    let g = tp.growth + (units[v].kind == .community ? CountyModel.communityGrowthBonus : 0)
                        + CountyModel.villageYearGrowthSD * rng.normal()
                    c.population = max(50, Int64((Double(c.population) * exp(g)).rounded()))
                }
                table.rows[y][v] = leafYear(&rng, year: year, kind: units[v].kind, township: tp,
                                            countyBirth: countyBirth, prorated: prorated, carry: &c)
                carry[v] = c
            }
            for t in units[0].children { table.aggregate(year: y, unit: t) }
            table.aggregate(year: y, unit: 0)
        }
        return table
    }

    /// One village's or community's figures for one year; moves its rolls on to the next year.
    private static func leafYear(_ rng: inout SplitMix64, year: Int, kind: GeneratedUnit.Kind, township tp: Township,
                                 countyBirth: Double, prorated: Bool, carry c: inout Carry) -> Figures {
        var f = Figures()
        let pop = Double(c.population)
        f[.population] = c.population

        // Births: Poisson around the township's rate, split by sex, thinned for the law.
        let lambda = pop * CountyModel.birthRate(year) / 1000 * countyBirth * tp.birthFactor
            * rng.logNormal(median: 1, sigma: CountyModel.villageYearBirthSigma)
        let births = rng.poisson(lambda)
        let male = rng.binomial(births, CountyModel.maleShare)
        let policy = CountyModel.policyFactor(year)
        f[.births] = Int64(births)
        f[.births_male] = Int64(male)
        f[.births_female] = Int64(births - male)
        f[.births_illegal] = Int64(rng.binomial(births, tp.illegalShare * policy))
        f[.births_multi_outside_policy] = Int64(rng.binomial(births, tp.multiShare * policy))
        f.set(.multi_outside_policy_rate, CountyTable.rateBP(multi: f[.births_multi_outside_policy], births: f[.births]))

        // One-off programmes.
        f[.ltc_women] = Int64(rng.poisson(pop * CountyModel.ltcRate))
        f[.ltc_reward_funds] = f[.ltc_women] * ExampleStandards.ltcRewardOneOff

        // Reward support: stock and flow; new entrants paid the full year or from their month.
        let rPrev = c.reward
        let rExit = Int64(rng.binomial(Int(rPrev), tp.rewardExit))
        let rAdd = Int64(rng.poisson(pop * CountyModel.rewardAddRate))
        let rTotal = rPrev + rAdd - rExit
        f[.reward_prev] = rPrev
        f[.reward_added] = rAdd
        f[.reward_exited] = rExit
        f[.reward_total] = rTotal
        f[.reward_funds] = funds(&rng, continuing: rTotal - rAdd, added: rAdd,
                                 perYear: ExampleStandards.rewardPerYear, prorated: prorated)
        c.reward = rTotal

        // Special support, kept by kind (disabled / death) so the parts always add up.
        let dExit = Int64(rng.binomial(Int(c.specialDisabled), CountyModel.specialExit))
        let xExit = Int64(rng.binomial(Int(c.specialDeath), CountyModel.specialExit))
        let sAdd = rng.poisson(pop * CountyModel.specialAddRate)
        let dAdd = Int64(rng.binomial(sAdd, CountyModel.specialDisabledShare))
        let xAdd = Int64(sAdd) - dAdd
        let dTotal = c.specialDisabled + dAdd - dExit
        let xTotal = c.specialDeath + xAdd - xExit
        f[.special_prev] = c.specialDisabled + c.specialDeath
        f[.special_added] = Int64(sAdd)
        f[.special_exited] = dExit + xExit
        f[.special_total] = dTotal + xTotal
        f[.special_added_disabled] = dAdd
        f[.special_added_death] = xAdd
        f[.special_total_disabled] = dTotal
        f[.special_total_death] = xTotal
        f[.special_funds] =
            funds(&rng, continuing: dTotal - dAdd, added: dAdd, perYear: ExampleStandards.specialDisabledPerYear, prorated: prorated)
            + funds(&rng, continuing: xTotal - xAdd, added: xAdd, perYear: ExampleStandards.specialDeathPerYear, prorated: prorated)
        c.specialDisabled = dTotal
        c.specialDeath = xTotal

        f[.sskf_added] = Int64(rng.poisson(pop * CountyModel.sskfRate))
        f[.sskf_funds] = f[.sskf_added] * ExampleStandards.sskfOneOff
        f[.women_contacted] = Int64(rng.poisson(pop * CountyModel.contactRate))
        f[.technicians] = Int64(rng.poisson(kind == .community ? CountyModel.techniciansPerCommunity
                                                               : CountyModel.techniciansPerVillage))
        return f
    }

    /// Money of a yearly programme: the continuing beneficiaries the full year; each new entrant
    /// the full year, or from the month it joined (months 1…12 uniform, 1/12 of the standard a
    /// month; every standard here is a multiple of 12 yuan, so the amount stays whole).
    private static func funds(_ rng: inout SplitMix64, continuing: Int64, added: Int64, perYear: Int64, prorated: Bool) -> Int64 {
        guard prorated else { return (continuing + added) * perYear }
        var total = continuing * perYear
        for _ in 0..<added {
            let month = Int64(rng.int(in: 1...12))
            total += perYear / 12 * (13 - month)
        }
        return total
    }

    private static func clamp(_ x: Double, _ lo: Double, _ hi: Double) -> Double { min(max(x, lo), hi) }

    private static func clampInt(_ x: Double, _ r: ClosedRange<Int>) -> Int64 {
        Int64(min(max(x.rounded(), Double(r.lowerBound)), Double(r.upperBound)))
    }
}

/// Tags of the independent random streams of one county.
enum StreamTag {
    static let genuine: UInt64 = 1
    static let plant: UInt64 = 2
}
