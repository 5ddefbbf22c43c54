// A fast path for the commonest rules: a comparison of sums and differences of whole counts
// (`births_male + births_female = births`, `reward_prev + reward_added - reward_exited =
// reward_total`, `births > 0`). Found at compile time from a tape; on a row whose figures are
// all plain whole numbers it decides in Int64 arithmetic what the tape would decide on exact
// point intervals, and on anything else (a missing, unreadable or scaled figure, no previous
// period) it declines and the tape runs, with its reasons.

/// The terms of one linear test, allocated once and never changed (the program keeps it alive).
final class LinearTermStorage: @unchecked Sendable {
    let terms: UnsafeMutableBufferPointer<LinearTest.Term>
    init(_ list: [LinearTest.Term]) {
        terms = .allocate(capacity: max(1, list.count))
        _ = terms.initialize(from: list)
    }
    deinit { terms.deallocate() }
}

/// `Σ coefficient × figure + constant  op  0` over count columns read as exact points. Plain
/// data: copying or passing one costs no reference counting.
struct LinearTest: @unchecked Sendable {
    struct Term: Sendable {
        /// A schema column of the row, or a `prev.` slot.
        var index: Int32
        var previous: Bool
        var coefficient: Int64
    }
    let terms: UnsafeBufferPointer<Term>
    let constant: Int64
    let op: Expr.CompareOp

    /// Figures beyond this are left to the tape (with at most `maxTerms` terms of coefficient at
    /// most `maxCoefficient`, no sum can overflow).
    static let maxMagnitude: Int64 = 1 << 40
    static let maxCoefficient: Int64 = 1 << 12
    static let maxTerms = 64

    /// The linear test a tape computes, when it is one: only cells and `prev.` figures of columns
    /// whose whole-number figures are exact points (flags), whole constants, `+ - neg`, products
    /// by a constant, and one comparison as the last instruction.
    static func from(_ tape: Tape, flags: [UInt8], prevColumns: [Int], storages: inout [LinearTermStorage]) -> LinearTest? {
        struct Form { var terms: [Int64: Int64] = [:]; var constant: Int64 = 0; var isConstant: Bool { terms.isEmpty } }
        func key(_ index: Int32, _ previous: Bool) -> Int64 { Int64(index) << 1 | (previous ? 1 : 0) }
        func exactCount(_ column: Int) -> Bool {
            column >= 0 && column < flags.count && flags[column] & (ColumnFlag.integerExact | ColumnFlag.exact) != 0
        }
        var stack: [Form] = []
        let code = Array(tape.code)
        guard let last = code.last, case .cmp(let op) = last else { return nil }
        for ins in code.dropLast() {
            switch ins {
            case .cell(let c):
                guard exactCount(Int(c)) else { return nil }
                stack.append(Form(terms: [key(c, false): 1]))
            case .prev(let k, let c):
                guard exactCount(Int(c)), Int(k) < prevColumns.count else { return nil }
                stack.append(Form(terms: [key(k, true): 1]))
            case .const(let v):
                guard v.lo == v.hi, v.lo % FixedInterval.one == 0 else { return nil }
                let whole = v.lo / FixedInterval.one
                guard whole.magnitude <= UInt64(maxMagnitude) else { return nil }
                stack.append(Form(constant: Int64(whole)))
            case .neg:
                guard var a = stack.popLast() else { return nil }
                for (k, v) in a.terms { a.terms[k] = -v }
                a.constant = -a.constant
                stack.append(a)
            case .add, .sub:
                guard let b = stack.popLast(), var a = stack.popLast() else { return nil }
                let sign: Int64
                if case .add = ins { sign = 1 } else { sign = -1 }
                for (k, v) in b.terms { a.terms[k, default: 0] += sign * v }
                a.constant += sign * b.constant
                stack.append(a)
            case .mul:
                guard let b = stack.popLast(), let a = stack.popLast() else { return nil }
                guard a.isConstant || b.isConstant else { return nil }
                let (form, factor) = a.isConstant ? (b, a.constant) : (a, b.constant)
                guard factor.magnitude <= UInt64(maxCoefficient) else { return nil }
                var r = form
                for (k, v) in r.terms { r.terms[k] = v * factor }
                r.constant *= factor
                stack.append(r)
            default:
                return nil
            }
            // Keep every coefficient and the constant where no sum can overflow.
            guard let top = stack.last, top.terms.count <= maxTerms, top.constant.magnitude <= UInt64(maxMagnitude),
                  top.terms.values.allSatisfy({ $0.magnitude <= UInt64(maxCoefficient) }) else { return nil }
        }
        guard stack.count == 2, let b = stack.last, let a = stack.first else { return nil }
        var d = a
        for (k, v) in b.terms { d.terms[k, default: 0] -= v }
        d.constant -= b.constant
        guard d.terms.values.allSatisfy({ $0.magnitude <= UInt64(maxCoefficient) }),
              d.constant.magnitude <= UInt64(maxMagnitude) else { return nil }
        let terms = d.terms.filter { $0.value != 0 }.sorted { $0.key < $1.key }
            .map { Term(index: Int32($0.key >> 1), previous: $0.key & 1 == 1, coefficient: $0.value) }
        let storage = LinearTermStorage(terms)
        storages.append(storage)
        return LinearTest(terms: UnsafeBufferPointer(start: storage.terms.baseAddress, count: terms.count), constant: d.constant, op: op)
    }

    /// The outcome the tape would give, or nil where the tape must run (any figure not a plain
    /// whole number in range, or no previous period).
    @inline(__always)
    func truth(_ f: Frame, tolerance: Int128) -> Bool? {
        var acc = constant
        for t in terms {
            let cell: Cell
            if t.previous {
                guard f.prevKnown, let p = f.prev else { return nil }
                cell = p[Int(t.index)]
            } else {
                cell = f.cells[Int(t.index)]
            }
            guard cell.state == .number, cell.exponent == 0, cell.mantissa.magnitude <= UInt64(Self.maxMagnitude) else { return nil }
            acc &+= t.coefficient &* cell.mantissa
        }
        // a − b = acc, in whole units; the tape's comparison of two points (TapeMachine.compare).
        if tolerance == 0 {
            switch op {
            case .eq: return acc == 0
            case .ne: return acc != 0
            case .le: return acc <= 0
            case .lt: return acc < 0
            case .ge: return acc >= 0
            case .gt: return acc > 0
            }
        }
        let d = Int128(acc) * FixedInterval.one
        switch op {
        case .eq: return d.magnitude <= tolerance.magnitude && tolerance >= 0
        case .ne: return acc != 0
        case .le: return d <= tolerance
        case .lt: return d < tolerance
        case .ge: return d >= -tolerance
        case .gt: return d > -tolerance
        }
    }
}
