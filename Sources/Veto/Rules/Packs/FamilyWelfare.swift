/// Built-in rule packs, in the same YAML format as user rule files (`veto rules show`).
public enum Packs {
    public static let names = ["family-welfare"]

    public static func text(_ name: String) -> String? {
        name == "family-welfare" ? familyWelfare : nil
    }

    /// The built-in pack, parsed (once per process). The pack is tested to parse without error.
    public static func load(_ name: String) throws -> RuleSet {
        guard name == "family-welfare" else {
            throw RuleFileError(file: "pack:\(name)", line: 1, column: 1,
                                message: "no pack `\(name)`; packs: \(names.joined(separator: ", "))")
        }
        return try parsedFamilyWelfare.get()
    }

    private static let parsedFamilyWelfare: Result<RuleSet, RuleFileError> = {
        let (set, errors) = RuleFile.parse(familyWelfare, file: "pack:family-welfare")
        if let e = errors.first { return .failure(e) }
        return .success(set)
    }()

    public static let familyWelfare = #"""
# The population-and-family-welfare report (SPEC.md §4).
# Comparisons are precision-aware: each figure stands for the interval of its reported
# precision, so no tolerance is needed; a rule whose figures are missing is "not checked".
version: 1
name: family-welfare
description: Consistency rules of the county population-and-family-welfare report.

# Columns of the report (SPEC.md §1): canonical name, the headers that mean it, what it holds.
# additive: summed up the hierarchy. inflates: raised to claim more money or beneficiaries.
# weight: reliability for breaking ties in error localisation (higher = more reliable): an opening
# stock repeats a figure accepted last period (1.2); closing stocks and money are what a report is
# judged by and what gets raised (0.9); additions, exits and the rest 1.0.
columns:
  - {name: period, kind: period, aliases: [年度, 年份, 期别, 年, 报告期]}
  - {name: unit_code, kind: code, aliases: [区划代码, 单位代码, 代码, 行政区划代码]}
  - {name: unit_name, kind: text, aliases: [单位名称, 单位, 乡镇, 名称, 乡镇名称, 地区]}
  - {name: population, kind: count, aliases: [常住人口, 总人口, 人口], additive: true}
  - {name: births, kind: count, aliases: [出生人数, 出生, 出生人口], additive: true}
  - {name: births_male, kind: count, aliases: [出生男, 出生男孩, 男], additive: true}
  - {name: births_female, kind: count, aliases: [出生女, 出生女孩, 女], additive: true}
  - {name: births_illegal, kind: count, aliases: [违法生育人数, 违法生育], additive: true}
  - {name: births_multi_outside_policy, kind: count, aliases: [政策外多孩人数, 政策外多孩], additive: true}
  - {name: multi_outside_policy_rate, kind: rate, aliases: [政策外多孩率]}
  - {name: ltc_women, kind: count, aliases: [长效节育措施人数, 采取长效节育措施育龄妇女数, 长效节育措施育龄妇女数], additive: true, inflates: true}
  - {name: ltc_reward_funds, kind: money, aliases: [长效节育措施奖励金, 兑现长效节育措施奖励金], additive: true, inflates: true, weight: 0.9}
  - {name: reward_prev, kind: count, aliases: [奖励扶助上年人数], additive: true, weight: 1.2}
  - {name: reward_added, kind: count, aliases: [奖励扶助新增, 奖励扶助新增人数], additive: true, inflates: true}
  - {name: reward_exited, kind: count, aliases: [奖励扶助退出, 奖励扶助退出人数], additive: true}
  - {name: reward_total, kind: count, aliases: [奖励扶助人数, 奖励扶助共计], additive: true, inflates: true, weight: 0.9}
  - {name: reward_funds, kind: money, aliases: [奖励扶助资金, 奖励扶助配套资金, 应落实配套资金], additive: true, inflates: true, weight: 0.9}
  - {name: special_prev, kind: count, aliases: [特别扶助上年人数], additive: true, weight: 1.2}
  - {name: special_added, kind: count, aliases: [特别扶助新增, 特别扶助新增人数], additive: true, inflates: true}
  - {name: special_exited, kind: count, aliases: [特别扶助退出, 特别扶助退出人数], additive: true}
  - {name: special_total, kind: count, aliases: [特别扶助人数, 特别扶助共计], additive: true, inflates: true, weight: 0.9}
  - {name: special_added_disabled, kind: count, aliases: [新增伤残, 子女伤残], additive: true, inflates: true}
  - {name: special_added_death, kind: count, aliases: [新增死亡, 子女死亡], additive: true, inflates: true}
  - {name: special_total_disabled, kind: count, aliases: [伤残家庭人数, 伤残家庭], additive: true, inflates: true, weight: 0.9}
  - {name: special_total_death, kind: count, aliases: [死亡家庭人数, 死亡家庭], additive: true, inflates: true, weight: 0.9}
  - {name: special_funds, kind: money, aliases: [特别扶助资金, 应落实特别扶助资金], additive: true, inflates: true, weight: 0.9}
  - {name: sskf_added, kind: count, aliases: [少生快富新增, 少生快富人数], additive: true, inflates: true}
  - {name: sskf_funds, kind: money, aliases: [少生快富资金, 少生快富配套资金], additive: true, inflates: true, weight: 0.9}
  - {name: women_contacted, kind: count, aliases: [一对一联系育龄妇女, 联系育龄妇女], additive: true}
  - {name: technicians, kind: count, aliases: [专业技术人员], additive: true}
  - {name: villages, kind: count, aliases: [行政村, 行政村数]}
  - {name: communities, kind: count, aliases: [社区, 社区数]}

# Programmes with per-person standards (std(NAME) in rules; `programme` in standards tables).
programmes:
  - {name: reward, aliases: [奖励扶助]}
  - {name: special_disabled, aliases: [特别扶助伤残, 伤残]}
  - {name: special_death, aliases: [特别扶助死亡, 死亡]}
  - {name: sskf, aliases: [少生快富]}
  - {name: ltc_reward, aliases: [长效节育措施奖励, 长效节育措施奖励金]}

# Where a detector needs a target (threshold bunching): the good side of it.
targets:
  - {column: multi_outside_policy_rate, at_most: 5}    # 政策外多孩率控制在5%以内: 5.00 % passes

# Forensic detectors (veto explain forensic.KIND): which columns each tests and which units it
# pools. group: parent pools a township's villages over every period, county a county's, all
# the whole table; rows tested are villages and communities unless `levels:` says otherwise.
# Money that is count × standard is left out of digit tests (its digits are the standard's).
detectors:
  - {detector: implausible-zero, columns: [births_illegal, births_multi_outside_policy], exposure: births, group: parent}
  - {detector: underdispersion, columns: [births], exposure: population, group: parent}
  - {detector: sex-ratio, columns: [births_male, births_female], group: parent}
  - {detector: duplicate-rows, columns: [population, births_male, births_female, births_illegal, births_multi_outside_policy, ltc_women, reward_added, reward_exited, special_added, sskf_added, women_contacted, technicians], group: parent}
  # The births block and the one-off figures alone: a copy that leaves population and rolls alone.
  - {detector: duplicate-rows, columns: [births_male, births_female, births_illegal, births_multi_outside_policy, ltc_women, sskf_added, women_contacted, technicians], group: parent}
  - {detector: threshold-bunching, columns: [multi_outside_policy_rate], numerator: births_multi_outside_policy, denominator: births, group: parent}
  - {detector: last-digit, columns: [population, women_contacted], group: parent}
  - {detector: rounding, columns: [population, women_contacted], group: parent}
  - {detector: benford-first, columns: [population, women_contacted], group: county}
  - {detector: benford-first-two, columns: [population, women_contacted], group: county}
  - {detector: period-outlier, columns: [population, women_contacted, ltc_women, sskf_added], group: parent}
  - {detector: implied-standard, columns: [special_total_disabled, special_total_death], funds: special_funds, added: special_added, group: county}

rules:
  # --- part ≤ whole -------------------------------------------------------------------
  - id: part.births_illegal
    severity: fail
    assert: births_illegal ≤ births
    target: births_illegal
    message:
      zh: 违法生育人数不能超过出生人数
      en: illegal births cannot exceed births
    tags: [part]
    example: |
      period,unit_code,births,births_illegal
      2020,623021105000,12,15

  - id: part.births_multi_outside_policy
    severity: fail
    assert: births_multi_outside_policy ≤ births
    target: births_multi_outside_policy
    message:
      zh: 政策外多孩人数不能超过出生人数
      en: births outside policy cannot exceed births
    tags: [part]

  # --- parts sum to wholes --------------------------------------------------------------
  - id: sum.births_sex
    severity: fail
    assert: births_male + births_female = births
    message:
      zh: 出生男 + 出生女 应等于出生人数
      en: male + female births must equal births
    tags: [sum]
    example: |
      period,unit_code,births,births_male,births_female
      2020,623021105000,142,73,96

  - id: sum.special_added
    severity: fail
    assert: special_added_disabled + special_added_death = special_added
    message:
      zh: 新增伤残 + 新增死亡 应等于特别扶助新增人数
      en: special support additions, disabled + death, must equal the additions
    tags: [sum]
    example: |
      period,unit_code,special_added,special_added_disabled,special_added_death
      2020,623021000000,14,1,31

  - id: sum.special_total
    severity: fail
    assert: special_total_disabled + special_total_death = special_total
    message:
      zh: 伤残家庭 + 死亡家庭 应等于特别扶助人数
      en: special support, disabled + death families, must equal the total
    tags: [sum]
    example: |
      period,unit_code,special_total,special_total_disabled,special_total_death
      2020,623021000000,33,5,82

  # --- stock and flow -------------------------------------------------------------------
  - id: flow.reward
    severity: fail
    assert: reward_prev + reward_added - reward_exited = reward_total
    inflates: true
    message:
      zh: 奖励扶助：上年人数 + 新增 − 退出 应等于本年人数
      en: "reward support: opening + added − exited must equal the closing stock"
    tags: [flow]
    example: |
      period,unit_code,reward_prev,reward_added,reward_exited,reward_total
      2020,623021105000,1500,70,40,1350

  - id: flow.special
    severity: fail
    assert: special_prev + special_added - special_exited = special_total
    inflates: true
    message:
      zh: 特别扶助：上年人数 + 新增 − 退出 应等于本年人数
      en: "special support: opening + added − exited must equal the closing stock"
    tags: [flow]
    example: |
      period,unit_code,special_prev,special_added,special_exited,special_total
      2020,623021000000,20,14,1,43

  - id: flow.reward_exited
    severity: fail
    assert: reward_exited ≤ reward_prev
    target: reward_exited
    message:
      zh: 奖励扶助退出人数不能超过上年人数
      en: reward support exits cannot exceed the opening stock
    tags: [flow]

  - id: flow.special_exited
    severity: fail
    assert: special_exited ≤ special_prev
    target: special_exited
    message:
      zh: 特别扶助退出人数不能超过上年人数
      en: special support exits cannot exceed the opening stock
    tags: [flow]

  # --- period links: this period's opening is last period's closing ----------------------
  - id: link.reward
    severity: fail
    assert: reward_total - reward_added + reward_exited = prev.reward_total
    target: reward_total
    inflates: true
    message:
      zh: 奖励扶助：本年人数 − 新增 + 退出 应等于上期报告的人数
      en: "reward support: closing − added + exited must equal last period's reported closing stock"
    tags: [link]
    example: |
      period,unit_code,reward_prev,reward_added,reward_exited,reward_total
      2019,623021105000,480,40,20,500
      2020,623021105000,500,30,10,560

  - id: link.special
    severity: fail
    assert: special_total - special_added + special_exited = prev.special_total
    target: special_total
    inflates: true
    message:
      zh: 特别扶助：本年人数 − 新增 + 退出 应等于上期报告的人数
      en: "special support: closing − added + exited must equal last period's reported closing stock"
    tags: [link]

  - id: link.reward_prev
    severity: fail
    assert: reward_prev = prev.reward_total
    target: reward_prev
    message:
      zh: 奖励扶助上年人数应等于上期报告的人数
      en: reward support opening stock must equal last period's reported closing stock
    tags: [link]

  - id: flow.reward.implied-opening
    note: reward_total - reward_added + reward_exited
    when: is_missing(reward_prev) and is_missing(prev.reward_total)
    target: reward_total
    message:
      zh: 奖励扶助上年人数未报告；由 {reward_total} − {reward_added} + {reward_exited} 推得 {value}，应与上年报告的人数一致
      en: reward support opening stock not reported; {reward_total} − {reward_added} + {reward_exited} implies {value}, which must equal last period's reported closing stock
    tags: [flow, note]

  - id: flow.special.implied-opening
    note: special_total - special_added + special_exited
    when: is_missing(special_prev) and is_missing(prev.special_total)
    target: special_total
    message:
      zh: 特别扶助上年人数未报告；由 {special_total} − {special_added} + {special_exited} 推得 {value}，应与上年报告的人数一致
      en: special support opening stock not reported; {special_total} − {special_added} + {special_exited} implies {value}, which must equal last period's reported closing stock
    tags: [flow, note]

  - id: link.special_prev
    severity: fail
    assert: special_prev = prev.special_total
    target: special_prev
    message:
      zh: 特别扶助上年人数应等于上期报告的人数
      en: special support opening stock must equal last period's reported closing stock
    tags: [link]

  # --- rates ----------------------------------------------------------------------------
  - id: rate.multi_outside_policy
    severity: fail
    when: births > 0
    assert: multi_outside_policy_rate = births_multi_outside_policy / births * 100
    target: multi_outside_policy_rate
    message:
      zh: 政策外多孩率应等于 政策外多孩人数 ÷ 出生人数 × 100
      en: the outside-policy rate must equal outside-policy births ÷ births × 100
    tags: [rate]
    example: |
      period,unit_code,births,births_multi_outside_policy,multi_outside_policy_rate
      2020,623021000000,142,3,0%

  - id: rate.multi_outside_policy_zero
    severity: fail
    when: births = 0
    assert: births_multi_outside_policy = 0
    target: births_multi_outside_policy
    message:
      zh: 没有出生时政策外多孩人数应为 0
      en: with no births there can be no births outside policy
    tags: [rate]

  # --- funds against standards ----------------------------------------------------------
  - id: funds.reward
    severity: fail
    assert: (reward_total - reward_added) * std(reward) ≤ reward_funds ≤ reward_total * std(reward)
    target: reward_funds
    inflates: true
    implied: reward_funds / reward_total
    message:
      zh: 奖励扶助资金应在 (本年人数 − 新增) × 标准 与 本年人数 × 标准 之间（新增人员可能只发部分年度）
      en: reward funds must lie between (closing − added) × standard and closing × standard (new entrants may be paid part of the year)
    tags: [funds]
    example: |
      period,unit_code,reward_added,reward_total,reward_funds(万元)
      2020,623021000000,42,556,63.376

  - id: funds.special
    severity: fail
    assert: >-
      (special_total_disabled - special_added_disabled) * std(special_disabled)
      + (special_total_death - special_added_death) * std(special_death)
      ≤ special_funds ≤
      special_total_disabled * std(special_disabled) + special_total_death * std(special_death)
    target: special_funds
    inflates: true
    implied: special_funds / special_total
    message:
      zh: 特别扶助资金应在按伤残、死亡两类标准计算的上下限之间
      en: special support funds must lie between the bounds from the disabled and death standards
    tags: [funds]

  - id: funds.sskf
    severity: fail
    assert: sskf_funds = sskf_added * std(sskf)
    target: sskf_funds
    inflates: true
    implied: sskf_funds / sskf_added
    message:
      zh: 少生快富资金应等于 新增户数 × 一次性标准
      en: fewer-births-faster-prosperity funds must equal families added × the one-off standard
    tags: [funds]
    example: |
      period,unit_code,sskf_added,sskf_funds
      2020,623021000000,68,240000

  - id: funds.ltc_reward
    severity: fail
    assert: ltc_reward_funds = ltc_women * std(ltc_reward)
    target: ltc_reward_funds
    inflates: true
    implied: ltc_reward_funds / ltc_women
    message:
      zh: 长效节育措施奖励金应等于 人数 × 标准
      en: the long-term contraception reward must equal women × the standard
    tags: [funds]

  - id: funds.ltc_reward_paid
    severity: fail
    when: ltc_women > 0
    assert: ltc_reward_funds > 0
    target: ltc_reward_funds
    message:
      zh: 报告 {ltc_women} 人采取长效节育措施，但兑现奖励金为 {ltc_reward_funds} 元
      en: "{ltc_women} women are reported under the long-term contraception reward, yet {ltc_reward_funds} yuan was paid"
    tags: [funds]
    example: |
      年度,区划代码,长效节育措施人数,长效节育措施奖励金(万元)
      2020,623021000000,10,0

  # --- hierarchy: a unit's additive figures are the sums over its child units -----------
  - id: hier.{col}
    severity: fail
    each: [population, births, births_male, births_female, births_illegal, births_multi_outside_policy,
           ltc_women, ltc_reward_funds, reward_prev, reward_added, reward_exited, reward_total, reward_funds,
           special_prev, special_added, special_exited, special_total, special_added_disabled, special_added_death,
           special_total_disabled, special_total_death, special_funds, sskf_added, sskf_funds,
           women_contacted, technicians]
    when: count(children) > 0
    assert: "{col} = sum(children.{col})"
    target: "{col}"
    inflates: true
    message:
      zh: "{col} 应等于下级单位之和"
      en: "{col} must equal the sum over the child units"
    tags: [hierarchy]
    example: |
      period,unit_code,{col}
      2020,623021105000,100
      2020,623021105201,40
      2020,623021105202,45

  - id: hier.village_rows
    severity: fail
    levels: [township]
    when: count(children) > 0
    assert: count(children) = villages + communities
    target: villages
    message:
      zh: 下级村（社区）的行数应等于报告的行政村数 + 社区数
      en: the number of village and community rows must equal the villages + communities reported
    tags: [hierarchy]

  - id: hier.{col}
    severity: fail
    levels: [province, city, county]
    when: count(children) > 0
    each: [villages, communities]
    assert: "{col} = sum(children.{col})"
    target: "{col}"
    message:
      zh: "{col} 应等于下级单位之和"
      en: "{col} must equal the sum over the child units"
    tags: [hierarchy]
"""#
}
