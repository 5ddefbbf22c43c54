/// A reporting unit of a generated county. Units are kept in pre-order: the county, then each
/// township followed by its communities and villages, which is also the order of the rows in
/// every file.
public struct GeneratedUnit: Sendable {
    public enum Kind: String, Sendable { case county, township, village, community }
    /// 12 digits: `PPCCXX000000` county, `PPCCXXTTT000` township, `PPCCXXTTTVVV` village
    /// (VVV 201…) or community (VVV 001…), as statistical division codes number them.
    public var code: String
    public var name: String
    public var kind: Kind
    public var parent: Int?
    public var children: [Int] = []
}

/// One unit-year's figures in base units: people, yuan, and the rate in hundredths of a percent.
/// A nil cell is written empty ("not reported"): the rate where there were no births, and
/// `villages`/`communities` in a village or community row (they count child rows, and those
/// have none).
struct Figures: Equatable, Sendable {
    private(set) var cells: [Int64?] = Array(repeating: nil, count: Field.allCases.count)

    /// The value, 0 for a cell not reported.
    subscript(_ f: Field) -> Int64 {
        get { cells[f.order] ?? 0 }
        set { cells[f.order] = newValue }
    }

    /// The value as written: nil for "not reported".
    func reported(_ f: Field) -> Int64? { cells[f.order] }

    mutating func set(_ f: Field, _ v: Int64?) { cells[f.order] = v }
}

/// A row of a generated county: a year (index into `years`) and a unit (index into `units`).
/// A restated row is the previous year's row repeated in this year's file (silent revision).
struct RowKey: Hashable, Sendable, Comparable {
    var year: Int
    var unit: Int
    var restated = false

    static func < (a: RowKey, b: RowKey) -> Bool {
        (a.year, a.restated ? 1 : 0, a.unit) < (b.year, b.restated ? 1 : 0, b.unit)
    }
}

struct CellKey: Hashable, Sendable {
    var row: RowKey
    var field: Field
}

/// Every figure of one county over the years, plus what planting added on top of the figures:
/// cells written in the wrong money unit (typo) and restated years (silent revision).
struct CountyTable: Sendable {
    /// The county's 6-digit code, which names its files.
    var code6: String
    var units: [GeneratedUnit]
    var years: [Int]
    /// `rows[y][u]`: year index y, unit index u.
    var rows: [[Figures]]
    /// Whether new entrants of yearly programmes are paid from the month they joined (else the
    /// full year).
    var prorated: Bool
    /// Cells written scaled by 10^scale (a 万/元 slip): the figure stays, the text changes.
    var slips: [CellKey: Int] = [:]
    /// Year index y → year y−1's rows as restated in year y's file (all units are kept so that
    /// sums stay easy; only `restatedUnits[y]` are written, after the year's own rows).
    var restated: [Int: [Figures]] = [:]
    var restatedUnits: [Int: [Int]] = [:]

    /// Columns whose township and county values are the sums of their children's.
    static let additive: [Field] = Field.allCases.filter {
        switch $0.kind {
        case .number(.count), .number(.money): $0 != .villages && $0 != .communities
        default: false
        }
    }

    subscript(_ k: RowKey) -> Figures {
        get { k.restated ? (restated[k.year]?[k.unit] ?? Figures()) : rows[k.year][k.unit] }
        set {
            if k.restated { restated[k.year]?[k.unit] = newValue } else { rows[k.year][k.unit] = newValue }
        }
    }

    /// All rows, in file order: each year's rows, then the rows it restates.
    var allRowKeys: [RowKey] {
        var keys: [RowKey] = []
        for y in years.indices {
            for u in units.indices { keys.append(RowKey(year: y, unit: u)) }
            for u in restatedUnits[y] ?? [] { keys.append(RowKey(year: y, unit: u, restated: true)) }
        }
        return keys
    }

    /// The period a row reports (a restated row reports the year before its file's).
    func period(_ k: RowKey) -> Int { years[k.year] - (k.restated ? 1 : 0) }

    /// The file a row is written to: `<county code>-<year>.csv`.
    func file(_ k: RowKey) -> String { Self.fileName(code6: code6, year: years[k.year]) }

    static func fileName(code6: String, year: Int) -> String { "\(code6)-\(year).csv" }

    /// The row's physical line in its file (1 = header); nil for a restated row not written.
    func line(_ k: RowKey) -> Int? {
        guard k.restated else { return 2 + k.unit }
        return restatedUnits[k.year]?.firstIndex(of: k.unit).map { 2 + units.count + $0 }
    }

    /// Ancestors of a unit, nearest first.
    func ancestors(_ u: Int) -> [Int] {
        var out: [Int] = []
        var p = units[u].parent
        while let q = p {
            out.append(q)
            p = units[q].parent
        }
        return out
    }

    /// The unit and all its descendants.
    func subtree(_ u: Int) -> [Int] {
        var out = [u]
        for c in units[u].children { out += subtree(c) }
        return out
    }

    var townships: [Int] { units.indices.filter { units[$0].kind == .township } }
    var leaves: [Int] { units.indices.filter { units[$0].kind == .village || units[$0].kind == .community } }

    /// The rate in hundredths of a percent, rounded half up; nil without births.
    static func rateBP(multi: Int64, births: Int64) -> Int64? {
        guard births > 0 else { return nil }
        return (multi * 20_000 + births) / (2 * births)
    }

    /// Sets a township or county row from its children: sums of the additive columns, the rate
    /// from the summed counts, and `villages`/`communities` from the child rows (a township
    /// counts its children, a county adds up its townships' counts).
    mutating func aggregate(year y: Int, unit u: Int, restated: Bool = false) {
        let key = RowKey(year: y, unit: u, restated: restated)
        var f = self[key]
        let children = units[u].children
        guard !children.isEmpty else { return }
        let kids = children.map { self[RowKey(year: y, unit: $0, restated: restated)] }
        for field in Self.additive {
            f[field] = kids.reduce(0) { $0 + $1[field] }
        }
        f.set(.multi_outside_policy_rate, Self.rateBP(multi: f[.births_multi_outside_policy], births: f[.births]))
        if units[u].kind == .township {
            f[.villages] = Int64(children.filter { units[$0].kind == .village }.count)
            f[.communities] = Int64(children.filter { units[$0].kind == .community }.count)
        } else {
            f[.villages] = kids.reduce(0) { $0 + $1[.villages] }
            f[.communities] = kids.reduce(0) { $0 + $1[.communities] }
        }
        self[key] = f
    }

    /// Re-aggregates every ancestor of a unit, nearest first.
    mutating func aggregateUp(year y: Int, from u: Int) {
        for a in ancestors(u) { aggregate(year: y, unit: a) }
    }

    /// The value a cell is written with, after any slip: (figure, power of ten it is scaled by).
    func written(_ c: CellKey) -> (value: Int64?, scale: Int) {
        (self[c.row].reported(c.field), slips[c] ?? 0)
    }
}
