import Foundation
import Testing
import VetoStats

/// A small RFC 4180 reader for the reference CSVs (UTF-8, header, LF or CRLF, quoted fields
/// with "" escapes): the cells of the named columns, one array per column, in file order. Rows
/// shorter than the header give "" (as ref_stats.py does).
enum SimpleCSV {
    static func columns(_ names: [String], of bytes: [UInt8]) -> [String: [String]]? {
        var records: [[String]] = []
        var wanted: [Int] = []
        var out: [String: [String]] = [:]
        var field: [UInt8] = []
        var row: [[UInt8]] = []
        var inQuotes = false
        var i = 0
        var header: [String]? = nil
        func endRecord() {
            row.append(field)
            field.removeAll(keepingCapacity: true)
            if header == nil {
                let h = row.map { String(decoding: $0, as: UTF8.self) }
                header = h
                wanted = names.map { h.firstIndex(of: $0) ?? -1 }
            } else {
                records.append(wanted.map { j in j >= 0 && j < row.count ? String(decoding: row[j], as: UTF8.self) : "" })
            }
            row.removeAll(keepingCapacity: true)
        }
        while i < bytes.count {
            let b = bytes[i]
            if inQuotes {
                if b == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") {
                        field.append(b)
                        i += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.append(b)
                }
            } else if b == UInt8(ascii: "\"") {
                inQuotes = true
            } else if b == UInt8(ascii: ",") {
                row.append(field)
                field.removeAll(keepingCapacity: true)
            } else if b == UInt8(ascii: "\n") {
                if field.last == UInt8(ascii: "\r") { field.removeLast() }
                endRecord()
            } else {
                field.append(b)
            }
            i += 1
        }
        if !field.isEmpty || !row.isEmpty { endRecord() }
        guard wanted.allSatisfy({ $0 >= 0 }) else { return nil }
        for (k, name) in names.enumerated() { out[name] = records.map { $0[k] } }
        return out
    }
}

/// The digit statistics of ref_stats.py, computed with VetoStats from the cells' text.
struct RefStatsBlock {
    var rows = 0, missing = 0, unparsed = 0, zeros = 0, negatives = 0
    var f: [DigitTest: DigitTally]
    var last: DigitTally
    var arc: MantissaArcTally
    var positiveRange: DigitTally

    /// `selection`: positive, ge10 or abs (ref_stats.py's names).
    init?(cells: [String], selection: String) {
        let sel: DigitSelection
        switch selection {
        case "positive": sel = DigitSelection(signs: .positiveOnly, minimumPowerOfTen: nil)
        case "ge10": sel = DigitSelection(signs: .positiveOnly, minimumPowerOfTen: 1)
        case "abs": sel = DigitSelection(signs: .absoluteValue, minimumPowerOfTen: nil)
        default: return nil
        }
        f = Dictionary(uniqueKeysWithValues: [DigitTest.firstDigit, .secondDigit, .firstTwo, .firstThree].map {
            ($0, DigitTally($0, selection: sel))
        })
        // The last digit: every non-zero |x| ≥ 100, whatever the selection.
        last = DigitTally(.lastDigit, selection: DigitSelection(signs: .absoluteValue, minimumPowerOfTen: 2))
        arc = MantissaArcTally(selection: sel)
        positiveRange = DigitTally(.firstDigit, selection: DigitSelection(signs: .positiveOnly, minimumPowerOfTen: nil))
        for cell in cells {
            rows += 1
            let s = cell.trimmingCharacters(in: .whitespacesAndNewlines)
            if s.isEmpty || s.uppercased() == "NA" {
                missing += 1
                continue
            }
            guard let d = DecimalDigits(parsing: s) else {
                unparsed += 1
                continue
            }
            if d.isZero { zeros += 1 }
            if d.isNegative { negatives += 1 }
            for t in f.keys { f[t]?.add(d) }
            last.add(d)
            arc.add(d)
            positiveRange.add(d)
        }
    }
}

/// Nigrini's data sets (`reference/real/nigrini`) against the `python` blocks of their
/// `*.ref.json` (made by ref_stats.py with exact digits): counts exactly, statistics to 1e-9.
/// benford.analysis' own blocks are not the target: it extracts digits through floating point
/// and gets some wrong (reference/real/README.md).
@Suite(.enabled(if: Reference.realDataAvailable, Reference.absent))
struct NigriniRealDataTests {
    static let datasets = ["census_2000_2010", "census_2009", "corporate_payment", "fibonacci_500", "gm_payments",
                           "journal_entry", "lakes_perimeter", "madoff_returns", "purchasing_cards_2010", "sino_forest",
                           "streamflow", "taxable_incomes_1978"]
    static let tests: [(String, DigitTest)] = [("F1D", .firstDigit), ("SD", .secondDigit), ("F2D", .firstTwo),
                                                ("F3D", .firstThree)]

    @Test(arguments: datasets)
    func digitStatisticsMatchTheExactReference(dataset: String) throws {
        let ref = try Reference.json("real/nigrini/\(dataset).ref.json")
        let check = ReferenceCheck("real/nigrini/\(dataset).ref.json")
        let csvPath = try #require(ref["csv"].string)
        let bytes = [UInt8](try Data(contentsOf: Reference.directory.appendingPathComponent("real/\(csvPath)")))
        let columnNames = ref["columns"].keys
        let columns = try #require(SimpleCSV.columns(columnNames, of: bytes), "\(csvPath): columns \(columnNames) not all found")
        for name in columnNames {
            let cells = try #require(columns[name])
            let column = ref["columns"][name]
            for selection in column["selections"].keys {
                let py = column["selections"][selection]["python"]
                if py.isNull { continue }
                let where_ = "\(name) \(selection)"
                let b = try #require(RefStatsBlock(cells: cells, selection: selection))
                check.equal(b.rows, py["rows"].int, "\(where_) rows")
                check.equal(b.missing, py["missing"].int, "\(where_) missing")
                check.equal(b.unparsed, py["unparsed"].int, "\(where_) unparsed")
                check.equal(b.zeros, py["zeros"].int, "\(where_) zeros")
                check.equal(b.f[.firstDigit]?.total ?? -1, py["N"].int, "\(where_) N")
                for (key, test) in Self.tests {
                    let r = py[key]
                    let t = try #require(b.f[test])
                    check.equal(t.total, r["N"].int, "\(where_) \(key) N")
                    if !r["counts"].isNull {
                        let expected = test.labels.map { r["counts"]["\($0)"].int ?? -1 }
                        check.equal(t.counts, expected, "\(where_) \(key) counts")
                    }
                    guard t.total > 0 else { continue }
                    let result = try #require(t.result(.none).value)
                    compare(result.comparison, r, check, "\(where_) \(key)")
                    check.equal(result.band?.nigriniName, r["nigrini_band"].string, "\(where_) \(key) band")
                }
                if let arc = b.arc.result {
                    check.close(arc.l2, py["mantissa_arc"]["L2"].double, "\(where_) mantissa arc L2")
                    check.close(arc.pValue, py["mantissa_arc"]["p"].double, "\(where_) mantissa arc p")
                }
                let ld = py["last_digit"]
                check.equal(b.last.total, ld["N"].int, "\(where_) last digit N")
                check.equal(b.last.counts, (0...9).map { ld["counts"]["\($0)"].int ?? -1 }, "\(where_) last digit counts")
                if b.last.total > 0 {
                    compare(try #require(b.last.result(.none).value).comparison, ld, check, "\(where_) last digit")
                    let h = try Heaping.zeroOrFive(lastDigitCounts: b.last.counts).get()
                    check.close(h.share, ld["share_0_or_5"].double, "\(where_) 0/5 share")
                    check.close(h.pValue, ld["heaping_p"].double, "\(where_) heaping p")
                    check.close(h.log10PValue, ld["heaping_log10_p"].double, "\(where_) heaping log10 p")
                }
                if selection == "positive" {
                    let range = column["range"]
                    check.equal(b.negatives, range["negative_values"].int, "\(name) negative values")
                    if let r = b.positiveRange.log10Range {
                        check.close(r.min, range["log10_min_positive"].double, "\(name) log10 min")
                        check.close(r.max, range["log10_max"].double, "\(name) log10 max")
                        check.close(b.positiveRange.ordersOfMagnitude, range["orders_of_magnitude"].double, "\(name) orders")
                    }
                }
            }
        }
        check.report()
        #expect(check.failed == 0)
    }

    private func compare(_ c: DistributionComparison, _ r: JSON, _ check: ReferenceCheck, _ what: String) {
        check.equal(c.total, r["N"].int, "\(what) N")
        check.close(c.mad, r["MAD"].double, "\(what) MAD")
        check.close(c.chiSquare, r["chi2"].double, "\(what) chi2")
        check.equal(c.degreesOfFreedom, r["df"].int, "\(what) df")
        check.close(c.pValue, r["p"].double, "\(what) p")
        check.close(c.log10PValue, r["log10_p"].double, "\(what) log10 p")
    }
}
