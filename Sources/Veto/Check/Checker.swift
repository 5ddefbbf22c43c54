import VetoCSV

/// Everything `veto check` learned from its inputs.
public struct CheckResult: Sendable {
    public var inputs: [InputSummary] = []
    /// Inputs that could not be read at all (exit code 3).
    public var unreadable: [CSVReadError] = []
    public var findings: [Finding] = []
    /// Findings beyond `maxFindings`, counted but not kept.
    public var droppedFindings = 0
    public var verdicts: [(key: UnitPeriod, verdict: Verdict)] = []
    public var rules: [(id: String, tally: RuleTally)] = []
    /// Display names by unit code, as the inputs give them.
    public var unitNames: [String: String] = [:]

    /// The highest severity among all findings (info included), nil when there are none.
    public var worst: Severity? { findings.map(\.severity).max() }

    public func count(_ s: Severity) -> Int { findings.filter { $0.severity == s }.count }
}

public struct CheckOptions: Sendable {
    public var reader = CSVReaderOptions()
    /// The rules: the built-in `family-welfare` pack unless a rule file is given.
    public var rules: RuleSet
    /// Per-person standards: the pack's examples, the rule file's, and a `--standards` table.
    public var standards: StandardsTable
    /// At most this many findings are kept; the rest are counted.
    public var maxFindings = 100_000

    public init() {
        // The pack is part of the toolkit and tested to parse; an empty set is the only fallback.
        rules = (try? Packs.load("family-welfare")) ?? RuleSet(rules: [])
        standards = StandardsTable.examples
    }
}

/// Runs the report-table inputs through the reader and the row rules, and gives each
/// unit-period its verdict. Streams each input; keeps one small record per unit-period.
public final class Checker {
    public let options: CheckOptions
    private var result = CheckResult()
    /// Report-table rows are kept until every input is read: rules look at child units and
    /// previous periods from any input. (One small record per row; a county's ten years of
    /// villages is thousands of rows.)
    private var rows: [Row] = []
    private var files: [String] = []
    private var worstByKey: [UnitPeriod: Severity] = [:]
    private var firstSeen: [UnitPeriod: (file: String, line: Int, row: Int)] = [:]
    /// Input findings of the record being read, given the unit and period of its row once known.
    private var pendingLineFindings: [Finding] = []

    public init(options: CheckOptions = CheckOptions()) {
        self.options = options
    }

    /// Reads and checks one input. An input that cannot be opened is recorded, not thrown.
    public func add(path: String, display: String? = nil) {
        let index = files.count
        let name = display ?? (path == "-" ? "<stdin>" : path)
        files.append(name)
        do {
            let summary = try SubmissionReader.read(
                path: path, display: name, input: index, options: options.reader,
                onRow: { [unowned self] row in self.row(row, file: name) },
                onFinding: { [unowned self] f in self.finding(f) })
            flushPending()
            result.inputs.append(summary)
        } catch {
            flushPending()
            result.unreadable.append(error)
        }
    }

    /// Checks an input held in memory (tests, and callers that already have the bytes).
    public func add(bytes: [UInt8], name: String) {
        let index = files.count
        files.append(name)
        let sub = SubmissionReader(file: name, input: index,
                                   onRow: { [unowned self] row in self.row(row, file: name) },
                                   onFinding: { [unowned self] f in self.finding(f) })
        let reader = CSVReader(options: options.reader, onRecord: sub.record, onFinding: sub.csvFinding)
        bytes.withUnsafeBytes { reader.feed($0) }
        let s = reader.finish()
        flushPending()
        result.inputs.append(sub.summary(s))
    }

    public func finish() -> CheckResult {
        let standards = StandardsTable(options.standards.standards + options.rules.standards.standards)
        let engine = RuleEngine(rules: options.rules.rules, standards: standards)
        let tallies = engine.run(rows: rows, files: files) { keep($0) }
        // Where no previous period was read, say what opening stock the figures imply.
        let keys = Set(rows.compactMap(\.key))
        for r in rows {
            if let k = r.key, keys.contains(UnitPeriod(unit: k.unit, period: k.period.previous)) { continue }
            impliedOpenings(r, file: r.input < files.count ? files[r.input] : "")
        }
        result.verdicts = worstByKey.keys.sorted().map { ($0, Verdict(worstByKey[$0])) }
        result.rules = zip(options.rules.rules, tallies).map { ($0.id, $1) }
        return result
    }

    /// Input findings wait for their record's row, so that those without a unit (a ragged
    /// row, a NUL byte) get the row's unit and period, and all keep the order they came in.
    private func finding(_ f: Finding) {
        if f.kind == .input && f.line != nil {
            pendingLineFindings.append(f)
            return
        }
        keep(f)
    }

    private func keep(_ f: Finding) {
        if let u = f.unitCode, let ps = f.period, let unit = try? UnitCode.parse(u).get(), let p = Period.parse(ps) {
            let key = UnitPeriod(unit: unit, period: p)
            worstByKey[key] = max(worstByKey[key] ?? .info, f.severity)
        }
        if result.findings.count < options.maxFindings {
            result.findings.append(f)
        } else {
            result.droppedFindings += 1
        }
    }

    private func flushPending(for row: Row? = nil) {
        guard !pendingLineFindings.isEmpty else { return }
        for var f in pendingLineFindings {
            if let row, f.unitCode == nil, let line = f.line, line >= row.line, line <= row.endLine {
                f.unitCode = row.unitCode?.code
                f.period = row.period?.description
            }
            keep(f)
        }
        pendingLineFindings.removeAll()
    }

    private func row(_ row: Row, file: String) {
        flushPending(for: row)
        if let u = row.unitCode, let n = row.unitName, !n.isEmpty, result.unitNames[u.code] == nil {
            result.unitNames[u.code] = n
        }
        rows.append(row)
        // Without a unit and period a row gets no verdict; its findings say why.
        guard let key = row.key else { return }
        if let first = firstSeen[key] {
            let changed = Self.revisedFields(rows[first.row], row)
            if changed.isEmpty {
                keep(InputFindings.duplicate(row, first: (first.file, first.line), file: file))
            } else {
                keep(InputFindings.revision(row, first: (first.file, first.line), changes: changed, file: file))
            }
        } else {
            firstSeen[key] = (file, row.line, rows.count - 1)
            if worstByKey[key] == nil { worstByKey[key] = .info }
        }
    }

    /// Figures a later row of the same unit and period reports differently (by value, not by
    /// how it is written: 53.376万 and 533760 are the same figure).
    static func revisedFields(_ a: Row, _ b: Row) -> [(Field, String, String)] {
        var out: [(Field, String, String)] = []
        for f in Field.allCases where f.numberKind != nil {
            let x = a.number(f), y = b.number(f)
            switch (x, y) {
            case (let x?, let y?) where !x.hasSameValue(as: y):
                out.append((f, ExactDecimal(x).description, ExactDecimal(y).description))
            case (nil, let y?) where a[f] != nil:
                out.append((f, "", ExactDecimal(y).description))
            case (let x?, nil) where b[f] != nil:
                out.append((f, ExactDecimal(x).description, ""))
            default: continue
            }
        }
        return out
    }

    private func impliedOpenings(_ row: Row, file: String) {
        let programmes: [(String, Field, Field, Field, Field, String, String)] = [
            ("flow.reward", .reward_prev, .reward_added, .reward_exited, .reward_total, "奖励扶助", "reward support"),
            ("flow.special", .special_prev, .special_added, .special_exited, .special_total, "特别扶助", "special support"),
        ]
        for (id, prev, added, exited, total, zh, en) in programmes {
            guard row.number(prev) == nil, let tn = row.number(total), let an = row.number(added),
                  let xn = row.number(exited) else { continue }
            let implied = ExactDecimal(tn) - ExactDecimal(an) + ExactDecimal(xn)
            let t = ExactDecimal(tn).grouped(), a = ExactDecimal(an).grouped(), x = ExactDecimal(xn).grouped()
            keep(Finding(id: id + ".implied-opening", kind: .rule, severity: .info, file: file, line: row.line,
                         column: row.column(total), unitCode: row.unitCode?.code, period: row.period?.description,
                         fields: [prev.rawValue, added.rawValue, exited.rawValue, total.rawValue],
                         expected: implied.description,
                         message: Message(
                            zh: "\(zh)上年人数未报告；由 \(t) − \(a) + \(x) 推得 \(implied.grouped())，应与上年报告的人数一致",
                            en: "\(en) opening stock not reported; \(t) − \(a) + \(x) implies \(implied.grouped()), which must equal last period's reported closing stock")))
        }
    }
}
