import Testing
@testable import Veto

struct HeaderCase: Sendable, CustomTestStringConvertible {
    var raw: String
    var field: Field?
    var exponent: Int
    var testDescription: String { raw }
}

let headerCases: [HeaderCase] = [
    .init(raw: "period", field: .period, exponent: 0),
    .init(raw: " 年度 ", field: .period, exponent: 0),
    .init(raw: "区划代码", field: .unit_code, exponent: 0),
    .init(raw: "UNIT_CODE", field: .unit_code, exponent: 0),
    .init(raw: "ｕｎｉｔ＿ｃｏｄｅ", field: .unit_code, exponent: 0),
    .init(raw: "奖励扶助资金(万元)", field: .reward_funds, exponent: 4),
    .init(raw: "奖励扶助资金（万元）", field: .reward_funds, exponent: 4),
    .init(raw: "奖励扶助资金 （ 元 ）", field: .reward_funds, exponent: 0),
    .init(raw: "特别扶助资金【亿元】", field: .special_funds, exponent: 8),
    .init(raw: "出生人数（人）", field: .births, exponent: 0),
    .init(raw: "常住人口(万人)", field: .population, exponent: 4),
    .init(raw: "政策外多孩率(%)", field: .multi_outside_policy_rate, exponent: 0),
    .init(raw: "政策外多孩率（％）", field: .multi_outside_policy_rate, exponent: 0),
    .init(raw: "奖励扶助共计", field: .reward_total, exponent: 0),
    .init(raw: "奖励扶助人数", field: .reward_total, exponent: 0),
    .init(raw: "reward_total", field: .reward_total, exponent: 0),
    .init(raw: "少生快富资金(单位:万元)", field: .sskf_funds, exponent: 4),
    .init(raw: "备注", field: nil, exponent: 0),
]

@Test(arguments: headerCases)
func headerBinds(_ c: HeaderCase) {
    let (cols, _) = HeaderMatcher.bind([c.raw])
    #expect(cols[0].field == c.field)
    #expect(cols[0].exponent == c.exponent)
}

@Test func everyAliasOfSpecBindsToItsField() {
    for f in Field.allCases {
        for a in f.aliases + [f.rawValue] {
            let (cols, issues) = HeaderMatcher.bind([a])
            #expect(cols[0].field == f, "\(a)")
            #expect(issues.isEmpty, "\(a): \(issues)")
        }
    }
}

@Test func duplicateHeaderIsReportedAndSecondKeptByName() {
    let (cols, issues) = HeaderMatcher.bind(["年度", "出生人数", "births", "备注", "备注"])
    #expect(cols[1].field == .births)
    #expect(cols[2].field == nil)
    #expect(issues.filter { $0.kind == .duplicate }.map(\.column) == [3, 5])
    #expect(issues.filter { $0.kind == .duplicate }.map(\.firstColumn) == [2, 4])
}

@Test func moneyUnitOnACountColumnIsAMismatch() {
    let (cols, issues) = HeaderMatcher.bind(["出生人数(万元)"])
    #expect(cols[0].field == .births)
    #expect(cols[0].exponent == 0)
    #expect(issues.map(\.kind) == [.unitMismatch])
}

@Test(arguments: [
    ("623021", "623021000000", UnitCode.Level.county),
    ("623021105", "623021105000", .township),
    ("623021105203", "623021105203", .village),
    (" ６２３０２１ ", "623021000000", .county),
    ("620000", "620000000000", .province),
    ("623000", "623000000000", .city),
])
func unitCodesPadAndLevel(_ raw: String, _ code: String, _ level: UnitCode.Level) throws {
    let u = try UnitCode.parse(raw).get()
    #expect(u.code == code)
    #expect(u.level == level)
}

@Test func unitCodeParents() throws {
    let v = try UnitCode.parse("623021105203").get()
    #expect(v.parent?.code == "623021105000")
    #expect(v.parent?.parent?.code == "623021000000")
    #expect(v.parent?.parent?.parent?.code == "623000000000")
}

@Test(arguments: [
    ("", UnitCode.Problem.empty),
    ("6.23021E+11", .scientificNotation),
    ("62302A", .notDigits),
    ("6230211", .wrongLength(7)),
])
func unitCodeProblems(_ raw: String, _ p: UnitCode.Problem) {
    #expect(throws: p) { try UnitCode.parse(raw).get() }
}

@Test(arguments: [
    ("2020", "2020"), ("2020年", "2020"), ("２０２０", "2020"), ("2020H1", "2020H1"), ("2020h2", "2020H2"),
    ("2020Q3", "2020Q3"), ("2020-06", "2020-06"), ("2020-6", "2020-06"), ("2020年6月", "2020-06"), ("2020/12", "2020-12"),
])
func periodsParse(_ raw: String, _ canonical: String) {
    #expect(Period.parse(raw)?.description == canonical)
}

@Test(arguments: ["", "20", "2020Q5", "2020-13", "abcd", "2020H3", "1850", "2020-0"])
func periodsRejected(_ raw: String) {
    #expect(Period.parse(raw) == nil)
}

@Test func periodsOrder() {
    let ps = ["2021", "2020Q2", "2020", "2020-01", "2020H1"].compactMap(Period.parse).sorted().map(\.description)
    #expect(ps == ["2020", "2020H1", "2020Q2", "2020-01", "2021"])
}

@Test func fieldOrderIsThePositionInAllCases() {
    for (i, f) in Field.allCases.enumerated() { #expect(f.order == i, "\(f)") }
}
