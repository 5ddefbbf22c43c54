import ArgumentParser
import Veto
#if canImport(Glibc)
import Glibc
#endif

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented rules.yml and standards.yml to start from.")

    @Argument(help: "Directory to write into (default: the current one).") var dir: String = "."

    func run() throws {
        var st = stat()
        if stat(dir, &st) != 0 {
            guard mkdir(dir, 0o755) == 0 else { throw ValidationError("cannot create \(dir): \(String(cString: strerror(errno)))") }
        }
        for (name, text) in [("rules.yml", Templates.rules), ("standards.yml", Templates.standards)] {
            let path = dir.hasSuffix("/") ? dir + name : dir + "/" + name
            if access(path, F_OK) == 0 { throw ValidationError("\(path) exists; not overwriting it") }
            try Output(path: path).write(text)
            FileHandleOut.stdout("wrote \(path)\n")
        }
    }
}
