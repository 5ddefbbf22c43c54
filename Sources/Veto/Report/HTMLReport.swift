/// `--format html`: one self-contained page for people — no script, no network, no external
/// font or style, printable.
///
/// - a summary (inputs, verdict counts);
/// - per-township verdict bars (inline SVG): for the county and each township, how many of its
///   own and its villages' unit-periods pass, need review, fail or are put at veto;
/// - the verdict table: one row per unit, one column per period, each cell coloured and labelled
///   with its verdict (the label keeps it readable in black and white), ordered by cause — units
///   with a cause of their own first, worst first; then units whose verdicts are inherited from a
///   cause elsewhere (hatched cells marked `↳`); then passing units;
/// - for each unit with stock-and-flow or period-link findings, a chart of the period series
///   the findings give: the figure reported against the interval it should lie in;
/// - for each digit-test finding (last digit, Benford's first and first two digits), the digits
///   counted as bars against the shares the test expects (Benford's curve, or 10 % each);
/// - every finding with its evidence (location, figures, expected, reported, likely wrong, typo),
///   grouped by unit-period, worst first.
///
/// Every input-derived string is HTML-escaped, with controls made visible and echoes bounded.
public enum HTMLReport {
    public static func render(_ r: CheckResult, lang: Language) -> String {
        let zh = lang == .zh
        var h = ""
        h += "<!DOCTYPE html>\n<html lang=\"\(zh ? "zh-CN" : "en")\">\n<head>\n<meta charset=\"utf-8\">\n"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        h += "<title>\(zh ? "veto 检查报告" : "veto check report")</title>\n<style>\n\(css)</style>\n</head>\n<body>\n"
        h += "<h1>\(zh ? "veto 检查报告" : "veto check report")</h1>\n"
        h += summary(r, zh: zh)
        h += townshipBars(r, zh: zh)
        h += verdictTable(r, zh: zh)
        h += seriesCharts(r, lang: lang)
        h += digitCharts(r, lang: lang)
        h += findingsList(r, lang: lang)
        h += "<footer>\(zh ? "由 veto 生成。“否决”（veto）是筛查结果及其证据，不是结论。" : "Written by veto. A veto is a screening result with its evidence, not a judgement.")</footer>\n"
        h += "</body>\n</html>\n"
        return h
    }

    // MARK: Parts

    static func summary(_ r: CheckResult, zh: Bool) -> String {
        var h = "<section id=\"summary\">\n<h2>\(zh ? "概况" : "Summary")</h2>\n<ul class=\"inputs\">\n"
        for i in r.inputs {
            h += "<li><code>\(esc(i.file))</code> — \(esc(i.encoding))\(i.hadBOM ? " BOM" : ""), "
            h += zh ? "\(i.lines) 行，\(i.rows) 条记录</li>\n" : "\(i.lines) lines, \(i.rows) row\(i.rows == 1 ? "" : "s")</li>\n"
        }
        for e in r.unreadable {
            h += "<li class=\"unreadable\">\(zh ? "无法读取" : "cannot read") <code>\(esc(e.path))</code>: \(esc(e.reason))</li>\n"
        }
        h += "</ul>\n<p class=\"counts\">"
        for v in Verdict.allCases.reversed() {
            let n = r.verdicts.count(v)
            h += "<span class=\"badge v-\(v.rawValue)\">\(verdictLabel(v, zh: zh)) \(n)</span> "
        }
        h += "</p>\n<p>"
        h += zh ? "发现：" : "Findings: "
        h += Severity.allCases.reversed().map { "\(severityLabel($0, zh: zh)) \(r.count($0))" }.joined(separator: zh ? "，" : ", ")
        if r.droppedFindings > 0 {
            h += zh ? "（另有 \(r.droppedFindings) 条未列出）" : " (\(r.droppedFindings) more counted, not listed)"
        }
        h += "</p>\n</section>\n"
        return h
    }

    /// Per township (and the county): a stacked bar of its own and its children's verdicts.
    static func townshipBars(_ r: CheckResult, zh: Bool) -> String {
        var groups: [String: [Verdict]] = [:]
        for (key, v) in r.verdicts {
            guard let c = key.unit.unitCode else { continue }
            let group: UnitCode
            switch c.level {
            case .village: group = c.parent ?? c
            default: group = c
            }
            groups[group.code, default: []].append(v)
        }
        guard !groups.isEmpty else { return "" }
        let codes = groups.keys.sorted()
        let rowH = 22, labelW = 300, barW = 560, top = 28
        let height = top + codes.count * rowH + 10
        let maxN = codes.map { groups[$0]?.count ?? 0 }.max() ?? 1
        var s = "<section id=\"townships\">\n<h2>\(zh ? "各乡镇判定" : "Verdicts by township")</h2>\n"
        s += "<p class=\"note\">\(zh ? "每条：乡镇（或县）本身及其村、社区的单位-期别数，按判定着色。" : "Each bar: the unit-periods of a township (or the county) and of its villages and communities, by verdict.")</p>\n"
        s += "<svg class=\"chart\" role=\"img\" width=\"\(labelW + barW + 60)\" height=\"\(height)\" viewBox=\"0 0 \(labelW + barW + 60) \(height)\" xmlns=\"http://www.w3.org/2000/svg\">\n"
        s += "<title>\(zh ? "各乡镇判定" : "Verdicts by township")</title>\n"
        var lx = labelW
        for v in Verdict.allCases {
            s += "<rect x=\"\(lx)\" y=\"6\" width=\"12\" height=\"12\" class=\"f-\(v.rawValue)\"/><text x=\"\(lx + 16)\" y=\"16\">\(verdictLabel(v, zh: zh))</text>\n"
            lx += 90
        }
        for (i, code) in codes.enumerated() {
            let vs = groups[code] ?? []
            let y = top + i * rowH
            let name = r.unitNames[code].map { " " + $0 } ?? ""
            s += "<text x=\"\(labelW - 8)\" y=\"\(y + 15)\" text-anchor=\"end\">\(esc(Safety.echo(code + name, limit: 40)))</text>\n"
            var x = Double(labelW)
            for v in Verdict.allCases {
                let n = vs.filter { $0 == v }.count
                guard n > 0 else { continue }
                let w = Double(barW) * Double(n) / Double(max(maxN, 1))
                s += "<rect class=\"f-\(v.rawValue)\" x=\"\(fmt(x))\" y=\"\(y + 3)\" width=\"\(fmt(w))\" height=\"\(rowH - 6)\" data-verdict=\"\(v.rawValue)\" data-count=\"\(n)\"><title>\(esc(code)) \(verdictLabel(v, zh: zh)) \(n)</title></rect>\n"
                x += w
            }
            s += "<text x=\"\(fmt(x + 6))\" y=\"\(y + 15)\">\(vs.count)</text>\n"
        }
        s += "</svg>\n</section>\n"
        return s
    }

    /// The verdict table, ordered by cause: first the units with a cause of their own in some
    /// period (the worst such verdict first, then by code, so a township sits above its villages),
    /// then the units whose every finding follows from a cause elsewhere, then the units that pass
    /// everywhere. A cell whose verdict is inherited is hatched and marked `↳`, its tooltip naming
    /// the cause; within each part the county → township → village indentation is kept.
    static func verdictTable(_ r: CheckResult, zh: Bool) -> String {
        guard !r.verdicts.isEmpty else { return "" }
        let periods = Array(Set(r.verdicts.compactMap { $0.key.period })).sorted()
        let hasNil = r.verdicts.contains { $0.key.period == nil }
        var byUnit: [UnitKey: [String: Verdict]] = [:]
        for (key, v) in r.verdicts { byUnit[key.unit, default: [:]][key.period?.description ?? "-"] = v }
        let inherited = Causes.inherited(r.findings)
        func heir(_ u: UnitKey, _ p: String) -> [FindingRef]? {
            inherited[Causes.inheritedKey(u.code, p == "-" ? nil : p)]
        }
        // The worst verdict a unit has from a cause of its own, and whether it inherits any.
        var ownWorst: [UnitKey: Verdict] = [:]
        var inherits: Set<UnitKey> = []
        for (u, cells) in byUnit {
            for (p, v) in cells where v != .pass {
                if heir(u, p) != nil { inherits.insert(u) } else { ownWorst[u] = max(ownWorst[u] ?? .pass, v) }
            }
        }
        let own = byUnit.keys.filter { ownWorst[$0] != nil }.sorted { a, b in
            let va = ownWorst[a] ?? .pass, vb = ownWorst[b] ?? .pass
            return va != vb ? va > vb : a < b
        }
        let heirs = byUnit.keys.filter { ownWorst[$0] == nil && inherits.contains($0) }.sorted()
        let clean = byUnit.keys.filter { ownWorst[$0] == nil && !inherits.contains($0) }.sorted()
        let columns = (hasNil ? ["-"] : []) + periods.map(\.description)
        var h = "<section id=\"verdicts\">\n<h2>\(zh ? "各单位各期别判定" : "Verdicts by unit and period")</h2>\n"
        h += "<p class=\"note\">\(zh ? "按起因排列：先列有自身起因的单位（最严重者在前），再列判定全部继承自其他单位或期别的单位（格内 ↳，斜线底纹），最后列全部通过的单位。" : "Ordered by cause: first the units with a cause of their own (worst first), then the units whose verdicts all follow from a cause elsewhere (cells marked ↳, hatched), then the units that pass everywhere.")</p>\n"
        h += "<table class=\"verdicts\">\n<thead><tr><th>\(zh ? "区划代码" : "unit code")</th><th>\(zh ? "名称" : "name")</th>"
        for p in columns { h += "<th>\(esc(p))</th>" }
        h += "</tr></thead>\n"
        let parts: [([UnitKey], String, String)] = [
            (own, zh ? "有自身起因" : "with a cause of their own", "own"),
            (heirs, zh ? "判定继承自其他单位或期别" : "verdicts inherited from a cause elsewhere", "heirs"),
            (clean, zh ? "全部通过" : "passing everywhere", "clean"),
        ]
        for (units, label, cls) in parts where !units.isEmpty {
            h += "<tbody class=\"\(cls)\">\n<tr class=\"part\"><th colspan=\"\(columns.count + 2)\">\(label)\(zh ? "（\(units.count)）" : " (\(units.count))")</th></tr>\n"
            // Units that pass everywhere are listed up to a page's worth; the rest are counted.
            let listed = cls == "clean" ? Array(units.prefix(Self.cleanRowsListed)) : units
            for u in listed {
                let level = u.unitCode?.level
                let indent = level == .village ? 2 : level == .township ? 1 : 0
                h += "<tr class=\"lvl\(indent)\"><td><code>\(esc(u.code))</code></td><td>\(esc(r.unitNames[u.code] ?? ""))</td>"
                for p in columns {
                    guard let v = byUnit[u]?[p] else { h += "<td class=\"none\">·</td>"; continue }
                    if v != .pass, let causes = heir(u, p), let first = causes.first {
                        let from = "\(first.unitCode ?? "-") \(first.period ?? "")" + (causes.count > 1 ? (zh ? " 等 \(causes.count) 处" : " and \(causes.count - 1) more") : "")
                        let tip = (zh ? "继承自 " : "inherits from ") + from
                        h += "<td class=\"v-\(v.rawValue) inh\" data-inherits=\"\(esc(first.unitCode ?? ""))\" title=\"\(esc(tip))\">↳ \(verdictLabel(v, zh: zh))</td>"
                    } else {
                        h += "<td class=\"v-\(v.rawValue)\">\(verdictLabel(v, zh: zh))</td>"
                    }
                }
                h += "</tr>\n"
            }
            if listed.count < units.count {
                let more = units.count - listed.count
                h += "<tr class=\"more\"><td colspan=\"\(columns.count + 2)\">\(zh ? "另有 \(more) 个单位全部通过，未逐一列出" : "\(more) more units pass everywhere, not listed")</td></tr>\n"
            }
            h += "</tbody>\n"
        }
        h += "</table>\n</section>\n"
        return h
    }

    /// Charts of the stock-and-flow and period-link findings: per unit and programme (`flow.reward`,
    /// `link.reward` and `link.reward_prev` share one chart), the value reported in each period
    /// against the interval the rule expected. The result carries the figures of failing rows
    /// only, so the series has the periods the findings give.
    static func seriesCharts(_ r: CheckResult, lang: Language) -> String {
        let zh = lang == .zh
        struct Point { var period: String; var id: String; var lo: Double; var hi: Double; var actual: Double; var severity: Severity }
        var order: [String] = []
        var series: [String: (unit: String, programme: String, points: [Point])] = [:]
        for f in r.findings where f.id.hasPrefix("flow.") || f.id.hasPrefix("link.") {
            guard let unit = f.unitCode, let period = f.period, let e = f.expected, let a = f.actual,
                  let (lo, hi) = interval(e), let actual = Double(a.replacingAll(",", with: "")) else { continue }
            var programme = String(f.id.drop { $0 != "." }.dropFirst())
            if programme.hasSuffix("_prev") { programme = String(programme.dropLast(5)) }
            let key = unit + "\u{0}" + programme
            if series[key] == nil { order.append(key); series[key] = (unit, programme, []) }
            series[key]?.points.append(Point(period: period, id: f.id, lo: lo, hi: hi, actual: actual, severity: f.severity))
        }
        guard !order.isEmpty else { return "" }
        var h = "<section id=\"series\">\n<h2>\(zh ? "期别序列（存量与流量、跨期衔接）" : "Period series behind stock-and-flow and period-link findings")</h2>\n"
        h += "<p class=\"note\">\(zh ? "蓝色竖条：规则要求的区间；标记：实际报告值（● 存量与流量，■ 与上期期末衔接，◆ 上年人数与上期期末）。" : "Blue bar: the interval the rule requires; mark: the figure reported (● opening + added − exited = closing, ■ closing − added + exited = last closing, ◆ opening = last closing).")</p>\n<div class=\"charts\">\n"
        for key in order.prefix(60) {
            guard let s = series[key] else { continue }
            let periods = Array(Set(s.points.map(\.period))).sorted()
            let ids = Array(Set(s.points.map(\.id))).sorted()
            let values = s.points.flatMap { [$0.lo, $0.hi, $0.actual] }
            var lo = values.min() ?? 0, hi = values.max() ?? 1
            if hi - lo < 1e-9 { lo -= 1; hi += 1 }
            let pad = (hi - lo) * 0.15
            lo -= pad; hi += pad
            let w = 360, ht = 210, left = 64, right = 16, top = 34, bottom = 34
            let plotW = Double(w - left - right), plotH = Double(ht - top - bottom)
            func y(_ v: Double) -> Double { Double(top) + plotH * (1 - (v - lo) / (hi - lo)) }
            let slot = plotW / Double(max(periods.count, 1))
            func x(_ period: String, _ id: String) -> Double {
                let p = Double(periods.firstIndex(of: period) ?? 0), k = Double(ids.firstIndex(of: id) ?? 0)
                return Double(left) + slot * p + slot * (k + 1) / Double(ids.count + 1)
            }
            let name = r.unitNames[s.unit].map { " " + $0 } ?? ""
            let title = "\(s.unit)\(name) · \(s.programme)"
            h += chartHead(width: w, height: ht, left: left, right: right, top: top, bottom: bottom,
                           title: title, titleLimit: 120, captionLimit: 48, attributes: "class=\"chart\"")
            for tick in [lo + pad, (lo + hi) / 2, hi - pad] {
                h += "<text x=\"\(left - 4)\" y=\"\(fmt(y(tick) + 4))\" text-anchor=\"end\" class=\"tick\">\(esc(number(tick)))</text>\n"
            }
            for (i, p) in periods.enumerated() {
                let cx = Double(left) + slot * (Double(i) + 0.5)
                h += "<text x=\"\(fmt(cx))\" y=\"\(ht - bottom + 16)\" text-anchor=\"middle\" class=\"tick\">\(esc(p))</text>\n"
            }
            for p in s.points {
                let cx = x(p.period, p.id), y1 = y(p.hi), y2 = y(p.lo), cy = y(p.actual)
                let cls = "f-\(Verdict(p.severity).rawValue)"
                h += "<rect class=\"expected\" x=\"\(fmt(cx - 6))\" y=\"\(fmt(y1 - 1))\" width=\"12\" height=\"\(fmt(max(y2 - y1, 0) + 2))\" data-lo=\"\(fmt(p.lo))\" data-hi=\"\(fmt(p.hi))\"><title>\(esc(p.id)) \(esc(p.period)) \(zh ? "应为" : "expected") \(esc(number(p.lo)))..\(esc(number(p.hi)))</title></rect>\n"
                let tip = "<title>\(esc(p.id)) \(esc(p.period)) \(zh ? "实报" : "reported") \(esc(number(p.actual)))</title>"
                if p.id.hasPrefix("flow.") {
                    h += "<circle class=\"\(cls)\" cx=\"\(fmt(cx))\" cy=\"\(fmt(cy))\" r=\"5\" data-actual=\"\(fmt(p.actual))\">\(tip)</circle>\n"
                } else if p.id.hasSuffix("_prev") {
                    h += "<polygon class=\"\(cls)\" points=\"\(fmt(cx)),\(fmt(cy - 6)) \(fmt(cx + 6)),\(fmt(cy)) \(fmt(cx)),\(fmt(cy + 6)) \(fmt(cx - 6)),\(fmt(cy))\" data-actual=\"\(fmt(p.actual))\">\(tip)</polygon>\n"
                } else {
                    h += "<rect class=\"\(cls)\" x=\"\(fmt(cx - 5))\" y=\"\(fmt(cy - 5))\" width=\"10\" height=\"10\" data-actual=\"\(fmt(p.actual))\">\(tip)</rect>\n"
                }
            }
            h += "</svg>\n<figcaption>\(esc(ids.joined(separator: ", ")))</figcaption></figure>\n"
        }
        h += "</div>\n"
        if order.count > 60 { h += "<p class=\"note\">\(zh ? "另有 \(order.count - 60) 个序列未画出。" : "\(order.count - 60) more series not drawn.")</p>\n" }
        h += "</section>\n"
        return h
    }

    /// Bar charts of the digit-test findings: per unit and column, the share of each digit
    /// counted (bars, coloured by the finding's severity) against the share the test expects
    /// (a line through blue points: Benford's curve, or 10 % for last digits). At most 24.
    static func digitCharts(_ r: CheckResult, lang: Language) -> String {
        let zh = lang == .zh
        let shown = r.findings.filter { $0.digits != nil }
        guard !shown.isEmpty else { return "" }
        var h = "<section id=\"digits\">\n<h2>\(zh ? "数字分布（本福特定律与末位数字）" : "Digit distributions against Benford's law and uniform last digits")</h2>\n"
        h += "<p class=\"note\">\(zh ? "柱：实际各数字所占比例；蓝线与圆点：检验预期的比例（首位数字按本福特定律，末位数字各约 10%）。" : "Bars: the share of each digit counted; blue line and points: the share the test expects (Benford's law for first digits, about 10% each for last digits).")</p>\n<div class=\"charts\">\n"
        for f in shown.prefix(24) {
            guard let d = f.digits, d.total > 0, !d.labels.isEmpty else { continue }
            let n = d.labels.count
            let w = n > 20 ? 720 : 360, ht = 220, left = 44, right = 12, top = 34, bottom = 36
            let plotW = Double(w - left - right), plotH = Double(ht - top - bottom)
            let shares = d.counts.map { Double($0) / Double(d.total) }
            let maxShare = max(shares.max() ?? 0, d.expected.max() ?? 0, 0.01) * 1.1
            func y(_ v: Double) -> Double { Double(top) + plotH * (1 - v / maxShare) }
            let slot = plotW / Double(n)
            func x(_ i: Int) -> Double { Double(left) + slot * (Double(i) + 0.5) }
            let what = d.test == "last-digit" ? (zh ? "末位数字" : "last digit") : d.test == "benford-first" ? (zh ? "首位数字" : "first digit") : (zh ? "前两位数字" : "first two digits")
            let name = f.unitCode.flatMap { r.unitNames[$0] }.map { " " + $0 } ?? ""
            let who = f.unitCode.map { $0 + name } ?? (zh ? "全表" : "whole table")
            let title = "\(who) · \(f.fields.first ?? "") · \(what) (N = \(d.total))"
            let cls = "f-\(Verdict(f.severity).rawValue)"
            h += chartHead(width: w, height: ht, left: left, right: right, top: top, bottom: bottom,
                           title: title, titleLimit: 160, captionLimit: n > 20 ? 100 : 52,
                           attributes: "class=\"chart digits\"", data: " data-test=\"\(esc(d.test))\" data-total=\"\(d.total)\"")
            for tick in [0, maxShare / 2, maxShare / 1.1] {
                h += "<text x=\"\(left - 4)\" y=\"\(fmt(y(tick) + 4))\" text-anchor=\"end\" class=\"tick\">\(esc(Words.percent(tick)))</text>\n"
            }
            for (i, label) in d.labels.enumerated() {
                let share = shares[i], bw = max(slot * 0.7, 1)
                h += "<rect class=\"\(cls)\" x=\"\(fmt(x(i) - bw / 2))\" y=\"\(fmt(y(share)))\" width=\"\(fmt(bw))\" height=\"\(fmt(max(y(0) - y(share), 0)))\" data-digit=\"\(label)\" data-count=\"\(d.counts[i])\" data-expected=\"\(fmt3(d.expected[i]))\"><title>\(label): \(d.counts[i]) (\(Words.percent(share))), \(zh ? "预期" : "expected") \(Words.percent(d.expected[i]))</title></rect>\n"
                if n <= 20 || label % 10 == 0 {
                    h += "<text x=\"\(fmt(x(i)))\" y=\"\(ht - bottom + 14)\" text-anchor=\"middle\" class=\"tick\">\(label)</text>\n"
                }
            }
            let points = d.expected.indices.map { "\(fmt(x($0))),\(fmt(y(d.expected[$0])))" }.joined(separator: " ")
            h += "<polyline class=\"benford\" points=\"\(points)\"/>\n"
            if n <= 20 {
                for i in d.expected.indices { h += "<circle class=\"benford-point\" cx=\"\(fmt(x(i)))\" cy=\"\(fmt(y(d.expected[i])))\" r=\"3\"/>\n" }
            }
            h += "</svg>\n<figcaption>\(esc(f.id)) · \(severityLabel(f.severity, zh: zh))\(f.pValue.map { " · p = " + Words.p($0) } ?? "")</figcaption></figure>\n"
        }
        h += "</div>\n"
        if shown.count > 24 { h += "<p class=\"note\">\(zh ? "另有 \(shown.count - 24) 幅未画出。" : "\(shown.count - 24) more not drawn.")</p>\n" }
        h += "</section>\n"
        return h
    }

    /// A chart's opening: the figure and SVG element, its title (whole, for tooltips and screen
    /// readers; bounded on the drawing) and its two axes.
    static func chartHead(width w: Int, height ht: Int, left: Int, right: Int, top: Int, bottom: Int,
                          title: String, titleLimit: Int, captionLimit: Int, attributes: String, data: String = "") -> String {
        var h = "<figure><svg \(attributes) role=\"img\" width=\"\(w)\" height=\"\(ht)\" viewBox=\"0 0 \(w) \(ht)\" xmlns=\"http://www.w3.org/2000/svg\"\(data)>\n"
        h += "<title>\(esc(Safety.echo(title, limit: titleLimit)))</title>\n"
        h += "<text x=\"4\" y=\"16\" class=\"t\">\(esc(Safety.echo(title, limit: captionLimit)))</text>\n"
        h += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(ht - bottom)\" class=\"axis\"/>\n"
        h += "<line x1=\"\(left)\" y1=\"\(ht - bottom)\" x2=\"\(w - right)\" y2=\"\(ht - bottom)\" class=\"axis\"/>\n"
        return h
    }

    /// How many units that pass everywhere the verdict table lists.
    static let cleanRowsListed = 60

    /// A share with 4 decimals, for data attributes.
    static func fmt3(_ d: Double) -> String { d.isFinite ? String((d * 10_000).rounded() / 10_000) : "0" }

    static func findingsList(_ r: CheckResult, lang: Language) -> String {
        let zh = lang == .zh
        var groups: [String: [Finding]] = [:]
        var order: [String] = []
        for f in r.findings {
            let key = (f.unitCode ?? "") + "\u{0}" + (f.period ?? "")
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(f)
        }
        let worst: (String) -> Severity = { k in groups[k]?.map(\.severity).max() ?? .info }
        // Ordered by cause: unit-periods with a cause of their own first (worst first), then those
        // whose every finding follows from a cause elsewhere.
        func own(_ f: Finding) -> Bool { f.causedBy.map { $0.unitCode == f.unitCode && $0.period == f.period } ?? true }
        let hasCause: (String) -> Bool = { k in groups[k]?.contains(where: own) ?? false }
        order.sort { a, b in
            if hasCause(a) != hasCause(b) { return hasCause(a) }
            return worst(a) != worst(b) ? worst(a) > worst(b) : a < b
        }
        var h = "<section id=\"findings\">\n<h2>\(zh ? "发现及证据" : "Findings and their evidence")</h2>\n"
        if order.isEmpty { h += "<p>\(zh ? "没有发现。" : "No findings.")</p>\n" }
        for key in order {
            guard let fs = groups[key], let first = fs.first else { continue }
            let unit = first.unitCode ?? (zh ? "（整个文件）" : "(whole input)")
            let name = first.unitCode.flatMap { r.unitNames[$0] } ?? ""
            h += "<article class=\"group\">\n<h3><span class=\"badge v-\(Verdict(worst(key)).rawValue)\">\(severityLabel(worst(key), zh: zh))</span> <code>\(esc(unit))</code> \(esc(name)) \(esc(first.period ?? ""))</h3>\n"
            for f in fs {
                var loc = f.file
                if let l = f.line { loc += ":\(l)" }
                if let c = f.column { loc += ":\(c)" }
                h += "<div class=\"finding s-\(f.severity.name)\">\n<p><span class=\"sev\">\(severityLabel(f.severity, zh: zh))</span> <code class=\"id\">\(esc(f.id))</code> <code class=\"loc\">\(esc(loc))</code></p>\n"
                h += "<p class=\"msg\">\(esc(f.message.text(lang), limit: TextReport.messageLimit))</p>\n"
                var rows: [(String, String)] = []
                if !f.fields.isEmpty { rows.append((zh ? "字段" : "fields", f.fields.joined(separator: ", "))) }
                for e in ReportSupport.evidence(f, lang: lang) { rows.append((e.label, e.value)) }
                rows += ReportSupport.causeRows(f, lang: lang, sameUnitToo: false)
                if !rows.isEmpty {
                    h += "<table class=\"evidence\">"
                    for (k, v) in rows { h += "<tr><th>\(esc(k))</th><td>\(esc(v))</td></tr>" }
                    h += "</table>\n"
                }
                h += "</div>\n"
            }
            h += "</article>\n"
        }
        h += "</section>\n"
        return h
    }

    // MARK: Helpers

    static func verdictLabel(_ v: Verdict, zh: Bool) -> String {
        guard zh else { return v.rawValue.uppercased() }
        switch v {
        case .pass: return "通过"
        case .review: return "待核"
        case .fail: return "不通过"
        case .veto: return "否决"
        }
    }

    static func severityLabel(_ s: Severity, zh: Bool) -> String {
        guard zh else { return s.name }
        switch s {
        case .info: return "提示"
        case .review: return "待核"
        case .fail: return "不通过"
        case .veto: return "否决"
        }
    }

    /// `a..b` (or a single number) as numbers, for drawing only.
    static func interval(_ s: String) -> (Double, Double)? {
        let t = s.replacingAll(",", with: "")
        if let r = t.range(of: "..") {
            guard let a = Double(t[..<r.lowerBound]), let b = Double(t[r.upperBound...]) else { return nil }
            return (min(a, b), max(a, b))
        }
        return Double(t).map { ($0, $0) }
    }

    static func fmt(_ d: Double) -> String {
        guard d.isFinite else { return "0" }
        return String(Double(Int((d * 10).rounded())) / 10)
    }

    static func number(_ d: Double) -> String {
        guard d.isFinite else { return "?" }
        if abs(d - d.rounded()) < 1e-9, abs(d) < 1e15 { return String(Int(d.rounded())) }
        return String(format3(d))
    }

    static func format3(_ d: Double) -> String {
        let scaled = (d * 1000).rounded() / 1000
        return "\(scaled)"
    }

    /// HTML-escaped, controls visible, bounded.
    static func esc(_ s: String, limit: Int = 400) -> String {
        XML.escape(ReportSupport.safe(s, limit: limit), attribute: true)
    }

    static let css = """
    body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; margin: 24px; color: #1a1a1a; max-width: 1100px; }
    h1 { font-size: 22px; margin: 0 0 8px; } h2 { font-size: 18px; margin: 24px 0 8px; border-bottom: 1px solid #ccc; } h3 { font-size: 15px; margin: 14px 0 6px; }
    code { font-family: "Noto Sans Mono CJK SC", "DejaVu Sans Mono", monospace; font-size: 12px; }
    .note { color: #555; font-size: 12px; }
    .badge { display: inline-block; padding: 1px 8px; border-radius: 3px; font-weight: bold; font-size: 12px; border: 1px solid #888; }
    .v-pass { background: #dff0d8; color: #1b5e20; } .v-review { background: #fff3cd; color: #7a5a00; }
    .v-fail { background: #f8d7da; color: #8b0000; } .v-veto { background: #e1bee7; color: #4a148c; }
    .f-pass { fill: #66bb6a; } .f-review { fill: #ffca28; } .f-fail { fill: #e53935; } .f-veto { fill: #8e24aa; }
    svg text { font-size: 12px; fill: #222; } svg .t { font-weight: bold; } svg .tick { font-size: 11px; fill: #444; }
    svg .axis { stroke: #888; stroke-width: 1; } svg .expected { fill: #90caf9; stroke: #1565c0; stroke-width: 1; }
    svg .benford { fill: none; stroke: #1565c0; stroke-width: 2; } svg .benford-point { fill: #1565c0; }
    table.verdicts { border-collapse: collapse; font-size: 12px; }
    table.verdicts th, table.verdicts td { border: 1px solid #bbb; padding: 2px 8px; text-align: left; }
    table.verdicts td.none { color: #aaa; text-align: center; }
    tr.lvl1 td:first-child { padding-left: 18px; } tr.lvl2 td:first-child { padding-left: 34px; }
    tr.lvl0 td { font-weight: bold; }
    tr.part th { background: #eee; font-weight: bold; text-align: left; }
    td.inh { background-image: repeating-linear-gradient(135deg, rgba(255,255,255,0.65) 0 3px, transparent 3px 7px); font-weight: normal; }
    .charts { display: flex; flex-wrap: wrap; gap: 12px; } figure { margin: 0; border: 1px solid #ddd; padding: 4px; }
    figcaption { font-size: 11px; color: #555; }
    .finding { border-left: 4px solid #999; padding: 2px 10px; margin: 6px 0; } .finding p { margin: 3px 0; }
    .s-veto { border-color: #8e24aa; } .s-fail { border-color: #e53935; } .s-review { border-color: #ffca28; } .s-info { border-color: #9e9e9e; }
    .sev { font-weight: bold; text-transform: uppercase; font-size: 12px; }
    table.evidence { font-size: 12px; border-collapse: collapse; margin: 4px 0; } table.evidence th { text-align: left; padding-right: 12px; color: #555; font-weight: normal; }
    .unreadable { color: #8b0000; } footer { margin-top: 32px; font-size: 11px; color: #666; }
    @media print { body { margin: 8mm; max-width: none; } * { -webkit-print-color-adjust: exact; print-color-adjust: exact; } article, figure, tr { break-inside: avoid; } }

    """
}
