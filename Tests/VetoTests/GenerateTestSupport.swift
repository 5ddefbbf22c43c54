import Testing
@testable import Veto
import VetoCSV

/// A generated row as veto reads it back: every numeric column as an exact decimal (nil when
/// not reported).
struct ReadRow {
    var file: String
    var line: Int
    var unit: String
    var period: Int
    var name: String
    var values: [Field: ExactDecimal?]

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
    var parentCode: String? { (try? UnitCode.parse(unit).get())?.parent?.code }
    var level: UnitCode.Level? { (try? UnitCode.parse(unit).get())?.level }
}

/// Everything read back from a county's files.
struct ReadCounty {
    var rows: [ReadRow]
    var problems: [String]

    func row(_ unit: String, _ period: Int) -> ReadRow? { rows.first { $0.unit == unit && $0.period == period } }
    func children(of unit: String, _ period: Int, in rows: [ReadRow]? = nil) -> [ReadRow] {
        (rows ?? self.rows).filter { $0.period == period && $0.parentCode == unit }
    }
}

/// The numeric canonical columns.
let numericFields = Field.allCases.filter { $0.numberKind != nil }

/// Reads files through the same reader `veto check` uses (GB18030 files are first turned into
/// UTF-8 with iconv: the transcoder in VetoCSV is still a UTF-8 placeholder on this branch).
func readBack(_ files: [GeneratedFile], gb18030: Bool = false) -> ReadCounty {
    var out = ReadCounty(rows: [], problems: [])
    for f in files {
        var bytes = f.bytes
        if gb18030 {
            do { bytes = try Iconv.convert(bytes, from: "GB18030", to: "UTF-8") } catch {
                out.problems.append("\(f.name): \(error)")
                continue
            }
        }
        var rows: [Row] = []
        var findings: [Finding] = []
        let sub = SubmissionReader(file: f.name, input: 0, onRow: { rows.append($0) }, onFinding: { findings.append($0) })
        let reader = CSVReader(onRecord: sub.record, onFinding: sub.csvFinding)
        reader.feed(bytes: bytes)
        reader.finish()
        out.problems += findings.map { "\(f.name):\($0.line ?? 0): \($0.id) \($0.message.en)" }
        for r in rows {
            var values: [Field: ExactDecimal?] = [:]
            for field in numericFields {
                switch r[field] {
                case .number(let n)?: values[field] = ExactDecimal(n)
                case .missing?: values[field] = .some(nil)
                case .invalid(let p)?: out.problems.append("\(f.name):\(r.line): \(field) \(p)")
                case nil: out.problems.append("\(f.name): no column \(field)")
                }
            }
            out.rows.append(ReadRow(file: f.name, line: r.line, unit: r.unitCode?.code ?? "?", period: r.period?.year ?? 0,
                                    name: r.unitName ?? "", values: values))
        }
    }
    return out
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
    var byKey: [String: ReadRow] = [:]
    for r in genuine.rows where byKey["\(r.unit)@\(r.period)"] == nil { byKey["\(r.unit)@\(r.period)"] = r }
    var out = Set<String>()
    for r in planted.rows {
        guard let g = byKey["\(r.unit)@\(r.period)"] else {
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
