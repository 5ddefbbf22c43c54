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

        var direct = [Int?](repeating: nil, count: n)
        var relation = [FindingRef.Relation?](repeating: nil, count: n)

        func best(_ candidates: [Int], _ cols: [String], named: Set<String>, excluding i: Int) -> Int? {
            var pick: Int?
            var pickScore = (0, 0, 0)
            for k in candidates where k != i && involves(fs[k], cols) {
                let f = fs[k]
                let isNamed = named.contains(f.unitCode ?? "") ? 1 : 0
                let score = (isNamed, localises(f, cols) ? 1 : 0, f.severity.rawValue)
                if pick == nil || score > pickScore {
                    pick = k
                    pickScore = score
                }
            }
            return pick
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
                if let k = best(kids, l.children, named: named, excluding: i) {
                    direct[i] = k
                    relation[i] = .sum
                }
            }
            if direct[i] == nil, !l.prev.isEmpty, let p = f.period.flatMap(Period.parse),
               let before = at[key(unit, p.previous.description)] {
                if let k = best(before, l.prev, named: [], excluding: i) {
                    direct[i] = k
                    relation[i] = .link
                }
            }
        }

        // A parent that added its children's wrong figures into its own: every column of the
        // failing rule agrees with the sum over the children (no sum rule on them fails there),
        // so the parent's residual is the sum of its children's, and a child fails the same rule
        // (or blames one of those columns). The parent's failure is the children's carried upwards.
        let summed = Set(links.values.flatMap(\.children))
        var sumFails: Set<String> = []
        for f in fs where f.severity > .info {
            guard let u = f.unitCode, let l = links[f.id], !l.children.isEmpty else { continue }
            for c in l.children { sumFails.insert(key(u, f.period) + "\t" + c) }
        }
        for i in 0..<n where direct[i] == nil {
            let f = fs[i]
            guard f.kind == .rule, f.severity > .info, f.count == nil, let unit = f.unitCode, !f.fields.isEmpty,
                  let kids = under[key(unit, f.period)],
                  f.fields.allSatisfy({ summed.contains($0) && !sumFails.contains(key(unit, f.period) + "\t" + $0) })
            else { continue }
            let same = kids.filter { fs[$0].id == f.id }
            let blamed = f.typo.map { [$0.field] } ?? f.likelyWrong ?? f.fields
            let pool = same.isEmpty ? kids.filter { localises(fs[$0], blamed) } : same
            if let k = best(pool, f.fields, named: [], excluding: i) ?? pool.first(where: { $0 != i }) {
                direct[i] = k
                relation[i] = .sum
            }
        }

        // Same row, same localisation: one explanation, one cause.
        for (_, list) in at {
            var groups: [[String]: Int] = [:]
            for i in list where direct[i] == nil && fs[i].kind == .rule {
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
            for i in list where direct[i] == nil && fs[i].kind == .rule {
                guard let lw = fs[i].likelyWrong, !lw.isEmpty, let p = groups[lw.sorted()], p != i else { continue }
                direct[i] = p
                relation[i] = .sameRow
            }
        }

        // Roots: follow the edges to their end (they cannot loop; the bound is a guard).
        var root = [Int](repeating: -1, count: n)
        for i in 0..<n {
            var j = i
            var steps = 0
            while let d = direct[j], steps < n {
                if root[d] >= 0 { j = root[d]; break }
                j = d
                steps += 1
            }
            root[i] = j
        }

        var consequences: [Int: [Int]] = [:]
        for i in 0..<n where root[i] != i { consequences[root[i], default: []].append(i) }
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
            for i in list { r.findings[i].causedBy = ref(fs[c], relation: relation[i]) }
        }
    }

    /// Unit-periods whose findings (above `info`) are all consequences of a cause elsewhere (another
    /// unit, or another period of the same unit), keyed by unit code and period: the cause of their
    /// most severe finding. Their verdict "inherits" from it.
    public static func inherited(_ findings: [Finding]) -> [String: FindingRef] {
        var all: [String: (ok: Bool, worst: Severity, cause: FindingRef?)] = [:]
        for f in findings where f.severity > .info {
            guard let u = f.unitCode, f.count == nil else { continue }
            let k = key(u, f.period)
            var e = all[k] ?? (true, .info, nil)
            if let c = f.causedBy, c.unitCode != u || c.period != f.period {
                if e.cause == nil || f.severity > e.worst { e.cause = c; e.worst = f.severity }
            } else {
                e.ok = false
            }
            all[k] = e
        }
        var out: [String: FindingRef] = [:]
        for (k, e) in all where e.ok { if let c = e.cause { out[k] = c } }
        return out
    }

    static func inheritedKey(_ unit: String, _ period: String?) -> String { key(unit, period) }
}
