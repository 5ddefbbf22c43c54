/// A reporting unit: a division code, a key's text (`RET01`), or — for a table with no key
/// column — the line it was read from.
public enum UnitKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    case code(UnitCode)
    case text(String)
    case line(input: Int, line: Int)

    /// How the unit is named in findings and JSON (`unit_code`).
    public var code: String {
        switch self {
        case .code(let c): c.code
        case .text(let s): s
        case .line(_, let l): "line \(l)"
        }
    }

    public var description: String { code }

    public var unitCode: UnitCode? {
        if case .code(let c) = self { return c }
        return nil
    }

    var rank: Int {
        switch self {
        case .code: 0
        case .text: 1
        case .line: 2
        }
    }

    public static func < (a: UnitKey, b: UnitKey) -> Bool {
        switch (a, b) {
        case (.code(let x), .code(let y)): x < y
        case (.text(let x), .text(let y)): x < y
        case (.line(let i, let l), .line(let j, let m)): (i, l) < (j, m)
        default: a.rank < b.rank
        }
    }
}

/// A unit in a period: what gets a verdict.
public struct UnitPeriod: Hashable, Sendable, Comparable {
    public var unit: UnitKey
    public var period: Period?

    public init(unit: UnitKey, period: Period?) {
        self.unit = unit
        self.period = period
    }

    public init(unit: UnitCode, period: Period) {
        self.init(unit: .code(unit), period: period)
    }

    public static func < (a: UnitPeriod, b: UnitPeriod) -> Bool {
        if a.unit != b.unit { return a.unit < b.unit }
        switch (a.period, b.period) {
        case (nil, nil): return false
        case (nil, _): return true
        case (_, nil): return false
        case (let x?, let y?): return x < y
        }
    }
}

/// Packs a unit-period into 64 bits for the checker's tables (a 12-digit code takes 40 bits, a
/// period 15); key texts are interned once each.
///
/// - Complexity: O(1); memory O(distinct key texts).
struct KeyPacker: Sendable {
    private var textIndex: [String: UInt64] = [:]
    private var texts: [String] = []

    static func period(_ p: Period?) -> UInt64 {
        guard let p, p.year >= 1800, p.year < 1800 + 512 else { return 0 }
        let part: UInt64 = switch p.part {
        case .year: 0
        case .half(let h): UInt64(h)
        case .quarter(let q): 2 + UInt64(q)
        case .month(let m): 6 + UInt64(m)
        }
        return (UInt64(p.year - 1800) << 5 | part) + 1
    }

    static func period(_ v: UInt64) -> Period? {
        guard v > 0 else { return nil }
        let x = v - 1
        let year = Int(x >> 5) + 1800
        let part = Int(x & 31)
        switch part {
        case 0: return Period(year: year, part: .year)
        case 1...2: return Period(year: year, part: .half(part))
        case 3...6: return Period(year: year, part: .quarter(part - 2))
        default: return Period(year: year, part: .month(part - 6))
        }
    }

    mutating func pack(_ k: UnitPeriod) -> UInt64 {
        let p = Self.period(k.period)
        switch k.unit {
        case .code(let c):
            return Self.codeValue(c) << 15 | p
        case .text(let s):
            let i: UInt64
            if let j = textIndex[s] { i = j } else {
                i = UInt64(texts.count)
                textIndex[s] = i
                texts.append(s)
            }
            return 1 << 62 | i << 15 | p
        case .line(let input, let line):
            return 2 << 62 | UInt64(input & 0xFFFF) << 40 | UInt64(line & 0xFF_FFFF_FFFF)
        }
    }

    /// The key of a code unit's parent in the same period (``UnitCode/parent`` on the packed
    /// 12-digit value); nil for a province, a text key or a line key.
    static func parentKey(_ id: UInt64) -> UInt64? {
        guard id >> 62 == 0, let parent = parentValue((id >> 15) & 0xFF_FFFF_FFFF) else { return nil }
        return parent << 15 | (id & 0x7FFF)
    }

    /// ``UnitCode/parent`` on a code's 12-digit value (``codeValue(_:)``); nil for a province.
    static func parentValue(_ v: UInt64) -> UInt64? {
        if v % 10_000_000_000 == 0 { return nil }                   // province
        if v % 100_000_000 == 0 { return v - v % 10_000_000_000 }   // city → province
        if v % 1_000_000 == 0 { return v - v % 100_000_000 }        // county → city
        if v % 1_000 == 0 { return v - v % 1_000_000 }              // township → county
        return v - v % 1_000                                        // village → township
    }

    /// The key of the same unit in another period (nil for line keys).
    static func withPeriod(_ id: UInt64, _ p: Period?) -> UInt64? {
        guard id >> 62 != 2 else { return nil }
        return (id & ~UInt64(0x7FFF)) | period(p)
    }

    func unpack(_ id: UInt64) -> UnitPeriod {
        switch id >> 62 {
        case 0:
            let v = (id >> 15) & 0xFF_FFFF_FFFF
            return UnitPeriod(unit: .code(UnitCode(value: v)), period: Self.period(id & 0x7FFF))
        case 1:
            let i = Int((id >> 15) & 0xFF_FFFF_FFFF)
            return UnitPeriod(unit: .text(i < texts.count ? texts[i] : "?"), period: Self.period(id & 0x7FFF))
        default:
            return UnitPeriod(unit: .line(input: Int((id >> 40) & 0xFFFF), line: Int(id & 0xFF_FFFF_FFFF)), period: nil)
        }
    }

    static func codeValue(_ c: UnitCode) -> UInt64 {
        if c.value != .max { return c.value }
        var v: UInt64 = 0
        for b in c.code.utf8 { v = v &* 10 &+ UInt64(b &- 0x30) }
        return v
    }
}

/// Every unit-period read and its verdict, kept packed (9 bytes each) and unpacked only when
/// read: a province's millions of verdicts cost memory in proportion, not strings.
public struct VerdictList: RandomAccessCollection, ExpressibleByArrayLiteral, Sendable {
    public typealias Element = (key: UnitPeriod, verdict: Verdict)
    let keys: [UInt64]
    let worst: [UInt8]
    let packer: KeyPacker

    init(keys: [UInt64], worst: [UInt8], packer: KeyPacker) {
        self.keys = keys
        self.worst = worst
        self.packer = packer
    }

    public init() { self.init(keys: [], worst: [], packer: KeyPacker()) }

    /// A list from unpacked verdicts (reporters' tests, callers building a result by hand).
    public init(_ items: [(key: UnitPeriod, verdict: Verdict)]) {
        var p = KeyPacker()
        let keys = items.map { p.pack($0.key) }
        let worst: [UInt8] = items.map { i in
            switch i.verdict {
            case .pass: 0
            case .review: UInt8(Severity.review.rawValue)
            case .fail: UInt8(Severity.fail.rawValue)
            case .veto: UInt8(Severity.veto.rawValue)
            }
        }
        self.init(keys: keys, worst: worst, packer: p)
    }

    public init(arrayLiteral elements: (key: UnitPeriod, verdict: Verdict)...) { self.init(elements) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { keys.count }

    public subscript(i: Int) -> Element {
        let w = worst[i]
        return (packer.unpack(keys[i]), w == 0 ? .pass : Verdict(Severity(rawValue: Int(w))))
    }

    /// How many unit-periods have verdict `v` (without unpacking keys).
    public func count(_ v: Verdict) -> Int {
        worst.reduce(0) { n, w in n + ((w == 0 ? .pass : Verdict(Severity(rawValue: Int(w)))) == v ? 1 : 0) }
    }
}
