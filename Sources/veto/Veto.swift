import ArgumentParser
import Veto
import VetoCSV
#if canImport(Glibc)
import Glibc
#endif

/// The command line. Exit codes (SPEC.md): 0 nothing at or above `--fail-on`; 1 findings
/// at or above it; 2 usage or rule-file error; 3 an input could not be read at all.
@main
struct VetoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "veto",
        abstract: "Check statistical report submissions for figures that cannot be true.",
        discussion: """
        Exit codes: 0 no finding at or above --fail-on; 1 findings at or above it;
        2 usage error; 3 an input could not be read at all.
        """,
        version: "0.1.0",
        subcommands: [Check.self, Scan.self, Normalize.self, RulesCommand.self, ExplainCommand.self, InitCommand.self, Generate.self])

    /// ArgumentParser exits 64 on a usage error; SPEC.md asks for 2.
    static func main() {
        Memory.keepLargeBuffersApart()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            let text = fullMessage(for: error)
            if code == .success {
                if !text.isEmpty { print(text) }
                Glibc.exit(0)
            }
            // An error can quote its input (a rule file's bytes, a path): controls made visible.
            if !text.isEmpty { FileHandleOut.stderr(Safety.terminal(text, keepNewlines: true) + "\n") }
            Glibc.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

enum FileHandleOut {
    static func stdout(_ s: String) { write(STDOUT_FILENO, s) }
    static func stderr(_ s: String) { write(STDERR_FILENO, s) }

    /// Writes all of `s` to a file descriptor (no stdio buffering to interleave).
    static func write(_ fd: Int32, _ s: String) {
        var s = s
        s.withUTF8 { b in
            var off = 0
            while off < b.count {
                let n = Glibc.write(fd, b.baseAddress! + off, b.count - off)
                if n < 0 { if errno == EINTR { continue }; return }
                off += n
            }
        }
    }
}
