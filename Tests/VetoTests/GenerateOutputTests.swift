import Testing
@testable import Veto

/// Every pattern but typo (whose 万/元 slip is written in whichever unit the column is not in).
let variantInjections = Pattern.allCases.filter { $0 != .typo }.map { Injection(pattern: $0, amount: .perCounty(1)) }

@Test func sameSeedWritesTheSameBytes() throws {
    let config = GeneratorConfig(seed: 42, counties: 2, years: 2018...2020, townships: 4...6, villages: 3...6,
                                 injections: try Injection.parse("all:1"))
    for i in 0..<2 {
        let a = try generate(config, county: i), b = try generate(config, county: i)
        #expect(a.files.map(\.name) == b.files.map(\.name))
        #expect(a.files.map(\.bytes) == b.files.map(\.bytes))
        #expect(Generator.labelsCSV(a.labels) == Generator.labelsCSV(b.labels))
    }
    // A different seed gives a different county (so the comparison above can fail).
    var other = config
    other.seed = 43
    #expect(try generate(other).files.map(\.bytes) != generate(config).files.map(\.bytes))
}

/// County i of a run is the same whatever the number of counties, and its genuine figures do
/// not depend on what is planted.
@Test func countiesAreIndependent() throws {
    let one = try generate(smallConfig(seed: 8), county: 1)
    var three = smallConfig(seed: 8)
    three.counties = 3
    #expect(try generate(three, county: 1).files.map(\.bytes) == one.files.map(\.bytes))
    #expect(one.code != (try generate(three, county: 2)).code)
}

struct Variant: Sendable, CustomTestStringConvertible {
    var format: CSVOutputFormat
    var testDescription: String {
        "\(format.headers.rawValue)-\(format.encoding.rawValue)-\(format.money.rawValue)-\(format.lineEnding.rawValue)"
    }
}

let variants: [Variant] = [
    Variant(format: CSVOutputFormat(headers: .en, encoding: .utf8BOM, money: .wan, lineEnding: .crlf)),
    Variant(format: CSVOutputFormat(headers: .zh, encoding: .gb18030, money: .wan, lineEnding: .lf)),
    Variant(format: CSVOutputFormat(headers: .en, encoding: .gb18030, money: .yuan, lineEnding: .crlf)),
    Variant(format: CSVOutputFormat(headers: .zh, encoding: .utf8, money: .wan, lineEnding: .crlf)),
]

/// Every variant of one seed reads back to the same figures and the same labels as the plain one.
@Test(arguments: variants)
func variantsHoldTheSameFigures(_ v: Variant) throws {
    let plain = try generate(smallConfig(seed: 21, inject: variantInjections))
    let other = try generate(smallConfig(seed: 21, inject: variantInjections, format: v.format))
    let a = readBack(plain.files), b = readBack(other.files, gb18030: v.format.encoding == .gb18030)
    #expect(b.problems.isEmpty, "\(b.problems.prefix(3))")
    #expect(a.rows.count == b.rows.count && !a.rows.isEmpty)
    for (x, y) in zip(a.rows, b.rows) {
        #expect(x.file == y.file && x.line == y.line && x.unit == y.unit && x.period == y.period && x.name == y.name)
        for f in numericFields where x.v(f) != y.v(f) {
            Issue.record("\(y.file):\(y.line) \(f): \(String(describing: x.v(f))) vs \(String(describing: y.v(f)))")
        }
    }
    #expect(plain.labels == other.labels)
}

/// The bytes are what each option says.
@Test(arguments: variants)
func variantBytesAreWhatTheOptionsSay(_ v: Variant) throws {
    let c = try generate(smallConfig(seed: 3, format: v.format))
    var bytes = c.files[0].bytes
    if v.format.encoding == .gb18030 {
        #expect(String(validating: bytes, as: UTF8.self) == nil, "GB18030 output that is valid UTF-8")
        bytes = try Iconv.convert(bytes, from: "GB18030", to: "UTF-8")
        var plainFormat = v.format
        plainFormat.encoding = .utf8
        #expect(bytes == (try generate(smallConfig(seed: 3, format: plainFormat))).files[0].bytes)
    }
    #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]) == (v.format.encoding == .utf8BOM))
    let text = String(decoding: bytes, as: UTF8.self)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.dropLast().allSatisfy { $0.hasSuffix("\r") } == (v.format.lineEnding == .crlf))
    let header = lines[0].split(separator: ",").map { String($0.filter { $0 != "\r" && $0 != "\u{FEFF}" }) }
    let money = v.format.money == .wan ? "(万元)" : (v.format.headers == .zh ? "(元)" : "")
    #expect(header.contains((v.format.headers == .zh ? "奖励扶助资金" : "reward_funds") + money))
    #expect(header.contains(v.format.headers == .zh ? "出生人数" : "births"))
    // 万元 amounts are written with exactly four decimals.
    if v.format.money == .wan, let col = header.firstIndex(of: (v.format.headers == .zh ? "奖励扶助资金" : "reward_funds") + "(万元)") {
        for line in lines.dropFirst() where !line.isEmpty {
            let cell = line.split(separator: ",", omittingEmptySubsequences: false)[col]
            #expect(cell.split(separator: ".").last?.filter({ $0.isNumber }).count == 4, "\(cell)")
        }
    }
}

/// A 万/元 slip is written in the other unit: ÷10⁴ in a 元 column, ×10⁴ in a 万元 column.
@Test(arguments: [MoneyUnit.yuan, .wan])
func typoSlipFollowsTheMoneyUnit(_ money: MoneyUnit) throws {
    var slips = 0
    for seed: UInt64 in 1...6 {
        let format = CSVOutputFormat(money: money)
        let g = readBack(try generate(smallConfig(seed: seed, format: format)).files)
        let c = try generate(smallConfig(seed: seed, inject: [Injection(pattern: .typo, amount: .probability(0.3))], format: format))
        let p = readBack(c.files)
        for l in c.labels {
            guard let now = p.rows.first(where: { $0.file == l.file && $0.line == l.line })?.v(l.field),
                  let was = g.row(l.unitCode, Int(l.period) ?? 0)?.v(l.field) else { continue }
            if money == .yuan && now * ExactDecimal(10_000) == was { slips += 1 }
            if money == .wan && now == was * ExactDecimal(10_000) { slips += 1 }
        }
    }
    #expect(slips >= 2, "\(slips) slips in the \(money) direction")
}

/// Genuine counties of the default size pass the current `veto check` with nothing to review;
/// the same county with padded rolls does not (so this test can fail).
@Test(arguments: [UInt64(1), 2, 3])
func genuineCountiesPassVetoCheck(seed: UInt64) throws {
    let config = GeneratorConfig(seed: seed, counties: 1, years: 2019...2021)
    let checker = Checker()
    for f in try generate(config).files { checker.add(bytes: f.bytes, name: f.name) }
    let r = checker.finish()
    #expect(!r.verdicts.isEmpty)
    #expect(r.verdicts.allSatisfy { $0.verdict == .pass }, "\(r.verdicts.filter { $0.verdict != .pass }.prefix(3))")
    #expect(r.findings.filter { $0.severity >= .review }.isEmpty, "\(r.findings.prefix(3).map(\.id))")

    var padded = config
    padded.injections = [Injection(pattern: .paddedRoll, amount: .perCounty(2))]
    let planted = try generate(padded)
    let check2 = Checker()
    for f in planted.files { check2.add(bytes: f.bytes, name: f.name) }
    let failing = Set(check2.finish().verdicts.filter { $0.verdict >= .fail }.map { "\($0.key.unit.code)@\($0.key.period?.description ?? "")" })
    let labelled = Set(planted.labels.filter { $0.role == .planted }.map { "\($0.unitCode)@\($0.period)" })
    #expect(!labelled.isEmpty && labelled.isSubset(of: failing))
}

/// The committed fixtures are what the generator writes today (see fixtures/generated/regenerate.sh).
struct FixtureSet: Sendable, CustomTestStringConvertible {
    var directory: String
    var config: GeneratorConfig
    var testDescription: String { directory }
}

let fixtureSets: [FixtureSet] = {
    func small(_ seed: UInt64, _ format: CSVOutputFormat) -> GeneratorConfig {
        GeneratorConfig(seed: seed, years: 2018...2020, townships: 5...5, villages: 3...5, format: format,
                        injections: (try? Injection.parse("all:1")) ?? [])
    }
    return [
        FixtureSet(directory: "seed15-zh-utf8-yuan-lf", config: small(15, CSVOutputFormat())),
        FixtureSet(directory: "seed16-en-utf8bom-wan-crlf",
                   config: small(16, CSVOutputFormat(headers: .en, encoding: .utf8BOM, money: .wan, lineEnding: .crlf))),
        FixtureSet(directory: "seed17-zh-gb18030-wan-crlf",
                   config: small(17, CSVOutputFormat(encoding: .gb18030, money: .wan, lineEnding: .crlf))),
        FixtureSet(directory: "seed1-zh-utf8-yuan-lf-genuine", config: GeneratorConfig(seed: 1, years: 2020...2021)),
    ]
}()

@Test(arguments: fixtureSets)
func committedFixturesAreCurrent(_ set: FixtureSet) throws {
    let dir = fixturesDirectory + "/" + set.directory + "/"
    let c = try generate(set.config)
    let expected = c.files.map { ($0.name, $0.bytes) } + [("labels.csv", Array(Generator.labelsCSV(c.labels).utf8))]
    for (name, bytes) in expected {
        let same = readFile(dir + name) == bytes
        #expect(same, "\(set.directory)/\(name) is not what the generator writes: run fixtures/generated/regenerate.sh")
    }
    if set.config.injections.isEmpty {
        #expect(c.labels.isEmpty)
    } else {
        #expect(Set(c.labels.map(\.pattern)) == Set(Pattern.standard), "every pattern but the careful ones, once")
    }
}
