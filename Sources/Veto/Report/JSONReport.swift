/// A small JSON writer that keeps key order (the documented order of SPEC.md) and
/// writes exact decimals as strings, never through a Double.
struct JSONWriter {
    private(set) var out = ""
    private var needsComma = [false]
    private let indentUnit = "  "
    /// Where the document goes as it is written (nil: kept whole in `out`).
    var flush: ((String) -> Void)?

    /// Hands what is written so far to `flush` once it is large (a province's verdicts stream).
    mutating func drain(force: Bool = false) {
        guard let flush, force || out.utf8.count >= 1 << 20 else { return }
        flush(out)
        out = ""
    }

    mutating func beginObject(_ key: String? = nil) { open(key, "{") }
    mutating func endObject() { close("}") }
    mutating func beginArray(_ key: String? = nil) { open(key, "[") }
    mutating func endArray() { close("]") }

    mutating func field(_ key: String, _ s: String?) { item(key); out += s.map(Self.quote) ?? "null" }
    mutating func field(_ key: String, _ n: Int?) { item(key); out += n.map(String.init) ?? "null" }
    mutating func field(_ key: String, _ n: Int64) { item(key); out += String(n) }
    mutating func field(_ key: String, _ b: Bool) { item(key); out += b ? "true" : "false" }
    mutating func field(_ key: String, _ d: Double?) {
        item(key)
        if let d, d.isFinite { out += "\(d)" } else { out += "null" }
    }
    mutating func field(_ key: String, strings: [String]?) {
        item(key)
        guard let strings else { out += "null"; return }
        out += "[" + strings.map(Self.quote).joined(separator: ", ") + "]"
    }
    mutating func null(_ key: String) { item(key); out += "null" }

    private var depth: Int { needsComma.count - 1 }

    private mutating func item(_ key: String?) {
        if needsComma[needsComma.count - 1] { out += "," }
        needsComma[needsComma.count - 1] = true
        if depth > 0 || !out.isEmpty { out += "\n" }
        out += String(repeating: indentUnit, count: depth)
        if let key { out += Self.quote(key) + ": " }
    }

    private mutating func open(_ key: String?, _ bracket: String) {
        item(key)
        out += bracket
        needsComma.append(false)
    }

    private mutating func close(_ bracket: String) {
        let hadItems = needsComma.removeLast()
        if hadItems { out += "\n" + String(repeating: indentUnit, count: depth) }
        out += bracket
    }

    static func quote(_ s: String) -> String {
        // Most strings (codes, periods, ids) need no escaping.
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C && $0 < 0x80 }) { return "\"" + s + "\"" }
        var r = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": r += "\\\""
            case "\\": r += "\\\\"
            case "\n": r += "\\n"
            case "\r": r += "\\r"
            case "\t": r += "\\t"
            case _ where u.value < 0x20 || u.value == 0x2028 || u.value == 0x2029:
                let hex = String(u.value, radix: 16)
                r += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: r.unicodeScalars.append(u)
            }
        }
        return r + "\""
    }
}

/// `--format json`: the stable document of SPEC.md, `version` 1.
public enum JSONReport {
    public static let version = 1

    public static func render(_ r: CheckResult, lang: Language) -> String {
        var whole = ""
        write(r, lang: lang) { whole += $0 }
        return whole
    }

    /// Writes the document in pieces of about 1 MiB: memory stays flat however many verdicts.
    public static func write(_ r: CheckResult, lang: Language, to emit: @escaping (String) -> Void) {
        var w = JSONWriter()
        w.flush = emit
        w.beginObject()
        w.field("version", version)
        w.beginArray("inputs")
        for i in r.inputs {
            w.beginObject()
            w.field("file", i.file)
            w.field("rows", i.rows)
            w.field("encoding", i.encoding)
            w.field("bom", i.hadBOM)
            w.field("delimiter", i.delimiter)
            w.field("lines", i.lines)
            w.field("bytes", i.bytes)
            w.endObject()
        }
        w.endArray()
        w.beginArray("unreadable")
        for e in r.unreadable {
            w.beginObject()
            w.field("file", e.path)
            w.field("error", e.reason)
            w.endObject()
        }
        w.endArray()
        w.beginArray("findings")
        for f in r.findings {
            w.beginObject()
            w.field("id", f.id)
            w.field("kind", f.kind.rawValue)
            w.field("severity", f.severity.name)
            w.field("file", f.file)
            w.field("line", f.line)
            w.field("column", f.column)
            w.field("unit_code", f.unitCode)
            w.field("period", f.period)
            w.field("fields", strings: f.fields)
            w.field("expected", f.expected)
            w.field("actual", f.actual)
            w.field("likely_wrong", strings: f.likelyWrong)
            if let t = f.typo {
                w.beginObject("typo")
                w.field("field", t.field)
                w.field("kind", t.kind)
                w.field("corrected", t.corrected)
                w.endObject()
            } else {
                w.null("typo")
            }
            w.field("p_value", f.pValue)
            w.field("message", f.message.text(lang))
            if let n = f.count { w.field("count", n) }
            w.endObject()
        }
        w.endArray()
        w.field("findings_dropped", r.droppedFindings)
        w.beginArray("findings_dropped_by")
        for d in r.dropped {
            w.beginObject()
            w.field("id", d.id)
            w.field("severity", d.severity.name)
            w.field("count", d.count)
            w.endObject()
        }
        w.endArray()
        w.beginObject("summary")
        for v in Verdict.allCases {
            w.field(v.rawValue, r.verdicts.count(v))
        }
        w.beginObject("findings")
        for sev in Severity.allCases { w.field(sev.name, r.count(sev)) }
        w.endObject()
        w.endObject()
        w.beginArray("verdicts")
        for v in r.verdicts {
            w.drain()
            w.beginObject()
            w.field("unit_code", v.key.unit.code)
            w.field("period", v.key.period?.description)
            if case .line(_, let l) = v.key.unit { w.field("line", l) }
            w.field("verdict", v.verdict.rawValue)
            w.endObject()
        }
        w.endArray()
        w.beginArray("rules")
        for (id, t) in r.rules {
            w.beginObject()
            w.field("id", id)
            w.field("holds", t.holds)
            w.field("fails", t.fails)
            w.field("not_checked", t.notChecked)
            w.field("not_applicable", t.notApplicable)
            w.endObject()
        }
        w.endArray()
        // The detectors' summary, where they ran: the units by combined evidence (the first 100) and
        // why some did not apply.
        if r.detectorTests > 0 || !r.detectorNotes.isEmpty {
            w.beginObject("forensic")
            w.field("tests", r.detectorTests)
            w.beginArray("evidence")
            for e in r.evidence.prefix(100) {
                w.beginObject()
                w.field("unit_code", e.unitCode)
                w.field("period", e.period)
                w.field("severity", e.severity?.name)
                w.field("p_value", e.pValue)
                w.beginArray("families")
                for f in e.families {
                    w.beginObject()
                    w.field("family", f.family)
                    w.field("p_value", f.pValue)
                    w.field("q", f.q)
                    w.field("q_by", f.qBY)
                    w.field("effect", f.effect)
                    w.field("tests", f.tests)
                    w.endObject()
                }
                w.endArray()
                w.endObject()
            }
            w.endArray()
            w.beginArray("not_applicable")
            for n in r.detectorNotes {
                w.beginObject()
                w.field("id", n.id)
                w.field("fields", strings: n.fields)
                w.field("message", n.message.text(lang))
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.endObject()
        w.drain(force: true)
        emit("\n")
    }
}
