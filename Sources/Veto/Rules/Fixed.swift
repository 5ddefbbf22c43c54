// Exact interval arithmetic for compiled rules: endpoints are Int128 multiples of 10⁻¹², so a
// reported figure with up to 11 decimals (its ±½ of the last digit needs one more) is exact, and
// every operation is checked: an overflow is reported ("cannot be computed exactly"), never a trap.
// Division rounds outwards to 12 decimals, so a comparison never holds by accident.
// No binary floating point.

/// An interval `[lo, hi]` of numbers in units of 10⁻¹².
struct FixedInterval: Sendable, Equatable {
    var lo: Int128
    var hi: Int128

    static let scale = 12
    static let one: Int128 = 1_000_000_000_000

    init(lo: Int128, hi: Int128) {
        self.lo = lo
        self.hi = hi
    }

    init(point: Int128) { self.init(lo: point, hi: point) }

    var isPoint: Bool { lo == hi }
}

enum Fixed {
    /// 10^k for 0 ≤ k ≤ 38, read on every cell: an array of literals, which the compiler lays out
    /// as constant data (a table computed at run time is a lazy global, and its first-use check
    /// was a call per tape run).
    static let pow10: [Int128] = [
        1,
        10,
        100,
        1000,
        10000,
        100000,
        1000000,
        10000000,
        100000000,
        1000000000,
        10000000000,
        100000000000,
        1000000000000,
        10000000000000,
        100000000000000,
        1000000000000000,
        10000000000000000,
        100000000000000000,
        1000000000000000000,
        10000000000000000000,
        100000000000000000000,
        1000000000000000000000,
        10000000000000000000000,
        100000000000000000000000,
        1000000000000000000000000,
        10000000000000000000000000,
        100000000000000000000000000,
        1000000000000000000000000000,
        10000000000000000000000000000,
        100000000000000000000000000000,
        1000000000000000000000000000000,
        10000000000000000000000000000000,
        100000000000000000000000000000000,
        1000000000000000000000000000000000,
        10000000000000000000000000000000000,
        100000000000000000000000000000000000,
        1000000000000000000000000000000000000,
        10000000000000000000000000000000000000,
        100000000000000000000000000000000000000,
    ]
    /// 10¹², unsigned: the divisor of every scaled product and quotient.
    static let uone: UInt128 = 1_000_000_000_000

    /// `mantissa × 10^exponent` in units of 10⁻¹²; nil when it is finer than 10⁻¹² or too large.
    @inline(__always)
    static func scaled(_ mantissa: Int64, _ exponent: Int) -> Int128? {
        let k = exponent + FixedInterval.scale
        guard k >= 0, k <= 38 else { return mantissa == 0 ? 0 : nil }
        let (r, o) = Int128(mantissa).multipliedReportingOverflow(by: pow10[k])
        return o ? nil : r
    }

    /// An exact decimal in units of 10⁻¹² (nil: finer or too large).
    static func scaled(_ d: ExactDecimal) -> Int128? {
        let k = d.exponent + FixedInterval.scale
        if d.mantissa == 0 { return 0 }
        if k >= 0 {
            guard k <= 38 else { return nil }
            let (r, o) = d.mantissa.multipliedReportingOverflow(by: pow10[k])
            return o ? nil : r
        }
        // Finer than 10⁻¹²: exact only when the dropped digits are zero.
        guard -k <= 38 else { return nil }
        let (q, r) = d.mantissa.quotientAndRemainder(dividingBy: pow10[-k])
        return r == 0 ? q : nil
    }

    static func decimal(_ v: Int128) -> ExactDecimal { ExactDecimal(mantissa: v, exponent: -FixedInterval.scale) }

    @inline(__always) static func add(_ a: Int128, _ b: Int128) -> Int128? {
        let (r, o) = a.addingReportingOverflow(b)
        return o ? nil : r
    }

    @inline(__always) static func sub(_ a: Int128, _ b: Int128) -> Int128? {
        let (r, o) = a.subtractingReportingOverflow(b)
        return o ? nil : r
    }

    @inline(__always) static func neg(_ a: Int128) -> Int128? { a == .min ? nil : -a }

    /// ⌊a·b / 10¹²⌋ or ⌈a·b / 10¹²⌉ (a, b in units of 10⁻¹²).
    static func mulScaled(_ a: Int128, _ b: Int128, roundUp: Bool) -> Int128? {
        let negative = (a < 0) != (b < 0)
        let p = a.magnitude.multipliedFullWidth(by: b.magnitude)
        let d = uone
        guard p.high < d else { return nil }
        // A product within 128 bits (every reported figure) divides without the 256-bit path.
        let (q, r) = p.high == 0 ? p.low.quotientAndRemainder(dividingBy: d) : d.dividingFullWidth(p)
        return signed(q, r != 0, negative: negative, roundUp: roundUp)
    }

    /// A magnitude quotient with the sign applied, rounded down or up when a remainder was left.
    @inline(__always)
    private static func signed(_ q: UInt128, _ inexact: Bool, negative: Bool, roundUp: Bool) -> Int128? {
        guard q <= UInt128(Int128.max) else { return nil }
        var v = Int128(q)
        if negative {
            v = -v
            if inexact && !roundUp { v -= 1 }
        } else if inexact && roundUp {
            v += 1
        }
        return v
    }

    static func multiply(_ x: FixedInterval, _ y: FixedInterval) -> FixedInterval? {
        // An integer point (a standard of 960, a literal 100): exact and cheap.
        if let k = integerPoint(y) { return times(x, k) }
        if let k = integerPoint(x) { return times(y, k) }
        // The four corners (no array per call).
        var lo = Int128.max, hi = Int128.min
        for k in 0..<4 {
            let a = k < 2 ? x.lo : x.hi, b = k & 1 == 0 ? y.lo : y.hi
            guard let l = mulScaled(a, b, roundUp: false), let h = mulScaled(a, b, roundUp: true) else { return nil }
            lo = min(lo, l)
            hi = max(hi, h)
        }
        return FixedInterval(lo: lo, hi: hi)
    }

    @inline(__always)
    static func integerPoint(_ x: FixedInterval) -> Int128? {
        guard x.lo == x.hi else { return nil }
        let (q, r) = x.lo.quotientAndRemainder(dividingBy: FixedInterval.one)
        return r == 0 ? q : nil
    }

    @inline(__always)
    static func times(_ x: FixedInterval, _ k: Int128) -> FixedInterval? {
        let (a, o1) = x.lo.multipliedReportingOverflow(by: k)
        let (b, o2) = x.hi.multipliedReportingOverflow(by: k)
        if o1 || o2 { return nil }
        return k >= 0 ? FixedInterval(lo: a, hi: b) : FixedInterval(lo: b, hi: a)
    }

    /// ⌊a·10¹² / b⌋ and ⌈a·10¹² / b⌉ from one division.
    static func divBoth(_ a: Int128, _ b: Int128) -> (Int128, Int128)? {
        guard b != 0 else { return nil }
        let negative = (a < 0) != (b < 0)
        let p = a.magnitude.multipliedFullWidth(by: uone)
        let d = b.magnitude
        guard p.high < d else { return nil }
        let (q, r) = p.high == 0 ? p.low.quotientAndRemainder(dividingBy: d) : d.dividingFullWidth(p)
        guard q < UInt128(Int128.max) else { return nil }
        let v = negative ? -Int128(q) : Int128(q)
        if r == 0 { return (v, v) }
        return negative ? (v - 1, v) : (v, v + 1)
    }

    /// x / y; nil when y may be zero (the caller says which) or on overflow.
    static func divide(_ x: FixedInterval, _ y: FixedInterval) -> FixedInterval? {
        if x.isPoint && y.isPoint {
            guard let (l, h) = divBoth(x.lo, y.lo) else { return nil }
            return FixedInterval(lo: l, hi: h)
        }
        if y.isPoint {
            // One divisor: the bounds are the quotients of x's bounds (in either order).
            guard let (l1, h1) = divBoth(x.lo, y.lo), let (l2, h2) = divBoth(x.hi, y.lo) else { return nil }
            return FixedInterval(lo: min(l1, l2), hi: max(h1, h2))
        }
        var lo = Int128.max, hi = Int128.min
        for k in 0..<4 {
            let a = k < 2 ? x.lo : x.hi, b = k & 1 == 0 ? y.lo : y.hi
            guard let (l, h) = divBoth(a, b) else { return nil }
            lo = min(lo, l)
            hi = max(hi, h)
        }
        return FixedInterval(lo: lo, hi: hi)
    }

    /// Rounds half away from zero to `digits` decimals (negative: tens, hundreds…).
    static func round(_ v: Int128, digits: Int) -> Int128? {
        let k = FixedInterval.scale - digits
        if k <= 0 { return v }
        if k > 38 { return 0 }          // beyond any representable magnitude: rounds to 0
        let step = pow10[k]
        var (q, r) = v.quotientAndRemainder(dividingBy: step)
        if r.magnitude * 2 >= step.magnitude { q += v < 0 ? -1 : 1 }
        let (out, o) = q.multipliedReportingOverflow(by: step)
        return o ? nil : out
    }
}
