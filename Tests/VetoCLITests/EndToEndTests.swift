import Foundation
import Testing

/// Runs the built `veto` binary (`VETO_BIN`, or `.build/debug/veto` of this checkout).
struct Run {
    var stdout: String
    var stderr: String
    var status: Int32

    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var binary: URL {
        if let b = ProcessInfo.processInfo.environment["VETO_BIN"] { return URL(fileURLWithPath: b) }
        return root.appendingPathComponent(".build/debug/veto")
    }

    static func veto(_ args: [String], stdin: Data? = nil, environment: [String: String] = [:]) throws -> Run {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        p.currentDirectoryURL = root
        var env = ProcessInfo.processInfo.environment
        env["LANG"] = "C"
        env["NO_COLOR"] = "1"
        env.merge(environment) { $1 }
        p.environment = env
        // Outputs go to temporary files: no pipe can fill up and block the child.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("veto-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let outURL = dir.appendingPathComponent("out"), errURL = dir.appendingPathComponent("err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        if let stdin { inp.fileHandleForWriting.write(stdin) }
        try inp.fileHandleForWriting.close()
        p.waitUntilExit()
        try out.close()
        try err.close()
        return Run(stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                   stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self),
                   status: p.terminationStatus)
    }

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any] ?? [:]
    }

    var findings: [[String: Any]] { json["findings"] as? [[String: Any]] ?? [] }

    /// "id@line:column" for each finding at review or above.
    var located: [String] {
        findings.filter { ($0["severity"] as? String) != "info" }.map { f in
            let l = (f["line"] as? Int).map(String.init) ?? "-"
            let c = (f["column"] as? Int).map(String.init) ?? "-"
            return "\(f["id"] as? String ?? "?")@\(l):\(c)"
        }
    }
}

@Test func demoPrintsTheUnpaidRewardAndExits1() throws {
    let r = try Run.veto(["check", "fixtures/domain/county-2020.csv"])
    #expect(r.status == 1)
    #expect(r.stdout.contains("funds.ltc_reward_paid"))
    #expect(r.stdout.contains("10 women are reported under the long-term contraception reward, yet 0 yuan was paid"))
    #expect(r.stdout.contains("623021000000"))
    #expect(r.stdout.contains("fail 1"))
    #expect(r.stderr.isEmpty)
}

@Test func domainCountyJSONHasTheSpecShape() throws {
    let r = try Run.veto(["check", "--format", "json", "fixtures/domain/county-2020.csv"])
    #expect(r.status == 1)
    let j = r.json
    #expect(j["version"] as? Int == 1)
    let inputs = j["inputs"] as? [[String: Any]] ?? []
    #expect(inputs.first?["rows"] as? Int == 1)
    #expect(inputs.first?["encoding"] as? String == "utf-8")
    #expect(r.located == ["funds.ltc_reward_paid@2:8"])
    let f = r.findings.first { $0["id"] as? String == "funds.ltc_reward_paid" } ?? [:]
    for key in ["id", "kind", "severity", "file", "line", "column", "unit_code", "period", "fields", "expected",
                "actual", "likely_wrong", "typo", "p_value", "message"] {
        #expect(f.keys.contains(key), "\(key)")
    }
    #expect(f["expected"] as? String == "> 0")
    #expect(f["actual"] as? String == "0")
    let verdicts = j["verdicts"] as? [[String: Any]] ?? []
    #expect(verdicts.count == 1)
    #expect(verdicts.first?["verdict"] as? String == "fail")
}

@Test func gb18030CRLFCountyGivesTheSameFindings() throws {
    let utf8 = try Run.veto(["check", "--format", "json", "fixtures/domain/county-2020.csv"])
    let gb = try Run.veto(["check", "--format", "json", "fixtures/domain/county-2020-gb18030-crlf.csv"])
    #expect(gb.status == 1)
    #expect((gb.json["inputs"] as? [[String: Any]])?.first?["encoding"] as? String == "gb18030")
    let strip: ([[String: Any]]) -> [String] = { $0.map { "\($0["id"]!) \($0["line"]!) \($0["column"]!) \($0["expected"]!) \($0["message"]!)" } }
    #expect(strip(gb.findings) == strip(utf8.findings))
    #expect(!gb.findings.isEmpty)
}

@Test func failOnDecidesTheExitCode() throws {
    #expect(try Run.veto(["check", "--fail-on", "never", "fixtures/domain/county-2020.csv"]).status == 0)
    #expect(try Run.veto(["check", "--fail-on", "veto", "fixtures/domain/county-2020.csv"]).status == 0)
    #expect(try Run.veto(["check", "--fail-on", "review", "fixtures/domain/county-2020.csv"]).status == 1)
}

@Test func usageErrorsExit2AndUnreadableInputsExit3() throws {
    let usage = try Run.veto(["check", "--no-such-option", "x.csv"])
    #expect(usage.status == 2)
    #expect(usage.stderr.contains("--no-such-option"))
    let badFormat = try Run.veto(["check", "--format", "yaml", "fixtures/domain/county-2020.csv"])
    #expect(badFormat.status == 2)
    let missing = try Run.veto(["check", "no/such/file.csv"])
    #expect(missing.status == 3)
    #expect(missing.stderr.contains("no/such/file.csv"))
    #expect(missing.stderr.contains("No such file"))
    let dir = try Run.veto(["check", "fixtures"])
    #expect(dir.status == 3)
    // One unreadable input does not stop the others from being checked.
    let mixed = try Run.veto(["check", "--format", "json", "no/such.csv", "fixtures/domain/county-2020.csv"])
    #expect(mixed.status == 3)
    #expect(mixed.located == ["funds.ltc_reward_paid@2:8"])
}

@Test func standardInputIsAnInput() throws {
    let data = try Data(contentsOf: Run.root.appendingPathComponent("fixtures/domain/county-2020.csv"))
    let r = try Run.veto(["check", "--format", "json", "-"], stdin: data)
    #expect(r.status == 1)
    #expect(r.located == ["funds.ltc_reward_paid@2:8"])
    #expect(r.findings.first?["file"] as? String == "<stdin>")
}

@Test func chineseMessagesWithLangZh() throws {
    let r = try Run.veto(["check", "--lang", "zh", "fixtures/domain/county-2020.csv"])
    #expect(r.stdout.contains("报告 10 人采取长效节育措施，但兑现奖励金为 0 元"))
}

struct CorpusCase: Sendable, CustomTestStringConvertible {
    var file: String
    var args: [String]
    var expected: [String]
    var testDescription: String { file }
}

let corpus: [CorpusCase] = {
    let url = Run.root.appendingPathComponent("fixtures/malformed/EXPECTED.tsv")
    let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
        let cols = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        return CorpusCase(file: cols[0],
                          args: cols.count > 1 ? cols[1].split(separator: " ").map(String.init) : [],
                          expected: cols.count > 2 ? cols[2].split(separator: " ").map(String.init) : [])
    }
}()

@Test func corpusIsListed() {
    #expect(corpus.count >= 15)
}

@Test(arguments: corpus)
func malformedInputBecomesLocatedFindings(_ c: CorpusCase) throws {
    let r = try Run.veto(["check", "--format", "json"] + c.args + ["fixtures/malformed/" + c.file])
    let failing = r.findings.contains { ["fail", "veto"].contains($0["severity"] as? String) }
    #expect(r.status == (failing ? 1 : 0), "\(r.stderr)")
    #expect(failing == !c.expected.allSatisfy { $0.hasPrefix("csv-stray-quote") })
    #expect(r.located == c.expected)
    #expect(!r.stderr.contains("Fatal"))
}

@Test func normalizeWritesCanonicalCSV() throws {
    let r = try Run.veto(["normalize", "fixtures/domain/county-2020.csv"])
    #expect(r.status == 0)
    let expected = """
    period,unit_code,unit_name,births,births_illegal,multi_outside_policy_rate,ltc_women,ltc_reward_funds,\
    reward_added,reward_exited,reward_total,reward_funds,special_added,special_exited,special_total,\
    special_added_disabled,special_added_death,special_total_disabled,special_total_death,special_funds,\
    sskf_added,sskf_funds,women_contacted,technicians,villages,communities
    2020,623021000000,某县（整改报告）,142,0,0,10,0,42,17,556,53.376万,14,1,33,1,13,5,28,291360,68,20.4万,1825,111,171,4

    """
    #expect(r.stdout == expected)
}

@Test func normalizeIsTheSameFromGB18030CRLF() throws {
    let a = try Run.veto(["normalize", "fixtures/domain/county-2020.csv"])
    let b = try Run.veto(["normalize", "fixtures/domain/county-2020-gb18030-crlf.csv"])
    #expect(b.status == 0)
    #expect(a.stdout == b.stdout)
}

@Test func normalizeWritesBadCellsEmptyAndSaysSo() throws {
    let r = try Run.veto(["normalize", "--source", "fixtures/malformed/text-in-number.csv"])
    #expect(r.status == 1)
    let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines[0] == "period,unit_code,unit_name,births,births_male,births_female,source_file,source_line")
    #expect(lines[1] == "2020,623021101000,甲镇,,21,19,fixtures/malformed/text-in-number.csv,2")
    #expect(lines[2] == "2020,623021102000,乙乡,,17,16,fixtures/malformed/text-in-number.csv,3")
    #expect(r.stderr.contains("fixtures/malformed/text-in-number.csv:2:4: fail cell-invalid-number"))
}

@Test func rulesListShowAndLint() throws {
    let list = try Run.veto(["rules", "list"])
    #expect(list.status == 0)
    #expect(list.stdout.contains("flow.reward"))
    #expect(list.stdout.contains("hier.reward_total"))
    let show = try Run.veto(["rules", "show"])
    #expect(show.stdout.hasPrefix("# The population-and-family-welfare report"))
    let one = try Run.veto(["rules", "show", "funds.reward"])
    #expect(one.stdout.contains("assert: (reward_total - reward_added) * std(reward) ≤ reward_funds ≤ reward_total * std(reward)"))
    let missing = try Run.veto(["rules", "show", "flow.rewrd"])
    #expect(missing.status == 2)

    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("veto-lint-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let bad = dir.appendingPathComponent("bad.yml")
    try """
    version: 1
    rules:
      - id: a
        assert: birthz ≤ 5
        message: {zh: x, en: x}
      - id: b
        assert: sqrt(births) = 2
        message: {zh: x, en: x}
    """.write(to: bad, atomically: true, encoding: .utf8)
    let lint = try Run.veto(["rules", "lint", bad.path])
    #expect(lint.status == 2)
    #expect(lint.stderr.contains("bad.yml:4:13: rule `a`, assert: unknown column `birthz`; did you mean `births`?"))
    #expect(lint.stderr.contains("bad.yml:7:13: rule `b`, assert: unknown function `sqrt`"))
    #expect(lint.stderr.contains("2 errors"))
    // A broken rule file given to check is a usage error: exit 2.
    let check = try Run.veto(["check", "--rules", bad.path, "fixtures/domain/county-2020.csv"])
    #expect(check.status == 2)
    #expect(check.stderr.contains("bad.yml:4:13"))
}

@Test func initWritesFilesThatLintCleanAndRefusesToOverwrite() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("veto-init-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let first = try Run.veto(["init", dir.path])
    #expect(first.status == 0)
    #expect(first.stdout.contains("rules.yml"))
    let lint = try Run.veto(["rules", "lint", dir.appendingPathComponent("rules.yml").path])
    #expect(lint.status == 0, "\(lint.stderr)")
    #expect(lint.stdout.contains("2 rules, 0 errors"))
    let check = try Run.veto(["check", "--format", "json", "--rules", dir.appendingPathComponent("rules.yml").path,
                              "--standards", dir.appendingPathComponent("standards.yml").path,
                              "fixtures/domain/county-2020.csv"])
    #expect(check.status == 1)
    let rules = check.json["rules"] as? [[String: Any]] ?? []
    let mine = rules.first { $0["id"] as? String == "my.technicians_per_village" }
    #expect(mine?["holds"] as? Int == 1)   // 111 technicians ≥ 171 villages / 2
    #expect(rules.first { $0["id"] as? String == "my.reward_growth" }?["not_checked"] as? Int == 1)
    let again = try Run.veto(["init", dir.path])
    #expect(again.status == 2)
    #expect(again.stderr.contains("exists"))
}

@Test func explainPrintsAWorkedExample() throws {
    let r = try Run.veto(["explain", "flow.reward"])
    #expect(r.status == 0)
    #expect(r.stdout.contains("typo: reward_total swap → 1530"))
    let zh = try Run.veto(["explain", "--lang", "zh", "csv-unterminated-quote"])
    #expect(zh.stdout.contains("引号未闭合"))
    let none = try Run.veto(["explain", "no.such"])
    #expect(none.status == 2)
}

@Test func aHugeLineIsAFindingNotACrashAndMemoryStaysBounded() throws {
    // A 6 MiB line (an unquoted field far over the default 1 MiB cap), generated, never committed.
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("veto-huge-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("huge.csv")
    var data = Data("period,unit_code,unit_name,births\n2020,623021105000,".utf8)
    data.append(Data(repeating: UInt8(ascii: "x"), count: 6 << 20))
    data.append(Data(",4\n2020,623021106000,乙乡,5\n".utf8))
    try data.write(to: file)
    let r = try Run.veto(["check", "--format", "json", file.path])
    #expect(r.status == 1)
    #expect(r.located == ["csv-field-too-large@2:3"])
    let inputs = r.json["inputs"] as? [[String: Any]] ?? []
    #expect(inputs.first?["rows"] as? Int == 2)
    #expect((r.json["verdicts"] as? [[String: Any]])?.count == 2)
}

/// `--jobs N` reads inputs on other threads; the report is the same byte for byte as with one
/// thread, in every format, over many inputs (two counties, several years, a malformed file,
/// a missing one, standard input), and the exit code too.
@Test func jobsGiveTheSameReportByteForByte() throws {
    let dir = "fixtures/generated/seed1-zh-utf8-yuan-lf-genuine"
    let planted = try FileManager.default.contentsOfDirectory(atPath: Run.root.appendingPathComponent("fixtures/generated").path)
        .filter { !$0.hasPrefix(".") }.sorted().prefix(4)
        .flatMap { d in
            ((try? FileManager.default.contentsOfDirectory(atPath: Run.root.appendingPathComponent("fixtures/generated/\(d)").path)) ?? [])
                .filter { $0.hasSuffix(".csv") && $0 != "labels.csv" }.sorted().map { "fixtures/generated/\(d)/\($0)" }
        }
    let inputs = ["\(dir)/620121-2020.csv", "-", "fixtures/domain/county-2020.csv", "no/such/file.csv", "fixtures/malformed/bad-identity.csv"] + planted
    #expect(inputs.count >= 6)
    let stdin = try Data(contentsOf: Run.root.appendingPathComponent("\(dir)/620121-2021.csv"))
    for format in ["json", "text", "sarif"] {
        let one = try Run.veto(["check", "--format", format, "--jobs", "1"] + inputs, stdin: stdin)
        for jobs in ["2", "3", "8"] {
            let many = try Run.veto(["check", "--format", format, "--jobs", jobs] + inputs, stdin: stdin)
            #expect(many.status == one.status, "--jobs \(jobs) \(format)")
            #expect(many.stdout == one.stdout, "--jobs \(jobs) \(format): the report differs")
        }
        #expect(one.status == 3)
        #expect(!one.stdout.isEmpty)
    }
    let bad = try Run.veto(["check", "--jobs", "0", "\(dir)/620121-2020.csv"])
    #expect(bad.status == 2)
}

/// Standard input is copied to a temporary file as it is read (and removed after), so the rows a
/// check holds back are read again whole, as a file's are: the same verdicts, findings and
/// localisation whichever way a planted county comes in, with one thread or several.
@Test func standardInputGivesTheSameReportAsTheFile() throws {
    let file = "fixtures/generated/seed15-zh-utf8-yuan-lf/620121-2020.csv"
    let data = try Data(contentsOf: Run.root.appendingPathComponent(file))
    // A directory of its own: other tests pipe standard input into veto at the same time, and
    // their copies must not be taken for this run's.
    let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("veto-stdin-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: tmp) }
    for jobs in ["1", "2"] {
        let asFile = try Run.veto(["check", "--no-detectors", "--format", "json", "--jobs", jobs, file])
        let piped = try Run.veto(["check", "--no-detectors", "--format", "json", "--jobs", jobs, "-"], stdin: data,
                                 environment: ["TMPDIR": tmp.path])
        #expect(asFile.status == piped.status)
        #expect(asFile.status != 0)
        #expect(piped.stdout.replacingOccurrences(of: "<stdin>", with: file) == asFile.stdout, "--jobs \(jobs)")
        let left = (try? FileManager.default.contentsOfDirectory(atPath: tmp.path)) ?? ["(unreadable)"]
        #expect(left.isEmpty, "--jobs \(jobs): the copy of standard input is removed: \(left)")
    }
}

/// When standard input cannot be copied (here: a file size limit of 1 KiB, so the copy's writes
/// fail), it is read once, and each row held for what came later is a `fail` finding saying its
/// waiting rules are not checked — never a silent pass — and the partial copy is removed.
@Test func standardInputThatCannotBeCopiedSaysSo() throws {
    let file = "fixtures/generated/seed15-zh-utf8-yuan-lf/620121-2020.csv"
    let data = try Data(contentsOf: Run.root.appendingPathComponent(file))
    #expect(data.count > 2048)
    let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("veto-nocopy-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: tmp) }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    // The limit is on veto alone (its report goes to a pipe); SIGXFSZ ignored, so writes fail instead.
    p.arguments = ["-c", "( trap '' XFSZ; ulimit -f 1; exec \"$0\" check --no-detectors --format json - ); echo \"exit $?\" >&2",
                   Run.binary.path]
    p.currentDirectoryURL = Run.root
    var env = ProcessInfo.processInfo.environment
    env["TMPDIR"] = tmp.path
    p.environment = env
    let inp = Pipe(), out = Pipe(), err = Pipe()
    p.standardInput = inp
    p.standardOutput = out
    p.standardError = err
    try p.run()
    inp.fileHandleForWriting.write(data)
    try inp.fileHandleForWriting.close()
    let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(stderr.contains("exit 1"), "\(stderr)")
    #expect(stdout.contains("\"input-not-copied\""))
    #expect(!stdout.contains("\"input-changed\""))
    #expect((try FileManager.default.contentsOfDirectory(atPath: tmp.path)).isEmpty, "the partial copy is removed")
}

/// Standard input with no temporary directory to copy it to is read once: a unit-period seen
/// again is then told a duplicate or a revision by the fingerprint of its first row, kept only
/// for such inputs (its first row cannot be read again to list what changed).
@Test func repeatsOnStandardInputWithoutACopyAreToldByFingerprint() throws {
    let csv = "年度,区划代码,出生人数,奖励扶助资金\n2020,623021105000,40,53.376万\n2020,623021105000,40.0,533760\n" +
              "2020,623021105000,38,533760\n"
    let r = try Run.veto(["check", "--no-detectors", "--format", "json", "-"], stdin: Data(csv.utf8),
                         environment: ["TMPDIR": "/nonexistent-veto-\(UUID().uuidString)"])
    #expect(r.status == 1, "\(r.stderr)")
    let ids = r.stdout.components(separatedBy: "\"id\": \"").dropFirst().compactMap { $0.split(separator: "\"").first.map(String.init) }
    #expect(ids.filter { $0.hasPrefix("row-") || $0.hasPrefix("input-") } == ["row-duplicate", "row-revised"], "\(ids)")
}
