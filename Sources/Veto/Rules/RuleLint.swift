/// `veto rules lint`: beyond syntax and types, the linear rules that contradict each other
/// (no row can satisfy them all) or can never fail (like R's validatetools, Banff's verifyedits).
public enum RuleLint {
    public struct Problem: Sendable, Equatable {
        public var line: Int
        public var column: Int
        public var message: String
    }

    public struct Report: Sendable {
        public var contradictions: [Problem] = []
        public var warnings: [Problem] = []
    }

    /// The assertion as constraints over columns as free variables; nil when it is not linear
    /// in the row's own columns (standards, previous periods and children make it data-dependent).
    static func symbolic(_ e: Expr, rule: String, schema: Schema) -> [LinearConstraint]? {
        func form(_ e: Expr) -> LinearForm? {
            switch e {
            case .column(let f):
                guard schema.column(f)?.isNumeric == true else { return nil }
                return LinearForm(terms: [f: ExactDecimal(integer: 1)])
            case .number(let d): return LinearForm(constant: Interval(point: d))
            case .unary(.negate, let x): return form(x)?.negated
            case .binary(.add, let a, let b):
                guard let x = form(a), let y = form(b) else { return nil }
                return x + y
            case .binary(.sub, let a, let b):
                guard let x = form(a), let y = form(b) else { return nil }
                return x + y.negated
            case .binary(.mul, let a, let b):
                guard let x = form(a), let y = form(b) else { return nil }
                if x.isConstant { return y.scaled(x.constant.lo) }
                if y.isConstant { return x.scaled(y.constant.lo) }
                return nil
            default: return nil
            }
        }
        guard case .compare(let ops, let operands) = e else { return nil }
        var out: [LinearConstraint] = []
        for (i, op) in ops.enumerated() {
            guard let l = form(operands[i]), let r = form(operands[i + 1]) else { return nil }
            let d = l + r.negated
            guard !d.terms.isEmpty else { continue }
            let c = d.constant.lo
            let terms = d.terms.sorted { $0.key < $1.key }.map { (variable: $0.key, coefficient: $0.value) }
            let strict = ExactDecimal(mantissa: 1, exponent: -6)
            switch op {
            case .eq: out.append(LinearConstraint(terms: terms, lo: -c, hi: -c, rule: rule))
            case .le: out.append(LinearConstraint(terms: terms, lo: nil, hi: -c, rule: rule))
            case .lt: out.append(LinearConstraint(terms: terms, lo: nil, hi: -c - strict, rule: rule))
            case .ge: out.append(LinearConstraint(terms: terms, lo: -c, hi: nil, rule: rule))
            case .gt: out.append(LinearConstraint(terms: terms, lo: -c + strict, hi: nil, rule: rule))
            case .ne: return nil
            }
        }
        return out
    }

    public static func check(_ set: RuleSet) -> Report {
        var report = Report()
        // Unconditional linear rules only: a `when` makes a rule apply to some rows, not all.
        var linear: [(rule: Rule, constraints: [LinearConstraint])] = []
        for r in set.rules where r.when == nil && r.tolerance == nil {
            if let a = r.assert, let cs = symbolic(a, rule: r.id, schema: set.schema), !cs.isEmpty { linear.append((r, cs)) }
        }
        var nonNegative = Set<String>()
        for (_, cs) in linear { for c in cs { for t in c.terms where set.schema.column(t.variable)?.type == .count { nonNegative.insert(t.variable) } } }
        let all = linear.flatMap(\.constraints)
        if !all.isEmpty && !LinearLint.isSatisfiable(all, nonNegative: nonNegative) {
            // Name a smallest conflicting pair or triple when there is one.
            var culprits: [Rule] = []
            search: for size in 1...min(3, linear.count) {
                for combo in combinations(linear.count, size) {
                    let cs = combo.flatMap { linear[$0].constraints }
                    if !LinearLint.isSatisfiable(cs, nonNegative: nonNegative) {
                        culprits = combo.map { linear[$0].rule }
                        break search
                    }
                }
            }
            let first = culprits.first ?? linear[0].rule
            report.contradictions.append(Problem(
                line: first.line, column: first.column,
                message: culprits.isEmpty
                    ? "the rules contradict each other: no row can satisfy them all"
                    : "rules \(culprits.map { "`\($0.id)` (line \($0.line))" }.joined(separator: ", ")) contradict each other: no row can satisfy them all"))
            return report
        }
        // Redundancy as validatetools' remove_redundancy: a rule implied by the others is
        // reported and left out before the next is tested, so two rules that imply each other
        // are not both called useless.
        var kept = Array(linear.indices)
        for k in linear.indices {
            let others = kept.filter { $0 != k }.flatMap { linear[$0].constraints }
            let entry = linear[k]
            let canFail = entry.constraints.indices.contains { j in
                LinearLint.canFail(others.count + j, in: others + entry.constraints, nonNegative: nonNegative)
            }
            if !canFail {
                kept.removeAll { $0 == k }
                report.warnings.append(Problem(
                    line: entry.rule.line, column: entry.rule.column,
                    message: "rule `\(entry.rule.id)` can never fail: the other rules (and counts ≥ 0) already imply it"))
            }
        }
        return report
    }

    static func combinations(_ n: Int, _ k: Int) -> [[Int]] {
        guard k > 0 else { return [[]] }
        guard k <= n else { return [] }
        var out: [[Int]] = []
        func go(_ start: Int, _ acc: [Int]) {
            if acc.count == k { out.append(acc); return }
            for i in start..<n { go(i + 1, acc + [i]) }
        }
        go(0, [])
        return out
    }
}
