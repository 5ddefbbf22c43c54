import Testing
@testable import Veto
import VetoCSV

/// A generated row as veto reads it back: every numeric column as an exact decimal (nil when
/// not reported).
struct ReadRow: Sendable {
    var file: String
    var line: Int
    var unit: String
    var period: Int
    var name: String
    var values: [Field: ExactDecimal?]
    /// The code one level up, and the level, from the unit code.
    var parentCode: String?
    var level: UnitCode.Level?

    init(file: String, line: Int, unit: String, period: Int, name: String, values: [Field: ExactDecimal?]) {
        self.file = file
        self.line = line
        self.unit = unit
        self.period = period
        self.name = name
        self.values = values
        let code = try? UnitCode.parse(unit).get()
        parentCode = code?.parent?.code
        level = code?.level
    }

    func v(_ f: Field) -> ExactDecimal? { values[f] ?? nil }
    /// The value as a whole number (counts, yuan amounts); nil when not reported or fractional.
    func i(_ f: Field) -> Int64? {
        guard let d = v(f) else { return nil }
        var m = d.mantissa, e = d.exponent
        while e < 0 {
            guard m % 10 == 0 else { return nil }
            m /= 10
            e += 1
        }
        while e > 0 { m *= 10; e -= 1 }
        return Int64(m)
    }
}

/// Everything read back from a county's files, indexed by unit and period (first row wins:
/// a restated row does not replace the row it restates) and by parent.
struct ReadCounty: Sendable {
    var rows: [ReadRow] { didSet { index() } }
    var problems: [String]
    private var byKey: [String: Int] = [:]
    private var byParent: [String: [Int]] = [:]

    init(rows: [ReadRow], problems: [String]) {
        self.rows = rows
        self.problems = problems
        index()
    }

    private mutating func index() {
        byKey = [:]
        byParent = [:]
        for (i, r) in rows.enumerated() where byKey["\(r.unit)@\(r.period)"] == nil {
            byKey["\(r.unit)@\(r.period)"] = i
            if let p = r.parentCode { byParent["\(p)@\(r.period)", default: []].append(i) }
        }
    }

    func row(_ unit: String, _ period: Int) -> ReadRow? { byKey["\(unit)@\(period)"].map { rows[$0] } }
    func children(of unit: String, _ period: Int) -> [ReadRow] { (byParent["\(unit)@\(period)"] ?? []).map { rows[$0] } }
}

/// The numeric canonical columns.
let numericFields = Field.allCases.filter { $0.numberKind != nil }

/// Reads files through the same reader `veto check` uses, encoding detected from the bytes.
/// `gb18030`: also expect the transcoder to have detected GB18030.
func readBack(_ files: [GeneratedFile], gb18030: Bool = false) -> ReadCounty {
    var problems: [String] = []
    var all: [ReadRow] = []
    for f in files {
        var rows: [Row] = []
        var findings: [Finding] = []
        let sub = SubmissionReader(file: f.name, input: 0, onRow: { rows.append($0) }, onFinding: { findings.append($0) })
        let reader = CSVReader(onRecord: sub.record, onFinding: sub.csvFinding)
        reader.feed(bytes: f.bytes)
        let summary = reader.finish()
        if summary.encoding != (gb18030 ? .gb18030 : .utf8) { problems.append("\(f.name): read as \(summary.encoding)") }
        problems += findings.map { "\(f.name):\($0.line ?? 0): \($0.id) \($0.message.en)" }
        for r in rows {
            var values: [Field: ExactDecimal?] = [:]
            for field in numericFields {
                switch r[field] {
                case .number(let n)?: values[field] = ExactDecimal(n)
                case .missing?: values[field] = .some(nil)
                case .invalid(let p)?: problems.append("\(f.name):\(r.line): \(field) \(p)")
                case nil: problems.append("\(f.name): no column \(field)")
                }
            }
            all.append(ReadRow(file: f.name, line: r.line, unit: r.unitCode?.code ?? "?", period: r.period?.year ?? 0,
                                    name: r.unitName ?? "", values: values))
        }
    }
    return ReadCounty(rows: all, problems: problems)
}

/// A small county, quick to generate and check.
func smallConfig(seed: UInt64, years: ClosedRange<Int> = 2018...2021, inject: [Injection] = [],
                 format: CSVOutputFormat = CSVOutputFormat()) -> GeneratorConfig {
    GeneratorConfig(seed: seed, counties: 1, years: years, townships: 2...4, villages: 2...6, format: format, injections: inject)
}

func generate(_ c: GeneratorConfig, county: Int = 0) throws -> GeneratedCounty {
    try Generator(config: c).county(county)
}

/// The cells (file, line, field) whose read-back values differ between two outputs; rows are
/// matched by unit and period (a restated row is compared with the genuine row it restates).
func changedCells(genuine: ReadCounty, planted: ReadCounty) -> Set<String> {
    var out = Set<String>()
    for r in planted.rows {
        guard let g = genuine.row(r.unit, r.period) else {
            out.insert("\(r.file):\(r.line):<row with no genuine counterpart>")
            continue
        }
        for f in numericFields where r.v(f) != g.v(f) { out.insert("\(r.file):\(r.line):\(f.rawValue)") }
    }
    return out
}

extension ExactDecimal {
    init(_ i: Int64) { self.init(mantissa: Int128(i), exponent: 0) }
}

#if canImport(Glibc)
import Glibc
#endif

/// `fixtures/generated` of this checkout.
let fixturesDirectory: String = {
    var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)    // Tests/VetoTests/<file>
    return parts.joined(separator: "/") + "/fixtures/generated"
}()

/// A whole file's bytes, nil when it cannot be read.
func readFile(_ path: String) -> [UInt8]? {
    guard let f = fopen(path, "rb") else { return nil }
    defer { fclose(f) }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = fread(&buf, 1, buf.count, f)
        if n <= 0 { break }
        out += buf[0..<n]
    }
    return out
}
