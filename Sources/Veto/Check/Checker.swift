import VetoCSV

/// Counts of one rule over a run: holds, fails, not checked (R validate's `passes fails nNA`).
public struct RuleTally: Sendable, Equatable {
    public var holds = 0
    public var fails = 0
    public var notChecked = 0
}

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
    public var rules: [RowRule] = RowRule.builtIn
    /// At most this many findings are kept; the rest are counted.
    public var maxFindings = 100_000
    public init() {}
}

/// Runs the report-table inputs through the reader and the row rules, and gives each
/// unit-period its verdict. Streams each input; keeps one small record per unit-period.
public final class Checker {
    public let options: CheckOptions
    private var result = CheckResult()
    private var tallies: [RuleTally]
    private var worstByKey: [UnitPeriod: Severity] = [:]
    private var firstSeen: [UnitPeriod: (file: String, line: Int)] = [:]
    /// Input findings of the record being read, given the unit and period of its row once known.
    private var pendingLineFindings: [Finding] = []

    public init(options: CheckOptions = CheckOptions()) {
        self.options = options
        self.tallies = Array(repeating: RuleTally(), count: options.rules.count)
    }

    /// Reads and checks one input. An input that cannot be opened is recorded, not thrown.
    public func add(path: String, display: String? = nil) {
        let index = result.inputs.count
        let name = display ?? (path == "-" ? "<stdin>" : path)
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
        let index = result.inputs.count
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
        result.verdicts = worstByKey.keys.sorted().map { ($0, Verdict(worstByKey[$0])) }
        result.rules = zip(options.rules, tallies).map { ($0.id, $1) }
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
        guard let key = row.key else {
            // Without a unit and period the row cannot get a verdict; its findings say why.
            checkRules(row, file: file)
            return
        }
        if let first = firstSeen[key] {
            keep(InputFindings.duplicate(row, first: first, file: file))
        } else {
            firstSeen[key] = (file, row.line)
            if worstByKey[key] == nil { worstByKey[key] = .info }
        }
        checkRules(row, file: file)
        impliedOpenings(row, file: file)
    }

    private func checkRules(_ row: Row, file: String) {
        for (i, rule) in options.rules.enumerated() {
            switch rule.check(row) {
            case .holds:
                tallies[i].holds += 1
            case .notChecked:
                tallies[i].notChecked += 1
            case .fails(let v):
                tallies[i].fails += 1
                keep(Finding(id: rule.id, kind: .rule, severity: rule.severity, file: file,
                             line: row.line, column: row.column(rule.target),
                             unitCode: row.unitCode?.code, period: row.period?.description,
                             fields: rule.fields.map(\.rawValue), expected: v.expected, actual: v.actual,
                             message: v.message))
            }
        }
    }

    private func impliedOpenings(_ row: Row, file: String) {
        let programmes: [(String, Field, Field, Field, Field, String, String)] = [
            ("flow.reward", .reward_prev, .reward_added, .reward_exited, .reward_total, "奖励扶助", "reward support"),
            ("flow.special", .special_prev, .special_added, .special_exited, .special_total, "特别扶助", "special support"),
        ]
        for (id, prev, added, exited, total, zh, en) in programmes {
            guard let implied = RowRule.impliedOpening(row, prev: prev, added: added, exited: exited, total: total) else { continue }
            let t = RowRule.shown(row, total), a = RowRule.shown(row, added), x = RowRule.shown(row, exited)
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
