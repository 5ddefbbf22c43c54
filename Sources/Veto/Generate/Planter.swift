/// Plants cases of fabrication into a genuine county and keeps track of every cell each case
/// changed, so that `labels.csv` says exactly what differs from the genuine county.
///
/// A case works on a scratch copy of the table and is kept only when
/// - the rows it targets are as the genuine county has them and no earlier case claimed them,
/// - the rows it copies from (sources) are untouched too, and
/// - it changed at least one figure it means to plant.
/// The rows it targets and copies from are then claimed, so later cases leave them alone;
/// township and county rows above them may still take further changes to their sums.
struct Planter {
    let genuine: CountyTable
    private(set) var table: CountyTable
    let money: MoneyUnit
    private(set) var cases: [(id: String, pattern: Pattern)] = []
    private var claimed: Set<RowKey> = []
    private var owners: [CellKey: [(index: Int, role: PlantedLabel.Role)]] = [:]

    init(genuine: CountyTable, money: MoneyUnit) {
        self.genuine = genuine
        self.table = genuine
        self.money = money
    }

    /// The genuine figures a row stands for (a restated row: the previous year's).
    func genuineFigures(_ k: RowKey) -> Figures {
        genuine.rows[k.restated ? k.year - 1 : k.year][k.unit]
    }

    /// Whether a row is written exactly as in the genuine county.
    func untouched(_ k: RowKey) -> Bool {
        if k.restated && table.restated[k.year] == nil { return false }
        guard table[k] == genuineFigures(k) else { return false }
        return !Field.allCases.contains { table.slips[CellKey(row: k, field: $0)] != nil }
    }

    func isClaimed(_ k: RowKey) -> Bool { claimed.contains(k) }

    /// Tries one case. `edit` changes a scratch copy of the table and returns false to give up.
    /// - Parameters:
    ///   - targets: rows the case edits directly (their changes are `planted` or `carried`).
    ///   - sources: rows it copies from, which must be untouched and are claimed with the targets.
    ///   - planted: the fields whose changes in target rows are `planted`; other changes in
    ///     target rows are `carried`, changes in their ancestors' rows `sum`. nil: every field.
    /// - Returns: whether the case was kept.
    @discardableResult
    mutating func attempt(_ pattern: Pattern, targets: [RowKey], sources: [RowKey] = [], planted: Set<Field>?,
                          edit: (inout CountyTable) -> Bool) -> Bool {
        let claims = Set(targets + sources)
        guard !targets.isEmpty, claims.allSatisfy({ !claimed.contains($0) && untouched($0) }) else { return false }
        let targetSet = Set(targets)
        var diffRows = targetSet
        for t in targets {
            for a in table.ancestors(t.unit) {
                let ak = RowKey(year: t.year, unit: a, restated: t.restated)
                // A row above a target that another case claimed must not change under it.
                if claimed.contains(ak) { return false }
                diffRows.insert(ak)
            }
        }
        var scratch = table
        guard edit(&scratch) else { return false }
        var changes: [(CellKey, PlantedLabel.Role)] = []
        for r in diffRows.sorted() {
            for f in Field.allCases {
                let c = CellKey(row: r, field: f)
                guard scratch.written(c) != table.written(c) else { continue }
                let role: PlantedLabel.Role = targetSet.contains(r) ? ((planted?.contains(f) ?? true) ? .planted : .carried) : .sum
                changes.append((c, role))
            }
        }
        guard changes.contains(where: { $0.1 == .planted }) else { return false }
        let index = cases.count
        cases.append((id: "\(table.code6)-\(index + 1)", pattern: pattern))
        table = scratch
        claimed.formUnion(claims)
        for (c, role) in changes { owners[c, default: []].append((index, role)) }
        return true
    }

    /// Copies year y−1's rows, as now written, to be restated in year y's file (which of them
    /// are written is up to the case); their changed cells keep the cases that changed them.
    mutating func restate(year y: Int) {
        guard y > 0, table.restated[y] == nil else { return }
        table.restated[y] = table.rows[y - 1]
        for u in table.units.indices {
            for f in Field.allCases {
                let from = CellKey(row: RowKey(year: y - 1, unit: u), field: f)
                let to = CellKey(row: RowKey(year: y, unit: u, restated: true), field: f)
                if let s = table.slips[from] { table.slips[to] = s }
                if let o = owners[from] { owners[to] = o }
            }
        }
    }

    /// Takes back a restatement no case used.
    mutating func unrestate(year y: Int) {
        guard table.restated[y] != nil else { return }
        table.restated[y] = nil
        table.restatedUnits[y] = nil
        for u in table.units.indices {
            for f in Field.allCases {
                let c = CellKey(row: RowKey(year: y, unit: u, restated: true), field: f)
                table.slips[c] = nil
                owners[c] = nil
            }
        }
    }

    /// The labels of every cell whose written value differs from the genuine county's, by case,
    /// then in file order.
    func labels() -> [PlantedLabel] {
        var out: [(index: Int, key: RowKey, field: Field, label: PlantedLabel)] = []
        for k in table.allRowKeys {
            let g = genuineFigures(k)
            guard let line = table.line(k) else { continue }
            for f in Field.allCases {
                let c = CellKey(row: k, field: f)
                guard table.written(c) != (g.reported(f), 0) else { continue }
                for (index, role) in owners[c] ?? [] {
                    out.append((index, k, f, PlantedLabel(
                        file: table.file(k), line: line, unitCode: table.units[k.unit].code,
                        period: String(table.period(k)), pattern: cases[index].pattern, field: f,
                        caseID: cases[index].id, role: role, original: g.reported(f).map(String.init) ?? "")))
                }
            }
        }
        out.sort { ($0.index, $0.key, $0.field) < ($1.index, $1.key, $1.field) }
        return out.map(\.label)
    }
}
