import Testing
@testable import Veto
import Foundation

/// One planted error → one cause, its consequences attached (issue 10 item 1).
///
/// The county: 623021000000, townships 623021003000 (villages 001, 002) and 623021004000
/// (village 001), two years. Every figure is consistent until one is planted.
struct CausesTests {
    typealias Flow = (prev: Int, added: Int, exited: Int, total: Int)

    static let villages: [String: [Flow]] = [
        "623021003001": [(10, 2, 1, 11), (11, 3, 0, 14)],
        "623021003002": [(20, 3, 2, 21), (21, 1, 1, 21)],
        "623021004001": [(30, 5, 4, 31), (31, 0, 2, 29)],
    ]

    /// The table with `plant` applied to the village rows (before the sums are taken) and
    /// `after` to every row once sums are in.
    static func table(plant: (String, Int, inout Flow) -> Void = { _, _, _ in },
                      after: (String, Int, inout Flow) -> Void = { _, _, _ in }) -> String {
        var rows: [(String, Int, Flow)] = []
        func add(_ a: Flow, _ b: Flow) -> Flow { (a.prev + b.prev, a.added + b.added, a.exited + b.exited, a.total + b.total) }
        for y in 0..<2 {
            var towns: [String: Flow] = [:]
            for code in villages.keys.sorted() {
                var f = villages[code]![y]
                plant(code, 2018 + y, &f)
                rows.append((code, 2018 + y, f))
                let t = String(code.prefix(9)) + "000"
                towns[t] = add(towns[t] ?? (0, 0, 0, 0), f)
            }
            var county: Flow = (0, 0, 0, 0)
            for (t, f) in towns.sorted(by: { $0.key < $1.key }) {
                rows.append((t, 2018 + y, f))
                county = add(county, f)
            }
            rows.append(("623021000000", 2018 + y, county))
        }
        // The true sums everywhere except where planted: a village's planted figure is not summed
        // upwards unless `plant` says so (the township reports what it really has).
        var out = "period,unit_code,reward_prev,reward_added,reward_exited,reward_total\n"
        for (code, year, f) in rows {
            var f = f
            after(code, year, &f)
            out += "\(year),\(code),\(f.prev),\(f.added),\(f.exited),\(f.total)\n"
        }
        return out
    }

    static func check(_ csv: String) -> CheckResult {
        let c = Checker(options: CheckOptions())
        c.add(bytes: Array(csv.utf8), name: "t.csv")
        return c.finish()
    }

    static func causes(_ r: CheckResult) -> [Finding] {
        r.findings.filter { $0.severity >= .fail && $0.causedBy == nil }
    }

    static func describe(_ r: CheckResult) -> String {
        r.findings.map { f in
            "\(f.id) \(f.unitCode ?? "-") \(f.period ?? "-") \(f.severity) lw=\(f.likelyWrong ?? []) "
                + "cause=\(f.causedBy.map { "\($0.id)@\($0.unitCode ?? "")/\($0.period ?? "")" } ?? "-") n=\(f.consequenceCount)"
        }.joined(separator: "\n")
    }

    @Test func consistentCountyHasNoFindingsToGroup() {
        let r = Self.check(Self.table())
        #expect(r.findings.filter { $0.severity >= .fail }.isEmpty, "\(Self.describe(r))")
    }

    @Test func villageTypoIsOneCauseWithTheTownshipSumAndTheNextOpening() throws {
        // 623021003002 writes 12 for 21 in 2018 (its township and county report the true 21);
        // 2019 opens with the true 21.
        let csv = Self.table(after: { code, year, f in
            if code == "623021003002" && year == 2018 { f.total = 12 }
        })
        let r = Self.check(csv)
        let causes = Self.causes(r)
        #expect(causes.count == 1, "\(Self.describe(r))")
        let cause = try #require(causes.first)
        #expect(cause.unitCode == "623021003002" && cause.period == "2018", "\(Self.describe(r))")
        let consequences = r.findings.filter { $0.causedBy != nil }
        let allToIt = consequences.allSatisfy { $0.causedBy?.unitCode == "623021003002" && $0.causedBy?.period == "2018" }
        #expect(allToIt)
        // The township's sum, and the 2019 opening of the village itself.
        let townshipSum = consequences.contains { $0.unitCode == "623021003000" && $0.period == "2018" && $0.causedBy?.relation == .sum }
        let nextOpening = consequences.contains { $0.unitCode == "623021003002" && $0.period == "2019" && $0.causedBy?.relation == .link }
        #expect(townshipSum, "\(Self.describe(r))")
        #expect(nextOpening, "\(Self.describe(r))")
        #expect(cause.consequenceCount == consequences.count)
        #expect(cause.consequences.count == consequences.count)
        // Listed county → township → village.
        #expect(cause.consequences.first?.unitCode == "623021003000", "\(cause.consequences)")
        // The township's 2018 verdict inherits; the village's own 2019 too (from its 2018).
        let inherited = Causes.inherited(r.findings)
        #expect(inherited[Causes.inheritedKey("623021003000", "2018")]?.first?.unitCode == "623021003002")
        #expect(inherited[Causes.inheritedKey("623021003002", "2019")]?.first?.period == "2018")
        #expect(inherited[Causes.inheritedKey("623021003002", "2018")] == nil)
    }

    @Test func paddedRollCarriedUpwardsIsOneCauseWithTownshipCountyAndNextYearsLinks() throws {
        // 623021003001 inflates its 2018 reward_total 11 → 17, and the township and county add
        // the padded figure into their own totals (their flows break; their sums hold), while
        // 2019 opens with the true 11 everywhere (every link of 2019 breaks).
        let csv = Self.table(plant: { code, year, f in
            if code == "623021003001" && year == 2018 { f.total = 17 }
        })
        let r = Self.check(csv)
        let causes = Self.causes(r)
        #expect(causes.count == 1, "\(Self.describe(r))")
        let cause = try #require(causes.first)
        #expect(cause.unitCode == "623021003001" && cause.period == "2018", "\(Self.describe(r))")
        let consequences = r.findings.filter { $0.causedBy != nil }
        let link = consequences.contains { $0.unitCode == "623021003001" && $0.period == "2019" && $0.id == "link.reward_prev" }
        #expect(link, "\(Self.describe(r))")
        let units = Set(consequences.compactMap(\.unitCode))
        #expect(units == ["623021003001", "623021003000", "623021000000"], "\(Self.describe(r))")
        #expect(cause.consequenceCount == consequences.count)
        // County first, then township, then the village's own next year.
        #expect(cause.consequences.map { $0.unitCode ?? "" } == cause.consequences.map { $0.unitCode ?? "" }.sorted { a, b in
            (try? UnitCode.parse(a).get().level) ?? .village < (try? UnitCode.parse(b).get().level) ?? .village
        })
    }

    @Test func paddedRollIsOneCauseWithTheTownshipSumAndNextYearsLink() throws {
        // The village's padded 17 appears in its own row only; township and county report the
        // true totals: the township's sum fails and the county's holds.
        let csv = Self.table(after: { code, year, f in
            if code == "623021003001" && year == 2018 { f.total = 17 }
        })
        let r = Self.check(csv)
        let causes = Self.causes(r)
        #expect(causes.count == 1, "\(Self.describe(r))")
        #expect(causes.first?.unitCode == "623021003001", "\(Self.describe(r))")
        let link = r.findings.contains { $0.id == "link.reward_prev" && $0.period == "2019" && $0.causedBy?.relation == .link }
        #expect(link, "\(Self.describe(r))")
        let township = r.findings.contains { $0.unitCode == "623021003000" && $0.causedBy?.unitCode == "623021003001" }
        #expect(township, "\(Self.describe(r))")
    }

    @Test func townshipOnlyErrorIsTheCauseAndTheCountySumItsConsequence() throws {
        // 623021003000 reports 2018 reward_total 40 where its villages sum to 32; the county
        // reports the true 63.
        let csv = Self.table(after: { code, year, f in
            if code == "623021003000" && year == 2018 { f.total = 40 }
        })
        let r = Self.check(csv)
        let causes = Self.causes(r)
        #expect(causes.count == 1, "\(Self.describe(r))")
        let cause = try #require(causes.first)
        #expect(cause.unitCode == "623021003000" && cause.period == "2018", "\(Self.describe(r))")
        let villageFindings = r.findings.filter { ($0.unitCode ?? "").hasPrefix("623021003") && $0.unitCode != "623021003000" }
        #expect(villageFindings.isEmpty)
        let county = r.findings.contains { $0.unitCode == "623021000000" && $0.causedBy?.unitCode == "623021003000" }
        #expect(county, "\(Self.describe(r))")
    }

    @Test func verdictsAndSeveritiesAreUnchangedByGrouping() {
        let csv = Self.table(after: { code, year, f in
            if code == "623021003002" && year == 2018 { f.total = 12 }
        })
        let r = Self.check(csv)
        var stripped = r
        for i in stripped.findings.indices {
            stripped.findings[i].causedBy = nil
            stripped.findings[i].consequences = []
            stripped.findings[i].consequenceCount = 0
        }
        // The township's 2018 verdict is still fail: a consequence is a real inconsistency.
        let township = r.verdicts.first { $0.key.unit.code == "623021003000" && $0.key.period?.description == "2018" }
        #expect(township?.verdict == .fail)
        #expect(r.findings.map(\.severity) == stripped.findings.map(\.severity))
    }
}


/// The generator's planted cases, one per county: each is one cause (its unit-period holds every
/// finding that is not a consequence of it).
@Test(arguments: [Pattern.paddedRoll, .typo, .hierarchy])
func oneGeneratedCaseIsOneCause(_ pattern: Pattern) throws {
    var roots: [String] = []
    for seed: UInt64 in 1...6 {
        let c = try generate(smallConfig(seed: seed, years: 2018...2020, inject: [Injection(pattern: pattern, amount: .perCounty(1))]))
        let checker = Checker(options: CheckOptions())
        for f in c.files { checker.add(bytes: f.bytes, name: f.name) }
        let r = checker.finish()
        let failing = r.findings.filter { $0.severity >= .fail }
        guard !failing.isEmpty else { continue }
        let causes = Set(failing.filter { $0.causedBy == nil }.map { "\($0.unitCode ?? "-") \($0.period ?? "-")" })
        roots.append("seed \(seed): \(causes.count) cause unit-periods of \(failing.count) failing findings")
        #expect(causes.count == 1, "\(pattern) seed \(seed): \(causes.sorted())\n\(CausesTests.describe(r))")
    }
    #expect(!roots.isEmpty, "\(pattern): nothing planted failed")
}

/// The text report leads with the cause, folds its consequences into one line, and says which
/// unit-periods inherit their verdict from it, in both languages.
@Test func textReportLeadsWithTheCauseAndFoldsItsConsequences() throws {
    let csv = CausesTests.table(after: { code, year, f in
        if code == "623021003002" && year == 2018 { f.total = 12 }
    })
    let r = CausesTests.check(csv)
    let en = TextReport.render(r, lang: .en, style: .init(color: false))
    #expect(en.contains("also breaks: township 623021003000 2018 sums (hier.reward_total); 2019 opening stock (link.reward_prev, link.reward)"), "\(en)")
    #expect(en.contains("623021003000  2018  FAIL  inherits from 623021003002 2018 (1 finding)"), "\(en)")
    #expect(en.contains("623021003002  2019  FAIL  inherits from 623021003002 2018 (2 findings)"), "\(en)")
    // The cause's heading comes first; the consequences' lines are not repeated.
    let first = try #require(en.split(separator: "\n").dropFirst(1).first)
    #expect(first.hasPrefix("623021003002  2018  FAIL"), "\(en)")
    #expect(!en.contains("[hier.reward_total]"), "\(en)")
    let zh = TextReport.render(r, lang: .zh, style: .init(color: false))
    #expect(zh.contains("另致：乡镇 623021003000 2018 合计（hier.reward_total）；2019 期初数（link.reward_prev, link.reward）"), "\(zh)")
    #expect(zh.contains("继承自 623021003002 2018（1 条）"), "\(zh)")
    #expect(zh.contains("判定"), "\(zh)")
}

/// SARIF: the cause's result lists its consequences as related locations; a consequence's
/// result names its cause.
@Test func sarifListsConsequencesAsRelatedLocations() throws {
    let csv = CausesTests.table(after: { code, year, f in
        if code == "623021003002" && year == 2018 { f.total = 12 }
    })
    let r = CausesTests.check(csv)
    let text = SARIFReport.render(r, rules: CheckOptions().rules, standards: .examples, lang: .en, lines: { _, _, _ in nil })
    let doc = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    let runs = try #require(doc["runs"] as? [[String: Any]])
    let results = try #require(runs.first?["results"] as? [[String: Any]])
    let cause = try #require(results.first { ($0["properties"] as? [String: Any])?["consequenceCount"] != nil })
    let related = try #require(cause["relatedLocations"] as? [[String: Any]])
    #expect(related.count == 3)
    let lines = related.compactMap { (($0["physicalLocation"] as? [String: Any])?["region"] as? [String: Any])?["startLine"] as? Int }
    #expect(Set(lines) == [5, 9], "\(related)")  // the township's 2018 row, the village's 2019 row
    let consequences = results.filter { ($0["properties"] as? [String: Any])?["causedBy"] != nil }
    #expect(consequences.count == 3)
}

/// CSV, JUnit and HTML carry the causes too: the CSV's `caused_by_*` cells and
/// `consequence_count`, JUnit bodies saying "caused by" and listing consequences, the HTML verdict
/// table listing the unit with the cause first and marking the inherited cells.
@Test func csvJUnitAndHTMLCarryTheCauses() throws {
    let csv = CausesTests.table(after: { code, year, f in
        if code == "623021003002" && year == 2018 { f.total = 12 }
    })
    let r = CausesTests.check(csv)
    let cause = try #require(CausesTests.causes(r).first)
    #expect(cause.unitCode == "623021003002" && cause.consequenceCount == 3, "\(CausesTests.describe(r))")

    // CSV: one row per finding; the consequences name the cause, the cause counts them.
    let rows = CSVReport.render(r, lang: .en, bom: false).split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    let head = try #require(rows.first)
    let col = { (name: String) in head.firstIndex(of: name)! }
    let body = rows.dropFirst().filter { $0.count == head.count }
    #expect(body.count == r.findings.count)
    let following = body.filter { $0[col("caused_by_id")] == cause.id }
    #expect(following.count == 3, "\(rows)")
    #expect(following.allSatisfy { $0[col("caused_by_unit")] == "623021003002" && $0[col("caused_by_period")] == "2018" && $0[col("caused_by_line")] == String(cause.line ?? 0) })
    let causeRow = try #require(body.first { $0[col("id")] == cause.id && $0[col("unit_code")] == "623021003002" && $0[col("period")] == "2018" })
    #expect(causeRow[col("caused_by_id")].isEmpty && causeRow[col("consequence_count")] == "3")

    // JUnit: the cause lists its consequences; a consequence names its cause.
    let junit = JUnitReport.render(r, lang: .en)
    #expect(junit.contains("consequences (3) "), "\(junit)")
    #expect(junit.contains("caused by \(cause.id) 623021003002 2018 (t.csv:\(cause.line ?? 0))"), "\(junit)")
    let junitZh = JUnitReport.render(r, lang: .zh)
    #expect(junitZh.contains("起因 \(cause.id) 623021003002 2018"), "\(junitZh)")

    // HTML: the village with the cause is the first row of the verdict table; the township's
    // 2018 and the village's 2019 cells inherit (hatched, ↳, a tooltip naming the cause).
    let page = HTMLReport.render(r, lang: .en)
    let table = try #require(page.range(of: "<table class=\"verdicts\">").map { String(page[$0.lowerBound...]) })
    let firstRow = try #require(table.range(of: "<tr class=\"lvl").map { String(table[$0.lowerBound...].prefix(200)) })
    #expect(firstRow.contains("623021003002"), "\(firstRow)")
    #expect(table.contains("title=\"inherits from 623021003002 2018\">↳ FAIL</td>"), "\(table.prefix(3000))")
    let own = try #require(table.range(of: "<tbody class=\"own\">")), heirs = try #require(table.range(of: "<tbody class=\"heirs\">"))
    #expect(own.lowerBound < heirs.lowerBound)
    let heirPart = String(table[heirs.lowerBound...].prefix { _ in true })
    #expect(heirPart.contains("623021003000"), "the township inherits")
}
