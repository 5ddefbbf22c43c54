import VetoCSV

/// One per-person standard (SPEC.md §3).
public struct Standard: Sendable, Equatable {
    /// A programme the rules declare (`programmes:`), by name.
    public var programme: String
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
    /// A user's standard always wins over an example.
    public var example: Bool
    /// Line in the file it was read from.
    public var line: Int?

    public init(programme: String, perYear: ExactDecimal, fromYear: Int, toYear: Int?, region: String, oneOff: Bool,
                minAge: Int?, source: String, example: Bool) {
        self.programme = programme
        self.perYear = perYear
        self.fromYear = fromYear
        self.toYear = toYear
        self.region = region
        self.oneOff = oneOff
        self.minAge = minAge
        self.source = source
        self.example = example
    }

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

/// Standards matched on programme, period range and region prefix. A user's table always wins
/// over the shipped examples: examples are looked at only where no user standard matches. Among
/// matches, the longest region prefix wins, then the latest `from`.
public struct StandardsTable: Sendable {
    public var standards: [Standard]

    public init(_ standards: [Standard] = []) { self.standards = standards }

    public func lookup(_ p: String, period: Period, unit: UnitCode?) -> Standard? {
        lookup(p, period: period, code: unit?.code ?? "")
    }

    public func lookup(_ p: String, period: Period, code: String) -> Standard? {
        var best: Standard?
        for s in standards where s.programme == p && s.fromYear <= period.year && (s.toYear ?? .max) >= period.year
            && code.hasPrefix(s.region) {
            guard let b = best else { best = s; continue }
            if (s.example ? 0 : 1, s.region.count, s.fromYear) > (b.example ? 0 : 1, b.region.count, b.fromYear) { best = s }
        }
        return best
    }

    /// Errors a table of one origin must not have: two entries for the same programme and region
    /// whose periods overlap (which one applies would be a guess).
    ///
    /// Each entry that overlaps an entry starting no later than it is paired with one such
    /// entry (the earlier in the table first); pairs come in table order of their later entry.
    /// Sorted by start within each programme and region, so a table of the 4 MiB the loaders
    /// accept (some 100,000 entries) is checked at once, not in 10¹⁰ comparisons.
    ///
    /// - Complexity: O(n log n).
    public func overlaps() -> [(Standard, Standard)] {
        struct Group: Hashable { var programme: String, region: String, example: Bool }
        var groups: [Group: [Int]] = [:]
        for (i, s) in standards.enumerated() {
            groups[Group(programme: s.programme, region: s.region, example: s.example), default: []].append(i)
        }
        var pairs: [(Int, Int)] = []
        for (_, members) in groups where members.count > 1 {
            let sorted = members.sorted { (standards[$0].fromYear, $0) < (standards[$1].fromYear, $1) }
            var reach = sorted[0]   // of those seen, the one that ends last
            for j in sorted.dropFirst() {
                let end = standards[reach].toYear ?? .max
                if standards[j].fromYear <= end { pairs.append((min(reach, j), max(reach, j))) }
                if (standards[j].toYear ?? .max) > end { reach = j }
            }
        }
        pairs.sort { ($0.1, $0.0) < ($1.1, $1.0) }
        return pairs.map { (standards[$0.0], standards[$0.1]) }
    }

    /// The examples the pack ships: they match the domain report (reward 556 × 960 =
    /// 533,760; sskf 68 × 3,000 = 204,000). Special support and the long-term contraception
    /// reward are left out on purpose: the report does not pin them down.
    public static let examples = StandardsTable([
        Standard(programme: "reward", perYear: ExactDecimal(integer: 960), fromYear: 2012, toYear: nil, region: "",
                 oneOff: false, minAge: 60, source: "example: matches the domain report (556 persons, 53.376万元)", example: true),
        Standard(programme: "sskf", perYear: ExactDecimal(integer: 3000), fromYear: 2012, toYear: nil, region: "",
                 oneOff: true, minAge: nil, source: "example: matches the domain report (68 families, 20.4万元)", example: true),
    ])
}

/// An error in a standards table, located.
public struct StandardsError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var message: String
    public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(message)" }
    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }
}

extension StandardsTable {
    /// Reads a standards table from CSV (columns `programme, per_year, from_period, to_period,
    /// region, one_off, min_age, source`; Chinese headers 项目, 标准, 起始, 截止, 地区, 一次性,
    /// 年龄, 来源 are accepted) or YAML (a list of mappings with the same keys).
    /// `programmes`: the names the rules declare (nil: any name is accepted).
    public static func load(path: String, programmes: [ProgrammeSpec]? = nil) throws -> StandardsTable {
        if path.hasSuffix(".yml") || path.hasSuffix(".yaml") {
            return try parse(yaml: try RuleFile.readText(path), file: path, programmes: programmes)
        }
        let bytes: [UInt8]
        do {
            bytes = try ByteFile.readAll(path, limit: RuleFile.maxBytes)
        } catch {
            throw StandardsError(file: path, line: nil, message: "cannot read: \(error.reason)")
        }
        return try parse(csv: bytes, file: path, programmes: programmes)
    }

    /// A standards table from YAML text, checked as ``load(path:programmes:)`` checks a file.
    public static func parse(yaml text: String, file: String, programmes: [ProgrammeSpec]? = nil) throws -> StandardsTable {
        try checked(parseYAML(text, file: file), file: file, programmes: programmes)
    }

    /// A standards table from CSV bytes, checked as ``load(path:programmes:)`` checks a file.
    public static func parse(csv bytes: [UInt8], file: String, programmes: [ProgrammeSpec]? = nil) throws -> StandardsTable {
        try checked(parseCSV(bytes, file: file), file: file, programmes: programmes)
    }

    /// Programme names resolved against the rules' (nil: any name is accepted), and no overlap.
    static func checked(_ table: StandardsTable, file: String, programmes: [ProgrammeSpec]?) throws -> StandardsTable {
        var table = table
        if let programmes {
            for i in table.standards.indices {
                let name = table.standards[i].programme
                guard let p = programmes.first(where: { $0.name == name || $0.aliases.contains(name) }) else {
                    throw StandardsError(file: file, line: table.standards[i].line,
                                         message: "unknown programme `\(Safety.echo(name))`; the rules declare \(programmes.map(\.name).joined(separator: ", "))")
                }
                table.standards[i].programme = p.name
            }
        }
        if let (a, b) = table.overlaps().first {
            throw StandardsError(file: file, line: b.line,
                                 message: "two standards for \(Safety.echo(a.programme))\(a.region.isEmpty ? "" : " in region \(Safety.echo(a.region))") overlap in time (lines \(a.line ?? 0) and \(b.line ?? 0)): which one applies would be a guess")
        }
        return table
    }

    static func parseCSV(_ bytes: [UInt8], file path: String) throws -> StandardsTable {
        var rows: [(line: Int, fields: [String])] = []
        var findings: [CSVFinding] = []
        let reader = CSVReader(options: CSVReaderOptions(), onRecord: { rows.append(($0.line, $0.strings)) },
                               onFinding: { findings.append($0) })
        bytes.withUnsafeBytes { reader.feed($0) }
        _ = reader.finish()
        if let f = findings.first(where: { $0.problem != .headerOnly }) {
            throw StandardsError(file: path, line: f.line, message: Safety.echo(f.detail, limit: 200))
        }
        guard let header = rows.first else { throw StandardsError(file: path, line: nil, message: "empty standards table") }
        let keys = header.fields.map(Self.key)
        var out: [Standard] = []
        for r in rows.dropFirst() {
            var d: [String: String] = [:]
            for (k, v) in zip(keys, r.fields) { d[k] = v }
            out.append(try standard(d, file: path, line: r.line))   // the physical line, as the reader counts it
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
        guard let p = d["programme"]?.trimmingSpaces, !p.isEmpty else {
            throw fail("a standard needs a `programme`")
        }
        guard let amount = d["per_year"], case .number(let n) = NumberParser.parse(amount, kind: .money) else {
            throw fail("per_year `\(Safety.echo(d["per_year"] ?? ""))` is not an amount")
        }
        guard n.mantissa >= 0 else { throw fail("per_year \(Safety.echo(amount)) is negative") }
        guard Fixed.scaled(ExactDecimal(n)) != nil else {
            throw fail("per_year \(Safety.echo(amount)) has more than 12 decimals or is too large to compute with exactly")
        }
        guard let fromText = d["from_period"], let from = Period.parse(fromText) else {
            throw fail("from_period `\(Safety.echo(d["from_period"] ?? ""))` is not a period")
        }
        var to: Int?
        if let t = d["to_period"], !t.trimmingSpaces.isEmpty {
            guard let tp = Period.parse(t) else { throw fail("to_period `\(Safety.echo(t))` is not a period") }
            to = tp.year
            guard tp.year >= from.year else { throw fail("to_period \(Safety.echo(t)) is before from_period \(Safety.echo(fromText))") }
        }
        let region = (d["region"] ?? "").trimmingSpaces
        guard region.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw fail("region `\(Safety.echo(region))` is not a code prefix") }
        let oneOffText = (d["one_off"] ?? "").trimmingSpaces.lowercased()
        let oneOff: Bool
        switch oneOffText {
        case "true", "yes", "1", "是", "y": oneOff = true
        case "false", "no", "0", "否", "n", "": oneOff = false
        default: throw fail("one_off `\(Safety.echo(oneOffText))` is not true/false")
        }
        var minAge: Int?
        if let a = d["min_age"]?.trimmingSpaces, !a.isEmpty {
            guard let v = Int(a) else { throw fail("min_age `\(Safety.echo(a))` is not a whole number") }
            minAge = v
        }
        var s = Standard(programme: Programme.canonical(p), perYear: ExactDecimal(n), fromYear: from.year, toYear: to, region: region,
                         oneOff: oneOff, minAge: minAge, source: d["source"] ?? "", example: false)
        s.line = line
        return s
    }
}

/// Programme names as written in standards tables.
enum Programme {
    /// Lower-cases Latin names (`Reward` → `reward`); other names are kept as written and resolved
    /// against the rules' `programmes:` by name or alias.
    static func canonical(_ s: String) -> String {
        s.unicodeScalars.allSatisfy(\.isASCII) ? s.lowercased() : s
    }
}
