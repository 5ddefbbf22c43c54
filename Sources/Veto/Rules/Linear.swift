/// A linear form over a row's own figures: Σ coefficient·field + constant, where the
/// constant (children's sums, the previous period, standards, literals) is an interval.
struct LinearForm {
    var terms: [Field: ExactDecimal] = [:]
    var constant = Interval(point: .zero)

    static func + (a: LinearForm, b: LinearForm) -> LinearForm {
        var r = a
        for (f, c) in b.terms { r.terms[f] = (r.terms[f] ?? .zero) + c }
        r.terms = r.terms.filter { !$0.value.isZero }
        r.constant = a.constant + b.constant
        return r
    }

    func scaled(_ k: ExactDecimal) -> LinearForm {
        var r = LinearForm()
        for (f, c) in terms where !(c * k).isZero { r.terms[f] = c * k }
        let ps = [constant.lo * k, constant.hi * k]
        r.constant = Interval(lo: ps.min() ?? .zero, hi: ps.max() ?? .zero)
        return r
    }

    var negated: LinearForm { scaled(ExactDecimal(integer: -1)) }

    var isConstant: Bool { terms.isEmpty }
}

extension Evaluator {
    /// The expression as a linear form over the row's figures, or nil when it is not linear
    /// (a product of two figures, a division by a figure, a function) or cannot be evaluated.
    func linear(_ e: Expr) -> LinearForm? {
        switch e {
        case .column(let f):
            guard context.row.number(f) != nil else { return nil }
            return LinearForm(terms: [f: ExactDecimal(integer: 1)])
        case .number, .prev, .childSum, .childCount, .standard, .extra:
            guard let v = try? number(e) else { return nil }
            return LinearForm(constant: v)
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
            // Only an exact reciprocal keeps the form exact (÷ 100, ÷ 4 …).
            guard y.constant.isPoint, let r = ExactDecimal(integer: 1).divided(by: y.constant.lo, digits: 12),
                  r * y.constant.lo == ExactDecimal(integer: 1) else { return nil }
            return x.scaled(r)
        default:
            return nil
        }
    }

    /// The assertion's comparison links as linear constraints `lo ≤ Σ c·x ≤ hi`
    /// (an equality gets its tolerance; `≠` gives none).
    func constraints(_ e: Expr, rule: String) -> [LinearConstraint] {
        guard case .compare(let ops, let operands) = e else {
            if case .binary(.and, let a, let b) = e { return constraints(a, rule: rule) + constraints(b, rule: rule) }
            return []
        }
        var out: [LinearConstraint] = []
        let t = tolerance ?? .zero
        for (i, op) in ops.enumerated() {
            guard let l = linear(operands[i]), let r = linear(operands[i + 1]) else { continue }
            let d = l + r.negated        // d.terms + d.constant  (op)  0
            guard !d.terms.isEmpty else { continue }
            var lo: ExactDecimal?, hi: ExactDecimal?
            switch op {
            case .eq: lo = -t; hi = t
            case .le, .lt: hi = t
            case .ge, .gt: lo = -t
            case .ne: continue
            }
            // Σ c·x ∈ [lo − constant.hi, hi − constant.lo]
            let terms = d.terms.sorted { $0.key < $1.key }.map { (variable: $0.key.rawValue, coefficient: $0.value) }
            out.append(LinearConstraint(terms: terms, lo: lo.map { $0 - d.constant.hi }, hi: hi.map { $0 - d.constant.lo }, rule: rule))
        }
        return out
    }
}
