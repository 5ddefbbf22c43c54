/// The canonical columns of the population-and-family-welfare report (SPEC.md §1).
///
/// The raw value is the canonical header name; `aliases` are the Chinese names
/// county staff use. Order here is the order `veto normalize` writes.
public enum Field: String, CaseIterable, Sendable, Codable, Comparable {
    case period, unit_code, unit_name
    case population
    case births, births_male, births_female, births_illegal, births_multi_outside_policy
    case multi_outside_policy_rate
    case ltc_women, ltc_reward_funds
    case reward_prev, reward_added, reward_exited, reward_total, reward_funds
    case special_prev, special_added, special_exited, special_total
    case special_added_disabled, special_added_death
    case special_total_disabled, special_total_death
    case special_funds
    case sskf_added, sskf_funds
    case women_contacted, technicians
    case villages, communities

    /// What a column holds, which decides how its cells are parsed.
    public enum Kind: Sendable, Equatable {
        case period, code, text
        case number(ColumnKind)
    }

    public var kind: Kind {
        switch self {
        case .period: .period
        case .unit_code: .code
        case .unit_name: .text
        case .ltc_reward_funds, .reward_funds, .special_funds, .sskf_funds: .number(.money)
        case .multi_outside_policy_rate: .number(.rate)
        default: .number(.count)
        }
    }

    public var numberKind: ColumnKind? {
        if case .number(let k) = kind { return k }
        return nil
    }

    /// Chinese names accepted for this column (SPEC.md lists "at least" these).
    public var aliases: [String] {
        switch self {
        case .period: ["年度", "年份", "期别", "年", "报告期"]
        case .unit_code: ["区划代码", "单位代码", "代码", "行政区划代码"]
        case .unit_name: ["单位名称", "单位", "乡镇", "名称", "乡镇名称", "地区"]
        case .population: ["常住人口", "总人口", "人口"]
        case .births: ["出生人数", "出生", "出生人口"]
        case .births_male: ["出生男", "出生男孩", "男"]
        case .births_female: ["出生女", "出生女孩", "女"]
        case .births_illegal: ["违法生育人数", "违法生育"]
        case .births_multi_outside_policy: ["政策外多孩人数", "政策外多孩"]
        case .multi_outside_policy_rate: ["政策外多孩率"]
        case .ltc_women: ["长效节育措施人数", "采取长效节育措施育龄妇女数", "长效节育措施育龄妇女数"]
        case .ltc_reward_funds: ["长效节育措施奖励金", "兑现长效节育措施奖励金"]
        case .reward_prev: ["奖励扶助上年人数"]
        case .reward_added: ["奖励扶助新增", "奖励扶助新增人数"]
        case .reward_exited: ["奖励扶助退出", "奖励扶助退出人数"]
        case .reward_total: ["奖励扶助人数", "奖励扶助共计"]
        case .reward_funds: ["奖励扶助资金", "奖励扶助配套资金", "应落实配套资金"]
        case .special_prev: ["特别扶助上年人数"]
        case .special_added: ["特别扶助新增", "特别扶助新增人数"]
        case .special_exited: ["特别扶助退出", "特别扶助退出人数"]
        case .special_total: ["特别扶助人数", "特别扶助共计"]
        case .special_added_disabled: ["新增伤残", "子女伤残"]
        case .special_added_death: ["新增死亡", "子女死亡"]
        case .special_total_disabled: ["伤残家庭人数", "伤残家庭"]
        case .special_total_death: ["死亡家庭人数", "死亡家庭"]
        case .special_funds: ["特别扶助资金", "应落实特别扶助资金"]
        case .sskf_added: ["少生快富新增", "少生快富人数"]
        case .sskf_funds: ["少生快富资金", "少生快富配套资金"]
        case .women_contacted: ["一对一联系育龄妇女", "联系育龄妇女"]
        case .technicians: ["专业技术人员"]
        case .villages: ["行政村", "行政村数"]
        case .communities: ["社区", "社区数"]
        }
    }

    /// Plain-language names used in messages.
    public var label: (zh: String, en: String) {
        (aliases.first ?? rawValue, rawValue.split(separator: "_").joined(separator: " "))
    }

    public static func < (a: Field, b: Field) -> Bool { a.order < b.order }

    /// Position in `allCases` (a jump table: rows index their cells by it on every access).
    var order: Int {
        switch self {
        case .period: 0
        case .unit_code: 1
        case .unit_name: 2
        case .population: 3
        case .births: 4
        case .births_male: 5
        case .births_female: 6
        case .births_illegal: 7
        case .births_multi_outside_policy: 8
        case .multi_outside_policy_rate: 9
        case .ltc_women: 10
        case .ltc_reward_funds: 11
        case .reward_prev: 12
        case .reward_added: 13
        case .reward_exited: 14
        case .reward_total: 15
        case .reward_funds: 16
        case .special_prev: 17
        case .special_added: 18
        case .special_exited: 19
        case .special_total: 20
        case .special_added_disabled: 21
        case .special_added_death: 22
        case .special_total_disabled: 23
        case .special_total_death: 24
        case .special_funds: 25
        case .sskf_added: 26
        case .sskf_funds: 27
        case .women_contacted: 28
        case .technicians: 29
        case .villages: 30
        case .communities: 31
        }
    }
}
