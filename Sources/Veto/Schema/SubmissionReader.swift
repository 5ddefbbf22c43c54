import VetoCSV

/// What was read from one input.
public struct InputSummary: Sendable, Equatable {
    public var file: String
    public var rows: Int
    public var encoding: String
    public var hadBOM: Bool
    public var encodingNote: String
    public var delimiter: String
    public var lines: Int
    public var bytes: Int64
    public var blankLines: Int
    /// How each column was bound (empty when the input had no header).
    public var columns: [ColumnBinding]
}

/// Turns the records of one report-table input into typed ``Row``s, with a finding for
/// every header, cell or row that cannot be read as written. Streams: rows are handed on
/// as they are read.
public final class SubmissionReader {
    public let file: String
    public let input: Int
    private let onRow: (Row) -> Void
    private let onFinding: (Finding) -> Void
    private(set) var columns: [ColumnBinding] = []
    private var numeric: [(binding: ColumnBinding, field: Field, kind: ColumnKind)] = []
    private var codeColumn: Int?
    private var periodColumn: Int?
    private var nameColumn: Int?
    private var extraColumns: [ColumnBinding] = []
    private var rows = 0
    /// Called once with the header's bindings, before the first row.
    public var onHeader: (([ColumnBinding]) -> Void)?

    public init(file: String, input: Int, onRow: @escaping (Row) -> Void, onFinding: @escaping (Finding) -> Void) {
        self.file = file
        self.input = input
        self.onRow = onRow
        self.onFinding = onFinding
    }

    /// Reads a whole input from a path (`-`: standard input).
    public static func read(path: String, display: String? = nil, input: Int, options: CSVReaderOptions,
                            onHeader: (([ColumnBinding]) -> Void)? = nil,
                            onRow: @escaping (Row) -> Void,
                            onFinding: @escaping (Finding) -> Void) throws(CSVReadError) -> InputSummary {
        let name = display ?? (path == "-" ? "<stdin>" : path)
        let r = SubmissionReader(file: name, input: input, onRow: onRow, onFinding: onFinding)
        r.onHeader = onHeader
        let s = try CSVReader.read(path: path, options: options, onRecord: r.record, onFinding: r.csvFinding)
        return r.summary(s)
    }

    public func csvFinding(_ f: CSVFinding) {
        onFinding(InputFindings.csv(f, file: file))
    }

    public func summary(_ s: CSVInputSummary) -> InputSummary {
        let d: String = switch s.delimiter {
        case 0x09: "\\t"
        default: String(UnicodeScalar(s.delimiter))
        }
        return InputSummary(file: file, rows: rows, encoding: s.encoding.rawValue, hadBOM: s.hadBOM,
                            encodingNote: s.encodingNote, delimiter: d, lines: s.lines, bytes: s.bytes,
                            blankLines: s.blankLines, columns: columns)
    }

    public func record(_ r: CSVRecord) {
        if r.index == 0 {
            bindHeader(r)
            return
        }
        rows += 1
        var row = Row(input: input, line: r.line, endLine: r.endLine)
        if let c = codeColumn {
            let raw = r.string(c)
            row.unitCodeText = raw
            switch UnitCode.parse(raw) {
            case .success(let code): row.unitCode = code
            case .failure(let p): onFinding(InputFindings.unitCode(p, raw: raw, line: r.line(ofField: c), column: c + 1, file: file))
            }
        }
        if let c = periodColumn {
            let raw = r.string(c)
            row.periodText = raw
            if let p = Period.parse(raw) {
                row.period = p
            } else {
                onFinding(InputFindings.period(raw: raw, row: row, line: r.line(ofField: c), column: c + 1, file: file))
            }
        }
        if let c = nameColumn, c < r.storedCount {
            row.unitName = r.string(c)
        }
        for (b, field, kind) in numeric {
            row.columns[field.order] = b.column
            guard b.index < r.storedCount else {
                row[field] = .missing(.empty)     // a short record: reported once as csv-too-few-fields
                continue
            }
            if r.isDamaged(b.index) {
                row[field] = .invalid(.notANumber)
                // Kept bytes: a quote closed mid-field ("9"97), a fail at the cell; no bytes: a
                // fail the CSV layer reported already (over the cap, an unterminated quote).
                if r.unsafeField(b.index).count > 0 {
                    onFinding(InputFindings.malformedNumber(raw: r.string(b.index), column: field.rawValue,
                                                            unit: row.unitCode?.code, period: row.period?.description,
                                                            line: r.line(ofField: b.index), field: b.column, file: file))
                }
                continue
            }
            let value = NumberParser.parse(r.unsafeField(b.index), kind: kind, headerExponent: b.exponent)
            row[field] = value
            if case .invalid(let p) = value {
                onFinding(InputFindings.cell(p, raw: r.string(b.index), field: field, row: row,
                                             line: r.line(ofField: b.index), column: b.column, file: file))
            }
        }
        for b in extraColumns where b.index < r.storedCount {
            row.extras.append((b.raw, r.string(b.index)))
        }
        onRow(row)
    }

    private func bindHeader(_ r: CSVRecord) {
        let (cols, issues) = HeaderMatcher.bind(r.strings)
        columns = cols
        for i in issues { onFinding(InputFindings.header(i, file: file)) }
        for b in cols {
            guard let f = b.field else {
                extraColumns.append(b)
                continue
            }
            switch f.kind {
            case .code: codeColumn = b.index
            case .period: periodColumn = b.index
            case .text: nameColumn = b.index
            case .number(let k): numeric.append((b, f, k))
            }
        }
        if codeColumn == nil { onFinding(InputFindings.missingColumn(.unit_code, file: file)) }
        if periodColumn == nil { onFinding(InputFindings.missingColumn(.period, file: file)) }
        onHeader?(cols)
    }
}
