import Testing
@testable import Veto
import VetoCSV

/// Every finding id rendered in both languages; a `zh` message, the `zh` text report and the
/// `zh` explanation hold no Latin prose (issue 10 item 2).
///
/// The rule: **two or more English words in a row** (only spaces between them) is prose. A word
/// is a run of ASCII letters; identifiers are not words and may appear anywhere: anything with a
/// digit, `_`, `.`, `-` or `:` in it (`reward_total`, `hier.births`, `utf-8`, `U+FFFD`), the
/// schema's column names, rule and finding ids, programme names, verdict and severity names,
/// typo kinds, and a short list of names that have no Chinese spelling (`BOM`, `NUL`, `CSV`,
/// `MiB`, `Excel`, `R`, `libcsv`, `veto`, …). Text in quotes (“…”, "…", `…`) is quoted input or
/// syntax and is skipped. A single English word inside Chinese is tolerated (a code such as
/// `swap`); a phrase is not.
struct LanguageTests {
    static let names: Set<String> = {
        var s: Set<String> = ["BOM", "NUL", "CSV", "MiB", "KiB", "Excel", "R", "libcsv", "veto", "key", "values",
                              "when", "assert", "yuan", "prev", "children", "sum", "count", "std", "is_missing",
                              "normalize", "check", "write", "csv", "NA", "NaN", "NULL", "H", "Q", "E"]
        let set = (try? Packs.load("family-welfare")) ?? RuleSet(rules: [])
        for c in set.schema.columns { s.insert(c.name) }
        for r in set.rules { s.insert(r.id) }
        for v in Verdict.allCases { s.insert(v.rawValue); s.insert(v.rawValue.uppercased()) }
        for v in Severity.allCases { s.insert(v.name) }
        for p in ["reward", "special", "special_disabled", "special_death", "sskf", "ltc_reward"] { s.insert(p) }
        for k in ["swap", "wan-yuan", "dropped-digit", "doubled-digit", "sign"] { s.insert(k) }
        return s
    }()

    /// The first run of Latin prose in `text`, or nil.
    static func latinProse(_ text: String) -> String? {
        // Quoted spans are input or syntax: skipped.
        var plain = ""
        var closer: Character?
        for ch in text {
            if let c = closer {
                if ch == c { closer = nil }
                continue
            }
            switch ch {
            case "“": closer = "”"
            case "\"": closer = "\""
            case "`": closer = "`"
            case "「": closer = "」"
            default: plain.append(ch)
            }
        }
        // Tokens: runs of [A-Za-z0-9_.:+/-]; a word is a token of letters only that is not a name.
        var run: [String] = []
        var token = ""
        var gapIsSpace = true
        func isWord(_ t: String) -> Bool {
            !t.isEmpty && t.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) } && !names.contains(t)
        }
        func endToken() -> String? {
            defer { token = "" }
            guard !token.isEmpty else { return nil }
            // Trailing sentence punctuation belongs to the gap.
            while let l = token.last, ".:-/".contains(l) { token.removeLast() }
            if isWord(token) && gapIsSpace {
                run.append(token)
                if run.count >= 2 { return run.joined(separator: " ") }
            } else if isWord(token) {
                run = [token]
            } else {
                run = []
            }
            gapIsSpace = true
            return nil
        }
        for ch in plain {
            if ch.isASCII && (ch.isLetter || ch.isNumber || "_.:+/-'".contains(ch)) {
                token.append(ch)
            } else {
                if let hit = endToken() { return hit }
                if ch != " " { gapIsSpace = false; run = [] }
            }
        }
        return endToken()
    }

    @Test func theProseDetectorCatchesPhrasesAndSparesIdentifiers() {
        #expect(Self.latinProse("字段数少于表头：5 fields where the header has 6") == "fields where")
        #expect(Self.latinProse("reward_total 应等于下级单位之和") == nil)
        #expect(Self.latinProse("未检查：没有 ltc_reward 的标准；按报告数推算每人 0 元") == nil)
        #expect(Self.latinProse("“not checked”（引用）") == nil)
        #expect(Self.latinProse("疑为 623021003002 的 reward_total 笔误（swap）") == nil)
        #expect(Self.latinProse("字节在该编码下无效：字节偏移 3 处的字节 FF 不是有效的 utf-8") == nil)
        #expect(Self.latinProse("文件为空：the input holds no bytes") == "the input")
        #expect(Self.latinProse("likely wrong reward_total") == "likely wrong")
    }

    /// Inputs that produce every finding id the registry names (each rule's and input finding's
    /// worked example, and a few crafted inputs for those without one).
    static func runs() -> [(name: String, result: CheckResult)] {
        var out: [(String, CheckResult)] = []
        let set = (try? Packs.load("family-welfare")) ?? RuleSet(rules: [])
        func run(_ name: String, _ bytes: [UInt8], options: CheckOptions = CheckOptions()) {
            var o = options
            o.standards = .examples
            let c = Checker(options: o)
            c.add(bytes: bytes, name: "t.csv")
            out.append((name, c.finish()))
        }
        for r in set.rules { if let ex = r.example { run(r.id, Array(ex.utf8)) } }
        for f in Explain.inputFindings where !f.example.isEmpty { run(f.id, Array(f.example.utf8)) }
        run("csv-empty-file", [])
        run("csv-empty-file blank", Array("\n\n".utf8))
        var small = CheckOptions()
        small.reader.maxFieldBytes = 16
        small.reader.maxFieldsPerRecord = 4
        run("csv-field-too-large", Array("period,unit_code,unit_name\n2020,623021105000,\(String(repeating: "甲", count: 40))\n".utf8), options: small)
        run("csv-record-too-wide", Array("period,unit_code,births\n2020,623021105000,1,2,3,4,5\n".utf8), options: small)
        run("csv-too-few-fields one", Array("period,unit_code,births\n2020\n".utf8))
        run("csv-unterminated-quote eof", Array("period,unit_code,unit_name\n2020,623021105000,\"甲镇\n".utf8))
        run("encoding-invalid-bytes", Array("period,unit_code,unit_name\n2020,623021105000,".utf8) + [0xC3, 0x28, 0x0A])
        run("row-revised", Array("period,unit_code,births\n2020,623021105000,4\n2020,623021105000,5\n".utf8))
        run("cells", Array("period,unit_code,births,births_male,reward_funds,multi_outside_policy_rate\n2020,623021105000,1.5,12%,3万人,5万\n2020,,1,1,1,1\n,623021105000,1,1,1,1\n".utf8))
        run("hierarchy typo", Array("period,unit_code,reward_total\n2020,623021105000,100\n2020,623021105201,40\n2020,623021105202,06\n".utf8))
        // A generated county with every pattern planted: typos, padded rolls and funds, sums, revisions.
        let all = Pattern.allCases.filter { !$0.rawValue.hasPrefix("careful") }.map { Injection(pattern: $0, amount: .perCounty(1)) }
        if let county = try? generate(smallConfig(seed: 7, years: 2018...2020, inject: all)) {
            let c = Checker(options: CheckOptions())
            for f in county.files { c.add(bytes: f.bytes, name: f.name) }
            out.append(("generated", c.finish()))
        }
        return out
    }

    @Test func everyZhMessageIsChineseWithoutLatinProse() {
        var bad: [String] = []
        var ids = Set<String>()
        for (name, r) in Self.runs() {
            for f in r.findings {
                ids.insert(f.id)
                if let p = Self.latinProse(f.message.zh) { bad.append("\(name) → \(f.id): “\(p)” in \(f.message.zh)") }
                #expect(!f.message.en.isEmpty, "\(f.id) has no en message")
            }
            let text = TextReport.render(r, lang: .zh, style: .init(color: false))
            for line in text.split(separator: "\n") {
                if let p = Self.latinProse(String(line)) { bad.append("\(name) → text: “\(p)” in \(line)") }
            }
        }
        let report = Array(Set(bad)).sorted().prefix(80).joined(separator: "\n")
        #expect(bad.isEmpty, "\(bad.count) zh texts with Latin prose:\n\(report)")
        // The runs cover the registry's ids (a few need a rule file or a changing file).
        let set = (try? Packs.load("family-welfare")) ?? RuleSet(rules: [])
        let expected = Set(set.rules.filter { $0.example != nil }.map(\.id))
        #expect(expected.subtracting(ids).isEmpty, "not produced: \(expected.subtracting(ids).sorted())")
    }

    @Test func everyZhExplanationIsChineseWithoutLatinProse() throws {
        let set = try Packs.load("family-welfare")
        var ids = set.rules.map(\.id) + Explain.inputFindings.map(\.id)
        ids += set.rules.filter { $0.implied != nil }.map { $0.id + ".implied" }
        var bad: [String] = []
        for id in ids {
            guard let text = Explain.text(id, rules: set, standards: .examples, lang: .zh) else { continue }
            for line in text.split(separator: "\n") where !line.hasPrefix("    ") {  // the example's CSV is input
                if let p = Self.latinProse(String(line)) { bad.append("\(id): “\(p)” in \(line)") }
            }
        }
        let report = Array(Set(bad)).sorted().prefix(60).joined(separator: "\n")
        #expect(bad.isEmpty, "\(bad.count) zh explanation lines with Latin prose:\n\(report)")
    }
}

/// Column widths count CJK characters as two, combining marks as none.
@Test(arguments: [("abc", 3), ("县", 2), ("某县（整改报告）", 16), ("单位-期别", 9), ("１８２５", 8), ("e\u{301}", 1), ("", 0), ("한국", 4)])
func displayWidthCountsWideCharactersAsTwo(_ s: String, _ width: Int) {
    #expect(TextReport.displayWidth(s) == width, "\(s)")
}

@Test func tablesAlignMixedChineseAndLatinColumns() {
    let rows = TextReport.table([["判定", "单位-期别"], ["REVIEW", "12"], ["PASS", "3"]])
    // The second column starts at the same terminal column on every row.
    let starts = rows.map { row -> Int in
        let first = row.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)[0]
        var rest = row.dropFirst(first.count)
        var pad = 0
        while rest.first == " " { rest.removeFirst(); pad += 1 }
        return TextReport.displayWidth(String(first)) + pad
    }
    #expect(Set(starts).count == 1, "\(rows)")
}
