/// The unit money columns are written in.
public enum MoneyUnit: String, CaseIterable, Sendable {
    /// Whole yuan: `533760`.
    case yuan
    /// 万元 with exactly four decimals, header `(万元)`: `53.3760`.
    case wan
}

/// How generated files are written. Every variant of one seed holds the same figures (a planted
/// 万/元 slip excepted: it is written in whichever unit the column is not in).
public struct CSVOutputFormat: Sendable, Equatable {
    public enum Headers: String, CaseIterable, Sendable {
        /// The first Chinese alias of each column (SPEC.md §1), money with `(元)`/`(万元)`, the rate with `(%)`.
        case zh
        /// Canonical names; money in 万元 as `reward_funds(万元)`.
        case en
    }

    public enum Encoding: String, CaseIterable, Sendable {
        case utf8 = "utf-8"
        case utf8BOM = "utf-8-bom"
        case gb18030
    }

    public enum LineEnding: String, CaseIterable, Sendable {
        case lf, crlf
        var text: String { self == .lf ? "\n" : "\r\n" }
    }

    public var headers: Headers
    public var encoding: Encoding
    public var money: MoneyUnit
    public var lineEnding: LineEnding

    public init(headers: Headers = .zh, encoding: Encoding = .utf8, money: MoneyUnit = .yuan, lineEnding: LineEnding = .lf) {
        self.headers = headers
        self.encoding = encoding
        self.money = money
        self.lineEnding = lineEnding
    }
}

/// Writes a county's tables as report CSV: one file per year, the county row first, then each
/// township followed by its communities and villages, every canonical column of SPEC.md §1.
/// No cell needs quoting (names and numbers hold no comma, quote or line end).
enum CountyCSV {
    static func header(_ format: CSVOutputFormat) -> [String] {
        Field.allCases.map { f in
            let base = format.headers == .zh ? (f.aliases.first ?? f.rawValue) : f.rawValue
            switch f.numberKind {
            case .money?:
                if format.money == .wan { return base + "(万元)" }
                return format.headers == .zh ? base + "(元)" : base
            case .rate?:
                return format.headers == .zh ? base + "(%)" : base
            default:
                return base
            }
        }
    }

    /// The text of one cell as written.
    static func cell(_ t: CountyTable, _ k: RowKey, _ f: Field, money: MoneyUnit) -> String {
        switch f {
        case .period: return String(t.period(k))
        case .unit_code: return t.units[k.unit].code
        case .unit_name: return t.units[k.unit].name
        default: break
        }
        let (value, scale) = t.written(CellKey(row: k, field: f))
        guard let value else { return "" }
        switch f.numberKind {
        case .money?: return decimal(value, exponent: scale - (money == .wan ? 4 : 0))
        case .rate?: return decimal(value, exponent: -2)
        default: return String(value)
        }
    }

    /// `value × 10^exponent` written exactly, with −exponent decimals when it is negative:
    /// (533760, −4) → "53.3760", (5, −2) → "0.05", (12, 2) → "1200".
    static func decimal(_ value: Int64, exponent: Int) -> String {
        let sign = value < 0 ? "-" : ""
        var digits = String(value.magnitude)
        if exponent >= 0 { return value == 0 ? "0" : sign + digits + String(repeating: "0", count: exponent) }
        let places = -exponent
        if digits.count <= places { digits = String(repeating: "0", count: places - digits.count + 1) + digits }
        let point = digits.index(digits.endIndex, offsetBy: -places)
        return sign + digits[..<point] + "." + digits[point...]
    }

    /// The text of a year's file: its rows, then any rows of the previous year it restates.
    static func text(_ t: CountyTable, year y: Int, format: CSVOutputFormat) -> String {
        let eol = format.lineEnding.text
        var out = header(format).joined(separator: ",") + eol
        let keys = t.units.indices.map { RowKey(year: y, unit: $0) }
            + (t.restatedUnits[y] ?? []).map { RowKey(year: y, unit: $0, restated: true) }
        for k in keys {
            out += Field.allCases.map { cell(t, k, $0, money: format.money) }.joined(separator: ",") + eol
        }
        return out
    }

    /// The bytes of a year's file in the format's encoding.
    static func bytes(_ t: CountyTable, year y: Int, format: CSVOutputFormat) throws(GeneratorError) -> [UInt8] {
        let s = text(t, year: y, format: format)
        switch format.encoding {
        case .utf8: return Array(s.utf8)
        case .utf8BOM: return [0xEF, 0xBB, 0xBF] + Array(s.utf8)
        case .gb18030: return try Iconv.convert(Array(s.utf8), from: "UTF-8", to: "GB18030")
        }
    }
}
