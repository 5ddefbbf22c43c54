// The second fast path: comparisons of sums of reported figures of any precision, counts times a
// programme's standard, and constants (`sskf_funds = sskf_added * std(sskf)`, the chained
// `(total - added) * std ≤ funds ≤ total * std`, `ltc_reward_funds > 0`), `and`-ed with each
// other and with `is_missing` tests (`is_missing(reward_prev) and is_missing(prev.reward_total)`).
// Decided on the figures' exact intervals in Int128 units of 10⁻¹², as the tape decides them,
// without the tape's stack; a figure out of its bounds, a missing figure or standard declines,
// and the tape runs with its reasons.

/// The terms and clauses of one wide test, allocated once and never changed.
final class WideTestStorage: @unchecked Sendable {
    let terms: UnsafeMutableBufferPointer<WideTest.Term>
    let clauses: UnsafeMutableBufferPointer<WideTest.Clause>
    init(terms t: [WideTest.Term], clauses c: [WideTest.Clause]) {
        terms = .allocate(capacity: max(1, t.count))
        _ = terms.initialize(from: t)
        clauses = .allocate(capacity: max(1, c.count))
        _ = clauses.initialize(from: c)
    }
    deinit {
        terms.deallocate()
        clauses.deallocate()
    }
}

/// `clause₁ and clause₂ and …`, each `Σ terms + constant  op  0` or a figure's `is_missing`.
/// Plain data: copying or passing one costs no reference counting.
struct WideTest: @unchecked Sendable {
    /// `coefficient × figure`, `coefficient × figure × standard` (a whole count) or
    /// `coefficient × standard`. One per occurrence in the expression, never merged: the tape
    /// treats `x - x` as the difference of two intervals, and so does this.
    struct Term: Sendable {
        /// A schema column of the row or a `prev.` slot; -1: none (a standard alone).
        var index: Int32
        var previous: Bool
        /// The schema column behind `index` (its flags).
        var column: Int32
        /// A programme's standard multiplying the term; -1: none.
        var standard: Int32
        var coefficient: Int64
    }

    struct Clause: Sendable {
        /// Comparison: terms `first ..< first + count` of the storage; missing test: the figure.
        var first: Int32
        var count: Int32
        var constant: Int128
        var op: Expr.CompareOp
        var isMissing: Bool
        var index: Int32
        var previous: Bool
        var negate: Bool
    }

    let terms: UnsafeBufferPointer<Term>
    let clauses: UnsafeBufferPointer<Clause>

    /// Bounds under which no sum can overflow (at most `maxTerms` terms). The 128-bit ones are
    /// written as literals (2⁹⁰, 2⁶², 2¹⁰⁰): a shift is computed at first use, a lazy global
    /// whose check was a call per test.
    static let maxFigure: Int128 = 1_237_940_039_285_380_274_899_124_224
    static let maxCount: Int64 = 1 << 40
    static let maxStandard: Int128 = 4_611_686_018_427_387_904
    static let maxCoefficient: Int64 = 1 << 12
    static let maxConstant: Int128 = 1_267_650_600_228_229_401_496_703_205_376
    static let maxTolerance: Int128 = 1_267_650_600_228_229_401_496_703_205_376
    static let maxTerms = 32

    /// The wide test a tape computes, when it is one: `+ - neg`, products by a whole constant,
    /// products of whole-count figures by one standard, exact-point constants, comparisons,
    /// `and`, and `is_missing` (possibly under `not`).
    static func from(_ tape: Tape, flags: [UInt8], prevColumns: [Int], storages: inout [WideTestStorage]) -> WideTest? {
        struct Form {
            var terms: [Term] = []
            var constant: Int128 = 0
            var isConstant: Bool { terms.isEmpty }
        }
        enum Item { case form(Form), truth([Clause], [[Term]]) }
        func countColumn(_ c: Int32) -> Bool {
            c >= 0 && Int(c) < flags.count && flags[Int(c)] & (ColumnFlag.integerExact | ColumnFlag.exact) != 0
        }
        func bounded(_ f: Form) -> Bool {
            f.terms.count <= maxTerms && f.constant.magnitude <= maxConstant.magnitude
                && f.terms.allSatisfy { $0.coefficient.magnitude <= UInt64(maxCoefficient) }
        }
        var stack: [Item] = []
        func popForm() -> Form? {
            if case .form(let f)? = stack.popLast() { return f }
            return nil
        }
        for ins in tape.code {
            switch ins {
            case .cell(let c):
                guard c >= 0, Int(c) < flags.count else { return nil }
                stack.append(.form(Form(terms: [Term(index: c, previous: false, column: c, standard: -1, coefficient: 1)])))
            case .prev(let k, let c):
                guard Int(k) < prevColumns.count, c >= 0, Int(c) < flags.count else { return nil }
                stack.append(.form(Form(terms: [Term(index: k, previous: true, column: c, standard: -1, coefficient: 1)])))
            case .std(let p):
                stack.append(.form(Form(terms: [Term(index: -1, previous: false, column: -1, standard: p, coefficient: 1)])))
            case .const(let v):
                guard v.lo == v.hi, v.lo.magnitude <= maxConstant.magnitude else { return nil }
                stack.append(.form(Form(constant: v.lo)))
            case .neg:
                guard var a = popForm() else { return nil }
                for i in a.terms.indices { a.terms[i].coefficient = -a.terms[i].coefficient }
                a.constant = -a.constant
                stack.append(.form(a))
            case .add, .sub:
                guard let b = popForm(), var a = popForm() else { return nil }
                let sign: Int64
                if case .add = ins { sign = 1 } else { sign = -1 }
                a.terms += b.terms.map { var t = $0; t.coefficient *= sign; return t }
                a.constant += Int128(sign) * b.constant
                stack.append(.form(a))
            case .mul:
                guard let b = popForm(), let a = popForm() else { return nil }
                if a.isConstant || b.isConstant {
                    // By a whole constant: each term's coefficient (the tape multiplies exactly).
                    let (form, factor) = a.isConstant ? (b, a.constant) : (a, b.constant)
                    guard factor % FixedInterval.one == 0 else { return nil }
                    let k = factor / FixedInterval.one
                    guard k.magnitude <= UInt128(maxCoefficient) else { return nil }
                    var r = form
                    for i in r.terms.indices { r.terms[i].coefficient *= Int64(k) }
                    r.constant *= k
                    stack.append(.form(r))
                } else {
                    // By one standard: a form of whole counts and a whole constant, times `std(p)`.
                    let (form, std): (Form, Form)
                    if b.terms.count == 1, b.constant == 0, b.terms[0].index < 0, b.terms[0].standard >= 0 { (form, std) = (a, b) }
                    else if a.terms.count == 1, a.constant == 0, a.terms[0].index < 0, a.terms[0].standard >= 0 { (form, std) = (b, a) }
                    else { return nil }
                    let s = std.terms[0]
                    guard form.terms.allSatisfy({ $0.standard < 0 && countColumn($0.column) }),
                          form.constant % FixedInterval.one == 0 else { return nil }
                    let whole = form.constant / FixedInterval.one
                    guard whole.magnitude <= UInt128(maxCoefficient) else { return nil }
                    var r = Form()
                    r.terms = form.terms.map { var t = $0; t.standard = s.standard; t.coefficient *= s.coefficient; return t }
                    if whole != 0 {
                        r.terms.append(Term(index: -1, previous: false, column: -1, standard: s.standard,
                                            coefficient: Int64(whole) * s.coefficient))
                    }
                    stack.append(.form(r))
                }
            case .cmp(let op):
                guard let b = popForm(), let a = popForm() else { return nil }
                var d = a
                d.terms += b.terms.map { var t = $0; t.coefficient = -t.coefficient; return t }
                d.constant -= b.constant
                guard bounded(d) else { return nil }
                let clause = Clause(first: 0, count: Int32(d.terms.count), constant: d.constant, op: op,
                                    isMissing: false, index: -1, previous: false, negate: false)
                stack.append(.truth([clause], [d.terms]))
            case .missing(let c):
                stack.append(.truth([Clause(first: 0, count: 0, constant: 0, op: .eq, isMissing: true, index: c,
                                            previous: false, negate: false)], [[]]))
            case .missingPrev(let k, _):
                guard Int(k) < prevColumns.count else { return nil }
                stack.append(.truth([Clause(first: 0, count: 0, constant: 0, op: .eq, isMissing: true, index: k,
                                            previous: true, negate: false)], [[]]))
            case .not:
                // Only over one missing test (never unknown, so `not` is plain negation).
                guard case .truth(var c, let t)? = stack.popLast(), c.count == 1, c[0].isMissing else { return nil }
                c[0].negate.toggle()
                stack.append(.truth(c, t))
            case .and:
                guard case .truth(let c2, let t2)? = stack.popLast(), case .truth(let c1, let t1)? = stack.popLast() else { return nil }
                stack.append(.truth(c1 + c2, t1 + t2))
            default:
                return nil
            }
            if case .form(let f)? = stack.last, !bounded(f) { return nil }
        }
        guard stack.count == 1, case .truth(var clauses, let termLists)? = stack.first else { return nil }
        var terms: [Term] = []
        for i in clauses.indices {
            clauses[i].first = Int32(terms.count)
            terms += termLists[i]
        }
        let storage = WideTestStorage(terms: terms, clauses: clauses)
        storages.append(storage)
        return WideTest(terms: UnsafeBufferPointer(start: storage.terms.baseAddress, count: terms.count),
                        clauses: UnsafeBufferPointer(start: storage.clauses.baseAddress, count: clauses.count))
    }

    /// The outcome the tape would give, or nil where the tape must run (a figure missing,
    /// unreadable or out of bounds, no previous period where one is read, no standard, a
    /// tolerance out of bounds).
    @inline(__always)
    func truth(_ f: Frame, tolerance: Int128) -> Bool? {
        guard tolerance.magnitude <= Self.maxTolerance.magnitude else { return nil }
        // Every clause is decided before any is used: the tape's `and` is Kleene's, and a clause
        // it cannot decide (declined here) may still leave the whole false; so decline it all.
        var result = true
        for c in clauses {
            if c.isMissing {
                let missing: Bool
                if c.previous {
                    missing = !f.prevKnown || f.prev.map { $0[Int(c.index)].state != .number } ?? true
                } else {
                    missing = f.cells[Int(c.index)].state != .number
                }
                if missing == c.negate { result = false }
                continue
            }
            var lo = c.constant, hi = c.constant
            for t in terms[Int(c.first)..<Int(c.first + c.count)] {
                let k = Int128(t.coefficient)
                var std: Int128 = 1
                if t.standard >= 0 {
                    guard let v = f.scaledStandard(Int(t.standard)), v.magnitude <= Self.maxStandard.magnitude else { return nil }
                    std = v
                }
                guard t.index >= 0 else {
                    lo &+= k &* std
                    hi &+= k &* std
                    continue
                }
                let cell: Cell
                if t.previous {
                    guard f.prevKnown, let p = f.prev else { return nil }
                    cell = p[Int(t.index)]
                } else {
                    cell = f.cells[Int(t.index)]
                }
                guard cell.state == .number else { return nil }
                if t.standard >= 0 {
                    // A whole count (an exact point) times the standard.
                    guard cell.exponent == 0, cell.mantissa.magnitude <= UInt64(Self.maxCount) else { return nil }
                    let v = k &* Int128(cell.mantissa) &* std
                    lo &+= v
                    hi &+= v
                    continue
                }
                guard let v = cellInterval(cell, flags: f.flags[Int(t.column)]),
                      v.lo.magnitude <= Self.maxFigure.magnitude, v.hi.magnitude <= Self.maxFigure.magnitude else { return nil }
                // Within the bounds no product or sum overflows: wrapping arithmetic never wraps.
                if k >= 0 {
                    lo &+= k &* v.lo
                    hi &+= k &* v.hi
                } else {
                    lo &+= k &* v.hi
                    hi &+= k &* v.lo
                }
            }
            // [lo, hi] is a − b; the tape's comparison of a and b (TapeMachine.compare).
            let holds: Bool
            switch c.op {
            case .eq: holds = hi >= -tolerance && lo <= tolerance
            case .ne: holds = !(lo == hi && lo == 0)
            case .le: holds = lo <= tolerance
            case .lt: holds = lo < tolerance
            case .ge: holds = hi >= -tolerance
            case .gt: holds = hi > -tolerance
            }
            if !holds { result = false }
        }
        return result
    }
}
