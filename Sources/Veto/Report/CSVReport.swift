/// `--format csv`: one finding a row, for a spreadsheet or another tool.
///
/// Columns: `file,line,column,unit_code,period,id,severity,fields,expected,actual,likely_wrong,typo,`
/// `caused_by_id,caused_by_unit,caused_by_period,caused_by_line,consequence_count,message`
/// (`fields` and `likely_wrong` joined by `;`, `typo` as `field kind corrected`). The `caused_by_*`
/// cells name the finding this one follows from (empty for a cause: filter on an empty
/// `caused_by_id` to see the causes alone), `consequence_count` how many follow from this one. RFC 4180:
/// CRLF after every row, a cell with a comma, a quote, CR or LF in double quotes with its
/// quotes doubled. UTF-8 with a byte-order mark, which Excel needs to read Chinese text as UTF-8.
///
/// Every cell that starts with `=`, `+`, `-`, `@`, tab or CR gets a leading `'` (OWASP CSV
/// injection, ``Safety/spreadsheet(_:)``), so a spreadsheet shows it as text and never runs it;
/// a plain signed number such as `-5` is left as a number. Control characters other than tab,
/// CR and LF are made visible (``Safety/terminal(_:keepNewlines:)``), and echoes are bounded.
public enum CSVReport {
    public static let header = ["file", "line", "column", "unit_code", "period", "id", "severity", "fields",
                                "expected", "actual", "likely_wrong", "typo",
                                "caused_by_id", "caused_by_unit", "caused_by_period", "caused_by_line",
                                "consequence_count", "message"]

    public static func render(_ r: CheckResult, lang: Language, bom: Bool = true) -> String {
        var out = bom ? "\u{FEFF}" : ""
        out += row(header)
        for f in r.findings {
            let typo = f.typo.map { "\($0.field) \($0.kind) \($0.corrected)" }
            out += row([
                f.file, f.line.map(String.init) ?? "", f.column.map(String.init) ?? "",
                f.unitCode ?? "", f.period ?? "", f.id, f.severity.name,
                f.fields.joined(separator: ";"), f.expected ?? "", f.actual ?? "",
                f.likelyWrong?.joined(separator: ";") ?? "", typo ?? "",
                f.causedBy?.id ?? "", f.causedBy?.unitCode ?? "", f.causedBy?.period ?? "",
                f.causedBy?.line.map(String.init) ?? "", f.consequenceCount > 0 ? String(f.consequenceCount) : "",
                f.message.text(lang),
            ])
        }
        return out
    }

    /// One RFC 4180 row, each cell made safe for a spreadsheet, ended by CRLF.
    static func row(_ cells: [String]) -> String {
        cells.map { cell($0) }.joined(separator: ",") + "\r\n"
    }

    /// A cell: bounded, controls visible (tab, CR, LF kept: they are quoted), formula-escaped, quoted.
    static func cell(_ raw: String) -> String {
        var s = Safety.echo(raw, limit: TextReport.messageLimit)
        if s.unicodeScalars.contains(where: { Safety.needsEscape($0, keepNewlines: true) && $0 != "\r" }) {
            // Keep CR for the quoting below; escape every other control.
            s = String(String.UnicodeScalarView(s.unicodeScalars.flatMap { u -> [Unicode.Scalar] in
                u == "\r" ? [u] : Array(Safety.terminal(String(u), keepNewlines: true).unicodeScalars)
            }))
        }
        s = Safety.spreadsheet(s)
        if s.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0D || $0 == 0x0A }) {
            return "\"" + s.replacingAll("\"", with: "\"\"") + "\""
        }
        return s
    }
}
