import VetoCSV

/// Findings about input that cannot be read as written: CSV structure, encoding, header,
/// cells and row identity. Ids are stable (see `veto explain`).
enum InputFindings {
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
                       message: Message(zh: "\(zh)：\(f.detail)", en: f.detail))
    }

    static func header(_ h: HeaderIssue, file: String) -> Finding {
        let (severity, zh, en): (Severity, String, String)
        switch h.kind {
        case .missingKey:
            severity = .fail
            zh = "缺少声明为行标识（key）的列 \(h.raw)：各行无法按单位区分"
            en = "the key column \(h.raw) declared by the rules is missing: rows cannot be told apart by unit"
        case .duplicate:
            severity = .fail
            let what = h.name ?? h.raw
            zh = "表头重复：“\(h.raw)”与第 \(h.firstColumn ?? 0) 列同为 \(what)；本列按原名保留，不参与检查"
            en = "duplicate header: \"\(h.raw)\" is \(what) like column \(h.firstColumn ?? 0); this column is kept by its own name and not checked"
        case .unitMismatch:
            severity = .fail
            zh = "表头单位与该列不符：“\(h.raw)”"
            en = "the unit in header \"\(h.raw)\" does not fit column \(h.name ?? h.raw); values are read without it"
        case .unknownColumn:
            severity = .info
            zh = "未识别的列“\(h.raw)”，按原名保留"
            en = "column \"\(h.raw)\" is not in the schema; kept by its own name"
        case .emptyName:
            severity = .review
            zh = "第 \(h.column) 列没有表头"
            en = "column \(h.column) has no header"
        }
        return Finding(id: h.kind.rawValue, kind: .input, severity: severity, file: file, line: 1,
                       column: h.column > 0 ? h.column : nil, fields: [h.name ?? h.raw], message: Message(zh: zh, en: en))
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
        let shown = raw.count > 40 ? String(raw.prefix(40)) + "…" : raw
        let list = values.prefix(12).joined(separator: ", ") + (values.count > 12 ? ", …" : "")
        return Finding(id: "cell-invalid-category", kind: .input, severity: .fail, file: file, line: line, column: field,
                       unitCode: unit, period: period, fields: [column], actual: raw,
                       message: Message(zh: "“\(shown)”不是 \(column) 的取值之一（\(list)）",
                                        en: "\"\(shown)\" is not one of the values of \(column) (\(list))"))
    }

    static func cell(_ p: NumberProblem, raw: String, column name: String, unit: String?, period: String?, line: Int, field column: Int,
                     file: String) -> Finding {
        let id: String
        let zh: String, en: String
        let shown = raw.count > 40 ? String(raw.prefix(40)) + "…" : raw
        switch p {
        case .percentOutsideRate, .yuanOutsideMoney, .multiplierInRate, .permille:
            id = "cell-unit-mismatch"
            let why: (String, String) = switch p {
            case .percentOutsideRate: ("人数或金额列中不应有百分号", "a percent sign in a count or money column")
            case .yuanOutsideMoney: ("非金额列中不应有“元”", "a yuan unit outside a money column")
            case .multiplierInRate: ("比率列中不应有“万/亿”", "万/亿 in a rate column")
            default: ("只接受百分比，不接受千分比", "per mille (‰); rates are read in percent only")
            }
            zh = "“\(shown)”：\(why.0)"
            en = "\"\(shown)\": \(why.1)"
        case .fractionalCount:
            id = "cell-fraction-in-count"
            zh = "“\(shown)”：人数不应有小数"
            en = "\"\(shown)\": a count with a fraction"
        case .negativeCount:
            id = "cell-negative-count"
            zh = "“\(shown)”：人数不能为负"
            en = "\"\(shown)\": a negative count"
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
            zh = "“\(shown)”：\(why.0)；按无法读取处理，不按 0 计"
            en = "\"\(shown)\": \(why.1); read as unreadable, not as 0"
        }
        return Finding(id: id, kind: .input, severity: .fail, file: file, line: line, column: column,
                       unitCode: unit, period: period,
                       fields: [name], actual: raw, message: Message(zh: zh, en: en))
    }

    static func unitCode(_ p: UnitCode.Problem?, raw: String, line: Int, column: Int?, file: String,
                         name: String = "unit_code") -> Finding {
        let zh: String, en: String
        switch p {
        case nil, .empty?:
            zh = "缺少区划代码：该行无法归属到单位"
            en = "no unit code: the row cannot be attributed to a unit"
        case .scientificNotation?:
            zh = "区划代码“\(raw)”被表格软件转成了科学计数法，原代码已丢失"
            en = "unit code \"\(raw)\" was turned into scientific notation by a spreadsheet; the code is lost"
        case .notDigits?:
            zh = "区划代码“\(raw)”含有非数字字符"
            en = "unit code \"\(raw)\" has characters other than digits"
        case .wrongLength(let n)?:
            zh = "区划代码“\(raw)”有 \(n) 位，应为 6、9 或 12 位"
            en = "unit code \"\(raw)\" has \(n) digits; 6, 9 or 12 expected"
        }
        return Finding(id: p == nil || p == .empty ? "row-missing-unit-code" : "row-invalid-unit-code",
                       kind: .input, severity: .fail, file: file, line: line, column: column,
                       fields: [name], actual: raw, message: Message(zh: zh, en: en))
    }

    static func period(raw: String, row: Row, line: Int, column: Int?, file: String) -> Finding {
        period(raw: raw, unit: row.unitCode?.code, line: line, column: column, file: file)
    }

    static func period(raw: String, unit: String?, line: Int, column: Int?, file: String, name: String = "period") -> Finding {
        let missing = raw.allSatisfy { $0 == " " || $0 == "\u{3000}" }
        return Finding(id: missing ? "row-missing-period" : "row-invalid-period", kind: .input, severity: .fail,
                       file: file, line: line, column: column, unitCode: unit,
                       fields: [name], actual: raw,
                       message: missing
                        ? Message(zh: "缺少期别（年度）", en: "no period")
                        : Message(zh: "期别“\(raw)”无法识别（应为 2020、2020H1、2020Q3 或 2020-06）",
                                  en: "period \"\(raw)\" is not one of 2020, 2020H1, 2020Q3, 2020-06"))
    }

    /// The same unit and period again with different figures: one of the two is not true.
    static func revision(unit: String, period: String?, line: Int, first: (file: String, line: Int), file: String) -> Finding {
        Finding(id: "row-revised", kind: .input, severity: .fail, file: file, line: line,
                unitCode: unit, period: period, fields: [],
                message: Message(zh: "同一单位同一期别再次出现且数字不同（首次见于 \(first.file) 第 \(first.line) 行）：二者不可能都真实",
                                 en: "the same unit and period again with different figures (first at \(first.file) line \(first.line)): both cannot be true"))
    }

    static func duplicate(unit: String, period: String?, line: Int, first: (file: String, line: Int), file: String) -> Finding {
        Finding(id: "row-duplicate", kind: .input, severity: .review, file: file, line: line,
                unitCode: unit, period: period, fields: [],
                message: Message(zh: "同一单位同一期别重复出现（首次见于 \(first.file) 第 \(first.line) 行）",
                                 en: "the same unit and period again (first at \(first.file) line \(first.line))"))
    }
}
