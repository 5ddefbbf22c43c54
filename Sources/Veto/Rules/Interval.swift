/// An exact decimal: `mantissa × 10^exponent`, with a 128-bit mantissa so that sums
/// and products of reported figures never overflow in practice. No binary floating point.
public struct ExactDecimal: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var mantissa: Int128
    public var exponent: Int

    public init(mantissa: Int128, exponent: Int) {
        self.mantissa = mantissa
        self.exponent = exponent
    }

    public init(_ n: ReportedNumber) {
        self.init(mantissa: Int128(n.mantissa), exponent: n.exponent)
    }

    public init(integer: Int) {
        self.init(mantissa: Int128(integer), exponent: 0)
    }

    public static let zero = ExactDecimal(mantissa: 0, exponent: 0)

    /// 10^k for 0 ≤ k ≤ 38 (callers bound k).
    @inline(__always) private static func pow10(_ k: Int) -> Int128 { Fixed.pow10[k] }

    // Arithmetic never traps. Reported figures and the pack's rules stay far inside the 38
    // digits a 128-bit mantissa holds, and there everything is exact; a hostile file or rule
    // file can go past them (an 18-digit count times a coefficient with 25 decimals, say), and
    // there the lowest digits are rounded away (half away from zero) until the result fits:
    // a run may then say something imprecise about an absurd figure, but it never dies.

    /// m × 10^k, nil when it does not fit.
    private static func scaled(_ m: Int128, _ k: Int) -> Int128? {
        if m == 0 || k == 0 { return m }
        guard k > 0, k <= 38 else { return nil }
        let (r, o) = m.multipliedReportingOverflow(by: pow10(k))
        return o ? nil : r
    }

    /// m / 10^k rounded half away from zero (k ≥ 0).
    private static func dropping(_ m: Int128, _ k: Int) -> Int128 {
        guard k > 0 else { return m }
        guard k <= 38 else { return 0 }
        let p = pow10(k)
        var q = m / p
        if (m % p).magnitude * 2 >= p.magnitude { q += m < 0 ? -1 : 1 }
        return q
    }

    /// The same value with `k` fewer digits (exponent up by k), rounded.
    private func dropping(_ k: Int) -> ExactDecimal {
        ExactDecimal(mantissa: Self.dropping(mantissa, k), exponent: exponent + k)
    }

    /// Both operands on one exponent: the smaller, when the other's digits fit there; else the
    /// smallest at which they fit, the operand with more decimals rounded to it.
    private static func aligned(_ a: ExactDecimal, _ b: ExactDecimal) -> (Int128, Int128, Int) {
        if a.exponent == b.exponent { return (a.mantissa, b.mantissa, a.exponent) }
        let swap = a.exponent < b.exponent
        let (hi, lo) = swap ? (b, a) : (a, b)
        let d = hi.exponent - lo.exponent
        var k = 0
        if hi.mantissa != 0 { while Self.scaled(hi.mantissa, d - k) == nil { k = max(k + 1, d - 38) } }
        let x = Self.scaled(hi.mantissa, d - k) ?? 0, y = Self.dropping(lo.mantissa, k)
        return swap ? (y, x, lo.exponent + k) : (x, y, lo.exponent + k)
    }

    public static func + (a: ExactDecimal, b: ExactDecimal) -> ExactDecimal {
        var (a, b) = (a, b)
        while true {
            let (x, y, e) = aligned(a, b)
            let (r, o) = x.addingReportingOverflow(y)
            if !o { return ExactDecimal(mantissa: r, exponent: e) }
            (a, b) = (ExactDecimal(mantissa: x, exponent: e).dropping(1), ExactDecimal(mantissa: y, exponent: e).dropping(1))
        }
    }

    public static func - (a: ExactDecimal, b: ExactDecimal) -> ExactDecimal {
        a + -b
    }

    public static func * (a: ExactDecimal, b: ExactDecimal) -> ExactDecimal {
        var (a, b) = (a, b)
        while true {
            let (r, o) = a.mantissa.multipliedReportingOverflow(by: b.mantissa)
            if !o { return ExactDecimal(mantissa: r, exponent: a.exponent + b.exponent) }
            if a.mantissa.magnitude >= b.mantissa.magnitude { a = a.dropping(1) } else { b = b.dropping(1) }
        }
    }

    public static prefix func - (a: ExactDecimal) -> ExactDecimal {
        let v = a.mantissa == .min ? a.dropping(1) : a
        return ExactDecimal(mantissa: -v.mantissa, exponent: v.exponent)
    }

    public static func < (a: ExactDecimal, b: ExactDecimal) -> Bool {
        let (x, y, _) = aligned(a, b)
        return x < y
    }

    public static func == (a: ExactDecimal, b: ExactDecimal) -> Bool {
        let (x, y, _) = aligned(a, b)
        return x == y
    }

    public func hash(into h: inout Hasher) {
        // Equal values with different exponents must hash alike: hash the normalised form.
        var m = mantissa, e = exponent
        if m == 0 {
            e = 0
        } else if let small = Int64(exactly: m) {
            // The common case (a figure or an amount), in machine-word division.
            var n = small
            while n % 10 == 0 { n /= 10; e += 1 }
            m = Int128(n)
        } else {
            while m % 10 == 0 { m /= 10; e += 1 }
        }
        h.combine(m)
        h.combine(e)
    }

    public var isZero: Bool { mantissa == 0 }
    public var signum: Int { mantissa == 0 ? 0 : (mantissa < 0 ? -1 : 1) }

    /// Plain decimal without trailing zeros after the point: 53376e1 → "533760", 5e-1 → "0.5".
    public var description: String {
        var m = mantissa, e = exponent
        while e < 0 && m % 10 == 0 && m != 0 { m /= 10; e += 1 }
        if m == 0 { return "0" }
        let negative = m < 0
        var digits = String(m.magnitude)
        if e > 0 {
            digits += String(repeating: "0", count: e)
        } else if e < 0 {
            let k = -e
            if digits.count <= k { digits = String(repeating: "0", count: k - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -k))
        }
        return negative ? "-" + digits : digits
    }

    /// Grouped for people: "533,760", "8,829.09". Rounds to `fractionDigits` when given.
    public func grouped(fractionDigits: Int? = nil) -> String {
        var v = self
        if let f = fractionDigits, v.exponent < -f {
            // Round half away from zero to f decimals.
            v = ExactDecimal(mantissa: Self.dropping(v.mantissa, -f - v.exponent), exponent: -f)
        }
        let plain = v.description
        let negative = plain.hasPrefix("-")
        let body = negative ? String(plain.dropFirst()) : plain
        let parts = body.split(separator: ".", maxSplits: 1)
        var intPart = String(parts[0])
        var groups: [String] = []
        while intPart.count > 3 {
            groups.insert(String(intPart.suffix(3)), at: 0)
            intPart.removeLast(3)
        }
        groups.insert(intPart, at: 0)
        var out = groups.joined(separator: ",")
        if parts.count > 1 { out += "." + parts[1] }
        return negative ? "-" + out : out
    }

    /// Exact quotient rounded half away from zero to `digits` decimals (for per-person amounts).
    public func divided(by d: ExactDecimal, digits: Int) -> ExactDecimal? {
        guard d.mantissa != 0 else { return nil }
        // self / d = (m1 / m2) × 10^(e1 - e2); scale so the result has `digits` decimals.
        let shift = digits + exponent - d.exponent
        var num = mantissa, den = d.mantissa
        if shift >= 0 {
            guard let n = Self.scaled(num, shift) else { return nil }
            num = n
        } else {
            // A divisor too large to scale: the quotient is below half a unit of the last digit.
            guard let m = Self.scaled(den, -shift) else { return ExactDecimal(mantissa: 0, exponent: -digits) }
            den = m
        }
        if den < 0 {
            guard num != .min, den != .min else { return nil }
            num = -num
            den = -den
        }
        var q = num / den
        if (num % den).magnitude * 2 >= den.magnitude { q += num < 0 ? -1 : 1 }
        return ExactDecimal(mantissa: q, exponent: -digits)
    }
}

/// The values a reported figure may stand for, given the precision it was written with
/// (SPEC.md "Precision-aware comparison"). Arithmetic on intervals is exact.
public struct Interval: Sendable, Equatable, CustomStringConvertible {
    public var lo: ExactDecimal
    public var hi: ExactDecimal

    public init(lo: ExactDecimal, hi: ExactDecimal) {
        self.lo = lo
        self.hi = hi
    }

    public init(point: ExactDecimal) { self.init(lo: point, hi: point) }

    /// A figure as reported in a column of `kind`.
    ///
    /// - A count written to the unit (`142`, `12.0`) is exact: people come in whole numbers.
    /// - A zero count or amount is exact in any unit: "0万元" means nothing was paid.
    /// - Otherwise the last written digit carries ±½ of its place: `53.376万` is 533,755..533,765,
    ///   `0%` is -0.5..0.5 percent.
    public init(reported n: ReportedNumber, kind: ColumnKind) {
        let v = ExactDecimal(n)
        // `number` columns are exact by default (see ColumnSpec.exact).
        if kind == .number || (kind == .count && n.exponent <= 0) || (kind != .rate && n.isZero) {
            self.init(point: v)
            return
        }
        let half = ExactDecimal(mantissa: 5, exponent: n.exponent - 1)
        self.init(lo: v - half, hi: v + half)
    }

    public var isPoint: Bool { lo == hi }

    public static func + (a: Interval, b: Interval) -> Interval { Interval(lo: a.lo + b.lo, hi: a.hi + b.hi) }
    public static func - (a: Interval, b: Interval) -> Interval { Interval(lo: a.lo - b.hi, hi: a.hi - b.lo) }

    /// Equality under precision: the intervals meet.
    public func meets(_ o: Interval) -> Bool { !(hi < o.lo) && !(o.hi < lo) }

    /// `self ≤ o` can hold for some values both may stand for.
    public func canBeAtMost(_ o: Interval) -> Bool { !(o.hi < lo) }

    /// `self > 0` can hold for some value `self` may stand for.
    public var canBePositive: Bool { ExactDecimal.zero < hi }

    public var description: String { "\(lo)..\(hi)" }
}
