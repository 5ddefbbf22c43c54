/// `--format text`: causes first, worst first (county → township → village within a severity):
/// each unit-period with findings of its own, one `file:line:column: severity[id]: message` line
/// a finding with its figures beneath, then its consequences elsewhere folded into one "also
/// breaks" line. Then the unit-periods whose every finding follows from a cause elsewhere, each
/// saying which it inherits from; the findings about an input as a whole; the tallies and a
/// summary per verdict. Locations are `file:line:column` so editors can jump to them. Tables
/// are aligned by terminal width (``displayWidth``: CJK counts two).
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
            return paint(s.name, code)
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
            var s = "  \(location(f)): \(sev(f.severity))[\(paint(safe(f.id), "1"))]: \(safe(f.message.text(lang), limit: messageLimit))"
            var ev: [String] = []
            if let e = f.expected, f.kind == .rule, f.severity > .info { ev.append((zh ? "应为 " : "expected ") + safe(e)) }
            if let a = f.actual, f.kind == .rule { ev.append((zh ? "实报 " : "actual ") + safe(a)) }
            if let lw = f.likelyWrong, !lw.isEmpty { ev.append((zh ? "最可能有误 " : "likely wrong ") + safe(lw.joined(separator: ", "), limit: 400)) }
            if let t = f.typo { ev.append((zh ? "疑似笔误 " : "typo? ") + safe("\(t.field) → \(t.corrected)")) }
            if !ev.isEmpty { s += "\n      " + paint(ev.joined(separator: zh ? "；" : "; "), "2") }
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

        // Per unit-period: a finding is its unit-period's own unless it follows from a cause in
        // another unit-period; those are folded into their cause's "also breaks" line.
        func key(_ u: String, _ p: String?) -> String { Causes.inheritedKey(u, p) }
        func own(_ f: Finding) -> Bool {
            guard let c = f.causedBy else { return true }
            return c.unitCode == f.unitCode && c.period == f.period
        }
        var byKey: [String: [Finding]] = [:]
        var loose: [Finding] = []
        // Detector findings about a unit over every period: shown under its first unit-period listed.
        var spanning: [String: [Finding]] = [:]
        for f in shown {
            if f.kind == .detector, f.period == nil, let u = f.unitCode { spanning[u, default: []].append(f); continue }
            if let u = f.unitCode, !(f.count.map { $0 > 1 } ?? false) { byKey[key(u, f.period), default: []].append(f) } else { loose.append(f) }
        }
        let inherited = Causes.inherited(shown)
        struct Group {
            var unit: String
            var period: String?
            var verdict: Verdict
            var order: Int
            var level: Int
            var worst: Severity
            var findings: [Finding]
        }
        var groups: [Group] = []
        var heirs: [Group] = []
        for (n, (k, v)) in r.verdicts.enumerated() {
            let period = k.period?.description
            let kk = key(k.unit.code, period)
            // A detector's finding about a unit over every period goes with its first unit-period.
            let across = spanning.removeValue(forKey: k.unit.code) ?? []
            let fs = across + (byKey[kk] ?? [])
            guard !fs.isEmpty else { continue }
            let level = (try? UnitCode.parse(k.unit.code).get().level.rank) ?? 9
            let mine = fs.filter(own)
            let g = Group(unit: k.unit.code, period: period, verdict: v, order: n, level: level,
                          worst: mine.map(\.severity).max() ?? .info, findings: mine)
            if !mine.isEmpty { groups.append(g) } else if inherited[kk] != nil { heirs.append(g) }
        }
        // Worst first; within a severity county → township → village, then the verdicts' order.
        groups.sort { ($0.worst, -$0.level, -$0.order) > ($1.worst, -$1.level, -$1.order) }
        heirs.sort { ($0.level, $0.order) < ($1.level, $1.order) }

        func levelName(_ code: String?) -> String {
            guard let code, let l = try? UnitCode.parse(code).get().level else { return "" }
            switch l {
            case .province: return zh ? "省" : "province"
            case .city: return zh ? "市" : "city"
            case .county: return zh ? "县" : "county"
            case .township: return zh ? "乡镇" : "township"
            case .village: return zh ? "村" : "village"
            }
        }
        func relationName(_ r: FindingRef.Relation?) -> String {
            switch r {
            case .sum?: zh ? "合计" : "sums"
            case .link?: zh ? "期初数" : "opening stock"
            case .sameRow?, nil: zh ? "本行规则" : "row rules"
            }
        }
        /// "township 623021003000 2018 sums (hier.reward_total); 2019 opening stock (link.reward_prev)".
        func alsoBreaks(_ causes: [Finding], unit: String, period: String?) -> String? {
            var items: [(unit: String?, period: String?, relations: [FindingRef.Relation?], ids: [String])] = []
            var listed = 0, total = 0
            for c in causes where c.consequenceCount > 0 {
                total += c.consequenceCount
                for ref in c.consequences where !(ref.unitCode == unit && ref.period == period) {
                    listed += 1
                    if let i = items.firstIndex(where: { $0.unit == ref.unitCode && $0.period == ref.period }) {
                        if !items[i].relations.contains(ref.relation) { items[i].relations.append(ref.relation) }
                        if !items[i].ids.contains(ref.id) { items[i].ids.append(ref.id) }
                    } else {
                        items.append((ref.unitCode, ref.period, [ref.relation], [ref.id]))
                    }
                }
                listed += c.consequences.filter { $0.unitCode == unit && $0.period == period }.count
            }
            guard !items.isEmpty else { return nil }
            // County → township → village, then period (the causes of a group each listed theirs so).
            func rank(_ code: String?) -> Int { code.flatMap { try? UnitCode.parse($0).get().level.rank } ?? 9 }
            items = items.enumerated().sorted { a, b in
                let x = a.element, y = b.element
                if rank(x.unit) != rank(y.unit) { return rank(x.unit) < rank(y.unit) }
                if (x.unit ?? "") != (y.unit ?? "") { return (x.unit ?? "") < (y.unit ?? "") }
                if let p = x.period.flatMap({ Period.parse($0) }), let q = y.period.flatMap({ Period.parse($0) }), p != q { return p < q }
                return a.offset < b.offset
            }.map(\.element)
            // Consecutive periods of one unit broken the same way fold into a range (2019–2023).
            var folded: [(unit: String?, periods: [String?], relations: [FindingRef.Relation?], ids: [String])] = []
            for it in items {
                if let last = folded.last, last.unit == it.unit, last.relations == it.relations, last.ids == it.ids,
                   let lp = last.periods.last ?? nil, let p = Period.parse(lp),
                   let q = it.period.flatMap({ Period.parse($0) }), p.next == q {
                    folded[folded.count - 1].periods.append(it.period)
                } else {
                    folded.append((it.unit, [it.period], it.relations, it.ids))
                }
            }
            let parts = folded.map { it -> String in
                var s = ""
                if it.unit != unit { s += "\(levelName(it.unit)) \(safe(it.unit ?? "-")) " }
                let first = safe((it.periods.first ?? nil) ?? "-"), last = safe((it.periods.last ?? nil) ?? "-")
                s += (it.periods.count > 1 ? "\(first)–\(last)" : first) + " " + it.relations.map(relationName).joined(separator: zh ? "、" : ", ")
                s += zh ? "（\(safe(it.ids.joined(separator: ", "), limit: 200))）" : " (\(safe(it.ids.joined(separator: ", "), limit: 200)))"
                return s
            }
            var text = (zh ? "另致：" : "also breaks: ") + parts.joined(separator: zh ? "；" : "; ")
            if total > listed { text += zh ? "；另有 \(total - listed) 条" : "; and \(total - listed) more" }
            return text
        }
        func header(_ g: Group) -> String {
            let name = r.unitNames[g.unit].map { "  " + safe($0) } ?? ""
            return "\(paint(safe(g.unit), "1"))\(name)  \(safe(g.period ?? ""))  \(verdict(g.verdict))"
        }

        for g in groups {
            out += header(g) + "\n"
            for f in g.findings { out += line(f) }
            if let also = alsoBreaks(g.findings, unit: g.unit, period: g.period) { out += "  " + paint(also, "2") + "\n" }
            out += "\n"
        }
        if !heirs.isEmpty {
            out += paint(zh ? "继承的判定（各自的问题均由上列起因导致）" : "Inherited verdicts (every finding follows from a cause above)", "1") + "\n"
            let rows = heirs.map { g -> [String] in
                let cs = inherited[key(g.unit, g.period)] ?? []
                let n = byKey[key(g.unit, g.period)]?.filter { $0.severity > .info }.count ?? 0
                var from = cs.prefix(3).map { "\(safe($0.unitCode ?? "-")) \(safe($0.period ?? ""))" }.joined(separator: zh ? "、" : ", ")
                if cs.count > 3 { from += zh ? " 等 \(cs.count) 处" : " and \(cs.count - 3) more" }
                return [safe(g.unit), r.unitNames[g.unit].map { safe($0, limit: 40) } ?? "", safe(g.period ?? ""),
                        g.verdict.rawValue.uppercased(),
                        zh ? "继承自 \(from)（\(n) 条）" : "inherits from \(from) (\(n) finding\(n == 1 ? "" : "s"))"]
            }
            for row in Self.table(rows, indent: "  ") { out += row + "\n" }
            out += "\n"
        }
        loose += spanning.keys.sorted().flatMap { spanning[$0] ?? [] }
        if !loose.isEmpty {
            out += paint(zh ? "与具体单位无关的问题" : "About the inputs (not tied to a unit and period)", "1") + "\n"
            for f in loose { out += line(f) }
            out += "\n"
        }
        var perVerdict: [Verdict: (own: Int, inherited: Int)] = [:]
        for g in groups { perVerdict[g.verdict, default: (0, 0)].own += 1 }
        for g in heirs { perVerdict[g.verdict, default: (0, 0)].inherited += 1 }
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
        // Per verdict: how many unit-periods, how many with a cause of their own, how many inherit.
        let head = zh ? ["判定", "单位-期别", "自身起因", "继承"] : ["verdict", "unit-periods", "own causes", "inherited"]
        var rows = [head]
        for (v, n) in counts.reversed() {
            let p = perVerdict[v] ?? (0, 0)
            rows.append([v.rawValue.uppercased(), "\(n)", v == .pass ? "" : "\(p.own)", v == .pass ? "" : "\(p.inherited)"])
        }
        let table = Self.table(rows, indent: "  ")
        if zh {
            out += "单位-期别 \(r.verdicts.count) 个：\(verdictLine)\n"
            out += "规则检查：成立 \(checked.holds)，不成立 \(checked.fails)，未检查（数据缺失）\(checked.notChecked)，不适用 \(checked.notApplicable)\n"
        } else {
            out += "\(r.verdicts.count) unit-period\(r.verdicts.count == 1 ? "" : "s"): \(verdictLine)\n"
            out += "rule checks: \(checked.holds) hold, \(checked.fails) fail, \(checked.notChecked) not checked (figures missing), \(checked.notApplicable) not applicable\n"
        }
        for row in table { out += row + "\n" }
        return out
    }
}

extension TextReport {
    /// Columns a string takes on a terminal: East Asian wide and full-width characters (汉字,
    /// full-width digits and punctuation, Hangul) count two, combining marks and zero-width
    /// characters none, everything else one.
    public static func displayWidth(_ s: String) -> Int {
        var w = 0
        for u in s.unicodeScalars {
            let v = u.value
            switch u.properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .format: continue
            default: break
            }
            if v == 0x200B || (0x1160...0x11FF).contains(v) { continue }
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0x303E).contains(v) || (0x3041...0x33FF).contains(v)
                || (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0xA000...0xA4CF).contains(v)
                || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v)
                || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v)
                || (0x1F900...0x1F9FF).contains(v) || (0x20000...0x2FFFD).contains(v) || (0x30000...0x3FFFD).contains(v)
            w += wide ? 2 : 1
        }
        return w
    }

    /// `s` padded with spaces to `width` terminal columns (``displayWidth``); never cut.
    public static func pad(_ s: String, to width: Int) -> String {
        let w = displayWidth(s)
        return w >= width ? s : s + String(repeating: " ", count: width - w)
    }

    /// Rows aligned in columns by terminal width (the last column is not padded; a column empty
    /// on every row is left out).
    static func table(_ rows: [[String]], indent: String = "") -> [String] {
        let width = rows.map(\.count).max() ?? 0
        let keep = (0..<width).filter { c in rows.contains { c < $0.count && !$0[c].isEmpty } }
        let rows = rows.map { row in keep.compactMap { $0 < row.count ? row[$0] : "" } }
        let n = keep.count
        var widths = [Int](repeating: 0, count: n)
        for row in rows { for (i, c) in row.enumerated() { widths[i] = max(widths[i], displayWidth(c)) } }
        return rows.map { row in
            var line = indent
            for (i, c) in row.enumerated() {
                line += i == row.count - 1 ? c : pad(c, to: widths[i]) + "  "
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
