/// The result of one rule on one row: three outcomes, as R's `validate` has them.
/// "Not checked" (an input is absent or unreadable) is never counted as "holds".
public enum RuleOutcome: Sendable, Equatable {
    case holds
    case notChecked(missing: [Field])
    case fails(Violation)
}

public struct Violation: Sendable, Equatable {
    /// What the figures imply for the target field, as an interval "lo..hi" or a condition.
    public var expected: String
    /// The target field as reported.
    public var actual: String
    public var message: Message
}

/// A rule over the figures of one row. The built-in handful below is written as data
/// (inputs, target, an evaluation) so that the rule engine can replace it rule by rule.
public struct RowRule: Sendable {
    public var id: String
    public var severity: Severity
    /// Every figure the rule reads.
    public var fields: [Field]
    /// The figure a finding points at (its column).
    public var target: Field
    /// What the rule checks, in both languages (for `veto explain` and reports).
    public var summary: Message
    let evaluate: @Sendable (Row) -> RuleOutcome

    public func check(_ row: Row) -> RuleOutcome { evaluate(row) }
}

extension RowRule {
    /// The rules of the foundation: part ≤ whole, parts sum to the whole, stock and flow,
    /// and a reward paid when women are reported eligible for it.
    public static let builtIn: [RowRule] = [
        partAtMostWhole("part.births_illegal", part: .births_illegal, whole: .births,
                        zh: "违法生育人数", en: "illegal births"),
        partAtMostWhole("part.births_multi_outside_policy", part: .births_multi_outside_policy, whole: .births,
                        zh: "政策外多孩人数", en: "births outside policy"),
        partsSum("sum.births_sex", parts: [.births_male, .births_female], whole: .births,
                 zh: "出生男 + 出生女 = 出生人数", en: "male + female births = births"),
        partsSum("sum.special_added", parts: [.special_added_disabled, .special_added_death], whole: .special_added,
                 zh: "新增伤残 + 新增死亡 = 特别扶助新增", en: "special support added: disabled + death = added"),
        partsSum("sum.special_total", parts: [.special_total_disabled, .special_total_death], whole: .special_total,
                 zh: "伤残家庭 + 死亡家庭 = 特别扶助人数", en: "special support total: disabled + death = total"),
        flow("flow.reward", prev: .reward_prev, added: .reward_added, exited: .reward_exited, total: .reward_total,
             zh: "奖励扶助", en: "reward support"),
        flow("flow.special", prev: .special_prev, added: .special_added, exited: .special_exited, total: .special_total,
             zh: "特别扶助", en: "special support"),
        paidWhenEligible("funds.ltc_reward_paid", count: .ltc_women, funds: .ltc_reward_funds),
    ]

    static func shown(_ row: Row, _ f: Field) -> String {
        guard let n = row.number(f) else { return "?" }
        return ExactDecimal(n).grouped()
    }

    /// Fields of `fs` the row lacks (absent column, not reported, or unreadable).
    static func missing(_ row: Row, _ fs: [Field]) -> [Field] { fs.filter { row.number($0) == nil } }

    static func partAtMostWhole(_ id: String, part: Field, whole: Field, zh: String, en: String) -> RowRule {
        RowRule(id: id, severity: .fail, fields: [part, whole], target: part,
                summary: Message(zh: "\(zh)不超过出生人数：\(part.rawValue) ≤ \(whole.rawValue)",
                                 en: "\(en) cannot exceed births: \(part.rawValue) ≤ \(whole.rawValue)")) { row in
            let m = missing(row, [part, whole])
            guard m.isEmpty, let p = row.interval(part), let w = row.interval(whole) else { return .notChecked(missing: m) }
            if p.canBeAtMost(w) { return .holds }
            return .fails(Violation(
                expected: "≤ \(w.hi)", actual: "\(ExactDecimal(row.number(part)!))",
                message: Message(zh: "\(zh) \(shown(row, part)) 超过了出生人数 \(shown(row, whole))",
                                 en: "\(en) \(shown(row, part)) exceed births \(shown(row, whole))")))
        }
    }

    static func partsSum(_ id: String, parts: [Field], whole: Field, zh: String, en: String) -> RowRule {
        RowRule(id: id, severity: .fail, fields: parts + [whole], target: whole,
                summary: Message(zh: zh, en: en)) { row in
            let m = missing(row, parts + [whole])
            guard m.isEmpty, let w = row.interval(whole) else { return .notChecked(missing: m) }
            let sum = parts.compactMap { row.interval($0) }.reduce(Interval(point: .zero), +)
            if sum.meets(w) { return .holds }
            let partsText = parts.map { shown(row, $0) }.joined(separator: " + ")
            return .fails(Violation(
                expected: sum.description, actual: "\(ExactDecimal(row.number(whole)!))",
                message: Message(zh: "\(zh)：\(partsText) = \(sum.isPoint ? sum.lo.grouped() : sum.description)，但报告为 \(shown(row, whole))",
                                 en: "\(en): \(partsText) = \(sum.isPoint ? sum.lo.grouped() : sum.description), but \(shown(row, whole)) is reported")))
        }
    }

    static func flow(_ id: String, prev: Field, added: Field, exited: Field, total: Field, zh: String, en: String) -> RowRule {
        RowRule(id: id, severity: .fail, fields: [prev, added, exited, total], target: total,
                summary: Message(zh: "\(zh)：上年人数 + 新增 − 退出 = 本年人数",
                                 en: "\(en): opening + added − exited = closing")) { row in
            let m = missing(row, [prev, added, exited, total])
            guard m.isEmpty, let p = row.interval(prev), let a = row.interval(added),
                  let x = row.interval(exited), let t = row.interval(total) else { return .notChecked(missing: m) }
            let implied = p + a - x
            if implied.meets(t) { return .holds }
            let text = "\(shown(row, prev)) + \(shown(row, added)) − \(shown(row, exited)) = \(implied.isPoint ? implied.lo.grouped() : implied.description)"
            return .fails(Violation(
                expected: implied.description, actual: "\(ExactDecimal(row.number(total)!))",
                message: Message(zh: "\(zh)：上年 \(text)，但报告本年人数为 \(shown(row, total))",
                                 en: "\(en): opening \(text), but the reported closing stock is \(shown(row, total))")))
        }
    }

    static func paidWhenEligible(_ id: String, count: Field, funds: Field) -> RowRule {
        RowRule(id: id, severity: .fail, fields: [count, funds], target: funds,
                summary: Message(zh: "有长效节育措施人数时，奖励金应大于 0",
                                 en: "a reward is paid when women are reported under the long-term contraception reward")) { row in
            let m = missing(row, [count, funds])
            guard m.isEmpty, let c = row.number(count), let f = row.interval(funds) else { return .notChecked(missing: m) }
            guard !c.isZero else { return .holds }   // the condition does not apply
            if f.canBePositive { return .holds }
            return .fails(Violation(
                expected: "> 0", actual: "\(ExactDecimal(row.number(funds)!))",
                message: Message(zh: "报告 \(shown(row, count)) 人采取长效节育措施，但兑现奖励金为 \(shown(row, funds)) 元",
                                 en: "\(shown(row, count)) women are reported under the long-term contraception reward, yet \(shown(row, funds)) yuan was paid")))
        }
    }
}

extension RowRule {
    /// When the opening stock alone is not reported, the figures still imply it; it must
    /// equal last period's closing stock (the same unit's previous row, when one is read).
    static func impliedOpening(_ row: Row, prev: Field, added: Field, exited: Field, total: Field) -> ExactDecimal? {
        guard row.number(prev) == nil, let a = row.number(added), let x = row.number(exited),
              let t = row.number(total) else { return nil }
        return ExactDecimal(t) - ExactDecimal(a) + ExactDecimal(x)
    }
}
