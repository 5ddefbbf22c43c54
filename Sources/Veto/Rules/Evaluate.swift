/// What a rule sees of a unit-period: its row, its child units' rows for the same period,
/// the same unit's previous period, and the standards.
public struct RowContext: Sendable {
    public var row: Row
    public var children: [Row]
    public var previous: Row?
    public var standards: StandardsTable

    public init(row: Row, children: [Row] = [], previous: Row? = nil, standards: StandardsTable = StandardsTable()) {
        self.row = row
        self.children = children
        self.previous = previous
        self.standards = standards
    }
}

/// Why an expression cannot be evaluated on a row: the rule is "not checked", never "passed".
public enum Unevaluable: Error, Sendable, Equatable {
    /// Figures absent, not reported, or unreadable.
    case missing([String])
    case noStandard(Programme)
    case noPrevious
    case noChildren
    case divisionByZero

    public var reason: Message {
        switch self {
        case .missing(let fs): Message(zh: "缺少 \(fs.joined(separator: "、"))", en: "\(fs.joined(separator: ", ")) not reported")
        case .noStandard(let p): Message(zh: "没有 \(p.rawValue) 的标准", en: "no standard for \(p.rawValue)")
        case .noPrevious: Message(zh: "没有上期数据", en: "no previous period in the inputs")
        case .noChildren: Message(zh: "没有下级单位数据", en: "no child units in the inputs")
        case .divisionByZero: Message(zh: "除数为零", en: "division by zero")
        }
    }
}

/// A value of an expression: an interval of numbers (precision-aware) or a truth value.
public enum Value: Sendable, Equatable {
    case number(Interval)
    case bool(Bool)
}

/// Evaluates expressions on exact intervals. Comparisons hold when the values the figures
/// may stand for allow it (SPEC.md: an equality holds when the intervals meet).
public struct Evaluator: Sendable {
    public var context: RowContext
    public var tolerance: ExactDecimal?

    public init(_ context: RowContext, tolerance: ExactDecimal? = nil) {
        self.context = context
        self.tolerance = tolerance
    }

    /// Decimal places kept by division (rounded outwards, so a comparison never holds by accident).
    static let divisionDigits = 12

    public func number(_ e: Expr) throws(Unevaluable) -> Interval {
        guard case .number(let i) = try value(e) else { throw .missing([e.description]) }
        return i
    }

    public func bool(_ e: Expr) throws(Unevaluable) -> Bool {
        guard case .bool(let b) = try value(e) else { throw .missing([e.description]) }
        return b
    }

    public func value(_ e: Expr) throws(Unevaluable) -> Value {
        switch e {
        case .number(let d):
            return .number(Interval(point: d))
        case .column(let f):
            guard let i = context.row.interval(f) else { throw .missing([f.rawValue]) }
            return .number(i)
        case .extra(let name, let kind):
            guard let raw = context.row.extras.first(where: { $0.name == name })?.value,
                  case .number(let n) = NumberParser.parse(raw, kind: kind) else { throw .missing([name]) }
            return .number(Interval(reported: n, kind: kind))
        case .prev(let f):
            guard let p = context.previous else { throw .noPrevious }
            guard let i = p.interval(f) else { throw .missing(["prev.\(f.rawValue)"]) }
            return .number(i)
        case .childSum(let f):
            guard !context.children.isEmpty else { throw .noChildren }
            var sum = Interval(point: .zero)
            var missing: [String] = []
            for c in context.children {
                if let i = c.interval(f) { sum = sum + i } else { missing.append("\(c.unitCode?.code ?? "?").\(f.rawValue)") }
            }
            if !missing.isEmpty { throw .missing(missing) }
            return .number(sum)
        case .childCount:
            return .number(Interval(point: ExactDecimal(integer: context.children.count)))
        case .standard(let p):
            guard let period = context.row.period,
                  let s = context.standards.lookup(p, period: period, unit: context.row.unitCode) else { throw .noStandard(p) }
            return .number(Interval(point: s.amount(for: period)))
        case .unary(.negate, let x):
            let i = try number(x)
            return .number(Interval(lo: -i.hi, hi: -i.lo))
        case .unary(.not, let x):
            return .bool(!(try bool(x)))
        case .binary(.and, let a, let b):
            // Both sides are evaluated: a figure missing on either side leaves the rule unchecked.
            let x = try bool(a), y = try bool(b)
            return .bool(x && y)
        case .binary(.or, let a, let b):
            let x = try bool(a), y = try bool(b)
            return .bool(x || y)
        case .binary(let op, let a, let b):
            let x = try number(a), y = try number(b)
            switch op {
            case .add: return .number(x + y)
            case .sub: return .number(x - y)
            case .mul: return .number(Self.multiply(x, y))
            default: return .number(try Self.divide(x, y))
            }
        case .compare(let ops, let es):
            var values: [Interval] = []
            for x in es { values.append(try number(x)) }
            for (i, op) in ops.enumerated() where !holds(values[i], op, values[i + 1]) {
                return .bool(false)
            }
            return .bool(true)
        case .call(let f, let args):
            var xs: [Interval] = []
            for a in args { xs.append(try number(a)) }
            switch f {
            case .abs:
                let i = xs[0]
                if i.lo.signum >= 0 { return .number(i) }
                if i.hi.signum <= 0 { return .number(Interval(lo: -i.hi, hi: -i.lo)) }
                return .number(Interval(lo: .zero, hi: max(-i.lo, i.hi)))
            case .min:
                return .number(xs.dropFirst().reduce(xs[0]) { Interval(lo: min($0.lo, $1.lo), hi: min($0.hi, $1.hi)) })
            case .max:
                return .number(xs.dropFirst().reduce(xs[0]) { Interval(lo: max($0.lo, $1.lo), hi: max($0.hi, $1.hi)) })
            case .round:
                var digits = 0
                if xs.count == 2 { digits = Int(xs[1].lo.description) ?? 0 }
                return .number(Interval(lo: Self.round(xs[0].lo, digits), hi: Self.round(xs[0].hi, digits)))
            }
        }
    }

    /// One link of a comparison on intervals of reported precision.
    public func holds(_ a: Interval, _ op: Expr.CompareOp, _ b: Interval) -> Bool {
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

    static func multiply(_ x: Interval, _ y: Interval) -> Interval {
        let ps = [x.lo * y.lo, x.lo * y.hi, x.hi * y.lo, x.hi * y.hi]
        return Interval(lo: ps.min() ?? .zero, hi: ps.max() ?? .zero)
    }

    static func divide(_ x: Interval, _ y: Interval) throws(Unevaluable) -> Interval {
        guard y.lo.signum > 0 || y.hi.signum < 0 else { throw .divisionByZero }
        let ulp = ExactDecimal(mantissa: 1, exponent: -divisionDigits)
        var qs: [ExactDecimal] = []
        for a in [x.lo, x.hi] {
            for b in [y.lo, y.hi] {
                if let q = a.divided(by: b, digits: divisionDigits) { qs.append(q) }
            }
        }
        guard let lo = qs.min(), let hi = qs.max() else { throw .divisionByZero }
        let exact = x.isPoint && y.isPoint && lo * y.lo == x.lo
        return exact ? Interval(point: lo) : Interval(lo: lo - ulp, hi: hi + ulp)
    }

    static func round(_ d: ExactDecimal, _ digits: Int) -> ExactDecimal {
        guard d.exponent < -digits else { return d }
        return d.divided(by: ExactDecimal(integer: 1), digits: digits) ?? d
    }
}
