/// What `veto generate` is asked for.
public struct GeneratorConfig: Sendable {
    public var seed: UInt64
    public var counties: Int
    /// Consecutive years, one file per county and year.
    public var years: ClosedRange<Int>
    /// Townships per county and children (villages and communities) per township, drawn uniformly.
    public var townships: ClosedRange<Int>
    public var villages: ClosedRange<Int>
    public var format: CSVOutputFormat
    public var injections: [Injection]

    public init(seed: UInt64 = 1, counties: Int = 1, years: ClosedRange<Int> = 2016...2025,
                townships: ClosedRange<Int> = 8...20, villages: ClosedRange<Int> = 5...20,
                format: CSVOutputFormat = CSVOutputFormat(), injections: [Injection] = []) {
        self.seed = seed
        self.counties = counties
        self.years = years
        self.townships = townships
        self.villages = villages
        self.format = format
        self.injections = injections
    }

    /// The most counties one run gives distinct codes.
    public static let maxCounties = PlaceNames.maxCounties

    /// Problems with the configuration, in words for a command line; empty when it is usable.
    public var problems: [String] {
        var p: [String] = []
        if counties < 1 || counties > Self.maxCounties { p.append("--counties must be 1…\(Self.maxCounties)") }
        if years.lowerBound < 1901 || years.upperBound > 2200 || years.count > 100 {
            p.append("--years must lie within 1901–2200 and span at most 100 years")
        }
        if townships.lowerBound < 1 || townships.upperBound > 99 { p.append("--townships must lie within 1–99") }
        if villages.lowerBound < 1 || villages.upperBound > 199 { p.append("--villages must lie within 1–199") }
        return p
    }
}

/// A file of a generated county.
public struct GeneratedFile: Sendable {
    public var name: String
    public var bytes: [UInt8]
}

/// One generated county: its files (one per year), the labels of what was planted in it, and
/// the figures for `--describe`.
public struct GeneratedCounty: Sendable {
    public var code: String
    public var name: String
    public var files: [GeneratedFile]
    public var labels: [PlantedLabel]
    /// Cases planted, by pattern.
    public var cases: [Pattern: Int]
    let table: CountyTable
}

/// Generates synthetic counties (see ``CountyBuilder``), plants the requested patterns (see
/// ``Planter``) and writes them (see ``CountyCSV``). Counties are independent: county i of a
/// seed is the same whatever `counties` is, and its genuine figures are the same whatever is
/// injected and however it is written.
public struct Generator: Sendable {
    public let config: GeneratorConfig

    public init(config: GeneratorConfig) throws(GeneratorError) {
        if let first = config.problems.first { throw GeneratorError(description: first) }
        self.config = config
    }

    /// County number `index` (0-based) of the run.
    public func county(_ index: Int) throws(GeneratorError) -> GeneratedCounty {
        let years = Array(config.years)
        let genuine = CountyBuilder.build(seed: config.seed, index: index, years: years,
                                          townships: config.townships, villages: config.villages)
        var planter = Planter(genuine: genuine, money: config.format.money)
        var seen: [Pattern: UInt64] = [:]
        // Stable by pattern order; a pattern given twice gets a second stream.
        let ordered = config.injections.enumerated().sorted { ($0.element.pattern, $0.offset) < ($1.element.pattern, $1.offset) }
        for (_, inj) in ordered {
            let n = seen[inj.pattern, default: 0]
            seen[inj.pattern] = n + 1
            let ordinal = UInt64(Pattern.allCases.firstIndex(of: inj.pattern) ?? 0)
            var rng = SplitMix64.stream(seed: config.seed, UInt64(index), StreamTag.plant, ordinal, n)
            planter.plant(inj, rng: &rng)
        }
        let table = planter.table
        var files: [GeneratedFile] = []
        for y in years.indices {
            files.append(GeneratedFile(name: CountyTable.fileName(code6: table.code6, year: years[y]),
                                       bytes: try CountyCSV.bytes(table, year: y, format: config.format)))
        }
        var cases: [Pattern: Int] = [:]
        for c in planter.cases { cases[c.pattern, default: 0] += 1 }
        return GeneratedCounty(code: table.code6, name: table.units[0].name, files: files,
                               labels: planter.labels(), cases: cases, table: table)
    }

    /// `labels.csv`: UTF-8, LF, the header then one line per label.
    public static func labelsCSV(_ labels: [PlantedLabel]) -> String {
        var out = PlantedLabel.header.joined(separator: ",") + "\n"
        for l in labels { out += l.csvLine + "\n" }
        return out
    }
}
