/// A linear form over a row's own figures: Σ coefficient·column + constant, where the constant
/// (children's sums, the previous period, standards, literals) is an interval.
struct LinearForm {
    var terms: [String: ExactDecimal] = [:]
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

/// Interval arithmetic on exact decimals, for localisation (the hot path uses `Fixed`).
enum Evaluator {
    static let divisionDigits = 12

    static func multiply(_ x: Interval, _ y: Interval) -> Interval {
        let ps = [x.lo * y.lo, x.lo * y.hi, x.hi * y.lo, x.hi * y.hi]
        return Interval(lo: ps.min() ?? .zero, hi: ps.max() ?? .zero)
    }

    struct DivisionByZero: Error {}

    static func divide(_ x: Interval, _ y: Interval) throws -> Interval {
        guard y.lo.signum > 0 || y.hi.signum < 0 else { throw DivisionByZero() }
        let ulp = ExactDecimal(mantissa: 1, exponent: -divisionDigits)
        var qs: [ExactDecimal] = []
        for a in [x.lo, x.hi] {
            for b in [y.lo, y.hi] {
                if let q = a.divided(by: b, digits: divisionDigits) { qs.append(q) }
            }
        }
        guard let lo = qs.min(), let hi = qs.max() else { throw DivisionByZero() }
        let exact = x.isPoint && y.isPoint && lo * y.lo == x.lo
        return exact ? Interval(point: lo) : Interval(lo: lo - ulp, hi: hi + ulp)
    }
}
