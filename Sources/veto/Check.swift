import ArgumentParser
import Veto
#if canImport(Glibc)
import Glibc
#endif

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",   // named, not derived from the type: that costs a runtime type lookup at every start
        abstract: "Check report tables: read every row, apply the rules, give each unit-period a verdict.",
        discussion: """
        Reads CSV report tables (UTF-8, UTF-8 with BOM or GB18030; comma, tab, semicolon or |;
        canonical or Chinese headers; money in 元 or 万元) and reports every figure that cannot
        be read as written or breaks a rule, with file, line and column. Bad rows never stop
        the run. Use - to read standard input.
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

    @Option(name: .long, help: "Keep at most this many findings in the report, the most severe first; every finding is still counted, and the verdicts and exit code come from all of them (0 keeps none).")
    var maxFindings: Int = 100_000

    @Flag(name: .long, help: "Leave info findings out of the text report.")
    var noInfo = false

    @Flag(name: .long, inversion: .prefixedNo, help: "Run the forensic detectors the rule set declares (veto scan runs them alone).")
    var detectors = true

    @Option(name: .long, help: "A progress bar on standard error (bytes of total, rows/s, ETA): auto (when it is a terminal), always, never.")
    var progress: ProgressMode = .auto

    @Option(name: .long, help: "Threads: with 2 or more, inputs are read and parsed on other threads (the next ones ahead) while this one checks, and the forensic detectors run on one more; the report is the same byte for byte.")
    var jobs: Int = 1

    func validate() throws {
        if files.isEmpty { throw ValidationError("no input file given") }
        if files.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input ('-') can be read only once") }
        if maxFindings < 0 { throw ValidationError("--max-findings must be 0 or more, got \(maxFindings)") }
        if jobs < 1 || jobs > 256 { throw ValidationError("--jobs must be 1 to 256, got \(jobs)") }
        if let output {
            // The report never replaces an input (issue 8 item 8): refused before anything is read.
            do throws(OutputError) {
                try Sink.refuseInputs(output, files + [ruleOptions.rules, ruleOptions.standards].compactMap { $0 })
            } catch {
                throw ValidationError(error.description)
            }
        }
    }

    func run() throws {
        var options = CheckOptions()
        (options.rules, options.standards) = try ruleOptions.load()
        options.reader = input.readerOptions
        options.maxFindings = maxFindings
        options.detectors = detectors
        let bar = ProgressBar(mode: progress, inputs: files)
        if let bar { options.reader.progress = { bar.update(bytes: $0, records: $1) } }
        let checker = Checker(options: options)
        checker.add(paths: files, jobs: jobs)
        let result = checker.finish()
        bar?.finish()
        let lang = input.language
        let rendered: String?
        switch format {
        case .json:
            // Streamed: a province's millions of verdicts never sit in memory as one string.
            try Output(path: output, inputs: files + [ruleOptions.rules, ruleOptions.standards].compactMap { $0 })
                .stream { emit in JSONReport.write(result, lang: lang, to: emit) }
            rendered = nil
        case .text:
            let tty = output == nil && isatty(STDOUT_FILENO) != 0 && getenv("NO_COLOR") == nil
            rendered = TextReport.render(result, lang: lang, style: .init(color: tty, showInfo: !noInfo))
        case .sarif:
            rendered = SARIFReport.render(result, rules: options.rules, standards: options.standards, lang: lang,
                                          toolVersion: VetoCommand.configuration.version)
        case .junit:
            rendered = JUnitReport.render(result, lang: lang, failAt: failOn.threshold)
        case .html:
            rendered = HTMLReport.render(result, lang: lang)
        case .csv:
            rendered = CSVReport.render(result, lang: lang)
        }
        let protected = files + [ruleOptions.rules, ruleOptions.standards].compactMap { $0 }
        if let rendered { try Output(path: output, inputs: protected).write(rendered) }
        for e in result.unreadable {
            FileHandleOut.stderr("veto: cannot read \(e.description)\n")
        }
        if !result.unreadable.isEmpty { throw ExitCode(3) }
        if let t = failOn.threshold, let worst = result.worst, worst >= t { throw ExitCode(1) }
    }
}
