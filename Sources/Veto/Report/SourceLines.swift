import VetoCSV
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The text of a few physical lines of an input, read again for the reporters that locate a
/// finding by a text column (SARIF) or quote its line.
///
/// A finding's `line` is a physical line (1 = header; a line break inside quotes starts a new
/// line) and its `column` a field number. A text column needs the line's text: this reads the
/// file once, decodes it with the encoding the check detected, splits it where the reader does
/// (LF, CRLF or a lone CR) and keeps only the lines asked for. It stops after the last of them.
///
/// - Complexity: time O(bytes up to the last line asked for); memory O(lines asked for ×
///   `maxLineBytes`) plus one 64 KiB chunk, whatever the file's size.
public enum SourceLines {
    /// Lines longer than this are kept truncated; a field starting past it gets no text column.
    public static let defaultMaxLineBytes = 64 * 1024

    /// The lines `wanted` of the file at `path`, decoded to text, by line number. Lines past
    /// the end of the file are absent. Returns nil when the file cannot be read again
    /// (standard input, a pipe, a file since removed): callers fall back and say so.
    public static func read(path: String, encoding: TextEncoding?, lines wanted: Set<Int>,
                            maxLineBytes: Int = defaultMaxLineBytes) -> [Int: String]? {
        guard path != "-", path != "<stdin>", !wanted.isEmpty else { return wanted.isEmpty ? [:] : nil }
        guard isRegularFile(path), let last = wanted.max() else { return nil }
        let transcoder = Transcoder(forced: encoding)
        var splitter = LineSplitter(wanted: wanted, last: last, maxLineBytes: maxLineBytes)
        var decoded: [UInt8] = []
        var issues: [EncodingIssue] = []
        struct Done: Error {}
        do {
            try ByteFile.read(path) { chunk in
                guard !splitter.done else { return }
                decoded.removeAll(keepingCapacity: true)
                transcoder.feed(chunk, output: &decoded, issues: &issues)
                issues.removeAll(keepingCapacity: true)
                splitter.consume(decoded)
            }
        } catch {
            return nil
        }
        if !splitter.done {
            decoded.removeAll(keepingCapacity: true)
            transcoder.finish(output: &decoded, issues: &issues)
            splitter.consume(decoded)
            splitter.finish()
        }
        return splitter.found.mapValues { String(decoding: $0, as: UTF8.self) }
    }

    private static func isRegularFile(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    /// Splits UTF-8 bytes into physical lines the way the reader counts them.
    struct LineSplitter {
        let wanted: Set<Int>
        let last: Int
        let maxLineBytes: Int
        var line = 1
        var current: [UInt8] = []
        var afterCR = false
        var found: [Int: [UInt8]] = [:]
        var done = false

        init(wanted: Set<Int>, last: Int, maxLineBytes: Int) {
            self.wanted = wanted
            self.last = last
            self.maxLineBytes = maxLineBytes
        }

        mutating func consume(_ bytes: [UInt8]) {
            let keep = wanted.contains(line)
            var keeping = keep
            for b in bytes {
                if done { return }
                if afterCR {
                    afterCR = false
                    if b == 0x0A { continue }   // CRLF: one line break
                }
                if b == 0x0A || b == 0x0D {
                    endLine()
                    afterCR = b == 0x0D
                    keeping = wanted.contains(line)
                    continue
                }
                if keeping && current.count < maxLineBytes { current.append(b) }
            }
        }

        mutating func endLine() {
            if wanted.contains(line) { found[line] = trimmedToScalar(current) }
            current.removeAll(keepingCapacity: true)
            line += 1
            if line > last { done = true }
        }

        mutating func finish() {
            if !done && !current.isEmpty { endLine() }
        }

        /// A line cut at `maxLineBytes` may end inside a character: drop the partial one.
        func trimmedToScalar(_ b: [UInt8]) -> [UInt8] {
            guard b.count >= maxLineBytes else { return b }
            var end = b.count
            while end > 0 && (b[end - 1] & 0xC0) == 0x80 { end -= 1 }
            if end > 0 && b[end - 1] >= 0xC0 { end -= 1 }
            return Array(b[0..<end])
        }
    }
}

/// Text columns of CSV fields, for formats that locate by character (SARIF).
public enum TextColumn {
    /// The 1-based code-point columns where field `field` (1-based) starts and ends (exclusive
    /// end, SARIF's `endColumn`) in `line`, the text of the physical line its record starts on.
    /// Quotes are honoured (a delimiter inside quotes does not end a field); nil when the line
    /// has fewer fields (the field is on a later physical line of a quoted line break, or the
    /// line was cut).
    ///
    /// - Complexity: O(code points of the line up to the field's end).
    public static func span(ofField field: Int, in line: String, delimiter: Unicode.Scalar) -> (start: Int, end: Int)? {
        guard field >= 1 else { return nil }
        var current = 1
        var column = 1
        var start: Int? = field == 1 ? 1 : nil
        var inQuotes = false
        for u in line.unicodeScalars {
            if u == "\"" {
                inQuotes.toggle()
            } else if u == delimiter && !inQuotes {
                if current == field { return (start ?? column, column) }
                current += 1
                if current == field { start = column + 1 }
            }
            column += 1
        }
        guard let start else { return nil }
        return (start, column)
    }

    /// The delimiter as ``InputSummary`` writes it (`,`, `;`, `|`, `\t`).
    public static func delimiter(_ s: String) -> Unicode.Scalar {
        if s == "\\t" || s == "\t" { return "\t" }
        return s.unicodeScalars.first ?? ","
    }
}
