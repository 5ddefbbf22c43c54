/// Causes, not symptoms: one wrong figure breaks its own row's rules, its parent's
/// `X = sum(children.X)`, the grandparent's, and the next period's link to it. This pass over the
/// findings of a run attaches each such consequence to the finding it follows from (its root
/// cause) and gives each cause the list of its consequences, so that reports can lead with the
/// causes. Verdicts and severities are not touched: a consequence is still a real inconsistency
/// of its unit's figures; only the presentation groups it.
///
/// The edges, each from a consequence to the finding it follows from:
/// - **sum**: a failing rule that reads `sum(children.X)` at unit P, period T, and a failing
///   finding at a child of P in T that involves X (among its figures, likely-wrong fields or typo). Where several children qualify, the one the
///   parent's own localisation names (`likely_wrong: ["<child>.X"]`) wins, then one that
///   localises to X, then the most severe, then the first in the input. (A child's localisation
///   may name another figure of its row where either fix balances it; the parent's failing sum
///   on X says which it was.)
/// - **link**: a failing rule that reads `prev.X` at unit U, period T, and a failing finding at U
///   in the period before T that involves X.
/// - **same-row**: failing rule findings of one unit-period that localise to the same fields
///   (Fellegi–Holt gave them one explanation): the most severe, then the first, is the cause.
/// - **sum, carried**: a parent's failure of a rule whose columns all agree with the children's
///   sums (no sum rule on them fails there): its residual is the sum of its children's, so a
///   child failing the same rule (else one localised to a blamed column) is the cause — the
///   parent added the child's wrong figure into its own.
/// A parent's own typo hypothesis on a sum does not stop it being a consequence: where a child
/// is also wrong on X, the child's figure is the one its own rules contradict.
/// Edges go to a deeper level, an earlier period, or a finding with no edge of its own, so
/// following them ends; the cause recorded is the end of the chain (the root).
///
/// - Complexity: O(findings × children per parent), with hash maps by unit and period.
public enum Causes {
    /// At most this many consequences are listed on a cause (`consequenceCount` counts all).
    public static let listLimit = 20

    struct Links {
        var children: [String] = []
        var prev: [String] = []
    }

    /// Which columns each rule reads of its children and of its previous period.
    static func links(_ rules: RuleSet) -> [String: Links] {
        var out: [String: Links] = [:]
        for r in rules.rules {
            var l = Links()
            for e in [r.assert, r.when].compactMap({ $0 }) {
                e.visit { x in
                    switch x {
                    case .childSum(let c): if !l.children.contains(c) { l.children.append(c) }
                    case .prev(let c): if !l.prev.contains(c) { l.prev.append(c) }
                    default: break
                    }
                }
            }
            if !l.children.isEmpty || !l.prev.isEmpty { out[r.id] = l }
        }
        return out
    }

    private static func key(_ unit: String, _ period: String?) -> String { unit + "\t" + (period ?? "") }

    /// Can this finding be the cause of another: a failure (or worse) about figures of a unit.
    private static func canCause(_ f: Finding) -> Bool {
        f.kind != .detector && f.severity >= .fail && f.unitCode != nil && f.count == nil
    }

    /// Does `f` involve one of `cols`: among its figures, its localisation or its typo. (Its
    /// localisation may name another figure of its row where either fix balances it; the rule
    /// that fails downstream says which column was wrong.)
    private static func involves(_ f: Finding, _ cols: [String]) -> Bool {
        if let t = f.typo, cols.contains(t.field) { return true }
        if let lw = f.likelyWrong, lw.contains(where: cols.contains) { return true }
        return f.fields.contains(where: cols.contains)
    }

    private static func localises(_ f: Finding, _ cols: [String]) -> Bool {
        if let t = f.typo, cols.contains(t.field) { return true }
        return f.likelyWrong?.contains(where: cols.contains) ?? false
    }

    static func ref(_ f: Finding, relation: FindingRef.Relation? = nil) -> FindingRef {
        FindingRef(id: f.id, unitCode: f.unitCode, period: f.period, file: f.file, line: f.line, column: f.column,
                   relation: relation)
    }

    /// Attaches every consequence among `r.findings` to its root cause (see the type's comment).
    public static func attach(_ r: inout CheckResult, rules: RuleSet) {
        let fs = r.findings
        let n = fs.count
        guard n > 1 else { return }
        let links = links(rules)
        guard !links.isEmpty || fs.contains(where: { $0.likelyWrong?.isEmpty == false }) else { return }

        // Candidate causes by unit-period and by parent-period.
        var at: [String: [Int]] = [:]
        var under: [String: [Int]] = [:]
        for (i, f) in fs.enumerated() where canCause(f) {
            guard let u = f.unitCode else { continue }
            at[key(u, f.period), default: []].append(i)
            if case .success(let code) = UnitCode.parse(u), let p = code.parent {
                under[key(p.code, f.period), default: []].append(i)
            }
        }

        var direct = [[Int]](repeating: [], count: n)
        var relation = [FindingRef.Relation?](repeating: nil, count: n)

        /// The candidates that explain finding `i` on `cols`: the best per unit (named by the
        /// parent's localisation, then localising to `cols`, then the most severe, then the first).
        /// With `several` (children of one parent): the named child, else the one child that
        /// localises, else every child that localises, else every child involved.
        func pick(_ candidates: [Int], _ cols: [String], named: Set<String> = [], excluding i: Int, several: Bool) -> [Int] {
            var perUnit: [String: (k: Int, score: (Int, Int, Int))] = [:]
            var units: [String] = []
            for k in candidates where k != i && involves(fs[k], cols) {
                let f = fs[k], u = f.unitCode ?? ""
                let score = (named.contains(u) ? 1 : 0, localises(f, cols) ? 1 : 0, f.severity.rawValue)
                if let e = perUnit[u] {
                    if score > e.score { perUnit[u] = (k, score) }
                } else {
                    perUnit[u] = (k, score)
                    units.append(u)
                }
            }
            let all = units.compactMap { perUnit[$0] }.sorted { a, b in a.score != b.score ? a.score > b.score : a.k < b.k }
            guard let first = all.first else { return [] }
            if !several || first.score.0 == 1 { return [first.k] }
            let localising = all.filter { $0.score.1 == 1 }
            return (localising.isEmpty ? all : localising).map { $0.k }
        }

        for i in 0..<n {
            let f = fs[i]
            guard f.kind == .rule, f.severity > .info, f.count == nil, let unit = f.unitCode,
                  let l = links[f.id] else { continue }
            if !l.children.isEmpty, let kids = under[key(unit, f.period)] {
                // The parent's own localisation across the hierarchy names a child as `code.column`.
                let named = Set((f.likelyWrong ?? []).compactMap { lw -> String? in
                    guard let dot = lw.firstIndex(of: ".") else { return nil }
                    return String(lw[..<dot])
                })
                direct[i] = pick(kids, l.children, named: named, excluding: i, several: true)
                if !direct[i].isEmpty { relation[i] = .sum }
            }
            if direct[i].isEmpty, !l.prev.isEmpty, let p = f.period.flatMap(Period.parse),
               let before = at[key(unit, p.previous.description)] {
                direct[i] = pick(before, l.prev, excluding: i, several: false)
                if !direct[i].isEmpty { relation[i] = .link }
            }
        }

        // A parent that added its children's wrong figures into its own: every column of the
        // failing rule agrees with the sum over the children (no sum rule on them fails there),
        // so the parent's residual is the sum of its children's, and a child fails the same rule
        // (else one localised to a blamed column). The parent's failure is the children's carried
        // upwards. Likewise a parent's restatement (an input finding such as `row-revised`) of
        // figures its children restated too.
        let summed = Set(links.values.flatMap(\.children))
        var sumFails: Set<String> = []
        for f in fs where f.severity > .info {
            guard let u = f.unitCode, let l = links[f.id], !l.children.isEmpty else { continue }
            for c in l.children { sumFails.insert(key(u, f.period) + "\t" + c) }
        }
        for i in 0..<n where direct[i].isEmpty {
            let f = fs[i]
            guard f.kind != .detector, f.severity > .info, f.count == nil, let unit = f.unitCode, !f.fields.isEmpty,
                  let kids = under[key(unit, f.period)] else { continue }
            let pool: [Int]
            if f.kind == .input {
                pool = kids.filter { fs[$0].id == f.id && fs[$0].fields.contains(where: f.fields.contains) }
            } else {
                guard f.fields.allSatisfy({ summed.contains($0) && !sumFails.contains(key(unit, f.period) + "\t" + $0) })
                else { continue }
                let same = kids.filter { fs[$0].id == f.id }
                let blamed = f.typo.map { [$0.field] } ?? f.likelyWrong ?? f.fields
                pool = same.isEmpty ? kids.filter { localises(fs[$0], blamed) } : same
            }
            // Every child that failed the same way contributed to the parent's residual.
            var seen = Set<String>()
            direct[i] = pool.filter { $0 != i && seen.insert(fs[$0].unitCode ?? "").inserted }
            if !direct[i].isEmpty { relation[i] = .sum }
        }

        // Same row, same localisation: one explanation, one cause.
        for (_, list) in at {
            var groups: [[String]: Int] = [:]
            for i in list where direct[i].isEmpty && fs[i].kind == .rule {
                guard let lw = fs[i].likelyWrong, !lw.isEmpty else { continue }
                let g = lw.sorted()
                if let p = groups[g] {
                    if fs[i].severity > fs[p].severity {
                        groups[g] = i
                    }
                } else {
                    groups[g] = i
                }
            }
            for i in list where direct[i].isEmpty && fs[i].kind == .rule {
                guard let lw = fs[i].likelyWrong, !lw.isEmpty, let p = groups[lw.sorted()], p != i else { continue }
                direct[i] = [p]
                relation[i] = .sameRow
            }
        }

        // Roots: follow the edges to their ends (they cannot loop: each goes to a deeper level, an
        // earlier period, or a finding without edges; the depth bound is a guard).
        var rootsMemo = [[Int]?](repeating: nil, count: n)
        func roots(_ i: Int, depth: Int) -> [Int] {
            if let r = rootsMemo[i] { return r }
            guard !direct[i].isEmpty, depth < 10_000 else { rootsMemo[i] = [i]; return [i] }
            var out: [Int] = []
            for d in direct[i] { for r in roots(d, depth: depth + 1) where !out.contains(r) { out.append(r) } }
            rootsMemo[i] = out
            return out
        }
        var rootsOf = [[Int]](repeating: [], count: n)
        for i in 0..<n { rootsOf[i] = roots(i, depth: 0) }

        var consequences: [Int: [Int]] = [:]
        for i in 0..<n where rootsOf[i] != [i] { for c in rootsOf[i] { consequences[c, default: []].append(i) } }
        guard !consequences.isEmpty else { return }
        func level(_ f: Finding) -> Int {
            guard let u = f.unitCode, case .success(let c) = UnitCode.parse(u) else { return 9 }
            return c.level.rank
        }
        for (c, list) in consequences {
            let ordered = list.sorted { a, b in
                let fa = fs[a], fb = fs[b]
                if level(fa) != level(fb) { return level(fa) < level(fb) }
                if (fa.unitCode ?? "") != (fb.unitCode ?? "") { return (fa.unitCode ?? "") < (fb.unitCode ?? "") }
                let pa = fa.period.flatMap(Period.parse), pb = fb.period.flatMap(Period.parse)
                if let pa, let pb, pa != pb { return pa < pb }
                return a < b
            }
            r.findings[c].consequenceCount = ordered.count
            r.findings[c].consequences = ordered.prefix(listLimit).map { ref(fs[$0], relation: relation[$0]) }
        }
        for i in 0..<n where rootsOf[i] != [i] {
            let causes = rootsOf[i].map { ref(fs[$0], relation: relation[i]) }
            r.findings[i].causes = Array(causes.prefix(listLimit + 1))
        }
    }

    /// Unit-periods whose findings (above `info`) are all consequences of causes elsewhere (another
    /// unit, or another period of the same unit), keyed by unit code and period: the causes, the
    /// most severe finding's first. Their verdict "inherits" from them.
    public static func inherited(_ findings: [Finding]) -> [String: [FindingRef]] {
        var all: [String: (ok: Bool, worst: Severity, causes: [FindingRef])] = [:]
        for f in findings where f.severity > .info {
            guard let u = f.unitCode, f.count == nil else { continue }
            let k = key(u, f.period)
            var e = all[k] ?? (true, .info, [])
            if let c = f.causedBy, c.unitCode != u || c.period != f.period {
                let mine = [c] + f.alsoCausedBy
                let fresh = mine.filter { m in !e.causes.contains { $0.unitCode == m.unitCode && $0.period == m.period } }
                if f.severity > e.worst {
                    e.causes = fresh + e.causes
                    e.worst = f.severity
                } else {
                    e.causes += fresh
                }
            } else {
                e.ok = false
            }
            all[k] = e
        }
        var out: [String: [FindingRef]] = [:]
        for (k, e) in all where e.ok && !e.causes.isEmpty { out[k] = e.causes }
        return out
    }

    static func inheritedKey(_ unit: String, _ period: String?) -> String { key(unit, period) }
}
