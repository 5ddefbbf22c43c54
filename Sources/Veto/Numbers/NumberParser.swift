// Reading numbers as county staff write them, from UTF-8 bytes, exactly.
//
// One forward pass over the bytes of a cell, no allocation, no floating point.
// The grammar, after trimming (bytes are UTF-8):
//
//   cell     = missing | number
//   missing  = "" | "-" | "－" | "–" | "—" | "―" | "——" | "――" | "/" | "无"
//   number   = sign? integer? ("." fraction)? suffix?      (at least one digit)
//   sign     = "+" | "＋" (U+FF0B) | "-" | "－" (U+FF0D) | "−" (U+2212)
//   integer  = digits | group1 ("," group3)+              group1: 1–3 digits, group3: 3
//   fraction = digit+                                     (no separators)
//   suffix   = ("万" | "亿") "元"? | "元" | "%" | "％" | "‰"
//   digit    = 0-9 | ０-９ (U+FF10..U+FF19), mixed freely
//   ","      = "," | "，" (U+FF0C);   "." = "." | "．" (U+FF0E)
//
// Trimmed: ASCII space and tab, U+3000 ideographic space, U+00A0 no-break space.
// Recognised non-numbers: a leading "#" (spreadsheet error), "(" … ")" or
// "（" … "）" around a number (accounting negative), digits followed by
// "E"/"e", an optional sign and digits (scientific notation).

/// Reads one numeric cell into an exact ``CellValue``.
public enum NumberParser {
    /// The most decimal places a cell may have, written or after its unit is applied
    /// (`0.000000000000000001` is the smallest figure; one more place is ``NumberProblem/tooManyDigits``).
    public static let maxDecimalPlaces = 18

    /// Reads one cell given as UTF-8 bytes.
    ///
    /// - Parameters:
    ///   - bytes: the cell's bytes, unquoted, in UTF-8. Need not be valid UTF-8:
    ///     anything unexpected is ``NumberProblem/notANumber``.
    ///   - kind: the column's kind; decides which signs and units are findings.
    ///   - headerExponent: the scale a unit in the column header gives (`(万元)` → 4,
    ///     `(亿元)` → 8, `(元)` → 0), applied when the cell carries no unit of its own.
    ///     A cell's own unit (万, 亿, 万元, 亿元, 元) wins over the header's. Ignored
    ///     for ``ColumnKind/rate`` columns. Expected in a sane range (|e| ≤ 18).
    /// - Returns: the figure with its written precision, the missing-value token,
    ///   or the problem (see ``NumberProblem`` for which wins when several apply).
    /// - Complexity: O(n) in the cell's length; allocates nothing.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, kind: ColumnKind, headerExponent: Int = 0) -> CellValue {
        guard let p = bytes.baseAddress, bytes.count > 0 else { return .missing(.empty) }
        if let n = plainDecimal(p, bytes.count, kind: kind, headerExponent: headerExponent) { return .number(n) }
        var lo = 0
        var hi = bytes.count

        // Trim. The common cell has nothing to trim: one compare at each end.
        while lo < hi {
            let b = p[lo]
            if b == 0x20 || b == 0x09 { lo += 1 }
            else if b == 0xE3, hi - lo >= 3, p[lo + 1] == 0x80, p[lo + 2] == 0x80 { lo += 3 }
            else if b == 0xC2, hi - lo >= 2, p[lo + 1] == 0xA0 { lo += 2 }
            else { break }
        }
        while lo < hi {
            let b = p[hi - 1]
            if b == 0x20 || b == 0x09 { hi -= 1 }
            else if b == 0x80, hi - lo >= 3, p[hi - 2] == 0x80, p[hi - 3] == 0xE3 { hi -= 3 }
            else if b == 0xA0, hi - lo >= 2, p[hi - 2] == 0xC2 { hi -= 2 }
            else { break }
        }
        if lo == hi { return .missing(.empty) }

        var i = lo
        let first = p[i]
        var negative = false

        if first &- 0x30 >= 10 {
            // Not the fast path: missing tokens, special shapes, signs.
            if let token = missingToken(p + lo, hi - lo) { return .missing(token) }
            switch first {
            case 0x23:  // '#'
                return .invalid(.spreadsheetError)
            case 0x28:  // '('
                return accounting(p, from: lo + 1, closeAt: hi - 1, closeLength: 1, closeByte: 0x29)
            case 0x2B:  // '+'
                i += 1
            case 0x2D:  // '-'
                negative = true; i += 1
            case 0xEF where hi - i >= 3 && p[i + 1] == 0xBC:
                if p[i + 2] == 0x8D { negative = true; i += 3 }  // '－' U+FF0D
                else if p[i + 2] == 0x8B { i += 3 }              // '＋' U+FF0B
                else if p[i + 2] == 0x88 {                       // '（' U+FF08
                    return accounting(p, from: lo + 3, closeAt: hi - 3, closeLength: 3, closeByte: 0x89)
                }
            case 0xE2 where hi - i >= 3 && p[i + 1] == 0x88 && p[i + 2] == 0x92:  // '−' U+2212
                negative = true; i += 3
            default:
                break
            }
        }

        // Digits, separators, point.
        var magnitude: UInt64 = 0
        var significant = 0       // digits from the first non-zero one on (> 18: overflow)
        var anyDigit = false
        var groupLength = 0       // digits since the start or the last separator
        var sawSeparator = false
        var inFraction = false
        var fractionDigits = 0

        scan: while true {
            // A run of ASCII digits: the whole of most cells. Branch-free count of
            // significant digits (those from the first non-zero one on); past 18 the
            // magnitude is garbage, but then `significant > 18` already says so.
            let runStart = i
            while i < hi {
                let d = p[i] &- 0x30
                if d >= 10 { break }
                magnitude = magnitude &* 10 &+ UInt64(d)
                significant &+= magnitude != 0 ? 1 : 0
                i &+= 1
            }
            let run = i &- runStart
            if inFraction { fractionDigits &+= run } else { groupLength &+= run }
            if run > 0 { anyDigit = true }
            if i == hi { break scan }

            // Anything else: a separator, a point, a full-width digit, or the end of the number.
            let b = p[i]
            var token: UInt8  // 0...9 digit, 10 separator, 11 point
            if b == 0x2C { token = 10; i &+= 1 }
            else if b == 0x2E { token = 11; i &+= 1 }
            else if b == 0xEF, hi &- i >= 3, p[i &+ 1] == 0xBC {
                let c = p[i &+ 2]
                if c &- 0x90 < 10 { token = c &- 0x90 }
                else if c == 0x8C { token = 10 }
                else if c == 0x8E { token = 11 }
                else { break scan }
                i &+= 3
            } else { break scan }

            switch token {
            case 10:
                if inFraction { return .invalid(.badGrouping) }
                if sawSeparator ? groupLength != 3 : (groupLength == 0 || groupLength > 3) {
                    return .invalid(.badGrouping)
                }
                sawSeparator = true
                groupLength = 0
            case 11:
                if inFraction { return .invalid(.notANumber) }
                if sawSeparator && groupLength != 3 { return .invalid(.badGrouping) }
                inFraction = true
            default:
                anyDigit = true
                if inFraction { fractionDigits &+= 1 } else { groupLength &+= 1 }
                magnitude = magnitude &* 10 &+ UInt64(token)
                significant &+= magnitude != 0 ? 1 : 0
            }
        }
        if !inFraction && sawSeparator && groupLength != 3 { return .invalid(.badGrouping) }
        if !anyDigit { return .invalid(.notANumber) }
        if inFraction && fractionDigits == 0 { return .invalid(.notANumber) }

        // Suffix.
        var unitExponent = 0
        var hasMultiplier = false
        var hasYuan = false
        var hasPercent = false
        if i < hi {
            let b = p[i]
            let left = hi - i
            if b == 0x25 { hasPercent = true; i += 1 }
            else if b == 0xEF, left >= 3, p[i + 1] == 0xBC, p[i + 2] == 0x85 { hasPercent = true; i += 3 }
            else if b == 0xE2, left >= 3, p[i + 1] == 0x80, p[i + 2] == 0xB0 {
                if left == 3 { return .invalid(.permille) }
                return .invalid(.notANumber)
            } else if b == 0xE4, left >= 3, p[i + 1] == 0xB8, p[i + 2] == 0x87 {
                hasMultiplier = true; unitExponent = 4; i += 3
            } else if b == 0xE4, left >= 3, p[i + 1] == 0xBA, p[i + 2] == 0xBF {
                hasMultiplier = true; unitExponent = 8; i += 3
            } else if b == 0x45 || b == 0x65 {
                guard isExponentTail(p, from: i + 1, to: hi) else { return .invalid(.notANumber) }
                // Other tools write `1e+05`: a number where a column holds any number, a
                // spreadsheet's lost digits where it holds reported counts or money.
                guard kind == .number, let e = exponentValue(p, from: i + 1, to: hi) else {
                    return .invalid(.scientificNotation)
                }
                unitExponent = e
                i = hi
            }
            if !hasPercent, hi - i >= 3, p[i] == 0xE5, p[i + 1] == 0x85, p[i + 2] == 0x83 {
                hasYuan = true; i += 3
            }
            if i != hi { return .invalid(.notANumber) }
        }

        // Kind rules.
        switch kind {
        case .number:
            if hasPercent { return .invalid(.percentOutsideRate) }
            if hasYuan { return .invalid(.yuanOutsideMoney) }
        case .count, .money:
            if hasPercent { return .invalid(.percentOutsideRate) }
            if hasYuan && kind == .count { return .invalid(.yuanOutsideMoney) }
        case .rate:
            if hasMultiplier { return .invalid(.multiplierInRate) }
            if hasYuan { return .invalid(.yuanOutsideMoney) }
        }

        let exponent: Int
        if kind == .number && unitExponent != 0 && !hasMultiplier {
            exponent = headerExponent + unitExponent - fractionDigits
        } else if hasMultiplier || hasYuan || kind == .rate {
            exponent = unitExponent - fractionDigits
        } else {
            exponent = headerExponent - fractionDigits
        }
        // Bounds that keep every figure representable in exact arithmetic downstream:
        // at most 18 significant digits, an integer part of at most 18 digits, and at most
        // 18 decimal places (leading zeros after the point count: `0.000…01` with 34
        // decimals, or a zero written with 38, is a finding, not an exponent of -34).
        if significant > 18 || (significant > 0 && exponent > 18 &- significant)
            || fractionDigits > maxDecimalPlaces || exponent < -maxDecimalPlaces {
            return .invalid(.tooManyDigits)
        }
        let mantissa = negative ? -Int64(magnitude) : Int64(magnitude)
        let number = ReportedNumber(mantissa: mantissa, exponent: exponent)
        if kind == .count {
            if mantissa < 0 { return .invalid(.negativeCount) }
            if !number.isIntegral { return .invalid(.fractionalCount) }
        }
        return .number(number)
    }

    /// The shape of nearly every cell of a machine-written report, `1825` or `53.3760`:
    /// ASCII digits with at most one point, nothing else. Returns nil for anything else
    /// (or for what the general path must judge: a fraction in a count, too many digits),
    /// which then takes the general path; the result is always the general path's.
    @inline(__always)
    static func plainDecimal(_ p: UnsafePointer<UInt8>, _ n: Int, kind: ColumnKind, headerExponent: Int) -> ReportedNumber? {
        guard n <= 19 else { return nil }
        var magnitude: UInt64 = 0
        var significant = 0
        var point = -1
        var i = 0
        while i < n {
            let d = p[i] &- 0x30
            if d < 10 {
                magnitude = magnitude &* 10 &+ UInt64(d)
                significant &+= magnitude != 0 ? 1 : 0
            } else if p[i] == 0x2E, point < 0, i > 0, i < n - 1 {
                point = i
            } else {
                return nil
            }
            i &+= 1
        }
        let fraction = point < 0 ? 0 : n - 1 - point
        let exponent = (kind == .rate ? 0 : headerExponent) - fraction
        if significant > 18 || (significant > 0 && exponent > 18 - significant) || exponent < -maxDecimalPlaces { return nil }
        let number = ReportedNumber(mantissa: Int64(magnitude), exponent: exponent)
        if kind == .count && exponent < 0 && !number.isIntegral { return nil }
        return number
    }

    /// Reads one cell given as a `String`; same rules as the byte form.
    public static func parse(_ text: String, kind: ColumnKind, headerExponent: Int = 0) -> CellValue {
        if let value = text.utf8.withContiguousStorageIfAvailable({
            parse($0, kind: kind, headerExponent: headerExponent)
        }) {
            return value
        }
        var copy = text
        return copy.withUTF8 { parse($0, kind: kind, headerExponent: headerExponent) }
    }

    // MARK: - Pieces off the fast path

    /// The missing-value token the whole (trimmed) cell spells, if any.
    private static func missingToken(_ p: UnsafePointer<UInt8>, _ n: Int) -> MissingToken? {
        switch n {
        case 1:
            if p[0] == 0x2D { return .dash }
            if p[0] == 0x2F { return .slash }
        case 2:
            if p[0] == 0x4E && p[1] == 0x41 { return .na }                                  // NA
        case 3:
            if p[0] == 0x4E && p[1] == 0x61 && p[2] == 0x4E { return .nan }                 // NaN
            if p[0] == 0x6E && p[1] == 0x61 && p[2] == 0x6E { return .nan }                 // nan
            return missingToken3(p)
        case 4:
            let s = (p[0], p[1], p[2], p[3])
            if s == (0x4E, 0x55, 0x4C, 0x4C) || s == (0x6E, 0x75, 0x6C, 0x6C) { return .null }  // NULL, null
        case 6:
            let a = missingToken3(p), b = missingToken3(p + 3)
            if a == .emDash && b == .emDash { return .doubleEmDash }
        default:
            break
        }
        return nil
    }

    private static func missingToken3(_ p: UnsafePointer<UInt8>) -> MissingToken? {
        switch (p[0], p[1], p[2]) {
        case (0xE2, 0x80, 0x94), (0xE2, 0x80, 0x95): return .emDash  // — U+2014, ― U+2015
        case (0xE2, 0x80, 0x93), (0xEF, 0xBC, 0x8D): return .dash    // – U+2013, － U+FF0D
        case (0xE6, 0x97, 0xA0): return MissingToken.none  // 无 (not Optional.none)
        default: return nil
        }
    }

    /// `(…)`: an accounting negative when the inside is a number, else not a number.
    private static func accounting(_ p: UnsafePointer<UInt8>, from start: Int, closeAt close: Int,
                                   closeLength: Int, closeByte: UInt8) -> CellValue {
        guard close >= start, p[close + closeLength - 1] == closeByte else { return .invalid(.notANumber) }
        if closeLength == 3 && !(p[close] == 0xEF && p[close + 1] == 0xBC) { return .invalid(.notANumber) }
        let inside = UnsafeBufferPointer(start: p + start, count: close - start)
        if case .number = parse(inside, kind: .money) { return .invalid(.accountingNegative) }
        return .invalid(.notANumber)
    }

    /// The exponent after an `E`/`e` (already checked by `isExponentTail`), if it is within ±40.
    private static func exponentValue(_ p: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Int? {
        var i = start
        var negative = false
        if p[i] == 0x2B { i += 1 } else if p[i] == 0x2D { negative = true; i += 1 }
        var v = 0
        while i < end {
            v = v * 10 + Int(p[i] &- 0x30)
            if v > 40 { return nil }
            i += 1
        }
        return negative ? -v : v
    }

    /// After an `E`/`e`: an optional sign then one or more ASCII digits to the end.
    private static func isExponentTail(_ p: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Bool {
        var i = start
        if i < end && (p[i] == 0x2B || p[i] == 0x2D) { i += 1 }
        if i == end { return false }
        while i < end {
            if p[i] &- 0x30 >= 10 { return false }
            i += 1
        }
        return true
    }
}
