/// One row of a report table, typed: a unit, a period, and its figures as reported.
public struct Row: Sendable {
    /// Index of the input in the run (into `CheckResult.inputs`).
    public var input: Int
    public var line: Int
    public var endLine: Int
    public var unitCode: UnitCode?
    public var period: Period?
    public var unitName: String?
    /// The code and period as written (kept for rows whose code or period cannot be read).
    public var unitCodeText: String?
    public var periodText: String?
    /// Cells of the canonical numeric columns, indexed by `Field.order`; nil when the input
    /// has no such column.
    var cells: [CellValue?]
    /// 1-based field number of each canonical column, indexed by `Field.order`.
    var columns: [Int?]
    /// Columns kept by their own name, as written.
    public var extras: [(name: String, value: String)]

    init(input: Int, line: Int, endLine: Int) {
        self.input = input
        self.line = line
        self.endLine = endLine
        cells = Array(repeating: nil, count: Field.allCases.count)
        columns = Array(repeating: nil, count: Field.allCases.count)
        extras = []
    }

    /// The cell of a canonical column (nil: the input has no such column).
    public subscript(_ f: Field) -> CellValue? {
        get { cells[f.order] }
        set { cells[f.order] = newValue }
    }

    /// The reported number, or nil when absent, not reported, or unreadable.
    public func number(_ f: Field) -> ReportedNumber? {
        if case .number(let n)? = cells[f.order] { return n }
        return nil
    }

    public func column(_ f: Field) -> Int? { columns[f.order] }

    /// The figure as an interval of its reported precision.
    public func interval(_ f: Field) -> Interval? {
        guard let n = number(f), let k = f.numberKind else { return nil }
        return Interval(reported: n, kind: k)
    }

    public var key: UnitPeriod? {
        guard let u = unitCode, let p = period else { return nil }
        return UnitPeriod(unit: .code(u), period: p)
    }
}

