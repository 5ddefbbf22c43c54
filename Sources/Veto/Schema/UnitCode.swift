/// A statistical division code, right-padded to 12 digits (SPEC.md §1).
public struct UnitCode: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let code: String

    public enum Level: String, Sendable, Comparable {
        case province, city, county, township, village
        public static func < (a: Level, b: Level) -> Bool { a.rank < b.rank }
        var rank: Int {
            switch self {
            case .province: 0
            case .city: 1
            case .county: 2
            case .township: 3
            case .village: 4
            }
        }
    }

    public enum Problem: Error, Equatable, Sendable {
        /// No code: nothing but spaces.
        case empty
        /// Only zeros (`000000000000`, `000000`, full-width zeros too), which name no division
        /// (every level of a real code starts with a province 11–82). A code of zeros is a
        /// placeholder, not a unit: it would otherwise pass as a "province" and collect every
        /// row written with it. Distinct from ``empty``: a code was written, and it is wrong.
        case allZeros
        case scientificNotation   // 6.23021E+11: Excel turned the code into a number
        case notDigits
        case wrongLength(Int)
    }

    /// Parses `623021`, `623021105`, `623021105203`, full-width digits, surrounding spaces.
    public static func parse(_ raw: String) -> Result<UnitCode, Problem> {
        // The common case: 12 ASCII digits as written (not all zeros), read in one pass.
        if raw.utf8.count == 12 {
            var r = raw
            let fast: UnitCode?? = r.withUTF8 { u in
                var v: UInt64 = 0, last = -1
                for i in 0..<u.count {
                    let d = u[i] &- 0x30
                    guard d < 10 else { return nil }
                    v = v &* 10 &+ UInt64(d)
                    if d != 0 { last = i }
                }
                if last < 0 { return .some(nil) }
                return UnitCode(code: raw, value: v, last: last)
            }
            if let fast { return fast.map { .success($0) } ?? .failure(.allZeros) }
        }
        var digits = ""
        var sawOther = false
        var sawE = false
        for u in raw.unicodeScalars {
            switch u {
            case "0"..."9": digits.unicodeScalars.append(u)
            case "\u{FF10}"..."\u{FF19}": digits.unicodeScalars.append(Unicode.Scalar(UInt8(truncatingIfNeeded: u.value - 0xFF10 + 0x30)))
            case " ", "\t", "\u{3000}", "\u{00A0}": continue
            case "E", "e": sawE = true
            default: sawOther = true
            }
        }
        if digits.isEmpty && !sawOther && !sawE { return .failure(.empty) }
        if sawE { return .failure(.scientificNotation) }
        if sawOther { return .failure(.notDigits) }
        if !digits.isEmpty, digits.utf8.allSatisfy({ $0 == 0x30 }), [6, 9, 12].contains(digits.utf8.count) {
            return .failure(.allZeros)
        }
        switch digits.count {
        case 6: return .success(UnitCode(code: digits + "000000"))
        case 9: return .success(UnitCode(code: digits + "000"))
        case 12: return .success(UnitCode(code: digits))
        default: return .failure(.wrongLength(digits.count))
        }
    }

    /// The code as a number (12 digits), read once: keys are packed and levels read from it
    /// on every row. `UInt64.max` for a code that is not 12 ASCII digits (never from `parse`).
    let value: UInt64
    /// The unit's level, read once from its last digit that is not 0.
    public let level: Level

    private init(code: String, value: UInt64, last: Int) {
        self.code = code
        self.value = value
        level = Self.level(last: last)
    }

    /// The level of a code whose last digit that is not 0 is at index `last`.
    private static func level(last: Int) -> Level {
        last < 2 ? .province : last < 4 ? .city : last < 6 ? .county : last < 9 ? .township : .village
    }

    init(code: String) {
        self.code = code
        var v: UInt64 = 0, digits = true, i = 0, last = -1
        for b in code.utf8 {
            if b &- 0x30 >= 10 { digits = false }
            v = v &* 10 &+ UInt64(b &- 0x30)
            if b != 0x30 { last = i }
            i += 1
        }
        value = digits && i == 12 ? v : .max
        level = Self.level(last: last)
    }

    /// The code of a 12-digit value (below 10¹²).
    init(value: UInt64) {
        self.value = value
        code = String(unsafeUninitializedCapacity: 12) { buf in
            var v = value
            for i in (0..<12).reversed() {
                buf[i] = UInt8(truncatingIfNeeded: v % 10) + 0x30
                v /= 10
            }
            return 12
        }
        level = value % 1000 != 0 ? .village : value % 1_000_000 != 0 ? .township
            : value % 100_000_000 != 0 ? .county : value % 10_000_000_000 != 0 ? .city : .province
    }

    /// The code of the unit one level up (a village's township, a township's county).
    public var parent: UnitCode? {
        let keep: Int
        switch level {
        case .province: return nil
        case .city: keep = 2
        case .county: keep = 4
        case .township: keep = 6
        case .village: keep = 9
        }
        if value != .max {
            let unit = UInt64(Fixed.pow10[12 - keep])
            return UnitCode(value: value / unit * unit)
        }
        return UnitCode(code: String(decoding: code.utf8.prefix(keep), as: UTF8.self) + String(repeating: "0", count: 12 - keep))
    }

    public var description: String { code }
    public static func < (a: UnitCode, b: UnitCode) -> Bool { a.code < b.code }
    public static func == (a: UnitCode, b: UnitCode) -> Bool { a.code == b.code }
    public func hash(into h: inout Hasher) { h.combine(code) }
}

/// A reporting period: a year, or a half, quarter or month of it.
public struct Period: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let year: Int
    public enum Part: Hashable, Sendable { case year, half(Int), quarter(Int), month(Int) }
    public let part: Part

    /// `2020`, `2020年`, `2020H1`, `2020Q3`, `2020-06`, `2020年6月`, full-width digits.
    public static func parse(_ raw: String) -> Period? {
        // The common case: a bare year.
        if raw.utf8.count == 4, raw.utf8.allSatisfy({ $0 &- 0x30 < 10 }), let y = Int(raw), y >= 1900, y <= 2200 {
            return Period(year: y, part: .year)
        }
        var s = ""
        for u in raw.unicodeScalars {
            switch u {
            case " ", "\t", "\u{3000}", "\u{00A0}": continue
            case "\u{FF10}"..."\u{FF19}": s.unicodeScalars.append(Unicode.Scalar(UInt8(truncatingIfNeeded: u.value - 0xFF10 + 0x30)))
            case "月": continue
            case "\u{FF0D}", "/", ".": s.unicodeScalars.append("-")
            case "年": s.unicodeScalars.append("-")
            case "h": s.unicodeScalars.append("H")
            case "q": s.unicodeScalars.append("Q")
            default: s.unicodeScalars.append(u)
            }
        }
        if s.hasSuffix("-") { s.removeLast() }
        let b = Array(s.utf8)
        guard b.count >= 4, b[0..<4].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let year = Int(String(decoding: b[0..<4], as: UTF8.self)), year >= 1900, year <= 2200 else { return nil }
        let rest = String(decoding: b[4...], as: UTF8.self)
        if rest.isEmpty { return Period(year: year, part: .year) }
        if rest.hasPrefix("H"), let h = Int(rest.dropFirst()), (1...2).contains(h) { return Period(year: year, part: .half(h)) }
        if rest.hasPrefix("-H"), let h = Int(rest.dropFirst(2)), (1...2).contains(h) { return Period(year: year, part: .half(h)) }
        if rest.hasPrefix("Q"), let q = Int(rest.dropFirst()), (1...4).contains(q) { return Period(year: year, part: .quarter(q)) }
        if rest.hasPrefix("-Q"), let q = Int(rest.dropFirst(2)), (1...4).contains(q) { return Period(year: year, part: .quarter(q)) }
        if rest.hasPrefix("-"), rest.count <= 3, let m = Int(rest.dropFirst()), (1...12).contains(m) { return Period(year: year, part: .month(m)) }
        return nil
    }

    public var description: String {
        switch part {
        case .year: String(year)
        case .half(let h): "\(year)H\(h)"
        case .quarter(let q): "\(year)Q\(q)"
        case .month(let m): m < 10 ? "\(year)-0\(m)" : "\(year)-\(m)"
        }
    }

    var sortKey: (Int, Int, Int) {
        switch part {
        case .year: (year, 0, 0)
        case .half(let h): (year, 1, h)
        case .quarter(let q): (year, 2, q)
        case .month(let m): (year, 3, m)
        }
    }

    public static func < (a: Period, b: Period) -> Bool { a.sortKey < b.sortKey }
}
