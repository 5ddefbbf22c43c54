/// `veto explain forensic.KIND`: what each detector tests, where it does not apply, and which
/// columns the rule set turns it on for.
extension Explain {
    public static let detectorFindings: [(id: String, en: String, zh: String)] = [
        ("forensic.implausible-zero",
         "Zeros where the exposure makes none improbable: a township whose villages report no event in any period while the other townships' rate in the same periods, times its own exposure, expects many. Units' true rates differ, so the chance of none is taken under a log-normal mixture of Poisson rates whose spread is estimated from the other townships, the one under test left out (a township with a low true rate is not accused). A township zero in several columns is one test: the chance that all are zero together, the columns' rates as correlated as the other townships allow. Not applicable below 3 expected events; counts towards veto from 10 expected.",
         "报告为 0 而按暴露量不太可能为 0：某乡镇所有村在所有期别均无此类事件，而按其他乡镇同期比率乘以其自身暴露量应有多例。各单位真实比率不同，故一例都没有的概率按对数正态混合泊松计算，离散程度由其他乡镇的数据估计，不含被检验的乡镇（真实比率低的乡镇不会因此被指认）。多列同时为 0 时合为一项检验：各列同时为 0 的概率，各列比率的相关程度按其他乡镇数据所允许的上限计。预期不足 3 例时不适用；预期 10 例以上才计入否决证据。"),
        ("forensic.underdispersion",
         "Counts across a township's villages, period by period, that follow their exposure more closely than Poisson chance allows (X² = Σ(x − np̂)²/(np̂), lower tail of χ²): invented figures are too smooth, genuine ones usually over-dispersed. Not applicable below 6 degrees of freedom; effect gate X²/df < 0.3.",
         "同一乡镇各村的计数逐期与其暴露量的比例过于一致，超出泊松随机波动允许的范围（X² 的 χ² 下尾）：编造的数字过于平滑，真实数据通常过度离散。自由度不足 6 时不适用；效应门槛 X²/df < 0.3。"),
        ("forensic.sex-ratio",
         "Births by sex against 105 boys per 100 girls: the exact binomial test of a township's totals (from 100 births), and the lower tail of X² across its unit-periods with 5 births or more (every village at 51.5 % boys is itself improbable).",
         "按 105:100 检验出生性别：乡镇合计的精确二项检验（出生 100 人以上），以及出生不少于 5 人的各单位-期别 X² 的下尾（每个村都恰为 51.5% 男孩本身就不太可能）。"),
        ("forensic.duplicate-rows",
         "The same block of figures under two villages of a township in one period (copied), or under one village in consecutive periods (frozen). The chance of the match comes from the fields' own distributions in the run (how often each figure stays the same, by size; Σp² of its values), not a fixed share; every comparison made counts in the multiplicity correction.",
         "同一期别同一乡镇的两个村报告完全相同的一组数字（复制），或同一村相邻两期完全相同（冻结）。巧合的概率由本次数据中各项数字自身的分布计算（按数值大小统计逐年不变的比例；各取值的 Σp²），而非固定比例；每一次比较都计入多重检验校正。"),
        ("forensic.threshold-bunching",
         "Rates piling up just on the good side of a target given in `targets:` (e.g. multi_outside_policy_rate at_most 5; below/above are strict, at_most/at_least let the bound pass): unit-periods just passing against just failing, each weighted by its binomial probabilities at the rate of the township's other units in that period (leave-one-out) (the exact-threshold test, calibrated for small denominators); without the rate's counts, the window test on [c − 1, c) against [c, c + 1). Not applicable with fewer than 10 unit-periods in the two cells.",
         "比率堆积在目标（`targets:`，如政策外多孩率不高于 5，即 at_most；below/above 不含边界值）的达标一侧：恰好达标与恰好未达标的单位-期别之比，按本乡镇当期其他单位的比率（留一法）下的二项概率加权（精确阈值检验，适用于小分母）；没有计数时，对比率本身做 [c−1, c) 与 [c, c+1) 的窗口检验。两侧合计不足 10 个时不适用。"),
        ("forensic.last-digit",
         "Final digits of values of at least 100 against uniform (χ², 9 df): smaller values' last digits are not uniform (Benford's second-digit law, small Poisson counts), so they are left out. Needs 50 values per township and column; money that is count × standard is not tested (its digits are the standard's).",
         "不小于 100 的数值的末位数字是否均匀（χ²，自由度 9）：较小数值的末位本就不均匀，不参与检验。每个乡镇每列至少 50 个数值；人数乘标准得到的金额不检验（其末位取决于标准）。"),
        ("forensic.rounding",
         "Heaping on round numbers: the share of values of at least 100 ending in 0 or 5 against 20 %, and of values of at least 1000 ending in 00 against 1 % (one-sided binomial).",
         "取整堆积：不小于 100 的数值以 0 或 5 结尾的比例（应约 20%），不小于 1000 的数值以 00 结尾的比例（应约 1%），单侧二项检验。"),
        ("forensic.benford-first",
         "First digits against Benford's law (χ² p-value; Nigrini's MAD band only where N makes it meaningful, from 246 values). Only on columns whose central 90 % spans two orders of magnitude, with at least 110 values: bounded counts, rates, codes and count × standard amounts are not Benford.",
         "首位数字与本福特定律比较（χ² p 值；仅当样本量足够（246 个以上）时采用 Nigrini 的 MAD 分级）。仅用于中间 90% 的数值跨越两个数量级、且至少 110 个数值的列：有界计数、比率、代码以及人数乘标准的金额不服从本福特定律。"),
        ("forensic.benford-first-two",
         "First two digits against Benford's law, as benford-first, from 1,146 values (the MAD band from 1,301).",
         "前两位数字与本福特定律比较，同首位检验，至少 1,146 个数值（MAD 分级需 1,301 个以上）。"),
        ("forensic.period-outlier",
         "Hidiroglou–Berthelot on each village's period-to-period ratio among its township's villages, with Banff's defaults (U = 0, A = 0.05, 3 observations) and an imputation multiplier of 20; reported only for a change of at least 20 units and 30 %, and only in groups of 10 pairs or more (Banff flags a +4 % move in a stable small group; veto does not). An editing rule, not a test: info, no part in the evidence.",
         "Hidiroglou–Berthelot 方法：各村逐期比值在同乡镇各村中的离群程度，采用 Banff 默认参数（U = 0、A = 0.05、至少 3 个观测）及插补乘数 20；只报告变动至少 20 且 30% 的情形，且组内至少 10 对（Banff 会把稳定小组中 +4% 的变动标为离群，veto 不会）。属于审核规则而非统计检验：仅作提示，不计入证据。"),
        ("forensic.implied-standard",
         "Where no standard is configured for a two-rate programme (special support: disabled / death), the pair of round monthly amounts that fits the units' money exactly (funds = 12·(a·x + b·y)), solved across a county's unit-periods without additions; the domain county's 291,360 yuan for 5 + 28 families fits 600 / 760 yuan a month. Units that pay more than the inferred standard are review, less info.",
         "对未配置标准的双标准项目（特别扶助：伤残 / 死亡），在全县无新增的单位-期别中求出能使资金恰好相符的一对整数月标准（资金 = 12·(a·x + b·y)）；本项目所依据的县 5 + 28 户 291,360 元即符合每月 600 / 760 元。高于推算标准的单位为需核查，低于的仅作提示。"),
        ("forensic.evidence",
         "A unit's evidence across independent detector families (Fisher over the families, Cauchy within a family whose tests share data), after Benjamini–Hochberg over every test of the run with each family given an equal share of the error rate (weighted BH). review: two families at q < 0.05; veto: two independent families each at Benjamini–Yekutieli q < 0.001 with their effect-size gates passed. A screening result to verify, not proof.",
         "某单位在相互独立的各类检验中的综合证据（类间 Fisher 合并，共享数据的同类检验用 Cauchy 合并），先经全部检验的 Benjamini–Hochberg 校正（各类检验平分错误率，加权 BH）。需核查：两类 q < 0.05；否决：两类独立检验的 Benjamini–Yekutieli q 均 < 0.001 且效应量门槛均通过。这是需要核实的筛查结果，不是定论。"),
    ]

    /// The explanation of a detector finding id, with the columns the rule set declares it for.
    static func detectorText(_ id: String, rules: RuleSet, lang: Language) -> String? {
        guard let d = detectorFindings.first(where: { $0.id == id }) else { return nil }
        var s = "\(d.id) — \(lang == .zh ? d.zh : d.en)\n"
        let kind = String(id.dropFirst("forensic.".count))
        let specs = rules.schema.detectors.filter { $0.kind == kind && $0.enabled }
        if !specs.isEmpty {
            s += "\n" + (lang == .zh ? "本规则集启用于：" : "Declared for:") + "\n"
            for spec in specs {
                var parts = ["columns: " + spec.columns.joined(separator: ", ")]
                if let e = spec.exposure { parts.append("exposure: \(e)") }
                if let n = spec.numerator, let m = spec.denominator { parts.append("counts: \(n) / \(m)") }
                if let f = spec.funds { parts.append("funds: \(f)") }
                parts.append("group: \(spec.group.rawValue)")
                s += "  " + parts.joined(separator: "; ") + "\n"
            }
        }
        s += lang == .zh
            ? "\n统计异常需要核实，不是造假的证明。前提条件不满足时报告“不适用”及原因，绝不以 p = 1 代替。\n"
            : "\nA statistical anomaly to verify, not proof. Where its preconditions fail the detector says \"not applicable, because …\", never a p-value of 1.\n"
        return s
    }
}
