/// What `veto init` writes: a commented rule file and standards table to start from.
public enum Templates {
    public static let rules = #"""
# Rules of your own, added to the built-in pack `family-welfare` (veto check --rules rules.yml).
# `veto rules lint rules.yml` checks this file; `veto rules show` prints the pack for ideas.
version: 1
name: my-county

# Columns beyond the schema, by their own header names, with what they hold.
columns:
  - {name: 宣传资料份数, kind: count}

rules:
  # A rule: an id, a severity (info, review, fail, veto), the condition that must hold,
  # and a message in both languages. Figures are compared at the precision they were
  # reported with; a rule whose figures are missing is "not checked", never passed.
  - id: my.technicians_per_village
    severity: review
    when: villages > 0
    assert: technicians ≥ villages / 2
    target: technicians
    message:
      zh: 专业技术人员少于行政村数的一半
      en: fewer technicians than half the villages
    tags: [staffing]

  # Figures of the previous period (`prev.X`), sums over child units (`sum(children.X)`),
  # their number (`count(children)`) and standards (`std(reward)`) can be used too:
  - id: my.reward_growth
    severity: review
    assert: reward_total ≤ prev.reward_total * 1.5
    target: reward_total
    message:
      zh: 奖励扶助人数比上年增长超过 50%
      en: reward support grew by more than half in one period
    tags: [trend]
"""#

    public static let standards = #"""
# Per-person standards (veto check --standards standards.yml). Matched on programme,
# period range and region prefix (the longest prefix wins). Amounts in yuan; yearly
# programmes per person per year, one-off programmes per person once.
# Programmes: reward, special_disabled, special_death, sskf, ltc_reward.
standards:
  - programme: reward
    per_year: 960
    from_period: 2012
    one_off: false
    min_age: 60
    source: "example: matches the domain report (556 persons, 53.376万元); replace with your province's table"
  - programme: sskf
    per_year: 3000
    from_period: 2012
    one_off: true
    source: "example: matches the domain report (68 families, 20.4万元)"
  # Special support: fill in your province's monthly standards × 12, for example
  # - {programme: special_disabled, per_year: 7200, from_period: 2020, region: "62", one_off: false, source: "…"}
  # - {programme: special_death, per_year: 9120, from_period: 2020, region: "62", one_off: false, source: "…"}
"""#
}
