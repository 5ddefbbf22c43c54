/// Counts of one rule over a run: holds, fails, not checked (R validate's `passes fails nNA`),
/// and not applicable (its `when` or `levels` excluded the row).
public struct RuleTally: Sendable, Equatable {
    public var holds = 0
    public var fails = 0
    public var notChecked = 0
    public var notApplicable = 0

    public init(holds: Int = 0, fails: Int = 0, notChecked: Int = 0, notApplicable: Int = 0) {
        self.holds = holds
        self.fails = fails
        self.notChecked = notChecked
        self.notApplicable = notApplicable
    }
}

/// The result of one rule on one row.
public enum RuleOutcome: Sendable, Equatable {
    case holds
    case notApplicable
    case notChecked(Unevaluable)
    case fails
}

extension Period {
    /// The period before this one (2020 → 2019, 2020H1 → 2019H2, 2020Q1 → 2019Q4, 2020-01 → 2019-12).
    public var previous: Period {
        switch part {
        case .year: Period(year: year - 1, part: .year)
        case .half(let h): h == 1 ? Period(year: year - 1, part: .half(2)) : Period(year: year, part: .half(1))
        case .quarter(let q): q == 1 ? Period(year: year - 1, part: .quarter(4)) : Period(year: year, part: .quarter(q - 1))
        case .month(let m): m == 1 ? Period(year: year - 1, part: .month(12)) : Period(year: year, part: .month(m - 1))
        }
    }
}

/// Evaluates a rule set over all rows of a run: each row with its child units and its
/// previous period, from any input. Produces findings with the expected and actual values,
/// which field is most likely wrong, and a typo hypothesis where one explains it.
public struct RuleEngine: Sendable {
    public var rules: [Rule]
    public var standards: StandardsTable

    public init(rules: [Rule], standards: StandardsTable) {
        self.rules = rules
        self.standards = standards
    }

    /// Rows indexed by unit-period (the first occurrence wins), and by parent.
    public struct Index: Sendable {
        var byKey: [UnitPeriod: Int] = [:]
        var children: [UnitPeriod: [Int]] = [:]

        public init(_ rows: [Row]) {
            for (i, r) in rows.enumerated() {
                guard let k = r.key, byKey[k] == nil else { continue }
                byKey[k] = i
                if let p = k.unit.parent { children[UnitPeriod(unit: p, period: k.period), default: []].append(i) }
            }
        }
    }

    public func context(_ i: Int, rows: [Row], index: Index) -> RowContext {
        let row = rows[i]
        guard let k = row.key else { return RowContext(row: row, standards: standards) }
        let kids = (index.children[k] ?? []).map { rows[$0] }
        let prev = index.byKey[UnitPeriod(unit: k.unit, period: k.period.previous)].map { rows[$0] }
        return RowContext(row: row, children: kids, previous: prev, standards: standards)
    }

    public func outcome(_ rule: Rule, _ ctx: RowContext) -> RuleOutcome {
        if let levels = rule.levels, let u = ctx.row.unitCode, !levels.contains(u.level) { return .notApplicable }
        let ev = Evaluator(ctx, tolerance: rule.tolerance)
        if let w = rule.when {
            do {
                if try !ev.bool(w) { return .notApplicable }
            } catch {
                return .notChecked(error)
            }
        }
        do {
            return try ev.bool(rule.assert) ? .holds : .fails
        } catch {
            return .notChecked(error)
        }
    }

    /// Checks every row; calls `emit` with each finding; returns a tally per rule.
    public func run(rows: [Row], files: [String], emit: (Finding) -> Void) -> [RuleTally] {
        var tallies = Array(repeating: RuleTally(), count: rules.count)
        let index = Index(rows)
        for i in rows.indices {
            let ctx = context(i, rows: rows, index: index)
            let file = rows[i].input < files.count ? files[rows[i].input] : ""
            var failing: [Rule] = []
            var notes: [Finding] = []
            for (r, rule) in rules.enumerated() {
                switch outcome(rule, ctx) {
                case .holds: tallies[r].holds += 1
                case .notApplicable: tallies[r].notApplicable += 1
                case .fails:
                    tallies[r].fails += 1
                    failing.append(rule)
                case .notChecked(let why):
                    tallies[r].notChecked += 1
                    if case .noStandard(let p) = why, let note = impliedNote(rule, p, ctx, file: file) { notes.append(note) }
                }
            }
            var findings = failing.map { violation($0, ctx, file: file) }
            var childFindings: [Finding] = []
            var byChild = Set<Int>()
            for (k, rule) in failing.enumerated() {
                if let f = childTypo(rule, ctx, files: files, parent: &findings[k]) {
                    childFindings.append(f)
                    byChild.insert(k)
                }
            }
            if !findings.isEmpty { explain(&findings, failing, ctx, explainedByChild: byChild) }
            findings.forEach(emit)
            childFindings.forEach(emit)
            notes.forEach(emit)
        }
        return tallies
    }

    // MARK: Findings

    /// A sum over child units that one keystroke in one child's figure would balance: the
    /// township is not wrong, that village is. Reported at the child, with the correction.
    func childTypo(_ rule: Rule, _ ctx: RowContext, files: [String], parent: inout Finding) -> Finding? {
        guard case .compare([.eq], let operands) = rule.assert, operands.count == 2,
              case .column(let f) = operands[0], case .childSum(let g) = operands[1], f == g,
              let total = ctx.row.number(f), let kind = f.numberKind else { return nil }
        var figures = [Figure(name: "parent", reported: total, isCount: kind == .count, isRate: kind == .rate)]
        var terms: [(variable: String, coefficient: ExactDecimal)] = [("parent", ExactDecimal(integer: 1))]
        for (i, c) in ctx.children.enumerated() {
            guard let n = c.number(f) else { return nil }
            figures.append(Figure(name: "child\(i)", reported: n, isCount: kind == .count, isRate: kind == .rate))
            terms.append(("child\(i)", ExactDecimal(integer: -1)))
        }
        let constraint = LinearConstraint(terms: terms, lo: .zero, hi: .zero, rule: rule.id)
        let hypotheses = Localizer.typos(figures, [constraint])
        // Only an unambiguous answer: one child, one correction, and not the parent itself.
        guard !hypotheses.contains(where: { $0.field == "parent" }),
              Set(hypotheses.map(\.field)).count == 1, Set(hypotheses.map(\.corrected)).count == 1,
              let h = hypotheses.first, let i = Int(h.field.dropFirst("child".count)), i < ctx.children.count else { return nil }
        let child = ctx.children[i]
        let code = child.unitCode?.code ?? "?"
        let was = child.number(f).map { ExactDecimal($0).grouped() } ?? "?"
        parent.message = Message(zh: parent.message.zh + "（疑为 \(code) 的 \(f.rawValue) 笔误：\(was) 应为 \(h.corrected)）",
                                 en: parent.message.en + " (likely a typo in \(code)'s \(f.rawValue): \(was) for \(h.corrected))")
        parent.likelyWrong = ["\(code).\(f.rawValue)"]
        let typo = TypoHypothesis(field: f.rawValue, kind: h.kind, corrected: h.corrected)
        return Finding(id: rule.id, kind: .rule, severity: .fail, file: child.input < files.count ? files[child.input] : "",
                       line: child.line, column: child.column(f), unitCode: code, period: child.period?.description,
                       fields: [f.rawValue], expected: h.corrected, actual: child.number(f).map { ExactDecimal($0).description },
                       likelyWrong: [f.rawValue], typo: typo,
                       message: Message(zh: "\(f.rawValue) 疑为笔误（\(h.kind)）：改为 \(h.corrected) 后上级 \(ctx.row.unitCode?.code ?? "") 的合计正好相符",
                                        en: "\(f.rawValue) looks mistyped (\(h.kind)): with \(h.corrected) the sum at \(ctx.row.unitCode?.code ?? "the parent") balances exactly"))
    }

    /// The figure a finding points at: the rule's `target`, else the single column on one side.
    static func target(of rule: Rule) -> Field? {
        if let t = rule.target { return t }
        guard case .compare(_, let operands) = rule.assert else { return rule.assert.columns.first }
        for o in operands.reversed() { if case .column(let f) = o { return f } }
        return rule.assert.columns.first
    }

    func violation(_ rule: Rule, _ ctx: RowContext, file: String) -> Finding {
        let row = ctx.row
        let ev = Evaluator(ctx, tolerance: rule.tolerance)
        let target = Self.target(of: rule)
        var expected: String?
        var worked = ""
        if case .compare(let ops, let operands) = rule.assert {
            let values = operands.map { try? ev.number($0) }
            if let i = ops.indices.first(where: { k in
                guard let a = values[k], let b = values[k + 1] else { return false }
                return !ev.holds(a, ops[k], b)
            }) {
                expected = Self.expected(ops: ops, operands: operands, values: values, failing: i, target: target)
                worked = Self.render(operands[i], values[i], ctx) + " " + Self.negated(ops[i]) + " "
                    + Self.render(operands[i + 1], values[i + 1], ctx)
            }
        }
        let actual = target.flatMap { row.number($0) }.map { ExactDecimal($0).description }
        let fields = rule.assert.columns.map(\.rawValue)
        // A message that names figures (`{ltc_women}`) says it all; otherwise the worked figures follow it.
        let (zh, namedZh) = Self.fill(rule.message.zh, row)
        let (en, namedEn) = Self.fill(rule.message.en, row)
        return Finding(id: rule.id, kind: .rule, severity: rule.severity, file: file, line: row.line,
                       column: target.flatMap { row.column($0) }, unitCode: row.unitCode?.code,
                       period: row.period?.description, fields: fields, expected: expected, actual: actual,
                       message: Message(zh: namedZh || worked.isEmpty ? zh : "\(zh)：\(worked)",
                                        en: namedEn || worked.isEmpty ? en : "\(en): \(worked)"))
    }

    /// Replaces `{column}` in a message by the row's reported figure; says whether any was named.
    static func fill(_ template: String, _ row: Row) -> (String, Bool) {
        guard template.contains("{") else { return (template, false) }
        var s = template
        var named = false
        for f in Field.allCases where s.contains("{\(f.rawValue)}") {
            let v = row.number(f).map { ExactDecimal($0).grouped() } ?? "?"
            s = s.replacingAll("{\(f.rawValue)}", with: v)
            named = true
        }
        return (s, named)
    }

    /// What the target should be, given the other side of the failing comparison.
    static func expected(ops: [Expr.CompareOp], operands: [Expr], values: [Interval?], failing i: Int, target: Field?) -> String? {
        func isTarget(_ e: Expr) -> Bool { if case .column(let f) = e { return f == target } else { return false } }
        // a ≤ T ≤ b: the target's whole range.
        if ops.count == 2, isTarget(operands[1]), let a = values[0], let b = values[2] {
            switch (ops[0], ops[1]) {
            case (.le, .le), (.lt, .lt), (.le, .lt), (.lt, .le): return "\(a.lo)..\(b.hi)"
            case (.ge, .ge), (.gt, .gt), (.ge, .gt), (.gt, .ge): return "\(b.lo)..\(a.hi)"
            default: break
            }
        }
        let op = ops[i]
        if isTarget(operands[i + 1]), let v = values[i] {
            // v op T
            switch op {
            case .eq: return v.description
            case .le: return "≥ \(v.lo)"
            case .lt: return "> \(v.lo)"
            case .ge: return "≤ \(v.hi)"
            case .gt: return "< \(v.hi)"
            case .ne: return "≠ \(v.lo)"
            }
        }
        if let v = values[i + 1] {
            // T op v (or no single target: the left side against the right)
            switch op {
            case .eq: return v.description
            case .le: return "≤ \(v.hi)"
            case .lt: return "< \(v.hi)"
            case .ge: return "≥ \(v.lo)"
            case .gt: return "> \(v.lo)"
            case .ne: return "≠ \(v.lo)"
            }
        }
        return nil
    }

    static func negated(_ op: Expr.CompareOp) -> String {
        switch op {
        case .eq: "≠"
        case .ne: "="
        case .lt: "≥"
        case .le: ">"
        case .gt: "≤"
        case .ge: "<"
        }
    }

    /// An operand with its figures filled in: `1,500 + 70 − 40 = 1,530`, or `1,350`.
    static func render(_ e: Expr, _ v: Interval?, _ ctx: RowContext) -> String {
        let value = v.map { $0.isPoint ? $0.lo.grouped(fractionDigits: 2) : "\($0.lo.grouped(fractionDigits: 2))..\($0.hi.grouped(fractionDigits: 2))" } ?? "?"
        switch e {
        case .column(let f): return ctx.row.number(f).map { ExactDecimal($0).grouped() } ?? value
        case .number, .prev, .childSum, .childCount, .standard: return value
        default: return "\(substitute(e, ctx)) = \(value)"
        }
    }

    static func substitute(_ e: Expr, _ ctx: RowContext) -> String {
        let ev = Evaluator(ctx)
        func show(_ x: Expr) -> String {
            (try? ev.number(x)).map { $0.isPoint ? $0.lo.grouped(fractionDigits: 2) : $0.description } ?? "?"
        }
        switch e {
        case .column(let f): return ctx.row.number(f).map { ExactDecimal($0).grouped() } ?? "?"
        case .number, .prev, .childSum, .childCount, .standard, .extra: return show(e)
        case .unary(.negate, let x): return "−" + paren(x, ctx)
        case .binary(let op, let a, let b):
            let sym = switch op { case .add: "+"; case .sub: "−"; case .mul: "×"; case .div: "÷"; case .and: "and"; case .or: "or" }
            return "\(paren(a, ctx)) \(sym) \(paren(b, ctx))"
        default: return show(e)
        }
    }

    static func paren(_ e: Expr, _ ctx: RowContext) -> String {
        if case .binary(let op, _, _) = e, op == .add || op == .sub { return "(\(substitute(e, ctx)))" }
        return substitute(e, ctx)
    }

    /// "Not checked: no standard; implied 8,829.09 yuan per person".
    func impliedNote(_ rule: Rule, _ p: Programme, _ ctx: RowContext, file: String) -> Finding? {
        guard let implied = rule.implied, let v = try? Evaluator(ctx).number(implied) else { return nil }
        let mid = (v.lo + v.hi).divided(by: ExactDecimal(integer: 2), digits: 2) ?? v.lo
        let text = mid.grouped(fractionDigits: 2)
        let row = ctx.row
        return Finding(id: rule.id + ".implied", kind: .rule, severity: .info, file: file, line: row.line,
                       column: Self.target(of: rule).flatMap { row.column($0) }, unitCode: row.unitCode?.code,
                       period: row.period?.description, fields: rule.assert.columns.map(\.rawValue),
                       expected: nil, actual: mid.description,
                       message: Message(zh: "未检查：没有 \(p.rawValue) 的标准；按报告数推算每人 \(text) 元",
                                        en: "not checked: no standard for \(p.rawValue); implied \(text) yuan per person"))
    }
}
