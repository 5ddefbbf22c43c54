/// What a declared column holds (SPEC.md §1a). Decides how its cells are read and compared.
public enum ColumnType: Sendable, Equatable, CustomStringConvertible {
    /// People or things: whole, ≥ 0; a count written to the unit is exact.
    case count
    /// Yuan: signed, any decimals; a figure stands for ±½ of its last written digit.
    case money
    /// Percent; `2.49` and `2.49%` are the same.
    case rate
    /// Any signed figure with any decimals (`1e+05` accepted); written digits exact unless the
    /// column says `exact: false`.
    case number
    /// A statistical division code (12 digits; 6 and 9 right-padded): gives the hierarchy.
    case code
    /// A reporting period (`2020`, `2020H1`, `2020Q3`, `2020-06`): gives `prev.`.
    case period
    case text
    /// One of a fixed list of values.
    case category([String])

    public init?(name: String, values: [String] = []) {
        switch name {
        case "count": self = .count
        case "money": self = .money
        case "rate": self = .rate
        case "number": self = .number
        case "code": self = .code
        case "period": self = .period
        case "text": self = .text
        case "category": self = .category(values)
        default: return nil
        }
    }

    public static let names = ["count", "money", "rate", "number", "code", "period", "text", "category"]

    public var description: String {
        switch self {
        case .count: "count"
        case .money: "money"
        case .rate: "rate"
        case .number: "number"
        case .code: "code"
        case .period: "period"
        case .text: "text"
        case .category: "category"
        }
    }

    /// How a numeric column's cells are parsed; nil for codes, periods, text and categories.
    public var numberKind: ColumnKind? {
        switch self {
        case .count: .count
        case .money: .money
        case .rate: .rate
        case .number: .number
        default: nil
        }
    }
}

/// A column as a rule file or pack declares it: its name, the headers that mean it, what it
/// holds and what the engine may assume about it. Nothing about a column lives in Swift code.
public struct ColumnSpec: Sendable {
    /// Canonical name (what `veto normalize` writes and rules use).
    public var name: String
    /// Other header names (Chinese, English) matched after folding case, spaces and brackets.
    public var aliases: [String]
    public var type: ColumnType
    /// Summed up the hierarchy (a parent's figure is the sum of its children's).
    public var additive: Bool
    /// A figure whose excess is money or beneficiaries: an unexplained failure that can only
    /// be fixed by lowering it is put at `veto`.
    public var inflates: Bool
    /// Reliability for breaking ties in error localisation: higher is more reliable.
    public var weight: Double
    /// Written digits are exact (no ±½ unit interval).
    public var exact: Bool
    /// Plain-language names for messages.
    public var label: Message?
    /// Where it was declared (file:line), for errors and lint.
    public var origin: String

    public init(name: String, aliases: [String] = [], type: ColumnType, additive: Bool = false, inflates: Bool = false,
                weight: Double = 1, exact: Bool? = nil, label: Message? = nil, origin: String = "") {
        self.name = name
        self.aliases = aliases
        self.type = type
        self.additive = additive
        self.inflates = inflates
        self.weight = weight
        // A `number` is a measurement: its digits are exact unless said otherwise (as R
        // `validate` compares them); reported money and rates carry their precision.
        self.exact = exact ?? (type == .number)
        self.label = label
        self.origin = origin
    }

    public var numberKind: ColumnKind? { type.numberKind }
    public var isNumeric: Bool { numberKind != nil }
}

/// A programme with a per-person standard (`std(reward)`), declared by a pack or rule file.
public struct ProgrammeSpec: Sendable, Equatable {
    public var name: String
    public var aliases: [String]
    public init(name: String, aliases: [String] = []) {
        self.name = name
        self.aliases = aliases
    }
}

/// A detector target (issue 9): a rate column and the side of a threshold that is "good".
/// A target a rate is held to, for the threshold-bunching detector: the good side is `below`
/// (strictly) or `at_most` the bound, or `above` (strictly) or `at_least` it.
public struct TargetSpec: Sendable, Equatable {
    public var column: String
    public var below: ExactDecimal?
    public var above: ExactDecimal?
    public var atMost: ExactDecimal?
    public var atLeast: ExactDecimal?

    public init(column: String, below: ExactDecimal? = nil, above: ExactDecimal? = nil,
                atMost: ExactDecimal? = nil, atLeast: ExactDecimal? = nil) {
        self.column = column
        self.below = below
        self.above = above
        self.atMost = atMost
        self.atLeast = atLeast
    }

    /// The bound, whether the good side is under it, and whether the bound itself is good.
    public var bound: (value: ExactDecimal, under: Bool, inclusive: Bool)? {
        if let b = below { return (b, true, false) }
        if let b = atMost { return (b, true, true) }
        if let b = above { return (b, false, false) }
        if let b = atLeast { return (b, false, true) }
        return nil
    }
}

/// The columns a run knows: the pack's and the user's, in declaration order, with a lookup by
/// every name and alias (folded as headers are). Row identity is `key`.
public struct Schema: Sendable {
    public private(set) var columns: [ColumnSpec] = []
    private var lookup: [String: Int] = [:]
    /// Row identity as declared (`key:`); nil: `unit_code` + `period` where the input has them,
    /// else the line.
    public var key: [String]?
    public private(set) var programmes: [ProgrammeSpec] = []
    public var targets: [TargetSpec] = []
    /// Forensic detectors switched on for these columns (a pack's or rule file's `detectors:`).
    public var detectors: [DetectorSpec] = []

    public init() {}

    /// The folded matching key of a name (the same folding as headers).
    public static func fold(_ name: String) -> String { HeaderMatcher.normalize(name).name }

    /// Declares a column. Re-declaring a known name replaces its attributes (a user's rule file
    /// may refine the pack's column); an alias that already means another column is an error.
    public mutating func declare(_ c: ColumnSpec) throws(SchemaError) {
        let key = Self.fold(c.name)
        guard !key.isEmpty else { throw SchemaError(message: "a column needs a non-empty name") }
        if let i = lookup[key] {
            guard columns[i].name == c.name || Self.fold(columns[i].name) == key else {
                throw SchemaError(message: "column `\(c.name)` is already an alias of `\(columns[i].name)`")
            }
            var merged = c
            merged.aliases = columns[i].aliases + c.aliases.filter { !columns[i].aliases.contains($0) }
            columns[i] = merged
            for a in c.aliases { try bindAlias(a, to: i) }
            return
        }
        let i = columns.count
        columns.append(c)
        lookup[key] = i
        for a in c.aliases { try bindAlias(a, to: i) }
    }

    private mutating func bindAlias(_ a: String, to i: Int) throws(SchemaError) {
        let k = Self.fold(a)
        guard !k.isEmpty else { return }
        if let j = lookup[k], j != i {
            throw SchemaError(message: "alias `\(a)` of `\(columns[i].name)` already means `\(columns[j].name)`")
        }
        lookup[k] = i
    }

    public mutating func declare(_ p: ProgrammeSpec) {
        if let i = programmes.firstIndex(where: { $0.name == p.name }) {
            programmes[i].aliases += p.aliases.filter { !programmes[i].aliases.contains($0) }
        } else {
            programmes.append(p)
        }
    }

    /// Index of the column a name or alias means.
    public func index(of name: String) -> Int? { lookup[Self.fold(name)] }

    public func column(_ name: String) -> ColumnSpec? { index(of: name).map { columns[$0] } }

    /// The programme a name means (its name or an alias, case-insensitively for Latin names).
    public func programme(_ name: String) -> Int? {
        let n = name.trimmingSpaces
        return programmes.firstIndex { $0.name == n || $0.name == n.lowercased() || $0.aliases.contains(n) }
    }

    /// Merges another schema's declarations into this one (a user file on top of the pack).
    public mutating func merge(_ other: Schema) throws(SchemaError) {
        for c in other.columns { try declare(c) }
        for p in other.programmes { declare(p) }
        if let k = other.key { key = k }
        targets += other.targets
        for d in other.detectors where !detectors.contains(d) { detectors.append(d) }
    }

    /// Closest known names, for "did you mean" in errors.
    public func suggestion(for name: String) -> String {
        let lower = name.lowercased()
        var best = "", distance = Int.max
        for c in columns {
            let d = ExprParser.editDistance(c.name.lowercased(), lower)
            if d < distance { (best, distance) = (c.name, d) }
        }
        guard distance <= 3 else { return "" }
        return "; did you mean `\(best)`?"
    }
}

public struct SchemaError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
