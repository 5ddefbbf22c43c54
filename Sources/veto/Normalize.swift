import ArgumentParser
import Veto
import VetoCSV
#if canImport(Glibc)
import Glibc
#endif

struct Normalize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "normalize",   // named, not derived from the type: that costs a runtime type lookup at every start
        abstract: "Write report tables as canonical CSV.",
        discussion: """
        UTF-8, canonical header names, money in yuan as exact decimals, counts as integers,
        rates in percent, "not reported" as an empty cell, one line per record. Findings
        (cells that are not numbers, broken rows) go to standard error; their cells are
        written empty, never as 0. Exit 1 when there are findings at fail or above.

        Every figure keeps its reported precision, so that `veto check` of the output gives
        the verdicts of its source and normalizing it again changes nothing: a figure precise
        to the yuan or finer is written in yuan with its written decimals (29.1360万 →
        291360, 1.50元 → 1.50); one coarser than that keeps its unit (53.38万, ±50 yuan,
        stays 53.38万: 533800 would claim ±0.5 yuan and could change a verdict).

        Outputs are written to a temporary file beside the final one and renamed over it
        when complete: an input that cannot be read, a failed write or a killed run never
        leaves a partial file under the final name, nor truncates what was there. An output
        that is one of the inputs (same file, by device and inode or real path) is refused
        (exit 2), as are two inputs that would be written to the same file under
        --output-dir. A write that fails (a full disk, /dev/full) exits 3 with the path.

        --bom writes for a spreadsheet: a UTF-8 byte-order mark, and every text cell (names,
        unknown columns, unreadable codes and periods, header names) that starts with =, +,
        -, @, tab or CR gets a leading ' so that Excel shows it instead of running it as a
        formula (CSV injection). Figures are numbers and are never escaped: -5 stays -5.
        """)

    @Argument(help: "Report table CSV files ('-' for standard input).")
    var files: [String]

    @OptionGroup var input: InputOptions

    @Option(name: [.short, .long], help: "Output file for a single input (default: standard output).")
    var output: String?

    @Option(name: .long, help: "Directory to write one canonical CSV per input (same file name).")
    var outputDir: String?

    @Flag(name: .long, help: "Write for Excel: a UTF-8 byte-order mark, and text cells that start with = + - @ tab or CR escaped with a leading '.")
    var bom = false

    @Flag(name: .long, help: "Append source_file and source_line columns.")
    var source = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("no input file given") }
        if files.count > 1 && outputDir == nil {
            throw ValidationError("several inputs need --output-dir (one canonical CSV per input)")
        }
        if output != nil && outputDir != nil { throw ValidationError("give --output or --output-dir, not both") }
        if files.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input ('-') can be read only once") }
    }

    /// Where each input's canonical CSV goes (nil: standard output).
    func targets() -> [String?] {
        files.map { path in
            guard let dir = outputDir else { return output }
            let base = path == "-" ? "stdin.csv" : Sink.split(path).base
            return dir.hasSuffix("/") ? dir + base : dir + "/" + base
        }
    }

    func run() throws {
        let lang = input.language
        let targets = targets()
        // Refuse before anything is read or written: an output over an input, two inputs
        // to one output.
        var seen: [String: String] = [:]
        for (path, target) in zip(files, targets) {
            guard let target else { continue }
            let key = Sink.realPath(target) ?? target
            if let first = seen[key] {
                FileHandleOut.stderr(Safety.terminal("veto: \(first) and \(path) would both be written to \(target); normalize them in separate runs or rename one\n", keepNewlines: true))
                throw ExitCode(2)
            }
            seen[key] = path
            do throws(OutputError) {
                try Sink.refuseInputs(target, files)
            } catch {
                FileHandleOut.stderr(Safety.terminal("veto: \(error.description)\n", keepNewlines: true))
                throw ExitCode(2)
            }
        }

        var worst: Severity?
        var unreadable = false
        var unwritable = false
        for (i, path) in files.enumerated() {
            let sink: Sink
            do throws(OutputError) {
                sink = try Sink(path: targets[i], inputs: files)
            } catch {
                FileHandleOut.stderr(Safety.terminal("veto: \(error.description)\n", keepNewlines: true))
                unwritable = true
                continue
            }
            let writer = NormalizeWriter(options: .init(bom: bom, source: source, spreadsheetSafe: bom)) { sink.write($0) }
            let display = path == "-" ? "<stdin>" : path
            do throws(CSVReadError) {
                _ = try SubmissionReader.read(
                    path: path, input: i, options: input.readerOptions,
                    onHeader: { writer.header($0) },
                    onRow: { row in if sink.failure == nil { writer.row(row, file: display) } },
                    onFinding: { f in
                        worst = max(worst ?? f.severity, f.severity)
                        guard f.severity > .info else { return }
                        var loc = f.file
                        if let l = f.line { loc += ":\(l)" }
                        if let c = f.column { loc += ":\(c)" }
                        FileHandleOut.stderr(Safety.terminal("\(loc): \(f.severity.name) \(f.id): \(f.message.text(lang))") + "\n")
                    })
            } catch {
                sink.abandon()
                FileHandleOut.stderr(Safety.terminal("veto: cannot read \(error.description)") + "\n")
                unreadable = true
                continue
            }
            writer.flush()
            do throws(OutputError) {
                try sink.commit()
            } catch {
                FileHandleOut.stderr(Safety.terminal("veto: \(error.description)") + "\n")
                unwritable = true
            }
        }
        if unreadable || unwritable { throw ExitCode(3) }
        if let worst, worst >= .fail { throw ExitCode(1) }
    }
}
