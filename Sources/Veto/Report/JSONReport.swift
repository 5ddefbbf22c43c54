/// A small JSON writer that keeps key order (the documented order of SPEC.md) and
/// writes exact decimals as strings, never through a Double.
struct JSONWriter {
    /// What is written and not yet flushed, as UTF-8 bytes (appending bytes, not `String`s,
    /// keeps a province's verdicts cheap to write).
    private var bytes: [UInt8] = []
    private var needsComma = [false]
    /// Where the document goes as it is written (nil: kept whole).
    var flush: ((String) -> Void)?

    /// Everything written and not flushed.
    var out: String { String(decoding: bytes, as: UTF8.self) }

    /// Hands what is written so far to `flush` once it is large (a province's verdicts stream).
    mutating func drain(force: Bool = false) {
        guard let flush, force || bytes.count >= 1 << 20 else { return }
        flush(out)
        bytes.removeAll(keepingCapacity: true)
    }

    mutating func beginObject(_ key: String? = nil) { open(key, UInt8(ascii: "{")) }
    mutating func endObject() { close(UInt8(ascii: "}")) }
    mutating func beginArray(_ key: String? = nil) { open(key, UInt8(ascii: "[")) }
    mutating func endArray() { close(UInt8(ascii: "]")) }

    mutating func field(_ key: String, _ s: String?) {
        item(key)
        if let s { Self.quote(s, into: &bytes) } else { raw("null") }
    }
    mutating func field(_ key: String, _ n: Int?) {
        item(key)
        if let n { integer(Int64(n)) } else { raw("null") }
    }
    mutating func field(_ key: String, _ n: Int64) { item(key); integer(n) }
    mutating func field(_ key: String, _ b: Bool) { item(key); raw(b ? "true" : "false") }
    mutating func field(_ key: String, _ d: Double?) {
        item(key)
        if let d, d.isFinite { raw("\(d)") } else { raw("null") }
    }
    mutating func field(_ key: String, strings: [String]?) {
        item(key)
        guard let strings else { raw("null"); return }
        bytes.append(UInt8(ascii: "["))
        for (i, s) in strings.enumerated() {
            if i > 0 { raw(", ") }
            Self.quote(s, into: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
    }
    mutating func null(_ key: String) { item(key); raw("null") }

    private var depth: Int { needsComma.count - 1 }

    private mutating func raw(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    private mutating func integer(_ n: Int64) {
        if n >= 0 && n < 10 { bytes.append(UInt8(ascii: "0") + UInt8(n)); return }
        raw(String(n))
    }

    private static let spaces = [UInt8](repeating: 0x20, count: 64)

    private mutating func indent(_ n: Int) {
        if 2 * n <= Self.spaces.count {
            Self.spaces.withUnsafeBufferPointer { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: $0[0..<(2 * n)])) }
        } else {
            bytes.append(contentsOf: repeatElement(0x20, count: 2 * n))
        }
    }

    /// `"key": value` with a key known to need no escaping (the verdicts' keys, written per
    /// unit-period).
    mutating func field(plain key: StaticString, _ s: String?) {
        item(nil)
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        bytes.append(0x20)
        if let s { Self.quote(s, into: &bytes) } else { raw("null") }
    }

    /// One verdict of a coded unit, `{"unit_code": …, "period": …, "verdict": …}`, byte for byte
    /// as `beginObject`, three `field(plain:_:)` and `endObject` write it, without a `String` per
    /// unit-period: the 12 digits of `code`, and `period` and `verdict` as given (plain text,
    /// nothing to escape; nil period: `null`).
    mutating func codedVerdict(code: UInt64, period: [UInt8]?, verdict: [UInt8]) {
        item(nil)
        let d = depth + 1
        // Written into a buffer on the stack, then appended once.
        // Three keys (`,` `\n` indent `"` ≤ 9 `": `), 12 digits, values quoted, `{` `\n` indent `}`.
        let most = 3 * (2 * d + 15) + 14 + (period?.count ?? 2) + 2 + verdict.count + 2 + 3 + 2 * depth
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: most) { buf in
            guard let base = buf.baseAddress else { return }
            var n = 0
            func put(_ b: UInt8) { base[n] = b; n += 1 }
            func put(_ s: StaticString) {
                s.withUTF8Buffer { u in
                    for b in u { base[n] = b; n += 1 }
                }
            }
            func put(_ a: [UInt8]) { for b in a { base[n] = b; n += 1 } }
            func key(_ k: StaticString, first: Bool) {
                if !first { put(UInt8(ascii: ",")) }
                put(UInt8(ascii: "\n"))
                for _ in 0..<(2 * d) { put(0x20) }
                put(UInt8(ascii: "\""))
                put(k)
                put("\": ")
            }
            put(UInt8(ascii: "{"))
            key("unit_code", first: true)
            put(UInt8(ascii: "\""))
            var v = code
            for i in (0..<12).reversed() {
                base[n + i] = UInt8(truncatingIfNeeded: v % 10) + 0x30
                v /= 10
            }
            n += 12
            put(UInt8(ascii: "\""))
            key("period", first: false)
            if let period {
                put(UInt8(ascii: "\""))
                put(period)
                put(UInt8(ascii: "\""))
            } else {
                put("null")
            }
            key("verdict", first: false)
            put(UInt8(ascii: "\""))
            put(verdict)
            put(UInt8(ascii: "\""))
            put(UInt8(ascii: "\n"))
            for _ in 0..<(2 * depth) { put(0x20) }
            put(UInt8(ascii: "}"))
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buf[0..<n]))
        }
    }

    private mutating func item(_ key: String?) {
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
        if depth > 0 || !bytes.isEmpty { bytes.append(UInt8(ascii: "\n")) }
        indent(depth)
        if let key {
            Self.quote(key, into: &bytes)
            bytes.append(UInt8(ascii: ":"))
            bytes.append(0x20)
        }
    }

    private mutating func open(_ key: String?, _ bracket: UInt8) {
        item(key)
        bytes.append(bracket)
        needsComma.append(false)
    }

    private mutating func close(_ bracket: UInt8) {
        let hadItems = needsComma.removeLast()
        if hadItems {
            bytes.append(UInt8(ascii: "\n"))
            indent(depth)
        }
        bytes.append(bracket)
    }

    static func quote(_ s: String) -> String {
        var b: [UInt8] = []
        quote(s, into: &b)
        return String(decoding: b, as: UTF8.self)
    }

    /// Appends `s` as a JSON string: quotes, backslashes and control characters escaped, and
    /// U+2028/U+2029 (which end a line in JavaScript).
    static func quote(_ s: String, into out: inout [UInt8]) {
        var s = s
        s.withUTF8 { u in
            out.append(UInt8(ascii: "\""))
            // The common case: nothing to escape (no control byte, quote, backslash or U+2028/9).
            var plain = true
            for c in u where c < 0x20 || c == 0x22 || c == 0x5C || c == 0xE2 {
                plain = false
                break
            }
            if plain {
                out.append(contentsOf: u)
                out.append(UInt8(ascii: "\""))
                return
            }
            var i = 0
            var start = 0
            while i < u.count {
                let c = u[i]
                var escape: StaticString?
                var width = 1
                switch c {
                case 0x22: escape = "\\\""
                case 0x5C: escape = "\\\\"
                case 0x0A: escape = "\\n"
                case 0x0D: escape = "\\r"
                case 0x09: escape = "\\t"
                case 0xE2 where i + 2 < u.count && u[i + 1] == 0x80 && (u[i + 2] == 0xA8 || u[i + 2] == 0xA9):
                    escape = u[i + 2] == 0xA8 ? "\\u2028" : "\\u2029"
                    width = 3
                default:
                    if c < 0x20 {
                        out.append(contentsOf: u[start..<i])
                        let hex = Array("0123456789abcdef".utf8)
                        out.append(contentsOf: Array("\\u00".utf8))
                        out.append(hex[Int(c >> 4)])
                        out.append(hex[Int(c & 15)])
                        i += 1
                        start = i
                        continue
                    }
                }
                if let e = escape {
                    out.append(contentsOf: u[start..<i])
                    e.withUTF8Buffer { out.append(contentsOf: $0) }
                    i += width
                    start = i
                } else {
                    i += 1
                }
            }
            out.append(contentsOf: u[start..<u.count])
            out.append(UInt8(ascii: "\""))
        }
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

    /// Where another finding is (a cause, or a consequence): id, unit, period, file, line, column,
    /// and how a consequence follows from its cause.
    static func writeRef(_ w: inout JSONWriter, _ c: FindingRef) {
        w.field("id", c.id)
        w.field("unit_code", c.unitCode)
        w.field("period", c.period)
        w.field("file", c.file)
        w.field("line", c.line)
        w.field("column", c.column)
        w.field("relation", c.relation?.rawValue)
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
            if let c = f.causedBy {
                w.beginObject("caused_by")
                writeRef(&w, c)
                w.endObject()
            } else {
                w.null("caused_by")
            }
            if !f.alsoCausedBy.isEmpty {
                w.beginArray("also_caused_by")
                for c in f.alsoCausedBy {
                    w.beginObject()
                    writeRef(&w, c)
                    w.endObject()
                }
                w.endArray()
            }
            if f.consequenceCount > 0 {
                w.field("consequence_count", f.consequenceCount)
                w.beginArray("consequences")
                for c in f.consequences {
                    w.beginObject()
                    writeRef(&w, c)
                    w.endObject()
                }
                w.endArray()
            }
            w.endObject()
            // Findings stream too: a province's can be tens of megabytes of JSON.
            w.drain()
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
        let inherited = Causes.inherited(r.findings)
        w.beginArray("verdicts")
        // The common case written from the packed keys: a coded unit whose verdict inherits
        // nothing (a `pass` never does: it has no finding above `info`).
        let list = r.verdicts
        var periodText: [UInt64: [UInt8]?] = [:]
        let verdictText: [[UInt8]] = (0...UInt8(Severity.allCases.map(\.rawValue).max() ?? 0)).map { w in
            Array((w == 0 ? Verdict.pass : Verdict(Severity(rawValue: Int(w)))).rawValue.utf8)
        }
        for i in list.indices {
            let key = list.keys[i], worst = list.worst[i]
            if key >> 62 == 0, inherited.isEmpty || worst == 0, Int(worst) < verdictText.count {
                w.drain()
                let p = key & 0x7FFF
                let text: [UInt8]?
                if let t = periodText[p] { text = t } else {
                    text = KeyPacker.period(p).map { Array($0.description.utf8) }
                    periodText[p] = .some(text)
                }
                w.codedVerdict(code: (key >> 15) & 0xFF_FFFF_FFFF, period: text, verdict: verdictText[Int(worst)])
                continue
            }
            let v = list[i]
            w.drain()
            w.beginObject()
            w.field(plain: "unit_code", v.key.unit.code)
            w.field(plain: "period", v.key.period?.description)
            if case .line(_, let l) = v.key.unit { w.field("line", l) }
            w.field(plain: "verdict", v.verdict.rawValue)
            if !inherited.isEmpty, let causes = inherited[Causes.inheritedKey(v.key.unit.code, v.key.period?.description)] {
                w.beginArray("inherits_from")
                for c in causes.prefix(Causes.listLimit) {
                    w.beginObject()
                    writeRef(&w, c)
                    w.endObject()
                }
                w.endArray()
            }
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
