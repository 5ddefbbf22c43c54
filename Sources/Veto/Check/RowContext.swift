/// One row with everything its rules see (its cells, the previous period's kept cells, its child
/// sums, standards), for the slow path: building a violation's message and expected value,
/// Fellegi–Holt localisation over all the row's linear rules, and the veto decision. Used only
/// for rows with a failing rule, so it may compile and allocate.
struct RowContext {
    let checker: Checker
    let cells: UnsafePointer<Cell>
    let unit: UnitKey?
    let period: Period?
    let input: Int
    let line: Int
    let prevSlot: Int32?
    let parent: Int32?
    /// Whether `cells` holds the whole row. A row decided from the few cells a waiting row keeps
    /// (read from a pipe, which cannot be read again) is localised on them, but never given `veto`:
    /// the figures it lacks might explain the inconsistency.
    var complete = true

    var schema: Schema { checker.schema }
    var program: Program { checker.program }

    func name(_ c: Int) -> String { schema.columns[c].name }

    func cell(_ name: String) -> Cell? {
        guard let c = schema.index(of: name) else { return nil }
        return cells[c]
    }

    func fieldNumber(_ c: Int) -> Int? { checker.binding(input)?.fieldOf[c].map { $0 + 1 } }

    /// A reported figure of column `c`, if it is a number.
    func number(_ c: Int) -> ReportedNumber? { cells[c].number }

    /// The interval a reported figure stands for, as exact decimals.
    func interval(_ c: Int) -> Interval? {
        guard cells[c].state == .number, let v = cellInterval(cells[c], flags: program.flags[c]) else { return nil }
        return Interval(lo: Fixed.decimal(v.lo), hi: Fixed.decimal(v.hi))
    }

    /// Evaluates an expression on this row (nil: unknown).
    func value(_ e: Expr) -> FixedInterval? {
        var c = program.compiler
        guard let tape = try? c.compile(e, rule: "") else { return nil }
        return withExtendedLifetime(c) { evaluate(tape) }
    }

    private func evaluate(_ tape: Tape) -> FixedInterval? {
        let prev = prevSlot.map { checker.prevCells($0) } ?? []
        let child = parent.map { checker.childState($0) }
        let machine = TapeMachine()
        return prev.withUnsafeBufferPointer { pb in
            (child?.sums ?? []).withUnsafeBufferPointer { sb in
                (child?.missing ?? []).withUnsafeBufferPointer { mb in
                    program.flags.withUnsafeBufferPointer { fb -> FixedInterval? in
                        guard let flags = fb.baseAddress else { return nil }
                        let services = FrameServices(standards: checker.standardsTable, programmes: schema.programmes.map(\.name))
                        services.reset(code: unit?.unitCode?.code ?? "", period: period)
                        var f = Frame(cells: cells, flags: flags, services: services)
                        if prevSlot != nil { f.prev = pb.baseAddress; f.prevKnown = true }
                        f.childrenKnown = true
                        f.childCount = child?.count ?? 0
                        f.childSums = sb.baseAddress
                        f.childMissing = mb.baseAddress
                        return withExtendedLifetime(services) { machine.number(tape, f) }
                    }
                }
            }
        }
    }

    func decimal(_ v: FixedInterval) -> Interval { Interval(lo: Fixed.decimal(v.lo), hi: Fixed.decimal(v.hi)) }

    /// The middle of an interval, to 2 decimals (a per-person amount, an implied opening).
    func mid(_ v: FixedInterval) -> ExactDecimal {
        let i = decimal(v)
        if i.isPoint { return i.lo }
        return (i.lo + i.hi).divided(by: ExactDecimal(integer: 2), digits: 2) ?? i.lo
    }

    /// Replaces `{column}` by the row's reported figure and `{value}` by `value`; says whether any
    /// figure was named. `{value}` wins over a column of that name when a value is given; a
    /// `{name}` that names no numeric column is left as written.
    ///
    /// - Complexity: one pass over the template, a scan of the schema per `{…}` in it (not a
    ///   substring search of the whole template per column).
    func fill(_ template: String, value: ExactDecimal? = nil) -> (String, Bool) {
        Self.fill(template, value: value, schema: schema, number: number)
    }

    static func fill(_ template: String, value: ExactDecimal?, schema: Schema,
                     number: (Int) -> ReportedNumber?) -> (String, Bool) {
        let bytes = Array(template.utf8)
        guard let firstOpen = bytes.firstIndex(of: UInt8(ascii: "{")) else { return (template, false) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 32)
        var named = false
        var copied = 0, i = firstOpen
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "{") else { i += 1; continue }
            // The name runs to the next `}`; another `{` first starts the name again there.
            var j = i + 1
            while j < bytes.count, bytes[j] != UInt8(ascii: "}"), bytes[j] != UInt8(ascii: "{") { j += 1 }
            guard j < bytes.count else { break }
            if bytes[j] == UInt8(ascii: "{") { i = j; continue }
            let name = String(decoding: bytes[(i + 1)..<j], as: UTF8.self)
            var text: String?
            if let value, name == "value" {
                text = value.grouped()
            } else if let c = schema.columns.firstIndex(where: { $0.isNumeric && $0.name == name }) {
                text = number(c).map { ExactDecimal($0).grouped() } ?? "?"
            }
            if let text {
                out += bytes[copied..<i]
                out += text.utf8
                copied = j + 1
                named = true
            }
            i = j + 1
        }
        guard named else { return (template, false) }
        out += bytes[copied...]
        return (String(decoding: out, as: UTF8.self), true)
    }

    // MARK: Violations

    func violations(_ failing: [Int], outcomes: [RuleOutcome?]) -> [Finding] {
        var findings = failing.map { violation(program.rules[$0]) }
        explain(&findings, failing, outcomes: outcomes)
        for (k, r) in failing.enumerated() {
            for s in exampleStandards(program.rules[r]) {
                let amount = s.perYear.grouped(), per = s.oneOff ? "once" : "a year", perZh = s.oneOff ? "一次性" : "每年"
                findings[k].message.zh += "（\(s.programme) 的标准 \(amount) 元（\(perZh)）是工具包的示例，与领域报告一致，不是官方标准表；请用 --standards 提供本地标准）"
                findings[k].message.en += " (the \(s.programme) standard of \(amount) yuan \(per) is the pack's example, matching the domain report, not an official table: give yours with --standards)"
            }
        }
        return findings
    }

    /// The standards a rule's assertion reads that are, for this unit-period, the pack's shipped
    /// examples (no user table covers it): a finding judged against one says so (SPEC.md §3).
    func exampleStandards(_ rule: CompiledRule) -> [Standard] {
        guard let period, let assertion = rule.rule.assert else { return [] }
        var programmes: [String] = []
        assertion.visit { e in
            if case .standard(let p) = e, !programmes.contains(p) { programmes.append(p) }
        }
        let code = unit?.unitCode?.code ?? ""
        return programmes.compactMap { checker.standardsTable.lookup($0, period: period, code: code) }.filter(\.example)
    }

    func violation(_ rule: CompiledRule) -> Finding {
        let target = rule.target
        var expected: String?
        var worked = ""
        if case .compare(let ops, let operands)? = rule.rule.assert {
            let values = operands.map { value($0).map(decimal) }
            if let i = ops.indices.first(where: { k in
                guard let a = values[k], let b = values[k + 1] else { return false }
                return !Self.holds(a, ops[k], b, tolerance: rule.rule.tolerance)
            }) {
                expected = Self.expected(ops: ops, operands: operands, values: values, failing: i, target: target.map(name))
                worked = render(operands[i], values[i]) + " " + Self.negated(ops[i]) + " " + render(operands[i + 1], values[i + 1])
            }
        }
        let actual = target.flatMap { number($0) }.map { ExactDecimal($0).description }
        let (zh, namedZh) = fill(rule.rule.message.zh)
        let (en, namedEn) = fill(rule.rule.message.en)
        return Finding(id: rule.rule.id, kind: .rule, severity: rule.rule.severity, file: "", line: line,
                       column: target.flatMap { fieldNumber($0) }, unitCode: unit?.code, period: period?.description,
                       fields: rule.columns.map(name), expected: expected, actual: actual,
                       message: Message(zh: namedZh || worked.isEmpty ? zh : "\(zh)：\(worked)",
                                        en: namedEn || worked.isEmpty ? en : "\(en): \(worked)"))
    }

    static func holds(_ a: Interval, _ op: Expr.CompareOp, _ b: Interval, tolerance: ExactDecimal?) -> Bool {
        let t = tolerance ?? .zero
        switch op {
        case .eq: return Interval(lo: a.lo - t, hi: a.hi + t).meets(b)
        case .ne: return !(a.isPoint && b.isPoint && a.lo == b.lo)
        case .le: return !(b.hi + t < a.lo)
        case .lt: return a.lo < b.hi + t
        case .ge: return !(a.hi + t < b.lo)
        case .gt: return b.lo < a.hi + t
        }
    }

    /// What the target should be, given the other side of the failing comparison.
    static func expected(ops: [Expr.CompareOp], operands: [Expr], values: [Interval?], failing i: Int, target: String?) -> String? {
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
    func render(_ e: Expr, _ v: Interval?) -> String {
        let shown = v.map { $0.isPoint ? $0.lo.grouped(fractionDigits: 2) : "\($0.lo.grouped(fractionDigits: 2))..\($0.hi.grouped(fractionDigits: 2))" } ?? "?"
        switch e {
        case .column(let f): return schema.index(of: f).flatMap(number).map { ExactDecimal($0).grouped() } ?? shown
        case .binary, .unary, .call: return "\(substitute(e)) = \(shown)"
        default: return shown
        }
    }

    func substitute(_ e: Expr) -> String {
        func show(_ x: Expr) -> String {
            value(x).map(decimal).map { $0.isPoint ? $0.lo.grouped(fractionDigits: 2) : $0.description } ?? "?"
        }
        switch e {
        case .column(let f): return schema.index(of: f).flatMap(number).map { ExactDecimal($0).grouped() } ?? "?"
        case .unary(.negate, let x): return "−" + paren(x)
        case .binary(let op, let a, let b):
            let sym = switch op { case .add: "+"; case .sub: "−"; case .mul: "×"; case .div: "÷"; case .and: "and"; case .or: "or"; case .implies: "then" }
            return "\(paren(a)) \(sym) \(paren(b))"
        default: return show(e)
        }
    }

    func paren(_ e: Expr) -> String {
        if case .binary(let op, _, _) = e, op == .add || op == .sub { return "(\(substitute(e)))" }
        return substitute(e)
    }

    // MARK: Localisation

    /// Which field is wrong (Fellegi–Holt over every linear rule that holds or fails on the row),
    /// whether one typo explains it, and whether the failure inflates money or people.
    func explain(_ findings: inout [Finding], _ failing: [Int], outcomes: [RuleOutcome?]) {
        var constraints: [LinearConstraint] = []
        // Conditional rules (`if A then B`, `A or B`): a fix may make either side true.
        var alternatives: [[[LinearConstraint]]] = []
        for (r, o) in outcomes.enumerated() {
            guard let o, o == .holds || o == .fails, let a = program.rules[r].rule.assert else { continue }
            let id = program.rules[r].rule.id, tol = program.rules[r].rule.tolerance
            if let bs = branches(a, rule: id, tolerance: tol) {
                alternatives.append(bs)
            } else {
                constraints += self.constraints(a, rule: id, tolerance: tol)
            }
        }
        var combos: [[LinearConstraint]] = [constraints]
        for bs in alternatives where combos.count * bs.count <= 16 {
            combos = combos.flatMap { base in bs.map { base + $0 } }
        }
        guard combos.contains(where: { !$0.isEmpty }) else { return }
        var names = Set<String>()
        for cs in combos { for c in cs { for t in c.terms { names.insert(t.variable) } } }
        let figures: [Figure] = names.sorted().compactMap { n in
            guard let c = schema.index(of: n), let v = number(c) else { return nil }
            let spec = schema.columns[c]
            return Figure(name: n, reported: v, isCount: spec.type == .count, weight: spec.weight, isRate: spec.type == .rate,
                          exact: spec.exact)
        }
        // The smallest fix over every choice of branch.
        var bestSolutions: [Localization]?
        for cs in combos {
            guard let s = Localizer.localize(figures, cs, maxSize: 3), let first = s.first else { continue }
            if let b = bestSolutions?.first, (b.fields.count, b.typo == nil ? 1 : 0, b.cost) <= (first.fields.count, first.typo == nil ? 1 : 0, first.cost) {
                continue
            }
            bestSolutions = s
            constraints = cs
        }
        guard let solutions = bestSolutions, let best = solutions.first else { return }
        for k in findings.indices {
            let rule = program.rules[failing[k]]
            let ruleVariables = Set(constraints.filter { $0.rule == rule.rule.id }.flatMap { $0.terms.map(\.variable) })
            guard !ruleVariables.isEmpty else { continue }   // not linear: nothing to localise
            findings[k].likelyWrong = best.fields
            if let t = best.typo, ruleVariables.contains(t.field) {
                findings[k].typo = t
            }
            // Veto only when the evidence is unambiguous: no typo explains it, and every smallest
            // fix lowers a money or beneficiary figure that was reported too high. A tie with a fix
            // that raises another figure (an addition left out) is an honest error as much as a padding.
            guard complete, rule.rule.inflates, best.typo == nil, ruleVariables.contains(best.fields[0]),
                  let c = schema.index(of: best.fields[0]), interval(c) != nil,
                  let range = feasibleRange(c, constraints),
                  solutions.allSatisfy({ lowersInflatedFigure($0, constraints) }) else { continue }
            findings[k].severity = .veto
            let shown = number(c).map { ExactDecimal($0).grouped() } ?? "?"
            let zh = "（\(name(c)) 报告 \(shown)，其他数字只容许至多 \(range.hi.grouped(fractionDigits: 2))，且无法用笔误解释）"
            let en = " (\(name(c)) reported \(shown); the other figures allow at most \(range.hi.grouped(fractionDigits: 2)), and no typo explains it)"
            findings[k].message = Message(zh: findings[k].message.zh + zh, en: findings[k].message.en + en)
        }
    }

    /// A fix of one inflatable figure that was reported above every value the others allow.
    func lowersInflatedFigure(_ s: Localization, _ constraints: [LinearConstraint]) -> Bool {
        guard s.typo == nil, s.fields.count == 1, let c = schema.index(of: s.fields[0]), schema.columns[c].inflates,
              let reported = interval(c), let range = feasibleRange(c, constraints) else { return false }
        return reported.lo > range.hi
    }

    /// The values column `c` may take with every other figure of the row at its reported interval.
    func feasibleRange(_ c: Int, _ constraints: [LinearConstraint]) -> Interval? {
        let n = name(c)
        var lo: ExactDecimal?, hi: ExactDecimal?
        for k in constraints {
            guard let coef = k.terms.first(where: { $0.variable == n })?.coefficient, !coef.isZero else { continue }
            var rest = Interval(point: .zero)
            for t in k.terms where t.variable != n {
                guard let g = schema.index(of: t.variable), let v = interval(g) else { return nil }
                rest = rest + Evaluator.multiply(v, Interval(point: t.coefficient))
            }
            let bLo = k.lo.map { $0 - rest.hi }, bHi = k.hi.map { $0 - rest.lo }
            for (bound, isLower) in [(bLo, true), (bHi, false)] {
                guard let b = bound, let q = b.divided(by: coef, digits: 6) else { continue }
                let lower = (coef.signum > 0) == isLower
                if lower { lo = lo.map { max($0, q) } ?? q } else { hi = hi.map { min($0, q) } ?? q }
            }
        }
        guard lo != nil || hi != nil else { return nil }
        return Interval(lo: lo ?? ExactDecimal(mantissa: Int128(Int64.min), exponent: 0),
                        hi: hi ?? ExactDecimal(mantissa: Int128(Int64.max), exponent: 0))
    }

    /// The expression as a linear form over the row's own figures (constants — children's sums,
    /// the previous period, standards, literals — evaluated), or nil when it is not linear.
    func linear(_ e: Expr) -> LinearForm? {
        switch e {
        case .column(let f):
            guard let c = schema.index(of: f), number(c) != nil else { return nil }
            return LinearForm(terms: [f: ExactDecimal(integer: 1)])
        case .number, .prev, .childSum, .childCount, .standard, .aggregate:
            guard let v = value(e) else { return nil }
            return LinearForm(constant: decimal(v))
        case .unary(.negate, let x):
            return linear(x)?.negated
        case .binary(.add, let a, let b):
            guard let x = linear(a), let y = linear(b) else { return nil }
            return x + y
        case .binary(.sub, let a, let b):
            guard let x = linear(a), let y = linear(b) else { return nil }
            return x + y.negated
        case .binary(.mul, let a, let b):
            guard let x = linear(a), let y = linear(b) else { return nil }
            if x.isConstant, x.constant.isPoint { return y.scaled(x.constant.lo) }
            if y.isConstant, y.constant.isPoint { return x.scaled(y.constant.lo) }
            if x.isConstant && y.isConstant { return LinearForm(constant: Evaluator.multiply(x.constant, y.constant)) }
            return nil
        case .binary(.div, let a, let b):
            guard let x = linear(a), let y = linear(b), y.isConstant else { return nil }
            if x.isConstant { return (try? Evaluator.divide(x.constant, y.constant)).map { LinearForm(constant: $0) } }
            guard y.constant.isPoint, let r = ExactDecimal(integer: 1).divided(by: y.constant.lo, digits: 12),
                  r * y.constant.lo == ExactDecimal(integer: 1) else { return nil }
            return x.scaled(r)
        default:
            return nil
        }
    }

    /// `if A then B` and `A or B` as two alternative sets of linear constraints (¬A, or B; A, or
    /// B); nil when the expression is not of that shape or a side is not linear.
    func branches(_ e: Expr, rule: String, tolerance: ExactDecimal?) -> [[LinearConstraint]]? {
        func side(_ x: Expr) -> [LinearConstraint]? {
            let cs = constraints(x, rule: rule, tolerance: tolerance)
            return cs.isEmpty ? nil : cs
        }
        switch e {
        case .binary(.implies, let a, let b):
            guard case .compare(let ops, let es) = a, ops.count == 1, let neg = Self.negation(ops[0]),
                  let na = side(.compare([neg], es)), let cb = side(b) else { return nil }
            return [na, cb]
        case .binary(.or, let a, let b):
            guard let ca = side(a), let cb = side(b) else { return nil }
            return [ca, cb]
        default:
            return nil
        }
    }

    /// ¬(a op b) as one comparison (none for `=`, whose negation is two).
    static func negation(_ op: Expr.CompareOp) -> Expr.CompareOp? {
        switch op {
        case .lt: .ge
        case .le: .gt
        case .gt: .le
        case .ge: .lt
        case .ne: .eq
        case .eq: nil
        }
    }

    /// The assertion's comparison links as linear constraints `lo ≤ Σ c·x ≤ hi`.
    func constraints(_ e: Expr, rule: String, tolerance: ExactDecimal?) -> [LinearConstraint] {
        guard case .compare(let ops, let operands) = e else {
            if case .binary(.and, let a, let b) = e { return constraints(a, rule: rule, tolerance: tolerance) + constraints(b, rule: rule, tolerance: tolerance) }
            return []
        }
        var out: [LinearConstraint] = []
        let t = tolerance ?? .zero
        for (i, op) in ops.enumerated() {
            guard let l = linear(operands[i]), let r = linear(operands[i + 1]) else { continue }
            let d = l + r.negated
            guard !d.terms.isEmpty else { continue }
            var lo: ExactDecimal?, hi: ExactDecimal?
            switch op {
            case .eq: lo = -t; hi = t
            case .le, .lt: hi = t
            case .ge, .gt: lo = -t
            case .ne: continue
            }
            let terms = d.terms.sorted { $0.key < $1.key }.map { (variable: $0.key, coefficient: $0.value) }
            out.append(LinearConstraint(terms: terms, lo: lo.map { $0 - d.constant.hi }, hi: hi.map { $0 - d.constant.lo }, rule: rule))
        }
        return out
    }
}
