import Testing
import VetoStats

@Test(arguments: [
    // text, significant digits, magnitude, first two, last written digit, negative
    ("59.00", 4, 2, 59, 0, false), ("1153.35", 6, 4, 11, 5, false), ("0.0052", 2, -2, 52, 2, false),
    ("-250650816.00", 11, 9, 25, 0, true), ("007", 1, 1, 70, 7, false), ("5", 1, 1, 50, 5, false),
    ("+0.29", 2, 0, 29, 9, false), ("5.", 1, 1, 50, 5, false), (".5", 1, 0, 50, 5, false),
])
func decimalDigitsFromText(text: String, significant: Int, magnitude: Int, firstTwo: Int, last: Int, negative: Bool) throws {
    let d = try #require(DecimalDigits(parsing: text))
    #expect(d.significantDigitCount == significant)
    #expect(d.magnitude == magnitude)
    #expect(d.firstDigits(2) == firstTwo)
    #expect(d.lastWrittenDigit == last)
    #expect(d.isNegative == negative)
}

@Test(arguments: ["", "-", ".", "1e5", "1,000", " 12", "12 ", "--1", "1.2.3", "NA", "１２"])
func decimalDigitsRejectsAnythingButPlainDecimals(text: String) {
    #expect(DecimalDigits(parsing: text) == nil)
}

@Test func zeroHasNoDigits() throws {
    for z in ["0", "0.00", "-0", "000.0"] {
        let d = try #require(DecimalDigits(parsing: z))
        #expect(d.isZero && !d.isNegative && d.firstDigits(1) == nil)
    }
    #expect(DecimalDigits(mantissa: 0, exponent: 3).isZero)
}

@Test func mantissaAndExponentAgreeWithText() throws {
    // 1153.35 = 115335 × 10⁻², 1.5万 = 15 × 10³ (its last written digit is 5).
    #expect(DecimalDigits(mantissa: 115_335, exponent: -2) == DecimalDigits(parsing: "1153.35"))
    #expect(DecimalDigits(mantissa: -5900, exponent: -2) == DecimalDigits(parsing: "-59.00"))
    let wan = DecimalDigits(mantissa: 15, exponent: 3)
    #expect(wan.magnitude == 5 && wan.lastWrittenDigit == 5 && wan.lastDigitPlace == 3)
    #expect(DecimalDigits(mantissa: Int64.min, exponent: 0).firstDigits(3) == 922)
    #expect(DecimalDigits(mantissa: UInt64.max, exponent: 0).significantDigitCount == 20)
}

@Test func digitsBeyondAnyIntegerTypeAreExact() throws {
    // F(200) has 42 digits: 280571172992510140037611932413038677189525.
    let d = try #require(DecimalDigits(parsing: "280571172992510140037611932413038677189525"))
    #expect(d.significantDigitCount == 42 && d.magnitude == 42)
    #expect(d.firstDigits(3) == 280 && d.lastTwoWrittenDigits == 25)
    #expect(d.firstDigits(17) == 28_057_117_299_251_014)
}

@Test func expectedLawsAreThoseOfForensicsMd() {
    let sd = DigitTest.secondDigit.expected
    let published = [0.11968, 0.11389, 0.10882, 0.10433, 0.10031, 0.09668, 0.09337, 0.09035, 0.08757, 0.08500]
    for (a, b) in zip(sd, published) { #expect(abs(a - b) < 5e-6) }
    #expect(abs(DigitTest.firstTwo.expected.last! - 0.004365) < 5e-7)
    #expect(abs(zip(0...9, sd).reduce(0.0) { $0 + Double($1.0) * $1.1 } - 4.18739) < 5e-6)
    for t in DigitTest.allCases where t != .lastDigit && t != .lastTwo {
        #expect(abs(t.expected.reduce(0, +) - 1) < 1e-12)
    }
    // χ² validity sizes of FORENSICS.md §1.
    #expect(DigitTest.firstDigit.minimumCountForChiSquare == 110)
    #expect(DigitTest.firstTwo.minimumCountForChiSquare == 1146)
    #expect(DigitTest.firstThree.minimumCountForChiSquare == 11508)
    #expect(DigitTest.lastDigit.minimumCountForChiSquare == 50)
    #expect(DigitTest.lastTwo.minimumCountForChiSquare == 500)
}

@Test func bandBoundsBelongToTheBandAbove() {
    let b = DigitTest.firstDigit.madBands!
    #expect(b.band(of: 0.0059999) == .close && b.band(of: 0.006) == .acceptable)
    #expect(b.band(of: 0.015) == .nonconformity && b.band(of: 0.0149) == .marginal)
    #expect(DigitTest.lastTwo.madBands == nil)
}

@Test func narrowOrSmallSamplesAreNotApplicableNeverPOne() throws {
    // The geometric generator spans one decade: Benford by construction, but not ≥ 2 orders.
    let narrow = tally(.firstDigit, digits(Generators.geometric()))
    guard case let .notApplicable(why) = narrow.result() else {
        Issue.record("a one-decade sample must not get a Benford p-value")
        return
    }
    #expect(why.reason == .narrowRange(ordersOfMagnitude: narrow.ordersOfMagnitude, needed: 2))
    #expect(why.description.hasPrefix("not applicable because the values span 1.00 orders of magnitude and the test needs 2.00"))
    // 80 values are too few for a first-digit χ² (110 needed).
    let small = tally(.firstDigit, (1...80).map { DecimalDigits(mantissa: $0 * $0 * 37, exponent: 0) })
    #expect(small.result().notApplicable?.reason == .tooFewValues(have: 80, needed: 110))
    // Empty.
    #expect(DigitTally(.firstTwo).result().notApplicable?.reason == .noQualifyingValues)
    // Values below the test's minimum are excluded: F2D counts x ≥ 10 only.
    var t = DigitTally(.firstTwo)
    #expect(!t.add(DecimalDigits(mantissa: 5, exponent: 0)) && t.add(DecimalDigits(mantissa: 57, exponent: 0)))
    #expect(t.excluded == 1 && t.total == 1)
}

@Test func smallNBandsAreFlaggedAsNotMeaningful() throws {
    // Heaped: 1000 values, F3D N = 888 below 2,550 — the band is reported but flagged.
    let r = try #require(tally(.firstThree, digits(Generators.heaped())).result(.none).value)
    #expect(r.comparison.total == 888 && r.band == .nonconformity && !r.bandIsMeaningful)
    let expected = try #require(r.expectedMAD)
    #expect(abs(expected - 0.02525 / 888.0.squareRoot()) < 1e-15)
}

@Test func talliesMergeLikeOneStream() {
    let values = digits(Generators.uniform())
    var whole = DigitTally(.firstTwo), a = DigitTally(.firstTwo), b = DigitTally(.firstTwo)
    for (i, v) in values.enumerated() {
        whole.add(v)
        if i % 3 == 0 { a.add(v) } else { b.add(v) }
    }
    a.merge(b)
    #expect(a.counts == whole.counts && a.ordersOfMagnitude == whole.ordersOfMagnitude)
}
