/// `veto explain ID`: what a rule or an input finding checks, with a worked example run
/// through the real checker (so the explanation cannot drift from the behaviour).
public enum Explain {
    /// Input findings: what each means, and a small input that shows it.
    public static let inputFindings: [(id: String, en: String, zh: String, example: String)] = [
        ("csv-too-few-fields", "A record has fewer fields than the header; the missing cells are read as not reported.",
         "记录的字段数少于表头；缺少的单元格按未报告处理。", "period,unit_code,births\n2020,623021105000\n"),
        ("csv-too-many-fields", "A record has more fields than the header (often an unquoted 1,234 or a comma in a name).",
         "记录的字段数多于表头（常见原因：未加引号的 1,234 或名称中的逗号）。", "period,unit_code,births\n2020,623021105000,1,825\n"),
        ("csv-unterminated-quote", "A quote opens a field and never closes; veto reports where it opened and reads the lines it swallowed again.",
         "引号未闭合；报告其起始位置，并重新读取被吞掉的行。", "period,unit_code,unit_name,births\n2020,623021105000,\"甲镇,40\n2020,623021106000,乙乡,33\n"),
        ("csv-stray-quote", "A quote inside an unquoted field, or text after a closing quote; the field is kept as written.",
         "未加引号的字段中出现引号，或闭合引号后仍有文字；字段按原样保留。", "period,unit_code,unit_name\n2020,623021105000,甲\"镇\n"),
        ("csv-nul-byte", "A NUL byte (0x00) inside a field: a broken export.", "字段中含有空字节：导出文件已损坏。",
         "period,unit_code,births\n2020,623021105000,4\u{0}0\n"),
        ("csv-field-too-large", "A field longer than --max-field-bytes (default 1 MiB); its content is not kept, memory stays bounded.",
         "字段超过长度上限（默认 1 MiB）；内容不保留，内存占用有界。", ""),
        ("csv-record-too-wide", "A record with more fields than veto keeps (10,000); the rest are counted.", "记录字段过多；超出部分只计数。", ""),
        ("csv-empty-file", "The input holds no record.", "文件为空。", ""),
        ("csv-header-only", "The input holds a header and no record.", "文件只有表头。", "period,unit_code,births\n"),
        ("encoding-invalid-bytes", "Bytes that are not valid in the input's encoding; shown as U+FFFD, never dropped.",
         "在该编码下无效的字节；以 U+FFFD 显示，绝不静默丢弃。", "period,unit_code,unit_name\n2020,623021105000,\u{FFFD}\n"),
        ("header-duplicate", "Two columns mean the same canonical column; the second is kept by its own name and not checked.",
         "两列表示同一字段；第二列按原名保留，不参与检查。", "period,unit_code,出生人数,births\n2020,623021105000,4,5\n"),
        ("header-unit-mismatch", "A unit in the header that does not fit the column (万元 on a count).", "表头单位与该列不符。",
         "period,unit_code,出生人数(万元)\n2020,623021105000,4\n"),
        ("header-unknown-column", "A column not in the schema; kept by its name for user rules.", "未识别的列，按原名保留。",
         "period,unit_code,备注\n2020,623021105000,无\n"),
        ("header-missing-column", "veto normalize: the input has no unit_code or no period column, so its rows keep no identity in the canonical file (veto check then keys rows by line).",
         "veto normalize：缺少区划代码或期别列，规范化后的行没有单位标识（veto check 此时按行号区分各行）。", ""),
        ("header-missing-key", "A column the rule file's `key:` names is not in the input: rows cannot be told apart by unit.",
         "规则文件 `key:` 指定的行标识列不在输入中：各行无法按单位区分。", ""),
        ("header-empty-name", "A header cell is empty (R's write.csv writes one for row names): the column is kept without a name.",
         "表头单元格为空（R 的 write.csv 为行名写出空表头）：该列无名保留。", ",period,unit_code\n1,2020,623021105000\n"),
        ("cell-invalid-category", "A category cell that is not one of the column's declared `values` (or not as written: a quote closed mid-field); read as unreadable.",
         "分类列中不属于声明取值（values）的单元格（或引号在字段中间闭合）；按无法读取处理。", ""),
        ("cell-invalid-number", "A numeric cell that is not a number (约500, 1,23, #DIV/0!, or \"9\"97: a quote closed mid-field); read as unreadable, never as 0.",
         "数字列中不是数字的单元格（含引号在字段中间闭合，如 \"9\"97）；按无法读取处理，绝不按 0 计。", "period,unit_code,births\n2020,623021105000,约40\n"),
        ("cell-unit-mismatch", "A % in a count or money column, 元 outside money, 万 in a rate.", "单位与列不符。",
         "period,unit_code,births\n2020,623021105000,12%\n"),
        ("cell-fraction-in-count", "A count with a fraction (1.5 people).", "人数带小数。", "period,unit_code,births\n2020,623021105000,1.5\n"),
        ("cell-negative-count", "A negative count.", "人数为负。", "period,unit_code,births\n2020,623021105000,-3\n"),
        ("row-missing-unit-code", "A row without a unit code.", "缺少区划代码。", "period,unit_code,births\n2020,,4\n"),
        ("row-invalid-unit-code", "A unit code that is not 6, 9 or 12 digits (often Excel's 6.23021E+11), or all zeros (an all-zero code names no unit).", "区划代码无效（位数不对、科学计数法，或全为 0）。",
         "period,unit_code,births\n2020,6.23021E+11,4\n"),
        ("row-missing-period", "A row without a period.", "缺少期别。", "period,unit_code,births\n,623021105000,4\n"),
        ("row-invalid-period", "A period that is not 2020, 2020H1, 2020Q3 or 2020-06.", "期别无法识别。",
         "period,unit_code,births\n20x0,623021105000,4\n"),
        ("row-duplicate", "The same unit and period twice with the same figures; the first is used for cross-row rules.", "同一单位同一期别重复（数字相同）。",
         "period,unit_code,births\n2020,623021105000,4\n2020,623021105000,4\n"),
        ("row-revised", "The same unit and period again with different figures (a past period restated in a later file): both cannot be true. The first is used for cross-row rules.",
         "同一单位同一期别再次出现且数字不同（如在后来的文件中改动了往期数字）：二者不可能都真实。",
         "period,unit_code,births\n2020,623021105000,4\n2020,623021105000,5\n"),
        ("input-changed", "A file changed while veto checked it: a row whose figures are needed again at the end (a township or county waiting for all its villages) could not be read again as it was. The rules that wait for it are not checked; check the file again once it is no longer being written.",
         "检查过程中文件被改动：需要在最后再次读取的行（等待全部下级的乡镇或县）无法按原样读出，依赖它的规则未检查；请在文件写完后重新检查。", ""),
        ("input-not-copied", "Standard input (or a pipe) is copied to a temporary file as it is read, so that the rows held for what comes later (a township waiting for its villages, a row waiting for its previous period) can be read again whole; the copy could not be written (no writable $TMPDIR, or a full disk), so the rules those rows wait for are not checked. Check the file itself, or give $TMPDIR room.",
         "标准输入（或管道）在读取时复制到临时文件，以便最后再次读取等待后续内容的行（等待下级的乡镇、等待上期的行）；复制失败（$TMPDIR 不可写或磁盘已满），这些行依赖后续内容的规则未检查。请直接检查文件，或为 $TMPDIR 留出空间。", ""),
    ]

    /// The explanation of `id`, or nil when no rule or finding has that id.
    public static func text(_ id: String, rules: RuleSet, standards: StandardsTable, lang: Language) -> String? {
        if let r = rules.rule(id) ?? rules.rules.first(where: { id.hasPrefix($0.id + ".") }) {
            var s = "\(r.id) — \(r.message.text(lang))\n\n"
            if let w = r.whenText { s += "  when:   \(w)\n" }
            s += "  assert: \(r.assertText)\n"
            s += lang == .zh
                ? "  严重程度 \(r.severity.name)" + (r.inflates ? "；抬高资金或受益人数且无笔误可解释的不成立判为 veto" : "") + "\n"
                : "  severity \(r.severity.name)" + (r.inflates ? "; an unexplained failure that raises money or beneficiaries is put at veto" : "") + "\n"
            s += lang == .zh
                ? "  精度：每个数字代表其报告精度的区间（53.376万 即 533,755..533,765），区间相交即视为相等；数字缺失时为“未检查”，不算通过。\n"
                : "  Precision: each figure stands for the interval of its reported precision (53.376万 is 533,755..533,765); an equality holds when the intervals meet. A rule whose figures are missing is \"not checked\", never passed.\n"
            if let ex = r.example {
                s += "\n" + (lang == .zh ? "示例：" : "Example:") + "\n" + indent(ex) + "\n"
                s += run(ex, rules: rules, standards: standards, only: r.id, lang: lang)
            }
            return s
        }
        if let d = detectorText(id, rules: rules, lang: lang) { return d }
        if let f = inputFindings.first(where: { $0.id == id }) {
            var s = "\(f.id) — \(lang == .zh ? f.zh : f.en)\n"
            if !f.example.isEmpty {
                s += "\n" + (lang == .zh ? "示例：" : "Example:") + "\n" + indent(f.example.replacingAll("\u{0}", with: "\\0")) + "\n"
                s += run(f.example, rules: rules, standards: standards, only: f.id, lang: lang)
            }
            return s
        }
        return nil
    }

    static func indent(_ s: String) -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
    }

    /// Runs the checker on the example and prints the findings with this id.
    static func run(_ csv: String, rules: RuleSet, standards: StandardsTable, only id: String, lang: Language) -> String {
        var options = CheckOptions()
        options.rules = rules
        options.standards = standards
        let c = Checker(options: options)
        c.add(bytes: Array(csv.utf8), name: "example.csv")
        let r = c.finish()
        let hits = r.findings.filter { $0.id == id }
        guard !hits.isEmpty else { return lang == .zh ? "  （示例未触发）\n" : "  (the example does not trigger it)\n" }
        var s = lang == .zh ? "\nveto 的结果：\n" : "\nWhat veto reports:\n"
        for f in hits where lang == .zh {
            s += "  \(f.severity.name) 第 \(f.line.map(String.init) ?? "-") 行\(f.column.map { "第 \($0) 列" } ?? "")：\(f.message.zh)\n"
            if let e = f.expected { s += "    应为 \(e)" + (f.actual.map { "，实报 \($0)" } ?? "") + "\n" }
            if let lw = f.likelyWrong { s += "    最可能有误：\(lw.joined(separator: ", "))\n" }
            if let t = f.typo { s += "    疑似笔误：\(t.field) \(t.kind) → \(t.corrected)\n" }
        }
        for f in hits where lang == .en {
            s += "  \(f.severity.name) line \(f.line.map(String.init) ?? "-")\(f.column.map { ", column \($0)" } ?? ""): \(f.message.en)\n"
            if let e = f.expected { s += "    expected \(e)" + (f.actual.map { ", actual \($0)" } ?? "") + "\n" }
            if let lw = f.likelyWrong { s += "    likely wrong: \(lw.joined(separator: ", "))\n" }
            if let t = f.typo { s += "    typo: \(t.field) \(t.kind) → \(t.corrected)\n" }
        }
        return s
    }
}
