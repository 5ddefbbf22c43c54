#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import VetoStats

@inline(__always) func groupPeriodKey(_ g: Int32, _ p: Int32) -> UInt64 {
    UInt64(UInt32(bitPattern: g)) << 32 | UInt64(UInt32(bitPattern: p))
}
@inline(__always) func splitKey(_ k: UInt64) -> (group: Int32, period: Int32) {
    (Int32(bitPattern: UInt32(truncatingIfNeeded: k >> 32)), Int32(bitPattern: UInt32(truncatingIfNeeded: k)))
}

/// `implausible-zero`: a group (a township's villages over every period) that reports no event
/// at all where its exposure makes none improbable. The expected count comes from data other
/// than the figures under test: each period's rate among the *other* groups (leave-one-out),
/// times the group's exposure in that period. Groups differ in their true rates (genuine
/// townships do), so the chance of no event is taken under a log-normal mixture of Poisson rates
/// whose spread is estimated from the other groups by moments (floor σ = 0.31; the group under
/// test is left out, as its own zeros would widen the spread that excuses them): a group with a
/// low true rate is not accused for its zeros. Conditional on the mixture factor, the many village
/// zeros are the Poisson-binomial "every count is zero" tail. A group zero in several columns is
/// one test: the chance that all of them are zero together (``jointZero(expected:sigma:rho:)``).
///
/// Not applicable where fewer than 3 events are expected (a zero is then unremarkable).
/// Effect gate: at least 10 expected.
///
/// - Complexity: O(1) per row; memory O(groups × periods × columns + units).
final class ZeroDetector: RowHook, Detector {
    let spec: DetectorSpec
    private(set) var untested = 0
    private let columns: [Int]
    private let exposure: Int
    private let names: [String]
    private let exposureName: String
    /// Per column: (group, period) → (exposure, events).
    private var sums: [GroupPeriodTable<(e: Int64, x: Int64)>]
    /// Per group, its distinct units (a unit's group is fixed by its code); per unit, whether it
    /// is counted (1 byte a unit, not a set entry).
    private var children: [Int32: Int] = [:]
    private var counted: [Bool] = []

    init(spec: DetectorSpec, columns: [Int], exposure: Int, schema: Schema) {
        self.spec = spec
        self.columns = columns
        self.exposure = exposure
        names = columns.map { schema.columns[$0].name }
        exposureName = schema.columns[exposure].name
        sums = Array(repeating: GroupPeriodTable((0, 0)), count: columns.count)
    }

    override func row(_ r: DetectorRow) {
        guard let e = r.int(exposure), e >= 0 else { return }
        let g = r.group(spec.group)
        let gp = r.groupPeriod(spec.group)
        let u = Int(r.unit)
        if u >= counted.count { counted.append(contentsOf: repeatElement(false, count: u + 1 - counted.count)) }
        if !counted[u] {
            counted[u] = true
            children[g, default: 0] += 1
        }
        for (k, c) in columns.enumerated() {
            guard let x = r.int(c), x >= 0 else { continue }
            sums[k].update(gp) { Self.add(e, x, to: &$0) }
        }
    }

    private static func add(_ e: Int64, _ x: Int64, to s: inout (e: Int64, x: Int64)) {
        s.e = Detectors.sum(s.e, e)
        s.x = Detectors.sum(s.x, x)
    }

    /// P(no event) when the count is Poisson(λ·Z), log Z ~ N(−σ²/2, σ²) (so E Z = 1).
    static func mixtureZero(expected lambda: Double, sigma: Double, step h: Double = 0.005) -> Double {
        guard sigma > 1e-9 else { return exp(-lambda) }
        return mixtureZero(expected: lambda, on: MixtureGrid(sigma: sigma, step: h))
    }

    /// The trapezoid sum of ``mixtureZero(expected:sigma:step:)`` over z in [−12, 12]: what does not
    /// depend on λ — each point's weight, −z²/2 and the log-normal factor e^{σz − σ²/2} — is worked
    /// out once for a σ and a step, so a joint test (``jointZero(expected:sigma:rho:)``, 2,001
    /// outer points) takes one `exp` a point instead of two. Every term is the same expression on
    /// the same values as when it was written inline, so the sums are the same to the bit.
    struct MixtureGrid {
        let step: Double
        private(set) var weight: [Double] = [], half: [Double] = [], factor: [Double] = []
        /// The index of the first point with z ≥ 0: from there on, the exponent only falls.
        private(set) var firstNonNegative = 0

        init(sigma: Double, step h: Double) {
            step = h
            var z = -12.0
            while z <= 12.0 {
                if z < 0 { firstNonNegative += 1 }
                weight.append((abs(z) >= 12.0 - h / 2) ? 0.5 : 1.0)
                half.append(-0.5 * z * z)
                factor.append(exp(sigma * z - sigma * sigma / 2))
                z += h
            }
        }
    }

    /// ``mixtureZero(expected:sigma:step:)`` on a grid worked out beforehand. A term whose exponent
    /// is below −746 is exactly 0 (`exp` underflows), and adding it changes no sum; past z = 0 with
    /// λ ≥ 0 every later exponent is lower still, so the sum stops there — before `exp`'s slow
    /// underflow path, which a large λ reaches on half the points.
    static func mixtureZero(expected lambda: Double, on grid: MixtureGrid) -> Double {
        var sum = 0.0
        for i in grid.weight.indices {
            let e = grid.half[i] - lambda * grid.factor[i]
            if e < -746 {
                if i >= grid.firstNonNegative && lambda >= 0 { break }
                continue
            }
            sum += grid.weight[i] * exp(e)
        }
        return min(1, sum * grid.step / (2 * Double.pi).squareRoot())
    }

    /// The spread of true rates between groups, by moments: Var(O) = λ + v·λ² for a mixture with
    /// Var Z = v; σ² = ln(1 + v). Nil with fewer than 5 groups.
    static func spread(observed: [Int64], expected: [Double]) -> Double? {
        var num = 0.0, den = 0.0, n = 0
        for (o, l) in zip(observed, expected) where l >= 1 {
            let d = Double(o) - l
            num += d * d - Double(o)
            den += l * l
            n += 1
        }
        guard n >= 5, den > 0 else { return nil }
        let v = min(4, max(0.1, num / den))
        return log(1 + v).squareRoot()
    }

    func finish(_ context: DetectorContext) -> (tests: [DetectorTest], notes: [DetectorNote]) {
        let exposureName = exposureName   // the messages are written later, from what they capture here
        var tests: [DetectorTest] = []
        var notes: [DetectorNote] = []
        // Per group, the columns tested (with each one's expected count and spread, for the joint
        // chance); per column, each group's standardised residual.
        var tested: [Int32: [(test: DetectorTest, column: Int, lambda: Double, sigma: Double)]] = [:]
        var residuals: [[Int32: Double]] = Array(repeating: [:], count: names.count)
        // Per column, the typical expected count of a group (how much Poisson noise dilutes the
        // residuals' correlation).
        var typical = [Double](repeating: 1, count: names.count)
        for (k, name) in names.enumerated() {
            var totalE: [Int32: Int64] = [:], totalX: [Int32: Int64] = [:]
            var byGroup: [Int32: [(period: Int32, e: Int64, x: Int64)]] = [:]
            for (key, v) in sums[k].sorted(keys: context.groupPeriodKeys) {
                let (g, p) = splitKey(key)
                totalE[p] = Detectors.sum(totalE[p] ?? 0, v.e)
                totalX[p] = Detectors.sum(totalX[p] ?? 0, v.x)
                byGroup[g, default: []].append((p, v.e, v.x))
            }
            var lambda: [Int32: Double] = [:], observed: [Int32: Int64] = [:], exposureOf: [Int32: Int64] = [:]
            for (g, list) in byGroup {
                var l = 0.0, o: Int64 = 0, e: Int64 = 0
                for (p, ge, gx) in list {
                    o = Detectors.sum(o, gx)
                    e = Detectors.sum(e, ge)
                    let oe = (totalE[p] ?? 0) - ge, ox = (totalX[p] ?? 0) - gx
                    if oe > 0 { l += Double(ox) / Double(oe) * Double(ge) }
                }
                lambda[g] = l
                observed[g] = o
                exposureOf[g] = e
            }
            let groups = byGroup.keys.sorted()
            func spread(without left: Int32?) -> Double {
                let others = groups.filter { $0 != left }
                return Self.spread(observed: others.map { observed[$0] ?? 0 }, expected: others.map { lambda[$0] ?? 0 })
                    ?? log(1.9).squareRoot()
            }
            let all = spread(without: nil)
            let v = exp(all * all) - 1
            let sized = groups.compactMap { lambda[$0] }.filter { $0 >= 1 }.sorted()
            if !sized.isEmpty { typical[k] = sized[sized.count / 2] }
            for g in groups where (lambda[g] ?? 0) >= 1 {
                let l = lambda[g] ?? 0
                residuals[k][g] = (Double(observed[g] ?? 0) - l) / (l + v * l * l).squareRoot()
            }
            var na = NotApplicableTally()
            for g in groups where g >= 0 {
                let l = lambda[g] ?? 0, o = observed[g] ?? 0
                guard o == 0 else { na.ran(); untested += 1; continue }
                guard l >= 3 else {
                    na.skip(en: "fewer than 3 events were expected where none was reported (a zero is then unremarkable)",
                            zh: "报告为 0 处预期不足 3 例（此时 0 并不异常）")
                    continue
                }
                na.ran()
                let sigma = spread(without: g)
                let p = Self.mixtureZero(expected: l, sigma: sigma)
                let kids = children[g] ?? 0
                let years = byGroup[g]?.count ?? 0
                let rate = (exposureOf[g] ?? 0) > 0 ? l / Double(exposureOf[g] ?? 1) : 0
                let unit = context.unitName(g)
                tested[g, default: []].append((DetectorTest(
                    kind: spec.kind, family: spec.kind, unit: g, period: -1, pValue: p, effect: l >= 10,
                    fields: [name, exposureName], expected: Words.count(l), actual: "0",
                    message: Message(
                        zh: "\(unit)：\(kids) \(context.childWord(g, .zh))在 \(years) 个期别中 \(name) 全部报告为 0（\(exposureName) 共 \(exposureOf[g] ?? 0)）；按其他单位同期的比率（约 \(Words.percent(rate))）预期约 \(Words.count(l)) 例；考虑单位间比率差异（σ = \(Words.fixed(sigma, sig: 2))）后，一例都没有的概率为 \(Words.p(p))",
                        en: "\(unit): \(kids) \(context.childWord(g, .en)) over \(years) periods reported 0 \(name) (\(exposureName) \(exposureOf[g] ?? 0)); about \(Words.count(l)) expected at the other units' rate in the same periods (about \(Words.percent(rate))); the chance of none, allowing for how much units' rates differ (σ = \(Words.fixed(sigma, sig: 2))), is \(Words.p(p))")), k, l, sigma))
            }
            if let n = na.note(id: DetectorSpec.findingID(spec.kind), fields: [name], what: "implausible-zero on \(name)",
                               whatZh: "\(name) 的不合理零值检验") { notes.append(n) }
        }
        // Several columns of one group all zero: one test, the chance that every one of them is
        // zero under the same mixture, the columns' true rates correlated (a one-factor model) as
        // much as their residuals across the other groups allow (the group's own zeros, far out
        // in every column, would make them look alike). Combining the columns' p-values instead
        // (Brown's method) treats "all zero" as if it were a continuous statistic and gave
        // p-values 20 times too large.
        for g in tested.keys.sorted() {
            guard let params = tested[g] else { continue }
            let list = params.map(\.test)
            guard list.count >= 2 else { tests += list; continue }
            let others = residuals.map { r in r.filter { $0.key != g } }
            var rhos: [Double] = []
            for a in params.indices {
                for b in params.indices where b > a {
                    let r = Self.correlation(others[params[a].column], others[params[b].column])
                    rhos.append(Self.latentCorrelation(residual: r, sigma: (params[a].sigma, params[b].sigma),
                                                       typical: (typical[params[a].column], typical[params[b].column])))
                }
            }
            let rho = rhos.reduce(0, +) / Double(rhos.count)
            let p = Self.jointZero(expected: params.map(\.lambda), sigma: params.map(\.sigma), rho: rho)
            var t = list[0]
            t.pValue = p
            t.effect = list.allSatisfy(\.effect)
            t.fields = list.flatMap(\.fields).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            t.expected = list.compactMap(\.expected).joined(separator: ", ")
            t.message = Message(
                zh: list.map(\.message.zh).joined(separator: "；") + "；各列同时为 0 的概率（各列真实比率在单位间的相关系数按至多 ρ = \(Words.fixed(rho, sig: 2)) 计）为 \(Words.p(p))",
                en: list.map(\.message.en).joined(separator: "; ") + "; the chance that all of them are zero together (the columns' true rates correlated across units by up to ρ = \(Words.fixed(rho, sig: 2))) is \(Words.p(p))")
            tests.append(t)
        }
        return (tests, notes)
    }

    /// How alike two columns' residuals are across their common groups: the upper end of a
    /// one-sided 80 % interval for their Pearson correlation, clamped to [0, 1]; 1 (as dependent
    /// as can be) with fewer than 5 groups in common. (A point estimate that fell to 1 below 10
    /// groups found 77.6 % of the careful zero-washing townships; this bound, 82.1 %, with the
    /// same 4 genuine unit-periods at review in 370,480.) ``latentCorrelation(residual:sigma:typical:)``
    /// turns it into the correlation of the columns' true rates.
    static func correlation(_ a: [Int32: Double], _ b: [Int32: Double]) -> Double {
        let common = a.keys.filter { b[$0] != nil }.sorted()   // sums in one order: the same p every run
        guard common.count >= 5 else { return 1 }
        let xs = common.map { a[$0] ?? 0 }, ys = common.map { b[$0] ?? 0 }
        let n = Double(common.count)
        let mx = xs.reduce(0, +) / n, my = ys.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (x, y) in zip(xs, ys) { sxy += (x - mx) * (y - my); sxx += (x - mx) * (x - mx); syy += (y - my) * (y - my) }
        guard sxx > 0, syy > 0 else { return 1 }
        // The upper end of a one-sided 80 % interval (Fisher's z, n − 3 degrees): few groups
        // say little about ρ, so the columns count as more alike than the point estimate.
        let r = min(0.999_999, max(-0.999_999, sxy / (sxx * syy).squareRoot()))
        return min(1, max(0, tanh(atanh(r) + 0.841_621 / (n - 3).squareRoot())))
    }

    /// P(every count is zero) when count i is Poisson(λᵢ·Zᵢ), log Zᵢ ~ N(−σᵢ²/2, σᵢ²), and the
    /// log-factors share one common factor: log-normal Zᵢ = exp(σᵢ(√ρ·F + √(1−ρ)·Wᵢ) − σᵢ²/2) with
    /// F, Wᵢ independent standard normals (any two correlate by ρ). Given F the columns are
    /// independent, each a ``mixtureZero(expected:sigma:)`` with the common part folded into its
    /// mean; the outer integral over F is a trapezoid sum (step 0.01 on ±10, far finer than the
    /// integrand's scale). One column is ``mixtureZero(expected:sigma:)``; ρ = 0 the product of
    /// the columns'; ρ = 1 with equal σ the mixture of the summed means.
    static func jointZero(expected lambda: [Double], sigma: [Double], rho: Double) -> Double {
        guard lambda.count == sigma.count, !lambda.isEmpty else { return 1 }
        if lambda.count == 1 { return mixtureZero(expected: lambda[0], sigma: sigma[0]) }
        let r = min(1, max(0, rho))
        let common = r.squareRoot(), own = (1 - r).squareRoot()
        let h = 0.01
        // Each column's inner grid, once (nil: no own spread left, a plain Poisson zero).
        let grids: [MixtureGrid?] = sigma.map { s in s * own > 1e-9 ? MixtureGrid(sigma: s * own, step: 0.02) : nil }
        var sum = 0.0
        var f = -10.0
        while f <= 10.0 + h / 2 {
            let w = (abs(f) >= 10.0 - h / 2) ? 0.5 : 1.0
            var inner = exp(-0.5 * f * f)
            for (k, (l, s)) in zip(lambda, sigma).enumerated() where inner > 0 {
                let shift = exp(s * common * f - s * s * r / 2)
                inner *= grids[k].map { Self.mixtureZero(expected: l * shift, on: $0) } ?? exp(-(l * shift))
            }
            sum += w * inner
            f += h
        }
        return min(1, sum * h / (2 * Double.pi).squareRoot())
    }

    /// The correlation of two columns' latent log-rates from that of their standardised
    /// residuals: Poisson noise dilutes a residual's correlation by √(1 + 1/(v·λ)) per column
    /// (v = e^{σ²} − 1, λ a typical group's expected count), and log-normal factors correlate
    /// less than their logs, (e^{ρσₐσ_b} − 1)/√(vₐv_b). Undoing both can only raise ρ: the
    /// conservative side. Clamped to [0, 1].
    static func latentCorrelation(residual r: Double, sigma: (Double, Double), typical: (Double, Double)) -> Double {
        let va = exp(sigma.0 * sigma.0) - 1, vb = exp(sigma.1 * sigma.1) - 1
        guard va > 0, vb > 0, r > 0 else { return max(0, min(1, r)) }
        let dilution = ((1 + 1 / (va * max(typical.0, 1e-9))) * (1 + 1 / (vb * max(typical.1, 1e-9)))).squareRoot()
        let factors = min(1, r * dilution)
        return min(1, max(0, log(1 + factors * (va * vb).squareRoot()) / (sigma.0 * sigma.1)))
    }
}
