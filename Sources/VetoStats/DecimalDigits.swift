#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The digits of a decimal figure, extracted exactly — from its text or from an integer mantissa
/// and a power-of-ten exponent — never through floating point (benford.analysis reads 0.29 as
/// 28 that way; reference/real/README.md).
///
/// Conventions (those of `reference/real/ref_stats.py`):
/// - *Significant digits* run from the first non-zero digit to the last digit written, so
///   trailing zeros that were written count ("59.00" has the significant digits 5900). A value
///   whose digits are all zero is zero and takes no part in any digit test.
/// - *Magnitude* m is the power with 10^(m−1) ≤ |x| < 10^m (the number of integer digits of a
///   value ≥ 1; 0.05 has magnitude −1).
/// - The *last written digits* are the final digits of the figure as written, including a
///   fraction ("1153.35" ends in 5, "59.00" in 0). For a mantissa and exponent they are the
///   mantissa's final digits (1.5万 written as mantissa 15, exponent 3, ends in 5).
///
/// The value is a fixed-size summary (no allocation): the first 17 significant digits, the last
/// two written digits and the counts, enough for every test of this module at any length of
/// number (Fibonacci numbers of 105 digits included).
public struct DecimalDigits: Sendable, Hashable, CustomStringConvertible {
    /// Whether the figure carries a minus sign (and is not zero).
    public let isNegative: Bool
    /// The number of significant digits (0 for zero).
    public let significantDigitCount: Int
    /// m with 10^(m−1) ≤ |x| < 10^m; 0 for zero.
    public let magnitude: Int
    /// The first min(17, significantDigitCount) significant digits as an integer.
    public let leadingDigits: UInt64
    /// How many digits `leadingDigits` holds.
    public let leadingDigitCount: Int
    /// The last two written digits as a number 0…99 (a single written digit d gives d).
    public let lastTwoWrittenDigits: Int
    /// The power of ten of the last written digit (−2 for "1153.35", 3 for mantissa 15 × 10³).
    public let lastDigitPlace: Int

    /// Whether the figure is zero (all digits zero).
    public var isZero: Bool { significantDigitCount == 0 }

    /// The last written digit, 0…9.
    public var lastWrittenDigit: Int { lastTwoWrittenDigits % 10 }

    /// The first `count` significant digits (1…17) as an integer, padded with zeros when the
    /// figure has fewer (5 → first-two 50, 15 → first-three 150, as benford.analysis does);
    /// nil for zero.
    public func firstDigits(_ count: Int) -> Int? {
        guard !isZero, count >= 1, count <= 17 else { return nil }
        var v = leadingDigits
        var have = leadingDigitCount
        while have > count {
            v /= 10
            have -= 1
        }
        while have < count {
            v *= 10
            have += 1
        }
        return Int(v)
    }

    /// The second significant digit (0 when only one is written); nil for zero.
    public var secondDigit: Int? { firstDigits(2).map { $0 % 10 } }

    /// |x| ≥ 10^k, decided exactly from the magnitude.
    public func absoluteValueIsAtLeast(powerOfTen k: Int) -> Bool { !isZero && magnitude >= k + 1 }

    /// log10|x| (floating point, from the first 17 digits: for ranges and magnitudes only).
    public var log10Magnitude: Double {
        if isZero { return -.infinity }
        return log10(Double(leadingDigits)) - Double(leadingDigitCount) + Double(magnitude)
    }

    /// The mantissa frac(log10|x|) in [0, 1), computed as ref_stats.py does: from the first 17
    /// significant digits, so it is the same for any length of number. nil for zero.
    public var logMantissa: Double? {
        if isZero { return nil }
        var m = log10(Double(leadingDigits)) - Double(leadingDigitCount - 1)
        m -= m.rounded(.down)
        return m
    }

    /// |x| as a Double (exact for integers below 2^53; approximate beyond): for sums and shares
    /// (the summation test), never for digits.
    public var absoluteDoubleValue: Double {
        if isZero { return 0 }
        let e = magnitude - leadingDigitCount
        return Double(leadingDigits) * pow(10, Double(e))
    }

    public var description: String {
        isZero ? "0" : "\(isNegative ? "-" : "")0.\(leadingDigits)…e\(magnitude) (\(significantDigitCount) digits)"
    }

    private init(negative: Bool, significant: Int, magnitude: Int, leading: UInt64, leadingCount: Int,
                 lastTwo: Int, lastPlace: Int) {
        isNegative = negative && significant > 0
        significantDigitCount = significant
        self.magnitude = significant == 0 ? 0 : magnitude
        leadingDigits = leading
        leadingDigitCount = leadingCount
        lastTwoWrittenDigits = lastTwo
        lastDigitPlace = lastPlace
    }

    /// Parses a plain decimal: optional sign, digits, optional '.', digits (at least one digit in
    /// all). No exponent, no thousands separators, no surrounding spaces: anything else is nil.
    /// - Complexity: O(length of the text).
    public init?(parsing text: some StringProtocol) {
        var negative = false
        var sawDigit = false
        var sawPoint = false
        var fractionCount = 0
        var significant = 0
        var leading: UInt64 = 0
        var leadingCount = 0
        var lastTwo = 0
        var first = true
        for byte in text.utf8 {
            defer { first = false }
            switch byte {
            case UInt8(ascii: "+") where first: continue
            case UInt8(ascii: "-") where first: negative = true
            case UInt8(ascii: "."):
                if sawPoint { return nil }
                sawPoint = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let d = Int(byte - UInt8(ascii: "0"))
                sawDigit = true
                if sawPoint { fractionCount += 1 }
                lastTwo = (lastTwo % 10) * 10 + d
                if significant > 0 || d != 0 {
                    significant += 1
                    if leadingCount < 17 {
                        leading = leading * 10 + UInt64(d)
                        leadingCount += 1
                    }
                }
            default:
                return nil
            }
        }
        guard sawDigit else { return nil }
        self.init(negative: negative, significant: significant, magnitude: significant - fractionCount,
                  leading: leading, leadingCount: leadingCount, lastTwo: lastTwo, lastPlace: -fractionCount)
    }

    /// The digits of mantissa × 10^exponent, the mantissa's digits being the ones written.
    /// - Complexity: O(number of digits of the mantissa).
    public init<T: BinaryInteger>(mantissa: T, exponent: Int) {
        let negative = mantissa < 0
        var m = mantissa.magnitude
        let lastTwo = Int(m % 100)
        var count = 0
        var probe = m
        while probe != 0 {
            probe /= 10
            count += 1
        }
        var drop = count - 17
        while drop > 0 {
            m /= 10
            drop -= 1
        }
        self.init(negative: negative, significant: count, magnitude: count + exponent,
                  leading: UInt64(m), leadingCount: min(count, 17), lastTwo: lastTwo, lastPlace: exponent)
    }
}
