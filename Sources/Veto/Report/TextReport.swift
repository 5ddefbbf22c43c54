/// `--format text`: findings grouped by unit and period, then those about an input as a
/// whole, then the tallies. Locations are `file:line:column` so editors can jump to them.
///
/// Every string that comes from an input (file names, unit names and codes, periods,
/// messages that quote cells, expected and actual values) goes through ``Safety``: control
/// characters are shown as escapes, never sent to the terminal, and echoed values are bounded.
public enum TextReport {
    /// Input-derived text for the report: escaped for a terminal and at most `limit` characters.
    static func safe(_ s: String, limit: Int = 80) -> String {
        Safety.terminal(Safety.echo(s, limit: limit))
    }

    /// The longest message shown; messages quote bounded cells, this only guards against more.
    static let messageLimit = 2_000

    public struct Style: Sendable {
        public var color: Bool
        public var showInfo: Bool
        public init(color: Bool, showInfo: Bool = true) {
            self.color = color
            self.showInfo = showInfo
        }
    }

    public static func render(_ r: CheckResult, lang: Language, style: Style) -> String {
        let zh = lang == .zh
        var out = ""
        func paint(_ s: String, _ code: String) -> String { style.color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
        func sev(_ s: Severity) -> String {
            let code = switch s { case .veto: "1;35"; case .fail: "1;31"; case .review: "33"; case .info: "2" }
            return paint(s.name.padding(6), code)
        }
        func verdict(_ v: Verdict) -> String {
            let code = switch v { case .veto: "1;35"; case .fail: "1;31"; case .review: "33"; case .pass: "32" }
            return paint(v.rawValue.uppercased(), code)
        }
        func location(_ f: Finding) -> String {
            var s = safe(f.file, limit: 400)
            if let l = f.line { s += ":\(l)" }
            if let c = f.column { s += ":\(c)" }
            return s
        }
        func line(_ f: Finding) -> String {
            var s = "  \(sev(f.severity)) \(location(f))  \(paint(safe(f.id), "1"))  \(safe(f.message.text(lang), limit: messageLimit))"
            var ev: [String] = []
            if let e = f.expected, f.kind == .rule, f.severity > .info { ev.append((zh ? "应为 " : "expected ") + safe(e)) }
            if let a = f.actual, f.kind == .rule { ev.append((zh ? "实报 " : "actual ") + safe(a)) }
            if let lw = f.likelyWrong, !lw.isEmpty { ev.append((zh ? "最可能有误 " : "likely wrong ") + safe(lw.joined(separator: ", "), limit: 400)) }
            if let t = f.typo { ev.append((zh ? "疑似笔误 " : "typo? ") + safe("\(t.field) → \(t.corrected)")) }
            if !ev.isEmpty { s += paint("  [" + ev.joined(separator: "; ") + "]", "2") }
            return s + "\n"
        }

        let shown = r.findings.filter { style.showInfo || $0.severity > .info }
        // Inputs.
        for i in r.inputs {
            let file = safe(i.file, limit: 400), encoding = safe(i.encoding), delimiter = safe(i.delimiter)
            let note = zh
                ? "\(file)：\(encoding)\(i.hadBOM ? "（带 BOM）" : "")，分隔符 “\(delimiter)”，\(i.lines) 行，\(i.rows) 条记录"
                : "\(file): \(encoding)\(i.hadBOM ? " with BOM" : ""), delimiter '\(delimiter)', \(i.lines) lines, \(i.rows) row\(i.rows == 1 ? "" : "s")"
            out += paint(note, "2") + "\n"
        }
        for e in r.unreadable {
            out += paint((zh ? "无法读取 " : "cannot read ") + safe(e.description, limit: 600), "1;31") + "\n"
        }
        out += "\n"

        // Per unit-period.
        var byKey: [String: [Finding]] = [:]
        var loose: [Finding] = []
        // Detector findings about a unit over every period: shown under its first unit-period listed.
        var spanning: [String: [Finding]] = [:]
        for f in shown {
            if f.kind == .detector, f.period == nil, let u = f.unitCode { spanning[u, default: []].append(f); continue }
            if let u = f.unitCode, !(f.count.map { $0 > 1 } ?? false) { byKey["\(u) \(f.period ?? "-")", default: []].append(f) } else { loose.append(f) }
        }
        for (key, v) in r.verdicts {
            let k = "\(key.unit.code) \(key.period?.description ?? "-")"
            let across = spanning.removeValue(forKey: key.unit.code) ?? []
            let fs = across + (byKey[k] ?? [])
            guard !fs.isEmpty || v != .pass else { continue }
            let name = r.unitNames[key.unit.code].map { "  " + safe($0) } ?? ""
            out += "\(paint(safe(key.unit.code), "1"))\(name)  \(safe(key.period?.description ?? ""))  \(verdict(v))\n"
            for f in fs { out += line(f) }
            out += "\n"
        }
        loose += spanning.keys.sorted().flatMap { spanning[$0] ?? [] }
        if !loose.isEmpty {
            out += paint(zh ? "与具体单位无关的问题" : "About the inputs (not tied to a unit and period)", "1") + "\n"
            for f in loose { out += line(f) }
            out += "\n"
        }
        if r.droppedFindings > 0 {
            out += (zh ? "另有 \(r.droppedFindings) 条问题未列出（超过上限，按严重程度保留）：" : "\(r.droppedFindings) more findings not listed (over --max-findings; the most severe are kept):") + "\n"
            for d in r.dropped.sorted(by: { ($0.severity, $0.count) > ($1.severity, $1.count) }).prefix(20) {
                out += "  \(d.severity.name.padding(6)) \(d.id)  ×\(d.count)\n"
            }
        }

        // Tallies.
        let counts = Verdict.allCases.map { v in (v, r.verdicts.count(v)) }
        let verdictLine = counts.map { "\($0.0.rawValue) \($0.1)" }.joined(separator: ", ")
        let checked = r.rules.filter { !r.noteRules.contains($0.id) }.reduce(into: RuleTally()) { acc, x in
            acc.holds += x.tally.holds; acc.fails += x.tally.fails; acc.notChecked += x.tally.notChecked
            acc.notApplicable += x.tally.notApplicable
        }
        if zh {
            out += "单位-期别 \(r.verdicts.count) 个：\(verdictLine)\n"
            out += "规则检查：成立 \(checked.holds)，不成立 \(checked.fails)，未检查（数据缺失）\(checked.notChecked)，不适用 \(checked.notApplicable)\n"
        } else {
            out += "\(r.verdicts.count) unit-period\(r.verdicts.count == 1 ? "" : "s"): \(verdictLine)\n"
            out += "rule checks: \(checked.holds) hold, \(checked.fails) fail, \(checked.notChecked) not checked (figures missing), \(checked.notApplicable) not applicable\n"
        }
        return out
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
