// Exact reported figures and the outcome of reading one numeric cell.
//
// No binary floating point and no Foundation here: a figure is an integer
// mantissa and a power-of-ten exponent, exactly as written.

/// A figure as reported: value = mantissa × 10^exponent. The exponent is also the
/// reported precision: the last written digit's place (`53.376万` → 53376 × 10^1;
/// `29.1360万` → 291360 × 10^0; `0.0％` → 0 × 10^-1). Never normalised: trailing zeros are kept.
///
/// `==` and hashing compare the *representation* (mantissa and exponent), so
/// `12.0` (120 × 10^-1) and `12` (12 × 10^0) are different reports of the same
/// value. Use ``hasSameValue(as:)`` to compare values regardless of precision.
public struct ReportedNumber: Hashable, Sendable, CustomStringConvertible {
    /// The written digits as an integer, with the sign. Leading zeros are dropped,
    /// trailing zeros are kept.
    public var mantissa: Int64
    /// The place of the last written digit: value = mantissa × 10^exponent.
    public var exponent: Int

    /// A figure `mantissa × 10^exponent`, kept as given (not normalised).
    public init(mantissa: Int64, exponent: Int) {
        self.mantissa = mantissa
        self.exponent = exponent
    }

    /// `true` when the value is 0, at any precision (`0`, `0.0`, `0万`).
    public var isZero: Bool { mantissa == 0 }

    /// `true` when the value is a whole number (e.g. 12.0, 533760, 1.2万).
    ///
    /// For a negative exponent this checks that the fractional digits are all
    /// zero: 120 × 10^-1 is integral, 125 × 10^-1 is not.
    public var isIntegral: Bool {
        if exponent >= 0 || mantissa == 0 { return true }
        let places = -exponent
        // |mantissa| < 10^19, so no non-zero mantissa is a multiple of 10^19 or more.
        if places > 18 { return false }
        return mantissa % _powerOfTen(places) == 0
    }

    /// Exact plain decimal of the value in the base unit, no grouping, no exponent:
    /// 53376e1 → "533760", 12345e-1 → "1234.5", 120e-1 → "12.0" (keeps written decimals),
    /// -5e0 → "-5", 0e-1 → "0.0".
    ///
    /// - Complexity: O(number of digits + |exponent|).
    public var description: String {
        var digits = String(mantissa.magnitude)
        let sign = mantissa < 0 ? "-" : ""
        if exponent >= 0 {
            if mantissa == 0 { return "0" }
            return sign + digits + String(repeating: "0", count: exponent)
        }
        let places = -exponent
        if digits.utf8.count <= places {
            digits = String(repeating: "0", count: places - digits.utf8.count + 1) + digits
        }
        let point = digits.index(digits.endIndex, offsetBy: -places)
        return sign + digits[..<point] + "." + digits[point...]
    }

    /// Same as ``description`` but without a fractional part when the value is
    /// integral: 120e-1 → "12". Used for counts. `nil` when the value is not integral.
    public var integerString: String? {
        guard isIntegral else { return nil }
        if exponent >= 0 { return description }
        if mantissa == 0 { return "0" }
        // isIntegral guarantees -exponent <= 18 here.
        return String(mantissa / _powerOfTen(-exponent))
    }

    /// `true` when both figures denote the same exact value, whatever their
    /// written precision: `12.0` and `12`, `53.376万` and `533760`, `0%` and `0.00%`.
    public func hasSameValue(as other: ReportedNumber) -> Bool {
        if mantissa == 0 || other.mantissa == 0 { return mantissa == other.mantissa }
        let a = self._strippingTrailingZeros(), b = other._strippingTrailingZeros()
        return a.mantissa == b.mantissa && a.exponent == b.exponent
    }

    /// The same value with trailing zeros moved from the mantissa into the exponent.
    private func _strippingTrailingZeros() -> ReportedNumber {
        var m = mantissa, e = exponent
        if m == 0 { return ReportedNumber(mantissa: 0, exponent: 0) }
        while m % 10 == 0 { m /= 10; e += 1 }
        return ReportedNumber(mantissa: m, exponent: e)
    }
}

/// 10^n for 0 ≤ n ≤ 18.
internal func _powerOfTen(_ n: Int) -> Int64 {
    var p: Int64 = 1
    var k = n
    while k > 0 { p &*= 10; k -= 1 }
    return p
}

/// What a numeric column holds; decides which signs and units a cell may carry.
public enum ColumnKind: Sendable {
    /// People or things: whole, non-negative; `万`/`亿` allowed, `元` and `%` are not.
    case count
    /// Yuan: may be negative or fractional; `万`, `亿`, `万元`, `亿元`, `元` allowed, `%` is not.
    case money
    /// Percent: `2.49` and `2.49%` are the same; `万`, `亿`, `元` are not allowed.
    case rate
    /// Any signed figure with any decimals, as other tools write it: `1e+05` and `-3.5` are
    /// numbers; `万`/`亿` scale it; `元` and `%` are not allowed.
    case number
}

/// "Not reported" as written; distinct from 0. Keeps which token it was.
///
/// Look-alikes are folded into the token they imitate: `－` (U+FF0D) and `–`
/// (U+2013) alone are ``dash``; `―` (U+2015, what Windows' code page 936 turns
/// GBK `A1AA` into) and `――` are ``emDash`` and ``doubleEmDash``.
public enum MissingToken: String, Sendable {
    case empty = ""
    case dash = "-"
    case emDash = "—"
    case doubleEmDash = "——"
    case slash = "/"
    /// `无`. Spell it `MissingToken.none` where an optional is expected:
    /// a bare `.none` there means `nil`.
    case none = "无"
    /// What R, pandas and SQL write for a missing value: `NA`, `NaN`, `NULL` (also `null`, `nan`).
    case na = "NA"
    case nan = "NaN"
    case null = "NULL"
}

/// Why a non-empty cell in a numeric column is not a number of that column's kind.
///
/// When several apply, the first in this order wins: a syntax problem
/// (``spreadsheetError``, ``accountingNegative``, ``badGrouping``,
/// ``scientificNotation``, ``notANumber``: whichever the bytes show first,
/// left to right, so `1,23abc` is bad grouping and `1,234abc` is not a number),
/// then ``permille``,
/// ``percentOutsideRate``, ``multiplierInRate``, ``yuanOutsideMoney``,
/// ``tooManyDigits``, ``negativeCount``, ``fractionalCount``.
public enum NumberProblem: Equatable, Sendable {
    /// Garbage: `abc`, `12abc`, `约500`, `五百`, `3。5`, `…`, `5.`, `1.2.3`, `53.376 万`.
    case notANumber
    /// Thousands separators not in groups of three: `1,23`, `12,34,567`, `1,2345`,
    /// `,123`, `1,,234`, or a separator after the decimal point (`1.234,5`).
    case badGrouping
    /// `%` or `％` in a count or money column.
    case percentOutsideRate
    /// `元` in a count or rate column.
    case yuanOutsideMoney
    /// `万` or `亿` in a rate column (checked before `元`, so `5万元` in a rate column is this).
    case multiplierInRate
    /// A non-integral value in a count column (`1.5`; `12.0` and `1.2万` are fine).
    case fractionalCount
    /// A negative non-zero value in a count column (`-5`, `－５`, `−5`; `-0` is fine).
    case negativeCount
    /// More than 18 significant digits (leading zeros do not count, trailing
    /// zeros do), a value whose integer part in the base unit would have
    /// more than 18 digits (significant digits + positive exponent > 18), or more
    /// than 18 decimal places, written or after the unit is applied (here leading
    /// zeros after the point do count: `0.0000000000000000000000000000000001`, or
    /// `0` written with 38 decimals). A 10,000-digit cell is this, in one pass.
    case tooManyDigits
    /// `(1,234)`: a parenthesised number, which may or may not mean −1234.
    case accountingNegative
    /// `1.23E+11`, `1e5`: a spreadsheet's scientific notation, digits already lost.
    case scientificNotation
    /// A cell starting with `#`: `#DIV/0!`, `#VALUE!`, `#REF!`, `#N/A`, `#NAME?`, `#NUM!`, `#NULL!`.
    case spreadsheetError
    /// `‰` in any column. Rates are read in percent only, and a per-mille figure
    /// in a count or money column is reported the same way, so the finding names
    /// the sign that was actually written.
    case permille
}

/// What one numeric cell holds.
public enum CellValue: Equatable, Sendable {
    /// A figure, with the precision it was written in.
    case number(ReportedNumber)
    /// Explicitly or implicitly not reported.
    case missing(MissingToken)
    /// Neither a figure nor a missing-value token: a finding at that cell.
    case invalid(NumberProblem)
}
