import ArgumentParser
import Veto
#if canImport(Glibc)
import Glibc
#endif

struct Normalize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write report tables as canonical CSV.",
        discussion: """
        UTF-8, canonical header names, money in yuan as exact decimals, counts as integers,
        rates in percent, "not reported" as an empty cell, one line per record. Findings
        (cells that are not numbers, broken rows) go to standard error; their cells are
        written empty, never as 0. Exit 1 when there are findings at fail or above.
        """)

    @Argument(help: "Report table CSV files ('-' for standard input).")
    var files: [String]

    @OptionGroup var input: InputOptions

    @Option(name: [.short, .long], help: "Output file for a single input (default: standard output).")
    var output: String?

    @Option(name: .long, help: "Directory to write one canonical CSV per input (same file name).")
    var outputDir: String?

    @Flag(name: .long, help: "Start each output with a UTF-8 byte-order mark, for Excel.")
    var bom = false

    @Flag(name: .long, help: "Append source_file and source_line columns.")
    var source = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("no input file given") }
        if files.count > 1 && outputDir == nil {
            throw ValidationError("several inputs need --output-dir (one canonical CSV per input)")
        }
        if output != nil && outputDir != nil { throw ValidationError("give --output or --output-dir, not both") }
    }

    func run() throws {
        let lang = input.language
        var worst: Severity?
        var unreadable = false
        for (i, path) in files.enumerated() {
            let target: String?
            if let dir = outputDir {
                let base = path == "-" ? "stdin.csv" : String(path.split(separator: "/").last ?? "out.csv")
                target = dir.hasSuffix("/") ? dir + base : dir + "/" + base
            } else {
                target = output
            }
            let sink = try Sink(path: target)
            let writer = NormalizeWriter(options: .init(bom: bom, source: source)) { sink.write($0) }
            let display = path == "-" ? "<stdin>" : path
            do {
                _ = try SubmissionReader.read(
                    path: path, input: i, options: input.readerOptions,
                    onHeader: { writer.header($0) },
                    onRow: { writer.row($0, file: display) },
                    onFinding: { f in
                        worst = max(worst ?? f.severity, f.severity)
                        guard f.severity > .info else { return }
                        var loc = f.file
                        if let l = f.line { loc += ":\(l)" }
                        if let c = f.column { loc += ":\(c)" }
                        FileHandleOut.stderr("\(loc): \(f.severity.name) \(f.id): \(f.message.text(lang))\n")
                    })
                writer.flush()
                sink.close()
            } catch {
                sink.close()
                FileHandleOut.stderr("veto: cannot read \(error.description)\n")
                unreadable = true
            }
        }
        if unreadable { throw ExitCode(3) }
        if let worst, worst >= .fail { throw ExitCode(1) }
    }
}

/// Standard output or a file, written as the rows stream.
final class Sink {
    private let fd: Int32

    init(path: String?) throws {
        if let path, path != "-" {
            fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else { throw ValidationError("cannot write \(path): \(String(cString: strerror(errno)))") }
        } else {
            fd = STDOUT_FILENO
        }
    }

    func write(_ s: String) { FileHandleOut.write(fd, s) }

    func close() {
        if fd != STDOUT_FILENO { Glibc.close(fd) }
    }
}
