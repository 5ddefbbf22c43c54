import VetoCSV

/// One per-person standard (SPEC.md §3).
public struct Standard: Sendable, Equatable {
    public var programme: Programme
    /// Yuan per person per year, or per person once for a one-off programme.
    public var perYear: ExactDecimal
    public var fromYear: Int
    public var toYear: Int?
    /// A unit-code prefix ("62" a province, "623021" a county); empty for everywhere.
    public var region: String
    public var oneOff: Bool
    public var minAge: Int?
    /// Where the figure comes from.
    public var source: String
    /// True for the shipped examples: figures that match the domain report, not an official table.
    public var example: Bool

    /// The amount for one person in `period`: a year's standard, a share of it for a
    /// half, quarter or month; a one-off amount whatever the period.
    public func amount(for period: Period) -> ExactDecimal {
        guard !oneOff else { return perYear }
        let parts: Int = switch period.part {
        case .year: 1
        case .half: 2
        case .quarter: 4
        case .month: 12
        }
        if parts == 1 { return perYear }
        return perYear.divided(by: ExactDecimal(integer: parts), digits: 2) ?? perYear
    }
}

/// Standards matched on programme, period range and region prefix (the longest prefix wins;
/// among equals, the latest `from`).
public struct StandardsTable: Sendable {
    public var standards: [Standard]

    public init(_ standards: [Standard] = []) { self.standards = standards }

    public func lookup(_ p: Programme, period: Period, unit: UnitCode?) -> Standard? {
        let code = unit?.code ?? ""
        return standards
            .filter { $0.programme == p && $0.fromYear <= period.year && ($0.toYear ?? .max) >= period.year
                && code.hasPrefix($0.region) }
            .max { ($0.region.count, $0.fromYear) < ($1.region.count, $1.fromYear) }
    }

    /// The examples the pack ships: they match the domain report (reward 556 × 960 =
    /// 533,760; sskf 68 × 3,000 = 204,000). Special support and the long-term contraception
    /// reward are left out on purpose: the report does not pin them down.
    public static let examples = StandardsTable([
        Standard(programme: .reward, perYear: ExactDecimal(integer: 960), fromYear: 2012, toYear: nil, region: "",
                 oneOff: false, minAge: 60, source: "example: matches the domain report (556 persons, 53.376万元)", example: true),
        Standard(programme: .sskf, perYear: ExactDecimal(integer: 3000), fromYear: 2012, toYear: nil, region: "",
                 oneOff: true, minAge: nil, source: "example: matches the domain report (68 families, 20.4万元)", example: true),
    ])
}

/// An error in a standards table, located.
public struct StandardsError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var message: String
    public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(message)" }
}

extension StandardsTable {
    /// Reads a standards table from CSV (columns `programme, per_year, from_period, to_period,
    /// region, one_off, min_age, source`; Chinese headers 项目, 标准, 起始, 截止, 地区, 一次性,
    /// 年龄, 来源 are accepted) or YAML (a list of mappings with the same keys).
    public static func load(path: String) throws -> StandardsTable {
        if path.hasSuffix(".yml") || path.hasSuffix(".yaml") {
            return try loadYAML(path: path)
        }
        var rows: [[String]] = []
        var findings: [CSVFinding] = []
        let summary = try CSVReader.read(path: path, onRecord: { rows.append($0.strings) }, onFinding: { findings.append($0) })
        _ = summary
        if let f = findings.first(where: { $0.problem != .headerOnly }) {
            throw StandardsError(file: path, line: f.line, message: f.detail)
        }
        guard let header = rows.first else { throw StandardsError(file: path, line: nil, message: "empty standards table") }
        let keys = header.map(Self.key)
        var out: [Standard] = []
        for (i, r) in rows.dropFirst().enumerated() {
            var d: [String: String] = [:]
            for (k, v) in zip(keys, r) { d[k] = v }
            out.append(try standard(d, file: path, line: i + 2))
        }
        return StandardsTable(out)
    }

    static func key(_ h: String) -> String {
        let n = HeaderMatcher.normalize(h).name
        let map = ["项目": "programme", "标准": "per_year", "每人每年": "per_year", "起始": "from_period",
                   "截止": "to_period", "地区": "region", "一次性": "one_off", "年龄": "min_age", "来源": "source"]
        return map[n] ?? n
    }

    static func standard(_ d: [String: String], file: String, line: Int?) throws -> Standard {
        func fail(_ m: String) -> StandardsError { StandardsError(file: file, line: line, message: m) }
        guard let ps = d["programme"], let p = Programme(name: ps) else {
            throw fail("unknown programme `\(d["programme"] ?? "")`; one of \(Programme.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let amount = d["per_year"], case .number(let n) = NumberParser.parse(amount, kind: .money) else {
            throw fail("per_year `\(d["per_year"] ?? "")` is not an amount")
        }
        guard let fromText = d["from_period"], let from = Period.parse(fromText) else {
            throw fail("from_period `\(d["from_period"] ?? "")` is not a period")
        }
        var to: Int?
        if let t = d["to_period"], !t.trimmingSpaces.isEmpty {
            guard let tp = Period.parse(t) else { throw fail("to_period `\(t)` is not a period") }
            to = tp.year
        }
        let region = (d["region"] ?? "").trimmingSpaces
        guard region.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw fail("region `\(region)` is not a code prefix") }
        let oneOffText = (d["one_off"] ?? "").trimmingSpaces.lowercased()
        let oneOff: Bool
        switch oneOffText {
        case "true", "yes", "1", "是", "y": oneOff = true
        case "false", "no", "0", "否", "n", "": oneOff = false
        default: throw fail("one_off `\(oneOffText)` is not true/false")
        }
        var minAge: Int?
        if let a = d["min_age"]?.trimmingSpaces, !a.isEmpty {
            guard let v = Int(a) else { throw fail("min_age `\(a)` is not a whole number") }
            minAge = v
        }
        return Standard(programme: p, perYear: ExactDecimal(n), fromYear: from.year, toYear: to, region: region,
                        oneOff: oneOff, minAge: minAge, source: d["source"] ?? "", example: (d["source"] ?? "").hasPrefix("example"))
    }
}
