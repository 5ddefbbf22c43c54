import Testing
@testable import Veto

// Known-answer cases for Fellegi–Holt error localisation, typo hypotheses and linear lint
// (issue 4, items 6 and 7).

// MARK: - Builders (fileprivate: the test target is shared)

fileprivate func lzReported(_ s: String, count: Bool) -> ReportedNumber {
    guard case .number(let n) = NumberParser.parse(s, kind: count ? .count : .money) else {
        fatalError("not a number: \(s)")
    }
    return n
}

fileprivate func lzCount(_ name: String, _ s: String, weight: Double = 1) -> Figure {
    Figure(name: name, reported: lzReported(s, count: true), isCount: true, weight: weight)
}

fileprivate func lzMoney(_ name: String, _ s: String, weight: Double = 1) -> Figure {
    Figure(name: name, reported: lzReported(s, count: false), isCount: false, weight: weight)
}

fileprivate func lzDec(_ s: String) -> ExactDecimal { ExactDecimal(lzReported(s, count: false)) }

fileprivate func lzTerms(_ ts: [(String, String)]) -> [(variable: String, coefficient: ExactDecimal)] {
    ts.map { (variable: $0.0, coefficient: lzDec($0.1)) }
}

/// Σ terms = rhs
fileprivate func lzEq(_ ts: [(String, String)], _ rhs: String = "0", rule: String = "r") -> LinearConstraint {
    LinearConstraint(terms: lzTerms(ts), lo: lzDec(rhs), hi: lzDec(rhs), rule: rule)
}

/// Σ terms ≥ rhs
fileprivate func lzGe(_ ts: [(String, String)], _ rhs: String = "0", rule: String = "r") -> LinearConstraint {
    LinearConstraint(terms: lzTerms(ts), lo: lzDec(rhs), hi: nil, rule: rule)
}

/// Σ terms ≤ rhs
fileprivate func lzLe(_ ts: [(String, String)], _ rhs: String = "0", rule: String = "r") -> LinearConstraint {
    LinearConstraint(terms: lzTerms(ts), lo: nil, hi: lzDec(rhs), rule: rule)
}

fileprivate func lzTypo(_ field: String, _ kind: String, _ corrected: String) -> TypoHypothesis {
    TypoHypothesis(field: field, kind: kind, corrected: corrected)
}

// MARK: - Shared fixtures

/// 1500 + 70 − 40 ≠ 1350: prev, exited or total can balance it (added would go negative); only the
/// total is a keystroke away (1530).
fileprivate let lzRewardRow = [
    lzCount("reward_prev", "1500"), lzCount("reward_added", "70"),
    lzCount("reward_exited", "40"), lzCount("reward_total", "1350"),
]
fileprivate let lzRewardFlow = [lzEq([("reward_prev", "1"), ("reward_added", "1"), ("reward_exited", "-1"), ("reward_total", "-1")], rule: "flow.reward")]

/// (total − added)·960 ≤ funds ≤ total·960
fileprivate let lzFundsBounds = [
    lzLe([("total", "960"), ("added", "-960"), ("funds", "-1")], rule: "funds.low"),
    lzGe([("total", "960"), ("funds", "-1")], rule: "funds.high"),
]

fileprivate let lzBirthsRules = [
    lzEq([("births", "1"), ("births_male", "-1"), ("births_female", "-1")], rule: "births.sex"),
    lzGe([("births", "1"), ("births_illegal", "-1")], rule: "births.illegal"),
]

// MARK: - Localisation

struct LocalizationCase: Sendable, CustomTestStringConvertible {
    var name: String
    var figures: [Figure]
    var constraints: [LinearConstraint]
    var maxSize = 3
    /// The full ranked answer (field sets), nil for "no set up to maxSize".
    var expected: [[String]]?
    /// The typo of the first set, if any.
    var firstTypo: TypoHypothesis? = nil
    var testDescription: String { name }
}

fileprivate let localizationCases: [LocalizationCase] = [
    // Four fields could balance it, but added would have to be −110: not a count. Of the three
    // left, only the total is one keystroke from a balancing value.
    LocalizationCase(name: "reward flow: the swap-explained total ranks first among the ties",
            figures: lzRewardRow, constraints: lzRewardFlow,
            expected: [["reward_total"], ["reward_exited"], ["reward_prev"]],
            firstTypo: lzTypo("reward_total", "swap", "1530")),
    LocalizationCase(name: "two broken rules sharing births: births alone",
            figures: [lzCount("births", "15"), lzCount("births_male", "60"), lzCount("births_female", "55"), lzCount("births_illegal", "20")],
            constraints: lzBirthsRules,
            expected: [["births"]], firstTypo: lzTypo("births", "dropped-digit", "115")),
    LocalizationCase(name: "two rules sharing a, b and d both wrong: cardinality 2",
            figures: [lzCount("a", "10"), lzCount("b", "5"), lzCount("c", "20"), lzCount("d", "3"), lzCount("e", "20")],
            constraints: [lzEq([("a", "1"), ("b", "1"), ("c", "-1")]), lzEq([("a", "1"), ("d", "1"), ("e", "-1")])],
            expected: [["a", "b"], ["a", "c"], ["a", "d"], ["a", "e"], ["b", "d"], ["b", "e"], ["c", "d"], ["c", "e"]]),
    LocalizationCase(name: "same row, maxSize 1: nothing works",
            figures: [lzCount("a", "10"), lzCount("b", "5"), lzCount("c", "20"), lzCount("d", "3"), lzCount("e", "20")],
            constraints: [lzEq([("a", "1"), ("b", "1"), ("c", "-1")]), lzEq([("a", "1"), ("d", "1"), ("e", "-1")])],
            maxSize: 1, expected: nil),
    LocalizationCase(name: "two independent broken identities: one field from each",
            figures: [lzCount("sad", "30"), lzCount("sadeath", "11"), lzCount("sa", "47"),
                      lzCount("std", "200"), lzCount("stdeath", "90"), lzCount("st", "310")],
            constraints: [lzEq([("sad", "1"), ("sadeath", "1"), ("sa", "-1")]), lzEq([("std", "1"), ("stdeath", "1"), ("st", "-1")])],
            expected: [["sa", "st"], ["sa", "std"], ["sa", "stdeath"], ["sad", "st"], ["sad", "std"], ["sad", "stdeath"],
                       ["sadeath", "st"], ["sadeath", "std"], ["sadeath", "stdeath"]]),
    LocalizationCase(name: "no typo: weights break the tie (least reliable first)",
            figures: [lzCount("a", "10", weight: 1), lzCount("b", "7", weight: 2), lzCount("c", "20", weight: 3)],
            constraints: [lzEq([("a", "1"), ("b", "1"), ("c", "-1")])],
            expected: [["a"], ["b"], ["c"]]),
    LocalizationCase(name: "no typo: other weights, other order",
            figures: [lzCount("a", "10", weight: 5), lzCount("b", "7", weight: 2), lzCount("c", "20", weight: 0.5)],
            constraints: [lzEq([("a", "1"), ("b", "1"), ("c", "-1")])],
            expected: [["c"], ["b"], ["a"]]),
    LocalizationCase(name: "no typo, equal weights: by name",
            figures: [lzCount("c", "20"), lzCount("b", "7"), lzCount("a", "10")],
            constraints: [lzEq([("a", "1"), ("b", "1"), ("c", "-1")])],
            expected: [["a"], ["b"], ["c"]]),
    LocalizationCase(name: "non-negative counts: only the whole can change",
            figures: [lzCount("a", "50"), lzCount("b", "30"), lzCount("c", "20")],
            constraints: [lzEq([("a", "1"), ("b", "1"), ("c", "-1")])],
            expected: [["c"]]),
    LocalizationCase(name: "money may go negative: any of the three, b = −30 a sign slip",
            figures: [lzMoney("a", "50"), lzMoney("b", "30"), lzMoney("c", "20")],
            constraints: [lzEq([("a", "1"), ("b", "1"), ("c", "-1")])],
            expected: [["b"], ["a"], ["c"]], firstTypo: lzTypo("b", "sign", "-30")),
    LocalizationCase(name: "integral counts: y = 2x with y = 7 cannot be fixed by x",
            figures: [lzCount("x", "4"), lzCount("y", "7")],
            constraints: [lzEq([("y", "1"), ("x", "-2")])],
            expected: [["y"]]),
    LocalizationCase(name: "precision: 53.376万 vs 533,800 is not fixable by precision",
            figures: [lzMoney("x", "53.376万"), lzMoney("y", "533,800")],
            constraints: [lzEq([("x", "1"), ("y", "-1")])],
            expected: [["x"], ["y"]]),
    LocalizationCase(name: "precision: 53.38万 vs 533,760 already holds",
            figures: [lzMoney("x", "53.38万"), lzMoney("y", "533760")],
            constraints: [lzEq([("x", "1"), ("y", "-1")])],
            expected: []),
    LocalizationCase(name: "funds outside (total−added)·960..total·960: the 万/元 slip ranks first",
            figures: [lzCount("total", "95"), lzCount("added", "3"), lzMoney("funds", "9.12")],
            constraints: lzFundsBounds,
            expected: [["funds"], ["added"], ["total"]], firstTypo: lzTypo("funds", "wan-yuan", "91200")),
    LocalizationCase(name: "funds far above total·960, no slip: funds or total",
            figures: [lzCount("total", "95"), lzCount("added", "3"), lzMoney("funds", "120000")],
            constraints: lzFundsBounds,
            expected: [["funds"], ["total"]]),
    LocalizationCase(name: "a constraint nobody can satisfy (lo > hi): nil",
            figures: [lzCount("a", "1")],
            constraints: [LinearConstraint(terms: lzTerms([("a", "1")]), lo: lzDec("5"), hi: lzDec("4"), rule: "bad")],
            expected: nil),
    LocalizationCase(name: "a rule naming a figure not reported is not checked",
            figures: [lzCount("a", "1")],
            constraints: [lzEq([("a", "1"), ("missing", "-1")])],
            expected: []),
]

@Test(arguments: localizationCases)
func localizationKnownAnswer(_ c: LocalizationCase) {
    let result = Localizer.localize(c.figures, c.constraints, maxSize: c.maxSize)
    #expect(result?.map(\.fields) == c.expected)
    if let first = result?.first {
        #expect(first.typo == c.firstTypo)
        #expect(first.cost == first.fields.reduce(0.0) { s, n in s + c.figures.first { $0.name == n }!.weight })
    }
    // Every reported set really works and is minimal in size.
    for loc in result ?? [] {
        #expect(Localizer.isFeasible(c.figures, c.constraints, free: Set(loc.fields)))
    }
}

@Test func typoOnlyOnSetsItExplains() throws {
    let r = try #require(Localizer.localize(lzRewardRow, lzRewardFlow))
    #expect(r[0] == Localization(fields: ["reward_total"], typo: lzTypo("reward_total", "swap", "1530"), cost: 1))
    #expect(r.dropFirst().allSatisfy { $0.typo == nil })
}

@Test func independentIdentitiesCarryNoTypo() throws {
    let c = localizationCases[4]
    let r = try #require(Localizer.localize(c.figures, c.constraints))
    #expect(r.allSatisfy { $0.typo == nil && $0.fields.count == 2 && $0.cost == 2 })
}

// MARK: - Typo hypotheses

struct TypoHypothesisCase: Sendable, CustomTestStringConvertible {
    var name: String
    var figures: [Figure]
    var constraints: [LinearConstraint]
    var expected: [TypoHypothesis]
    var testDescription: String { name }
}

fileprivate let lzSexRule = [lzEq([("births", "1"), ("births_male", "-1"), ("births_female", "-1")])]
fileprivate let lzFundsRule = [lzEq([("total", "960"), ("funds", "-1")])]

fileprivate let typoHypothesisCases: [TypoHypothesisCase] = [
    TypoHypothesisCase(name: "swap: 1350 → 1530", figures: lzRewardRow, constraints: lzRewardFlow,
             expected: [lzTypo("reward_total", "swap", "1530")]),
    TypoHypothesisCase(name: "wan-yuan ÷10⁴: 533760万 where 533,760 yuan",
             figures: [lzCount("total", "556"), lzMoney("funds", "533760万")], constraints: lzFundsRule,
             expected: [lzTypo("funds", "wan-yuan", "533760")]),
    TypoHypothesisCase(name: "wan-yuan ×10⁴: 53.376 yuan where 53.376万",
             figures: [lzCount("total", "556"), lzMoney("funds", "53.376")], constraints: lzFundsRule,
             expected: [lzTypo("funds", "wan-yuan", "533760")]),
    TypoHypothesisCase(name: "dropped digit: 556 where 5560",
             figures: [lzCount("births", "556"), lzCount("births_male", "2800"), lzCount("births_female", "2760")], constraints: lzSexRule,
             expected: [lzTypo("births", "dropped-digit", "5560")]),
    TypoHypothesisCase(name: "dropped digit: 55 where 556",
             figures: [lzCount("births", "55"), lzCount("births_male", "300"), lzCount("births_female", "256")], constraints: lzSexRule,
             expected: [lzTypo("births", "dropped-digit", "556")]),
    TypoHypothesisCase(name: "doubled digit: 5566 where 556",
             figures: [lzCount("births", "5566"), lzCount("births_male", "300"), lzCount("births_female", "256")], constraints: lzSexRule,
             expected: [lzTypo("births", "doubled-digit", "556")]),
    TypoHypothesisCase(name: "sign: −42 where 42",
             figures: [lzMoney("x", "-42"), lzMoney("y", "58"), lzMoney("z", "100")],
             constraints: [lzEq([("x", "1"), ("y", "1"), ("z", "-1")])],
             expected: [lzTypo("x", "sign", "42")]),
    TypoHypothesisCase(name: "no typo explains 10 + 7 ≠ 20",
             figures: [lzCount("a", "10"), lzCount("b", "7"), lzCount("c", "20")],
             constraints: [lzEq([("a", "1"), ("b", "1"), ("c", "-1")])],
             expected: []),
    TypoHypothesisCase(name: "two typos both explain: dropped (b) before doubled (a)",
             figures: [lzCount("a", "5566"), lzCount("b", "556")],
             constraints: [lzEq([("a", "1"), ("b", "-1")])],
             expected: [lzTypo("b", "dropped-digit", "5566"), lzTypo("a", "doubled-digit", "556")]),
    TypoHypothesisCase(name: "swap in the decimals, either side",
             figures: [lzMoney("x", "12.43"), lzMoney("y", "12.34")],
             constraints: [lzEq([("x", "1"), ("y", "-1")])],
             expected: [lzTypo("x", "swap", "12.34"), lzTypo("y", "swap", "12.43")]),
    TypoHypothesisCase(name: "funds bounds: the ×10⁴ slip",
             figures: [lzCount("total", "95"), lzCount("added", "3"), lzMoney("funds", "9.12")], constraints: lzFundsBounds,
             expected: [lzTypo("funds", "wan-yuan", "91200")]),
    TypoHypothesisCase(name: "births shared by two broken rules: only births can be the typo",
             figures: [lzCount("births", "15"), lzCount("births_male", "60"), lzCount("births_female", "55"), lzCount("births_illegal", "20")],
             constraints: lzBirthsRules,
             expected: [lzTypo("births", "dropped-digit", "115")]),
    TypoHypothesisCase(name: "nothing broken: no hypothesis",
             figures: [lzMoney("x", "53.38万"), lzMoney("y", "533760")],
             constraints: [lzEq([("x", "1"), ("y", "-1")])],
             expected: []),
]

@Test(arguments: typoHypothesisCases)
func typoKnownAnswer(_ c: TypoHypothesisCase) {
    #expect(Localizer.typos(c.figures, c.constraints) == c.expected)
}

@Test func typoEditsOfOneFigure() {
    func values(_ s: String, count: Bool, kind: Int) -> Set<String> {
        Set(TypoEdits.edits(of: lzReported(s, count: count), isCount: count, isRate: false)
            .filter { $0.kind == kind }.map { ExactDecimal($0.value).description })
    }
    #expect(values("1350", count: true, kind: 0) == ["3150", "1530", "1305"])
    #expect(values("1050", count: true, kind: 0) == ["1500", "1005"])         // "0150" is no figure
    #expect(values("15000", count: true, kind: 1).isEmpty)                    // 万/元 is about lzMoney
    #expect(values("15000", count: false, kind: 1) == ["150000000", "1.5"])
    #expect(values("12.43", count: false, kind: 2).allSatisfy { $0.hasSuffix(".43") })  // precision kept
    #expect(values("12.334", count: false, kind: 3) == ["12.34"])
    #expect(values("5566", count: true, kind: 3) == ["566", "556"])
    #expect(values("0", count: true, kind: 4).isEmpty)
    #expect(values("42", count: true, kind: 4).isEmpty)                       // a count stays ≥ 0
    #expect(values("7", count: true, kind: 2).count == 18)                    // 17..97 (not 07), 70..79; 77 once
}

// MARK: - Feasibility with integer counts

@Test func twoCountsMeetingOnlyAtAHalf() {
    let figs = [lzCount("x", "1"), lzCount("y", "2"), lzCount("s", "7")]
    let cons = [lzEq([("x", "1"), ("y", "1"), ("s", "-1")]), lzEq([("x", "1"), ("y", "-1")])]
    #expect(!Localizer.isFeasible(figs, cons, free: ["x", "y"]))
    let asMoney = [lzMoney("x", "1"), lzMoney("y", "2"), lzCount("s", "7")]
    #expect(Localizer.isFeasible(asMoney, cons, free: ["x", "y"]))
    #expect(Localizer.isFeasible(figs, cons, free: ["x", "s"]))
}

extension SplitMix64 {
    fileprivate mutating func int(_ r: ClosedRange<Int>) -> Int { r.lowerBound + Int(next() % UInt64(r.count)) }
}

/// Random systems over 2 or 3 free counts in a box, against brute force over the box.
@Test(arguments: [(2, 1), (2, 2), (3, 3)])
func integerFeasibilityAgreesWithBruteForce(_ vars: Int, _ seed: UInt64) {
    var rng = SplitMix64(seed: seed)
    let names = ["x", "y", "z"].prefix(vars)
    let box = 9
    var disagreements = 0
    for _ in 0..<60 {
        var cons: [LinearConstraint] = []
        var raw: [([Int], Int, Int)] = []   // coefficients, lo, hi (over tenths)
        for _ in 0..<rng.int(1...3) {
            let a = names.map { _ in rng.int(-4...4) }
            let lo = rng.int(-40...120), width = rng.int(0...25)
            raw.append((a, lo, lo + width))
            let ts = zip(names, a).map { (variable: $0.0, coefficient: ExactDecimal(integer: $0.1)) }
            cons.append(LinearConstraint(terms: ts, lo: ExactDecimal(mantissa: Int128(lo), exponent: -1),
                                         hi: ExactDecimal(mantissa: Int128(lo + width), exponent: -1), rule: "r"))
        }
        for n in names { cons.append(lzLe([(n, "1")], "\(box)")) }
        var figs = names.map { lzCount($0, "0") }
        figs.append(lzCount("unused", "1"))
        var brute = false
        func search(_ k: Int, _ xs: [Int]) {
            if brute { return }
            if k == vars {
                brute = raw.allSatisfy { c in
                    let s = zip(c.0, xs).reduce(0) { $0 + $1.0 * $1.1 } * 10
                    return c.1 <= s && s <= c.2
                }
                return
            }
            for v in 0...box { search(k + 1, xs + [v]) }
        }
        search(0, [])
        if Localizer.isFeasible(figs, cons, free: Set(names)) != brute { disagreements += 1 }
    }
    #expect(disagreements == 0)
}

// MARK: - Lint

@Test func lintContradictingPair() {
    let cons = [lzLe([("x", "1")], "5"), lzGe([("x", "1")], "7")]
    #expect(!LinearLint.isSatisfiable(cons, nonNegative: []))
    #expect(LinearLint.isSatisfiable([cons[0]], nonNegative: []))
}

@Test func lintNonNegativityMakesItContradict() {
    let cons = [lzEq([("a", "1"), ("b", "1"), ("c", "-1")]), lzLe([("c", "1")], "-1")]
    #expect(LinearLint.isSatisfiable(cons, nonNegative: []))
    #expect(!LinearLint.isSatisfiable(cons, nonNegative: ["a", "b"]))
}

@Test func lintImpliedRuleNeverFails() {
    // a ≤ b, b ≤ c, a ≤ c: the third is implied; the first two are independent.
    let cons = [lzLe([("a", "1"), ("b", "-1")]), lzLe([("b", "1"), ("c", "-1")]), lzLe([("a", "1"), ("c", "-1")])]
    #expect(!LinearLint.canFail(2, in: cons, nonNegative: []))
    #expect(LinearLint.canFail(0, in: cons, nonNegative: []))
    #expect(LinearLint.canFail(1, in: cons, nonNegative: []))
}

@Test func lintPartNeverExceedsWholeWhenPartsAreNonNegative() {
    // births = male + female; births ≥ male can only fail if female < 0.
    let cons = [lzEq([("births", "1"), ("male", "-1"), ("female", "-1")]), lzGe([("births", "1"), ("male", "-1")])]
    #expect(!LinearLint.canFail(1, in: cons, nonNegative: ["male", "female", "births"]))
    #expect(LinearLint.canFail(1, in: cons, nonNegative: []))
}

@Test func lintStrictNegation() {
    // x = 5 and x ≥ 5: the second never fails (x < 5 contradicts x = 5), though x = 5 sits on its bound.
    let cons = [lzEq([("x", "1")], "5"), lzGe([("x", "1")], "5")]
    #expect(!LinearLint.canFail(1, in: cons, nonNegative: []))
    #expect(LinearLint.canFail(0, in: cons, nonNegative: []))
}

// MARK: - Performance

/// A wide row: three programmes' flows, their funds bounds, births, and 10 unrelated figures
/// (30 figures, 15 constraints), with one total wrong by a non-typo amount and its funds padded.
fileprivate func lzWideRow() -> ([Figure], [LinearConstraint]) {
    var figs: [Figure] = []
    var cons: [LinearConstraint] = []
    for (p, values) in [("r", ["1500", "70", "40", "1537"]), ("s", ["300", "12", "5", "307"]), ("k", ["80", "9", "1", "88"])] {
        let names = ["prev", "added", "exited", "total"].map { "\(p)_\($0)" }
        for (n, v) in zip(names, values) { figs.append(lzCount(n, v)) }
        cons.append(lzEq([(names[0], "1"), (names[1], "1"), (names[2], "-1"), (names[3], "-1")]))
        let funds = "\(p)_funds"
        figs.append(lzMoney(funds, p == "r" ? "1500000" : "\(Int(values[3])! * 960)"))
        cons.append(lzLe([(names[3], "960"), (names[1], "-960"), (funds, "-1")]))
        cons.append(lzGe([(names[3], "960"), (funds, "-1")]))
    }
    figs += [lzCount("births", "115"), lzCount("births_male", "60"), lzCount("births_female", "55"), lzCount("births_illegal", "2"),
             lzCount("multi", "3")]
    cons += lzBirthsRules
    cons.append(lzGe([("births", "1"), ("multi", "-1")]))
    for i in 0..<10 { figs.append(lzCount("other\(i)", "\(i * 7 + 3)")) }
    cons.append(lzGe([("other0", "1"), ("other1", "1"), ("other2", "-1")], "-10"))
    cons.append(lzLe([("other3", "1"), ("other4", "-1"), ("other5", "1"), ("other6", "1")], "100"))
    cons.append(lzEq([("births", "1"), ("multi", "-1"), ("other9", "-1"), ("other0", "-1"), ("other7", "1"), ("other8", "-1")], "36"))
    return (figs, cons)
}

/// The wide row with links that put every figure into one component.
fileprivate func lzLinkedRow(broken: Bool) -> ([Figure], [LinearConstraint]) {
    var (figs, cons) = lzWideRow()
    cons.append(lzGe([("r_prev", "1"), ("s_prev", "-1"), ("k_prev", "-1"), ("births", "-1")]))
    cons.append(lzGe([("s_total", "1"), ("k_total", "-1"), ("other2", "-1"), ("other5", "-1")]))
    if broken {
        // Two more independent slips in the same component: 4 changes needed, so maxSize 3
        // explores every size and answers nil — the worst case.
        figs = figs.map { f in
            var f = f
            if f.name == "births_male" { f.reported = ReportedNumber(mantissa: 61, exponent: 0) }
            if f.name == "s_exited" { f.reported = ReportedNumber(mantissa: 4, exponent: 0) }
            return f
        }
    }
    return (figs, cons)
}

@Test func wideRowIsFast() throws {
    let (figs, cons) = lzWideRow()
    #expect(figs.count == 30 && cons.count == 15)
    let clock = ContinuousClock()
    var result: [Localization]? = nil
    let runs = 20
    let elapsed = clock.measure {
        for _ in 0..<runs { result = Localizer.localize(figs, cons, maxSize: 3) }
    }
    let r = try #require(result)
    // r_total 1537 breaks the flow (1530) and its funds 1,500,000 exceed 1537·960: two changes
    // in the reward block (e.g. total and funds), nothing elsewhere.
    #expect(r.allSatisfy { $0.fields.count == 2 && $0.fields.allSatisfy { $0.hasPrefix("r_") } })
    #expect(r.contains { $0.fields == ["r_funds", "r_total"] })
    #expect(r.first?.fields == ["r_added", "r_funds"])
    print("localize on 30 figures / 15 constraints: \(elapsed / runs) per call")
    #expect(elapsed / runs < .milliseconds(100))   // debug build; release is far below 10 ms
}

@Test(arguments: [false, true])
func oneComponentRowIsFast(_ broken: Bool) {
    let (figs, cons) = lzLinkedRow(broken: broken)
    #expect(Localizer.localize(figs, cons, maxSize: 3) == nil || !broken)
    let clock = ContinuousClock()
    var result: [Localization]? = nil
    let elapsed = clock.measure { result = Localizer.localize(figs, cons, maxSize: 3) }
    if broken { #expect(result == nil) } else { #expect(result?.contains { $0.fields == ["r_funds", "r_total"] } == true) }
    print("localize, one component of 30 figures / 17 constraints, \(broken ? "unfixable in 3" : "two changes"): \(elapsed)")
    #expect(elapsed < .milliseconds(300))
}

/// Two free counts with no upper bound (only ≥ 0): the solver's "unbounded region ⇒ integer point"
/// step against brute force over a large box.
@Test func unboundedTwoCountsAgreeWithBruteForce() {
    var rng = SplitMix64(seed: 7)
    var disagreements = 0
    for _ in 0..<120 {
        var raw: [(Int, Int, Int?, Int?)] = []
        var cons: [LinearConstraint] = []
        for _ in 0..<rng.int(1...4) {
            let a = rng.int(-5...5), b = rng.int(-5...5)
            let lo = rng.int(-200...200), w = rng.int(0...30)
            let l: Int? = rng.int(0...3) > 0 ? lo : nil, h: Int? = rng.int(0...3) > 0 ? lo + w : nil
            raw.append((a, b, l, h))
            cons.append(LinearConstraint(
                terms: [(variable: "x", coefficient: ExactDecimal(integer: a)), (variable: "y", coefficient: ExactDecimal(integer: b))],
                lo: l.map { ExactDecimal(mantissa: Int128($0), exponent: -1) },
                hi: h.map { ExactDecimal(mantissa: Int128($0), exponent: -1) }, rule: "r"))
        }
        var brute = false
        search: for x in 0...150 {
            for y in 0...150 where raw.allSatisfy({ c in
                let s = (c.0 * x + c.1 * y) * 10
                return (c.2.map { $0 <= s } ?? true) && (c.3.map { s <= $0 } ?? true)
            }) {
                brute = true
                break search
            }
        }
        if Localizer.isFeasible([lzCount("x", "0"), lzCount("y", "0")], cons, free: ["x", "y"]) != brute { disagreements += 1 }
    }
    #expect(disagreements == 0)
}
