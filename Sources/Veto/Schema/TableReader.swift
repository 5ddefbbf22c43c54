import VetoCSV

/// One cell of a declared column as read: a figure (`mantissa × 10^exponent`, with the precision
/// it was written in), "not reported", unreadable, or absent from the input. 16 bytes, no heap.
/// For a category column the mantissa is the index of its value.
public struct Cell: Sendable, Equatable {
    public enum State: UInt8, Sendable { case absent, number, missing, invalid }
    public var mantissa: Int64
    public var exponent: Int16
    public var state: State

    public static let absent = Cell(mantissa: 0, exponent: 0, state: .absent)
    public static let missing = Cell(mantissa: 0, exponent: 0, state: .missing)
    public static let invalid = Cell(mantissa: 0, exponent: 0, state: .invalid)

    public init(mantissa: Int64, exponent: Int16, state: State) {
        self.mantissa = mantissa
        self.exponent = exponent
        self.state = state
    }

    public init(_ n: ReportedNumber) {
        self.init(mantissa: n.mantissa, exponent: Int16(clamping: n.exponent), state: .number)
    }

    public var number: ReportedNumber? {
        state == .number ? ReportedNumber(mantissa: mantissa, exponent: Int(exponent)) : nil
    }
}

/// How one input's header maps to the schema. Fixed once the header is read (a reference, so a
/// row carrying it costs nothing to copy).
public final class TableBinding: @unchecked Sendable {
    /// For each header cell: the schema column it binds, if any.
    public let bindings: [HeaderBinding]
    /// For each schema column: the 0-based field of the record holding it.
    public let fieldOf: [Int?]
    /// Power of ten a header unit gives each schema column (`(万元)` → 4).
    public let exponentOf: [Int]

    public init(bindings: [HeaderBinding], fieldOf: [Int?], exponentOf: [Int]) {
        self.bindings = bindings
        self.fieldOf = fieldOf
        self.exponentOf = exponentOf
    }
    /// The key's division-code column and period column (schema indices), where bound.
    public var unitColumn: Int?
    public var periodColumn: Int?
    /// Key columns that are neither (a survey's `id`): their text is the unit's identity.
    public var textKeyColumns: [Int] = []
    /// No key column bound: every line is its own unit.
    public var keyIsLine: Bool { unitColumn == nil && periodColumn == nil && textKeyColumns.isEmpty }
}

/// A header cell bound to a schema column (or kept by its own name).
public struct HeaderBinding: Sendable, Equatable {
    public var index: Int
    public var raw: String
    public var column: Int?
    public var unit: String?
    public var exponent: Int
}

extension Schema {
    /// Binds header cells to declared columns: names and aliases after folding, a trailing unit
    /// stripped (a money unit scales the column). Reports duplicates, units that do not fit the
    /// column, unknown and empty names.
    public func bind(_ headers: [String]) -> (TableBinding, [HeaderIssue]) {
        var bindings: [HeaderBinding] = []
        var issues: [HeaderIssue] = []
        var fieldOf = [Int?](repeating: nil, count: columns.count)
        var exponentOf = [Int](repeating: 0, count: columns.count)
        var seenRaw: [String: Int] = [:]
        for (i, raw) in headers.enumerated() {
            let (name, unit) = HeaderMatcher.normalize(raw)
            var column = name.isEmpty ? nil : index(of: name)
            var exponent = 0
            if name.isEmpty {
                issues.append(HeaderIssue(kind: .emptyName, column: i + 1, raw: raw, field: nil, firstColumn: nil))
            }
            if let c = column, let first = fieldOf[c] {
                issues.append(HeaderIssue(kind: .duplicate, column: i + 1, raw: raw, field: nil, firstColumn: first + 1,
                                          name: columns[c].name))
                column = nil
            } else if column == nil, !name.isEmpty, let first = seenRaw[name] {
                issues.append(HeaderIssue(kind: .duplicate, column: i + 1, raw: raw, field: nil, firstColumn: first, name: raw))
            }
            if let c = column {
                fieldOf[c] = i
                if let unit, let u = HeaderMatcher.units.first(where: { $0.text == unit }) {
                    let tag: HeaderMatcher.KindTag? = switch columns[c].numberKind {
                    case .money: .money
                    case .count: .count
                    case .rate: .rate
                    case .number: .number
                    case nil: nil
                    }
                    if let tag, u.kinds.contains(tag) || (tag == .number && !u.kinds.contains(.rate)) {
                        exponent = u.exponent
                        exponentOf[c] = u.exponent
                    } else {
                        issues.append(HeaderIssue(kind: .unitMismatch, column: i + 1, raw: raw, field: nil, firstColumn: nil,
                                                  name: columns[c].name))
                    }
                }
            } else if !name.isEmpty && seenRaw[name] == nil {
                issues.append(HeaderIssue(kind: .unknownColumn, column: i + 1, raw: raw, field: nil, firstColumn: nil))
            }
            if seenRaw[name] == nil { seenRaw[name] = i + 1 }
            bindings.append(HeaderBinding(index: i, raw: raw, column: column, unit: unit, exponent: exponent))
        }
        let b = TableBinding(bindings: bindings, fieldOf: fieldOf, exponentOf: exponentOf)
        let keyNames = key ?? ["unit_code", "period"]
        for k in keyNames {
            guard let c = index(of: k), fieldOf[c] != nil else {
                if key != nil {
                    issues.append(HeaderIssue(kind: .missingKey, column: 0, raw: k, field: nil, firstColumn: nil, name: k))
                }
                continue
            }
            switch columns[c].type {
            case .code where b.unitColumn == nil: b.unitColumn = c
            case .period where b.periodColumn == nil: b.periodColumn = c
            default: b.textKeyColumns.append(c)
            }
        }
        return (b, issues)
    }
}

/// One row as the checker sees it while its record is being read: cells indexed by schema
/// column, the key, and the record itself (for text columns). Valid only during the callback.
public struct RowView {
    public let input: Int
    public let line: Int
    public let endLine: Int
    /// One cell per schema column (absent where the input has no such column).
    public let cells: UnsafeMutablePointer<Cell>
    public let record: CSVRecord
    /// The input's binding (kept alive by the reader for as long as the row is).
    public unowned(unsafe) let binding: TableBinding
    public var unit: UnitCode?
    public var period: Period?
    /// The key as written when it is not a division code (`RET01`), or the codes as written.
    public var unitText: String?
    public var periodText: String?
    public var unitName: String?

    /// The text of schema column `c` as written ("" when absent).
    public func text(_ c: Int) -> String {
        guard let f = binding.fieldOf[c], f < record.storedCount else { return "" }
        return record.string(f)
    }

    /// 1-based field number of schema column `c` in this input.
    public func fieldNumber(_ c: Int) -> Int? { binding.fieldOf[c].map { $0 + 1 } }
}

/// Reads one input's records as rows of a schema: every declared column's cells parsed (an
/// unreadable one is a finding at its cell), the key read, header issues reported. Streams:
/// one reused cell buffer, nothing kept per row.
///
/// - Complexity: O(fields) per record; memory O(schema columns).
public final class TableReader {
    public let file: String
    public let input: Int
    public let schema: Schema
    private let onRow: (inout RowView) -> Void
    private let onFinding: (Finding) -> Void
    public private(set) var binding = TableBinding(bindings: [], fieldOf: [], exponentOf: [])
    private let cells: UnsafeMutablePointer<Cell>
    /// Numeric and category columns bound in this input: (schema column, field, kind, exponent).
    private var numeric: [(column: Int, field: Int, kind: ColumnKind, exponent: Int)] = []
    private var categories: [(column: Int, field: Int, values: [String])] = []
    private var nameField: Int?
    public private(set) var rows = 0

    public init(schema: Schema, file: String, input: Int, onRow: @escaping (inout RowView) -> Void,
                onFinding: @escaping (Finding) -> Void) {
        self.schema = schema
        self.file = file
        self.input = input
        self.onRow = onRow
        self.onFinding = onFinding
        cells = .allocate(capacity: max(1, schema.columns.count))
        cells.initialize(repeating: .absent, count: max(1, schema.columns.count))
    }

    deinit { cells.deallocate() }

    public func csvFinding(_ f: CSVFinding) { onFinding(InputFindings.csv(f, file: file)) }

    public func record(_ r: CSVRecord) {
        if r.index == 0 {
            bindHeader(r)
            return
        }
        rows += 1
        var row = RowView(input: input, line: r.line, endLine: r.endLine, cells: cells, record: r, binding: binding)
        if let c = binding.unitColumn, let f = binding.fieldOf[c] {
            let raw = r.string(f)
            row.unitText = raw
            switch UnitCode.parse(raw) {
            case .success(let code): row.unit = code
            case .failure(let p):
                row.unitText = nil
                onFinding(InputFindings.unitCode(p, raw: raw, line: r.line(ofField: f), column: f + 1, file: file,
                                                 name: schema.columns[c].name))
            }
        }
        if let c = binding.periodColumn, let f = binding.fieldOf[c] {
            let raw = r.string(f)
            row.periodText = raw
            if let p = Period.parse(raw) {
                row.period = p
            } else {
                onFinding(InputFindings.period(raw: raw, unit: row.unit?.code, line: r.line(ofField: f), column: f + 1,
                                               file: file, name: schema.columns[c].name))
            }
        }
        if !binding.textKeyColumns.isEmpty {
            var parts: [String] = []
            for c in binding.textKeyColumns { parts.append(binding.fieldOf[c].map { r.string($0) } ?? "") }
            let text = parts.joined(separator: "|")
            if row.unit == nil { row.unitText = text } else { row.unitText = (row.unitText ?? "") + "|" + text }
        }
        if let f = nameField, f < r.storedCount { row.unitName = r.string(f) }
        for (c, f, kind, exponent) in numeric {
            guard f < r.storedCount else {
                cells[c] = .missing          // a short record: reported once as csv-too-few-fields
                continue
            }
            if r.isDamaged(f) {
                cells[c] = .invalid
                // Kept bytes: a quote closed mid-field ("9"97), which the CSV layer only reviews;
                // unreadable as a figure, so a fail at the cell. No bytes: over the cap or cut by
                // an unterminated quote, a fail the CSV layer reported already.
                if r.unsafeField(f).count > 0 {
                    onFinding(InputFindings.malformedNumber(raw: r.string(f), column: schema.columns[c].name,
                                                            unit: row.unit?.code ?? row.unitText, period: row.period?.description,
                                                            line: r.line(ofField: f), field: f + 1, file: file))
                }
                continue
            }
            switch NumberParser.parse(r.unsafeField(f), kind: kind, headerExponent: exponent) {
            case .number(let n): cells[c] = Cell(n)
            case .missing: cells[c] = .missing
            case .invalid(let p):
                cells[c] = .invalid
                onFinding(InputFindings.cell(p, raw: r.string(f), column: schema.columns[c].name, unit: row.unit?.code ?? row.unitText,
                                             period: row.period?.description, line: r.line(ofField: f), field: f + 1, file: file))
            }
        }
        for (c, f, values) in categories {
            guard f < r.storedCount else { cells[c] = .missing; continue }
            let raw = r.string(f).trimmingSpaces
            if r.isDamaged(f) {
                // Not the value as written (a quote closed mid-field, a field over the cap): never a match.
                cells[c] = .invalid
                onFinding(InputFindings.category(raw: raw, values: values, column: schema.columns[c].name,
                                                 unit: row.unit?.code ?? row.unitText, period: row.period?.description,
                                                 line: r.line(ofField: f), field: f + 1, file: file))
            } else if raw.isEmpty || MissingToken(rawValue: raw) != nil {
                cells[c] = .missing
            } else if let k = values.firstIndex(of: raw) {
                cells[c] = Cell(mantissa: Int64(k), exponent: 0, state: .number)
            } else {
                cells[c] = .invalid
                onFinding(InputFindings.category(raw: raw, values: values, column: schema.columns[c].name,
                                                 unit: row.unit?.code ?? row.unitText, period: row.period?.description,
                                                 line: r.line(ofField: f), field: f + 1, file: file))
            }
        }
        onRow(&row)
    }

    private func bindHeader(_ r: CSVRecord) {
        let (b, issues) = schema.bind(r.strings)
        binding = b
        for i in issues { onFinding(InputFindings.header(i, file: file)) }
        for (c, spec) in schema.columns.enumerated() {
            guard let f = b.fieldOf[c] else { continue }
            if let k = spec.numberKind {
                numeric.append((c, f, k, b.exponentOf[c]))
            } else if case .category(let values) = spec.type {
                categories.append((c, f, values))
            } else if spec.type == .text, spec.name == "unit_name" || nameField == nil {
                nameField = f
            }
        }
    }

    /// Reads a whole input from a path (`-`: standard input).
    @discardableResult
    public static func read(path: String, display: String, input: Int, schema: Schema, options: CSVReaderOptions,
                            onRow: @escaping (inout RowView) -> Void,
                            onFinding: @escaping (Finding) -> Void) throws(CSVReadError) -> (CSVInputSummary, Int) {
        let r = TableReader(schema: schema, file: display, input: input, onRow: onRow, onFinding: onFinding)
        let s = try CSVReader.read(path: path, options: options, onRecord: r.record, onFinding: r.csvFinding)
        return (s, r.rows)
    }
}
