import ArgumentParser
import Veto
#if canImport(Glibc)
import Glibc
#endif

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",   // named, not derived from the type: that costs a runtime type lookup at every start
        abstract: "Write synthetic counties, optionally with planted and labelled fabrication.",
        discussion: """
        Writes one CSV per county and year, OUT/<county code>-<year>.csv (e.g. 620121-2020.csv): the county row, then each township followed by its communities and villages, with every canonical column of the report table. Townships and the county are exact sums of their children; prev = last year's total; funds follow example standards (reward 960 yuan a year, special support 7,200 disabled / 9,120 death a year, sskf 3,000 and ltc reward 500 one-off); each county pays new entrants of yearly programmes either the full year or from the month they joined. The same --seed writes the same bytes.

        OUT/labels.csv lists every cell a planted case changed: file, line, unit_code, period, pattern, field, case, role (planted, carried, sum) deserves (the verdict a checker should reach) and original (the genuine value). It holds only its header when nothing is injected. OUT/standards.yml holds the example standards the counties were paid by (veto check --standards OUT/standards.yml).

        --inject NAME[:RATE] is repeatable; NAME is a pattern below, 'all' (every pattern but the careful ones) or 'careful' (every careful one). RATE is a whole number of cases per county (3) or a probability per candidate, written with a point (0.02). Without RATE each pattern plants its default number per county.

        \(Pattern.standard.map(Self.describe).joined(separator: "\n\n"))

        Careful variants keep every identity, sum and period link (boys + girls = births, prev + added − exited = total, prev = last year's total, funds = count × standard, township = sum of its villages, county = sum of its townships), so no rule of the family-welfare pack fails on them and only the forensic detectors can find them. Each is planted only where it leaves a real signal, as said below; a county with no such place gets no case. labels.csv names every cell they changed, under the careful pattern's name: a township-wide case is found at its township, the others at their village and period.

        \(Pattern.careful.map(Self.describe).joined(separator: "\n\n"))

        Exit codes: 0 written; 1 a file could not be written; 2 usage error.
        """)

    static func describe(_ p: Pattern) -> String {
        "\(p.rawValue) (\(p.defaultAmount), deserves \(p.deserves)): \(p.summary)."
    }

    @Option(help: "Seed of the run (0…2^64−1).")
    var seed: UInt64 = 1

    @Option(help: "Number of counties.")
    var counties: Int = 1

    @Option(help: ArgumentHelp("Years, consecutive: 2016-2025, or one year.", valueName: "FIRST-LAST"))
    var years: String = "2016-2025"

    @Option(help: "Directory to write into (created if missing). Optional with --describe.")
    var out: String?

    @Option(help: ArgumentHelp("Header names: zh (Chinese aliases) or en (canonical).", valueName: "zh|en"))
    var headers: String = "zh"

    @Option(help: ArgumentHelp("File encoding.", valueName: "utf-8|utf-8-bom|gb18030"))
    var encoding: String = "utf-8"

    @Option(help: ArgumentHelp("Money columns in whole yuan, or in 万元 with four decimals.", valueName: "yuan|wan"))
    var money: String = "yuan"

    @Option(name: .customLong("line-ending"), help: ArgumentHelp("Line ends.", valueName: "lf|crlf"))
    var lineEnding: String = "lf"

    @Option(help: ArgumentHelp("Plant a pattern (repeatable); see above.", valueName: "NAME[:RATE]"))
    var inject: [String] = []

    @Option(help: ArgumentHelp("Townships per county, drawn uniformly.", valueName: "MIN-MAX"))
    var townships: String = "8-20"

    @Option(help: ArgumentHelp("Villages and communities per township, drawn uniformly.", valueName: "MIN-MAX"))
    var villages: String = "5-20"

    @Flag(help: "Print the distributions of the generated figures (births per 1,000, sex ratio, exit rates…).")
    var describe = false

    func validate() throws {
        _ = try config()
        if out == nil && !describe { throw ValidationError("give --out DIR (or --describe to only look at the figures)") }
    }

    /// The library's configuration from the options; every problem is a usage error.
    func config() throws -> GeneratorConfig {
        guard let h = CSVOutputFormat.Headers(rawValue: headers) else { throw ValidationError("--headers must be zh or en") }
        guard let e = CSVOutputFormat.Encoding(rawValue: encoding.lowercased()) else {
            throw ValidationError("--encoding must be utf-8, utf-8-bom or gb18030")
        }
        guard let m = MoneyUnit(rawValue: money) else { throw ValidationError("--money must be yuan or wan") }
        guard let l = CSVOutputFormat.LineEnding(rawValue: lineEnding) else { throw ValidationError("--line-ending must be lf or crlf") }
        var injections: [Injection] = []
        for i in inject {
            do { injections += try Injection.parse(i) } catch { throw ValidationError("--inject: \(error.description)") }
        }
        let c = GeneratorConfig(seed: seed, counties: counties, years: try Self.range(years, "--years"),
                                townships: try Self.range(townships, "--townships"),
                                villages: try Self.range(villages, "--villages"),
                                format: CSVOutputFormat(headers: h, encoding: e, money: m, lineEnding: l),
                                injections: injections)
        if let p = c.problems.first { throw ValidationError(p) }
        return c
    }

    /// `2016-2025` or `2020`.
    static func range(_ s: String, _ option: String) throws -> ClosedRange<Int> {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 1, let a = Int(parts[0]) { return a...a }
        if parts.count == 2, let a = Int(parts[0]), let b = Int(parts[1]), a <= b { return a...b }
        throw ValidationError("\(option) must be FIRST-LAST with FIRST ≤ LAST, or one number; got '\(s)'")
    }

    func run() throws {
        let generator = try Generator(config: config())
        var summary = GenerationSummary(config: generator.config)
        var files = 0, cases = 0
        // labels.csv is written county by county: a large run never holds all its labels.
        var labels: Int32?
        if let out {
            try makeDirectories(out)
            let fd = try openForWriting(join(out, "labels.csv"))
            labels = fd
            try writeAll(fd, Array(Generator.labelsCSV([]).utf8), path: "labels.csv")
            // The standards the counties were paid by, for `veto check --standards`.
            let sfd = try openForWriting(join(out, "standards.yml"))
            defer { close(sfd) }
            try writeAll(sfd, Array(ExampleStandards.yaml.utf8), path: "standards.yml")
        }
        defer { if let labels { close(labels) } }
        for i in 0..<generator.config.counties {
            let county = try generator.county(i)
            if let out, let labels {
                for f in county.files {
                    let path = join(out, f.name)
                    let fd = try openForWriting(path)
                    defer { close(fd) }
                    try writeAll(fd, f.bytes, path: path)
                    files += 1
                }
                let lines = county.labels.map { $0.csvLine + "\n" }.joined()
                try writeAll(labels, Array(lines.utf8), path: "labels.csv")
            }
            cases += county.cases.values.reduce(0, +)
            if describe { summary.add(county) }
        }
        if let out {
            FileHandleOut.stderr("veto generate: wrote \(files) files, standards.yml and labels.csv (\(cases) planted case\(cases == 1 ? "" : "s")) to \(out)\n")
        }
        if describe { FileHandleOut.stdout(summary.render()) }
    }

    private func join(_ dir: String, _ name: String) -> String { dir.hasSuffix("/") ? dir + name : dir + "/" + name }

    /// `mkdir -p`.
    private func makeDirectories(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                FileHandleOut.stderr("veto generate: cannot create \(prefix): \(String(cString: strerror(errno)))\n")
                throw ExitCode(1)
            }
            prefix += "/"
        }
    }

    private func openForWriting(_ path: String) throws -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else {
            FileHandleOut.stderr("veto generate: cannot write \(path): \(String(cString: strerror(errno)))\n")
            throw ExitCode(1)
        }
        return fd
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        let ok = bytes.withUnsafeBytes { b -> Bool in
            guard let base = b.baseAddress else { return true }
            var off = 0
            while off < b.count {
                let n = Glibc.write(fd, base + off, b.count - off)
                if n < 0 { if errno == EINTR { continue }; return false }
                off += n
            }
            return true
        }
        if !ok {
            FileHandleOut.stderr("veto generate: cannot write \(path): \(String(cString: strerror(errno)))\n")
            throw ExitCode(1)
        }
    }
}
