import Testing
@testable import Veto
import VetoCSV

@Test func badCellsAreFindingsAtTheirCellNeverZero() {
    let csv = "年度,区划代码,出生人数,出生男,出生女,奖励扶助资金(万元),政策外多孩率\n" +
              "2020,623021,约140,70,1.5,53.376万元,2%\n" +
              "2020,623022,142,五十,72,12%,0.5\n"
    let r = check(csv)
    let cells = r.findings.filter { $0.id.hasPrefix("cell-") }.map { "\($0.id)@\($0.line!):\($0.column!)" }
    #expect(cells == ["cell-invalid-number@2:3", "cell-fraction-in-count@2:5", "cell-invalid-number@3:4", "cell-unit-mismatch@3:6"])
    // births unreadable: the sex rule is not checked, not broken and not passed.
    #expect(tally(r, "sum.births_sex") == RuleTally(holds: 0, fails: 0, notChecked: 2))
    #expect(r.verdicts.map(\.verdict) == [.fail, .fail])
}

@Test func raggedRowFindingGetsTheRowsUnit() {
    let r = check("年度,区划代码,出生人数\n2020,623021\n2020,623022,5,9\n")
    let f = r.findings.filter { $0.id.hasPrefix("csv-") }
    #expect(f.map(\.id) == ["csv-too-few-fields", "csv-too-many-fields"])
    #expect(f.map(\.unitCode) == ["623021000000", "623022000000"])
    #expect(f.map(\.column) == [3, 4])
}

@Test func rowIdentityProblems() {
    let r = check("年度,区划代码,出生人数\n2020,6.23021E+11,5\n20x0,623021,5\n2020,623021,5\n2020,623021,5\n2020,623021,6\n")
    #expect(r.findings.map(\.id) == ["row-invalid-unit-code", "row-invalid-period", "row-duplicate", "row-revised"])
    #expect(r.findings.map(\.line) == [2, 3, 5, 6])
    #expect(r.verdicts.count == 1)
}

@Test func aRevisedPastFigureIsFoundAcrossFiles() {
    // Last year's file, then this year's file restating last year with one figure changed
    // (the same value written differently is not a revision).
    let y2019 = "年度,区划代码,出生人数,奖励扶助资金\n2019,623021105000,40,53.376万\n"
    let y2020 = "年度,区划代码,出生人数,奖励扶助资金\n2019,623021105000,38,533760\n2020,623021105000,41,540000\n"
    var o = CheckOptions()
    o.rules = RuleSet(rules: [], schema: packSchema)
    let c = Checker(options: o)
    c.add(bytes: Array(y2019.utf8), name: "2019.csv")
    c.add(bytes: Array(y2020.utf8), name: "2020.csv")
    let r = c.finish()
    let f = r.findings.first { $0.id == "row-revised" }
    #expect(f?.file == "2020.csv")
    #expect(f?.line == 2)
    #expect(f?.fields == ["births"])
    #expect(f?.expected == "40")
    #expect(f?.actual == "38")
    #expect(f?.severity == .fail)
    #expect(r.verdicts.first { $0.key.period?.description == "2019" }?.verdict == .fail)
}

/// A table without unit_code and period is not a failure: every line is its own unit, the
/// row rules apply, hierarchy and period rules do not.
@Test func aTableWithoutIdentityColumnsIsCheckedPerLine() {
    let r = check("出生人数,出生男,出生女\n5,2,3\n7,3,3\n")
    #expect(!r.findings.contains { $0.id.hasPrefix("header-missing") })
    #expect(r.verdicts.map(\.verdict) == [.pass, .fail])
    #expect(r.verdicts.map(\.key.unit.code) == ["line 2", "line 3"])
    #expect(r.findings.first { $0.id == "sum.births_sex" }?.line == 3)
    #expect(tally(r, "sum.births_sex") == RuleTally(holds: 1, fails: 1))
    #expect(tally(r, "link.reward")?.notApplicable == 2)
    #expect(tally(r, "hier.births")?.notApplicable == 2)
    #expect(r.worst == .fail)
}

@Test func unknownColumnsAreKeptByName() {
    var rows: [Row] = []
    let sub = SubmissionReader(file: "x", input: 0, onRow: { rows.append($0) }, onFinding: { _ in })
    let reader = CSVReader(onRecord: sub.record, onFinding: sub.csvFinding)
    reader.feed(bytes: Array("年度,区划代码,备注,出生人数\n2020,623021,\"见附件, 第3页\",7\n".utf8))
    reader.finish()
    #expect(rows.count == 1)
    #expect(rows[0].extras.map(\.name) == ["备注"])
    #expect(rows[0].extras.map(\.value) == ["见附件, 第3页"])
    #expect(rows[0].number(.births)?.mantissa == 7)
}

/// The same report as UTF-8, UTF-8 with BOM, GB18030 (as Excel on Chinese Windows saves it)
/// and with CRLF gives the same typed rows.
@Test func encodingsGiveTheSameRows() throws {
    let path = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
    let utf8 = try #require(readAll("/" + path + "/fixtures/domain/county-2020.csv"))
    let gb = try #require(readAll("/" + path + "/fixtures/domain/county-2020-gb18030-crlf.csv"))
    func rows(_ bytes: [UInt8]) -> (String, [String]) {
        var out: [String] = []
        let sub = SubmissionReader(file: "x", input: 0, onRow: { r in
            out.append(Field.allCases.map { "\(r[$0].map { "\($0)" } ?? "-")" }.joined(separator: "|") + "|\(r.unitName ?? "")")
        }, onFinding: { _ in })
        let reader = CSVReader(onRecord: sub.record, onFinding: sub.csvFinding)
        reader.feed(bytes: bytes)
        return (reader.finish().encoding.rawValue, out)
    }
    let a = rows(utf8), b = rows([0xEF, 0xBB, 0xBF] + utf8), c = rows(gb)
    #expect(a.0 == "utf-8")
    #expect(c.0 == "gb18030")
    #expect(a.1.count == 1)
    #expect(a.1 == b.1)
    #expect(a.1 == c.1)
    #expect(a.1.first?.hasSuffix("|某县（整改报告）") == true)
}

func readAll(_ path: String) -> [UInt8]? {
    var bytes: [UInt8] = []
    do { try ByteFile.read(path) { bytes.append(contentsOf: $0) } } catch { return nil }
    return bytes
}
