/// Per-person amounts the generator pays, in yuan.
///
/// EXAMPLE STANDARDS, not a standards table: reward 960/year and sskf 3,000 one-off match the
/// domain report (`domain/README.md`: 556 × 960 = 533,760; 68 × 3,000 = 204,000); the special
/// support pair 600/760 per month is one pair that fits that report's 291,360 yuan; the
/// 500-yuan long-term-contraception reward is an assumption. Real amounts vary by province
/// and year.
public enum ExampleStandards {
    /// 奖励扶助: 80 yuan a month.
    public static let rewardPerYear: Int64 = 960
    /// 特别扶助, child disabled: 600 yuan a month.
    public static let specialDisabledPerYear: Int64 = 7_200
    /// 特别扶助, child died: 760 yuan a month.
    public static let specialDeathPerYear: Int64 = 9_120
    /// 少生快富: one-off, per family added.
    public static let sskfOneOff: Int64 = 3_000
    /// 长效节育措施奖励金: one-off, per woman.
    public static let ltcRewardOneOff: Int64 = 500

    /// The standards as a `veto check --standards` file.
    public static let yaml = """
    # The example standards `veto generate` paid its synthetic counties by (yuan).
    # Examples, not an official table: reward and sskf match the domain report; the special
    # support pair (600 / 760 a month) is one pair that fits its 291,360 yuan; ltc is assumed.
    standards:
      - {programme: reward, per_year: \(rewardPerYear), from_period: 2000, one_off: false, source: "example: veto generate"}
      - {programme: special_disabled, per_year: \(specialDisabledPerYear), from_period: 2000, one_off: false, source: "example: veto generate"}
      - {programme: special_death, per_year: \(specialDeathPerYear), from_period: 2000, one_off: false, source: "example: veto generate"}
      - {programme: sskf, per_year: \(sskfOneOff), from_period: 2000, one_off: true, source: "example: veto generate"}
      - {programme: ltc_reward, per_year: \(ltcRewardOneOff), from_period: 2000, one_off: true, source: "example: veto generate"}

    """

    /// The yearly standard of a yearly programme's closing-stock column, nil for others.
    static func perYear(_ total: Field) -> Int64? {
        switch total {
        case .reward_total: rewardPerYear
        case .special_total_disabled: specialDisabledPerYear
        case .special_total_death: specialDeathPerYear
        default: nil
        }
    }
}

/// The knobs of the genuine-county model. Rates are per person per year unless said otherwise.
/// Values are chosen so that a county looks like a rural county of north-west China in
/// 2016–2025 (and like the domain report's county where it gives a figure).
enum CountyModel {
    /// Crude birth rate of China per 1,000 people (NBS statistical communiqués). 2025 is an
    /// assumption (not in the communiqués this table was written from). Years outside the
    /// table take the nearest year's rate.
    static let birthsPerThousand: [Int: Double] = [
        2016: 13.57, 2017: 12.64, 2018: 10.86, 2019: 10.41, 2020: 8.52,
        2021: 7.52, 2022: 6.77, 2023: 6.39, 2024: 6.77, 2025: 6.50,
    ]

    static func birthRate(_ year: Int) -> Double {
        birthsPerThousand[min(max(year, 2016), 2025)] ?? 10
    }

    /// How much of a township's illegal / outside-policy birth rate applies in a year: the
    /// three-child policy (2021) and the end of social maintenance fees left few births that
    /// anyone records as outside the law.
    static func policyFactor(_ year: Int) -> Double {
        if year <= 2020 { return 1 }
        if year == 2021 { return 0.5 }
        return 0.1
    }

    /// Probability that a birth is a boy: 105 boys per 100 girls.
    static let maleShare = 105.0 / 205.0

    /// Village population: log-normal (median, log-sd), communities (town seats) larger.
    static let villagePopulation = (median: 1_100.0, sigma: 0.55)
    static let communityPopulation = (median: 2_600.0, sigma: 0.5)
    static let populationBounds = 120...30_000

    /// Yearly log-growth of a township's villages: normal(mean, sd) per township, plus
    /// per-village-year noise; communities grow a little faster than villages shrink.
    static let townshipGrowth = (mean: -0.008, sd: 0.008)
    static let villageYearGrowthSD = 0.01
    static let communityGrowthBonus = 0.015

    /// Birth rate multipliers: county, township (log-normal, median 1) and a per-village-year
    /// factor that makes counts over-dispersed as administrative counts are.
    static let countyBirthSigma = 0.12
    static let townshipBirthSigma = 0.12
    static let villageYearBirthSigma = 0.10

    /// Share of births recorded as illegal / outside-policy multi-child, per township
    /// (log-normal, clamped), before the policy factor.
    static let illegalShare = (median: 0.015, sigma: 0.8, lo: 0.001, hi: 0.08)
    static let multiShare = (median: 0.025, sigma: 0.6, lo: 0.002, hi: 0.15)

    /// Women newly rewarded for long-term contraception, per person.
    static let ltcRate = 0.00012
    /// Families newly in 少生快富, per person.
    static let sskfRate = 0.0003
    /// Women of child-bearing age in one-to-one contact, per person.
    static let contactRate = 0.008
    /// Technicians per village and per community.
    static let techniciansPerVillage = 0.6
    static let techniciansPerCommunity = 1.0

    /// Reward support: opening roll per person, additions per person, yearly exit probability
    /// (township-specific around the mean).
    static let rewardOpeningRate = 0.003
    static let rewardAddRate = 0.00025
    static let rewardExit = (mean: 0.03, sd: 0.008)
    /// Special support: the same, plus the share of the disabled kind among additions.
    static let specialOpeningRate = 0.00012
    static let specialAddRate = 0.00004
    static let specialExit = 0.03
    static let specialDisabledShare = 0.2

    /// Share of counties that pay new entrants of yearly programmes the full year; the others
    /// pay from the month they joined (so funds lie in [(total − added) × std, total × std]).
    static let fullYearShare = 0.5

    /// The outside-policy multi-child rate target (percent × 100) that target-smoothing
    /// nudges rates under. An example target, not a policy figure.
    static let multiRateTargetBP: Int64 = 500
}
