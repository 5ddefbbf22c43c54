// Which field is wrong: Fellegi–Holt error localisation over linear constraints, typo hypotheses,
// and the linear part of rule-file lint (SPEC.md "Findings and verdicts"; issue 4, items 6–7).
//
// A pure library: the rule evaluator turns a row's linear rules into `LinearConstraint`s and its
// reported figures into `Figure`s; this file says which figures to change.
//
// Semantics shared by every function here:
//
// * A figure that is not changed ("fixed") stands for the interval of its reported precision,
//   by the same rule as `Interval(reported:kind:)`: ±½ of the last written digit's place, except
//   counts written to the unit and zero counts or amounts, which are exact. It enters each
//   constraint independently, by interval arithmetic, exactly as the evaluator checks a rule: a
//   constraint holds when some values within the intervals satisfy it. So "every constraint holds"
//   here means the same as "every rule passes" in the evaluator.
// * A figure that is changed ("free") may take any value: any real number, or, for a count, any
//   integer ≥ 0.
// * A constraint naming a variable that is not among the figures is skipped, as the evaluator
//   treats a rule whose inputs are missing ("not checked"). Repeated terms are added up; of two
//   figures with the same name the first is used.
// * No binary floating point: all arithmetic is exact (Int128 rationals, overflow-checked).
//   `weight` and `cost` are Doubles only because they are user-supplied preferences.

/// lo ≤ Σ coefficient·variable ≤ hi  (either bound may be nil = unbounded). Equalities have
/// lo == hi or a small precision band. `rule` is the id of the rule it came from.
public struct LinearConstraint: Sendable, Equatable {
    public var terms: [(variable: String, coefficient: ExactDecimal)]
    public var lo: ExactDecimal?
    public var hi: ExactDecimal?
    public var rule: String

    public init(terms: [(variable: String, coefficient: ExactDecimal)], lo: ExactDecimal?, hi: ExactDecimal?, rule: String) {
        self.terms = terms
        self.lo = lo
        self.hi = hi
        self.rule = rule
    }

    /// Equal when the terms (in order), bounds and rule are equal.
    public static func == (a: LinearConstraint, b: LinearConstraint) -> Bool {
        guard a.lo == b.lo, a.hi == b.hi, a.rule == b.rule, a.terms.count == b.terms.count else { return false }
        for (x, y) in zip(a.terms, b.terms) where x.variable != y.variable || x.coefficient != y.coefficient {
            return false
        }
        return true
    }
}

/// A reported figure taking part in the constraints.
public struct Figure: Sendable {
    /// e.g. "reward_total", or "623021105000/2020/reward_total" for cross-row links.
    public var name: String
    /// Value and precision as written.
    public var reported: ReportedNumber
    /// Counts are integers ≥ 0 (a count written to the unit is exact).
    public var isCount: Bool
    /// Reliability: higher = more reliable = less likely to be the wrong one.
    public var weight: Double
    /// A rate in percent: a written zero then still carries its precision (`0%` is −0.5…0.5 %),
    /// as `ColumnKind.rate` does in `Interval(reported:kind:)`. Ignored for counts.
    public var isRate: Bool
    /// Written digits are exact (a column declared `exact`): no ±½ interval.
    public var exact: Bool

    public init(name: String, reported: ReportedNumber, isCount: Bool, weight: Double = 1, isRate: Bool = false, exact: Bool = false) {
        self.name = name
        self.reported = reported
        self.isCount = isCount
        self.weight = weight
        self.isRate = isRate
        self.exact = exact
    }

    /// The column kind whose precision rule applies.
    public var kind: ColumnKind { exact ? .number : (isCount ? .count : (isRate ? .rate : .money)) }
}

/// One way to make a row consistent: the figures to change.
public struct Localization: Sendable, Equatable {
    /// A minimum-cardinality set of figures to change, sorted by name.
    public var fields: [String]
    /// Set when ONE edit of ONE figure in this set makes every constraint hold.
    public var typo: TypoHypothesis?
    /// Σ weights of the set.
    public var cost: Double

    public init(fields: [String], typo: TypoHypothesis?, cost: Double) {
        self.fields = fields
        self.typo = typo
        self.cost = cost
    }
}

public enum Localizer {
    /// Fellegi–Holt error localisation: every minimum-cardinality set of figures (up to `maxSize`)
    /// whose values can be changed so that all constraints hold, the others keeping their reported
    /// values as intervals of their precision; counts stay integers ≥ 0.
    ///
    /// Ranked: sets explained by a typo first (see ``typos(_:_:)``), then lower cost (Σ weights),
    /// then by field names. Empty when all constraints already hold; nil when no set of at most
    /// `maxSize` figures works.
    ///
    /// Search and pruning (none of it loses a minimum-cardinality set):
    /// 1. Constraints split into independent components (figures linked by sharing a constraint).
    ///    A component none of whose constraints is violated needs no change, and a change there
    ///    helps nothing else, so only components with a violated constraint are searched, each on
    ///    its own; the answer is every combination of their minimum sets (sizes add up).
    /// 2. Within a component, a set must contain a figure of every violated constraint (a
    ///    constraint whose figures all keep their values stays violated).
    /// 3. Split a set S into groups linked by shared constraints. Each group is checked on the
    ///    constraints touching it alone (groups share no constraint and fixed figures enter each
    ///    constraint independently, so S works iff every group does and every violated constraint
    ///    is touched). A group that touches no violated constraint could be left unchanged — its
    ///    constraints held before — so a minimum set has none: every member is within k − 1 links
    ///    of a figure of a violated constraint, and only those figures are candidates for size k.
    /// 4. Sizes are tried in increasing order; group verdicts are memoised.
    ///
    /// Integer counts: see ``isFeasible(_:_:free:)``. If exact arithmetic would overflow Int128,
    /// the set is taken as feasible (conservative: the set is reported, never lost).
    public static func localize(_ figures: [Figure], _ constraints: [LinearConstraint], maxSize: Int = 3) -> [Localization]? {
        let p = Prepared(figures, constraints)
        guard p.violated.contains(true) else { return [] }
        // A violated constraint with no figure in it can never be fixed.
        for (i, c) in p.cons.enumerated() where p.violated[i] && c.vars.isEmpty { return nil }

        // Components over the figures of the constraints.
        var parent = Array(0..<p.figures.count)
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
            return x
        }
        for c in p.cons {
            for v in c.vars.dropFirst() { parent[find(v)] = find(c.vars[0]) }
        }
        var violatedRoots: [Int] = []
        for (i, c) in p.cons.enumerated() where p.violated[i] {
            let r = find(c.vars[0])
            if !violatedRoots.contains(r) { violatedRoots.append(r) }
        }
        var perComponent: [[[Int]]] = []
        var used = 0
        for (n, root) in violatedRoots.enumerated() {
            let budget = maxSize - used - (violatedRoots.count - n - 1)
            guard budget >= 1 else { return nil }
            let members = p.figures.indices.filter { find($0) == root && !p.consOf[$0].isEmpty }
            guard let sets = p.minimumSets(component: members, maxSize: budget) else { return nil }
            perComponent.append(sets)
            used += sets[0].count
        }

        // Every combination of the components' minimum sets.
        var combos: [[Int]] = [[]]
        for sets in perComponent {
            combos = combos.flatMap { base in sets.map { base + $0 } }
        }
        let typos = typos(p)
        var out: [Localization] = combos.map { set in
            let names = set.map { p.figures[$0].name }.sorted()
            let cost = set.reduce(0.0) { $0 + p.figures[$1].weight }
            let typo = typos.first { names.contains($0.field) }
            return Localization(fields: names, typo: typo, cost: cost)
        }
        out.sort { a, b in
            if (a.typo != nil) != (b.typo != nil) { return a.typo != nil }
            if a.cost != b.cost { return a.cost < b.cost }
            return a.fields.lexicographicallyPrecedes(b.fields)
        }
        return out
    }

    /// Whether the constraints can all hold when exactly the figures named in `free` may change
    /// (the others at their reported intervals; free counts integers ≥ 0, other free figures any
    /// real number). Names in `free` that are not figures are ignored.
    ///
    /// Exact Fourier–Motzkin elimination over the rationals (equalities substituted first), the
    /// free non-count figures eliminated first. Integrality of counts: rows over counts only are
    /// rounded (every integer point keeps satisfying them), which makes one free count exact.
    /// With two or more free counts an integer point is then searched for: the count with the
    /// smallest finite range is enumerated and the rest solved recursively; a region unbounded in
    /// every count holds an integer point for two counts (exact) and is assumed to for three or
    /// more. Beyond 10,000 enumerated values the answer is "feasible". So: exact for ≤ 2 free
    /// counts with ranges under 10,000, conservative ("feasible") otherwise. An Int128 overflow
    /// also answers "feasible" (it does not happen with reported figures of ≤ 18 digits and
    /// coefficients of a few digits).
    public static func isFeasible(_ figures: [Figure], _ constraints: [LinearConstraint], free: Set<String>) -> Bool {
        let p = Prepared(figures, constraints)
        let vars = p.figures.indices.filter { free.contains(p.figures[$0].name) }
        let touched = Set(vars.flatMap { p.consOf[$0] })
        for (i, v) in p.violated.enumerated() where v && !touched.contains(i) { return false }
        return p.groupFeasible(vars)
    }

    /// Every single edit of a single figure — two adjacent digits swapped, a 万/元 slip (×10⁴ or
    /// ÷10⁴, money only), a dropped digit (any digit inserted anywhere in the integer part), a
    /// doubled digit (one of two equal neighbours removed), a sign flip — after which ALL
    /// constraints hold (the corrected figure at the precision it is then written with, the
    /// others at their reported intervals).
    ///
    /// Sorted by kind (swap, wan-yuan, dropped-digit, doubled-digit, sign), then field name, then
    /// corrected value. Empty when all constraints already hold. A corrected count must be a
    /// whole number ≥ 0. See `TypoEdits` for how digits and the decimal point are treated.
    public static func typos(_ figures: [Figure], _ constraints: [LinearConstraint]) -> [TypoHypothesis] {
        typos(Prepared(figures, constraints))
    }

    static func typos(_ p: Prepared) -> [TypoHypothesis] {
        let violated = p.cons.indices.filter { p.violated[$0] }
        guard !violated.isEmpty else { return [] }
        // Only a figure in every violated constraint can fix them all.
        var candidates = Set(p.cons[violated[0]].vars)
        for i in violated.dropFirst() { candidates.formIntersection(p.cons[i].vars) }

        var found: [(kind: Int, field: String, value: ExactDecimal, hypothesis: TypoHypothesis)] = []
        for v in candidates {
            let f = p.figures[v]
            var seen = Set<String>()
            for edit in TypoEdits.edits(of: f.reported, isCount: f.isCount, isRate: f.isRate) {
                let value = ExactDecimal(edit.value)
                let corrected = value.description
                guard seen.insert("\(edit.kind)|\(corrected)").inserted else { continue }
                guard p.holdsAll(replacing: v, with: Interval(reported: edit.value, kind: f.kind)) else { continue }
                found.append((edit.kind, f.name, value,
                              TypoHypothesis(field: f.name, kind: TypoEdits.kindNames[edit.kind], corrected: corrected)))
            }
        }
        found.sort { a, b in
            if a.kind != b.kind { return a.kind < b.kind }
            if a.field != b.field { return a.field < b.field }
            if a.value != b.value { return a.value < b.value }
            return a.hypothesis.corrected < b.hypothesis.corrected
        }
        return found.map(\.hypothesis)
    }
}

/// The linear part of rule-file lint, like validatetools' `is_infeasible` and
/// `detect_redundancy`: every variable free (real; those in `nonNegative` ≥ 0), no reported values.
///
/// Integrality is relaxed to the reals here: a rule that could only fail at a fractional point is
/// reported as able to fail (the conservative side for "never fails"). An Int128 overflow or a
/// system too large to eliminate (> 20,000 rows) answers `true` (satisfiable / can fail): lint
/// then stays silent rather than raise a false alarm. Constraints with lo > hi are unsatisfiable.
public enum LinearLint {
    /// Whether some assignment satisfies every constraint.
    public static func isSatisfiable(_ constraints: [LinearConstraint], nonNegative: Set<String>) -> Bool {
        satisfiable(constraints, extra: nil, nonNegative: nonNegative)
    }

    /// Whether constraint `k` can fail while all the others hold: (others ∧ ¬k) is satisfiable,
    /// where ¬(lo ≤ e ≤ hi) is e < lo ∨ e > hi. A constraint without bounds never fails.
    public static func canFail(_ k: Int, in constraints: [LinearConstraint], nonNegative: Set<String>) -> Bool {
        guard constraints.indices.contains(k) else { return false }
        var others = constraints
        let c = others.remove(at: k)
        if let lo = c.lo {
            // e < lo  ⇔  −e > −lo: write it as the strict row Σ c·x < lo.
            if satisfiable(others, extra: (c.terms, lo, below: true), nonNegative: nonNegative) { return true }
        }
        if let hi = c.hi {
            if satisfiable(others, extra: (c.terms, hi, below: false), nonNegative: nonNegative) { return true }
        }
        return false
    }

    private static func satisfiable(_ constraints: [LinearConstraint],
                                    extra: (terms: [(variable: String, coefficient: ExactDecimal)], bound: ExactDecimal, below: Bool)?,
                                    nonNegative: Set<String>) -> Bool {
        var names: [String] = []
        var index: [String: Int] = [:]
        func idx(_ s: String) -> Int {
            if let i = index[s] { return i }
            index[s] = names.count
            names.append(s)
            return names.count - 1
        }
        for c in constraints { for t in c.terms { _ = idx(t.variable) } }
        if let e = extra { for t in e.terms { _ = idx(t.variable) } }
        for n in nonNegative.sorted() where index[n] != nil { _ = idx(n) }
        let n = names.count
        do throws(FMOverflow) {
            var rows: [FMRow] = []
            func coefficients(_ terms: [(variable: String, coefficient: ExactDecimal)]) throws(FMOverflow) -> [FMRational] {
                var a = [FMRational](repeating: .zero, count: n)
                for t in terms {
                    guard let i = index[t.variable] else { continue }
                    a[i] = try a[i] + FMRational(t.coefficient)
                }
                return a
            }
            for c in constraints {
                let a = try coefficients(c.terms)
                let negA = try a.map { (x) throws(FMOverflow) in try -x }
                if let lo = c.lo, let hi = c.hi, lo == hi {
                    rows.append(try FMRow.make(a, try FMRational(lo), .eq))
                    continue
                }
                if let lo = c.lo { rows.append(try FMRow.make(negA, try -(try FMRational(lo)), .le)) }
                if let hi = c.hi { rows.append(try FMRow.make(a, try FMRational(hi), .le)) }
            }
            if let e = extra {
                let a = try coefficients(e.terms)
                if e.below {
                    rows.append(try FMRow.make(a, try FMRational(e.bound), .lt))
                } else {
                    let negA = try a.map { (x) throws(FMOverflow) in try -x }
                    rows.append(try FMRow.make(negA, try -(try FMRational(e.bound)), .lt))
                }
            }
            for name in nonNegative {
                guard let i = index[name] else { continue }
                var a = [FMRational](repeating: .zero, count: n)
                a[i] = FMRational(integer: -1)
                rows.append(try FMRow.make(a, .zero, .le))
            }
            // Independent blocks (no shared variable) are solved apart: far fewer rows.
            var parent = Array(0..<n)
            func find(_ x: Int) -> Int {
                var x = x
                while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
                return x
            }
            for r in rows {
                let vs = r.a.indices.filter { r.a[$0].signum() != 0 }
                for v in vs.dropFirst() { parent[find(v)] = find(vs[0]) }
            }
            var blocks: [Int: [FMRow]] = [:]
            var constant: [FMRow] = []
            for r in rows {
                if let v = r.a.firstIndex(where: { $0 != 0 }) { blocks[find(v), default: []].append(r) } else { constant.append(r) }
            }
            guard try FMSystem.clean(constant, []) != nil else { return false }
            for block in blocks.values {
                let used = (0..<n).filter { v in block.contains { $0.a[v] != 0 } }
                let compact = block.map { r in FMRow(a: used.map { r.a[$0] }, b: r.b, rel: r.rel) }
                var solver = FMSolver(isInt: [Bool](repeating: false, count: used.count))
                if !(try solver.feasible(compact)) { return false }
            }
            return true
        } catch {
            return true
        }
    }
}

// MARK: - Shared preparation

/// Figures and constraints in exact form: each constraint's terms with the interval each fixed
/// figure contributes, and which constraints are violated as reported.
struct Prepared {
    struct Term {
        var v: Int
        var coefficient: FMRational
        var min: FMRational     // least of coefficient × the figure's interval
        var max: FMRational
    }
    struct Constraint {
        var terms: [Term]
        var vars: [Int]         // distinct figure indices, ascending
        var lo: FMRational?
        var hi: FMRational?
        var sumMin: FMRational  // Σ term min over all terms (everything fixed)
        var sumMax: FMRational
        var overflow: Bool      // exact arithmetic overflowed: treated as holding, never checked
    }

    var figures: [Figure] = []
    var intervals: [Interval] = []
    var cons: [Constraint] = []
    var consOf: [[Int]] = []     // constraint indices per figure
    var violated: [Bool] = []

    init(_ figs: [Figure], _ constraints: [LinearConstraint]) {
        var index: [String: Int] = [:]
        for f in figs where index[f.name] == nil {
            index[f.name] = figures.count
            figures.append(f)
            intervals.append(Interval(reported: f.reported, kind: f.kind))
        }
        consOf = Array(repeating: [], count: figures.count)
        for c in constraints {
            guard c.terms.allSatisfy({ index[$0.variable] != nil }) else { continue }  // not checked
            let built: Constraint
            do throws(FMOverflow) {
                var coef: [Int: FMRational] = [:]
                for t in c.terms {
                    guard let v = index[t.variable] else { continue }
                    coef[v] = try (coef[v] ?? .zero) + FMRational(t.coefficient)
                }
                var terms: [Term] = []
                var smin = FMRational.zero, smax = FMRational.zero
                for (v, k) in coef.sorted(by: { $0.key < $1.key }) where k.num != 0 {
                    let a = try k * FMRational(intervals[v].lo), b = try k * FMRational(intervals[v].hi)
                    let (mn, mx) = k.num > 0 ? (a, b) : (b, a)
                    terms.append(Term(v: v, coefficient: k, min: mn, max: mx))
                    smin = try smin + mn
                    smax = try smax + mx
                }
                built = Constraint(terms: terms, vars: terms.map(\.v),
                                   lo: try c.lo.map { (x) throws(FMOverflow) in try FMRational(x) },
                                   hi: try c.hi.map { (x) throws(FMOverflow) in try FMRational(x) },
                                   sumMin: smin, sumMax: smax, overflow: false)
            } catch {
                let vars = Array(Set(c.terms.compactMap { index[$0.variable] })).sorted()
                built = Constraint(terms: [], vars: vars, lo: nil, hi: nil, sumMin: .zero, sumMax: .zero, overflow: true)
            }
            for v in built.vars { consOf[v].append(cons.count) }
            cons.append(built)
        }
        violated = cons.map { !Prepared.holds($0, min: $0.sumMin, max: $0.sumMax) }
    }

    /// lo ≤ [min, max] ≤ hi can meet. Overflowed constraints hold.
    static func holds(_ c: Constraint, min: FMRational, max: FMRational) -> Bool {
        if c.overflow { return true }
        do throws(FMOverflow) {
            if let lo = c.lo, try FMRational.less(max, lo) { return false }
            if let hi = c.hi, try FMRational.less(hi, min) { return false }
            if let lo = c.lo, let hi = c.hi, try FMRational.less(hi, lo) { return false }
            return true
        } catch {
            return true
        }
    }

    /// Every constraint holds with figure `v` standing for `interval` instead of its own.
    func holdsAll(replacing v: Int, with interval: Interval) -> Bool {
        for i in cons.indices where violated[i] && !consOf[v].contains(i) { return false }
        for i in consOf[v] {
            let c = cons[i]
            if c.overflow { continue }
            guard let t = c.terms.first(where: { $0.v == v }) else { continue }
            do throws(FMOverflow) {
                let a = try t.coefficient * FMRational(interval.lo), b = try t.coefficient * FMRational(interval.hi)
                let (mn, mx) = t.coefficient.num > 0 ? (a, b) : (b, a)
                let smin = try c.sumMin - t.min + mn
                let smax = try c.sumMax - t.max + mx
                if !Prepared.holds(c, min: smin, max: smax) { return false }
            } catch {
                continue
            }
        }
        return true
    }

    /// The constraints touching `group` can all hold when exactly the figures in `group` change.
    /// Constraints not touching it are not looked at.
    func groupFeasible(_ group: [Int]) -> Bool {
        let local = Dictionary(uniqueKeysWithValues: group.enumerated().map { ($1, $0) })
        let isInt = group.map { figures[$0].isCount }
        var touched = Set<Int>()
        for v in group { touched.formUnion(consOf[v]) }
        do throws(FMOverflow) {
            var rows: [FMRow] = []
            for i in touched.sorted() {
                let c = cons[i]
                if c.overflow { continue }
                var a = [FMRational](repeating: .zero, count: group.count)
                var smin = c.sumMin, smax = c.sumMax
                for t in c.terms {
                    guard let j = local[t.v] else { continue }
                    a[j] = t.coefficient
                    smin = try smin - t.min
                    smax = try smax - t.max
                }
                // lo ≤ Σfree + [smin, smax] ≤ hi  ⇔  lo − smax ≤ Σfree ≤ hi − smin.
                let lo = try c.lo.map { (x) throws(FMOverflow) in try x - smax }
                let hi = try c.hi.map { (x) throws(FMOverflow) in try x - smin }
                if let l = lo, let h = hi, l == h {
                    rows.append(try FMRow.make(a, l, .eq))
                    continue
                }
                if let l = lo {
                    rows.append(try FMRow.make(try a.map { (x) throws(FMOverflow) in try -x }, try -l, .le))
                }
                if let h = hi { rows.append(try FMRow.make(a, h, .le)) }
            }
            for (j, v) in group.enumerated() where figures[v].isCount {
                var a = [FMRational](repeating: .zero, count: group.count)
                a[j] = FMRational(integer: -1)
                rows.append(try FMRow.make(a, .zero, .le))
            }
            var solver = FMSolver(isInt: isInt)
            return try solver.feasible(rows)
        } catch {
            return true
        }
    }

    /// All minimum-cardinality sets (≤ maxSize) for one component; nil when none.
    func minimumSets(component: [Int], maxSize: Int) -> [[Int]]? {
        let n = component.count
        guard n > 0 else { return nil }
        let pos = Dictionary(uniqueKeysWithValues: component.enumerated().map { ($1, $0) })
        // Local adjacency (share a constraint) and violated-constraint membership.
        var adj = [Bool](repeating: false, count: n * n)
        var violatedOf: [[Int]] = Array(repeating: [], count: n)
        var violatedList: [Int] = []
        for (i, c) in cons.enumerated() {
            guard let first = c.vars.first, pos[first] != nil else { continue }
            let ls = c.vars.compactMap { pos[$0] }
            for x in ls { for y in ls { adj[x * n + y] = true } }
            if violated[i] {
                for x in ls { violatedOf[x].append(violatedList.count) }
                violatedList.append(i)
            }
        }
        // Distance (in links) from the figures of violated constraints.
        var dist = [Int](repeating: Int.max, count: n)
        var frontier: [Int] = []
        for x in 0..<n where !violatedOf[x].isEmpty { dist[x] = 0; frontier.append(x) }
        var d = 0
        while !frontier.isEmpty && d < maxSize - 1 {
            d += 1
            var next: [Int] = []
            for x in frontier {
                for y in 0..<n where adj[x * n + y] && dist[y] == Int.max { dist[y] = d; next.append(y) }
            }
            frontier = next
        }

        var memo: [[Int]: Bool] = [:]
        var hit = [Int](repeating: 0, count: violatedList.count)
        var stamp = 0
        var groupOf = [Int](repeating: 0, count: maxSize)

        for k in 1...maxSize {
            // Candidates for size k: within k − 1 links of a violated constraint.
            let cand = (0..<n).filter { dist[$0] <= k - 1 }
            guard cand.count >= k else { continue }
            var found: [[Int]] = []
            var chosen: [Int] = []

            func check() {
                // (a) every violated constraint touched.
                stamp += 1
                var touched = 0
                for x in chosen {
                    for c in violatedOf[x] where hit[c] != stamp { hit[c] = stamp; touched += 1 }
                }
                guard touched == violatedList.count else { return }
                // Groups: connected pieces of the chosen set.
                for i in chosen.indices { groupOf[i] = i }
                func root(_ i: Int) -> Int { var i = i; while groupOf[i] != i { i = groupOf[i] }; return i }
                for i in chosen.indices {
                    for j in chosen.indices where j > i && adj[chosen[i] * n + chosen[j]] {
                        let a = root(i), b = root(j)
                        if a != b { groupOf[max(a, b)] = min(a, b) }
                    }
                }
                var groups: [Int: [Int]] = [:]
                for i in chosen.indices { groups[root(i), default: []].append(chosen[i]) }
                // (b) every group touches a violated constraint (else the set is not minimum).
                for g in groups.values where !g.contains(where: { !violatedOf[$0].isEmpty }) { return }
                // (c) every group feasible on its own constraints.
                for g in groups.values {
                    let global = g.map { component[$0] }.sorted()
                    let ok: Bool
                    if let m = memo[global] { ok = m } else { ok = groupFeasible(global); memo[global] = ok }
                    if !ok { return }
                }
                found.append(chosen.map { component[$0] })
            }

            func choose(_ start: Int) {
                if chosen.count == k { check(); return }
                var i = start
                while i <= cand.count - (k - chosen.count) {
                    chosen.append(cand[i])
                    choose(i + 1)
                    chosen.removeLast()
                    i += 1
                }
            }
            choose(0)
            if !found.isEmpty { return found }
        }
        return nil
    }
}
