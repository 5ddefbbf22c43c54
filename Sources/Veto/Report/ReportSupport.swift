import VetoCSV

/// Reads some physical lines of an input again: the path, its encoding, the lines wanted.
/// Returns nil when the input cannot be read again (standard input, a removed file).
public typealias LineReader = (_ path: String, _ encoding: TextEncoding?, _ lines: Set<Int>) -> [Int: String]?

/// Where a finding's field is, as text columns of its line (code points, 1-based).
enum TextLocation: Equatable {
    /// `start..<end` in code points of the finding's physical line.
    case span(start: Int, end: Int)
    /// No text column could be computed; `startColumn` 1 stands for the field, and why.
    case fallback(String)
    /// The finding has no line or no field: nothing to compute.
    case none
}

enum ReportSupport {
    /// Reads lines from the file system (``SourceLines``).
    static func diskLines(_ path: String, _ encoding: TextEncoding?, _ lines: Set<Int>) -> [Int: String]? {
        SourceLines.read(path: path, encoding: encoding, lines: lines)
    }

    /// Text columns for `findings`, reading each input at most once for the lines they name.
    static func textLocations(_ findings: [Finding], inputs: [InputSummary], read: LineReader) -> [TextLocation] {
        var wanted: [String: Set<Int>] = [:]
        for f in findings {
            if let l = f.line, f.column != nil { wanted[f.file, default: []].insert(l) }
        }
        var byFile: [String: InputSummary] = [:]
        for i in inputs where byFile[i.file] == nil { byFile[i.file] = i }
        var texts: [String: [Int: String]?] = [:]
        for (file, lines) in wanted {
            let encoding = byFile[file].flatMap { TextEncoding(rawValue: $0.encoding) }
            texts[file] = read(file, encoding, lines)
        }
        return findings.map { f in
            guard let line = f.line, let field = f.column else { return .none }
            guard let read = texts[f.file], let lines = read else {
                return .fallback("the input cannot be read again (\(f.file == "<stdin>" ? "standard input" : "not a file on disk")); startColumn 1 stands for field \(field)")
            }
            guard let text = lines[line] else {
                return .fallback("line \(line) is not in the input as it is now; startColumn 1 stands for field \(field)")
            }
            let delimiter = TextColumn.delimiter(byFile[f.file]?.delimiter ?? ",")
            guard let s = TextColumn.span(ofField: field, in: text, delimiter: delimiter) else {
                return .fallback("field \(field) does not start on line \(line) (a quoted line break, or a line over \(SourceLines.defaultMaxLineBytes) bytes); startColumn 1 stands for it")
            }
            return .span(start: s.start, end: s.end)
        }
    }

    /// 64-bit FNV-1a of the parts joined by NUL, as 16 hex digits: stable across runs and machines.
    static func fingerprint(_ parts: [String]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for (i, p) in parts.enumerated() {
            if i > 0 { h = (h ^ 0) &* 0x100_0000_01b3 }
            for b in p.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// A path as a URI reference: relative paths stay relative (`fixtures/a%20b.csv`), absolute
    /// ones become `file:///…`; every byte outside RFC 3986's unreserved set and `/` is
    /// percent-encoded (UTF-8), so Chinese names and spaces are valid URIs.
    static func uri(_ path: String) -> String {
        var out = path.hasPrefix("/") ? "file://" : ""
        for b in path.utf8 {
            switch b {
            case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2D, 0x2E, 0x5F, 0x7E, 0x2F:
                out.unicodeScalars.append(UnicodeScalar(b))
            default:
                let hex = String(b, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }

    /// Input-derived text for a report: controls and bidi overrides made visible, bounded.
    static func safe(_ s: String, limit: Int = 400) -> String {
        Safety.terminal(Safety.echo(s, limit: limit))
    }

    /// The finding's message followed by its figures, in one line of plain text.
    static func messageWithEvidence(_ f: Finding, lang: Language) -> String {
        var s = safe(f.message.text(lang), limit: TextReport.messageLimit)
        let ev = evidence(f, lang: lang)
        if !ev.isEmpty { s += " [" + ev.map { "\($0.label) \($0.value)" }.joined(separator: "; ") + "]" }
        return s
    }

    /// The figures of a finding as labelled values (already made safe).
    static func evidence(_ f: Finding, lang: Language) -> [(label: String, value: String)] {
        let zh = lang == .zh
        var ev: [(String, String)] = []
        if let e = f.expected { ev.append((zh ? "应为" : "expected", safe(e))) }
        if let a = f.actual { ev.append((zh ? "实报" : "actual", safe(a))) }
        if let lw = f.likelyWrong, !lw.isEmpty { ev.append((zh ? "最可能有误" : "likely wrong", safe(lw.joined(separator: ", ")))) }
        if let t = f.typo { ev.append((zh ? "疑似笔误" : "typo", safe("\(t.field) \(t.kind) → \(t.corrected)"))) }
        if let p = f.pValue { ev.append(("p", Words.p(p))) }   // as the messages write it (JSON keeps the number)
        if let n = f.count, n > 1 { ev.append((zh ? "次数" : "rows", "\(n)")) }
        return ev
    }

    /// Another finding, in one line: `id unit period (file:line)`, made safe.
    static func ref(_ c: FindingRef) -> String {
        let parts = [c.id, c.unitCode ?? "-"] + (c.period.map { [$0] } ?? [])
        return safe(parts.joined(separator: " ") + " (\(c.file)\(c.line.map { ":\($0)" } ?? ""))")
    }

    /// A finding's place among causes, as labelled values: what it is caused by (when the cause
    /// is another unit-period, or also `sameUnitToo`), and its consequences, the first `limit`
    /// listed and the rest counted.
    static func causeRows(_ f: Finding, lang: Language, sameUnitToo: Bool = true, limit: Int = 5) -> [(label: String, value: String)] {
        let zh = lang == .zh
        var rows: [(String, String)] = []
        if let c = f.causedBy, sameUnitToo || c.unitCode != f.unitCode || c.period != f.period {
            let also = f.alsoCausedBy.isEmpty ? "" : (zh ? "；另有 \(f.alsoCausedBy.count) 个起因" : "; and \(f.alsoCausedBy.count) more cause\(f.alsoCausedBy.count == 1 ? "" : "s")")
            rows.append((zh ? "起因" : "caused by", ref(c) + also))
        }
        if f.consequenceCount > 0 {
            let listed = f.consequences.prefix(limit).map(ref).joined(separator: "; ")
            let more = f.consequenceCount > limit ? (zh ? "；另有 \(f.consequenceCount - limit) 条" : "; and \(f.consequenceCount - limit) more") : ""
            rows.append((zh ? "导致（\(f.consequenceCount)）" : "consequences (\(f.consequenceCount))", listed + more))
        }
        return rows
    }

    /// Findings ordered most severe first, keeping input order within a severity; the first
    /// `cap` of them, and how many were left out.
    static func capped(_ findings: [Finding], cap: Int) -> (kept: [Int], left: Int) {
        let order = findings.indices.sorted { a, b in
            findings[a].severity != findings[b].severity ? findings[a].severity > findings[b].severity : a < b
        }
        guard order.count > cap else { return (Array(findings.indices), 0) }
        return (order.prefix(cap).sorted(), order.count - cap)
    }
}
