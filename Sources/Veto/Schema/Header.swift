/// How one column of an input maps to the schema.
public struct ColumnBinding: Sendable, Equatable {
    /// 0-based field index in the record.
    public var index: Int
    /// The header as written.
    public var raw: String
    /// The canonical column, or nil for a column kept by its own name.
    public var field: Field?
    /// The unit stripped from the header (`万元`, `人`, `%`), if any.
    public var unit: String?
    /// Power of ten the header's unit gives every value of the column (`万元` → 4).
    public var exponent: Int

    public var column: Int { index + 1 }
}

/// A problem with the header line.
public struct HeaderIssue: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case duplicate = "header-duplicate"
        case unitMismatch = "header-unit-mismatch"
        case unknownColumn = "header-unknown-column"
        case emptyName = "header-empty-name"
        case missingKey = "header-missing-key"
    }
    public var kind: Kind
    public var column: Int
    public var raw: String
    public var field: Field?
    public var firstColumn: Int?
    /// The schema column concerned, by its canonical name.
    public var name: String?

    public init(kind: Kind, column: Int, raw: String, field: Field?, firstColumn: Int?, name: String? = nil) {
        self.kind = kind
        self.column = column
        self.raw = raw
        self.field = field
        self.firstColumn = firstColumn
        self.name = name ?? field?.rawValue
    }
}

/// Maps header names (canonical or any alias, in any case, with spaces, full-width
/// brackets or a trailing unit) to ``Field``s.
public enum HeaderMatcher {
    /// Units a header may end with, and the power of ten each scales values by.
    static let units: [(text: String, exponent: Int, kinds: Set<KindTag>)] = [
        ("亿元", 8, [.money]), ("万元", 4, [.money]), ("千元", 3, [.money]), ("元", 0, [.money]),
        ("万人", 4, [.count]), ("人", 0, [.count]), ("个", 0, [.count]), ("户", 0, [.count]),
        ("家", 0, [.count]), ("名", 0, [.count]), ("人次", 0, [.count]),
        ("%", 0, [.rate]), ("％", 0, [.rate]),
    ]

    enum KindTag: Sendable { case money, count, rate, number }

    static let lookup: [String: Field] = {
        var d: [String: Field] = [:]
        for f in Field.allCases {
            d[normalize(f.rawValue).name] = f
            for a in f.aliases where d[normalize(a).name] == nil { d[normalize(a).name] = f }
        }
        return d
    }()

    /// The matching key of a header and the unit found at its end.
    /// `" 奖励扶助资金（万元） "` → ("奖励扶助资金", "万元").
    public static func normalize(_ raw: String) -> (name: String, unit: String?) {
        var s = ""
        for u in raw.unicodeScalars {
            switch u {
            case "\u{FEFF}", " ", "\t", "\u{3000}", "\u{00A0}": continue
            case "（", "【", "[", "〔": s.unicodeScalars.append("(")
            case "）", "】", "]", "〕": s.unicodeScalars.append(")")
            case "A"..."Z": s.unicodeScalars.append(Unicode.Scalar(u.value + 32)!)
            case "\u{FF21}"..."\u{FF3A}": s.unicodeScalars.append(Unicode.Scalar(u.value - 0xFF21 + 0x61)!)
            case "\u{FF41}"..."\u{FF5A}": s.unicodeScalars.append(Unicode.Scalar(u.value - 0xFF41 + 0x61)!)
            case "\u{FF3F}": s.unicodeScalars.append("_")
            default: s.unicodeScalars.append(u)
            }
        }
        // A trailing "(unit)"; also "单位:万元" inside it.
        if s.hasSuffix(")"), let open = s.lastIndex(of: "(") {
            var unit = String(s[s.index(after: open)..<s.index(before: s.endIndex)])
            for prefix in ["单位:", "单位：", "单位"] where unit.hasPrefix(prefix) { unit.removeFirst(prefix.count) }
            if units.contains(where: { $0.text == unit }) {
                return (String(s[..<open]), unit)
            }
        }
        return (s, nil)
    }

    /// Binds every header cell; reports duplicates, units that do not fit the column, unknown names.
    public static func bind(_ headers: [String]) -> (columns: [ColumnBinding], issues: [HeaderIssue]) {
        var columns: [ColumnBinding] = []
        var issues: [HeaderIssue] = []
        var seen: [Field: Int] = [:]
        var seenRaw: [String: Int] = [:]
        for (i, raw) in headers.enumerated() {
            let (name, unit) = normalize(raw)
            var field = lookup[name]
            var exponent = 0
            if name.isEmpty {
                issues.append(HeaderIssue(kind: .emptyName, column: i + 1, raw: raw, field: nil, firstColumn: nil))
            }
            if let f = field, let first = seen[f] {
                issues.append(HeaderIssue(kind: .duplicate, column: i + 1, raw: raw, field: f, firstColumn: first))
                field = nil
            } else if field == nil, !name.isEmpty, let first = seenRaw[name] {
                issues.append(HeaderIssue(kind: .duplicate, column: i + 1, raw: raw, field: nil, firstColumn: first))
            }
            if let f = field {
                seen[f] = i + 1
                if let unit, let u = units.first(where: { $0.text == unit }) {
                    let tag: KindTag? = switch f.numberKind {
                    case .money: .money
                    case .count: .count
                    case .rate: .rate
                    case .number: .number
                    case nil: nil
                    }
                    if let tag, u.kinds.contains(tag) {
                        exponent = u.exponent
                    } else {
                        issues.append(HeaderIssue(kind: .unitMismatch, column: i + 1, raw: raw, field: f, firstColumn: nil))
                    }
                }
            } else if !name.isEmpty && seenRaw[name] == nil {
                issues.append(HeaderIssue(kind: .unknownColumn, column: i + 1, raw: raw, field: nil, firstColumn: nil))
            }
            if seenRaw[name] == nil { seenRaw[name] = i + 1 }
            columns.append(ColumnBinding(index: i, raw: raw, field: field, unit: unit, exponent: exponent))
        }
        return (columns, issues)
    }
}
