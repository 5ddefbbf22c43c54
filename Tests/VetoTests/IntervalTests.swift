import Testing
@testable import Veto

func reported(_ s: String, _ k: ColumnKind, header: Int = 0) -> Interval {
    guard case .number(let n) = NumberParser.parse(s, kind: k, headerExponent: header) else {
        Issue.record("not a number: \(s)")
        return Interval(point: .zero)
    }
    return Interval(reported: n, kind: k)
}

func dec(_ s: String) -> Interval {
    reported(s, .money)
}

@Test func specPrecisionExamples() {
    // SPEC.md: 0% agrees with 0.03 %; 53.38万 agrees with 533,760; 53.376万 disagrees with 533,800.
    #expect(reported("0%", .rate).meets(reported("0.03", .rate)))
    #expect(reported("53.38万", .money).meets(reported("533760", .money)))
    #expect(!reported("53.376万", .money).meets(reported("533800", .money)))
    #expect(reported("53.376万", .money).meets(reported("533760", .money)))
    #expect(reported("53.376", .money, header: 4).description == "533755..533765")
}

@Test func countsToTheUnitAreExact() {
    let a = reported("1500", .count), b = reported("70", .count), c = reported("40", .count)
    #expect((a + b - c).isPoint)
    #expect((a + b - c).description == "1530..1530")
    #expect(!(a + b - c).meets(reported("1531", .count)))
    #expect(reported("1.2万", .count).description == "11500..12500")
}

@Test func zeroIsExactForCountsAndMoneyButNotRates() {
    #expect(reported("0万元", .money).isPoint)
    #expect(!reported("0万元", .money).canBePositive)
    #expect(reported("0.5万", .money).canBePositive)
    #expect(!reported("0%", .rate).isPoint)
}

@Test func exactDecimalArithmeticAndFormatting() {
    let a = ExactDecimal(mantissa: 53376, exponent: 1)
    #expect(a.description == "533760")
    #expect(a.grouped() == "533,760")
    #expect(ExactDecimal(mantissa: 12345, exponent: -3).description == "12.345")
    #expect(ExactDecimal(mantissa: -5, exponent: -2).description == "-0.05")
    #expect(ExactDecimal(mantissa: 1230, exponent: -2).description == "12.3")
    #expect(ExactDecimal(mantissa: 291360, exponent: 0).divided(by: ExactDecimal(integer: 33), digits: 2)?.description == "8829.09")
    #expect(ExactDecimal(mantissa: 2, exponent: 0).divided(by: ExactDecimal(integer: 3), digits: 2)?.description == "0.67")
    #expect(ExactDecimal(mantissa: 1, exponent: 0).divided(by: .zero, digits: 2) == nil)
    #expect(ExactDecimal(mantissa: 10, exponent: 0) == ExactDecimal(mantissa: 1, exponent: 1))
    #expect(ExactDecimal(mantissa: 10, exponent: -1).hashValue == ExactDecimal(mantissa: 1, exponent: 0).hashValue)
    #expect(ExactDecimal(mantissa: 8829094, exponent: -3).grouped(fractionDigits: 2) == "8,829.09")
    #expect(ExactDecimal(mantissa: 1234567, exponent: 0).grouped() == "1,234,567")
}
