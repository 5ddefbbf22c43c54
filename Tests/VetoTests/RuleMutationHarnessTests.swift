import Testing
@testable import Veto

// The seeded mutation harness for the two fuzz targets that take rule and standards files
// (fuzz/FuzzRuleFile.swift, fuzz/FuzzStandards.swift): the same entry points and checks, on
// deterministic mutations of the pack, the `veto init` templates and the fixtures, so every
// `make test` fuzzes them a little.

/// Tokens that break YAML, expressions and exact arithmetic.
private let hostile: [String] = [
    "\"", "'", ":", "- ", "{", "}", "[", "]", "#", "&a", "*a", "!!binary ", "\n", "\t", "\u{0}", "\u{1B}[2J",
    "(", ")", "((((((((((", "))))))))))", "-", "--", "+", "*", "/", "≤", "≠", "=", "==", " and ", " or ", " not ",
    "round(births, -100)", "0.0000000000000000001", "99999999999999999999999", "1e308", "std(reward)", "std(nope)",
    "prev.", "children.", "sum(", "abs(", "min(", "max(", "if(", "{col}", "births", "reward_funds", "万", "%",
    "severity: veto", "levels: [village]", "each: [births, population]", "inflates: true", "when: ", "assert: ",
]

private func mutate(_ text: String, _ rng: inout SplitMix64) -> String {
    var s = Array(text.unicodeScalars)
    for _ in 0..<(1 + Int(rng.next() % 6)) {
        let at = s.isEmpty ? 0 : Int(rng.next() % UInt64(s.count))
        switch rng.next() % 5 {
        case 0: s.insert(contentsOf: hostile[Int(rng.next() % UInt64(hostile.count))].unicodeScalars, at: at)
        case 1 where !s.isEmpty: s.removeSubrange(at..<min(s.count, at + 1 + Int(rng.next() % 24)))
        case 2 where s.count > 4:
            let end = min(s.count, at + 1 + Int(rng.next() % 300))
            s.insert(contentsOf: s[at..<end], at: Int(rng.next() % UInt64(s.count)))
        case 3 where !s.isEmpty: s[at] = Unicode.Scalar(UInt8(truncatingIfNeeded: rng.next() % 128))
        default: s = Array(s.prefix(at + 40))
        }
    }
    var out = String.UnicodeScalarView()
    out.append(contentsOf: s)
    return String(out)
}

/// The pack and the rules template, whole and one rule at a time.
private let ruleSeeds: [String] = {
    var out: [String] = []
    for text in [Packs.familyWelfare, Templates.rules] {
        out.append(text)
        let parts = text.components(separatedBy: "\nrules:\n")
        guard parts.count == 2 else { continue }
        for rule in parts[1].components(separatedBy: "\n  - id:").dropFirst() { out.append("rules:\n  - id:" + rule) }
    }
    return out
}()

/// Rule files: parsed on the pack's schema, compiled, linted; no crash, every error located.
@Test(arguments: 0..<4)
func mutatedRuleFileThroughParserTypeCheckerAndLint(seed: Int) throws {
    var rng = SplitMix64(seed: 9_100 + UInt64(seed))
    let base = try Packs.load("family-welfare").schema
    for _ in 0..<150 {
        let text = mutate(ruleSeeds[Int(rng.next() % UInt64(ruleSeeds.count))], &rng)
        let (set, errors) = RuleFile.parse(text, file: "m.yml", base: rng.next() % 4 == 0 ? Schema() : base)
        for e in errors { #expect(e.line >= 1 && e.column >= 1, "\(e)") }
        _ = try? Program(rules: set)
        _ = RuleLint.check(set)
    }
}

/// Standards tables, CSV and YAML: no crash; errors name the file; a checked table has no
/// overlap and every lookup covers its period and code.
@Test(arguments: 0..<4)
func mutatedStandardsThroughTheLoader(seed: Int) throws {
    var rng = SplitMix64(seed: 9_200 + UInt64(seed))
    let programmes = try Packs.load("family-welfare").schema.programmes
    let csv = "programme,per_year,from_period,to_period,region,one_off,min_age,source\n"
        + "reward,960,2012,2019,62,false,60,a\nreward,1200,2020,,62,否,60,b\nsskf,3000,2012,,,true,,c\n"
        + "special_disabled,7200,2020H1,,6230,false,,d\n"
    let periods = ["2010", "2012", "2020", "2020H2", "2021Q3", "2022-06"].compactMap(Period.parse)
    for i in 0..<300 {
        let yaml = i % 2 == 1
        let text = mutate(yaml ? Templates.standards : csv, &rng)
        let table: StandardsTable
        do {
            table = yaml ? try StandardsTable.parse(yaml: text, file: "m.yml", programmes: i % 4 < 2 ? programmes : nil)
                         : try StandardsTable.parse(csv: Array(text.utf8), file: "m.csv", programmes: i % 4 < 2 ? programmes : nil)
        } catch let e as StandardsError {
            #expect(e.file == (yaml ? "m.yml" : "m.csv"))
            continue
        } catch let e as RuleFileError {
            #expect(e.file == "m.yml" && e.line >= 1)
            continue
        } catch {
            continue   // Yams' own errors for a YAML file it cannot scan
        }
        #expect(table.overlaps().isEmpty)
        for s in table.standards {
            for p in periods {
                _ = s.amount(for: p)
                for code in ["", "62", "623021105000"] {
                    guard let found = table.lookup(s.programme, period: p, code: code) else { continue }
                    #expect(found.fromYear <= p.year && (found.toYear ?? .max) >= p.year && code.hasPrefix(found.region))
                }
            }
        }
    }
}
