import Testing
@testable import Veto
import VetoCSV

// Item 11 and the invariants of issue 8: `veto check` of normalized output gives the
// verdicts of its source, and normalize ∘ normalize = normalize.

/// One input through `veto normalize`'s writer, in memory.
func normalized(_ bytes: [UInt8], name: String, options: NormalizeWriter.Options = .init()) -> [UInt8] {
    var out = ""
    let writer = NormalizeWriter(options: options) { out += $0 }
    let sub = SubmissionReader(file: name, input: 0, onRow: { writer.row($0, file: name) }, onFinding: { _ in })
    sub.onHeader = { writer.header($0) }
    let reader = CSVReader(onRecord: sub.record, onFinding: sub.csvFinding)
    reader.feed(bytes: bytes)
    reader.finish()
    writer.flush()
    return Array(out.utf8)
}

/// Every unit-period's verdict, as `veto check` gives it for these files together.
func verdictList(_ files: [(name: String, bytes: [UInt8])]) -> [String] {
    let c = Checker(options: CheckOptions())
    for f in files { c.add(bytes: f.bytes, name: f.name) }
    return c.finish().verdicts.map { "\($0.key.unit.code) \($0.key.period) \($0.verdict)" }.sorted()
}

/// Money in 万元 as staff round it: each `(万元)` cell cut to `decimals(column)` decimals,
/// rounded half up. The figures keep less precision than the yuan, which normalize must keep.
func roundWanColumns(_ bytes: [UInt8], rng: inout SplitMix64) -> [UInt8] {
    var text = String(decoding: bytes, as: UTF8.self)
    let bom = text.hasPrefix("\u{FEFF}")
    if bom { text.removeFirst() }
    let crlf = text.contains("\r\n")
    let lines = text.split(separator: crlf ? "\r\n" : "\n", omittingEmptySubsequences: false).map(String.init)
    guard let header = lines.first else { return bytes }
    let names = header.split(separator: ",", omittingEmptySubsequences: false)
    var decimals: [Int: Int] = [:]
    for (i, n) in names.enumerated() where n.contains("万元") { decimals[i] = rng.below(4) }
    var out = [header]
    for line in lines.dropFirst() {
        guard !line.isEmpty else { out.append(line); continue }
        var cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        for (i, k) in decimals where i < cells.count { cells[i] = roundDecimal(cells[i], to: k) }
        out.append(cells.joined(separator: ","))
    }
    return Array(((bom ? "\u{FEFF}" : "") + out.joined(separator: crlf ? "\r\n" : "\n")).utf8)
}

/// `53.3760` to 2 decimals → `53.38`; cells that are not plain decimals are left alone.
func roundDecimal(_ cell: String, to k: Int) -> String {
    let parts = cell.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 2, let whole = Int(parts[0]), parts[1].allSatisfy(\.isNumber), parts[1].count > k else { return cell }
    let frac = String(parts[1])
    var keep = Int(frac.prefix(k)) ?? 0
    var scaledWhole = whole
    if let next = frac.dropFirst(k).first, let d = next.wholeNumberValue, d >= 5 {
        keep += 1
        var limit = 1
        for _ in 0..<k { limit *= 10 }
        if keep == limit { keep = 0; scaledWhole += 1 }
    }
    if k == 0 { return String(scaledWhole) }
    let f = String(keep)
    return "\(scaledWhole)." + String(repeating: "0", count: k - f.count) + f
}

struct NormalizeCase: Sendable, CustomTestStringConvertible {
    var seed: UInt64
    var money: MoneyUnit
    var inject: String?
    var headers: CSVOutputFormat.Headers
    var testDescription: String { "seed \(seed) \(money) \(headers) \(inject ?? "genuine")" }
}

let normalizeCases: [NormalizeCase] = [
    NormalizeCase(seed: 1, money: .yuan, inject: nil, headers: .zh),
    NormalizeCase(seed: 2, money: .wan, inject: nil, headers: .en),
    NormalizeCase(seed: 3, money: .wan, inject: "all", headers: .zh),
    NormalizeCase(seed: 4, money: .yuan, inject: "all", headers: .en),
    NormalizeCase(seed: 5, money: .wan, inject: "typo:3", headers: .zh),
    NormalizeCase(seed: 6, money: .wan, inject: "padded-funds:3", headers: .en),
]

/// Item 11: `53.38万` (±50 yuan) written as `533800` re-checked to another verdict. Over
/// generated counties (genuine and planted, money in yuan and in 万元 rounded as staff
/// round it), the normalized files give the same verdict for every unit-period.
@Test(arguments: normalizeCases)
func normalizedOutputRechecksToTheSameVerdicts(_ c: NormalizeCase) throws {
    let inject = try c.inject.map { try Injection.parse($0) } ?? []
    let county = try generate(smallConfig(seed: c.seed, inject: inject,
                                          format: CSVOutputFormat(headers: c.headers, money: c.money)))
    var rng = SplitMix64(seed: c.seed &+ 99)
    let sources = county.files.map { f in
        (name: f.name, bytes: c.money == .wan ? roundWanColumns(f.bytes, rng: &rng) : f.bytes)
    }
    let once = sources.map { (name: $0.name, bytes: normalized($0.bytes, name: $0.name)) }
    let before = verdictList(sources), after = verdictList(once)
    #expect(before.count > 10)
    #expect(before == after)
    // Something in these counties depends on precision: not every verdict is a pass.
    if c.inject != nil { #expect(before.contains { !$0.hasSuffix("pass") }) }
    // normalize ∘ normalize = normalize, byte for byte (with and without --bom).
    for f in once {
        #expect(normalized(f.bytes, name: f.name) == f.bytes, "\(f.name)")
        let bom = normalized(f.bytes, name: f.name, options: .init(bom: true, spreadsheetSafe: true))
        #expect(normalized(bom, name: f.name, options: .init(bom: true, spreadsheetSafe: true)) == bom, "\(f.name) --bom")
    }
}

/// The case of the issue, by hand: funds reported as 53.38万 agree with 556 × 960 = 533,760
/// (±50 yuan); written as 533800 they would not.
@Test func normalizeKeepsReportedPrecisionOfMoney() {
    let text = "period,unit_code,unit_name,reward_total,reward_added,reward_funds(万元)\n2020,623021000000,某县,556,0,53.38\n"
    let out = String(decoding: normalized(Array(text.utf8), name: "t.csv"), as: UTF8.self)
    #expect(out == "period,unit_code,unit_name,reward_added,reward_total,reward_funds\n2020,623021000000,某县,0,556,53.38万\n")
    #expect(verdictList([("t.csv", Array(text.utf8))]) == verdictList([("n.csv", Array(out.utf8))]))
    #expect(NormalizeWriter.format(.number(ReportedNumber(mantissa: 12, exponent: 7)), kind: .money) == "1.2亿")
    #expect(NormalizeWriter.format(.number(ReportedNumber(mantissa: 12, exponent: 3)), kind: .count) == "1.2万")
    #expect(NormalizeWriter.format(.number(ReportedNumber(mantissa: 150, exponent: -2)), kind: .money) == "1.50")
    #expect(NormalizeWriter.format(.number(ReportedNumber(mantissa: 120, exponent: -1)), kind: .count) == "12")
    #expect(NormalizeWriter.format(.number(ReportedNumber(mantissa: 0, exponent: 4)), kind: .money) == "0")
    #expect(NormalizeWriter.format(.number(ReportedNumber(mantissa: -5, exponent: 0)), kind: .money) == "-5")
}

/// Item 16: with --bom (for Excel) text cells that a spreadsheet would run are escaped;
/// figures, negative ones included, stay numbers.
@Test func spreadsheetFormulasInTextCellsAreEscapedForExcel() {
    let text = "period,unit_code,unit_name,reward_funds,=cmd\n2020,623021000000,=HYPERLINK(\"http://x\"),-5,@SUM(A1)\n2020,+1+cmd,-2+3,12,-7\n"
    let out = String(decoding: normalized(Array(text.utf8), name: "t.csv", options: .init(bom: true, spreadsheetSafe: true)), as: UTF8.self)
    let lines = out.split(separator: "\n").map(String.init)
    #expect(lines[0] == "\u{FEFF}period,unit_code,unit_name,reward_funds,'=cmd")
    #expect(lines[1] == "2020,623021000000,\"'=HYPERLINK(\"\"http://x\"\")\",-5,'@SUM(A1)")
    #expect(lines[2] == "2020,'+1+cmd,'-2+3,12,-7")
    // Without --bom the cells are written as they stood.
    let plain = String(decoding: normalized(Array(text.utf8), name: "t.csv"), as: UTF8.self)
    #expect(plain.contains(",\"=HYPERLINK("))
}
