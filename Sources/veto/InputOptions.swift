import ArgumentParser
import Veto
import VetoCSV
#if canImport(Glibc)
import Glibc
#endif

/// How inputs are read; shared by every command that reads report tables.
struct InputOptions: ParsableArguments {
    @Option(help: "Input encoding: utf-8, gb18030, utf-16le, utf-16be (default: detected from the bytes).")
    var encoding: TextEncoding?

    @Option(help: "Field delimiter: ',', ';', '|', 'tab' (default: sniffed from the header line).")
    var delimiter: String?

    @Option(help: "A field longer than this many bytes is a finding and its content is not kept.")
    var maxFieldBytes: Int = 1 << 20

    @Option(help: ArgumentHelp("Language of messages: zh or en (default: from LANG).", valueName: "zh|en"))
    var lang: Language?

    func validate() throws {
        if let d = delimiter, delimiterByte(d) == nil {
            throw ValidationError("--delimiter must be one character (or 'tab'), got '\(d)'")
        }
        if maxFieldBytes < 1 { throw ValidationError("--max-field-bytes must be positive") }
    }

    func delimiterByte(_ d: String) -> UInt8? {
        if d == "tab" || d == "\\t" || d == "\t" { return 0x09 }
        let u = Array(d.utf8)
        guard u.count == 1, u[0] != 0x22, u[0] != 0x0A, u[0] != 0x0D else { return nil }
        return u[0]
    }

    var readerOptions: CSVReaderOptions {
        CSVReaderOptions(delimiter: delimiter.flatMap(delimiterByte), encoding: encoding, maxFieldBytes: maxFieldBytes)
    }

    var language: Language { lang ?? currentLanguage() }
}

extension TextEncoding: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument.lowercased() {
        case "utf-8", "utf8": self = .utf8
        case "gb18030", "gbk", "gb2312", "cp936": self = .gb18030
        case "utf-16le", "utf16le": self = .utf16le
        case "utf-16be", "utf16be": self = .utf16be
        default: return nil
        }
    }
}

extension Language: ExpressibleByArgument {}

enum FailOn: String, ExpressibleByArgument, CaseIterable {
    case veto, fail, review, never

    var threshold: Severity? {
        switch self {
        case .veto: .veto
        case .fail: .fail
        case .review: .review
        case .never: nil
        }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, sarif, junit, html, csv
}
