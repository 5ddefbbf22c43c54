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

    private static func pow10(_ k: Int) -> Int128 {
        var r: Int128 = 1
        for _ in 0..<k { r *= 10 }
        return r
    }

    /// Both operands on the smaller exponent.
    private static func aligned(_ a: ExactDecimal, _ b: ExactDecimal) -> (Int128, Int128, Int) {
        if a.exponent == b.exponent { return (a.mantissa, b.mantissa, a.exponent) }
        if a.exponent > b.exponent {
            return (a.mantissa * pow10(a.exponent - b.exponent), b.mantissa, b.exponent)
        }
        return (a.mantissa, b.mantissa * pow10(b.exponent - a.exponent), a.exponent)
    }

    public static func + (a: ExactDecimal, b: ExactDecimal) -> ExactDecimal {
        let (x, y, e) = aligned(a, b)
        return ExactDecimal(mantissa: x + y, exponent: e)
    }

    public static func - (a: ExactDecimal, b: ExactDecimal) -> ExactDecimal {
        let (x, y, e) = aligned(a, b)
        return ExactDecimal(mantissa: x - y, exponent: e)
    }

    public static func * (a: ExactDecimal, b: ExactDecimal) -> ExactDecimal {
        ExactDecimal(mantissa: a.mantissa * b.mantissa, exponent: a.exponent + b.exponent)
    }

    public static prefix func - (a: ExactDecimal) -> ExactDecimal {
        ExactDecimal(mantissa: -a.mantissa, exponent: a.exponent)
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
        var digits = String(negative ? -m : m)
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
            let drop = -f - v.exponent
            let p = Self.pow10(drop)
            var q = v.mantissa / p
            let r = v.mantissa % p
            if (r < 0 ? -r : r) * 2 >= p { q += v.mantissa < 0 ? -1 : 1 }
            v = ExactDecimal(mantissa: q, exponent: -f)
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
        if shift >= 0 { num *= Self.pow10(shift) } else { den *= Self.pow10(-shift) }
        if den < 0 { num = -num; den = -den }
        var q = num / den
        let r = num % den
        if (r < 0 ? -r : r) * 2 >= den { q += num < 0 ? -1 : 1 }
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
