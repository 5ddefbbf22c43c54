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
        // The common case: 12 ASCII digits as written (not all zeros).
        if raw.utf8.count == 12, raw.utf8.allSatisfy({ $0 &- 0x30 < 10 }) {
            return raw.utf8.allSatisfy({ $0 == 0x30 }) ? .failure(.allZeros) : .success(UnitCode(code: raw))
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

    init(code: String) { self.code = code }

    public var level: Level {
        // The last digit that is not 0 decides it (no allocation: this runs for every row).
        var i = 0, last = -1
        for b in code.utf8 {
            if b != 0x30 { last = i }
            i += 1
        }
        if last < 2 { return .province }
        if last < 4 { return .city }
        if last < 6 { return .county }
        if last < 9 { return .township }
        return .village
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
        return UnitCode(code: String(decoding: code.utf8.prefix(keep), as: UTF8.self) + String(repeating: "0", count: 12 - keep))
    }

    public var description: String { code }
    public static func < (a: UnitCode, b: UnitCode) -> Bool { a.code < b.code }
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
        case .year: "\(year)"
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
