import Foundation
import Testing
import VetoStats

/// SciPy 1.17.1's worked examples (`worked_examples.json`, FORENSICS.md §7.3), every value.
/// The BH/BY q-values are stored rounded to 6 decimals and are compared to ±5e-7.
@Suite(.enabled(if: Reference.available, Reference.absent))
struct WorkedExampleTests {
    let ref: JSON
    let check = ReferenceCheck("worked_examples.json")

    init() throws { ref = try Reference.json("worked_examples.json") }

    @Test func lastDigitAndHeapingOfTheHeapedGenerator() throws {
        let values = digits(Generators.heaped())
        // All 1000 values (50…449) take part, as in the reference: selection |x| ≥ 10.
        let ld = tally(.lastDigit, values, selection: DigitSelection(minimumPowerOfTen: 1))
        let r = ref["last_digit_heaped"]
        check.equal(ld.counts, r["counts"].ints, "last digit counts")
        let c = try #require(ld.result(.none).value).comparison
        check.close(c.chiSquare, r["chi2"].double, "last digit chi2")
        check.close(c.pValue, r["p"].double, "last digit p")

        let h = try Heaping.zeroOrFive(lastDigitCounts: ld.counts).get()
        let hr = ref["heaping_0or5"]
        check.equal(h.hits, hr["k"].int, "0/5 k")
        check.equal(h.total, hr["n"].int, "0/5 n")
        check.close(h.share, hr["share"].double, "0/5 share")
        check.close(h.pValue, hr["p_greater"].double, "0/5 p")

        var pairs = DigitPairTally()
        for v in values { pairs.add(v) }
        let pr = ref["digit_pairs_heaped"]
        check.equal(pairs.total, pr["n"].int, "pairs n")
        check.equal(pairs.repeats, pr["repeats"].int, "repeats")
        check.close(try pairs.repeatTest(alternative: .twoSided).get().pValue, pr["p_repeat_two_sided"].double, "repeat p")
        check.equal(pairs.adjacentCount(wrap: false), pr["adjacent_nowrap"].int, "adjacent")
        check.close(try pairs.adjacentTest(wrap: false, alternative: .greater).get().pValue,
                    pr["p_adj_nowrap_greater"].double, "adjacent p")
        check.equal(pairs.adjacentCount(wrap: true), pr["adjacent_wrap"].int, "adjacent with wrap")
        check.close(Double(pairs.nonAdjacentDistinctCount(wrap: true)) / Double(pairs.total),
                    pr["nonadjacent_distinct_wrap_share"].double, "non-adjacent share")
        check.report("digits")
        #expect(check.failed == 0)
    }

    @Test(arguments: [false, true])
    func bunchingWindowOnTheRatesGenerator(manipulate: Bool) throws {
        let rows = Generators.rates(manipulate: manipulate)
        let t = try ThresholdBunching.windowTest(units: rows, threshold: PercentThreshold(90), window: PercentThreshold(1),
                                                 goodSide: .atOrAbove).get()
        let r = ref["bunching_window_manip_\(manipulate ? "True" : "False")"]
        check.equal(t.badSide, r["below"].int, "below")
        check.equal(t.goodSide, r["above"].int, "above")
        check.close(t.pValue, r["p_greater"].double, "p")
        check.report("window manipulate=\(manipulate)")
        #expect(check.failed == 0)
    }

    @Test func beijingAirQualityDays() throws {
        let r = ref["beijing_api_2006"]
        let below = try #require(r["below"].int), above = try #require(r["above"].int)
        // 50 days at 96–100 (the good side of the blue-sky cutoff) against 2 at 101–105:
        // binomtest(2, 52, ½, 'less') = P(good side ≥ 50).
        let t = try BunchingTest.fromCounts(goodSide: below, badSide: above).get()
        check.close(t.pValue, r["p_less_above"].double, "bunching p")
        check.close(Binomial.pValue(successes: above, trials: below + above, probability: 0.5, alternative: .less),
                    r["p_less_above"].double, "binomial less")
        check.report("Beijing")
        #expect(check.failed == 0)
    }

    @Test func zeros() throws {
        let s = ref["single_zero"]
        for lambda in [3, 5, 10, 50] {
            check.close(ImplausibleZero.singleUnit(expected: Double(lambda)), s["lambda_\(lambda)"].double, "e^-\(lambda)")
        }
        let pb = ref["poisson_binomial_zeros"]
        let rate = try #require(pb["rate"].double)
        let lambdas = pb["pops"].ints.map { Double($0) * rate }
        for (i, l) in lambdas.enumerated() { check.close(l, pb["lambdas"][i].double, "lambda \(i)") }
        let t = try ImplausibleZero.manyUnits(expected: lambdas, observedZeros: try #require(pb["observed_zeros"].int)).get()
        check.close(t.expectedZeros, pb["expected_zeros"].double, "expected zeros")
        check.close(t.pValue, pb["p_tail_ge_obs"].double, "P(zeros ≥ 4)")
        #expect(t.method == .exact)

        // van den Broek: FORENSICS.md §7.3 gives n₀ = 8 vs 2.216 expected, S = 23.389, p = 1.323e-6.
        let v = try ImplausibleZero.vanDenBroek(counts: [0, 0, 0, 0, 0, 0, 3, 4, 2, 5, 3, 4, 6, 2, 3, 0, 0, 4, 5, 3]).get()
        #expect(v.zeros == 8)
        #expect(abs(v.expectedZeros - 2.216) < 5e-4)
        #expect(abs(v.score - 23.389) < 5e-4)
        #expect(abs(v.pValue - 1.323e-6) < 5e-10)
        #expect(v.excessZeros)

        let tie = ref["p_equal_two_poisson"]
        for lambda in [5, 20, 50, 200] {
            check.close(Poisson.probabilityOfTie(mean: Double(lambda)), tie["lambda_\(lambda)"].double, "P(X = Y), λ = \(lambda)")
        }
        check.report("zeros")
        #expect(check.failed == 0)
    }

    @Test func dispersion() throws {
        let d = ref["index_of_dispersion"]
        let t = try Dispersion.poisson(counts: d["x"].ints).get()
        check.close(t.statistic, d["D"].double, "D")
        check.equal(t.degreesOfFreedom, d["df"].int, "df")
        check.close(t.lowerTailP, d["p_under"].double, "p under")
        check.close(t.upperTailP, d["p_over"].double, "p over")
        let b = ref["binomial_dispersion"]
        let bt = try Dispersion.binomial(successes: b["k"].ints, trials: b["n"].ints).get()
        check.close(bt.center, b["p_hat"].double, "p hat")
        check.close(bt.statistic, b["X2"].double, "X2")
        check.equal(bt.degreesOfFreedom, b["df"].int, "df")
        check.close(bt.lowerTailP, b["p_under"].double, "p under")
        check.report("dispersion")
        #expect(check.failed == 0)
    }

    @Test func sexRatio() throws {
        let s = ref["srb"]
        let t = try SexRatio.unitTest(boys: try #require(s["male"].int), girls: try #require(s["female"].int)).get()
        check.close(try #require(t.ratio), s["srb"].double, "SRB")
        check.close(SexRatio.maleProbability, s["p_male_null"].double, "p null")
        check.close(t.pValue, s["p_two_sided"].double, "two-sided p")
        check.close(t.confidence95.lowerBound, s["ci95_prop"][0].double, "CI low")
        check.close(t.confidence95.upperBound, s["ci95_prop"][1].double, "CI high")
        check.report("sex ratio")
        #expect(check.failed == 0)
    }

    @Test func combinationAndMultiplicity() throws {
        let c = ref["combine"]
        let p = c["p"].doubles
        let f = try Combination.fisher(p).get()
        check.close(f.statistic, c["fisher_stat"].double, "Fisher statistic")
        check.close(f.pValue, c["fisher_p"].double, "Fisher p")
        let s = try Combination.stouffer(p).get()
        check.close(s.statistic, c["stouffer_z"].double, "Stouffer Z")
        check.close(s.pValue, c["stouffer_p"].double, "Stouffer p")
        let k = try Combination.cauchy(p).get()
        check.close(k.statistic, c["cauchy_T"].double, "Cauchy T")
        check.close(k.pValue, c["cauchy_p"].double, "Cauchy p")
        check.close(try Combination.bonferroniMinimum(p).get(), c["bonferroni_min"].double, "Bonferroni")
        let bh = ref["bh"]
        let q = try Multiplicity.benjaminiHochberg(bh["p"].doubles).get()
        let qy = try Multiplicity.benjaminiYekutieli(bh["p"].doubles).get()
        for i in q.indices {
            check.near(q[i], bh["q_bh"][i].double, absolute: 5e-7, "BH q \(i)")
            check.near(qy[i], bh["q_by"][i].double, absolute: 5e-7, "BY q \(i)")
        }
        check.report("evidence")
        #expect(check.failed == 0)
    }
}
