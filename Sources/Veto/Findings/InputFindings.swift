import VetoCSV

/// Findings about input that cannot be read as written: CSV structure, encoding, header,
/// cells and row identity. Ids are stable (see `veto explain`).
///
/// Every string taken from the input (a cell, a header name, a unit code, a period) passes
/// through ``shown(_:)`` before it goes into a message, `actual`, `unitCode` or `fields`: a
/// 1 MiB cell echoes as its first 80 characters and its length, and a terminal escape in it
/// is made visible (issue 8 items 15 and 17).
enum InputFindings {
    /// Input-derived text as a finding may hold it: bounded (``Safety/echo(_:limit:)``), then
    /// with controls made visible (``Safety/terminal(_:keepNewlines:)``).
    ///
    /// - Complexity: O(limit) for any length of `s`.
    static func shown(_ s: String, limit: Int = 80) -> String {
        Safety.terminal(Safety.echo(s, limit: limit))
    }

    static func shown(_ s: String?) -> String? { s.map { shown($0) } }

    static func csv(_ f: CSVFinding, file: String) -> Finding {
        let severity: Severity = f.problem == .strayQuote ? .review : .fail
        let zh: String
        switch f.problem {
        case .tooFewFields: zh = "字段数少于表头"
        case .tooManyFields: zh = "字段数多于表头"
        case .unterminatedQuote: zh = "引号未闭合"
        case .strayQuote: zh = "引号位置不正确"
        case .nulByte: zh = "字段中含有空字节 (0x00)"
        case .fieldTooLarge: zh = "字段超过长度上限，内容未保留"
        case .tooManyFieldsToKeep: zh = "记录字段过多，超出部分未保留"
        case .emptyFile: zh = "文件为空"
        case .headerOnly: zh = "文件只有表头，没有数据行"
        case .invalidEncoding: zh = "字节在该编码下无效（以 U+FFFD 显示）"
        }
        return Finding(id: f.problem.rawValue, kind: .input, severity: severity, file: file,
                       line: f.line, column: f.column,
                       message: Message(zh: f.detailZh.map { "\(zh)：\($0)" } ?? zh, en: f.detail))
    }

    static func header(_ h: HeaderIssue, file: String) -> Finding {
        let (severity, zh, en): (Severity, String, String)
        let raw = shown(h.raw), name = shown(h.name)
        switch h.kind {
        case .missingKey:
            severity = .fail
            zh = "缺少声明为行标识（key）的列 \(raw)：各行无法按单位区分"
            en = "the key column \(raw) declared by the rules is missing: rows cannot be told apart by unit"
        case .duplicate:
            severity = .fail
            let what = name ?? raw
            zh = "表头重复：“\(raw)”与第 \(h.firstColumn ?? 0) 列同为 \(what)；本列按原名保留，不参与检查"
            en = "duplicate header: \"\(raw)\" is \(what) like column \(h.firstColumn ?? 0); this column is kept by its own name and not checked"
        case .unitMismatch:
            severity = .fail
            zh = "表头单位与该列不符：“\(raw)”"
            en = "the unit in header \"\(raw)\" does not fit column \(name ?? raw); values are read without it"
        case .unknownColumn:
            severity = .info
            zh = "未识别的列“\(raw)”，按原名保留"
            en = "column \"\(raw)\" is not in the schema; kept by its own name"
        case .emptyName:
            severity = .review
            zh = "第 \(h.column) 列没有表头"
            en = "column \(h.column) has no header"
        }
        return Finding(id: h.kind.rawValue, kind: .input, severity: severity, file: file, line: 1,
                       column: h.column > 0 ? h.column : nil, fields: [name ?? raw], message: Message(zh: zh, en: en))
    }

    static func missingColumn(_ f: Field, file: String) -> Finding {
        Finding(id: "header-missing-column", kind: .input, severity: .fail, file: file, line: 1,
                fields: [f.rawValue],
                message: Message(zh: "缺少必需的列 \(f.rawValue)（\(f.aliases.first ?? "")），无法按单位和期别检查",
                                 en: "required column \(f.rawValue) (\(f.aliases.first ?? "")) is missing: rows cannot be checked per unit and period"))
    }

    static func cell(_ p: NumberProblem, raw: String, field: Field, row: Row, line: Int, column: Int, file: String) -> Finding {
        cell(p, raw: raw, column: field.rawValue, unit: row.unitCode?.code, period: row.period?.description,
             line: line, field: column, file: file)
    }

    /// A category cell whose value is not one of the column's values.
    static func category(raw: String, values: [String], column: String, unit: String?, period: String?, line: Int, field: Int,
                         file: String) -> Finding {
        let quoted = shown(raw, limit: 40)
        let list = values.prefix(12).map { Self.shown($0, limit: 40) }.joined(separator: ", ") + (values.count > 12 ? ", …" : "")
        return Finding(id: "cell-invalid-category", kind: .input, severity: .fail, file: file, line: line, column: field,
                       unitCode: Self.shown(unit), period: Self.shown(period), fields: [column], actual: Self.shown(raw),
                       message: Message(zh: "“\(quoted)”不是 \(column) 的取值之一（\(list)）",
                                        en: "\"\(quoted)\" is not one of the values of \(column) (\(list))"))
    }

    static func cell(_ p: NumberProblem, raw: String, column name: String, unit: String?, period: String?, line: Int, field column: Int,
                     file: String) -> Finding {
        let id: String
        let zh: String, en: String
        let quoted = shown(raw, limit: 40)
        switch p {
        case .percentOutsideRate, .yuanOutsideMoney, .multiplierInRate, .permille:
            id = "cell-unit-mismatch"
            let why: (String, String) = switch p {
            case .percentOutsideRate: ("人数或金额列中不应有百分号", "a percent sign in a count or money column")
            case .yuanOutsideMoney: ("非金额列中不应有“元”", "a yuan unit outside a money column")
            case .multiplierInRate: ("比率列中不应有“万/亿”", "万/亿 in a rate column")
            default: ("只接受百分比，不接受千分比", "per mille (‰); rates are read in percent only")
            }
            zh = "“\(quoted)”：\(why.0)"
            en = "\"\(quoted)\": \(why.1)"
        case .fractionalCount:
            id = "cell-fraction-in-count"
            zh = "“\(quoted)”：人数不应有小数"
            en = "\"\(quoted)\": a count with a fraction"
        case .negativeCount:
            id = "cell-negative-count"
            zh = "“\(quoted)”：人数不能为负"
            en = "\"\(quoted)\": a negative count"
        default:
            id = "cell-invalid-number"
            let why: (String, String) = switch p {
            case .badGrouping: ("千分位分隔不正确", "digit grouping is not in threes")
            case .tooManyDigits: ("位数过多", "too many digits")
            case .accountingNegative: ("会计括号负数含义不明", "an accounting negative in brackets is ambiguous")
            case .scientificNotation: ("科学计数法（多为表格软件转换所致）", "scientific notation (usually a spreadsheet conversion)")
            case .spreadsheetError: ("表格软件的错误值", "a spreadsheet error value")
            default: ("不是数字", "not a number")
            }
            zh = "“\(quoted)”：\(why.0)；按无法读取处理，不按 0 计"
            en = "\"\(quoted)\": \(why.1); read as unreadable, not as 0"
        }
        return Finding(id: id, kind: .input, severity: .fail, file: file, line: line, column: column,
                       unitCode: Self.shown(unit), period: Self.shown(period),
                       fields: [name], actual: Self.shown(raw), message: Message(zh: zh, en: en))
    }

    /// A number cell the CSV layer read as malformed: a quote closed mid-field (`"9"97`), so its
    /// bytes (`997`) are not the figure as written. The CSV layer's `csv-stray-quote` (review)
    /// says where the quote is; this is the cell's own finding, a fail like any unreadable figure.
    static func malformedNumber(raw: String, column name: String, unit: String?, period: String?, line: Int, field column: Int,
                                file: String) -> Finding {
        let quoted = shown(raw, limit: 40)
        return Finding(id: "cell-invalid-number", kind: .input, severity: .fail, file: file, line: line, column: column,
                       unitCode: shown(unit), period: shown(period), fields: [name], actual: shown(raw),
                       message: Message(zh: "“\(quoted)”：引号在字段中间闭合，其后还有文字；按无法读取处理，不按数字计",
                                        en: "\"\(quoted)\": a quote closed mid-field and text follows it; read as unreadable, never as a figure"))
    }

    static func unitCode(_ p: UnitCode.Problem?, raw: String, line: Int, column: Int?, file: String,
                         name: String = "unit_code") -> Finding {
        let zh: String, en: String
        let code = shown(raw)
        switch p {
        case nil, .empty?:
            zh = "缺少区划代码：该行无法归属到单位"
            en = "no unit code: the row cannot be attributed to a unit"
        case .allZeros?:
            zh = "区划代码“\(code)”全为 0：全零代码不指向任何单位，该行无法归属"
            en = "unit code \"\(code)\": an all-zero code names no unit; the row cannot be attributed to a unit"
        case .scientificNotation?:
            zh = "区划代码“\(code)”被表格软件转成了科学计数法，原代码已丢失"
            en = "unit code \"\(code)\" was turned into scientific notation by a spreadsheet; the code is lost"
        case .notDigits?:
            zh = "区划代码“\(code)”含有非数字字符"
            en = "unit code \"\(code)\" has characters other than digits"
        case .wrongLength(let n)?:
            zh = "区划代码“\(code)”有 \(n) 位，应为 6、9 或 12 位"
            en = "unit code \"\(code)\" has \(n) digits; 6, 9 or 12 expected"
        }
        return Finding(id: p == nil || p == .empty ? "row-missing-unit-code" : "row-invalid-unit-code",
                       kind: .input, severity: .fail, file: file, line: line, column: column,
                       fields: [name], actual: code, message: Message(zh: zh, en: en))
    }

    static func period(raw: String, row: Row, line: Int, column: Int?, file: String) -> Finding {
        period(raw: raw, unit: row.unitCode?.code, line: line, column: column, file: file)
    }

    static func period(raw: String, unit: String?, line: Int, column: Int?, file: String, name: String = "period") -> Finding {
        let missing = raw.unicodeScalars.allSatisfy { $0 == " " || $0 == "\u{3000}" }
        let period = shown(raw)
        return Finding(id: missing ? "row-missing-period" : "row-invalid-period", kind: .input, severity: .fail,
                       file: file, line: line, column: column, unitCode: shown(unit),
                       fields: [name], actual: period,
                       message: missing
                        ? Message(zh: "缺少期别（年度）", en: "no period")
                        : Message(zh: "期别“\(period)”无法识别（应为 2020、2020H1、2020Q3 或 2020-06）",
                                  en: "period \"\(period)\" is not one of 2020, 2020H1, 2020Q3, 2020-06"))
    }

    /// The same unit and period again with different figures: one of the two is not true.
    static func revision(unit: String, period: String?, line: Int, first: (file: String, line: Int), file: String) -> Finding {
        Finding(id: "row-revised", kind: .input, severity: .fail, file: file, line: line,
                unitCode: shown(unit), period: shown(period), fields: [],
                message: Message(zh: "同一单位同一期别再次出现且数字不同（首次见于 \(first.file) 第 \(first.line) 行）：二者不可能都真实",
                                 en: "the same unit and period again with different figures (first at \(first.file) line \(first.line)): both cannot be true"))
    }

    /// A row with the same figures as an earlier repeat of its unit-period (`copy`), which is
    /// itself told against the first row (a duplicate or a revision, reported at its line).
    static func copyOfRepeat(unit: String, period: String?, line: Int, copy: (file: String, line: Int),
                             first: (file: String, line: Int), file: String) -> Finding {
        Finding(id: "row-duplicate", kind: .input, severity: .review, file: file, line: line,
                unitCode: shown(unit), period: shown(period), fields: [],
                message: Message(zh: "同一单位同一期别重复出现，数字与 \(copy.file) 第 \(copy.line) 行相同（首次见于 \(first.file) 第 \(first.line) 行）",
                                 en: "the same unit and period again, with the figures of \(copy.file) line \(copy.line) (first at \(first.file) line \(first.line))"))
    }

    static func duplicate(unit: String, period: String?, line: Int, first: (file: String, line: Int), file: String) -> Finding {
        Finding(id: "row-duplicate", kind: .input, severity: .review, file: file, line: line,
                unitCode: shown(unit), period: shown(period), fields: [],
                message: Message(zh: "同一单位同一期别重复出现（首次见于 \(first.file) 第 \(first.line) 行）",
                                 en: "the same unit and period again (first at \(first.file) line \(first.line))"))
    }

    /// A row whose figures were needed again at the end (a parent waiting for its children) and
    /// could not be read again as they were: the file changed while it was being checked.
    /// A row of standard input (or a pipe) held for what came later, whose copy could not be
    /// written (no temporary directory, a full disk): its waiting rules are not checked.
    static func notCopied(file: String, line: Int) -> Finding {
        Finding(id: "input-not-copied", kind: .input, severity: .fail, file: file, line: line, fields: [],
                message: Message(zh: "无法将输入复制到临时文件以便再次读取（临时目录不可写或磁盘已满）：第 \(line) 行依赖后续内容的规则未检查",
                                 en: "the input could not be copied to a temporary file to read it again (no writable temporary directory, or a full disk): the rules of line \(line) that wait for what came later are not checked"))
    }

    static func changedWhileChecked(file: String, line: Int) -> Finding {
        Finding(id: "input-changed", kind: .input, severity: .fail, file: file, line: line, fields: [],
                message: Message(zh: "检查过程中文件被改动：第 \(line) 行无法按原样再次读取，依赖它的规则未检查",
                                 en: "the file changed while it was checked: line \(line) could not be read again as it was; the rules that wait for it are not checked"))
    }
}
