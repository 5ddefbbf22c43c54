import Testing
@testable import Veto

// A statistical office's own data set and rules, run as a user would write them (columns
// declared in the rule file, no renaming): R `validate`'s `retailers` (Statistics Netherlands),
// from ../shared/peers/validate-data. The expected counts are what `validate::confront` gives
// (items / passes / fails / nNA): R's NA propagation, `if (A) B` as `!A | B`, equality within
// 1e-8, `mean()` without na.rm NA when a value is missing.

let peers: String = {
    let root = "/" + #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
    return root + "/../shared/peers/validate-data/"
}()

let peersPresent = readAll(peers + "retailers.csv") != nil

let retailerRules = """
version: 1
name: retailers
columns:
  - {name: size, kind: category, values: [sc0, sc1, sc2, sc3]}
  - {name: incl.prob, kind: number}
  - {name: staff, kind: number}
  - {name: turnover, kind: number}
  - {name: other.rev, kind: number}
  - {name: total.rev, kind: number}
  - {name: staff.costs, kind: number}
  - {name: total.costs, kind: number}
  - {name: profit, kind: number}
  - {name: vat, kind: number}
rules:
  - id: staff_nonneg
    assert: 'staff >= 0'
    message: {zh: 员工数为负, en: negative staff}
  - id: turnover_nonneg
    assert: 'turnover >= 0'
    message: {zh: 营业额为负, en: negative turnover}
  - id: other_rev_nonneg
    assert: 'other.rev >= 0'
    message: {zh: 其他收入为负, en: negative other revenue}
  - id: revenue_balance
    assert: 'turnover + other.rev == total.rev'
    message: {zh: 收入不平衡, en: revenue does not add up}
  - id: paid_staff
    assert: 'if (staff > 0) staff.costs > 0'
    message: {zh: 员工无工资, en: staff without costs}
  - id: profit_balance
    assert: 'total.rev - total.costs == profit'
    message: {zh: 利润不平衡, en: profit does not add up}
  - id: profit_share
    assert: 'profit <= 0.6 * total.rev'
    message: {zh: 利润过高, en: profit above 60% of revenue}
  - id: size_known
    assert: 'size %in% c("sc0", "sc1", "sc2", "sc3")'
    message: {zh: 规模未知, en: unknown size}
  - id: mean_profit
    assert: 'mean(profit) > 0'
    message: {zh: 平均利润为负, en: mean profit not positive}
"""

@Test(.enabled(if: peersPresent, "../shared/peers/validate-data is absent: the peer comparison cannot run"))
func retailersGiveValidatesHoldsFailsAndNotChecked() throws {
    let (set, errors) = RuleFile.parse(retailerRules, file: "retailers.yml")
    #expect(errors.isEmpty, "\(errors)")
    var o = CheckOptions()
    o.rules = set
    o.standards = StandardsTable()
    let c = Checker(options: o)
    c.add(path: peers + "retailers.csv")
    let r = c.finish()
    let expected: [String: RuleTally] = [
        "staff_nonneg": RuleTally(holds: 54, fails: 0, notChecked: 6),
        "turnover_nonneg": RuleTally(holds: 56, fails: 0, notChecked: 4),
        "other_rev_nonneg": RuleTally(holds: 23, fails: 1, notChecked: 36),
        "revenue_balance": RuleTally(holds: 19, fails: 4, notChecked: 37),
        "paid_staff": RuleTally(holds: 50, fails: 0, notChecked: 10),
        "profit_balance": RuleTally(holds: 39, fails: 14, notChecked: 7),
        "profit_share": RuleTally(holds: 49, fails: 6, notChecked: 5),
        "size_known": RuleTally(holds: 60, fails: 0, notChecked: 0),
        "mean_profit": RuleTally(holds: 0, fails: 0, notChecked: 1),
    ]
    for (id, t) in expected { #expect(tally(r, id) == t, "\(id)") }
    // No key column: each of the 60 records is its own unit; R's row-name column has no header.
    #expect(r.verdicts.count == 60)
    #expect(r.findings.filter { $0.kind == .input }.map(\.id) == ["header-empty-name"])
    // Every failing record names a smallest set of fields to change (Fellegi–Holt, as errorlocate
    // with equal weights). One field fixes all but three records; records 25, 36 and 37 (lines 26,
    // 37, 38) need two: e.g. record 25 (total.rev 1,665, total.costs 186, profit 1,478) breaks the
    // profit balance by 1 and profit ≤ 0.6·total.rev by 479, and no single field repairs both.
    var failing = 0
    for f in r.findings where f.kind == .rule && f.severity >= .fail {
        failing += 1
        let size = [26, 37, 38].contains(f.line ?? 0) ? 2 : 1
        #expect(f.likelyWrong?.count == size, "\(f.id)@\(f.line ?? 0): \(f.likelyWrong ?? [])")
    }
    #expect(failing == 25)
}

@Test(.enabled(if: peersPresent, "../shared/peers/validate-data is absent"))
func errorlocateExamplesGetTheKnownField() throws {
    // errorlocate's linear example: profit + cost == turnover, cost ≥ 0.6·turnover, turnover ≥ 0,
    // on (755, 125, 200): only profit can be changed to satisfy all three.
    let linear = """
    version: 1
    columns:
      - {name: profit, kind: number}
      - {name: cost, kind: number}
      - {name: turnover, kind: number}
    rules:
      - {id: balance, assert: profit + cost == turnover, message: {zh: x, en: x}}
      - {id: cost_share, assert: cost >= 0.6 * turnover, message: {zh: x, en: x}}
      - {id: turnover_nonneg, assert: turnover >= 0, message: {zh: x, en: x}}
    """
    let (set, _) = RuleFile.parse(linear, file: "r.yml")
    var o = CheckOptions()
    o.rules = set
    let c = Checker(options: o)
    c.add(path: peers + "el_linear.csv")
    let r = c.finish()
    #expect(r.findings.first { $0.id == "balance" }?.likelyWrong == ["profit"])

    // errorlocate's age example: age ≥ 0, if (age < 18) income == 0. Each failing record needs
    // one field changed (age −10; age 15 with an income).
    let age = """
    version: 1
    columns:
      - {name: age, kind: number}
      - {name: income, kind: number}
    rules:
      - {id: age_nonneg, assert: age >= 0, message: {zh: x, en: x}}
      - {id: minor_income, assert: if (age < 18) income == 0, message: {zh: x, en: x}}
    """
    let (set2, _) = RuleFile.parse(age, file: "r.yml")
    var o2 = CheckOptions()
    o2.rules = set2
    let c2 = Checker(options: o2)
    c2.add(path: peers + "el_age.csv")
    let r2 = c2.finish()
    let failing = r2.findings.filter { $0.kind == .rule }
    #expect(failing.map { "\($0.id)@\($0.line ?? 0)" } == ["age_nonneg@2", "minor_income@3"])
    for f in failing { #expect(f.likelyWrong?.count == 1, "\(f.id): \(f.likelyWrong ?? [])") }
    #expect(tally(r2, "minor_income") == RuleTally(holds: 2, fails: 1, notChecked: 1))
}
