import Testing
import VetoStats

// Known values computed with mpmath at 40 digits (the arguments are the exact binary Doubles).

@Test(arguments: [
    (1e-300, 690.77552789821370518), (1e-08, 18.420680738180208884), (0.1, 2.252712651734205902),
    (0.5, 0.57236494292470008707), (0.75, 0.20328095143129537148), (0.9, 0.066376239734742954426),
    (0.99, 0.0058548067647097814532), (1.0001, -0.000057713342220471268005), (1.2, -0.085374090003315836884),
    (1.5, -0.12078223763524522235), (1.9, -0.038984275923083361674), (2.0001, 0.000042281658112919946317),
    (2.2, 0.096947466790638873178), (2.5, 0.28468287047291915963), (3, 0.69314718055994530942),
    (7.5, 7.5343642367587329552), (14.9, 24.9241320022172783), (15, 25.1912211827386815),
    (15.5, 26.536914491115613624), (100, 359.13420536957539878), (1234.5, 7550.5509010778948957),
    (1e6, 12815504.56914761166), (1e10, 220258509288.81058147),
])
func logGammaMatchesKnownValues(x: Double, expected: Double) {
    let got = SpecialFunctions.logGamma(x)
    #expect(abs(got - expected) <= 1e-12 * abs(expected), "lnΓ(\(x)) = \(got), expected \(expected)")
}

@Test func logGammaOutsideItsDomainIsNaNOrInfinity() {
    #expect(SpecialFunctions.logGamma(0) == .infinity)
    #expect(SpecialFunctions.logGamma(-1).isNaN)
    #expect(SpecialFunctions.logGamma(.nan).isNaN)
}

/// (a, x, Q(a, x), P(a, x)).
@Test(arguments: [
    (0.5, 0.1, 0.65472084601857702044, 0.34527915398142297956),
    (0.5, 3, 0.014305878435429639526, 0.98569412156457036047),
    (1, 1, 0.3678794411714423216, 0.6321205588285576784),
    (4.5, 13.1, 0.0018945524633506801963, 0.9981054475366493198),
    (4.5, 2, 0.9114125268316791714, 0.088587473168320828602),
    (449.5, 1527.89, 2.5259126921518000017e-232, 1.0),
    (100, 90, 0.8417790108135698319, 0.1582209891864301681),
    (100, 130, 0.002750408367306526277, 0.99724959163269347372),
    (10000, 10100, 0.1586512495528203776, 0.8413487504471796224),
    (100000, 99500, 0.94325817678720773692, 0.056741823212792263085),
    (2.5, 0.001, 0.99999999049146540139, 9.5085345986079498136e-9),
])
func incompleteGammaMatchesKnownValues(a: Double, x: Double, q: Double, p: Double) {
    let gq = SpecialFunctions.regularizedGammaQ(a: a, x: x)
    let gp = SpecialFunctions.regularizedGammaP(a: a, x: x)
    #expect(abs(gq - q) <= 1e-12 * q, "Q(\(a), \(x)) = \(gq), expected \(q)")
    #expect(abs(gp - p) <= 1e-12 * p, "P(\(a), \(x)) = \(gp), expected \(p)")
}

@Test func logIncompleteGammaStaysFiniteWhereQUnderflows() {
    // Q(44.5, 1930) = 1.3856349241330230004e-749 (mpmath): far below the smallest Double.
    let log10q = SpecialFunctions.logRegularizedGammaQ(a: 44.5, x: 1930) / 2.302_585_092_994_045_684
    let expected = -749 + 0.141_648_820_954_386_6
    #expect(abs(log10q - expected) <= 1e-12 * abs(expected), "log10 Q = \(log10q), expected \(expected)")
    #expect(SpecialFunctions.regularizedGammaQ(a: 44.5, x: 1930) == 0)
}

/// (x, a, b, I_x(a, b)).
@Test(arguments: [
    (0.2, 403, 598, 7.499187185829770317e-49), (0.5, 2, 51, 0.99999999999998823164),
    (0.3, 0.5, 0.5, 0.36901011956554537504), (0.9, 5, 3, 0.9743085000000000153),
    (0.05121951, 260, 201, 1.7712412104500400613e-205), (0.001, 1, 1000, 0.63230457522903596304),
    (0.6, 300, 200, 0.49757138368006800431), (0.2, 10, 10, 0.0015791205491671047048),
    (0.999, 50, 2, 0.99876590960688291533), (0.41, 10000, 15000, 0.99935843151582632387),
] as [(Double, Double, Double, Double)])
func incompleteBetaMatchesKnownValues(x: Double, a: Double, b: Double, expected: Double) {
    let got = SpecialFunctions.regularizedBeta(x: x, a: a, b: b)
    #expect(abs(got - expected) <= 1e-11 * expected, "I_\(x)(\(a), \(b)) = \(got), expected \(expected)")
}

@Test func inverseIncompleteBetaInvertsIt() {
    for (p, a, b) in [(0.025, 260.0, 201.0), (0.975, 261.0, 200.0), (1e-10, 3.0, 40.0), (0.5, 0.5, 0.5)] {
        let x = SpecialFunctions.inverseRegularizedBeta(p: p, a: a, b: b)
        let back = SpecialFunctions.regularizedBeta(x: x, a: a, b: b)
        #expect(abs(back - p) <= 1e-12 * p, "I(\(x); \(a), \(b)) = \(back) ≠ \(p)")
    }
}

@Test(arguments: [
    (-38, 2.8854283600687843084e-316), (-20, 2.7536241186062336951e-89), (-8, 6.2209605742717841235e-16),
    (-3, 0.0013498980316300945267), (-1.5, 0.066807201268858066004), (-0.1, 0.46017216272297101633),
    (0, 0.5), (0.7, 0.75803634777692697138), (2, 0.9772498680518207928), (5, 0.99999971334842812081),
] as [(Double, Double)])
func normalCDFMatchesKnownValues(z: Double, expected: Double) {
    let got = Normal.cdf(z)
    // Below 2.2e-308 the result is subnormal and keeps fewer digits.
    let tolerance = expected < 1e-300 ? 1e-6 : 1e-13
    #expect(abs(got - expected) <= tolerance * expected, "Φ(\(z)) = \(got), expected \(expected)")
    #expect(abs(Normal.survival(-z) - expected) <= tolerance * expected)
}

@Test(arguments: [
    (1e-300, -37.047096299361199237), (1e-50, -14.933337534788488981), (1e-10, -6.3613409024040561991),
    (1e-05, -4.2648907939228246102), (0.001, -3.0902323061678135354), (0.02, -2.0537489106318230443),
    (0.02425, -1.9729610513118848376), (0.1, -1.2815515655446004353), (0.3, -0.52440051270804081597),
    (0.7, 0.52440051270804065631), (0.975, 1.9599639845400538556), (0.999999, 4.7534243088170877657),
] as [(Double, Double)])
func normalQuantileMatchesKnownValues(p: Double, expected: Double) {
    let got = Normal.quantile(p)
    #expect(abs(got - expected) <= 1e-13 * abs(expected), "Φ⁻¹(\(p)) = \(got), expected \(expected)")
    if p < 0.5 { #expect(abs(Normal.upperQuantile(p) + expected) <= 1e-13 * abs(expected)) }
}

@Test func normalQuantileEdges() {
    #expect(Normal.quantile(0.5) == 0)
    #expect(Normal.quantile(0) == -.infinity)
    #expect(Normal.quantile(1) == .infinity)
    #expect(Normal.quantile(1.5).isNaN)
}
