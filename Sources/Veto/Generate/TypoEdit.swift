/// Honest mistakes in writing one figure, as the `typo` pattern plants them and as
/// `padded-funds` avoids them (a padded amount must never be explainable as a typo).
enum TypoEdit {
    enum Kind: String, CaseIterable, Sendable {
        /// Two adjacent, different digits swapped: 1825 → 1852.
        case swap
        /// One digit left out: 1825 → 185.
        case dropped
        /// Money written in the other unit: 万 in a 元 column (÷10⁴) or 元 in a 万元 column (×10⁴).
        case wanYuan = "wan-yuan"
    }

    static func applicable(_ kind: Kind, value: Int64, money: Bool) -> Bool {
        switch kind {
        case .swap: !swaps(value).isEmpty
        case .dropped: !drops(value).isEmpty
        case .wanYuan: money && value > 0
        }
    }

    /// The new figure for a swap or a dropped digit (one of the possible ones, at random);
    /// nil for a 万/元 slip, which changes how the figure is written, not the figure.
    static func apply(_ kind: Kind, to value: Int64, rng: inout SplitMix64) -> Int64? {
        switch kind {
        case .swap: rng.pick(swaps(value))
        case .dropped: rng.pick(drops(value))
        case .wanYuan: nil
        }
    }

    private static func digits(_ v: Int64) -> [UInt8] { Array(String(v).utf8) }

    private static func number(_ d: [UInt8]) -> Int64? {
        guard let first = d.first, first != 0x30 || d.count == 1 else { return nil }   // no leading zero
        return Int64(String(decoding: d, as: UTF8.self))
    }

    /// Every figure one swap of adjacent different digits gives (no leading zero), ascending.
    static func swaps(_ v: Int64) -> [Int64] {
        guard v >= 10 else { return [] }
        let d = digits(v)
        var out = Set<Int64>()
        for i in 0..<(d.count - 1) where d[i] != d[i + 1] {
            var e = d
            e.swapAt(i, i + 1)
            if e[0] != 0x30, let n = number(e) { out.insert(n) }
        }
        return out.sorted()
    }

    /// Every figure leaving out one digit gives (no leading zero, not empty), ascending.
    static func drops(_ v: Int64) -> [Int64] {
        guard v >= 10 else { return [] }
        let d = digits(v)
        var out = Set<Int64>()
        for i in d.indices {
            var e = d
            e.remove(at: i)
            if e[0] != 0x30, let n = number(e) { out.insert(n) }
        }
        return out.sorted()
    }

    /// Every figure writing one digit twice gives.
    static func doubles(_ v: Int64) -> [Int64] {
        guard v >= 0 else { return [] }
        let d = digits(v)
        var out = Set<Int64>()
        for i in d.indices {
            var e = d
            e.insert(d[i], at: i)
            if let n = number(e) { out.insert(n) }
        }
        return out.sorted()
    }

    /// Whether `b` is what a typo (swap, dropped or doubled digit, ×10, ÷10, 万/元 slip) of `a` gives.
    static func isTypo(of a: Int64, _ b: Int64) -> Bool {
        if a == b { return false }
        if b == a * 10 || b * 10 == a || b == a * 10_000 || b * 10_000 == a { return true }
        return swaps(a).contains(b) || drops(a).contains(b) || doubles(a).contains(b)
    }
}
