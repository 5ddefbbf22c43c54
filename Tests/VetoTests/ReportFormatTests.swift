import Foundation
import Testing
@testable import Veto
import VetoCSV

// Issue 10 items 4–7: the pieces of the SARIF, JUnit, CSV and HTML reporters that do not
// need the binary (text columns, line re-reading, escaping, caps). End-to-end and schema
// validation are in VetoCLITests/ReportFormatsCLITests.swift.

private func finding(_ id: String = "flow.reward", severity: Severity = .fail, file: String = "a.csv",
                     line: Int? = 2, column: Int? = 3, unit: String? = "623021105000", period: String? = "2020",
                     message: String = "m", expected: String? = "91..91", actual: String? = "92") -> Finding {
    Finding(id: id, kind: .rule, severity: severity, file: file, line: line, column: column, unitCode: unit,
            period: period, fields: ["reward_total"], expected: expected, actual: actual,
            message: Message(zh: message, en: message))
}

private func result(_ findings: [Finding], inputs: [InputSummary] = []) -> CheckResult {
    var r = CheckResult()
    r.findings = findings
    r.inputs = inputs
    for f in findings { r.severityCounts[f.severity, default: 0] += 1 }
    return r
}

private func input(_ file: String, encoding: String = "utf-8", delimiter: String = ",") -> InputSummary {
    InputSummary(file: file, rows: 1, encoding: encoding, hadBOM: false, encodingNote: "", delimiter: delimiter,
                 lines: 2, bytes: 10, blankLines: 0, columns: [])
}

// MARK: Text columns

@Test(arguments: [
    // (line, field, start, end)
    ("a,b,c", 1, 1, 2), ("a,b,c", 2, 3, 4), ("a,b,c", 3, 5, 6),
    ("2020,623021105000,甲镇,40", 4, 22, 24),                 // CJK: one column per code point
    ("2020,\"甲,乙\",40", 3, 12, 14),                          // a quoted delimiter is not a field end
    ("a,,c", 2, 3, 3),                                         // an empty field: start = end
    ("a,b", 3, -1, -1),                                        // no such field on this line
])
func textColumnOfAField(_ c: (String, Int, Int, Int)) {
    let span = TextColumn.span(ofField: c.1, in: c.0, delimiter: ",")
    if c.2 < 0 {
        #expect(span == nil)
    } else {
        #expect(span?.start == c.2)
        #expect(span?.end == c.3)
    }
}

@Test func textColumnWithTabDelimiterAndEmoji() {
    #expect(TextColumn.delimiter("\\t") == "\t")
    let s = TextColumn.span(ofField: 2, in: "😀\tx", delimiter: "\t")
    #expect(s?.start == 3)   // 😀 is one code point (two UTF-16 units)
}

// MARK: Re-reading lines

@Test func sourceLinesCountLFCRLFAndLoneCRAsTheReaderDoes() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("veto-lines-\(UUID().uuidString).csv").path
    defer { unlink(path) }
    try Data("h1,h2\r\nl2a,l2b\rl3\nl4,\"q\nl5\"\n".utf8).write(to: URL(fileURLWithPath: path))
    let lines = SourceLines.read(path: path, encoding: .utf8, lines: [1, 2, 3, 5, 9])
    #expect(lines?[1] == "h1,h2")
    #expect(lines?[2] == "l2a,l2b")
    #expect(lines?[3] == "l3")
    #expect(lines?[5] == "l5\"")
    #expect(lines?[9] == nil)
}

@Test func sourceLinesDecodeGB18030() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("veto-gb-\(UUID().uuidString).csv").path
    defer { unlink(path) }
    // "期别,出生\n2020,4\n" in GB18030.
    let bytes: [UInt8] = [0xC6, 0xDA, 0xB1, 0xF0, 0x2C, 0xB3, 0xF6, 0xC9, 0xFA, 0x0A, 0x32, 0x30, 0x32, 0x30, 0x2C, 0x34, 0x0A]
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let lines = SourceLines.read(path: path, encoding: .gb18030, lines: [1])
    #expect(lines?[1] == "期别,出生")
    #expect(TextColumn.span(ofField: 2, in: lines?[1] ?? "", delimiter: ",")?.start == 4)
}

@Test func sourceLinesRefuseStandardInput() {
    #expect(SourceLines.read(path: "<stdin>", encoding: nil, lines: [1]) == nil)
    #expect(SourceLines.read(path: "/nonexistent/veto.csv", encoding: nil, lines: [1]) == nil)
}

// MARK: SARIF

private func sarif(_ r: CheckResult, limit: Int = SARIFReport.resultLimit, lines: [Int: String]? = nil) throws -> [String: Any] {
    let text = SARIFReport.render(r, rules: RuleSet(rules: []), standards: StandardsTable([]), lang: .en,
                                  limit: limit, lines: { _, _, _ in lines })
    let any = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(any as? [String: Any])
}

private func results(_ doc: [String: Any]) -> [[String: Any]] {
    ((doc["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]]) ?? []
}

private func region(_ result: [String: Any]) -> [String: Any]? {
    (((result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["region"]) as? [String: Any]
}

@Test func sarifColumnIsATextColumnFromTheLine() throws {
    let r = result([finding(column: 3)], inputs: [input("a.csv")])
    let doc = try sarif(r, lines: [2: "2020,甲镇,92"])
    let first = try #require(results(doc).first)
    let reg = try #require(region(first))
    #expect(reg["startLine"] as? Int == 2)
    #expect(reg["startColumn"] as? Int == 9)
    #expect(reg["endColumn"] as? Int == 11)
}

@Test func sarifFallsBackToColumnOneAndSaysSoWhenTheInputCannotBeReadAgain() throws {
    let r = result([finding(file: "<stdin>", column: 5)], inputs: [input("<stdin>")])
    let doc = try sarif(r, lines: nil)
    let res = try #require(results(doc).first)
    #expect(region(res)?["startColumn"] as? Int == 1)
    let note = (res["properties"] as? [String: Any])?["columnNote"] as? String
    #expect(note?.contains("field 5") == true)
}

@Test func sarifLevelsAndFingerprintsWithoutTheLine() throws {
    #expect(SARIFReport.level(.veto) == "error")
    #expect(SARIFReport.level(.fail) == "error")
    #expect(SARIFReport.level(.review) == "warning")
    #expect(SARIFReport.level(.info) == "note")
    let a = try sarif(result([finding(line: 2)]), lines: [:])
    let b = try sarif(result([finding(line: 40)]), lines: [:])
    let fa = (results(a).first?["partialFingerprints"] as? [String: String])?[SARIFReport.fingerprintKey]
    let fb = (results(b).first?["partialFingerprints"] as? [String: String])?[SARIFReport.fingerprintKey]
    #expect(fa != nil && fa == fb)
    let c = try sarif(result([finding(unit: "623021106000")]), lines: [:])
    #expect((results(c).first?["partialFingerprints"] as? [String: String])?[SARIFReport.fingerprintKey] != fa)
}

@Test func sarifCapsResultsMostSevereFirstWithANote() throws {
    let fs = [finding(severity: .info), finding(severity: .veto), finding(severity: .review), finding(severity: .fail)]
    let doc = try sarif(result(fs), limit: 2, lines: [:])
    #expect(results(doc).map { $0["level"] as? String } == ["error", "error"])
    let run = try #require((doc["runs"] as? [[String: Any]])?.first)
    #expect((run["properties"] as? [String: Any])?["resultsLeftOut"] as? Int == 2)
    let notes = ((run["invocations"] as? [[String: Any]])?.first?["toolExecutionNotifications"] as? [[String: Any]]) ?? []
    #expect(notes.contains { (($0["message"] as? [String: Any])?["text"] as? String)?.contains("not in this log") == true })
}

@Test func sarifURIsArePercentEncoded() {
    #expect(ReportSupport.uri("fixtures/a b.csv") == "fixtures/a%20b.csv")
    #expect(ReportSupport.uri("/tmp/县.csv") == "file:///tmp/%E5%8E%BF.csv")
}

// MARK: CSV injection

/// Parses RFC 4180 text into rows of cells.
private func parseCSV(_ s: String) -> [[String]] {
    var rows: [[String]] = [], row: [String] = [], cell = "", quoted = false
    var it = Array(s.unicodeScalars.drop { $0 == "\u{FEFF}" })[...]
    while let u = it.popFirst() {
        if quoted {
            if u == "\"" {
                if it.first == "\"" { it.removeFirst(); cell.unicodeScalars.append("\"") } else { quoted = false }
            } else { cell.unicodeScalars.append(u) }
        } else if u == "\"" { quoted = true
        } else if u == "," { row.append(cell); cell = ""
        } else if u == "\r", it.first == "\n" { it.removeFirst(); row.append(cell); rows.append(row); row = []; cell = ""
        } else { cell.unicodeScalars.append(u) }
    }
    return rows
}

@Test(arguments: ["=HYPERLINK(\"http://x\",\"y\")", "+1+cmd|' /C calc'!A0", "-2+3+cmd|'/C calc'!A0", "@SUM(A1:A9)", "\t=1", "\r=1"])
func csvCellsThatASpreadsheetWouldRunAreEscaped(_ payload: String) {
    let f = finding(file: payload, unit: payload, period: payload, message: payload, expected: payload, actual: payload)
    let rows = parseCSV(CSVReport.render(result([f]), lang: .en))
    #expect(rows.count == 2)
    #expect(rows.first == CSVReport.header)
    for cell in rows[1] {
        guard let first = cell.unicodeScalars.first else { continue }
        #expect(!["=", "+", "-", "@", "\t", "\r"].contains(first), "cell \(cell.debugDescription) starts with a formula character")
    }
    #expect(rows[1][0] == "'" + payload)   // kept, visibly escaped, not dropped
}

@Test func csvKeepsPlainNegativeNumbersAndQuotesRFC4180() {
    let f = finding(message: "a \"quoted\", message\nwith a line break", expected: "-5", actual: "+3.25")
    let text = CSVReport.render(result([f]), lang: .en)
    #expect(text.hasPrefix("\u{FEFF}file,line,"))
    #expect(text.contains(",-5,+3.25,"))
    #expect(text.contains("\"a \"\"quoted\"\", message\nwith a line break\""))
    #expect(text.hasSuffix("\r\n"))
    #expect(!text.unicodeScalars.contains { $0.value == 0x1B })
}

@Test func csvMakesControlCharactersVisible() {
    let text = CSVReport.render(result([finding(message: "x\u{1B}[2Jy\u{7}")]), lang: .en)
    #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
    #expect(text.contains("x\\e[2Jy\\x07"))
}

// MARK: JUnit and HTML escaping

@Test func junitEscapesMarkupAndForbiddenCharacters() {
    let f = finding(file: "a&b.csv", message: "<b>\"x\" & \u{1B}[31m \u{0}", expected: "]]>")
    let xml = JUnitReport.render(result([f], inputs: [input("a&b.csv")]), lang: .en)
    #expect(xml.contains("a&amp;b.csv"))
    #expect(xml.contains("&lt;b&gt;"))
    #expect(!xml.contains("<b>"))
    #expect(!xml.contains("]]>"))
    #expect(!xml.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
}

@Test func junitFailsAtTheThresholdAndKeepsTheRestAsOutput() {
    let r = result([finding(severity: .review), finding("funds.reward", severity: .fail)], inputs: [input("a.csv")])
    let atFail = JUnitReport.render(r, lang: .en, failAt: .fail)
    #expect(atFail.components(separatedBy: "<failure ").count - 1 == 1)
    #expect(atFail.contains("<system-out>"))
    let atReview = JUnitReport.render(r, lang: .en, failAt: .review)
    #expect(atReview.components(separatedBy: "<failure ").count - 1 == 2)
    let never = JUnitReport.render(result([finding(severity: .veto)], inputs: [input("a.csv")]), lang: .en, failAt: nil)
    #expect(never.contains("<failure type=\"veto\""))   // a veto always fails its case
}

@Test func htmlEscapesEverythingAndLoadsNothing() {
    let f = finding(file: "<img src=x onerror=alert(1)>.csv", unit: "623021105000", message: "<script>alert(1)</script>\u{1B}[2J")
    var r = result([f], inputs: [input("<img src=x onerror=alert(1)>.csv")])
    r.unitNames["623021105000"] = "<b>甲镇</b>"
    r.verdicts = [(UnitPeriod(unit: .code(UnitCode(code: "623021105000")), period: Period.parse("2020")), .fail)]
    let page = HTMLReport.render(r, lang: .zh)
    #expect(!page.contains("<script"))
    #expect(!page.contains("<img"))
    #expect(!page.contains("<b>甲镇"))
    #expect(page.contains("&lt;script&gt;"))
    #expect(!page.unicodeScalars.contains { $0.value == 0x1B })
    #expect(!page.contains("http://") || !page.contains("src=\"http"))
    #expect(!page.contains("<link") && !page.contains("@import") && !page.contains("url("))
}

/// The JSON writer appends bytes; every string it writes must read back as itself (quotes,
/// backslashes, control characters, CJK, U+2028/U+2029, emoji), checked with Foundation's parser.
@Test func jsonStringsRoundTripThroughAParser() throws {
    let samples = ["plain", "引号\"与\\反斜杠", "tab\tnew\nline\rcr", "\u{01}\u{1f}\u{7f}", "行\u{2028}分\u{2029}隔",
                   "53.376万", "🙂 e\u{301}", "", "a\"", "\\"]
    for s in samples {
        var w = JSONWriter()
        w.beginObject()
        w.field("s", s)
        w.field("list", strings: [s, "x"])
        w.endObject()
        let text = w.out
        #expect(!text.contains("\u{2028}") && !text.contains("\u{2029}"), "line separators escaped: \(text)")
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(parsed?["s"] as? String == s, "round trip of \(s.debugDescription): \(text)")
        #expect((parsed?["list"] as? [String]) == [s, "x"])
    }
}

/// HTML (issue 10 item 6): a digit-test finding is drawn — its digits' shares as bars against the
/// shares the test expects — for Benford's first digits and for last digits, with the counts the
/// detector found in the bars' data.
@Test func htmlDrawsDigitDistributionsAgainstBenfordsCurve() throws {
    let yaml = """
    columns:
      - {name: amount, kind: count}
    detectors:
      - {detector: benford-first, columns: [amount], group: all}
      - {detector: last-digit, columns: [amount], group: all}
    rules: []
    """
    let (set, errors) = RuleFile.parse(yaml, file: "r.yml", base: Schema())
    #expect(errors.isEmpty, "\(errors)")
    // First digits uniform within three decades (not Benford), last digits mostly 0.
    var csv = "id,amount\n"
    for i in 0..<3_000 {
        let low: Int64 = [100, 1_000, 10_000][i % 3]
        let v = low + Int64(i * 7_919) % (9 * low)
        csv += "\(i),\(i % 4 == 0 ? v : v / 10 * 10)\n"
    }
    var o = CheckOptions()
    o.rules = set
    let c = Checker(options: o)
    c.add(bytes: Array(csv.utf8), name: "amounts.csv")
    let r = c.finish()
    let benford = try #require(r.findings.first { $0.id == "forensic.benford-first" })
    let d = try #require(benford.digits)
    #expect(d.labels == Array(1...9) && d.total == 3_000)
    #expect(abs(d.expected[0] - 0.30103) < 1e-5)
    let last = try #require(r.findings.first { $0.id == "forensic.last-digit" }?.digits)
    #expect(last.labels == Array(0...9) && last.counts[0] > 2_000)
    for lang in [Language.en, .zh] {
        let page = HTMLReport.render(r, lang: lang)
        let section = try #require(page.range(of: "<section id=\"digits\">").map { String(page[$0.lowerBound...]) })
        #expect(section.contains("data-test=\"benford-first\" data-total=\"3000\""))
        #expect(section.contains("data-test=\"last-digit\" data-total=\"3000\""))
        #expect(section.contains("data-digit=\"1\" data-count=\"\(d.counts[0])\" data-expected=\"0.301\""), "\(section.prefix(2_000))")
        #expect(section.contains("data-digit=\"0\" data-count=\"\(last.counts[0])\" data-expected=\"0.1\""))
        #expect(section.contains("<polyline class=\"benford\""))
    }
    // 3,000 units that pass everywhere: the verdict table lists 60 and counts the rest.
    let page = HTMLReport.render(r, lang: .en)
    #expect(page.contains("2940 more units pass everywhere, not listed"))
    #expect(page.components(separatedBy: "<td class=\"v-pass\">PASS</td>").count - 1 == HTMLReport.cleanRowsListed)
}
