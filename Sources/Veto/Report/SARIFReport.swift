import VetoCSV

/// `--format sarif`: a SARIF 2.1.0 log for code scanning (GitHub, GitLab, Azure DevOps).
///
/// One run. The driver lists one rule descriptor per rule of the rule set and per other finding
/// id present (input findings, notes of a rule), each with `shortDescription`,
/// `fullDescription` and `help` (the text of `veto explain`). One result per finding, located
/// at its CSV file, physical line and a text column: `columnKind` is `unicodeCodePoints`, and
/// `startColumn`/`endColumn` are computed from the field number and the line's text, read again
/// once per input for the lines findings name (``SourceLines``). Where the line cannot be read
/// again (standard input) `startColumn` is 1 and the result's `columnNote` property says so.
///
/// A cause lists its consequences as `relatedLocations` (and a consequence its cause), with the
/// `causedBy` / `consequenceCount` properties.
///
/// Levels: `veto` and `fail` → `error`, `review` → `warning`, `info` → `note`.
/// `partialFingerprints["vetoFinding/v1"]` hashes rule, file, unit code, period and fields —
/// never the line — so an alert survives rows being reordered or inserted above it.
/// At most ``resultLimit`` results (GitHub's cap per run), the most severe first; the run's
/// properties and a tool notification say how many were left out.
public enum SARIFReport {
    public static let resultLimit = 25_000
    public static let schemaURI = "https://json.schemastore.org/sarif-2.1.0.json"
    public static let fingerprintKey = "vetoFinding/v1"

    public static func level(_ s: Severity) -> String {
        switch s {
        case .veto, .fail: "error"
        case .review: "warning"
        case .info: "note"
        }
    }

    public static func render(_ r: CheckResult, rules: RuleSet, standards: StandardsTable, lang: Language,
                              toolVersion: String? = nil, limit: Int = resultLimit,
                              lines: LineReader? = nil) -> String {
        let safe = { (s: String) in ReportSupport.safe(s) }
        let (kept, left) = ReportSupport.capped(r.findings, cap: max(limit, 0))
        let shown = kept.map { r.findings[$0] }
        let locations = ReportSupport.textLocations(shown, inputs: r.inputs, read: lines ?? ReportSupport.diskLines)
        let descriptors = Self.descriptors(r, rules: rules, standards: standards, lang: lang)
        var ruleIndex: [String: Int] = [:]
        for (i, d) in descriptors.enumerated() { ruleIndex[d.id] = i }
        var shownAt: [String: Int] = [:]
        for (n, f) in shown.enumerated() where shownAt[refKey(Causes.ref(f))] == nil { shownAt[refKey(Causes.ref(f))] = n }
        var artifactIndex: [String: Int] = [:]
        for (i, input) in r.inputs.enumerated() where artifactIndex[input.file] == nil { artifactIndex[input.file] = i }

        var w = JSONWriter()
        w.beginObject()
        w.field("$schema", schemaURI)
        w.field("version", "2.1.0")
        w.beginArray("runs")
        w.beginObject()

        w.beginObject("tool")
        w.beginObject("driver")
        w.field("name", "veto")
        if let v = toolVersion { w.field("semanticVersion", v) }
        w.beginArray("rules")
        for d in descriptors {
            w.beginObject()
            w.field("id", d.id)
            w.beginObject("shortDescription"); w.field("text", d.short); w.endObject()
            w.beginObject("fullDescription"); w.field("text", d.full); w.endObject()
            w.beginObject("help"); w.field("text", d.help); w.endObject()
            w.beginObject("defaultConfiguration"); w.field("level", level(d.severity)); w.endObject()
            w.beginObject("properties")
            w.field("tags", strings: ["veto", d.kind])
            w.field("severity", d.severity.name)
            w.endObject()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        w.endObject()

        w.field("columnKind", "unicodeCodePoints")

        w.beginArray("artifacts")
        for input in r.inputs {
            w.beginObject()
            w.beginObject("location"); w.field("uri", ReportSupport.uri(input.file)); w.endObject()
            w.field("length", Int(clamping: input.bytes))
            w.field("mimeType", "text/csv")
            w.field("encoding", input.encoding)
            w.field("roles", strings: ["analysisTarget"])
            w.endObject()
        }
        w.endArray()

        w.beginArray("invocations")
        w.beginObject()
        w.field("executionSuccessful", r.unreadable.isEmpty)
        w.beginArray("toolExecutionNotifications")
        for e in r.unreadable {
            w.beginObject()
            w.beginObject("message"); w.field("text", safe("cannot read \(e.description)")); w.endObject()
            w.field("level", "error")
            w.beginArray("locations")
            w.beginObject()
            w.beginObject("physicalLocation")
            w.beginObject("artifactLocation"); w.field("uri", ReportSupport.uri(e.path)); w.endObject()
            w.endObject()
            w.endObject()
            w.endArray()
            w.endObject()
        }
        if left > 0 || r.droppedFindings > 0 {
            w.beginObject()
            let text = "\(left + r.droppedFindings) findings are not in this log (at most \(limit) results per run, the most severe first; --max-findings kept \(r.findings.count) of \(r.findings.count + r.droppedFindings))"
            w.beginObject("message"); w.field("text", text); w.endObject()
            w.field("level", "warning")
            w.endObject()
        }
        w.endArray()
        w.endObject()
        w.endArray()

        w.beginArray("results")
        for (n, f) in shown.enumerated() {
            w.beginObject()
            w.field("ruleId", f.id)
            if let i = ruleIndex[f.id] { w.field("ruleIndex", i) }
            w.field("level", level(f.severity))
            w.beginObject("message"); w.field("text", ReportSupport.messageWithEvidence(f, lang: lang)); w.endObject()
            w.beginArray("locations")
            w.beginObject()
            w.beginObject("physicalLocation")
            w.beginObject("artifactLocation")
            w.field("uri", ReportSupport.uri(f.file))
            if let i = artifactIndex[f.file] { w.field("index", i) }
            w.endObject()
            if let line = f.line, line >= 1 {
                w.beginObject("region")
                w.field("startLine", line)
                switch locations[n] {
                case .span(let s, let e):
                    w.field("startColumn", s)
                    if e > s { w.field("endColumn", e) }
                case .fallback:
                    w.field("startColumn", 1)
                case .none:
                    break
                }
                w.endObject()
            }
            w.endObject()
            if let unit = f.unitCode {
                w.beginArray("logicalLocations")
                w.beginObject()
                w.field("name", safe(unit))
                w.field("fullyQualifiedName", safe(unit + (f.period.map { "/" + $0 } ?? "")))
                w.field("kind", "module")
                w.endObject()
                w.endArray()
            }
            w.endObject()
            w.endArray()
            // A cause's consequences, and a consequence's cause, as related locations.
            let related = f.causedBy.map { [$0] + f.alsoCausedBy } ?? f.consequences
            if !related.isEmpty {
                w.beginArray("relatedLocations")
                for (k, c) in related.enumerated() {
                    w.beginObject()
                    w.field("id", k)
                    w.beginObject("physicalLocation")
                    w.beginObject("artifactLocation")
                    w.field("uri", ReportSupport.uri(c.file))
                    if let i = artifactIndex[c.file] { w.field("index", i) }
                    w.endObject()
                    if let line = c.line, line >= 1 {
                        w.beginObject("region")
                        w.field("startLine", line)
                        if let m = shownAt[refKey(c)], case .span(let s, let e) = locations[m] {
                            w.field("startColumn", s)
                            if e > s { w.field("endColumn", e) }
                        }
                        w.endObject()
                    }
                    w.endObject()
                    w.beginObject("message")
                    w.field("text", safe(relatedText(c, consequence: f.causedBy == nil, lang: lang)))
                    w.endObject()
                    w.endObject()
                }
                w.endArray()
            }
            w.beginObject("partialFingerprints")
            w.field(fingerprintKey, ReportSupport.fingerprint([f.id, f.file, f.unitCode ?? "", f.period ?? "", f.fields.joined(separator: ",")]))
            w.endObject()
            w.beginObject("properties")
            w.field("severity", f.severity.name)
            w.field("kind", f.kind.rawValue)
            w.field("unitCode", f.unitCode.map(safe))
            if let u = f.unitCode, let name = r.unitNames[u] { w.field("unitName", safe(name)) }
            w.field("period", f.period.map(safe))
            w.field("fieldNumber", f.column)
            w.field("fields", strings: f.fields.map(safe))
            w.field("expected", f.expected.map(safe))
            w.field("actual", f.actual.map(safe))
            w.field("likelyWrong", strings: f.likelyWrong?.map(safe))
            if let t = f.typo {
                w.beginObject("typo")
                w.field("field", safe(t.field)); w.field("kind", t.kind); w.field("corrected", safe(t.corrected))
                w.endObject()
            }
            if let p = f.pValue { w.field("pValue", p) }
            if let c = f.count { w.field("count", c) }
            if let c = f.causedBy { w.field("causedBy", safe(refKey(c, display: true))) }
            if f.consequenceCount > 0 { w.field("consequenceCount", f.consequenceCount) }
            if case .fallback(let why) = locations[n] { w.field("columnNote", why) }
            w.endObject()
            w.endObject()
        }
        w.endArray()

        w.beginObject("properties")
        w.field("resultsLeftOut", left)
        w.field("findingsDropped", r.droppedFindings)
        w.beginObject("verdicts")
        for v in Verdict.allCases { w.field(v.rawValue, r.verdicts.count(v)) }
        w.endObject()
        w.endObject()

        w.endObject()
        w.endArray()
        w.endObject()
        return w.out + "\n"
    }

    static func refKey(_ c: FindingRef, display: Bool = false) -> String {
        display ? "\(c.id) \(c.unitCode ?? "-") \(c.period ?? "-")"
            : "\(c.file)\t\(c.line ?? 0)\t\(c.column ?? 0)\t\(c.id)\t\(c.unitCode ?? "")\t\(c.period ?? "")"
    }

    /// The message of a related location: a consequence of this result, or its cause.
    static func relatedText(_ c: FindingRef, consequence: Bool, lang: Language) -> String {
        let at = "\(c.unitCode ?? "-") \(c.period ?? "")"
        switch (consequence, lang) {
        case (true, .zh): return "由此导致：\(c.id)（\(at)）"
        case (true, .en): return "consequence: \(c.id) at \(at)"
        case (false, .zh): return "起因：\(c.id)（\(at)）"
        case (false, .en): return "caused by \(c.id) at \(at)"
        }
    }

    struct Descriptor {
        var id: String
        var short: String
        var full: String
        var help: String
        var severity: Severity
        var kind: String
    }

    /// Every rule of the set, then every other id the findings use, in first-seen order.
    static func descriptors(_ r: CheckResult, rules: RuleSet, standards: StandardsTable, lang: Language) -> [Descriptor] {
        var out: [Descriptor] = []
        var seen = Set<String>()
        func help(_ id: String, _ fallback: String) -> String {
            let text = Explain.text(id, rules: rules, standards: standards, lang: lang) ?? fallback
            return Safety.terminal(Safety.echo(text, limit: 8_000), keepNewlines: true)
        }
        for rule in rules.rules where seen.insert(rule.id).inserted {
            let short = Safety.echo(rule.message.text(lang), limit: 400)
            var full = short + ". assert: " + rule.assertText
            if let wt = rule.whenText { full += "; when: " + wt }
            full += "; severity " + rule.severity.name
            out.append(Descriptor(id: rule.id, short: Safety.terminal(short), full: Safety.terminal(Safety.echo(full, limit: 2_000)),
                                  help: help(rule.id, full), severity: rule.severity, kind: "rule"))
        }
        for f in r.findings where seen.insert(f.id).inserted {
            let short: String, full: String
            if let e = Explain.inputFindings.first(where: { $0.id == f.id }) {
                short = lang == .zh ? e.zh : e.en
                full = short
            } else if let parent = rules.rules.first(where: { f.id.hasPrefix($0.id + ".") }) {
                short = Safety.echo(parent.message.text(lang), limit: 400) + (lang == .zh ? "（说明）" : " (note)")
                full = short + ". " + (lang == .zh ? "规则 " : "A note of rule ") + parent.id + ": " + parent.assertText
            } else {
                short = f.id
                full = f.id
            }
            out.append(Descriptor(id: f.id, short: Safety.terminal(short), full: Safety.terminal(full),
                                  help: help(f.id, full), severity: f.severity, kind: f.kind.rawValue))
        }
        return out
    }
}
