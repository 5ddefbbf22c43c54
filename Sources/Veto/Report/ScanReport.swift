/// `veto scan --format text`: units ranked by their combined forensic evidence, the strongest
/// evidence of each shown, then why detectors did not apply and the verdicts.
public enum ScanReport {
    public static func render(_ r: CheckResult, lang: Language, top: Int = 20, color: Bool = false) -> String {
        let zh = lang == .zh
        var s = ""
        let rows = r.inputs.reduce(0) { $0 + $1.rows }
        s += zh ? "veto scan：\(r.inputs.count) 个输入，\(rows) 行，\(r.verdicts.count) 个单位-期别，\(r.detectorTests) 项检验（全部检验经多重比较校正）\n"
                : "veto scan: \(r.inputs.count) inputs, \(rows) rows, \(r.verdicts.count) unit-periods, \(r.detectorTests) detector tests (corrected for multiplicity over all of them)\n"
        let flagged = r.evidence.filter { ($0.severity ?? .info) >= .review }
        let shown = r.evidence.filter { $0.severity != nil }.prefix(top)
        s += "\n" + (zh ? "按综合证据排序的单位（最强者在前；\(flagged.count) 个需核查或以上）：" : "Units ranked by combined evidence, the strongest first (\(flagged.count) at review or above):") + "\n"
        if shown.isEmpty { s += zh ? "  （无：没有检验达到提示水平）\n" : "  (none: no test reached info)\n" }
        for (i, e) in shown.enumerated() {
            let name = r.unitNames[e.unitCode].map { " " + Safety.terminal($0) } ?? ""
            let sev = e.severity?.name ?? "-"
            let tag = color ? colored(sev) : sev
            s += "\(i + 1). \(e.unitCode)\(name)\(e.period.map { " " + $0 } ?? "")  \(tag)  " + (zh ? "合并 p = " : "combined p = ") + Words.p(e.pValue) + "\n"
            let fams = e.families.prefix(5).map { "\($0.family) p=\(Words.p($0.pValue)) q=\(Words.p($0.q))" }.joined(separator: "; ")
            s += "     " + (zh ? "各类：" : "families: ") + fams + "\n"
            for m in e.top.prefix(2) { s += "     - " + Safety.terminal(m.text(lang)) + "\n" }
        }
        let others = r.findings.filter { $0.kind == .detector && $0.pValue == nil && $0.severity >= .review }
        if !others.isEmpty {
            s += "\n" + (zh ? "其他提示（无 p 值）：" : "Pointers without a p-value:") + "\n"
            for f in others.prefix(top) { s += "  \(f.severity.name) \(f.unitCode ?? "")\(f.period.map { " " + $0 } ?? ""): \(Safety.terminal(f.message.text(lang)))\n" }
        }
        if !r.detectorNotes.isEmpty {
            s += "\n" + (zh ? "不适用：" : "Not applicable:") + "\n"
            for n in r.detectorNotes { s += "  \(n.id): \(n.message.text(lang))\n" }
        }
        let inputs = r.findings.filter { $0.kind == .input && $0.severity >= .fail }
        if !inputs.isEmpty {
            s += "\n" + (zh ? "无法按原样读取的输入：\(inputs.count) 处（veto check 列出全部）" : "Input that could not be read as written: \(inputs.count) findings (veto check lists them)") + "\n"
        }
        s += "\n" + (zh ? "结论：" : "Verdicts: ") + Verdict.allCases.map { "\($0.rawValue) \(r.verdicts.count($0))" }.joined(separator: ", ") + "\n"
        s += zh ? "统计异常需要核实，不是造假的证明。\n" : "Statistical anomalies to verify, not proof.\n"
        return s
    }

    static func colored(_ s: String) -> String {
        switch s {
        case "veto": "\u{1B}[1;31m\(s)\u{1B}[0m"
        case "review": "\u{1B}[33m\(s)\u{1B}[0m"
        default: s
        }
    }
}
