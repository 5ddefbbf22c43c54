import Testing
@testable import Veto

/// Checks CSV text in memory with the built-in rules.
func check(_ csv: String, name: String = "t.csv") -> CheckResult {
    let c = Checker()
    c.add(bytes: Array(csv.utf8), name: name)
    return c.finish()
}

func tally(_ r: CheckResult, _ id: String) -> RuleTally? { r.rules.first { $0.id == id }?.tally }

/// Paired fixtures per rule (as R validate keeps them): a row where it holds, one where it
/// fails (with the expected and actual values), one where it cannot be checked.
struct RuleCase: Sendable, CustomTestStringConvertible {
    var rule: String
    var header: String
    var holds: String
    var fails: String
    var notChecked: String
    var expected: String
    var actual: String
    var column: Int
    var testDescription: String { rule }
}

let ruleCases: [RuleCase] = [
    .init(rule: "part.births_illegal", header: "年度,区划代码,出生人数,违法生育人数",
          holds: "2020,623021,142,3", fails: "2020,623021,142,150", notChecked: "2020,623021,142,—",
          expected: "≤ 142", actual: "150", column: 4),
    .init(rule: "part.births_multi_outside_policy", header: "period,unit_code,births,births_multi_outside_policy",
          holds: "2020,623021,142,142", fails: "2020,623021,10,11", notChecked: "2020,623021,,1",
          expected: "≤ 10", actual: "11", column: 4),
    .init(rule: "sum.births_sex", header: "年度,区划代码,出生人数,出生男,出生女",
          holds: "2020,623021,142,73,69", fails: "2020,623021,142,73,70", notChecked: "2020,623021,142,73,",
          expected: "143..143", actual: "142", column: 3),
    .init(rule: "sum.special_added", header: "年度,区划代码,特别扶助新增,新增伤残,新增死亡",
          holds: "2020,623021,14,1,13", fails: "2020,623021,14,2,13", notChecked: "2020,623021,14,无,13",
          expected: "15..15", actual: "14", column: 3),
    .init(rule: "sum.special_total", header: "年度,区划代码,特别扶助人数,伤残家庭人数,死亡家庭人数",
          holds: "2020,623021,33,5,28", fails: "2020,623021,33,5,82", notChecked: "2020,623021,/,5,28",
          expected: "87..87", actual: "33", column: 3),
    .init(rule: "flow.reward", header: "年度,区划代码,奖励扶助上年人数,奖励扶助新增,奖励扶助退出,奖励扶助人数",
          holds: "2020,623021,531,42,17,556", fails: "2020,623021,1500,70,40,1350", notChecked: "2020,623021,,42,17,556",
          expected: "1530..1530", actual: "1350", column: 6),
    .init(rule: "flow.special", header: "年度,区划代码,特别扶助上年人数,特别扶助新增,特别扶助退出,特别扶助人数",
          holds: "2020,623021,20,14,1,33", fails: "2020,623021,20,14,1,34", notChecked: "2020,623021,20,14,x,33",
          expected: "33..33", actual: "34", column: 6),
    .init(rule: "funds.ltc_reward_paid", header: "年度,区划代码,长效节育措施人数,长效节育措施奖励金(万元)",
          holds: "2020,623021,10,0.3", fails: "2020,623021,10,0", notChecked: "2020,623021,10,——",
          expected: "> 0", actual: "0", column: 4),
]

@Test(arguments: ruleCases)
func ruleHoldsFailsAndIsNotChecked(_ c: RuleCase) {
    let holds = check(c.header + "\n" + c.holds + "\n")
    #expect(tally(holds, c.rule) == RuleTally(holds: 1, fails: 0, notChecked: 0))
    #expect(!holds.findings.contains { $0.id == c.rule })

    let fails = check(c.header + "\n" + c.fails + "\n")
    #expect(tally(fails, c.rule) == RuleTally(holds: 0, fails: 1, notChecked: 0))
    let f = fails.findings.first { $0.id == c.rule }
    #expect(f?.expected == c.expected)
    #expect(f?.actual == c.actual)
    #expect(f?.line == 2)
    #expect(f?.column == c.column)
    #expect(f?.unitCode == "623021000000")
    #expect(f?.period == "2020")
    #expect(fails.verdicts.map(\.verdict) == [.fail])

    let undecided = check(c.header + "\n" + c.notChecked + "\n")
    #expect(tally(undecided, c.rule) == RuleTally(holds: 0, fails: 0, notChecked: 1))
    #expect(!undecided.findings.contains { $0.id == c.rule })
}

@Test func absentColumnsMeanNotCheckedNeverPassed() {
    let r = check("年度,区划代码,出生人数\n2020,623021,142\n")
    for (id, t) in r.rules {
        #expect(t.holds == 0, "\(id)")
        #expect(t.notChecked == 1, "\(id)")
    }
    #expect(r.verdicts.map(\.verdict) == [.pass])
}

@Test func precisionDecidesMoneyAndRates() {
    // 0.3万元 paid for 10 women: positive within its precision.
    let r = check("年度,区划代码,长效节育措施人数,长效节育措施奖励金\n2020,623021,10,0.3万元\n2020,623022,10,0万元\n")
    #expect(r.findings.filter { $0.id == "funds.ltc_reward_paid" }.map(\.unitCode) == ["623022000000"])
}

@Test func theDomainCountyFailsOnlyOnTheUnpaidReward() throws {
    let path = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
    let c = Checker()
    c.add(path: "/" + path + "/fixtures/domain/county-2020.csv", display: "county-2020.csv")
    let r = c.finish()
    #expect(r.unreadable.isEmpty)
    #expect(r.inputs.first?.rows == 1)
    let problems = r.findings.filter { $0.severity >= .review }
    #expect(problems.map(\.id) == ["funds.ltc_reward_paid"])
    #expect(problems.first?.message.zh == "报告 10 人采取长效节育措施，但兑现奖励金为 0 元")
    #expect(r.findings.first { $0.id == "flow.reward.implied-opening" }?.expected == "531")
    #expect(tally(r, "sum.special_added") == RuleTally(holds: 1, fails: 0, notChecked: 0))
    #expect(tally(r, "sum.special_total") == RuleTally(holds: 1, fails: 0, notChecked: 0))
    #expect(tally(r, "flow.reward") == RuleTally(holds: 0, fails: 0, notChecked: 1))
    #expect(r.verdicts.map(\.verdict) == [.fail])
}
