import Testing
import Veto

// MARK: - Fixtures

/// One cell, the column it sits in, and what it must read as.
struct NumberParserCase: Sendable, CustomTestStringConvertible {
    let input: String
    let kind: ColumnKind
    let header: Int
    let expected: CellValue

    init(_ input: String, _ kind: ColumnKind, header: Int = 0, _ expected: CellValue) {
        self.input = input
        self.kind = kind
        self.header = header
        self.expected = expected
    }

    var testDescription: String {
        let shown = input.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 ? String($0) : "\\u{\(String($0.value, radix: 16))}" }.joined()
        return "\"\(shown)\" \(kind)\(header != 0 ? " header 10^\(header)" : "")"
    }
}

private func n(_ mantissa: Int64, _ exponent: Int) -> CellValue {
    .number(ReportedNumber(mantissa: mantissa, exponent: exponent))
}
private func bad(_ problem: NumberProblem) -> CellValue { .invalid(problem) }
private func miss(_ token: MissingToken) -> CellValue { .missing(token) }

let numberParserCases: [NumberParserCase] = [
    // Plain and as people write them.
    NumberParserCase("1825", .count, n(1825, 0)),
    NumberParserCase("1,825", .count, n(1825, 0)),
    NumberParserCase("１８２５", .count, n(1825, 0)),
    NumberParserCase("１，８２５", .count, n(1825, 0)),
    NumberParserCase("1２3", .count, n(123, 0)),
    NumberParserCase("1，234,567", .count, n(1_234_567, 0)),
    NumberParserCase("１．５", .money, n(15, -1)),
    NumberParserCase("0.05", .money, n(5, -2)),
    NumberParserCase("007", .count, n(7, 0)),
    NumberParserCase("1,234,567.89", .money, n(123_456_789, -2)),

    // Units in the cell.
    NumberParserCase("53.376万", .money, n(53376, 1)),
    NumberParserCase("53.376万元", .money, n(53376, 1)),
    NumberParserCase("29.1360万", .money, n(291_360, 0)),
    NumberParserCase("29.1360万元", .money, n(291_360, 0)),
    NumberParserCase("1.2亿", .money, n(12, 7)),
    NumberParserCase("1.2亿元", .money, n(12, 7)),
    NumberParserCase("1825元", .money, n(1825, 0)),
    NumberParserCase("0万", .money, n(0, 4)),

    // Rates: percent sign optional, value in percent either way.
    NumberParserCase("0%", .rate, n(0, 0)),
    NumberParserCase("0.0％", .rate, n(0, -1)),
    NumberParserCase("2.49", .rate, n(249, -2)),
    NumberParserCase("2.49%", .rate, n(249, -2)),
    NumberParserCase("２．４９％", .rate, n(249, -2)),
    NumberParserCase("-12.5%", .rate, n(-125, -1)),

    // The header's unit applies only when the cell has none.
    NumberParserCase("53.376", .money, header: 4, n(53376, 1)),
    NumberParserCase("533760元", .money, header: 4, n(533_760, 0)),
    NumberParserCase("12万", .money, header: 8, n(12, 4)),
    NumberParserCase("1825", .count, header: 4, n(1825, 4)),
    NumberParserCase("1.5", .count, header: 4, n(15, 3)),
    NumberParserCase("2.49", .rate, header: 4, n(249, -2)),
    NumberParserCase("-", .money, header: 4, miss(.dash)),

    // Every missing token, and look-alikes.
    NumberParserCase("", .count, miss(.empty)),
    NumberParserCase("   ", .count, miss(.empty)),
    NumberParserCase("\u{3000}\t\u{00A0}", .money, miss(.empty)),
    NumberParserCase("-", .count, miss(.dash)),
    NumberParserCase("—", .money, miss(.emDash)),
    NumberParserCase("——", .money, miss(.doubleEmDash)),
    NumberParserCase("/", .rate, miss(.slash)),
    NumberParserCase("无", .count, miss(.none)),
    NumberParserCase(" — ", .count, miss(.emDash)),
    NumberParserCase("－", .money, miss(.dash)),
    NumberParserCase("–", .money, miss(.dash)),
    NumberParserCase("―", .money, miss(.emDash)),
    NumberParserCase("――", .money, miss(.doubleEmDash)),

    // The ECOSYSTEM traps.
    NumberParserCase("1,23", .count, bad(.badGrouping)),
    NumberParserCase("12,34,567", .count, bad(.badGrouping)),
    NumberParserCase("3。5", .money, bad(.notANumber)),
    NumberParserCase("#DIV/0!", .rate, bad(.spreadsheetError)),
    NumberParserCase("#N/A", .money, bad(.spreadsheetError)),
    NumberParserCase("#VALUE!", .count, bad(.spreadsheetError)),
    NumberParserCase("约500", .count, bad(.notANumber)),
    NumberParserCase("五百", .count, bad(.notANumber)),
    NumberParserCase("(1,234)", .money, bad(.accountingNegative)),
    NumberParserCase("（1234）", .money, bad(.accountingNegative)),
    NumberParserCase("(abc)", .money, bad(.notANumber)),
    NumberParserCase("()", .money, bad(.notANumber)),
    NumberParserCase("(1234", .money, bad(.notANumber)),
    NumberParserCase("－５", .money, n(-5, 0)),
    NumberParserCase("－５", .count, bad(.negativeCount)),
    NumberParserCase("3‰", .rate, bad(.permille)),
    NumberParserCase("3‰", .money, bad(.permille)),
    NumberParserCase("1.23E+11", .count, bad(.scientificNotation)),
    NumberParserCase("1e5", .money, bad(.scientificNotation)),
    NumberParserCase("1E", .money, bad(.notANumber)),
    NumberParserCase("1e5x", .money, bad(.notANumber)),

    // Surrounding spaces, including U+3000 and NBSP.
    NumberParserCase("  1825\t", .count, n(1825, 0)),
    NumberParserCase("\u{3000}1,825\u{3000}", .count, n(1825, 0)),
    NumberParserCase("\u{00A0}53.376万\u{00A0}", .money, n(53376, 1)),

    // Garbage.
    NumberParserCase("12abc", .count, bad(.notANumber)),
    NumberParserCase("abc", .money, bad(.notANumber)),
    NumberParserCase("…", .money, bad(.notANumber)),
    NumberParserCase("1.2.3", .money, bad(.notANumber)),
    NumberParserCase("53.376 万", .money, bad(.notANumber)),
    NumberParserCase("5万万", .money, bad(.notANumber)),
    NumberParserCase("5万人", .count, bad(.notANumber)),
    NumberParserCase("%", .rate, bad(.notANumber)),
    NumberParserCase("元", .money, bad(.notANumber)),
    NumberParserCase("5%元", .money, bad(.notANumber)),
    NumberParserCase("+", .money, bad(.notANumber)),
    NumberParserCase(".", .money, bad(.notANumber)),
    NumberParserCase("--5", .money, bad(.notANumber)),
    NumberParserCase("#", .money, bad(.spreadsheetError)),

    // Grouping.
    NumberParserCase("1,234", .count, n(1234, 0)),
    NumberParserCase("1,2345", .count, bad(.badGrouping)),
    NumberParserCase(",123", .count, bad(.badGrouping)),
    NumberParserCase("1,,234", .count, bad(.badGrouping)),
    NumberParserCase("1234,567", .count, bad(.badGrouping)),
    NumberParserCase("1,234,", .count, bad(.badGrouping)),
    NumberParserCase("1.234,5", .money, bad(.badGrouping)),
    NumberParserCase("1,23.5", .money, bad(.badGrouping)),

    // Column kinds.
    NumberParserCase("1.5", .count, bad(.fractionalCount)),
    NumberParserCase("12.0", .count, n(120, -1)),
    NumberParserCase("1.2万", .count, n(12, 3)),
    NumberParserCase("1.23456万", .count, bad(.fractionalCount)),
    NumberParserCase("5元", .count, bad(.yuanOutsideMoney)),
    NumberParserCase("5万元", .count, bad(.yuanOutsideMoney)),
    NumberParserCase("5%", .count, bad(.percentOutsideRate)),
    NumberParserCase("5％", .money, bad(.percentOutsideRate)),
    NumberParserCase("5万", .rate, bad(.multiplierInRate)),
    NumberParserCase("5亿", .rate, bad(.multiplierInRate)),
    NumberParserCase("5万元", .rate, bad(.multiplierInRate)),
    NumberParserCase("5元", .rate, bad(.yuanOutsideMoney)),

    // Digits and overflow.
    NumberParserCase("1234567890123456789", .money, bad(.tooManyDigits)),
    NumberParserCase("123456789012345678", .money, n(123_456_789_012_345_678, 0)),
    NumberParserCase("-123456789012345678", .money, n(-123_456_789_012_345_678, 0)),
    NumberParserCase("000000000000000000001", .count, n(1, 0)),
    NumberParserCase("1.000000000000000000", .money, bad(.tooManyDigits)),
    NumberParserCase("0.000000000000000000001", .money, bad(.tooManyDigits)),
    NumberParserCase("0.000000000000000001", .money, n(1, -18)),
    NumberParserCase("0.0000000000000000001", .money, bad(.tooManyDigits)),
    NumberParserCase("0.000000000000000001", .money, header: -1, bad(.tooManyDigits)),
    NumberParserCase("0.0000000000000000000000000000000001", .money, bad(.tooManyDigits)),
    NumberParserCase("0." + String(repeating: "0", count: 38), .count, bad(.tooManyDigits)),
    NumberParserCase("0." + String(repeating: "0", count: 38) + "%", .rate, bad(.tooManyDigits)),
    NumberParserCase("12345678901234567万", .money, bad(.tooManyDigits)),
    NumberParserCase("99999999999999万", .money, n(99_999_999_999_999, 4)),
    NumberParserCase("12345678901234", .money, header: 8, bad(.tooManyDigits)),
    NumberParserCase("0", .money, header: 40, n(0, 40)),

    // Signs and points.
    NumberParserCase(".5", .money, n(5, -1)),
    NumberParserCase("-.5", .money, n(-5, -1)),
    NumberParserCase("5.", .money, bad(.notANumber)),
    NumberParserCase("5.万", .money, bad(.notANumber)),
    NumberParserCase("+5", .count, n(5, 0)),
    NumberParserCase("＋5", .count, n(5, 0)),
    NumberParserCase("−5", .money, n(-5, 0)),
    NumberParserCase("−5", .count, bad(.negativeCount)),
    NumberParserCase("-5", .count, bad(.negativeCount)),
    NumberParserCase("-1.5", .count, bad(.negativeCount)),
    NumberParserCase("-0", .count, n(0, 0)),
    NumberParserCase("-0.0", .count, n(0, -1)),
    NumberParserCase("- 5", .money, bad(.notANumber)),
]

// MARK: - ReportedNumber fixtures

struct NumberRenderCase: Sendable, CustomTestStringConvertible {
    let mantissa: Int64, exponent: Int, description: String, integer: String?
    init(_ mantissa: Int64, _ exponent: Int, _ description: String, _ integer: String?) {
        self.mantissa = mantissa; self.exponent = exponent; self.description = description; self.integer = integer
    }
    var testDescription: String { "\(mantissa)e\(exponent)" }
}

let numberRenderCases: [NumberRenderCase] = [
    NumberRenderCase(53376, 1, "533760", "533760"),
    NumberRenderCase(12345, -1, "1234.5", nil),
    NumberRenderCase(120, -1, "12.0", "12"),
    NumberRenderCase(-120, -1, "-12.0", "-12"),
    NumberRenderCase(125, -1, "12.5", nil),
    NumberRenderCase(-5, 0, "-5", "-5"),
    NumberRenderCase(0, -1, "0.0", "0"),
    NumberRenderCase(0, 4, "0", "0"),
    NumberRenderCase(0, 0, "0", "0"),
    NumberRenderCase(5, -3, "0.005", nil),
    NumberRenderCase(-5, -3, "-0.005", nil),
    NumberRenderCase(1000, -3, "1.000", "1"),
    NumberRenderCase(12, 3, "12000", "12000"),
    NumberRenderCase(12, 7, "120000000", "120000000"),
    NumberRenderCase(291_360, 0, "291360", "291360"),
    NumberRenderCase(1, -20, "0.00000000000000000001", nil),
    NumberRenderCase(0, -3, "0.000", "0"),
    NumberRenderCase(Int64.max, 0, "9223372036854775807", "9223372036854775807"),
    NumberRenderCase(Int64.min, -1, "-922337203685477580.8", nil),
    NumberRenderCase(Int64.min, 1, "-92233720368547758080", "-92233720368547758080"),
    NumberRenderCase(1_000_000_000_000_000_000, -18, "1.000000000000000000", "1"),
    NumberRenderCase(1_000_000_000_000_000_000, -19, "0.1000000000000000000", nil),
]

// MARK: - Property-test helpers


private func randomNumber(_ rng: inout SplitMix64, exponents: ClosedRange<Int>) -> ReportedNumber {
    let digits = Int.random(in: 1 ... 18, using: &rng)
    var m: Int64 = 0
    for _ in 0 ..< digits { m = m * 10 + Int64.random(in: 0 ... 9, using: &rng) }
    if Bool.random(using: &rng) { m = -m }
    return ReportedNumber(mantissa: m, exponent: Int.random(in: exponents, using: &rng))
}

private func digitCount(_ m: Int64) -> Int { m == 0 ? 0 : String(m.magnitude).count }

// MARK: - Tests

@Suite struct NumberParserTests {
    @Test(arguments: numberParserCases)
    func parsesCell(_ c: NumberParserCase) {
        #expect(NumberParser.parse(c.input, kind: c.kind, headerExponent: c.header) == c.expected)
    }

    @Test(arguments: numberParserCases)
    func bytesAndStringAgree(_ c: NumberParserCase) {
        // The byte form, on a cell in the middle of a larger buffer (as a CSV reader hands it out).
        let cell = Array(c.input.utf8)
        let line: [UInt8] = Array("x,".utf8) + cell + Array(",7,万".utf8)
        let value = line.withUnsafeBufferPointer { buf in
            NumberParser.parse(UnsafeBufferPointer(rebasing: buf[2 ..< 2 + cell.count]), kind: c.kind, headerExponent: c.header)
        }
        #expect(value == c.expected)
    }

    @Test func tableIsLargeAndCoversEveryOutcome() {
        #expect(numberParserCases.count >= 60)
        var problems: [NumberProblem] = []
        var tokens: Set<String> = []
        for c in numberParserCases {
            switch c.expected {
            case .invalid(let p): if !problems.contains(p) { problems.append(p) }
            case .missing(let t): tokens.insert(t.rawValue)
            case .number: break
            }
        }
        let allProblems: [NumberProblem] = [.notANumber, .badGrouping, .percentOutsideRate, .yuanOutsideMoney,
                                            .multiplierInRate, .fractionalCount, .negativeCount, .tooManyDigits,
                                            .accountingNegative, .scientificNotation, .spreadsheetError, .permille]
        for p in allProblems { #expect(problems.contains(p), "no case for \(p)") }
        #expect(tokens == ["", "-", "—", "——", "/", "无"])
    }

    @Test func rateSpellingsAreEqual() {
        let a = NumberParser.parse("2.49", kind: .rate)
        #expect(a == NumberParser.parse("2.49%", kind: .rate))
        #expect(a == NumberParser.parse("２．４９％", kind: .rate))
        #expect(a != NumberParser.parse("2.490", kind: .rate))  // same value, other precision
    }

    @Test func rawBytes() {
        func parse(_ bytes: [UInt8], _ kind: ColumnKind = .money) -> CellValue {
            bytes.withUnsafeBufferPointer { NumberParser.parse($0, kind: kind) }
        }
        #expect(parse([]) == .missing(.empty))
        #expect(NumberParser.parse(UnsafeBufferPointer(start: nil, count: 0), kind: .count) == .missing(.empty))
        #expect(parse([0xFF]) == .invalid(.notANumber))                       // not UTF-8
        #expect(parse([0x31, 0xFF]) == .invalid(.notANumber))
        #expect(parse([0xEF, 0xBC]) == .invalid(.notANumber))                 // truncated full-width
        #expect(parse([0x31, 0xEF, 0xBC]) == .invalid(.notANumber))
        #expect(parse([0x35, 0xE4, 0xB8]) == .invalid(.notANumber))           // truncated 万
        #expect(parse([0x35, 0xE3, 0x80]) == .invalid(.notANumber))           // truncated U+3000
        #expect(parse([0xC2, 0xA0, 0x35, 0xC2, 0xA0]) == .number(ReportedNumber(mantissa: 5, exponent: 0)))
        #expect(parse([0x35, 0xE3, 0x80, 0x80, 0xE3, 0x80, 0x80]) == .number(ReportedNumber(mantissa: 5, exponent: 0)))
    }

    @Test(arguments: numberRenderCases)
    func renders(_ c: NumberRenderCase) {
        let r = ReportedNumber(mantissa: c.mantissa, exponent: c.exponent)
        #expect(r.description == c.description)
        #expect("\(r)" == c.description)
        #expect(r.integerString == c.integer)
        #expect(r.isIntegral == (c.integer != nil))
        #expect(r.isZero == (c.mantissa == 0))
    }

    @Test func isZeroAndIsIntegral() {
        #expect(ReportedNumber(mantissa: 0, exponent: -1).isZero)
        #expect(ReportedNumber(mantissa: 0, exponent: 4).isZero)
        #expect(!ReportedNumber(mantissa: 1, exponent: -20).isZero)
        #expect(!ReportedNumber(mantissa: -1, exponent: 0).isZero)
        #expect(ReportedNumber(mantissa: 120, exponent: -1).isIntegral)
        #expect(!ReportedNumber(mantissa: 125, exponent: -1).isIntegral)
        #expect(ReportedNumber(mantissa: 12, exponent: 3).isIntegral)
        #expect(!ReportedNumber(mantissa: 12, exponent: -25).isIntegral)
        #expect(ReportedNumber(mantissa: 0, exponent: -25).isIntegral)
    }

    @Test func sameValueIgnoresPrecisionButEqualityDoesNot() {
        let twelve = ReportedNumber(mantissa: 12, exponent: 0)
        let twelvePoint0 = ReportedNumber(mantissa: 120, exponent: -1)
        #expect(twelve != twelvePoint0)
        #expect(twelve.hasSameValue(as: twelvePoint0))
        #expect(ReportedNumber(mantissa: 53376, exponent: 1).hasSameValue(as: ReportedNumber(mantissa: 533_760, exponent: 0)))
        #expect(!ReportedNumber(mantissa: 53376, exponent: 1).hasSameValue(as: ReportedNumber(mantissa: 5338, exponent: 2)))
        #expect(ReportedNumber(mantissa: 0, exponent: -2).hasSameValue(as: ReportedNumber(mantissa: 0, exponent: 3)))
        #expect(!ReportedNumber(mantissa: -5, exponent: 0).hasSameValue(as: ReportedNumber(mantissa: 5, exponent: 0)))
        #expect(!ReportedNumber(mantissa: 1, exponent: 0).hasSameValue(as: ReportedNumber(mantissa: 0, exponent: 0)))
        let set: Set<ReportedNumber> = [twelve, twelvePoint0, ReportedNumber(mantissa: 12, exponent: 0)]
        #expect(set.count == 2)
    }

    @Test(arguments: [1 as UInt64, 20_240_601, 0xC0FFEE])
    func descriptionRoundTrips(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        for _ in 0 ..< 5_000 {
            let r = randomNumber(&rng, exponents: -12 ... 8)
            let parsed = NumberParser.parse(r.description, kind: .money)
            if digitCount(r.mantissa) + max(r.exponent, 0) > 18 {
                #expect(parsed == .invalid(.tooManyDigits), "\(r.mantissa)e\(r.exponent)")
                continue
            }
            guard case .number(let back) = parsed else {
                Issue.record("\(r.mantissa)e\(r.exponent) → \(r.description) → \(parsed)")
                continue
            }
            #expect(back.hasSameValue(as: r), "\(r.mantissa)e\(r.exponent)")
            if r.exponent <= 0 { #expect(back == r, "written decimals kept: \(r.description)") }
            if let whole = r.integerString, r.mantissa >= 0 {
                guard case .number(let count) = NumberParser.parse(whole, kind: .count) else {
                    Issue.record("count \(whole)"); continue
                }
                #expect(count.hasSameValue(as: r))
            }
        }
    }

    /// A value written the way staff do (grouping, full-width digits and signs, a 万 suffix)
    /// parses to the exact mantissa and exponent.
    @Test(arguments: [7 as UInt64, 99])
    func staffSpellingsRoundTrip(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let fullWidth = Array("０１２３４５６７８９".unicodeScalars)
        for _ in 0 ..< 5_000 {
            let r = randomNumber(&rng, exponents: -8 ... 4)
            // Written in 万: the digits are the same, the point moves four places.
            let shifted = ReportedNumber(mantissa: r.mantissa, exponent: r.exponent - 4).description
            var body = shifted.hasPrefix("-") ? String(shifted.dropFirst()) : shifted
            let parts = body.split(separator: ".", omittingEmptySubsequences: false)
            var integer = String(parts[0])
            if Bool.random(using: &rng) && integer.count > 3 {  // group by thousands
                var grouped = ""
                for (k, ch) in integer.enumerated() {
                    if k > 0 && (integer.count - k) % 3 == 0 { grouped.append(Bool.random(using: &rng) ? "," : "，") }
                    grouped.append(ch)
                }
                integer = grouped
            }
            body = parts.count == 2 ? integer + (Bool.random(using: &rng) ? "." : "．") + parts[1] : integer
            var text = String(String.UnicodeScalarView(body.unicodeScalars.map { s in
                if s.isASCII, let d = Int(String(s)), Bool.random(using: &rng) {
                    return fullWidth[d]
                }
                return s
            }))
            if r.mantissa < 0 { text = ["-", "－", "−"].randomElement(using: &rng)! + text }
            text += Bool.random(using: &rng) ? "万" : "万元"
            if digitCount(r.mantissa) + max(r.exponent, 0) > 18 {
                #expect(NumberParser.parse(text, kind: .money) == .invalid(.tooManyDigits), "\(text)")
                continue
            }
            #expect(NumberParser.parse(text, kind: .money) == .number(r), "\(text)")
        }
    }
}
