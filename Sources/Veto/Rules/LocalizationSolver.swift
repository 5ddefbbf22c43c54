// Exact feasibility of small systems of linear inequalities, for error localisation and rule lint.
//
// Everything here is integer or rational arithmetic on Int128 with every operation checked for
// overflow; an overflow throws `FMOverflow` and the public callers turn it into the conservative
// answer (documented on each of them). No binary floating point.
//
// The method is Fourier–Motzkin elimination (equalities are used for substitution first, which is
// exact and keeps the systems small), with two integer refinements for variables that must be
// integers (counts):
//
// * Rounding. A row whose variables are all integers is scaled to primitive integer coefficients
//   (gcd 1) and its bound rounded: Σa·x ≤ b becomes Σa·x ≤ ⌊b⌋, Σa·x < b becomes Σa·x ≤ ⌈b⌉ − 1,
//   and Σa·x = b with b not an integer is infeasible. Every integer point satisfies the rounded row,
//   so nothing is lost; rows derived during elimination are rounded again (Chvátal–Gomory cuts).
//   With one integer variable this makes the real answer the integer answer.
// * Search. When the relaxation is feasible and integers remain, the variable with the smallest
//   finite range (its real projection, rounded) is enumerated value by value and the rest solved
//   recursively. If no variable has a finite range, the region is unbounded: with at most two
//   integer variables it then always contains an integer point (an unbounded 2-D polyhedron with
//   rounded primitive rows either contains balls of every radius or is a strip between two
//   rounded parallel rows, whose boundary lines carry integer points all along), so the answer is
//   exact. With three or more, or when the enumeration budget is spent, the answer is "feasible"
//   (conservative).

/// An arithmetic overflow in exact Int128 arithmetic; callers answer conservatively.
struct FMOverflow: Error {}

@inline(__always) func fmMul(_ a: Int128, _ b: Int128) throws(FMOverflow) -> Int128 {
    let (r, o) = a.multipliedReportingOverflow(by: b)
    if o { throw FMOverflow() }
    return r
}

@inline(__always) func fmAdd(_ a: Int128, _ b: Int128) throws(FMOverflow) -> Int128 {
    let (r, o) = a.addingReportingOverflow(b)
    if o { throw FMOverflow() }
    return r
}

@inline(__always) func fmSub(_ a: Int128, _ b: Int128) throws(FMOverflow) -> Int128 {
    let (r, o) = a.subtractingReportingOverflow(b)
    if o { throw FMOverflow() }
    return r
}

/// gcd of magnitudes (gcd(0, 0) = 0). Throws when the result does not fit (both Int128.min).
func fmGCD(_ a: Int128, _ b: Int128) throws(FMOverflow) -> Int128 {
    var x = a.magnitude, y = b.magnitude
    while y != 0 { (x, y) = (y, x % y) }
    guard x <= UInt128(Int128.max) else { throw FMOverflow() }
    return Int128(x)
}

func fmPow10(_ k: Int) throws(FMOverflow) -> Int128 {
    guard k >= 0, k <= 38 else { throw FMOverflow() }
    var r: Int128 = 1
    for _ in 0..<k { r = try fmMul(r, 10) }
    return r
}

/// An exact rational `num / den`, den > 0, in lowest terms. Every operation is overflow-checked.
struct FMRational: Hashable, Sendable {
    var num: Int128
    var den: Int128

    static let zero = FMRational(integer: 0)

    init(integer n: Int128) {
        num = n
        den = 1
    }

    init(num n: Int128, den d: Int128) throws(FMOverflow) {
        precondition(d != 0)
        var n = n, d = d
        if d < 0 {
            guard n != .min, d != .min else { throw FMOverflow() }
            n = -n; d = -d
        }
        let g = try fmGCD(n, d)
        if g > 1 { n /= g; d /= g }
        num = n
        den = d
    }

    init(_ x: ExactDecimal) throws(FMOverflow) {
        if x.exponent >= 0 {
            self.init(integer: try fmMul(x.mantissa, try fmPow10(x.exponent)))
        } else {
            try self.init(num: x.mantissa, den: try fmPow10(-x.exponent))
        }
    }

    var isInteger: Bool { den == 1 }
    var signum: Int { num == 0 ? 0 : (num < 0 ? -1 : 1) }

    static func + (a: FMRational, b: FMRational) throws(FMOverflow) -> FMRational {
        if a.den == 1 && b.den == 1 { return FMRational(integer: try fmAdd(a.num, b.num)) }
        let g = try fmGCD(a.den, b.den)
        let n = try fmAdd(try fmMul(a.num, b.den / g), try fmMul(b.num, a.den / g))
        return try FMRational(num: n, den: try fmMul(a.den / g, b.den))
    }

    static prefix func - (a: FMRational) throws(FMOverflow) -> FMRational {
        guard a.num != .min else { throw FMOverflow() }
        var r = a
        r.num = -a.num
        return r
    }

    static func - (a: FMRational, b: FMRational) throws(FMOverflow) -> FMRational {
        try a + (try -b)
    }

    static func * (a: FMRational, b: FMRational) throws(FMOverflow) -> FMRational {
        if a.den == 1 && b.den == 1 { return FMRational(integer: try fmMul(a.num, b.num)) }
        let g1 = try fmGCD(a.num, b.den), g2 = try fmGCD(b.num, a.den)
        let n = try fmMul(g1 > 1 ? a.num / g1 : a.num, g2 > 1 ? b.num / g2 : b.num)
        let d = try fmMul(g2 > 1 ? a.den / g2 : a.den, g1 > 1 ? b.den / g1 : b.den)
        return try FMRational(num: n, den: d)
    }

    func times(_ k: Int128) throws(FMOverflow) -> FMRational {
        try self * FMRational(integer: k)
    }

    func divided(by k: Int128) throws(FMOverflow) -> FMRational {
        try FMRational(num: num, den: try fmMul(den, k))
    }

    /// a < b, exactly.
    static func less(_ a: FMRational, _ b: FMRational) throws(FMOverflow) -> Bool {
        if a.den == b.den { return a.num < b.num }
        return try fmMul(a.num, b.den) < fmMul(b.num, a.den)
    }

    var floor: Int128 {
        let q = num / den
        return (num % den != 0 && num < 0) ? q - 1 : q
    }

    var ceil: Int128 {
        let q = num / den
        return (num % den != 0 && num > 0) ? q + 1 : q
    }
}

/// One row `Σ a·x (≤ | < | =) b` over dense local variable indices. After `normalized`,
/// `a` is primitive (gcd 1); an equality's first non-zero coefficient is positive.
struct FMRow: Sendable {
    enum Relation: Sendable { case le, lt, eq }
    var a: [Int128]
    var b: FMRational
    var rel: Relation

    enum Normalized {
        case row(FMRow)
        case alwaysTrue
        case infeasible
    }

    /// A row from rational coefficients: scaled by the lcm of their denominators.
    static func make(_ coefficients: [FMRational], _ b: FMRational, _ rel: Relation) throws(FMOverflow) -> FMRow {
        var l: Int128 = 1
        for c in coefficients where c.den != 1 {
            let g = try fmGCD(l, c.den)
            l = try fmMul(l / g, c.den)
        }
        var a = [Int128](repeating: 0, count: coefficients.count)
        for (j, c) in coefficients.enumerated() { a[j] = try fmMul(c.num, l / c.den) }
        return FMRow(a: a, b: try b.times(l), rel: rel)
    }

    /// Primitive coefficients; all-integer rows rounded; constant rows decided.
    func normalized(_ isInt: [Bool]) throws(FMOverflow) -> Normalized {
        var g: Int128 = 0
        var allInt = true
        for (j, c) in a.enumerated() where c != 0 {
            g = try fmGCD(g, c)
            if !isInt[j] { allInt = false }
        }
        if g == 0 {
            switch rel {
            case .le: return b.num >= 0 ? .alwaysTrue : .infeasible
            case .lt: return b.num > 0 ? .alwaysTrue : .infeasible
            case .eq: return b.num == 0 ? .alwaysTrue : .infeasible
            }
        }
        var r = self
        if g > 1 {
            for j in r.a.indices { r.a[j] /= g }
            r.b = try r.b.divided(by: g)
        }
        if rel == .eq, let first = r.a.first(where: { $0 != 0 }), first < 0 {
            for j in r.a.indices { r.a[j] = -r.a[j] }   // primitive, so never Int128.min
            r.b = try -r.b
        }
        if allInt {
            switch rel {
            case .le: r.b = FMRational(integer: r.b.floor)
            case .lt: r.b = FMRational(integer: try fmSub(r.b.ceil, 1)); r.rel = .le
            case .eq: if !r.b.isInteger { return .infeasible }
            }
        }
        return .row(r)
    }
}

/// Row-count cap during elimination; beyond it the system is declared too large (overflow).
let fmRowCap = 20_000

/// A system being eliminated. `nil` from the operations means proven infeasible.
struct FMSystem {
    var rows: [FMRow]
    let isInt: [Bool]

    /// Normalises, drops always-true rows, removes duplicates (keeping the tighter bound).
    /// Returns false when a row is infeasible on its own.
    static func clean(_ rows: [FMRow], _ isInt: [Bool]) throws(FMOverflow) -> [FMRow]? {
        struct Key: Hashable { var a: [Int128]; var eq: Bool }
        var out: [FMRow] = []
        out.reserveCapacity(rows.count)
        var index: [Key: Int] = [:]
        for row in rows {
            switch try row.normalized(isInt) {
            case .alwaysTrue: continue
            case .infeasible: return nil
            case .row(let r):
                let key = Key(a: r.a, eq: r.rel == .eq)
                if let i = index[key] {
                    let old = out[i]
                    if r.rel == .eq {
                        if old.b != r.b { return nil }
                    } else if try FMRational.less(r.b, old.b) || (r.b == old.b && r.rel == .lt) {
                        out[i] = r
                    }
                } else {
                    index[key] = out.count
                    out.append(r)
                }
            }
        }
        if out.count > fmRowCap { throw FMOverflow() }
        return out
    }

    /// Eliminates variable `v` (exact real projection). Returns false when infeasible.
    mutating func eliminate(_ v: Int) throws(FMOverflow) -> Bool {
        // An equality in v: substitute it everywhere.
        var best: Int? = nil
        for (i, r) in rows.enumerated() where r.rel == .eq && r.a[v] != 0 {
            if best == nil || rows[best!].a[v].magnitude > r.a[v].magnitude { best = i }
        }
        var next: [FMRow] = []
        if let e = best {
            let eq = rows[e]
            let ev = eq.a[v]
            let mag = ev < 0 ? -ev : ev
            let sgn: Int128 = ev < 0 ? -1 : 1
            for (i, r) in rows.enumerated() where i != e {
                if r.a[v] == 0 { next.append(r); continue }
                // |e_v|·r − sgn(e_v)·r_v·e : v cancels; r's direction is kept (positive multiplier).
                let k = try fmMul(sgn, r.a[v])
                var n = FMRow(a: r.a, b: r.b, rel: r.rel)
                for j in n.a.indices {
                    n.a[j] = try fmSub(try fmMul(mag, r.a[j]), try fmMul(k, eq.a[j]))
                }
                n.b = try (try r.b.times(mag)) - (try eq.b.times(k))
                next.append(n)
            }
        } else {
            var pos: [FMRow] = [], neg: [FMRow] = []
            for r in rows {
                if r.a[v] > 0 { pos.append(r) } else if r.a[v] < 0 { neg.append(r) } else { next.append(r) }
            }
            if pos.count * neg.count + next.count > fmRowCap { throw FMOverflow() }
            for p in pos {
                for q in neg {
                    let mp = -q.a[v], mq = p.a[v]     // both > 0
                    var n = FMRow(a: p.a, b: .zero, rel: (p.rel == .lt || q.rel == .lt) ? .lt : .le)
                    for j in n.a.indices {
                        n.a[j] = try fmAdd(try fmMul(mp, p.a[j]), try fmMul(mq, q.a[j]))
                    }
                    n.a[v] = 0
                    n.b = try (try p.b.times(mp)) + (try q.b.times(mq))
                    next.append(n)
                }
            }
        }
        guard let cleaned = try FMSystem.clean(next, isInt) else { return false }
        rows = cleaned
        return true
    }

    /// The next variable among `vars` to eliminate: one with an equality first, else the one
    /// whose elimination creates the fewest rows. nil when none of them occurs any more.
    func pick(among vars: [Int]) -> Int? {
        var best: Int? = nil
        var bestScore = Int.max
        for v in vars {
            var p = 0, n = 0, eq = false
            for r in rows where r.a[v] != 0 {
                if r.rel == .eq { eq = true }
                if r.a[v] > 0 { p += 1 } else { n += 1 }
            }
            if p + n == 0 { continue }
            let score = eq ? -1 : p * n - p - n
            if score < bestScore { bestScore = score; best = v }
        }
        return best
    }

    /// Eliminates all of `vars` (in a good order). False when infeasible.
    mutating func eliminateAll(_ vars: [Int]) throws(FMOverflow) -> Bool {
        var left = vars
        while let v = pick(among: left) {
            if !(try eliminate(v)) { return false }
            left.removeAll { $0 == v }
        }
        return true
    }

    /// Integer bounds of variable `v` in the rows that mention only `v` (after the others were
    /// eliminated). nil for an unbounded side.
    func bounds(of v: Int) throws(FMOverflow) -> (lo: FMRational?, hi: FMRational?) {
        var lo: FMRational? = nil, hi: FMRational? = nil
        for r in rows where r.a[v] != 0 {
            // a·x (rel) b  →  x (rel) b/a when a > 0, x (reversed) b/a when a < 0.
            let q = try r.b.divided(by: r.a[v])
            if r.rel == .eq || r.a[v] > 0 {
                if let h = hi { if try FMRational.less(q, h) { hi = q } } else { hi = q }
            }
            if r.rel == .eq || r.a[v] < 0 {
                if let l = lo { if try FMRational.less(l, q) { lo = q } } else { lo = q }
            }
        }
        return (lo, hi)
    }
}

/// Feasibility of `rows` over `isInt.count` variables, the integer ones restricted to integers.
/// `budget` bounds the integer enumeration; when it runs out the answer is `true` (conservative).
struct FMSolver {
    let isInt: [Bool]
    var budget: Int = 10_000

    init(isInt: [Bool]) { self.isInt = isInt }

    mutating func feasible(_ rows: [FMRow]) throws(FMOverflow) -> Bool {
        guard let cleaned = try FMSystem.clean(rows, isInt) else { return false }
        var sys = FMSystem(rows: cleaned, isInt: isInt)
        let reals = isInt.indices.filter { !isInt[$0] }
        if !(try sys.eliminateAll(reals)) { return false }
        let ints = isInt.indices.filter { v in isInt[v] && sys.rows.contains { r in r.a[v] != 0 } }
        return try integerFeasible(sys, ints)
    }

    /// `sys` mentions only the integer variables `vars`.
    private mutating func integerFeasible(_ sys: FMSystem, _ vars: [Int]) throws(FMOverflow) -> Bool {
        if vars.isEmpty { return true }     // constant rows were decided when cleaned
        var relaxed = sys
        if !(try relaxed.eliminateAll(vars)) { return false }
        if vars.count == 1 { return true }  // rounding makes the one-variable relaxation exact
        // The variable with the smallest finite range.
        var chosen: (v: Int, lo: Int128, hi: Int128)? = nil
        for v in vars {
            var proj = sys
            if !(try proj.eliminateAll(vars.filter { $0 != v })) { return false }
            let (lo, hi) = try proj.bounds(of: v)
            guard let l = lo, let h = hi else { continue }
            let li = l.ceil, hi2 = h.floor
            if hi2 < li { return false }
            let w = try fmSub(hi2, li)
            if let c = chosen, try fmSub(c.hi, c.lo) <= w { continue }
            chosen = (v, li, hi2)
        }
        // Unbounded in every variable: exact for two variables (see the file comment), conservative beyond.
        guard let c = chosen else { return true }
        let width = try fmSub(c.hi, c.lo)
        if width >= Int128(budget) { budget = 0; return true }
        let rest = vars.filter { $0 != c.v }
        var value = c.lo
        while value <= c.hi {
            if budget <= 0 { return true }
            budget -= 1
            var fixed: [FMRow] = []
            fixed.reserveCapacity(sys.rows.count)
            for r in sys.rows {
                var n = r
                if n.a[c.v] != 0 {
                    n.b = try n.b - FMRational(integer: try fmMul(n.a[c.v], value))
                    n.a[c.v] = 0
                }
                fixed.append(n)
            }
            if let cleaned = try FMSystem.clean(fixed, isInt) {
                let sub = FMSystem(rows: cleaned, isInt: isInt)
                let left = rest.filter { v in cleaned.contains { $0.a[v] != 0 } }
                if try integerFeasible(sub, left) { return true }
            }
            value += 1
        }
        return false
    }
}
