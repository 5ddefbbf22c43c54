/// `--format junit`: JUnit XML (the Jenkins/xunit `junit-10.xsd` dialect that GitLab, Jenkins,
/// Azure DevOps and GitHub test-report actions read).
///
/// One `<testsuite>` per input file. In it, one `<testcase>` per rule × unit that has findings
/// in that file (`classname` = file and unit code, `name` = the rule or finding id, so the pair
/// is unique in the whole document — GitLab drops repeated pairs), with one `<failure>` per
/// finding at or above the failing severity (`--fail-on`, default `fail`; `veto` findings
/// always fail). A finding below it (a `review` under the default, an `info` note) does not
/// fail its test case: it is written in the case's `<system-out>`, so a test report is red
/// exactly when `veto check` exits 1. Findings about an input as a whole are cases of class
/// `file`. A last suite, `veto rules`, has one passing case per rule that held everywhere it
/// was decided and a `<skipped>` case per rule that was never decided (figures missing or not
/// applicable); a rule that failed appears in the file suites instead.
///
/// A finding that follows from another says so in its body (`caused by id unit period (file:line)`),
/// and a cause lists its consequences, as the text report does.
///
/// Text is escaped for XML; characters XML 1.0 cannot carry (controls, U+FFFE/U+FFFF) are made
/// visible as `\xHH`; echoes are bounded.
public enum JUnitReport {
    public static func render(_ r: CheckResult, lang: Language, failAt threshold: Severity? = .fail) -> String {
        let fails: (Severity) -> Bool = { s in s == .veto || threshold.map { s >= $0 } ?? false }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        var suites: [String] = []
        var totalTests = 0, totalFailures = 0, totalSkipped = 0

        // Files in input order, then files that only findings name.
        var files = r.inputs.map(\.file)
        for e in r.unreadable where !files.contains(e.path) { files.append(e.path) }
        for f in r.findings where !files.contains(f.file) { files.append(f.file) }

        for file in files {
            let mine = r.findings.filter { $0.file == file }
            // Cases: rule × unit, in order of first appearance.
            var order: [String] = []
            var cases: [String: (classname: String, name: String, findings: [Finding])] = [:]
            for f in mine {
                let unit = f.unitCode ?? ""
                let key = f.id + "\u{0}" + unit
                if cases[key] == nil {
                    order.append(key)
                    let classname = unit.isEmpty ? file : file + ":" + unit
                    cases[key] = (classname, f.id, [])
                }
                cases[key]?.findings.append(f)
            }
            var body = ""
            var failures = 0
            if let input = r.inputs.first(where: { $0.file == file }) {
                body += "    <properties>\n"
                body += property("encoding", input.encoding + (input.hadBOM ? " with BOM" : ""))
                body += property("delimiter", input.delimiter)
                body += property("rows", String(input.rows))
                body += property("lines", String(input.lines))
                body += property("bytes", String(input.bytes))
                body += "    </properties>\n"
            }
            var tests = 0
            if let e = r.unreadable.first(where: { $0.path == file }) {
                tests += 1
                body += "    <testcase classname=\"\(attr(file))\" name=\"read\">\n"
                body += "      <error type=\"unreadable\" message=\"\(attr(ReportSupport.safe(e.reason)))\"/>\n"
                body += "    </testcase>\n"
            }
            for key in order {
                guard let c = cases[key] else { continue }
                tests += 1
                body += "    <testcase classname=\"\(attr(ReportSupport.safe(c.classname)))\" name=\"\(attr(ReportSupport.safe(c.name)))\">\n"
                var quiet: [Finding] = []
                for f in c.findings {
                    if fails(f.severity) {
                        failures += 1
                        body += "      <failure type=\"\(f.severity.name)\" message=\"\(attr(ReportSupport.safe(f.message.text(lang), limit: 600)))\">"
                        body += text(details(f, lang: lang, names: r.unitNames)) + "</failure>\n"
                    } else {
                        quiet.append(f)
                    }
                }
                if !quiet.isEmpty {
                    body += "      <system-out>" + text(quiet.map { details($0, lang: lang, names: r.unitNames) }.joined(separator: "\n\n")) + "</system-out>\n"
                }
                body += "    </testcase>\n"
            }
            totalTests += tests
            totalFailures += failures
            let errors = r.unreadable.contains(where: { $0.path == file }) ? 1 : 0
            suites.append("  <testsuite name=\"\(attr(ReportSupport.safe(file)))\" file=\"\(attr(ReportSupport.safe(file)))\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"0\">\n" + body + "  </testsuite>\n")
        }

        // The rules that never failed: passing or skipped cases.
        var body = ""
        var tests = 0, skipped = 0
        let failedIds = Set(r.findings.filter { fails($0.severity) }.map(\.id))
        for (id, t) in r.rules where t.fails == 0 && !failedIds.contains(id) {
            tests += 1
            body += "    <testcase classname=\"veto rules\" name=\"\(attr(ReportSupport.safe(id)))\">"
            let tally = lang == .zh
                ? "成立 \(t.holds)，不成立 \(t.fails)，未检查 \(t.notChecked)，不适用 \(t.notApplicable)"
                : "holds \(t.holds), fails \(t.fails), not checked \(t.notChecked), not applicable \(t.notApplicable)"
            if t.holds == 0 {
                skipped += 1
                let why = t.notChecked > 0
                    ? (lang == .zh ? "未检查：数据缺失" : "not checked: figures missing")
                    : (lang == .zh ? "不适用" : "not applicable")
                body += "\n      <skipped message=\"\(attr(why))\"/>\n      <system-out>\(text(tally))</system-out>\n    "
            } else {
                body += "\n      <system-out>\(text(tally))</system-out>\n    "
            }
            body += "</testcase>\n"
        }
        totalTests += tests
        totalSkipped += skipped
        suites.append("  <testsuite name=\"veto rules\" tests=\"\(tests)\" failures=\"0\" errors=\"0\" skipped=\"\(skipped)\">\n" + body + "  </testsuite>\n")

        let errors = r.unreadable.count
        out += "<testsuites name=\"veto check\" tests=\"\(totalTests)\" failures=\"\(totalFailures)\" errors=\"\(errors)\">\n"
        _ = totalSkipped   // testsuites carries no skipped attribute in junit-10.xsd
        out += suites.joined()
        out += "</testsuites>\n"
        return out
    }

    /// The evidence of a finding, as the body of its failure.
    static func details(_ f: Finding, lang: Language, names: UnitNames) -> String {
        let zh = lang == .zh
        var loc = ReportSupport.safe(f.file)
        if let l = f.line { loc += ":\(l)" }
        if let c = f.column { loc += ":\(c)" }
        var s = "\(loc): \(f.severity.name)[\(ReportSupport.safe(f.id))]: \(ReportSupport.safe(f.message.text(lang), limit: TextReport.messageLimit))"
        if let u = f.unitCode {
            s += "\n" + (zh ? "单位 " : "unit ") + ReportSupport.safe(u)
            if let n = names[u] { s += " " + ReportSupport.safe(n) }
            if let p = f.period { s += (zh ? "，期别 " : ", period ") + ReportSupport.safe(p) }
        }
        if !f.fields.isEmpty { s += "\n" + (zh ? "字段 " : "fields ") + ReportSupport.safe(f.fields.joined(separator: ", ")) }
        for e in ReportSupport.evidence(f, lang: lang) { s += "\n\(e.label) \(e.value)" }
        for e in ReportSupport.causeRows(f, lang: lang) { s += "\n\(e.label) \(e.value)" }
        return s
    }

    static func property(_ name: String, _ value: String) -> String {
        "      <property name=\"\(attr(name))\" value=\"\(attr(ReportSupport.safe(value)))\"/>\n"
    }

    /// Text content: `&`, `<`, `>` escaped; characters XML 1.0 forbids made visible.
    static func text(_ s: String) -> String { XML.escape(s, attribute: false) }
    /// An attribute value in double quotes: also `"`, and line breaks and tabs as references.
    static func attr(_ s: String) -> String { XML.escape(s, attribute: true) }
}

/// Escaping for XML 1.0 (JUnit) and HTML text and attributes.
enum XML {
    static func escape(_ s: String, attribute: Bool) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where attribute: out += "&quot;"
            case "'" where attribute: out += "&#39;"
            case "\n" where attribute: out += "&#10;"
            case "\r" where attribute: out += "&#13;"
            case "\t" where attribute: out += "&#9;"
            case "\n", "\t": out.unicodeScalars.append(u)
            case "\r": out += "&#13;"
            default:
                let v = u.value
                if v < 0x20 || (0x7F...0x9F).contains(v) || v == 0xFFFE || v == 0xFFFF {
                    let hex = String(v, radix: 16, uppercase: true)
                    out += "\\x" + (hex.count == 1 ? "0" + hex : hex)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }
}
