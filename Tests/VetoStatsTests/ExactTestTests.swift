import Testing
import VetoStats

// Values from FORENSICS.md's text (printed to the digits given there) and SciPy 1.17.1.

@Test func exactThresholdTestOnTheRatesGenerator() throws {
    // FORENSICS.md §7.3: at k* 4 vs 12 at k*−1 (clean), p = 0.9894; 46 vs 9 (manipulated), 2.168e-7.
    let clean = try ThresholdBunching.exactThresholdTest(units: Generators.rates(manipulate: false),
                                                         threshold: PercentThreshold(90), goodSide: .atOrAbove).get()
    #expect(clean.goodSide == 4 && clean.badSide == 12)
    #expect(abs(clean.pValue - 0.9893646240234375) < 1e-15)  // 1 − 697/65536 exactly
    let manipulated = try ThresholdBunching.exactThresholdTest(units: Generators.rates(manipulate: true),
                                                               threshold: PercentThreshold(90), goodSide: .atOrAbove).get()
    #expect(manipulated.goodSide == 46 && manipulated.badSide == 9)
    #expect(abs(manipulated.pValue - 2.1681915685078934e-07) <= 1e-9 * 2.1681915685078934e-07)  // SciPy binomtest
}

@Test func belowTargetsCountTheLargestPassingCount() throws {
    // Rate must stay below 5 %: with n = 100 the largest passing k is 4, the first failing 5.
    let units = [(4, 100), (4, 100), (4, 100), (5, 100), (3, 100), (2, 40), (1, 40)]
    let t = try ThresholdBunching.exactThresholdTest(units: units.map { ($0.0, $0.1) }, threshold: PercentThreshold(5),
                                                     goodSide: .below).get()
    // n = 40: ⌈2⌉ = 2 fails (exactly 5 %), 1 passes.
    #expect(t.goodSide == 4 && t.badSide == 2)
    let w = try ThresholdBunching.windowTest(units: units.map { ($0.0, $0.1) }, threshold: PercentThreshold(5),
                                             window: PercentThreshold(1), goodSide: .below).get()
    #expect(w.goodSide == 3 && w.badSide == 2)  // [4, 5): the three 4/100; [5, 6): 5/100 and 2/40
}

@Test func bunchingWithNothingNearTheTargetIsNotApplicable() {
    let r = ThresholdBunching.windowTest(units: [(50, 100)], threshold: PercentThreshold(90), window: PercentThreshold(1),
                                         goodSide: .atOrAbove)
    #expect(r.notApplicable?.reason == .noQualifyingValues)
}

@Test(arguments: [(100, 69.49152542372882, 156.4102564102564), (500, 87.96992481203007, 125.22522522522523),
                  (2000, 96.27085377821393, 114.5922746781116)])
func sexRatioCentralRange(births: Int, low: Double, high: Double) throws {
    // FORENSICS.md §2: SRB 69.5–156.4 (100 births), 88.0–125.2 (500), 96.3–114.6 (2,000).
    let r = try #require(SexRatio.centralRange(births: births))
    #expect(abs(r.lowerBound - low) < 1e-9 * low && abs(r.upperBound - high) < 1e-9 * high)
}

@Test func sexRatioRegularityFlagsVillagesAllAt105() throws {
    // Twenty villages of 205 births, every one exactly 105 boys: far too regular.
    let regular = try SexRatio.regularity(boys: Array(repeating: 105, count: 20), girls: Array(repeating: 100, count: 20)).get()
    #expect(regular.degreesOfFreedom == 20)
    #expect(regular.statistic == 0 && regular.lowerTailP == 0)
    // Binomial-looking villages are not.
    let boys = [98, 112, 104, 109, 95, 101, 117, 106, 99, 110], girls = [107, 93, 101, 96, 110, 104, 88, 99, 106, 95]
    let ordinary = try SexRatio.regularity(boys: boys, girls: girls).get()
    #expect(ordinary.lowerTailP > 0.05)
    #expect(SexRatio.unitTest(boys: 0, girls: 0).notApplicable != nil)
}

@Test func binomialTwoSidedMatchesSciPy() {
    // scipy.stats.binomtest(k, n, p).pvalue
    let cases: [(Int, Int, Double, Double)] = [
        (260, 460, 105.0 / 205, 0.02507722554444729), (102, 1000, 0.1, 0.8329539425895358),
        (3, 10, 0.5, 0.34375), (0, 20, 0.3, 0.0010589696700355874), (7, 7, 0.5, 0.015625),
    ]
    for (k, n, p, expected) in cases {
        let got = Binomial.pValue(successes: k, trials: n, probability: p, alternative: .twoSided)
        #expect(abs(got - expected) <= 1e-9 * expected, "binomtest(\(k), \(n), \(p)) = \(got), expected \(expected)")
    }
}

@Test func poissonTailsAgreeWithTheirSums() {
    for lambda in [0.5, 3.0, 12.5, 80.0] {
        for k in [0, 1, 4, 10, 30, 120] {
            var sum = 0.0
            for j in 0...k { sum += Poisson.pmf(j, mean: lambda) }
            let lower = Poisson.lowerTail(atMost: k, mean: lambda)
            #expect(abs(lower - sum) <= 1e-12 * sum, "P(X ≤ \(k); \(lambda))")
            let upper = Poisson.upperTail(atLeast: k + 1, mean: lambda)
            #expect(abs(upper + lower - 1) < 1e-13)
        }
    }
}

@Test func poissonBinomialExactAgreesWithTheFullDistributionAndTheApproximationIsClose() {
    var g = LCG32(seed: 99)
    let ps = (0..<400).map { _ in Double(g.next() % 1000) / 10_000 }  // 0 … 0.0999
    let d = PoissonBinomial(probabilities: ps)
    let full = d.distribution()
    for k in [0, 5, 20, 40, 60] {
        let upper = d.upperTail(atLeast: k)
        let expected = full[k...].reduce(0, +)
        #expect(upper.method == .exact)
        #expect(abs(upper.probability - expected) <= 1e-12 * max(expected, 1e-300))
        let lower = d.lowerTail(atMost: k).probability
        #expect(abs(lower - full[...k].reduce(0, +)) < 1e-12)
    }
    // Beyond the exact work limit the refined normal approximation is used and stays close.
    let big = PoissonBinomial(probabilities: Array(repeating: 0.3, count: 200_000))
    let approx = big.upperTail(atLeast: 60_200)
    #expect(approx.method == .refinedNormal)
    let exact = Binomial.upperTail(atLeast: 60_200, trials: 200_000, probability: 0.3)
    #expect(abs(approx.probability - exact) < 1e-3)
}

@Test func dispersionPreconditions() {
    #expect(Dispersion.poisson(counts: [4]).notApplicable?.reason == .tooFewValues(have: 1, needed: 2))
    #expect(Dispersion.poisson(counts: [0, 0, 0]).notApplicable != nil)
    #expect(Dispersion.binomial(successes: [0, 0], trials: [10, 10]).notApplicable != nil)
    #expect(Dispersion.binomial(successes: [11, 0], trials: [10, 10]).notApplicable != nil)
}

@Test func evidenceEdges() throws {
    // FORENSICS.md §5: the Bayes-factor bound is 2.46 at p = 0.05, 7.99 at 0.01, 53.3 at 0.001.
    for (p, bound) in [(0.05, 2.46), (0.01, 7.99), (0.001, 53.3)] {
        let b = try #require(Combination.bayesFactorBound(p))
        #expect(abs(b - bound) < 0.006 * bound)
    }
    #expect(Multiplicity.benjaminiHochberg([]).notApplicable != nil)
    #expect(Multiplicity.benjaminiHochberg([0.2, .nan]).notApplicable != nil)
    let q = try Multiplicity.benjaminiHochberg([0.01, 0.01, 0.04]).get()
    #expect(q == [0.015, 0.015, 0.04])
    // A p-value of 0 or 1 gives a finite Stouffer Z and Cauchy T.
    #expect(try Combination.stouffer([0, 1]).get().statistic.isFinite)
    #expect(try Combination.cauchy([0.3, 1]).get().pValue.isFinite)
    // Weighted Stouffer: Σw·Z/√Σw².
    let z1 = Normal.upperQuantile(0.01), z2 = Normal.upperQuantile(0.2)
    let weighted = try Combination.stouffer([0.01, 0.2], weights: [2, 1]).get()
    #expect(abs(weighted.statistic - (2 * z1 + z2) / 5.0.squareRoot()) < 1e-14)
}

@Test func hidiroglouBerthelotFlagsTheCollapsedUnit() throws {
    let prev: [Double] = [100, 120, 90, 110, 105, 98, 130, 95, 101, 99, 250]
    let cur: [Double] = [104, 125, 93, 115, 108, 100, 136, 99, 105, 103, 100]
    let r = try HidiroglouBerthelot.detect(pairs: Array(zip(prev, cur)).map { ($0, $1) },
                                           parameters: .init(imputationMultiplier: 4)).get()
    // NumPy (linear quantiles): r_M 1.04, quartiles −0.0087814, 0, 0.0018134; interval [−0.0351254, 0.0072537].
    #expect(abs(r.medianRatio - 1.04) < 1e-12)
    #expect(abs(r.quartiles[0] - -0.008781362007168503) < 1e-12)
    #expect(abs(r.quartiles[2] - 0.001813427800269829) < 1e-12)
    let interval = try #require(r.imputationInterval)
    #expect(abs(interval.lowerBound - -0.03512544802867401) < 1e-12)
    #expect(abs(interval.upperBound - 0.007253711201079316) < 1e-12)
    #expect(r.outliers.map(\.index) == [10])
    #expect(r.outliers.first?.status == .impute)
    #expect(r.isSmallGroup == false)
    // Zeros and negatives are left out (Banff); too few pairs is not applicable; a multiplier is required.
    let few = HidiroglouBerthelot.detect(pairs: [(1, 2), (0, 3), (2, -1)], parameters: .init(exclusionMultiplier: 4))
    #expect(few.notApplicable?.reason == .tooFewValues(have: 1, needed: 3))
    #expect(HidiroglouBerthelot.detect(pairs: [(1, 2), (2, 3), (3, 4)], parameters: .init()).notApplicable != nil)
}

/// BH and BY with the untested comparisons given as runs of one value agree, bit for bit, with
/// the textbook step-up over the list written out (q₍ᵢ₎ = min(1, min_{j ≥ i} c·m·p₍ⱼ₎/j)), on
/// lists with ties among the values, between values and runs, empty runs, and no values at all.
@Test func runsOfOneValueAdjustAsTheListWrittenOut() throws {
    func stepUp(_ all: [Double], factor: Double) -> [Double] {
        let order = all.indices.sorted { all[$0] < all[$1] }
        let m = all.count
        var q = [Double](repeating: 1, count: m)
        for rank in 1...m {
            var best = Double.infinity
            for j in rank...m { best = min(best, factor * Double(m) * all[order[j - 1]] / Double(j)) }
            q[order[rank - 1]] = min(1, best)
        }
        return q
    }
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 11
    }
    let grid: [Double] = [0, 1e-9, 0.001, 0.01, 0.25, 0.5, 1]
    for trial in 0..<300 {
        let n = Int(next() % 25)
        let p: [Double] = (0..<n).map { _ in next() % 3 == 0 ? grid[Int(next() % 7)] : Double(next() % 1_000_000) / 1e6 }
        let runs: [(value: Double, count: Int)] = (0..<Int(next() % 4)).map { _ in
            (value: next() % 2 == 0 ? grid[Int(next() % 7)] : (p.isEmpty ? 0.3 : p[Int(next() % UInt64(p.count))]),
             count: Int(next() % 40))
        }
        var all = p
        for r in runs { all += [Double](repeating: r.value, count: r.count) }
        guard !all.isEmpty else {
            #expect(Multiplicity.benjaminiHochberg(p, alongside: runs).notApplicable != nil)
            continue
        }
        var c = 0.0
        for j in stride(from: all.count, through: 1, by: -1) { c += 1 / Double(j) }
        let bh = try Multiplicity.benjaminiHochberg(p, alongside: runs).get()
        let by = try Multiplicity.benjaminiYekutieli(p, alongside: runs).get()
        #expect(bh.map(\.bitPattern) == stepUp(all, factor: 1).prefix(n).map(\.bitPattern), "trial \(trial)")
        #expect(by.map(\.bitPattern) == stepUp(all, factor: c).prefix(n).map(\.bitPattern), "trial \(trial)")
        #expect(try Multiplicity.benjaminiHochberg(all).get().map(\.bitPattern) == stepUp(all, factor: 1).map(\.bitPattern))
    }
    #expect(Multiplicity.benjaminiHochberg([0.1], alongside: [(value: 1.5, count: 2)]).notApplicable != nil)
    // A run that counts nothing may hold any value: it is not there.
    #expect(try Multiplicity.benjaminiHochberg([0.1], alongside: [(value: .nan, count: 0)]).get() == [0.1])
}
