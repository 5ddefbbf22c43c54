import Testing
@testable import Veto
import VetoCSV

/// Random report tables written the ways people write them must come out of
/// `veto normalize` with every figure exact: money in yuan, counts as integers,
/// "not reported" empty.
struct Writer {
    var rng: SplitMix64

    mutating func int(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }

    /// A count written in one of the accepted styles.
    mutating func count(_ v: Int) -> String {
        switch int(4) {
        case 0: return String(v)
        case 1: return grouped(v, sep: ",")
        case 2: return fullWidth(grouped(v, sep: "，"))
        default: return v % 10_000 == 0 && v > 0 ? "\(v / 10_000)万" : " \(v) "
        }
    }

    /// Money in yuan (integer fen = value × 100) written in yuan, 万元 or with a 万 suffix.
    /// Returns the cell and whether the column header says 万元.
    mutating func money(fen: Int, headerWan: Bool) -> String {
        let yuan = fen / 100, cents = fen % 100
        if headerWan {
            // Value in 万元 with 6 decimals keeps every fen exactly.
            let wanInt = fen / 1_000_000, wanFrac = fen % 1_000_000
            let frac = String(wanFrac).leftPadded(6)
            return int(2) == 0 ? "\(wanInt).\(frac)" : "\(grouped(wanInt, sep: ",")).\(frac)"
        }
        let plain = cents == 0 && int(2) == 0 ? String(yuan) : "\(yuan).\(String(cents).leftPadded(2))"
        switch int(3) {
        case 0: return plain
        case 1: return plain + "元"
        default: return cents == 0 && yuan % 100 == 0 ? "\(Double(yuan / 100) / 100)万元".replacingDotZero() : plain
        }
    }

    func grouped(_ v: Int, sep: String) -> String {
        var s = String(v), out = ""
        while s.count > 3 { out = sep + String(s.suffix(3)) + out; s.removeLast(3) }
        return s + out
    }

    func fullWidth(_ s: String) -> String {
        String(s.unicodeScalars.map { u -> Character in
            if ("0"..."9").contains(u) { return Character(Unicode.Scalar(u.value - 0x30 + 0xFF10)!) }
            return Character(u)
        })
    }
}


extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
    func replacingDotZero() -> String { hasSuffix(".0万元") ? String(dropLast(4)) + "万元" : self }
}

@Test(arguments: 0..<12)
func normalizeReproducesEveryFigureExactly(seed: Int) throws {
    var w = Writer(rng: SplitMix64(seed: UInt64(seed) &* 7919 &+ 1))
    let counts: [Field] = [.births, .births_male, .reward_total, .population, .special_total]
    let money: [Field] = [.reward_funds, .special_funds]
    let chinese = w.int(2) == 0
    let wan = money.map { _ in w.int(2) == 0 }
    var header = [chinese ? "年度" : "period", chinese ? "区划代码" : "unit_code"]
    header += counts.map { chinese ? $0.aliases[0] : $0.rawValue }
    header += zip(money, wan).map { f, wan in (chinese ? f.aliases[0] : f.rawValue) + (wan ? "（万元）" : "") }
    var csv = header.joined(separator: ",") + "\n"
    var truth: [[String]] = []
    for r in 0..<40 {
        var cells = ["2020", String(623021100000 + r * 1000)]
        var expect = ["2020", String(623021100000 + r * 1000)]
        for _ in counts {
            if w.int(10) == 0 {
                cells.append(["", "-", "—", "——", "/", "无"][w.int(6)])
                expect.append("")
            } else {
                let v = w.int(5) == 0 ? w.int(10) * 10_000 : w.int(2_000_000)
                cells.append(w.count(v))
                expect.append(String(v))
            }
        }
        for (i, _) in money.enumerated() {
            let fen = w.int(3) == 0 ? w.int(100_000) * 10_000 : w.int(2_000_000_000)
            cells.append(w.money(fen: fen, headerWan: wan[i]))
            expect.append(ExactDecimal(mantissa: Int128(fen), exponent: -2).description)
        }
        csv += cells.map { $0.contains(",") ? "\"\($0)\"" : $0 }.joined(separator: ",") + "\n"
        truth.append(expect)
    }

    var out = ""
    var findings: [Finding] = []
    let writer = NormalizeWriter { out += $0 }
    let sub = SubmissionReader(file: "t", input: 0, onRow: { writer.row($0, file: "t") }, onFinding: { findings.append($0) })
    sub.onHeader = { writer.header($0) }
    let reader = CSVReader(onRecord: sub.record, onFinding: sub.csvFinding)
    reader.feed(bytes: Array(csv.utf8))
    reader.finish()
    writer.flush()

    #expect(findings.filter { $0.severity > .info }.isEmpty, "\(findings.map(\.message.en))")
    let lines = out.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    // normalize writes the canonical columns in schema order.
    let written = counts + money
    let order = written.indices.sorted { written[$0] < written[$1] }
    #expect(lines.first == ["period", "unit_code"] + order.map { written[$0].rawValue })
    let expected = truth.map { row in Array(row.prefix(2)) + order.map { row[2 + $0] } }
    // Each written figure has the exact value of its source (a figure coarser than a yuan is
    // written in 万 or 亿 to keep its precision, so compare values, not spellings).
    let got = Array(lines.dropFirst())
    #expect(got.count == expected.count)
    for (g, e) in zip(got, expected) {
        #expect(g.count == e.count)
        #expect(Array(g.prefix(2)) == Array(e.prefix(2)))
        for k in 2..<min(g.count, e.count) {
            #expect(value(g[k]) == value(e[k]), "\(g[k]) vs \(e[k])")
        }
    }
}

/// The exact value of a normalized money or count cell; nil for an empty cell.
private func value(_ cell: String) -> ExactDecimal? {
    if case .number(let n) = NumberParser.parse(cell, kind: .money) { return ExactDecimal(n) }
    return nil
}
