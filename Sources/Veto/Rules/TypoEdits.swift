// The single-keystroke edits of a reported figure that `Localizer.typos` tries.
//
// A figure is seen as it was written: its digits, split at the decimal point, and the place of
// the last digit. With a non-negative exponent (`1350`, `53.376万` = 53376 × 10¹) every written
// digit counts as an integer digit and the place of the last digit is kept (where the point stood
// inside a 万/亿 figure is not known from the value); with a negative exponent the digits are
// those of the plain decimal (`0.05` → "0" . "05"), and removing a doubled decimal changes the
// number of decimals, hence the precision.
//
// * swap: two adjacent, different digits on the same side of the point exchange places.
// * wan-yuan: the same digits ×10⁴ or ÷10⁴ (a figure in 元 typed into a 万元 column or back).
//   Money only: 万/元 is a slip of the money unit, not of a head count or a rate.
// * dropped-digit: one digit 0–9 inserted anywhere in the integer part. Not in the decimals: the
//   written precision is kept, because a figure made finer than written (12.43 → 12.343) fits
//   almost any target within its old precision and would "explain" inconsistencies that are not
//   typos (an explained inconsistency is never `veto`).
// * doubled-digit: one of two equal neighbouring digits removed.
// * sign: the sign flipped (non-zero figures).
//
// A result with a superfluous leading zero in its integer part ("0150") is not a way anybody
// writes a figure and is skipped, as is one equal in value to the reported figure or with more
// than 18 digits. A corrected count must be a whole number ≥ 0.

enum TypoEdits {
    static let kindNames = ["swap", "wan-yuan", "dropped-digit", "doubled-digit", "sign"]

    /// Candidate corrections, kind index into `kindNames` and corrected figure.
    static func edits(of n: ReportedNumber, isCount: Bool, isRate: Bool) -> [(kind: Int, value: ReportedNumber)] {
        var out: [(kind: Int, value: ReportedNumber)] = []
        let negative = n.mantissa < 0
        var intPart: [UInt8], frac: [UInt8]
        let unit: Int
        if n.exponent >= 0 {
            intPart = Array(String(n.mantissa.magnitude).utf8).map { $0 - 48 }
            frac = []
            unit = n.exponent
        } else {
            let plain = n.description.utf8.filter { $0 != UInt8(ascii: "-") }
            let parts = plain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
            intPart = parts[0].map { $0 - 48 }
            frac = parts.count > 1 ? parts[1].map { $0 - 48 } : []
            unit = 0
        }

        func build(_ i: [UInt8], _ f: [UInt8]) -> ReportedNumber? {
            guard !i.isEmpty, !(i.count > 1 && i[0] == 0), i.count + f.count <= 18 else { return nil }
            var m: Int64 = 0
            for d in i + f { m = m * 10 + Int64(d) }
            let r = ReportedNumber(mantissa: negative ? -m : m, exponent: unit - f.count)
            return r.hasSameValue(as: n) ? nil : r
        }
        func add(_ kind: Int, _ r: ReportedNumber?) {
            guard let r else { return }
            if isCount && (r.mantissa < 0 || !r.isIntegral) { return }
            out.append((kind, r))
        }

        // swap
        for i in 0..<max(0, intPart.count - 1) where intPart[i] != intPart[i + 1] {
            var d = intPart
            d.swapAt(i, i + 1)
            add(0, build(d, frac))
        }
        for i in 0..<max(0, frac.count - 1) where frac[i] != frac[i + 1] {
            var d = frac
            d.swapAt(i, i + 1)
            add(0, build(intPart, d))
        }
        // wan-yuan
        if !isRate && !isCount && n.mantissa != 0 {
            add(1, ReportedNumber(mantissa: n.mantissa, exponent: n.exponent + 4))
            add(1, ReportedNumber(mantissa: n.mantissa, exponent: n.exponent - 4))
        }
        // dropped digit
        for p in 0...intPart.count {
            for digit in UInt8(0)...9 {
                var d = intPart
                d.insert(digit, at: p)
                // "0" then the old digits: treat "0.5" → "00.5" and friends as no figure.
                add(2, build(d, frac))
            }
        }
        // doubled digit
        for i in 0..<max(0, intPart.count - 1) where intPart[i] == intPart[i + 1] {
            var d = intPart
            d.remove(at: i)
            add(3, build(d, frac))
        }
        for i in 0..<max(0, frac.count - 1) where frac[i] == frac[i + 1] {
            var d = frac
            d.remove(at: i)
            add(3, build(intPart, d))
        }
        // sign
        if n.mantissa != 0 {
            add(4, ReportedNumber(mantissa: -n.mantissa, exponent: n.exponent))
        }
        return out
    }
}
