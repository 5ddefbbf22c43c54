import VetoStats

/// A unit's forensic evidence, combined: what `veto scan` ranks by.
public struct UnitEvidence: Sendable, Equatable {
    public struct Family: Sendable, Equatable {
        public var family: String
        /// The family's tests combined by Cauchy (they share data).
        public var pValue: Double
        /// The smallest Benjamini–Hochberg and Benjamini–Yekutieli q among its tests.
        public var q: Double
        public var qBY: Double
        public var effect: Bool
        public var tests: Int
    }
    public var unitCode: String
    /// The period every test of the unit is about, nil when they span periods.
    public var period: String?
    /// Families combined by Fisher (independent given the figures they condition on).
    public var pValue: Double
    public var families: [Family]
    public var severity: Severity?
    /// The messages of its strongest tests, most significant first (kept for the first
    /// ``Detectors/evidenceWithWords`` units of the ranking; empty further down).
    public var top: [Message]
}

/// What the detectors found, for the checker to keep and the reports to show.
struct DetectorOutcome {
    /// Each finding with the unit-periods whose verdict it raises.
    var findings: [(finding: Finding, keys: [UnitPeriod])] = []
    var evidence: [UnitEvidence] = []
    var notes: [DetectorNote] = []
    var tests = 0
}

/// The detectors of a run, fed by the checker's row hook and finished at its end: interns units
/// and periods, hands rows on, then puts every test of the run through Benjamini–Hochberg (and
/// Benjamini–Yekutieli, valid under any dependence), combines each unit's evidence across
/// families and assigns the tiers of FORENSICS.md §5.
///
/// Tiers (conservative: a false `veto` is the worst error this tool can make):
/// - `info`: a test with BH q < 0.10;
/// - `review`: a test with BH q < 0.01, or a unit with two families at BH q < 0.05;
/// - `veto`: a unit with at least two independent families each at BY q < 0.001 whose
///   effect-size gates pass.
///
/// - Complexity: per row O(detectors); memory O(units + groups × periods) plus what each
///   detector keeps (each says its bound), never the rows' cells.
final class Detectors {
    private(set) var detectors: [any Detector] = []
    /// `detectors`, unretained, for the row hook (set with them, emptied with them).
    private var unretained: [Unmanaged<RowHook>] = []
    private var notes: [DetectorNote] = []
    /// Units by key, a unit's index its slot: a 12-digit code by its value (no string hashed per
    /// row, and its name rebuilt from it at the end, not kept); any other unit by `1 << 63 | index`,
    /// found by its name in `otherIndex`.
    private var unitKeys = SlotMap(capacity: 1024)
    /// The keys of units that are not 12-digit codes, and their indices by name.
    private var otherKeys: [Int32: UnitKey] = [:]
    private var otherIndex: [String: Int32] = [:]
    private var levels: [UnitCode.Level?] = []
    /// The unit of the last row interned by its code.
    private var lastUnit: Int32 = -1
    private var periods: [Period?] = []
    private var periodIndex: [Period: Int32] = [:]
    /// The periods each unit was read in (to raise the verdicts of a unit's findings).
    /// Bit i: the unit was read in period i (i < 64); later periods in a list (rare).
    private var unitPeriodMask: [UInt64] = []
    private var unitLatePeriods: [Int32: [Int32]] = [:]
    private var files: [String] = []
    // The last row's parent and county, reused while rows come township by township.
    private var lastParentValue: UInt64 = .max, lastParent: Int32 = -1, lastCounty: Int32 = -1
    /// The index of the period of the last row (rows come grouped by period: one comparison, no hashing).
    private var lastPeriodIndex: Int32 = -1
    /// Group-periods (a parent's, a county's or the whole table's rows of one period) interned to
    /// dense indices, shared by every detector: their per-group-period state is an array entry
    /// (``GroupPeriodTable``), not a dictionary entry per detector and column. The last row's three
    /// are reused while rows come township by township.
    private var groupPeriods = SlotMap(capacity: 64)
    private var lastGroupPeriod: (parent: UInt64, parentIndex: Int32, county: UInt64, countyIndex: Int32, all: UInt64, allIndex: Int32) =
        (.max, -1, .max, -1, .max, -1)

    var isEmpty: Bool { detectors.isEmpty }

    /// Per detector, the unit levels it reads (bit `Level.rank`), so a row does not copy its spec.
    private var levelMasks: [UInt8] = []

    init(schema: Schema) {
        for spec in schema.detectors where spec.enabled {
            guard let d = Self.make(spec, schema: schema) else { continue }
            detectors.append(d)
            levelMasks.append((spec.levels ?? [.village]).reduce(0) { $0 | UInt8(1 << $1.rank) })
        }
        unretained = detectors.map { Unmanaged.passUnretained($0 as RowHook) }
    }

    /// A detector family's name in Chinese (the kinds are ids; messages name them in words).
    static func familyZh(_ family: String) -> String {
        switch family {
        case "implausible-zero": "零值检验"
        case "underdispersion": "离散度检验"
        case "sex-ratio": "出生性别比检验"
        case "duplicate-rows": "重复数据检验"
        case "threshold-bunching": "指标线聚集检验"
        case "digits": "数字分布检验"
        case "period-outlier": "期间异常检验"
        case "implied-standard": "推算标准检验"
        default: "检验"
        }
    }

    /// The family a detector kind belongs to: the digit tests share their digits.
    static func family(_ kind: String) -> String {
        ["last-digit", "rounding", "benford-first", "benford-first-two"].contains(kind) ? "digits" : kind
    }

    static func make(_ spec: DetectorSpec, schema: Schema) -> (any Detector)? {
        func col(_ n: String?) -> Int? { n.flatMap { schema.index(of: $0) } }
        let cols = spec.columns.compactMap { schema.index(of: $0) }
        guard cols.count == spec.columns.count else { return nil }
        switch spec.kind {
        case "implausible-zero":
            guard let e = col(spec.exposure) else { return nil }
            return ZeroDetector(spec: spec, columns: cols, exposure: e, schema: schema)
        case "underdispersion":
            guard let e = col(spec.exposure) else { return nil }
            return DispersionDetector(spec: spec, columns: cols, exposure: e, schema: schema)
        case "sex-ratio":
            return SexRatioDetector(spec: spec, boys: cols[0], girls: cols[1], schema: schema)
        case "duplicate-rows":
            return DuplicateDetector(spec: spec, columns: cols, schema: schema)
        case "threshold-bunching":
            let targets = schema.targets.filter { t in spec.columns.contains(t.column) }
            guard !targets.isEmpty else { return nil }
            return BunchingDetector(spec: spec, targets: targets, numerator: col(spec.numerator), denominator: col(spec.denominator),
                                    schema: schema)
        case "last-digit", "rounding", "benford-first", "benford-first-two":
            return DigitDetector(spec: spec, columns: cols, schema: schema)
        case "period-outlier":
            return PeriodOutlierDetector(spec: spec, columns: cols, schema: schema)
        case "implied-standard":
            guard let f = col(spec.funds) else { return nil }
            return ImpliedStandardDetector(spec: spec, counts: (cols[0], cols[1]), funds: f, added: col(spec.added), schema: schema)
        default:
            return nil
        }
    }

    /// The unit's index, added when new. `rowUnit`: the unit of the row being fed (its guess and
    /// its place are the next row's first guess; a parent's are not).
    private func intern(_ key: UnitKey, level: UnitCode.Level?, rowUnit: Bool = false) -> Int32 {
        let value = key.unitCode.flatMap { $0.value != .max ? $0.value : nil }
        if let v = value {
            // Rows list a period's units in the order the period before did: the unit after the
            // last row's is the first guess (checked against its code), before the hash lookup.
            let guess = Int(lastUnit) + 1
            if rowUnit, guess > 0, guess < unitKeys.count, unitKeys.key(guess) == v {
                lastUnit = Int32(guess)
                return lastUnit
            }
            if let i = unitKeys[v] {
                if rowUnit { lastUnit = i }
                return i
            }
        } else if let i = otherIndex[key.code] { return i }
        let i = Int32(unitKeys.count)
        unitKeys.insert(value ?? (1 << 63 | UInt64(i)))
        if value == nil {
            otherKeys[i] = key
            otherIndex[key.code] = i
        }
        levels.append(level)
        unitPeriodMask.append(0)
        if value != nil && rowUnit { lastUnit = i }
        return i
    }

    /// A unit's name: its code, or the key it was read under.
    private func unitName(_ i: Int) -> String {
        otherKeys[Int32(i)]?.code ?? UnitCode(value: unitKeys.key(i)).code
    }

    private func intern(_ code: UnitCode) -> Int32 { intern(.code(code), level: code.level) }

    static func county(of u: UnitCode) -> UnitCode? {
        var c = u
        while c.level > .county, let p = c.parent { c = p }
        return c.level == .county ? c : nil
    }

    /// The first row of a unit-period.
    func row(_ row: RowView, key: UnitPeriod) {
        self.row(cells: UnsafePointer(row.cells), key: key, input: row.input, line: row.line)
    }

    /// The first row of a unit-period, by its cells (``DetectorFeed`` hands rows over this way).
    func row(cells: UnsafePointer<Cell>, key: UnitPeriod, input: Int, line: Int) {
        guard !detectors.isEmpty else { return }
        let level = key.unit.unitCode?.level
        let unit = intern(key.unit, level: level, rowUnit: true)
        var parent: Int32 = -1, county: Int32 = -1
        if let u = key.unit.unitCode, let pv = KeyPacker.parentValue(KeyPacker.codeValue(u)) {
            if pv == lastParentValue && level == .village {
                parent = lastParent
                county = lastCounty
            } else if let p = u.parent {
                parent = intern(p)
                county = Self.county(of: u).map { $0 == u ? unit : intern($0) } ?? -1
                lastParentValue = pv
                lastParent = parent
                lastCounty = county
            }
        }
        var period: Int32 = -1
        if let p = key.period {
            if lastPeriodIndex >= 0, periods[Int(lastPeriodIndex)] == p { period = lastPeriodIndex } else if let i = periodIndex[p] {
                period = i
                lastPeriodIndex = i
            } else {
                period = Int32(periods.count)
                periods.append(p)
                periodIndex[p] = period
                lastPeriodIndex = period
            }
        }
        if period >= 0 && period < 64 {
            unitPeriodMask[Int(unit)] |= 1 << UInt64(period)
        } else {
            unitLatePeriods[unit, default: []].append(period)
        }
        var gp = lastGroupPeriod
        let parentKey = groupPeriodKey(parent, period), countyKey = groupPeriodKey(county, period), allKey = groupPeriodKey(-1, period)
        if parentKey != gp.parent { (gp.parent, gp.parentIndex) = (parentKey, internGroupPeriod(parentKey)) }
        if countyKey != gp.county { (gp.county, gp.countyIndex) = (countyKey, internGroupPeriod(countyKey)) }
        if allKey != gp.all { (gp.all, gp.allIndex) = (allKey, internGroupPeriod(allKey)) }
        lastGroupPeriod = gp
        let r = DetectorRow(cells: cells, unit: unit, parent: parent, county: county, period: period,
                            periodValue: key.period, level: level, input: Int32(input), line: Int32(line),
                            groupPeriods: (gp.parentIndex, gp.countyIndex, gp.allIndex))
        let bit: UInt8 = level.map { UInt8(1 << $0.rank) } ?? 0xFF
        // Called unretained (`detectors` holds each of them while rows come): a detector taken out
        // of the array is retained and released for its call, two atomic operations each, a dozen
        // times a row.
        for i in unretained.indices where levelMasks[i] & bit != 0 {
            unretained[i]._withUnsafeGuaranteedRef { $0.row(r) }
        }
    }

    private func internGroupPeriod(_ key: UInt64) -> Int32 { groupPeriods[key] ?? groupPeriods.insert(key) }

    /// Finishes every detector (once: their state is freed) and turns its tests into findings with tiers.
    /// `emit`, when given, takes each finding as it is made (with the unit-periods whose verdict
    /// it raises), in the order ``DetectorOutcome/findings`` would list them, and the outcome's
    /// list stays empty: a run's tens of thousands of findings are then held once, where the
    /// caller keeps them, not twice.
    func finish(files: [String], emit: ((Finding, [UnitPeriod]) -> Void)? = nil) -> DetectorOutcome {
        var out = DetectorOutcome()
        guard !detectors.isEmpty else { return out }
        func put(_ f: Finding, _ keys: [UnitPeriod]) {
            if let emit { emit(f, keys) } else { out.findings.append((f, keys)) }
        }
        let units = (0..<unitKeys.count).map(unitName)
        let context = DetectorContext(units: units, periods: periods, levels: levels,
                                      groupPeriodKeys: (0..<groupPeriods.count).map { groupPeriods.key($0) })
        // In blocks, not one array that doubles (at 1 GiB 400,000 tests); each detector's state is
        // freed once it has finished.
        var tests = Blocks<DetectorTest>()
        // Tests whose p is 1 (a comparison without a match) are not listed but counted.
        var untestedBy: [String: Int] = [:]
        var pending = Array(detectors.reversed())
        unretained.removeAll()
        detectors.removeAll()
        while let d = pending.popLast() {
            let (t, n) = d.finish(context)
            tests.append(contentsOf: t)
            out.notes += n
            guard d.untested > 0 else { continue }
            if let dup = d as? DuplicateDetector {
                for (f, n) in dup.untestedByFamily { untestedBy[f, default: 0] += n }
            } else {
                untestedBy[Self.family(d.spec.kind), default: 0] += d.untested
            }
        }
        // Their state (per unit, per group) is freed by now, before the findings and the checker's
        // verdicts are built on top of it. The hub finishes once.
        out.notes = notes + out.notes
        let withP = tests.indices.filter { tests[$0].pValue != nil }
        let untested = untestedBy.values.reduce(0, +)
        out.tests = withP.count + untested
        let (bh, by) = Self.adjust(withP.map { tests[$0].pValue ?? 1 }, families: withP.map { tests[$0].family }, untested: untestedBy)
        var q = [Double](repeating: 1, count: tests.count), qBY = q
        for (k, i) in withP.enumerated() {
            q[i] = bh[k]
            qBY[i] = by[k]
        }
        func file(_ t: DetectorTest) -> String { t.input >= 0 && Int(t.input) < files.count ? files[Int(t.input)] : (files.first ?? "") }
        func keysOf(_ unit: Int32, _ period: Int32) -> [UnitPeriod] {
            guard unit >= 0 else { return [] }
            let mask = unitPeriodMask[Int(unit)]
            let ps = period >= 0 ? [period] : (0..<64).filter { mask & (1 << UInt64($0)) != 0 }.map(Int32.init) + (unitLatePeriods[unit] ?? [])
            let key = otherKeys[unit] ?? .code(UnitCode(code: units[Int(unit)]))
            return ps.map { UnitPeriod(unit: key, period: $0 >= 0 ? periods[Int($0)] : nil) }
        }
        // Findings of single tests.
        func severityOf(_ i: Int) -> Severity? {
            let t = tests[i]
            var severity: Severity
            if t.pValue == nil {
                severity = t.severity
            } else if q[i] < 0.01 {
                severity = .review
            } else if q[i] < 0.10 {
                severity = .info
            } else {
                return nil
            }
            if t.unit < 0 { severity = min(severity, .info) }
            return severity
        }
        let covered = Self.coveredDuplicates(tests, severity: severityOf)
        for (i, t) in tests.enumerated() {
            guard let severity = severityOf(i), !covered.contains(i) else { continue }
            let f = finding(t, severity: severity, q: t.pValue == nil ? nil : q[i], file: file(t), context: context)
            put(f, severity > .info ? keysOf(t.unit, t.period) : [])
            // A copied row: which of the two is the copy the figures cannot say, so both are named.
            if t.alsoUnit >= 0 {
                var g = f
                g.unitCode = context.unitName(t.alsoUnit)
                g.line = t.alsoLine >= 0 ? Int(t.alsoLine) : nil
                put(g, severity > .info ? keysOf(t.alsoUnit, t.period) : [])
            }
        }
        // Each unit's evidence across families.
        var byUnit: [Int64: [Int]] = [:]
        for i in withP where tests[i].unit >= 0 {
            byUnit[Int64(tests[i].unit) << 32 | Int64(tests[i].period + 1), default: []].append(i)
        }
        var ranked: [(evidence: UnitEvidence, top: [Int])] = []
        for (key, idx) in byUnit.sorted(by: { $0.key < $1.key }) {
            let unit = Int32(key >> 32), period = Int32(key & 0xFFFF_FFFF) - 1
            var families: [UnitEvidence.Family] = []
            for (name, members) in Dictionary(grouping: idx, by: { tests[$0].family }).sorted(by: { $0.key < $1.key }) {
                let p = members.count == 1 ? (tests[members[0]].pValue ?? 1)
                    : (Combination.cauchy(members.map { tests[$0].pValue ?? 1 }).value?.pValue ?? 1)
                families.append(.init(family: name, pValue: min(1, p), q: members.map { q[$0] }.min() ?? 1,
                                      qBY: members.map { qBY[$0] }.min() ?? 1,
                                      effect: members.contains { tests[$0].effect && qBY[$0] < 0.001 }, tests: members.count))
            }
            families.sort { $0.pValue < $1.pValue || ($0.pValue == $1.pValue && $0.family < $1.family) }
            let combined = Self.combined(families)
            let severity = Self.tier(families)
            let strong = families.filter { $0.qBY < 0.001 && $0.effect }
            let moderate = families.filter { $0.q < 0.05 }
            let top = idx.sorted { (tests[$0].pValue ?? 1) < (tests[$1].pValue ?? 1) }.prefix(3)
            let ev = UnitEvidence(unitCode: units[Int(unit)], period: period >= 0 ? context.periodName(period) : nil,
                                  pValue: combined, families: families, severity: severity, top: [])
            ranked.append((ev, Array(top)))
            // A combined finding where two families speak (the one that can carry `veto`).
            guard moderate.count >= 2, let s = severity else { continue }
            let first = idx.min { (tests[$0].pValue ?? 1) < (tests[$1].pValue ?? 1) } ?? idx[0]
            let list = families.filter { $0.q < 0.05 }.map { "\($0.family) p=\(Words.p($0.pValue))" }.joined(separator: ", ")
            let listZh = families.filter { $0.q < 0.05 }.map { "\(Self.familyZh($0.family)) p=\(Words.p($0.pValue))" }.joined(separator: "，")
            let verdictEn = s == .veto
                ? "strong, multiplicity-corrected evidence from \(strong.count) independent families with large effects: put before the review, as a screening result to verify, not proof"
                : "evidence from \(moderate.count) independent families: worth a look; a statistical anomaly to verify, not proof"
            let verdictZh = s == .veto
                ? "\(strong.count) 类相互独立的检验均给出经多重检验校正后的强证据且效应量大：建议提交审查；这是需要核实的筛查结果，不是定论"
                : "\(moderate.count) 类相互独立的检验给出证据：值得核查；这是需要核实的统计异常，不是造假的证明"
            let f = Finding(id: "forensic.evidence", kind: .detector, severity: s, file: file(tests[first]),
                            unitCode: units[Int(unit)], period: period >= 0 ? context.periodName(period) : nil,
                            fields: Array(Set(idx.flatMap { tests[$0].fields })).sorted(), pValue: combined,
                            message: Message(zh: "综合证据（\(listZh)）：合并 p = \(Words.p(combined))；\(verdictZh)",
                                             en: "combined evidence (\(list)): combined p = \(Words.p(combined)); \(verdictEn)"))
            put(f, keysOf(unit, period))
        }
        // Ranked, the strongest first; the top tests' words only for the first units (what any
        // report shows), so tens of thousands of units with a test cost their figures alone.
        ranked.sort { $0.evidence.pValue < $1.evidence.pValue || ($0.evidence.pValue == $1.evidence.pValue && $0.evidence.unitCode < $1.evidence.unitCode) }
        out.evidence = ranked.enumerated().map { k, e in
            var ev = e.evidence
            if k < Self.evidenceWithWords { ev.top = e.top.map { tests[$0].message } }
            return ev
        }
        return out
    }

    /// The duplicate-rows tests that say less than another of the same pair of rows: a column
    /// group's match on fewer figures (the births block alone) where a group with more (the births
    /// block, population and rolls) matched the same unit, period and sibling at least as strongly.
    /// Their findings are not listed (the tests still count, in the evidence and the corrections).
    static func coveredDuplicates(_ tests: Blocks<DetectorTest>, severity: (Int) -> Severity?) -> Set<Int> {
        var byPair: [String: [Int]] = [:]
        for (i, t) in tests.enumerated() where t.kind == "duplicate-rows" && severity(i) != nil {
            byPair["\(t.family)|\(t.unit)|\(t.period)|\(t.alsoUnit)", default: []].append(i)
        }
        var covered: Set<Int> = []
        for list in byPair.values where list.count > 1 {
            for i in list {
                let mine = Set(tests[i].fields), s = severity(i) ?? .info
                if list.contains(where: { j in j != i && Set(tests[j].fields).isStrictSuperset(of: mine) && (severity(j) ?? .info) >= s }) {
                    covered.insert(i)
                }
            }
        }
        return covered
    }

    /// How many of the ranked units keep their top tests' messages (`veto scan --top` shows 20 by
    /// default, JSON lists 100).
    static let evidenceWithWords = 1_000

    private func finding(_ t: DetectorTest, severity: Severity, q: Double?, file: String, context: DetectorContext) -> Finding {
        var zh = t.message.zh, en = t.message.en
        if let p = t.pValue, let q {
            en += " (p = \(Words.p(p)), q = \(Words.p(q)) over the run's tests): a statistical anomaly to verify, not proof"
            zh += "（p = \(Words.p(p))，全部检验校正后 q = \(Words.p(q))）：这是需要核实的统计异常，不是造假的证明"
        }
        var f = Finding(id: DetectorSpec.findingID(t.kind), kind: .detector, severity: severity, file: file,
                        line: t.line >= 0 ? Int(t.line) : nil, column: nil,
                        unitCode: t.unit >= 0 ? context.unitName(t.unit) : nil,
                        period: t.period >= 0 ? context.periodName(t.period) : nil, fields: t.fields,
                        expected: t.expected, actual: t.actual, pValue: t.pValue,
                        message: Message(zh: Self.compacted(zh), en: Self.compacted(en)))
        f.digits = t.digits
        return f
    }

    /// The same text in storage of its own length: a message built by interpolation and appends
    /// has room for up to as much again (its storage doubles as it grows), and a run keeps tens
    /// of thousands of these until the report is written.
    static func compacted(_ s: String) -> String {
        var s = s
        return s.withUTF8 { bytes in
            String(unsafeUninitializedCapacity: bytes.count) { out in
                _ = out.initialize(fromContentsOf: bytes)
                return bytes.count
            }
        }
    }

    /// Weighted Benjamini–Hochberg and –Yekutieli q-values of the listed p-values (Genovese, Roeder &
    /// Wasserman 2006): each family of detectors gets an equal share of the run's error rate, so a
    /// detector that makes 100,000 comparisons does not drown one that makes 200 tests. Weights
    /// average 1 over every test of the run, the `untested` ones (p = 1, by family) included; with
    /// one family this is plain BH / BY (SciPy `false_discovery_control`).
    ///
    /// - Complexity: O(n log n) time and O(n) memory for n p-values, whatever the untested count.
    static func adjust(_ pValues: [Double], families: [String], untested: [String: Int] = [:]) -> (bh: [Double], by: [Double]) {
        var perFamily = untested
        for f in families { perFamily[f, default: 0] += 1 }
        let m = Double(pValues.count + untested.values.reduce(0, +)), count = Double(max(perFamily.count, 1))
        func weight(_ family: String) -> Double { m / count / Double(max(perFamily[family] ?? 1, 1)) }
        let ps = zip(pValues, families).map { min(1, max(0, $0) / weight($1)) }
        // The untested comparisons as runs of one value, not written out: a duplicate detector's
        // comparisons number C(k, 2) per group-period, tens of millions on a province.
        let rest = untested.sorted(by: { $0.key < $1.key }).map { (value: min(1, 1 / weight($0.key)), count: $0.value) }
        let bh = Multiplicity.benjaminiHochberg(ps, alongside: rest).value ?? ps
        let by = Multiplicity.benjaminiYekutieli(ps, alongside: rest).value ?? ps
        return (bh, by)
    }

    /// A unit's families combined: Fisher over independent families.
    static func combined(_ families: [UnitEvidence.Family]) -> Double {
        Combination.fisher(families.map(\.pValue)).value?.pValue ?? 1
    }

    /// FORENSICS.md §5's tiers for a unit: veto only with two independent families each at BY
    /// q < 0.001 and an effect-size gate passed; review with two families at BH q < 0.05 or one at
    /// q < 0.01; info at q < 0.10.
    static func tier(_ families: [UnitEvidence.Family]) -> Severity? {
        let strong = families.filter { $0.qBY < 0.001 && $0.effect }
        let moderate = families.filter { $0.q < 0.05 }
        if strong.count >= 2 { return .veto }
        if moderate.count >= 2 || families.contains(where: { $0.q < 0.01 }) { return .review }
        if families.contains(where: { $0.q < 0.10 }) { return .info }
        return nil
    }

    /// a + b, held at Int64's bounds rather than trapping: the sums of a group's figures, each
    /// within ±2⁴⁰ (``DetectorRow/int(_:)``), reach them only past 8 million unit-periods of
    /// absurd figures, where no statistic means anything and none may crash the run.
    @inline(__always)
    static func sum(_ a: Int64, _ b: Int64) -> Int64 {
        let (r, o) = a.addingReportingOverflow(b)
        return o ? (b > 0 ? .max : .min) : r
    }

    /// A cell as a whole number: nil when not reported, unreadable, fractional or too large.
    static func integer(_ c: Cell) -> Int64? {
        guard c.state == .number else { return nil }
        var m = c.mantissa, e = Int(c.exponent)
        while e < 0 {
            guard m % 10 == 0 else { return nil }
            m /= 10
            e += 1
        }
        while e > 0 {
            let (r, o) = m.multipliedReportingOverflow(by: 10)
            if o { return nil }
            m = r
            e -= 1
        }
        return m
    }

    /// A cell's exact digits.
    static func digits(_ c: Cell) -> DecimalDigits? {
        guard c.state == .number else { return nil }
        return DecimalDigits(mantissa: c.mantissa, exponent: Int(c.exponent))
    }
}

/// "not applicable in 12 of 14 groups, because …": the most common reason, counted.
struct NotApplicableTally {
    private(set) var groups = 0
    private(set) var reasons: [String: (count: Int, zh: String)] = [:]

    mutating func ran() { groups += 1 }
    mutating func skip(en: String, zh: String) {
        groups += 1
        reasons[en, default: (0, zh)].count += 1
    }

    func note(id: String, fields: [String], what: String, whatZh: String) -> DetectorNote? {
        guard let (en, v) = reasons.max(by: { ($0.value.count, $1.key) < ($1.value.count, $0.key) }) else { return nil }
        let skipped = reasons.values.reduce(0) { $0 + $1.count }
        return DetectorNote(id: id, fields: fields,
                            message: Message(zh: "\(whatZh)：\(groups) 组中 \(skipped) 组不适用，最常见的原因：\(v.zh)",
                                             en: "\(what): not applicable in \(skipped) of \(groups) groups, mostly because \(en)"))
    }
}
