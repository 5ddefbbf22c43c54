import ArgumentParser
import Veto
#if canImport(Glibc)
import Glibc
#endif

struct Scan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",   // named, not derived from the type: that costs a runtime type lookup at every start
        abstract: "Screen report tables for fabrication: the forensic detectors only, units ranked by combined evidence.",
        discussion: """
        Runs the detectors the rule set declares (the pack's detectors: section, plus a rule
        file's) without the consistency rules: zeros where the exposure makes none improbable,
        counts too smooth, sex ratios too regular, copied and frozen rows, rates bunched under a
        target, digits and round numbers, period outliers, amounts that do not fit the implied
        standard. Every test of the run is corrected for multiplicity (Benjamini–Hochberg, each
        detector family an equal share; Benjamini–Yekutieli for veto); a unit is review on
        moderate evidence and veto only on strong evidence from two independent families with
        large effects. Statistical anomalies to verify, not proof. Output formats and exit codes
        are those of check.
        """)

    @Argument(help: "Report table CSV files ('-' for standard input).")
    var files: [String]

    @OptionGroup var input: InputOptions
    @OptionGroup var ruleOptions: RuleOptions

    @Option(name: .long, help: "Output format.")
    var format: OutputFormat = .text

    @Option(name: [.short, .long], help: "Write the report to this file instead of standard output.")
    var output: String?

    @Option(name: .long, help: "Exit 1 when a finding is at or above this severity: veto, fail, review, never.")
    var failOn: FailOn = .fail

    @Option(name: .long, help: "How many units the text report ranks (the first 1,000 with their strongest tests' words).")
    var top: Int = 20

    @Option(name: .long, help: "A progress bar on standard error: auto (when it is a terminal), always, never.")
    var progress: ProgressMode = .auto

    func validate() throws {
        if files.isEmpty { throw ValidationError("no input file given") }
        if files.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input ('-') can be read only once") }
        if top < 1 { throw ValidationError("--top must be at least 1, got \(top)") }
        if let output {
            do throws(OutputError) {
                try Sink.refuseInputs(output, files + [ruleOptions.rules, ruleOptions.standards].compactMap { $0 })
            } catch {
                throw ValidationError(error.description)
            }
        }
    }

    func run() throws {
        var options = CheckOptions()
        let (set, standards) = try ruleOptions.load()
        // The rule set's columns, targets and detectors, without its rules.
        options.rules = RuleSet(rules: [], standards: set.standards, name: set.name, description: set.description, schema: set.schema)
        options.standards = standards
        options.reader = input.readerOptions
        let bar = ProgressBar(mode: progress, inputs: files)
        if let bar { options.reader.progress = { bar.update(bytes: $0, records: $1) } }
        let checker = Checker(options: options)
        for f in files { checker.add(path: f) }
        var result = checker.finish()
        bar?.finish()
        // Detectors first, the strongest evidence first; input findings after them.
        let rank = Dictionary(result.evidence.enumerated().map { ($1.unitCode + "@" + ($1.period ?? ""), $0) }, uniquingKeysWith: min)
        func order(_ f: Finding) -> Int {
            if f.kind != .detector { return Int.max }
            return rank[(f.unitCode ?? "") + "@" + (f.period ?? "")] ?? rank[(f.unitCode ?? "") + "@"] ?? Int.max - 1
        }
        let indexed = result.findings.enumerated().map { (order($1), -$1.severity.rawValue, $0, $1) }
        result.findings = indexed.sorted { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }.map(\.3)
        let lang = input.language
        let protected = files + [ruleOptions.rules, ruleOptions.standards].compactMap { $0 }
        switch format {
        case .json:
            try Output(path: output, inputs: protected).stream { emit in JSONReport.write(result, lang: lang, to: emit) }
        case .text:
            let tty = output == nil && isatty(STDOUT_FILENO) != 0 && getenv("NO_COLOR") == nil
            try Output(path: output, inputs: protected).write(ScanReport.render(result, lang: lang, top: top, color: tty))
        case .sarif:
            try Output(path: output, inputs: protected).write(SARIFReport.render(result, rules: options.rules, standards: options.standards,
                                                                                lang: lang, toolVersion: VetoCommand.configuration.version))
        case .junit:
            try Output(path: output, inputs: protected).write(JUnitReport.render(result, lang: lang, failAt: failOn.threshold))
        case .html:
            try Output(path: output, inputs: protected).write(HTMLReport.render(result, lang: lang))
        case .csv:
            try Output(path: output, inputs: protected).write(CSVReport.render(result, lang: lang))
        }
        for e in result.unreadable {
            FileHandleOut.stderr("veto: cannot read \(e.description)\n")
        }
        if !result.unreadable.isEmpty { throw ExitCode(3) }
        if let t = failOn.threshold, let worst = result.worst, worst >= t { throw ExitCode(1) }
    }
}
