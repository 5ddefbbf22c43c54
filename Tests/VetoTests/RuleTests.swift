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
    .init(rule: "flow.reward_exited", header: "年度,区划代码,奖励扶助上年人数,奖励扶助退出",
          holds: "2020,623021,531,17", fails: "2020,623021,12,17", notChecked: "2020,623021,——,17",
          expected: "≤ 12", actual: "17", column: 4),
    .init(rule: "flow.special_exited", header: "年度,区划代码,特别扶助上年人数,特别扶助退出",
          holds: "2020,623021,20,1", fails: "2020,623021,0,1", notChecked: "2020,623021,20,",
          expected: "≤ 0", actual: "1", column: 4),
    .init(rule: "rate.multi_outside_policy_zero", header: "年度,区划代码,出生人数,政策外多孩人数",
          holds: "2020,623021,0,0", fails: "2020,623021,0,2", notChecked: "2020,623021,0,—",
          expected: "0..0", actual: "2", column: 4),
    .init(rule: "funds.reward", header: "年度,区划代码,奖励扶助新增,奖励扶助人数,奖励扶助资金(万元)",
          holds: "2020,623021,42,556,53.376", fails: "2020,623021,42,556,45.376", notChecked: "2020,623021,42,556,—",
          expected: "493440..533760", actual: "453760", column: 5),
    .init(rule: "funds.sskf", header: "年度,区划代码,少生快富新增,少生快富资金(万元)",
          holds: "2020,623021,68,20.4", fails: "2020,623021,68,19.4", notChecked: "2020,623021,,20.4",
          expected: "204000..204000", actual: "194000", column: 4),
    .init(rule: "rate.multi_outside_policy", header: "年度,区划代码,出生人数,政策外多孩人数,政策外多孩率",
          holds: "2020,623021,142,3,2.11%", fails: "2020,623021,142,3,0%", notChecked: "2020,623021,142,,2.11",
          expected: "2.1126760563..2.1126760564", actual: "0", column: 5),
    .init(rule: "flow.special", header: "年度,区划代码,特别扶助上年人数,特别扶助新增,特别扶助退出,特别扶助人数",
          holds: "2020,623021,20,14,1,33", fails: "2020,623021,20,14,1,30", notChecked: "2020,623021,20,14,x,33",
          expected: "33..33", actual: "30", column: 6),
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
        #expect(t.fails == 0, "\(id)")
        #expect(t.notChecked + t.notApplicable == 1, "\(id)")
    }
    // Rules on births alone are not checked; those conditioned on child units do not apply.
    #expect(tally(r, "sum.births_sex")?.notChecked == 1)
    #expect(tally(r, "hier.births")?.notApplicable == 1)
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
    #expect(problems.first?.severity == .fail)
    #expect(r.findings.first { $0.id == "flow.reward.implied-opening" }?.expected == "531")
    #expect(tally(r, "sum.special_added") == RuleTally(holds: 1))
    #expect(tally(r, "sum.special_total") == RuleTally(holds: 1))
    #expect(tally(r, "flow.reward") == RuleTally(notChecked: 1))
    // Reward and one-off funds agree with the example standards (556 × 960; 68 × 3,000).
    #expect(tally(r, "funds.reward") == RuleTally(holds: 1))
    #expect(tally(r, "funds.sskf") == RuleTally(holds: 1))
    // Special support: no standard, so not checked, with the per-person amount the figures imply.
    #expect(tally(r, "funds.special") == RuleTally(notChecked: 1))
    let implied = r.findings.first { $0.id == "funds.special.implied" }
    #expect(implied?.severity == .info)
    #expect(implied?.message.en == "not checked: no standard for special_disabled; implied 8,829.09 yuan per person")
    #expect(r.verdicts.map(\.verdict) == [.fail])
}

@Test func genuineCountiesHoldEveryApplicableRuleAndBlankedOnesCheckNone() throws {
    let root = "/" + #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
    let dir = root + "/fixtures/generated/seed1-zh-utf8-yuan-lf-genuine/"
    var o = CheckOptions()
    o.standards.standards += try StandardsTable.load(path: dir + "standards.yml").standards
    let c = Checker(options: o)
    for year in ["2020", "2021"] { c.add(path: dir + "620121-\(year).csv") }
    let r = c.finish()
    #expect(r.findings.filter { $0.severity >= .review }.isEmpty)
    // Every rule of the pack is exercised and holds somewhere, except the ones this data
    // cannot reach (a previous period before 2020, births = 0 with outside-policy births).
    // Notes of an opening stock that is not reported never fire where it is.
    let unreached = r.rules.filter { $0.tally.holds == 0 }.map(\.id)
    #expect(Set(unreached).isSubset(of: ["rate.multi_outside_policy_zero", "flow.reward.implied-opening", "flow.special.implied-opening"]),
            "\(unreached)")
    #expect(r.rules.allSatisfy { $0.tally.fails == 0 })

    // The same table with every figure "not reported": nothing holds, nothing fails.
    let text = String(decoding: readAll(dir + "620121-2020.csv") ?? [], as: UTF8.self)
    var lines = text.split(separator: "\n").map(String.init)
    for i in 1..<lines.count {
        let cells = lines[i].split(separator: ",", omittingEmptySubsequences: false)
        lines[i] = (Array(cells.prefix(3)).map(String.init) + Array(repeating: "—", count: cells.count - 3)).joined(separator: ",")
    }
    let blank = checkAll([("blank.csv", lines.joined(separator: "\n") + "\n")])
    #expect(blank.rules.allSatisfy { $0.tally.holds == 0 && $0.tally.fails == 0 }, "\(blank.rules.filter { $0.tally.holds > 0 }.map(\.id))")
    #expect(blank.rules.contains { $0.tally.notChecked > 0 })
}

/// The lexer walks Unicode scalars with ASCII tested by value: names in Chinese and with a
/// decomposed accent, full-width operators, two-character operators, `%in%`, numbers with
/// exponents and quoted text all come out as before, with offsets counted in scalars. Full-width
/// parentheses and operators are punctuation: they were read as part of a name (U+FF08 is above
/// the CJK start the name rule tested), so `（－2）` never reached their cases.
@Test func lexerReadsChineseAccentsAndOperatorsByScalar() throws {
    let text = "出生男 + births_female ≥ 1.5e2 && cafe\u{301}.x <= `other.rev` %in% {\"a\", “b”} （－2）"
    let tokens = try ExprParser.lex(text)
    let kinds: [ExprParser.Token] = tokens.map(\.token)
    #expect(kinds == [
        .ident("出生男"), .op("+"), .ident("births_female"), .op("≥"), .number(ExactDecimal(integer: 150)),
        .op("and"), .ident("cafe\u{301}.x"), .op("≤"), .quotedIdent("other.rev"), .ident("in"),
        .lbrace, .string("a"), .comma, .string("b"), .rbrace, .lparen, .op("-"), .number(ExactDecimal(integer: 2)), .rparen, .end,
    ], "\(kinds)")
    #expect(tokens[1].offset == 4 && tokens[6].offset == 31, "\(tokens.map(\.offset))")
    #expect(tokens.last?.offset == text.unicodeScalars.count)
    #expect(throws: ExprError.self) { try ExprParser.lex("a ~ b") }
}
