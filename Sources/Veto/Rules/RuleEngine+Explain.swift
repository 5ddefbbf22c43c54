extension RuleEngine {
    /// Figures a fabricator raises to claim more money or more beneficiaries.
    static let inflatable: Set<Field> = [
        .reward_added, .reward_total, .reward_funds,
        .special_added, .special_total, .special_added_disabled, .special_added_death,
        .special_total_disabled, .special_total_death, .special_funds,
        .sskf_added, .sskf_funds, .ltc_women, .ltc_reward_funds,
    ]

    /// Reliability weights for breaking ties between equally small sets of fields (higher is
    /// more reliable, so less likely to be the wrong one). Documented so that a tie is never
    /// broken at random, as Banff does:
    /// - an opening stock repeats a figure already accepted last period: 1.2;
    /// - additions, exits and their parts are counted case by case: 1.0;
    /// - closing stocks and money are the figures a report is judged by, and the ones raised
    ///   to claim more: 0.9;
    /// - anything else: 1.0.
    static func weight(_ f: Field) -> Double {
        switch f {
        case .reward_prev, .special_prev: 1.2
        case .reward_total, .special_total, .special_total_disabled, .special_total_death,
             .reward_funds, .special_funds, .sskf_funds, .ltc_reward_funds: 0.9
        default: 1.0
        }
    }

    /// Which field is wrong (Fellegi–Holt over every linear rule that applies to the row),
    /// whether one typo explains it, and whether the failure inflates money or people.
    /// `explainedByChild`: findings a child unit's typo already explains (left as they are).
    func explain(_ findings: inout [Finding], _ failing: [Rule], _ ctx: RowContext, explainedByChild: Set<Int> = []) {
        var constraints: [LinearConstraint] = []
        for rule in rules {
            switch outcome(rule, ctx) {
            case .holds, .fails:
                constraints += Evaluator(ctx, tolerance: rule.tolerance).constraints(rule.assert, rule: rule.id)
            default:
                continue
            }
        }
        guard !constraints.isEmpty else { return }
        var names = Set<String>()
        for c in constraints { for t in c.terms { names.insert(t.variable) } }
        let figures: [Figure] = names.sorted().compactMap { name in
            guard let f = Field(rawValue: name), let n = ctx.row.number(f) else { return nil }
            return Figure(name: name, reported: n, isCount: f.numberKind == .count, weight: Self.weight(f))
        }
        guard let solutions = Localizer.localize(figures, constraints, maxSize: 3), let best = solutions.first else { return }
        for k in findings.indices where !explainedByChild.contains(k) {
            let rule = failing[k]
            let ruleVariables = Set(constraints.filter { $0.rule == rule.id }.flatMap { $0.terms.map(\.variable) })
            guard !ruleVariables.isEmpty else { continue }   // not linear: nothing to localise
            findings[k].likelyWrong = best.fields
            if let t = best.typo, ruleVariables.contains(t.field) {
                findings[k].typo = t
            }
            // Veto only when the evidence is unambiguous: no typo explains it, and every smallest
            // fix lowers a money or beneficiary figure that was reported too high. A tie with a fix
            // that raises another figure (an addition left out) is an honest error as much as a padding.
            guard rule.inflates, best.typo == nil,
                  let f = Field(rawValue: best.fields[0]), ruleVariables.contains(best.fields[0]),
                  let reported = ctx.row.interval(f),
                  let range = Self.feasibleRange(f, ctx.row, constraints),
                  solutions.allSatisfy({ Self.lowersInflatedFigure($0, ctx.row, constraints) }) else { continue }
            findings[k].severity = .veto
            let shown = ctx.row.number(f).map { ExactDecimal($0).grouped() } ?? reported.lo.grouped()
            let zh = "（\(f.rawValue) 报告 \(shown)，其他数字只容许至多 \(range.hi.grouped(fractionDigits: 2))，且无法用笔误解释）"
            let en = " (\(f.rawValue) reported \(shown); the other figures allow at most \(range.hi.grouped(fractionDigits: 2)), and no typo explains it)"
            findings[k].message = Message(zh: findings[k].message.zh + zh, en: findings[k].message.en + en)
        }
    }

    /// A fix of one inflatable figure that was reported above every value the others allow.
    static func lowersInflatedFigure(_ s: Localization, _ row: Row, _ constraints: [LinearConstraint]) -> Bool {
        guard s.typo == nil, s.fields.count == 1, let f = Field(rawValue: s.fields[0]), inflatable.contains(f),
              let reported = row.interval(f), let range = feasibleRange(f, row, constraints) else { return false }
        return reported.lo > range.hi
    }

    /// The values `f` may take with every other figure of the row at its reported interval.
    static func feasibleRange(_ f: Field, _ row: Row, _ constraints: [LinearConstraint]) -> Interval? {
        var lo: ExactDecimal?, hi: ExactDecimal?
        for c in constraints {
            guard let coef = c.terms.first(where: { $0.variable == f.rawValue })?.coefficient, !coef.isZero else { continue }
            var rest = Interval(point: .zero)
            for t in c.terms where t.variable != f.rawValue {
                guard let g = Field(rawValue: t.variable), let v = row.interval(g) else { return nil }
                rest = rest + Evaluator.multiply(v, Interval(point: t.coefficient))
            }
            // c.lo ≤ coef·f + rest ≤ c.hi
            let bLo = c.lo.map { $0 - rest.hi }, bHi = c.hi.map { $0 - rest.lo }
            for (bound, isLower) in [(bLo, true), (bHi, false)] {
                guard let b = bound, let q = b.divided(by: coef, digits: 6) else { continue }
                // Dividing by a negative coefficient flips the side.
                let lower = (coef.signum > 0) == isLower
                if lower { lo = lo.map { max($0, q) } ?? q } else { hi = hi.map { min($0, q) } ?? q }
            }
        }
        guard lo != nil || hi != nil else { return nil }
        return Interval(lo: lo ?? ExactDecimal(mantissa: Int128(Int64.min), exponent: 0),
                        hi: hi ?? ExactDecimal(mantissa: Int128(Int64.max), exponent: 0))
    }
}
